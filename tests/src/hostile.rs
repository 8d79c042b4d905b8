//! Hostile HTTP peers (tests/peers/hostile_http.py): servers that lie, stall and trickle.

use std::path::PathBuf;
use std::process::Command;

use crate::*;

/// A HOSTILE HTTP(S) peer (tests/peers/hostile_http.py): a repository or registry that trickles,
/// downgrades, points elsewhere or lies about its chart. `foreign_port` is "another origin".
pub struct HostilePeer {
    pub port: u16,
    pub foreign_port: u16,
    log: PathBuf,
    _daemon: Daemon,
    _dir: tempfile::TempDir,
}

impl HostilePeer {
    pub fn start(args: &[&str]) -> HostilePeer {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let foreign_port = free_port();
        let mut cmd = Command::new("python3");
        cmd.arg(root_path("tests/peers/hostile_http.py")).args(args).arg("--log").arg(&log);
        cmd.args(["--foreign-port", &foreign_port.to_string()]);
        let (daemon, port) = spawn_with_port(&mut cmd);
        HostilePeer { port, foreign_port, log, _daemon: daemon, _dir: dir }
    }

    /// (listener, path, had an Authorization header) of every request so far.
    pub fn requests(&self) -> Vec<(String, String, bool)> {
        request_log(&self.log, "listener", "path")
    }

    pub fn foreign_requests(&self) -> usize {
        self.requests().iter().filter(|(listener, ..)| listener == "foreign").count()
    }
}
