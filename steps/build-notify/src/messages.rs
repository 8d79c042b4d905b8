//! User-facing messages of build-notify, kept together for translation.

use std::path::Path;
use std::time::Duration;

/// `place`: "the subject", "the body", or [`display_name_of`] an address.
pub const TLS_NONE: &str = "no TLS";
pub const TLS_STARTTLS: &str = "STARTTLS";
pub const TLS_IMPLICIT: &str = "implicit TLS";

pub fn unencodable(c: char, charset: &str, place: &str) -> String {
    format!("{place} holds {c:?} (U+{:04X}), which {charset} cannot encode: use --charset GB18030 or UTF-8", c as u32)
}

pub fn display_name_of(flag: &str, address: &str) -> String {
    format!("the display name of {flag} {address}")
}

pub fn bad_address(flag: &str, address: &str, why: &str) -> String {
    format!("{flag}: {address:?} is not a valid e-mail address ({why})")
}

pub const NO_RECIPIENTS: &str = "no recipients: give --to (or --cc/--bcc); lists may be separated by , or ;";
pub const NO_FROM: &str = "no sender: give --from (e.g. \"CI <ci@example.com>\")";
pub const NO_BODY: &str = "no content: give --body, --body-file or --template";
pub const BODY_TWICE: &str = "give the content once: --body, --body-file or --template";
pub const NO_HOST: &str = "no mail server: give --smtp-host (and --smtp-port)";

pub fn unknown_variables(names: &str) -> String {
    format!("unknown variables left as written: {names} (set them, or give a default: ${{NAME:-default}})")
}

pub fn withheld_variables(names: &str) -> String {
    format!(
        "secret variables left as written: {names} (their name or value marks them as secrets, and a mail \
must never carry one)"
    )
}

pub fn attachment_missing(pattern: &str) -> String {
    format!("--attach {pattern:?} matches no file")
}

pub fn bad_pattern(pattern: &str, why: &str) -> String {
    format!("--attach {pattern:?} is not a valid pattern: {why}")
}

pub fn attachments_too_big(total: u64, limit: u64) -> String {
    format!("the attachments come to {}, over the limit of {}", bytesize::ByteSize(total), bytesize::ByteSize(limit))
}

pub const HINT_TOO_BIG: &str =
    "attach less (a narrower --attach, a smaller --log-tail, --compress-log) or raise --max-attachments-size";

pub fn outside_workspace(flag: &str, path: &Path, resolved: &Path, workspace: &Path) -> String {
    format!(
        "{flag} {} leads to {}, outside the workspace {}: only the build's own files are attached",
        path.display(),
        resolved.display(),
        workspace.display()
    )
}

pub const HINT_WORKSPACE: &str =
    "copy the file into the workspace first, or name a wider one with --workspace (WORKSPACE, else the current directory)";

pub const NO_WORKSPACE: &str = "cannot find the workspace (--workspace, WORKSPACE or the current directory)";

pub fn cannot_read(flag: &str) -> String {
    format!("cannot read {flag}")
}

pub fn not_a_file(flag: &str, path: &Path) -> String {
    format!("{flag} {} is not a file", path.display())
}

pub fn log_tail_too_big(path: &Path, lines: usize, limit: u64) -> String {
    format!("the last {lines} lines of {} come to more than the limit of {}", path.display(), bytesize::ByteSize(limit))
}

pub fn log_tail_name(name: &str, lines: usize) -> String {
    format!("{name} (last {lines} lines)")
}

pub fn retrying(why: &str, wait: Duration, attempt: u32, of: u32) -> String {
    format!("{why}; retry {attempt} of {of} in {} ms", wait.as_millis())
}

pub fn no_starttls(server: &str) -> String {
    format!("the mail server {server} does not offer STARTTLS; the mail was not sent in clear text")
}

pub const HINT_NO_STARTTLS: &str =
    "use --tls tls (port 465) if the server has implicit TLS; --tls none sends in clear \
text and is only for a trusted network";

pub fn login_refused(server: &str, user: &str, why: &str) -> String {
    format!("the mail server {server} refused the login of {user}: {why}")
}

pub const HINT_LOGIN: &str = "check the username and password (many servers want an app password or SMTP token)";

pub fn recipient_refused(address: &str, why: &str) -> String {
    format!("recipient {address} refused: {why}")
}

pub fn all_refused(list: &str) -> String {
    format!("the mail server refused every recipient: {list}")
}

pub fn tls_failed(server: &str, why: &str) -> String {
    format!("TLS with the mail server {server} failed: {why}")
}

pub fn unreachable(server: &str, why: &str) -> String {
    format!("cannot reach the mail server {server}: {why}")
}

pub const HINT_UNREACHABLE: &str = "check --smtp-host and --smtp-port, DNS, and that the network allows the connection";

pub fn server_refused(server: &str, step: &str, why: &str) -> String {
    format!("the mail server {server} refused {step}: {why}")
}

pub fn maybe_delivered(server: &str, why: &str) -> String {
    format!(
        "the mail server {server} did not confirm the message ({why}): it MAY have been delivered, \
so it was not sent again"
    )
}

pub const HINT_MAYBE_DELIVERED: &str =
    "ask a recipient (or the mail server's log) whether it arrived before running the step again: \
a resend may deliver it twice";

pub const HINT_NOT_RESENT: &str =
    "the whole message had been sent, so it was not sent again: run the step again once the server accepts mail";

pub fn reply_line_too_long(limit: usize) -> String {
    format!("it sent a reply line longer than {}", bytesize::ByteSize(limit as u64))
}

pub fn reply_too_long(limit: usize) -> String {
    format!("it sent a reply longer than {}", bytesize::ByteSize(limit as u64))
}

pub const SERVER_CLOSED: &str = "it closed the connection";
pub const NOT_SMTP: &str = "its reply is not SMTP";

pub fn no_reply_within(timeout: Duration) -> String {
    format!("no reply within {} (--smtp-timeout)", humantime::format_duration(timeout))
}

pub fn no_answer(server: &str, step: &str, why: &str) -> String {
    format!("the mail server {server} gave no usable answer to {step}: {why}")
}

pub const HINT_NOT_SMTP: &str =
    "the server (or something in between) does not speak SMTP as it should: check --smtp-host, --smtp-port and --tls";

pub const NO_LOGIN_METHOD: &str = "it offers neither AUTH PLAIN nor AUTH LOGIN";

pub const HINT_NO_LOGIN_METHOD: &str = "check that this server wants a login (leave out --username otherwise) and, \
with --tls none, whether it offers AUTH only over TLS";

pub fn hint_tls_name(host: &str) -> String {
    format!(
        "the server's certificate is not made out to {host}: give --smtp-host as a name the certificate holds \
(its subjectAltName)"
    )
}

pub fn bad_tls_name(host: &str) -> String {
    format!("--smtp-host {host:?} is not a host name or IP address TLS can check a certificate against")
}

pub const NO_TRUSTED_ROOTS: &str =
    "no certificate to check the mail server's against: the system has no CA certificates";

pub const HINT_NO_TRUSTED_ROOTS: &str =
    "give the server's CA certificate (or its own, if it is self-signed) with --ca-file";

pub const UNTRUSTED_ISSUER: &str = "its certificate is signed by a CA that is not trusted here";
pub const UNTRUSTED_SELF_SIGNED: &str = "its certificate is self-signed (its own CA) and not trusted here";

pub const HINT_NOT_TLS: &str = "the server did not answer in TLS: for a port that starts in plain text (587, 25) \
use --tls starttls; --tls tls is for implicit TLS (465)";

pub fn tls_setup_failed(why: &str) -> String {
    format!("cannot set up TLS: {why}")
}

pub fn no_runtime(why: &str) -> String {
    format!("cannot start the network runtime: {why}")
}
