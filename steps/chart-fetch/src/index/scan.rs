//! The fast path: a line scanner for block-style indexes in the layout helm, ChartMuseum, Harbor
//! and Nexus write. It walks the WHOLE document against helm's field types, so it can prove that
//! helm would accept it; it gives up (`None`, and the full parse decides) on anything it cannot
//! prove: tabs, CR, anchors, aliases, tags, flow collections, multi-line flow scalars, unknown or
//! repeated keys, keys in other cases, scalars that go-yaml v2 would not read as strings, null
//! entries, document markers. When it succeeds, the apiVersion line and the chart's own lines
//! form a small document that reads exactly as the whole one would.

use std::collections::HashSet;

/// What the scan found: a small document with only the chart's block, and the chart count.
pub struct Scan {
    pub document: String,
    pub chart_count: usize,
}

pub fn scan(text: &str, chart: &str) -> Option<Scan> {
    if u32::try_from(text.len()).is_err() || !clean(text.as_bytes()) {
        return None;
    }
    let mut p = Parser { text, lines: split(text)?, pos: 0, chart, api_line: None, block: None, charts: 0 };
    // The top mapping takes every line, or gives up.
    p.map(0, Shape::Top)?;
    let api_line = p.api_line?;
    let document = match p.block {
        Some((start, end)) => {
            let from = p.line(start).start;
            let to = if end < p.lines.len() { p.line(end).start } else { text.len() };
            format!("{api_line}\nentries:\n{}", &text[from..to])
        }
        None => format!("{api_line}\nentries: {{}}\n"),
    };
    Some(Scan { document, chart_count: p.charts })
}

/// No tab, CR, control character, YAML 1.1 line break (NEL, LS, PS) or BOM inside: go-yaml v2
/// reads those in ways a line scanner would not.
fn clean(bytes: &[u8]) -> bool {
    // Plain ASCII (the common case) is checked in one quick pass.
    if bytes.iter().all(|&b| b == b'\n' || (b' '..=b'~').contains(&b)) {
        return true;
    }
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' | b' '..=b'~' => {}
            0..=0x1f | 0x7f => return false,
            0xc2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => return false,
            0xe2 if bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)) => return false,
            0xef if matches!(bytes.get(i + 1..i + 3), Some([0xbb, 0xbf] | [0xbf, 0xbe | 0xbf])) => return false,
            _ => {}
        }
        i += 1;
    }
    true
}

/// A line as the parser sees it.
#[derive(Clone, Copy)]
struct Line<'t> {
    start: usize,
    indent: usize,
    /// Without the indentation and trailing spaces.
    content: &'t str,
}

/// Each line as three offsets (start, content start, content end), 12 bytes a line: the
/// indentation is the distance from start to content. `None` for a text beyond u32 (which
/// [`scan`] has already turned away).
fn split(text: &str) -> Option<Vec<[u32; 3]>> {
    let mut lines = Vec::with_capacity(text.len() / 32);
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let bare = raw.strip_suffix('\n').unwrap_or(raw).trim_end_matches(' ');
        let content = bare.trim_start_matches(' ');
        let at = |n: usize| u32::try_from(start + n).ok();
        lines.push([at(0)?, at(bare.len() - content.len())?, at(bare.len())?]);
        start += raw.len();
    }
    Some(lines)
}

/// The Go type a value decodes into (see schema.rs for the same table, for the full parse).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Str,
    Bool,
    Time,
    Strs,
    StrMap,
    Top,
    Entries,
    Entry,
    Maintainers,
    Maintainer,
    Dependencies,
    Dependency,
}

fn field(shape: Shape, key: &str) -> Option<Shape> {
    use Shape::*;
    let found = match (shape, key) {
        (Top, "apiVersion") | (Top, "generated") => {
            if key == "generated" {
                Time
            } else {
                Str
            }
        }
        (Top, "entries") => Entries,
        (Top, "publicKeys") => Strs,
        (Top, "annotations") | (Top, "serverInfo") => StrMap,
        (Entry, "name" | "home" | "version" | "description" | "icon" | "apiVersion" | "condition" | "tags")
        | (Entry, "appVersion" | "kubeVersion" | "type" | "digest" | "checksum" | "engine" | "tillerVersion" | "url") => {
            Str
        }
        (Entry, "sources" | "keywords" | "urls") => Strs,
        (Entry, "maintainers") => Maintainers,
        (Entry, "dependencies") => Dependencies,
        (Entry, "annotations") => StrMap,
        (Entry, "deprecated" | "removed") => Bool,
        (Entry, "created") => Time,
        (Maintainer, "name" | "email" | "url") => Str,
        (Dependency, "name" | "version" | "repository" | "condition" | "alias") => Str,
        (Dependency, "tags") => Strs,
        (Dependency, "enabled") => Bool,
        _ => return None,
    };
    Some(found)
}

/// What a one-line value is.
#[derive(PartialEq, Eq)]
enum Token {
    Null,
    Bool,
    /// A string; `time` when it is also an RFC 3339 time.
    Str {
        time: bool,
    },
    EmptyList,
    EmptyMap,
}

struct Parser<'t, 'c> {
    text: &'t str,
    lines: Vec<[u32; 3]>,
    pos: usize,
    chart: &'c str,
    api_line: Option<&'t str>,
    /// Line range of the chart's key and value.
    block: Option<(usize, usize)>,
    charts: usize,
}

impl<'t> Parser<'t, '_> {
    fn line(&self, i: usize) -> Line<'t> {
        let [start, content, end] = self.lines[i].map(|n| n as usize);
        Line { start, indent: content - start, content: &self.text[content..end] }
    }

    /// The next line that is neither blank nor a comment.
    fn peek(&self) -> Option<usize> {
        (self.pos..self.lines.len()).find(|&i| {
            let c = self.line(i).content;
            !c.is_empty() && !c.starts_with('#')
        })
    }

    /// A block mapping whose keys sit at `indent`.
    fn map(&mut self, indent: usize, shape: Shape) -> Option<()> {
        // Few keys but many mappings: a list is quicker, except for the thousands of charts.
        let mut few: Vec<&str> = Vec::new();
        let mut many: HashSet<&str> = HashSet::new();
        while let Some(i) = self.peek() {
            let line = self.line(i);
            if line.indent < indent {
                break;
            }
            if line.indent > indent || line.content.starts_with(['-', '%']) || line.content == "..." {
                return None;
            }
            let (key, rest) = split_key(line.content)?;
            let repeated = match shape {
                Shape::Entries => !many.insert(key),
                // The last byte first: most keys differ there, and memcmp costs a call.
                _ if few.iter().any(|k| k.as_bytes().last() == key.as_bytes().last() && *k == key) => true,
                _ => {
                    few.push(key);
                    false
                }
            };
            if repeated {
                return None;
            }
            self.pos = i + 1;
            let value = match shape {
                Shape::Entries => Shape::Entry,
                Shape::StrMap => Shape::Str,
                _ => field(shape, key)?,
            };
            let list = match (shape, value) {
                (Shape::Entries, _) => Some(Shape::Entry),
                (_, Shape::Strs) => Some(Shape::Str),
                (_, Shape::Maintainers) => Some(Shape::Maintainer),
                (_, Shape::Dependencies) => Some(Shape::Dependency),
                _ => None,
            };
            if shape == Shape::Top && key == "apiVersion" {
                self.api_line = Some(line.content);
            }
            self.value(indent, value, list, rest)?;
            if shape == Shape::Entries {
                self.charts += 1;
                if key == self.chart {
                    self.block = Some((i, self.pos));
                }
            }
        }
        Some(())
    }

    /// The value of a key at `indent`: inline, a nested block, or a list at the key's indent.
    fn value(&mut self, indent: usize, shape: Shape, list: Option<Shape>, rest: &'t str) -> Option<()> {
        if !rest.is_empty() {
            let token = self.token(rest, indent)?;
            // A deeper line after an inline value would continue it (or be an error).
            if self.peek().is_some_and(|i| self.line(i).indent > indent) {
                return None;
            }
            return fits(&token, shape, list.is_some()).then_some(());
        }
        let Some(i) = self.peek() else { return Some(()) };
        let next = self.line(i);
        let dash = next.content.starts_with("- ");
        match list {
            Some(item) if dash && next.indent >= indent => self.seq(next.indent, item),
            None if next.indent > indent && !dash && matches!(shape, Shape::Entries | Shape::StrMap) => {
                self.map(next.indent, shape)
            }
            // Nothing nested: null, which every Go type takes.
            _ if next.indent <= indent => Some(()),
            _ => None,
        }
    }

    /// A block sequence whose dashes sit at `indent`.
    fn seq(&mut self, indent: usize, item: Shape) -> Option<()> {
        while let Some(i) = self.peek() {
            let line = self.line(i);
            if line.indent < indent || (line.indent == indent && !line.content.starts_with("- ")) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let after = &line.content[2..];
            let rest = after.trim_start_matches(' ');
            let item_indent = indent + 2 + (after.len() - rest.len());
            if item == Shape::Str {
                self.pos = i + 1;
                let token = self.token(rest, indent)?;
                if self.peek().is_some_and(|j| self.line(j).indent > indent) || !fits(&token, Shape::Str, false) {
                    return None;
                }
                continue;
            }
            if rest.is_empty() || rest.starts_with('-') {
                return None;
            }
            // `- key: value` opens a mapping whose keys sit where `key` does.
            self.lines[i][1] = u32::try_from(line.start + item_indent).ok()?;
            self.pos = i;
            self.map(item_indent, item)?;
        }
        Some(())
    }

    /// A one-line value (or a block scalar, whose lines are consumed).
    fn token(&mut self, text: &str, parent: usize) -> Option<Token> {
        match text.as_bytes()[0] {
            b'"' => double_quoted(text),
            b'\'' => single_quoted(text),
            b'|' | b'>' => {
                if !matches!(&text[1..], "" | "-" | "+") {
                    return None;
                }
                self.block_scalar(parent)?;
                Some(Token::Str { time: false })
            }
            _ if text == "[]" => Some(Token::EmptyList),
            _ if text == "{}" => Some(Token::EmptyMap),
            _ => plain(text),
        }
    }

    /// Consumes a block scalar's lines: all more indented than its first line, which must be more
    /// indented than `parent`.
    fn block_scalar(&mut self, parent: usize) -> Option<()> {
        let mut content = None;
        let mut i = self.pos;
        while i < self.lines.len() {
            let line = self.line(i);
            if line.content.is_empty() {
                // A blank line before the first one sets no indentation; keep it simple.
                content?;
                i += 1;
                continue;
            }
            match content {
                None if line.indent > parent => content = Some(line.indent),
                Some(at) if line.indent >= at => {}
                Some(_) if line.indent > parent => return None,
                _ => break,
            }
            i += 1;
        }
        self.pos = i;
        Some(())
    }
}

/// Whether `token` decodes into `shape` (a list or mapping value is also fine empty).
fn fits(token: &Token, shape: Shape, list: bool) -> bool {
    match token {
        Token::Null => true,
        Token::Bool => shape == Shape::Bool,
        Token::Str { time } => shape == Shape::Str || (shape == Shape::Time && *time),
        Token::EmptyList => list,
        Token::EmptyMap => matches!(shape, Shape::StrMap | Shape::Entries),
    }
}

/// `key: rest` with a plain key of safe characters that go-yaml v2 reads as a string.
fn split_key(content: &str) -> Option<(&str, &str)> {
    let colon = content.find(':')?;
    let (key, after) = (&content[..colon], &content[colon + 1..]);
    let safe = key.bytes().all(|b| b.is_ascii_alphanumeric() || b"._/+-".contains(&b));
    // YAML limits implicit keys to 1024 characters.
    if !safe || key.len() > 1000 || !key.as_bytes().first()?.is_ascii_alphanumeric() || !plain_is_string(key) {
        return None;
    }
    match after.strip_prefix(' ') {
        Some(rest) if !rest.starts_with('#') => Some((key, rest.trim_start_matches(' '))),
        None if after.is_empty() => Some((key, "")),
        _ => None,
    }
}

fn plain(text: &str) -> Option<Token> {
    if text.starts_with(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '%', '@', '`']) {
        return None;
    }
    // `: ` would start a mapping, ` #` a comment (one pass: the substring searcher costs more).
    let b = text.as_bytes();
    if b.windows(2).any(|w| matches!(w, [b':', b' '] | [b' ', b'#'])) || text.ends_with(':') {
        return None;
    }
    match text {
        "~" | "null" | "Null" | "NULL" => Some(Token::Null),
        "true" | "false" => Some(Token::Bool),
        _ if plain_is_string(text) => Some(Token::Str { time: super::schema::is_rfc3339(text) }),
        _ => None,
    }
}

/// go-yaml v2 reads a plain scalar as a string unless it is null, a YAML 1.1 boolean, a number
/// (`_` ignored, Go's 0x/0o/0b prefixes, floats with exponents), `.inf`/`.nan`, or a merge key.
/// Signs and dots go to the full parse. (Timestamps stay strings when decoded into interface{}.)
fn plain_is_string(text: &str) -> bool {
    const SPECIAL: [&str; 28] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null", "NULL", "<<", "=",
    ];
    // (No special word is longer than five bytes: most strings skip the list.)
    if text.is_empty() || (text.len() <= 5 && SPECIAL.contains(&text)) {
        return false;
    }
    match text.as_bytes()[0] {
        b'0'..=b'9' if text.contains('_') => !looks_numeric(&text.replace('_', "")),
        b'0'..=b'9' => !looks_numeric(text),
        b'.' | b'+' | b'-' => false,
        _ => true,
    }
}

fn looks_numeric(text: &str) -> bool {
    let radix = [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)].iter().any(|(prefix, radix)| {
        text.strip_prefix(prefix).is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_digit(*radix)))
    });
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (int, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let float = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && exponent.is_none_or(|e| {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
        });
    radix || float
}

/// A double-quoted scalar that ends on its line, with escapes YAML knows.
fn double_quoted(text: &str) -> Option<Token> {
    let b = text.as_bytes();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let hex = match *b.get(i + 1)? {
                    b'x' => 2,
                    b'u' => 4,
                    b'U' => 8,
                    c if b"0abtnvfre \"/\\N_LP".contains(&c) => 0,
                    _ => return None,
                };
                if !b.get(i + 2..i + 2 + hex)?.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                i += 2 + hex;
            }
            b'"' => {
                let inner = &text[1..i];
                let time = !inner.contains('\\') && super::schema::is_rfc3339(inner);
                return (i + 1 == b.len()).then_some(Token::Str { time });
            }
            _ => i += 1,
        }
    }
    None
}

fn single_quoted(text: &str) -> Option<Token> {
    let b = text.as_bytes();
    let mut i = 1;
    while i < b.len() {
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            let inner = &text[1..i];
            let time = !inner.contains('\'') && super::schema::is_rfc3339(inner);
            return (i + 1 == b.len()).then_some(Token::Str { time });
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_as_go_yaml_v2_reads_them() {
        for s in ["1.2.3", "v1.0", "2024-01-01", "app-1", "1password", "0.1.0-rc.1", "0b5f", "65642184e1741c58"] {
            assert!(plain_is_string(s), "{s}");
        }
        for s in ["1", "1.0", "1e3", "0x1F", "0o17", "1_000", "yes", "Off", "~", "-1", ".5", "<<"] {
            assert!(!plain_is_string(s), "{s}");
        }
    }

    #[test]
    fn gives_up_on_what_it_cannot_prove() {
        let ok = "apiVersion: v1\nentries:\n  demo:\n  - name: demo\n    version: 1.0.0\n    urls:\n    - a.tgz\n";
        let found = scan(ok, "demo").expect("helm's layout");
        assert_eq!(found.chart_count, 1);
        assert!(found.document.ends_with("- a.tgz\n"), "{}", found.document);
        for bad in [
            ok.replace("version: 1.0.0", "version: 1.0"),
            ok.replace("version: 1.0.0", "version: &v 1.0.0"),
            ok.replace("    urls", "    Urls"),
            ok.replace("    urls", "    foo: bar\n    urls"),
            format!("{ok}entries: {{}}\n"),
            ok.replace("  - name", "  -\n  - name"),
            ok.replace("1.0.0\n", "\"1.0.0\n     x\"\n"),
            ok.replace('\n', "\r\n"),
        ] {
            assert!(scan(&bad, "demo").is_none(), "{bad}");
        }
    }
}
