//! Talking to an OCI / Docker registry (the distribution API): a session answers the registry's
//! 401 challenge once, with Basic credentials or the Bearer token flow of the distribution token
//! spec, and keeps the token for the following requests.

use std::cell::RefCell;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde_json::Value;

use reqwest::blocking::Response;
use reqwest::header::WWW_AUTHENTICATE;
use reqwest::StatusCode;
use serde::Deserialize;
use url::Url;

use crate::http::{Auth, HttpClient};
use crate::{log, messages, redact, Error, Result};

/// A session with one registry (and, for token scopes, one repository).
pub struct Session<'a> {
    client: &'a HttpClient,
    base: Url,
    /// `repository:<name>:pull` is asked for when a challenge names no scope.
    repository: Option<String>,
    credentials: Auth,
    current: RefCell<Auth>,
}

#[derive(Deserialize)]
struct TokenReply {
    token: Option<String>,
    access_token: Option<String>,
}

impl<'a> Session<'a> {
    /// `base` is `http(s)://host[:port]/`.
    pub fn new(client: &'a HttpClient, base: Url, credentials: Auth, repository: Option<&str>) -> Session<'a> {
        Session {
            client,
            base,
            repository: repository.map(str::to_string),
            credentials,
            current: RefCell::new(Auth::None),
        }
    }

    /// `path` below the registry's base URL.
    pub fn url(&self, path: &str) -> Result<Url> {
        self.base.join(path).map_err(|e| Error::usage(format!("{}{path}: {e}", self.base)))
    }

    /// The credentials the session currently sends (a token once one was negotiated).
    pub fn auth(&self) -> Auth {
        self.current.borrow().clone()
    }

    /// GETs `url`; on a 401 answers the registry's challenge (Basic, or the Bearer token flow) once.
    pub fn get(&self, url: &Url, accept: Option<&str>, what: &str) -> Result<Response> {
        let response = self.client.get(url, &self.auth(), accept)?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return self.client.check(response, what);
        }
        let challenge = response.headers().get(WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        self.answer(challenge, what)?;
        let response = self.client.get(url, &self.auth(), accept)?;
        self.client.check(response, what)
    }

    /// Logs in: `GET /v2/` with the credentials, as `docker login` checks them.
    pub fn login(&self) -> Result<()> {
        let url = self.url("v2/")?;
        self.get(&url, None, &messages::registry_api()).map(drop)
    }

    fn answer(&self, challenge: &str, what: &str) -> Result<()> {
        let (scheme, params) = parse_challenge(challenge);
        let host = self.base.host_str().unwrap_or_default().to_string();
        if !scheme.eq_ignore_ascii_case("bearer") {
            if !self.credentials.is_some() {
                return Err(Error::auth(messages::login_required(&host)).hint(messages::hint_login()));
            }
            *self.current.borrow_mut() = self.credentials.clone();
            return Ok(());
        }
        let param = |k: &str| params.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)).map(|(_, v)| v.as_str());
        let realm =
            param("realm").ok_or_else(|| Error::remote(messages::bad_token_reply(&host, &messages::no_realm())))?;
        let mut token_url =
            Url::parse(realm).map_err(|e| Error::remote(messages::bad_token_reply(realm, &e.to_string())))?;
        // The credentials go to the realm: never in the clear when the registry itself is HTTPS.
        if self.base.scheme() == "https" && token_url.scheme() != "https" {
            return Err(Error::remote(messages::insecure_realm(&host, realm)));
        }
        {
            let mut query = token_url.query_pairs_mut();
            if let Some(service) = param("service") {
                query.append_pair("service", service);
            }
            let default_scope = self.repository.as_ref().map(|r| format!("repository:{r}:pull"));
            if let Some(scope) = param("scope").or(default_scope.as_deref()) {
                query.append_pair("scope", scope);
            }
        }
        let response = self.client.get(&token_url, &self.credentials, Some("application/json"))?;
        if matches!(response.status(), StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) && !self.credentials.is_some()
        {
            return Err(Error::auth(messages::login_required(&host)).hint(messages::hint_login()));
        }
        let reply: TokenReply = self
            .client
            .check(response, &messages::token_for(what))?
            .json()
            .map_err(|e| Error::remote(messages::bad_token_reply(realm, &e.to_string())))?;
        let token = reply.token.or(reply.access_token).filter(|t| !t.is_empty());
        let token = token.ok_or_else(|| Error::remote(messages::bad_token_reply(realm, &messages::no_token())))?;
        redact::register(&token);
        log::debug(messages::got_token(realm));
        *self.current.borrow_mut() = Auth::Bearer(token);
        Ok(())
    }
}

/// `https://harbor.example/v2/` and `harbor.example` are the same registry.
pub fn host_of(registry: &str) -> String {
    let without_scheme = registry.split_once("://").map_or(registry, |(_, rest)| rest);
    without_scheme.split('/').next().unwrap_or_default().to_ascii_lowercase()
}

/// Why an `auths` entry of a `config.json` gives no login.
#[derive(Debug, PartialEq, Eq)]
pub enum UnusableLogin {
    /// `auth` is not base64 of `user:password`.
    BadAuthField,
    /// Neither `auth` nor `username` + `password` (the secret is in a credential helper).
    NoSecret,
}

/// A user and password, or why an entry gives none.
pub type StoredLogin = std::result::Result<(String, String), UnusableLogin>;

/// The logins of a docker (or helm registry) `config.json`: (registry as written, its login).
pub fn logins_in_config(doc: &Value) -> Vec<(String, StoredLogin)> {
    let auths = doc.get("auths").and_then(Value::as_object).cloned().unwrap_or_default();
    auths.into_iter().map(|(registry, entry)| (registry, login_of(&entry))).collect()
}

fn login_of(entry: &Value) -> StoredLogin {
    if let Some(auth) = entry.get("auth").and_then(Value::as_str).filter(|a| !a.is_empty()) {
        let decoded = BASE64.decode(auth.trim()).ok().and_then(|b| String::from_utf8(b).ok());
        let (user, password) = decoded.as_deref().and_then(|d| d.split_once(':')).ok_or(UnusableLogin::BadAuthField)?;
        return Ok((user.to_string(), password.to_string()));
    }
    let field = |k: &str| entry.get(k).and_then(Value::as_str).map(str::to_string);
    field("username").zip(field("password")).ok_or(UnusableLogin::NoSecret)
}

/// The login `helm registry login` or `docker login` stored for `host`, as `helm pull` finds it:
/// helm's registry config (`HELM_REGISTRY_CONFIG`, else `$HELM_CONFIG_HOME/registry/config.json`,
/// else `~/.config/helm/registry/config.json`), then docker's (`$DOCKER_CONFIG/config.json`, else
/// `~/.docker/config.json`). The password is registered for redaction.
pub fn stored_login(host: &str) -> Option<(String, String)> {
    let host = host_of(host);
    stored_config_paths().into_iter().find_map(|path| {
        let text = std::fs::read_to_string(&path).ok()?;
        let doc: Value = serde_json::from_str(&text).ok()?;
        let (user, password) = logins_in_config(&doc)
            .into_iter()
            .find_map(|(registry, login)| login.ok().filter(|_| host_of(&registry) == host))?;
        redact::register_basic(&user, &password);
        log::debug(messages::stored_login_used(&host, &path));
        Some((user, password))
    })
}

fn stored_config_paths() -> Vec<std::path::PathBuf> {
    use std::path::PathBuf;
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let home = env("HOME");
    let helm = env("HELM_REGISTRY_CONFIG")
        .or_else(|| env("HELM_CONFIG_HOME").map(|d| d.join("registry/config.json")))
        .or_else(|| env("XDG_CONFIG_HOME").map(|d| d.join("helm/registry/config.json")))
        .or_else(|| home.as_ref().map(|h| h.join(".config/helm/registry/config.json")));
    let docker = env("DOCKER_CONFIG")
        .map(|d| d.join("config.json"))
        .or_else(|| home.as_ref().map(|h| h.join(".docker/config.json")));
    helm.into_iter().chain(docker).collect()
}

/// `Bearer realm="...",service="...",scope="a,b"` -> ("Bearer", [(realm, ...), ...]).
pub fn parse_challenge(header: &str) -> (String, Vec<(String, String)>) {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    let mut params = Vec::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect::<String>().trim().to_string();
        if key.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = chars.by_ref().take_while(|c| *c != ',').collect::<String>().trim().to_string();
        }
        params.push((key, value));
    }
    (scheme.to_string(), params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges() {
        let (scheme, params) = parse_challenge(
            r#"Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(scheme, "Bearer");
        assert_eq!(params[0], ("realm".into(), "https://auth.example/token".into()));
        assert_eq!(params[2], ("scope".into(), "repository:a/b:pull,push".into()));
        assert_eq!(parse_challenge(r#"Basic realm="basic-realm""#).0, "Basic");
    }
}
