//! Reads a Jenkins job's `config.xml` and reports every reason the job will not get a lightweight
//! checkout of its Jenkinsfile (so it falls back to a full checkout into `<job>@script`, where
//! stale git locks break later builds), or will fail outright. The rules are git-plugin's
//! `GitSCMFileSystem.BuilderImpl.supports` and what the plugins do with `$` and globs.
//!
//! [`lint`] parses the config into a [`Job`] ([`parse`]), then applies [`RULES`] in order
//! ([`apply`]): each rule is one entry with its id, its check, the catalogue ids of its finding's
//! message and fix, and its severity. The order of the table is the order of the findings.

use std::collections::BTreeMap;

use deckhand_common::i18n::{Arg, FluentArgs};
use serde::Serialize;

use crate::messages;
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

/// One reason, with a stable, language-neutral id (the rule's): `--output json` carries it, so a
/// program never needs to read the message.
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

// ---- the job config ----

/// A job's `config.xml`, as far as the rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// A multibranch project: its branches' Jenkinsfiles are checked out by SCMBinder.
    Multibranch,
    /// Nothing is checked out for the Jenkinsfile: an inline script, or no pipeline definition.
    NoScmScript,
    /// The Jenkinsfile comes from an SCM other than git (its class, `?` when it names none).
    OtherScm(String),
    /// The Jenkinsfile comes from git.
    Git(GitJob),
}

/// A pipeline job whose Jenkinsfile comes from git.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitJob {
    /// The repository URLs (`<url>` under the SCM).
    pub urls: Vec<String>,
    /// The branch specifiers (`<name>` of each `BranchSpec`).
    pub branches: Vec<String>,
    /// The text of `<lightweight>`, trimmed; `None` when it is missing or empty.
    pub lightweight: Option<String>,
    /// The SCM's extensions, by short class name.
    pub extensions: Vec<String>,
    /// The job has a `DisableConcurrentBuildsJobProperty`.
    pub concurrent_builds_disabled: bool,
}

impl GitJob {
    /// Whether the Jenkinsfile gets a full checkout into `@script`: the SCM is not a form the
    /// lightweight check supports, or lightweight checkout is not switched on.
    pub fn full_checkout(&self) -> bool {
        self.urls.len() != 1
            || self.branches.len() != 1
            || self.branches.iter().any(|b| branch_form(b) == BranchForm::FallsBack)
            || self.lightweight.as_deref() != Some("true")
    }
}

fn texts<'a>(node: roxmltree::Node<'a, 'a>, tag: &str) -> Vec<String> {
    node.descendants().filter(|n| n.has_tag_name(tag)).map(|n| n.text().unwrap_or("").trim().to_string()).collect()
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, tag: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|n| n.has_tag_name(tag))
}

fn short_name(class: &str) -> String {
    class.rsplit('.').next().unwrap_or(class).to_string()
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

/// Parses one `config.xml` into what the rules read; the error says why it cannot be read.
pub fn parse(config_xml: &str) -> Result<Job, String> {
    if nests_deeper_than(config_xml, MAX_NESTING) {
        return Err(messages::xml_too_deep(MAX_NESTING));
    }
    let doc = roxmltree::Document::parse(config_xml).map_err(|e| e.to_string())?;
    Ok(read_job(doc.root_element()))
}

fn read_job(root: roxmltree::Node) -> Job {
    if root.tag_name().name().ends_with("WorkflowMultiBranchProject") {
        return Job::Multibranch;
    }
    let Some(definition) = root.descendants().find(|n| n.has_tag_name("definition")) else {
        return Job::NoScmScript;
    };
    if !definition.attribute("class").unwrap_or("").ends_with("CpsScmFlowDefinition") {
        return Job::NoScmScript; // an inline script: nothing is checked out for it
    }
    let Some(scm) = child(definition, "scm") else { return Job::NoScmScript };
    if scm.attribute("class") != Some("hudson.plugins.git.GitSCM") {
        return Job::OtherScm(scm.attribute("class").unwrap_or("?").to_string());
    }
    Job::Git(GitJob {
        urls: texts(scm, "url"),
        branches: scm
            .descendants()
            .filter(|n| n.has_tag_name("hudson.plugins.git.BranchSpec"))
            .flat_map(|b| texts(b, "name"))
            .collect(),
        lightweight: child(definition, "lightweight").and_then(|n| n.text()).map(|t| t.trim().to_string()),
        extensions: child(scm, "extensions")
            .map(|e| {
                e.children().filter(roxmltree::Node::is_element).map(|n| short_name(n.tag_name().name())).collect()
            })
            .unwrap_or_default(),
        concurrent_builds_disabled: root
            .descendants()
            .any(|n| n.tag_name().name().ends_with("DisableConcurrentBuildsJobProperty")),
    })
}

// ---- the rules ----

/// A rule that applies: the offending value, and the arguments of the rule's message.
pub struct Hit {
    pub value: String,
    pub args: FluentArgs<'static>,
}

impl Hit {
    fn new(value: impl Into<String>) -> Self {
        Hit { value: value.into(), args: FluentArgs::new() }
    }

    fn arg(mut self, name: &'static str, value: impl Arg) -> Self {
        self.args.set(name, value.fluent());
        self
    }
}

/// What a rule looks at.
#[derive(Clone, Copy)]
pub enum Check {
    /// The job, once.
    Job(fn(&Job, &Context) -> Option<Hit>),
    /// A git job, once.
    Git(fn(&GitJob, &Context) -> Option<Hit>),
    /// Each repository URL of a git job.
    EachUrl(fn(&str, &Context) -> Option<Hit>),
    /// Each branch specifier of a git job. Consecutive branch rules are applied branch by
    /// branch, so that one branch's findings stay together.
    EachBranch(fn(&str, &Context) -> Option<Hit>),
}

/// One lint rule.
pub struct Rule {
    /// The finding's id, stable and language-neutral.
    pub id: &'static str,
    pub check: Check,
    /// Catalogue id of the finding's message (its arguments are the hit's).
    pub message: &'static str,
    /// Catalogue id of the fix, if the rule has one.
    pub fix: Option<&'static str>,
    pub severity: Severity,
}

/// Every rule, in the order their findings are reported.
pub const RULES: &[Rule] = &[
    Rule {
        id: "multibranch-heavyweight",
        check: Check::Job(multibranch_heavyweight),
        message: "lint-multibranch-heavyweight",
        fix: Some("fix-multibranch-heavyweight"),
        severity: Severity::Warning,
    },
    Rule { id: "not-git", check: Check::Job(not_git), message: "lint-not-git", fix: None, severity: Severity::Warning },
    Rule {
        id: "multiple-repositories",
        check: Check::Git(multiple_repositories),
        message: "lint-multiple-repositories",
        fix: Some("fix-multiple-repositories"),
        severity: Severity::Warning,
    },
    Rule {
        id: "multiple-branches",
        check: Check::Git(multiple_branches),
        message: "lint-multiple-branches",
        fix: Some("fix-multiple-branches"),
        severity: Severity::Warning,
    },
    Rule {
        id: "url-variable",
        check: Check::EachUrl(url_variable),
        message: "lint-url-variable",
        fix: Some("fix-url-variable"),
        severity: Severity::Error,
    },
    Rule {
        id: "branch-falls-back",
        check: Check::EachBranch(branch_falls_back),
        message: "lint-branch-falls-back",
        fix: Some("fix-branch-falls-back"),
        severity: Severity::Warning,
    },
    Rule {
        id: "branch-glob-fails",
        check: Check::EachBranch(branch_glob_fails),
        message: "lint-branch-glob-fails",
        fix: Some("fix-branch-glob-fails"),
        severity: Severity::Error,
    },
    Rule {
        id: "branch-variable-unverified",
        check: Check::EachBranch(branch_variable_unverified),
        message: "lint-branch-variable-unverified",
        fix: Some("fix-branch-variable-unverified"),
        severity: Severity::Warning,
    },
    Rule {
        id: "branch-variable-old-plugins",
        check: Check::EachBranch(branch_variable_old_plugins),
        message: "lint-branch-variable-old-plugins",
        fix: Some("fix-branch-variable-old-plugins"),
        severity: Severity::Error,
    },
    Rule {
        id: "lightweight-missing",
        check: Check::Git(lightweight_missing),
        message: "lint-lightweight-missing",
        fix: Some("fix-lightweight"),
        severity: Severity::Warning,
    },
    Rule {
        id: "lightweight-false",
        check: Check::Git(lightweight_false),
        message: "lint-lightweight-false",
        fix: Some("fix-lightweight"),
        severity: Severity::Warning,
    },
    Rule {
        id: "heavy-fallback-extensions",
        check: Check::Git(heavy_fallback_extensions),
        message: "lint-heavy-fallback-extensions",
        fix: Some("fix-heavy-fallback-extensions"),
        severity: Severity::Warning,
    },
    Rule {
        id: "old-workflow-cps-script-dir",
        check: Check::Git(old_workflow_cps_script_dir),
        message: "lint-old-workflow-cps-script-dir",
        fix: Some("fix-old-workflow-cps-script-dir"),
        severity: Severity::Warning,
    },
    Rule {
        id: "concurrent-builds-allowed",
        check: Check::Git(concurrent_builds_allowed),
        message: "lint-concurrent-builds-allowed",
        fix: Some("fix-concurrent-builds-allowed"),
        severity: Severity::Warning,
    },
];

fn multibranch_heavyweight(job: &Job, context: &Context) -> Option<Hit> {
    (*job == Job::Multibranch && context.multibranch_heavyweight)
        .then(|| Hit::new("SCMBinder.USE_HEAVYWEIGHT_CHECKOUT=true"))
}

fn not_git(job: &Job, _: &Context) -> Option<Hit> {
    match job {
        Job::OtherScm(class) => Some(Hit::new(class).arg("class", class)),
        _ => None,
    }
}

fn multiple_repositories(job: &GitJob, _: &Context) -> Option<Hit> {
    (job.urls.len() != 1).then(|| Hit::new(job.urls.join(", ")).arg("count", job.urls.len()))
}

fn multiple_branches(job: &GitJob, _: &Context) -> Option<Hit> {
    (job.branches.len() != 1).then(|| Hit::new(job.branches.join(", ")).arg("count", job.branches.len()))
}

fn url_variable(url: &str, _: &Context) -> Option<Hit> {
    url.contains('$').then(|| Hit::new(url))
}

fn branch_falls_back(branch: &str, _: &Context) -> Option<Hit> {
    (branch_form(branch) == BranchForm::FallsBack).then(|| Hit::new(branch).arg("branch", format!("{branch:?}")))
}

fn branch_glob_fails(branch: &str, _: &Context) -> Option<Hit> {
    (branch_form(branch) == BranchForm::Fails).then(|| Hit::new(branch).arg("branch", format!("{branch:?}")))
}

/// The versions of the plugins that expand a `$` in the branch: (name, minimum, known version).
fn branch_variable_plugins(context: &Context) -> Vec<(&'static str, &'static str, Option<&String>)> {
    BRANCH_VARIABLE_MINIMUMS.iter().map(|(name, min)| (*name, *min, context.plugins.get(*name))).collect()
}

fn branch_variable_unverified(branch: &str, context: &Context) -> Option<Hit> {
    let unknown = branch_variable_plugins(context).iter().all(|(_, _, v)| v.is_none());
    let [(_, git), (_, scm_api), (_, workflow_cps)] = BRANCH_VARIABLE_MINIMUMS;
    (branch.contains('$') && unknown)
        .then(|| Hit::new(branch).arg("git", git).arg("scm_api", scm_api).arg("workflow_cps", workflow_cps))
}

fn branch_variable_old_plugins(branch: &str, context: &Context) -> Option<Hit> {
    let plugins = branch_variable_plugins(context);
    if !branch.contains('$') || plugins.iter().all(|(_, _, v)| v.is_none()) {
        return None;
    }
    let old: Vec<String> = plugins
        .iter()
        .filter(|(_, min, v)| v.is_none_or(|v| !at_least(v, min)))
        .map(|(name, min, v)| match v {
            Some(version) => messages::plugin_too_old(name, version, min),
            None => messages::plugin_missing(name, min),
        })
        .collect();
    (!old.is_empty()).then(|| Hit::new(branch).arg("plugins", deckhand_common::messages::list(&old)))
}

fn lightweight_missing(job: &GitJob, _: &Context) -> Option<Hit> {
    job.lightweight.is_none().then(|| Hit::new("(no <lightweight>)"))
}

fn lightweight_false(job: &GitJob, _: &Context) -> Option<Hit> {
    job.lightweight.as_deref().filter(|l| *l != "true").map(Hit::new)
}

fn heavy_fallback_extensions(job: &GitJob, _: &Context) -> Option<Hit> {
    (job.full_checkout() && !job.extensions.is_empty()).then(|| Hit::new(job.extensions.join(", ")))
}

fn old_workflow_cps_script_dir(job: &GitJob, context: &Context) -> Option<Hit> {
    let cps = context.plugins.get("workflow-cps").filter(|v| !at_least(v, PER_SCM_SCRIPT_DIR));
    cps.filter(|_| job.full_checkout()).map(|v| Hit::new(v).arg("version", v).arg("minimum", PER_SCM_SCRIPT_DIR))
}

fn concurrent_builds_allowed(job: &GitJob, _: &Context) -> Option<Hit> {
    (job.full_checkout() && !job.concurrent_builds_disabled).then(|| Hit::new("(no disableConcurrentBuilds)"))
}

// ---- applying them ----

/// The findings of `rules` on `job`, in the rules' order (branch rules branch by branch).
pub fn apply(rules: &[Rule], job: &Job, context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut at = 0;
    while at < rules.len() {
        let rule = &rules[at];
        match (rule.check, job) {
            (Check::Job(check), _) => findings.extend(check(job, context).map(|hit| finding(rule, hit))),
            (Check::Git(check), Job::Git(git)) => findings.extend(check(git, context).map(|hit| finding(rule, hit))),
            (Check::EachUrl(_), Job::Git(git)) | (Check::EachBranch(_), Job::Git(git)) => {
                let (group, items) = each_group(&rules[at..], git);
                for item in items {
                    for rule in group {
                        if let Check::EachUrl(check) | Check::EachBranch(check) = rule.check {
                            findings.extend(check(item, context).map(|hit| finding(rule, hit)));
                        }
                    }
                }
                at += group.len();
                continue;
            }
            _ => {} // a git rule, and not a git job
        }
        at += 1;
    }
    findings
}

/// The rules at the start of `rules` that look at the same items as the first one, and those
/// items of `job`.
fn each_group<'r, 'j>(rules: &'r [Rule], job: &'j GitJob) -> (&'r [Rule], &'j [String]) {
    let branches = matches!(rules[0].check, Check::EachBranch(_));
    let same = |rule: &Rule| match rule.check {
        Check::EachBranch(_) => branches,
        Check::EachUrl(_) => !branches,
        _ => false,
    };
    let len = rules.iter().take_while(|r| same(r)).count();
    (&rules[..len], if branches { &job.branches } else { &job.urls })
}

fn finding(rule: &Rule, hit: Hit) -> Finding {
    Finding {
        id: rule.id,
        severity: rule.severity,
        message: messages::lint_text(rule.message, &hit.args),
        fix: rule.fix.map(|fix| messages::lint_text(fix, &FluentArgs::new())).unwrap_or_default(),
        value: hit.value,
    }
}

/// Lints one `config.xml`.
pub fn lint(config_xml: &str, context: &Context) -> Result<Vec<Finding>, String> {
    Ok(apply(RULES, &parse(config_xml)?, context))
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

    /// A pipeline job's config.xml as Jenkins writes it; the default gets a lightweight checkout.
    struct Config {
        scm: &'static str,
        urls: &'static [&'static str],
        branches: &'static [&'static str],
        lightweight: Option<&'static str>,
        extensions: &'static [&'static str],
        no_concurrent: bool,
    }

    const LIGHT: Config = Config {
        scm: "hudson.plugins.git.GitSCM",
        urls: &["https://git.example/shop/web.git"],
        branches: &["*/main"],
        lightweight: Some("true"),
        extensions: &[],
        no_concurrent: true,
    };
    /// Lightweight checkout switched off: a full checkout, where the fallback rules look.
    const FULL: Config = Config { lightweight: Some("false"), ..LIGHT };

    impl Config {
        fn xml(&self) -> String {
            let remotes: String = self
                .urls
                .iter()
                .map(|u| {
                    format!("<hudson.plugins.git.UserRemoteConfig><url>{u}</url></hudson.plugins.git.UserRemoteConfig>")
                })
                .collect();
            let branches: String = self
                .branches
                .iter()
                .map(|b| format!("<hudson.plugins.git.BranchSpec><name>{b}</name></hudson.plugins.git.BranchSpec>"))
                .collect();
            let extensions: String =
                self.extensions.iter().map(|e| format!("<hudson.plugins.git.extensions.impl.{e}/>")).collect();
            let properties = if self.no_concurrent {
                "<org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty/>"
            } else {
                ""
            };
            let lightweight = self.lightweight.map(|l| format!("<lightweight>{l}</lightweight>")).unwrap_or_default();
            format!(
                "<flow-definition><properties>{properties}</properties>\
                 <definition class=\"org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition\">\
                 <scm class=\"{}\"><userRemoteConfigs>{remotes}</userRemoteConfigs><branches>{branches}</branches>\
                 <extensions>{extensions}</extensions></scm><scriptPath>Jenkinsfile</scriptPath>{lightweight}\
                 </definition></flow-definition>",
                self.scm
            )
        }
    }

    const MULTIBRANCH: &str = "<org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject>\
        <factory><scriptPath>Jenkinsfile</scriptPath></factory></org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject>";

    fn plugins(pairs: &[(&str, &str)]) -> Context {
        let plugins = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Context { plugins, ..Default::default() }
    }

    const OLD: &[(&str, &str)] = &[("git", "4.11.3"), ("scm-api", "600.v2a_35e1b_1cc5d"), ("workflow-cps", "2.94")];
    const NEW: &[(&str, &str)] =
        &[("git", "5.2.1"), ("scm-api", "683.vb_16722fb_b_80b_"), ("workflow-cps", "3894.3896.vca_2c931e7935")];

    fn ids(xml: &str, context: &Context) -> Vec<&'static str> {
        lint(xml, context).unwrap().into_iter().map(|f| f.id).collect()
    }

    /// `id` is found in the first config (once) and not in the second.
    fn fires_on_one_only(id: &str, fires: &(String, Context), quiet: &(String, Context)) {
        let found = ids(&fires.0, &fires.1);
        assert_eq!(found.iter().filter(|f| **f == id).count(), 1, "{id} on {}: {found:?}", fires.0);
        let found = ids(&quiet.0, &quiet.1);
        assert!(!found.contains(&id), "{id} on {}: {found:?}", quiet.0);
    }

    /// One test per rule (a config that triggers it and one that does not), and a check that
    /// every rule of the table has its test, in the table's order.
    macro_rules! rule_tests {
        ($($test:ident: $id:literal fires on $fires:expr, not on $quiet:expr;)*) => {
            $(
                #[test]
                fn $test() {
                    fires_on_one_only($id, &$fires, &$quiet);
                }
            )*

            #[test]
            fn every_rule_has_its_test() {
                assert_eq!(RULES.iter().map(|r| r.id).collect::<Vec<_>>(), [$($id),*]);
            }
        };
    }

    fn on(config: &Config) -> (String, Context) {
        (config.xml(), Context::default())
    }

    fn with(config: &Config, pairs: &[(&str, &str)]) -> (String, Context) {
        (config.xml(), plugins(pairs))
    }

    rule_tests! {
        multibranch_heavyweight_rule: "multibranch-heavyweight"
            fires on (MULTIBRANCH.to_string(), Context { multibranch_heavyweight: true, ..Default::default() }),
            not on (MULTIBRANCH.to_string(), Context::default());
        not_git_rule: "not-git"
            fires on on(&Config { scm: "hudson.scm.SubversionSCM", ..LIGHT }), not on on(&LIGHT);
        multiple_repositories_rule: "multiple-repositories"
            fires on on(&Config { urls: &["https://a.example/x.git", "https://b.example/y.git"], ..LIGHT }),
            not on on(&LIGHT);
        multiple_branches_rule: "multiple-branches"
            fires on on(&Config { branches: &["*/main", "*/dev"], ..LIGHT }), not on on(&LIGHT);
        url_variable_rule: "url-variable"
            fires on on(&Config { urls: &["https://git.example/${REPO}.git"], ..LIGHT }), not on on(&LIGHT);
        branch_falls_back_rule: "branch-falls-back"
            fires on on(&Config { branches: &["origin/main"], ..LIGHT }), not on on(&LIGHT);
        branch_glob_fails_rule: "branch-glob-fails"
            fires on on(&Config { branches: &["**"], ..LIGHT }), not on on(&Config { branches: &["*/*"], ..LIGHT });
        branch_variable_unverified_rule: "branch-variable-unverified"
            fires on on(&Config { branches: &["*/${BRANCH}"], ..LIGHT }),
            not on with(&Config { branches: &["*/${BRANCH}"], ..LIGHT }, OLD);
        branch_variable_old_plugins_rule: "branch-variable-old-plugins"
            fires on with(&Config { branches: &["*/${BRANCH}"], ..LIGHT }, OLD),
            not on with(&Config { branches: &["*/${BRANCH}"], ..LIGHT }, NEW);
        lightweight_missing_rule: "lightweight-missing"
            fires on on(&Config { lightweight: None, ..LIGHT }), not on on(&FULL);
        lightweight_false_rule: "lightweight-false"
            fires on on(&FULL), not on on(&Config { lightweight: None, ..LIGHT });
        heavy_fallback_extensions_rule: "heavy-fallback-extensions"
            fires on on(&Config { extensions: &["CloneOption"], ..FULL }),
            not on on(&Config { extensions: &["CloneOption"], ..LIGHT });
        old_workflow_cps_script_dir_rule: "old-workflow-cps-script-dir"
            fires on with(&FULL, &[("workflow-cps", "2.94")]), not on with(&LIGHT, &[("workflow-cps", "2.94")]);
        concurrent_builds_allowed_rule: "concurrent-builds-allowed"
            fires on on(&Config { no_concurrent: false, ..FULL }), not on on(&Config { no_concurrent: false, ..LIGHT });
    }

    #[test]
    fn a_branchs_findings_stay_together_in_the_tables_order() {
        let config = Config { branches: &["origin/${A}", "feat*${B}"], no_concurrent: false, ..LIGHT };
        assert_eq!(
            ids(&config.xml(), &Context::default()),
            [
                "multiple-branches",
                "branch-falls-back",
                "branch-variable-unverified",
                "branch-glob-fails",
                "branch-variable-unverified",
                "concurrent-builds-allowed"
            ]
        );
        let config = Config { urls: &["https://a/$X", "https://b/$Y"], extensions: &["CloneOption"], ..FULL };
        assert_eq!(
            ids(&config.xml(), &plugins(&[("workflow-cps", "2.94")])),
            [
                "multiple-repositories",
                "url-variable",
                "url-variable",
                "lightweight-false",
                "heavy-fallback-extensions",
                "old-workflow-cps-script-dir"
            ]
        );
    }

    #[test]
    fn findings_carry_the_value_and_the_english_message_and_fix() {
        let config = Config { branches: &["*/${BRANCH}"], ..LIGHT };
        let findings = lint(&config.xml(), &plugins(&[("git", "4.11.3"), ("workflow-cps", "3894.1")])).unwrap();
        let [finding] = &findings[..] else { panic!("{findings:?}") };
        assert_eq!((finding.severity, finding.value.as_str()), (Severity::Error, "*/${BRANCH}"));
        assert_eq!(
            finding.message,
            "the branch's `$` will be fetched literally: git 4.11.3 (needs 4.14.0), scm-api missing (needs 621.vda_a_b_055e58f7)"
        );
        assert_eq!(finding.fix, "upgrade those plugins, or write the branch literally");
        let findings = lint(&Config { scm: "hudson.scm.SubversionSCM", ..LIGHT }.xml(), &Context::default()).unwrap();
        assert_eq!(findings[0].message, "the SCM is hudson.scm.SubversionSCM, not git; these rules are git's");
        assert_eq!(findings[0].fix, "");
    }

    #[test]
    fn configs_without_a_git_jenkinsfile_have_no_findings() {
        let inline = "<flow-definition><definition class=\"org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition\">\
                      <script>echo 1</script></definition></flow-definition>";
        assert_eq!(parse(inline), Ok(Job::NoScmScript));
        assert_eq!(parse("<project/>"), Ok(Job::NoScmScript));
        assert_eq!(parse(MULTIBRANCH), Ok(Job::Multibranch));
        assert!(ids(inline, &Context { multibranch_heavyweight: true, ..plugins(OLD) }).is_empty());
    }
}
