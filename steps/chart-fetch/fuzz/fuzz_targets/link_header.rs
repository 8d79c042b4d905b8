//! Reads arbitrary text as a `Link` header: no panic, and a `next` target is a piece of the header
//! that came between `<` and `>`.
#![no_main]

use chart_fetch::oci::next_in_link_header;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|link: &str| {
    if let Some(target) = next_in_link_header(link) {
        assert!(!target.contains('>'), "{target:?}");
        assert!(link.contains(&format!("<{target}>")), "{target:?} is not in {link:?}");
    }
});
