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
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgAction, Args, CommandFactory, FromArgMatches, ValueEnum};

use crate::{Error, Result};

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
}

impl Sources {
    /// Reads `PLUGIN_*` and, under BK-CI, `input.json` from the process environment.
    pub fn from_process() -> Result<Self> {
        let plugin = std::env::vars()
            .filter_map(|(k, v)| k.strip_prefix("PLUGIN_").map(|name| (name.to_ascii_lowercase(), v)))
            .collect();
        let bk_input = match bk_input_path() {
            Some(path) => read_bk_input(&path)?,
            None => BTreeMap::new(),
        };
        Ok(Sources { plugin, bk_input })
    }

    /// Builds sources from explicit maps (for tests and embedding).
    pub fn new(plugin: BTreeMap<String, String>, bk_input: BTreeMap<String, String>) -> Self {
        Sources { plugin, bk_input }
    }

    /// The value for option `id` (snake_case), from the highest-precedence source that has a
    /// non-empty one. BK-CI forms send `""` for an empty field: that is "not given".
    fn lookup(&self, id: &str) -> Option<&str> {
        let from_plugin = self.plugin.get(id);
        let from_bk = self.bk_input.get(id).or_else(|| self.bk_input.get(&camel_case(id)));
        from_plugin.or(from_bk).map(String::as_str).filter(|v| !v.trim().is_empty())
    }
}

/// `$bk_data_dir/$bk_data_input`, when the BK-CI worker runs us.
pub fn bk_input_path() -> Option<PathBuf> {
    let dir = std::env::var_os("bk_data_dir")?;
    let input = std::env::var_os("bk_data_input")?;
    Some(PathBuf::from(dir).join(input))
}

fn read_bk_input(path: &std::path::Path) -> Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("cannot read the BK-CI input", path, e))?;
    let map: BTreeMap<String, serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
        Error::input(format!("the BK-CI input {} is not a JSON object: {e}", path.display()))
            .hint("bk_data_input must name the input.json the BK-CI worker wrote")
    })?;
    Ok(map
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, text)
        })
        .collect())
}

fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
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

/// Parses `args` with values filled in from `sources` where the command line has none.
pub fn parse_from<T: CommandFactory + FromArgMatches>(
    args: Vec<OsString>,
    sources: &Sources,
) -> Result<T, clap::Error> {
    let cmd = command::<T>();
    // A required value may come from another source, so the first pass requires nothing; help,
    // version and malformed flags surface here.
    let lenient = cmd.clone().mut_args(|a| a.required(false)).subcommand_required(false).arg_required_else_help(false);
    let given = match lenient.try_get_matches_from(&args) {
        Ok(given) => given,
        // Help is rendered from the real command, which shows what is required.
        Err(e) if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) => {
            return Err(cmd.try_get_matches_from(&args).err().unwrap_or(e));
        }
        Err(e) => return Err(e),
    };

    let mut flags: Vec<OsString> = Vec::new();
    let mut positionals: Vec<OsString> = Vec::new();
    let mut positional_given = false;
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if given.value_source(id) == Some(ValueSource::CommandLine) {
            positional_given |= arg.is_positional();
            continue;
        }
        let Some(raw) = sources.lookup(id) else { continue };
        let Some(long) = arg.get_long() else {
            if arg.is_positional() {
                positionals.extend(list_values_for(arg, raw).into_iter().map(OsString::from));
            }
            continue;
        };
        match arg.get_action() {
            ArgAction::SetTrue => {
                if truthy(raw) {
                    flags.push(format!("--{long}").into());
                }
            }
            ArgAction::Count => {
                let n: usize = raw.trim().parse().unwrap_or(usize::from(truthy(raw)));
                flags.extend(std::iter::repeat_n(OsString::from(format!("--{long}")), n));
            }
            ArgAction::Help | ArgAction::Version | ArgAction::HelpShort | ArgAction::HelpLong => {}
            _ => flags.extend(list_values_for(arg, raw).into_iter().map(|v| OsString::from(format!("--{long}={v}")))),
        }
    }

    let mut full: Vec<OsString> = args.iter().take(1).cloned().collect();
    full.extend(flags);
    full.extend(args.iter().skip(1).cloned());
    if !positionals.is_empty() && !positional_given && !args.iter().any(|a| a == "--") {
        full.push("--".into());
        full.extend(positionals);
    }
    let matches = cmd.try_get_matches_from(full)?;
    T::from_arg_matches(&matches)
}

/// Repeatable options whose values may themselves hold commas: mail addresses (`"Zhang, San"
/// <z@corp.cn>`, split by build-notify itself, quotes respected), helm's `--set` (`a={x,y}`, split
/// by helm), raw helm arguments and a wrapped command's words. From plain text (Drone's
/// comma-joined lists) they are one value; a JSON list still gives several.
const KEEPS_COMMAS: [&str; 8] = ["to", "cc", "bcc", "reply_to", "set", "set_string", "helm_args", "command"];

fn list_values_for(arg: &clap::Arg, raw: &str) -> Vec<String> {
    let json_list = raw.trim_start().starts_with('[');
    if matches!(arg.get_action(), ArgAction::Append) && (json_list || !KEEPS_COMMAS.contains(&arg.get_id().as_str())) {
        list_values(raw)
    } else {
        vec![raw.to_string()]
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

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn flag_beats_plugin_beats_bk_input() {
        let sources =
            Sources::new(map(&[("repo", "http://plugin")]), map(&[("repo", "http://bk"), ("caFile", "/ca.pem")]));
        let d: Demo = parse_from(args(&["demo", "nginx"]), &sources).unwrap();
        assert_eq!(d.repo.as_deref(), Some("http://plugin"));
        assert_eq!(d.ca_file.as_deref(), Some("/ca.pem"));
        let d: Demo = parse_from(args(&["demo", "nginx", "--repo", "http://flag"]), &sources).unwrap();
        assert_eq!(d.repo.as_deref(), Some("http://flag"));
    }

    #[test]
    fn positional_bool_and_list_from_bk_strings() {
        let bk = map(&[("chart", "redis"), ("devel", "true"), ("set", r#"["a=1","b=2"]"#), ("repo", "")]);
        let d: Demo = parse_from(args(&["demo"]), &Sources::new(BTreeMap::new(), bk)).unwrap();
        assert_eq!(d.chart, "redis");
        assert!(d.devel);
        assert_eq!(d.set, vec!["a=1", "b=2"]);
        assert_eq!(d.repo, None, "an empty BK-CI field is not a value");
    }

    #[test]
    fn drone_lists_are_comma_separated_where_no_value_holds_a_comma() {
        let plugin = map(&[("registries", "a.example, b.example"), ("set", "a=1,list={x,y}")]);
        let d: Demo = parse_from(args(&["demo", "x"]), &Sources::new(plugin, BTreeMap::new())).unwrap();
        assert_eq!(d.registries, vec!["a.example", "b.example"]);
        assert_eq!(d.set, vec!["a=1,list={x,y}"], "one --set: helm splits it, braces and all");
        let plugin = map(&[("set", r#"["a=1","list={x,y}"]"#)]);
        let d: Demo = parse_from(args(&["demo", "x"]), &Sources::new(plugin, BTreeMap::new())).unwrap();
        assert_eq!(d.set, vec!["a=1", "list={x,y}"], "a JSON list is a list");
    }

    #[test]
    fn missing_required_value_is_a_usage_error() {
        let err = parse_from::<Demo>(args(&["demo"]), &Sources::default()).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }
}
