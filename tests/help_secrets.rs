//! Every step's `--help` (and every subcommand's) names the environment variables its options
//! read, never their values: a canary in every such variable must not show.

use deckhand_tests::*;

const STEPS: [&str; 6] =
    ["chart-fetch", "chart-untar", "chart-deploy", "pull-secret", "build-notify", "checkout-guard"];

/// Variables read by name rather than by an option's `env` (so not listed by `--help`).
const ALSO: [&str; 1] = ["KUBECONFIG_CONTENT"];

/// No whitespace or hyphen: help text is wrapped only there, so the canary is never split.
fn canary(name: &str) -> String {
    format!("HelpCanary{name}9d41")
}

/// The variables a help text says its options read: `[env: NAME]` or `[env: NAME=value]`.
fn env_names(help: &str) -> Vec<String> {
    help.split("[env: ")
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect())
        .collect()
}

/// The subcommands a help text lists under `Commands:` (but `help`).
fn subcommands(help: &str) -> Vec<String> {
    let listed = help.lines().skip_while(|l| l.trim() != "Commands:").skip(1).take_while(|l| !l.trim().is_empty());
    // A command's line is indented by two spaces; a wrapped description by more.
    let named = listed.filter(|l| l.starts_with("  ") && !l.starts_with("   "));
    named.filter_map(|l| l.split_whitespace().next()).filter(|c| *c != "help").map(str::to_string).collect()
}

fn help(binary: &str, words: &[&str], names: &[String]) -> Run {
    let mut command = step(binary);
    command.args(words);
    for name in names {
        command.env(name, canary(name));
    }
    run(&mut command)
}

#[test]
fn no_help_shows_the_value_of_an_environment_variable() {
    let mut checked = 0;
    let mut seen: Vec<String> = Vec::new();
    for binary in STEPS {
        let top = help(binary, &["--help"], &[]);
        assert_eq!(top.code, 0, "{binary}: {top:?}");
        let mut commands: Vec<Vec<&str>> = vec![vec![]];
        let listed = subcommands(&top.stdout);
        commands.extend(listed.iter().map(|c| vec![c.as_str()]));
        for words in commands {
            let plain = help(binary, &[words.as_slice(), &["--help"]].concat(), &[]);
            let mut names = env_names(&plain.stdout);
            names.extend(ALSO.iter().map(std::string::ToString::to_string));
            seen.extend(names.iter().cloned());
            let mut forms = vec![[words.as_slice(), &["--help"]].concat(), [words.as_slice(), &["-h"]].concat()];
            if !words.is_empty() {
                forms.push([&["help"], words.as_slice()].concat());
            }
            for form in forms {
                let out = help(binary, &form, &names);
                assert_eq!(out.code, 0, "{binary} {form:?}: {out:?}");
                for name in &names {
                    assert!(!out.all().contains(&canary(name)), "{binary} {form:?} shows ${name}: {out:?}");
                }
                checked += 1;
            }
        }
    }
    for secret in ["HELM_REPO_PASSWORD", "DECKHAND_REGISTRY_PASSWORD", "DECKHAND_SMTP_PASSWORD", "JENKINS_API_TOKEN"] {
        assert!(seen.iter().any(|n| n == secret), "{secret} was checked: {seen:?}");
    }
    assert!(checked >= 2 * STEPS.len() + 3 * 3, "every step and checkout-guard's subcommands: {checked}");
}

/// Every step says its own version and the commit it was built from with `--tool-version`, even
/// without the options a run needs.
#[test]
fn every_step_prints_its_version_and_commit() {
    let head = run(std::process::Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).current_dir(root()));
    for name in STEPS {
        let out = run(step(name).arg("--tool-version"));
        assert_eq!(out.code, 0, "{name}: {out:?}");
        let said = out.stdout.trim();
        assert!(said.starts_with(&format!("{name} {} (commit ", env!("CARGO_PKG_VERSION"))), "{said}");
        if head.code == 0 {
            // Built from this checkout (the test command builds first).
            assert!(said.contains(head.stdout.trim()) || said.contains("unknown"), "{said} vs {}", head.stdout);
        }
    }
}
