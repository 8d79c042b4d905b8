//! Printing a step's result: text for people, `--output json` for machines, and under BK-CI an
//! `output.json` (status, message, errorType, data). Everything printed is scrubbed of secrets.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::options::{self, CommonArgs, Format, Sources};
use crate::redact::scrub;
use crate::{bk_ci, docs, host, i18n, log, messages, process, Error, ErrorKind, Result};

/// A step's successful result.
pub trait Outcome: Serialize {
    /// The lines a person reads.
    fn text(&self) -> String;
    /// One line for BK-CI's `message`.
    fn summary(&self) -> String;
    /// String outputs for BK-CI's `data` (they become pipeline variables).
    fn bk_outputs(&self) -> Vec<(&'static str, String)>;
    /// The exit code of a run that worked (a linter's findings, a wrapped command's own code).
    fn exit_code(&self) -> u8 {
        0
    }
}

/// A step's command line, which always carries the [`CommonArgs`].
pub trait StepCli: clap::CommandFactory + clap::FromArgMatches {
    fn common(&self) -> &CommonArgs;
    /// The step's form in the CI hosts.
    fn form() -> &'static host::Form;
    /// The step's Chinese help texts (`locales/zh-CN/help.ftl`, see [`i18n::help`]).
    fn help_zh() -> &'static str;
}

/// The step's command line with its help in the run's language.
fn localized_command<C: StepCli>() -> clap::Command {
    i18n::help::localized(options::command::<C>(), C::help_zh(), i18n::current())
}

/// Implements [`StepCli`] for a step's clap struct (which has a `common: CommonArgs` field) with
/// its host form, and adds unit tests that its command line is consistent (clap's debug asserts)
/// and that every input the form declares is a real option.
#[macro_export]
macro_rules! step_cli {
    ($cli:ident, $form:expr) => {
        impl $crate::output::StepCli for $cli {
            fn common(&self) -> &$crate::options::CommonArgs {
                &self.common
            }
            fn form() -> &'static $crate::host::Form {
                &$form
            }
            fn help_zh() -> &'static str {
                include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/zh-CN/help.ftl"))
            }
        }

        #[cfg(test)]
        mod step_cli_tests {
            #[test]
            fn command_line_is_consistent() {
                <super::$cli as clap::CommandFactory>::command().debug_assert();
            }

            #[test]
            fn every_help_text_has_its_chinese() {
                let command = <super::$cli as clap::CommandFactory>::command();
                let help = <super::$cli as $crate::output::StepCli>::help_zh();
                assert_eq!($crate::i18n::help::problems(&command, help), Vec::<String>::new());
            }

            #[test]
            fn the_chinese_help_has_no_english_label_of_clap() {
                let command = <super::$cli as clap::CommandFactory>::command();
                let zh = <super::$cli as $crate::output::StepCli>::help_zh();
                let mut command = $crate::i18n::help::localized(command, zh, $crate::i18n::Lang::ZhCn);
                let help = command.render_help().to_string();
                for english in ["[default: ", "[env: ", "[possible values: ", "Usage:", "Options:", "Arguments:"] {
                    assert!(!help.contains(english), "{english} in:\n{help}");
                }
            }

            #[test]
            fn the_examples_are_the_same_commands_in_both_languages() {
                let command = <super::$cli as clap::CommandFactory>::command();
                let help = <super::$cli as $crate::output::StepCli>::help_zh();
                assert_eq!($crate::i18n::help::example_differences(&command, help), Vec::<String>::new());
            }

            #[test]
            fn the_host_form_declares_real_options() {
                let command = <super::$cli as clap::CommandFactory>::command();
                assert_eq!($crate::host::problems(&command, &$form), Vec::<String>::new());
            }
        }
    };
}

/// Runs a step: gathers its options from every source, runs `body`, prints the outcome or the
/// error, writes BK-CI's `output.json` when running as an atom, and returns the exit code.
pub fn run_step<C: StepCli, O: Outcome>(body: impl FnOnce(C) -> Result<O>) -> ExitCode {
    run_step_with(ErrorKind::exit_code, body)
}

/// [`run_step`] for a step whose own exit codes need the usual ones moved (a linter whose 1 and 2
/// mean warnings and errors): `code_of` gives each error kind's exit code.
pub fn run_step_with<C: StepCli, O: Outcome>(
    code_of: fn(ErrorKind) -> u8,
    body: impl FnOnce(C) -> Result<O>,
) -> ExitCode {
    install_endings(code_of);
    bk_output_dir();
    i18n::current();
    // Before parsing: a step's required options are not needed to say what it is.
    if std::env::args_os().skip(1).any(|a| a == "--tool-version") {
        println!("{}", options::tool_version(<C as clap::CommandFactory>::command().get_name()));
        return ExitCode::SUCCESS;
    }
    // For `cargo xtask hosts`: the reference pages, in the language asked for.
    if std::env::args_os().nth(1).is_some_and(|a| a == docs::GENERATE) {
        let command = i18n::help::translated(options::command::<C>(), C::help_zh(), i18n::current());
        match std::env::args().nth(2).as_deref() {
            Some("man") => print!("{}", docs::man(&command)),
            _ => print!("{}", docs::markdown(&command)),
        }
        return ExitCode::SUCCESS;
    }
    // For `cargo xtask hosts`: the form joined with the options, from which host files are made.
    if std::env::args_os().nth(1).is_some_and(|a| a == HOST_SPEC) {
        let spec = host::spec(&options::command::<C>(), C::form());
        println!("{}", serde_json::to_string_pretty(&spec).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let sources = match Sources::from_process(C::form()) {
        Ok(sources) => sources,
        Err(err) => return fail(Format::Text, &err, code_of),
    };
    let args: Vec<_> = std::env::args_os().collect();
    let cli: C = match options::parse_from(localized_command::<C>(), &args, &sources) {
        Ok(cli) => cli,
        Err(err) => {
            let step = <C as clap::CommandFactory>::command().get_name().to_string();
            return clap_failure(&err, code_of(ErrorKind::Usage), &step);
        }
    };
    if let Some(lang) = cli.common().lang {
        i18n::set(lang); // also from PLUGIN_LANG or input.json, which only the parse sees
    }
    let format = cli.common().output;
    JSON_OUTPUT.store(format == Format::Json, Ordering::Relaxed);
    log::init(cli.common().quiet, cli.common().verbose);
    panic_if_asked();
    match body(cli) {
        Ok(outcome) => succeed(format, &outcome),
        Err(err) => fail(format, &err, code_of),
    }
}

/// The hidden first argument that prints the step's host spec (see [`host::spec`]).
pub const HOST_SPEC: &str = "--host-spec";

/// `--output json`, for a run ended by a signal or a panic.
static JSON_OUTPUT: AtomicBool = AtomicBool::new(false);

/// However the run ends early (SIGINT/SIGTERM, a panic), it is reported like any failure: a line
/// on stderr and, under BK-CI, `output.json`. The panic hook runs before the release profile's
/// abort, so it does its work there.
fn install_endings(code_of: fn(ErrorKind) -> u8) {
    process::set_report(Box::new(move |err| {
        let format = if JSON_OUTPUT.load(Ordering::Relaxed) { Format::Json } else { Format::Text };
        report(format, err, code_of)
    }));
    process::install();
    std::panic::set_hook(Box::new(|info| {
        let what = match (info.payload().downcast_ref::<&str>(), info.payload().downcast_ref::<String>()) {
            (Some(text), _) => text.to_string(),
            (_, Some(text)) => text.clone(),
            _ => String::new(),
        };
        let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        process::die(&Error::internal(messages::internal_error(&what, &place)))
    }));
}

/// Debug builds only: `DECKHAND_TEST_PANIC` set makes the step panic right after parsing its
/// options, so the tests can check what a panic prints and writes. Harmless: it only ends the run,
/// and release builds do not have it.
fn panic_if_asked() {
    #[cfg(debug_assertions)]
    if std::env::var_os("DECKHAND_TEST_PANIC").is_some() {
        panic!("DECKHAND_TEST_PANIC is set");
    }
}

fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", log::for_terminal(&scrub(text)));
    let _ = out.flush();
}

fn succeed<O: Outcome>(format: Format, outcome: &O) -> ExitCode {
    match format {
        Format::Text if outcome.text().is_empty() => {}
        Format::Text => print_stdout(&outcome.text()),
        Format::Json => print_stdout(&serde_json::to_string_pretty(outcome).unwrap_or_default()),
    }
    let data =
        outcome.bk_outputs().into_iter().map(|(k, v)| (k.to_string(), json!({"type": "string", "value": scrub(&v)})));
    let code = outcome.exit_code();
    write_bk_output(&json!({
        "status": if code == 0 { "success" } else { "failure" },
        "message": scrub(&outcome.summary()),
        "type": "default",
        "data": Value::Object(data.collect::<Map<_, _>>()),
    }));
    ExitCode::from(code)
}

fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Usage => "usage",
        ErrorKind::Input => "input",
        ErrorKind::Auth => "auth",
        ErrorKind::Remote => "remote",
        ErrorKind::Integrity => "integrity",
        ErrorKind::Internal => "internal",
        ErrorKind::Rollout => "rollout",
        ErrorKind::Interrupted => "interrupted",
    }
}

fn fail(format: Format, err: &Error, code_of: fn(ErrorKind) -> u8) -> ExitCode {
    ExitCode::from(report(format, err, code_of))
}

/// Prints `err` (and writes output.json); its exit code.
fn report(format: Format, err: &Error, code_of: fn(ErrorKind) -> u8) -> u8 {
    let code = code_of(err.kind);
    log::error(err.to_string());
    if format == Format::Json {
        let body = json!({
            "status": "failure",
            "error": {"kind": kind_name(err.kind), "message": err.message, "hint": err.hint, "exitCode": code},
        });
        print_stdout(&serde_json::to_string_pretty(&body).unwrap_or_default());
    }
    write_bk_output(&json!({
        "status": "failure",
        "message": scrub(&err.to_string()),
        "errorType": err.kind.bk_error_type(),
        "errorCode": code,
        "type": "default",
        "data": {},
    }));
    code
}

fn clap_failure(err: &clap::Error, code: u8, step: &str) -> ExitCode {
    use clap::error::ErrorKind as K;
    if matches!(err.kind(), K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand) {
        print_stdout(err.render().to_string().trim_end());
        return ExitCode::SUCCESS;
    }
    let message = i18n::help::usage_error(err, step);
    let _ = write!(std::io::stderr(), "{}", scrub(&message));
    write_bk_output(&json!({
        "status": "failure", "message": scrub(message.trim()), "errorType": 1,
        "errorCode": code, "type": "default", "data": {},
    }));
    ExitCode::from(code)
}

/// BK-CI's data folder, made absolute at the start of the run, before the workspace becomes the
/// current folder.
fn bk_output_dir() -> Option<&'static std::path::PathBuf> {
    static DIR: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    DIR.get_or_init(bk_ci::data_dir).as_ref()
}

/// Writes `$bk_data_dir/$bk_data_output` when the BK-CI worker runs us; atomically, so the worker
/// never reads half a file.
fn write_bk_output(body: &Value) {
    let (Some(dir), Some(name)) = (bk_output_dir(), std::env::var_os("bk_data_output")) else { return };
    let written = tempfile::NamedTempFile::new_in(dir).and_then(|mut tmp| {
        tmp.write_all(serde_json::to_string(body).unwrap_or_default().as_bytes())?;
        tmp.persist(dir.join(name)).map(|_| ()).map_err(|e| e.error)
    });
    if let Err(e) = written {
        log::error(messages::bk_output_unwritable(dir, &e.to_string()));
    }
}
