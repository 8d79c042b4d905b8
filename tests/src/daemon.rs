//! Peer processes: loopback ports, and children killed when dropped.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub(crate) fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A child process killed when dropped.
pub struct Daemon(pub(crate) Child);

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
pub(crate) fn spawn_with_two_ports(cmd: &mut Command) -> (Daemon, u16, u16) {
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
