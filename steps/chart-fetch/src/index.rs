//! Reading a repository's `index.yaml` (or JSON) for ONE chart. Only the wanted chart's entries are
//! built; every other chart is skipped while parsing, so a 20 MB index costs little more memory
//! than its own bytes. Then the version is chosen as helm chooses it.

use std::cell::RefCell;
use std::fmt;

use chart_untar::metadata::{parse_version, scalar_text};
use semver::Version;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::constraint::Constraint;

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

/// Parses `body` (YAML, or JSON when it is JSON) and keeps only `chart`'s entries.
pub fn read_index(body: &[u8], chart: &str) -> Result<IndexSlice, IndexError> {
    let raw = parse_raw(body, chart)?;
    if raw.api_version.as_deref().is_none_or(str::is_empty) {
        return Err(IndexError("the index has no apiVersion (no API version specified)".into()));
    }
    let mut slice = IndexSlice { api_version: raw.api_version, chart_count: raw.chart_count, ..Default::default() };
    if let Some(entries) = raw.entries {
        let mut versions = Vec::with_capacity(entries.len());
        for entry in entries {
            match chart_version(&entry, chart) {
                Ok(v) => versions.push(v),
                Err(why) => slice.skipped.push(why),
            }
        }
        // Highest first; stable, so equal versions keep the index's order (as helm's sort does).
        versions.sort_by(|a, b| b.semver.cmp_precedence(&a.semver));
        slice.versions = Some(versions);
    }
    Ok(slice)
}

#[derive(Default)]
struct RawSlice {
    api_version: Option<String>,
    entries: Option<Vec<Value>>,
    chart_count: usize,
}

fn parse_raw(body: &[u8], chart: &str) -> Result<RawSlice, IndexError> {
    let text = std::str::from_utf8(body).map_err(|e| IndexError(format!("the index is not UTF-8 text: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        let mut de = serde_json::Deserializer::from_str(text);
        if let Ok(raw) = (RawSeed { chart }).deserialize(&mut de) {
            return Ok(raw);
        }
        // Not valid JSON after all: YAML's flow style may still read it.
    }
    // Indexes written by helm, ChartMuseum, bk-repo, Harbor and Nexus are block-style YAML: find
    // the chart's lines with a plain scan and parse only those. Anything unusual (or a chart the
    // scan does not find) goes through the full parse, so the result is the same either way.
    if let Some(slice) = block_slice(text, chart) {
        if let Ok(mut raw) = parse_yaml(&slice.document, chart) {
            if raw.entries.is_some() {
                raw.chart_count = slice.chart_count;
                return Ok(raw);
            }
        }
    }
    parse_yaml(text, chart)
}

/// The part of a block-style index that matters for one chart, as a small YAML document.
struct BlockSlice {
    document: String,
    chart_count: usize,
}

/// Finds the top-level `apiVersion:` line and `chart`'s block under `entries:` by indentation.
fn block_slice(text: &str, chart: &str) -> Option<BlockSlice> {
    let mut api_version_line = None;
    let mut lines = text.split_inclusive('\n');
    for line in lines.by_ref() {
        let bare = line.trim_end();
        if bare.starts_with("apiVersion:") {
            api_version_line = Some(bare);
        } else if bare == "entries:" {
            break;
        }
    }
    let mut indent = None;
    let mut chart_count = 0;
    let mut block = String::new();
    let mut in_chart = false;
    for line in lines.by_ref() {
        let bare = line.trim_end();
        let content = bare.trim_start();
        if content.is_empty() || content.starts_with('#') {
            if in_chart {
                block.push_str(line);
            }
            continue;
        }
        let depth = bare.len() - content.len();
        if depth == 0 {
            // The end of `entries`; a top-level apiVersion may still follow.
            api_version_line =
                lines_after(text, line).find(|l| l.starts_with("apiVersion:")).map(str::trim_end).or(api_version_line);
            break;
        }
        let key_depth = *indent.get_or_insert(depth);
        if depth == key_depth && !content.starts_with("- ") && content != "-" {
            chart_count += 1;
            in_chart = key_is(content, chart);
        } else if depth < key_depth {
            return None;
        }
        if in_chart {
            block.push_str(line);
            if !line.ends_with('\n') {
                block.push('\n');
            }
        }
    }
    if block.is_empty() {
        return None;
    }
    let api_version_line = api_version_line?;
    Some(BlockSlice { document: format!("{api_version_line}\nentries:\n{block}"), chart_count })
}

/// The lines of `text` from `line` (a slice of it) on.
fn lines_after<'t>(text: &'t str, line: &'t str) -> impl Iterator<Item = &'t str> {
    let start = line.as_ptr() as usize - text.as_ptr() as usize;
    text[start..].lines()
}

/// Whether a mapping line `name:`, `"name":` or `'name':` has the key `chart`.
fn key_is(content: &str, chart: &str) -> bool {
    let rest = [("", ""), ("\"", "\""), ("'", "'")].iter().find_map(|(open, close)| {
        content.strip_prefix(open)?.strip_prefix(chart)?.strip_prefix(close)?.strip_prefix(':')
    });
    rest.is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

fn parse_yaml(text: &str, chart: &str) -> Result<RawSlice, IndexError> {
    WANTED.with(|w| *w.borrow_mut() = chart.to_string());
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: usize::MAX,
            max_nodes: usize::MAX,
            max_total_scalar_bytes: text.len() + 1,
        },
    };
    serde_saphyr::from_str_with_options::<ViaWanted>(text, options).map(|v| v.0).map_err(|e| {
        IndexError(format!("the index is not valid YAML: {}", e.to_string().lines().next().unwrap_or_default()))
    })
}

thread_local! {
    /// serde-saphyr has no seeded entry point, so the wanted chart reaches [`ViaWanted`] this way.
    static WANTED: RefCell<String> = const { RefCell::new(String::new()) };
}

struct ViaWanted(RawSlice);

impl<'de> serde::Deserialize<'de> for ViaWanted {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let chart = WANTED.with(|w| w.borrow().clone());
        RawSeed { chart: &chart }.deserialize(d).map(ViaWanted)
    }
}

struct RawSeed<'a> {
    chart: &'a str,
}

impl<'de> DeserializeSeed<'de> for RawSeed<'_> {
    type Value = RawSlice;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawSlice, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RawSeed<'_> {
    type Value = RawSlice;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a chart repository index (a mapping with apiVersion and entries)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawSlice, A::Error> {
        let mut raw = RawSlice::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "apiVersion" => raw.api_version = map.next_value::<Value>()?.as_str().map(str::to_string),
                "entries" => {
                    let entries = map.next_value_seed(EntriesSeed { chart: self.chart })?;
                    raw.entries = entries.found;
                    raw.chart_count = entries.count;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(raw)
    }
}

struct EntriesSeed<'a> {
    chart: &'a str,
}

#[derive(Default)]
struct Entries {
    found: Option<Vec<Value>>,
    count: usize,
}

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_> {
    type Value = Entries;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Entries, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_> {
    type Value = Entries;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping of chart names to lists of versions")
    }
    fn visit_unit<E>(self) -> Result<Entries, E> {
        Ok(Entries::default())
    }
    fn visit_none<E>(self) -> Result<Entries, E> {
        Ok(Entries::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
        let mut entries = Entries::default();
        while let Some(name) = map.next_key::<String>()? {
            entries.count += 1;
            if name == self.chart {
                let versions = map.next_value::<Option<Vec<Value>>>()?.unwrap_or_default();
                entries.found.get_or_insert_with(Vec::new).extend(versions);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(entries)
    }
}

fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(scalar_text)
}

fn chart_version(entry: &Value, chart: &str) -> Result<ChartVersion, String> {
    let version = text(entry.get("version")).ok_or_else(|| format!("an entry of {chart} has no version"))?;
    let semver = parse_version(&version).ok_or_else(|| format!("{chart} {version:?}: not a SemVer version"))?;
    let urls = match entry.get("urls") {
        Some(Value::Array(items)) => items.iter().filter_map(|u| u.as_str().map(str::to_string)).collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(_) => return Err(format!("{chart} {version}: `urls` is not a list")),
    };
    let digest = text(entry.get("digest")).filter(|d| !d.is_empty()).map(|d| {
        let d = d.trim().to_ascii_lowercase();
        d.strip_prefix("sha256:").map(str::to_string).unwrap_or(d)
    });
    Ok(ChartVersion {
        name: text(entry.get("name")).unwrap_or_else(|| chart.to_string()),
        version,
        semver,
        app_version: text(entry.get("appVersion")),
        deprecated: entry.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
        urls,
        digest,
    })
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
    fn the_block_scan_finds_what_the_full_parse_finds() {
        let fast = block_slice(INDEX, "demo").expect("a helm-style index takes the fast path");
        assert_eq!(fast.chart_count, 2);
        assert!(fast.document.contains("1.10.1") && !fast.document.contains("9.9.9"), "{}", fast.document);
        let trailing = format!("{INDEX}serverInfo:\n  demo: not-a-chart\n");
        assert_eq!(block_slice(&trailing, "demo").unwrap().chart_count, 2, "keys of later sections are not charts");
        let quoted = INDEX.replace("  demo:", "  \"demo\":");
        assert!(block_slice(&quoted, "demo").is_some());
        assert!(block_slice(INDEX, "dem").is_none(), "a prefix of a name is not the name");
        let full = parse_yaml(INDEX, "demo").unwrap();
        let slice = read_index(INDEX.as_bytes(), "demo").unwrap();
        assert_eq!(full.entries.unwrap().len(), 4);
        assert_eq!(slice.versions.unwrap().len() + slice.skipped.len(), 4);
        assert_eq!(slice.chart_count, full.chart_count);
        let flow = "apiVersion: v1\nentries: {demo: [{name: demo, version: 1.0.0, urls: [a.tgz]}]}\n";
        assert!(block_slice(flow, "demo").is_none(), "flow style takes the full parse");
        assert_eq!(read_index(flow.as_bytes(), "demo").unwrap().versions.unwrap()[0].version, "1.0.0");
    }

    #[test]
    fn json_indexes_read_the_same() {
        let json =
            r#"{"apiVersion":"v1","entries":{"demo":[{"name":"demo","version":"0.3.0","urls":["demo-0.3.0.tgz"]}]}}"#;
        let slice = read_index(json.as_bytes(), "demo").unwrap();
        assert_eq!(slice.versions.unwrap()[0].version, "0.3.0");
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
    }
}
