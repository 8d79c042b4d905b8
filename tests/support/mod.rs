//! Real peers for the end-to-end tests: the helm CLI, static HTTP(S) chart repositories, the CNCF
//! distribution registry, a test CA made with openssl. `tests/install-peers.sh` installs them;
//! a missing peer fails the test with that advice (it never skips).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub mod bk_ticket;

pub const HELM3: &str = "3.17.3";
pub const HELM4: &str = "4.1.4";
/// The old helm of Kubernetes 1.14-1.17 users: no `helm template --kube-version` (3.6+).
pub const HELM34: &str = "3.4.2";
pub const HELM35: &str = "3.5.4";

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// The folder of the built step binaries (for a PATH that has them, as an agent image does).
pub fn step_dir() -> PathBuf {
    target_dir().join(if cfg!(debug_assertions) { "debug" } else { "release" })
}

/// A Deckhand step binary, built by `cargo build` (the test command builds first).
pub fn step(name: &str) -> Command {
    let path = step_dir().join(name);
    assert!(path.exists(), "{} is not built: run `cargo build --workspace` first (tests/run does)", path.display());
    let mut cmd = Command::new(path);
    // The steps must behave the same whatever the caller's environment holds.
    for var in [
        "HELM_REPO_URL",
        "HELM_REPO_USERNAME",
        "HELM_REPO_PASSWORD",
        "DECKHAND_CHART_VERSION",
        "bk_data_dir",
        "bk_data_input",
        "bk_data_output",
    ] {
        cmd.env_remove(var);
    }
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("PLUGIN_")) {
        cmd.env_remove(key);
    }
    cmd.env("NO_COLOR", "1").stdin(Stdio::null());
    cmd
}

pub fn peers_bin() -> PathBuf {
    std::env::var_os("DECKHAND_PEERS")
        .map(|p| PathBuf::from(p).join("bin"))
        .unwrap_or_else(|| target_dir().join("peers/bin"))
}

/// The outcome of a command, with both streams as text.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

pub fn run(cmd: &mut Command) -> Run {
    let Output { status, stdout, stderr } = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into(),
        stderr: String::from_utf8_lossy(&stderr).into(),
    }
}

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

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A child process killed when dropped.
pub struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a test server script that prints `PORT <n>` once it listens.
pub fn spawn_with_port(cmd: &mut Command) -> (Daemon, u16) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("python3 runs the test server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok());
    let port = port.unwrap_or_else(|| panic!("{cmd:?} said {line:?} (run tests/install-peers.sh?)"));
    (Daemon(child), port)
}

/// Starts the API stand-in, which prints `PORT <n>` and `CONTROL <n>` once it listens.
fn spawn_with_two_ports(cmd: &mut Command) -> (Daemon, u16, u16) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("python3 runs the test server");
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut port = |prefix: &str| {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix(prefix).and_then(|p| p.parse().ok());
        port.unwrap_or_else(|| panic!("{cmd:?} said {line:?} (run tests/install-peers.sh?)"))
    };
    let (api, control) = (port("PORT "), port("CONTROL "));
    (Daemon(child), api, control)
}

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
    pub fn start(root: &Path, options: ServeOptions) -> StaticServer {
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
fn request_log(log: &Path, first: &str, second: &str) -> Vec<(String, String, bool)> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v[first].as_str().unwrap().into(), v[second].as_str().unwrap().into(), v["auth"].as_bool().unwrap())
        })
        .collect()
}

pub fn root_path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// How the registry authenticates.
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

/// The commonest enterprise server certificate: self-signed, its own CA (basicConstraints
/// CA:TRUE), made with exactly the openssl command users run.
pub struct SelfSigned {
    pub cert: PathBuf,
    pub key: PathBuf,
    _dir: tempfile::TempDir,
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

/// Every file below `dir`, relative, sorted, with its bytes.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.push((path.strip_prefix(base).unwrap().display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

/// Names in a folder, sorted (hidden ones included: a leftover temp file must show).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// Runs chart-fetch with `args` into a fresh destination folder.
pub fn fetch(args: &[&str]) -> (Run, tempfile::TempDir) {
    let dest = tempfile::tempdir().unwrap();
    let out = run(step("chart-fetch").args(args).arg("-d").arg(dest.path()));
    (out, dest)
}

/// The one file a pull left in `dir`.
pub fn only_file(dir: &Path) -> (String, Vec<u8>) {
    let files = tree(dir);
    assert_eq!(
        files.len(),
        1,
        "expected one file in {}: {:?}",
        dir.display(),
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    files.into_iter().next().unwrap()
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
    pub fn start(objects: serde_json::Value) -> KubeStandin {
        Self::start_with(objects, StandinOptions::default())
    }

    pub fn start_with(objects: serde_json::Value, options: StandinOptions) -> KubeStandin {
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
    pub fn control(&self, action: &str, body: serde_json::Value) -> serde_json::Value {
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

    /// "<epoch seconds> <what>" lines of cluster happenings (e.g. "pod-ready ns/name").
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

/// Runs `cmd`, killing it (and failing the test) if it has not ended after `limit`: for a step
/// that, without its fix, would wait on a hostile peer for ever.
pub fn run_within(cmd: &mut Command, limit: Duration) -> Run {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{cmd:?} still ran after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let Output { status, stdout, stderr } = child.wait_with_output().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into(),
        stderr: String::from_utf8_lossy(&stderr).into(),
    }
}
