//! Child processes run on behalf of a step (helm, git). A CI abort sends SIGTERM (Jenkins) or
//! SIGINT (Ctrl-C) to us; the child gets the same signal and is waited for, so it can finish
//! cleanly (helm marks its release failed instead of leaving it pending), and our own cleanup
//! (temp files with credentials) still runs.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::{Error, ErrorKind};

static RECEIVED: OnceLock<Arc<AtomicUsize>> = OnceLock::new();

/// Starts catching SIGINT and SIGTERM: from now on they are recorded, not fatal. Idempotent.
pub fn catch_signals() {
    RECEIVED.get_or_init(|| {
        let received = Arc::new(AtomicUsize::new(0));
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // Registration fails only for forbidden signals; these two are allowed.
            let _ = signal_hook::flag::register_usize(signal, Arc::clone(&received), signal as usize);
        }
        received
    });
}

/// The signal received since [`catch_signals`], if any.
pub fn received_signal() -> Option<i32> {
    let signal = RECEIVED.get()?.load(Ordering::Relaxed);
    (signal != 0).then_some(signal as i32)
}

/// The error for a run stopped by `signal`.
pub fn interrupted(signal: i32, what: &str) -> Error {
    let name = if signal == signal_hook::consts::SIGINT { "SIGINT" } else { "SIGTERM" };
    Error::new(ErrorKind::Interrupted, format!("stopped by {name} {what}"))
}

/// What a finished child printed.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// The signal we passed on to the child while it ran, if any.
    pub forwarded: Option<i32>,
}

/// Runs `command` to the end with its output captured; a SIGINT/SIGTERM we receive meanwhile is
/// passed on to it and it is still waited for.
pub fn run_captured(command: &mut Command) -> std::io::Result<Finished> {
    catch_signals();
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (status, forwarded) = wait_forwarding(&mut child, false)?;
    let text = |h: std::thread::JoinHandle<String>| h.join().unwrap_or_default();
    Ok(Finished { status, stdout: text(stdout), stderr: text(stderr), forwarded })
}

/// Waits for `child`, passing on the first SIGINT/SIGTERM we receive; to its whole process group
/// when `group` (a child started as the leader of its own group, and everything it started).
pub fn wait_forwarding(child: &mut Child, group: bool) -> std::io::Result<(ExitStatus, Option<i32>)> {
    catch_signals();
    let mut forwarded = None;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((status, forwarded));
        }
        if let (None, Some(signal)) = (forwarded, received_signal()) {
            // SAFETY: kill(2) with a pid we spawned and still own (not yet reaped).
            let pid = child.id() as libc::pid_t;
            unsafe { libc::kill(if group { -pid } else { pid }, signal) };
            forwarded = Some(signal);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_we_get_is_passed_on_and_the_child_is_waited_for() {
        catch_signals();
        let me = std::process::id() as libc::pid_t;
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            // SAFETY: signalling our own process; the handler only sets a flag.
            unsafe { libc::kill(me, libc::SIGTERM) };
        });
        let script = "trap 'echo got TERM; exit 42' TERM; sleep 5 >/dev/null 2>&1 & wait";
        let finished = run_captured(Command::new("sh").args(["-c", script])).unwrap();
        assert_eq!(finished.forwarded, Some(libc::SIGTERM));
        assert_eq!(finished.status.code(), Some(42), "the child ran its own clean-up");
        assert_eq!(finished.stdout, "got TERM\n");
        assert_eq!(interrupted(libc::SIGTERM, "during x").kind, ErrorKind::Interrupted);
    }
}
