//! User-facing messages of chart-fetch: the catalogue (`locales/<lang>/chart-fetch.ftl`) and one
//! function per message, taking plain values.

use deckhand_common::i18n::Catalogue;
use deckhand_common::messages::list;
use deckhand_common::tr;

/// chart-fetch's messages in every language.
pub(crate) static CATALOGUE: Catalogue =
    Catalogue::new(include_str!("../locales/en/chart-fetch.ftl"), include_str!("../locales/zh-CN/chart-fetch.ftl"));

deckhand_common::catalogue_tests!(crate::messages::CATALOGUE);

/// A name or value as the messages quote it (Rust's debug quoting: control characters escaped).
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

fn size(bytes: u64) -> String {
    bytesize::ByteSize::b(bytes).display().iec().to_string()
}

pub fn hint_repo_url() -> String {
    tr!(CATALOGUE, "hint-repo-url")
}

pub fn hint_repo_root() -> String {
    tr!(CATALOGUE, "hint-repo-root")
}

pub fn hint_chart_name() -> String {
    tr!(CATALOGUE, "hint-chart-name")
}

pub fn hint_version() -> String {
    tr!(CATALOGUE, "hint-version")
}

pub fn hint_constraint() -> String {
    tr!(CATALOGUE, "hint-constraint")
}

pub fn hint_digest() -> String {
    tr!(CATALOGUE, "hint-digest")
}

pub fn hint_oci_ref() -> String {
    tr!(CATALOGUE, "hint-oci-ref")
}

pub fn hint_not_a_chart() -> String {
    tr!(CATALOGUE, "hint-not-a-chart")
}

pub fn hint_max_manifest_size() -> String {
    tr!(CATALOGUE, "hint-max-manifest-size")
}

pub fn hint_max_index_size() -> String {
    tr!(CATALOGUE, "hint-max-index-size")
}

/// `what` phrases, for the shared download and status messages.
pub fn what_index() -> String {
    tr!(CATALOGUE, "what-index")
}

pub fn what_tag_list() -> String {
    tr!(CATALOGUE, "what-tag-list")
}

pub fn what_manifest(reference: &str) -> String {
    tr!(CATALOGUE, "what-manifest", reference = reference)
}

pub fn what_chart_metadata(reference: &str) -> String {
    tr!(CATALOGUE, "what-chart-metadata", reference = reference)
}

pub fn bad_repo_url(shown: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-repo-url", shown = quoted(shown), why = why)
}

pub fn repo_scheme(scheme: &str) -> String {
    tr!(CATALOGUE, "repo-scheme", scheme = scheme)
}

pub fn repo_with_oci() -> String {
    tr!(CATALOGUE, "repo-with-oci")
}

pub fn no_source(chart: &str) -> String {
    tr!(CATALOGUE, "no-source", chart = quoted(chart))
}

pub fn bad_chart_name(name: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-chart-name", name = quoted(name), why = why)
}

pub fn untar_needs_folder() -> String {
    tr!(CATALOGUE, "untar-needs-folder")
}

pub fn bad_constraint(why: &str) -> String {
    tr!(CATALOGUE, "bad-constraint", why = why)
}

pub fn constraint_incomplete_range(text: &str) -> String {
    tr!(CATALOGUE, "constraint-incomplete-range", text = quoted(text))
}

pub fn constraint_lone_operator(operator: &str, text: &str) -> String {
    tr!(CATALOGUE, "constraint-lone-operator", operator = quoted(operator), text = quoted(text))
}

pub fn constraint_bad_term(term: &str) -> String {
    tr!(CATALOGUE, "constraint-bad-term", term = quoted(term))
}

/// No version of `chart` matches `wanted` (`None`: the latest stable version); the first ten of
/// `available` are listed.
pub fn no_matching_version(chart: &str, wanted: Option<&str>, available: &[String]) -> String {
    const SHOWN: usize = 10;
    let more = available.len().saturating_sub(SHOWN);
    let shown = list(&available[..available.len().min(SHOWN)]);
    match (wanted, available.is_empty()) {
        (Some(wanted), false) => {
            tr!(CATALOGUE, "no-matching-version", chart = chart, wanted = wanted, available = shown, more = more)
        }
        (None, false) => tr!(CATALOGUE, "no-stable-version", chart = chart, available = shown, more = more),
        (Some(wanted), true) => tr!(CATALOGUE, "no-version-available", chart = chart, wanted = wanted),
        (None, true) => tr!(CATALOGUE, "no-stable-version-available", chart = chart),
    }
}

pub fn bad_index(url: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-index", url = url, why = why)
}

pub fn index_too_large(url: &str, max: u64) -> String {
    tr!(CATALOGUE, "index-too-large", url = url, max = size(max))
}

pub fn skipped_entry(why: &str) -> String {
    tr!(CATALOGUE, "skipped-entry", why = why)
}

pub fn chart_not_found(chart: &str, repo: &str, count: usize) -> String {
    tr!(CATALOGUE, "chart-not-found", chart = quoted(chart), repo = repo, count = count)
}

pub fn deprecated(chart: &str, version: &str) -> String {
    tr!(CATALOGUE, "deprecated", chart = chart, version = version)
}

pub fn no_urls(chart: &str, version: &str) -> String {
    tr!(CATALOGUE, "no-urls", chart = chart, version = version)
}

pub fn bad_chart_url(url: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-chart-url", url = quoted(url), why = why)
}

pub fn unverified(chart: &str, version: &str) -> String {
    tr!(CATALOGUE, "unverified", chart = chart, version = version)
}

pub fn credentials_withheld(origin: &str) -> String {
    tr!(CATALOGUE, "credentials-withheld", origin = origin)
}

pub fn index_empty() -> String {
    tr!(CATALOGUE, "index-empty")
}

pub fn index_no_api_version() -> String {
    tr!(CATALOGUE, "index-no-api-version")
}

pub fn index_not_utf8(why: &str) -> String {
    tr!(CATALOGUE, "index-not-utf8", why = why)
}

pub fn index_bad_yaml(why: &str) -> String {
    tr!(CATALOGUE, "index-bad-yaml", why = why)
}

pub fn index_bad_json(why: &str) -> String {
    tr!(CATALOGUE, "index-bad-json", why = why)
}

/// `got` and `wanted` are kinds of value: `string`, `boolean`, `number`, `list`, `mapping`.
pub fn index_wrong_type(field: &str, got: &str, wanted: &str) -> String {
    tr!(CATALOGUE, "index-wrong-type", field = field, got = got, wanted = wanted)
}

/// What a field takes, for the YAML and JSON readers' own errors (`wanted` as above).
pub fn index_expecting(field: &str, wanted: &str) -> String {
    tr!(CATALOGUE, "index-expecting", field = field, wanted = wanted)
}

pub fn index_expecting_merge() -> String {
    tr!(CATALOGUE, "index-expecting-merge")
}

pub fn index_bad_time(field: &str, text: &str) -> String {
    tr!(CATALOGUE, "index-bad-time", field = field, text = quoted(text))
}

pub fn index_null_entry(field: &str) -> String {
    tr!(CATALOGUE, "index-null-entry", field = field)
}

pub fn index_duplicate_key(key: &str) -> String {
    tr!(CATALOGUE, "index-duplicate-key", key = quoted(key))
}

pub fn index_unknown_field(key: &str) -> String {
    tr!(CATALOGUE, "index-unknown-field", key = quoted(key))
}

/// An index entry of `chart` skipped for `reason` (one of the `entry-*` ids without the prefix);
/// `other` is the name it gives, for `names-another-chart`.
pub fn invalid_entry(chart: &str, version: &str, reason: &str, other: &str) -> String {
    let version = quoted(version);
    match reason {
        "no-name" => tr!(CATALOGUE, "entry-no-name", chart = chart, version = version),
        "name-not-segment" => tr!(CATALOGUE, "entry-name-not-segment", chart = chart, version = version),
        "names-another-chart" => {
            tr!(CATALOGUE, "entry-names-another-chart", chart = chart, version = version, name = quoted(other))
        }
        "no-version" => tr!(CATALOGUE, "entry-no-version", chart = chart, version = version),
        "not-semver" => tr!(CATALOGUE, "entry-not-semver", chart = chart, version = version),
        "bad-type" => tr!(CATALOGUE, "entry-bad-type", chart = chart, version = version),
        "empty-maintainer" => tr!(CATALOGUE, "entry-empty-maintainer", chart = chart, version = version),
        "empty-dependency" => tr!(CATALOGUE, "entry-empty-dependency", chart = chart, version = version),
        _ => tr!(CATALOGUE, "entry-bad-alias", chart = chart, version = version),
    }
}

pub fn bad_oci_ref(reference: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-oci-ref", reference = quoted(reference), why = why)
}

/// An OCI reference refused for `reason` (one of the `oci-ref-*` ids without the prefix).
pub fn bad_oci_ref_because(reference: &str, reason: &str) -> String {
    let reference = quoted(reference);
    match reason {
        "no-scheme" => tr!(CATALOGUE, "oci-ref-no-scheme", reference = reference),
        "digest-algorithm" => tr!(CATALOGUE, "oci-ref-digest-algorithm", reference = reference),
        "digest-length" => tr!(CATALOGUE, "oci-ref-digest-length", reference = reference),
        "no-path" => tr!(CATALOGUE, "oci-ref-no-path", reference = reference),
        _ => tr!(CATALOGUE, "oci-ref-malformed", reference = reference),
    }
}

pub fn tag_version_conflict(tag: &str, version: &str) -> String {
    tr!(CATALOGUE, "tag-version-conflict", tag = tag, version = version)
}

pub fn no_tags(repository: &str) -> String {
    tr!(CATALOGUE, "no-tags", repository = repository)
}

pub fn foreign_page(repository: &str, next: &str) -> String {
    tr!(CATALOGUE, "foreign-page", repository = repository, next = next)
}

pub fn bad_manifest(reference: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-manifest", reference = reference, why = why)
}

pub fn manifest_not_semver(reference: &str, version: &str) -> String {
    tr!(CATALOGUE, "manifest-not-semver", reference = reference, version = quoted(version))
}

pub fn manifest_unsupported_digest(reference: &str, digest: &str) -> String {
    tr!(CATALOGUE, "manifest-unsupported-digest", reference = reference, digest = digest)
}

pub fn not_a_chart(reference: &str, media_type: &str) -> String {
    tr!(CATALOGUE, "not-a-chart", reference = reference, media_type = quoted(media_type))
}

pub fn no_chart_layer(reference: &str) -> String {
    tr!(CATALOGUE, "no-chart-layer", reference = reference)
}

pub fn wrong_chart(what: &str, wanted: &str, got: &str) -> String {
    tr!(CATALOGUE, "wrong-chart", what = what, wanted = quoted(wanted), got = quoted(got))
}

pub fn manifest_too_big(what: &str, limit: u64) -> String {
    tr!(CATALOGUE, "manifest-too-big", what = what, limit = size(limit))
}

pub fn read_failed(what: &str, why: &str) -> String {
    tr!(CATALOGUE, "read-failed", what = what, why = why)
}

pub fn digest_mismatch(what: &str, expected: &str, actual: &str) -> String {
    tr!(CATALOGUE, "digest-mismatch", what = what, expected = expected, actual = actual)
}

pub fn cannot_create_destination(path: &std::path::Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-create-destination", path = path, error = error)
}

pub fn cannot_create_temp(path: &std::path::Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-create-temp", path = path, error = error)
}

pub fn cannot_set_mode(path: &std::path::Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-set-mode", path = path, error = error)
}

pub fn cannot_save(path: &std::path::Path, error: &str) -> String {
    tr!(CATALOGUE, "cannot-save", path = path, error = error)
}

pub fn result_fetched(chart: &str, version: &str, source: &str) -> String {
    tr!(CATALOGUE, "result-fetched", chart = chart, version = version, source = source)
}

pub fn result_file(path: &std::path::Path) -> String {
    tr!(CATALOGUE, "result-file", path = path)
}

pub fn result_unpacked(path: &std::path::Path) -> String {
    tr!(CATALOGUE, "result-unpacked", path = path)
}

pub fn result_digest(digest: &str, verified: bool) -> String {
    if verified {
        tr!(CATALOGUE, "result-digest-verified", digest = digest)
    } else {
        tr!(CATALOGUE, "result-digest-unverified", digest = digest)
    }
}

pub fn result_app_version(app_version: &str) -> String {
    tr!(CATALOGUE, "result-app-version", app_version = app_version)
}

pub fn summary(chart: &str, version: &str, digest: &str) -> String {
    tr!(CATALOGUE, "summary", chart = chart, version = version, digest = digest)
}

/// `--help`'s text after the options: examples, and where options can come from.
/// `--help`'s examples (the English help; the Chinese one is `locales/zh-CN/help.ftl`).
pub const EXAMPLES: &str = "Examples:
  chart-fetch --repo https://charts.example/stable nginx --version '^1.2' -d charts
  chart-fetch oci://harbor.example/library/nginx --version 1.2.3 --untar
  echo \"$TOKEN\" | chart-fetch --repo https://bkrepo.example/helm/proj/repo app \\
      --username ci --password-stdin

Every option can also come from PLUGIN_<NAME> (Drone/Woodpecker) or the BK-CI input.json.";

#[cfg(test)]
mod tests {
    use deckhand_common::i18n::{Arg, FluentArgs, Lang};

    use super::CATALOGUE;

    fn args(pairs: &[(&str, &str)]) -> FluentArgs<'static> {
        let mut args = FluentArgs::new();
        for (name, value) in pairs {
            args.set(name.to_string(), value.fluent());
        }
        args
    }

    #[test]
    fn kinds_of_value_are_named_in_each_language() {
        let a = args(&[("field", "urls"), ("got", "string"), ("wanted", "list")]);
        assert_eq!(CATALOGUE.text_in(Lang::En, "index-wrong-type", &a), "`urls` is a string where helm needs a list");
        assert_eq!(CATALOGUE.text_in(Lang::ZhCn, "index-wrong-type", &a), "`urls` 是字符串，而 helm 要求列表");
    }

    #[test]
    fn versions_past_the_tenth_are_counted() {
        let many: Vec<String> = (0..12).map(|i| format!("1.{i}.0")).collect();
        let en = super::no_matching_version("demo", Some("^2"), &many);
        assert!(en.ends_with("1.8.0, 1.9.0 and 2 more"), "{en}");
        assert_eq!(
            super::no_matching_version("demo", None, &[]),
            "no version of demo matches the latest stable version; available: none"
        );
        let mut a = args(&[("chart", "demo"), ("wanted", "^2"), ("available", "1.0.0")]);
        a.set("more", 2usize.fluent());
        assert_eq!(
            CATALOGUE.text_in(Lang::ZhCn, "no-matching-version", &a),
            "demo 没有符合 ^2 的版本；可用版本：1.0.0 等（另有 2 个）"
        );
    }
}
