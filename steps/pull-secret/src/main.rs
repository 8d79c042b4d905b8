use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use deckhand_common::http::{HttpArgs, HttpClient};
use deckhand_common::kube::KubeArgs;
use deckhand_common::options::CommonArgs;
use deckhand_common::output::run_step;
use deckhand_common::secret::PasswordArgs;
use deckhand_common::Error;
use pull_secret::docker_config::read_docker_config;
use pull_secret::{messages, Credential, PullSecret, Verify};

/// Create or update an image-pull secret (kubernetes.io/dockerconfigjson).
///
/// The secret is created, or its data replaced in place (never deleted first, so no pod sees it
/// missing); a re-run with the same credentials reports "unchanged". The credentials are checked
/// with each registry's /v2/ first, so a wrong password fails here, not later as ImagePullBackOff.
#[derive(Parser, Debug)]
#[command(name = "pull-secret", version, mut_arg("password", |a| a.env("DECKHAND_REGISTRY_PASSWORD")), after_help = format!("{}\n\n{}", messages::EXAMPLES, deckhand_common::error::EXIT_CODES))]
struct Cli {
    /// Name of the secret.
    #[arg(value_name = "NAME")]
    name: String,
    /// Namespace of the secret.
    #[arg(short = 'n', long, value_name = "NS")]
    namespace: String,
    /// Registry host (repeatable) for --username/--password; with --docker-config, the registries
    /// to keep from it.
    #[arg(long = "registry", value_name = "HOST")]
    registries: Vec<String>,
    /// Registry username.
    #[arg(long, env = "DECKHAND_REGISTRY_USERNAME")]
    username: Option<String>,
    #[command(flatten)]
    password: PasswordArgs,
    /// A docker config.json whose `auths` are merged in.
    #[arg(long, value_name = "FILE")]
    docker_config: Option<PathBuf>,
    /// Create the namespace when it does not exist.
    #[arg(long)]
    create_namespace: bool,
    /// Add the secret to this service account's imagePullSecrets (repeatable; no duplicates).
    #[arg(long = "service-account", value_name = "NAME")]
    service_accounts: Vec<String>,
    /// Log in to the registries before writing: auto (a refused login or an untrusted
    /// certificate fails, an unreachable registry only warns), always, never.
    #[arg(long, value_enum, default_value_t = Verify::Auto)]
    verify: Verify,
    /// Log in to the registries over plain HTTP.
    #[arg(long)]
    plain_http: bool,
    #[command(flatten)]
    kube: KubeArgs,
    #[command(flatten)]
    http: HttpArgs,
    #[command(flatten)]
    common: CommonArgs,
}

deckhand_common::step_cli!(Cli, pull_secret::form::FORM);

fn main() -> ExitCode {
    run_step(|cli: Cli| {
        let password = cli.password.resolve()?;
        let mut credentials = Vec::new();
        if let Some(path) = &cli.docker_config {
            credentials = read_docker_config(path, &cli.registries)?;
        } else if !cli.registries.is_empty() {
            let (Some(username), Some(password)) = (&cli.username, &password) else {
                return Err(Error::usage(messages::incomplete_registry_login()));
            };
            credentials = cli.registries.iter().map(|r| Credential::new(r, username, password)).collect();
        }
        let step = PullSecret {
            name: cli.name,
            namespace: cli.namespace,
            credentials,
            create_namespace: cli.create_namespace,
            service_accounts: cli.service_accounts,
            verify: cli.verify,
            plain_http: cli.plain_http,
        };
        step.run(&cli.kube, &HttpClient::new(&cli.http)?)
    })
}
