//! The hostile side of an interrupted run: a server that accepts and never answers, a signal
//! sent to a running step, and waiting for it to exit with a generous deadline (never a timing
//! assertion: a step that does not stop fails the test instead of hanging it).
#![allow(dead_code)]

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::process::Child;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use deckhand_tests::Run;

/// How long a step may take to do what the test waits for, on a loaded machine.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A TCP server on loopback that accepts connections and never sends a byte.
pub struct SilentServer {
    pub port: u16,
    accepted: mpsc::Receiver<TcpStream>,
    held: Vec<TcpStream>,
}

impl SilentServer {
    pub fn start() -> SilentServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (send, accepted) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if send.send(stream).is_err() {
                    return;
                }
            }
        });
        SilentServer { port, accepted, held: Vec::new() }
    }

    /// Waits until a client has connected (and keeps the connection open, unanswered).
    pub fn wait_for_client(&mut self) {
        let stream = self.accepted.recv_timeout(DEADLINE).expect("the step never connected");
        self.held.push(stream);
    }
}

/// Sends `signal` to `child`.
pub fn signal(child: &Child, signal: i32) {
    // SAFETY: kill(2) on our own child, not yet reaped.
    assert_eq!(unsafe { libc::kill(libc::pid_t::try_from(child.id()).expect("a pid fits pid_t"), signal) }, 0);
}

/// The child's exit and output; a failed test (and a killed child) if it does not exit in time.
pub fn wait_with_deadline(child: &mut Child) -> Run {
    let deadline = Instant::now() + DEADLINE;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the step did not stop within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(pipe) = child.stdout.as_mut() {
        let _ = pipe.read_to_string(&mut stdout);
    }
    if let Some(pipe) = child.stderr.as_mut() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    Run { code: child.wait().unwrap().code().unwrap_or(-1), stdout, stderr }
}

/// A kubeconfig for a cluster at `server` with a token user.
pub fn kubeconfig(server: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster: {{server: '{server}'}}\ncontexts:\n- name: c\n  context: {{cluster: c, user: u}}\nusers:\n- name: u\n  user: {{token: silent-token}}\n"
    )
}
