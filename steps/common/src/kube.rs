//! Cluster access shared by the steps that talk to Kubernetes: a kubeconfig from `--kubeconfig`,
//! `KUBECONFIG`, or content in an environment variable (Jenkins' `kubeconfigContent`, BK-CI and
//! KubeSphere credentials), `--context`, the in-cluster service account as a fallback; the server
//! version checked first, so an unreachable or unauthorized cluster fails before anything changes.
//! Every credential in the kubeconfig is registered for redaction; nothing of it is printed.

use std::time::Duration;

use clap::Args;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::Value;

use crate::{log, messages, process, redact, Error, ErrorKind, Result};

/// Options of every step that talks to a cluster.
#[derive(Args, Debug, Clone)]
pub struct KubeArgs {
    /// Path of the kubeconfig (several joined with `:` are merged, as kubectl does).
    #[arg(long, value_name = "PATH", env = "KUBECONFIG")]
    pub kubeconfig: Option<String>,
    /// Name of the environment variable that holds kubeconfig CONTENT (Jenkins' kubeconfigContent
    /// binding, BK-CI and KubeSphere credentials); used when no path is given.
    #[arg(long, value_name = "NAME", default_value = "KUBECONFIG_CONTENT")]
    pub kubeconfig_content_env: String,
    /// The kubeconfig context to use instead of its current-context.
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// Give up on one request to the cluster after this long.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    pub kube_timeout: Duration,
}

/// A connected cluster.
pub struct Cluster {
    pub client: kube::Client,
    /// The API server URL, for messages.
    pub server: String,
    /// The server's `gitVersion`, e.g. `v1.30.4`.
    pub version: String,
    pub minor: u32,
    /// Whether the server answers metadata-only reads (PartialObjectMetadata `meta.k8s.io/v1`,
    /// served from 1.15); cleared by the first 406 a 1.14 server gives, see [`metadata_opt`].
    metadata_v1: std::sync::atomic::AtomicBool,
}

/// Runs async cluster code on a small runtime of its own (the steps are otherwise synchronous).
/// A SIGINT/SIGTERM ends it wherever it is (a request to a server that never answers included):
/// the future is dropped, so the caller's clean-up runs, and the run is reported interrupted.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(messages::no_runtime(&e.to_string())))?;
    let _handling = process::handle_signals();
    let output = runtime.block_on(async {
        tokio::select! {
            // A future that has finished wins: its own error says best what a signal stopped.
            biased;
            output = future => Ok(output),
            interrupted = process::interruption(messages::while_talking_to_cluster()) => Err(interrupted),
        }
    });
    // Work still in flight (a connection that never answers) is not waited for.
    runtime.shutdown_background();
    output
}

/// Where the cluster credentials come from, in order: kubeconfig path(s), content in a variable,
/// the in-cluster service account.
enum Source<'a> {
    Paths(&'a str),
    Content(String),
    InCluster,
}

fn source(args: &KubeArgs) -> Source<'_> {
    if let Some(paths) = args.kubeconfig.as_deref().filter(|p| !p.is_empty()) {
        return Source::Paths(paths);
    }
    match std::env::var(&args.kubeconfig_content_env).ok().filter(|c| !c.trim().is_empty()) {
        Some(content) => Source::Content(content),
        None => Source::InCluster,
    }
}

/// The kubeconfig, and where it came from for messages (never the content itself).
fn load(args: &KubeArgs) -> Result<(Option<Kubeconfig>, String)> {
    let content = match source(args) {
        Source::Paths(paths) => return load_paths(paths),
        Source::Content(content) => content,
        Source::InCluster => return Ok((None, messages::source_in_cluster())),
    };
    let name = &args.kubeconfig_content_env;
    redact::register(&content);
    Ok((Some(parse(&content, &messages::source_content(name))?), format!("${name}")))
}

/// Reads and merges `paths` (joined with `:`), as kubectl does.
fn load_paths(paths: &str) -> Result<(Option<Kubeconfig>, String)> {
    let mut merged: Option<Kubeconfig> = None;
    for path in std::env::split_paths(paths) {
        let text =
            std::fs::read_to_string(&path).map_err(|e| Error::io(&messages::cannot_read_kubeconfig(), &path, &e))?;
        let config = parse(&text, &messages::source_file(&path.display().to_string()))?;
        merged = Some(match merged {
            Some(m) => m.merge(config).map_err(|e| Error::input(messages::bad_kubeconfig(paths, &e.to_string())))?,
            None => config,
        });
    }
    Ok((merged, messages::source_file(paths)))
}

fn parse(text: &str, source: &str) -> Result<Kubeconfig> {
    register_credentials(text);
    // The parser's message may quote the content; say only where it failed.
    Kubeconfig::from_yaml(text)
        .map_err(|_| Error::input(messages::bad_kubeconfig(source, &messages::not_a_kubeconfig())))
}

/// Registers every token, password, private key and exec plugin environment value in a
/// kubeconfig for redaction.
fn register_credentials(text: &str) {
    let Ok(doc) = serde_saphyr::from_str::<Value>(text) else { return };
    for user in doc.get("users").and_then(Value::as_array).into_iter().flatten() {
        let Some(auth) = user.get("user") else { continue };
        for key in ["token", "password", "client-key-data"] {
            if let Some(secret) = auth.get(key).and_then(Value::as_str) {
                redact::register(secret);
            }
        }
        // An exec plugin's environment is where its credentials go (helm runs the plugin too).
        let exec_env = auth.get("exec").and_then(|e| e.get("env")).and_then(Value::as_array);
        for value in exec_env.into_iter().flatten().filter_map(|v| v.get("value")?.as_str()) {
            redact::register(value);
        }
    }
}

/// Connects and checks the server version; every failure says which server and what to check.
pub async fn connect(args: &KubeArgs) -> Result<Cluster> {
    let (kubeconfig, source) = load(args)?;
    let mut config = match kubeconfig {
        Some(kubeconfig) => {
            let options = KubeConfigOptions { context: args.context.clone(), ..Default::default() };
            kube::Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .map_err(|e| Error::input(messages::bad_kubeconfig(&source, &e.to_string())))?
        }
        None => kube::Config::incluster().map_err(|_| {
            Error::usage(messages::no_cluster_credentials()).hint(messages::hint_no_cluster_credentials())
        })?,
    };
    config.connect_timeout = Some(args.kube_timeout);
    config.read_timeout = Some(args.kube_timeout);
    config.write_timeout = Some(args.kube_timeout);
    let server = config.cluster_url.to_string().trim_end_matches('/').to_string();
    let client = client(config).map_err(|e| api_error(&server, &messages::doing_set_up(), e))?;
    let info = client.apiserver_version().await.map_err(|e| api_error(&server, &messages::doing_reach(), e))?;
    let minor = minor_version(&info.minor, &info.git_version);
    log::debug(messages::connected(&server, &info.git_version, &source));
    Ok(Cluster { client, server, version: info.git_version, minor, metadata_v1: true.into() })
}

/// The minor version from `/version`: `minor` may read `"20+"` (EKS, GKE) or be empty, so the
/// digits are taken from it, else from `gitVersion` (`v1.20.4-eks-6b7464`).
pub fn minor_version(minor: &str, git_version: &str) -> u32 {
    let digits = |text: &str| -> Option<u32> {
        let text: String = text.chars().take_while(char::is_ascii_digit).collect();
        text.parse().ok()
    };
    digits(minor.trim()).or_else(|| digits(git_version.trim_start_matches('v').split('.').nth(1)?)).unwrap_or(0)
}

/// The metadata of one object, or `None` when it does not exist. Asks for metadata only where the
/// server serves it; a 1.14 server answers that with 406 Not Acceptable (even for objects that do
/// not exist), after which the whole object is read instead, for the rest of the run.
pub async fn metadata_opt<K>(
    cluster: &Cluster,
    api: &Api<K>,
    name: &str,
) -> std::result::Result<Option<ObjectMeta>, kube::Error>
where
    K: kube::Resource + Clone + std::fmt::Debug + serde::de::DeserializeOwned,
{
    use std::sync::atomic::Ordering;
    if cluster.metadata_v1.load(Ordering::Relaxed) {
        match api.get_metadata_opt(name).await {
            Ok(found) => return Ok(found.map(|partial| partial.metadata)),
            Err(e) if is_status(&e, 406) => {
                log::debug(messages::metadata_reads_unserved());
                cluster.metadata_v1.store(false, Ordering::Relaxed);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(api.get_opt(name).await?.map(|object| object.meta().clone()))
}

/// kube's client, with the TLS verification every step shares ([`tls`](crate::tls)): a
/// `certificate-authority-data` that is the server's own self-signed certificate is accepted. The
/// stack is kube's own minus what a one-shot step does not use (gzip, tracing, retries); a
/// kubeconfig with a `proxy-url` or `insecure-skip-tls-verify` keeps kube's own stack as it is.
fn client(config: kube::Config) -> std::result::Result<kube::Client, kube::Error> {
    use hyper_util::client::legacy::connect::HttpConnector;
    use kube::client::ConfigExt;

    if config.proxy_url.is_some() || config.accept_invalid_certs {
        return kube::Client::try_from(config);
    }
    let mut tls_config = config.rustls_client_config()?;
    let roots: Vec<_> = config.root_cert.iter().flatten().map(|der| der.clone().into()).collect();
    let setup = crate::tls::TlsSetup { only_extra_roots: !roots.is_empty(), extra_roots: roots, ..Default::default() };
    let verifier = setup.server_verifier().map_err(|e| kube::Error::Service(format!("{e:?}").into()))?;
    tls_config.dangerous().set_certificate_verifier(verifier);
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    let https = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls_config).https_or_http();
    let https = match &config.tls_server_name {
        Some(name) => {
            let name = rustls::pki_types::ServerName::try_from(name.clone())
                .map_err(|e| kube::Error::Service(e.to_string().into()))?;
            https.with_server_name_resolver(hyper_rustls::FixedServerNameResolver::new(name))
        }
        None => https,
    };
    let mut connector = hyper_timeout::TimeoutConnector::new(https.enable_http1().wrap_connector(http));
    connector.set_connect_timeout(config.connect_timeout);
    connector.set_read_timeout(config.read_timeout);
    connector.set_write_timeout(config.write_timeout);
    let http_client = hyper_util::client::legacy::Builder::new(hyper_util::rt::TokioExecutor::new()).build(connector);
    let service = tower::ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .option_layer(config.auth_layer()?)
        .layer(config.extra_headers_layer()?)
        .map_err(tower::BoxError::from)
        .service(http_client);
    Ok(kube::Client::new(service, config.default_namespace))
}

/// Maps a kube error to one of ours: 401/403 are credential problems, connection failures remote.
pub fn api_error(server: &str, doing: &str, err: kube::Error) -> Error {
    match err {
        kube::Error::Api(status) => {
            let refused = refuses_the_account(status.code, &status.message);
            let kind = match status.code {
                _ if refused => ErrorKind::Auth,
                403 | 404 | 409 | 422 | 400 => ErrorKind::Input,
                _ => ErrorKind::Remote,
            };
            let error = Error::new(kind, messages::api_refused(server, doing, status.code, &status.message));
            match status.code {
                401 => error.hint(messages::hint_kube_401()),
                403 if refused => error.hint(messages::hint_kube_403()),
                403 => error.hint(messages::hint_kube_admission()),
                _ => error,
            }
        }
        other => {
            if let Some(error) = exec_plugin_error(&other, server) {
                return error;
            }
            let cause = crate::http::chain(&other);
            if cause.contains("certificate") {
                return Error::remote(messages::cluster_tls(server, &cause)).hint(messages::hint_kube_tls());
            }
            Error::remote(messages::cluster_unreachable(server, doing, &cause)).hint(messages::hint_kube_unreachable())
        }
    }
}

/// A failing exec credential plugin, said without its arguments, environment or output: kube's
/// errors quote them all (the command's debug form, its captured stdout and stderr), and a
/// plugin's arguments, environment and output are where credentials live.
fn exec_plugin_error(err: &(dyn std::error::Error + 'static), server: &str) -> Option<Error> {
    use kube::client::AuthError as Auth;
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(auth) = e.downcast_ref::<Auth>() {
            let why = match auth {
                Auth::AuthExecStart(_) => messages::exec_not_started(),
                Auth::AuthExecRun { out, .. } => messages::exec_exit(&out.status.to_string()),
                Auth::AuthExecParse(_) => messages::exec_bad_output(),
                Auth::ExecPluginFailed => messages::exec_no_status(),
                Auth::AuthExec(_) | Auth::AuthExecSerialize(_) | Auth::ExecMissingClusterInfo => messages::exec_other(),
                _ => return None,
            };
            return Some(Error::auth(messages::exec_plugin_failed(server, &why)).hint(messages::hint_exec_plugin()));
        }
        current = e.source();
    }
    None
}

/// The cluster credentials handed to a child process (helm), through `KUBECONFIG`.
pub enum ChildKubeconfig {
    /// The user's own kubeconfig path(s), passed on as they are.
    Paths(String),
    /// Content from an environment variable, written to a 0600 temp file that is deleted when
    /// this is dropped, and also when a signal or a panic ends the run.
    Temp(process::Removable<tempfile::NamedTempFile>),
    /// No kubeconfig: the child uses the in-cluster service account as we do.
    InCluster,
}

impl ChildKubeconfig {
    pub fn for_args(args: &KubeArgs) -> Result<Self> {
        let content = match source(args) {
            Source::Paths(paths) => return Ok(ChildKubeconfig::Paths(paths.to_string())),
            Source::Content(content) => content,
            Source::InCluster => return Ok(ChildKubeconfig::InCluster),
        };
        let write = |e: std::io::Error| Error::internal(messages::temp_kubeconfig_failed(&e.to_string()));
        // tempfile creates the file with mode 0600.
        let create = || tempfile::Builder::new().prefix("deckhand-kubeconfig-").tempfile();
        let mut file = process::remove_if_ended(create, |f| f.path()).map_err(write)?;
        std::io::Write::write_all(&mut *file, content.as_bytes()).map_err(write)?;
        Ok(ChildKubeconfig::Temp(file))
    }

    /// Points `command` at these credentials, and keeps the content variable away from it.
    pub fn apply(&self, command: &mut std::process::Command, args: &KubeArgs) {
        command.env_remove(&args.kubeconfig_content_env);
        match self {
            ChildKubeconfig::Paths(paths) => command.env("KUBECONFIG", paths),
            ChildKubeconfig::Temp(file) => command.env("KUBECONFIG", file.path()),
            ChildKubeconfig::InCluster => command.env_remove("KUBECONFIG"),
        };
    }
}

/// A Kubernetes object name: a DNS-1123 subdomain (`max` 253) or label (`max` 63, namespaces).
pub fn valid_name(name: &str, max: usize) -> bool {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (max > 63 && c == '.');
    !name.is_empty()
        && name.len() <= max
        && name.chars().all(ok_char)
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

pub use messages::bad_name;

/// Makes sure `namespace` exists; creates it when asked. Returns whether it was created.
pub async fn ensure_namespace(cluster: &Cluster, namespace: &str, create: bool) -> Result<bool> {
    let api: Api<Namespace> = Api::all(cluster.client.clone());
    let fail = |e| api_error(&cluster.server, &messages::doing_read_namespace(namespace), e);
    if api.get_opt(namespace).await.map_err(fail)?.is_some() {
        return Ok(false);
    }
    if !create {
        return Err(Error::input(messages::namespace_missing(namespace)).hint(messages::hint_namespace()));
    }
    let ns = Namespace {
        metadata: ObjectMeta { name: Some(namespace.to_string()), ..Default::default() },
        ..Default::default()
    };
    match api.create(&PostParams::default(), &ns).await {
        Ok(_) => Ok(true),
        Err(e) if is_status(&e, 409) => Ok(false),
        Err(e) => Err(api_error(&cluster.server, &messages::doing_create_namespace(namespace), e)),
    }
}

/// Whether the server refuses the account itself (a credential problem): 401, or a 403 that is
/// RBAC's (see [`is_rbac_denial`]).
pub fn refuses_the_account(code: u16, message: &str) -> bool {
    code == 401 || (code == 403 && is_rbac_denial(message))
}

/// Whether a 403's message is RBAC saying the user may not do the verb (`User "x" cannot get
/// resource ...`), as opposed to an admission refusal that is also a 403: ResourceQuota
/// ("exceeded quota"), NamespaceLifecycle ("being terminated"), PodSecurity, LimitRange.
pub fn is_rbac_denial(message: &str) -> bool {
    let rbac = regex_lite::Regex::new(r"\bcannot [a-z]+ resource\b").expect("a valid pattern");
    rbac.is_match(message) || message.trim().eq_ignore_ascii_case("forbidden")
}

/// Whether a kube error is the API's 404 / 409.
pub fn is_status(err: &kube::Error, code: u16) -> bool {
    matches!(err, kube::Error::Api(status) if status.code == code)
}

#[cfg(test)]
mod tests {
    use super::{is_rbac_denial, minor_version, valid_name};

    #[test]
    fn minor_versions_as_servers_write_them() {
        assert_eq!(minor_version("14", "v1.14.10"), 14);
        assert_eq!(minor_version("20+", "v1.20.4-eks-6b7464"), 20);
        assert_eq!(minor_version("", "v1.27.3+k3s1"), 27);
        assert_eq!(minor_version("", "garbage"), 0);
    }

    #[test]
    fn rbac_denials_and_admission_refusals_are_told_apart() {
        assert!(is_rbac_denial(
            r#"secrets "x" is forbidden: User "system:serviceaccount:ci:deployer" cannot get resource "secrets" in API group "" in the namespace "shop""#
        ));
        assert!(is_rbac_denial("Forbidden"));
        for admission in [
            r#"pods "web-1" is forbidden: exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1"#,
            r#"secrets "x" is forbidden: unable to create new content in namespace shop because it is being terminated"#,
            r#"pods "web" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false"#,
        ] {
            assert!(!is_rbac_denial(admission), "{admission}");
        }
    }

    #[test]
    fn kubernetes_names() {
        assert!(valid_name("harbor-pull", 253) && valid_name("a.b", 253) && valid_name("ns-1", 63));
        for bad in ["", "-a", "a-", "Upper", "a_b", "a.b"] {
            assert!(!valid_name(bad, 63), "{bad}");
        }
    }
}
