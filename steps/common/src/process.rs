//! How a run ends early, for every step: SIGINT/SIGTERM (a CI abort, Ctrl-C) and panics.
//!
//! [`install`] (called by the shared entry, `output::run_step`) starts a thread that wakes on
//! SIGINT/SIGTERM. It passes the first signal on to the registered child processes (helm, git)
//! at once. Then, unless the code running now said it handles signals itself
//! ([`handle_signals`]: a wait for a child, a cluster call that races the signal) or asked for a
//! moment ([`defer_signals`]: putting a result in place), the run ends on the spot: every path
//! made with [`remove_if_ended`] (temporary kubeconfigs, staging folders) is removed, the
//! error is reported (stderr, BK-CI `output.json`) and the process exits 130. So a call that
//! never returns (a server that accepts and never answers) cannot keep a step alive.
//! A panic ends the same way, as an internal error ([`die`], from the panic hook).

use std::io::Read;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use crate::{messages, Error, ErrorKind};

/// Reports a fatal error (stderr, output.json) and gives the exit code; set by the entry function.
pub type Report = Box<dyn Fn(&Error) -> u8 + Send + Sync>;

static RECEIVED: OnceLock<Arc<AtomicUsize>> = OnceLock::new();
static STATE: Mutex<State> = Mutex::new(State::new());
static REPORT: OnceLock<Report> = OnceLock::new();
/// Set once the run is ending: a panic while ending (in the report, say) must not start another.
static ENDING: AtomicBool = AtomicBool::new(false);

struct Registered<T> {
    id: u64,
    item: T,
}

/// Who ends the run on a signal, and what to clean up when we do.
struct State {
    children: Vec<Registered<(libc::pid_t, bool, bool)>>,
    paths: Vec<Registered<PathBuf>>,
    next_id: u64,
    /// Sections whose code handles a signal itself (polls [`received_signal`] and returns).
    handled: usize,
    /// Sections after which a signal that came meanwhile ends the run.
    deferred: usize,
    /// What the run is doing, innermost last, for the message of an interrupted run.
    doing: Vec<String>,
}

impl State {
    const fn new() -> Self {
        State { children: Vec::new(), paths: Vec::new(), next_id: 0, handled: 0, deferred: 0, doing: Vec::new() }
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Passes `signal` on to every registered child not yet told.
    fn forward(&mut self, signal: i32) {
        for child in &mut self.children {
            let (pid, group, told) = &mut child.item;
            if !*told {
                // SAFETY: kill(2) on a child we spawned and have not reaped (it is unregistered first).
                unsafe { libc::kill(if *group { -*pid } else { *pid }, signal) };
                *told = true;
            }
        }
    }
}

fn state() -> MutexGuard<'static, State> {
    // A panic while holding the lock must not stop the clean-up.
    STATE.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Sets how a fatal error is reported; the first call wins.
pub fn set_report(report: Report) {
    let _ = REPORT.set(report);
}

/// Starts watching SIGINT and SIGTERM (see the module doc). Idempotent.
pub fn install() {
    RECEIVED.get_or_init(|| {
        let received = Arc::new(AtomicUsize::new(0));
        let wake = UnixStream::pair().ok();
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // Signal numbers are small and positive; registration fails only for forbidden signals,
            // and these two are allowed.
            let Ok(number) = usize::try_from(signal) else { continue };
            let _ = signal_hook::flag::register_usize(signal, Arc::clone(&received), number);
            if let Some(Ok(write)) = wake.as_ref().map(|(_, write)| write.try_clone()) {
                let _ = signal_hook::low_level::pipe::register(signal, write);
            }
        }
        if let Some((read, _)) = wake {
            std::thread::spawn(move || watch(read));
        }
        received
    });
}

/// The signal thread: one byte in the pipe per signal.
fn watch(mut wake: UnixStream) {
    let mut byte = [0u8; 1];
    while matches!(wake.read(&mut byte), Ok(1)) {
        let Some(signal) = received_signal() else { continue };
        let mut state = state();
        state.forward(signal);
        if state.handled == 0 && state.deferred == 0 {
            let doing = state.doing.last().cloned().unwrap_or_else(messages::while_running);
            end(&state, &interrupted(signal, &doing));
        }
    }
}

/// Ends the run now: removes the registered paths, reports `error` and exits with its code.
pub fn die(error: &Error) -> ! {
    // Checked before the lock: the thread that is ending holds it.
    if ENDING.load(Ordering::SeqCst) {
        std::process::abort();
    }
    // The guard lives to the end of this statement, which never ends: the lock stays held.
    end(&state(), error)
}

/// `state` is the locked state: the caller keeps holding the lock, and this never returns.
fn end(state: &State, error: &Error) -> ! {
    if ENDING.swap(true, Ordering::SeqCst) {
        std::process::abort();
    }
    for path in state.paths.iter().map(|p| &p.item) {
        let _ = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
    }
    let code = REPORT.get().map_or(error.kind.exit_code(), |report| report(error));
    // The lock stays held: nothing may start a child or create a registered path any more.
    std::process::exit(i32::from(code))
}

/// The signal received since [`install`], if any.
pub fn received_signal() -> Option<i32> {
    let signal = RECEIVED.get()?.load(Ordering::Relaxed);
    i32::try_from(signal).ok().filter(|&signal| signal != 0)
}

/// From now on, for good, this process handles SIGINT/SIGTERM itself by polling
/// [`received_signal`] (a step whose every wait does). Idempotent in effect.
pub fn catch_signals() {
    std::mem::forget(handle_signals());
}

/// While the returned guard lives, a SIGINT/SIGTERM is the caller's to act on (it polls
/// [`received_signal`] and returns an error); children are still told at once.
pub fn handle_signals() -> Section {
    install();
    state().handled += 1;
    Section { deferring: false }
}

/// While the returned guard lives, a SIGINT/SIGTERM waits (for a few renames that must not be cut
/// in half); when it is dropped, a signal that came meanwhile ends the run.
pub fn defer_signals() -> Section {
    install();
    state().deferred += 1;
    Section { deferring: true }
}

/// See [`handle_signals`] and [`defer_signals`].
#[must_use]
pub struct Section {
    deferring: bool,
}

impl Drop for Section {
    fn drop(&mut self) {
        let mut state = state();
        if !self.deferring {
            state.handled -= 1;
            return;
        }
        state.deferred -= 1;
        if let (0, 0, Some(signal)) = (state.handled, state.deferred, received_signal()) {
            end(&state, &interrupted(signal, &messages::while_running()));
        }
    }
}

/// Says what the run is doing while the returned guard lives ("while waiting for the rollout",
/// a catalogue phrase), for the message of a run interrupted meanwhile.
pub fn doing(what: impl Into<String>) -> Doing {
    state().doing.push(what.into());
    Doing
}

/// What the run is doing now, if it said so with [`doing`].
pub fn now_doing() -> Option<String> {
    state().doing.last().cloned()
}

/// See [`doing`].
#[must_use]
pub struct Doing;

impl Drop for Doing {
    fn drop(&mut self) {
        state().doing.pop();
    }
}

/// Something at a path (a temporary file or folder) that is also removed when the run is ended
/// by a signal or a panic. Dropping it drops the thing first (which removes it), then forgets
/// the path.
pub struct Removable<T> {
    item: T,
    _registration: Registration,
}

impl<T> Removable<T> {
    /// The thing, no longer removed by an early end (for a folder about to be renamed into place).
    pub fn into_inner(self) -> T {
        self.item
    }
}

impl<T> std::ops::Deref for Removable<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.item
    }
}

impl<T> std::ops::DerefMut for Removable<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.item
    }
}

struct Registration {
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        state().paths.retain(|p| p.id != self.id);
    }
}

/// Creates something at a path and registers the path for removal should the run end early;
/// both under the lock, so that no signal falls between them.
pub fn remove_if_ended<T>(
    create: impl FnOnce() -> std::io::Result<T>,
    path: impl Fn(&T) -> &Path,
) -> std::io::Result<Removable<T>> {
    install();
    let mut state = state();
    let item = create()?;
    let id = state.id();
    state.paths.push(Registered { id, item: path(&item).to_path_buf() });
    Ok(Removable { item, _registration: Registration { id } })
}

/// Runs `create` (making a file or folder inside a [`remove_if_ended`] path) under the lock that
/// ending the run holds, so that the removal never races a creation: an ending run removes all
/// that was made before it, and nothing is made after.
pub fn create_inside<T>(create: impl FnOnce() -> std::io::Result<T>) -> std::io::Result<T> {
    let _state = state();
    create()
}

/// The error for a run stopped by `signal`.
pub fn interrupted(signal: i32, what: &str) -> Error {
    let name = if signal == signal_hook::consts::SIGINT { "SIGINT" } else { "SIGTERM" };
    Error::new(ErrorKind::Interrupted, messages::stopped_by(name, what))
}

/// Resolves once a SIGINT/SIGTERM has come, with the error for it: what [`doing`] says the run
/// was doing then, else `otherwise`. For racing async work against a signal.
pub async fn interruption(otherwise: impl Into<String>) -> Error {
    let otherwise = otherwise.into();
    loop {
        if let Some(signal) = received_signal() {
            return interrupted(signal, &now_doing().unwrap_or(otherwise));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
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
    let _handling = handle_signals();
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
    let _handling = handle_signals();
    // A pid beyond pid_t (none on Linux) could not be signalled safely: it is only waited for.
    let id = libc::pid_t::try_from(child.id()).ok().map(|pid| register_child(pid, group));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => break Err(e),
        }
    };
    // Unregistered before anything else: its pid may be reused once reaped.
    if let Some(id) = id {
        state().children.retain(|c| c.id != id);
    }
    Ok((status?, received_signal()))
}

/// Registers a child for the signal thread; a signal that came before is passed on now.
fn register_child(pid: libc::pid_t, group: bool) -> u64 {
    let mut state = state();
    let id = state.id();
    state.children.push(Registered { id, item: (pid, group, false) });
    if let Some(signal) = received_signal() {
        state.forward(signal);
    }
    id
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
        let me = libc::pid_t::try_from(std::process::id()).expect("a pid fits pid_t");
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
