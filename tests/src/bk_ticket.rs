//! BK-CI's build API credential endpoint: a STAND-IN (tests/peers/bk_ticket.py), since no BK-CI
//! runs here. It answers `GET /ticket/api/build/credentials/{id}/detail` as BK-CI's gateway and
//! ticket service do (see the script's doc), for the identity in the `.sdk.json` it was given.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{root_path, spawn_with_port, Daemon};

pub struct BkTicket {
    pub port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
    _daemon: Daemon,
}

impl BkTicket {
    /// Serves `credentials` (`{id: {"type": "USERNAME_PASSWORD", "v1": user, "v2": password}}`)
    /// to builds holding the identity of `sdk` (the worker's `.sdk.json` keys).
    pub fn start(sdk: &serde_json::Value, credentials: &serde_json::Value) -> BkTicket {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        std::fs::write(path("sdk.json"), sdk.to_string()).unwrap();
        std::fs::write(path("credentials.json"), credentials.to_string()).unwrap();
        let log = path("requests.jsonl");
        let mut cmd = Command::new("python3");
        cmd.arg(root_path("tests/peers/bk_ticket.py"))
            .arg("--sdk")
            .arg(path("sdk.json"))
            .arg("--credentials")
            .arg(path("credentials.json"))
            .arg("--log")
            .arg(&log);
        let (daemon, port) = spawn_with_port(&mut cmd);
        BkTicket { port, log, _dir: dir, _daemon: daemon }
    }

    /// The gateway as `.sdk.json` names it: host and port, no scheme (the SDKs add `http://`).
    pub fn gateway(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Every request so far: `{method, path, headers (X-DEVOPS-*), status}`.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        read_log(&self.log)
    }
}

fn read_log(log: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log).unwrap_or_default().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}
