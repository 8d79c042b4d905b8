//! Parses arbitrary text as an `oci://` reference: no panic, and a parsed reference's repository
//! is a path of real segments (no empty, `.` or `..` one, as it goes into registry URLs) whose
//! last one is the chart's `name()`.
#![no_main]

use chart_fetch::oci::Reference;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(reference) = Reference::parse(text) else { return };
    for segment in reference.repository.split('/') {
        assert!(!matches!(segment, "" | "." | ".."), "segment {segment:?} in {:?}", reference.repository);
    }
    let name = reference.name();
    assert!(!name.is_empty() && !name.contains('/'), "name {name:?}");
    assert!(reference.repository.ends_with(name));
    assert!(!reference.registry.is_empty());
    if let Some(digest) = &reference.digest {
        assert!(digest.len() == 64 && digest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "{digest}");
    }
});
