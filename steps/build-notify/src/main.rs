use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use build_notify::compose::Charset;
use build_notify::smtp::{Server, TlsMode};
use build_notify::template::Template;
use build_notify::{messages, LogTail, Notify, Source};
use clap::Parser;
use deckhand_common::options::{CommonArgs, Format};
use deckhand_common::output::run_step;
use deckhand_common::secret::PasswordArgs;
use deckhand_common::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum MimeType {
    #[value(name = "text/plain")]
    Plain,
    #[value(name = "text/html")]
    Html,
}

/// Send the build's e-mail over SMTP.
///
/// The body is encoded in the chosen charset (UTF-8, GBK, GB18030) and the subject RFC 2047 encoded,
/// so Chinese arrives intact. TLS is explicit: `starttls` requires STARTTLS and never falls back to
/// clear text. Every address is checked before connecting; one refused recipient is reported while
/// the others get the mail.
#[derive(Parser, Debug)]
#[command(name = "build-notify", version, mut_arg("password", |a| a.env("DECKHAND_SMTP_PASSWORD").hide_env_values(true)), after_help = format!("{}\n\n{}", messages::EXAMPLES, deckhand_common::error::EXIT_CODES))]
struct Cli {
    /// The mail server.
    #[arg(long, value_name = "HOST", env = "DECKHAND_SMTP_HOST", default_value = "")]
    smtp_host: String,
    /// Its port (default: 465 with --tls tls, 25 with --tls none, else 587).
    #[arg(long, value_name = "PORT", env = "DECKHAND_SMTP_PORT")]
    smtp_port: Option<u16>,
    /// none | starttls (required, never falls back) | tls (implicit). Default by port: 465 -> tls, else starttls.
    #[arg(long, value_enum)]
    tls: Option<TlsMode>,
    /// CA certificates (PEM) trusted in addition to the system's, for a private mail server; a
    /// self-signed server certificate given here is trusted for its own names.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Do not check the server's certificate (unsafe).
    #[arg(long)]
    insecure_skip_tls_verify: bool,
    /// SMTP login.
    #[arg(long, env = "DECKHAND_SMTP_USERNAME")]
    username: Option<String>,
    #[command(flatten)]
    password: PasswordArgs,
    /// Give up on a silent server after this long.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    smtp_timeout: Duration,
    /// Retries on connection errors and 4xx replies (never on 5xx).
    #[arg(long, default_value_t = 3)]
    retries: u32,
    /// The sender, e.g. "CI <ci@example.com>".
    #[arg(long, value_name = "ADDRESS", env = "DECKHAND_MAIL_FROM", default_value = "")]
    from: String,
    /// Recipients (repeatable; or one list separated by , or ;).
    #[arg(long, value_name = "ADDRESSES")]
    to: Vec<String>,
    #[arg(long, value_name = "ADDRESSES")]
    cc: Vec<String>,
    /// Blind copies: in the envelope, never in the headers.
    #[arg(long, value_name = "ADDRESSES")]
    bcc: Vec<String>,
    #[arg(long, value_name = "ADDRESSES")]
    reply_to: Vec<String>,
    /// The subject (variables expand).
    #[arg(long)]
    subject: Option<String>,
    /// The body (variables expand).
    #[arg(long)]
    body: Option<String>,
    /// The body from a file (UTF-8).
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text/plain")]
    mime_type: MimeType,
    /// The charset the body and subject are encoded in.
    #[arg(long, value_enum, default_value = "UTF-8")]
    charset: Charset,
    /// A built-in mail (plain and HTML) with the build's name, number, status, URL, duration, commit.
    #[arg(long, value_enum)]
    template: Option<Template>,
    /// Files to attach (glob, repeatable).
    #[arg(long = "attach", value_name = "GLOB")]
    attach: Vec<String>,
    /// A log file whose last lines are attached.
    #[arg(long, value_name = "FILE")]
    attach_log: Option<PathBuf>,
    /// How many lines of --attach-log.
    #[arg(long, value_name = "N", default_value_t = 500)]
    log_tail: usize,
    /// Gzip the attached log.
    #[arg(long)]
    compress_log: bool,
    /// Attachments must lie inside it, symlinks resolved (default: the current directory).
    #[arg(long, value_name = "DIR", env = "WORKSPACE")]
    workspace: Option<PathBuf>,
    /// The most all attachments may weigh (checked before any is read).
    #[arg(long, value_name = "SIZE", default_value = "10MiB")]
    max_attachments_size: bytesize::ByteSize,
    /// Print the whole MIME message instead of sending it.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    common: CommonArgs,
}

deckhand_common::step_cli!(Cli, build_notify::form::FORM);

fn main() -> ExitCode {
    run_step(|cli: Cli| {
        let password = cli.password.resolve()?;
        let body = match (&cli.body, &cli.body_file) {
            (Some(_), Some(_)) => return Err(Error::usage(messages::body_twice())),
            (Some(body), None) => Some(body.clone()),
            (None, Some(path)) => Some(
                std::fs::read_to_string(path).map_err(|e| Error::io(&messages::body_file_unreadable(), path, &e))?,
            ),
            (None, None) => None,
        };
        let source = match (cli.template, body) {
            (Some(_), Some(_)) => return Err(Error::usage(messages::body_twice())),
            (Some(template), None) => {
                Source::Template { template, lang: deckhand_common::i18n::current(), subject: cli.subject }
            }
            (None, Some(body)) => {
                Source::Text { subject: cli.subject.unwrap_or_default(), body, html: cli.mime_type == MimeType::Html }
            }
            (None, None) => return Err(Error::usage(messages::no_body())),
        };
        let tls = cli.tls.unwrap_or_else(|| TlsMode::for_port(cli.smtp_port.unwrap_or(587)));
        let port = cli.smtp_port.unwrap_or(match tls {
            TlsMode::Tls => 465,
            TlsMode::None => 25,
            TlsMode::Starttls => 587,
        });
        let step = Notify {
            server: Server {
                host: cli.smtp_host,
                port,
                tls,
                ca_file: cli.ca_file,
                insecure: cli.insecure_skip_tls_verify,
                username: cli.username,
                password,
                timeout: cli.smtp_timeout,
                retries: cli.retries,
            },
            from: cli.from,
            reply_to: cli.reply_to,
            to: cli.to,
            cc: cli.cc,
            bcc: cli.bcc,
            source,
            charset: cli.charset,
            attach: cli.attach,
            log: cli.attach_log.map(|path| LogTail { path, lines: cli.log_tail, gzip: cli.compress_log }),
            max_attachments: cli.max_attachments_size.as_u64(),
            workspace: cli.workspace,
            dry_run: cli.dry_run,
        };
        let sent = step.run()?;
        if cli.common.output == Format::Text {
            sent.print_rendered();
        }
        Ok(sent)
    })
}

#[cfg(test)]
mod tests {
    /// Even rendered without the shared options layer (which hides every env value), the
    /// password's environment value never shows in `--help`.
    #[test]
    fn help_hides_the_password_env_value() {
        let command = <super::Cli as clap::CommandFactory>::command();
        let password = command.get_arguments().find(|a| a.get_id() == "password").expect("--password");
        assert_eq!(password.get_env().and_then(|e| e.to_str()), Some("DECKHAND_SMTP_PASSWORD"));
        assert!(password.is_hide_env_values_set());
    }
}
