//! Expands an arbitrary template with a small fixed set of build variables: no panic; text with no
//! `${` comes back unchanged; every unknown name reported is a valid variable name that is not in
//! the set; expansion does not recurse (a value holding `${...}` is pasted as it is).
#![no_main]

use build_notify::template::expand;
use libfuzzer_sys::fuzz_target;

const VARS: [(&str, &str); 4] =
    [("JOB_NAME", "shop/web"), ("BUILD_NUMBER", "42"), ("BUILD_URL", "https://ci/job/42/"), ("LOOP", "${LOOP}")];

fn lookup(name: &str) -> Option<String> {
    VARS.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
}

fuzz_target!(|template: &str| {
    let (expanded, unknown) = expand(template, &lookup);
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
