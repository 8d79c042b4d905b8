//! Where option values come from. In this order of precedence:
//!
//! 1. a command-line flag;
//! 2. `PLUGIN_<NAME>` environment variables (Drone and Woodpecker `settings:`);
//! 3. the BK-CI `input.json` (when `bk_data_dir` and `bk_data_input` are set), by the option's
//!    snake_case or camelCase name; every value there is a string, lists are JSON text;
//! 4. the step's own environment variable names (clap's `env`, e.g. `HELM_REPO_USERNAME`);
//! 5. defaults.
//!
//! Sources 2 and 3 are turned into flags and the command line is parsed again, so clap validates
//! every value the same way whatever its source.

use std::collections::BTreeMap;
use std::ffi::OsString;

use clap::parser::ValueSource;
use clap::{ArgAction, Args, CommandFactory, FromArgMatches, ValueEnum};

use crate::host::Form;
use crate::{bk_ci, Error, Result};

/// Options every step has.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Result format on stdout: `text` for people, `json` for machines.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub output: Format,
    /// Print only the result and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print each request, retry and decision.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Print this step's own version and commit, and exit (`--version` is left to what helm
    /// means by it: a chart version).
    #[arg(long, global = true)]
    pub tool_version: bool,
    /// Language of messages (and of build-notify's built-in mails): en or zh-CN. Default: from
    /// DECKHAND_LANG, BK-CI's BK_CI_LOCALE_LANGUAGE, then LC_ALL / LC_MESSAGES / LANG.
    #[arg(long, value_enum, global = true, env = "DECKHAND_LANG", value_name = "LANG")]
    pub lang: Option<crate::i18n::Lang>,
}

/// What `--tool-version` prints: `chart-fetch 0.1.0 (commit 3f9afd3c1a2b)`.
pub fn tool_version(step: &str) -> String {
    format!("{step} {} (commit {})", env!("CARGO_PKG_VERSION"), env!("DECKHAND_COMMIT"))
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// Option values from sources other than the command line (2 and 3 above).
#[derive(Debug, Default)]
pub struct Sources {
    plugin: BTreeMap<String, String>,
    bk_input: BTreeMap<String, String>,
    /// Repeatable options whose plain-text values stay whole (the form's `keeps_commas`).
    keeps_commas: Vec<&'static str>,
}

impl Sources {
    /// Reads `PLUGIN_*` or, under BK-CI, the declared keys of `input.json` (and the credentials
    /// chosen there), then enters the BK-CI workspace, so that relative paths mean it.
    pub fn from_process(form: &Form) -> Result<Self> {
        let keeps_commas = form.inputs.iter().filter(|i| i.keeps_commas).map(|i| i.option).collect();
        let Some(worker) = bk_ci::Worker::from_env() else {
            let plugin = std::env::vars()
                .filter_map(|(k, v)| k.strip_prefix("PLUGIN_").map(|name| (name.to_ascii_lowercase(), v)))
                .collect();
            return Ok(Sources { plugin, bk_input: BTreeMap::new(), keeps_commas });
        };
        let (bk_input, workspace) = bk_ci::read_inputs(&worker, form)?;
        if let Some(dir) = workspace {
            std::env::set_current_dir(&dir)
                .map_err(|e| Error::input(crate::messages::workspace_unusable(&dir, &e.to_string())))?;
        }
        Ok(Sources { plugin: BTreeMap::new(), bk_input, keeps_commas })
    }

    /// Builds sources from explicit maps (for tests and embedding).
    pub fn new(plugin: BTreeMap<String, String>, bk_input: BTreeMap<String, String>, form: &Form) -> Self {
        Sources {
            plugin,
            bk_input,
            keeps_commas: form.inputs.iter().filter(|i| i.keeps_commas).map(|i| i.option).collect(),
        }
    }

    /// The value for option `id` (snake_case), from the highest-precedence source that has a
    /// non-empty one. BK-CI forms send `""` for an empty field: that is "not given".
    fn lookup(&self, id: &str) -> Option<&str> {
        let from_plugin = self.plugin.get(id);
        let from_bk = self.bk_input.get(id).or_else(|| self.bk_input.get(&bk_ci::camel_case(id)));
        from_plugin.or(from_bk).map(String::as_str).filter(|v| !v.trim().is_empty())
    }
}

/// A list value: JSON text (`["a","b"]`, as BK-CI and Woodpecker send) or comma-separated (Drone).
fn list_values(raw: &str) -> Vec<String> {
    if let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(raw) {
        return items
            .into_iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            })
            .collect();
    }
    raw.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

fn truthy(raw: &str) -> bool {
    matches!(raw.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on")
}

/// The step's command with env values hidden from `--help` (they may be secrets), in every
/// subcommand too.
pub fn command<T: CommandFactory>() -> clap::Command {
    hide_env_values(T::command())
}

fn hide_env_values(command: clap::Command) -> clap::Command {
    command.mut_args(|a| a.hide_env_values(true)).mut_subcommands(hide_env_values)
}

/// Parses `args` by `cmd` (the command of `T`, its help maybe localized) with values filled in
/// from `sources` where the command line has none. A step with subcommands takes its subcommand
/// from the command line or, failing that, from the sources' `subcommand`.
pub fn parse_from<T: FromArgMatches>(
    cmd: clap::Command,
    args: &[OsString],
    sources: &Sources,
) -> Result<T, clap::Error> {
    // A required value may come from another source, so the first pass requires nothing; help,
    // version and malformed flags surface here.
    let lenient = |c: clap::Command| {
        c.mut_args(|a| a.required(false))
            .subcommand_required(false)
            .arg_required_else_help(false)
            .mut_subcommands(|s| s.mut_args(|a| a.required(false)))
    };
    let given = match lenient(cmd.clone()).try_get_matches_from(args) {
        Ok(given) => given,
        // Help is rendered from the real command, which shows what is required.
        Err(e) if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) => {
            return Err(cmd.try_get_matches_from(args).err().unwrap_or(e));
        }
        Err(e) => return Err(e),
    };
    let top = filled(&cmd, &given, sources);
    let mut full: Vec<OsString> = args.iter().take(1).cloned().collect();
    full.extend(top.flags.iter().cloned());
    let rest: Vec<OsString> = args.iter().skip(1).cloned().collect();
    let chosen = given.subcommand().map(|(name, sub)| (name.to_string(), sub.clone(), true)).or_else(|| {
        let name = sources.lookup(crate::host::SUBCOMMAND)?.trim().to_string();
        let sub = lenient(cmd.find_subcommand(&name)?.clone()).try_get_matches_from([name.as_str()]).ok()?;
        Some((name, sub, false))
    });
    match chosen.and_then(|(name, sub_given, from_cli)| Some((cmd.find_subcommand(&name)?, sub_given, from_cli))) {
        Some((sub_cmd, sub_given, from_cli)) => {
            let inner = filled(sub_cmd, &sub_given, sources);
            let name = OsString::from(sub_cmd.get_name());
            // The subcommand's own filled flags go right after its name.
            let at = if from_cli { rest.iter().position(|a| *a == name) } else { None };
            match at {
                Some(at) => {
                    full.extend(rest[..=at].iter().cloned());
                    full.extend(inner.flags.iter().cloned());
                    full.extend(rest[at + 1..].iter().cloned());
                }
                None => {
                    full.extend(rest);
                    full.push(name);
                    full.extend(inner.flags.iter().cloned());
                }
            }
            push_positionals(&mut full, inner);
        }
        None => {
            full.extend(rest);
            push_positionals(&mut full, top);
        }
    }
    let matches = cmd.try_get_matches_from(full)?;
    T::from_arg_matches(&matches)
}

/// Flags and positional values one command gets from the sources.
struct Filled {
    flags: Vec<OsString>,
    positionals: Vec<OsString>,
    positional_given: bool,
}

fn filled(cmd: &clap::Command, given: &clap::ArgMatches, sources: &Sources) -> Filled {
    let mut out = Filled { flags: Vec::new(), positionals: Vec::new(), positional_given: false };
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if given.try_contains_id(id).is_ok() && given.value_source(id) == Some(ValueSource::CommandLine) {
            out.positional_given |= arg.is_positional();
            continue;
        }
        let Some(raw) = sources.lookup(id) else { continue };
        let Some(long) = arg.get_long() else {
            if arg.is_positional() {
                out.positionals.extend(list_values_for(arg, raw, sources).into_iter().map(OsString::from));
            }
            continue;
        };
        match arg.get_action() {
            ArgAction::SetTrue => {
                if truthy(raw) {
                    out.flags.push(format!("--{long}").into());
                }
            }
            ArgAction::Count => {
                let n: usize = raw.trim().parse().unwrap_or(usize::from(truthy(raw)));
                out.flags.extend(std::iter::repeat_n(OsString::from(format!("--{long}")), n));
            }
            ArgAction::Help | ArgAction::Version | ArgAction::HelpShort | ArgAction::HelpLong => {}
            _ => out.flags.extend(
                list_values_for(arg, raw, sources).into_iter().map(|v| OsString::from(format!("--{long}={v}"))),
            ),
        }
    }
    out
}

/// Appends positional values from the sources after `--`, unless the command line gave some.
fn push_positionals(full: &mut Vec<OsString>, filled: Filled) {
    if !filled.positionals.is_empty() && !filled.positional_given && !full.iter().any(|a| a == "--") {
        full.push("--".into());
        full.extend(filled.positionals);
    }
}

/// A repeatable option's values: a JSON list, or comma-separated text unless the option keeps
/// commas (see [`crate::host::Input::keeps_commas`]); then one value per line.
fn list_values_for(arg: &clap::Arg, raw: &str, sources: &Sources) -> Vec<String> {
    let json_list = raw.trim_start().starts_with('[');
    let keeps = sources.keeps_commas.contains(&arg.get_id().as_str());
    match arg.get_action() {
        ArgAction::Append if json_list || !keeps => list_values(raw),
        // One per line (a BK-CI text area): no address or `--set` holds a line break.
        ArgAction::Append => raw.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect(),
        _ => vec![raw.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Demo {
        /// The chart.
        chart: String,
        #[arg(long, env = "DECKHAND_DEMO_REPO_URL")]
        repo: Option<String>,
        #[arg(long)]
        ca_file: Option<String>,
        #[arg(long)]
        devel: bool,
        #[arg(long = "set")]
        set: Vec<String>,
        #[arg(long = "registry")]
        registries: Vec<String>,
    }

    const FORM: Form =
        crate::host::test_form(&[crate::host::Input::new("set", crate::host::text("", "")).keeps_commas()], &[]);

    #[derive(Parser, Debug)]
    struct Tool {
        #[command(subcommand)]
        command: ToolCommand,
        #[arg(long, global = true)]
        quiet: bool,
    }

    #[derive(clap::Subcommand, Debug, PartialEq)]
    enum ToolCommand {
        Lint {
            files: Vec<String>,
            #[arg(long)]
            all: bool,
        },
        Clean {
            #[arg(required = true)]
            roots: Vec<String>,
            #[arg(long)]
            dry_run: bool,
        },
    }

    #[test]
    fn a_subcommand_and_its_options_come_from_the_sources() {
        let bk =
            map(&[("subcommand", "clean"), ("roots", r#"["/ws","/cache"]"#), ("dry_run", "true"), ("quiet", "true")]);
        let t: Tool =
            parse_from(command::<Tool>(), &args(&["tool"]), &Sources::new(BTreeMap::new(), bk, &FORM)).unwrap();
        assert_eq!(t.command, ToolCommand::Clean { roots: vec!["/ws".into(), "/cache".into()], dry_run: true });
        assert!(t.quiet);
        let plugin = map(&[("all", "true"), ("subcommand", "clean")]);
        let t: Tool = parse_from(
            command::<Tool>(),
            &args(&["tool", "lint", "a.xml"]),
            &Sources::new(plugin, BTreeMap::new(), &FORM),
        )
        .unwrap();
        assert_eq!(
            t.command,
            ToolCommand::Lint { files: vec!["a.xml".into()], all: true },
            "the command line's subcommand wins"
        );
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn flag_beats_plugin_beats_bk_input() {
        let sources = Sources::new(
            map(&[("repo", "http://plugin")]),
            map(&[("repo", "http://bk"), ("caFile", "/ca.pem")]),
            &FORM,
        );
        let d: Demo = parse_from(command::<Demo>(), &args(&["demo", "nginx"]), &sources).unwrap();
        assert_eq!(d.repo.as_deref(), Some("http://plugin"));
        assert_eq!(d.ca_file.as_deref(), Some("/ca.pem"));
        let d: Demo =
            parse_from(command::<Demo>(), &args(&["demo", "nginx", "--repo", "http://flag"]), &sources).unwrap();
        assert_eq!(d.repo.as_deref(), Some("http://flag"));
    }

    #[test]
    fn positional_bool_and_list_from_bk_strings() {
        let bk = map(&[("chart", "redis"), ("devel", "true"), ("set", r#"["a=1","b=2"]"#), ("repo", "")]);
        let d: Demo =
            parse_from(command::<Demo>(), &args(&["demo"]), &Sources::new(BTreeMap::new(), bk, &FORM)).unwrap();
        assert_eq!(d.chart, "redis");
        assert!(d.devel);
        assert_eq!(d.set, vec!["a=1", "b=2"]);
        assert_eq!(d.repo, None, "an empty BK-CI field is not a value");
    }

    #[test]
    fn drone_lists_are_comma_separated_where_no_value_holds_a_comma() {
        let plugin = map(&[("registries", "a.example, b.example"), ("set", "a=1,list={x,y}")]);
        let d: Demo =
            parse_from(command::<Demo>(), &args(&["demo", "x"]), &Sources::new(plugin, BTreeMap::new(), &FORM))
                .unwrap();
        assert_eq!(d.registries, vec!["a.example", "b.example"]);
        assert_eq!(d.set, vec!["a=1,list={x,y}"], "one --set: helm splits it, braces and all");
        let plugin = map(&[("set", r#"["a=1","list={x,y}"]"#)]);
        let d: Demo =
            parse_from(command::<Demo>(), &args(&["demo", "x"]), &Sources::new(plugin, BTreeMap::new(), &FORM))
                .unwrap();
        assert_eq!(d.set, vec!["a=1", "list={x,y}"], "a JSON list is a list");
        let plugin = map(&[("set", "a=1,b=2\n list={x,y}\n")]);
        let d: Demo =
            parse_from(command::<Demo>(), &args(&["demo", "x"]), &Sources::new(plugin, BTreeMap::new(), &FORM))
                .unwrap();
        assert_eq!(d.set, vec!["a=1,b=2", "list={x,y}"], "one value per line");
    }

    #[test]
    fn missing_required_value_is_a_usage_error() {
        let err = parse_from::<Demo>(command::<Demo>(), &args(&["demo"]), &Sources::default()).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }
}
