//! The one place that knows every secret the run was given and scrubs it from all output.
//!
//! Every line a step prints (results, logs, errors) goes through [`scrub`]. Besides the registered
//! secrets it removes `user:pass@` from URLs and the value of `Authorization` headers, so a secret
//! that was never registered (one inside a URL from an index, say) still does not leak.

use std::sync::{LazyLock, RwLock};

use base64::Engine;
use regex_lite::Regex;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());
const MASK: &str = "****";

/// Shorter secrets are not scrubbed as substrings: masking every `a` would make output unreadable.
/// They still never get printed by our own code; this only limits the safety net.
const MIN_SECRET_LEN: usize = 3;

static URL_USERINFO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@]+@").expect("valid regex"));
static AUTH_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(authorization\s*[:=]\s*)((basic|bearer)\s+)?[^\s,;]+").expect("valid regex"));

/// Registers a secret, and its common encodings (base64, JSON-escaped), for scrubbing.
pub fn register(secret: &str) {
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut forms = vec![secret.to_string(), base64::engine::general_purpose::STANDARD.encode(secret)];
    let json = serde_json::to_string(secret).unwrap_or_default();
    forms.push(json.trim_matches('"').to_string());
    let mut secrets = SECRETS.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    for form in forms {
        if !secrets.contains(&form) {
            secrets.push(form);
        }
    }
    // Longest first, so that a secret containing another is masked whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// Registers the credentials of a Basic `Authorization` header (`user:pass` and its base64).
pub fn register_basic(user: &str, password: &str) {
    register(password);
    register(&format!("{user}:{password}"));
}

/// For a URL the user gave that does not parse (a password holding `/` makes `bob:pa` the host and
/// `ss@...` the path): everything between `://` and the last `@` is taken for credentials, registered
/// as a secret, and masked in the returned text.
pub fn scrub_unparsed_url(text: &str) -> String {
    if let Some((_, rest)) = text.split_once("://") {
        let rest = rest.split_whitespace().next().unwrap_or_default();
        if let Some((userinfo, _)) = rest.rsplit_once('@') {
            register(userinfo);
            if let Some((_, password)) = userinfo.split_once(':') {
                register(password);
            }
        }
    }
    scrub(text)
}

/// Returns `text` with every registered secret, URL credentials and Authorization values masked.
pub fn scrub(text: &str) -> String {
    let mut out = text.to_string();
    {
        let secrets = SECRETS.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        for secret in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
    }
    let out = URL_USERINFO.replace_all(&out, "${1}****@");
    AUTH_HEADER.replace_all(&out, "${1}${2}****").into_owned()
}

/// Whether `text` holds a registered secret (in any of its registered forms).
pub fn holds_secret(text: &str) -> bool {
    SECRETS
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .any(|secret| text.contains(secret.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_registered_secrets_and_their_base64() {
        register("s3cr3t-pw");
        let b64 = base64::engine::general_purpose::STANDARD.encode("s3cr3t-pw");
        let line = format!("login with s3cr3t-pw failed, header {b64}");
        let out = scrub(&line);
        assert!(!out.contains("s3cr3t-pw"), "{out}");
        assert!(!out.contains(&b64), "{out}");
    }

    #[test]
    fn masks_url_userinfo_and_authorization_headers() {
        let out = scrub("GET https://bob:hunter22@repo.example/index.yaml Authorization: Basic Ym9iOmh1bnRlcjIy");
        assert_eq!(out, "GET https://****@repo.example/index.yaml Authorization: Basic ****");
    }

    #[test]
    fn masks_credentials_of_a_url_that_does_not_parse() {
        let text = "https://bob:pa/ss-Canary@repo.example/charts";
        let out = scrub_unparsed_url(text);
        assert!(!out.contains("pa/ss-Canary") && !out.contains("ss-Canary"), "{out}");
        assert!(out.contains("repo.example/charts"), "{out}");
        assert!(!scrub("later: pa/ss-Canary").contains("ss-Canary"));
    }

    #[test]
    fn leaves_plain_urls_alone() {
        assert_eq!(scrub("https://repo.example:8443/charts?x=1"), "https://repo.example:8443/charts?x=1");
    }

    #[test]
    fn knows_what_holds_a_secret() {
        register("held-canary-77");
        assert!(holds_secret("url https://x/?t=held-canary-77"));
        assert!(!holds_secret("nothing secret here"));
    }
}
