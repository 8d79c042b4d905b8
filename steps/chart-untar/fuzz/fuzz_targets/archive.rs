//! Feeds arbitrary bytes to the archive reader: it must never panic, and must never write outside
//! the folder it is given (checked by extracting into a fresh folder inside a sandbox folder and
//! asserting the sandbox holds nothing else afterwards).
#![no_main]

use chart_untar::{extract_into, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sandbox = tempfile::tempdir().expect("temp dir");
    let dest = sandbox.path().join("dest");
    std::fs::create_dir(&dest).expect("dest dir");
    let limits = Limits { max_total: 1024 * 1024, max_file: 256 * 1024 };
    let _ = extract_into(data, &dest, &limits);
    let entries: Vec<_> = std::fs::read_dir(sandbox.path()).expect("read sandbox").collect();
    assert_eq!(entries.len(), 1, "something was written beside the destination");
});
