//! A step's reference page (markdown) and man page (roff, by clap_mangen), generated from its clap
//! definition in the run's language (see [`crate::i18n::help`]): `<step> --generate man|markdown`,
//! which `cargo xtask hosts` writes under `docs/`.

use std::fmt::Write as _;

use clap::{Arg, ArgAction, Command};

use crate::i18n::help::CLI as CATALOGUE;
use crate::tr;

/// The hidden first argument that prints a generated page: `--generate man` or `--generate markdown`.
pub const GENERATE: &str = "--generate";

/// The man page of `command`, section 1.
pub fn man(command: &Command) -> String {
    let mut roff = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = clap_mangen::Man::new(command.clone()).render(&mut roff);
    let mut page = String::from_utf8_lossy(&roff).into_owned();
    for (english, id) in [
        ("NAME", tr!(CATALOGUE, "man-name")),
        ("SYNOPSIS", tr!(CATALOGUE, "man-synopsis")),
        ("DESCRIPTION", tr!(CATALOGUE, "man-description")),
        ("EXTRA", tr!(CATALOGUE, "man-extra")),
        ("VERSION", tr!(CATALOGUE, "man-version")),
    ] {
        page = page.replace(&format!("\n.SH {english}\n"), &format!("\n.SH {id}\n"));
    }
    page
}

/// The markdown reference page of `command` (and of its subcommands).
pub fn markdown(command: &Command) -> String {
    let mut command = command.clone();
    command.build();
    let mut page = format!("# {}\n\n<!-- {} -->\n\n", command.get_name(), tr!(CATALOGUE, "doc-generated"));
    section(&mut page, &mut command, 2);
    page
}

fn section(page: &mut String, command: &mut Command, level: usize) {
    let about = command.get_long_about().or(command.get_about()).map(ToString::to_string);
    if let Some(about) = about {
        let _ = writeln!(page, "{}\n", about.trim());
    }
    let heading = "#".repeat(level);
    let usage = command.render_usage().to_string();
    let usage = usage.split_once(' ').map_or(usage.as_str(), |(_, u)| u).trim().to_string();
    let _ = writeln!(page, "{heading} {}\n\n```text\n{usage}\n```\n", tr!(CATALOGUE, "doc-usage"));
    let visible: Vec<&Arg> = command.get_arguments().filter(|a| !a.is_hide_set()).collect();
    let (positionals, options): (Vec<&Arg>, Vec<&Arg>) = visible.into_iter().partition(|a| a.is_positional());
    for (title, args) in [(tr!(CATALOGUE, "doc-arguments"), positionals), (tr!(CATALOGUE, "doc-options"), options)] {
        if args.is_empty() {
            continue;
        }
        let _ = writeln!(page, "{heading} {title}\n");
        for arg in args {
            let _ = writeln!(page, "- {}", entry(arg));
        }
        page.push('\n');
    }
    let subcommands: Vec<String> =
        command.get_subcommands().map(|s| s.get_name().to_string()).filter(|n| n != "help").collect();
    if !subcommands.is_empty() {
        let _ = writeln!(page, "{heading} {}\n", tr!(CATALOGUE, "doc-subcommands"));
        for name in subcommands {
            if let Some(sub) = command.find_subcommand_mut(&name) {
                let _ = writeln!(page, "{heading}# `{name}`\n");
                section(page, sub, level + 2);
            }
        }
    }
    if let Some(after) = command.get_after_help() {
        let _ =
            writeln!(page, "{heading} {}\n\n```text\n{}\n```\n", tr!(CATALOGUE, "doc-more"), after.to_string().trim());
    }
}

/// `` `-d, --destination <DIR>` ``: help (default `.`; environment `X`; values `a`, `b`).
fn entry(arg: &Arg) -> String {
    let mut names = Vec::new();
    if let Some(short) = arg.get_short() {
        names.push(format!("-{short}"));
    }
    if let Some(long) = arg.get_long() {
        names.push(format!("--{long}"));
    }
    let takes_value = matches!(arg.get_action(), ArgAction::Set | ArgAction::Append);
    let value = arg.get_value_names().map(|v| v.iter().map(|n| format!("<{n}>")).collect::<Vec<_>>().join(" "));
    let value = value.unwrap_or_else(|| format!("<{}>", arg.get_id().as_str().to_uppercase()));
    let flag = match (names.is_empty(), takes_value) {
        (true, _) => value,
        (false, true) => format!("{} {value}", names.join(", ")),
        (false, false) => names.join(", "),
    };
    let help = arg.get_long_help().or(arg.get_help()).map(std::string::ToString::to_string).unwrap_or_default();
    let mut facts = Vec::new();
    if arg.is_required_set() {
        facts.push(tr!(CATALOGUE, "doc-required"));
    }
    let defaults: Vec<String> = arg.get_default_values().iter().map(|v| format!("`{}`", v.to_string_lossy())).collect();
    if !defaults.is_empty() && takes_value {
        facts.push(format!("{} {}", tr!(CATALOGUE, "doc-default"), defaults.join(", ")));
    }
    if let Some(env) = arg.get_env() {
        facts.push(format!("{} `{}`", tr!(CATALOGUE, "doc-env"), env.to_string_lossy()));
    }
    let values: Vec<String> =
        arg.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(|v| format!("`{}`", v.get_name())).collect();
    if !values.is_empty() {
        facts.push(format!("{} {}", tr!(CATALOGUE, "doc-values"), values.join(", ")));
    }
    if matches!(arg.get_action(), ArgAction::Append | ArgAction::Count) {
        facts.push(tr!(CATALOGUE, "doc-repeatable"));
    }
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    let facts = if facts.is_empty() {
        String::new()
    } else {
        tr!(CATALOGUE, "doc-facts", facts = facts.join(&tr!(CATALOGUE, "doc-facts-separator")))
    };
    format!("`{flag}`: {help}{facts}")
}
