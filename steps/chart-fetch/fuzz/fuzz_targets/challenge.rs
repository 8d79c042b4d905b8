//! Reads arbitrary text as a `WWW-Authenticate` challenge: no panic, the scheme is the header's
//! first word, and no parameter has an empty name.
#![no_main]

use deckhand_common::registry::parse_challenge;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|header: &str| {
    let (scheme, params) = parse_challenge(header);
    assert!(header.trim().starts_with(&scheme), "scheme {scheme:?}");
    assert!(!scheme.contains(' '), "scheme {scheme:?}");
    for (key, _) in &params {
        assert!(!key.is_empty() && !key.contains('='), "key {key:?}");
    }
});
