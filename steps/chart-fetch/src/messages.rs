//! User-facing messages of chart-fetch, kept together for translation.

pub const HINT_REPO_URL: &str = "write it as https://host/path";

pub const HINT_REPO_ROOT: &str = "--repo must be the repository root, the URL that serves index.yaml";
pub const HINT_CHART_NAME: &str = "check the chart name (`helm search repo` lists them), or the --repo URL";
pub const HINT_VERSION: &str =
    "list the versions with `helm search repo NAME --versions`; prereleases need --devel or a prerelease in --version";
pub const HINT_CONSTRAINT: &str =
    "use a version (1.2.3) or a constraint such as ~1.2, ^1, >=1.0 <2, 1.x, 1.0 - 1.4 || 2";
pub const HINT_DIGEST: &str = "the archive differs from what the repository published: do not use it; re-upload the chart or ask the repository's operator";
pub const HINT_OCI_REF: &str =
    "write it as oci://host[:port]/path/name, with --version, or oci://host/path/name:version or ...@sha256:<digest>";
pub const HINT_NOT_A_CHART: &str = "the reference points to an image that is not a Helm chart";

pub fn bad_index(url: &str, why: &str) -> String {
    format!("the repository index {url} cannot be read: {why}")
}

pub fn skipped_entry(why: &str) -> String {
    format!("skipping an invalid index entry: {why}")
}

pub fn chart_not_found(chart: &str, repo: &str, count: usize) -> String {
    format!("chart {chart:?} is not in the repository {repo} ({count} charts listed)")
}

pub fn no_matching_version(chart: &str, wanted: &str, available: &[String]) -> String {
    let shown = available.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
    let more = if available.len() > 10 { format!(" and {} more", available.len() - 10) } else { String::new() };
    let available = if available.is_empty() { "none".to_string() } else { format!("{shown}{more}") };
    format!("no version of {chart} matches {wanted}; available: {available}")
}

pub fn bad_constraint(why: &str) -> String {
    format!("--version: {why}")
}

pub fn deprecated(chart: &str, version: &str) -> String {
    format!("{chart} {version} is deprecated by its maintainers")
}

pub fn no_urls(chart: &str, version: &str) -> String {
    format!("the index entry of {chart} {version} has no download URL")
}

pub fn bad_chart_url(url: &str, why: &str) -> String {
    format!("the index gives {url:?} as the download URL, which is not usable: {why}")
}

pub fn unverified(chart: &str, version: &str) -> String {
    format!("the index has no digest for {chart} {version}; the download cannot be verified")
}

pub fn digest_mismatch(what: &str, expected: &str, actual: &str) -> String {
    format!("{what} does not match its published digest: expected sha256:{expected}, got sha256:{actual}; nothing was saved")
}

pub fn credentials_withheld(origin: &str) -> String {
    format!("not sending the repository credentials to {origin} (another origin; --pass-credentials sends them)")
}

pub fn bad_oci_ref(reference: &str, why: &str) -> String {
    format!("{reference:?} is not a usable OCI chart reference: {why}")
}

pub fn tag_version_conflict(tag: &str, version: &str) -> String {
    format!("the reference says version {tag} but --version says {version}")
}

pub fn no_tags(repository: &str) -> String {
    format!("the registry lists no SemVer tags for {repository}")
}

pub fn bad_manifest(reference: &str, why: &str) -> String {
    format!("the manifest of {reference} cannot be read: {why}")
}

pub fn not_a_chart(reference: &str, media_type: &str) -> String {
    format!("{reference} is not a Helm chart (config media type {media_type:?})")
}

pub fn no_chart_layer(reference: &str) -> String {
    format!("the manifest of {reference} has no Helm chart layer")
}

pub fn untar_needs_folder() -> String {
    "--untardir must name a folder inside the destination".to_string()
}

pub fn repo_with_oci() -> String {
    "--repo is for classic repositories; an oci:// reference needs no --repo".to_string()
}

pub fn no_source(chart: &str) -> String {
    format!("where is {chart:?}? give --repo URL, or an oci:// reference")
}

pub fn bad_repo_url(shown: &str, why: &str) -> String {
    format!("--repo {shown:?} is not a URL: {why}")
}

pub fn repo_scheme(scheme: &str) -> String {
    format!("--repo must be an http or https URL, not {scheme}")
}

pub fn foreign_page(repository: &str, next: &str) -> String {
    format!("the tag list of {repository} points its next page to another server ({next}); the registry's credentials are not sent there")
}

pub fn manifest_too_big(what: &str, limit: u64) -> String {
    format!("{what} is larger than --max-manifest-size ({})", bytesize::ByteSize::b(limit).display().iec())
}

pub const HINT_MAX_MANIFEST_SIZE: &str =
    "a chart's manifest is a few KiB; if this registry's really are bigger, raise --max-manifest-size";

pub fn read_failed(what: &str, why: &str) -> String {
    format!("reading {what} failed: {why}")
}

pub fn wrong_chart(what: &str, wanted: &str, got: &str) -> String {
    format!("{what} holds the chart {got:?}, not {wanted:?}")
}

pub fn not_semver(version: &str) -> String {
    format!("its version {version:?} is not SemVer")
}

pub fn index_empty() -> String {
    "the index is empty (helm refuses an empty index.yaml too)".to_string()
}

pub fn index_no_api_version() -> String {
    "the index has no apiVersion (no API version specified)".to_string()
}

pub fn index_not_utf8(why: &dyn std::fmt::Display) -> String {
    format!("the index is not UTF-8 text: {why}")
}

pub fn index_bad_yaml(why: &str) -> String {
    format!("the index is not valid YAML, or not a valid index as helm reads it: {why}")
}

pub fn index_bad_json(why: &dyn std::fmt::Display) -> String {
    format!("the JSON index is not a valid index as helm reads it: {why}")
}

pub fn index_wrong_type(field: &str, got: &str, wanted: &str) -> String {
    format!("`{field}` is {got} where helm needs {wanted}")
}

pub fn index_bad_time(field: &str, text: &str) -> String {
    format!("`{field}` is {text:?}, not an RFC 3339 time (helm refuses it)")
}

pub fn index_null_entry(field: &str) -> String {
    format!("a list under `{field}` has an empty (null) entry, which makes helm 3.17 crash")
}

pub fn index_duplicate_key(key: &str) -> String {
    format!("the key {key:?} is set twice in one mapping (helm's strict YAML reading refuses that)")
}

pub fn index_unknown_field(key: &str) -> String {
    format!("unknown field {key:?} (helm's strict YAML reading refuses fields it does not know)")
}

pub fn index_invalid_entry(chart: &str, version: &str, why: &str) -> String {
    format!("{chart} {version:?}: {why}")
}

/// Part of the too-large message, also how the limit's error is told apart.
pub const INDEX_TOO_LARGE: &str = "is larger than the --max-index-size limit";
pub const HINT_MAX_INDEX_SIZE: &str =
    "if the repository really serves an index this big, raise the limit, e.g. --max-index-size 1GiB";

pub fn index_too_large(url: &str, max: u64) -> String {
    format!(
        "the repository index {url} {INDEX_TOO_LARGE} ({}); nothing was fetched",
        bytesize::ByteSize::b(max).display().iec()
    )
}

pub fn names_another_chart(name: &str) -> String {
    format!("it names another chart ({name:?})")
}

pub fn bad_chart_name(name: &str, why: &str) -> String {
    format!("the chart name {name:?} {why}: give the chart's name as the repository index lists it")
}
