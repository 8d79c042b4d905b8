//! A step's form in the CI hosts (BK-CI atoms, KubeSphere step templates, the Jenkins library,
//! Drone/Woodpecker settings): which options a host shows, with what labels, grouped how, and which
//! credentials fill which options. Each step declares one [`Form`]; everything else about an input
//! (its flag, type, default, choices, help, whether it is required) comes from the step's clap
//! definition, so the two cannot disagree. `cargo xtask hosts` turns [`spec`] into the host files;
//! under BK-CI the same form decides which `input.json` keys are read at all.

use serde::Serialize;
use serde_json::{json, Value};

/// Text in the users' two languages: Simplified Chinese first, as the hosts' consoles are.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Text {
    pub zh: &'static str,
    pub en: &'static str,
}

/// Shorthand for a [`Text`].
pub const fn text(zh: &'static str, en: &'static str) -> Text {
    Text { zh, en }
}

/// A step's host form.
#[derive(Debug)]
pub struct Form {
    /// The BK-CI atom code (camelCase, registered in the store).
    pub atom_code: &'static str,
    /// The name the hosts list the step under.
    pub name: Text,
    /// One sentence on what it does.
    pub summary: Text,
    /// KubeSphere's step category label.
    pub category: &'static str,
    /// BK-CI's default task timeout.
    pub timeout_minutes: u32,
    /// Input groups, in order (BK-CI `inputGroups`).
    pub groups: &'static [Group],
    /// The options a host offers, in form order.
    pub inputs: &'static [Input],
    /// Credentials a host may pick from its own store instead of typing secrets.
    pub credentials: &'static [Credential],
    /// What the step gives the pipeline back (BK-CI `output`; its `bk_outputs`).
    pub outputs: &'static [Output],
}

#[derive(Debug)]
pub struct Group {
    pub id: &'static str,
    pub label: Text,
    /// Shown folded until opened.
    pub folded: bool,
}

/// One option offered by the hosts: `option` is the clap argument's id (the field name).
#[derive(Debug)]
pub struct Input {
    pub option: &'static str,
    pub label: Text,
    pub placeholder: Option<Text>,
    pub group: Option<&'static str>,
    /// A default for the host form where it differs from the command line's (e.g. a folder in
    /// the workspace rather than `.`).
    pub host_default: Option<&'static str>,
    /// A multi-line text field.
    pub multiline: bool,
    /// For a repeatable option: its values may hold commas (`"Zhang, San" <z@corp.cn>`, helm's
    /// `a={x,y}`), so comma-joined plain text (Drone's lists) is one value; a JSON list is a list.
    pub keeps_commas: bool,
}

impl Input {
    /// An input with only its label; the rest default.
    pub const fn new(option: &'static str, label: Text) -> Input {
        Input {
            option,
            label,
            placeholder: None,
            group: None,
            host_default: None,
            multiline: false,
            keeps_commas: false,
        }
    }
    pub const fn placeholder(mut self, placeholder: Text) -> Input {
        self.placeholder = Some(placeholder);
        self
    }
    pub const fn group(mut self, group: &'static str) -> Input {
        self.group = Some(group);
        self
    }
    pub const fn host_default(mut self, value: &'static str) -> Input {
        self.host_default = Some(value);
        self
    }
    pub const fn multiline(mut self) -> Input {
        self.multiline = true;
        self
    }
    pub const fn keeps_commas(mut self) -> Input {
        self.keeps_commas = true;
        self
    }
}

/// The kinds of credential the hosts store, and how each reaches the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialKind {
    /// A user name and a password or token (BK-CI USERNAME_PASSWORD; KubeSphere basic-auth;
    /// Jenkins usernamePassword).
    UsernamePassword,
    /// A token alone (BK-CI PASSWORD/ACCESSTOKEN; KubeSphere secret-text; Jenkins string).
    SecretText,
    /// A kubeconfig's content (BK-CI PASSWORD or MULTI_LINE_PASSWORD; KubeSphere kubeconfig;
    /// Jenkins kubeconfigContent), handed over in `KUBECONFIG_CONTENT`.
    Kubeconfig,
}

/// A credential picked from the host's store.
#[derive(Debug)]
pub struct Credential {
    /// The host input that names it (BK-CI's credential id, KubeSphere's secret parameter).
    pub id: &'static str,
    pub kind: CredentialKind,
    pub label: Text,
    /// The option that gets the user name (UsernamePassword only).
    pub username_option: Option<&'static str>,
    /// The option that gets the secret; for a kubeconfig none: it goes to `KUBECONFIG_CONTENT`.
    pub secret_option: Option<&'static str>,
    pub group: Option<&'static str>,
}

/// The kubeconfig credential of a step that talks to a cluster (`KubeArgs`), in its `cluster` group.
pub const KUBECONFIG_CREDENTIAL: Credential = Credential {
    id: "kubeconfig_credential",
    kind: CredentialKind::Kubeconfig,
    label: text("kubeconfig 凭证", "kubeconfig credential"),
    username_option: None,
    secret_option: None,
    group: Some("cluster"),
};

/// A form with only `inputs` and `credentials`, for the plumbing's own tests.
#[cfg(test)]
pub(crate) const fn test_form(inputs: &'static [Input], credentials: &'static [Credential]) -> Form {
    Form {
        atom_code: "demo",
        name: text("", ""),
        summary: text("", ""),
        category: "",
        timeout_minutes: 1,
        groups: &[],
        inputs,
        credentials,
        outputs: &[],
    }
}

/// The environment variable a kubeconfig credential's content is handed over in (Jenkins'
/// kubeconfigContent binding's default name; `--kubeconfig-content-env` reads it).
pub const KUBECONFIG_CONTENT: &str = "KUBECONFIG_CONTENT";

#[derive(Debug)]
pub struct Output {
    pub id: &'static str,
    pub description: Text,
}

/// The option ids under BK-CI's `input.json` that this form declares: the inputs and, for a step
/// with subcommands, `subcommand`. Credential ids are read separately.
pub fn declared_options(form: &Form) -> Vec<&'static str> {
    form.inputs.iter().map(|i| i.option).collect()
}

/// The host input that chooses the subcommand of a step that has them (checkout-guard).
pub const SUBCOMMAND: &str = "subcommand";

/// Whether the declared input `option` keeps commas in plain text (see [`Input::keeps_commas`]).
pub fn keeps_commas(form: &Form, option: &str) -> bool {
    form.inputs.iter().any(|i| i.option == option && i.keeps_commas)
}

/// Where an option is defined: the top-level command, or one subcommand.
fn find_arg<'a>(command: &'a clap::Command, id: &str) -> Vec<(Option<&'a str>, &'a clap::Arg)> {
    let top = command.get_arguments().filter(|a| a.get_id() == id).map(|a| (None, a));
    let nested = command
        .get_subcommands()
        .flat_map(|sub| sub.get_arguments().filter(|a| a.get_id() == id).map(move |a| (Some(sub.get_name()), a)));
    top.chain(nested).collect()
}

/// What is wrong with `form` against `command`: inputs that are not options, groups and
/// credential options that do not exist, duplicates. Empty when the two agree.
pub fn problems(command: &clap::Command, form: &Form) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for input in form.inputs {
        if !seen.insert(input.option) {
            out.push(format!("input {} is declared twice", input.option));
        }
        match find_arg(command, input.option).as_slice() {
            [] => out.push(format!("input {} is not an option of {}", input.option, command.get_name())),
            [(_, arg)] if arg.is_hide_set() => out.push(format!("input {} is a hidden option", input.option)),
            _ => {}
        }
        if let Some(group) = input.group {
            if !form.groups.iter().any(|g| g.id == group) {
                out.push(format!("input {} is in group {group}, which is not declared", input.option));
            }
        }
        if input.keeps_commas && find_arg(command, input.option).iter().all(|(_, a)| !takes_many(a)) {
            out.push(format!("input {} keeps commas but is not repeatable", input.option));
        }
    }
    for credential in form.credentials {
        for option in [credential.username_option, credential.secret_option].into_iter().flatten() {
            if find_arg(command, option).is_empty() {
                out.push(format!("credential {} fills {option}, which is not an option", credential.id));
            }
        }
        if seen.contains(credential.id) || !find_arg(command, credential.id).is_empty() {
            out.push(format!("credential {} has the name of an option", credential.id));
        }
        if (credential.kind == CredentialKind::UsernamePassword) != credential.username_option.is_some() {
            out.push(format!("credential {}: a user name option goes with username-password only", credential.id));
        }
    }
    if command.has_subcommands() && seen.contains(SUBCOMMAND) {
        out.push(format!("{SUBCOMMAND} is the host's subcommand choice, not an input"));
    }
    out
}

fn takes_many(arg: &clap::Arg) -> bool {
    matches!(arg.get_action(), clap::ArgAction::Append)
}

/// The kind of value an input holds, for the host's widget.
fn value_kind(arg: &clap::Arg) -> &'static str {
    if matches!(arg.get_action(), clap::ArgAction::SetTrue) {
        "bool"
    } else if !arg.get_possible_values().is_empty() {
        "choice"
    } else if takes_many(arg) || arg.get_num_args().is_some_and(|n| n.max_values() > 1) {
        "list"
    } else if matches!(
        arg.get_value_hint(),
        clap::ValueHint::AnyPath | clap::ValueHint::FilePath | clap::ValueHint::DirPath
    ) {
        "path"
    } else {
        "text"
    }
}

/// The one line of help clap shows for `arg`.
fn help(arg: &clap::Arg) -> String {
    arg.get_help().map(std::string::ToString::to_string).unwrap_or_default()
}

fn input_spec(command: &clap::Command, form: &Form, input: &Input) -> Value {
    let found = find_arg(command, input.option);
    let (_, arg) = found[0];
    let subcommands: Vec<&str> = found.iter().filter_map(|(sub, _)| *sub).collect();
    let secret = form.credentials.iter().any(|c| c.secret_option == Some(input.option))
        || arg.get_id() == "password"
        || arg.get_id() == "token";
    let default = input.host_default.map(str::to_string).or_else(|| {
        let values: Vec<String> = arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
        (!values.is_empty() && !values.iter().all(String::is_empty)).then(|| values.join(","))
    });
    json!({
        "id": input.option,
        "flag": arg.get_long().map(|l| format!("--{l}")),
        "subcommands": subcommands,
        "kind": value_kind(arg),
        "multiline": input.multiline,
        "secret": secret,
        "required": arg.is_required_set(),
        "default": default,
        "choices": arg.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(clap::builder::PossibleValue::get_name).collect::<Vec<_>>(),
        "env": arg.get_env().map(|e| e.to_string_lossy().into_owned()),
        "help": help(arg),
        "label": input.label,
        "placeholder": input.placeholder,
        "group": input.group,
        "keeps_commas": input.keeps_commas,
    })
}

/// The step's host spec: its form joined with its clap definition, as JSON for `cargo xtask`
/// (printed by the hidden `--host-spec`).
pub fn spec(command: &clap::Command, form: &Form) -> Value {
    let subcommands: Vec<Value> = command
        .get_subcommands()
        .map(|s| json!({"name": s.get_name(), "about": s.get_about().map(std::string::ToString::to_string)}))
        .collect();
    let credentials: Vec<Value> = form
        .credentials
        .iter()
        .map(|c| {
            let env_of = |option: Option<&str>| {
                option.and_then(|o| find_arg(command, o).first().and_then(|(_, a)| a.get_env()))
                    .map(|e| e.to_string_lossy().into_owned())
            };
            json!({
                "id": c.id, "kind": c.kind, "label": c.label, "group": c.group,
                "username_option": c.username_option, "secret_option": c.secret_option,
                "username_env": env_of(c.username_option),
                "secret_env": if c.kind == CredentialKind::Kubeconfig { Some(KUBECONFIG_CONTENT.to_string()) } else { env_of(c.secret_option) },
            })
        })
        .collect();
    json!({
        "step": command.get_name(),
        "version": env!("CARGO_PKG_VERSION"),
        "about": command.get_about().map(std::string::ToString::to_string),
        "atom_code": form.atom_code,
        "name": form.name,
        "summary": form.summary,
        "category": form.category,
        "timeout_minutes": form.timeout_minutes,
        "groups": form.groups.iter().map(|g| json!({"id": g.id, "label": g.label, "folded": g.folded})).collect::<Vec<_>>(),
        "subcommands": subcommands,
        "inputs": form.inputs.iter().map(|i| input_spec(command, form, i)).collect::<Vec<_>>(),
        "credentials": credentials,
        "outputs": form.outputs.iter().map(|o| json!({"id": o.id, "description": o.description})).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    #[derive(Parser)]
    struct Demo {
        #[arg(long)]
        set: Vec<String>,
        #[arg(long)]
        repo: Option<String>,
        #[arg(long, hide = true)]
        secret_knob: bool,
    }

    #[test]
    fn a_form_that_matches_its_options_has_no_problems() {
        const OK: Form =
            test_form(&[Input::new("set", text("", "")).keeps_commas(), Input::new("repo", text("", ""))], &[]);
        assert_eq!(problems(&Demo::command(), &OK), Vec::<String>::new());
    }

    #[test]
    fn an_input_that_is_no_option_is_a_problem() {
        const BAD: Form = test_form(
            &[
                Input::new("dry_run", text("", "")),
                Input::new("repo", text("", "")).keeps_commas(),
                Input::new("secret_knob", text("", "")),
                Input::new("set", text("", "")).group("nowhere"),
            ],
            &[Credential {
                id: "repo",
                kind: CredentialKind::SecretText,
                label: text("", ""),
                username_option: Some("user"),
                secret_option: Some("token"),
                group: None,
            }],
        );
        let found = problems(&Demo::command(), &BAD);
        for expected in [
            "input dry_run is not an option",
            "input repo keeps commas but is not repeatable",
            "input secret_knob is a hidden option",
            "group nowhere",
            "fills user, which is not an option",
            "fills token",
            "credential repo has the name of an option",
            "a user name option goes with username-password only",
        ] {
            assert!(found.iter().any(|p| p.contains(expected)), "{expected:?} not in {found:#?}");
        }
    }

    #[test]
    fn the_spec_takes_kind_default_and_choices_from_clap() {
        const OK: Form = test_form(&[Input::new("set", text("值", "values")).keeps_commas()], &[]);
        let spec = spec(&Demo::command(), &OK);
        assert_eq!(spec["inputs"][0]["kind"], "list");
        assert_eq!(spec["inputs"][0]["flag"], "--set");
        assert_eq!(spec["inputs"][0]["label"]["zh"], "值");
    }
}
