//! The house rules a maintainer keeps, checked: the stated `rust-version` is one the locked
//! dependencies build with, every crate keeps the workspace lints, and nothing generated is
//! committed.

use std::process::Command;

use deckhand_tests::*;

/// `1.89` and `1.89.0` alike, as (major, minor, patch).
fn version(text: &str) -> [u32; 3] {
    let mut parts = text.split('.').map(|p| p.parse().unwrap_or(0));
    [parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0)]
}

/// The workspace's `rust-version`.
fn stated_rust_version() -> String {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let line = manifest.lines().find(|l| l.starts_with("rust-version")).expect("rust-version is stated");
    line.split('"').nth(1).unwrap().to_string()
}

#[test]
fn rust_version_is_one_every_locked_dependency_builds_with() {
    let out =
        run(Command::new(env!("CARGO")).args(["metadata", "--locked", "--format-version", "1"]).current_dir(root()));
    assert_eq!(out.code, 0, "{out:?}");
    let metadata: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let stated = stated_rust_version();
    let needing_more: Vec<String> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            let needs = p["rust_version"].as_str()?;
            (version(needs) > version(&stated)).then(|| format!("{} {} needs {needs}", p["name"], p["version"]))
        })
        .collect();
    assert_eq!(needing_more, Vec::<String>::new(), "rust-version {stated} is too old for the lock file");
}

#[test]
fn every_crate_keeps_the_workspace_lints() {
    let mut manifests = vec![root().join("tests/Cargo.toml"), root().join("xtask/Cargo.toml")];
    for entry in std::fs::read_dir(root().join("steps")).unwrap() {
        manifests.push(entry.unwrap().path().join("Cargo.toml"));
    }
    let without: Vec<String> = manifests
        .iter()
        .filter(|m| !std::fs::read_to_string(m).unwrap().contains("[lints]\nworkspace = true"))
        .map(|m| m.display().to_string())
        .collect();
    assert_eq!(without, Vec::<String>::new());
}

#[test]
fn nothing_generated_is_committed() {
    let out = run(Command::new("git").args(["ls-files"]).current_dir(root()));
    assert_eq!(out.code, 0, "{out:?}");
    let generated: Vec<&str> = out
        .stdout
        .lines()
        .filter(|f| {
            f.contains("__pycache__") || f.ends_with(".pyc") || f.starts_with("target/") || f.starts_with("dist/")
        })
        .collect();
    assert_eq!(generated, Vec::<&str>::new());
}
