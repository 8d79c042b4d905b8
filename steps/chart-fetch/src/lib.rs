//! Fetches a Helm chart by name and version constraint from a classic repository (`index.yaml`)
//! or an OCI registry, verifies it against the published digest, and saves it atomically (or hands
//! it to [`chart_untar`] with `--untar`).
//!
//! [`Fetch::run`] is the whole action; [`index`] reads an index for one chart without building the
//! rest; [`constraint`] implements helm's version constraints; [`oci`] the registry protocol.

pub mod constraint;
pub mod form;
pub mod index;
pub mod messages;
pub mod oci;
pub mod repo;

use std::path::{Path, PathBuf};

use chart_untar::{Limits, Untar};
use deckhand_common::http::{Auth, HttpClient};
use deckhand_common::output::Outcome;
use deckhand_common::{Error, Result};
use serde::Serialize;
use url::Url;

/// One fetch.
#[derive(Debug, Clone, Default)]
pub struct Fetch {
    /// A chart name (with `repo`) or an `oci://` reference.
    pub chart: String,
    /// The classic repository's URL; `None` for OCI.
    pub repo: Option<Url>,
    /// A version or a constraint; `None` means the latest stable release.
    pub version: Option<String>,
    /// With no version: consider prereleases too.
    pub devel: bool,
    pub dest_dir: PathBuf,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Send repository credentials to chart URLs on other origins too.
    pub pass_credentials: bool,
    /// Talk plain HTTP to an OCI registry.
    pub plain_http: bool,
    /// Unpack instead of keeping the archive.
    pub untar: Option<UntarTo>,
    /// The largest OCI manifest, config or tag-list page accepted, in bytes.
    pub max_manifest_size: u64,
    /// Refuse a larger repository index; `None`: [`repo::DEFAULT_MAX_INDEX_SIZE`].
    pub max_index_size: Option<u64>,
}

/// Where `--untar` unpacks, relative to the destination folder.
#[derive(Debug, Clone, Default)]
pub struct UntarTo {
    pub dir: PathBuf,
    pub force: bool,
    pub limits: Limits,
}

/// Where the chart came from.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Source {
    Repository { repo: String, url: String },
    Oci { reference: String },
}

/// What was saved: the archive, or the unpacked folder.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    #[serde(rename = "untarDir", skip_serializing_if = "Option::is_none")]
    pub untar_dir: Option<PathBuf>,
    /// `sha256:<hex>` of the archive.
    pub digest: String,
    pub size: u64,
}

/// The result of a fetch.
#[derive(Debug, Clone, Serialize)]
pub struct Fetched {
    pub chart: String,
    pub version: String,
    #[serde(rename = "appVersion", skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    pub source: Source,
    /// Whether the digest was checked against one the source published.
    pub verified: bool,
    #[serde(flatten)]
    pub saved: Saved,
}

impl Fetch {
    /// Runs the fetch with `client`.
    pub fn run(&self, client: &HttpClient) -> Result<Fetched> {
        match (&self.repo, self.chart.starts_with("oci://")) {
            (Some(_), true) => Err(Error::usage(messages::repo_with_oci())),
            (Some(repo), false) => {
                // The name may come from a pipeline variable, and it names the saved file.
                chart_untar::metadata::check_chart_name(&self.chart)
                    .map_err(|why| Error::usage(messages::bad_chart_name(&self.chart, &why.to_string())))?;
                repo::fetch(self, client, repo)
            }
            (None, true) => oci::fetch(self, client, &oci::Reference::parse(&self.chart)?),
            (None, false) => Err(Error::usage(messages::no_source(&self.chart))),
        }
    }

    /// The chart asked for: the name, or an OCI reference's last path segment.
    fn chart_name(&self) -> String {
        match oci::Reference::parse(&self.chart) {
            Ok(reference) => reference.name().to_string(),
            Err(_) => self.chart.clone(),
        }
    }

    fn auth(&self) -> Auth {
        Auth::basic(self.username.as_deref(), self.password.as_deref())
    }
}

/// Downloads `url` to a temporary file beside the destination, checks the digest, then renames it
/// into place (or unpacks it). Nothing is left behind on failure.
#[allow(clippy::too_many_arguments)]
fn save(
    client: &HttpClient,
    req: &Fetch,
    url: &Url,
    auth: &Auth,
    accept: Option<&str>,
    expected: Option<&str>,
    file_name: &str,
    what: &str,
) -> Result<Saved> {
    let dest = &req.dest_dir;
    std::fs::create_dir_all(dest)
        .map_err(|e| io_error(messages::cannot_create_destination(dest, &e.to_string()), &e))?;
    // Removed on every return, and also when a signal or a panic ends the run.
    let create = || tempfile::Builder::new().prefix(".chart-fetch-").suffix(".tgz.part").tempfile_in(dest);
    let mut tmp = deckhand_common::process::remove_if_ended(create, |file| file.path())
        .map_err(|e| io_error(messages::cannot_create_temp(dest, &e.to_string()), &e))?;
    let (actual, size) = client.download(url, auth, accept, tmp.as_file_mut(), what)?;
    if let Some(expected) = expected.filter(|e| *e != actual) {
        return Err(Error::integrity(messages::digest_mismatch(what, expected, &actual)).hint(messages::hint_digest()));
    }
    let digest = format!("sha256:{actual}");
    if let Some(untar) = &req.untar {
        let unpacked = Untar {
            archive: tmp.path().to_path_buf(),
            dest_dir: untar_dir(dest, &untar.dir)?,
            name: None,
            expect_chart: Some(req.chart_name()),
            force: untar.force,
            limits: untar.limits,
        }
        .run()?;
        return Ok(Saved { path: None, untar_dir: Some(unpacked.path), digest, size });
    }
    let path = dest.join(file_name);
    // Temporary files are made 0600; a saved chart gets the mode any new file gets, as helm's do.
    tmp.as_file()
        .set_permissions(deckhand_common::files::new_file_permissions())
        .map_err(|e| io_error(messages::cannot_set_mode(tmp.path(), &e.to_string()), &e))?;
    let _whole = deckhand_common::process::defer_signals();
    tmp.into_inner()
        .persist(&path)
        .map_err(|e| io_error(messages::cannot_save(&path, &e.error.to_string()), &e.error))?;
    Ok(Saved { path: Some(path), untar_dir: None, digest, size })
}

/// A local I/O failure, with a whole message: of [`Error::io`]'s kind (a missing file or a denied
/// permission is the input's fault, anything else ours).
fn io_error(message: String, err: &std::io::Error) -> Error {
    Error { message, ..Error::io("", Path::new(""), err) }
}

/// `--untardir` is relative to the destination, as in helm.
fn untar_dir(dest: &Path, dir: &Path) -> Result<PathBuf> {
    if dir.is_absolute() {
        return Ok(dir.to_path_buf());
    }
    if dir.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
        return Err(Error::usage(messages::untar_needs_folder()));
    }
    // `-d out --untardir .` is `out`, not `out/.`.
    Ok(dir
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .fold(dest.to_path_buf(), |p, c| p.join(c)))
}

impl Outcome for Fetched {
    fn text(&self) -> String {
        let from = match &self.source {
            Source::Repository { repo, .. } => repo.clone(),
            Source::Oci { reference } => reference.clone(),
        };
        let mut lines = vec![messages::result_fetched(&self.chart, &self.version, &from)];
        if let Some(path) = &self.saved.path {
            lines.push(format!("  {}", messages::result_file(path)));
        }
        if let Some(dir) = &self.saved.untar_dir {
            lines.push(format!("  {}", messages::result_unpacked(dir)));
        }
        lines.push(format!("  {}", messages::result_digest(&self.saved.digest, self.verified)));
        if let Some(app) = &self.app_version {
            lines.push(format!("  {}", messages::result_app_version(app)));
        }
        lines.join("\n")
    }

    fn summary(&self) -> String {
        messages::summary(&self.chart, &self.version, &self.saved.digest)
    }

    fn bk_outputs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("chart_name", self.chart.clone()),
            ("chart_version", self.version.clone()),
            ("chart_digest", self.saved.digest.clone()),
        ];
        if let Some(path) = &self.saved.path {
            out.push(("chart_path", path.display().to_string()));
        }
        if let Some(dir) = &self.saved.untar_dir {
            out.push(("chart_dir", dir.display().to_string()));
        }
        out
    }
}
