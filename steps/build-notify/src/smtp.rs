//! Delivery over SMTP with an explicit TLS mode: `tls` (implicit, port 465), `starttls` (REQUIRED:
//! a server that does not offer it is refused, the mail never goes out in clear text), `none`.
//! Each recipient is asked for on its own, so one refused address is reported while the others
//! get the mail. Connection failures and 4xx replies are retried with backoff; 5xx never; and once
//! the message's final dot is written nothing is retried (a lost reply means it MAY have arrived).
//!
//! The SMTP client is mail-send's, over a stream built here: TLS (implicit or after STARTTLS) from
//! [`deckhand_common::tls::TlsSetup`], the one set-up every connection of every step uses (so a
//! self-signed server certificate given with `--ca-file` is trusted, as curl and Go trust it), and
//! under the client the caps of [`crate::capped`] on what a server's reply can make us hold.

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use deckhand_common::http::{backoff, chain};
use deckhand_common::tls::{self, SetupError, TlsSetup};
use deckhand_common::{log, redact, Error, Result};
use lettre::address::Address;
use mail_send::smtp::message::Parameters;
use mail_send::{Credentials, SmtpClient};
use rustls::pki_types::ServerName;
use rustls::CertificateError;
use serde::Serialize;
use smtp_proto::{EhloResponse, Response, AUTH_LOGIN, AUTH_PLAIN, EXT_START_TLS};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::capped::{Capped, TooLong};
use crate::messages;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain SMTP (only on a trusted network).
    None,
    /// STARTTLS, required: never falls back to plain text.
    Starttls,
    /// Implicit TLS from the first byte (SMTPS, port 465).
    Tls,
}

impl TlsMode {
    /// As `--tls` and the JSON output write it.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::None => "none",
            TlsMode::Starttls => "starttls",
            TlsMode::Tls => "tls",
        }
    }

    /// The default by port: 465 -> tls, else starttls.
    pub fn for_port(port: u16) -> TlsMode {
        if port == 465 {
            TlsMode::Tls
        } else {
            TlsMode::Starttls
        }
    }
}

/// How to reach the mail server.
#[derive(Debug, Clone)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub ca_file: Option<PathBuf>,
    pub insecure: bool,
    pub username: Option<String>,
    pub password: Option<String>,
    pub timeout: Duration,
    pub retries: u32,
}

/// What the server did with the mail.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub accepted: Vec<String>,
    /// (address, the server's reply)
    pub refused: Vec<(String, String)>,
    pub attempts: u32,
    /// The server's reply to the message (usually its queue id).
    pub reply: String,
}

/// A failed attempt: worth retrying, or not.
enum Failure {
    Transient(Error),
    Final(Error),
}

/// The connection under the SMTP client: TCP, or TLS over it.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_write(cx, data),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_write(cx, data),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_shutdown(cx),
        }
    }
}

type Client = SmtpClient<Capped<Stream>>;

/// The steps of an exchange that are no SMTP command, as the messages name them (besides the
/// commands themselves: `EHLO`, `MAIL FROM`...).
const CONNECTION: &str = "connection";
const MESSAGE: &str = "message";

/// What went wrong in one exchange with the server.
enum Trouble {
    /// It answered, with this.
    Reply(Response<String>),
    TooLong(TooLong),
    Closed,
    Timeout,
    NotSmtp,
    Other(String),
}

impl Trouble {
    fn of(err: mail_send::Error, client: &Client) -> Trouble {
        match err {
            mail_send::Error::UnexpectedReply(reply) | mail_send::Error::AuthenticationFailed(reply) => {
                Trouble::Reply(reply)
            }
            mail_send::Error::Io(e) => match TooLong::of(&e) {
                Some(too_long) => Trouble::TooLong(too_long),
                None => Trouble::Other(chain(&e)),
            },
            // mail-send says so of a connection closed before the reply, too.
            mail_send::Error::UnparseableReply if client.stream.closed() => Trouble::Closed,
            mail_send::Error::UnparseableReply => Trouble::NotSmtp,
            mail_send::Error::Timeout => Trouble::Timeout,
            other => Trouble::Other(other.to_string()),
        }
    }

    fn why(&self, timeout: Duration) -> String {
        brief(&match self {
            Trouble::Reply(reply) => reply_text(reply),
            Trouble::TooLong(too_long) => too_long.to_string(),
            Trouble::Closed => messages::server_closed(),
            Trouble::Timeout => messages::no_reply_within(timeout),
            Trouble::NotSmtp => messages::not_smtp(),
            Trouble::Other(why) => why.clone(),
        })
    }
}

/// A reply as the server wrote it: code, enhanced status code and text, its lines on one line.
fn reply_text(reply: &Response<String>) -> String {
    let text: Vec<&str> = reply.message.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let text = text.join(" ");
    let shown = match reply.esc {
        [0, 0, 0] => format!("{} {text}", reply.code),
        [class, subject, detail] => format!("{} {class}.{subject}.{detail} {text}", reply.code),
    };
    shown.trim_end().to_string()
}

/// The name this host gives in EHLO: its host name, or an address literal if that is no domain.
fn ehlo_name() -> String {
    let name = gethostname::gethostname().to_string_lossy().into_owned();
    let domain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if domain {
        name
    } else {
        "[127.0.0.1]".to_string()
    }
}

/// The message as it goes after DATA: dot-stuffed, with the final dot (mail-send's transparency).
async fn dot_stuffed(message: &[u8]) -> io::Result<Vec<u8>> {
    /// Only written to.
    struct Collect(Vec<u8>);
    impl AsyncRead for Collect {
        fn poll_read(self: Pin<&mut Self>, _: &mut Context<'_>, _: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
    impl AsyncWrite for Collect {
        fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
            self.get_mut().0.extend_from_slice(data);
            Poll::Ready(Ok(data.len()))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
    let mut collect = SmtpClient { stream: Collect(Vec::with_capacity(message.len() + 1024)), timeout: Duration::MAX };
    collect.write_message(message).await?;
    Ok(collect.stream.0)
}

impl Server {
    fn display(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// The TLS client: the system roots, the `--ca-file` certificates (a self-signed server
    /// certificate among them is trusted as itself), or no verification with `--insecure...`.
    fn tls_connector(&self) -> Result<TlsConnector> {
        let mut setup = TlsSetup { insecure: self.insecure, ..Default::default() };
        if let Some(path) = &self.ca_file {
            setup.extra_roots = tls::read_ca_file(path)?;
        }
        let config = setup.client_config().map_err(|e| match e {
            SetupError::Roots(_) if self.ca_file.is_none() => {
                Error::input(messages::no_trusted_roots()).hint(messages::hint_no_trusted_roots())
            }
            e => Error::internal(messages::tls_setup_failed(&format!("{e:?}"))),
        })?;
        Ok(TlsConnector::from(Arc::new(config)))
    }

    /// Sends `message` from `from` to `recipients`, with retries.
    pub fn send(&self, from: &Address, recipients: &[Address], message: &[u8]) -> Result<Delivery> {
        let tls = if self.tls == TlsMode::None { None } else { Some(self.tls_connector()?) };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| Error::internal(messages::no_runtime(&e.to_string())))?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match runtime.block_on(self.attempt(tls.as_ref(), from, recipients, message)) {
                Ok(mut delivery) => {
                    delivery.attempts = attempt;
                    return Ok(delivery);
                }
                Err(Failure::Final(error)) => return Err(error),
                Err(Failure::Transient(error)) if attempt > self.retries => return Err(error),
                Err(Failure::Transient(error)) => {
                    let wait = backoff(attempt - 1);
                    log::warn(messages::retrying(&error.message, wait, attempt, self.retries));
                    std::thread::sleep(wait);
                }
            }
        }
    }

    async fn attempt(
        &self,
        tls: Option<&TlsConnector>,
        from: &Address,
        recipients: &[Address],
        message: &[u8],
    ) -> std::result::Result<Delivery, Failure> {
        let hello = ehlo_name();
        let mut client = self.connect(tls).await?;
        let mut capabilities = self.ehlo(&mut client, &hello).await?;
        if self.tls == TlsMode::Starttls {
            if !capabilities.has_capability(EXT_START_TLS) {
                self.abort(&mut client).await;
                let error = Error::remote(messages::no_starttls(&self.display())).hint(messages::hint_no_starttls());
                return Err(Failure::Final(error));
            }
            client = self.starttls(client, tls.expect("a TLS connector for starttls")).await?;
            capabilities = self.ehlo(&mut client, &hello).await?;
        }
        if let (Some(user), Some(password)) = (&self.username, &self.password) {
            // AUTH PLAIN sends base64("\0user\0password"): a server echoing it back must not print it.
            redact::register(&format!("\0{user}\0{password}"));
            if let Err(failure) = self.login(&mut client, &capabilities, user, password).await {
                self.abort(&mut client).await;
                return Err(failure);
            }
        }
        let none = Parameters::default();
        let mail = client.mail_from(from.as_ref(), &none).await;
        mail.map_err(|e| self.failure("MAIL FROM", Trouble::of(e, &client)))?;
        let mut delivery = Delivery { accepted: Vec::new(), refused: Vec::new(), attempts: 0, reply: String::new() };
        for recipient in recipients {
            match client.rcpt_to(recipient.as_ref(), &none).await {
                Ok(()) => delivery.accepted.push(recipient.to_string()),
                Err(mail_send::Error::UnexpectedReply(reply)) if reply.code / 100 == 5 => {
                    let why = brief(&reply_text(&reply));
                    log::warn(messages::recipient_refused(recipient.as_ref(), &why));
                    delivery.refused.push((recipient.to_string(), why));
                }
                Err(e) => return Err(self.failure("RCPT TO", Trouble::of(e, &client))),
            }
        }
        if delivery.accepted.is_empty() {
            let _ = client.rset().await;
            let _ = client.cmd(b"QUIT\r\n").await;
            return Err(Failure::Final(Error::input(messages::all_refused(&delivery.refused))));
        }
        let data = client.cmd(b"DATA\r\n").await;
        match data {
            Ok(reply) if reply.code == 354 => {}
            Ok(reply) => return Err(self.failure("DATA", Trouble::Reply(reply))),
            Err(e) => return Err(self.failure("DATA", Trouble::of(e, &client))),
        }
        // From here on the server may hold the whole message: it is never sent again.
        let reply = self.message(&mut client, message).await.map_err(Failure::Final)?;
        delivery.reply = reply;
        let _ = client.cmd(b"QUIT\r\n").await;
        Ok(delivery)
    }

    /// TCP, then TLS from the first byte if asked, then the server's greeting.
    async fn connect(&self, tls: Option<&TlsConnector>) -> std::result::Result<Client, Failure> {
        let unreachable = |why: &str| {
            let error = Error::remote(messages::unreachable(&self.display(), &brief(why)));
            Failure::Transient(error.hint(messages::hint_unreachable()))
        };
        let tcp = match tokio::time::timeout(self.timeout, TcpStream::connect((self.host.as_str(), self.port))).await {
            Ok(Ok(tcp)) => tcp,
            Ok(Err(e)) => return Err(unreachable(&chain(&e))),
            Err(_) => return Err(unreachable(&messages::no_reply_within(self.timeout))),
        };
        let stream = match (self.tls, tls) {
            (TlsMode::Tls, Some(connector)) => Stream::Tls(Box::new(self.handshake(connector, tcp).await?)),
            _ => Stream::Plain(tcp),
        };
        let mut client = SmtpClient { stream: Capped::new(stream), timeout: self.timeout };
        let greeting = tokio::time::timeout(self.timeout, client.read()).await;
        match greeting {
            Ok(Ok(reply)) if reply.code / 100 == 2 => Ok(client),
            Ok(Ok(reply)) => Err(self.failure(CONNECTION, Trouble::Reply(reply))),
            Ok(Err(e)) => Err(self.failure(CONNECTION, Trouble::of(e, &client))),
            Err(_) => Err(self.failure(CONNECTION, Trouble::Timeout)),
        }
    }

    async fn handshake(
        &self,
        connector: &TlsConnector,
        tcp: TcpStream,
    ) -> std::result::Result<TlsStream<TcpStream>, Failure> {
        let name = ServerName::try_from(self.host.clone())
            .map_err(|_| Failure::Final(Error::input(messages::bad_tls_name(&self.host))))?;
        match tokio::time::timeout(self.timeout, connector.connect(name, tcp)).await {
            Ok(Ok(stream)) => Ok(stream),
            Ok(Err(e)) => Err(Failure::Final(self.tls_failure(&e))),
            Err(_) => {
                let error =
                    Error::remote(messages::tls_failed(&self.display(), &messages::no_reply_within(self.timeout)));
                Err(Failure::Transient(error.hint(messages::hint_unreachable())))
            }
        }
    }

    fn tls_failure(&self, e: &io::Error) -> Error {
        let rustls_error = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>());
        let why = match rustls_error {
            Some(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => messages::untrusted_issuer(),
            Some(rustls::Error::InvalidCertificate(CertificateError::Other(other)))
                if matches!(other.0.downcast_ref::<webpki::Error>(), Some(webpki::Error::CaUsedAsEndEntity)) =>
            {
                messages::untrusted_self_signed()
            }
            Some(rustls_error) => rustls_error.to_string(),
            None => chain(e),
        };
        let error = Error::remote(messages::tls_failed(&self.display(), &brief(&why)));
        match rustls_error {
            Some(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => error.hint(messages::hint_tls_name(&self.host)),
            // Not TLS at all: most often `--tls tls` against a port that wants STARTTLS.
            Some(rustls::Error::InvalidMessage(_)) => error.hint(messages::hint_not_tls()),
            _ => error.hint(deckhand_common::messages::hint_tls()),
        }
    }

    async fn ehlo(&self, client: &mut Client, hello: &str) -> std::result::Result<EhloResponse<String>, Failure> {
        let result = client.ehlo(hello).await;
        result.map_err(|e| self.failure("EHLO", Trouble::of(e, client)))
    }

    /// STARTTLS, then TLS over the same connection: nothing the server sent before is kept.
    async fn starttls(&self, mut client: Client, connector: &TlsConnector) -> std::result::Result<Client, Failure> {
        let result = client.cmd(b"STARTTLS\r\n").await;
        match result {
            Ok(reply) if reply.code == 220 => {}
            Ok(reply) => return Err(self.failure("STARTTLS", Trouble::Reply(reply))),
            Err(e) => return Err(self.failure("STARTTLS", Trouble::of(e, &client))),
        }
        let tcp = match client.stream.into_inner() {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(_) => return Err(Failure::Final(Error::internal(messages::starttls_over_tls()))),
        };
        let tls = self.handshake(connector, tcp).await?;
        Ok(SmtpClient { stream: Capped::new(Stream::Tls(Box::new(tls))), timeout: self.timeout })
    }

    /// AUTH PLAIN if the server offers it, else AUTH LOGIN (the mechanisms lettre used too).
    async fn login(
        &self,
        client: &mut Client,
        capabilities: &EhloResponse<String>,
        user: &str,
        password: &str,
    ) -> std::result::Result<(), Failure> {
        let refused = |why: &str| {
            let error = Error::auth(messages::login_refused(&self.display(), user, &brief(why)));
            Failure::Final(error)
        };
        let mut offered = EhloResponse::new(String::new());
        offered.auth_mechanisms = capabilities.auth_mechanisms & (AUTH_PLAIN | AUTH_LOGIN);
        if offered.auth_mechanisms == 0 {
            return Err(match refused(&messages::no_login_method()) {
                Failure::Final(error) => Failure::Final(error.hint(messages::hint_no_login_method())),
                other => other,
            });
        }
        let credentials = Credentials::new(user, password);
        let result = client.authenticate(&credentials, &offered).await.map(|_| ());
        match result {
            Ok(()) => Ok(()),
            Err(e @ (mail_send::Error::Auth(_) | mail_send::Error::UnsupportedAuthMechanism)) => {
                Err(refused(&e.to_string()))
            }
            Err(e) => match Trouble::of(e, client) {
                Trouble::Reply(reply) if reply.code / 100 != 4 => Err(match refused(&reply_text(&reply)) {
                    Failure::Final(error) => Failure::Final(error.hint(messages::hint_login())),
                    other => other,
                }),
                trouble => Err(self.failure("AUTH", trouble)),
            },
        }
    }

    /// The message and its final dot; the server's reply to it. Written in pieces, each within the
    /// timeout, so a large message on a slow link is not cut off for its size.
    async fn message(&self, client: &mut Client, message: &[u8]) -> Result<String> {
        const PIECE: usize = 64 * 1024;
        let stuffed = dot_stuffed(message).await.map_err(|e| Error::internal(e.to_string()))?;
        let mut trouble = None;
        for piece in stuffed.chunks(PIECE) {
            match tokio::time::timeout(self.timeout, client.stream.write_all(piece)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => trouble = Some(Trouble::Other(chain(&e))),
                Err(_) => trouble = Some(Trouble::Timeout),
            }
            if trouble.is_some() {
                break;
            }
        }
        if trouble.is_none() {
            let reply = match tokio::time::timeout(self.timeout, async {
                client.stream.flush().await?;
                client.read().await
            })
            .await
            {
                Ok(Ok(reply)) => Ok(reply),
                Ok(Err(e)) => Err(Trouble::of(e, client)),
                Err(_) => Err(Trouble::Timeout),
            };
            match reply {
                Ok(reply) if reply.code / 100 == 2 => return Ok(reply_text(&reply)),
                Ok(reply) => {
                    let why = Trouble::Reply(reply).why(self.timeout);
                    let error = Error::remote(messages::server_refused(&self.display(), MESSAGE, &why));
                    return Err(error.hint(messages::hint_not_resent()));
                }
                Err(e) => trouble = Some(e),
            }
        }
        // No valid reply to the final dot: a resend could deliver it twice, so the user is told
        // it MAY have arrived.
        let why = trouble.map(|t| t.why(self.timeout)).unwrap_or_default();
        Err(Error::remote(messages::maybe_delivered(&self.display(), &why)).hint(messages::hint_maybe_delivered()))
    }

    /// A failed command: retried when the server said 4xx or the exchange broke off, not after
    /// 5xx or a reply over the caps.
    fn failure(&self, step: &str, trouble: Trouble) -> Failure {
        let why = trouble.why(self.timeout);
        match trouble {
            Trouble::Reply(reply) => {
                let error = Error::remote(messages::server_refused(&self.display(), step, &why));
                if reply.code / 100 == 4 {
                    Failure::Transient(error)
                } else {
                    Failure::Final(error)
                }
            }
            Trouble::TooLong(_) | Trouble::NotSmtp => {
                let error = Error::remote(messages::no_answer(&self.display(), step, &why));
                Failure::Final(error.hint(messages::hint_not_smtp()))
            }
            Trouble::Closed | Trouble::Timeout | Trouble::Other(_) => {
                Failure::Transient(Error::remote(messages::no_answer(&self.display(), step, &why)))
            }
        }
    }

    /// Says QUIT without waiting for the reply: the attempt is over.
    async fn abort(&self, client: &mut Client) {
        let _ = tokio::time::timeout(self.timeout, async {
            client.stream.write_all(b"QUIT\r\n").await?;
            client.stream.flush().await
        })
        .await;
    }
}

/// A hostile server's reply may be huge: errors quote its start only.
fn brief(reply: &str) -> String {
    const MOST: usize = 300;
    match reply.char_indices().nth(MOST) {
        Some((end, _)) => format!("{}...", &reply[..end]),
        None => reply.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_quoted_as_the_server_wrote_it_on_one_line() {
        let one = Response::new(550, 5, 1, 1, "<nobody@example.com>: User unknown".to_string());
        assert_eq!(reply_text(&one), "550 5.1.1 <nobody@example.com>: User unknown");
        let plain = Response::new(421, 0, 0, 0, "shutting down\nbye".to_string());
        assert_eq!(reply_text(&plain), "421 shutting down bye");
    }

    #[test]
    fn the_message_is_dot_stuffed_and_ends_with_the_final_dot() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let stuffed = runtime.block_on(dot_stuffed(b"a\r\n.b\r\n.\r\nc")).unwrap();
        assert_eq!(stuffed, b"a\r\n..b\r\n..\r\nc\r\n.\r\n");
    }

    #[test]
    fn the_ehlo_name_is_a_domain_or_an_address_literal() {
        let name = ehlo_name();
        assert!(name == "[127.0.0.1]" || name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'));
    }
}
