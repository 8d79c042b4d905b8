use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use checkout_guard::jenkins::Jenkins;
use checkout_guard::{lint, messages, Clean, Exec, Lint};
use clap::{Parser, Subcommand};
use deckhand_common::http::{Auth, HttpArgs, HttpClient};
use deckhand_common::options::CommonArgs;
use deckhand_common::output::{run_step_with, Outcome};
use deckhand_common::{secret, Error, ErrorKind};

/// Keep Jenkins' lightweight-checkout fallback and stale git lock files from breaking pipelines.
#[derive(Parser, Debug)]
#[command(name = "checkout-guard", version, after_help = messages::EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Report why a job will not get a lightweight checkout of its Jenkinsfile, or will fail.
    Lint {
        /// config.xml files.
        #[arg(value_name = "CONFIG_XML")]
        files: Vec<PathBuf>,
        /// Read jobs from this Jenkins.
        #[arg(long, value_name = "URL", env = "JENKINS_URL", hide_env_values = true)]
        jenkins_url: Option<String>,
        /// A job by full name, e.g. shop/web (repeatable).
        #[arg(long = "job", value_name = "NAME")]
        jobs: Vec<String>,
        /// Every pipeline and multibranch job.
        #[arg(long)]
        all: bool,
        #[arg(long, env = "JENKINS_USER_ID", hide_env_values = true)]
        user: Option<String>,
        /// The user's API token.
        #[arg(long, env = "JENKINS_API_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Ask Jenkins for its plugin versions (git, scm-api, workflow-cps).
        #[arg(long)]
        fetch_versions: bool,
        /// Plugin versions as plugin=version pairs (comma separated or repeated).
        #[arg(long, value_name = "PLUGIN=VERSION")]
        versions: Vec<String>,
        /// The controller runs with SCMBinder.USE_HEAVYWEIGHT_CHECKOUT=true.
        #[arg(long)]
        multibranch_heavyweight: bool,
        #[command(flatten)]
        http: HttpArgs,
    },
    /// Run a git command under an exclusive guard of its repository, removing provably stale locks first.
    Exec {
        /// The repository folder (worktree or bare); the guard file sits beside it.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// How long to wait for the guard.
        #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = humantime::parse_duration)]
        wait: Duration,
        /// A lock file older than this, held by no process, is stale.
        #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = humantime::parse_duration)]
        stale_after: Duration,
        /// The command, after --.
        #[arg(last = true, required = true, value_name = "COMMAND")]
        command: Vec<OsString>,
    },
    /// Find git directories under folders and remove their stale lock files.
    Clean {
        #[arg(value_name = "ROOT", required = true)]
        roots: Vec<PathBuf>,
        /// Report, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Keep locks younger than this.
        #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = humantime::parse_duration)]
        min_age: Duration,
    },
}

deckhand_common::step_cli!(Cli, checkout_guard::form::FORM);

/// sysexits-style codes, so that 1 and 2 stay the linter's warnings and errors.
fn exit_code_of(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Usage => 64,
        ErrorKind::Input | ErrorKind::Integrity => 65,
        ErrorKind::Remote => 69,
        ErrorKind::Auth => 77,
        ErrorKind::Interrupted => 130,
        ErrorKind::Internal | ErrorKind::Rollout => 70,
    }
}

/// One of the three results.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Done {
    Linted(checkout_guard::Linted),
    Executed(checkout_guard::Executed),
    Cleaned(checkout_guard::Cleaned),
}

impl Outcome for Done {
    fn text(&self) -> String {
        match self {
            Done::Linted(o) => o.text(),
            Done::Executed(o) => o.text(),
            Done::Cleaned(o) => o.text(),
        }
    }
    fn summary(&self) -> String {
        match self {
            Done::Linted(o) => o.summary(),
            Done::Executed(o) => o.summary(),
            Done::Cleaned(o) => o.summary(),
        }
    }
    fn bk_outputs(&self) -> Vec<(&'static str, String)> {
        match self {
            Done::Linted(o) => o.bk_outputs(),
            Done::Executed(o) => o.bk_outputs(),
            Done::Cleaned(o) => o.bk_outputs(),
        }
    }
    fn exit_code(&self) -> u8 {
        match self {
            Done::Linted(o) => o.exit_code(),
            Done::Executed(o) => o.exit_code(),
            Done::Cleaned(o) => o.exit_code(),
        }
    }
}

fn main() -> ExitCode {
    run_step_with(exit_code_of, |cli: Cli| {
        Ok(match cli.command {
            Command::Lint {
                files,
                jenkins_url,
                jobs,
                all,
                user,
                token,
                fetch_versions,
                versions,
                multibranch_heavyweight,
                http,
            } => {
                let token = secret::resolve(token.as_deref(), false, None, "--token")?;
                let jenkins = match jenkins_url.filter(|u| !u.is_empty()) {
                    Some(url) => Some(Jenkins::new(
                        &url,
                        Auth::basic(user.as_deref(), token.as_deref()),
                        HttpClient::new(&http)?,
                    )?),
                    None => None,
                };
                let mut context = lint::Context { multibranch_heavyweight, ..Default::default() };
                for pair in versions.iter().flat_map(|v| v.split(',')).filter(|p| !p.trim().is_empty()) {
                    let (name, version) =
                        pair.split_once('=').ok_or_else(|| Error::usage(messages::bad_version_pair(pair)))?;
                    context.plugins.insert(name.trim().to_string(), version.trim().to_string());
                }
                Done::Linted(Lint { files, jenkins, jobs, all, fetch_versions, context }.run()?)
            }
            Command::Exec { dir, wait, stale_after, command } => {
                Done::Executed(Exec { dir, wait, stale_after, command }.run()?)
            }
            Command::Clean { roots, dry_run, min_age } => Done::Cleaned(Clean { roots, min_age, dry_run }.run()?),
        })
    })
}
