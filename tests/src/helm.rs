//! The real helm CLI (3.4.2, 3.5.4, 3.17.3, 4.1.4 from tests/install-peers.sh), with homes of its
//! own, and the differential check of chart-fetch against `helm pull`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::*;

pub const HELM3: &str = "3.17.3";
pub const HELM4: &str = "4.1.4";
/// The old helm of Kubernetes 1.14-1.17 users: no `helm template --kube-version` (3.6+).
pub const HELM34: &str = "3.4.2";
pub const HELM35: &str = "3.5.4";

/// The real helm CLI of one version, with homes of its own.
pub struct Helm {
    pub version: &'static str,
    home: tempfile::TempDir,
}

impl Helm {
    pub fn new(version: &'static str) -> Helm {
        let path = peers_bin().join(format!("helm-{version}"));
        assert!(path.exists(), "helm {version} is missing at {}: run tests/install-peers.sh", path.display());
        Helm { version, home: tempfile::tempdir().unwrap() }
    }

    pub fn binary(&self) -> PathBuf {
        peers_bin().join(format!("helm-{}", self.version))
    }

    /// Gives `cmd` (helm, or a step that runs helm) this helm's own config, cache and data homes.
    pub fn homes(&self, cmd: &mut Command) {
        for (var, dir) in [("HELM_CONFIG_HOME", "config"), ("HELM_CACHE_HOME", "cache"), ("HELM_DATA_HOME", "data")] {
            cmd.env(var, self.home.path().join(dir));
        }
    }

    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(self.binary());
        self.homes(&mut cmd);
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Runs helm and insists it succeeds.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = run(self.cmd().args(args));
        assert_eq!(out.code, 0, "helm {} {args:?} failed: {out:?}", self.version);
        out.stdout
    }

    /// `helm create` + version change + `helm package`; returns the archive.
    pub fn package(&self, workdir: &Path, name: &str, version: &str, into: &Path) -> PathBuf {
        let src = workdir.join(format!("src-{name}-{version}"));
        std::fs::create_dir_all(&src).unwrap();
        self.ok(&["create", src.join(name).to_str().unwrap()]);
        let chart_yaml = src.join(name).join("Chart.yaml");
        let text =
            std::fs::read_to_string(&chart_yaml).unwrap().replace("version: 0.1.0", &format!("version: {version}"));
        std::fs::write(&chart_yaml, text).unwrap();
        std::fs::create_dir_all(into).unwrap();
        self.ok(&["package", src.join(name).to_str().unwrap(), "-d", into.to_str().unwrap()]);
        into.join(format!("{name}-{version}.tgz"))
    }

    /// `helm pull` into a fresh folder; returns the folder.
    pub fn pull(&self, args: &[&str]) -> (Run, PathBuf) {
        let dir = tempfile::tempdir().unwrap().keep();
        let mut full: Vec<&str> = vec!["pull"];
        full.extend(args);
        full.extend(["-d", dir.to_str().unwrap()]);
        (run(self.cmd().args(&full)), dir)
    }
}

/// Runs chart-fetch and `helm pull` with the same arguments; asserts the same file name and bytes.
pub fn same_as_helm(helm: &Helm, args: &[&str]) -> String {
    let (ours, dest) = fetch(args);
    assert_eq!(ours.code, 0, "chart-fetch {args:?}: {ours:?}");
    let (theirs, helm_dir) = helm.pull(args);
    assert_eq!(theirs.code, 0, "helm {} pull {args:?}: {theirs:?}", helm.version);
    let (our_name, our_bytes) = only_file(dest.path());
    let (their_name, their_bytes) = only_file(&helm_dir);
    assert_eq!(our_name, their_name, "file name for {args:?}");
    assert!(our_bytes == their_bytes, "bytes differ from helm {} for {args:?}", helm.version);
    std::fs::remove_dir_all(helm_dir).unwrap();
    our_name
}
