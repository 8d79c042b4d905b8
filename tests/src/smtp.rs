//! The real SMTP server aiosmtpd (tests/peers/smtp_server.py), with STARTTLS, implicit TLS and
//! logins, and what it received.

use std::path::PathBuf;
use std::process::Command;

use crate::*;

/// How the SMTP test server (tests/peers/smtp_server.py, aiosmtpd) runs.
#[derive(Default)]
pub struct SmtpOptions {
    /// "starttls", "tls" or "plain".
    pub mode: &'static str,
    /// Require AUTH with these.
    pub login: Option<(&'static str, &'static str)>,
    /// Answer the first N RCPT commands with 451.
    pub transient: u32,
    /// Answer 550 to recipients containing this.
    pub reject: Option<&'static str>,
    /// Serve this certificate and key instead of the shared test CA's server certificate.
    pub certificate: Option<(PathBuf, PathBuf)>,
}

/// A real SMTP server on loopback, with the shared test CA's certificate (or the one given).
pub struct SmtpServer {
    pub port: u16,
    out: tempfile::TempDir,
    _daemon: Daemon,
}

/// One received message: its envelope and what Python's `email` parser reads in it.
pub struct Received {
    pub envelope: serde_json::Value,
    pub parsed: serde_json::Value,
}

impl SmtpServer {
    pub fn start(options: SmtpOptions) -> SmtpServer {
        let out = tempfile::tempdir().unwrap();
        let ca = shared_ca();
        let mut command = Command::new("python3");
        command
            .arg(root_path("tests/peers/smtp_server.py"))
            .args(["--mode", options.mode])
            .arg("--out")
            .arg(out.path());
        let (cert, key) = options.certificate.unwrap_or_else(|| (ca.server_cert.clone(), ca.server_key.clone()));
        command.arg("--cert").arg(cert).arg("--key").arg(key);
        if let Some((user, password)) = options.login {
            command.args(["--user", user, "--password", password]);
        }
        command.args(["--transient", &options.transient.to_string()]);
        if let Some(reject) = options.reject {
            command.args(["--reject", reject]);
        }
        let (daemon, port) = spawn_with_port(&mut command);
        SmtpServer { port, out, _daemon: daemon }
    }

    /// Every message received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.out.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|eml| {
                let parsed = run(Command::new("python3").arg(root_path("tests/peers/parse_mail.py")).arg(&eml));
                assert_eq!(parsed.code, 0, "{parsed:?}");
                Received {
                    envelope: serde_json::from_str(&std::fs::read_to_string(eml.with_extension("json")).unwrap())
                        .unwrap(),
                    parsed: serde_json::from_str(&parsed.stdout).unwrap(),
                }
            })
            .collect()
    }
}
