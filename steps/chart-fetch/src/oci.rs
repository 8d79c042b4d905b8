//! OCI registries (Harbor >= 2.8, bk-repo, distribution, ...): the distribution API with Basic
//! and Bearer-token auth, Helm's media types, tags listed to resolve constraints, digests verified.

use chart_untar::metadata::parse_version;
use deckhand_common::http::{display_url, origin, read_capped, Auth, HttpClient};
use deckhand_common::registry::{stored_login, Session};
use deckhand_common::{Error, Result};
use reqwest::blocking::Response;
use reqwest::header::LINK;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use url::Url;

use crate::index::{select, ChartVersion};
use crate::{messages, save, Fetch, Fetched, Source};

pub const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
pub const CONFIG_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
/// Chart layer media types: Helm's, and the old one helm still accepts on pull.
pub const CHART_LAYER_TYPES: [&str; 2] =
    ["application/vnd.cncf.helm.chart.content.v1.tar+gzip", "application/tar+gzip"];

/// `oci://host[:port]/path/name[:tag][@sha256:digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub registry: String,
    pub repository: String,
    pub tag: Option<String>,
    /// Lowercase hex SHA-256 of the manifest.
    pub digest: Option<String>,
}

impl Reference {
    pub fn parse(text: &str) -> Result<Reference> {
        let bad =
            |reason: &str| Error::usage(messages::bad_oci_ref_because(text, reason)).hint(messages::hint_oci_ref());
        let rest = text.strip_prefix("oci://").ok_or_else(|| bad("no-scheme"))?;
        let (rest, digest) = match rest.split_once('@') {
            Some((rest, digest)) => {
                let hex = digest.strip_prefix("sha256:").ok_or_else(|| bad("digest-algorithm"))?;
                if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(bad("digest-length"));
                }
                (rest, Some(hex.to_ascii_lowercase()))
            }
            None => (rest, None),
        };
        let (registry, path) = rest.split_once('/').ok_or_else(|| bad("no-path"))?;
        let (repository, tag) = match path.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => (repo, Some(tag.to_string())),
            _ => (path, None),
        };
        let valid = |s: &str| !s.is_empty() && s.split('/').all(|p| !p.is_empty() && p != "." && p != "..");
        if registry.is_empty() || registry.contains('@') || !valid(repository) || tag.as_deref() == Some("") {
            return Err(bad("malformed"));
        }
        Ok(Reference { registry: registry.to_string(), repository: repository.to_string(), tag, digest })
    }

    /// The chart's name: the last path segment.
    pub fn name(&self) -> &str {
        self.repository.rsplit('/').next().unwrap_or(&self.repository)
    }
}

#[derive(Deserialize)]
struct Manifest {
    config: Descriptor,
    #[serde(default)]
    layers: Vec<Descriptor>,
}

#[derive(Deserialize)]
struct Descriptor {
    #[serde(rename = "mediaType", default)]
    media_type: String,
    digest: String,
}

#[derive(Deserialize)]
struct ChartConfig {
    name: String,
    version: String,
    #[serde(rename = "appVersion")]
    app_version: Option<String>,
}

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Option<Vec<String>>,
}

/// The chart-specific calls on a registry session.
struct Registry<'a> {
    session: Session<'a>,
    repository: String,
    max_manifest: u64,
}

impl Registry<'_> {
    fn url(&self, tail: &str) -> Result<Url> {
        self.session.url(&format!("v2/{}/{tail}", self.repository))
    }

    fn get(&self, url: &Url, accept: Option<&str>, what: &str) -> Result<Response> {
        self.session.get(url, accept, what)
    }

    /// All tags, following `Link: <...>; rel="next"` pages.
    fn tags(&self) -> Result<Vec<String>> {
        let mut url = self.url("tags/list")?;
        let mut tags = Vec::new();
        for _ in 0..1000 {
            let response = self.get(&url, Some("application/json"), &messages::what_tag_list())?;
            let next = next_link(&response).and_then(|link| url.join(&link).ok());
            // The session's credentials go with every page: a page on another origin is refused.
            if let Some(next) = next.as_ref().filter(|next| origin(next) != origin(&url)) {
                return Err(Error::remote(messages::foreign_page(&self.repository, &display_url(next))));
            }
            let body = self.read_limited(response, &messages::what_tag_list())?;
            let page: TagList = serde_json::from_slice(&body)
                .map_err(|e| Error::remote(messages::bad_manifest(&self.repository, &e.to_string())))?;
            tags.extend(page.tags.unwrap_or_default());
            match next {
                Some(next) => url = next,
                None => break,
            }
        }
        Ok(tags)
    }

    /// A small blob or manifest, checked against `digest` when given.
    fn bytes(&self, url: &Url, accept: Option<&str>, digest: Option<&str>, what: &str) -> Result<Vec<u8>> {
        let body = self.read_limited(self.get(url, accept, what)?, what)?;
        let actual = hex::encode(Sha256::digest(&body));
        if let Some(expected) = digest.filter(|d| *d != actual) {
            return Err(
                Error::integrity(messages::digest_mismatch(what, expected, &actual)).hint(messages::hint_digest())
            );
        }
        Ok(body)
    }

    /// A manifest, config or tag list: at most `max_manifest` bytes, as oras-go (which helm uses)
    /// caps manifests at 4 MiB; a server announcing or sending more is refused.
    fn read_limited(&self, response: Response, what: &str) -> Result<Vec<u8>> {
        read_capped(response, self.max_manifest)
            .map_err(|e| Error::remote(messages::read_failed(what, &e.to_string())))?
            .ok_or_else(|| {
                Error::input(messages::manifest_too_big(what, self.max_manifest))
                    .hint(messages::hint_max_manifest_size())
            })
    }
}

/// The `rel="next"` target of a response's `Link` header.
fn next_link(response: &Response) -> Option<String> {
    next_in_link_header(response.headers().get(LINK)?.to_str().ok()?).map(str::to_string)
}

/// The `rel="next"` target in a `Link` header value (RFC 8288), or `None`. Malformed values are
/// ignored, never trusted.
pub fn next_in_link_header(link: &str) -> Option<&str> {
    link.split(',').find_map(|part| {
        let (target, params) = part.trim().strip_prefix('<')?.split_once('>')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().replace(' ', "");
            p.eq_ignore_ascii_case("rel=\"next\"") || p.eq_ignore_ascii_case("rel=next")
        });
        is_next.then_some(target)
    })
}

/// Picks a tag as helm does: `_` in tags stands for `+`; only SemVer tags count; an exact match
/// first, then the highest tag matching the constraint.
fn pick_tag(tags: &[String], requested: Option<&str>, devel: bool, repository: &str) -> Result<String> {
    let mut versions: Vec<ChartVersion> = tags
        .iter()
        .filter_map(|tag| {
            let version = tag.replace('_', "+");
            let semver = semver::Version::parse(&version).ok()?;
            Some(ChartVersion {
                name: String::new(),
                version,
                semver,
                app_version: None,
                deprecated: false,
                urls: Vec::new(),
                digest: None,
            })
        })
        .collect();
    if versions.is_empty() {
        return Err(Error::input(messages::no_tags(repository)).hint(messages::hint_version()));
    }
    versions.sort_by(|a, b| b.semver.cmp_precedence(&a.semver));
    let chosen = select(&versions, requested, devel)
        .map_err(|why| Error::usage(messages::bad_constraint(&why)).hint(messages::hint_constraint()))?
        .ok_or_else(|| {
            let available: Vec<String> = versions.iter().map(|v| v.version.clone()).collect();
            Error::input(messages::no_matching_version(repository, requested, &available))
                .hint(messages::hint_version())
        })?;
    Ok(chosen.version.clone())
}

pub fn fetch(req: &Fetch, client: &HttpClient, reference: &Reference) -> Result<Fetched> {
    let scheme = if req.plain_http { "http" } else { "https" };
    let base = Url::parse(&format!("{scheme}://{}/", reference.registry))
        .map_err(|e| Error::usage(messages::bad_oci_ref(&req.chart, &e.to_string())).hint(messages::hint_oci_ref()))?;
    // With no credentials given, those of `helm registry login` / `docker login`, as helm does.
    let stored = if req.username.is_none() { stored_login(&reference.registry) } else { None };
    let auth = match stored {
        Some((user, password)) => Auth::basic(Some(&user), Some(&password)),
        None => req.auth(),
    };
    let session = Session::new(client, base, auth, Some(&reference.repository));
    let registry = Registry { session, repository: reference.repository.clone(), max_manifest: req.max_manifest_size };
    let shown = format!("oci://{}/{}", reference.registry, reference.repository);

    let manifest_ref = match (&reference.digest, &reference.tag, &req.version) {
        (Some(digest), ..) => format!("sha256:{digest}"),
        (None, Some(tag), Some(version)) if tag != version => {
            return Err(Error::usage(messages::tag_version_conflict(tag, version)).hint(messages::hint_oci_ref()))
        }
        (None, Some(tag), _) => tag.replace('+', "_"),
        (None, None, Some(version)) if parse_version(version).is_some() => version.replace('+', "_"),
        (None, None, requested) => {
            pick_tag(&registry.tags()?, requested.as_deref(), req.devel, &shown)?.replace('+', "_")
        }
    };
    // A digest pin reads `name@sha256:...`, as it is written; a tag `name:tag`.
    let separator = if reference.digest.is_some() { '@' } else { ':' };
    let what = format!("{shown}{separator}{manifest_ref}");
    let manifest_url = registry.url(&format!("manifests/{manifest_ref}"))?;
    let body = registry.bytes(
        &manifest_url,
        Some(MANIFEST_TYPE),
        reference.digest.as_deref(),
        &messages::what_manifest(&what),
    )?;
    let manifest: Manifest =
        serde_json::from_slice(&body).map_err(|e| Error::input(messages::bad_manifest(&what, &e.to_string())))?;
    if manifest.config.media_type != CONFIG_TYPE {
        return Err(
            Error::input(messages::not_a_chart(&what, &manifest.config.media_type)).hint(messages::hint_not_a_chart())
        );
    }
    let layer = manifest
        .layers
        .iter()
        .find(|l| CHART_LAYER_TYPES.contains(&l.media_type.as_str()))
        .ok_or_else(|| Error::input(messages::no_chart_layer(&what)).hint(messages::hint_not_a_chart()))?;
    let config_hex = sha256_hex(&manifest.config.digest, &what)?;
    let layer_hex = sha256_hex(&layer.digest, &what)?;

    let config_url = registry.url(&format!("blobs/{}", manifest.config.digest))?;
    let config = registry.bytes(&config_url, None, Some(config_hex), &messages::what_chart_metadata(&what))?;
    let config: ChartConfig =
        serde_json::from_slice(&config).map_err(|e| Error::input(messages::bad_manifest(&what, &e.to_string())))?;

    check_config(&config, reference.name(), &what)?;

    let blob_url = registry.url(&format!("blobs/{}", layer.digest))?;
    let file_name = format!("{}-{}.tgz", reference.name(), config.version);
    let auth = registry.session.auth();
    let saved = save(client, req, &blob_url, &auth, None, Some(layer_hex), &file_name, &what)?;
    Ok(Fetched {
        chart: config.name,
        version: config.version,
        app_version: config.app_version,
        source: Source::Oci { reference: what },
        verified: true,
        saved,
    })
}

/// The registry's word on the chart is used in a file name and printed: the name must be the chart
/// that was asked for, the version SemVer (so one path segment, no control characters).
fn check_config(config: &ChartConfig, wanted: &str, what: &str) -> Result<()> {
    if config.name != wanted {
        return Err(Error::input(messages::wrong_chart(what, wanted, &config.name)).hint(messages::hint_not_a_chart()));
    }
    // SemVer's characters (digits, letters, `.`, `-`, `+`) make it one path segment too.
    if parse_version(&config.version).is_none() {
        return Err(Error::input(messages::manifest_not_semver(what, &config.version)));
    }
    Ok(())
}

fn sha256_hex<'d>(digest: &'d str, what: &str) -> Result<&'d str> {
    digest
        .strip_prefix("sha256:")
        .filter(|h| h.len() == 64)
        .ok_or_else(|| Error::input(messages::manifest_unsupported_digest(what, digest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = Reference::parse("oci://127.0.0.1:5000/charts/demo:1.0.0").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag.as_deref()),
            ("127.0.0.1:5000", "charts/demo", Some("1.0.0"))
        );
        assert_eq!(r.name(), "demo");
        let d = format!("oci://reg.example/a/b/demo@sha256:{}", "A".repeat(64));
        let r = Reference::parse(&d).unwrap();
        assert_eq!((r.tag, r.digest), (None, Some("a".repeat(64))));
        for bad in
            ["https://x/y", "oci://host", "oci://host/", "oci://host/a/../b", "oci://h/demo@sha256:12", "oci://h/demo:"]
        {
            assert!(Reference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn link_headers() {
        let next = next_in_link_header;
        assert_eq!(next(r#"</v2/a/tags/list?last=b&n=2>; rel="next""#), Some("/v2/a/tags/list?last=b&n=2"));
        assert_eq!(next(r#"<https://x/prev>; rel="prev", </v2/n>; rel=next"#), Some("/v2/n"));
        for malformed in
            ["", ">; rel=\"next\"<", "rel=\"next\"", "</v2/n; rel=\"next\"", "<a>b>; rel=\"nextx\"", "\u{0}<"]
        {
            assert_eq!(next(malformed), None, "{malformed:?}");
        }
    }

    #[test]
    fn tags_map_underscore_to_plus_and_skip_non_semver() {
        let tags: Vec<String> =
            ["0.1.0", "0.2.0_build.1", "latest", "0.3.0-rc.1"].iter().map(std::string::ToString::to_string).collect();
        assert_eq!(pick_tag(&tags, None, false, "r").unwrap(), "0.2.0+build.1");
        assert_eq!(pick_tag(&tags, None, true, "r").unwrap(), "0.3.0-rc.1");
        assert_eq!(pick_tag(&tags, Some("~0.1"), false, "r").unwrap(), "0.1.0");
        assert!(pick_tag(&tags, Some("^1"), false, "r").is_err());
    }
}
