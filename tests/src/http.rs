//! A static HTTP(S) chart repository (tests/peers/serve.py): auth, TLS, client certificates,
//! dropped and failing requests, a forward proxy.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::*;

/// A static HTTP(S) chart repository on loopback (tests/peers/serve.py).
pub struct StaticServer {
    pub port: u16,
    pub scheme: &'static str,
    pub log: PathBuf,
    _daemon: Daemon,
    _dir: tempfile::TempDir,
}

#[derive(Default, Clone)]
pub struct ServeOptions {
    pub auth: Option<String>,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub drop: u32,
    pub fail503: u32,
    pub truncate: bool,
    /// Require client certificates signed by this CA (with `tls`).
    pub client_ca: Option<PathBuf>,
    /// Also act as a forward proxy that answers from the same folder.
    pub proxy: bool,
}

impl StaticServer {
    pub fn start(root: &Path, options: &ServeOptions) -> StaticServer {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut cmd = Command::new("python3");
        cmd.arg(root_path("tests/peers/serve.py")).arg("--root").arg(root).arg("--log").arg(&log);
        if let Some(auth) = &options.auth {
            cmd.args(["--auth", auth]);
        }
        if let Some((cert, key)) = &options.tls {
            cmd.arg("--tls").arg(cert).arg(key);
        }
        cmd.args(["--drop", &options.drop.to_string(), "--fail503", &options.fail503.to_string()]);
        if options.truncate {
            cmd.arg("--truncate");
        }
        if let Some(ca) = &options.client_ca {
            cmd.arg("--client-ca").arg(ca);
        }
        if options.proxy {
            cmd.arg("--proxy");
        }
        let (daemon, port) = spawn_with_port(&mut cmd);
        let scheme = if options.tls.is_some() { "https" } else { "http" };
        StaticServer { port, scheme, log, _daemon: daemon, _dir: dir }
    }

    pub fn url(&self) -> String {
        let host = if self.scheme == "https" { "localhost" } else { "127.0.0.1" };
        format!("{}://{host}:{}", self.scheme, self.port)
    }

    /// How many requests came as a forward proxy's.
    pub fn proxied(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("\"proxied\": true"))
            .count()
    }

    /// The requests served so far: (path, query, had an Authorization header).
    pub fn requests(&self) -> Vec<(String, String, bool)> {
        request_log(&self.log, "path", "query")
    }
}

/// A test server's JSON-lines request log: two of its text fields and whether auth came.
pub(crate) fn request_log(log: &Path, first: &str, second: &str) -> Vec<(String, String, bool)> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v[first].as_str().unwrap().into(), v[second].as_str().unwrap().into(), v["auth"].as_bool().unwrap())
        })
        .collect()
}
