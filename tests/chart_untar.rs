//! chart-untar: a corpus of hostile archives built here, each refused with the entry named, with
//! nothing written outside the temporary folder and no target left; and good charts unpacked
//! exactly as `helm pull --untar` and `tar -xzf` unpack them.

mod support;

use std::io::Write;
use std::path::Path;

use support::*;

enum Kind {
    File(Vec<u8>),
    Dir,
    Symlink(&'static str),
    HardLink(&'static str),
    CharDevice,
    Fifo,
}

const CHART_YAML: &[u8] = b"apiVersion: v2\nname: demo\nversion: 0.1.0\n";

/// A gzipped tar with raw entry names (the tar crate's own path checks are bypassed on purpose).
fn archive(entries: &[(&str, Kind)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, kind) in entries {
        let mut header = tar::Header::new_ustar();
        let raw = &mut header.as_old_mut().name;
        raw.fill(0);
        raw[..name.len()].copy_from_slice(name.as_bytes());
        header.set_mode(0o644);
        let data: &[u8] = match kind {
            Kind::File(bytes) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_size(bytes.len() as u64);
                bytes
            }
            Kind::Dir => {
                header.set_entry_type(tar::EntryType::Directory);
                &[]
            }
            Kind::Symlink(target) | Kind::HardLink(target) => {
                let kind_type =
                    if matches!(kind, Kind::Symlink(_)) { tar::EntryType::Symlink } else { tar::EntryType::Link };
                header.set_entry_type(kind_type);
                let link = &mut header.as_old_mut().linkname;
                link[..target.len()].copy_from_slice(target.as_bytes());
                &[]
            }
            Kind::CharDevice => {
                header.set_entry_type(tar::EntryType::Char);
                &[]
            }
            Kind::Fifo => {
                header.set_entry_type(tar::EntryType::Fifo);
                &[]
            }
        };
        if !matches!(kind, Kind::File(_)) {
            header.set_size(0);
        }
        header.set_cksum();
        builder.append(&header, data).unwrap();
    }
    gzip(&builder.into_inner().unwrap())
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn chart(extra: Vec<(&'static str, Kind)>) -> Vec<u8> {
    let mut entries = vec![("demo/Chart.yaml", Kind::File(CHART_YAML.to_vec()))];
    entries.extend(extra);
    archive(&entries)
}

/// Unpacks `bytes` inside a sandbox; asserts a refusal naming `needle`, and that the sandbox holds
/// exactly what it held before (the archive and an empty destination).
fn assert_refused(label: &str, bytes: &[u8], extra_args: &[&str], needle: &str) {
    let sandbox = tempfile::tempdir().unwrap();
    let archive_path = sandbox.path().join("chart.tgz");
    std::fs::write(&archive_path, bytes).unwrap();
    let dest = sandbox.path().join("dest");
    std::fs::create_dir(&dest).unwrap();
    let before = tree(sandbox.path());
    let out = run(step("chart-untar").arg(&archive_path).arg("-d").arg(&dest).args(extra_args));
    assert_eq!(out.code, 3, "{label}: {out:?}");
    assert!(out.stderr.contains(needle), "{label}: expected {needle:?} in {out:?}");
    assert_eq!(tree(sandbox.path()), before, "{label}: something was written");
    assert!(listing(&dest).is_empty(), "{label}: left {:?}", listing(&dest));
    assert!(!Path::new("/tmp/deckhand-escape").exists(), "{label}: escaped");
}

#[test]
fn hostile_archives_are_refused_and_leave_nothing() {
    let big = vec![0u8; 6 * 1024 * 1024];
    let corpus: Vec<(&str, Vec<u8>, Vec<&str>, &str)> = vec![
        ("absolute path", chart(vec![("/tmp/deckhand-escape", Kind::File(b"x".to_vec()))]), vec![], "absolute paths"),
        ("dot-dot", chart(vec![("demo/../../deckhand-escape", Kind::File(b"x".to_vec()))]), vec![], "`..`"),
        ("windows drive", chart(vec![("C:/deckhand-escape", Kind::File(b"x".to_vec()))]), vec![], "Windows drive"),
        ("top-level file", chart(vec![("Chart.yaml", Kind::File(CHART_YAML.to_vec()))]), vec![], "top level"),
        ("symlink", chart(vec![("demo/templates/link", Kind::Symlink("/etc/passwd"))]), vec![], "symbolic links"),
        ("hard link", chart(vec![("demo/templates/hard", Kind::HardLink("/etc/passwd"))]), vec![], "hard links"),
        ("device", chart(vec![("demo/dev", Kind::CharDevice)]), vec![], "device files"),
        ("fifo", chart(vec![("demo/pipe", Kind::Fifo)]), vec![], "FIFOs"),
        (
            "name dot",
            archive(&[("demo/Chart.yaml", Kind::File(b"apiVersion: v2\nname: .\nversion: 1.0.0\n".to_vec()))]),
            vec![],
            "`name`",
        ),
        (
            "name dot-dot",
            archive(&[("demo/Chart.yaml", Kind::File(b"apiVersion: v2\nname: ..\nversion: 1.0.0\n".to_vec()))]),
            vec![],
            "`name`",
        ),
        (
            "name with separator",
            archive(&[("demo/Chart.yaml", Kind::File(b"apiVersion: v2\nname: ../x\nversion: 1.0.0\n".to_vec()))]),
            vec![],
            "separator",
        ),
        ("no Chart.yaml", archive(&[("demo/values.yaml", Kind::File(b"a: 1\n".to_vec()))]), vec![], "no Chart.yaml"),
        (
            "no apiVersion",
            archive(&[("demo/Chart.yaml", Kind::File(b"name: demo\nversion: 1.0.0\n".to_vec()))]),
            vec![],
            "apiVersion",
        ),
        (
            "bad version",
            archive(&[("demo/Chart.yaml", Kind::File(b"apiVersion: v2\nname: demo\nversion: one\n".to_vec()))]),
            vec![],
            "SemVer",
        ),
        ("one file too big", chart(vec![("demo/big", Kind::File(big.clone()))]), vec![], "--max-file-size"),
        (
            "total too big",
            chart(vec![("demo/a", Kind::File(vec![1; 700_000])), ("demo/b", Kind::File(vec![2; 700_000]))]),
            vec!["--max-size", "1MiB"],
            "--max-size",
        ),
        ("not gzip", b"PK\x03\x04 this is a zip".to_vec(), vec![], "not a gzip"),
        ("gzip but not tar", gzip(b"just some text, not a tar stream at all.................."), vec![], "tar"),
        ("truncated gzip", chart(vec![("demo/x", Kind::File(vec![7; 100_000]))])[..200].to_vec(), vec![], "tar"),
    ];
    for (label, bytes, args, needle) in &corpus {
        assert_refused(label, bytes, args, needle);
    }
}

#[test]
fn a_decompression_bomb_past_the_default_limit_is_refused() {
    // 101 files of 1 MiB of zeros: ~100 KiB compressed, past the default 100 MiB.
    let mut entries = vec![("demo/Chart.yaml", Kind::File(CHART_YAML.to_vec()))];
    let names: Vec<String> = (0..101).map(|i| format!("demo/z{i}")).collect();
    for name in &names {
        entries.push((name.as_str(), Kind::File(vec![0; 1024 * 1024])));
    }
    let bytes = archive(&entries);
    assert!(bytes.len() < 1024 * 1024, "the bomb is small: {}", bytes.len());
    assert_refused("bomb", &bytes, &[], "expands to more than 100.0 MiB");
}

#[test]
fn good_chart_unpacks_like_helm_and_tar() {
    let helm = Helm::new(HELM3);
    let work = tempfile::tempdir().unwrap();
    let archive = helm.package(work.path(), "web", "1.4.2", &work.path().join("pkg"));
    let dest = work.path().join("ours");
    let out = run(step("chart-untar").arg(&archive).arg("-d").arg(&dest).args(["--output", "json"]));
    assert_eq!(out.code, 0, "{out:?}");
    let result: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!((result["chart"].as_str(), result["version"].as_str()), (Some("web"), Some("1.4.2")));
    assert_eq!(listing(&dest), ["web"], "no temp folder left");

    let tar_dir = work.path().join("tar");
    std::fs::create_dir(&tar_dir).unwrap();
    assert_eq!(run(std::process::Command::new("tar").arg("-xzf").arg(&archive).arg("-C").arg(&tar_dir)).code, 0);
    assert_eq!(tree(&dest.join("web")), tree(&tar_dir.join("web")));
    let repo = work.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::fs::copy(&archive, repo.join("web-1.4.2.tgz")).unwrap();
    helm.ok(&["repo", "index", repo.to_str().unwrap()]);
    let server = StaticServer::start(&repo, ServeOptions::default());
    let (pulled, helm_dir) = helm.pull(&["--repo", &server.url(), "web", "--untar"]);
    assert_eq!(pulled.code, 0, "{pulled:?}");
    assert_eq!(tree(&dest.join("web")), tree(&helm_dir.join("web")));
}

#[test]
fn existing_target_needs_force_and_name_renames() {
    let work = tempfile::tempdir().unwrap();
    let archive_path = work.path().join("demo.tgz");
    std::fs::write(
        &archive_path,
        chart(vec![("demo/templates/", Kind::Dir), ("demo/values.yaml", Kind::File(b"replicaCount: 2\n".to_vec()))]),
    )
    .unwrap();
    let dest = work.path().join("d");
    std::fs::create_dir_all(dest.join("demo")).unwrap();
    std::fs::write(dest.join("demo/keep.txt"), "mine").unwrap();

    let out = run(step("chart-untar").arg(&archive_path).arg("-d").arg(&dest));
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("already exists") && out.stderr.contains("--force"), "{out:?}");
    assert_eq!(std::fs::read_to_string(dest.join("demo/keep.txt")).unwrap(), "mine", "untouched");
    assert_eq!(listing(&dest), ["demo"]);

    let out = run(step("chart-untar").arg(&archive_path).arg("-d").arg(&dest).arg("--force"));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(listing(&dest), ["demo"], "replaced whole, nothing left aside");
    assert_eq!(listing(&dest.join("demo")), ["Chart.yaml", "templates", "values.yaml"]);

    let out = run(step("chart-untar").arg(&archive_path).arg("-d").arg(&dest).args(["--name", "renamed"]));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(listing(&dest), ["demo", "renamed"]);
    for bad in [".", "..", "a/b"] {
        let out = run(step("chart-untar").arg(&archive_path).arg("-d").arg(&dest).args(["--name", bad]));
        assert_eq!(out.code, 2, "--name {bad}: {out:?}");
    }
    let out = run(step("chart-untar").arg(work.path().join("missing.tgz")));
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("missing.tgz"), "{out:?}");
}
