//! Reading a repository's `index.yaml` (or JSON) for ONE chart, exactly as helm 3.17.3 reads it:
//! the whole index is checked against helm's types (one bad entry anywhere makes helm refuse the
//! index, so it makes us refuse it too), but only the wanted chart's entries are built. Then the
//! version is chosen as helm chooses it.
//!
//! Helm decodes JSON (when the body is valid JSON) with `encoding/json`, and YAML with
//! sigs.k8s.io/yaml in strict mode: go-yaml v2 refuses repeated keys, and unknown fields are
//! refused. The `schema` module reproduces both. A block-style index in the usual layout is first proved
//! acceptable by the `scan` module, a line scanner that walks the whole document much faster than a YAML
//! parser, and then only the chart's own lines are parsed; anything the scanner cannot prove
//! goes through the full parse.

mod scan;
mod schema;

use std::cell::RefCell;

use chart_untar::metadata::parse_version;
use semver::Version;
use serde::de::IgnoredAny;

use crate::constraint::Constraint;
use crate::messages;
use schema::{decode, Decoded, Dialect, RawEntry};

/// One version of the chart, as the index describes it.
#[derive(Debug, Clone)]
pub struct ChartVersion {
    pub name: String,
    /// The version string as written in the index.
    pub version: String,
    pub semver: Version,
    pub app_version: Option<String>,
    pub deprecated: bool,
    pub urls: Vec<String>,
    /// Lowercase hex SHA-256 of the archive, when the index has one.
    pub digest: Option<String>,
}

/// What the index says about the wanted chart.
#[derive(Debug, Default)]
pub struct IndexSlice {
    pub api_version: Option<String>,
    /// `None` when the chart is not in the index.
    pub versions: Option<Vec<ChartVersion>>,
    /// Entries skipped as invalid, with the reason (helm skips them with a warning too).
    pub skipped: Vec<String>,
    /// How many charts the index lists.
    pub chart_count: usize,
}

/// Why an index could not be read.
#[derive(Debug)]
pub struct IndexError(pub String);

/// Parses `body` (JSON when it is valid JSON, else YAML) and keeps only `chart`'s entries.
pub fn read_index(body: &[u8], chart: &str) -> Result<IndexSlice, IndexError> {
    if body.is_empty() {
        return Err(IndexError(messages::index_empty()));
    }
    let (decoded, chart_count) = decode_any(body, chart)?;
    if decoded.api_version.is_empty() {
        return Err(IndexError(messages::index_no_api_version()));
    }
    let mut slice = IndexSlice {
        api_version: Some(decoded.api_version),
        chart_count: chart_count.unwrap_or(decoded.charts.len()),
        ..Default::default()
    };
    if let Some(entries) = decoded.wanted {
        let mut versions = Vec::with_capacity(entries.len());
        for entry in entries {
            match chart_version(entry, chart) {
                Ok(v) => versions.push(v),
                Err(why) => slice.skipped.push(why),
            }
        }
        // Highest first; stable, so equal versions keep the index's order (as Go's sort does
        // for the short lists it sorts by insertion).
        versions.sort_by(|a, b| b.semver.cmp_precedence(&a.semver));
        slice.versions = Some(versions);
    }
    Ok(slice)
}

/// The decoded index, and the chart count when the scanner counted them.
fn decode_any(body: &[u8], chart: &str) -> Result<(Decoded, Option<usize>), IndexError> {
    // helm: `json.Valid(b)` picks encoding/json; a BOM or trailing text makes it YAML.
    if serde_json::from_slice::<IgnoredAny>(body).is_ok() {
        let mut de = serde_json::Deserializer::from_slice(body);
        let decoded =
            decode(&mut de, Dialect::Json, chart).map_err(|e| IndexError(messages::index_bad_json(&e.to_string())))?;
        return Ok((decoded, None));
    }
    let text = std::str::from_utf8(body).map_err(|e| IndexError(messages::index_not_utf8(&e.to_string())))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(found) = scan::scan(text, chart) {
        return Ok((parse_yaml(&found.document, chart)?, Some(found.chart_count)));
    }
    Ok((parse_yaml(first_document(text), chart)?, None))
}

/// go-yaml v2 reads the first document and stops there: what follows a later `---` or `...`
/// line, or the end of a flow mapping at the top (`{...}` then anything), is never read.
fn first_document(text: &str) -> &str {
    if text.trim_start().starts_with('{') {
        let mut values = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
        if let Some(Ok(_)) = values.next() {
            return &text[..values.byte_offset()];
        }
    }
    let mut started = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let marker = ["---", "..."].iter().any(|m| {
            line.strip_prefix(m).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\n', '\r', '\t']))
        });
        let bare = line.trim_start();
        if marker && started {
            return &text[..offset];
        }
        if marker || !(bare.is_empty() || bare.starts_with('#') || (!started && line.starts_with('%'))) {
            started = true;
        }
        offset += line.len();
    }
    text
}

fn parse_yaml(text: &str, chart: &str) -> Result<Decoded, IndexError> {
    WANTED.with(|w| *w.borrow_mut() = chart.to_string());
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: usize::MAX,
            max_nodes: usize::MAX,
            max_total_scalar_bytes: text.len() + 1,
        },
        // `<<` is expanded by schema.rs, which refuses keys set twice as go-yaml v2 strict does.
        merge_keys: serde_saphyr::MergeKeyPolicy::AsOrdinary,
        // YAML 1.1, as go-yaml v2: `010` is octal (and `yes`/`no` are booleans, the default).
        legacy_octal_numbers: true,
    };
    serde_saphyr::from_str_with_options::<ViaWanted>(text, options)
        .map(|v| v.0)
        .map_err(|e| IndexError(messages::index_bad_yaml(e.to_string().lines().next().unwrap_or_default())))
}

thread_local! {
    /// serde-saphyr has no seeded entry point, so the wanted chart reaches [`ViaWanted`] this way.
    static WANTED: RefCell<String> = const { RefCell::new(String::new()) };
}

struct ViaWanted(Decoded);

impl<'de> serde::Deserialize<'de> for ViaWanted {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let chart = WANTED.with(|w| w.borrow().clone());
        decode(d, Dialect::Yaml, &chart).map(ViaWanted)
    }
}

/// helm's `Metadata.Validate` on an entry (an invalid one is skipped with a warning), after its
/// `sanitizeString`: white space becomes a space, other unprintable characters go.
fn chart_version(entry: RawEntry, chart: &str) -> Result<ChartVersion, String> {
    let name = sanitize(&entry.name);
    let version = sanitize(&entry.version);
    let invalid = |reason: &str| messages::invalid_entry(chart, &version, reason, &name);
    if name.is_empty() {
        return Err(invalid("no-name"));
    }
    // Go: `name != filepath.Base(name)`.
    if name.contains('/') && name != "/" {
        return Err(invalid("name-not-segment"));
    }
    // Stricter than helm, which takes an entry under `demo` that names another chart: the name is
    // printed and reported as what was fetched, so it must be the chart asked for.
    if name != chart {
        return Err(invalid("names-another-chart"));
    }
    if version.is_empty() {
        return Err(invalid("no-version"));
    }
    let semver = parse_version(&version).ok_or_else(|| invalid("not-semver"))?;
    if !matches!(sanitize(&entry.kind).as_str(), "" | "application" | "library") {
        return Err(invalid("bad-type"));
    }
    if entry.maintainers.iter().any(Option::is_none) {
        return Err(invalid("empty-maintainer"));
    }
    for dependency in &entry.dependencies {
        let Some(dependency) = dependency else { return Err(invalid("empty-dependency")) };
        let alias = sanitize(&dependency.alias);
        if !alias.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return Err(invalid("bad-alias"));
        }
    }
    let digest = Some(entry.digest.trim().to_ascii_lowercase()).filter(|d| !d.is_empty());
    Ok(ChartVersion {
        name,
        version,
        semver,
        app_version: Some(sanitize(&entry.app_version)).filter(|a| !a.is_empty()),
        deprecated: entry.deprecated,
        urls: entry.urls,
        digest: digest.map(|d| d.strip_prefix("sha256:").map(str::to_string).unwrap_or(d)),
    })
}

fn sanitize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

/// Chooses a version as `helm pull` does: no version means the latest stable release (or, with
/// `devel`, the latest including prereleases); a version is first matched exactly as written,
/// then read as a constraint and the highest match wins.
pub fn select<'a>(
    versions: &'a [ChartVersion],
    requested: Option<&str>,
    devel: bool,
) -> Result<Option<&'a ChartVersion>, String> {
    let constraint = match requested {
        None if devel => Constraint::parse(">0.0.0-0")?,
        None => Constraint::any_release(),
        Some(wanted) => {
            if let Some(exact) = versions.iter().find(|v| v.version == wanted) {
                return Ok(Some(exact));
            }
            Constraint::parse(wanted)?
        }
    };
    Ok(versions.iter().find(|v| constraint.matches(&v.semver)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = r#"
apiVersion: v1
entries:
  other:
  - name: other
    version: 9.9.9
    urls: [other-9.9.9.tgz]
  demo:
  - name: demo
    version: 1.2.0
    digest: sha256:ABCDEF
    urls: [charts/demo-1.2.0.tgz]
  - name: demo
    version: 2.0.0-rc.1
    urls: [charts/demo-2.0.0-rc.1.tgz]
  - name: demo
    version: not-a-version
    urls: [x.tgz]
  - name: demo
    version: 1.10.1
    deprecated: true
    urls: [https://cdn.example/demo-1.10.1.tgz]
generated: "2026-01-01T00:00:00Z"
"#;

    fn versions(index: &str, chart: &str) -> Vec<String> {
        let slice = read_index(index.as_bytes(), chart).unwrap();
        slice.versions.unwrap().iter().map(|v| v.version.clone()).collect()
    }

    #[test]
    fn keeps_only_the_wanted_chart_sorted_highest_first() {
        let slice = read_index(INDEX.as_bytes(), "demo").unwrap();
        let versions: Vec<_> = slice.versions.as_ref().unwrap().iter().map(|v| v.version.as_str()).collect();
        assert_eq!(versions, ["2.0.0-rc.1", "1.10.1", "1.2.0"]);
        assert_eq!(slice.skipped.len(), 1, "{:?}", slice.skipped);
        assert_eq!(slice.chart_count, 2);
        assert_eq!(slice.versions.unwrap()[2].digest.as_deref(), Some("abcdef"));
        assert!(read_index(INDEX.as_bytes(), "absent").unwrap().versions.is_none());
    }

    #[test]
    fn the_scan_and_the_full_parse_agree() {
        let block = INDEX.replace("urls: [", "urls:\n    - ").replace(".tgz]", ".tgz");
        let fast = scan::scan(&block, "demo").expect("a helm-style index takes the fast path");
        assert_eq!(fast.chart_count, 2);
        assert!(fast.document.contains("1.10.1") && !fast.document.contains("9.9.9"), "{}", fast.document);
        let full = parse_yaml(&block, "demo").unwrap();
        assert_eq!(full.wanted.unwrap().len(), 4);
        assert_eq!(versions(&block, "demo"), versions(INDEX, "demo"));
        let flow = "apiVersion: v1\nentries: {demo: [{name: demo, version: 1.0.0, urls: [a.tgz]}]}\n";
        assert!(scan::scan(flow, "demo").is_none(), "flow style takes the full parse");
        assert_eq!(versions(flow, "demo"), ["1.0.0"]);
    }

    /// The chart's versions (sorted) from a decoded index.
    fn found(decoded: Decoded) -> Option<Vec<String>> {
        let mut versions: Vec<String> = decoded.wanted?.into_iter().map(|e| e.version).collect();
        versions.sort();
        Some(versions)
    }

    #[test]
    fn whatever_the_scan_accepts_reads_as_the_full_parse_reads_it() {
        let base = "apiVersion: v1\nentries:\n  other:\n  - name: other\n    version: 9.9.9\n    description: |\n      entries:\n    urls:\n    - other.tgz\n  demo:\n  - name: demo\n    version: 1.2.0\n    created: \"2026-01-01T00:00:00Z\"\n    urls:\n    - demo.tgz\n    maintainers:\n    - name: me\n    annotations:\n      a: b\ngenerated: \"2026-01-01T00:00:00Z\"\n";
        let lines: Vec<&str> = base.lines().collect();
        let values = [
            "1.0", "yes", "\"x\"", "'x'", "|", "[]", "{}", "~", "&a x", "*a", "!!str x", "- x", "x: y", "x #c", "\"x",
            "",
        ];
        let mut mutants = Vec::new();
        for i in 0..lines.len() {
            let mut edit = |f: &dyn Fn(&str) -> String| {
                let mut copy: Vec<String> = lines.iter().map(std::string::ToString::to_string).collect();
                copy[i] = f(lines[i]);
                mutants.push(copy.join("\n") + "\n");
            };
            edit(&|_| String::new());
            edit(&|l| format!("{l}\n{l}"));
            edit(&|l| format!(" {l}"));
            edit(&|l| l.strip_prefix(' ').unwrap_or(l).to_string());
            edit(&|l| format!("{l}\n{}foo: bar", " ".repeat(l.len() - l.trim_start().len())));
            for value in values {
                edit(&|l| match l.split_once(": ") {
                    Some((key, _)) => format!("{key}: {value}"),
                    None => format!("{l} {value}"),
                });
            }
        }
        let mut fast = 0;
        for text in &mutants {
            let Some(scanned) = scan::scan(text, "demo") else { continue };
            fast += 1;
            let sliced = parse_yaml(&scanned.document, "demo").map(found);
            // The scan proves the whole index acceptable, so the full parse must accept it too.
            let whole = parse_yaml(first_document(text), "demo");
            let whole =
                whole.unwrap_or_else(|e| panic!("the scan accepted what the full parse refuses ({}):\n{text}", e.0));
            assert_eq!(scanned.chart_count, whole.charts.len(), "{text}");
            assert_eq!(sliced.ok(), Some(found(whole)), "{text}");
        }
        assert!(fast > mutants.len() / 4, "the scan takes most plain edits ({fast} of {})", mutants.len());
    }

    #[test]
    fn json_reads_as_encoding_json_reads_it() {
        let entry = |v: &str| format!(r#"{{"name":"demo","version":"{v}","urls":["demo-{v}.tgz"]}}"#);
        let json = format!(r#"{{"apiVersion":"v1","entries":{{"demo":[{}]}}}}"#, entry("0.3.0"));
        assert_eq!(versions(&json, "demo"), ["0.3.0"]);
        // Repeated keys: the last wins; a repeated `entries` adds to the first.
        let twice =
            format!(r#"{{"apiVersion":"v1","entries":{{"demo":[{}],"demo":[{}]}}}}"#, entry("2.0.0"), entry("1.0.0"));
        assert_eq!(versions(&twice, "demo"), ["1.0.0"]);
        let merged = format!(r#"{{"apiVersion":"v1","entries":{{"demo":[{}]}},"Entries":{{"x":[]}}}}"#, entry("1.0.0"));
        assert_eq!(read_index(merged.as_bytes(), "demo").unwrap().chart_count, 2);
        let case = format!(r#"{{"APIVersion":"v1","ENTRIES":{{"demo":[{}]}}}}"#, entry("1.0.0"));
        assert_eq!(versions(&case, "demo"), ["1.0.0"]);
    }

    #[test]
    fn yaml_reads_as_strict_go_yaml_v2_reads_it() {
        let refused = [
            INDEX.replace("  other:", "  other:\n  - name: other\n    version: 1.0.0\n    urls: []\n  other:"),
            INDEX.replace("version: 9.9.9", "version: 9.9.9\n    foo: bar"),
            INDEX.replace("version: 9.9.9", "version: 9.9"),
            INDEX.replace("version: 9.9.9", "version: 9.9.9\n    deprecated: \"yes\""),
            INDEX.replace("  other:", "  other:\n  -"),
            INDEX.replace("\"2026-01-01T00:00:00Z\"", "2026-01-01"),
            format!("{INDEX}entries: {{}}\n"),
        ];
        for index in refused {
            assert!(read_index(index.as_bytes(), "demo").is_err(), "{index}");
        }
        // sigs.k8s.io/yaml sorts keys: of `Version` and `version`, `version` is applied last.
        let case = "apiVersion: v1\nentries:\n  demo:\n  - name: demo\n    version: 1.0.0\n    Version: 2.0.0\n";
        assert_eq!(versions(case, "demo"), ["1.0.0"]);
        let merge =
            "apiVersion: v1\nentries:\n  demo:\n  - &a {name: demo, urls: [a.tgz], version: 1.0.0}\n  - <<: *a\n";
        assert_eq!(versions(merge, "demo"), ["1.0.0", "1.0.0"]);
        assert!(read_index(merge.replace("<<: *a", "<<: *a\n    version: 2.0.0").as_bytes(), "demo").is_err());
        let two_docs = format!("{INDEX}---\nnot: [an index\n");
        assert_eq!(versions(&two_docs, "demo").len(), 3, "only the first document is read");
    }

    #[test]
    fn selection_follows_helm() {
        let slice = read_index(INDEX.as_bytes(), "demo").unwrap();
        let vs = slice.versions.unwrap();
        let pick = |req: Option<&str>, devel| select(&vs, req, devel).unwrap().map(|v| v.version.clone());
        assert_eq!(pick(None, false).as_deref(), Some("1.10.1"));
        assert_eq!(pick(None, true).as_deref(), Some("2.0.0-rc.1"));
        assert_eq!(pick(Some("~1.2"), false).as_deref(), Some("1.2.0"));
        assert_eq!(pick(Some("^1"), false).as_deref(), Some("1.10.1"));
        assert_eq!(pick(Some(">=2.0.0-0"), false).as_deref(), Some("2.0.0-rc.1"));
        assert_eq!(pick(Some("2.0.0-rc.1"), false).as_deref(), Some("2.0.0-rc.1"));
        assert_eq!(pick(Some("^3"), false), None);
        assert!(select(&vs, Some("latest"), false).is_err());
    }

    #[test]
    fn malformed_indexes_are_errors() {
        assert!(read_index(b"entries: {}\n", "demo").is_err(), "no apiVersion");
        assert!(read_index(b"<html>404</html>", "demo").is_err());
        assert!(read_index(b"apiVersion: v1\nentries: [\n", "demo").is_err());
        assert!(read_index(b"", "demo").is_err());
    }
}
