//! checkout-guard with real git and real processes; the lint on config.xml files in Jenkins' own
//! format, and against a STAND-IN for Jenkins' REST endpoints (tests/peers/serve.py serving
//! config.xml, /api/json and /pluginManager/api/json with Basic auth; no Jenkins runs here).

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use deckhand_tests::*;
use serde_json::Value;

fn guard() -> Command {
    let mut cmd = step("checkout-guard");
    cmd.env_remove("JENKINS_URL").env_remove("JENKINS_USER_ID").env_remove("JENKINS_API_TOKEN");
    // English unless a test asks for another language.
    for var in ["DECKHAND_LANG", "BK_CI_LOCALE_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(var);
    }
    cmd
}

// ---- lint ----

struct Job<'a> {
    urls: &'a [&'a str],
    branches: &'a [&'a str],
    lightweight: Option<&'a str>,
    extensions: &'a [&'a str],
    no_concurrent: bool,
    parameters: bool,
}

impl Default for Job<'_> {
    fn default() -> Self {
        Job {
            urls: &["https://git.example/shop/web.git"],
            branches: &["*/main"],
            lightweight: Some("true"),
            extensions: &[],
            no_concurrent: false,
            parameters: false,
        }
    }
}

/// A pipeline job's config.xml as Jenkins writes it.
fn config_xml(job: &Job) -> String {
    let remotes: String = job
        .urls
        .iter()
        .map(|u| format!("<hudson.plugins.git.UserRemoteConfig><url>{u}</url><credentialsId>git</credentialsId></hudson.plugins.git.UserRemoteConfig>"))
        .collect();
    let branches: String = job
        .branches
        .iter()
        .map(|b| format!("<hudson.plugins.git.BranchSpec><name>{b}</name></hudson.plugins.git.BranchSpec>"))
        .collect();
    let extensions: String =
        job.extensions.iter().map(|e| format!("<hudson.plugins.git.extensions.impl.{e}/>")).collect();
    let mut properties = String::new();
    if job.no_concurrent {
        properties.push_str("<org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty><abortPrevious>false</abortPrevious></org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty>");
    }
    if job.parameters {
        properties.push_str("<hudson.model.ParametersDefinitionProperty><parameterDefinitions><hudson.model.StringParameterDefinition><name>BRANCH</name><defaultValue>main</defaultValue><trim>false</trim></hudson.model.StringParameterDefinition></parameterDefinitions></hudson.model.ParametersDefinitionProperty>");
    }
    let lightweight = job.lightweight.map(|l| format!("<lightweight>{l}</lightweight>")).unwrap_or_default();
    format!(
        r#"<?xml version='1.1' encoding='UTF-8'?>
<flow-definition plugin="workflow-job@1400.v7fd111b_ec82f">
  <actions/>
  <description></description>
  <keepDependencies>false</keepDependencies>
  <properties>{properties}</properties>
  <definition class="org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition" plugin="workflow-cps@3894.3896.vca_2c931e7935">
    <scm class="hudson.plugins.git.GitSCM" plugin="git@5.2.1">
      <configVersion>2</configVersion>
      <userRemoteConfigs>{remotes}</userRemoteConfigs>
      <branches>{branches}</branches>
      <doGenerateSubmoduleConfigurations>false</doGenerateSubmoduleConfigurations>
      <submoduleCfg class="empty-list"/>
      <extensions>{extensions}</extensions>
    </scm>
    <scriptPath>Jenkinsfile</scriptPath>
    {lightweight}
  </definition>
  <triggers/>
  <disabled>false</disabled>
</flow-definition>
"#
    )
}

const MULTIBRANCH: &str = r#"<?xml version='1.1' encoding='UTF-8'?>
<org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject plugin="workflow-multibranch@795.ve0cb_1f45ca_9a_">
  <properties/>
  <sources class="jenkins.branch.MultiBranchProject$BranchSourceList"><data><jenkins.branch.BranchSource>
    <source class="jenkins.plugins.git.GitSCMSource"><id>1</id><remote>https://git.example/shop/api.git</remote></source>
  </jenkins.branch.BranchSource></data></sources>
  <factory class="org.jenkinsci.plugins.workflow.multibranch.WorkflowBranchProjectFactory"><scriptPath>Jenkinsfile</scriptPath></factory>
</org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject>
"#;

fn lint(xml: &str, args: &[&str]) -> (Run, Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.xml");
    std::fs::write(&path, xml).unwrap();
    let out = run(guard().arg("lint").arg(&path).args(args).args(["--output", "json"]));
    let report = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
    (out, report)
}

fn ids(report: &Value) -> Vec<String> {
    report["jobs"][0]["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn lint_clean_job() {
    let (out, report) = lint(&config_xml(&Job::default()), &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(ids(&report).is_empty(), "{report}");
    let text = run(guard().arg("lint").arg(root().join("tests/fixtures/jenkins/job/shop/job/web/config.xml")));
    assert_eq!(text.code, 0, "{text:?}");
    assert!(text.stdout.contains("lightweight checkout applies"), "{text:?}");
}

#[test]
fn lint_fallback_reasons_are_warnings() {
    let job = Job { branches: &["origin/main"], extensions: &["SubmoduleOption", "CloneOption"], ..Default::default() };
    let (out, report) = lint(&config_xml(&job), &["--versions", "workflow-cps=2.94"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        ids(&report),
        ["branch-falls-back", "heavy-fallback-extensions", "old-workflow-cps-script-dir", "concurrent-builds-allowed"]
    );
    let finding = &report["jobs"][0]["findings"][0];
    assert_eq!(finding["value"], "origin/main");
    assert!(finding["fix"].as_str().unwrap().contains("*/main"), "{finding}");

    let job = Job {
        urls: &["https://a.example/x.git", "https://b.example/y.git"],
        branches: &["*/main", "*/dev"],
        no_concurrent: true,
        ..Default::default()
    };
    let (out, report) = lint(&config_xml(&job), &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(ids(&report), ["multiple-repositories", "multiple-branches"]);

    let (_, report) = lint(&config_xml(&Job { lightweight: None, no_concurrent: true, ..Default::default() }), &[]);
    assert_eq!(ids(&report), ["lightweight-missing"]);
    let (_, report) =
        lint(&config_xml(&Job { lightweight: Some("false"), no_concurrent: true, ..Default::default() }), &[]);
    assert_eq!(ids(&report), ["lightweight-false"]);
}

#[test]
fn lint_outright_failures_are_errors() {
    let (out, report) =
        lint(&config_xml(&Job { urls: &["https://git.example/${REPO}.git"], ..Default::default() }), &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(ids(&report), ["url-variable"]);
    let (out, report) = lint(&config_xml(&Job { branches: &["**"], ..Default::default() }), &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(ids(&report), ["branch-glob-fails"]);
    assert!(out.stdout.contains("\"severity\": \"error\""), "{out:?}");
}

#[test]
fn lint_branch_variables_and_plugin_versions() {
    let job = Job { branches: &["*/${BRANCH}"], parameters: true, ..Default::default() };
    let (out, report) = lint(&config_xml(&job), &[]);
    assert_eq!((out.code, ids(&report)), (1, vec!["branch-variable-unverified".to_string()]), "{out:?}");
    let old = "git=4.11.3,scm-api=600.v2a_35e1b_1cc5d,workflow-cps=2.94";
    let (out, report) = lint(&config_xml(&job), &["--versions", old]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(ids(&report), ["branch-variable-old-plugins"]);
    assert!(report["jobs"][0]["findings"][0]["message"].as_str().unwrap().contains("git 4.11.3 (needs 4.14.0)"));
    let new = "git=5.2.1,scm-api=683.vb_16722fb_b_80b_,workflow-cps=3894.3896.vca_2c931e7935";
    let (out, _) = lint(&config_xml(&job), &["--versions", new]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn lint_multibranch_and_bad_input() {
    let (out, _) = lint(MULTIBRANCH, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let (out, report) = lint(MULTIBRANCH, &["--multibranch-heavyweight"]);
    assert_eq!((out.code, ids(&report)), (1, vec!["multibranch-heavyweight".to_string()]));
    let (out, _) = lint("<flow-definition><definition", &[]);
    assert_eq!(out.code, 65, "{out:?}");
    assert!(out.stderr.contains("is not a readable config.xml"), "{out:?}");
    let out = run(guard().arg("lint"));
    assert_eq!(out.code, 64, "{out:?}");
}

#[test]
fn lint_from_jenkins_with_its_plugin_versions() {
    let token = "Jenkins-Canary-Token-11f0";
    let (_dir, server) = serve_jenkins(&format!("ci-bot:{token}"));
    let out = run(guard()
        .args(["lint", "--jenkins-url", &server, "--all", "--fetch-versions", "--output", "json"])
        .env("JENKINS_USER_ID", "ci-bot")
        .env("JENKINS_API_TOKEN", token));
    assert_eq!(out.code, 2, "{out:?}");
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let jobs: Vec<&str> = report["jobs"].as_array().unwrap().iter().map(|j| j["job"].as_str().unwrap()).collect();
    assert_eq!(jobs, ["shop/web", "shop/api", "shop/release"]);
    // shop/release uses ${BRANCH}; the fetched versions are too old for it.
    assert_eq!(report["jobs"][2]["findings"][0]["id"], "branch-variable-old-plugins");
    assert!(!out.all().contains(token));

    let lint_web = |token: &str| {
        run(guard().args(["lint", "--jenkins-url", &server, "--job", "shop/web", "--user", "ci-bot", "--token", token]))
    };
    let one = lint_web(token);
    assert_eq!(one.code, 0, "{one:?}");
    let refused = lint_web("wrong-token-123");
    assert_eq!(refused.code, 77, "{refused:?}");
    assert!(!refused.all().contains("wrong-token-123"), "{refused:?}");
}

/// Serves tests/fixtures/jenkins (Jenkins' URL layout) with Basic auth; returns it and its URL.
fn serve_jenkins(auth: &str) -> (StaticServer, String) {
    let options = ServeOptions { auth: Some(auth.to_string()), ..Default::default() };
    let server = StaticServer::start(&root().join("tests/fixtures/jenkins"), &options);
    let url = format!("http://127.0.0.1:{}/", server.port);
    (server, url)
}

// ---- the language of the messages ----

/// Two repositories (a warning) and a `$` in one of their URLs (an error).
fn two_repositories_one_with_a_variable() -> String {
    config_xml(&Job {
        urls: &["https://git.example/shop/web.git", "https://git.example/${REPO}.git"],
        no_concurrent: true,
        ..Default::default()
    })
}

fn lint_text(xml: &str, lang: &[(&str, &str)], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.xml");
    std::fs::write(&path, xml).unwrap();
    run(guard().arg("lint").arg(&path).args(args).envs(lang.iter().copied()))
}

#[test]
fn lint_findings_in_chinese_under_a_chinese_locale() {
    let out = lint_text(&two_repositories_one_with_a_variable(), &[("LANG", "zh_CN.UTF-8")], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    let repositories = "  警告 [multiple-repositories] https://git.example/shop/web.git, https://git.example/${REPO}.git：\
                        配置了 2 个仓库；轻量级检出要求只有一个\n    修复：任务中只保留一个仓库，其他仓库在 Jenkinsfile 中检出";
    assert!(out.stdout.contains(repositories), "{out:?}");
    assert!(
        out.stdout.contains("  错误 [url-variable] https://git.example/${REPO}.git：检出 Jenkinsfile 时不会展开仓库 URL 中的 `$`：构建会失败"),
        "{out:?}"
    );
    assert!(out.stdout.ends_with("共 1 个任务：1 个错误，1 个警告\n"), "{out:?}");

    // --lang wins over the locale; the JSON keeps its ids, severities and values language-neutral.
    let xml = two_repositories_one_with_a_variable();
    let (out, report) = lint(&xml, &["--lang", "zh-CN"]);
    assert_eq!(out.code, 2, "{out:?}");
    let findings = report["jobs"][0]["findings"].as_array().unwrap();
    assert_eq!(ids(&report), ["multiple-repositories", "url-variable"]);
    assert_eq!((&findings[0]["severity"], &findings[1]["severity"]), (&"warning".into(), &"error".into()));
    assert_eq!(findings[1]["value"], "https://git.example/${REPO}.git");
    assert_eq!(findings[1]["fix"], "直接写出完整的 URL（构建参数无法决定 Jenkinsfile 所在的仓库）");

    let unreadable = lint_text("<flow-definition><definition", &[("LC_ALL", "en_US.UTF-8")], &["--lang", "zh-CN"]);
    assert_eq!(unreadable.code, 65, "{unreadable:?}");
    assert!(unreadable.stderr.contains("不是可读取的 config.xml："), "{unreadable:?}");
}

#[test]
fn lint_findings_stay_english_by_default() {
    for env in [&[][..], &[("LANG", "C.UTF-8")], &[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")]] {
        let out = lint_text(&two_repositories_one_with_a_variable(), env, &[]);
        assert_eq!(out.code, 2, "{env:?}: {out:?}");
        let repositories =
            "  warning [multiple-repositories] https://git.example/shop/web.git, https://git.example/${REPO}.git: \
                            2 repositories are configured; lightweight checkout needs exactly one\n    \
                            fix: keep one repository in the job; check out others inside the Jenkinsfile";
        assert!(out.stdout.contains(repositories), "{env:?}: {out:?}");
        let variable = "  error [url-variable] https://git.example/${REPO}.git: a `$` in the repository URL is never \
                        expanded for the Jenkinsfile checkout: the build fails";
        assert!(out.stdout.contains(variable), "{env:?}: {out:?}");
        assert!(out.stdout.ends_with("1 job: 1 error, 1 warning\n"), "{env:?}: {out:?}");
    }
}

/// A workspace with a stale (3 hours old) index.lock; returns the lock.
fn stale_index_lock(ws: &Path) -> PathBuf {
    let lock = ws.join(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    set_age(&lock, "3 hours");
    lock
}

#[test]
fn clean_dry_run_decides_in_chinese() {
    let (tmp, ws) = origin_and_workspace();
    let lock = stale_index_lock(&ws);
    let out = run(guard().args(["clean", "--dry-run", "--min-age", "1h"]).arg(tmp.path()).env("LANG", "zh_CN.UTF-8"));
    assert_eq!(out.code, 0, "{out:?}");
    let line =
        format!("将删除 {}：已失效：已存在 3 小时，没有进程持有它，也没有 git 进程在此仓库中工作", lock.display());
    assert!(out.stdout.contains(&line), "{out:?}");
    assert!(out.stdout.contains("2 个仓库，1 个锁文件：将删除 1 个（演练，未做改动），保留 0 个"), "{out:?}");
    assert!(lock.exists(), "a dry run");

    let out = run(guard().args(["clean", "--dry-run", "--min-age", "1h", "--lang", "zh-CN"]).arg(tmp.path()));
    assert!(out.stdout.contains(&line), "{out:?}");
    let young = run(guard().args(["clean", "--dry-run", "--min-age", "5h", "--lang", "zh"]).arg(tmp.path()));
    let kept = format!("保留 {}：太新：已存在 3 小时，未超过 5 小时", lock.display());
    assert!(young.stdout.contains(&kept), "{young:?}");
}

#[test]
fn clean_dry_run_decides_in_english_by_default() {
    let (tmp, ws) = origin_and_workspace();
    let lock = stale_index_lock(&ws);
    let out = run(guard().args(["clean", "--dry-run", "--min-age", "1h"]).arg(tmp.path()));
    assert_eq!(out.code, 0, "{out:?}");
    let line =
        format!("would remove {}: stale: 3h old, no process holds it or works in the repository", lock.display());
    assert!(out.stdout.contains(&line), "{out:?}");
    assert!(out.stdout.contains("2 repositories, 1 lock file: would remove 1, kept 0"), "{out:?}");
}

// ---- exec and clean, with real git ----

fn git(dir: &Path, args: &[&str]) -> Run {
    run(Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com"))
}

/// An origin with a few commits on main and dev, and a clone of it at `<tmp>/ws`.
fn origin_and_workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    assert_eq!(git(&origin, &["init", "-q", "-b", "main"]).code, 0);
    for i in 0..3 {
        std::fs::write(origin.join(format!("f{i}.txt")), format!("{i}\n")).unwrap();
        git(&origin, &["add", "."]);
        assert_eq!(git(&origin, &["commit", "-q", "-m", &format!("c{i}")]).code, 0);
    }
    git(&origin, &["branch", "dev"]);
    let ws = tmp.path().join("ws");
    let clone = run(Command::new("git").args(["clone", "-q"]).arg(&origin).arg(&ws));
    assert_eq!(clone.code, 0, "{clone:?}");
    (tmp, ws)
}

fn exec(ws: &Path, extra: &[&str], command: &[&str]) -> Command {
    let mut cmd = guard();
    cmd.arg("exec").arg("--dir").arg(ws).args(extra).arg("--").args(command);
    cmd
}

fn set_age(path: &Path, age: &str) {
    assert!(Command::new("touch").arg("-d").arg(format!("{age} ago")).arg(path).status().unwrap().success());
}

#[test]
fn concurrent_guarded_git_operations_all_succeed() {
    let (_tmp, ws) = origin_and_workspace();
    let ws_text = ws.display().to_string();
    let workers: Vec<_> = (0..8)
        .map(|i| {
            let branch = format!("work-{i}");
            let command: Vec<String> = match i % 3 {
                0 => vec!["git", "-C", &ws_text, "fetch", "-q", "origin"],
                1 => vec!["git", "-C", &ws_text, "checkout", "-q", "-B", &branch, "origin/dev"],
                _ => vec!["git", "-C", &ws_text, "checkout", "-q", "-B", &branch, "origin/main"],
            }
            .into_iter()
            .map(String::from)
            .collect();
            let mut cmd = exec(&ws, &["--wait", "60s"], &command.iter().map(String::as_str).collect::<Vec<_>>());
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    for worker in workers {
        let out = worker.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(ws.parent().unwrap().join(".ws.checkout-guard").exists(), "the guard file sits beside the workspace");
}

/// `git add` of a big file holds index.lock while it hashes; SIGKILLing it then leaves the lock,
/// as a git killed by the OOM killer or a pod restart does.
fn kill_git_mid_add(ws: &Path) {
    let big = std::fs::File::create(ws.join("big.bin")).unwrap();
    big.set_len(400 << 20).unwrap();
    let mut child = Command::new("git")
        .arg("-C")
        .arg(ws)
        .args(["add", "big.bin"])
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = ws.join(".git/index.lock");
    let give_up = std::time::Instant::now() + Duration::from_secs(60);
    while !lock.exists() && std::time::Instant::now() < give_up {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(lock.exists(), "git add took index.lock");
    // SAFETY: SIGKILL to the process group git leads (and only it: never a shell `kill -<n>`).
    assert_eq!(unsafe { libc::kill(-pid_of(&child), libc::SIGKILL) }, 0);
    child.wait().unwrap();
    std::fs::remove_file(ws.join("big.bin")).unwrap();
    assert!(lock.exists(), "the SIGKILLed git left index.lock behind");
}

#[test]
fn a_killed_git_lock_is_recovered_once_stale() {
    let (_tmp, ws) = origin_and_workspace();
    kill_git_mid_add(&ws);
    let lock = ws.join(".git/index.lock");
    let unguarded = git(&ws, &["checkout", "-q", "-b", "fix"]);
    assert_ne!(unguarded.code, 0, "plain git fails on the stale lock");
    assert!(unguarded.stderr.contains("index.lock': File exists"), "{unguarded:?}");

    let young = run(&mut exec(
        &ws,
        &["--stale-after", "1h"],
        &["git", "-C", ws.to_str().unwrap(), "checkout", "-q", "-b", "fix"],
    ));
    assert_eq!(young.code, 128, "a young lock is kept, and git's own exit code comes back: {young:?}");
    assert!(young.stderr.contains("kept") && young.stderr.contains("young"), "{young:?}");
    assert!(lock.exists());

    set_age(&lock, "20 minutes");
    let out = run(&mut exec(
        &ws,
        &["--stale-after", "15m"],
        &["git", "-C", ws.to_str().unwrap(), "checkout", "-q", "-b", "fix"],
    ));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("removed") && out.stderr.contains("index.lock: stale"), "{out:?}");
    assert_eq!(git(&ws, &["rev-parse", "--abbrev-ref", "HEAD"]).stdout.trim(), "fix");
}

#[test]
fn a_lock_held_open_by_a_live_process_is_never_removed() {
    let (_tmp, ws) = origin_and_workspace();
    let lock = ws.join(".git/index.lock");
    let mut holder = Command::new("python3")
        .args(["-c", "import sys,time; f=open(sys.argv[1],'w'); print('open', flush=True); time.sleep(30)"])
        .arg(&lock)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(first_line(&mut BufReader::new(holder.stdout.take().unwrap())), "open\n");
    set_age(&lock, "2 hours");
    let out = run(&mut exec(
        &ws,
        &["--stale-after", "1s"],
        &["git", "-C", ws.to_str().unwrap(), "checkout", "-q", "-b", "x"],
    ));
    let cleaned = run(guard().args(["clean", "--min-age", "1s"]).arg(ws.parent().unwrap()));
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(out.code, 128, "{out:?}");
    assert!(out.stderr.contains(&format!("live: process {}", holder.id())), "{out:?}");
    assert!(cleaned.stdout.contains("kept") && cleaned.stdout.contains("live: process"), "{cleaned:?}");
    assert!(lock.exists(), "never removed");
}

#[test]
fn clean_decides_each_lock_and_dry_run_changes_nothing() {
    let (tmp, ws) = origin_and_workspace();
    let root = tmp.path();
    let stale = ws.join(".git/index.lock");
    std::fs::write(&stale, "").unwrap();
    set_age(&stale, "3 hours");
    let ref_lock = ws.join(".git/refs/heads/main.lock");
    std::fs::write(&ref_lock, "").unwrap();
    set_age(&ref_lock, "3 hours");
    // A bare cache as Jenkins keeps them, with a stale packed-refs.lock.
    let cache = root.join("caches/git-3f2a9c");
    std::fs::create_dir_all(&cache).unwrap();
    assert_eq!(git(&cache, &["init", "-q", "--bare"]).code, 0);
    let packed = cache.join("packed-refs.lock");
    std::fs::write(&packed, "").unwrap();
    set_age(&packed, "2 hours");
    // A submodule's git dir with a stale config.lock.
    let module = ws.join(".git/modules/lib");
    std::fs::create_dir_all(&module).unwrap();
    assert_eq!(git(&module, &["init", "-q", "--bare"]).code, 0);
    std::fs::write(module.join("config.lock"), "").unwrap();
    set_age(&module.join("config.lock"), "2 hours");
    // A young lock in a pipeline's @script checkout.
    let script = root.join("web@script");
    assert_eq!(run(Command::new("git").args(["clone", "-q"]).arg(root.join("origin")).arg(&script)).code, 0);
    std::fs::write(script.join(".git/shallow.lock"), "").unwrap();
    // A linked worktree: its `.git` is a file pointing into the main repository's git dir.
    let linked = root.join("web-linked");
    assert_eq!(git(&ws, &["worktree", "add", "-q", linked.to_str().unwrap(), "-b", "linked"]).code, 0);
    let linked_lock = ws.join(".git/worktrees/web-linked/index.lock");
    std::fs::write(&linked_lock, "").unwrap();
    set_age(&linked_lock, "2 hours");
    // gc.pid of a process on this host that is gone, and of one that lives (this test).
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap().trim().to_string();
    std::fs::write(cache.join("gc.pid"), format!("999999 {host}")).unwrap();
    std::fs::write(script.join(".git/gc.pid"), format!("{} {host}", std::process::id())).unwrap();

    let dry = run(guard().args(["clean", "--min-age", "1h", "--dry-run"]).arg(root));
    assert_eq!(dry.code, 0, "{dry:?}");
    for path in [&stale, &ref_lock, &packed, &module.join("config.lock"), &cache.join("gc.pid"), &linked_lock] {
        assert!(dry.stdout.contains(&format!("would remove {}", path.display())), "{}: {dry:?}", path.display());
        assert!(path.exists(), "the dry run changed nothing");
    }
    assert!(dry.stdout.contains("young"), "{dry:?}");
    assert!(
        dry.stdout.contains("5 repositories"),
        "ws, its submodule, the cache, @script, the linked worktree: {dry:?}"
    );

    let out = run(guard().args(["clean", "--min-age", "1h", "--output", "json"]).arg(root));
    assert_eq!(out.code, 0, "{out:?}");
    for path in [&stale, &ref_lock, &packed, &module.join("config.lock"), &cache.join("gc.pid"), &linked_lock] {
        assert!(!path.exists(), "{} removed", path.display());
    }
    assert!(script.join(".git/shallow.lock").exists(), "young: kept");
    assert!(script.join(".git/gc.pid").exists(), "a live gc: kept");
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["locks"].as_array().unwrap().iter().filter(|l| l["action"] == "remove").count(), 6);
    assert_eq!(git(&ws, &["status", "--short"]).code, 0, "the repository works again");
}

#[test]
fn guarded_repositories_are_left_alone_and_waiters_time_out() {
    let (_tmp, ws) = origin_and_workspace();
    let lock = ws.join(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    set_age(&lock, "3 hours");
    let mut holder = hold_guard(exec(&ws, &["--stale-after", "1000h"], HOLDER).env("BUILD_TAG", "jenkins-shop-web-41"));
    let cleaned = run(guard().args(["clean", "--min-age", "1m"]).arg(ws.parent().unwrap()));
    let waiter = run(&mut exec(&ws, &["--wait", "300ms"], &["true"]));
    drop(holder.stdin.take());
    assert!(holder.wait().unwrap().success());
    assert!(cleaned.stdout.contains("guarded"), "{cleaned:?}");
    assert!(lock.exists(), "a guarded repository's lock is not touched");
    assert_eq!(waiter.code, 75, "{waiter:?}");
    assert!(
        waiter.stderr.contains("was not free within 300ms") && waiter.stderr.contains("jenkins-shop-web-41"),
        "{waiter:?}"
    );
}

#[test]
fn sigterm_reaches_the_command_and_its_code_comes_back() {
    let (_tmp, ws) = origin_and_workspace();
    let mut child = exec(&ws, &[], &["sh", "-c", "trap 'exit 7' TERM; echo ready; sleep 20 & wait"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // "ready" comes after the trap is set: the signal cannot arrive before the command handles it.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    assert_eq!(first_line(&mut stdout), "ready\n");
    // SAFETY: SIGTERM to the checkout-guard process we started.
    assert_eq!(unsafe { libc::kill(pid_of(&child), libc::SIGTERM) }, 0);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", String::from_utf8_lossy(&out.stderr));
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "the command's own output, nothing added");
}

/// Blocks until a child prints its first line: the moment it is known to be running.
/// A command that says "held" once it runs under the guard, and holds it until its stdin closes.
const HOLDER: &[&str] = &["sh", "-c", "echo held; cat >/dev/null"];

/// Starts `exec ... HOLDER` and returns once it holds the guard; close its stdin to let go.
fn hold_guard(command: &mut Command) -> std::process::Child {
    let mut holder = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    assert_eq!(first_line(&mut BufReader::new(holder.stdout.take().unwrap())), "held\n");
    holder
}

/// `child`'s pid as kill(2) takes it (a Linux pid is far below `pid_t::MAX`).
fn pid_of(child: &std::process::Child) -> libc::pid_t {
    libc::pid_t::try_from(child.id()).expect("a pid fits pid_t")
}

fn first_line(out: &mut BufReader<impl Read>) -> String {
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    line
}

// ---- hostile trees, planted files, other users ----

/// Commits `paths` (already written into `origin`) and clones `origin` to `ws`.
fn commit_and_clone(origin: &Path, ws: &Path) {
    assert_eq!(git(origin, &["add", "-A"]).code, 0);
    let commit = git(origin, &["commit", "-q", "-m", "hostile"]);
    assert_eq!(commit.code, 0, "{commit:?}");
    let clone = run(Command::new("git").args(["clone", "-q"]).arg(origin).arg(ws));
    assert_eq!(clone.code, 0, "{clone:?}");
}

/// A bare repository at `path` with a stale (3 hours old) `config.lock`.
fn bare_with_stale_lock(path: &Path) -> PathBuf {
    std::fs::create_dir_all(path).unwrap();
    assert_eq!(git(path, &["init", "-q", "--bare"]).code, 0);
    let lock = path.join("config.lock");
    std::fs::write(&lock, "").unwrap();
    set_age(&lock, "3 hours");
    lock
}

#[test]
fn clean_and_exec_never_follow_a_symlink_out_of_a_git_directory() {
    let (tmp, ws) = origin_and_workspace();
    // Outside every folder given: bare repositories with stale locks, reachable only by symlinks.
    let outside = tmp.path().join("outside");
    let victims = [bare_with_stale_lock(&outside.join("a/lib")), bare_with_stale_lock(&outside.join("b/lib"))];
    let root = tmp.path().join("root");
    let cache = root.join("caches/git-1");
    bare_with_stale_lock(&cache);
    std::os::unix::fs::symlink(outside.join("a"), cache.join("modules")).unwrap();
    std::os::unix::fs::symlink(outside.join("b"), ws.join(".git/modules")).unwrap();

    let cleaned = run(guard().args(["clean", "--min-age", "1h"]).arg(&root));
    assert_eq!(cleaned.code, 0, "{cleaned:?}");
    assert!(!cache.join("config.lock").exists(), "the cache's own stale lock is removed: {cleaned:?}");
    let executed = run(&mut exec(&ws, &["--stale-after", "1s"], &["true"]));
    assert_eq!(executed.code, 0, "{executed:?}");
    for victim in &victims {
        assert!(victim.exists(), "{} is outside and was removed: {cleaned:?}\n{executed:?}", victim.display());
    }
}

#[test]
fn a_bare_looking_folder_committed_in_a_worktree_is_not_swept() {
    let tmp = tempfile::tempdir().unwrap();
    let (origin, root, outside) = (tmp.path().join("origin"), tmp.path().join("root"), tmp.path().join("outside"));
    let victim = bare_with_stale_lock(&outside.join("lib"));
    // A branch that looks like a bare repository (valid HEAD, objects/, refs/) with tracked files
    // named like locks, and a committed symlink out of the workspace where its submodules would be.
    let fake = origin.join("vendor/fake");
    for dir in ["objects", "refs/heads"] {
        std::fs::create_dir_all(fake.join(dir)).unwrap();
        std::fs::write(fake.join(dir).join(".keep"), "").unwrap();
    }
    std::fs::write(fake.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(fake.join("index.lock"), "tracked data\n").unwrap();
    std::fs::write(fake.join("refs/heads/main.lock"), "tracked data\n").unwrap();
    std::os::unix::fs::symlink(&outside, fake.join("modules")).unwrap();
    assert_eq!(git(&origin, &["init", "-q", "-b", "main"]).code, 0);
    let ws = root.join("ws");
    commit_and_clone(&origin, &ws);
    let planted = [ws.join("vendor/fake/index.lock"), ws.join("vendor/fake/refs/heads/main.lock")];
    planted.iter().for_each(|p| set_age(p, "3 hours"));

    let out = run(guard().args(["clean", "--min-age", "1h"]).arg(&root));
    assert_eq!(out.code, 0, "{out:?}");
    for path in &planted {
        assert!(path.exists(), "{} is tracked content, not a lock: {out:?}", path.display());
    }
    assert!(victim.exists(), "outside the root: {out:?}");
    assert!(out.stdout.contains("1 repository, 0 lock files"), "only ws is a repository: {out:?}");
    assert_eq!(git(&ws, &["status", "--short"]).stdout, "", "the checkout is intact");
}

#[test]
fn a_search_stops_at_its_depth_bound_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    // A repository 70 folders down is past the bound: reported, not searched.
    let mut deep = tmp.path().join("deep");
    (0..70).for_each(|_| deep.push("d"));
    let deep_lock = bare_with_stale_lock(&deep);
    let out = run(guard().args(["clean", "--min-age", "1h"]).arg(tmp.path()));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(deep_lock.exists(), "{out:?}");
    assert!(out.stdout.contains("is more than 64 folders down; give it as a ROOT of its own"), "{out:?}");
    let near = run(guard().args(["clean", "--min-age", "1h"]).arg(deep.ancestors().nth(10).unwrap()));
    assert!(!deep_lock.exists(), "found from a root nearer to it: {near:?}");
}

#[test]
fn a_symlink_cycle_where_submodules_live_is_walked_once() {
    let (tmp, ws) = origin_and_workspace();
    std::os::unix::fs::symlink("..", ws.join(".git/modules")).unwrap();
    let stale = ws.join(".git/index.lock");
    std::fs::write(&stale, "").unwrap();
    set_age(&stale, "3 hours");
    let out = run(guard().args(["clean", "--min-age", "1h"]).arg(tmp.path()));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout.matches("index.lock").count(), 1, "reported once: {out:?}");
    assert!(!stale.exists(), "{out:?}");
}

#[test]
fn a_bind_mount_loop_is_walked_once() {
    let (tmp, ws) = origin_and_workspace();
    // The root bound inside itself, in a mount namespace of the test's own.
    let loop_dir = ws.join("loop");
    std::fs::create_dir(&loop_dir).unwrap();
    let script = r#"mount --bind "$1" "$2" && exec "$3" clean --dry-run "$1""#;
    let out = run(Command::new("unshare")
        .args(["-rm", "sh", "-c", script, "sh"])
        .arg(tmp.path())
        .arg(&loop_dir)
        .arg(guard().get_program()));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("2 repositories"), "origin and ws, each once: {out:?}");
}

/// Waits for `child`, giving up (and failing) only after a generous deadline: a hang is the bug.
fn wait_or_fail(mut child: std::process::Child, what: &str) -> std::process::Output {
    let give_up = std::time::Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > give_up {
            child.kill().unwrap();
            panic!("{what} hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn one_guard_whatever_the_spelling_of_dir() {
    let (tmp, ws) = origin_and_workspace();
    let alias = tmp.path().join("alias");
    std::os::unix::fs::symlink(&ws, &alias).unwrap();
    let mut holder = hold_guard(&mut exec(&ws, &[], HOLDER));
    let via_alias = run(&mut exec(&alias, &["--wait", "300ms"], &["true"]));
    let via_dot = run(exec(Path::new("."), &["--wait", "300ms"], &["true"]).current_dir(&ws));
    let via_dots = run(&mut exec(&ws.join("../ws"), &["--wait", "300ms"], &["true"]));
    drop(holder.stdin.take());
    assert!(holder.wait().unwrap().success());
    for waiter in [via_alias, via_dot, via_dots] {
        assert_eq!(waiter.code, 75, "the same guard: {waiter:?}");
    }
    assert!(!ws.join(".repo.checkout-guard").exists() && !tmp.path().join(".alias.checkout-guard").exists());
}

#[test]
fn a_planted_guard_file_is_refused() {
    let (tmp, ws) = origin_and_workspace();
    let guard_file = tmp.path().join(".ws.checkout-guard");
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let plant_symlink = || std::os::unix::fs::symlink(&victim, &guard_file).unwrap();
    let plant_fifo = || assert!(Command::new("mkfifo").arg(&guard_file).status().unwrap().success());
    let plant_folder = || std::fs::create_dir(&guard_file).unwrap();
    let plant_hard_link = || std::fs::hard_link(&victim, &guard_file).unwrap();
    let plants: [(&str, &dyn Fn()); 4] = [
        ("a symlink", &plant_symlink),
        ("a hard link to another file", &plant_hard_link),
        ("a FIFO, socket or device", &plant_fifo),
        ("a folder", &plant_folder),
    ];
    for (what, plant) in plants {
        plant();
        let out = exec(&ws, &["--wait", "1s"], &["true"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
        let out = wait_or_fail(out.unwrap(), "exec on a planted guard file");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(65), "{what}: {stderr}");
        assert!(stderr.contains(&format!("is {what}, not a regular file of its own")), "{what}: {stderr}");
        let cleaned = guard().args(["clean", "--dry-run"]).arg(tmp.path()).stdout(Stdio::piped()).spawn();
        assert!(wait_or_fail(cleaned.unwrap(), "clean beside a planted guard file").status.success(), "{what}");
        let _ = std::fs::remove_file(&guard_file).or_else(|_| std::fs::remove_dir(&guard_file));
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n", "never written through the symlink");
}

/// `cmd` run as the user nobody (65534), with its environment.
fn as_nobody(cmd: &Command) -> Command {
    let mut nobody = Command::new("setpriv");
    nobody.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(cmd.get_program()).args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => nobody.env(key, value),
            None => nobody.env_remove(key),
        };
    }
    nobody.stdin(Stdio::null());
    nobody
}

#[test]
fn a_non_root_sweep_keeps_what_it_cannot_prove_stale() {
    let (tmp, ws) = origin_and_workspace();
    let stale = ws.join(".git/index.lock");
    std::fs::write(&stale, "").unwrap();
    set_age(&stale, "3 hours");
    // gc.pid of a live process of another user (this test runs as root): kill(pid, 0) says EPERM.
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap().trim().to_string();
    std::fs::write(ws.join(".git/gc.pid"), format!("{} {host}", std::process::id())).unwrap();
    assert!(Command::new("chown").args(["-R", "65534:65534"]).arg(tmp.path()).status().unwrap().success());

    let out = run(&mut as_nobody(guard().args(["clean", "--min-age", "1h"]).arg(tmp.path())));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(stale.exists(), "other users' processes cannot be seen, so none is proven not to hold it: {out:?}");
    assert!(
        out.stdout.contains("index.lock: cannot prove stale: /proc of") && out.stdout.contains("uid 65534"),
        "{out:?}"
    );
    assert!(ws.join(".git/gc.pid").exists(), "{out:?}");
    assert!(out.stdout.contains("exists as another user's process (kill: EPERM)"), "{out:?}");
}

#[test]
fn a_lock_that_cannot_be_removed_is_reported_and_the_sweep_goes_on() {
    let (_tmp, ws) = origin_and_workspace();
    let folder = ws.join(".git/index.lock");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("something"), "").unwrap();
    set_age(&folder, "3 hours");
    let ref_lock = ws.join(".git/refs/heads/main.lock");
    std::fs::write(&ref_lock, "").unwrap();
    set_age(&ref_lock, "3 hours");

    let out = run(guard().args(["clean", "--min-age", "1h"]).arg(ws.parent().unwrap()));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!ref_lock.exists(), "the sweep went on: {out:?}");
    let line = format!("not removed {}: cannot remove it: ", folder.display());
    assert!(out.stdout.contains(&line) && out.stdout.contains(&format!("(rm -r {})", folder.display())), "{out:?}");
    assert!(out.stdout.contains("removed 1, kept 0, could not remove 1"), "{out:?}");

    let git_status = ["git", "-C", ws.to_str().unwrap(), "status"];
    let refused = run(&mut exec(&ws, &["--stale-after", "1s"], &git_status));
    assert_eq!(refused.code, 65, "{refused:?}");
    let why = format!("not running git -C {} status: {} blocks git: cannot remove it", ws.display(), folder.display());
    assert!(refused.stderr.contains(&why), "{refused:?}");
}

#[test]
fn lint_refuses_deeply_nested_xml() {
    let depth = 100_000;
    let xml = format!("<flow-definition>{}{}</flow-definition>", "<a>".repeat(depth), "</a>".repeat(depth));
    let (out, _) = lint(&xml, &[]);
    assert_eq!(out.code, 65, "{out:?}");
    assert!(out.stderr.contains("is not a readable config.xml: its elements nest deeper than 256 levels"), "{out:?}");
}

#[test]
fn help_never_shows_a_secret_env_value() {
    let canaries = [
        ("JENKINS_URL", "https://u:Canary-Url-5e1@ci"),
        ("JENKINS_USER_ID", "Canary-User-9d2"),
        ("JENKINS_API_TOKEN", "Canary-Token-77a"),
    ];
    for args in [
        &["--help"][..],
        &["lint", "--help"],
        &["lint", "-h"],
        &["exec", "--help"],
        &["clean", "--help"],
        &["help", "lint"],
    ] {
        let out = run(guard().args(args).envs(canaries));
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        for (var, value) in canaries {
            assert!(!out.all().contains(value), "{args:?} shows {var}: {out:?}");
        }
    }
}

#[test]
fn credentials_in_a_jenkins_url_that_does_not_parse_are_masked() {
    let canary = "Jenkins-Url-Canary-5c1";
    let url = format!("https://bob:pa/ss-{canary}@jenkins.example/");
    let out = run(guard().args(["lint", "--jenkins-url", &url, "--job", "shop/web"]));
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("--jenkins-url"), "{out:?}");
    assert!(!out.all().contains(canary), "{out:?}");
}
