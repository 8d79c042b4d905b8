//! The step binaries under test and running them: each gets a cleared environment plus what the
//! test gives it, so no test depends on the developer's environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

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

/// The PATH a step gets: the system's, where git and the shells are.
const SYSTEM_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// An empty HOME of this test binary's own, for the steps (and the helm they run).
fn home() -> &'static Path {
    static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    HOME.get_or_init(|| tempfile::tempdir().expect("a temporary HOME")).path()
}

/// A Deckhand step binary, built by `cargo build` (the test command builds first), with a
/// cleared environment: only PATH, an empty HOME and `NO_COLOR`, plus what the test adds. So no
/// test depends on the developer's environment (a `LANG=zh_CN.UTF-8`, a `KUBECONFIG`, a
/// `PLUGIN_*` or `bk_data_dir` left set), and each test says all a step is given.
pub fn step(name: &str) -> Command {
    let path = step_dir().join(name);
    assert!(path.exists(), "{} is not built: run `cargo build --workspace` first (tests/run does)", path.display());
    let mut cmd = Command::new(path);
    cmd.env_clear().env("PATH", SYSTEM_PATH).env("HOME", home()).env("NO_COLOR", "1").stdin(Stdio::null());
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

pub fn root_path(rel: &str) -> PathBuf {
    root().join(rel)
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
