//! The helm CLI as Deckhand drives it: finding it, its version against the cluster's (version
//! skew), the argument lists of each operation for Helm 2 (Tiller), 3 and 4, running it with
//! signals passed on, and turning its well-known failures into errors that say what to do.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use deckhand_common::kube::{self, ChildKubeconfig, KubeArgs};
use deckhand_common::{log, process, Error, ErrorKind, Result};
use semver::Version;
use serde::Deserialize;

use crate::messages;

/// A helm binary and its version.
#[derive(Debug, Clone)]
pub struct Helm {
    pub path: PathBuf,
    pub version: Version,
}

/// Whether a helm can drive a cluster of some version.
#[derive(Debug, PartialEq, Eq)]
pub enum Skew {
    Supported,
    /// Outside the range helm tests, but known to work mostly: a warning.
    Untested(String),
    /// Known not to work: refused before anything changes (unless told to go ahead).
    Incompatible(String),
}

impl Skew {
    /// How well a helm suits the cluster: 0 is best.
    pub fn rank(&self) -> u8 {
        match self {
            Skew::Supported => 0,
            Skew::Untested(_) => 1,
            Skew::Incompatible(_) => 2,
        }
    }
}

/// Where a release lives.
#[derive(Debug, Clone)]
pub struct Target {
    pub release: String,
    pub namespace: String,
    pub context: Option<String>,
    /// Helm 2 only.
    pub tiller_namespace: String,
}

/// The values given to a chart.
#[derive(Debug, Clone, Default)]
pub struct Values {
    pub files: Vec<PathBuf>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    /// (key, replicas) from --replicas-key / --replicas.
    pub replicas: Option<(String, u32)>,
}

/// What `helm upgrade --install -o json` (helm 3/4) says about the release.
#[derive(Debug, Clone, Deserialize)]
pub struct ReleaseInfo {
    pub name: String,
    pub namespace: String,
    #[serde(rename = "version")]
    pub revision: u32,
    pub info: ReleaseStatus,
    pub chart: ChartInfo,
    #[serde(default)]
    pub manifest: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReleaseStatus {
    pub status: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChartInfo {
    pub metadata: ChartMetadata,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChartMetadata {
    pub name: String,
    pub version: String,
    #[serde(rename = "appVersion", default)]
    pub app_version: Option<String>,
}

impl Helm {
    /// `explicit` (--helm), else `helm` on PATH; asks it for its version.
    pub fn locate(explicit: Option<&Path>) -> Result<Helm> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => std::env::var_os("PATH")
                .and_then(|paths| std::env::split_paths(&paths).map(|dir| dir.join("helm")).find(|p| p.is_file()))
                .ok_or_else(|| Error::usage(messages::helm_not_found()).hint(messages::hint_helm_not_found()))?,
        };
        Self::at(&path)
    }

    /// The helm at `path`.
    pub fn at(path: &Path) -> Result<Helm> {
        Ok(Helm { path: path.to_path_buf(), version: Self::version_of(path)? })
    }

    /// The versioned helms on PATH (`helm2`, `helm3.1`, `helm-v2.17.0`), as agent images that
    /// serve both old and new clusters carry them beside `helm`; those that cannot run are left out.
    /// Only asked when `helm` does not suit the cluster: listing PATH's folders costs more than
    /// looking for one name in each.
    pub fn versioned_on_path() -> Vec<Helm> {
        versioned_helms_on_path().iter().filter_map(|path| Self::at(path).ok()).collect()
    }

    /// The version, from a small cache keyed by the binary's path, size and modification time:
    /// asking helm costs a helm start-up (~60 ms) on every deploy otherwise.
    fn version_of(path: &Path) -> Result<Version> {
        let key = std::fs::metadata(path).ok().and_then(|m| {
            let modified = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
            let canonical = std::fs::canonicalize(path).ok()?;
            Some(format!("{}\t{}\t{modified}", canonical.display(), m.len()))
        });
        let cache = key.as_ref().and_then(|_| version_cache());
        if let (Some(key), Some(cache)) = (&key, &cache) {
            let known = std::fs::read_to_string(cache).unwrap_or_default();
            let hit = known.lines().find_map(|line| line.strip_prefix(key.as_str())?.strip_prefix('\t'));
            if let Some(version) = hit.and_then(|v| Version::parse(v).ok()) {
                return Ok(version);
            }
        }
        let version = Self::ask_version(path)?;
        if let (Some(key), Some(cache)) = (key, cache) {
            remember_version(&cache, &key, &version);
        }
        Ok(version)
    }

    fn ask_version(path: &Path) -> Result<Version> {
        // Helm 3/4 answer the template; Helm 2 needs --client (or it asks Tiller).
        for args in [&["version", "--template", "{{.Version}}"][..], &["version", "--client", "--short"][..]] {
            // Run as every helm is, so that a signal reaches a helm that hangs here too.
            let output = process::run_captured(Command::new(path).args(args)).map_err(|e| {
                Error::usage(messages::helm_not_runnable(path, &e.to_string())).hint(messages::hint_helm_not_found())
            })?;
            if let Some(signal) = output.forwarded {
                return Err(process::interrupted(signal, &messages::helm_stopped("version")));
            }
            if let Some(version) = parse_version(&output.stdout) {
                return Ok(version);
            }
        }
        Err(Error::usage(messages::helm_not_runnable(path, &messages::helm_no_version())))
    }

    pub fn major(&self) -> u64 {
        self.version.major
    }

    /// Helm's published version skew policy (helm-www `version_skew.md`) against a cluster minor
    /// version (1.`minor`). Helm itself refuses no cluster version, so outside its range is a
    /// warning; refused are only the pairs that cannot work: Tiller (helm 2) beyond 1.16, whose
    /// own Deployment API is gone there, and helm 4 below 1.16, whose default server-side apply
    /// such servers do not serve.
    pub fn skew(&self, minor: u32) -> Skew {
        let (major, helm_minor) = (self.version.major, u32::try_from(self.version.minor).unwrap_or(u32::MAX));
        let (low, high) = supported_range(major, helm_minor);
        let cluster = format!("1.{minor}");
        if major == 2 && minor > 16 {
            return Skew::Incompatible(messages::helm2_too_new_cluster(&self.version.to_string(), &cluster));
        }
        if major >= 4 && minor < 16 {
            return Skew::Incompatible(messages::helm_too_new_for(&self.version.to_string(), &cluster));
        }
        if minor < low || minor > high {
            return Skew::Untested(messages::skew_untested(&self.version.to_string(), low, high, &cluster));
        }
        Skew::Supported
    }

    /// Whether this helm refuses to touch a release whose newest revision is `pending-*` (helm
    /// 2.17 and 3.4+; 3.0-3.3 and older Tillers go on from the last deployed revision).
    pub fn refuses_pending(&self) -> bool {
        match self.version.major {
            2 => self.version.minor >= 17,
            3 => self.version.minor >= 4,
            _ => true,
        }
    }

    /// Whether this helm adopts an existing resource labelled and annotated for the release
    /// (helm 3.2+); older helm refuses every existing resource outside the release.
    pub fn adopts_labelled(&self) -> bool {
        self.version.major >= 4 || (self.version.major == 3 && self.version.minor >= 2)
    }

    /// Whether `helm template` takes `--kube-version` (helm 2, and helm 3.6 onward).
    pub fn templates_for_kube_version(&self) -> bool {
        self.version.major != 3 || self.version.minor >= 6
    }

    fn scope(&self, target: &Target, with_namespace: bool) -> Vec<OsString> {
        let mut args = Vec::new();
        if self.major() >= 3 || with_namespace {
            args.extend(["--namespace".into(), target.namespace.clone().into()]);
        }
        if let Some(context) = &target.context {
            args.extend(["--kube-context".into(), context.into()]);
        }
        if self.major() == 2 {
            args.extend(["--tiller-namespace".into(), target.tiller_namespace.clone().into()]);
        }
        args
    }

    fn values(values: &Values) -> Vec<OsString> {
        let mut args: Vec<OsString> = Vec::new();
        for file in &values.files {
            args.extend(["--values".into(), file.clone().into()]);
        }
        for set in &values.set {
            args.extend(["--set".into(), set.into()]);
        }
        for set in &values.set_string {
            args.extend(["--set-string".into(), set.into()]);
        }
        if let Some((key, replicas)) = &values.replicas {
            args.extend(["--set".into(), format!("{key}={replicas}").into()]);
        }
        args
    }

    /// `helm upgrade --install`, without helm's own wait (Deckhand watches instead).
    pub fn upgrade(
        &self,
        target: &Target,
        chart: &Path,
        values: &Values,
        dry_run: bool,
        extra: &[String],
    ) -> Vec<OsString> {
        let mut args: Vec<OsString> =
            vec!["upgrade".into(), "--install".into(), target.release.clone().into(), chart.into()];
        args.extend(self.scope(target, true));
        args.extend(Self::values(values));
        if dry_run {
            // `--dry-run=client` since 3.13 (a bare --dry-run is deprecated in Helm 4).
            let modern = self.major() >= 4 || (self.major() == 3 && self.version.minor >= 13);
            args.push(if modern { "--dry-run=client" } else { "--dry-run" }.into());
        }
        if self.major() >= 3 {
            args.extend(["--output".into(), "json".into()]);
        }
        args.extend(extra.iter().map(OsString::from));
        args
    }

    /// `helm template`: the manifest as the cluster's version would get it, without touching it.
    /// With no `kube_version` (a helm without `--kube-version`), helm renders with its built-in
    /// capabilities. Not `--validate`: that runs helm's install-time ownership check, which refuses
    /// an upgrade of a release whose resources carry no helm 3.2 metadata (helm's own upgrade only
    /// checks resources outside the release).
    pub fn template(
        &self,
        target: &Target,
        chart: &Path,
        values: &Values,
        kube_version: Option<&str>,
    ) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["template".into()];
        if self.major() == 2 {
            args.extend([chart.into(), "--name".into(), target.release.clone().into()]);
        } else {
            args.extend([target.release.clone().into(), chart.into()]);
        }
        match kube_version {
            // Helm 2 takes MAJOR.MINOR.
            Some(version) if self.major() == 2 => {
                let major_minor: Vec<&str> = version.trim_start_matches('v').split('.').take(2).collect();
                args.extend(["--kube-version".into(), major_minor.join(".").into()]);
            }
            Some(version) => args.extend(["--kube-version".into(), version.into()]),
            None => {}
        }
        args.extend(["--namespace".into(), target.namespace.clone().into()]);
        args.extend(Self::values(values));
        args
    }

    pub fn rollback(&self, target: &Target, revision: u32) -> Vec<OsString> {
        let mut args: Vec<OsString> =
            vec!["rollback".into(), target.release.clone().into(), revision.to_string().into()];
        args.extend(self.scope(target, false));
        args
    }

    pub fn uninstall(&self, target: &Target) -> Vec<OsString> {
        let mut args: Vec<OsString> = if self.major() == 2 {
            vec!["delete".into(), "--purge".into(), target.release.clone().into()]
        } else {
            vec!["uninstall".into(), target.release.clone().into()]
        };
        args.extend(self.scope(target, false));
        args
    }

    /// `helm get manifest`: the deployed revision's manifest (helm 2's upgrade prints no JSON).
    pub fn get_manifest(&self, target: &Target) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["get".into(), "manifest".into(), target.release.clone().into()];
        args.extend(self.scope(target, false));
        args
    }

    /// `helm history` as JSON, the newest `max` revisions.
    pub fn history(&self, target: &Target, max: u32) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["history".into(), target.release.clone().into()];
        args.extend(["--max".into(), max.to_string().into(), "--output".into(), "json".into()]);
        args.extend(self.scope(target, false));
        args
    }
}

/// Helm pointed at one cluster: the binary, the child kubeconfig that carries the cluster's
/// credentials, and the cluster arguments (context, timeouts). Built once per deploy and
/// borrowed by every helm call, as helm's `action.Configuration` is by each of its actions.
pub struct HelmOnCluster<'a> {
    pub helm: Helm,
    kubeconfig: &'a ChildKubeconfig,
    kube: &'a KubeArgs,
}

impl<'a> HelmOnCluster<'a> {
    pub fn new(helm: Helm, kubeconfig: &'a ChildKubeconfig, kube: &'a KubeArgs) -> Self {
        HelmOnCluster { helm, kubeconfig, kube }
    }

    /// `helm upgrade --install` (see [`Helm::upgrade`]); what helm printed.
    pub fn upgrade(
        &self,
        target: &Target,
        chart: &Path,
        values: &Values,
        dry_run: bool,
        extra: &[String],
    ) -> Result<String> {
        self.run("upgrade", &self.helm.upgrade(target, chart, values, dry_run, extra))
    }

    /// `helm template` (see [`Helm::template`]): the rendered manifest.
    pub fn template(
        &self,
        target: &Target,
        chart: &Path,
        values: &Values,
        kube_version: Option<&str>,
    ) -> Result<String> {
        self.run("template", &self.helm.template(target, chart, values, kube_version))
    }

    pub fn rollback(&self, target: &Target, revision: u32) -> Result<String> {
        self.run("rollback", &self.helm.rollback(target, revision))
    }

    pub fn uninstall(&self, target: &Target) -> Result<String> {
        self.run("uninstall", &self.helm.uninstall(target))
    }

    /// The deployed revision's manifest.
    pub fn get_manifest(&self, target: &Target) -> Result<String> {
        self.run("get manifest", &self.helm.get_manifest(target))
    }

    /// The newest `max` revisions, as JSON.
    pub fn history(&self, target: &Target, max: u32) -> Result<String> {
        self.run("history", &self.helm.history(target, max))
    }

    /// Runs helm with the cluster credentials; SIGINT/SIGTERM are passed on and helm is waited for.
    fn run(&self, action: &str, args: &[OsString]) -> Result<String> {
        let helm = &self.helm;
        let mut command = Command::new(&helm.path);
        command.args(args);
        self.kubeconfig.apply(&mut command, self.kube);
        log::debug(messages::running_helm(&helm.path, &shown(args)));
        let finished = process::run_captured(&mut command)
            .map_err(|e| Error::internal(messages::helm_not_runnable(&helm.path, &e.to_string())))?;
        if let Some(signal) = finished.forwarded {
            return Err(process::interrupted(signal, &messages::helm_stopped(action)));
        }
        if !finished.status.success() {
            return Err(failure(action, &finished.stderr));
        }
        for line in finished.stderr.lines().filter(|l| !l.trim().is_empty()) {
            log::debug(format!("helm: {line}"));
        }
        Ok(finished.stdout)
    }
}

/// The cluster minors a helm release is published to support, (lowest, highest).
fn supported_range(major: u64, minor: u32) -> (u32, u32) {
    match (major, minor) {
        (2, m) => (m.min(16).saturating_sub(3), m.min(16)),
        (3, 0) => (13, 16),
        (3, 1) => (14, 17),
        (3, 2 | 3) => (15, 18),
        (3, m) => (m + 12, m + 15),
        (_, m) => (m + 31, m + 34),
    }
}

/// The files on PATH with a versioned helm's name, in PATH order (and by name within a folder).
fn versioned_helms_on_path() -> Vec<PathBuf> {
    let Some(paths) = std::env::var_os("PATH") else { return Vec::new() };
    let mut found = Vec::new();
    for dir in std::env::split_paths(&paths) {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut names: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| is_versioned_helm(name))
            .collect();
        names.sort();
        found.extend(names.into_iter().map(|name| dir.join(name)).filter(|path| path.is_file()));
    }
    found
}

/// `helm2`, `helm3.1`, `helm-3.1.3`, `helm-v2.17.0`: "helm", an optional "-" and "v", a digit.
fn is_versioned_helm(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("helm") else { return false };
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let rest = rest.strip_prefix('v').unwrap_or(rest);
    rest.starts_with(|c: char| c.is_ascii_digit())
}

/// `$XDG_CACHE_HOME/deckhand/helm-versions` (or `~/.cache/...`).
fn version_cache() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("deckhand").join("helm-versions"))
}

/// Adds a line to the cache (written whole to a temp file and renamed; failures are harmless).
fn remember_version(cache: &Path, key: &str, version: &Version) {
    let Some(dir) = cache.parent() else { return };
    let _ = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let known = std::fs::read_to_string(cache).unwrap_or_default();
        let mut lines: Vec<&str> = known.lines().filter(|l| !l.starts_with(key)).rev().take(15).collect();
        lines.reverse();
        let entry = format!("{key}\t{version}");
        lines.push(&entry);
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut file, format!("{}\n", lines.join("\n")).as_bytes())?;
        file.persist(cache).map(|_| ()).map_err(|e| e.error)
    })();
}

fn shown(args: &[OsString]) -> String {
    args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ")
}

/// The first `vX.Y.Z` in helm's version output.
pub fn parse_version(text: &str) -> Option<Version> {
    let re = regex_lite::Regex::new(r"v(\d+)\.(\d+)\.(\d+)").ok()?;
    let c = re.captures(text)?;
    Some(Version::new(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?))
}

/// A helm failure as an error; the well-known ones say what to do.
pub fn failure(action: &str, stderr: &str) -> Error {
    let lines: Vec<&str> =
        stderr.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("level=")).collect();
    let said = lines.iter().rev().take(6).rev().cloned().collect::<Vec<_>>().join("\n  ");
    let said = if said.is_empty() { stderr.trim().to_string() } else { said };
    let message = messages::helm_failed(action, &said);
    let has = |needle: &str| stderr.contains(needle);
    let (kind, hint) = if has("another operation (install/upgrade/rollback) is in progress") {
        (ErrorKind::Input, Some(messages::hint_pending()))
    } else if has("invalid ownership metadata") || has("exists and cannot be imported") {
        (ErrorKind::Input, Some(messages::hint_ownership()))
    } else if has("provided port is already allocated") {
        (ErrorKind::Input, Some(messages::hint_node_port()))
    } else if has("Kubernetes cluster unreachable") || has("could not find tiller") {
        (ErrorKind::Remote, Some(deckhand_common::messages::hint_kube_unreachable()))
    } else if has("Apply failed with") && has("conflict") {
        (ErrorKind::Input, Some(messages::hint_ssa_conflict()))
    } else if has("Unauthorized") || (has("forbidden") && kube::is_rbac_denial(stderr)) {
        (ErrorKind::Auth, Some(deckhand_common::messages::hint_kube_403()))
    } else if has("forbidden") {
        (ErrorKind::Input, Some(deckhand_common::messages::hint_kube_admission()))
    } else if has("parse error") || has("template:") || has("YAML") || has("schema") || has("Chart.yaml") {
        (ErrorKind::Input, Some(messages::hint_render()))
    } else {
        (ErrorKind::Remote, None)
    };
    let error = Error::new(kind, message);
    match hint {
        Some(hint) => error.hint(hint),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helm(version: &str) -> Helm {
        Helm { path: "helm".into(), version: Version::parse(version).unwrap() }
    }

    fn target() -> Target {
        Target {
            release: "web".into(),
            namespace: "shop".into(),
            context: None,
            tiller_namespace: "kube-system".into(),
        }
    }

    fn text(args: &[OsString]) -> String {
        shown(args)
    }

    #[test]
    fn versioned_helm_names() {
        for name in ["helm2", "helm3.1", "helm-3.1.3", "helm-v2.17.0", "helmv3"] {
            assert!(is_versioned_helm(name), "{name}");
        }
        for name in ["helm", "helmfile", "helm-docs", "helm.bak", "myhelm2", "helm-"] {
            assert!(!is_versioned_helm(name), "{name}");
        }
    }

    #[test]
    fn versions_are_read_from_every_helm() {
        assert_eq!(parse_version("v3.17.3+ge4da497"), Some(Version::new(3, 17, 3)));
        assert_eq!(parse_version("v4.1.4"), Some(Version::new(4, 1, 4)));
        assert_eq!(parse_version("Client: v2.16.12+g47f0b88"), Some(Version::new(2, 16, 12)));
        assert_eq!(parse_version("<no value>"), None);
    }

    #[test]
    fn the_version_is_asked_once_per_binary() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("helm");
        let asked = dir.path().join("asked");
        std::fs::write(&fake, format!("#!/bin/sh\necho >> {}\necho v3.9.1\n", asked.display())).unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        // Only this test reads XDG_CACHE_HOME.
        std::env::set_var("XDG_CACHE_HOME", dir.path().join("cache"));
        assert_eq!(Helm::locate(Some(&fake)).unwrap().version, Version::new(3, 9, 1));
        assert_eq!(Helm::locate(Some(&fake)).unwrap().version, Version::new(3, 9, 1));
        assert_eq!(
            std::fs::read_to_string(&asked).unwrap().lines().count(),
            1,
            "the second answer came from the cache"
        );
        std::fs::write(&fake, format!("#!/bin/sh\necho >> {}\necho v3.10.0 \n", asked.display())).unwrap();
        assert_eq!(
            Helm::locate(Some(&fake)).unwrap().version,
            Version::new(3, 10, 0),
            "a replaced binary is asked again"
        );
    }

    #[test]
    fn version_skew() {
        assert_eq!(helm("3.17.3").skew(30), Skew::Supported);
        assert!(matches!(helm("3.17.3").skew(14), Skew::Untested(_)), "helm refuses no cluster: a warning");
        assert!(matches!(helm("4.1.4").skew(15), Skew::Incompatible(_)), "no server-side apply before 1.16");
        assert_eq!(helm("3.1.3").skew(14), Skew::Supported);
        assert_eq!(helm("3.2.4").skew(15), Skew::Supported, "helm's table: 3.2/3.3 support 1.15-1.18");
        assert_eq!(helm("3.3.4").skew(18), Skew::Supported);
        assert_eq!(helm("3.4.2").skew(16), Skew::Supported);
        assert!(matches!(helm("3.4.2").skew(20), Skew::Untested(_)));
        assert_eq!(helm("3.5.4").skew(20), Skew::Supported);
        assert!(matches!(helm("3.0.3").skew(17), Skew::Untested(_)));
        assert_eq!(helm("2.16.12").skew(14), Skew::Supported);
        assert!(matches!(helm("2.16.12").skew(22), Skew::Incompatible(_)), "Tiller stops at 1.16");
        assert!(matches!(helm("3.17.3").skew(34), Skew::Untested(_)));
        assert!(matches!(helm("3.7.0").skew(25), Skew::Untested(_)));
        assert_eq!(helm("4.1.4").skew(33), Skew::Supported);
    }

    #[test]
    fn what_each_helm_can_do() {
        assert!(!helm("3.3.4").refuses_pending() && helm("3.4.0").refuses_pending());
        assert!(
            !helm("2.16.12").refuses_pending() && helm("2.17.0").refuses_pending() && helm("4.1.4").refuses_pending()
        );
        assert!(!helm("3.5.4").templates_for_kube_version() && helm("3.6.0").templates_for_kube_version());
        assert!(helm("2.16.12").templates_for_kube_version());
        assert!(!helm("3.1.3").adopts_labelled() && helm("3.2.0").adopts_labelled() && helm("4.1.4").adopts_labelled());
        assert!(!helm("2.17.0").adopts_labelled());
    }

    #[test]
    fn upgrade_arguments_per_helm() {
        let values = Values {
            files: vec!["prod.yaml".into()],
            set: vec!["a=1".into()],
            set_string: vec!["tag=0123".into()],
            replicas: Some(("replicaCount".into(), 3)),
        };
        let chart = Path::new("./web");
        assert_eq!(
            text(&helm("3.17.3").upgrade(&target(), chart, &values, true, &["--take-ownership".into()])),
            "upgrade --install web ./web --namespace shop --values prod.yaml --set a=1 --set-string tag=0123 \
             --set replicaCount=3 --dry-run=client --output json --take-ownership"
        );
        assert_eq!(
            text(&helm("3.1.3").upgrade(&target(), chart, &Values::default(), true, &[])),
            "upgrade --install web ./web --namespace shop --dry-run --output json"
        );
        assert_eq!(
            text(&helm("2.16.12").upgrade(&target(), chart, &Values::default(), false, &[])),
            "upgrade --install web ./web --namespace shop --tiller-namespace kube-system"
        );
        assert_eq!(text(&helm("2.16.12").uninstall(&target())), "delete --purge web --tiller-namespace kube-system");
        assert_eq!(text(&helm("4.1.4").uninstall(&target())), "uninstall web --namespace shop");
        assert_eq!(text(&helm("3.17.3").rollback(&target(), 4)), "rollback web 4 --namespace shop");
        assert_eq!(
            text(&helm("2.16.12").template(&target(), chart, &Values::default(), Some("v1.14.10"))),
            "template ./web --name web --kube-version 1.14 --namespace shop"
        );
        assert_eq!(
            text(&helm("3.5.4").template(&target(), chart, &Values::default(), None)),
            "template web ./web --namespace shop"
        );
    }

    #[test]
    fn known_helm_failures_say_what_to_do() {
        let e =
            failure("upgrade", "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n");
        assert_eq!(e.kind, ErrorKind::Input);
        assert!(e.message.contains("another operation") && e.hint.unwrap().contains("--recover-pending"));
        let e = failure("upgrade", "level=WARN msg=x\nError: Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated");
        assert!(e.hint.unwrap().contains("nodePort"));
        assert!(!e.message.contains("level=WARN"));
        assert_eq!(failure("upgrade", "Error: something new").kind, ErrorKind::Remote);
        let quota = failure("upgrade", "Error: UPGRADE FAILED: pods \"x\" is forbidden: exceeded quota: compute");
        assert_eq!(quota.kind, ErrorKind::Input, "admission, not credentials");
        let rbac = failure("upgrade", "Error: secrets is forbidden: User \"ci\" cannot list resource \"secrets\"");
        assert_eq!(rbac.kind, ErrorKind::Auth);
    }
}
