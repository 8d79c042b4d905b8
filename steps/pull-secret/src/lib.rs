//! Creates or updates an image-pull secret (`kubernetes.io/dockerconfigjson`) from registry
//! credentials or a docker `config.json`, after checking the credentials with the registry, and
//! optionally adds it to service accounts.
//!
//! [`PullSecret::run`] is the whole action; [`docker_config`] builds the secret's content;
//! [`apply`] writes to the cluster.

pub mod apply;
pub mod docker_config;
pub mod form;
pub mod messages;

use deckhand_common::http::{Auth, HttpClient};
use deckhand_common::kube::{self, KubeArgs};
use deckhand_common::output::Outcome;
use deckhand_common::registry::Session;
use deckhand_common::{log, Error, ErrorKind, Result};
use serde::Serialize;

pub use apply::Change;
pub use docker_config::Credential;

/// When to log in to the registries before writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Verify {
    /// Check; a refused login or an untrusted certificate is an error, an unreachable registry
    /// only a warning.
    Auto,
    /// Check; any failure is an error.
    Always,
    Never,
}

/// One run of pull-secret.
pub struct PullSecret {
    pub name: String,
    pub namespace: String,
    pub credentials: Vec<Credential>,
    pub create_namespace: bool,
    pub service_accounts: Vec<String>,
    pub verify: Verify,
    /// Log in over plain HTTP (registries without TLS).
    pub plain_http: bool,
}

/// What was done.
#[derive(Debug, Serialize)]
pub struct Applied {
    pub secret: String,
    pub namespace: String,
    pub registries: Vec<String>,
    pub result: Change,
    #[serde(rename = "namespaceCreated")]
    pub namespace_created: bool,
    #[serde(rename = "serviceAccounts")]
    pub service_accounts: Vec<(String, Change)>,
    /// Registries that accepted the credentials.
    pub verified: Vec<String>,
    pub cluster: String,
    #[serde(rename = "kubernetesVersion")]
    pub kubernetes_version: String,
}

impl PullSecret {
    pub fn run(&self, kube_args: &KubeArgs, http: &HttpClient) -> Result<Applied> {
        if !kube::valid_name(&self.name, 253) {
            return Err(Error::usage(kube::bad_name(&messages::what_secret_name(), &self.name)));
        }
        if !kube::valid_name(&self.namespace, 63) {
            return Err(Error::usage(kube::bad_name("--namespace", &self.namespace)));
        }
        for account in &self.service_accounts {
            if !kube::valid_name(account, 253) {
                return Err(Error::usage(kube::bad_name("--service-account", account)));
            }
        }
        if self.credentials.is_empty() {
            return Err(Error::usage(messages::no_credentials()).hint(messages::hint_no_credentials()));
        }
        let verified = self.verify_logins(http)?;
        let config_json = docker_config::dockerconfigjson(&self.credentials);
        kube::block_on(async {
            let cluster = kube::connect(kube_args).await?;
            let namespace_created = kube::ensure_namespace(&cluster, &self.namespace, self.create_namespace).await?;
            let result = apply::upsert_secret(&cluster, &self.namespace, &self.name, config_json).await?;
            let mut service_accounts = Vec::new();
            for account in &self.service_accounts {
                let change =
                    apply::attach_to_service_account(&cluster, &self.namespace, account, &self.name, namespace_created)
                        .await?;
                service_accounts.push((account.clone(), change));
            }
            Ok(Applied {
                secret: self.name.clone(),
                namespace: self.namespace.clone(),
                registries: self.credentials.iter().map(|c| c.registry.clone()).collect(),
                result,
                namespace_created,
                service_accounts,
                verified,
                cluster: cluster.server.clone(),
                kubernetes_version: cluster.version.clone(),
            })
        })?
    }

    /// Logs in to each registry's `/v2/` (Basic or the Bearer token flow) before anything is
    /// written, so a wrong password fails here and not later as ImagePullBackOff.
    fn verify_logins(&self, http: &HttpClient) -> Result<Vec<String>> {
        let mut verified = Vec::new();
        if self.verify == Verify::Never {
            return Ok(verified);
        }
        for cred in &self.credentials {
            let scheme = if self.plain_http { "http" } else { "https" };
            let base = url::Url::parse(&format!("{scheme}://{}/", cred.host()))
                .map_err(|e| Error::usage(messages::bad_registry(&cred.registry, &e.to_string())))?;
            let session = Session::new(http, base, Auth::basic(Some(&cred.username), Some(&cred.password)), None);
            match session.login() {
                Ok(()) => verified.push(cred.registry.clone()),
                Err(e) if e.kind == ErrorKind::Auth => {
                    return Err(
                        Error::auth(messages::login_failed(&cred.host(), &e.message)).hint(messages::hint_verify())
                    )
                }
                // A certificate problem is not "unreachable": the registry answered with a
                // certificate we do not trust, and the nodes will likely not trust it either.
                Err(e) if is_certificate_error(&e) => {
                    return Err(Error { message: messages::untrusted_certificate(&cred.host(), &e.message), ..e })
                }
                Err(e) if self.verify == Verify::Auto && e.kind == ErrorKind::Remote => {
                    log::warn(messages::verify_skipped(&cred.host(), &e.message));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(verified)
    }
}

/// The shared HTTP client marks a certificate failure by its `--ca-file` hint. Both sides are
/// rendered in the run's language, so this holds in Chinese too; `Error` carries no structured
/// cause (yet) to match on instead.
fn is_certificate_error(error: &Error) -> bool {
    error.kind == ErrorKind::Remote && error.hint.as_deref() == Some(deckhand_common::messages::hint_tls().as_str())
}

impl Outcome for Applied {
    fn text(&self) -> String {
        let mut lines = vec![messages::result_secret(&self.secret, &self.namespace, self.result.as_str())];
        lines.push(messages::result_registries(&self.registries));
        if !self.verified.is_empty() {
            lines.push(messages::result_login_checked(&self.verified));
        }
        if self.namespace_created {
            lines.push(messages::result_namespace_created(&self.namespace));
        }
        for (account, change) in &self.service_accounts {
            lines.push(messages::result_service_account(account, change.as_str()));
        }
        lines.push(messages::result_cluster(&self.cluster, &self.kubernetes_version));
        lines.join("\n  ")
    }

    fn summary(&self) -> String {
        messages::summary(&self.secret, &self.namespace, self.result.as_str())
    }

    fn bk_outputs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("secret_name", self.secret.clone()),
            ("secret_namespace", self.namespace.clone()),
            ("secret_result", self.result.as_str().to_string()),
        ]
    }
}
