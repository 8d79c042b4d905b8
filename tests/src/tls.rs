//! Certificates made with openssl: a self-signed server certificate as users make them, and a
//! test CA with a server certificate for localhost.

use std::path::PathBuf;
use std::process::Command;

use crate::*;

/// The commonest enterprise server certificate: self-signed, its own CA (basicConstraints
/// CA:TRUE), made with exactly the openssl command users run.
pub struct SelfSigned {
    pub cert: PathBuf,
    pub key: PathBuf,
    _dir: tempfile::TempDir,
}

impl Default for SelfSigned {
    fn default() -> Self {
        Self::new()
    }
}

impl SelfSigned {
    pub fn new() -> SelfSigned {
        Self::for_names("DNS:localhost,IP:127.0.0.1")
    }

    /// The same command with other subjectAltNames.
    pub fn for_names(alt_names: &str) -> SelfSigned {
        let dir = tempfile::tempdir().unwrap();
        let out = run(Command::new("openssl")
            .current_dir(dir.path())
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem"])
            .args(["-days", "2", "-subj", "/CN=localhost", "-addext"])
            .arg(format!("subjectAltName={alt_names}")));
        assert_eq!(out.code, 0, "openssl: {out:?}");
        SelfSigned { cert: dir.path().join("cert.pem"), key: dir.path().join("key.pem"), _dir: dir }
    }
}

/// A test CA and a server certificate for localhost / 127.0.0.1, made with openssl.
pub struct TestCa {
    pub ca_cert: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    _dir: tempfile::TempDir,
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}

impl TestCa {
    pub fn new() -> TestCa {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        let ossl = |command: String| {
            let out = run(Command::new("openssl").args(command.split_whitespace()));
            assert_eq!(out.code, 0, "openssl {command}: {out:?}");
        };
        ossl(format!(
            "req -x509 -newkey rsa:2048 -nodes -keyout {d}/ca.key -out {d}/ca.pem -days 2 -subj /CN=Deckhand-Test-CA"
        ));
        for (name, extension) in
            [("server", "subjectAltName=DNS:localhost,IP:127.0.0.1"), ("client", "extendedKeyUsage=clientAuth")]
        {
            std::fs::write(format!("{d}/{name}.cnf"), format!("{extension}\n")).unwrap();
            ossl(format!("req -newkey rsa:2048 -nodes -keyout {d}/{name}.key -out {d}/{name}.csr -subj /CN={name}"));
            ossl(format!(
                "x509 -req -in {d}/{name}.csr -CA {d}/ca.pem -CAkey {d}/ca.key -CAcreateserial -out {d}/{name}.pem -days 2 -extfile {d}/{name}.cnf"
            ));
        }
        let p = |name: &str| dir.path().join(name);
        TestCa {
            ca_cert: p("ca.pem"),
            server_cert: p("server.pem"),
            server_key: p("server.key"),
            client_cert: p("client.pem"),
            client_key: p("client.key"),
            _dir: dir,
        }
    }
}
