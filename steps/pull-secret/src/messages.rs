//! User-facing messages of pull-secret, kept together for translation.

use std::path::Path;

pub const HINT_CREDS_STORE: &str = "this config keeps the password in a credential helper (credsStore/credHelpers): \
log in with a config that stores it (docker login with no helper), or pass --registry/--username/--password";
pub const HINT_OTHER_TYPE: &str = "choose another secret name, or remove that secret yourself if it is no longer used";
pub const HINT_NO_CREDENTIALS: &str =
    "give --registry HOST with --username and --password (or --password-stdin), or --docker-config FILE";
pub const HINT_VERIFY: &str =
    "check the username and password (or token) for this registry; --verify never skips the check";

pub fn bad_docker_config(path: &Path, why: &str) -> String {
    format!("--docker-config {}: {why}", path.display())
}

pub fn bad_auth_field(registry: &str) -> String {
    format!("the `auth` of {registry} is not base64 of user:password")
}

pub fn no_auth(registry: &str) -> String {
    format!("{registry} has no stored credentials")
}

pub fn registries_missing(registries: &[String]) -> String {
    format!("no credentials for {}", registries.join(", "))
}

pub fn no_credentials() -> String {
    "no registry credentials given".to_string()
}

pub fn incomplete_registry_login() -> String {
    "--registry needs --username and a password (--password, --password-stdin or --password-file)".to_string()
}

pub fn other_type(name: &str, namespace: &str, kind: &str) -> String {
    format!("secret {name} in namespace {namespace} already exists with type {kind}; refusing to overwrite it")
}
pub fn service_account_missing(account: &str, namespace: &str) -> String {
    format!("service account {account} does not exist in namespace {namespace}")
}

pub fn login_failed(registry: &str) -> String {
    format!("the registry {registry} did not accept the credentials; the secret was not written")
}

pub fn verify_skipped(registry: &str, why: &str) -> String {
    format!("could not check the credentials with {registry} ({why}); writing the secret anyway (--verify always makes this an error)")
}

pub fn conflict(name: &str) -> String {
    format!("{name} kept changing while we updated it (HTTP 409 several times); try again")
}

pub fn untrusted_certificate(registry: &str, why: &str) -> String {
    format!("cannot check the credentials with {registry}: {why}; the secret was not written (--verify never skips the check)")
}
