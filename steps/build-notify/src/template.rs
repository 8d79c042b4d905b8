//! Build variables in subjects and bodies: `${VAR}`, `${env.VAR}` (Jenkins' spelling) and
//! `${VAR:-default}`, from the environment. An unknown variable stays visible as written and is
//! reported, so a typo shows in the mail instead of vanishing. A secret, by its name or because
//! the run registered its value, is never expanded: it stays as written and is reported by name.
//! Plus the built-in mails (`--template success|failure|unstable|aborted`, Chinese or English)
//! that need no Groovy.

use std::collections::BTreeSet;

use deckhand_common::i18n::Lang;
use deckhand_common::redact;

use crate::messages;

/// Names that say their variable holds a secret (Jenkins credentials bindings, CI tokens).
const SECRET_WORDS: [&str; 5] = ["PASSWORD", "PASSWD", "TOKEN", "SECRET", "CREDENTIAL"];
const SECRET_ENDINGS: [&str; 2] = ["_KEY", "_PASS"];

/// Whether a variable's name marks it as a secret (case-insensitive).
pub fn names_a_secret(name: &str) -> bool {
    let name = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| name.contains(w)) || SECRET_ENDINGS.iter().any(|e| name.ends_with(e))
}

/// `text` with its variables expanded, and the names that were not.
#[derive(Debug, Default)]
pub struct Expansion {
    pub text: String,
    /// Not set (and no default): left as written.
    pub unknown: BTreeSet<String>,
    /// Secrets by name or by value (one the run registered): left as written, never expanded.
    pub withheld: BTreeSet<String>,
}

/// Expands `text` with `lookup`. A secret is never expanded, whatever its default says.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Expansion {
    let mut done = Expansion::default();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        done.text.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            rest = &rest[start..];
            break;
        };
        let placeholder = &rest[start..start + 2 + end + 1];
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((name, default)) => (name, Some(default)),
            None => (inner, None),
        };
        let name = name.trim().strip_prefix("env.").unwrap_or(name.trim());
        rest = &after[end + 1..];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            done.text.push_str(placeholder);
            continue;
        }
        // The name is judged before the value is even read.
        let secret_name = names_a_secret(name);
        let value = if secret_name { None } else { lookup(name).filter(|v| !v.is_empty()) };
        if secret_name || value.as_deref().is_some_and(redact::holds_secret) {
            done.withheld.insert(name.to_string());
            done.text.push_str(placeholder);
        } else if let Some(value) = value.or(default.map(str::to_string)) {
            done.text.push_str(&value);
        } else {
            done.unknown.insert(name.to_string());
            done.text.push_str(placeholder);
        }
    }
    done.text.push_str(rest);
    done
}

/// The build facts a built-in mail shows, from Jenkins' or BK-CI's variables.
#[derive(Debug, Clone, Default)]
pub struct Build {
    pub name: String,
    pub number: String,
    pub url: Option<String>,
    pub duration: Option<String>,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub started_by: Option<String>,
}

impl Build {
    /// The first variable that is set, of each group: Jenkins', BK-CI's, Drone's (`DRONE_*`) and
    /// Woodpecker's (`CI_*`).
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Build {
        let first = |names: &[&str]| names.iter().find_map(|n| lookup(n).filter(|v| !v.trim().is_empty()));
        let duration = first(&["BUILD_DURATION"]).or_else(|| {
            // BK-CI gives the start in epoch milliseconds.
            let start: u64 = first(&["BK_CI_BUILD_START_TIME"])?.parse().ok()?;
            let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?;
            let now = u64::try_from(since_epoch.as_millis()).ok()?;
            let seconds = now.checked_sub(start)? / 1000;
            Some(deckhand_common::messages::duration(std::time::Duration::from_secs(seconds)))
        });
        Build {
            name: first(&["JOB_NAME", "BK_CI_PIPELINE_NAME", "DRONE_REPO", "CI_REPO"]).unwrap_or_else(|| "?".into()),
            number: first(&["BUILD_NUMBER", "BK_CI_BUILD_NUM", "DRONE_BUILD_NUMBER", "CI_PIPELINE_NUMBER"])
                .unwrap_or_else(|| "?".into()),
            url: first(&["BUILD_URL", "RUN_DISPLAY_URL", "BK_CI_BUILD_URL", "DRONE_BUILD_LINK", "CI_PIPELINE_URL"]),
            duration,
            commit: first(&["GIT_COMMIT", "BK_CI_GIT_REPO_HEAD_COMMIT_ID", "DRONE_COMMIT_SHA", "CI_COMMIT_SHA"]),
            branch: first(&[
                "GIT_BRANCH",
                "BRANCH_NAME",
                "BK_CI_GIT_REPO_BRANCH",
                "DRONE_COMMIT_BRANCH",
                "CI_COMMIT_BRANCH",
            ]),
            started_by: first(&["BUILD_USER", "BK_CI_START_USER_NAME", "DRONE_COMMIT_AUTHOR", "CI_COMMIT_AUTHOR"]),
        }
    }
}

/// The built-in mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Template {
    Success,
    Failure,
    Unstable,
    Aborted,
}

/// A rendered built-in mail.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Template {
    /// The status a mail names, as the catalogue selects on it.
    fn status(self) -> &'static str {
        match self {
            Template::Success => "success",
            Template::Failure => "failure",
            Template::Unstable => "unstable",
            Template::Aborted => "aborted",
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Template::Success => "#2e7d32",
            Template::Failure => "#c62828",
            Template::Unstable => "#ef6c00",
            Template::Aborted => "#616161",
        }
    }
}

/// The rows of a built-in mail, in order: the index of the status and of the URL rows.
const STATUS_ROW: usize = 2;
const URL_ROW: usize = 3;

/// Renders a built-in mail for `build`, in `lang` (the run's language).
pub fn render(template: Template, lang: Lang, build: &Build) -> Rendered {
    let colour = template.colour();
    let status = messages::mail_status(lang, template.status());
    let subject = messages::mail_subject(lang, &status, &build.name, &build.number);
    let values = [
        Some(build.name.clone()),
        Some(format!("#{}", build.number)),
        Some(status.clone()),
        build.url.clone(),
        build.duration.clone(),
        build.commit.clone(),
        build.branch.clone(),
        build.started_by.clone(),
    ];
    let rows: Vec<(usize, String, String)> = messages::mail_labels(lang)
        .into_iter()
        .zip(values)
        .enumerate()
        .filter_map(|(row, (label, value))| Some((row, label, value?)))
        .collect();
    let text = rows.iter().map(|(_, label, value)| format!("{label}: {value}\n")).collect::<String>();
    let mut html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">\
         <h2 style=\"color:{colour}\">{}</h2><table cellpadding=\"4\" style=\"border-collapse:collapse\">",
        escape(&subject)
    );
    for (row, label, value) in &rows {
        let shown = match *row {
            URL_ROW => format!("<a href=\"{0}\">{0}</a>", escape(value)),
            STATUS_ROW => format!("<b style=\"color:{colour}\">{}</b>", escape(value)),
            _ => escape(value),
        };
        html.push_str(&format!("<tr><th align=\"left\">{}</th><td>{shown}</td></tr>", escape(label)));
    }
    html.push_str("</table></body></html>\n");
    Rendered { subject, text, html }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(name: &str) -> Option<String> {
        match name {
            "JOB_NAME" => Some("shop/web".into()),
            "BUILD_NUMBER" => Some("42".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn variables_expand_and_unknown_ones_stay_visible() {
        let done = expand("${JOB_NAME} #${env.BUILD_NUMBER} ${NOPE} ${EMPTY:-none} ${X:-y} $PLAIN ${", &vars);
        assert_eq!(done.text, "shop/web #42 ${NOPE} none y $PLAIN ${");
        assert_eq!(done.unknown.into_iter().collect::<Vec<_>>(), ["NOPE"]);
        assert!(done.withheld.is_empty());
    }

    #[test]
    fn secrets_are_never_expanded() {
        redact::register("registered-canary-9f");
        let lookup = |name: &str| match name {
            "HARMLESS" => Some("registered-canary-9f".to_string()),
            _ => Some("value-of-a-secret".to_string()),
        };
        let text = "${SMTP_PASSWORD} ${env.github_token:-x} ${AWS_SECRET_ACCESS_KEY} ${DB_PASSWD} ${GIT_CREDENTIALS} \
${SIGNING_KEY} ${NEXUS_PASS} ${HARMLESS} ${JOB_NAME}";
        let done = expand(text, &lookup);
        assert_eq!(done.text, text.replace("${JOB_NAME}", "value-of-a-secret"));
        let withheld: Vec<_> = done.withheld.into_iter().collect();
        let expected = [
            "AWS_SECRET_ACCESS_KEY",
            "DB_PASSWD",
            "GIT_CREDENTIALS",
            "HARMLESS",
            "NEXUS_PASS",
            "SIGNING_KEY",
            "SMTP_PASSWORD",
            "github_token",
        ];
        assert_eq!(withheld, expected);
        assert!(!names_a_secret("KEYCLOAK_URL") && !names_a_secret("MONKEY") && !names_a_secret("PWD"));
    }

    #[test]
    fn builtin_mail_in_chinese() {
        let build = Build::from_lookup(&vars);
        let mail = render(Template::Failure, Lang::ZhCn, &build);
        assert_eq!(mail.subject, "构建失败: shop/web #42");
        assert_eq!(mail.text, "项目名称: shop/web\n构建编号: #42\n构建状态: 失败\n");
        assert!(mail.html.contains("<th align=\"left\">构建状态</th><td><b style=\"color:#c62828\">失败</b></td>"));
        let mail = render(Template::Success, Lang::En, &build);
        assert_eq!(mail.subject, "SUCCESS: shop/web #42");
        assert_eq!(mail.text, "Project: shop/web\nBuild: #42\nStatus: SUCCESS\n");
    }

    #[test]
    fn drone_and_woodpecker_builds_are_named_too() {
        let drone = |name: &str| match name {
            "DRONE_REPO" => Some("shop/web".to_string()),
            "DRONE_BUILD_NUMBER" => Some("7".to_string()),
            "DRONE_BUILD_LINK" => Some("https://drone.example/shop/web/7".to_string()),
            _ => None,
        };
        let build = Build::from_lookup(&drone);
        assert_eq!((build.name.as_str(), build.number.as_str()), ("shop/web", "7"));
        assert_eq!(build.url.as_deref(), Some("https://drone.example/shop/web/7"));
        let woodpecker = |name: &str| match name {
            "CI_REPO" => Some("shop/api".to_string()),
            "CI_PIPELINE_NUMBER" => Some("12".to_string()),
            "CI_COMMIT_BRANCH" => Some("main".to_string()),
            _ => None,
        };
        let build = Build::from_lookup(&woodpecker);
        assert_eq!((build.name.as_str(), build.number.as_str()), ("shop/api", "12"));
        assert_eq!(build.branch.as_deref(), Some("main"));
    }
}
