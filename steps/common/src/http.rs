//! The HTTP client the network steps share: rustls with the system roots plus `--ca-file`,
//! client certificates, `--insecure-skip-tls-verify`, `HTTP(S)_PROXY`/`NO_PROXY` (from the
//! environment), timeouts, and retries with exponential backoff and jitter on connection errors,
//! 429 and 5xx (honouring `Retry-After`), never on 4xx.

use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use reqwest::blocking::{Client, Response};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, RETRY_AFTER};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use url::Url;

use crate::{log, messages, redact, tls, Error, Result};

/// TLS, timeout and retry options of every step that talks HTTP.
#[derive(Args, Debug, Clone)]
pub struct HttpArgs {
    /// PEM bundle of CA certificates to trust IN ADDITION to the system roots (helm's --ca-file
    /// replaces the system roots; ours adds to them).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Client certificate (PEM) for servers that require mutual TLS; needs --key-file.
    #[arg(long, value_name = "PEM", requires = "key_file")]
    pub cert_file: Option<PathBuf>,
    /// Private key (PEM) of --cert-file.
    #[arg(long, value_name = "PEM", requires = "cert_file")]
    pub key_file: Option<PathBuf>,
    /// Do not verify the server's certificate. Unsafe: prefer --ca-file.
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,
    /// Give up on one HTTP request after this long (e.g. 30s, 5m).
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = humantime::parse_duration)]
    pub http_timeout: Duration,
    /// Retries of a request on connection errors, HTTP 429 and 5xx (exponential backoff with
    /// jitter, honouring Retry-After); 401/403 and other 4xx are never retried.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub retries: u32,
}

/// Credentials for one request.
#[derive(Clone, Default)]
pub enum Auth {
    #[default]
    None,
    Basic {
        username: String,
        password: String,
    },
    Bearer(String),
}

impl Auth {
    /// Basic credentials when a username is given; the password is registered for redaction.
    pub fn basic(username: Option<&str>, password: Option<&str>) -> Auth {
        match username {
            Some(user) => {
                let password = password.unwrap_or_default().to_string();
                redact::register_basic(user, &password);
                Auth::Basic { username: user.to_string(), password }
            }
            None => Auth::None,
        }
    }

    pub fn is_some(&self) -> bool {
        !matches!(self, Auth::None)
    }
}

/// Scheme, host and port of a URL: where credentials may be sent.
pub fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The URL without `user:pass@`, for messages.
pub fn display_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// A retrying HTTP client; cheap to share within one run.
pub struct HttpClient {
    client: Client,
    retries: u32,
    timeout: Duration,
}

/// The first retry waits about this long; each next one twice as long, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// A server asking for a longer pause than this gets this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

impl HttpClient {
    pub fn new(args: &HttpArgs) -> Result<Self> {
        let mut builder = Client::builder()
            .user_agent(concat!("deckhand/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15).min(args.http_timeout))
            .timeout(args.http_timeout);
        let tls = tls_setup(args)?;
        let config = tls.client_config().map_err(|e| match (e, &args.cert_file) {
            (tls::SetupError::Identity(why), Some(cert)) => {
                Error::input(messages::bad_client_cert(cert, &why)).hint(messages::hint_client_cert())
            }
            (e, _) => Error::internal(messages::tls_setup_failed(&format!("{e:?}"))),
        })?;
        builder = builder.use_preconfigured_tls(config).redirect(redirect_policy());
        let client = builder.build().map_err(|e| Error::internal(messages::http_client_setup_failed(&chain(&e))))?;
        Ok(HttpClient { client, retries: args.retries, timeout: args.http_timeout })
    }

    /// GETs `url`, retrying transport failures, 429 and 5xx. Returns the last response whatever its
    /// status; [`check`](Self::check) turns a failed one into an error.
    pub fn get(&self, url: &Url, auth: &Auth, accept: Option<&str>) -> Result<Response> {
        let mut headers = HeaderMap::new();
        if let Some(accept) = accept {
            headers.insert(ACCEPT, HeaderValue::from_str(accept).map_err(|e| Error::internal(e.to_string()))?);
        }
        let mut attempt = 0;
        loop {
            log::debug(format!("GET {}", display_url(url)));
            // Set on the request, the timeout bounds the whole exchange, body included (on the
            // client it bounds each read, so a body trickled a byte a second never times out).
            let mut request = self.client.get(url.clone()).headers(headers.clone()).timeout(self.timeout);
            request = match auth {
                Auth::None => request,
                Auth::Basic { username, password } => request.basic_auth(username, Some(password)),
                Auth::Bearer(token) => request.header(AUTHORIZATION, format!("Bearer {token}")),
            };
            match request.send() {
                Ok(response) if retryable_status(response.status()) && attempt < self.retries => {
                    let wait = retry_after(&response).unwrap_or_else(|| backoff(attempt));
                    log::warn(messages::retrying(
                        &display_url(url),
                        &format!("HTTP {}", response.status()),
                        wait,
                        attempt + 1,
                        self.retries,
                    ));
                    std::thread::sleep(wait);
                }
                Ok(response) => return Ok(response),
                Err(err) if retryable_transport(&err) && attempt < self.retries => {
                    let wait = backoff(attempt);
                    log::warn(messages::retrying(&display_url(url), &chain(&err), wait, attempt + 1, self.retries));
                    std::thread::sleep(wait);
                }
                Err(err) => return Err(self.transport_error(url, &err)),
            }
            attempt += 1;
        }
    }

    /// Turns a non-2xx response into an error that names `what`, the server and the fix.
    pub fn check(&self, response: Response, what: &str) -> Result<Response> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        Err(status_error(what, response.url(), status, self.retries))
    }

    /// Streams `url` into `sink` (emptied first), hashing as it goes; a transfer cut short is
    /// retried from the start. Returns the lowercase hex SHA-256 and the byte count.
    pub fn download(
        &self,
        url: &Url,
        auth: &Auth,
        accept: Option<&str>,
        sink: &mut impl Sink,
        what: &str,
    ) -> Result<(String, u64)> {
        let mut attempt = 0;
        loop {
            let response = self.check(self.get(url, auth, accept)?, what)?;
            match stream_into(response, sink, what) {
                Ok(done) => return Ok(done),
                Err(err) if attempt < self.retries => {
                    let wait = backoff(attempt);
                    log::warn(messages::retrying(&display_url(url), &err.to_string(), wait, attempt + 1, self.retries));
                    std::thread::sleep(wait);
                }
                Err(err) if is_timeout(&err) => {
                    return Err(
                        Error::remote(messages::timed_out(&origin(url), self.timeout)).hint(messages::hint_timeout())
                    )
                }
                Err(err) => {
                    let cut = messages::transfer_cut(what, &display_url(url), &err.to_string(), self.retries);
                    return Err(Error::remote(cut).hint(messages::hint_remote_flaky()));
                }
            }
            attempt += 1;
        }
    }

    fn transport_error(&self, url: &Url, err: &reqwest::Error) -> Error {
        let cause = chain(err);
        if err.is_redirect() {
            Error::remote(messages::redirect_refused(&display_url(url), &cause))
        } else if answered_without_tls(&cause) {
            Error::remote(messages::not_tls(&origin(url))).hint(messages::hint_plain_http())
        } else if is_tls_failure(&cause) {
            Error::remote(messages::tls_failed(&origin(url), &cause)).hint(messages::hint_tls())
        } else if err.is_timeout() {
            Error::remote(messages::timed_out(&origin(url), self.timeout)).hint(messages::hint_timeout())
        } else {
            Error::remote(messages::unreachable(&origin(url), &cause, self.retries)).hint(messages::hint_unreachable())
        }
    }
}

/// How many redirects one request may follow (curl's and Go's default is 10 too).
const MAX_REDIRECTS: usize = 10;

/// Redirects are followed as browsers and helm do, but never from HTTPS down to plain HTTP: that
/// would hand the request (and what it fetches) to anyone on the path. reqwest itself drops the
/// Authorization header when a redirect leaves the origin.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let downgrade = attempt.url().scheme() == "http" && attempt.previous().iter().any(|u| u.scheme() == "https");
        if downgrade {
            let from = attempt.previous().last().map(display_url).unwrap_or_default();
            let refused = messages::redirect_downgrade(&from, &display_url(attempt.url()));
            attempt.error(refused)
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(messages::too_many_redirects(MAX_REDIRECTS))
        } else {
            attempt.follow()
        }
    })
}

/// The TLS set-up `args` ask for: `--ca-file` certificates besides the system roots, the client
/// certificate, or no verification.
pub fn tls_setup(args: &HttpArgs) -> Result<tls::TlsSetup> {
    let mut setup = tls::TlsSetup { insecure: args.insecure_skip_tls_verify, ..Default::default() };
    if let Some(path) = &args.ca_file {
        setup.extra_roots = tls::read_ca_file(path)?;
    }
    if let (Some(cert), Some(key)) = (&args.cert_file, &args.key_file) {
        let cert_pem = std::fs::read(cert).map_err(|e| Error::io(&messages::cannot_read("--cert-file"), cert, &e))?;
        let key_pem = std::fs::read(key).map_err(|e| Error::io(&messages::cannot_read("--key-file"), key, &e))?;
        setup.identity = Some(
            tls::identity_from_pem(&cert_pem, &key_pem)
                .map_err(|_| Error::input(messages::bad_pem("--cert-file/--key-file", cert)))?,
        );
    }
    Ok(setup)
}

/// Whether a failed body read was the request's own timeout running out.
fn is_timeout(err: &std::io::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = err.get_ref().map(|e| e as _);
    while let Some(e) = cause {
        if e.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_timeout) {
            return true;
        }
        cause = e.source();
    }
    err.kind() == std::io::ErrorKind::TimedOut
}

/// Where a download goes; emptied before each attempt.
pub trait Sink: Write {
    fn empty(&mut self) -> std::io::Result<()>;
    /// The announced size, to allocate once; a lying server costs at most `MAX_RESERVE` (256 MiB).
    fn reserve_hint(&mut self, _len: u64) {}
}

const MAX_RESERVE: u64 = 256 * 1024 * 1024;

impl Sink for std::fs::File {
    fn empty(&mut self) -> std::io::Result<()> {
        self.set_len(0)?;
        self.rewind()
    }
}

impl Sink for Vec<u8> {
    fn empty(&mut self) -> std::io::Result<()> {
        self.clear();
        Ok(())
    }
    fn reserve_hint(&mut self, len: u64) {
        self.reserve(len.min(MAX_RESERVE) as usize);
    }
}

/// An in-memory sink that takes at most `max` bytes; past that it refuses every write (and a
/// restart) and says so with [`is_over`](Self::is_over).
pub struct Capped {
    bytes: Vec<u8>,
    max: u64,
    over: bool,
}

impl Capped {
    pub fn new(max: u64) -> Self {
        Capped { bytes: Vec::new(), max, over: false }
    }

    /// Whether more than `max` bytes were announced or sent.
    pub fn is_over(&self) -> bool {
        self.over
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    fn refused() -> std::io::Error {
        std::io::Error::other(messages::over_the_limit())
    }
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.over || self.bytes.len() as u64 + buf.len() as u64 > self.max {
            self.over = true;
            return Err(Self::refused());
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink for Capped {
    fn empty(&mut self) -> std::io::Result<()> {
        self.bytes.clear();
        if self.over {
            return Err(Self::refused());
        }
        Ok(())
    }

    fn reserve_hint(&mut self, len: u64) {
        if len > self.max {
            self.over = true;
        } else {
            self.bytes.reserve(len.min(MAX_RESERVE) as usize);
        }
    }
}

/// Reads `response` into memory, at most `max` bytes: `Ok(None)` when its Content-Length or its
/// bytes pass `max` (refused before or as soon as that is known), an error when the transfer was
/// cut short.
pub fn read_capped(mut response: Response, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let announced = response.content_length();
    let mut body = Capped::new(max);
    body.reserve_hint(announced.unwrap_or(0));
    if body.is_over() {
        return Ok(None);
    }
    match std::io::copy(&mut response, &mut body) {
        Ok(read) if announced.is_some_and(|len| len != read) => Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            messages::short_body(read, announced.unwrap_or_default()),
        )),
        Ok(_) => Ok(Some(body.into_bytes())),
        Err(_) if body.is_over() => Ok(None),
        Err(e) => Err(e),
    }
}

fn stream_into(mut response: Response, sink: &mut impl Sink, what: &str) -> std::io::Result<(String, u64)> {
    sink.empty()?;
    // Read before the body: reqwest's figure shrinks as the body is consumed.
    let announced = response.content_length();
    if let Some(len) = announced {
        sink.reserve_hint(len);
    }
    let mut progress = log::Progress::new(&messages::downloading(what), announced);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = response.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        sink.write_all(&buf[..n])?;
        size += n as u64;
        progress.advance(n as u64);
    }
    if let Some(expected) = announced.filter(|len| *len != size) {
        return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, messages::short_body(size, expected)));
    }
    sink.flush()?;
    Ok((hex::encode(hasher.finalize()), size))
}

/// An error for a non-2xx status.
pub fn status_error(what: &str, url: &Url, status: StatusCode, retries: u32) -> Error {
    let (shown, origin, status_text) = (display_url(url), origin(url), status.to_string());
    match status.as_u16() {
        401 | 403 => Error::auth(messages::refused(what, &origin, &status_text)).hint(messages::hint_auth()),
        404 => Error::input(messages::not_found(what, &shown)).hint(messages::hint_not_found()),
        code if code == 429 || code >= 500 => {
            Error::remote(messages::server_failed(what, &origin, &status_text, retries))
                .hint(messages::hint_remote_flaky())
        }
        _ => Error::input(messages::rejected(what, &shown, &status_text)),
    }
}

fn retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// Transport failures are worth retrying, except a certificate problem or a refused redirect: they
/// will not go away.
fn retryable_transport(err: &reqwest::Error) -> bool {
    let cause = chain(err);
    !err.is_builder() && !err.is_redirect() && !is_tls_failure(&cause) && !answered_without_tls(&cause)
}

/// rustls's words for a server that answered a TLS hello with something else: a plain-HTTP
/// server (a registry run without TLS) on an `https://` URL. Retrying cannot help.
fn answered_without_tls(cause: &str) -> bool {
    cause.contains("InvalidContentType") || cause.contains("received corrupt message")
}

fn is_tls_failure(cause: &str) -> bool {
    let cause = cause.to_ascii_lowercase();
    ["certificate", "unknownissuer", "tls handshake", "invalid peer", "handshake"].iter().any(|k| cause.contains(k))
}

/// Exponential backoff with jitter: a random wait between half and all of 250 ms * 2^attempt.
/// The wait before retry number `attempt + 1`: doubling from FIRST_BACKOFF up to MAX_BACKOFF, with
/// jitter (half to all of it), so that many clients do not retry in step.
pub fn backoff(attempt: u32) -> Duration {
    let full = FIRST_BACKOFF.saturating_mul(1 << attempt.min(10)).min(MAX_BACKOFF);
    full.mul_f64(0.5 + fastrand::f64() * 0.5)
}

fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            httpdate::parse_http_date(value).ok()?.duration_since(std::time::SystemTime::now()).unwrap_or_default()
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// An error and all its causes on one line, without the URL reqwest adds (we name it ourselves).
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = match e.downcast_ref::<reqwest::Error>() {
            Some(re) if re.url().is_some() => {
                let mut shown = re.to_string();
                if let Some(url) = re.url() {
                    shown = shown.replace(&format!(" ({url})"), "").replace(url.as_str(), &display_url(url));
                }
                shown
            }
            _ => e.to_string(),
        };
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 0..20 {
            let wait = backoff(attempt);
            let full = FIRST_BACKOFF.saturating_mul(1 << attempt.min(10)).min(MAX_BACKOFF);
            assert!(wait >= full / 2 && wait <= full, "attempt {attempt}: {wait:?}");
        }
    }

    #[test]
    fn auth_and_client_errors_are_not_retried() {
        for code in [400u16, 401, 403, 404, 409] {
            assert!(!retryable_status(StatusCode::from_u16(code).unwrap()));
        }
        for code in [429u16, 500, 502, 503, 504] {
            assert!(retryable_status(StatusCode::from_u16(code).unwrap()));
        }
    }

    #[test]
    fn a_capped_sink_keeps_its_limit_while_writing() {
        let mut body = Capped::new(10);
        assert!(body.write_all(b"0123456789").is_ok());
        assert!(body.write_all(b"x").is_err() && body.is_over());
        assert!(body.empty().is_err(), "a later attempt does not start over");
        let mut announced = Capped::new(10);
        announced.reserve_hint(11);
        assert!(announced.is_over());
    }

    #[test]
    fn display_url_drops_credentials() {
        let url = Url::parse("https://bob:pw123@repo.example:8443/charts?a=b").unwrap();
        assert_eq!(display_url(&url), "https://repo.example:8443/charts?a=b");
        assert_eq!(origin(&url), "https://repo.example:8443");
    }
}
