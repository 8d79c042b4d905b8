//! chart-untar: a corpus of hostile archives built here, each refused with the entry named, with
//! nothing written outside the temporary folder and no target left; and good charts unpacked
//! exactly as `helm pull --untar` and `tar -xzf` unpack them.

mod interrupt;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use deckhand_tests::*;

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
    let server = StaticServer::start(&repo, &ServeOptions::default());
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

/// A chart whose one extra file has a name longer than the 100 bytes of a ustar header (a GNU
/// long-name record, as GNU tar writes it).
fn chart_with_long_name(name: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in [("demo/Chart.yaml", CHART_YAML), (name, b"x: 1\n".as_slice())] {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o644);
        header.set_size(data.len() as u64);
        builder.append_data(&mut header, path, data).unwrap();
    }
    gzip(&builder.into_inner().unwrap())
}

/// The staging folders chart-untar leaves in `dest`.
fn staging_left(dest: &Path) -> Vec<String> {
    listing(dest).into_iter().filter(|name| name.starts_with(".chart-untar")).collect()
}

/// A name too long for a file system is a bad name, said as such: not a hostile archive.
#[test]
fn over_long_names_are_bad_names_not_hostile_archives() {
    let long_part = format!("demo/templates/{}.yaml", "n".repeat(300));
    let long_path = format!("demo/{}/x.yaml", vec!["d".repeat(200); 25].join("/"));
    for (label, name, needle) in
        [("long part", long_part, "longer than 255 bytes"), ("long path", long_path, "longer than 4095 bytes")]
    {
        let sandbox = tempfile::tempdir().unwrap();
        let archive_path = sandbox.path().join("chart.tgz");
        std::fs::write(&archive_path, chart_with_long_name(&name)).unwrap();
        let out = run(step("chart-untar").arg(&archive_path).arg("-d").arg(sandbox.path()));
        assert_eq!(out.code, 3, "{label}: {out:?}");
        assert!(out.stderr.contains(needle) && out.stderr.contains("file name too long"), "{label}: {out:?}");
        assert!(!out.stderr.contains("do not use it"), "{label}: not called hostile: {out:?}");
        assert_eq!(listing(sandbox.path()), vec!["chart.tgz"], "{label}: nothing left");
    }
}

/// A full disk is a local I/O failure (exit 1), not the archive's fault; nothing is left.
#[test]
fn a_full_disk_is_a_local_io_error() {
    let sandbox = tempfile::tempdir().unwrap();
    let dest = sandbox.path().join("small-disk");
    std::fs::create_dir(&dest).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"]).arg(&dest).status();
    assert!(mounted.is_ok_and(|s| s.success()), "a 1 MiB tmpfs is needed (run as root)");
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(&dest);
    let archive_path = sandbox.path().join("chart.tgz");
    std::fs::write(&archive_path, chart(vec![("demo/files/big", Kind::File(vec![5; 3 * 1024 * 1024]))])).unwrap();
    let out = run(step("chart-untar").arg(&archive_path).arg("-d").arg(&dest));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("No space left on device") && out.stderr.contains("demo/files/big"), "{out:?}");
    assert!(out.stderr.contains("not at fault") && !out.stderr.contains("do not use it"), "{out:?}");
    assert!(listing(&dest).is_empty(), "left {:?}", listing(&dest));
}

/// Limits as large as a u64 goes (a hostile or careless --max-size) do not overflow.
#[test]
fn the_largest_limits_do_not_overflow() {
    let sandbox = tempfile::tempdir().unwrap();
    let archive_path = sandbox.path().join("chart.tgz");
    std::fs::write(&archive_path, chart(vec![("demo/values.yaml", Kind::File(b"a: 1\n".to_vec()))])).unwrap();
    let max = u64::MAX.to_string();
    let out = run(step("chart-untar").arg(&archive_path).arg("-d").arg(sandbox.path()).args([
        "--max-size",
        &max,
        "--max-file-size",
        &max,
    ]));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(std::fs::read(sandbox.path().join("demo/values.yaml")).unwrap(), b"a: 1\n");
}

/// SIGTERM or SIGINT mid-extraction (the archive comes through a FIFO that stalls half way)
/// ends the step with 130 at once and leaves no staging folder.
#[test]
fn a_signal_mid_extraction_leaves_no_staging_folder() {
    let files: Vec<(String, Vec<u8>)> = (0..8)
        .map(|i| (format!("demo/files/f{i}"), (0..512 * 1024).map(|b: i32| (b * 7 + i).to_le_bytes()[0]).collect()))
        .collect();
    let mut entries = vec![("demo/Chart.yaml", Kind::File(CHART_YAML.to_vec()))];
    entries.extend(files.iter().map(|(name, bytes)| (name.as_str(), Kind::File(bytes.clone()))));
    let bytes = archive(&entries);
    for (signal, name) in [(libc::SIGTERM, "SIGTERM"), (libc::SIGINT, "SIGINT")] {
        let sandbox = tempfile::tempdir().unwrap();
        let fifo = sandbox.path().join("chart.tgz");
        let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo(3) with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let dest = sandbox.path().join("dest");
        let mut child = step("chart-untar")
            .arg(&fifo)
            .arg("-d")
            .arg(&dest)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Blocks until the step opens the FIFO; the first half of the archive, then a stall.
        let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        writer.write_all(&bytes[..bytes.len() / 2]).unwrap();
        let deadline = std::time::Instant::now() + interrupt::DEADLINE;
        while !staging_left(&dest).iter().any(|s| dest.join(s).join("files/f0").exists()) {
            assert!(std::time::Instant::now() < deadline, "extraction never started");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        interrupt::signal(&child, signal);
        let out = interrupt::wait_with_deadline(&mut child);
        drop(writer);
        assert_eq!(out.code, 130, "{name}: {out:?}");
        assert!(out.stderr.contains(&format!("stopped by {name}")), "{name}: {out:?}");
        assert!(staging_left(&dest).is_empty(), "{name}: left {:?}", listing(&dest));
    }
}

/// A panic (triggered by the debug-build-only DECKHAND_TEST_PANIC) is one clear "internal error"
/// line asking for a bug report, exit 1, and a failed BK-CI output.json.
#[cfg(debug_assertions)]
#[test]
fn a_panic_is_reported_as_an_internal_error() {
    let bk = tempfile::tempdir().unwrap();
    let out = run(step("chart-untar")
        .arg("chart.tgz")
        .env("DECKHAND_TEST_PANIC", "1")
        .env("bk_data_dir", bk.path())
        .env("bk_data_output", "output.json"));
    assert_eq!(out.code, 1, "{out:?}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {out:?}");
    assert!(lines[0].contains("internal error") && lines[0].contains("report it"), "{out:?}");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bk.path().join("output.json")).unwrap()).unwrap();
    assert_eq!(written["status"], "failure");
    assert_eq!(written["errorType"], 3, "a plugin error: {written}");
    assert!(written["message"].as_str().unwrap().contains("internal error"), "{written}");
}

/// chart-untar with no language set in its environment (tests may add one).
fn untar_without_language() -> Command {
    let mut cmd = step("chart-untar");
    for var in ["LANG", "LC_ALL", "LC_MESSAGES", "DECKHAND_LANG", "BK_CI_LOCALE_LANGUAGE"] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs chart-untar on an archive with a `..` entry, with `configure` choosing the language.
fn dot_dot_refusal(configure: impl FnOnce(&mut Command)) -> Run {
    let sandbox = tempfile::tempdir().unwrap();
    let archive_path = sandbox.path().join("chart.tgz");
    std::fs::write(&archive_path, chart(vec![("demo/../../deckhand-escape", Kind::File(b"x".to_vec()))])).unwrap();
    let dest = sandbox.path().join("dest");
    let mut cmd = untar_without_language();
    cmd.arg(&archive_path).arg("-d").arg(&dest);
    configure(&mut cmd);
    let out = run(&mut cmd);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(listing(&dest).is_empty(), "left {:?}", listing(&dest));
    out
}

#[test]
fn a_dot_dot_path_is_refused_in_chinese_under_a_chinese_locale() {
    let out = dot_dot_refusal(|cmd| {
        cmd.env("LANG", "zh_CN.UTF-8");
    });
    assert!(out.stderr.contains("已拒绝归档条目 \"demo/../../deckhand-escape\"：路径中不允许出现 `..`"), "{out:?}");
    assert!(out.stderr.contains("这不是 helm 会接受的 Chart 归档，请勿使用，并核实它的来源"), "{out:?}");
}

#[test]
fn a_dot_dot_path_is_refused_in_chinese_with_the_lang_flag() {
    let out = dot_dot_refusal(|cmd| {
        cmd.args(["--lang", "zh-CN"]).env("LANG", "en_US.UTF-8");
    });
    assert!(out.stderr.contains("已拒绝归档条目 \"demo/../../deckhand-escape\"：路径中不允许出现 `..`"), "{out:?}");
}

#[test]
fn english_is_the_default_language() {
    let out = dot_dot_refusal(|_| {});
    assert!(
        out.stderr
            .contains("refused archive entry \"demo/../../deckhand-escape\": `..` path components are not allowed"),
        "{out:?}"
    );
    assert!(out.stderr.contains("this archive is not a chart helm would accept"), "{out:?}");
    assert!(!out.stderr.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "no Chinese: {out:?}");
}

#[test]
fn the_result_is_in_chinese_under_a_chinese_locale() {
    let work = tempfile::tempdir().unwrap();
    let archive_path = work.path().join("demo.tgz");
    std::fs::write(&archive_path, chart(vec![])).unwrap();
    let dest = work.path().join("out");
    let out = run(untar_without_language().arg(&archive_path).arg("-d").arg(&dest).env("LANG", "zh_CN.UTF-8"));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("已将 demo 0.1.0 解压到") && out.stdout.contains("（1 个文件，"), "{out:?}");
    let json = run(untar_without_language()
        .arg(&archive_path)
        .arg("-d")
        .arg(&dest)
        .args(["--force", "--output", "json"])
        .env("LANG", "zh_CN.UTF-8"));
    assert_eq!(json.code, 0, "{json:?}");
    let result: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(result["chart"], "demo", "JSON keys and values stay as they are: {result}");
}
