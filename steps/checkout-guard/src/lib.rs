//! Keeps Jenkins' lightweight-checkout fallback and stale git `*.lock` files from breaking
//! concurrent pipelines:
//!
//! - [`lint`]: the reasons a job's `config.xml` will not get a lightweight checkout (or will fail),
//!   read from a file or from Jenkins ([`jenkins`]);
//! - [`Exec`]: a git command under an exclusive flock beside the repository ([`guard`]), after
//!   removing lock files that are provably stale ([`locks`]);
//! - [`Clean`]: finds git directories under folders and removes their stale lock files, saying why
//!   for each one it removes or keeps.

pub mod guard;
pub mod jenkins;
pub mod lint;
pub mod locks;
pub mod messages;
pub mod versions;

use std::ffi::OsString;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use deckhand_common::output::Outcome;
use deckhand_common::{log, process, Error, Result};
use serde::Serialize;

use crate::locks::Decision;

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
        let (action, reason) = match &self.decision {
            Decision::Remove(reason) if self.dry_run => ("would remove", reason),
            Decision::Remove(reason) => ("removed", reason),
            Decision::Keep(reason) => ("kept", reason),
        };
        format!("{action} {}: {reason}", self.path.display())
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

/// Decides on, and removes unless a dry run, the lock files in `git_dir`, the git directory of the
/// repository `repo` (its worktree, or a bare folder).
fn sweep(
    repo: &Path,
    git_dir: &Path,
    min_age: Duration,
    processes: &locks::Processes,
    by: Sweeper,
) -> Result<Vec<LockReport>> {
    let dry_run = by == Sweeper::Outsider { dry_run: true };
    let guarded = if by == Sweeper::GuardHolder { None } else { guard::is_held(repo) };
    let mut reports = Vec::new();
    for lock in locks::lock_files(git_dir) {
        let decision = match &guarded {
            Some(holder) => Decision::Keep(messages::guarded(holder)),
            None => locks::decide(&lock, repo, min_age, processes),
        };
        if matches!(decision, Decision::Remove(_)) && !dry_run {
            std::fs::remove_file(&lock).map_err(|e| Error::io("cannot remove the lock file", &lock, e))?;
        }
        reports.push(LockReport { path: lock, decision, dry_run });
    }
    Ok(reports)
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
        let Some(program) = self.command.first() else { return Err(Error::usage(messages::NO_COMMAND)) };
        let parent = self.dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(Error::input(messages::no_parent(&self.dir)));
        }
        let started = Instant::now();
        let guard = match guard::acquire(&self.dir, self.wait)? {
            Ok(guard) => guard,
            Err(holder) => {
                log::error(messages::guard_timeout(&self.dir, self.wait, holder.as_ref()));
                let waited_ms = started.elapsed().as_millis();
                let exit_code = EXIT_GUARD_TIMEOUT;
                return Ok(Executed { command: shown, exit_code, waited_ms, locks: Vec::new(), guard_holder: holder });
            }
        };
        let waited_ms = started.elapsed().as_millis();
        // Not a repository yet (the first clone): nothing to sweep, and no need to scan processes.
        let locks = match locks::git_dir(&self.dir) {
            Some(git_dir) => {
                sweep(&self.dir, &git_dir, self.stale_after, &locks::Processes::scan(), Sweeper::GuardHolder)?
            }
            None => Vec::new(),
        };
        for report in &locks {
            match report.decision {
                Decision::Remove(_) => log::warn(report.line()),
                Decision::Keep(_) => log::info(report.line()),
            }
        }
        let mut command = std::process::Command::new(program);
        command.args(&self.command[1..]).process_group(0);
        let mut child = command.spawn().map_err(|e| Error::input(messages::cannot_run(&shown, &e.to_string())))?;
        let (status, _) = process::wait_forwarding(&mut child, true)
            .map_err(|e| Error::internal(messages::cannot_run(&shown, &e.to_string())))?;
        drop(guard);
        let exit_code = status.code().map(|c| c as u8).unwrap_or_else(|| 128 + status.signal().unwrap_or(0) as u8);
        Ok(Executed { command: shown, exit_code, waited_ms, locks, guard_holder: None })
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
}

impl Clean {
    pub fn run(&self) -> Result<Cleaned> {
        let processes = locks::Processes::scan();
        let mut repos = Vec::new();
        for root in &self.roots {
            if !root.is_dir() {
                return Err(Error::input(messages::not_a_folder(root)));
            }
            find_repositories(root, &mut repos);
        }
        let mut reports = Vec::new();
        let by = Sweeper::Outsider { dry_run: self.dry_run };
        for (repo, git_dir) in &repos {
            reports.extend(sweep(repo, git_dir, self.min_age, &processes, by)?);
        }
        Ok(Cleaned { repositories: repos.len(), locks: reports, dry_run: self.dry_run })
    }
}

/// Worktrees (a `.git` folder or file) and bare repositories (Jenkins' `caches/git-*`) under
/// `dir`, each with its git directory; git directories themselves are not entered (their
/// submodules are found from them).
fn find_repositories(dir: &Path, found: &mut Vec<(PathBuf, PathBuf)>) {
    if let Some(git_dir) = locks::git_dir(dir) {
        found.push((dir.to_path_buf(), git_dir));
    }
    if locks::is_git_dir(dir) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut children: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && e.file_name() != ".git")
        .map(|e| e.path())
        .collect();
    children.sort();
    for child in children {
        find_repositories(&child, found);
    }
}

impl Outcome for Executed {
    fn text(&self) -> String {
        String::new() // the wrapped command's own output is what the log shows
    }

    fn summary(&self) -> String {
        format!("{} exited {}", self.command, self.exit_code)
    }

    fn bk_outputs(&self) -> Vec<(&'static str, String)> {
        vec![("guard_exit_code", self.exit_code.to_string())]
    }

    fn exit_code(&self) -> u8 {
        self.exit_code
    }
}

impl Outcome for Cleaned {
    fn text(&self) -> String {
        let mut lines: Vec<String> = self.locks.iter().map(LockReport::line).collect();
        let removed = self.locks.iter().filter(|l| matches!(l.decision, Decision::Remove(_))).count();
        let verb = if self.dry_run { "would remove" } else { "removed" };
        lines.push(format!(
            "{} repositories, {} lock files: {verb} {removed}, kept {}",
            self.repositories,
            self.locks.len(),
            self.locks.len() - removed
        ));
        lines.join("\n")
    }

    fn summary(&self) -> String {
        self.text().lines().last().unwrap_or_default().to_string()
    }

    fn bk_outputs(&self) -> Vec<(&'static str, String)> {
        let removed = self.locks.iter().filter(|l| matches!(l.decision, Decision::Remove(_))).count();
        vec![("locks_removed", removed.to_string())]
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
            let text = std::fs::read_to_string(file).map_err(|e| Error::io("cannot read", file, e))?;
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
            return Err(Error::usage(messages::NO_CONFIG));
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
                lines.push(format!("{}: lightweight checkout applies", job.job));
                continue;
            }
            lines.push(format!("{}:", job.job));
            for f in &job.findings {
                let severity = if f.severity == lint::Severity::Error { "error" } else { "warning" };
                lines.push(format!("  {severity} [{}] {}: {}", f.id, f.value, f.message));
                if !f.fix.is_empty() {
                    lines.push(format!("    fix: {}", f.fix));
                }
            }
        }
        lines.push(self.summary());
        lines.join("\n")
    }

    fn summary(&self) -> String {
        format!("{} job(s): {} error(s), {} warning(s)", self.jobs.len(), self.errors, self.warnings)
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
