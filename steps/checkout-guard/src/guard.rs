//! The guard: an exclusive flock on a small file beside the repository, taken by every guarded
//! git operation. The kernel releases it when its holder dies, however it dies, so a crash never
//! leaves the guard itself stale. The file records who holds it, for the one that waits.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use deckhand_common::{process, Error, Result};
use serde::{Deserialize, Serialize};

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

/// A held guard; dropping it (or dying) releases the flock.
pub struct Guard {
    _file: File,
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
    let open = |e: std::io::Error| Error::io("cannot open the guard file", &path, e);
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(open)?;
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
            return Err(process::interrupted(signal, "while waiting for the guard"));
        }
        if Instant::now() >= deadline {
            return Ok(Err(holder_of(&path)));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The recorded holder of a guard file.
pub fn holder_of(path: &Path) -> Option<Holder> {
    let mut text = String::new();
    File::open(path).ok()?.read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

/// Whether a guarded operation holds `dir`'s guard right now (probed without waiting).
pub fn is_held(dir: &Path) -> Option<Holder> {
    let path = guard_path(dir);
    let file = File::open(&path).ok()?;
    match try_lock(&file) {
        Ok(false) => {
            Some(holder_of(&path).unwrap_or(Holder { pid: 0, host: "?".into(), build_tag: None, started: "?".into() }))
        }
        _ => None, // got it (released on drop) or cannot tell
    }
}
