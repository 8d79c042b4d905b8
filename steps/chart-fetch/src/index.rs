//! Reading a repository's `index.yaml` (or JSON) for ONE chart. Only the wanted chart's entries are
//! built; every other chart is skipped while parsing, so a 20 MB index costs little more memory
//! than its own bytes. Then the version is chosen as helm chooses it.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt;

use chart_untar::metadata::parse_version;
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
        versions.sort_by(|a, b| compare(&b.semver, &a.semver));
        slice.versions = Some(versions);
    }
    Ok(slice)
}

fn compare(a: &Version, b: &Version) -> Ordering {
    (a.major, a.minor, a.patch).cmp(&(b.major, b.minor, b.patch)).then_with(|| a.pre.cmp(&b.pre))
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

/// A scalar as text: YAML reads `version: 1.0` as a number.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
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
