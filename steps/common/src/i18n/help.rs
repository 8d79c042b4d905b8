//! `--help`, man pages and reference pages in the run's language. English comes from the clap
//! definitions (doc comments); Chinese from `locales/zh-CN/help.ftl`, the step's own (its
//! arguments, `about`, `after-help`, `<subcommand>-...`) and then the shared one (the common
//! options, clap's own `--help`, the exit codes).

use std::collections::BTreeMap;

use clap::{Arg, Command};
use fluent_bundle::{FluentBundle, FluentResource};
use unic_langid::langid;

use super::{Catalogue, Lang};
use crate::error::EXIT_CODES;
use crate::tr;

/// The words of the command line in every language: the generated pages' headings and facts,
/// and the line said before a usage error.
pub static CLI: Catalogue =
    Catalogue::new(include_str!("../../locales/en/cli.ftl"), include_str!("../../locales/zh-CN/cli.ftl"));

/// The shared Chinese help texts (common options, headings, exit codes).
pub const COMMON_ZH: &str = include_str!("../../locales/zh-CN/help.ftl");

/// Help texts by id from Fluent sources (plain texts, no arguments); a later source overrides an
/// earlier one, and a text may refer to another (`{ exit-codes }`) in any of them.
pub fn texts(sources: &[&str]) -> BTreeMap<String, String> {
    let mut bundle = FluentBundle::new(vec![langid!("zh-CN")]);
    bundle.set_use_isolating(false);
    let mut ids = Vec::new();
    for source in sources {
        let Ok(resource) = FluentResource::try_new(source.to_string()) else { continue };
        ids.extend(resource.entries().filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        }));
        bundle.add_resource_overriding(resource);
    }
    ids.into_iter()
        .filter_map(|id| {
            let pattern = bundle.get_message(&id)?.value()?;
            let text = bundle.format_pattern(pattern, None, &mut Vec::new()).into_owned();
            Some((id, text))
        })
        .collect()
}

/// The ids a command's help texts have: `about`, `long-about`, `after-help`, `arg-<id>` for each
/// argument (clap's built-in help flag excepted), and `<subcommand>-<id>` for its subcommands.
pub fn ids(command: &Command) -> Vec<String> {
    let mut found = Vec::new();
    collect_ids(command, "", &mut found);
    found
}

fn collect_ids(command: &Command, prefix: &str, found: &mut Vec<String>) {
    if command.get_about().is_some() {
        found.push(format!("{prefix}about"));
    }
    if command.get_long_about().is_some() {
        found.push(format!("{prefix}long-about"));
    }
    if command.get_after_help().is_some_and(|a| a.to_string() != EXIT_CODES) {
        found.push(format!("{prefix}after-help"));
    }
    // clap's own --help and --version have their texts in the shared help.
    let own = |a: &&Arg| !matches!(a.get_action(), clap::ArgAction::Help | clap::ArgAction::Version);
    for arg in command.get_arguments().filter(|a| !a.is_hide_set()).filter(own) {
        found.push(format!("{prefix}arg-{}", arg.get_id()));
    }
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        collect_ids(sub, &format!("{prefix}{}-", sub.get_name()), found);
    }
}

/// `command` with its help in `lang`: Chinese texts from `step_zh` then [`COMMON_ZH`] (the
/// English ones stay where a Chinese one is missing).
pub fn localized(command: Command, step_zh: &str, lang: Lang) -> Command {
    translate(command, step_zh, lang, Facts::Said)
}

/// The texts of [`localized`] without clap's facts: the generated pages say those themselves.
pub fn translated(command: Command, step_zh: &str, lang: Lang) -> Command {
    translate(command, step_zh, lang, Facts::Omitted)
}

/// Whether an argument's help ends with its default, environment variable and possible values.
#[derive(Clone, Copy, PartialEq)]
enum Facts {
    Said,
    Omitted,
}

fn translate(command: Command, step_zh: &str, lang: Lang, facts: Facts) -> Command {
    if lang == Lang::En {
        return command;
    }
    localize(command, &texts(&[COMMON_ZH, step_zh]), "", lang, facts)
}

/// The text of `id` for the command at `prefix`; an argument's falls back to the common one.
fn lookup(texts: &BTreeMap<String, String>, prefix: &str, id: &str) -> Option<String> {
    let own = texts.get(&format!("{prefix}{id}"));
    own.or_else(|| id.starts_with("arg-").then(|| texts.get(id)).flatten()).cloned()
}

/// What clap says after an argument's help in English (`[default: 5m] [env: X] [possible
/// values: a, b]`), in Chinese: clap's own labels cannot be translated, so they are hidden and said
/// here. An environment variable's value is never shown (it may be a secret).
fn said_facts(arg: &Arg, lang: Lang) -> String {
    let fact = |label: &str, value: String| tr!(@in lang, CLI, "help-fact", label = label, value = value);
    let join = |values: Vec<String>| values.join(&tr!(@in lang, CLI, "help-values-separator"));
    let mut said = String::new();
    let takes_values = arg.get_action().takes_values();
    let values: Vec<String> =
        arg.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(|v| v.get_name().to_string()).collect();
    if takes_values && !values.is_empty() && !arg.is_hide_possible_values_set() {
        said += &fact(&tr!(@in lang, CLI, "doc-values"), join(values));
    }
    let defaults: Vec<String> = arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    if takes_values && !defaults.is_empty() && !arg.is_hide_default_value_set() {
        said += &fact(&tr!(@in lang, CLI, "doc-default"), join(defaults));
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        said += &fact(&tr!(@in lang, CLI, "doc-env"), env.to_string_lossy().into_owned());
    }
    said
}

fn localize(mut command: Command, texts: &BTreeMap<String, String>, prefix: &str, lang: Lang, facts: Facts) -> Command {
    if let Some(about) = lookup(texts, prefix, "about") {
        command = command.about(about);
    }
    if let Some(long) = lookup(texts, prefix, "long-about") {
        command = command.long_about(long);
    }
    let after = match command.get_after_help().map(ToString::to_string) {
        Some(after) if after == EXIT_CODES => texts.get("exit-codes").cloned(),
        // A step's own text (examples), then the exit codes where the English has them too.
        Some(english) => lookup(texts, prefix, "after-help").map(|own| match texts.get("exit-codes") {
            Some(codes) if english.contains(EXIT_CODES) && !own.contains(codes.as_str()) => format!("{own}\n\n{codes}"),
            _ => own,
        }),
        None => None,
    };
    if let Some(after) = after {
        command = command.after_help(after);
    }
    let (options, arguments) = (texts.get("heading-options").cloned(), texts.get("heading-arguments").cloned());
    // clap's own --help and --version, given back with our texts.
    if command.get_version().is_some() {
        command = command
            .disable_version_flag(true)
            .arg(Arg::new("version").short('V').long("version").action(clap::ArgAction::Version));
    }
    command = command
        .disable_help_flag(true)
        .arg(Arg::new("help").short('h').long("help").action(clap::ArgAction::Help))
        .mut_args(|arg| {
            let help = lookup(texts, prefix, &format!("arg-{}", arg.get_id()));
            let heading = if arg.is_positional() { arguments.clone() } else { options.clone() };
            let arg = match help {
                Some(help) if facts == Facts::Omitted => arg.help(help).long_help(None),
                Some(help) => {
                    let said = said_facts(&arg, lang);
                    let arg = match arg.get_action().takes_values() {
                        true => arg.hide_default_value(true).hide_env(true).hide_possible_values(true),
                        false => arg.hide_env(true),
                    };
                    arg.help(help + &said).long_help(None)
                }
                None => arg,
            };
            match heading {
                Some(heading) if arg.get_help_heading().is_none() => arg.help_heading(heading),
                _ => arg,
            }
        });
    if let Some(usage) = texts.get("heading-usage") {
        // clap's default template with the heading in Chinese (`{usage-heading}` is "Usage:").
        command = command.help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{usage}{{usage}}\n\n{{all-args}}{{after-help}}"
        ));
    }
    if let Some(heading) = texts.get("heading-commands") {
        command = command.subcommand_help_heading(heading.clone());
    }
    let names: Vec<String> =
        command.get_subcommands().map(|s| s.get_name().to_string()).filter(|n| n != "help").collect();
    for name in names {
        let sub_prefix = format!("{prefix}{name}-");
        command = command.mut_subcommand(&name, |sub| localize(sub, texts, &sub_prefix, lang, facts));
    }
    command
}

/// Problems with a step's Chinese help: an argument or text without Chinese, an id that names
/// nothing in the command.
pub fn problems(command: &Command, step_zh: &str) -> Vec<String> {
    let all = texts(&[COMMON_ZH, step_zh]);
    let own = texts(&[step_zh]);
    let wanted = ids(command);
    let mut problems: Vec<String> = wanted
        .iter()
        .filter(|id| {
            let (prefix, rest) = id.find("arg-").map_or(("", id.as_str()), |at| id.split_at(at));
            lookup(&all, prefix, rest).is_none()
        })
        .map(|id| format!("no Chinese help for {id}"))
        .collect();
    problems
        .extend(own.keys().filter(|id| !wanted.contains(id)).map(|id| format!("{id} names nothing in the command")));
    problems
}

/// The command lines of the examples (`after_help` lines that start with the step's name or
/// an environment assignment, without a trailing comment) that differ between the English help and the Chinese one.
pub fn example_differences(command: &Command, step_zh: &str) -> Vec<String> {
    let name = command.get_name();
    let commands = |text: &str| -> Vec<String> {
        text.lines()
            // A trailing `# comment` is prose, said in each language.
            .map(|l| l.split(" #").next().unwrap_or_default().trim())
            .filter(|l| l.starts_with(name) || l.split_whitespace().next().is_some_and(|w| w.contains("=$")))
            .map(str::to_string)
            .collect()
    };
    let english = commands(&command.get_after_help().map(ToString::to_string).unwrap_or_default());
    let chinese = commands(texts(&[step_zh]).get("after-help").map_or("", String::as_str));
    let mut differences: Vec<String> =
        english.iter().filter(|l| !chinese.contains(l)).map(|l| format!("en only: {l}")).collect();
    differences.extend(chinese.iter().filter(|l| !english.contains(l)).map(|l| format!("zh-CN only: {l}")));
    differences
}

/// A usage error said in the run's language: clap's own text when that is English; otherwise
/// what is wrong, the validator's reason, clap's suggestion and the usage line, all in the
/// run's language (clap's messages cannot be translated).
pub fn usage_error(err: &clap::Error, step: &str) -> String {
    match super::current() {
        Lang::En => err.render().to_string(),
        lang => usage_error_in(lang, err, step),
    }
}

fn usage_error_in(lang: Lang, err: &clap::Error, step: &str) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind as K};
    let context = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        _ => String::new(),
    };
    let (arg, value) = (context(ContextKind::InvalidArg), context(ContextKind::InvalidValue));
    let what = match err.kind() {
        K::MissingRequiredArgument | K::MissingSubcommand => tr!(@in lang, CLI, "usage-missing", arg = arg),
        K::InvalidValue | K::ValueValidation => tr!(@in lang, CLI, "usage-invalid-value", arg = arg, value = value),
        K::UnknownArgument | K::InvalidSubcommand => tr!(@in lang, CLI, "usage-unknown", arg = arg),
        K::ArgumentConflict => tr!(@in lang, CLI, "usage-conflict", arg = arg),
        _ => tr!(@in lang, CLI, "usage-other"),
    };
    let mut lines = vec![tr!(@in lang, CLI, "usage-error", what = what, step = step)];
    if let Some(reason) = std::error::Error::source(err) {
        lines.push(tr!(@in lang, CLI, "usage-reason", reason = reason.to_string()));
    }
    let suggested = [ContextKind::SuggestedArg, ContextKind::SuggestedValue, ContextKind::SuggestedSubcommand]
        .into_iter()
        .map(context)
        .find(|s| !s.is_empty());
    let valid = context(ContextKind::ValidValue);
    if !valid.is_empty() {
        lines.push(tr!(@in lang, CLI, "usage-valid", values = valid));
    }
    if let Some(suggestion) = suggested {
        lines.push(tr!(@in lang, CLI, "usage-tip", suggestion = suggestion));
    }
    // clap keeps the usage line only in its rendered text.
    let rendered = err.render().to_string();
    let usage = rendered.lines().find_map(|l| l.strip_prefix("Usage:")).unwrap_or_default().trim();
    if !usage.is_empty() {
        lines.push(tr!(@in lang, CLI, "usage-line", usage = usage));
    }
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::check;

    #[test]
    fn both_languages_have_every_word_and_every_word_is_used() {
        assert_eq!(check::same_ids_and_arguments(&CLI), Vec::<String>::new());
        assert_eq!(check::unused_ids(&CLI, env!("CARGO_MANIFEST_DIR")), Vec::<String>::new());
    }

    fn demo() -> Command {
        Command::new("demo")
            .about("Does a thing.")
            .arg(Arg::new("chart").required(true).help("The chart"))
            .arg(Arg::new("mode").long("mode").value_parser(["a", "b"]).help("The mode"))
            .subcommand(Command::new("run").about("Runs it.").arg(Arg::new("fast").long("fast").help("Fast")))
    }

    const DEMO_ZH: &str =
        "about = 做一件事。\narg-chart = Chart 名称\narg-mode = 模式\nrun-about = 运行。\nrun-arg-fast = 快速\n";

    #[test]
    fn chinese_help_replaces_every_text_and_heading() {
        let help = localized(demo(), DEMO_ZH, Lang::ZhCn).render_help().to_string();
        for zh in ["做一件事。", "用法：", "参数", "选项", "Chart 名称", "模式", "显示帮助", "子命令"]
        {
            assert!(help.contains(zh), "{zh} missing in:\n{help}");
        }
        assert!(!help.contains("The chart") && !help.contains("Usage:"), "{help}");
        assert!(help.contains("模式 [可选值：a, b]") && !help.contains("possible values"), "{help}");
        let mut run = localized(demo(), DEMO_ZH, Lang::ZhCn);
        let sub = run.find_subcommand_mut("run").unwrap().render_help().to_string();
        assert!(sub.contains("运行。") && sub.contains("快速"), "{sub}");
        assert_eq!(localized(demo(), DEMO_ZH, Lang::En).render_help().to_string(), demo().render_help().to_string());
    }

    #[test]
    fn a_missing_or_stray_chinese_text_is_a_problem() {
        assert_eq!(problems(&demo(), DEMO_ZH), Vec::<String>::new());
        let missing = DEMO_ZH.replace("run-arg-fast = 快速\n", "arg-gone = 无\n");
        assert_eq!(
            problems(&demo(), &missing),
            ["no Chinese help for run-arg-fast", "arg-gone names nothing in the command"]
        );
    }

    #[test]
    fn a_usage_error_is_said_in_the_language_of_the_run() {
        let err = demo().try_get_matches_from(["demo", "--mode", "c", "x"]).unwrap_err();
        let said = usage_error_in(Lang::ZhCn, &err, "demo");
        assert_eq!(said, "错误：--mode <mode> 不接受取值 c；请查看 `demo --help`\n可选值：a, b\n");
        let err = demo().try_get_matches_from(["demo", "--mod", "a", "x"]).unwrap_err();
        let said = usage_error_in(Lang::ZhCn, &err, "demo");
        assert_eq!(
            said,
            "错误：未知选项 --mod；请查看 `demo --help`\n提示：是否想用 --mode？\n用法：demo --mode <mode> <chart>\n"
        );
        let err = demo().try_get_matches_from(["demo"]).unwrap_err();
        assert!(usage_error_in(Lang::ZhCn, &err, "demo").starts_with("错误：缺少必填的选项或参数：<chart>；"));
    }
}
