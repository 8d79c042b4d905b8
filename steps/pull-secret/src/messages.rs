//! User-facing messages of pull-secret: each a catalogue message (`locales/<lang>/pull-secret.ftl`)
//! in the run's language. A leaf: plain values in, text out.

use std::path::Path;

use deckhand_common::i18n::Catalogue;
use deckhand_common::messages::list;
use deckhand_common::tr;

/// pull-secret's messages in every language.
pub(crate) static CATALOGUE: Catalogue =
    Catalogue::new(include_str!("../locales/en/pull-secret.ftl"), include_str!("../locales/zh-CN/pull-secret.ftl"));

deckhand_common::catalogue_tests!(crate::messages::CATALOGUE);

/// `--help`'s examples (the English help; the Chinese one is `locales/zh-CN/help.ftl`).
pub const EXAMPLES: &str = "Examples:
  pull-secret harbor-pull -n web --registry harbor.example --username robot --password-stdin < token
  pull-secret regcred -n web --docker-config ~/.docker/config.json --service-account default
  pull-secret regcred -n new-team --create-namespace --registry a.example --registry b.example \\
      --username ci --password-file /run/secrets/registry

Every option can also come from PLUGIN_<NAME> (Drone/Woodpecker) or the BK-CI input.json.";

pub fn docker_config_unreadable() -> String {
    tr!(CATALOGUE, "docker-config-unreadable")
}

pub fn docker_config_not_json(path: &Path, error: &str) -> String {
    tr!(CATALOGUE, "docker-config-not-json", path = path, error = error)
}

pub fn bad_auth_field(path: &Path, registry: &str) -> String {
    tr!(CATALOGUE, "docker-config-bad-auth", path = path, registry = registry)
}

pub fn no_auth(path: &Path, registry: &str) -> String {
    tr!(CATALOGUE, "docker-config-no-auth", path = path, registry = registry)
}

pub fn registries_missing(path: &Path, registries: &[String]) -> String {
    tr!(CATALOGUE, "docker-config-missing", path = path, registries = list(registries))
}

pub fn hint_creds_store() -> String {
    tr!(CATALOGUE, "hint-creds-store")
}

pub fn no_credentials() -> String {
    tr!(CATALOGUE, "no-credentials")
}

pub fn hint_no_credentials() -> String {
    tr!(CATALOGUE, "hint-no-credentials")
}

pub fn incomplete_registry_login() -> String {
    tr!(CATALOGUE, "incomplete-registry-login")
}

/// What `bad_name` calls the secret's name.
pub fn what_secret_name() -> String {
    tr!(CATALOGUE, "what-secret-name")
}

pub fn bad_registry(registry: &str, error: &str) -> String {
    tr!(CATALOGUE, "bad-registry", registry = registry, error = error)
}

pub fn login_failed(registry: &str, why: &str) -> String {
    tr!(CATALOGUE, "login-failed", registry = registry, why = why)
}

pub fn hint_verify() -> String {
    tr!(CATALOGUE, "hint-verify")
}

pub fn untrusted_certificate(registry: &str, why: &str) -> String {
    tr!(CATALOGUE, "untrusted-certificate", registry = registry, why = why)
}

pub fn verify_skipped(registry: &str, why: &str) -> String {
    tr!(CATALOGUE, "verify-skipped", registry = registry, why = why)
}

/// What was being done to a secret (`read`, `create`, `update`), followed by the cluster's address.
pub fn doing_secret(action: &str, name: &str, namespace: &str) -> String {
    match action {
        "create" => tr!(CATALOGUE, "doing-create-secret", name = name, namespace = namespace),
        "update" => tr!(CATALOGUE, "doing-update-secret", name = name, namespace = namespace),
        _ => tr!(CATALOGUE, "doing-read-secret", name = name, namespace = namespace),
    }
}

/// What was being done to a service account (`read`, `update`), followed by the cluster's address.
pub fn doing_service_account(action: &str, account: &str, namespace: &str) -> String {
    match action {
        "update" => tr!(CATALOGUE, "doing-update-service-account", account = account, namespace = namespace),
        _ => tr!(CATALOGUE, "doing-read-service-account", account = account, namespace = namespace),
    }
}

pub fn other_type(name: &str, namespace: &str, kind: &str) -> String {
    tr!(CATALOGUE, "other-type", name = name, namespace = namespace, kind = kind)
}

pub fn hint_other_type() -> String {
    tr!(CATALOGUE, "hint-other-type")
}

pub fn service_account_missing(account: &str, namespace: &str) -> String {
    tr!(CATALOGUE, "service-account-missing", account = account, namespace = namespace)
}

pub fn conflict(name: &str) -> String {
    tr!(CATALOGUE, "conflict", name = name)
}

/// `result`: created, updated or unchanged.
pub fn result_secret(name: &str, namespace: &str, result: &str) -> String {
    tr!(CATALOGUE, "result-secret", name = name, namespace = namespace, result = result)
}

pub fn result_registries(registries: &[String]) -> String {
    tr!(CATALOGUE, "result-registries", registries = list(registries))
}

pub fn result_login_checked(registries: &[String]) -> String {
    tr!(CATALOGUE, "result-login-checked", registries = list(registries))
}

pub fn result_namespace_created(namespace: &str) -> String {
    tr!(CATALOGUE, "result-namespace-created", namespace = namespace)
}

/// `change`: updated or unchanged.
pub fn result_service_account(account: &str, change: &str) -> String {
    tr!(CATALOGUE, "result-service-account", account = account, change = change)
}

pub fn result_cluster(server: &str, version: &str) -> String {
    tr!(CATALOGUE, "result-cluster", server = server, version = version)
}

pub fn summary(name: &str, namespace: &str, result: &str) -> String {
    tr!(CATALOGUE, "summary", name = name, namespace = namespace, result = result)
}
