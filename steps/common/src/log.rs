//! Log lines that read well in a CI log: on stderr, scrubbed of secrets, no ANSI colour unless
//! stderr is a terminal (and `NO_COLOR` is unset), `--quiet` and `--verbose` honoured.
//! Long downloads show a progress bar on a terminal and a plain line every few seconds otherwise.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use crate::messages;
use crate::redact::scrub;

const QUIET: u8 = 0;
const NORMAL: u8 = 1;
const VERBOSE: u8 = 2;
static LEVEL: AtomicU8 = AtomicU8::new(NORMAL);

/// Sets the verbosity once, from the common `--quiet`/`--verbose` flags.
pub fn init(quiet: bool, verbose: bool) {
    let level = if quiet {
        QUIET
    } else if verbose {
        VERBOSE
    } else {
        NORMAL
    };
    LEVEL.store(level, Ordering::Relaxed);
}

fn level() -> u8 {
    LEVEL.load(Ordering::Relaxed)
}

/// Whether stderr is a terminal that may get colour and progress bars.
pub fn is_interactive() -> bool {
    std::io::stderr().is_terminal()
}

fn colour(code: &str, text: &str) -> String {
    if is_interactive() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// `text` with every control character but newline and tab written as an escape (`\u{1b}`), so
/// that a value a server chose cannot drive the terminal or the CI log viewer.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return text.into();
    }
    text.chars().map(|c| if unsafe_char(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect()
}

/// One line on stderr: `label` (ours, maybe coloured) and the message, scrubbed and made safe.
fn emit(label: Option<String>, message: &str) {
    let message = for_terminal(&scrub(message)).into_owned();
    let line = match label {
        Some(label) => messages::log_line(&label, &message),
        None => message,
    };
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Progress and context a user wants to see; hidden by `--quiet`.
pub fn info(message: impl AsRef<str>) {
    if level() >= NORMAL {
        emit(None, message.as_ref());
    }
}

/// Something the user should know about (a skipped index entry, a deprecated chart); hidden by `--quiet`.
pub fn warn(message: impl AsRef<str>) {
    if level() >= NORMAL {
        emit(Some(colour("33", &messages::label_warning())), message.as_ref());
    }
}

/// Details for debugging a pipeline (each HTTP request, each retry); shown with `--verbose`.
pub fn debug(message: impl AsRef<str>) {
    if level() >= VERBOSE {
        emit(Some(colour("2", &messages::label_debug())), message.as_ref());
    }
}

/// Prints a failure; never hidden, even by `--quiet`.
pub fn error(message: impl AsRef<str>) {
    emit(Some(colour("31", &messages::label_error())), message.as_ref());
}

/// Progress of a transfer of known or unknown size.
pub struct Progress {
    label: String,
    total: Option<u64>,
    done: u64,
    bar: Option<indicatif::ProgressBar>,
    last_line: Instant,
    started: Instant,
}

/// How often a non-interactive log gets a progress line; short transfers print none.
const PLAIN_PROGRESS_EVERY: Duration = Duration::from_secs(5);

impl Progress {
    pub fn new(label: &str, total: Option<u64>) -> Self {
        let bar = (is_interactive() && level() >= NORMAL).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(total, indicatif::ProgressDrawTarget::stderr());
            let style =
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style.progress_chars("=> "));
            bar.set_message(for_terminal(&scrub(label)).into_owned());
            bar
        });
        let now = Instant::now();
        Progress { label: label.to_string(), total, done: 0, bar, last_line: now, started: now }
    }

    pub fn advance(&mut self, bytes: u64) {
        self.done += bytes;
        if let Some(bar) = &self.bar {
            bar.set_position(self.done);
        } else if self.last_line.elapsed() >= PLAIN_PROGRESS_EVERY {
            self.last_line = Instant::now();
            let total = self.total.map(mib);
            let seconds = self.started.elapsed().as_secs();
            info(messages::progress(&self.label, &mib(self.done), total.as_deref(), seconds));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_but_lines_stay() {
        assert_eq!(for_terminal("a\x1b[2Jb\rc\nd\te"), "a\\u{1b}[2Jb\\u{d}c\nd\te");
        assert_eq!(for_terminal("plain 中文"), "plain 中文");
    }
}
