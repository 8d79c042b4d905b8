//! The error every step returns: what went wrong, what to do about it, and which exit code it maps to.

use std::fmt;

/// What kind of failure this is; decides the exit code and the BK-CI `errorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A wrong or missing option.
    Usage,
    /// Bad input the user controls: a missing file, a malformed archive or index, an unknown chart.
    Input,
    /// A server refused the credentials (HTTP 401/403).
    Auth,
    /// A server or the network failed: unreachable, TLS, 5xx after retries, truncated transfer.
    Remote,
    /// Downloaded bytes do not match the published digest.
    Integrity,
    /// A bug or a local system failure (disk full, permissions on our own temp files).
    Internal,
    /// The change was applied but did not become ready: a workload failed or the wait ran out.
    Rollout,
    /// Stopped by SIGINT/SIGTERM (a Jenkins abort); children were stopped first.
    Interrupted,
}

impl ErrorKind {
    /// The process exit code; documented in every step's `--help` (see [`EXIT_CODES`]).
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Internal => 1,
            ErrorKind::Usage => 2,
            ErrorKind::Input => 3,
            ErrorKind::Auth => 4,
            ErrorKind::Remote => 5,
            ErrorKind::Integrity => 6,
            ErrorKind::Rollout => 7,
            ErrorKind::Interrupted => 130,
        }
    }

    /// BK-CI `errorType`: 1 user error, 2 third party, 3 plugin.
    pub fn bk_error_type(self) -> u8 {
        match self {
            ErrorKind::Remote => 2,
            ErrorKind::Internal => 3,
            _ => 1,
        }
    }
}

/// Exit codes shared by every step, for `--help` and the README.
pub const EXIT_CODES: &str = "Exit codes: 0 success; 1 internal error; 2 usage error (bad option); 3 bad input (missing file, malformed archive or index, unknown chart or version); 4 credentials refused; 5 server or network failure (after retries); 6 integrity failure (digest mismatch); 7 rollout failed (applied, but a workload failed or was not ready in time); 130 interrupted (SIGINT/SIGTERM).";

/// A failure with a message (what was wrong, which input or server) and an optional hint (what to do).
#[derive(Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), hint: None }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Input, message)
    }
    pub fn auth(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Auth, message)
    }
    pub fn remote(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Remote, message)
    }
    pub fn integrity(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Integrity, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
    pub fn rollout(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Rollout, message)
    }
    /// Adds what the user can do about it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// A local I/O failure on `path` while doing `what`.
    pub fn io(what: &str, path: &std::path::Path, err: &std::io::Error) -> Self {
        let kind = match err.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => ErrorKind::Input,
            _ => ErrorKind::Internal,
        };
        Self::new(kind, crate::messages::io_failed(what, path, &io_cause(err)))
    }
}

/// An I/O error as the system says it, with the commonest kinds also in the run's language.
pub fn io_cause(err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let os = err.to_string();
    match err.kind() {
        K::NotFound => crate::messages::io_not_found(&os),
        K::PermissionDenied => crate::messages::io_permission_denied(&os),
        K::AlreadyExists => crate::messages::io_already_exists(&os),
        K::StorageFull => crate::messages::io_disk_full(&os),
        K::ReadOnlyFilesystem => crate::messages::io_read_only(&os),
        _ => os,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  {}", crate::messages::error_hint(hint))?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
