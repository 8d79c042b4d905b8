//! Git directories and their lock files, and who holds them. A `<file>.lock` is created with
//! O_EXCL and holds no PID, so a lock is removed only when it is provably stale: older than a
//! threshold, not open in any local process, no git process working in that repository, no guarded
//! operation running on it, and every local process could be seen. `gc.pid` follows git's own
//! rule (12 hours, or this host and a dead PID).
//!
//! Git directories are recognised by git's own `is_git_directory` (a valid HEAD, objects/ and
//! refs/, or a linked worktree's commondir), and walked through [`Dir`]: no symlink is followed, no
//! folder is walked twice (device and inode), and no walk goes deeper than [`MAX_DEPTH`].

use std::collections::{BTreeMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::messages;
use crate::nofollow::{Dir, Kind, Stat};

/// The lock files git leaves behind when killed, by name, in a git directory.
const TOP_LEVEL_LOCKS: [&str; 6] =
    ["index.lock", "shallow.lock", "HEAD.lock", "config.lock", "packed-refs.lock", "ORIG_HEAD.lock"];
const GC_PID: &str = "gc.pid";
/// git's gc.pid rule.
const GC_PID_STALE: Duration = Duration::from_secs(12 * 3600);
/// Folders below a root (or below a git directory) that are searched; Jenkins workspaces and git
/// directories are far shallower, and a bound keeps a hostile tree from costing without end.
pub const MAX_DEPTH: usize = 64;
/// HEAD, gc.pid and `.git` files are a line; anything bigger is not git's.
const SMALL_FILE: u64 = 4096;

/// What one search has seen: the folders it walked, by (device, inode), so that a bind mount or a
/// second path to a folder is walked once; and the folders it left unsearched for depth.
#[derive(Debug, Default)]
pub struct Walk {
    seen: HashSet<(u64, u64)>,
    pub too_deep: Vec<PathBuf>,
}

impl Walk {
    /// Whether `dir` is new to this walk (and records it).
    pub fn first_visit(&mut self, dir: &Dir) -> bool {
        dir.id().is_ok_and(|id| self.seen.insert(id))
    }

    /// Whether `dir`, `depth` folders down, may be searched; if not, it is recorded for the report.
    pub fn within_depth(&mut self, dir: &Dir, depth: usize) -> bool {
        if depth <= MAX_DEPTH {
            return true;
        }
        self.too_deep.push(dir.path().to_path_buf());
        false
    }
}

/// A repository: its worktree (or bare folder), and its git directory.
pub struct Repository {
    pub path: PathBuf,
    pub git_dir: Dir,
}

impl Repository {
    /// The repository at `path`: a worktree, or a bare repository named explicitly.
    pub fn at(path: &Path) -> Option<Repository> {
        let dir = Dir::open(path).ok()?;
        let git_dir = match worktree_git_dir(&dir) {
            Some(git_dir) => git_dir,
            None => is_git_directory(&dir).then_some(dir)?,
        };
        Some(Repository { path: path.to_path_buf(), git_dir })
    }
}

/// The git directory of the worktree `dir`: its `.git` folder, or the folder its `.git` file names
/// (`gitdir: ...`: a linked worktree or a submodule), when that is a git directory.
pub fn worktree_git_dir(dir: &Dir) -> Option<Dir> {
    let dot_git = OsStr::new(".git");
    let git_dir = match dir.kind(".git")? {
        Kind::Dir => dir.child(dot_git).ok()?,
        Kind::File => {
            let text = dir.read(dot_git, SMALL_FILE).ok()?;
            let target = dir.path().join(text.trim().strip_prefix("gitdir:")?.trim());
            // Resolved once, to name it as /proc does; then everything below is opened from it.
            Dir::open(&std::fs::canonicalize(target).ok()?).ok()?
        }
        _ => return None,
    };
    is_git_directory(&git_dir).then_some(git_dir)
}

/// git's `is_git_directory`: a valid HEAD, and objects/ and refs/ folders, or (a linked worktree's
/// git directory) a commondir file.
pub fn is_git_directory(dir: &Dir) -> bool {
    let head = dir.read(OsStr::new("HEAD"), SMALL_FILE).is_ok_and(|text| is_valid_head(&text));
    let own_store = dir.kind("objects") == Some(Kind::Dir) && dir.kind("refs") == Some(Kind::Dir);
    head && (own_store || dir.kind("commondir") == Some(Kind::File))
}

/// git's `validate_headref`: `ref: refs/...`, or a detached object id (SHA-1 or SHA-256).
fn is_valid_head(text: &str) -> bool {
    let text = text.trim_end();
    if let Some(target) = text.strip_prefix("ref:") {
        return target.trim_start().starts_with("refs/");
    }
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A lock file, with the folder it is in (open), so that it is removed from there.
pub struct Lock {
    pub path: PathBuf,
    stat: Stat,
    dir: Rc<Dir>,
    name: OsString,
}

impl Lock {
    fn new(dir: &Rc<Dir>, name: &OsStr) -> Option<Lock> {
        let stat = dir.stat(name).ok()?;
        Some(Lock { path: dir.join(name), stat, dir: Rc::clone(dir), name: name.to_os_string() })
    }

    /// Removes it (a symlink planted there is removed itself; its target is never touched).
    pub fn remove(&self) -> std::io::Result<()> {
        self.dir.remove(&self.name)
    }

    pub fn is_folder(&self) -> bool {
        self.stat.kind == Kind::Dir
    }

    fn age(&self) -> Duration {
        SystemTime::now().duration_since(self.stat.modified).unwrap_or_default()
    }
}

/// Every lock file in `git_dir`, its `refs/**` and its submodules' git dirs (`modules/**`).
pub fn lock_files(git_dir: Dir, walk: &mut Walk) -> Vec<Lock> {
    let mut found = Vec::new();
    git_dir_locks(&Rc::new(git_dir), 0, walk, &mut found);
    found
}

fn git_dir_locks(git_dir: &Rc<Dir>, depth: usize, walk: &mut Walk, found: &mut Vec<Lock>) {
    if !walk.first_visit(git_dir) {
        return; // reached before: a submodule's git dir is also named by its worktree's .git file
    }
    found.extend(TOP_LEVEL_LOCKS.iter().chain([&GC_PID]).filter_map(|name| Lock::new(git_dir, OsStr::new(name))));
    if let Ok(refs) = git_dir.child(OsStr::new("refs")) {
        ref_locks(&Rc::new(refs), depth + 1, walk, found);
    }
    if let Ok(modules) = git_dir.child(OsStr::new("modules")) {
        module_locks(modules, depth + 1, walk, found);
    }
}

fn ref_locks(dir: &Rc<Dir>, depth: usize, walk: &mut Walk, found: &mut Vec<Lock>) {
    if !walk.within_depth(dir, depth) || !walk.first_visit(dir) {
        return;
    }
    for (name, kind) in dir.entries().unwrap_or_default() {
        match kind {
            Kind::Dir => {
                if let Ok(child) = dir.child(&name) {
                    ref_locks(&Rc::new(child), depth + 1, walk, found);
                }
            }
            Kind::File if Path::new(&name).extension().is_some_and(|e| e == "lock") => {
                found.extend(Lock::new(dir, &name));
            }
            _ => {}
        }
    }
}

/// `modules/` holds submodules' git directories, by submodule name (which may hold slashes).
fn module_locks(dir: Dir, depth: usize, walk: &mut Walk, found: &mut Vec<Lock>) {
    if !walk.within_depth(&dir, depth) {
        return;
    }
    if is_git_directory(&dir) {
        return git_dir_locks(&Rc::new(dir), depth, walk, found);
    }
    if !walk.first_visit(&dir) {
        return;
    }
    for (name, kind) in dir.entries().unwrap_or_default() {
        if kind == Kind::Dir {
            if let Ok(child) = dir.child(&name) {
                module_locks(child, depth + 1, walk, found);
            }
        }
    }
}

/// What local processes have open and where git processes work, read once from /proc.
#[derive(Debug, Default)]
pub struct Processes {
    /// Open file -> (pid, command name).
    open: BTreeMap<PathBuf, (u32, String)>,
    /// (pid, cwd) of every git process.
    git_cwds: Vec<(u32, PathBuf)>,
    /// Why some process could not be seen, if so: then no lock is provably stale.
    blind: Option<String>,
}

impl Processes {
    pub fn scan() -> Processes {
        let mut seen = Processes::default();
        let me = std::process::id();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            seen.blind = Some(messages::proc_unreadable());
            return seen;
        };
        let mut unreadable = Vec::new();
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            if pid != me && !seen.read_process(pid, &entry.path()) {
                unreadable.push(pid);
            }
        }
        // SAFETY: geteuid cannot fail.
        let uid = unsafe { libc::geteuid() };
        seen.blind = match unreadable.first() {
            Some(pid) => Some(messages::processes_unreadable(unreadable.len(), *pid, uid)),
            None if uid != 0 && proc_hides_processes() => Some(messages::processes_hidden(uid)),
            None => None,
        };
        seen
    }

    /// Records what process `pid` has open and, for git, where it works; false when /proc would
    /// not say (another user's process, seen by a non-root user). A process that ended is fine.
    fn read_process(&mut self, pid: u32, proc: &Path) -> bool {
        let ended = |e: &std::io::Error| e.kind() == std::io::ErrorKind::NotFound;
        let comm = std::fs::read_to_string(proc.join("comm")).unwrap_or_default().trim().to_string();
        match std::fs::read_dir(proc.join("fd")) {
            Ok(fds) => {
                for fd in fds.flatten() {
                    if let Ok(target) = std::fs::read_link(fd.path()) {
                        self.open.entry(target).or_insert((pid, comm.clone()));
                    }
                }
            }
            Err(e) => return ended(&e),
        }
        if comm.starts_with("git") {
            match std::fs::read_link(proc.join("cwd")) {
                Ok(cwd) => self.git_cwds.push((pid, cwd)),
                Err(e) => return ended(&e),
            }
        }
        true
    }

    fn holder_of(&self, file: &Path) -> Option<&(u32, String)> {
        let canonical = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        self.open.get(&canonical).or_else(|| self.open.get(file))
    }

    /// A git process whose working directory is inside `repo` (its worktree or git dir).
    fn git_working_in(&self, repo: &Path) -> Option<u32> {
        let repo = std::fs::canonicalize(repo).unwrap_or_else(|_| repo.to_path_buf());
        self.git_cwds.iter().find(|(_, cwd)| cwd.starts_with(&repo)).map(|(pid, _)| *pid)
    }
}

/// Whether /proc is mounted with hidepid, which hides other users' processes without a trace.
fn proc_hides_processes() -> bool {
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    mounts.lines().filter(|line| line.split(' ').nth(4) == Some("/proc")).any(|line| {
        let options = line.rsplit(' ').next().unwrap_or_default();
        options.split(',').any(|o| o.strip_prefix("hidepid=").is_some_and(|v| v != "0" && v != "off"))
    })
}

/// What to do with one lock file, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", content = "reason", rename_all = "lowercase")]
pub enum Decision {
    Remove(String),
    Keep(String),
    /// It was to be removed, and could not be (the reason says how to fix it).
    Failed(String),
}

/// Whether `lock` (in the repository whose worktree or bare folder is `repo`) is stale.
pub fn decide(lock: &Lock, repo: &Path, min_age: Duration, processes: &Processes) -> Decision {
    let age = lock.age();
    if lock.name == GC_PID {
        let record = lock.dir.read(&lock.name, SMALL_FILE).unwrap_or_default();
        return gc_pid(&record, age, &hostname(), probe_pid);
    }
    if let Some((pid, comm)) = processes.holder_of(&lock.path) {
        return Decision::Keep(messages::held_open(*pid, comm));
    }
    if let Some(pid) = processes.git_working_in(repo) {
        return Decision::Keep(messages::git_works_here(pid));
    }
    if age < min_age {
        return Decision::Keep(messages::young(age, min_age));
    }
    match &processes.blind {
        Some(why) => Decision::Keep(messages::unprovable(why)),
        None => Decision::Remove(messages::stale(age)),
    }
}

/// What kill(pid, 0) says about a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Liveness {
    Alive,
    Gone,
    /// EPERM: it exists, as another user's process.
    OtherUsers,
}

fn probe_pid(pid: i32) -> Liveness {
    // SAFETY: kill with signal 0 only asks whether the process exists.
    if unsafe { libc::kill(pid, 0) } == 0 {
        return Liveness::Alive;
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::ESRCH) => Liveness::Gone,
        _ => Liveness::OtherUsers,
    }
}

/// git's gc.pid rule on the file's `record` ("<pid> <host>"): stale after 12 hours, or when it
/// names this host and a process that is provably gone.
fn gc_pid(record: &str, age: Duration, here: &str, probe: fn(i32) -> Liveness) -> Decision {
    let mut parts = record.split_whitespace();
    let (pid, host) = (parts.next().and_then(|p| p.parse::<i32>().ok()).filter(|p| *p > 0), parts.next().unwrap_or(""));
    if age > GC_PID_STALE {
        return Decision::Remove(messages::gc_pid_old());
    }
    match pid {
        Some(pid) if host == here => match probe(pid) {
            Liveness::Gone => Decision::Remove(messages::gc_pid_gone(pid)),
            Liveness::OtherUsers => Decision::Keep(messages::gc_pid_other_user(pid)),
            Liveness::Alive => Decision::Keep(messages::gc_pid_live(pid, host)),
        },
        _ => Decision::Keep(messages::gc_pid_live(pid.unwrap_or(0), host)),
    }
}

/// This machine's name, as git writes it into gc.pid.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_validated_as_git_does() {
        for head in ["ref: refs/heads/main\n", "ref:refs/heads/x", &"a".repeat(40), &format!("{}\n", "0".repeat(64))] {
            assert!(is_valid_head(head), "{head}");
        }
        for head in ["", "ref: heads/main", "main", &"g".repeat(40), &"a".repeat(39)] {
            assert!(!is_valid_head(head), "{head}");
        }
    }

    #[test]
    fn a_lock_is_stale_only_when_every_process_was_seen() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("index.lock"), "").unwrap();
        let dir = Rc::new(Dir::open(tmp.path()).unwrap());
        let mut lock = Lock::new(&dir, OsStr::new("index.lock")).unwrap();
        lock.stat.modified = SystemTime::now() - Duration::from_secs(7200);
        let seen_all = Processes::default();
        assert!(matches!(decide(&lock, tmp.path(), Duration::from_secs(60), &seen_all), Decision::Remove(_)));
        let blind = Processes { blind: Some(messages::processes_unreadable(3, 1, 65534)), ..Default::default() };
        let Decision::Keep(why) = decide(&lock, tmp.path(), Duration::from_secs(60), &blind) else { panic!() };
        assert!(why.starts_with("cannot prove stale") && why.contains("uid 65534"), "{why}");
    }

    #[test]
    fn gc_pid_of_another_users_process_is_kept() {
        let minute = Duration::from_secs(60);
        let verdict = |probe| gc_pid("4242 ci-1", minute, "ci-1", probe);
        assert!(matches!(verdict(|_| Liveness::Gone), Decision::Remove(_)));
        assert!(matches!(verdict(|_| Liveness::Alive), Decision::Keep(_)));
        let Decision::Keep(why) = verdict(|_| Liveness::OtherUsers) else { panic!() };
        assert!(why.contains("4242") && why.contains("another user"), "{why}");
        assert!(matches!(gc_pid("4242 other-host", minute, "ci-1", |_| Liveness::Gone), Decision::Keep(_)));
        assert!(matches!(gc_pid("4242 ci-1", GC_PID_STALE * 2, "ci-1", |_| Liveness::Alive), Decision::Remove(_)));
    }
}
