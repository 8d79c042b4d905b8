//! Every BK-CI atom of hosts/bk-ci run as BK-CI's worker runs it (MarketAtomTask and ShellUtil in
//! Tencent/bk-ci): a fresh temp data folder holding the binary under the task.json's packagePath,
//! `input.json` with every pipeline variable and the atom's inputs over them (strings only:
//! booleans "true", lists JSON text), `.sdk.json`, the pipeline variables exported too, the target
//! run through sh in the data folder, `output.json` read back. Credentials are chosen by id and read
//! from the ticket service STAND-IN (tests/peers/bk_ticket.py); the peers are real (helm, a chart
//! repository with basic auth, the CNCF registry, aiosmtpd with AUTH, git) except the Kubernetes
//! API STAND-IN. Pipeline variables named like the steps' options must change nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use base64::Engine;
use deckhand_tests::bk_ticket::BkTicket;
use deckhand_tests::*;
use serde_json::{json, Map, Value};

const REPO_USER: &str = "helm-bot";
const REPO_PASS: &str = "Repo-Canary-Pw-91d2";
const REG_USER: &str = "robot";
const REG_PASS: &str = "Regi5try-Canary-pw-7a";
const KUBE_TOKEN: &str = "Kube-Canary-Token-3b8e";
const MAIL_USER: &str = "ci@example.com";
const MAIL_PASS: &str = "Smtp-Canary-Pw-4c1e";
const JENKINS_USER: &str = "ci-bot";
const JENKINS_TOKEN: &str = "Jenkins-Canary-Token-11f0";
const AGENT_SECRET: &str = "Agent-Secret-Canary-5f6a";

/// What no output of any run may hold.
const CANARIES: [&str; 6] = [REPO_PASS, REG_PASS, KUBE_TOKEN, MAIL_PASS, JENKINS_TOKEN, AGENT_SECRET];

/// The build identity the worker puts in `.sdk.json` (a third-party agent: the gateway checks
/// the agent id and secret key); `gateway` is added once the stand-in listens.
fn identity() -> Value {
    json!({"buildType": "AGENT", "projectId": "shop", "agentId": "agent-7x9k", "secretKey": AGENT_SECRET,
           "buildId": "b-5d0c8e1f", "vmSeqId": "1"})
}

/// Pipeline variables: BK-CI's own, and ones a team might define whose names are the steps'
/// options (or their Drone spellings); the atoms must read none of them.
fn pipeline_variables() -> Vec<(&'static str, &'static str)> {
    vec![
        ("BK_CI_PROJECT_NAME", "shop"),
        ("BK_CI_PIPELINE_ID", "p-8a7b6c"),
        ("BK_CI_PIPELINE_NAME", "商城发布"),
        ("BK_CI_BUILD_ID", "b-5d0c8e1f"),
        ("BK_CI_BUILD_NUM", "42"),
        ("BK_CI_START_USER_ID", "zhangsan"),
        ("BK_CI_START_TYPE", "MANUAL"),
        ("dry_run", "true"),
        ("version", "0.2.0"),
        ("output", "json"),
        ("quiet", "true"),
        ("verbose", "true"),
        ("force", "true"),
        ("namespace", "kube-system"),
        ("timeout", "1"),
        ("devel", "true"),
        ("name", "evil"),
        ("subcommand", "clean"),
        ("kubeconfig_content_env", "PATH"),
        ("tls", "none"),
        ("template", "failure"),
        ("lang", "en"),
        ("PLUGIN_DRY_RUN", "true"),
        ("PLUGIN_OUTPUT", "json"),
        ("PLUGIN_NAMESPACE", "kube-system"),
        ("PLUGIN_VERSION", "0.2.0"),
        ("PLUGIN_SUBCOMMAND", "clean"),
        ("PLUGIN_QUIET", "true"),
    ]
}

/// One BK-CI job: its workspace, the agent's environment, the ticket service.
struct Job {
    workspace: tempfile::TempDir,
    home: tempfile::TempDir,
    ticket: BkTicket,
    sdk: Value,
    /// The agent process's own environment, which the worker's shell inherits.
    agent_env: Vec<(String, String)>,
    /// (step, output keys) of every run, to check each declared output was written somewhere.
    outputs: std::cell::RefCell<BTreeMap<String, BTreeSet<String>>>,
}

/// What one atom run left.
struct AtomRun {
    run: Run,
    output: Option<Value>,
    /// Kept until the run is checked, as the worker deletes it only afterwards.
    _data_dir: tempfile::TempDir,
}

impl AtomRun {
    /// `data.<key>.value`, which must be a string output.
    fn data(&self, key: &str) -> &str {
        let entry = &self.output.as_ref().expect("output.json")["data"][key];
        assert_eq!(entry["type"], "string", "{key}: {entry}");
        entry["value"].as_str().unwrap_or_else(|| panic!("{key} is not a string: {entry}"))
    }

    fn succeeded(&self) -> &Self {
        let output = self.output.as_ref().unwrap_or_else(|| panic!("no output.json: {:?}", self.run));
        assert_eq!((self.run.code, output["status"].as_str()), (0, Some("success")), "{:?}\n{output}", self.run);
        // A run's result is text for the build log, whatever `output` the pipeline defines.
        assert!(!self.run.stdout.trim_start().starts_with('{'), "JSON on stdout: {:?}", self.run);
        self
    }

    fn failed(&self) -> &Value {
        let output = self.output.as_ref().unwrap_or_else(|| panic!("no output.json: {:?}", self.run));
        assert_ne!(self.run.code, 0, "{:?}", self.run);
        assert_eq!(output["status"], "failure", "{output}");
        output
    }
}

fn task(step: &str) -> Value {
    let path = root().join("hosts/bk-ci").join(step).join("task.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Every atom of hosts/bk-ci.
fn atoms() -> BTreeSet<String> {
    std::fs::read_dir(root().join("hosts/bk-ci"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// An input's default as the worker writes it: `JsonUtil.toJson` of the stored value, so a
/// boolean becomes "true"/"false"; a field with no default is not stored, so not written.
fn worker_string(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// ShellUtil's `export name='value'`: names with `.` or `-` are left out, and `'` and line
/// breaks are removed from values.
fn exported(vars: &BTreeMap<String, String>) -> Vec<(String, String)> {
    vars.iter()
        .filter(|(k, _)| !k.contains('.') && !k.contains('-'))
        .map(|(k, v)| (k.clone(), v.replace(['\'', '\n'], "")))
        .collect()
}

impl Job {
    fn new(credentials: &Value, agent_env: Vec<(String, String)>) -> Job {
        Self::with_identity(identity(), credentials, agent_env)
    }

    fn with_identity(identity: Value, credentials: &Value, agent_env: Vec<(String, String)>) -> Job {
        let ticket = BkTicket::start(&identity, credentials);
        let mut sdk = identity;
        sdk["gateway"] = json!(ticket.gateway());
        let home = tempfile::tempdir().unwrap();
        let mut env = vec![
            ("PATH".to_string(), format!("{}:/usr/local/bin:/usr/bin:/bin", home.path().join("bin").display())),
            ("HOME".to_string(), home.path().display().to_string()),
            ("LANG".to_string(), "C.UTF-8".to_string()),
        ];
        env.extend(agent_env);
        std::fs::create_dir_all(home.path().join("bin")).unwrap();
        Job { workspace: tempfile::tempdir().unwrap(), home, ticket, sdk, agent_env: env, outputs: Default::default() }
    }

    fn ws(&self) -> &Path {
        self.workspace.path()
    }

    /// Puts `binary` on the agent's PATH as `name` (helm installed on the build machine).
    fn install(&self, binary: &Path, name: &str) {
        std::os::unix::fs::symlink(binary, self.home.path().join("bin").join(name)).unwrap();
    }

    /// Runs `step`'s atom with the inputs the user set (the rest keep their task.json defaults)
    /// and `sdk` as `.sdk.json` (None: the file is missing).
    fn atom_with(&self, step: &str, inputs: &[(&str, &str)], sdk: Option<&Value>) -> AtomRun {
        let task = task(step);
        let declared = task["input"].as_object().unwrap();
        for (key, _) in inputs {
            assert!(declared.contains_key(*key), "{step}: the test sets {key:?}, which task.json does not declare");
        }
        let code = task["atomCode"].as_str().unwrap();
        let data_dir = tempfile::Builder::new().prefix(&format!("{code}_e-1f2a_data")).tempdir().unwrap();
        let dir = data_dir.path();

        // The package: the executable under packagePath, made executable.
        let execution = &task["execution"];
        let package = dir.join(execution["packagePath"].as_str().unwrap());
        std::fs::copy(step_dir().join(step), &package).unwrap();
        std::fs::set_permissions(&package, std::fs::Permissions::from_mode(0o755)).unwrap();

        // runtimeVariables: the pipeline's, then the worker's own.
        let mut runtime: BTreeMap<String, String> =
            pipeline_variables().into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        runtime.insert("bkWorkspace".into(), self.ws().display().to_string());
        runtime.insert("testVersionFlag".into(), "N".into());
        runtime.insert("BK_CI_ATOM_CODE".into(), code.into());
        runtime.insert("BK_CI_ATOM_NAME".into(), task["name"].as_str().unwrap_or(code).into());
        runtime.insert("BK_CI_ATOM_VERSION".into(), "1.0.0".into());
        runtime.insert("BK_CI_TASK_NAME".into(), step.into());

        // input.json: runtimeVariables.plus(atomParams), and the atom's private settings.
        let mut input: Map<String, Value> = runtime.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        let given: BTreeMap<&str, &str> = inputs.iter().copied().collect();
        for (key, field) in declared {
            let value = given
                .get(key.as_str())
                .map(std::string::ToString::to_string)
                .or_else(|| worker_string(&field["default"]));
            if let Some(value) = value {
                input.insert(key.clone(), json!(value));
            }
        }
        input.insert("bkSensitiveConfInfo".into(), json!({}));
        std::fs::write(dir.join("input.json"), Value::Object(input).to_string()).unwrap();
        if let Some(sdk) = sdk {
            std::fs::write(dir.join(".sdk.json"), sdk.to_string()).unwrap();
        }

        // The shell: WORKSPACE, then runtimeVariables and bk_data_* exported, set -e, the target.
        let mut environment = runtime.clone();
        environment.insert("bk_data_dir".into(), dir.display().to_string());
        environment.insert("bk_data_input".into(), "input.json".into());
        environment.insert("bk_data_output".into(), "output.json".into());
        let mut script = format!("export WORKSPACE={}\n", self.ws().display());
        for (name, value) in exported(&environment) {
            script += &format!("export {name}='{value}'\n");
        }
        script += "set -e\n";
        for demand in execution["demands"].as_array().unwrap() {
            script += &format!("{}\n", demand.as_str().unwrap());
        }
        script += &format!("{}\n", execution["target"].as_str().unwrap());
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script).current_dir(dir).env_clear().envs(self.agent_env.iter().cloned());
        let run = run(&mut cmd);

        let output = std::fs::read_to_string(dir.join("output.json")).ok();
        for canary in CANARIES {
            assert!(!run.all().contains(canary), "{step}: a secret reached the build log: {run:?}");
            assert!(!output.as_deref().unwrap_or("").contains(canary), "{step}: a secret in output.json");
        }
        let output: Option<Value> = output.map(|text| serde_json::from_str(&text).unwrap());
        if let Some(data) = output.as_ref().and_then(|o| o["data"].as_object()) {
            let outputs = task["output"].as_object().unwrap();
            for (key, entry) in data {
                assert!(outputs.contains_key(key), "{step}: output {key:?} is not declared in task.json");
                assert_eq!(entry["type"], "string", "{step}: {key}: {entry}");
                assert!(entry["value"].is_string(), "{step}: {key}: {entry}");
            }
            self.outputs.borrow_mut().entry(step.to_string()).or_default().extend(data.keys().cloned());
        }
        // Relative paths mean the workspace: the data folder holds only what the worker put there.
        let mut left: Vec<String> = listing(dir).into_iter().filter(|n| n != "output.json").collect();
        left.sort();
        let mut put = vec![".sdk.json".to_string(), "input.json".to_string(), package_name(&package)];
        put.retain(|n| n != ".sdk.json" || sdk.is_some());
        put.sort();
        assert_eq!(left, put, "{step} wrote into its data folder");
        AtomRun { run, output, _data_dir: data_dir }
    }

    fn atom(&self, step: &str, inputs: &[(&str, &str)]) -> AtomRun {
        self.atom_with(step, inputs, Some(&self.sdk))
    }

    /// The ticket requests so far, each checked to carry this build's identity headers.
    fn ticket_requests(&self) -> Vec<(String, u64)> {
        let headers = [
            ("X-DEVOPS-BUILD-TYPE", "buildType"),
            ("X-DEVOPS-PROJECT-ID", "projectId"),
            ("X-DEVOPS-BUILD-ID", "buildId"),
            ("X-DEVOPS-VM-SID", "vmSeqId"),
            ("X-DEVOPS-AGENT-ID", "agentId"),
            ("X-DEVOPS-AGENT-SECRET-KEY", "secretKey"),
        ];
        self.ticket
            .requests()
            .into_iter()
            .map(|r| {
                let sent: BTreeMap<String, String> = r["headers"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.to_ascii_uppercase(), v.as_str().unwrap().to_string()))
                    .collect();
                for (header, key) in headers {
                    assert_eq!(sent.get(header).map(String::as_str), self.sdk[key].as_str(), "{header}: {r}");
                }
                assert_eq!(r["method"], "GET", "{r}");
                (r["path"].as_str().unwrap().to_string(), r["status"].as_u64().unwrap())
            })
            .collect()
    }
}

fn package_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// A classic chart repository behind basic auth with the web chart (tests/fixtures/charts/web)
/// at 0.2.0 and 0.3.0, packaged by the real helm.
fn chart_repo(helm: &Helm) -> (tempfile::TempDir, StaticServer) {
    let repo = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let fixture = root().join("tests/fixtures/charts/web");
    for version in ["0.2.0", "0.3.0"] {
        let src = work.path().join(version).join("web");
        copy_dir(&fixture, &src);
        let chart_yaml = src.join("Chart.yaml");
        let text =
            std::fs::read_to_string(&chart_yaml).unwrap().replace("version: 0.3.0", &format!("version: {version}"));
        std::fs::write(&chart_yaml, text).unwrap();
        helm.ok(&["package", src.to_str().unwrap(), "-d", repo.path().to_str().unwrap()]);
    }
    helm.ok(&["repo", "index", repo.path().to_str().unwrap()]);
    let server = StaticServer::start(
        repo.path(),
        &ServeOptions { auth: Some(format!("{REPO_USER}:{REPO_PASS}")), ..Default::default() },
    );
    (repo, server)
}

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

/// A pipeline of every atom in one job's workspace: fetch the chart, unpack it, make the pull
/// secret, deploy, mail the result, lint the Jenkins jobs, run git guarded and clean stale locks.
#[test]
fn every_atom_runs_as_the_worker_runs_it() {
    let helm = Helm::new(HELM3);
    let (_repo, repo_server) = chart_repo(&helm);
    let registry = Registry::start(RegistryAuth::Htpasswd(REG_USER, REG_PASS));
    let kube = KubeStandin::start_with(
        &json!([{"kind": "Namespace", "metadata": {"name": "shop"}}]),
        StandinOptions { tls: true, ready_ms: 100, token: Some(KUBE_TOKEN.into()), ..Default::default() },
    );
    let smtp =
        SmtpServer::start(SmtpOptions { mode: "starttls", login: Some((MAIL_USER, MAIL_PASS)), ..Default::default() });
    let jenkins = StaticServer::start(
        &root().join("tests/fixtures/jenkins"),
        &ServeOptions { auth: Some(format!("{JENKINS_USER}:{JENKINS_TOKEN}")), ..Default::default() },
    );
    let credentials = json!({
        "helm-repo": {"type": "USERNAME_PASSWORD", "v1": REPO_USER, "v2": REPO_PASS},
        "harbor-robot": {"type": "USERNAME_PASSWORD", "v1": REG_USER, "v2": REG_PASS},
        "kube-prod": {"type": "MULTI_LINE_PASSWORD", "v1": kube.kubeconfig(KUBE_TOKEN)},
        "mail-bot": {"type": "USERNAME_PASSWORD", "v1": MAIL_USER, "v2": MAIL_PASS},
        "jenkins-bot": {"type": "USERNAME_PASSWORD", "v1": JENKINS_USER, "v2": JENKINS_TOKEN},
    });
    // The build machine's own kubeconfig points elsewhere: the chosen credential must win.
    let agent_home = tempfile::tempdir().unwrap();
    let agent_kubeconfig = agent_home.path().join("config");
    std::fs::write(
        &agent_kubeconfig,
        kube.kubeconfig("agent-token").replace(&format!("127.0.0.1:{}", kube.port), "127.0.0.1:1"),
    )
    .unwrap();
    let mut agent_env = vec![("KUBECONFIG".to_string(), agent_kubeconfig.display().to_string())];
    for var in ["HELM_CONFIG_HOME", "HELM_CACHE_HOME", "HELM_DATA_HOME"] {
        agent_env.push((var.to_string(), agent_home.path().join(var).display().to_string()));
    }
    let job = Job::new(&credentials, agent_env);
    job.install(&helm.binary(), "helm");
    let ws = job.ws();
    let mut expected_tickets = Vec::new();

    // chart-fetch: the repository's credential by id; `version`, `devel` and PLUGIN_VERSION
    // variables aside, the latest stable version; `charts` is in the workspace.
    let fetch = job.atom(
        "chart-fetch",
        &[("repo", &repo_server.url()), ("chart", "web"), ("destination", "charts"), ("credential", "helm-repo")],
    );
    fetch.succeeded();
    expected_tickets.push("helm-repo");
    assert_eq!(fetch.data("chart_name"), "web");
    assert_eq!(fetch.data("chart_version"), "0.3.0");
    let archive = ws.join("charts/web-0.3.0.tgz");
    assert!(archive.is_file(), "{:?}", listing(&ws.join("charts")));
    assert_eq!(ws.join(fetch.data("chart_path")).canonicalize().unwrap(), archive.canonicalize().unwrap());
    let digest =
        sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(std::fs::read(&archive).unwrap()));
    assert_eq!(fetch.data("chart_digest"), format!("sha256:{}", hex::encode(digest)));
    assert!(repo_server.requests().iter().all(|(_, _, auth)| *auth), "every request had the credential");
    let untarred = job.atom(
        "chart-fetch",
        &[
            ("repo", &repo_server.url()),
            ("chart", "web"),
            ("destination", "fetched"),
            ("untar", "true"),
            ("credential", "helm-repo"),
        ],
    );
    untarred.succeeded();
    expected_tickets.push("helm-repo");
    assert!(ws.join(untarred.data("chart_dir")).join("Chart.yaml").is_file(), "{:?}", untarred.run);

    // chart-untar: a relative archive and destination; the `name` and `force` variables aside.
    let untar = job.atom("chart-untar", &[("archive", "charts/web-0.3.0.tgz"), ("destination", "unpacked")]);
    untar.succeeded();
    assert_eq!((untar.data("chart_name"), untar.data("chart_version")), ("web", "0.3.0"));
    assert!(ws.join("unpacked/web/Chart.yaml").is_file(), "{:?}", listing(&ws.join("unpacked")));
    assert_eq!(
        ws.join(untar.data("chart_dir")).canonicalize().unwrap(),
        ws.join("unpacked/web").canonicalize().unwrap()
    );

    // pull-secret: the registry credential and the kubeconfig credential (multi-line password).
    let secret = job.atom(
        "pull-secret",
        &[
            ("name", "harbor-pull"),
            ("namespace", "shop"),
            ("registries", &registry.host()),
            ("registry_credential", "harbor-robot"),
            ("plain_http", "true"),
            ("kubeconfig_credential", "kube-prod"),
        ],
    );
    secret.succeeded();
    expected_tickets.extend(["harbor-robot", "kube-prod"]);
    assert_eq!(
        (secret.data("secret_name"), secret.data("secret_namespace"), secret.data("secret_result")),
        ("harbor-pull", "shop", "created")
    );
    let stored = kube.find("Secret", "shop", "harbor-pull").expect("the pull secret exists");
    let config = base64::engine::general_purpose::STANDARD
        .decode(stored["data"][".dockerconfigjson"].as_str().unwrap())
        .unwrap();
    let auths: Value = serde_json::from_slice(&config).unwrap();
    let auth = &auths["auths"][registry.host()];
    assert_eq!((auth["username"].as_str(), auth["password"].as_str()), (Some(REG_USER), Some(REG_PASS)), "{auths}");
    assert!(kube.find("Secret", "kube-system", "harbor-pull").is_none(), "the `namespace` variable changed nothing");

    // chart-deploy: the unpacked chart, the kubeconfig credential; `dry_run`, `namespace`,
    // `timeout`, PLUGIN_DRY_RUN and the agent's KUBECONFIG aside, a real deploy.
    let deploy = job.atom(
        "chart-deploy",
        &[
            ("chart", "unpacked/web"),
            ("release", "web"),
            ("namespace", "shop"),
            ("set", "image.tag=ready\nservice.port=8080"),
            ("replicas", "2"),
            ("timeout", "60"),
            ("atomic", "true"),
            ("kubeconfig_credential", "kube-prod"),
        ],
    );
    deploy.succeeded();
    expected_tickets.push("kube-prod");
    let declared: BTreeSet<String> = task("chart-deploy")["output"].as_object().unwrap().keys().cloned().collect();
    let written: BTreeSet<String> =
        deploy.output.as_ref().unwrap()["data"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(written, declared);
    assert_eq!(
        [deploy.data("release_name"), deploy.data("release_namespace"), deploy.data("release_revision")],
        ["web", "shop", "1"]
    );
    assert_eq!(
        [deploy.data("release_status"), deploy.data("chart_version"), deploy.data("app_version")],
        ["deployed", "0.3.0", "2.0.1"]
    );
    let deployment = kube.find("Deployment", "shop", "web-web").expect("deployed, not a dry run");
    assert_eq!(deployment["spec"]["replicas"], 2);
    let release = kube
        .objects()
        .into_iter()
        .filter(|o| o["kind"] == "Secret" && o["metadata"]["labels"]["owner"] == "helm")
        .count();
    assert_eq!(release, 1, "helm recorded one release revision");

    // build-notify: the mail credential over STARTTLS + AUTH, a relative CA file, the built-in
    // Chinese template filled from the BK_CI_* variables; the `dry_run` variable aside.
    std::fs::create_dir_all(ws.join("certs")).unwrap();
    std::fs::copy(&shared_ca().ca_cert, ws.join("certs/ca.pem")).unwrap();
    let port = smtp.port.to_string();
    let mail = job.atom(
        "build-notify",
        &[
            ("smtp_host", "127.0.0.1"),
            ("smtp_port", &port),
            ("tls", "starttls"),
            ("credential", "mail-bot"),
            ("ca_file", "certs/ca.pem"),
            ("from", "构建机器人 <ci@example.com>"),
            ("to", "dev@example.com;\"张三\" <zhangsan@example.com>"),
            ("template", "success"),
            ("lang", "zh"),
        ],
    );
    mail.succeeded();
    expected_tickets.push("mail-bot");
    assert_eq!(mail.data("mail_accepted"), "dev@example.com,zhangsan@example.com");
    assert_eq!(mail.data("mail_refused"), "");
    let received = smtp.received();
    assert_eq!(received.len(), 1, "one mail sent, not a dry run");
    assert_eq!(received[0].parsed["headers"]["Subject"], "构建成功: 商城发布 #42");
    assert!(received[0].parsed["headers"]["Message-ID"]
        .as_str()
        .unwrap_or("")
        .contains(mail.data("mail_message_id").trim_matches(['<', '>'])));

    // The selectors left as they are (tls by port, no template): the `tls`, `template` and
    // `lang` variables must not fill them in.
    let plain = job.atom(
        "build-notify",
        &[
            ("smtp_host", "127.0.0.1"),
            ("smtp_port", &port),
            ("credential", "mail-bot"),
            ("ca_file", "certs/ca.pem"),
            ("from", "ci@example.com"),
            ("to", "ops@example.com"),
            ("subject", "上线通知"),
            ("body", "web 0.3.0 已发布"),
        ],
    );
    plain.succeeded();
    expected_tickets.push("mail-bot");
    let received = smtp.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].parsed["headers"]["Subject"], "上线通知");

    // checkout-guard lint: the subcommand input (not the `subcommand` variable); a relative
    // config.xml, then the jobs of a Jenkins reached with the Jenkins credential.
    std::fs::create_dir_all(ws.join("jobs/web")).unwrap();
    std::fs::copy(root().join("tests/fixtures/jenkins/job/shop/job/web/config.xml"), ws.join("jobs/web/config.xml"))
        .unwrap();
    let lint = job.atom("checkout-guard", &[("subcommand", "lint"), ("files", "jobs/web/config.xml")]);
    lint.succeeded();
    assert_eq!((lint.data("lint_errors"), lint.data("lint_warnings")), ("0", "0"));
    assert!(lint.run.stdout.contains("lightweight checkout applies"), "{:?}", lint.run);
    let jenkins_url = format!("http://127.0.0.1:{}/", jenkins.port);
    let remote = job.atom(
        "checkout-guard",
        &[
            ("subcommand", "lint"),
            ("jenkins_url", &jenkins_url),
            ("jobs", "shop/web"),
            ("jenkins_credential", "jenkins-bot"),
        ],
    );
    remote.succeeded();
    expected_tickets.push("jenkins-bot");
    assert_eq!(remote.data("lint_errors"), "0");
    assert!(jenkins.requests().iter().all(|(_, _, auth)| *auth), "Jenkins got the credential");

    // checkout-guard exec and clean in a clone in the workspace: a stale index.lock is removed
    // (the `dry_run` variable aside), after exec ran git there.
    let origin = tempfile::tempdir().unwrap();
    assert_eq!(git(origin.path(), &["init", "-q", "-b", "main"]).code, 0);
    std::fs::write(origin.path().join("a.txt"), "a\n").unwrap();
    git(origin.path(), &["add", "."]);
    assert_eq!(git(origin.path(), &["commit", "-q", "-m", "a"]).code, 0);
    assert_eq!(run(Command::new("git").args(["clone", "-q"]).arg(origin.path()).arg(ws.join("src"))).code, 0);
    let exec = job.atom(
        "checkout-guard",
        &[("subcommand", "exec"), ("dir", "src"), ("command", r#"["git","-C","src","status","--short"]"#)],
    );
    exec.succeeded();
    assert_eq!(exec.data("guard_exit_code"), "0");
    let lock = ws.join("src/.git/index.lock");
    std::fs::write(&lock, "").unwrap();
    assert!(Command::new("touch").arg("-d").arg("3 hours ago").arg(&lock).status().unwrap().success());
    let clean = job.atom("checkout-guard", &[("subcommand", "clean"), ("roots", "src"), ("min_age", "1h")]);
    clean.succeeded();
    assert_eq!(clean.data("locks_removed"), "1");
    assert!(!lock.exists(), "removed, not a dry run");
    assert_eq!(git(&ws.join("src"), &["status", "--short"]).code, 0);

    // Each chosen credential was read once, by id, with this build's identity.
    let tickets = job.ticket_requests();
    let paths: Vec<String> =
        expected_tickets.iter().map(|id| format!("/ticket/api/build/credentials/{id}/detail")).collect();
    assert_eq!(tickets.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(), paths);
    assert!(tickets.iter().all(|(_, status)| *status == 200), "{tickets:?}");

    // Every step has an atom, every atom ran, and every output it declares was written by some run.
    let steps: BTreeSet<String> = std::fs::read_dir(root().join("steps"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "common")
        .collect();
    assert_eq!(atoms(), steps, "a step without a BK-CI atom in hosts/bk-ci (or an atom without a step)");
    let outputs = job.outputs.borrow();
    assert_eq!(outputs.keys().cloned().collect::<BTreeSet<_>>(), atoms(), "an atom of hosts/bk-ci did not run");
    for (step, written) in outputs.iter() {
        let declared: BTreeSet<String> = task(step)["output"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(written, &declared, "{step}: declared outputs never written");
    }
}

fn fetch_job() -> (tempfile::TempDir, StaticServer, Job) {
    let helm = Helm::new(HELM3);
    let (repo, server) = chart_repo(&helm);
    let job = Job::new(&json!({"helm-repo": {"type": "USERNAME_PASSWORD", "v1": REPO_USER, "v2": REPO_PASS}}), vec![]);
    (repo, server, job)
}

/// An id the ticket service does not know: a user error naming the credential, nothing fetched.
#[test]
fn an_unknown_credential_fails_as_a_user_error() {
    let (_repo, server, job) = fetch_job();
    let out = job.atom("chart-fetch", &[("repo", &server.url()), ("chart", "web"), ("credential", "no-such-cred")]);
    let output = out.failed();
    assert_eq!(output["errorType"], 1, "{output}");
    let message = output["message"].as_str().unwrap();
    assert!(message.contains("credential no-such-cred") && message.contains("请求的资源不存在"), "{message}");
    assert!(out.run.stderr.contains("no-such-cred"), "{:?}", out.run);
    assert_eq!(job.ticket_requests(), [("/ticket/api/build/credentials/no-such-cred/detail".to_string(), 404)]);
    assert!(server.requests().is_empty(), "nothing fetched without the credential");
    assert!(!job.ws().join("charts").exists());
}

/// A chosen credential with no `.sdk.json` to reach the ticket service with: says so.
#[test]
fn a_missing_sdk_json_fails_clearly() {
    let (_repo, server, job) = fetch_job();
    let out =
        job.atom_with("chart-fetch", &[("repo", &server.url()), ("chart", "web"), ("credential", "helm-repo")], None);
    let output = out.failed();
    assert_eq!(output["errorType"], 1, "{output}");
    assert!(output["message"].as_str().unwrap().contains(".sdk.json"), "{output}");
    assert!(job.ticket.requests().is_empty());
    assert!(server.requests().is_empty());
}

/// The stand-in refuses a build it does not know, as the gateway does: an agent secret key that
/// is not this build's (500, auth_request's answer to the lookup's 404), and missing identity
/// headers (401); the step reports the refusal without the key.
#[test]
fn the_gateway_refuses_a_wrong_identity() {
    let (_repo, server, job) = fetch_job();
    let mut wrong = job.sdk.clone();
    wrong["secretKey"] = json!("Wrong-Agent-Key-77aa");
    let out = job.atom_with(
        "chart-fetch",
        &[("repo", &server.url()), ("chart", "web"), ("credential", "helm-repo")],
        Some(&wrong),
    );
    let output = out.failed();
    assert!(output["message"].as_str().unwrap().contains("服务器错误"), "{output}");
    assert!(!out.run.all().contains("Wrong-Agent-Key-77aa"), "{:?}", out.run);
    assert_eq!(job.ticket.requests()[0]["status"], 500);
    assert!(server.requests().is_empty());

    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", job.ticket.port)).unwrap();
    let request = "GET /ticket/api/build/credentials/helm-repo/detail HTTP/1.1\r\nHost: x\r\nX-DEVOPS-BUILD-TYPE: AGENT\r\nConnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.0 401") || reply.starts_with("HTTP/1.1 401"), "{reply}");
    assert!(!reply.contains(REPO_PASS), "{reply}");
}

/// A public build machine (buildType WORKER): the worker writes an empty agent id and secret key
/// and the gateway knows the build by its address; the credential is read all the same.
#[test]
fn a_public_build_machine_reads_credentials_too() {
    let helm = Helm::new(HELM3);
    let (_repo, server) = chart_repo(&helm);
    let worker = json!({"buildType": "WORKER", "projectId": "shop", "agentId": "", "secretKey": "",
                        "buildId": "b-77e1", "vmSeqId": "2"});
    let credentials = json!({"helm-repo": {"type": "USERNAME_PASSWORD", "v1": REPO_USER, "v2": REPO_PASS}});
    let job = Job::with_identity(worker, &credentials, vec![]);
    let fetch = job.atom("chart-fetch", &[("repo", &server.url()), ("chart", "web"), ("credential", "helm-repo")]);
    fetch.succeeded();
    assert_eq!(fetch.data("chart_version"), "0.3.0");
    assert!(job.ws().join("charts/web-0.3.0.tgz").is_file());
    assert_eq!(job.ticket_requests(), [("/ticket/api/build/credentials/helm-repo/detail".to_string(), 200)]);
}
