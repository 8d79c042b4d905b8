//! User-facing messages of checkout-guard, kept together for translation.

use std::path::Path;
use std::time::Duration;

use crate::guard::Holder;

pub const NO_COMMAND: &str = "no command: give it after --, e.g. checkout-guard exec --dir ws -- git -C ws fetch";
pub const NO_CONFIG: &str = "nothing to lint: give config.xml files, or --jenkins-url with --job or --all";

pub fn no_parent(dir: &Path) -> String {
    format!("the folder that holds {} does not exist", dir.display())
}

pub fn not_a_folder(dir: &Path) -> String {
    format!("{} is not a folder", dir.display())
}

pub fn cannot_run(command: &str, why: &str) -> String {
    format!("cannot run {command}: {why}")
}

fn holder(holder: Option<&Holder>) -> String {
    match holder {
        Some(h) => format!(
            "held by pid {} on {}{} since {}",
            h.pid,
            h.host,
            h.build_tag.as_deref().map(|t| format!(" ({t})")).unwrap_or_default(),
            h.started
        ),
        None => "held by another process".to_string(),
    }
}

pub fn guard_timeout(dir: &Path, wait: Duration, who: Option<&Holder>) -> String {
    format!(
        "the guard of {} was not free within {}: {}; exit {}",
        dir.display(),
        humantime::format_duration(wait),
        holder(who),
        crate::EXIT_GUARD_TIMEOUT
    )
}

pub fn guarded(who: &Holder) -> String {
    format!("guarded: a checkout-guard exec is running on this repository ({})", holder(Some(who)))
}

pub fn bad_jenkins_url(url: &str, why: &str) -> String {
    format!("--jenkins-url {url:?} is not a URL: {why}")
}

pub fn unreadable(what: &str, why: &str) -> String {
    format!("{what} from Jenkins cannot be read: {why}")
}

pub fn bad_config(source: &str, why: &str) -> String {
    format!("{source} is not a readable config.xml: {why}")
}

pub fn bad_version_pair(pair: &str) -> String {
    format!("--versions {pair:?}: use plugin=version pairs, e.g. git=5.2.1,workflow-cps=3894.v1")
}

pub const PROC_UNREADABLE: &str = "/proc cannot be read, so no process can be seen";

pub fn processes_unreadable(count: usize, pid: u32, uid: u32) -> String {
    format!("/proc of {count} process(es) (e.g. pid {pid}) cannot be read as uid {uid}, so one of them may hold it")
}

pub fn processes_hidden(uid: u32) -> String {
    format!("/proc is mounted with hidepid, so uid {uid} cannot see other users' processes")
}

pub fn held_open(pid: u32, comm: &str) -> String {
    format!("live: process {pid} ({comm}) has it open")
}

pub fn git_works_here(pid: u32) -> String {
    format!("live: git process {pid} works in this repository")
}

fn rounded(age: Duration) -> String {
    humantime::format_duration(Duration::from_secs(age.as_secs())).to_string()
}

pub fn young(age: Duration, min_age: Duration) -> String {
    format!("young: {} old, under {}", rounded(age), humantime::format_duration(min_age))
}

pub fn unprovable(why: &str) -> String {
    format!("cannot prove stale: {why}; run as root (or as the user of every git process) to remove it")
}

pub fn stale(age: Duration) -> String {
    format!("stale: {} old, no process holds it or works in the repository", rounded(age))
}

pub const GC_PID_OLD: &str = "stale: gc.pid older than 12 hours (git's rule)";

pub fn gc_pid_gone(pid: i32) -> String {
    format!("stale: gc.pid names process {pid} on this host, which is gone (git's rule)")
}

pub fn gc_pid_other_user(pid: i32) -> String {
    format!("live: gc.pid names process {pid} on this host, which exists as another user's process (kill: EPERM)")
}

pub fn gc_pid_live(pid: i32, host: &str) -> String {
    format!("live: gc.pid of process {pid} on {host} (git's rule: kept for 12 hours)")
}

/// Why a stale lock could not be removed, and what to do about it.
pub fn cannot_remove(path: &Path, is_folder: bool, error: &std::io::Error) -> String {
    let fix = match error.raw_os_error() {
        _ if is_folder => {
            format!(
                "it is a folder, not git's lock file: look at it, then remove it by hand (rm -r {})",
                path.display()
            )
        }
        Some(libc::EACCES) | Some(libc::EPERM) | Some(libc::EROFS) => {
            format!("run as the owner of {} (or root), or remove it by hand", path.parent().unwrap_or(path).display())
        }
        _ => format!("remove it by hand (rm {}) once no git works in the repository", path.display()),
    };
    format!("cannot remove it: {error}; {fix}")
}

pub fn locked_out(command: &str, lock: &Path, why: &str) -> String {
    format!("not running {command}: {} blocks git: {why}", lock.display())
}

pub fn guard_not_a_file(path: &Path, what: &str) -> String {
    format!(
        "the guard file {} is {what}, not a regular file of its own (checkout-guard never creates one): \
         find what put it there, remove it, and run again",
        path.display()
    )
}

pub const CANNOT_OPEN_GUARD: &str = "cannot open the guard file";
pub const A_SYMLINK: &str = "a symlink";
pub const A_FOLDER: &str = "a folder";
pub const A_HARD_LINK: &str = "a hard link to another file";
pub const A_SPECIAL_FILE: &str = "a FIFO, socket or device";

pub fn too_deep(dir: &Path) -> String {
    format!(
        "not searched: {} is more than {} folders down; give it as a ROOT of its own to clean it",
        dir.display(),
        crate::locks::MAX_DEPTH
    )
}

pub fn xml_too_deep(limit: usize) -> String {
    format!("its elements nest deeper than {limit} levels (a job's config.xml nests about 10)")
}

pub fn clean_summary(
    repositories: usize,
    locks: usize,
    dry_run: bool,
    removed: usize,
    kept: usize,
    failed: usize,
) -> String {
    let verb = if dry_run { "would remove" } else { "removed" };
    let failed = if failed > 0 { format!(", could not remove {failed}") } else { String::new() };
    format!("{repositories} repositories, {locks} lock files: {verb} {removed}, kept {kept}{failed}")
}
