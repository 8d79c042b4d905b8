//! Expands an arbitrary template with a small fixed set of build variables: no panic; text with no
//! `${` comes back unchanged; every unknown name reported is a valid variable name that is not in
//! the set; expansion does not recurse (a value holding `${...}` is pasted as it is); a variable
//! whose name marks it as a secret is never expanded.
#![no_main]

use build_notify::template::{expand, Expansion};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "tok-Fuzz-Secret";
const VARS: [(&str, &str); 5] = [
    ("JOB_NAME", "shop/web"),
    ("BUILD_NUMBER", "42"),
    ("BUILD_URL", "https://ci/job/42/"),
    ("LOOP", "${LOOP}"),
    ("DEPLOY_TOKEN", SECRET),
];

fn lookup(name: &str) -> Option<String> {
    VARS.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
}

fuzz_target!(|template: &str| {
    let Expansion { text: expanded, unknown, withheld } = expand(template, &lookup);
    if !template.contains(SECRET) {
        assert!(!expanded.contains(SECRET), "a secret was expanded: {expanded:?}");
    }
    for name in &withheld {
        assert!(!unknown.contains(name), "{name} is both withheld and unknown");
    }
    if !template.contains("${") {
        assert_eq!(expanded, template);
    }
    for name in &unknown {
        assert!(lookup(name).is_none(), "{name} is known");
        assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "{name:?}");
    }
    if template == "${LOOP}" {
        assert_eq!(expanded, "${LOOP}");
    }
});
