//! What a run left on disk.

use std::path::Path;

use crate::*;

/// Every file below `dir`, relative, sorted, with its bytes.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.push((path.strip_prefix(base).unwrap().display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

/// Names in a folder, sorted (hidden ones included: a leftover temp file must show).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// Runs chart-fetch with `args` into a fresh destination folder.
pub fn fetch(args: &[&str]) -> (Run, tempfile::TempDir) {
    let dest = tempfile::tempdir().unwrap();
    let out = run(step("chart-fetch").args(args).arg("-d").arg(dest.path()));
    (out, dest)
}

/// The one file a pull left in `dir`.
pub fn only_file(dir: &Path) -> (String, Vec<u8>) {
    let files = tree(dir);
    assert_eq!(
        files.len(),
        1,
        "expected one file in {}: {:?}",
        dir.display(),
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    files.into_iter().next().unwrap()
}
