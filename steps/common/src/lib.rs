//! Plumbing every Deckhand step shares, kept in one place so that a new step is one folder:
//!
//! - [`host`]: a step's form in the CI hosts, from which the host files are generated;
//! - [`bk_ci`]: running as a BK-CI atom (declared inputs only, the workspace, chosen credentials);
//! - [`docs`]: a step's reference page and man page, generated from its command line;
//! - [`options`]: where option values come from (flags, `PLUGIN_*`, BK-CI `input.json`, env, defaults);
//! - [`i18n`]: the language of a run and the message catalogues (English, Simplified Chinese);
//! - [`output`]: printing a step's result as text, JSON and BK-CI `output.json`, and its exit code;
//! - [`error`]: the error type every step returns, with its exit code;
//! - [`files`]: the mode a saved file gets;
//! - [`redact`]: the one place that knows every secret of the run and scrubs all output;
//! - [`log`]: CI-friendly log lines (no colour unless a TTY) and download progress;
//! - [`http`]: the HTTP client with TLS options, proxies, timeouts and retries;
//! - [`kube`]: kubeconfig handling and cluster connection;
//! - [`registry`]: OCI registry sessions (Basic and Bearer-token auth);
//! - [`secret`]: secrets read from a flag, a file or stdin;
//! - [`tls`]: the TLS client set-up of every connection (system roots, `--ca-file`, self-signed servers);
//! - [`process`]: how a run ends early (SIGINT/SIGTERM at once, with clean-up; a panic as an
//!   internal error), and child processes that get our signals and are waited for.

pub mod bk_ci;
pub mod docs;
pub mod error;
pub mod files;
pub mod host;
pub mod http;
pub mod i18n;
pub mod kube;
pub mod log;
pub mod messages;
pub mod options;
pub mod output;
pub mod process;
pub mod redact;
pub mod registry;
pub mod secret;
pub mod tls;

pub use error::{Error, ErrorKind, Result};
