//! `Jenkinsfile.sample` judged by the real linter Jenkins users run, npm-groovy-lint (CodeNarc):
//! no error and no warning. And the sample binds each credential one way only, runs git only in a
//! container that has it, and shows both `withKubeConfig` (plain Jenkins) and `kubeconfigContent`
//! (KubeSphere).

mod support;

use support::*;

#[test]
fn the_jenkinsfile_sample_lints_clean() {
    let dir = tempfile::tempdir().unwrap();
    let jenkinsfile = dir.path().join("Jenkinsfile");
    std::fs::copy(root().join("Jenkinsfile.sample"), &jenkinsfile).unwrap();
    let mut lint = std::process::Command::new("npm-groovy-lint");
    lint.args(["--failon", "warning", "--output", "txt", "--noserver"]).arg(&jenkinsfile).current_dir(dir.path());
    let out = run(&mut lint);
    assert_eq!(out.code, 0, "npm-groovy-lint found warnings or errors: {out:?}");
    assert!(out.stdout.contains("Jenkinsfile"), "it read the file: {out:?}");
}

#[test]
fn the_jenkinsfile_sample_binds_each_credential_once_and_runs_git_where_git_is() {
    let text = std::fs::read_to_string(root().join("Jenkinsfile.sample")).unwrap();
    assert!(text.contains("withKubeConfig([credentialsId:") && text.contains("kubeconfigContent(credentialsId:"));
    // `kind(credentialsId: 'id'` and `withKubeConfig([credentialsId: 'id'`; `credentials('id')`
    // takes whatever type the credential has, so it is no second way.
    let binding = regex_lite::Regex::new(r"(\w+)\(\[?credentialsId: '([^']+)'").unwrap();
    let seen: Vec<(String, String)> =
        binding.captures_iter(&text).map(|c| (c[2].to_string(), c[1].to_string())).collect();
    assert!(seen.len() >= 5, "{seen:?}");
    for (id, kind) in &seen {
        let kinds: Vec<&String> = seen.iter().filter(|(other, _)| other == id).map(|(_, k)| k).collect();
        assert!(kinds.iter().all(|k| *k == kind), "credential {id} is bound in two ways: {kinds:?}");
    }
    for line in text.lines().filter(|l| l.contains("-- git ")) {
        assert!(line.contains("/tools/checkout-guard"), "git runs in the git container: {line}");
    }
}
