//! Classic chart repositories: a static `index.yaml` plus archives (bk-repo, ChartMuseum, Harbor
//! <= 2.7, Nexus, any web server).

use deckhand_common::http::{display_url, origin, read_capped, Auth, Capped, HttpClient};
use deckhand_common::{log, Error, Result};
use url::Url;

use crate::index::{read_index, select};
use crate::{messages, save, Fetch, Fetched, Source};

/// `<repo>/index.yaml`, keeping the repository URL's query string (helm does the same).
pub fn index_url(repo: &Url) -> Url {
    let mut url = repo.clone();
    let path = format!("{}/index.yaml", url.path().trim_end_matches('/'));
    url.set_path(&path);
    url
}

/// Resolves an index `urls[0]` as helm does: absolute URLs as they are; relative ones against the
/// repository URL with a trailing `/`, and the repository's query string copied onto the result.
pub fn chart_url(repo: &Url, reference: &str) -> Result<Url> {
    if let Ok(absolute) = Url::parse(reference) {
        return Ok(absolute);
    }
    let mut base = repo.clone();
    let path = format!("{}/", base.path().trim_end_matches('/'));
    base.set_path(&path);
    let mut resolved =
        base.join(reference).map_err(|e| Error::input(messages::bad_chart_url(reference, &e.to_string())))?;
    resolved.set_query(repo.query());
    Ok(resolved)
}

/// The archive's file name: the last segment of the URL path, as helm names it, when that is a
/// plain `.tgz` name; else `<chart>-<version>.tgz`. The server chose that segment: it must not
/// name a hidden file (`.git`) or anything but an archive (`Jenkinsfile`).
fn file_name(url: &Url, chart: &str, version: &str) -> String {
    let last = url.path_segments().and_then(|mut s| s.next_back()).unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(last).decode_utf8_lossy().into_owned();
    let plain_archive = decoded.ends_with(".tgz") && !decoded.starts_with('.');
    if plain_archive && chart_untar::metadata::check_chart_name(&decoded).is_ok() {
        decoded
    } else {
        format!("{chart}-{version}.tgz")
    }
}

pub fn fetch(req: &Fetch, client: &HttpClient, repo: &Url) -> Result<Fetched> {
    let auth = req.auth();
    let index_url = index_url(repo);
    let shown_repo = display_url(repo);
    let max = req.max_index_size.unwrap_or(DEFAULT_MAX_INDEX_SIZE);
    let body = download_index(client, &index_url, &auth, max)?;
    let slice = read_index(&body, &req.chart).map_err(|e| {
        Error::input(messages::bad_index(&display_url(&index_url), &e.0)).hint(messages::hint_repo_root())
    })?;
    drop(body);
    for why in &slice.skipped {
        log::warn(messages::skipped_entry(why));
    }
    let versions = slice.versions.ok_or_else(|| {
        Error::input(messages::chart_not_found(&req.chart, &shown_repo, slice.chart_count))
            .hint(messages::hint_chart_name())
    })?;
    let chosen = select(&versions, req.version.as_deref(), req.devel)
        .map_err(|why| Error::usage(messages::bad_constraint(&why)).hint(messages::hint_constraint()))?
        .ok_or_else(|| {
            let available: Vec<String> = versions.iter().map(|v| v.version.clone()).collect();
            let message = messages::no_matching_version(&req.chart, req.version.as_deref(), &available);
            Error::input(message).hint(messages::hint_version())
        })?;
    if chosen.deprecated {
        log::warn(messages::deprecated(&chosen.name, &chosen.version));
    }
    let reference =
        chosen.urls.first().ok_or_else(|| Error::input(messages::no_urls(&chosen.name, &chosen.version)))?;
    let url = chart_url(repo, reference)?;
    // Credentials go only to the repository's own origin (CVE-2021-32690) unless asked otherwise.
    let chart_auth = if req.pass_credentials || origin(&url) == origin(repo) {
        auth
    } else {
        if auth.is_some() {
            log::info(messages::credentials_withheld(&origin(&url)));
        }
        Auth::None
    };
    if chosen.digest.is_none() {
        log::warn(messages::unverified(&chosen.name, &chosen.version));
    }
    let what = format!("{} {}", chosen.name, chosen.version);
    let saved = save(
        client,
        req,
        &url,
        &chart_auth,
        None,
        chosen.digest.as_deref(),
        &file_name(&url, &req.chart, &chosen.version),
        &what,
    )?;
    Ok(Fetched {
        chart: chosen.name.clone(),
        version: chosen.version.clone(),
        app_version: chosen.app_version.clone(),
        source: Source::Repository { repo: shown_repo, url: display_url(&url) },
        verified: chosen.digest.is_some(),
        saved,
    })
}

/// The default `--max-index-size`: ten times the biggest public indexes (about 22 MB, bitnami-sized
/// before it was trimmed). The index is held in memory while read; helm, which has no limit, needs
/// some 23 times an index's size in memory, about 6 GB for one this big.
pub const DEFAULT_MAX_INDEX_SIZE: u64 = 256 * 1024 * 1024;

/// The index option, for the command line (flattened into chart-fetch's options).
#[derive(clap::Args, Debug, Clone)]
pub struct IndexArgs {
    /// Refuse a repository index larger than this (e.g. 512MiB): it is read into memory.
    #[arg(long, value_name = "SIZE", default_value = "256MiB")]
    pub max_index_size: bytesize::ByteSize,
}

/// Downloads the index into memory, refusing it as soon as it is known to pass `max` bytes: by its
/// Content-Length, or while reading. A transfer cut short goes to the retrying download.
fn download_index(client: &HttpClient, url: &Url, auth: &Auth, max: u64) -> Result<Vec<u8>> {
    let too_large =
        || Error::input(messages::index_too_large(&display_url(url), max)).hint(messages::hint_max_index_size());
    // An input error (a 404, a file that is not an index) usually means --repo is not the root.
    let not_root = |e: Error| match e.kind {
        deckhand_common::ErrorKind::Input => e.hint(messages::hint_repo_root()),
        _ => e,
    };
    let what = messages::what_index();
    let response = client.get(url, auth, None).and_then(|r| client.check(r, &what)).map_err(not_root)?;
    if let Ok(read) = read_capped(response, max) {
        return read.ok_or_else(too_large);
    }
    let mut body = Capped::new(max);
    let done = client.download(url, auth, None, &mut body, &what);
    if body.is_over() {
        return Err(too_large());
    }
    done.map_err(not_root)?;
    Ok(body.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_like_helm() {
        let repo = Url::parse("https://repo.example/helm/proj/repo?token=abc").unwrap();
        assert_eq!(index_url(&repo).as_str(), "https://repo.example/helm/proj/repo/index.yaml?token=abc");
        assert_eq!(
            chart_url(&repo, "charts/demo-1.0.0.tgz").unwrap().as_str(),
            "https://repo.example/helm/proj/repo/charts/demo-1.0.0.tgz?token=abc"
        );
        assert_eq!(
            chart_url(&repo, "https://cdn.example/demo-1.0.0.tgz").unwrap().as_str(),
            "https://cdn.example/demo-1.0.0.tgz"
        );
        let slash = Url::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(index_url(&slash).as_str(), "http://127.0.0.1:8080/index.yaml");
        assert_eq!(chart_url(&slash, "demo-1.0.0.tgz").unwrap().as_str(), "http://127.0.0.1:8080/demo-1.0.0.tgz");
    }

    #[test]
    fn the_index_limit_default_is_the_libraries() {
        let default: bytesize::ByteSize = "256MiB".parse().unwrap();
        assert_eq!(default.as_u64(), DEFAULT_MAX_INDEX_SIZE, "the option's default is the library's");
    }

    #[test]
    fn file_names_are_one_safe_segment() {
        let url = Url::parse("http://h/charts/demo%2B1.tgz").unwrap();
        assert_eq!(file_name(&url, "demo", "1"), "demo+1.tgz");
        for hostile in ["http://h/get/..%2F..%2Fetc", "http://h/r/.git", "http://h/r/Jenkinsfile", "http://h/r/.x.tgz"]
        {
            let url = Url::parse(hostile).unwrap();
            assert_eq!(file_name(&url, "demo", "1.0.0"), "demo-1.0.0.tgz", "{hostile}");
        }
    }
}
