//! Reads a Jenkins job's `config.xml` and reports every reason the job will not get a lightweight
//! checkout of its Jenkinsfile (so it falls back to a full checkout into `<job>@script`, where
//! stale git locks break later builds), or will fail outright. The rules are git-plugin's
//! `GitSCMFileSystem.BuilderImpl.supports` and what the plugins do with `$` and globs.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::versions::at_least;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Works, but without a lightweight checkout (slow, and exposed to stale locks).
    Warning,
    /// The build will fail.
    Error,
}

/// One reason, with a stable id.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub severity: Severity,
    /// The offending value from the config.
    pub value: String,
    pub message: String,
    pub fix: String,
}

/// What the lint knows besides the config.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Plugin short name -> version (`git`, `scm-api`, `workflow-cps`), when known.
    pub plugins: BTreeMap<String, String>,
    /// The controller runs with SCMBinder.USE_HEAVYWEIGHT_CHECKOUT=true.
    pub multibranch_heavyweight: bool,
}

/// Versions from which a `$` in the branch is expanded by the lightweight checkout.
const BRANCH_VARIABLE_MINIMUMS: [(&str, &str); 3] =
    [("git", "4.14.0"), ("scm-api", "621.vda_a_b_055e58f7"), ("workflow-cps", "3601.v9b_36a_d99e1cc")];
/// From this workflow-cps on, the fallback checks out into a per-SCM folder under `@script`.
const PER_SCM_SCRIPT_DIR: &str = "2656.vf7a_e7b_75a_457";

/// What a branch spec does to the lightweight check.
#[derive(Debug, PartialEq, Eq)]
pub enum BranchForm {
    Lightweight,
    FallsBack,
    /// Passes the check, then fetches a literal glob or regex: the build fails.
    Fails,
}

pub fn branch_form(spec: &str) -> BranchForm {
    let spec = spec.trim();
    if spec == "*" {
        return BranchForm::FallsBack;
    }
    let literal_ok = |s: &str| !s.contains('*') && !s.starts_with(':');
    if let Some(rest) = spec.strip_prefix("refs/heads/").or_else(|| spec.strip_prefix("refs/tags/")) {
        return if literal_ok(rest) { BranchForm::Lightweight } else { BranchForm::Fails };
    }
    if !spec.contains('/') {
        return if literal_ok(spec) { BranchForm::Lightweight } else { BranchForm::Fails };
    }
    if let Some(rest) = spec.strip_prefix("*/") {
        if rest.split('/').all(|seg| !seg.is_empty() && !seg.contains('*')) {
            return BranchForm::Lightweight;
        }
    }
    BranchForm::FallsBack
}

fn texts<'a>(node: roxmltree::Node<'a, 'a>, tag: &str) -> Vec<String> {
    node.descendants().filter(|n| n.has_tag_name(tag)).map(|n| n.text().unwrap_or("").trim().to_string()).collect()
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, tag: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|n| n.has_tag_name(tag))
}

/// How deep elements may nest; Jenkins writes about 10 levels.
pub const MAX_NESTING: usize = 256;

/// Whether elements in `xml` nest deeper than `limit`, by a scan that keeps no stack: roxmltree
/// parses nested elements recursively (and has no depth limit), so a hostile document would
/// overflow the stack before it could be refused. Malformed input is left to the parser.
fn nests_deeper_than(xml: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    let mut rest = xml;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let (end, opens, closes) = if rest.starts_with("<!--") {
            (rest.find("-->"), false, false)
        } else if rest.starts_with("<![CDATA[") {
            (rest.find("]]>"), false, false)
        } else if rest.starts_with("<?") {
            (rest.find("?>"), false, false)
        } else if rest.starts_with("</") {
            (rest.find('>'), false, true)
        } else if rest.starts_with("<!") {
            (rest.find('>'), false, false)
        } else {
            let end = start_tag_end(rest);
            (end, end.is_some_and(|e| !rest[..e].ends_with('/')), false)
        };
        let Some(end) = end else { return false };
        if opens {
            depth += 1;
            if depth > limit {
                return true;
            }
        }
        if closes {
            depth = depth.saturating_sub(1);
        }
        rest = &rest[end + 1..];
    }
    false
}

/// The `>` that ends the start tag at the beginning of `tag` (a `>` in a quoted attribute does not).
fn start_tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in tag.bytes().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Lints one `config.xml`.
pub fn lint(config_xml: &str, context: &Context) -> Result<Vec<Finding>, String> {
    if nests_deeper_than(config_xml, MAX_NESTING) {
        return Err(crate::messages::xml_too_deep(MAX_NESTING));
    }
    let doc = roxmltree::Document::parse(config_xml).map_err(|e| e.to_string())?;
    let root = doc.root_element();
    let mut findings = Vec::new();
    if root.tag_name().name().ends_with("WorkflowMultiBranchProject") {
        if context.multibranch_heavyweight {
            push(&mut findings,
                "multibranch-heavyweight",
                Severity::Warning,
                "SCMBinder.USE_HEAVYWEIGHT_CHECKOUT=true",
                "the controller forces every multibranch Jenkinsfile checkout to be heavyweight".into(),
                "remove -Dorg.jenkinsci.plugins.workflow.multibranch.SCMBinder.USE_HEAVYWEIGHT_CHECKOUT=true from the controller",
            );
        }
        return Ok(findings);
    }
    let Some(definition) = root.descendants().find(|n| n.has_tag_name("definition")) else {
        return Ok(findings);
    };
    if !definition.attribute("class").unwrap_or("").ends_with("CpsScmFlowDefinition") {
        return Ok(findings); // an inline script: nothing is checked out for it
    }
    let Some(scm) = child(definition, "scm") else { return Ok(findings) };
    if scm.attribute("class") != Some("hudson.plugins.git.GitSCM") {
        let class = scm.attribute("class").unwrap_or("?");
        push(
            &mut findings,
            "not-git",
            Severity::Warning,
            class,
            format!("the SCM is {class}, not git; these rules are git's"),
            "",
        );
        return Ok(findings);
    }
    let urls = texts(scm, "url");
    let branches: Vec<String> = scm
        .descendants()
        .filter(|n| n.has_tag_name("hudson.plugins.git.BranchSpec"))
        .flat_map(|b| texts(b, "name"))
        .collect();
    let mut falls_back = false;
    if urls.len() != 1 {
        falls_back = true;
        push(
            &mut findings,
            "multiple-repositories",
            Severity::Warning,
            &urls.join(", "),
            format!("{} repositories are configured; lightweight checkout needs exactly one", urls.len()),
            "keep one repository in the job; check out others inside the Jenkinsfile",
        );
    }
    if branches.len() != 1 {
        falls_back = true;
        push(
            &mut findings,
            "multiple-branches",
            Severity::Warning,
            &branches.join(", "),
            format!("{} branch specifiers are configured; lightweight checkout needs exactly one", branches.len()),
            "keep one branch specifier, e.g. */main",
        );
    }
    for url in urls.iter().filter(|u| u.contains('$')) {
        push(
            &mut findings,
            "url-variable",
            Severity::Error,
            url,
            "a `$` in the repository URL is never expanded for the Jenkinsfile checkout: the build fails".into(),
            "write the URL literally (parameters cannot choose the repository of the Jenkinsfile)",
        );
    }
    for branch in &branches {
        match branch_form(branch) {
            BranchForm::Lightweight => {}
            BranchForm::FallsBack => {
                falls_back = true;
                push(&mut findings,
                    "branch-falls-back",
                    Severity::Warning,
                    branch,
                    format!("the branch specifier {branch:?} is not a form lightweight checkout supports"),
                    "use `main`, `*/main`, `*/release/1.x`, `refs/heads/<branch>` or `refs/tags/<tag>` (not origin/..., no wildcards)",
                );
            }
            BranchForm::Fails => push(
                &mut findings,
                "branch-glob-fails",
                Severity::Error,
                branch,
                format!("{branch:?} passes the lightweight check, then is fetched as a literal ref: the build fails"),
                "name one branch: `*/main` or `refs/heads/main` (globs and :regex work only in a full checkout)",
            ),
        }
        if branch.contains('$') {
            let versions: Vec<(&str, &str, Option<&String>)> =
                BRANCH_VARIABLE_MINIMUMS.iter().map(|(name, min)| (*name, *min, context.plugins.get(*name))).collect();
            if versions.iter().all(|(_, _, v)| v.is_none()) {
                push(
                    &mut findings,
                    "branch-variable-unverified",
                    Severity::Warning,
                    branch,
                    "a `$` in the branch is expanded only by git >= 4.14.0, scm-api >= 621.vda_a_b_055e58f7 and \
                     workflow-cps >= 3601.v9b_36a_d99e1cc; the plugin versions are unknown"
                        .into(),
                    "pass --fetch-versions (or --versions git=...,scm-api=...,workflow-cps=...) to check",
                );
            } else {
                let old: Vec<String> = versions
                    .iter()
                    .filter(|(_, min, v)| v.is_none_or(|v| !at_least(v, min)))
                    .map(|(name, min, v)| {
                        format!("{name} {} (needs {min})", v.map(String::as_str).unwrap_or("missing"))
                    })
                    .collect();
                if !old.is_empty() {
                    push(
                        &mut findings,
                        "branch-variable-old-plugins",
                        Severity::Error,
                        branch,
                        format!("the branch's `$` will be fetched literally: {}", old.join(", ")),
                        "upgrade those plugins, or write the branch literally",
                    );
                }
            }
        }
    }
    match child(definition, "lightweight").and_then(|n| n.text()).map(str::trim) {
        None => push(
            &mut findings,
            "lightweight-missing",
            Severity::Warning,
            "(no <lightweight>)",
            "the job has no <lightweight> element, which means false: always a full checkout into @script".into(),
            "set <lightweight>true</lightweight> (the job page's \"Lightweight checkout\" box)",
        ),
        Some("true") => {}
        Some(other) => push(
            &mut findings,
            "lightweight-false",
            Severity::Warning,
            other,
            "lightweight checkout is switched off: always a full checkout into @script".into(),
            "set <lightweight>true</lightweight> (the job page's \"Lightweight checkout\" box)",
        ),
    }
    let full_checkout = falls_back || findings.iter().any(|f| f.id.starts_with("lightweight-"));
    if full_checkout {
        let extensions: Vec<String> = child(scm, "extensions")
            .map(|e| e.children().filter(|n| n.is_element()).map(|n| short_name(n.tag_name().name())).collect())
            .unwrap_or_default();
        if !extensions.is_empty() {
            push(
                &mut findings,
                "heavy-fallback-extensions",
                Severity::Warning,
                &extensions.join(", "),
                "these extensions make the full checkout of the Jenkinsfile heavier (they do not affect lightweight)"
                    .into(),
                "move them into checkout([...]) in the Jenkinsfile; the script checkout needs none",
            );
        }
        if let Some(cps) = context.plugins.get("workflow-cps").filter(|v| !at_least(v, PER_SCM_SCRIPT_DIR)) {
            push(&mut findings,
                "old-workflow-cps-script-dir",
                Severity::Warning,
                cps,
                format!("workflow-cps {cps} checks out into a flat <job>@script shared by every SCM (before {PER_SCM_SCRIPT_DIR})"),
                "upgrade workflow-cps",
            );
        }
        let disabled = root.descendants().any(|n| n.tag_name().name().ends_with("DisableConcurrentBuildsJobProperty"));
        if !disabled {
            push(&mut findings,
                "concurrent-builds-allowed",
                Severity::Warning,
                "(no disableConcurrentBuilds)",
                "concurrent builds may share the @script checkout while it falls back; a killed git leaves index.lock".into(),
                "add disableConcurrentBuilds() (or the job's \"Do not allow concurrent builds\"), and run git through checkout-guard exec",
            );
        }
    }
    Ok(findings)
}

fn push(findings: &mut Vec<Finding>, id: &'static str, severity: Severity, value: &str, message: String, fix: &str) {
    findings.push(Finding { id, severity, value: value.to_string(), message, fix: fix.to_string() });
}

fn short_name(class: &str) -> String {
    class.rsplit('.').next().unwrap_or(class).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_past_comments_cdata_and_quoted_brackets() {
        let nested = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
        assert!(!nests_deeper_than(&nested(3), 3) && nests_deeper_than(&nested(4), 3));
        let flat = "<?xml version='1.0'?><r x='>' y=\"<b>\"><!-- <c><c><c> --><![CDATA[<d><d><d>]]><e/><e/></r>";
        assert!(!nests_deeper_than(flat, 1), "only <r> opens");
        assert!(nests_deeper_than("<r><s a='/>'><t></t></s></r>", 2), "a quoted /> does not close the tag");
    }

    #[test]
    fn branch_forms_follow_the_plugin() {
        for spec in
            ["main", "*/main", "*/release/1.x", "refs/heads/feature/x", "refs/tags/v1", "${BRANCH}", "*/${BRANCH}"]
        {
            assert_eq!(branch_form(spec), BranchForm::Lightweight, "{spec}");
        }
        for spec in ["origin/main", "feature/x", "origin/${B}", "*/*", "*/feature/*", "*", "refs/remotes/origin/main"] {
            assert_eq!(branch_form(spec), BranchForm::FallsBack, "{spec}");
        }
        for spec in ["**", "feat*", "refs/heads/*", ":^(?!main).*$"] {
            assert_eq!(branch_form(spec), BranchForm::Fails, "{spec}");
        }
    }
}
