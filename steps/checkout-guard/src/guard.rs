//! The guard: an exclusive flock on a small file beside the repository, taken by every guarded
//! git operation. The kernel releases it when its holder dies, however it dies, so a crash never
//! leaves the guard itself stale. The file records who holds it, for the one that waits.

use std::fs::{File, OpenOptions};
use std::io::{Seek, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use deckhand_common::{process, Error, Result};
use serde::{Deserialize, Serialize};

use crate::messages;

/// Who holds a guard.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Holder {
    pub pid: u32,
    pub host: String,
    /// Jenkins' BUILD_TAG (or BK-CI's build id), to tell which build it is.
    pub build_tag: Option<String>,
    /// RFC 3339.
    pub started: String,
}

impl Holder {
    /// Who this is, in words ("held by pid 41 on ci-1 (jenkins-shop-web-41) since ...").
    pub fn describe(&self) -> String {
        messages::held_by(self.pid, &self.host, self.build_tag.as_deref(), &self.started)
    }
}

/// A held guard; dropping it (or dying) releases the flock.
pub struct Guard {
    _file: File,
}

/// `dir` with symlinks, `.` and `..` resolved, so that every spelling of one repository names one
/// guard; `dir` itself may not exist yet (a first clone), its parent must.
pub fn canonical_dir(dir: &Path) -> Result<PathBuf> {
    if let Ok(path) = std::fs::canonicalize(dir) {
        return Ok(path);
    }
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let parent = std::fs::canonicalize(parent).map_err(|_| Error::input(messages::no_parent(dir)))?;
    Ok(dir.file_name().map(|name| parent.join(name)).unwrap_or(parent))
}

/// Opens the guard file without following a symlink, and only if it is a regular file: whatever
/// else is planted there (a symlink or hard link to a file to clobber, a FIFO to hang on, a folder)
/// is refused.
fn open_guard(path: &Path, create: bool) -> Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    if create {
        options.write(true).create(true).truncate(false);
    }
    let refused = || Error::input(messages::guard_not_a_file(path, &what_is(path)));
    let file = options.open(path).map_err(|e| match e.raw_os_error() {
        Some(libc::ELOOP) | Some(libc::EISDIR) => refused(),
        _ => Error::io(&messages::cannot_open_guard(), path, &e),
    })?;
    // A second name of another file (a planted hard link) would be truncated by the holder record.
    match file.metadata() {
        Ok(meta) if meta.is_file() && meta.nlink() == 1 => Ok(file),
        _ => Err(refused()),
    }
}

/// What is at `path` instead of a guard file, in words (for the refusal only).
fn what_is(path: &Path) -> String {
    match std::fs::symlink_metadata(path).map(|m| m.file_type()) {
        Ok(t) if t.is_symlink() => messages::guard_is_symlink(),
        Ok(t) if t.is_dir() => messages::guard_is_folder(),
        Ok(t) if t.is_file() => messages::guard_is_hard_link(),
        _ => messages::guard_is_special(),
    }
}

/// `<parent>/.<name>.checkout-guard` for the repository folder `dir` (beside it, so a clone into
/// `dir` can be guarded before `dir` exists).
pub fn guard_path(dir: &Path) -> PathBuf {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "repo".into());
    dir.parent().unwrap_or(Path::new(".")).join(format!(".{name}.checkout-guard"))
}

fn try_lock(file: &File) -> std::io::Result<bool> {
    // SAFETY: flock on a file descriptor we own.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(true);
    }
    let error = std::io::Error::last_os_error();
    if error.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(error)
    }
}

/// Takes the guard of `dir`, waiting at most `wait`; `Err(holder)` when the wait ran out.
pub fn acquire(dir: &Path, wait: Duration) -> Result<std::result::Result<Guard, Option<Holder>>> {
    let path = guard_path(dir);
    let open = |e: std::io::Error| Error::io(&messages::cannot_open_guard(), &path, &e);
    let mut file = open_guard(&path, true)?;
    let deadline = Instant::now() + wait;
    process::catch_signals();
    loop {
        if try_lock(&file).map_err(open)? {
            let holder = Holder {
                pid: std::process::id(),
                host: crate::locks::hostname(),
                build_tag: ["BUILD_TAG", "BK_CI_BUILD_ID"].iter().find_map(|v| std::env::var(v).ok()),
                started: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            };
            file.set_len(0).and_then(|_| file.rewind()).map_err(open)?;
            file.write_all(serde_json::to_string(&holder).unwrap_or_default().as_bytes()).map_err(open)?;
            return Ok(Ok(Guard { _file: file }));
        }
        if let Some(signal) = process::received_signal() {
            return Err(process::interrupted(signal, &messages::while_waiting_for_guard()));
        }
        if Instant::now() >= deadline {
            return Ok(Err(holder_in(&file)));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The holder recorded in an open guard file.
fn holder_in(file: &File) -> Option<Holder> {
    let mut record = vec![0; 4096];
    let len = file.read_at(&mut record, 0).ok()?;
    serde_json::from_slice(&record[..len]).ok()
}

/// Whether a guarded operation holds `dir`'s guard right now (probed without waiting). A guard
/// path that is not a regular file cannot be held: `exec` refuses it.
pub fn is_held(dir: &Path) -> Option<Holder> {
    let file = open_guard(&guard_path(dir), false).ok()?;
    match try_lock(&file) {
        Ok(false) => {
            Some(holder_in(&file).unwrap_or(Holder { pid: 0, host: "?".into(), build_tag: None, started: "?".into() }))
        }
        _ => None, // got it (released on drop) or cannot tell
    }
}
