//! Feeds a repository index to the reader and the version chooser. The first line of the input is
//! `chart [version]`, the rest is the index body (YAML or JSON). Neither may panic; every version
//! read must carry the chart's name (a hostile index must not rename the chart, whose name becomes
//! the saved file's name), sorted highest first; a chosen version comes from that list.
#![no_main]

use chart_fetch::index::{read_index, select};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (head, body) = match data.iter().position(|b| *b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(head) = std::str::from_utf8(head) else { return };
    let (chart, requested) = match head.split_once(' ') {
        Some((chart, requested)) => (chart, Some(requested)),
        None => (head, None),
    };
    let Ok(slice) = read_index(body, chart) else { return };
    let Some(versions) = slice.versions else { return };
    for v in &versions {
        assert_eq!(v.name, chart, "version {} of {chart:?} is named {:?}", v.version, v.name);
    }
    for pair in versions.windows(2) {
        assert!(
            pair[0].semver.cmp_precedence(&pair[1].semver).is_ge(),
            "{} before {}",
            pair[0].version,
            pair[1].version
        );
    }
    for devel in [false, true] {
        for wanted in [None, requested] {
            if let Ok(Some(chosen)) = select(&versions, wanted, devel) {
                assert!(versions.iter().any(|v| std::ptr::eq(v, chosen)), "chosen from elsewhere");
                if wanted.is_none() && !devel {
                    assert!(chosen.semver.pre.is_empty(), "the latest stable is {}", chosen.version);
                }
            }
        }
    }
});
