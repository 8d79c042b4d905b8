//! Version constraints as helm reads them (Masterminds semver v3): `,` or space is AND, `||` is OR,
//! `a - b` ranges, `x`/`X`/`*` wildcards, `~` and `^`; a prerelease matches only when its AND
//! group mentions a prerelease.

use std::cmp::Ordering;

use chart_untar::metadata::parse_version;
use semver::Version;

use crate::messages;

/// A parsed constraint such as `^1.2 || >=2.0.0-0, <3`.
#[derive(Debug, Clone)]
pub struct Constraint {
    /// OR of AND groups.
    groups: Vec<Group>,
}

#[derive(Debug, Clone)]
struct Group {
    terms: Vec<Term>,
    /// A term of the group names a prerelease, so prereleases may match.
    allows_prerelease: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Debug, Clone)]
struct Term {
    op: Op,
    version: Version,
    /// A wildcard or a missing part somewhere (`1.x`, `1.2`, `*`).
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

const OPERATORS: [(&str, Op); 12] = [
    ("!=", Op::NotEqual),
    (">=", Op::GreaterEqual),
    ("=>", Op::GreaterEqual),
    ("<=", Op::LessEqual),
    ("=<", Op::LessEqual),
    ("~>", Op::Tilde),
    (">", Op::Greater),
    ("<", Op::Less),
    ("~", Op::Tilde),
    ("^", Op::Caret),
    ("=", Op::TildeOrEqual),
    ("", Op::TildeOrEqual),
];

impl Constraint {
    /// Parses a constraint; the error says which part is wrong.
    pub fn parse(text: &str) -> Result<Constraint, String> {
        let groups = text.split("||").map(parse_group).collect::<Result<Vec<_>, _>>()?;
        Ok(Constraint { groups })
    }

    /// Any version, releases only (helm's default when no version is given).
    pub fn any_release() -> Constraint {
        Constraint::parse("*").expect("`*` is a valid constraint")
    }

    /// Whether `version` satisfies the constraint.
    pub fn matches(&self, version: &Version) -> bool {
        self.groups
            .iter()
            .any(|g| (version.pre.is_empty() || g.allows_prerelease) && g.terms.iter().all(|t| t.matches(version)))
    }
}

fn parse_group(text: &str) -> Result<Group, String> {
    // Tokens: split on commas and spaces, then glue a lone operator to the version after it.
    let raw: Vec<&str> = text.split([',', ' ', '\t']).filter(|t| !t.is_empty()).collect();
    let mut tokens: Vec<String> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let token = raw[i];
        if token == "-" {
            // A hyphen range `a - b`: `>= a, <= b`.
            let (Some(low), Some(high)) = (tokens.pop(), raw.get(i + 1)) else {
                return Err(messages::constraint_incomplete_range(text));
            };
            tokens.push(format!(">={low}"));
            tokens.push(format!("<={high}"));
            i += 2;
        } else if OPERATORS.iter().any(|(op, _)| !op.is_empty() && *op == token) {
            let next = raw.get(i + 1).ok_or_else(|| messages::constraint_lone_operator(token, text))?;
            tokens.push(format!("{token}{next}"));
            i += 2;
        } else {
            tokens.push(token.to_string());
            i += 1;
        }
    }
    if tokens.is_empty() {
        tokens.push("*".into());
    }
    let terms = tokens.iter().map(|t| parse_term(t)).collect::<Result<Vec<_>, _>>()?;
    let allows_prerelease = terms.iter().any(|t| !t.version.pre.is_empty());
    Ok(Group { terms, allows_prerelease })
}

fn is_wildcard(part: &str) -> bool {
    matches!(part, "x" | "X" | "*")
}

fn parse_term(token: &str) -> Result<Term, String> {
    let (prefix, op) =
        OPERATORS.iter().find(|(prefix, _)| token.starts_with(prefix)).copied().unwrap_or(("", Op::TildeOrEqual));
    let text = &token[prefix.len()..];
    let bad = || messages::constraint_bad_term(token);
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let (core, suffix) = match text.find(['-', '+']) {
        Some(at) => (&text[..at], &text[at..]),
        None => (text, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3
        || parts.iter().any(|p| p.is_empty() || !(is_wildcard(p) || p.bytes().all(|b| b.is_ascii_digit())))
    {
        return Err(bad());
    }
    let part = |i: usize| parts.get(i).copied().filter(|p| !is_wildcard(p));
    let (version_text, dirty, minor_dirty, patch_dirty) = match (part(0), part(1), part(2)) {
        (None, ..) => (format!("0.0.0{suffix}"), true, false, false),
        (Some(major), None, _) => (format!("{major}.0.0{suffix}"), true, true, true),
        (Some(major), Some(minor), None) => (format!("{major}.{minor}.0{suffix}"), true, false, true),
        (Some(major), Some(minor), Some(patch)) => (format!("{major}.{minor}.{patch}{suffix}"), false, false, false),
    };
    // A wildcard in the middle (`1.x.3`) leaves the later parts ignored, as in Masterminds.
    let version = parse_version(&version_text).ok_or_else(bad)?;
    Ok(Term { op, version, dirty, minor_dirty, patch_dirty })
}

impl Term {
    fn matches(&self, v: &Version) -> bool {
        let c = &self.version;
        match self.op {
            Op::TildeOrEqual if self.dirty => self.tilde(v),
            Op::TildeOrEqual => v.cmp_precedence(c) == Ordering::Equal,
            Op::Tilde => self.tilde(v),
            Op::NotEqual if self.dirty => {
                if c.major != v.major {
                    true
                } else if self.minor_dirty {
                    false
                } else if c.minor != v.minor {
                    true
                } else {
                    // patch is the wildcard: equal unless the prereleases differ
                    v.pre != c.pre
                }
            }
            Op::NotEqual => v.cmp_precedence(c) != Ordering::Equal,
            Op::Greater if !self.dirty => v.cmp_precedence(c) == Ordering::Greater,
            Op::Greater => {
                if v.major != c.major {
                    v.major > c.major
                } else if self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.cmp_precedence(c) == Ordering::Greater
                }
            }
            Op::Less => v.cmp_precedence(c) == Ordering::Less,
            Op::GreaterEqual => v.cmp_precedence(c) != Ordering::Less,
            Op::LessEqual if !self.dirty => v.cmp_precedence(c) != Ordering::Greater,
            Op::LessEqual => !(v.major > c.major || (v.major == c.major && v.minor > c.minor && !self.minor_dirty)),
            Op::Caret => self.caret(v),
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.version;
        if v.cmp_precedence(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true; // `~0.0.0` and `*`: anything
        }
        v.major == c.major && (self.minor_dirty || v.minor == c.minor)
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.version;
        if v.cmp_precedence(c) == Ordering::Less {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        v.minor == 0 && v.patch == c.patch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(constraint: &str, yes: &[&str], no: &[&str]) {
        let c = Constraint::parse(constraint).unwrap_or_else(|e| panic!("{constraint}: {e}"));
        for v in yes {
            assert!(c.matches(&parse_version(v).unwrap()), "{constraint} should match {v}");
        }
        for v in no {
            assert!(!c.matches(&parse_version(v).unwrap()), "{constraint} should not match {v}");
        }
    }

    #[test]
    fn tilde_and_caret() {
        check("~1.2.3", &["1.2.3", "1.2.9"], &["1.3.0", "1.2.2", "2.0.0"]);
        check("~1.2", &["1.2.0", "1.2.7"], &["1.3.0"]);
        check("~1", &["1.0.0", "1.9.9"], &["2.0.0"]);
        check("^1.2.3", &["1.2.3", "1.9.0"], &["2.0.0", "1.2.2"]);
        check("^0.2.3", &["0.2.3", "0.2.9"], &["0.3.0"]);
        check("^0.0.3", &["0.0.3"], &["0.0.4", "0.1.0"]);
        check("^0", &["0.0.1", "0.9.0"], &["1.0.0"]);
    }

    #[test]
    fn ranges_and_or() {
        check(">=1.2, <2.0.0", &["1.2.0", "1.9.9"], &["2.0.0", "1.1.9"]);
        check(">= 1.2 < 2", &["1.5.0"], &["2.0.0"]);
        check("1.1 - 1.3.5", &["1.1.0", "1.3.5"], &["1.3.6", "1.0.9"]);
        check("<1.0.0 || >=3.0.0", &["0.5.0", "3.1.0"], &["1.0.0", "2.9.9"]);
        check("1.2.x", &["1.2.0", "1.2.99"], &["1.3.0"]);
        check("1.2", &["1.2.0", "1.2.5"], &["1.3.0"]);
        check("*", &["0.0.1", "9.9.9"], &["1.0.0-rc.1"]);
        check(">11", &["12.0.0"], &["11.5.0"]);
        check("<=1.2", &["1.2.9", "1.0.0"], &["1.3.0"]);
        check("!=1.2.3", &["1.2.4"], &["1.2.3"]);
        check("=v1.2.3", &["1.2.3", "1.2.3+build"], &["1.2.4"]);
    }

    #[test]
    fn prereleases_only_when_asked_for() {
        check("^1.0.0", &["1.1.0"], &["1.1.0-rc.1"]);
        check(">=1.0.0-0", &["1.1.0-rc.1", "1.1.0"], &["0.9.0"]);
        check(">0.0.0-0", &["0.1.0-alpha", "2.0.0"], &[]);
        check("1.2.3-beta.1 || ^2", &["1.2.3-beta.1", "2.1.0"], &["2.1.0-rc.1"]);
    }

    #[test]
    fn malformed_constraints_are_errors() {
        for bad in ["latest", ">=", "1.2.3.4", "~>>1", "1.2 -"] {
            assert!(Constraint::parse(bad).is_err(), "{bad}");
        }
    }
}
