//! User-facing messages of build-notify: each a catalogue message
//! (`locales/<lang>/build-notify.ftl`) in the run's language, and the texts of the built-in mails
//! in the language asked for. A leaf: plain values in, text out.

use std::path::Path;
use std::time::Duration;

use deckhand_common::i18n::{Arg, Catalogue, FluentArgs, Lang};
use deckhand_common::messages::{duration, list};
use deckhand_common::tr;

/// build-notify's messages in every language.
pub(crate) static CATALOGUE: Catalogue =
    Catalogue::new(include_str!("../locales/en/build-notify.ftl"), include_str!("../locales/zh-CN/build-notify.ftl"));

deckhand_common::catalogue_tests!(crate::messages::CATALOGUE);

/// `--help`'s examples (the English help; the Chinese one is `locales/zh-CN/help.ftl`).
pub const EXAMPLES: &str = "Examples:
  build-notify --smtp-host smtp.example.com --username ci@example.com --password-stdin \\
      --from 'CI <ci@example.com>' --to 'dev@example.com;qa@example.com' --template failure --lang zh-CN \\
      --attach-log build.log --log-tail 200 --compress-log < smtp-password
  build-notify --smtp-host mail.corp --smtp-port 465 --from ci@corp --to ops@corp \\
      --subject '${JOB_NAME} #${BUILD_NUMBER} 部署完成' --body-file report.html --mime-type text/html --charset GBK
  build-notify ... --dry-run        # print the whole MIME message instead of sending it

Variables: ${VAR}, ${env.VAR} and ${VAR:-default} in the subject and body come from the environment
(JOB_NAME, BUILD_NUMBER, BUILD_URL, GIT_COMMIT..., BK_CI_PIPELINE_NAME, BK_CI_BUILD_NUM...).
Every option can also come from PLUGIN_<NAME> (Drone/Woodpecker) or the BK-CI input.json.";

// Options and addresses.

pub fn no_recipients() -> String {
    tr!(CATALOGUE, "no-recipients")
}

pub fn no_from() -> String {
    tr!(CATALOGUE, "no-from")
}

pub fn no_body() -> String {
    tr!(CATALOGUE, "no-body")
}

pub fn body_twice() -> String {
    tr!(CATALOGUE, "body-twice")
}

pub fn no_host() -> String {
    tr!(CATALOGUE, "no-host")
}

pub fn body_file_unreadable() -> String {
    tr!(CATALOGUE, "body-file-unreadable")
}

pub fn bad_address(flag: &str, address: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-address", flag = flag, address = format!("{address:?}"), why = why)
}

/// Why an address with a line break is refused (for [`bad_address`]).
pub fn address_line_break() -> String {
    tr!(CATALOGUE, "address-line-break")
}

// Encoding.

/// `place`: [`place_subject`], [`place_body`], [`place_html_body`] or [`place_display_name`].
pub fn unencodable(c: char, charset: &str, place: &str) -> String {
    let code = format!("{:04X}", c as u32);
    tr!(CATALOGUE, "unencodable", place = place, char = format!("{c:?}"), code = code, charset = charset)
}

pub fn place_subject() -> String {
    tr!(CATALOGUE, "place-subject")
}

pub fn place_body() -> String {
    tr!(CATALOGUE, "place-body")
}

pub fn place_html_body() -> String {
    tr!(CATALOGUE, "place-html-body")
}

pub fn place_display_name(flag: &str, address: &str) -> String {
    tr!(CATALOGUE, "place-display-name", flag = flag, address = address)
}

pub fn body_unencodable() -> String {
    tr!(CATALOGUE, "body-unencodable")
}

// Variables.

pub fn unknown_variables(names: &[String]) -> String {
    tr!(CATALOGUE, "unknown-variables", names = list(names))
}

pub fn withheld_variables(names: &[String]) -> String {
    tr!(CATALOGUE, "withheld-variables", names = list(names))
}

// Attachments.

pub fn attachment_missing(pattern: &str) -> String {
    tr!(CATALOGUE, "attachment-missing", pattern = format!("{pattern:?}"))
}

pub fn bad_pattern(pattern: &str, why: &str) -> String {
    tr!(CATALOGUE, "bad-pattern", pattern = format!("{pattern:?}"), why = why)
}

pub fn attachments_too_big(total: u64, limit: u64) -> String {
    let (total, limit) = (bytesize::ByteSize(total).to_string(), bytesize::ByteSize(limit).to_string());
    tr!(CATALOGUE, "attachments-too-big", total = total, limit = limit)
}

pub fn hint_too_big() -> String {
    tr!(CATALOGUE, "hint-too-big")
}

pub fn outside_workspace(flag: &str, path: &Path, resolved: &Path, workspace: &Path) -> String {
    tr!(CATALOGUE, "outside-workspace", flag = flag, path = path, resolved = resolved, workspace = workspace)
}

pub fn hint_workspace() -> String {
    tr!(CATALOGUE, "hint-workspace")
}

pub fn no_workspace() -> String {
    tr!(CATALOGUE, "no-workspace")
}

pub fn cannot_read(flag: &str) -> String {
    tr!(CATALOGUE, "cannot-read", flag = flag)
}

pub fn not_a_file(flag: &str, path: &Path) -> String {
    tr!(CATALOGUE, "not-a-file", flag = flag, path = path)
}

pub fn log_tail_too_big(path: &Path, lines: usize, limit: u64) -> String {
    let limit = bytesize::ByteSize(limit).to_string();
    tr!(CATALOGUE, "log-tail-too-big", path = path, lines = lines, limit = limit)
}

pub fn log_tail_name(name: &str, lines: usize) -> String {
    tr!(CATALOGUE, "log-tail-name", name = name, lines = lines)
}

// Delivery.

pub fn retrying(why: &str, wait: Duration, attempt: u32, of: u32) -> String {
    let ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
    tr!(CATALOGUE, "retrying", why = why, attempt = attempt, of = of, ms = ms)
}

pub fn no_starttls(server: &str) -> String {
    tr!(CATALOGUE, "no-starttls", server = server)
}

pub fn hint_no_starttls() -> String {
    tr!(CATALOGUE, "hint-no-starttls")
}

pub fn login_refused(server: &str, user: &str, why: &str) -> String {
    tr!(CATALOGUE, "login-refused", server = server, user = user, why = why)
}

pub fn hint_login() -> String {
    tr!(CATALOGUE, "hint-login")
}

pub fn no_login_method() -> String {
    tr!(CATALOGUE, "no-login-method")
}

pub fn hint_no_login_method() -> String {
    tr!(CATALOGUE, "hint-no-login-method")
}

pub fn recipient_refused(address: &str, why: &str) -> String {
    tr!(CATALOGUE, "recipient-refused", address = address, why = why)
}

/// Every recipient refused: (address, the server's reply) each.
pub fn all_refused(refused: &[(String, String)]) -> String {
    let each: Vec<String> = refused
        .iter()
        .map(|(address, why)| tr!(CATALOGUE, "refused-recipient", address = address, why = why))
        .collect();
    tr!(CATALOGUE, "all-refused", recipients = list(&each))
}

pub fn unreachable(server: &str, why: &str) -> String {
    tr!(CATALOGUE, "unreachable", server = server, why = why)
}

pub fn hint_unreachable() -> String {
    tr!(CATALOGUE, "hint-unreachable")
}

/// `step`: `connection`, `message`, or the SMTP command (`MAIL FROM`...).
pub fn server_refused(server: &str, step: &str, why: &str) -> String {
    tr!(CATALOGUE, "server-refused", server = server, step = step, why = why)
}

/// `step`: as for [`server_refused`].
pub fn no_answer(server: &str, step: &str, why: &str) -> String {
    tr!(CATALOGUE, "no-answer", server = server, step = step, why = why)
}

pub fn hint_not_smtp() -> String {
    tr!(CATALOGUE, "hint-not-smtp")
}

pub fn maybe_delivered(server: &str, why: &str) -> String {
    tr!(CATALOGUE, "maybe-delivered", server = server, why = why)
}

pub fn hint_maybe_delivered() -> String {
    tr!(CATALOGUE, "hint-maybe-delivered")
}

pub fn hint_not_resent() -> String {
    tr!(CATALOGUE, "hint-not-resent")
}

pub fn reply_line_too_long(limit: usize) -> String {
    tr!(CATALOGUE, "reply-line-too-long", limit = bytesize::ByteSize(limit as u64).to_string())
}

pub fn reply_too_long(limit: usize) -> String {
    tr!(CATALOGUE, "reply-too-long", limit = bytesize::ByteSize(limit as u64).to_string())
}

pub fn server_closed() -> String {
    tr!(CATALOGUE, "server-closed")
}

pub fn not_smtp() -> String {
    tr!(CATALOGUE, "not-smtp")
}

pub fn no_reply_within(timeout: Duration) -> String {
    tr!(CATALOGUE, "no-reply-within", timeout = duration(timeout))
}

pub fn no_runtime(why: &str) -> String {
    tr!(CATALOGUE, "no-runtime", why = why)
}

pub fn starttls_over_tls() -> String {
    tr!(CATALOGUE, "starttls-over-tls")
}

// TLS.

pub fn tls_failed(server: &str, why: &str) -> String {
    tr!(CATALOGUE, "tls-failed", server = server, why = why)
}

pub fn hint_tls_name(host: &str) -> String {
    tr!(CATALOGUE, "hint-tls-name", host = host)
}

pub fn bad_tls_name(host: &str) -> String {
    tr!(CATALOGUE, "bad-tls-name", host = format!("{host:?}"))
}

pub fn no_trusted_roots() -> String {
    tr!(CATALOGUE, "no-trusted-roots")
}

pub fn hint_no_trusted_roots() -> String {
    tr!(CATALOGUE, "hint-no-trusted-roots")
}

pub fn untrusted_issuer() -> String {
    tr!(CATALOGUE, "untrusted-issuer")
}

pub fn untrusted_self_signed() -> String {
    tr!(CATALOGUE, "untrusted-self-signed")
}

pub fn hint_not_tls() -> String {
    tr!(CATALOGUE, "hint-not-tls")
}

pub fn tls_setup_failed(why: &str) -> String {
    tr!(CATALOGUE, "tls-setup-failed", why = why)
}

// The result.

/// `tls`: none, starttls or tls.
pub fn result_sent(id: &str, server: &str, tls: &str) -> String {
    tr!(CATALOGUE, "result-sent", id = id, server = server, tls = tls)
}

pub fn result_subject(subject: &str) -> String {
    tr!(CATALOGUE, "result-subject", subject = subject)
}

pub fn result_accepted(recipients: &[String]) -> String {
    tr!(CATALOGUE, "result-accepted", recipients = list(recipients))
}

pub fn result_refused(address: &str, reply: &str) -> String {
    tr!(CATALOGUE, "result-refused", address = address, reply = reply)
}

pub fn result_attachments(names: &[String]) -> String {
    tr!(CATALOGUE, "result-attachments", names = list(names))
}

pub fn result_attempts(attempts: u32) -> String {
    tr!(CATALOGUE, "result-attempts", attempts = attempts)
}

pub fn summary(accepted: usize, refused: usize) -> String {
    tr!(CATALOGUE, "summary", accepted = accepted, refused = refused)
}

// The built-in mails, in the language asked for.

fn mail_text(lang: Lang, id: &str, args: &[(&str, &str)]) -> String {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        fluent.set(*name, value.fluent());
    }
    CATALOGUE.text_in(lang, id, &fluent)
}

/// `status`: success, failure, unstable or aborted.
pub fn mail_status(lang: Lang, status: &str) -> String {
    mail_text(lang, "mail-status", &[("status", status)])
}

/// `status`: as [`mail_status`] gives it.
pub fn mail_subject(lang: Lang, status: &str, name: &str, number: &str) -> String {
    mail_text(lang, "mail-subject", &[("status", status), ("name", name), ("number", number)])
}

/// The labels of a built-in mail's rows: project, build, status, URL, duration, commit, branch,
/// started by.
pub fn mail_labels(lang: Lang) -> [String; 8] {
    [
        "mail-project",
        "mail-build",
        "mail-status-label",
        "mail-url",
        "mail-duration",
        "mail-commit",
        "mail-branch",
        "mail-started-by",
    ]
    .map(|id| mail_text(lang, id, &[]))
}
