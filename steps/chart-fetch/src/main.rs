use std::path::PathBuf;
use std::process::ExitCode;

use chart_fetch::{messages, Fetch, UntarTo};
use chart_untar::cli::LimitArgs;
use clap::Parser;
use deckhand_common::http::{HttpArgs, HttpClient};
use deckhand_common::options::CommonArgs;
use deckhand_common::output::run_step;
use deckhand_common::secret::PasswordArgs;
use deckhand_common::{redact, Error};

/// Fetch a Helm chart from a classic repository (index.yaml) or an OCI registry, verified.
///
/// The archive is checked against the digest the source published (the index's `digest`, the OCI
/// layer digest) and saved atomically; a mismatch is an error and leaves no file behind.
#[derive(Parser, Debug)]
// `--version` is the chart version here, as in `helm pull`.
#[command(name = "chart-fetch", disable_version_flag = true, mut_arg("password", |a| a.env("HELM_REPO_PASSWORD")), after_help = format!("{}\n\n{}", messages::EXAMPLES, deckhand_common::error::EXIT_CODES))]
struct Cli {
    /// Chart name (with --repo), or oci://host[:port]/path/name[:version|@sha256:digest].
    #[arg(value_name = "CHART")]
    chart: String,
    /// URL of the classic chart repository (the folder that serves index.yaml).
    #[arg(long, value_name = "URL", env = "HELM_REPO_URL")]
    repo: Option<String>,
    /// Version or constraint (1.2.3, ~1.2, ^1, >=1.0 <2, 1.x, 1.0 - 1.4 || 2); default: latest stable.
    #[arg(long, value_name = "CONSTRAINT", env = "DECKHAND_CHART_VERSION")]
    version: Option<String>,
    /// With no --version, take the latest version including prereleases.
    #[arg(long)]
    devel: bool,
    /// Folder to save the chart in (created when missing).
    #[arg(short = 'd', long = "destination", value_name = "DIR", default_value = ".")]
    destination: PathBuf,
    /// Repository or registry username.
    #[arg(long, env = "HELM_REPO_USERNAME")]
    username: Option<String>,
    #[command(flatten)]
    password: PasswordArgs,
    /// Send the credentials to chart URLs on other hosts too (by default only to the repo's own).
    #[arg(long)]
    pass_credentials: bool,
    /// Talk plain HTTP to the OCI registry.
    #[arg(long)]
    plain_http: bool,
    /// Unpack the chart (with chart-untar's checks) instead of keeping the archive.
    #[arg(long)]
    untar: bool,
    /// With --untar: folder, relative to the destination, to unpack into.
    #[arg(long, value_name = "DIR", default_value = ".", requires = "untar")]
    untardir: PathBuf,
    /// With --untar: replace an existing unpacked folder whole.
    #[arg(long, requires = "untar")]
    force: bool,
    /// Refuse an OCI manifest, chart config or tag-list page larger than this (oras-go, which helm
    /// uses, caps manifests at 4 MiB too).
    #[arg(long, value_name = "SIZE", default_value = "4MiB")]
    max_manifest_size: bytesize::ByteSize,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    index: chart_fetch::repo::IndexArgs,
    #[command(flatten)]
    http: HttpArgs,
    #[command(flatten)]
    common: CommonArgs,
}

deckhand_common::step_cli!(Cli, chart_fetch::form::FORM);

fn main() -> ExitCode {
    run_step(|cli: Cli| {
        let password = cli.password.resolve()?;
        let (repo, url_user, url_password) = match &cli.repo {
            Some(text) => {
                let (url, user, password) = repo_url(text)?;
                (Some(url), user, password)
            }
            None => (None, None, None),
        };
        let fetch = Fetch {
            chart: cli.chart,
            repo,
            version: cli.version.filter(|v| !v.trim().is_empty()),
            devel: cli.devel,
            dest_dir: cli.destination,
            username: cli.username.or(url_user),
            password: password.or(url_password),
            pass_credentials: cli.pass_credentials,
            plain_http: cli.plain_http,
            untar: cli.untar.then(|| UntarTo { dir: cli.untardir, force: cli.force, limits: cli.limits.limits() }),
            max_manifest_size: cli.max_manifest_size.as_u64(),
            max_index_size: Some(cli.index.max_index_size.as_u64()),
        };
        fetch.run(&HttpClient::new(&cli.http)?)
    })
}

/// Parses --repo; `user:pass@` in it becomes credentials (and never reaches output).
fn repo_url(text: &str) -> Result<(url::Url, Option<String>, Option<String>), Error> {
    let mut url = url::Url::parse(text.trim()).map_err(|e| {
        Error::usage(messages::bad_repo_url(&redact::scrub_unparsed_url(text), &e.to_string()))
            .hint(messages::hint_repo_url())
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::usage(messages::repo_scheme(url.scheme())));
    }
    let user = (!url.username().is_empty()).then(|| percent(url.username()));
    let password = url.password().map(percent);
    if let Some(p) = &password {
        redact::register(p);
    }
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Ok((url, user, password))
}

fn percent(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}
