//! chart-fetch reads a repository index exactly as helm 3.17.3 does: a differential test. Each
//! named case is a tricky index (quoting, block scalars, anchors, merge keys, repeated keys at
//! every level, JSON, comments, CRLF, BOM, flow style, fake `entries:` inside strings, invalid
//! entries, tabs...) served on loopback with real archives; `helm pull` and `chart-fetch` run
//! with the same arguments and must fetch the same file (same bytes) or both refuse.

use std::path::{Path, PathBuf};

use deckhand_tests::*;

const VERSIONS: [&str; 6] = ["0.9.0", "1.0.0", "1.1.0", "1.2.0", "2.0.0-rc.1", "2.0.0"];

struct Case {
    name: &'static str,
    index: String,
    args: &'static [&'static str],
}

/// What a pull ended with.
#[derive(Debug, PartialEq)]
enum Outcome {
    Fetched(String, Vec<u8>),
    Refused,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Fetched(name, bytes) => write!(f, "fetched {name} ({} bytes)", bytes.len()),
            Outcome::Refused => f.write_str("refused"),
        }
    }
}

/// One block-style entry of demo at `version`, downloading `demo-<file>.tgz`, with `extra` lines.
fn entry(version: &str, file: &str, extra: &str) -> String {
    format!("  - name: demo\n    version: {version}\n    urls:\n    - demo-{file}.tgz\n{extra}")
}

fn plain(version: &str) -> String {
    entry(version, version, "")
}

fn index(entries: &str) -> String {
    format!("apiVersion: v1\nentries:\n  demo:\n{entries}generated: \"2026-01-01T00:00:00Z\"\n")
}

fn json_entry(version: &str) -> String {
    format!(r#"{{"name":"demo","version":"{version}","urls":["demo-{version}.tgz"]}}"#)
}

fn json(entries: &str) -> String {
    format!(r#"{{"apiVersion":"v1","entries":{{{entries}}}}}"#)
}

fn other(extra: &str) -> String {
    format!("  other:\n  - name: other\n    version: 1.0.0\n    urls:\n    - other-1.0.0.tgz\n{extra}")
}

fn cases() -> Vec<Case> {
    let two = format!("{}{}", plain("1.0.0"), plain("1.1.0"));
    let base = index(&two);
    let fake = "entries:\n  demo:\n  - name: demo\n    version: 9.9.9\n    urls: [demo-2.0.0.tgz]";
    let c = |name, index: String, args| Case { name, index, args };
    vec![
        c("helm_layout", base.clone(), &[]),
        c("constraint", base.clone(), &["--version", "~1.0"]),
        c("exact_version", base.clone(), &["--version", "1.0.0"]),
        c("no_match", base.clone(), &["--version", "^3"]),
        c("prerelease_not_by_default", index(&format!("{two}{}", plain("2.0.0-rc.1"))), &[]),
        c("prerelease_with_devel", index(&format!("{two}{}", plain("2.0.0-rc.1"))), &["--devel"]),
        c("prerelease_in_constraint", index(&format!("{two}{}", plain("2.0.0-rc.1"))), &["--version", ">=2.0.0-0"]),
        c("prerelease_leading_zero", index(&format!("{two}{}", entry("2.0.0-01", "2.0.0", ""))), &["--devel"]),
        c("v_prefix", index(&format!("{two}{}", entry("v1.2.0", "1.2.0", ""))), &[]),
        c("same_version_twice", index(&format!("{}{}", entry("1.2.0", "1.0.0", ""), plain("1.2.0"))), &[]),
        c("comments", base.replace("  demo:\n", "# top\n  demo: # chart\n  # between\n"), &[]),
        c("crlf", base.replace('\n', "\r\n"), &[]),
        c("utf8_bom", format!("\u{feff}{base}"), &[]),
        c("tab_in_indentation", index(&plain("1.2.0").replace("    version", "\tversion")), &[]),
        c("tab_after_colon", index(&plain("1.2.0").replace("version: ", "version:\t")), &[]),
        c("quoted_styles", index(&format!("{two}  - name: 'demo'\n    version: \"1.2.0\"\n    urls: ['demo-1.2.0.tgz']\n")), &[]),
        c("quoted_chart_key", base.replace("  demo:\n", "  \"demo\":\n"), &[]),
        c("complex_key", base.replace("  demo:\n", "  ? demo\n  :\n"), &[]),
        c("flow_style", "{apiVersion: v1, entries: {demo: [{name: demo, version: 1.2.0, urls: [demo-1.2.0.tgz]}, {name: demo, version: 1.0.0, urls: [demo-1.0.0.tgz]}]}}\n".into(), &[]),
        c("block_scalars", index(&format!("{two}{}", entry("1.2.0", "1.2.0", "    description: |2\n        indented\n      text\n    home: >-\n      folded\n      text\n"))), &[]),
        c("fake_entries_in_block_scalar", index(&entry("1.0.0", "1.0.0", &format!("    description: |\n{}\n", fake.lines().map(|l| format!("      {l}")).collect::<Vec<_>>().join("\n")))), &[]),
        c("fake_entries_in_quoted_annotation", index(&entry("1.0.0", "1.0.0", &format!("    annotations:\n      note: \"x\n\n{fake}\n      \"\n"))), &[]),
        c("fake_entries_in_quoted_top_annotation", format!("apiVersion: v1\nannotations:\n  note: \"x\n{fake}\n  \"\n{}", &base[15..]), &[]),
        c("fake_entries_in_single_quoted_top_annotation", format!("apiVersion: v1\nannotations:\n  note: 'x\n{fake}\n  '\n{}", &base[15..]), &[]),
        c("fake_entries_after_empty_block_scalar", format!("apiVersion: v1\nentries:\n{}    description: |-\n{fake}\n", other("")), &[]),
        c("anchor_and_alias_list", format!("apiVersion: v1\nentries:\n  old: &list\n{}  demo: *list\n", plain("1.2.0")), &[]),
        c("alias_to_a_string_as_chart", "apiVersion: v1\nentries:\n  demo:\n  - name: demo\n    version: &v 1.2.0\n    urls: [demo-1.2.0.tgz]\n  other: *v\n".into(), &[]),
        c("merge_key", index(&format!("  - &base\n    name: demo\n    urls: [demo-1.2.0.tgz]\n    version: 1.2.0\n  - <<: *base\n{}", plain("1.0.0"))), &[]),
        c("merge_key_overriding", index("  - &base\n    name: demo\n    urls: [demo-1.0.0.tgz]\n    version: 1.0.0\n  - <<: *base\n    version: 1.2.0\n"), &[]),
        c("merge_from_unknown_top_key", "apiVersion: v1\nbase: &b {name: demo, urls: [demo-1.2.0.tgz]}\nentries:\n  demo:\n  - <<: *b\n    version: 1.2.0\n".into(), &[]),
        c("duplicate_entries", format!("{base}entries:\n  demo:\n{}", plain("1.2.0")), &[]),
        c("duplicate_chart", format!("apiVersion: v1\nentries:\n  demo:\n{two}  demo:\n{}", plain("1.2.0")), &[]),
        c("duplicate_other_chart", format!("apiVersion: v1\nentries:\n  demo:\n{two}{}{}", other(""), other("")), &[]),
        c("duplicate_version_field", index(&format!("{}{}", plain("1.0.0"), entry("1.1.0", "1.1.0", "    version: 1.2.0\n"))), &[]),
        c("duplicate_api_version", format!("{base}apiVersion: v2\n"), &[]),
        c("field_case_variant", index(&format!("{}  - name: demo\n    Version: 1.2.0\n    urls: [demo-1.2.0.tgz]\n", plain("1.0.0"))), &[]),
        c("field_case_both", index(&format!("{}  - name: demo\n    Version: 1.2.0\n    version: 1.1.0\n    urls: [demo-1.1.0.tgz]\n", plain("1.0.0"))), &[]),
        c("top_case_variants", "APIVERSION: v1\nEntries:\n  demo:\n".to_string() + &plain("1.0.0"), &[]),
        c("unknown_top_field", format!("{base}foo: bar\n"), &[]),
        c("unknown_entry_field", index(&format!("{}{}", entry("1.0.0", "1.0.0", "    foo: bar\n"), plain("1.1.0"))), &[]),
        c("number_version", index(&format!("  - name: demo\n    version: 1.10\n    urls: [demo-1.2.0.tgz]\n{}", plain("1.0.0"))), &[]),
        c("number_app_version_elsewhere", format!("apiVersion: v1\nentries:\n  demo:\n{}{}", plain("1.0.0"), other("    appVersion: 1.0\n")), &[]),
        c("yes_in_description", index(&entry("1.0.0", "1.0.0", "    description: yes\n")), &[]),
        c("yaml11_on_in_description", index(&entry("1.0.0", "1.0.0", "    description: on\n")), &[]),
        c("yaml11_underscored_number", index(&entry("1.0.0", "1.0.0", "    description: 1_000\n")), &[]),
        c("yaml11_binary_number", index(&entry("1.0.0", "1.0.0", "    description: 0b101\n")), &[]),
        c("yaml11_octal_number", index(&entry("1.0.0", "1.0.0", "    description: 017\n")), &[]),
        c("yaml_infinity", index(&entry("1.0.0", "1.0.0", "    description: .inf\n")), &[]),
        c("yaml_timestamp_stays_a_string", index(&entry("1.0.0", "1.0.0", "    description: 2001-12-14t21:59:43.10-05:00\n")), &[]),
        c("tag_str", index(&entry("1.0.0", "1.0.0", "    description: !!str 1.0\n")), &[]),
        c("tag_int", index(&entry("1.0.0", "1.0.0", "    description: !!int 3\n")), &[]),
        c("string_deprecated", index(&entry("1.0.0", "1.0.0", "    deprecated: \"true\"\n")), &[]),
        c("bad_generated_time", base.replace("\"2026-01-01T00:00:00Z\"", "2026-01-01"), &[]),
        c("number_in_top_annotations", format!("{base}annotations:\n  n: 1\n"), &[]),
        c("invalid_entries_skipped", index(&format!("  - version: 1.2.0\n    urls: [demo-1.2.0.tgz]\n{}{}{}", entry("2.0.0", "2.0.0", "    type: foo\n"), entry("1.2.0", "1.2.0", "    maintainers:\n    -\n"), plain("1.0.0"))), &[]),
        c("null_entry", index(&format!("  -\n{}", plain("1.0.0"))), &[]),
        c("null_chart", "apiVersion: v1\nentries:\n  demo:\n".into(), &[]),
        c("null_entries", "apiVersion: v1\nentries:\n".into(), &[]),
        c("empty_index", String::new(), &[]),
        c("no_api_version", format!("entries:\n  demo:\n{}", plain("1.0.0")), &[]),
        c("two_documents", format!("{base}---\napiVersion: v1\nentries:\n  demo:\n{}", plain("1.2.0")), &[]),
        c("json", json(&format!("\"demo\":[{},{}]", json_entry("1.0.0"), json_entry("1.1.0"))), &[]),
        c("json_duplicate_chart", json(&format!("\"demo\":[{}],\"demo\":[{}]", json_entry("1.2.0"), json_entry("1.0.0"))), &[]),
        c("json_duplicate_entries", format!(r#"{{"apiVersion":"v1","entries":{{"demo":[{}]}},"entries":{{"other":[]}}}}"#, json_entry("1.0.0")), &[]),
        c("json_duplicate_version", json(&format!("\"demo\":[{}]", json_entry("1.2.0").replace("\"version\"", "\"version\":\"1.0.0\",\"version\"").replace("1.2.0.tgz", "1.0.0.tgz"))), &[]),
        c("json_case_insensitive", r#"{"APIVersion":"v1","Entries":{"demo":[{"Name":"demo","VERSION":"1.2.0","URLs":["demo-1.2.0.tgz"]}]}}"#.into(), &[]),
        c("json_unknown_fields", json(&format!("\"demo\":[{}]", json_entry("1.0.0").replace("{\"name\"", "{\"foo\":1,\"name\""))), &[]),
        c("json_number_version", json(&format!("\"demo\":[{}]", json_entry("1.0.0").replace("\"1.0.0\"", "1.0"))), &[]),
        c("json_null_entry", json(&format!("\"demo\":[null,{}]", json_entry("1.0.0"))), &[]),
        c("json_with_bom", format!("\u{feff}{}", json(&format!("\"demo\":[{}]", json_entry("1.0.0")))), &[]),
        c("json_then_text", format!("{}\n{{\"x\":1}}", json(&format!("\"demo\":[{}]", json_entry("1.2.0")))), &[]),
    ]
}

/// The archives, built once with helm.
fn archives(work: &Path) -> PathBuf {
    let helm = Helm::new(HELM3);
    let out = work.join("charts");
    for v in VERSIONS {
        helm.package(work, "demo", v, &out);
    }
    helm.package(work, "other", "1.0.0", &out);
    out
}

fn outcome(code: i32, dir: &Path) -> Outcome {
    if code != 0 {
        return Outcome::Refused;
    }
    let (name, bytes) = only_file(dir);
    Outcome::Fetched(name, bytes)
}

#[test]
fn reads_every_tricky_index_as_helm_3_17_3_does() {
    let work = tempfile::tempdir().unwrap();
    let charts = archives(work.path());
    let root = work.path().join("www");
    let cases = cases();
    for case in &cases {
        let dir = root.join(case.name);
        std::fs::create_dir_all(&dir).unwrap();
        for archive in std::fs::read_dir(&charts).unwrap() {
            let path = archive.unwrap().path();
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
        std::fs::write(dir.join("index.yaml"), &case.index).unwrap();
    }
    let server = StaticServer::start(&root, &ServeOptions::default());
    let helm = Helm::new(HELM3);
    let mut differences = Vec::new();
    for case in &cases {
        let url = format!("{}/{}", server.url(), case.name);
        let mut args = vec!["--repo", url.as_str(), "demo"];
        args.extend(case.args);
        let (theirs, helm_dir) = helm.pull(&args);
        let (ours, dest) = fetch(&args);
        let (helm_outcome, our_outcome) = (outcome(theirs.code, &helm_dir), outcome(ours.code, dest.path()));
        if helm_outcome != our_outcome {
            differences.push(format!(
                "case {}: helm {helm_outcome}, chart-fetch {our_outcome}\n  helm: {}\n  chart-fetch: {}",
                case.name,
                theirs.stderr.trim(),
                ours.stderr.trim()
            ));
        }
        std::fs::remove_dir_all(helm_dir).unwrap();
    }
    assert!(
        differences.is_empty(),
        "{} of {} cases differ from helm {HELM3}:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
}

#[test]
fn an_index_past_the_limit_is_refused_while_read() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    Helm::new(HELM3).package(dir.path(), "demo", "1.0.0", &repo);
    let filler: String = (0..400).map(|i| other("").replace("other", &format!("chart-{i:03}"))).collect();
    let text = format!("apiVersion: v1\nentries:\n{filler}  demo:\n{}", plain("1.0.0"));
    assert!(text.len() > 20 * 1024, "the index is bigger than the limit below");
    std::fs::write(repo.join("index.yaml"), text).unwrap();
    let server = StaticServer::start(&repo, &ServeOptions::default());
    let url = server.url();
    let (ours, dest) = fetch(&["--repo", &url, "demo", "--max-index-size", "16KiB"]);
    assert_eq!(ours.code, 3, "{ours:?}");
    assert!(ours.stderr.contains("larger than the --max-index-size limit (16.0 KiB)"), "{ours:?}");
    assert!(ours.stderr.contains("raise the limit, e.g. --max-index-size"), "{ours:?}");
    assert!(listing(dest.path()).is_empty());
    let (ours, dest) = fetch(&["--repo", &url, "demo", "--max-index-size", "1MiB"]);
    assert_eq!(ours.code, 0, "{ours:?}");
    assert_eq!(listing(dest.path()), ["demo-1.0.0.tgz"]);
}
