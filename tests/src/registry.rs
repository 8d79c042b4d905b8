//! The CNCF distribution registry (Debian's docker-registry), with htpasswd or the token flow.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::*;

/// How the registry authenticates.
#[derive(Clone, Copy)]
pub enum RegistryAuth<'a> {
    None,
    /// htpasswd: the registry answers Basic challenges.
    Htpasswd(&'a str, &'a str),
    /// The distribution token flow: Bearer challenges, tokens from tests/peers/token_server.py.
    Token(&'a str, &'a str),
}

/// The CNCF distribution registry (Debian docker-registry).
pub struct Registry {
    pub port: u16,
    _daemons: Vec<Daemon>,
    _dir: tempfile::TempDir,
}

impl Registry {
    pub fn start(auth: RegistryAuth) -> Registry {
        Self::start_with(auth, None)
    }

    /// The registry on HTTPS with this certificate and key.
    pub fn start_with(auth: RegistryAuth, tls: Option<(&Path, &Path)>) -> Registry {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        let port = free_port();
        let mut daemons = Vec::new();
        let mut config = format!(
            "version: 0.1\nlog: {{level: error}}\nstorage: {{filesystem: {{rootdirectory: {d}/data}}, delete: {{enabled: true}}}}\n"
        );
        config += &match tls {
            Some((cert, key)) => format!(
                "http: {{addr: 127.0.0.1:{port}, tls: {{certificate: {}, key: {}}}}}\n",
                cert.display(),
                key.display()
            ),
            None => format!("http: {{addr: 127.0.0.1:{port}}}\n"),
        };
        match auth {
            RegistryAuth::None => {}
            RegistryAuth::Htpasswd(user, pass) => {
                let out = run(Command::new("htpasswd").args(["-Bbn", user, pass]));
                assert_eq!(out.code, 0, "htpasswd (apache2-utils) is missing: run tests/install-peers.sh");
                std::fs::write(format!("{d}/htpasswd"), out.stdout).unwrap();
                config += &format!("auth: {{htpasswd: {{realm: basic-realm, path: {d}/htpasswd}}}}\n");
            }
            RegistryAuth::Token(user, pass) => {
                let key_args = format!("req -x509 -newkey rsa:2048 -nodes -keyout {d}/token.key -out {d}/token.pem -days 2 -subj /CN=token-issuer");
                assert_eq!(run(Command::new("openssl").args(key_args.split_whitespace())).code, 0);
                let (daemon, token_port) = spawn_with_port(
                    Command::new("python3")
                        .arg(root_path("tests/peers/token_server.py"))
                        .args(["--key", &format!("{d}/token.key"), "--cert", &format!("{d}/token.pem")])
                        .args(["--user", &format!("{user}:{pass}"), "--issuer", "deckhand-test-issuer"]),
                );
                daemons.push(daemon);
                config += &format!(
                    "auth: {{token: {{realm: \"http://127.0.0.1:{token_port}/token\", service: deckhand-test, issuer: deckhand-test-issuer, rootcertbundle: {d}/token.pem}}}}\n"
                );
            }
        }
        std::fs::write(format!("{d}/config.yml"), config).unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(format!("{d}/config.yml"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry is missing: run tests/install-peers.sh");
        daemons.push(Daemon(child));
        wait_for_port(port);
        Registry { port, _daemons: daemons, _dir: dir }
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}
