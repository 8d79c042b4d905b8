//! User-facing messages of checkout-guard: its catalogue (`locales/{en,zh-CN}/checkout-guard.ftl`),
//! and one function per message, over plain values (names, numbers, paths, durations).

use std::path::Path;
use std::time::Duration;

use deckhand_common::i18n::{Catalogue, FluentArgs};
use deckhand_common::tr;

/// checkout-guard's messages in every language.
pub(crate) static CATALOGUE: Catalogue = Catalogue::new(
    include_str!("../locales/en/checkout-guard.ftl"),
    include_str!("../locales/zh-CN/checkout-guard.ftl"),
);

deckhand_common::catalogue_tests!(crate::messages::CATALOGUE);

/// `--help`'s examples and exit codes (its Chinese is `after-help` in `locales/zh-CN/help.ftl`).
pub const EXAMPLES: &str = "Examples:
  checkout-guard lint $JENKINS_HOME/jobs/shop/jobs/web/config.xml
  checkout-guard lint --jenkins-url https://jenkins.example --all --fetch-versions   # JENKINS_USER_ID / JENKINS_API_TOKEN
  checkout-guard exec --dir ws --wait 10m --stale-after 15m -- git -C ws fetch --prune origin
  checkout-guard clean $JENKINS_HOME/workspace $JENKINS_HOME/caches --min-age 1h --dry-run

Exit codes: lint 0 clean, 1 warnings, 2 errors; exec the command's own code, 75 when the guard was not
free in time; all: 64 usage, 65 bad input, 69 server or network, 70 internal, 77 credentials refused,
130 interrupted.";

/// A duration as people read it: to the second, or in milliseconds under a second.
fn span(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        // Under a second, the milliseconds are all in the sub-second part.
        tr!(CATALOGUE, "duration-millis", ms = u64::from(d.subsec_millis()))
    } else {
        deckhand_common::messages::duration(d)
    }
}

// ---- usage and input ----

pub fn no_command() -> String {
    tr!(CATALOGUE, "no-command")
}

pub fn no_config() -> String {
    tr!(CATALOGUE, "no-config")
}

pub fn no_parent(dir: &Path) -> String {
    tr!(CATALOGUE, "no-parent", dir = dir)
}

pub fn not_a_folder(dir: &Path) -> String {
    tr!(CATALOGUE, "not-a-folder", dir = dir)
}

pub fn cannot_run(command: &str, why: &str) -> String {
    tr!(CATALOGUE, "cannot-run", command = command, why = why)
}

/// The `what` of a failed read ([`deckhand_common::Error::io`]): "cannot read".
pub fn cannot_read() -> String {
    tr!(CATALOGUE, "cannot-read")
}

pub fn bad_version_pair(pair: &str) -> String {
    tr!(CATALOGUE, "bad-version-pair", pair = format!("{pair:?}"))
}

// ---- Jenkins ----

pub fn bad_jenkins_url(url: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-jenkins-url", url = format!("{url:?}"), why = why)
}

pub fn jenkins_unreadable(what: &str, why: &str) -> String {
    tr!(CATALOGUE, "jenkins-unreadable", what = what, why = why)
}

pub fn what_job_config(job: &str) -> String {
    tr!(CATALOGUE, "what-job-config", job = job)
}

pub fn what_job_list() -> String {
    tr!(CATALOGUE, "what-job-list")
}

pub fn what_plugin_list() -> String {
    tr!(CATALOGUE, "what-plugin-list")
}

pub fn bad_config(source: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-config", source = source, why = why)
}

pub fn xml_too_deep(limit: usize) -> String {
    tr!(CATALOGUE, "xml-too-deep", limit = limit)
}

// ---- lint ----

/// A lint rule's finding message or fix, by the catalogue id its rule names.
pub fn lint_text(id: &str, args: &FluentArgs) -> String {
    CATALOGUE.text(id, args)
}

pub fn plugin_too_old(name: &str, version: &str, minimum: &str) -> String {
    tr!(CATALOGUE, "plugin-too-old", name = name, version = version, minimum = minimum)
}

pub fn plugin_missing(name: &str, minimum: &str) -> String {
    tr!(CATALOGUE, "plugin-missing", name = name, minimum = minimum)
}

pub fn lint_job_clean(job: &str) -> String {
    tr!(CATALOGUE, "lint-job-clean", job = job)
}

pub fn lint_job(job: &str) -> String {
    tr!(CATALOGUE, "lint-job", job = job)
}

/// One finding's line; `error` says whether it is an error or a warning.
pub fn lint_finding(error: bool, id: &str, value: &str, message: &str) -> String {
    if error {
        tr!(CATALOGUE, "lint-error", id = id, value = value, message = message)
    } else {
        tr!(CATALOGUE, "lint-warning", id = id, value = value, message = message)
    }
}

pub fn lint_fix(fix: &str) -> String {
    tr!(CATALOGUE, "lint-fix", fix = fix)
}

pub fn lint_summary(jobs: usize, errors: usize, warnings: usize) -> String {
    tr!(CATALOGUE, "lint-summary", jobs = jobs, errors = errors, warnings = warnings)
}

// ---- the guard ----

/// Who holds a guard: its pid, host, build (Jenkins' BUILD_TAG, if recorded) and start time.
pub fn held_by(pid: u32, host: &str, build: Option<&str>, started: &str) -> String {
    match build {
        Some(build) => tr!(CATALOGUE, "held-by-build", pid = pid, host = host, build = build, started = started),
        None => tr!(CATALOGUE, "held-by", pid = pid, host = host, started = started),
    }
}

pub fn held_by_unknown() -> String {
    tr!(CATALOGUE, "held-by-unknown")
}

/// `holder` is [`held_by`] or [`held_by_unknown`]; `code` the exit code that follows.
pub fn guard_timeout(dir: &Path, wait: Duration, holder: &str, code: u8) -> String {
    tr!(CATALOGUE, "guard-timeout", dir = dir, wait = span(wait), holder = holder, code = code)
}

/// The `what` of an interruption while waiting ("stopped by SIGTERM while waiting for the guard").
pub fn while_waiting_for_guard() -> String {
    tr!(CATALOGUE, "while-waiting-for-guard")
}

/// The `what` of a failure to open the guard file ([`deckhand_common::Error::io`]).
pub fn cannot_open_guard() -> String {
    tr!(CATALOGUE, "cannot-open-guard")
}

/// `what` is one of the `guard_is_*` phrases.
pub fn guard_not_a_file(path: &Path, what: &str) -> String {
    tr!(CATALOGUE, "guard-not-a-file", path = path, what = what)
}

pub fn guard_is_symlink() -> String {
    tr!(CATALOGUE, "guard-is-symlink")
}

pub fn guard_is_folder() -> String {
    tr!(CATALOGUE, "guard-is-folder")
}

pub fn guard_is_hard_link() -> String {
    tr!(CATALOGUE, "guard-is-hard-link")
}

pub fn guard_is_special() -> String {
    tr!(CATALOGUE, "guard-is-special")
}

pub fn exec_summary(command: &str, code: u8) -> String {
    tr!(CATALOGUE, "exec-summary", command = command, code = code)
}

pub fn locked_out(command: &str, lock: &Path, why: &str) -> String {
    tr!(CATALOGUE, "locked-out", command = command, lock = lock, why = why)
}

// ---- lock decisions: the reasons ----

pub fn guarded(holder: &str) -> String {
    tr!(CATALOGUE, "guarded", holder = holder)
}

pub fn proc_unreadable() -> String {
    tr!(CATALOGUE, "proc-unreadable")
}

pub fn processes_unreadable(count: usize, pid: u32, uid: u32) -> String {
    tr!(CATALOGUE, "processes-unreadable", count = count, pid = pid, uid = uid)
}

pub fn processes_hidden(uid: u32) -> String {
    tr!(CATALOGUE, "processes-hidden", uid = uid)
}

pub fn held_open(pid: u32, comm: &str) -> String {
    tr!(CATALOGUE, "held-open", pid = pid, comm = comm)
}

pub fn git_works_here(pid: u32) -> String {
    tr!(CATALOGUE, "git-works-here", pid = pid)
}

pub fn young(age: Duration, min_age: Duration) -> String {
    tr!(CATALOGUE, "young", age = span(age), min_age = span(min_age))
}

pub fn unprovable(why: &str) -> String {
    tr!(CATALOGUE, "unprovable", why = why)
}

pub fn stale(age: Duration) -> String {
    tr!(CATALOGUE, "stale", age = span(age))
}

pub fn gc_pid_old() -> String {
    tr!(CATALOGUE, "gc-pid-old")
}

pub fn gc_pid_gone(pid: i32) -> String {
    tr!(CATALOGUE, "gc-pid-gone", pid = pid)
}

pub fn gc_pid_other_user(pid: i32) -> String {
    tr!(CATALOGUE, "gc-pid-other-user", pid = pid)
}

pub fn gc_pid_live(pid: i32, host: &str) -> String {
    tr!(CATALOGUE, "gc-pid-live", pid = pid, host = host)
}

/// A lock folder (not git's lock file) that could not be removed.
pub fn cannot_remove_folder(path: &Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-remove-folder", path = path, error = error)
}

/// A lock that could not be removed for lack of permission on its folder `dir`.
pub fn cannot_remove_denied(dir: &Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-remove-denied", dir = dir, error = error)
}

pub fn cannot_remove(path: &Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-remove", path = path, error = error)
}

pub fn too_deep(dir: &Path, limit: usize) -> String {
    tr!(CATALOGUE, "too-deep", dir = dir, limit = limit)
}

// ---- lock decisions: the lines ----

pub fn lock_would_remove(path: &Path, reason: &str) -> String {
    tr!(CATALOGUE, "lock-would-remove", path = path, reason = reason)
}

pub fn lock_removed(path: &Path, reason: &str) -> String {
    tr!(CATALOGUE, "lock-removed", path = path, reason = reason)
}

pub fn lock_kept(path: &Path, reason: &str) -> String {
    tr!(CATALOGUE, "lock-kept", path = path, reason = reason)
}

pub fn lock_not_removed(path: &Path, reason: &str) -> String {
    tr!(CATALOGUE, "lock-not-removed", path = path, reason = reason)
}

pub fn clean_summary(
    repositories: usize,
    locks: usize,
    dry_run: bool,
    removed: usize,
    kept: usize,
    failed: usize,
) -> String {
    if dry_run {
        tr!(
            CATALOGUE,
            "clean-summary-dry-run",
            repositories = repositories,
            locks = locks,
            removed = removed,
            kept = kept
        )
    } else if failed > 0 {
        tr!(
            CATALOGUE,
            "clean-summary-failed",
            repositories = repositories,
            locks = locks,
            removed = removed,
            kept = kept,
            failed = failed
        )
    } else {
        tr!(CATALOGUE, "clean-summary", repositories = repositories, locks = locks, removed = removed, kept = kept)
    }
}

#[cfg(test)]
mod tests {
    use deckhand_common::i18n::{check, Catalogue, FluentArgs, Lang};

    const HELP: &str = include_str!("../locales/zh-CN/help.ftl");

    #[test]
    fn the_chinese_help_parses_and_keeps_the_examples_as_written() {
        let ids = check::messages(HELP).unwrap();
        for id in ["about", "after-help", "lint-about", "lint-arg-jobs", "exec-arg-stale_after", "clean-arg-min_age"] {
            assert!(ids.contains_key(id), "{id}");
        }
        let help = Catalogue::new(HELP, HELP);
        let after = help.text_in(Lang::ZhCn, "after-help", &FluentArgs::new());
        assert!(after.starts_with("示例：\n  checkout-guard lint $JENKINS_HOME/"), "{after}");
        assert!(after.contains("\n\n退出码：lint 0"), "{after}");
    }
}
