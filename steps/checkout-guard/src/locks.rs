//! Git lock files and who holds them. A `<file>.lock` is created with O_EXCL and holds no PID, so
//! a lock is removed only when it is provably stale: older than a threshold, not open in any local
//! process, no git process working in that repository, and no guarded operation running on it.
//! `gc.pid` follows git's own rule (12 hours, or this host and a dead PID).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;

/// The lock files git leaves behind when killed, by name, in a git directory.
const TOP_LEVEL_LOCKS: [&str; 6] =
    ["index.lock", "shallow.lock", "HEAD.lock", "config.lock", "packed-refs.lock", "ORIG_HEAD.lock"];
/// git's gc.pid rule.
const GC_PID_STALE: Duration = Duration::from_secs(12 * 3600);

/// The git directory of `path`: `path/.git` (a folder, or a file `gitdir: ...`), or `path` itself
/// when it is one (a bare repository, or a `.git` folder).
pub fn git_dir(path: &Path) -> Option<PathBuf> {
    let dot_git = path.join(".git");
    if dot_git.is_dir() {
        return Some(dot_git);
    }
    if dot_git.is_file() {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let target = text.trim().strip_prefix("gitdir:")?.trim();
        let target = Path::new(target);
        return Some(if target.is_absolute() { target.to_path_buf() } else { path.join(target) });
    }
    is_git_dir(path).then(|| path.to_path_buf())
}

/// A folder with HEAD, objects/ and refs/ (or a worktree's gitdir with HEAD and commondir).
pub fn is_git_dir(path: &Path) -> bool {
    path.join("HEAD").is_file()
        && ((path.join("objects").is_dir() && path.join("refs").is_dir()) || path.join("commondir").is_file())
}

/// Every lock file in `git_dir`, its `refs/**` and its submodules' git dirs (`modules/**`).
pub fn lock_files(git_dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = TOP_LEVEL_LOCKS
        .iter()
        .map(|name| git_dir.join(name))
        .chain([git_dir.join("gc.pid")])
        .filter(|p| p.exists())
        .collect();
    walk(&git_dir.join("refs"), &mut |p| {
        if p.extension().is_some_and(|e| e == "lock") {
            found.push(p.to_path_buf());
        }
    });
    let mut modules = Vec::new();
    walk_dirs(&git_dir.join("modules"), &mut |d| {
        if is_git_dir(d) {
            modules.push(d.to_path_buf());
        }
    });
    for module in modules {
        for lock in lock_files(&module) {
            if !found.contains(&lock) {
                found.push(lock);
            }
        }
    }
    found
}

fn walk(dir: &Path, visit: &mut dyn FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, visit),
            Ok(t) if t.is_file() => visit(&path),
            _ => {}
        }
    }
}

fn walk_dirs(dir: &Path, visit: &mut dyn FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            let path = entry.path();
            visit(&path);
            if path.file_name().is_some_and(|n| n != "objects") {
                walk_dirs(&path, visit);
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
}

impl Processes {
    pub fn scan() -> Processes {
        let mut seen = Processes::default();
        let me = std::process::id();
        let Ok(entries) = std::fs::read_dir("/proc") else { return seen };
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            if pid == me {
                continue;
            }
            let proc = entry.path();
            let comm = std::fs::read_to_string(proc.join("comm")).unwrap_or_default().trim().to_string();
            if let Ok(fds) = std::fs::read_dir(proc.join("fd")) {
                for fd in fds.flatten() {
                    if let Ok(target) = std::fs::read_link(fd.path()) {
                        seen.open.entry(target).or_insert((pid, comm.clone()));
                    }
                }
            }
            if comm.starts_with("git") {
                if let Ok(cwd) = std::fs::read_link(proc.join("cwd")) {
                    seen.git_cwds.push((pid, cwd));
                }
            }
        }
        seen
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

/// What to do with one lock file, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", content = "reason", rename_all = "lowercase")]
pub enum Decision {
    Remove(String),
    Keep(String),
}

/// Whether `lock` (in the repository whose worktree or bare folder is `repo`) is stale.
pub fn decide(lock: &Path, repo: &Path, min_age: Duration, processes: &Processes) -> Decision {
    let age = std::fs::metadata(lock)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .unwrap_or_default();
    let age_text = humantime::format_duration(Duration::from_secs(age.as_secs()));
    if lock.file_name().is_some_and(|n| n == "gc.pid") {
        return gc_pid(lock, age);
    }
    if let Some((pid, comm)) = processes.holder_of(lock) {
        return Decision::Keep(format!("live: process {pid} ({comm}) has it open"));
    }
    if let Some(pid) = processes.git_working_in(repo) {
        return Decision::Keep(format!("live: git process {pid} works in this repository"));
    }
    if age < min_age {
        return Decision::Keep(format!("young: {age_text} old, under {}", humantime::format_duration(min_age)));
    }
    Decision::Remove(format!("stale: {age_text} old, no process holds it or works in the repository"))
}

fn gc_pid(path: &Path, age: Duration) -> Decision {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut parts = text.split_whitespace();
    let (pid, host) = (parts.next().and_then(|p| p.parse::<i32>().ok()), parts.next().unwrap_or(""));
    if age > GC_PID_STALE {
        return Decision::Remove("stale: gc.pid older than 12 hours (git's rule)".into());
    }
    let here = hostname();
    match pid {
        // SAFETY: kill with signal 0 only asks whether the process exists.
        Some(pid) if host == here && unsafe { libc::kill(pid, 0) } != 0 => {
            Decision::Remove(format!("stale: gc.pid names process {pid} on this host, which is gone (git's rule)"))
        }
        _ => Decision::Keep(format!(
            "live: gc.pid of process {} on {host} (git's rule: kept for 12 hours)",
            pid.unwrap_or(0)
        )),
    }
}

/// This machine's name, as git writes it into gc.pid.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim().to_string()
}
