//! User-facing messages of the shared plumbing: each a function that takes plain values (texts
//! already shown, numbers, paths, durations) and gives the sentence in the run's language, from
//! `locales/{en,zh-CN}/common.ftl`. Nothing here knows the plumbing's own types.
//!
//! A `what` parameter is a phrase from the calling step's catalogue ("the repository index",
//! "demo 1.0.0"); a `doing` parameter is a verb phrase ("read secret x in web on" in English,
//! followed by the server; "读取命名空间 web 中的 Secret x" in Chinese).

use std::path::Path;
use std::time::Duration;

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

/// A duration as people read it, to the second, zero parts left out (`1m 30s`, `5m`, `2h` /
/// `1 分 30 秒`, `5 分钟`); under a second, in milliseconds (`300ms` / `300 毫秒`).
pub fn duration(d: Duration) -> String {
    let total = d.as_secs();
    let (hours, minutes, seconds) = (total / 3600, total % 3600 / 60, total % 60);
    if hours > 0 {
        tr!(CATALOGUE, "duration-hours", hours = hours, minutes = minutes)
    } else if minutes > 0 {
        tr!(CATALOGUE, "duration-minutes", minutes = minutes, seconds = seconds)
    } else if seconds == 0 && d.subsec_millis() > 0 {
        tr!(CATALOGUE, "duration-milliseconds", milliseconds = d.subsec_millis())
    } else {
        tr!(CATALOGUE, "duration-seconds", seconds = seconds)
    }
}

// Labels of log lines and errors.

pub fn label_warning() -> String {
    tr!(CATALOGUE, "log-warning")
}

pub fn label_error() -> String {
    tr!(CATALOGUE, "log-error")
}

pub fn label_debug() -> String {
    tr!(CATALOGUE, "log-debug")
}

/// A labelled log line (`warning: ...` / `警告：...`); the label may be coloured.
pub fn log_line(label: &str, message: &str) -> String {
    tr!(CATALOGUE, "log-line", label = label, message = message)
}

/// The hint line of an error (after its message).
pub fn error_hint(hint: &str) -> String {
    tr!(CATALOGUE, "error-hint", hint = hint)
}

/// A local I/O failure: `what` ("cannot read --ca-file"), the path and the system's error.
pub fn io_failed(what: &str, path: &Path, error: &str) -> String {
    tr!(CATALOGUE, "io-failed", what = what, path = path, error = error)
}

/// The system's own words for the commonest I/O failures, said in the run's language too (the
/// system's text stays, for searching).
pub fn io_not_found(os: &str) -> String {
    tr!(CATALOGUE, "io-not-found", os = os)
}

pub fn io_permission_denied(os: &str) -> String {
    tr!(CATALOGUE, "io-permission-denied", os = os)
}

pub fn io_already_exists(os: &str) -> String {
    tr!(CATALOGUE, "io-already-exists", os = os)
}

pub fn io_disk_full(os: &str) -> String {
    tr!(CATALOGUE, "io-disk-full", os = os)
}

pub fn io_read_only(os: &str) -> String {
    tr!(CATALOGUE, "io-read-only", os = os)
}

/// "cannot read --ca-file", for [`io_failed`].
pub fn cannot_read(flag: &str) -> String {
    tr!(CATALOGUE, "cannot-read-flag", flag = flag)
}

/// A plain progress line of a transfer (`done` and `total` already written, e.g. `1.5 MiB`).
pub fn progress(label: &str, done: &str, total: Option<&str>, seconds: u64) -> String {
    match total {
        Some(total) => tr!(CATALOGUE, "progress-of", label = label, done = done, total = total, seconds = seconds),
        None => tr!(CATALOGUE, "progress", label = label, done = done, seconds = seconds),
    }
}

// Hints.

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

pub fn hint_timeout() -> String {
    tr!(CATALOGUE, "hint-timeout")
}

pub fn hint_unreachable() -> String {
    tr!(CATALOGUE, "hint-unreachable")
}

pub fn hint_auth() -> String {
    tr!(CATALOGUE, "hint-auth")
}

pub fn hint_not_found() -> String {
    tr!(CATALOGUE, "hint-not-found")
}

pub fn hint_remote_flaky() -> String {
    tr!(CATALOGUE, "hint-remote-flaky")
}

pub fn hint_login() -> String {
    tr!(CATALOGUE, "hint-login")
}

pub fn hint_client_cert() -> String {
    tr!(CATALOGUE, "hint-client-cert")
}

pub fn hint_plain_http() -> String {
    tr!(CATALOGUE, "hint-plain-http")
}

pub fn hint_no_cluster_credentials() -> String {
    tr!(CATALOGUE, "hint-no-cluster-credentials")
}

pub fn hint_namespace() -> String {
    tr!(CATALOGUE, "hint-namespace")
}

pub fn hint_kube_tls() -> String {
    tr!(CATALOGUE, "hint-kube-tls")
}

pub fn hint_exec_plugin() -> String {
    tr!(CATALOGUE, "hint-exec-plugin")
}

pub fn hint_bk_input() -> String {
    tr!(CATALOGUE, "hint-bk-input")
}

pub fn hint_bk_ticket() -> String {
    tr!(CATALOGUE, "hint-bk-ticket")
}

// TLS.

pub fn tls_setup_failed(why: &str) -> String {
    tr!(CATALOGUE, "tls-setup-failed", why = why)
}

pub fn bad_pem(flag: &str, path: &Path) -> String {
    tr!(CATALOGUE, "tls-bad-pem", flag = flag, path = path)
}

pub fn bad_client_cert(path: &Path, why: &str) -> String {
    tr!(CATALOGUE, "tls-bad-client-cert", path = path, why = why)
}

pub fn tls_no_certificate() -> String {
    tr!(CATALOGUE, "tls-no-certificate")
}

pub fn tls_no_private_key() -> String {
    tr!(CATALOGUE, "tls-no-private-key")
}

pub fn tls_no_trusted_certificates() -> String {
    tr!(CATALOGUE, "tls-no-trusted-certificates")
}

// HTTP. `url` is a URL as shown (without credentials), `origin` scheme, host and port, `status`
// the status as HTTP writes it (`401 Unauthorized`).

pub fn http_client_setup_failed(why: &str) -> String {
    tr!(CATALOGUE, "http-client-setup-failed", why = why)
}

pub fn retrying(url: &str, why: &str, wait: Duration, attempt: u32, of: u32) -> String {
    let milliseconds = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
    tr!(CATALOGUE, "http-retrying", url = url, why = why, milliseconds = milliseconds, attempt = attempt, of = of)
}

pub fn transfer_cut(what: &str, url: &str, why: &str, retries: u32) -> String {
    tr!(CATALOGUE, "http-transfer-cut", what = what, url = url, why = why, retries = retries)
}

/// A body shorter (or longer) than its Content-Length.
pub fn short_body(read: u64, expected: u64) -> String {
    tr!(CATALOGUE, "http-short-body", read = read, expected = expected)
}

/// The label of a download's progress.
pub fn downloading(what: &str) -> String {
    tr!(CATALOGUE, "http-downloading", what = what)
}

pub fn not_tls(origin: &str) -> String {
    tr!(CATALOGUE, "http-not-tls", origin = origin)
}

pub fn tls_failed(origin: &str, cause: &str) -> String {
    tr!(CATALOGUE, "http-tls-failed", origin = origin, cause = cause)
}

pub fn timed_out(origin: &str, timeout: Duration) -> String {
    tr!(CATALOGUE, "http-timed-out", origin = origin, timeout = duration(timeout))
}

pub fn unreachable(origin: &str, cause: &str, retries: u32) -> String {
    tr!(CATALOGUE, "http-unreachable", origin = origin, cause = cause, retries = retries)
}

pub fn refused(what: &str, origin: &str, status: &str) -> String {
    tr!(CATALOGUE, "http-refused", what = what, origin = origin, status = status)
}

pub fn not_found(what: &str, url: &str) -> String {
    tr!(CATALOGUE, "http-not-found", what = what, url = url)
}

pub fn server_failed(what: &str, origin: &str, status: &str, retries: u32) -> String {
    tr!(CATALOGUE, "http-server-failed", what = what, origin = origin, status = status, retries = retries)
}

pub fn rejected(what: &str, url: &str, status: &str) -> String {
    tr!(CATALOGUE, "http-rejected", what = what, url = url, status = status)
}

pub fn redirect_downgrade(from: &str, to: &str) -> String {
    tr!(CATALOGUE, "http-redirect-downgrade", from = from, to = to)
}

pub fn too_many_redirects(limit: usize) -> String {
    tr!(CATALOGUE, "http-too-many-redirects", limit = limit)
}

pub fn redirect_refused(url: &str, cause: &str) -> String {
    tr!(CATALOGUE, "http-redirect-refused", url = url, cause = cause)
}

pub fn over_the_limit() -> String {
    tr!(CATALOGUE, "http-over-the-limit")
}

// OCI registries.

/// The `what` of a registry login (`GET /v2/`).
pub fn registry_api() -> String {
    tr!(CATALOGUE, "registry-what-api")
}

/// The `what` of a token request for `what`.
pub fn token_for(what: &str) -> String {
    tr!(CATALOGUE, "registry-what-token", what = what)
}

pub fn login_required(registry: &str) -> String {
    tr!(CATALOGUE, "registry-login-required", registry = registry)
}

pub fn bad_token_reply(realm: &str, why: &str) -> String {
    tr!(CATALOGUE, "registry-bad-token-reply", realm = realm, why = why)
}

pub fn no_realm() -> String {
    tr!(CATALOGUE, "registry-no-realm")
}

pub fn no_token() -> String {
    tr!(CATALOGUE, "registry-no-token")
}

pub fn got_token(realm: &str) -> String {
    tr!(CATALOGUE, "registry-got-token", realm = realm)
}

pub fn insecure_realm(registry: &str, realm: &str) -> String {
    tr!(CATALOGUE, "registry-insecure-realm", registry = registry, realm = realm)
}

pub fn stored_login_used(host: &str, path: &Path) -> String {
    tr!(CATALOGUE, "registry-stored-login", host = host, path = path)
}

// Clusters.

pub fn no_cluster_credentials() -> String {
    tr!(CATALOGUE, "kube-no-credentials")
}

pub fn metadata_reads_unserved() -> String {
    tr!(CATALOGUE, "kube-metadata-unserved")
}

/// Where the cluster credentials came from: the pod's service account.
pub fn source_in_cluster() -> String {
    tr!(CATALOGUE, "kube-source-in-cluster")
}

/// Where the cluster credentials came from: content in the environment variable `name`.
pub fn source_content(name: &str) -> String {
    tr!(CATALOGUE, "kube-source-content", name = name)
}

/// Where the cluster credentials came from: kubeconfig file(s), as given.
pub fn source_file(path: &str) -> String {
    tr!(CATALOGUE, "kube-source-file", path = path)
}

pub fn cannot_read_kubeconfig() -> String {
    tr!(CATALOGUE, "kube-cannot-read")
}

pub fn not_a_kubeconfig() -> String {
    tr!(CATALOGUE, "kube-not-a-kubeconfig")
}

pub fn bad_kubeconfig(source: &str, why: &str) -> String {
    tr!(CATALOGUE, "kube-bad-kubeconfig", source = source, why = why)
}

pub fn connected(server: &str, version: &str, source: &str) -> String {
    tr!(CATALOGUE, "kube-connected", server = server, version = version, source = source)
}

/// The `doing` of setting up the client.
pub fn doing_set_up() -> String {
    tr!(CATALOGUE, "kube-doing-set-up")
}

/// The `doing` of the first request (the server version).
pub fn doing_reach() -> String {
    tr!(CATALOGUE, "kube-doing-reach")
}

pub fn doing_read_namespace(namespace: &str) -> String {
    tr!(CATALOGUE, "kube-doing-read-namespace", namespace = namespace)
}

pub fn doing_create_namespace(namespace: &str) -> String {
    tr!(CATALOGUE, "kube-doing-create-namespace", namespace = namespace)
}

/// An API refusal. In English `doing` is worded to be followed by the server ("read secret x in
/// web on"); here the server comes first, so a final " on" is dropped.
pub fn api_refused(server: &str, doing: &str, code: u16, message: &str) -> String {
    let doing = doing.strip_suffix(" on").unwrap_or(doing);
    tr!(CATALOGUE, "kube-api-refused", server = server, doing = doing, code = code, message = message)
}

pub fn cluster_unreachable(server: &str, doing: &str, cause: &str) -> String {
    tr!(CATALOGUE, "kube-unreachable", server = server, doing = doing, cause = cause)
}

pub fn cluster_tls(server: &str, cause: &str) -> String {
    tr!(CATALOGUE, "kube-cluster-tls", server = server, cause = cause)
}

pub fn namespace_missing(namespace: &str) -> String {
    tr!(CATALOGUE, "kube-namespace-missing", namespace = namespace)
}

/// `what` ("--namespace", "the secret name") names the value; the name is shown quoted.
pub fn bad_name(what: &str, name: &str) -> String {
    tr!(CATALOGUE, "kube-bad-name", what = what, name = format!("{name:?}"))
}

pub fn no_runtime(why: &str) -> String {
    tr!(CATALOGUE, "kube-no-runtime", why = why)
}

pub fn temp_kubeconfig_failed(why: &str) -> String {
    tr!(CATALOGUE, "kube-temp-kubeconfig", why = why)
}

pub fn exec_plugin_failed(server: &str, why: &str) -> String {
    tr!(CATALOGUE, "kube-exec-failed", server = server, why = why)
}

pub fn exec_not_started() -> String {
    tr!(CATALOGUE, "kube-exec-not-started")
}

pub fn exec_bad_output() -> String {
    tr!(CATALOGUE, "kube-exec-bad-output")
}

pub fn exec_no_status() -> String {
    tr!(CATALOGUE, "kube-exec-no-status")
}

pub fn exec_other() -> String {
    tr!(CATALOGUE, "kube-exec-other")
}

pub fn exec_exit(status: &str) -> String {
    tr!(CATALOGUE, "kube-exec-exit", status = status)
}

// Secrets.

pub fn secret_one_way(flag: &str) -> String {
    tr!(CATALOGUE, "secret-one-way", flag = flag)
}

pub fn secret_stdin_failed(flag: &str, why: &str) -> String {
    tr!(CATALOGUE, "secret-stdin-failed", flag = flag, why = why)
}

// Ending early.

/// What a run stopped by a signal was doing when nothing more precise was said.
pub fn while_running() -> String {
    tr!(CATALOGUE, "process-while-running")
}

pub fn while_talking_to_cluster() -> String {
    tr!(CATALOGUE, "process-while-talking-to-cluster")
}

/// `what` is what the run was doing ("while waiting for the rollout").
pub fn stopped_by(signal: &str, what: &str) -> String {
    tr!(CATALOGUE, "process-stopped-by", signal = signal, what = what)
}

pub fn internal_error(what: &str, place: &str) -> String {
    tr!(CATALOGUE, "internal-error", what = what, place = place)
}

// BK-CI.

pub fn bk_input_unreadable() -> String {
    tr!(CATALOGUE, "bk-input-unreadable")
}

pub fn bk_input_not_object(path: &Path, why: &str) -> String {
    tr!(CATALOGUE, "bk-input-not-object", path = path, why = why)
}

pub fn bk_sdk_unreadable() -> String {
    tr!(CATALOGUE, "bk-sdk-unreadable")
}

pub fn bk_sdk_invalid(path: &Path, why: &str) -> String {
    tr!(CATALOGUE, "bk-sdk-invalid", path = path, why = why)
}

pub fn bk_sdk_no_gateway() -> String {
    tr!(CATALOGUE, "bk-sdk-no-gateway")
}

pub fn bk_ticket_unreachable(id: &str, why: &str) -> String {
    tr!(CATALOGUE, "bk-ticket-unreachable", id = id, why = why)
}

pub fn bk_ticket_refused(id: &str, why: &str) -> String {
    tr!(CATALOGUE, "bk-ticket-refused", id = id, why = why)
}

pub fn bk_ticket_no_secret() -> String {
    tr!(CATALOGUE, "bk-ticket-no-secret")
}

pub fn workspace_unusable(path: &Path, why: &str) -> String {
    tr!(CATALOGUE, "bk-workspace-unusable", path = path, why = why)
}

pub fn bk_output_unwritable(dir: &Path, why: &str) -> String {
    tr!(CATALOGUE, "bk-output-unwritable", dir = dir, why = why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{FluentArgs, Lang};

    fn text(lang: Lang, id: &str, args: &[(&str, crate::i18n::FluentValue<'static>)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(*name, value.clone());
        }
        CATALOGUE.text_in(lang, id, &fluent)
    }

    #[test]
    fn durations_leave_zero_parts_out_in_both_languages() {
        let d = |id: &str, h: u64, m: u64, s: u64, lang: Lang| {
            text(lang, id, &[("hours", h.into()), ("minutes", m.into()), ("seconds", s.into())])
        };
        assert_eq!(d("duration-minutes", 0, 1, 30, Lang::En), "1m 30s");
        assert_eq!(d("duration-minutes", 0, 5, 0, Lang::En), "5m");
        assert_eq!(d("duration-hours", 2, 0, 0, Lang::En), "2h");
        assert_eq!(d("duration-minutes", 0, 5, 0, Lang::ZhCn), "5 分钟");
        assert_eq!(d("duration-minutes", 0, 1, 30, Lang::ZhCn), "1 分 30 秒");
        assert_eq!(d("duration-hours", 1, 30, 0, Lang::ZhCn), "1 小时 30 分");
        assert_eq!(text(Lang::En, "duration-milliseconds", &[("milliseconds", 300u32.into())]), "300ms");
    }

    #[test]
    fn the_commonest_io_failures_are_said_in_chinese_with_the_system_text_kept() {
        let os = "No such file or directory (os error 2)";
        assert_eq!(text(Lang::En, "io-not-found", &[("os", os.into())]), os);
        assert_eq!(text(Lang::ZhCn, "io-not-found", &[("os", os.into())]), format!("文件或目录不存在（{os}）"));
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(crate::error::io_cause(&denied).contains(&denied.to_string()));
    }

    #[test]
    fn english_texts_the_steps_and_their_tests_know_are_unchanged() {
        crate::i18n::set(Lang::En);
        assert_eq!(
            refused("the repository index", "https://r", "401 Unauthorized"),
            "https://r refused access to the repository index (HTTP 401 Unauthorized)"
        );
        assert_eq!(timed_out("https://r", Duration::from_secs(3)), "https://r did not answer within 3s");
        assert_eq!(
            api_refused("https://k", "read secret x in web on", 403, "no"),
            "the cluster https://k refused to read secret x in web (HTTP 403): no"
        );
        assert_eq!(
            cluster_unreachable("https://k", &doing_reach(), "refused"),
            "cannot reach the cluster https://k: refused"
        );
        assert_eq!(bad_name("--namespace", "Bad_Name"), "--namespace \"Bad_Name\" is not a valid Kubernetes name (lowercase letters, digits, '-', at most 63/253 characters)");
        assert_eq!(source_content("KUBECONFIG_CONTENT"), "the kubeconfig content in $KUBECONFIG_CONTENT");
        assert_eq!(
            retrying("https://r/x", "HTTP 503", Duration::from_millis(250), 1, 2),
            "https://r/x: HTTP 503; retry 1 of 2 in 250 ms"
        );
        assert_eq!(log_line(&label_warning(), "w"), "warning: w");
        assert_eq!(duration(Duration::from_millis(300)), "300ms");
    }

    #[test]
    fn chinese_phrases_from_a_step_sit_before_a_colon_or_in_brackets() {
        let text = |id: &str, args: &[(&str, &str)]| {
            let args: Vec<_> = args.iter().map(|(k, v)| (*k, crate::i18n::FluentValue::from(v.to_string()))).collect();
            super::tests::text(Lang::ZhCn, id, &args)
        };
        assert_eq!(
            text(
                "http-refused",
                &[("what", "Chart 仓库索引"), ("origin", "https://r"), ("status", "401 Unauthorized")]
            ),
            "Chart 仓库索引：https://r 拒绝访问（HTTP 401 Unauthorized）"
        );
        assert_eq!(
            text(
                "kube-unreachable",
                &[("server", "https://k"), ("doing", "读取命名空间 web 中的 Secret x"), ("cause", "refused")]
            ),
            "无法连接集群 https://k（读取命名空间 web 中的 Secret x）：refused"
        );
        assert_eq!(text("log-line", &[("label", "警告"), ("message", "m")]), "警告：m");
    }

    #[test]
    fn an_unreachable_server_without_retries_says_no_retry_count_in_chinese() {
        let args = |n: u32| [("origin", "http://h:1".into()), ("cause", "refused".into()), ("retries", n.into())];
        assert_eq!(text(Lang::ZhCn, "http-unreachable", &args(0)), "无法连接 http://h:1：refused");
        assert_eq!(text(Lang::ZhCn, "http-unreachable", &args(2)), "无法连接 http://h:1（已重试 2 次）：refused");
        assert_eq!(
            text(Lang::En, "http-unreachable", &args(2)),
            "cannot reach http://h:1 (refused), also after 2 retries"
        );
    }
}
