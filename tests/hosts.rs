//! The host files (hosts/: BK-CI atoms, KubeSphere templates, the Jenkins library, Drone and
//! Woodpecker examples; docs/ option tables, reference pages and man pages in English and Chinese)
//! are generated from each step's clap definition and
//! host form by `cargo xtask hosts`; these tests fail when a committed file is out of date. (That
//! every input a form declares is a real option is each step's own unit test, from `step_cli!`.)

use std::process::Command;

use deckhand_tests::*;

fn xtask_check(against: &std::path::Path) -> Run {
    run(Command::new(env!("CARGO"))
        .args(["run", "-q", "-p", "xtask", "--", "check", "--against"])
        .arg(against)
        .current_dir(root()))
}

#[test]
fn the_committed_host_files_are_current() {
    let out = xtask_check(&root());
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn a_changed_missing_or_left_over_host_file_is_stale() {
    let copy = tempfile::tempdir().unwrap();
    let status =
        Command::new("cp").arg("-r").arg(root().join("hosts")).arg(root().join("docs")).arg(copy.path()).status();
    assert!(status.unwrap().success());
    let page = copy.path().join("docs/reference/zh-CN/chart-untar.md");
    let edited = std::fs::read_to_string(&page).unwrap().replace("用法", "Usage");
    std::fs::write(&page, edited).unwrap();
    std::fs::remove_file(copy.path().join("docs/man/en/chart-fetch.1")).unwrap();
    let atom = copy.path().join("hosts/bk-ci/chart-fetch/task.json");
    let edited = std::fs::read_to_string(&atom).unwrap().replace("\"repo\"", "\"repo_url\"");
    std::fs::write(&atom, edited).unwrap();
    std::fs::remove_file(copy.path().join("hosts/bk-ci/chart-untar/task.json")).unwrap();
    std::fs::write(copy.path().join("hosts/bk-ci/old-step.json"), "{}").unwrap();
    let out = xtask_check(copy.path());
    assert_eq!(out.code, 1, "{out:?}");
    for stale in [
        "hosts/bk-ci/chart-fetch/task.json",
        "hosts/bk-ci/chart-untar/task.json",
        "hosts/bk-ci/old-step.json (left over)",
        "docs/reference/zh-CN/chart-untar.md",
        "docs/man/en/chart-fetch.1",
    ] {
        assert!(out.stderr.contains(stale), "{stale} not named: {}", out.stderr);
    }
}
