//! User-facing messages of the shared plumbing, kept together so that a translation (a Simplified
//! Chinese rendering for `LANG=zh_CN*`) is added in one place.

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use url::Url;

use crate::http::{display_url, origin};
use crate::i18n::Catalogue;
use crate::tr;

/// The shared plumbing's messages in every language.
pub static CATALOGUE: Catalogue =
    Catalogue::new(include_str!("../locales/en/common.ftl"), include_str!("../locales/zh-CN/common.ftl"));

crate::catalogue_tests!(crate::messages::CATALOGUE);

/// Items joined as a list is written in the run's language (`a, b` / `a、b`).
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    let separator = tr!(CATALOGUE, "list-separator");
    items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(&separator)
}

/// A duration as people read it, to the second (`1m 30s` / `1 分 30 秒`).
pub fn duration(d: Duration) -> String {
    let total = d.as_secs();
    let (hours, minutes, seconds) = (total / 3600, total % 3600 / 60, total % 60);
    if hours > 0 {
        tr!(CATALOGUE, "duration-hours", hours = hours, minutes = minutes)
    } else if minutes > 0 {
        tr!(CATALOGUE, "duration-minutes", minutes = minutes, seconds = seconds)
    } else {
        tr!(CATALOGUE, "duration-seconds", seconds = seconds)
    }
}

pub fn hint_tls() -> String {
    tr!(CATALOGUE, "hint-tls")
}

pub fn hint_kube_401() -> String {
    tr!(CATALOGUE, "hint-kube-401")
}

pub fn hint_kube_403() -> String {
    tr!(CATALOGUE, "hint-kube-403")
}

pub fn hint_kube_admission() -> String {
    tr!(CATALOGUE, "hint-kube-admission")
}

pub fn hint_kube_unreachable() -> String {
    tr!(CATALOGUE, "hint-kube-unreachable")
}

pub const HINT_TIMEOUT: &str = "the server is slow or unreachable; raise --http-timeout or check the network path";
pub const HINT_UNREACHABLE: &str =
    "check the host name and port, DNS, and the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)";
pub const HINT_AUTH: &str = "check the username and password (or token) and that the account may read this repository";
pub const HINT_NOT_FOUND: &str = "check the URL, the chart name and the version";
pub const HINT_REMOTE_FLAKY: &str = "the server or the network is failing; try again later or raise --retries";

pub const HINT_LOGIN: &str = "pass --username and --password (or --password-stdin) for this registry";

pub fn login_required(registry: &str) -> String {
    format!("{registry} requires a login")
}

pub fn bad_token_reply(realm: &str, why: &str) -> String {
    format!("the token service {realm} gave an unusable reply: {why}")
}

pub fn bad_pem(flag: &str, path: &Path) -> String {
    format!("{flag} {} holds no usable PEM certificate or key", path.display())
}

pub const HINT_CLIENT_CERT: &str =
    "--cert-file must be an X.509 v3 certificate in PEM, and --key-file its private key (PKCS#8, PKCS#1 or SEC1 PEM)";

pub fn bad_client_cert(path: &Path, why: &str) -> String {
    format!("the client certificate {} is not usable: {why}", path.display())
}

pub fn retrying(url: &Url, why: &str, wait: Duration, attempt: u32, of: u32) -> String {
    format!("{}: {why}; retry {attempt} of {of} in {} ms", display_url(url), wait.as_millis())
}

pub fn transfer_cut(what: &str, url: &Url, why: &str, retries: u32) -> String {
    format!("the download of {what} from {} was cut short ({why}), also after {retries} retries", display_url(url))
}

pub fn not_tls(url: &Url) -> String {
    format!("{} did not answer in TLS: it looks like a plain-HTTP server", origin(url))
}

pub const HINT_PLAIN_HTTP: &str = "if the server really speaks plain HTTP (a registry run without TLS), pass \
--plain-http for oci:// references, or write http:// for a chart repository; otherwise check the port";

pub fn tls_failed(url: &Url, cause: &str) -> String {
    format!("TLS with {} failed: {cause}", origin(url))
}

pub fn timed_out(url: &Url, timeout: Duration) -> String {
    format!("{} did not answer within {}", origin(url), humantime::format_duration(timeout))
}

pub fn unreachable(url: &Url, cause: &str, retries: u32) -> String {
    format!("cannot reach {} ({cause}), also after {retries} retries", origin(url))
}

pub fn refused(what: &str, url: &Url, status: StatusCode) -> String {
    format!("{} refused access to {what} (HTTP {status})", origin(url))
}

pub fn not_found(what: &str, url: &Url) -> String {
    format!("{what} not found at {} (HTTP 404)", display_url(url))
}

pub fn server_failed(what: &str, url: &Url, status: StatusCode, retries: u32) -> String {
    format!("{} answered HTTP {status} for {what}, also after {retries} retries", origin(url))
}

pub fn rejected(what: &str, url: &Url, status: StatusCode) -> String {
    format!("{} rejected the request for {what} (HTTP {status})", display_url(url))
}

pub const NO_CLUSTER_CREDENTIALS: &str =
    "no cluster credentials: no kubeconfig path, no kubeconfig content, and not running in a pod";
pub const HINT_NO_CLUSTER_CREDENTIALS: &str =
    "give --kubeconfig PATH, set KUBECONFIG, or put the kubeconfig content in KUBECONFIG_CONTENT (--kubeconfig-content-env)";
pub const METADATA_READS_UNSERVED: &str =
    "the cluster does not serve metadata-only reads (Kubernetes 1.14): reading whole objects instead";

pub fn bad_kubeconfig(source: &str, why: &str) -> String {
    format!("{source} cannot be used: {why}")
}

/// `doing` is worded to be followed by the server ("read secret x in web on"); here the server
/// comes first.
pub fn api_refused(server: &str, doing: &str, code: u16, message: &str) -> String {
    let doing = doing.strip_suffix(" on").unwrap_or(doing);
    format!("the cluster {server} refused to {doing} (HTTP {code}): {message}")
}

pub fn cluster_unreachable(server: &str, doing: &str, cause: &str) -> String {
    format!("cannot {doing} the cluster {server}: {cause}")
}

pub fn hint_namespace() -> String {
    tr!(CATALOGUE, "hint-namespace")
}

pub fn namespace_missing(namespace: &str) -> String {
    tr!(CATALOGUE, "namespace-missing", namespace = namespace)
}

pub fn bad_name(what: &str, name: &str) -> String {
    format!(
        "{what} {name:?} is not a valid Kubernetes name (lowercase letters, digits, '-', at most 63/253 characters)"
    )
}

pub fn cluster_tls(server: &str, cause: &str) -> String {
    format!("the certificate of the cluster {server} is not trusted: {cause}")
}

pub const HINT_KUBE_TLS: &str = "the kubeconfig's certificate-authority(-data) must hold the CA that signed the API \
server's certificate; get a current kubeconfig from the cluster's admin";

pub fn redirect_downgrade(from: Option<&Url>, to: &Url) -> String {
    let from = from.map(display_url).unwrap_or_default();
    format!(
        "refused the redirect from {from} to {}: a redirect from HTTPS to plain HTTP is never followed",
        display_url(to)
    )
}

pub fn too_many_redirects(limit: usize) -> String {
    format!("more than {limit} redirects")
}

pub fn redirect_refused(url: &Url, cause: &str) -> String {
    format!("{} redirected the request where it may not go: {cause}", display_url(url))
}

pub fn stored_login_used(host: &str, path: &Path) -> String {
    format!("using the login for {host} stored in {}", path.display())
}

pub fn insecure_realm(registry: &str, realm: &str) -> String {
    format!("{registry} (HTTPS) sends its logins to the token service {realm}, which is not HTTPS; the credentials are not sent there")
}

pub const WHILE_RUNNING: &str = "before it finished";
pub const WHILE_TALKING_TO_CLUSTER: &str = "while talking to the cluster";

pub fn stopped_by(signal: &str, what: &str) -> String {
    format!("stopped by {signal} {what}")
}

pub fn internal_error(what: &str, place: &str) -> String {
    format!(
        "internal error (a bug in Deckhand: please report it, with this line, at \
https://github.com/deckhand-ci/deckhand/issues): {what} at {place}"
    )
}

pub const HINT_EXEC_PLUGIN: &str = "run the kubeconfig's exec command yourself to see why it fails (its arguments, \
environment and output are not shown here: they may hold credentials)";

pub fn exec_plugin_failed(server: &str, why: &str) -> String {
    format!("the kubeconfig's exec credential plugin (users[].user.exec) for the cluster {server} failed: {why}")
}

pub const EXEC_NOT_STARTED: &str = "it could not be started";
pub const EXEC_BAD_OUTPUT: &str = "it printed no valid ExecCredential";
pub const EXEC_NO_STATUS: &str = "its ExecCredential has no status";
pub const EXEC_OTHER: &str = "it could not be run or understood";

pub fn exec_exit(status: &str) -> String {
    format!("it ended with {status}")
}

pub const OVER_THE_LIMIT: &str = "more bytes than the limit allows";

pub const BK_INPUT_UNREADABLE: &str = "cannot read the BK-CI input";

pub fn bk_input_not_object(path: &Path, why: &str) -> String {
    format!("the BK-CI input {} is not a JSON object: {why}", path.display())
}

pub const HINT_BK_INPUT: &str = "bk_data_input must name the input.json the BK-CI worker wrote";

pub const BK_SDK_UNREADABLE: &str =
    "cannot read the BK-CI build API settings (.sdk.json) to fetch the chosen credential";

pub fn bk_sdk_invalid(path: &Path, why: &str) -> String {
    format!("the BK-CI build API settings {} are not usable: {why}", path.display())
}

pub fn bk_ticket_unreachable(id: &str, why: &str) -> String {
    format!("cannot reach BK-CI's credential service for credential {id}: {why}")
}

pub fn bk_ticket_refused(id: &str, why: &str) -> String {
    format!("BK-CI's credential service did not give credential {id}: {why}")
}

pub const BK_TICKET_NO_SECRET: &str = "the credential holds no password or token";

pub const HINT_BK_TICKET: &str = "check that the credential exists in this project, is of the type the field \
asks for, and that the pipeline may use it (凭证管理 -> 使用权限)";

pub fn workspace_unusable(path: &Path, why: &str) -> String {
    format!("cannot enter the BK-CI workspace {}: {why}", path.display())
}
