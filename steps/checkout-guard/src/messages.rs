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
