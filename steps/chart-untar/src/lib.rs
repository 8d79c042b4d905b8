//! Unpacks a Helm chart archive safely.
//!
//! [`Untar::run`] extracts into a temporary folder beside the target (nothing is written anywhere
//! else), checks `Chart.yaml`, and only then renames the folder into place. [`extract_into`] is the
//! archive reader on its own (what the fuzz target drives). [`metadata`] reads and checks
//! `Chart.yaml` and chart versions.

mod archive;
pub mod cli;
pub mod form;
mod messages;
pub mod metadata;

use std::path::{Path, PathBuf};

use deckhand_common::output::Outcome;
use deckhand_common::{process, Error, Result};
use serde::Serialize;

pub use archive::{extract_into, Extracted, Limits};
pub use metadata::{ChartMetadata, NameProblem};

/// One unpack: `archive` into `dest_dir/<chart name>` (or `dest_dir/<name>`).
#[derive(Debug, Clone)]
pub struct Untar {
    pub archive: PathBuf,
    pub dest_dir: PathBuf,
    /// Folder name to use instead of the chart's name.
    pub name: Option<String>,
    /// Refuse the archive unless its Chart.yaml names this chart (the one that was asked for), so
    /// that a name the archive chose never decides which folder is written or replaced.
    pub expect_chart: Option<String>,
    /// Replace an existing target folder whole.
    pub force: bool,
    pub limits: Limits,
}

/// What was unpacked, and where.
#[derive(Debug, Clone, Serialize)]
pub struct Unpacked {
    pub path: PathBuf,
    pub chart: String,
    pub version: String,
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    #[serde(rename = "appVersion", skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    pub files: usize,
    pub bytes: u64,
}

impl Outcome for Unpacked {
    fn text(&self) -> String {
        messages::unpacked(&self.chart, &self.version, &self.path, self.files, self.bytes)
    }
    fn summary(&self) -> String {
        self.text()
    }
    fn bk_outputs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("chart_dir", self.path.display().to_string()),
            ("chart_name", self.chart.clone()),
            ("chart_version", self.version.clone()),
        ]
    }
}

impl Untar {
    pub fn run(&self) -> Result<Unpacked> {
        if let Some(name) = &self.name {
            metadata::check_chart_name(name)
                .map_err(|why| Error::usage(messages::bad_name_flag(name, &why.to_string())))?;
        }
        let file = std::fs::File::open(&self.archive)
            .map_err(|e| io_error(messages::cannot_open_archive(&self.archive, &e.to_string()), &e))?;
        std::fs::create_dir_all(&self.dest_dir)
            .map_err(|e| io_error(messages::cannot_create_folder(&self.dest_dir, &e.to_string()), &e))?;
        // Removed on every return, and also when a signal or a panic ends the run.
        let create = || tempfile::Builder::new().prefix(".chart-untar-").tempdir_in(&self.dest_dir);
        let staging = process::remove_if_ended(create, |dir| dir.path())
            .map_err(|e| io_error(messages::cannot_create_temp(&self.dest_dir, &e.to_string()), &e))?;

        let extracted = extract_into(std::io::BufReader::new(file), staging.path(), &self.limits)
            .map_err(|e| Error { message: format!("{}: {}", self.archive.display(), e.message), ..e })?;
        let meta = metadata::read_chart_yaml(staging.path())
            .map_err(|e| Error { message: format!("{}: {}", self.archive.display(), e.message), ..e })?;

        if let Some(wanted) = self.expect_chart.as_ref().filter(|wanted| **wanted != meta.name) {
            let error = Error::input(messages::not_the_chart_asked_for(wanted, &meta.name));
            return Err(error.hint(messages::hint_hostile()));
        }
        let folder = self.name.clone().unwrap_or_else(|| meta.name.clone());
        let target = self.dest_dir.join(&folder);
        {
            // The renames are not cut in half by a signal: it ends the run right after them.
            let _renaming = process::defer_signals();
            place(staging.into_inner(), &target, self.force)?;
        }
        Ok(Unpacked {
            path: target,
            chart: meta.name,
            version: meta.version,
            api_version: meta.api_version,
            app_version: meta.app_version,
            files: extracted.files,
            bytes: extracted.bytes,
        })
    }
}

/// A local I/O failure, with a whole message: of [`Error::io`]'s kind (a missing file or a denied
/// permission is the input's fault, anything else ours).
pub(crate) fn io_error(message: String, err: &std::io::Error) -> Error {
    Error { message, ..Error::io("", Path::new(""), err) }
}

/// Renames the finished staging folder to `target`. With `force`, an existing target is moved
/// aside first and removed only once the new one is in place.
fn place(staging: tempfile::TempDir, target: &Path, force: bool) -> Result<()> {
    let exists = target.symlink_metadata().is_ok();
    if exists && !force {
        return Err(Error::input(messages::target_exists(target)).hint(messages::hint_target_exists()));
    }
    let parent = target.parent().unwrap_or(Path::new("."));
    let aside = if exists {
        let aside = tempfile::Builder::new()
            .prefix(".chart-untar-old-")
            .tempdir_in(parent)
            .map_err(|e| io_error(messages::cannot_create_temp(parent, &e.to_string()), &e))?;
        let old = aside.path().join("old");
        std::fs::rename(target, &old).map_err(|e| io_error(messages::cannot_move_aside(target, &e.to_string()), &e))?;
        Some((aside, old))
    } else {
        None
    };
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, target) {
        let _ = std::fs::remove_dir_all(&staged);
        if let Some((_, old)) = &aside {
            let _ = std::fs::rename(old, target);
        }
        return Err(io_error(messages::cannot_place(target, &e.to_string()), &e));
    }
    // Dropping `aside` removes the old target (a folder or a file) with it.
    drop(aside);
    Ok(())
}
