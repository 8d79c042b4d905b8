//! Lints arbitrary text as a Jenkins `config.xml`, with and without known plugin versions: it must
//! never panic nor overflow the stack (elements nesting deeper than the limit are refused before
//! the recursive XML parser sees them), and every finding has an id and a message.
#![no_main]

use checkout_guard::lint::{lint, Context};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|config_xml: &str| {
    let mut known = Context { multibranch_heavyweight: true, ..Default::default() };
    for (plugin, version) in [("git", "4.11.0"), ("scm-api", "600.0"), ("workflow-cps", "2600.0")] {
        known.plugins.insert(plugin.into(), version.into());
    }
    for context in [Context::default(), known] {
        if let Ok(findings) = lint(config_xml, &context) {
            assert!(findings.iter().all(|f| !f.id.is_empty() && !f.message.is_empty()), "{findings:?}");
        }
    }
});
