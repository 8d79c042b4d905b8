# Messages of checkout-guard, English.

## Durations under a second (longer ones are deckhand-common's)
duration-millis = { $ms }ms

## Usage and input
no-command = no command: give it after --, e.g. checkout-guard exec --dir ws -- git -C ws fetch
no-config = nothing to lint: give config.xml files, or --jenkins-url with --job or --all
no-parent = the folder that holds { $dir } does not exist
not-a-folder = { $dir } is not a folder
cannot-run = cannot run { $command }: { $why }
cannot-read = cannot read
bad-version-pair = --versions { $pair }: use plugin=version pairs, e.g. git=5.2.1,workflow-cps=3894.v1

## Jenkins
bad-jenkins-url = --jenkins-url { $url } is not a URL: { $why }
jenkins-unreadable = { $what } from Jenkins cannot be read: { $why }
what-job-config = the config of job { $job }
what-job-list = the job list
what-plugin-list = the plugin list
bad-config = { $source } is not a readable config.xml: { $why }
xml-too-deep = its elements nest deeper than { $limit } levels (a job's config.xml nests about 10)

## Lint: the report
lint-job-clean = { $job }: lightweight checkout applies
lint-job = { $job }:
lint-error = error [{ $id }] { $value }: { $message }
lint-warning = warning [{ $id }] { $value }: { $message }
lint-fix = fix: { $fix }
lint-summary = { $jobs ->
        [one] 1 job
       *[other] { $jobs } jobs
    }: { $errors ->
        [one] 1 error
       *[other] { $errors } errors
    }, { $warnings ->
        [one] 1 warning
       *[other] { $warnings } warnings
    }

## Lint: the rules' findings and fixes (ids as in lint::RULES)
lint-multibranch-heavyweight = the controller forces every multibranch Jenkinsfile checkout to be heavyweight
fix-multibranch-heavyweight = remove -Dorg.jenkinsci.plugins.workflow.multibranch.SCMBinder.USE_HEAVYWEIGHT_CHECKOUT=true from the controller
lint-not-git = the SCM is { $class }, not git; these rules are git's
lint-multiple-repositories = { $count ->
        [one] 1 repository is configured
       *[other] { $count } repositories are configured
    }; lightweight checkout needs exactly one
fix-multiple-repositories = keep one repository in the job; check out others inside the Jenkinsfile
lint-multiple-branches = { $count ->
        [one] 1 branch specifier is configured
       *[other] { $count } branch specifiers are configured
    }; lightweight checkout needs exactly one
fix-multiple-branches = keep one branch specifier, e.g. */main
lint-url-variable = a `$` in the repository URL is never expanded for the Jenkinsfile checkout: the build fails
fix-url-variable = write the URL literally (parameters cannot choose the repository of the Jenkinsfile)
lint-branch-falls-back = the branch specifier { $branch } is not a form lightweight checkout supports
fix-branch-falls-back = use `main`, `*/main`, `*/release/1.x`, `refs/heads/<branch>` or `refs/tags/<tag>` (not origin/..., no wildcards)
lint-branch-glob-fails = { $branch } passes the lightweight check, then is fetched as a literal ref: the build fails
fix-branch-glob-fails = name one branch: `*/main` or `refs/heads/main` (globs and :regex work only in a full checkout)
lint-branch-variable-unverified = a `$` in the branch is expanded only by git >= { $git }, scm-api >= { $scm_api } and workflow-cps >= { $workflow_cps }; the plugin versions are unknown
fix-branch-variable-unverified = pass --fetch-versions (or --versions git=...,scm-api=...,workflow-cps=...) to check
lint-branch-variable-old-plugins = the branch's `$` will be fetched literally: { $plugins }
fix-branch-variable-old-plugins = upgrade those plugins, or write the branch literally
plugin-too-old = { $name } { $version } (needs { $minimum })
plugin-missing = { $name } missing (needs { $minimum })
lint-lightweight-missing = the job has no <lightweight> element, which means false: always a full checkout into @script
lint-lightweight-false = lightweight checkout is switched off: always a full checkout into @script
fix-lightweight = set <lightweight>true</lightweight> (the job page's "Lightweight checkout" box)
lint-heavy-fallback-extensions = these extensions make the full checkout of the Jenkinsfile heavier (they do not affect lightweight)
fix-heavy-fallback-extensions = move them into checkout([...]) in the Jenkinsfile; the script checkout needs none
lint-old-workflow-cps-script-dir = workflow-cps { $version } checks out into a flat <job>@script shared by every SCM (before { $minimum })
fix-old-workflow-cps-script-dir = upgrade workflow-cps
lint-concurrent-builds-allowed = concurrent builds may share the @script checkout while it falls back; a killed git leaves index.lock
fix-concurrent-builds-allowed = add disableConcurrentBuilds() (or the job's "Do not allow concurrent builds"), and run git through checkout-guard exec

## The guard
held-by = held by pid { $pid } on { $host } since { $started }
held-by-build = held by pid { $pid } on { $host } ({ $build }) since { $started }
held-by-unknown = held by another process
guard-timeout = the guard of { $dir } was not free within { $wait }: { $holder }; exit { $code }
while-waiting-for-guard = while waiting for the guard
cannot-open-guard = cannot open the guard file
guard-not-a-file = the guard file { $path } is { $what }, not a regular file of its own (checkout-guard never creates one): find what put it there, remove it, and run again
guard-is-symlink = a symlink
guard-is-folder = a folder
guard-is-hard-link = a hard link to another file
guard-is-special = a FIFO, socket or device
exec-summary = { $command } exited { $code }
locked-out = not running { $command }: { $lock } blocks git: { $why }

## Lock decisions: why a lock is removed or kept
guarded = guarded: a checkout-guard exec is running on this repository ({ $holder })
proc-unreadable = /proc cannot be read, so no process can be seen
processes-unreadable = { $count ->
        [one] /proc of 1 process (pid { $pid }) cannot be read as uid { $uid }, so it may hold it
       *[other] /proc of { $count } processes (e.g. pid { $pid }) cannot be read as uid { $uid }, so one of them may hold it
    }
processes-hidden = /proc is mounted with hidepid, so uid { $uid } cannot see other users' processes
held-open = live: process { $pid } ({ $comm }) has it open
git-works-here = live: git process { $pid } works in this repository
young = young: { $age } old, under { $min_age }
unprovable = cannot prove stale: { $why }; run as root (or as the user of every git process) to remove it
stale = stale: { $age } old, no process holds it or works in the repository
gc-pid-old = stale: gc.pid older than 12 hours (git's rule)
gc-pid-gone = stale: gc.pid names process { $pid } on this host, which is gone (git's rule)
gc-pid-other-user = live: gc.pid names process { $pid } on this host, which exists as another user's process (kill: EPERM)
gc-pid-live = live: gc.pid of process { $pid } on { $host } (git's rule: kept for 12 hours)
cannot-remove-folder = cannot remove it: { $error }; it is a folder, not git's lock file: look at it, then remove it by hand (rm -r { $path })
cannot-remove-denied = cannot remove it: { $error }; run as the owner of { $dir } (or root), or remove it by hand
cannot-remove = cannot remove it: { $error }; remove it by hand (rm { $path }) once no git works in the repository
too-deep = not searched: { $dir } is more than { $limit } folders down; give it as a ROOT of its own to clean it

## Lock decisions: the lines, and the summary of clean
lock-would-remove = would remove { $path }: { $reason }
lock-removed = removed { $path }: { $reason }
lock-kept = kept { $path }: { $reason }
lock-not-removed = not removed { $path }: { $reason }
clean-summary = { $repositories ->
        [one] 1 repository
       *[other] { $repositories } repositories
    }, { $locks ->
        [one] 1 lock file
       *[other] { $locks } lock files
    }: removed { $removed }, kept { $kept }
clean-summary-dry-run = { $repositories ->
        [one] 1 repository
       *[other] { $repositories } repositories
    }, { $locks ->
        [one] 1 lock file
       *[other] { $locks } lock files
    }: would remove { $removed }, kept { $kept }
clean-summary-failed = { $repositories ->
        [one] 1 repository
       *[other] { $repositories } repositories
    }, { $locks ->
        [one] 1 lock file
       *[other] { $locks } lock files
    }: removed { $removed }, kept { $kept }, could not remove { $failed }
