//! User-facing messages of chart-untar: the catalogue (`locales/<lang>/chart-untar.ftl`) and one
//! function per message, taking plain values.

use std::path::Path;

use deckhand_common::i18n::Catalogue;
use deckhand_common::tr;

/// chart-untar's messages in every language.
pub(crate) static CATALOGUE: Catalogue =
    Catalogue::new(include_str!("../locales/en/chart-untar.ftl"), include_str!("../locales/zh-CN/chart-untar.ftl"));

deckhand_common::catalogue_tests!(crate::messages::CATALOGUE);

/// A name or path as the messages quote it (Rust's debug quoting: control characters escaped).
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

fn size(bytes: u64) -> String {
    bytesize::ByteSize::b(bytes).display().iec().to_string()
}

pub fn hint_target_exists() -> String {
    tr!(CATALOGUE, "hint-target-exists")
}

pub fn hint_hostile() -> String {
    tr!(CATALOGUE, "hint-hostile")
}

pub fn hint_limit() -> String {
    tr!(CATALOGUE, "hint-limit")
}

pub fn hint_local_io() -> String {
    tr!(CATALOGUE, "hint-local-io")
}

pub fn hint_long_name() -> String {
    tr!(CATALOGUE, "hint-long-name")
}

pub fn bad_name_flag(name: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-name-flag", name = quoted(name), why = why)
}

pub fn target_exists(target: &Path) -> String {
    tr!(CATALOGUE, "target-exists", target = target)
}

/// Why a chart name is unusable, said after the name: `empty`, `dots`, `separator`, `control`.
pub fn name_problem(problem: &str) -> String {
    match problem {
        "empty" => tr!(CATALOGUE, "name-empty"),
        "dots" => tr!(CATALOGUE, "name-dots"),
        "separator" => tr!(CATALOGUE, "name-separator"),
        _ => tr!(CATALOGUE, "name-control"),
    }
}

/// An archive entry refused for `reason` (one of the `refused-*` ids without the prefix).
pub fn refused_entry(entry: &str, reason: &str) -> String {
    let entry = quoted(entry);
    match reason {
        "not-utf8" => tr!(CATALOGUE, "refused-not-utf8", entry = entry),
        "symlink" => tr!(CATALOGUE, "refused-symlink", entry = entry),
        "hard-link" => tr!(CATALOGUE, "refused-hard-link", entry = entry),
        "device" => tr!(CATALOGUE, "refused-device", entry = entry),
        "fifo" => tr!(CATALOGUE, "refused-fifo", entry = entry),
        "absolute" => tr!(CATALOGUE, "refused-absolute", entry = entry),
        "drive" => tr!(CATALOGUE, "refused-drive", entry = entry),
        "dot-dot" => tr!(CATALOGUE, "refused-dot-dot", entry = entry),
        "no-file-name" => tr!(CATALOGUE, "refused-no-file-name", entry = entry),
        "top-level" => tr!(CATALOGUE, "refused-top-level", entry = entry),
        _ => tr!(CATALOGUE, "refused-entry-type", entry = entry),
    }
}

pub fn name_part_too_long(entry: &str, max: usize) -> String {
    tr!(CATALOGUE, "refused-long-part", entry = quoted(entry), max = max)
}

pub fn path_too_long(entry: &str, max: usize) -> String {
    tr!(CATALOGUE, "refused-long-path", entry = quoted(entry), max = max)
}

pub fn not_gzip() -> String {
    tr!(CATALOGUE, "not-gzip")
}

pub fn bad_tar(cause: &str) -> String {
    tr!(CATALOGUE, "bad-tar", cause = cause)
}

pub fn too_big_total(limit: u64) -> String {
    tr!(CATALOGUE, "too-big-total", limit = size(limit))
}

pub fn too_big_file(entry: &str, limit: u64) -> String {
    tr!(CATALOGUE, "too-big-file", entry = quoted(entry), limit = size(limit))
}

pub fn no_chart_yaml() -> String {
    tr!(CATALOGUE, "no-chart-yaml")
}

pub fn chart_yaml_unreadable(why: &str) -> String {
    tr!(CATALOGUE, "chart-yaml-unreadable", why = why)
}

pub fn chart_yaml_missing(field: &str) -> String {
    tr!(CATALOGUE, "chart-yaml-missing", field = field)
}

pub fn chart_yaml_bad_name(name: &str, why: &str) -> String {
    tr!(CATALOGUE, "chart-yaml-bad-name", name = quoted(name), why = why)
}

pub fn chart_yaml_bad_version(version: &str) -> String {
    tr!(CATALOGUE, "chart-yaml-bad-version", version = quoted(version))
}

pub fn not_the_chart_asked_for(wanted: &str, got: &str) -> String {
    tr!(CATALOGUE, "not-the-chart-asked-for", wanted = quoted(wanted), got = quoted(got))
}

pub fn cannot_open_archive(path: &Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-open-archive", path = path, error = error)
}

pub fn cannot_create_folder(path: &Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-create-folder", path = path, error = error)
}

pub fn cannot_create_temp(path: &Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-create-temp", path = path, error = error)
}

pub fn cannot_move_aside(path: &Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-move-aside", path = path, error = error)
}

pub fn cannot_place(path: &Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-place", path = path, error = error)
}

pub fn cannot_write(entry: &str, path: &Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-write", entry = quoted(entry), path = path, error = error)
}

pub fn unpacked(chart: &str, version: &str, path: &Path, files: usize, bytes: u64) -> String {
    tr!(CATALOGUE, "unpacked", chart = chart, version = version, path = path, files = files, bytes = bytes)
}
