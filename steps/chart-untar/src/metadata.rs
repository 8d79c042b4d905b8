//! `Chart.yaml`: reading it, and the checks helm's loader makes on the name and the version.

use std::path::Path;

use deckhand_common::{Error, Result};
use semver::{BuildMetadata, Prerelease, Version};
use serde_json::Value;

use crate::messages;

/// The fields of `Chart.yaml` a step needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartMetadata {
    pub api_version: String,
    pub name: String,
    pub version: String,
    pub app_version: Option<String>,
}

/// Reads and checks `dir/Chart.yaml`: `apiVersion` present, `name` one path segment, `version` SemVer.
pub fn read_chart_yaml(dir: &Path) -> Result<ChartMetadata> {
    let path = dir.join("Chart.yaml");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Error::input(messages::no_chart_yaml())),
        Err(e) => return Err(Error::input(messages::chart_yaml_unreadable(&e.to_string()))),
    };
    parse_chart_yaml(&text)
}

/// Checks the text of a `Chart.yaml`.
pub fn parse_chart_yaml(text: &str) -> Result<ChartMetadata> {
    let doc: Value = serde_saphyr::from_str(text)
        .map_err(|e| Error::input(messages::chart_yaml_unreadable(&first_line(&e.to_string()))))?;
    let field = |key: &str| {
        let value = doc.get(key).and_then(scalar_text).filter(|v| !v.is_empty());
        value.ok_or_else(|| Error::input(messages::chart_yaml_missing(key)))
    };
    let api_version = field("apiVersion")?;
    let name = field("name")?;
    check_chart_name(&name).map_err(|why| Error::input(messages::chart_yaml_bad_name(&name, &why.to_string())))?;
    let version = field("version")?;
    if parse_version(&version).is_none() {
        return Err(Error::input(messages::chart_yaml_bad_version(&version)));
    }
    Ok(ChartMetadata { api_version, name, version, app_version: field("appVersion").ok() })
}

/// A YAML scalar as text (`version: 1.0` is a number to YAML but a version to helm).
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

/// Why a name cannot be a chart's name. Displayed in the run's language, worded to follow the
/// name ("is empty", "contains a path separator").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    /// `.` or `..`.
    Dots,
    PathSeparator,
    ControlCharacters,
}

impl std::fmt::Display for NameProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = match self {
            NameProblem::Empty => "empty",
            NameProblem::Dots => "dots",
            NameProblem::PathSeparator => "separator",
            NameProblem::ControlCharacters => "control",
        };
        f.write_str(&messages::name_problem(code))
    }
}

/// A chart name must be one path segment (CVE-2024-25620, CVE-2026-35206).
pub fn check_chart_name(name: &str) -> std::result::Result<(), NameProblem> {
    if name.is_empty() {
        Err(NameProblem::Empty)
    } else if name == "." || name == ".." {
        Err(NameProblem::Dots)
    } else if name.contains(['/', '\\']) {
        Err(NameProblem::PathSeparator)
    } else if name.chars().any(char::is_control) {
        Err(NameProblem::ControlCharacters)
    } else {
        Ok(())
    }
}

/// Parses a version leniently, as helm's SemVer library (Masterminds) does: an optional `v`, and
/// missing minor or patch numbers count as 0 (`v1.2` is 1.2.0).
pub fn parse_version(text: &str) -> Option<Version> {
    let text = text.trim();
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let (rest, build) = match text.split_once('+') {
        Some((rest, build)) if !build.is_empty() => (rest, BuildMetadata::new(build).ok()?),
        Some(_) => return None,
        None => (text, BuildMetadata::EMPTY),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) if !pre.is_empty() => (core, Prerelease::new(pre).ok()?),
        Some(_) => return None,
        None => (rest, Prerelease::EMPTY),
    };
    let mut numbers = core.split('.');
    let mut next = |required: bool| -> Option<u64> {
        match numbers.next() {
            Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok(),
            None if !required => Some(0),
            _ => None,
        }
    };
    let (major, minor, patch) = (next(true)?, next(false)?, next(false)?);
    if numbers.next().is_some() {
        return None;
    }
    Some(Version { major, minor, patch, pre, build })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_versions() {
        assert_eq!(parse_version("v1.2").unwrap().to_string(), "1.2.0");
        assert_eq!(parse_version("1.2.3-rc.1+build.5").unwrap().to_string(), "1.2.3-rc.1+build.5");
        assert_eq!(parse_version("3").unwrap().to_string(), "3.0.0");
        for bad in ["", "1.2.3.4", "x.1", "1..2", "1.2.3-", "latest"] {
            assert!(parse_version(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn chart_yaml_checks() {
        let ok = parse_chart_yaml("apiVersion: v2\nname: demo\nversion: 1.0\nappVersion: \"2.1\"\n").unwrap();
        assert_eq!((ok.name.as_str(), ok.version.as_str(), ok.app_version.as_deref()), ("demo", "1.0", Some("2.1")));
        for (yaml, needle) in [
            ("name: demo\nversion: 1.0.0\n", "apiVersion"),
            ("apiVersion: v2\nname: ..\nversion: 1.0.0\n", "name"),
            ("apiVersion: v2\nname: a/b\nversion: 1.0.0\n", "separator"),
            ("apiVersion: v2\nname: demo\nversion: latest\n", "SemVer"),
            ("apiVersion: v2\nname: [\n", "not valid"),
        ] {
            let err = parse_chart_yaml(yaml).unwrap_err();
            assert!(err.message.contains(needle), "{yaml}: {}", err.message);
        }
    }
}
