//! Secrets given as a flag value, a file or stdin; every one is registered for redaction.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::{messages, redact, Error, Result};

/// `--password`, `--password-stdin` and `--password-file`, flattened into a step's options. The
/// step names its own environment variable for the value:
/// `#[command(mut_arg("password", |a| a.env("DECKHAND_SMTP_PASSWORD")))]`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PasswordArgs {
    /// Password or token (prefer --password-stdin, --password-file or the environment variable:
    /// a flag is visible in the process list). The variable's value is never shown in `--help`.
    #[arg(long, hide_env_values = true)]
    pub password: Option<String>,
    /// Read the password from stdin.
    #[arg(long)]
    pub password_stdin: bool,
    /// Read the password from a file (e.g. a Jenkins file credential).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

impl PasswordArgs {
    /// The password from whichever one way it was given, registered for redaction.
    pub fn resolve(&self) -> Result<Option<String>> {
        resolve(self.password.as_deref(), self.password_stdin, self.password_file.as_deref(), "--password")
    }
}

/// Resolves a secret from at most one of: a value (flag, `PLUGIN_*`, input.json or env), stdin, a file.
/// `flag` names the option in messages (e.g. `--password`).
pub fn resolve(value: Option<&str>, from_stdin: bool, file: Option<&Path>, flag: &str) -> Result<Option<String>> {
    let given = [value.is_some(), from_stdin, file.is_some()].iter().filter(|g| **g).count();
    if given > 1 {
        return Err(Error::usage(messages::secret_one_way(flag)));
    }
    let secret = if from_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::input(messages::secret_stdin_failed(flag, &e.to_string())))?;
        Some(trim_newline(text))
    } else if let Some(path) = file {
        let read_file = |e| Error::io(&messages::cannot_read(&format!("{flag}-file")), path, &e);
        let text = std::fs::read_to_string(path).map_err(read_file)?;
        Some(trim_newline(text))
    } else {
        value.map(str::to_string)
    };
    if let Some(secret) = &secret {
        redact::register(secret);
    }
    Ok(secret.filter(|s| !s.is_empty()))
}

/// Files and `echo` add a final newline that is not part of the secret.
fn trim_newline(mut text: String) -> String {
    while text.ends_with('\n') || text.ends_with('\r') {
        text.pop();
    }
    text
}
