//! The Kubernetes API STAND-IN (tests/peers/kube_standin.py): no real API server can run here.

use std::path::PathBuf;
use std::process::Command;

use crate::*;

/// The Kubernetes API STAND-IN (tests/peers/kube_standin.py, the package tests/peers/standin/):
/// no real API server can run on these machines. It serves what helm and the steps call, with the
/// real API's rules, version by version (`StandinOptions::emulate`); the opt-in suite in
/// tests/e2e_cluster.rs runs against a real cluster instead.
pub struct KubeStandin {
    pub port: u16,
    /// The plain-HTTP port of the stand-in's control endpoint (`/_standin/<do>`, no auth), see
    /// [`KubeStandin::control`].
    pub control_port: u16,
    pub token: String,
    tls: bool,
    /// The certificate the kubeconfig trusts.
    ca: PathBuf,
    dump: PathBuf,
    log: PathBuf,
    timeline: PathBuf,
    dir: tempfile::TempDir,
    _daemon: Daemon,
}

/// How a stand-in behaves.
pub struct StandinOptions {
    /// Serve HTTPS with the shared test CA (client-go, so helm, sends no token over plain HTTP).
    pub tls: bool,
    /// `/version`'s gitVersion instead of the profile's own (`None`: the profile's, e.g. 1.20's
    /// `v1.20.4-eks-6b7464` with `minor: "20+"`).
    pub git_version: Option<&'static str>,
    /// Milliseconds until a `ready` pod turns ready.
    pub ready_ms: u32,
    pub token: Option<String>,
    /// With `tls`: serve this certificate and key, and name the certificate as the kubeconfig's
    /// `certificate-authority-data` (a self-signed API server), instead of the shared test CA's.
    pub server_cert: Option<(PathBuf, PathBuf)>,
    /// The Kubernetes version whose behaviour the stand-in emulates (`--emulate`: "1.14", "1.16",
    /// "1.20", "1.33"; None: the stand-in's default, 1.33).
    pub emulate: Option<&'static str>,
    /// More stand-in options, passed through (e.g. `--nodes three`, `--script FILE`,
    /// `--controller-lag-ms 300`; see tests/peers/standin/README.md).
    pub extra_args: Vec<String>,
}

impl Default for StandinOptions {
    fn default() -> Self {
        StandinOptions {
            tls: false,
            git_version: None,
            ready_ms: 300,
            token: None,
            server_cert: None,
            emulate: None,
            extra_args: Vec::new(),
        }
    }
}

/// One test CA per test binary (openssl key generation takes a while).
pub fn shared_ca() -> &'static TestCa {
    static CA: std::sync::OnceLock<TestCa> = std::sync::OnceLock::new();
    CA.get_or_init(TestCa::new)
}

impl KubeStandin {
    /// Starts the stand-in (plain HTTP) with `objects` already stored.
    pub fn start(objects: &serde_json::Value) -> KubeStandin {
        Self::start_with(objects, StandinOptions::default())
    }

    pub fn start_with(objects: &serde_json::Value, options: StandinOptions) -> KubeStandin {
        let dir = tempfile::tempdir().unwrap();
        let token = options.token.unwrap_or_else(|| format!("kube-token-{}", std::process::id()));
        let path = |name: &str| dir.path().join(name);
        let (dump, log, preload, timeline) =
            (path("dump.json"), path("requests.log"), path("preload.json"), path("timeline"));
        std::fs::write(&preload, objects.to_string()).unwrap();
        let mut command = Command::new("python3");
        command
            .arg(root_path("tests/peers/kube_standin.py"))
            .args(["--token", &token])
            .args(options.git_version.map(|version| ["--git-version", version]).into_iter().flatten())
            .args(["--ready-ms", &options.ready_ms.to_string()])
            .arg("--dump")
            .arg(&dump)
            .arg("--log")
            .arg(&log)
            .arg("--timeline")
            .arg(&timeline)
            .arg("--preload")
            .arg(&preload);
        if let Some(version) = options.emulate {
            command.args(["--emulate", version]);
        }
        // The control endpoint is served in plain HTTP on a port of its own (the API port may be
        // TLS), chosen by the stand-in itself: a port picked here could be taken before it binds.
        command.args(["--control-port", "0"]);
        command.args(&options.extra_args);
        let (cert, key, ca) = match options.server_cert {
            Some((cert, key)) => (cert.clone(), key, cert),
            None => (shared_ca().server_cert.clone(), shared_ca().server_key.clone(), shared_ca().ca_cert.clone()),
        };
        if options.tls {
            command.arg("--tls-cert").arg(&cert).arg("--tls-key").arg(&key);
        }
        let (daemon, port, control_port) = spawn_with_two_ports(&mut command);
        KubeStandin { port, control_port, token, tls: options.tls, ca, dump, log, timeline, dir, _daemon: daemon }
    }

    /// Runs one of the stand-in's happenings now (`POST /_standin/<action>` on the plain control
    /// port): "put" (`{"object": {...}}`), "delete" (`{"kind", "namespace", "name"}`),
    /// "close-watches", "compact"; `body` may also carry `after_ms` and `since` as a script step
    /// does. Returns the stand-in's JSON answer; panics if it refuses.
    pub fn control(&self, action: &str, body: &serde_json::Value) -> serde_json::Value {
        use std::io::{Read, Write};
        let body = body.to_string();
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.control_port)).unwrap();
        write!(
            stream,
            "POST /_standin/{action} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        let (head, json) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
        assert!(head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"), "control {action}: {reply}");
        serde_json::from_str(json).unwrap_or(serde_json::Value::Null)
    }

    /// `<epoch seconds> <what>` lines of cluster happenings (e.g. "pod-ready ns/name").
    pub fn timeline(&self) -> Vec<String> {
        std::fs::read_to_string(&self.timeline).unwrap_or_default().lines().map(str::to_string).collect()
    }

    /// A kubeconfig for the stand-in with `token` as the user's credential.
    pub fn kubeconfig(&self, token: &str) -> String {
        use base64::Engine;
        let cluster = if self.tls {
            let ca = std::fs::read(&self.ca).unwrap();
            let ca = base64::engine::general_purpose::STANDARD.encode(ca);
            format!("server: https://127.0.0.1:{}\n    certificate-authority-data: {ca}", self.port)
        } else {
            format!("server: http://127.0.0.1:{}", self.port)
        };
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: standin\nclusters:\n- name: standin\n  cluster:\n    {cluster}\ncontexts:\n- name: standin\n  context: {{cluster: standin, user: ci}}\nusers:\n- name: ci\n  user:\n    token: {token}\n"
        )
    }

    /// Writes the kubeconfig to a file and returns its path.
    pub fn kubeconfig_file(&self) -> PathBuf {
        let path = self.dir.path().join("kubeconfig");
        std::fs::write(&path, self.kubeconfig(&self.token)).unwrap();
        path
    }

    /// Every stored object.
    pub fn objects(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&std::fs::read_to_string(&self.dump).unwrap()).unwrap()
    }

    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<serde_json::Value> {
        self.objects().into_iter().find(|o| {
            o["kind"] == kind
                && o["metadata"]["name"] == name
                && o["metadata"]["namespace"].as_str().unwrap_or("") == namespace
        })
    }

    /// "METHOD /path" of every request so far.
    pub fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log).unwrap_or_default().lines().map(str::to_string).collect()
    }
}
