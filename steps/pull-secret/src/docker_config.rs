//! Registry credentials and the `.dockerconfigjson` they become.

use std::collections::BTreeMap;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use deckhand_common::registry::host_of;
use deckhand_common::registry::{logins_in_config, UnusableLogin};
use deckhand_common::{redact, Error, Result};
use serde_json::{json, Value};

use crate::messages;

/// One registry's login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// As written in the config (`harbor.example`, `https://index.docker.io/v1/`).
    pub registry: String,
    pub username: String,
    pub password: String,
}

impl Credential {
    pub fn new(registry: &str, username: &str, password: &str) -> Credential {
        redact::register_basic(username, password);
        Credential { registry: registry.to_string(), username: username.to_string(), password: password.to_string() }
    }

    /// `host[:port]` of the registry, for matching and for its API URL.
    pub fn host(&self) -> String {
        host_of(&self.registry)
    }
}

/// Reads the `auths` of a docker `config.json`, keeping only `only` (by host) when it is not empty.
pub fn read_docker_config(path: &Path, only: &[String]) -> Result<Vec<Credential>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(&messages::docker_config_unreadable(), path, &e))?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| Error::input(messages::docker_config_not_json(path, &e.to_string())))?;
    let wanted: Vec<String> = only.iter().map(|r| host_of(r)).collect();
    let mut creds = Vec::new();
    for (registry, login) in logins_in_config(&doc) {
        if !wanted.is_empty() && !wanted.contains(&host_of(&registry)) {
            continue;
        }
        let (username, password) = login.map_err(|why| match why {
            UnusableLogin::BadAuthField => Error::input(messages::bad_auth_field(path, &registry)),
            UnusableLogin::NoSecret => {
                Error::input(messages::no_auth(path, &registry)).hint(messages::hint_creds_store())
            }
        })?;
        creds.push(Credential::new(&registry, &username, &password));
    }
    let missing: Vec<&String> = only.iter().filter(|r| !creds.iter().any(|c| c.host() == host_of(r))).collect();
    if !missing.is_empty() {
        let missing: Vec<String> = missing.into_iter().cloned().collect();
        return Err(Error::input(messages::registries_missing(path, &missing)));
    }
    Ok(creds)
}

/// The `.dockerconfigjson` bytes; registries sorted, so the same input gives the same bytes.
pub fn dockerconfigjson(creds: &[Credential]) -> Vec<u8> {
    let auths: BTreeMap<&str, Value> = creds
        .iter()
        .map(|c| {
            let auth = BASE64.encode(format!("{}:{}", c.username, c.password));
            (c.registry.as_str(), json!({"username": c.username, "password": c.password, "auth": auth}))
        })
        .collect();
    serde_json::to_vec(&json!({ "auths": auths })).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_whatever_the_spelling() {
        assert_eq!(host_of("https://Harbor.example:8443/v2/"), "harbor.example:8443");
        assert_eq!(host_of("harbor.example"), "harbor.example");
    }

    #[test]
    fn docker_config_merge_and_filter() {
        let dir = std::env::temp_dir().join(format!("deckhand-dc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.json");
        let auth = BASE64.encode("bob:pw-one");
        std::fs::write(&path, format!(r#"{{"auths": {{"a.example": {{"auth": "{auth}"}}, "https://b.example/v1/": {{"username": "eve", "password": "pw-two"}}}}}}"#)).unwrap();
        let all = read_docker_config(&path, &[]).unwrap();
        assert_eq!(all.len(), 2);
        let only = read_docker_config(&path, &["b.example".into()]).unwrap();
        assert_eq!(only, vec![Credential::new("https://b.example/v1/", "eve", "pw-two")]);
        assert!(read_docker_config(&path, &["c.example".into()]).is_err());
        let json: Value = serde_json::from_slice(&dockerconfigjson(&all)).unwrap();
        assert_eq!(json["auths"]["a.example"]["auth"], auth);
        assert_eq!(dockerconfigjson(&all), dockerconfigjson(&all), "stable bytes");
        std::fs::write(&path, r#"{"auths": {"a.example": {}}, "credsStore": "desktop"}"#).unwrap();
        assert!(read_docker_config(&path, &[]).unwrap_err().hint.unwrap().contains("credential helper"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
