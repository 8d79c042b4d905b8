//! Keeps Jenkins' lightweight-checkout fallback and stale git `*.lock` files from breaking
//! concurrent pipelines:
//!
//! - [`lint`]: the reasons a job's `config.xml` will not get a lightweight checkout (or will fail),
//!   read from a file or from Jenkins ([`jenkins`]);
//! - [`Exec`]: a git command under an exclusive flock beside the repository ([`guard`]), after
//!   removing lock files that are provably stale ([`locks`]);
//! - [`Clean`]: finds git directories under folders and removes their stale lock files, saying why
//!   for each one it removes or keeps.
//!
//! Both walk folders through [`nofollow`]: never through a symlink, never twice, never deeper than
//! [`locks::MAX_DEPTH`].

pub mod form;
pub mod guard;
pub mod jenkins;
pub mod lint;
pub mod locks;
pub mod messages;
pub mod nofollow;
pub mod versions;

use std::ffi::OsString;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use deckhand_common::output::Outcome;
use deckhand_common::{log, process, Error, Result};
use serde::Serialize;

use crate::locks::{Decision, Repository, Walk};
use crate::nofollow::{Dir, Kind};

/// The exit code of `exec` when the guard could not be taken in time.
pub const EXIT_GUARD_TIMEOUT: u8 = 75;

/// One lock file and what was done with it.
#[derive(Debug, Clone, Serialize)]
pub struct LockReport {
    pub path: PathBuf,
    #[serde(flatten)]
    pub decision: Decision,
    /// Set by a dry run: it would have been removed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

impl LockReport {
    pub fn line(&self) -> String {
        match &self.decision {
            Decision::Remove(reason) if self.dry_run => messages::lock_would_remove(&self.path, reason),
            Decision::Remove(reason) => messages::lock_removed(&self.path, reason),
            Decision::Keep(reason) => messages::lock_kept(&self.path, reason),
            Decision::Failed(reason) => messages::lock_not_removed(&self.path, reason),
        }
    }
}

/// Who is sweeping a repository's locks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sweeper {
    /// `exec`, holding the repository's guard: no cooperating writer is mid-operation.
    GuardHolder,
    /// `clean`: a repository whose guard is held by someone else is left alone.
    Outsider { dry_run: bool },
}

/// Decides on, and removes unless a dry run, the lock files of `repo`. A lock that cannot be
/// removed is reported as such, and the sweep goes on.
fn sweep(
    repo: Repository,
    min_age: Duration,
    processes: &locks::Processes,
    by: Sweeper,
    walk: &mut Walk,
) -> Vec<LockReport> {
    let dry_run = by == Sweeper::Outsider { dry_run: true };
    let guarded = if by == Sweeper::GuardHolder { None } else { guard::is_held(&repo.path) };
    let mut reports = Vec::new();
    for lock in locks::lock_files(repo.git_dir, walk) {
        let mut decision = match &guarded {
            Some(holder) => Decision::Keep(messages::guarded(&holder.describe())),
            None => locks::decide(&lock, &repo.path, min_age, processes),
        };
        if matches!(decision, Decision::Remove(_)) && !dry_run {
            if let Err(e) = lock.remove() {
                decision = Decision::Failed(cannot_remove(&lock, &e));
            }
        }
        reports.push(LockReport { path: lock.path, decision, dry_run });
    }
    reports
}

/// Why a stale `lock` could not be removed, and what to do about it.
fn cannot_remove(lock: &locks::Lock, error: &std::io::Error) -> String {
    let text = error.to_string();
    match error.raw_os_error() {
        _ if lock.is_folder() => messages::cannot_remove_folder(&lock.path, &text),
        Some(libc::EACCES | libc::EPERM | libc::EROFS) => {
            messages::cannot_remove_denied(lock.path.parent().unwrap_or(&lock.path), &text)
        }
        _ => messages::cannot_remove(&lock.path, &text),
    }
}

/// `checkout-guard exec`.
pub struct Exec {
    pub dir: PathBuf,
    pub wait: Duration,
    pub stale_after: Duration,
    pub command: Vec<OsString>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Executed {
    pub command: String,
    pub exit_code: u8,
    pub waited_ms: u128,
    pub locks: Vec<LockReport>,
    /// Set when the guard was not free in time.
    pub guard_holder: Option<guard::Holder>,
}

impl Exec {
    pub fn run(&self) -> Result<Executed> {
        let shown = self.command.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ");
        let Some(program) = self.command.first() else { return Err(Error::usage(messages::no_command())) };
        let dir = guard::canonical_dir(&self.dir)?;
        let started = Instant::now();
        let guard = match guard::acquire(&dir, self.wait)? {
            Ok(guard) => guard,
            Err(holder) => {
                let who = holder.as_ref().map_or_else(messages::held_by_unknown, guard::Holder::describe);
                log::error(messages::guard_timeout(&dir, self.wait, &who, EXIT_GUARD_TIMEOUT));
                let waited_ms = started.elapsed().as_millis();
                let exit_code = EXIT_GUARD_TIMEOUT;
                return Ok(Executed { command: shown, exit_code, waited_ms, locks: Vec::new(), guard_holder: holder });
            }
        };
        let waited_ms = started.elapsed().as_millis();
        // Not a repository yet (the first clone): nothing to sweep, and no need to scan processes.
        let locks = match Repository::at(&dir) {
            Some(repo) => {
                let processes = locks::Processes::scan();
                let mut walk = Walk::default();
                let locks = sweep(repo, self.stale_after, &processes, Sweeper::GuardHolder, &mut walk);
                walk.too_deep.iter().for_each(|d| log::warn(messages::too_deep(d, locks::MAX_DEPTH)));
                locks
            }
            None => Vec::new(),
        };
        for report in &locks {
            match &report.decision {
                Decision::Remove(_) => log::warn(report.line()),
                Decision::Keep(_) => log::info(report.line()),
                Decision::Failed(_) => log::error(report.line()),
            }
        }
        // git would only fail on a stale lock that is still there: say why, and what to do, instead.
        if let Some((path, why)) = locks.iter().find_map(|r| match &r.decision {
            Decision::Failed(why) => Some((&r.path, why)),
            _ => None,
        }) {
            return Err(Error::input(messages::locked_out(&shown, path, why)));
        }
        let mut command = std::process::Command::new(program);
        command.args(&self.command[1..]).process_group(0);
        let mut child = command.spawn().map_err(|e| Error::input(messages::cannot_run(&shown, &e.to_string())))?;
        let (status, _) = process::wait_forwarding(&mut child, true)
            .map_err(|e| Error::internal(messages::cannot_run(&shown, &e.to_string())))?;
        drop(guard);
        let exit_code = exit_code_of(status);
        Ok(Executed { command: shown, exit_code, waited_ms, locks, guard_holder: None })
    }
}

/// The command's exit code, or 128 + the signal that ended it (the shell's way). On Unix an exit
/// code is 0..=255 and a signal below 128, so the fallbacks are never taken.
fn exit_code_of(status: std::process::ExitStatus) -> u8 {
    match status.code() {
        Some(code) => u8::try_from(code).unwrap_or(u8::MAX),
        None => u8::try_from(status.signal().unwrap_or(0)).ok().and_then(|s| s.checked_add(128)).unwrap_or(u8::MAX),
    }
}

/// `checkout-guard clean`.
pub struct Clean {
    pub roots: Vec<PathBuf>,
    pub min_age: Duration,
    pub dry_run: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cleaned {
    pub repositories: usize,
    pub locks: Vec<LockReport>,
    pub dry_run: bool,
    /// Folders left unsearched, deeper than [`locks::MAX_DEPTH`] below a root.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_searched: Vec<PathBuf>,
}

impl Clean {
    pub fn run(&self) -> Result<Cleaned> {
        let processes = locks::Processes::scan();
        // The search and the sweeps each walk a folder once: a bare repository is both searched
        // and swept, a submodule's git dir named twice (modules/, its worktree's .git) is swept once.
        let (mut search, mut sweeps) = (Walk::default(), Walk::default());
        let mut repos = Vec::new();
        for root in &self.roots {
            // The root is taken as the caller spells it; below it, nothing is followed.
            let dir = std::fs::canonicalize(root).and_then(|path| Dir::open(&path));
            let dir = dir.map_err(|_| Error::input(messages::not_a_folder(root)))?;
            find_repositories(dir, 0, false, &mut search, &mut repos);
        }
        let repositories = repos.len();
        let by = Sweeper::Outsider { dry_run: self.dry_run };
        let mut reports = Vec::new();
        for repo in repos {
            reports.extend(sweep(repo, self.min_age, &processes, by, &mut sweeps));
        }
        let not_searched = [search.too_deep, sweeps.too_deep].concat();
        Ok(Cleaned { repositories, locks: reports, dry_run: self.dry_run, not_searched })
    }
}

/// Worktrees (a `.git` folder or file) and bare repositories (Jenkins' `caches/git-*`) in `dir`,
/// `depth` folders below a root, each with its git directory. As git's discovery (with
/// safe.bareRepository=explicit) does, a folder that merely looks like a bare repository inside a
/// worktree's content is not one: a checked-out branch cannot plant a repository to sweep. Git
/// directories are not entered (their submodules are found from them), symlinks are never followed,
/// and no folder is searched twice.
fn find_repositories(dir: Dir, depth: usize, in_worktree: bool, walk: &mut Walk, found: &mut Vec<Repository>) {
    if !walk.within_depth(&dir, depth) || !walk.first_visit(&dir) {
        return;
    }
    let in_worktree = match locks::worktree_git_dir(&dir) {
        Some(git_dir) => {
            found.push(Repository { path: dir.path().to_path_buf(), git_dir });
            true
        }
        None if !in_worktree && locks::is_git_directory(&dir) => {
            let path = dir.path().to_path_buf();
            return found.push(Repository { path, git_dir: dir });
        }
        None => in_worktree,
    };
    for (name, kind) in dir.entries().unwrap_or_default() {
        if kind == Kind::Dir && name != ".git" {
            if let Ok(child) = dir.child(&name) {
                find_repositories(child, depth + 1, in_worktree, walk, found);
            }
        }
    }
}

impl Outcome for Executed {
    fn text(&self) -> String {
        String::new() // the wrapped command's own output is what the log shows
    }

    fn summary(&self) -> String {
        messages::exec_summary(&self.command, self.exit_code)
    }

    fn bk_outputs(&self) -> Vec<(&'static str, String)> {
        vec![("guard_exit_code", self.exit_code.to_string())]
    }

    fn exit_code(&self) -> u8 {
        self.exit_code
    }
}

impl Cleaned {
    fn count(&self, is: fn(&Decision) -> bool) -> usize {
        self.locks.iter().filter(|l| is(&l.decision)).count()
    }
}

impl Outcome for Cleaned {
    fn text(&self) -> String {
        let mut lines: Vec<String> = self.locks.iter().map(LockReport::line).collect();
        lines.extend(self.not_searched.iter().map(|d| messages::too_deep(d, locks::MAX_DEPTH)));
        let removed = self.count(|d| matches!(d, Decision::Remove(_)));
        let failed = self.count(|d| matches!(d, Decision::Failed(_)));
        let kept = self.locks.len() - removed - failed;
        lines.push(messages::clean_summary(self.repositories, self.locks.len(), self.dry_run, removed, kept, failed));
        lines.join("\n")
    }

    fn summary(&self) -> String {
        self.text().lines().last().unwrap_or_default().to_string()
    }

    fn bk_outputs(&self) -> Vec<(&'static str, String)> {
        vec![("locks_removed", self.count(|d| matches!(d, Decision::Remove(_))).to_string())]
    }
}

/// `checkout-guard lint`.
pub struct Lint {
    pub files: Vec<PathBuf>,
    pub jenkins: Option<jenkins::Jenkins>,
    pub jobs: Vec<String>,
    pub all: bool,
    pub fetch_versions: bool,
    pub context: lint::Context,
}

#[derive(Debug, Serialize)]
pub struct JobFindings {
    pub job: String,
    pub findings: Vec<lint::Finding>,
}

#[derive(Debug, Serialize)]
pub struct Linted {
    pub jobs: Vec<JobFindings>,
    pub errors: usize,
    pub warnings: usize,
}

impl Lint {
    pub fn run(mut self) -> Result<Linted> {
        let mut sources: Vec<(String, String)> = Vec::new();
        for file in &self.files {
            let text = std::fs::read_to_string(file).map_err(|e| Error::io(&messages::cannot_read(), file, &e))?;
            sources.push((file.display().to_string(), text));
        }
        if let Some(jenkins) = &self.jenkins {
            if self.fetch_versions {
                let fetched = jenkins.plugins()?;
                for (name, version) in fetched {
                    self.context.plugins.entry(name).or_insert(version);
                }
            }
            let jobs = if self.all { jenkins.all_jobs()? } else { self.jobs.clone() };
            for job in jobs {
                sources.push((job.clone(), jenkins.config(&job)?));
            }
        }
        if sources.is_empty() {
            return Err(Error::usage(messages::no_config()));
        }
        let mut jobs = Vec::new();
        for (job, text) in sources {
            let findings =
                lint::lint(&text, &self.context).map_err(|e| Error::input(messages::bad_config(&job, &e)))?;
            jobs.push(JobFindings { job, findings });
        }
        let count = |s| jobs.iter().flat_map(|j| &j.findings).filter(|f| f.severity == s).count();
        let (errors, warnings) = (count(lint::Severity::Error), count(lint::Severity::Warning));
        Ok(Linted { jobs, errors, warnings })
    }
}

impl Outcome for Linted {
    fn text(&self) -> String {
        let mut lines = Vec::new();
        for job in &self.jobs {
            if job.findings.is_empty() {
                lines.push(messages::lint_job_clean(&job.job));
                continue;
            }
            lines.push(messages::lint_job(&job.job));
            for f in &job.findings {
                let error = f.severity == lint::Severity::Error;
                lines.push(format!("  {}", messages::lint_finding(error, f.id, &f.value, &f.message)));
                if !f.fix.is_empty() {
                    lines.push(format!("    {}", messages::lint_fix(&f.fix)));
                }
            }
        }
        lines.push(self.summary());
        lines.join("\n")
    }

    fn summary(&self) -> String {
        messages::lint_summary(self.jobs.len(), self.errors, self.warnings)
    }

    fn bk_outputs(&self) -> Vec<(&'static str, String)> {
        vec![("lint_errors", self.errors.to_string()), ("lint_warnings", self.warnings.to_string())]
    }

    fn exit_code(&self) -> u8 {
        if self.errors > 0 {
            2
        } else if self.warnings > 0 {
            1
        } else {
            0
        }
    }
}
