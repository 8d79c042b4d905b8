//! The whole index checked against helm's Go types, as helm 3.17.3 decodes it: a YAML index goes
//! through sigs.k8s.io/yaml (go-yaml v2, strict) into JSON, then `encoding/json` with unknown
//! fields refused; a JSON index goes straight to `encoding/json`, unknown fields ignored. Any type
//! error anywhere, in any chart, makes helm refuse the whole index, so every entry is checked;
//! only the wanted chart's entries are kept.

use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::messages;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dialect {
    Json,
    Yaml,
}

/// One chart version as decoded, before helm's validation.
#[derive(Debug, Default, Clone)]
pub struct RawEntry {
    pub name: String,
    pub version: String,
    pub app_version: String,
    pub kind: String,
    pub deprecated: bool,
    pub urls: Vec<String>,
    pub digest: String,
    /// `None` for a null item (helm's validation rejects those).
    pub maintainers: Vec<Option<Item>>,
    pub dependencies: Vec<Option<Item>>,
}

/// A maintainer or dependency: only what helm's validation looks at.
#[derive(Debug, Default, Clone)]
pub struct Item {
    pub name: String,
    pub alias: String,
}

/// What the decoding keeps.
#[derive(Debug, Default)]
pub struct Decoded {
    pub api_version: String,
    /// The chart's entries, `None` when the chart is not listed.
    pub wanted: Option<Vec<RawEntry>>,
    pub charts: HashSet<String>,
}

/// Decodes a whole index with `de`.
pub fn decode<'de, D: Deserializer<'de>>(de: D, dialect: Dialect, chart: &str) -> Result<Decoded, D::Error> {
    let ctx = Ctx { dialect, chart };
    match (Val { ctx, kind: Kind::Object(Obj::Top), field: "index" }).deserialize(de)? {
        Got::Top(decoded) => Ok(decoded),
        // A null document decodes to an empty index, as in Go.
        _ => Ok(Decoded::default()),
    }
}

#[derive(Clone, Copy)]
struct Ctx<'a> {
    dialect: Dialect,
    chart: &'a str,
}

/// A Go field type. `convert`: sigs.k8s.io/yaml turns YAML numbers and booleans into strings for
/// string fields it can see, which are those of IndexFile and ChartVersion but not those of the
/// embedded `*chart.Metadata` (helm refuses `version: 1`, accepts `digest: 1`).
#[derive(Clone, Copy)]
enum Kind {
    Str { convert: bool },
    Bool,
    Time { convert: bool },
    Strs { convert: bool },
    StrMap { convert: bool },
    AnyMap,
    AnyList,
    Object(Obj),
    Objects(Obj),
    Entries,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Obj {
    Top,
    Entry,
    Maintainer,
    Dependency,
}

const META: Kind = Kind::Str { convert: false };
const DIRECT: Kind = Kind::Str { convert: true };

/// The JSON fields of each Go struct (helm 3.17.3: repo.IndexFile, repo.ChartVersion with
/// chart.Metadata, chart.Maintainer, chart.Dependency).
fn fields(obj: Obj) -> &'static [(&'static str, Kind)] {
    match obj {
        Obj::Top => &[
            ("serverInfo", Kind::AnyMap),
            ("apiVersion", DIRECT),
            ("generated", Kind::Time { convert: true }),
            ("entries", Kind::Entries),
            ("publicKeys", Kind::Strs { convert: true }),
            ("annotations", Kind::StrMap { convert: true }),
        ],
        Obj::Entry => &[
            ("name", META),
            ("home", META),
            ("sources", Kind::Strs { convert: false }),
            ("version", META),
            ("description", META),
            ("keywords", Kind::Strs { convert: false }),
            ("maintainers", Kind::Objects(Obj::Maintainer)),
            ("icon", META),
            ("apiVersion", META),
            ("condition", META),
            ("tags", META),
            ("appVersion", META),
            ("deprecated", Kind::Bool),
            ("annotations", Kind::StrMap { convert: false }),
            ("kubeVersion", META),
            ("dependencies", Kind::Objects(Obj::Dependency)),
            ("type", META),
            ("urls", Kind::Strs { convert: true }),
            ("created", Kind::Time { convert: true }),
            ("removed", Kind::Bool),
            ("digest", DIRECT),
            ("checksum", DIRECT),
            ("engine", DIRECT),
            ("tillerVersion", DIRECT),
            ("url", DIRECT),
        ],
        Obj::Maintainer => &[("name", META), ("email", META), ("url", META)],
        Obj::Dependency => &[
            ("name", META),
            ("version", META),
            ("repository", META),
            ("condition", META),
            ("tags", Kind::Strs { convert: false }),
            ("enabled", Kind::Bool),
            ("import-values", Kind::AnyList),
            ("alias", META),
        ],
    }
}

/// encoding/json's field matching: the exact name, else a case-insensitive one.
fn field(obj: Obj, key: &str) -> Option<(&'static str, Kind)> {
    let all = fields(obj);
    all.iter()
        .find(|(name, _)| *name == key)
        .or_else(|| all.iter().find(|(name, _)| name.eq_ignore_ascii_case(key)))
        .copied()
}

/// A decoded value.
enum Got {
    Null,
    Str(String),
    Bool(bool),
    Strs(Vec<String>),
    Items(Vec<Option<Item>>),
    Entries(Vec<RawEntry>),
    Charts(Charts),
    Top(Decoded),
    Entry(RawEntry),
    Item(Item),
    Other,
}

/// One `entries` mapping: its chart names in order, and the wanted chart's entries.
#[derive(Default)]
struct Charts {
    names: Vec<String>,
    wanted: Option<Vec<RawEntry>>,
}

struct Val<'a> {
    ctx: Ctx<'a>,
    kind: Kind,
    field: &'static str,
}

impl Val<'_> {
    fn converts(&self) -> bool {
        self.ctx.dialect == Dialect::Yaml
            && matches!(self.kind, Kind::Str { convert: true } | Kind::Time { convert: true })
    }

    /// The kind of value the field takes, as the messages name kinds.
    fn wants(&self) -> &'static str {
        match self.kind {
            Kind::Str { .. } | Kind::Time { .. } => "string",
            Kind::Bool => "boolean",
            Kind::Strs { .. } | Kind::AnyList | Kind::Objects(_) => "list",
            Kind::StrMap { .. } | Kind::AnyMap | Kind::Object(_) | Kind::Entries => "mapping",
        }
    }

    fn wrong<E: serde::de::Error>(&self, got: &str) -> E {
        E::custom(messages::index_wrong_type(self.field, got, self.wants()))
    }

    fn text<E: serde::de::Error>(&self, text: String) -> Result<Got, E> {
        match self.kind {
            Kind::Str { .. } => Ok(Got::Str(text)),
            Kind::Time { .. } if is_rfc3339(&text) => Ok(Got::Other),
            Kind::Time { .. } => Err(E::custom(messages::index_bad_time(self.field, &text))),
            _ => Err(self.wrong("string")),
        }
    }

    /// A YAML number or boolean: a string where sigs.k8s.io/yaml converts it, else a type error.
    fn scalar<E: serde::de::Error>(&self, text: String, what: &str) -> Result<Got, E> {
        if self.converts() {
            self.text(text)
        } else {
            Err(self.wrong(what))
        }
    }

    fn child(&self, kind: Kind, field: &'static str) -> Val<'_> {
        Val { ctx: self.ctx, kind, field }
    }
}

impl<'de> DeserializeSeed<'de> for Val<'_> {
    type Value = Got;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Got, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Val<'_> {
    type Value = Got;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&messages::index_expecting(self.field, self.wants()))
    }

    fn visit_unit<E>(self) -> Result<Got, E> {
        Ok(Got::Null)
    }

    fn visit_none<E>(self) -> Result<Got, E> {
        Ok(Got::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Got, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Got, E> {
        match self.kind {
            Kind::Bool => Ok(Got::Bool(v)),
            _ => self.scalar(v.to_string(), "boolean"),
        }
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Got, E> {
        self.scalar(v.to_string(), "number")
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Got, E> {
        self.scalar(v.to_string(), "number")
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Got, E> {
        self.scalar(v.to_string(), "number")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Got, E> {
        self.text(v.to_string())
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Got, E> {
        self.text(v)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Got, A::Error> {
        match self.kind {
            Kind::Strs { convert } => {
                let mut out = Vec::new();
                while let Some(got) = seq.next_element_seed(self.child(Kind::Str { convert }, self.field))? {
                    out.push(if let Got::Str(s) = got { s } else { String::new() });
                }
                Ok(Got::Strs(out))
            }
            Kind::AnyList => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Got::Other)
            }
            Kind::Objects(obj) => self.objects(obj, seq),
            _ => Err(self.wrong("list")),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Got, A::Error> {
        match self.kind {
            Kind::Object(obj) => object(self.ctx, obj, map),
            Kind::Entries => entries(self.ctx, map),
            Kind::StrMap { convert } => {
                let mut map = map;
                while map.next_key::<IgnoredAny>()?.is_some() {
                    map.next_value_seed(self.child(Kind::Str { convert }, self.field))?;
                }
                Ok(Got::Other)
            }
            Kind::AnyMap => {
                let mut map = map;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Got::Other)
            }
            _ => Err(self.wrong("mapping")),
        }
    }
}

impl Val<'_> {
    fn objects<'de, A: SeqAccess<'de>>(&self, obj: Obj, mut seq: A) -> Result<Got, A::Error> {
        let mut entries = Vec::new();
        let mut items = Vec::new();
        while let Some(got) = seq.next_element_seed(self.child(Kind::Object(obj), self.field))? {
            match got {
                Got::Entry(entry) => entries.push(entry),
                Got::Item(item) => items.push(Some(item)),
                // helm 3.17.3 dereferences a null chart entry and crashes: no index with one works.
                Got::Null if obj == Obj::Entry => return Err(A::Error::custom(messages::index_null_entry(self.field))),
                _ => items.push(None),
            }
        }
        Ok(if obj == Obj::Entry { Got::Entries(entries) } else { Got::Items(items) })
    }
}

/// A struct: fields matched as encoding/json matches them, merge keys (`<<`) expanded as go-yaml
/// v2 does in strict mode (a key set twice, merged or not, is an error).
fn object<'de, A: MapAccess<'de>>(ctx: Ctx, obj: Obj, mut map: A) -> Result<Got, A::Error> {
    let mut fields = Vec::new();
    let mut seen = HashSet::new();
    collect(ctx, obj, &mut map, &mut fields, &mut seen)?;
    if ctx.dialect == Dialect::Yaml {
        // The JSON sigs.k8s.io/yaml writes has its keys sorted: of two keys naming one field
        // (`Version`, `version`), the later in that order wins.
        fields.sort_by(|a: &(String, &str, Got), b| a.0.cmp(&b.0));
    }
    Ok(build(obj, fields))
}

type Fields = Vec<(String, &'static str, Got)>;

fn collect<'de, A: MapAccess<'de>>(
    ctx: Ctx,
    obj: Obj,
    map: &mut A,
    out: &mut Fields,
    seen: &mut HashSet<String>,
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<String>()? {
        if ctx.dialect == Dialect::Yaml && key == "<<" {
            let merged = map.next_value_seed(Merge { ctx, obj })?;
            for (key, name, got) in merged {
                if !seen.insert(key.clone()) {
                    return Err(A::Error::custom(messages::index_duplicate_key(&key)));
                }
                out.push((key, name, got));
            }
            continue;
        }
        let Some((name, kind)) = field(obj, &key) else {
            if ctx.dialect == Dialect::Yaml {
                return Err(A::Error::custom(messages::index_unknown_field(&key)));
            }
            map.next_value::<IgnoredAny>()?;
            continue;
        };
        let got = map.next_value_seed(Val { ctx, kind, field: name })?;
        // JSON keeps the last of repeated keys; strict YAML refuses them.
        if ctx.dialect == Dialect::Yaml && !seen.insert(key.clone()) {
            return Err(A::Error::custom(messages::index_duplicate_key(&key)));
        }
        out.push((key, name, got));
    }
    Ok(())
}

/// The value of a merge key: a mapping, or a list of mappings.
struct Merge<'a> {
    ctx: Ctx<'a>,
    obj: Obj,
}

impl<'de> DeserializeSeed<'de> for Merge<'_> {
    type Value = Fields;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Fields, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Merge<'_> {
    type Value = Fields;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&messages::index_expecting_merge())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut out = Vec::new();
        collect(self.ctx, self.obj, &mut map, &mut out, &mut HashSet::new())?;
        Ok(out)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Fields, A::Error> {
        let mut out = Vec::new();
        while let Some(part) = seq.next_element_seed(Merge { ..self })? {
            out.extend(part);
        }
        Ok(out)
    }
}

/// Applies decoded fields in order, as encoding/json does: the last value of a field wins, and a
/// map field (`entries`) set twice keeps the keys of both.
fn build(obj: Obj, fields: Fields) -> Got {
    match obj {
        Obj::Top => {
            let mut top = Decoded::default();
            for (_, name, got) in fields {
                match (name, got) {
                    ("apiVersion", Got::Str(s)) => top.api_version = s,
                    ("entries", Got::Charts(charts)) => {
                        top.charts.extend(charts.names);
                        if charts.wanted.is_some() {
                            top.wanted = charts.wanted;
                        }
                    }
                    ("entries", Got::Null) => {
                        top.charts.clear();
                        top.wanted = None;
                    }
                    _ => {}
                }
            }
            Got::Top(top)
        }
        Obj::Entry => {
            let mut e = RawEntry::default();
            for (_, name, got) in fields {
                match (name, got) {
                    ("name", Got::Str(s)) => e.name = s,
                    ("version", Got::Str(s)) => e.version = s,
                    ("appVersion", Got::Str(s)) => e.app_version = s,
                    ("type", Got::Str(s)) => e.kind = s,
                    ("digest", Got::Str(s)) => e.digest = s,
                    ("deprecated", Got::Bool(b)) => e.deprecated = b,
                    ("urls", Got::Strs(v)) => e.urls = v,
                    ("urls", Got::Null) => e.urls.clear(),
                    ("maintainers", Got::Items(v)) => e.maintainers = v,
                    ("dependencies", Got::Items(v)) => e.dependencies = v,
                    _ => {}
                }
            }
            Got::Entry(e)
        }
        Obj::Maintainer | Obj::Dependency => {
            let mut item = Item::default();
            for (_, name, got) in fields {
                match (name, got) {
                    ("name", Got::Str(s)) => item.name = s,
                    ("alias", Got::Str(s)) => item.alias = s,
                    _ => {}
                }
            }
            Got::Item(item)
        }
    }
}

/// `entries`: chart names to lists of versions; only the wanted chart's are kept.
fn entries<'de, A: MapAccess<'de>>(ctx: Ctx, mut map: A) -> Result<Got, A::Error> {
    let mut charts = Charts::default();
    while let Some(name) = map.next_key::<String>()? {
        let got = map.next_value_seed(Val { ctx, kind: Kind::Objects(Obj::Entry), field: "entries" })?;
        if name == ctx.chart {
            // A JSON mapping naming the chart twice: the last one wins.
            charts.wanted = Some(match got {
                Got::Entries(list) => list,
                _ => Vec::new(),
            });
        }
        charts.names.push(name);
    }
    Ok(Got::Charts(charts))
}

/// Go's `time.Time` JSON form: RFC 3339 with an optional fraction, checked as Go checks it.
pub fn is_rfc3339(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |from: usize, to: usize| b.get(from..to).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let num = |from: usize, to: usize| text[from..to].parse::<u32>().unwrap_or(0);
    if b.len() < 20 || !digits(0, 4) || b[4] != b'-' || !digits(5, 7) || b[7] != b'-' || !digits(8, 10) {
        return false;
    }
    if b[10] != b'T' || !digits(11, 13) || b[13] != b':' || !digits(14, 16) || b[16] != b':' || !digits(17, 19) {
        return false;
    }
    let (year, month, day) = (num(0, 4), num(5, 7), num(8, 10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&month) || day == 0 || day > days[month as usize - 1] {
        return false;
    }
    if num(11, 13) > 23 || num(14, 16) > 59 || num(17, 19) > 59 {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    match rest.as_bytes() {
        [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
                && (h1 - b'0') * 10 + (h2 - b'0') < 24
                && (m1 - b'0') * 10 + (m2 - b'0') < 60
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_rfc3339;

    #[test]
    fn times_as_go_reads_them() {
        for good in ["2024-01-01T00:00:00Z", "2026-11-23T10:16:04.405832986Z", "2024-02-29T23:59:59+05:30"] {
            assert!(is_rfc3339(good), "{good}");
        }
        for bad in ["", "2024-01-01", "2024-01-01 00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01T00:00:00", "foo"] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }
}
