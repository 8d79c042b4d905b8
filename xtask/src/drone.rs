//! Drone and Woodpecker plugin examples: `hosts/drone/<step>.yml` and `hosts/woodpecker/<step>.yml`,
//! a pipeline step that runs the plugin image `deckhand/<step>` (images/plugin.Containerfile)
//! configured by `settings:` alone (a plugin step has settings or commands, never both).
//!
//! Both runners turn each setting into `PLUGIN_<KEY>`: Drone upper-cases the key as it is,
//! Woodpecker also turns `-` and `.` into `_`, so keys are the options' snake_case ids, which the
//! steps look up. Both join a YAML list of plain values with commas (drone-runner-docker's
//! encoder, Woodpecker's `ParamsToEnv`), which the steps split again: fine for values that hold no
//! comma. A list whose values may (a display name, a helm `--set`: the spec's keeps_commas) is
//! written as JSON text, which both pass on verbatim and the steps read as a JSON list. Secrets
//! come `from_secret`; a kubeconfig's text goes in the `KUBECONFIG_CONTENT` environment variable.

use std::fmt::Write as _;

use serde_json::json;

use crate::spec::{Input, Step};
use crate::Files;

/// A setting's example value.
#[derive(Clone, Copy)]
enum Value {
    Text(&'static str),
    Bool(bool),
    List(&'static [&'static str]),
}

use Value::{Bool, List, Text};

/// The example settings of each step: values a user would write (hosts are examples), valid for
/// the step; the secrets are added from the spec's credentials.
fn example(step: &str) -> &'static [(&'static str, Value)] {
    match step {
        "chart-fetch" => &[
            ("repo", Text("https://charts.example/stable")),
            ("chart", Text("demo")),
            ("version", Text("~1.2")),
            ("destination", Text("charts")),
            ("untar", Bool(true)),
        ],
        "chart-untar" => {
            &[("archive", Text("charts/demo-1.2.3.tgz")), ("destination", Text("build")), ("force", Bool(true))]
        }
        "pull-secret" => &[
            ("name", Text("harbor-pull")),
            ("namespace", Text("shop")),
            ("registries", List(&["harbor.example"])),
            ("service_accounts", List(&["default", "deployer"])),
        ],
        "chart-deploy" => &[
            ("chart", Text("build/demo")),
            ("release", Text("demo")),
            ("namespace", Text("shop")),
            ("values", List(&["deploy/values-prod.yaml"])),
            ("set", List(&["image.tag=1.2.3", "ingress.hosts={a.example,b.example}"])),
            ("timeout", Text("10m")),
            ("atomic", Bool(true)),
        ],
        "build-notify" => &[
            ("smtp_host", Text("smtp.example.com")),
            ("smtp_port", Text("587")),
            ("tls", Text("starttls")),
            ("from", Text("\"构建机器人, CI\" <ci@example.com>")),
            ("to", List(&["\"Zhang, San\" <zhangsan@example.com>", "qa@example.com"])),
            ("template", Text("success")),
            ("lang", Text("zh-CN")),
        ],
        "checkout-guard" => &[("subcommand", Text("clean")), ("roots", List(&["."])), ("min_age", Text("1h"))],
        _ => &[],
    }
}

/// The plugin image a pipeline names (images/build.sh plugins builds it as
/// `localhost/deckhand-<step>`).
pub fn image(step: &Step) -> String {
    format!("deckhand/{}", step.step)
}

pub fn files(step: &Step) -> Files {
    let settings = settings(step);
    Files::from([
        (format!("hosts/drone/{}.yml", step.step).into(), pipeline(step, &settings, Runner::Drone)),
        (format!("hosts/woodpecker/{}.yml", step.step).into(), pipeline(step, &settings, Runner::Woodpecker)),
    ])
}

#[derive(Clone, Copy, PartialEq)]
enum Runner {
    Drone,
    Woodpecker,
}

/// A setting as YAML text (after `key:`), and the secrets the step gets in its environment.
struct Settings {
    lines: Vec<(String, String)>,
    environment: Vec<(String, String)>,
}

fn settings(step: &Step) -> Settings {
    let mut lines = Vec::new();
    let chosen = example(step.step.as_str()).iter().find(|(k, _)| *k == "subcommand").map(|(_, v)| match v {
        Text(t) => t.to_string(),
        _ => panic!("{}: the subcommand is text", step.step),
    });
    assert_eq!(
        chosen.is_some(),
        !step.subcommands.is_empty(),
        "{}: an example chooses a subcommand when there are some",
        step.step
    );
    for (key, value) in example(step.step.as_str()) {
        if *key == "subcommand" {
            lines.push((key.to_string(), scalar(chosen.as_deref().unwrap_or_default())));
            continue;
        }
        let input = step.input(key).unwrap_or_else(|| panic!("{}: {key} is not an input", step.step));
        lines.push((key.to_string(), yaml_value(input, value)));
    }
    for input in &step.inputs {
        let applies = input.subcommands.is_empty() || chosen.as_ref().is_some_and(|c| input.subcommands.contains(c));
        let filled = step
            .credentials
            .iter()
            .any(|c| [&c.username_option, &c.secret_option].into_iter().flatten().any(|o| *o == input.id));
        let given = lines.iter().any(|(k, _)| *k == input.id);
        assert!(
            given || filled || !applies || !input.required || input.default.is_some(),
            "{}: the example lacks the required {}",
            step.step,
            input.id
        );
    }
    let mut environment = Vec::new();
    for credential in &step.credentials {
        if credential.kind == "kubeconfig" {
            environment.push(("KUBECONFIG_CONTENT".to_string(), "kubeconfig".to_string()));
            continue;
        }
        // The secret's name is the step's own variable, lower-cased: one name wherever it is used.
        for (option, env) in [
            (&credential.username_option, &credential.username_env),
            (&credential.secret_option, &credential.secret_env),
        ] {
            let applies = |id: &String| {
                step.input(id).is_some_and(|i| {
                    i.subcommands.is_empty() || chosen.as_ref().is_some_and(|c| i.subcommands.contains(c))
                })
            };
            if let (Some(option), Some(env)) = (option.as_ref().filter(|o| applies(o)), env) {
                lines.push((option.clone(), format!("\n  from_secret: {}", env.to_ascii_lowercase())));
            }
        }
    }
    Settings { lines, environment }
}

fn yaml_value(input: &Input, value: &Value) -> String {
    match (input.kind.as_str(), value) {
        ("bool", Bool(b)) => b.to_string(),
        ("list", List(items)) if input.keeps_commas => {
            // JSON text: a YAML list would be comma-joined and split apart again at the commas inside.
            scalar(&json!(items).to_string())
        }
        ("list", List(items)) => items.iter().map(|i| format!("\n  - {}", scalar(i))).collect(),
        ("choice", Text(t)) => {
            assert!(input.choices.iter().any(|c| c == t), "{}: {t} is no choice", input.id);
            scalar(t)
        }
        ("text" | "path", Text(t)) => scalar(t),
        (kind, _) => panic!("{}: the example value does not fit a {kind}", input.id),
    }
}

/// A YAML scalar that reads back as the same string in YAML 1.1 (Drone's yaml.v2) and 1.2
/// (Woodpecker's yaml.v3): plain when nothing in it means anything to either, else single-quoted.
pub fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "/._@-=".contains(c))
        && !text.starts_with(['-', '.', '@'])
        && text.parse::<f64>().is_err()
        && !["y", "n", "yes", "no", "on", "off", "true", "false", "null"].contains(&text.to_ascii_lowercase().as_str());
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

fn pipeline(step: &Step, settings: &Settings, runner: Runner) -> String {
    let (host, workspace) = match runner {
        Runner::Drone => ("Drone", "/drone/src"),
        Runner::Woodpecker => ("Woodpecker", "/woodpecker/src"),
    };
    let mut out = String::new();
    let _ = writeln!(out, "# {} as a {host} plugin: {} / {}", step.step, step.name.en, step.name.zh);
    let _ = writeln!(
        out,
        "# Generated by `cargo xtask hosts` from {}'s options: edit steps/{}, not this file.",
        step.step, step.step
    );
    let _ = writeln!(
        out,
        "# The image is built by `images/build.sh plugins` (localhost/deckhand-{}); push it as {}.",
        step.step,
        image(step)
    );
    let _ = writeln!(out, "# Relative paths are in the workspace ({workspace}). Settings (PLUGIN_<KEY>):");
    if !step.subcommands.is_empty() {
        let names: Vec<&str> = step.subcommands.iter().map(|s| s.name.as_str()).collect();
        let _ = writeln!(out, "#   subcommand: {}", names.join(" | "));
    }
    for input in &step.inputs {
        let mut note = match input.kind.as_str() {
            "list" if input.keeps_commas => " (a JSON list as text: its values may hold commas)".to_string(),
            "list" => " (a list)".to_string(),
            "choice" => format!(" ({})", input.choices.join(" | ")),
            _ => String::new(),
        };
        if !input.subcommands.is_empty() {
            let _ = write!(note, " [{}]", input.subcommands.join(", "));
        }
        let _ = writeln!(out, "#   {}: {} / {}{note}", input.id, input.label.en, input.label.zh);
    }
    if runner == Runner::Drone {
        out.push_str("kind: pipeline\ntype: docker\nname: default\n\n");
    }
    out.push_str("steps:\n");
    let _ = writeln!(out, "  - name: {}", step.step);
    let _ = writeln!(out, "    image: {}", image(step));
    out.push_str("    settings:\n");
    for (key, value) in &settings.lines {
        let value = value.replace('\n', "\n      ");
        let sep = if value.starts_with('\n') { ":" } else { ": " };
        let _ = writeln!(out, "      {key}{sep}{value}");
    }
    if !settings.environment.is_empty() {
        out.push_str("    environment:\n");
        for (name, secret) in &settings.environment {
            let _ = writeln!(out, "      {name}:\n        from_secret: {secret}");
        }
    }
    out
}
