//! Delivery over SMTP with an explicit TLS mode: `tls` (implicit, port 465), `starttls` (REQUIRED:
//! a server that does not offer it is refused, the mail never goes out in clear text), `none`.
//! Each recipient is asked for on its own, so one refused address is reported while the others
//! get the mail. Connection failures and 4xx replies are retried with backoff; 5xx never; and once
//! the message's final dot is written nothing is retried (a lost reply means it MAY have arrived).

use std::path::PathBuf;
use std::time::Duration;

use deckhand_common::http::{backoff, chain};
use deckhand_common::{log, redact, Error, ErrorKind, Result};
use lettre::address::Address;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Quit, Rcpt, Rset};
use lettre::transport::smtp::extension::ClientId;
use serde::Serialize;

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

impl Server {
    fn display(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    fn tls_parameters(&self) -> Result<TlsParameters> {
        let mut builder = TlsParameters::builder(self.host.clone()).dangerous_accept_invalid_certs(self.insecure);
        if let Some(path) = &self.ca_file {
            let pem = std::fs::read(path).map_err(|e| Error::io("cannot read --ca-file", path, e))?;
            let certificate = Certificate::from_pem(&pem)
                .map_err(|_| Error::input(deckhand_common::messages::bad_pem("--ca-file", path)))?;
            builder = builder.add_root_certificate(certificate);
        }
        builder.build_rustls().map_err(|e| Error::internal(format!("cannot set up TLS: {e}")))
    }

    /// Sends `message` from `from` to `recipients`, with retries.
    pub fn send(&self, from: &Address, recipients: &[Address], message: &[u8]) -> Result<Delivery> {
        let tls = if self.tls == TlsMode::None { None } else { Some(self.tls_parameters()?) };
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.attempt(tls.as_ref(), from, recipients, message) {
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

    fn attempt(
        &self,
        tls: Option<&TlsParameters>,
        from: &Address,
        recipients: &[Address],
        message: &[u8],
    ) -> std::result::Result<Delivery, Failure> {
        let hello = ClientId::default();
        let implicit = if self.tls == TlsMode::Tls { tls } else { None };
        let server = (self.host.as_str(), self.port);
        let mut conn = SmtpConnection::connect(server, Some(self.timeout), &hello, implicit, None)
            .map_err(|e| self.connection_failure(e))?;
        if self.tls == TlsMode::Starttls {
            if !conn.can_starttls() {
                conn.abort();
                let error = Error::remote(messages::no_starttls(&self.display())).hint(messages::HINT_NO_STARTTLS);
                return Err(Failure::Final(error));
            }
            conn.starttls(tls.expect("TLS parameters for starttls"), &hello).map_err(|e| self.connection_failure(e))?;
        }
        if let (Some(user), Some(password)) = (&self.username, &self.password) {
            // AUTH PLAIN sends base64("\0user\0password"): a server echoing it back must not print it.
            redact::register(&format!("\0{user}\0{password}"));
            let credentials = Credentials::new(user.clone(), password.clone());
            if let Err(e) = conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials) {
                conn.abort();
                return Err(match e.is_transient() {
                    true => Failure::Transient(self.refused("AUTH", &e)),
                    false => Failure::Final(
                        Error::auth(messages::login_refused(&self.display(), user, &brief(&e.to_string())))
                            .hint(messages::HINT_LOGIN),
                    ),
                });
            }
        }
        let reply = |r: &lettre::transport::smtp::response::Response| r.message().collect::<Vec<_>>().join(" ");
        conn.command(Mail::new(Some(from.clone()), vec![])).map_err(|e| self.reply_failure("MAIL FROM", e))?;
        let mut delivery = Delivery { accepted: Vec::new(), refused: Vec::new(), attempts: 0, reply: String::new() };
        for recipient in recipients {
            match conn.command(Rcpt::new(recipient.clone(), vec![])) {
                Ok(_) => delivery.accepted.push(recipient.to_string()),
                Err(e) if e.is_permanent() => {
                    log::warn(messages::recipient_refused(recipient.as_ref(), &e.to_string()));
                    delivery.refused.push((recipient.to_string(), e.to_string()));
                }
                Err(e) => return Err(self.reply_failure("RCPT TO", e)),
            }
        }
        if delivery.accepted.is_empty() {
            let _ = conn.command(Rset);
            let _ = conn.command(Quit);
            let all: Vec<String> = delivery.refused.iter().map(|(a, why)| format!("{a} ({why})")).collect();
            return Err(Failure::Final(Error::input(messages::all_refused(&all.join(", ")))));
        }
        conn.command(Data).map_err(|e| self.reply_failure("DATA", e))?;
        // From here on the server may hold the whole message: it is never sent again.
        let response = conn.message(message).map_err(|e| Failure::Final(self.unconfirmed(e)))?;
        delivery.reply = reply(&response);
        let _ = conn.command(Quit);
        Ok(delivery)
    }

    fn connection_failure(&self, e: lettre::transport::smtp::Error) -> Failure {
        let why = chain(&e);
        // With implicit TLS a refused certificate comes back as a network error.
        if e.is_tls() || why.contains("certificate") {
            let error = Error::remote(messages::tls_failed(&self.display(), &why));
            return Failure::Final(error.hint(deckhand_common::messages::HINT_TLS));
        }
        if e.is_permanent() {
            return Failure::Final(self.refused("the connection", &e));
        }
        let error = Error::new(ErrorKind::Remote, messages::unreachable(&self.display(), &brief(&why)));
        Failure::Transient(error.hint(messages::HINT_UNREACHABLE))
    }

    fn reply_failure(&self, step: &str, e: lettre::transport::smtp::Error) -> Failure {
        if e.is_transient() || (!e.is_permanent() && !e.is_client()) {
            Failure::Transient(self.refused(step, &e))
        } else {
            Failure::Final(self.refused(step, &e))
        }
    }

    fn refused(&self, step: &str, e: &lettre::transport::smtp::Error) -> Error {
        Error::remote(messages::server_refused(&self.display(), step, &brief(&chain(e))))
    }

    /// The message went out but no valid reply to its final dot came back: a resend could deliver
    /// it twice, so the user is told it MAY have arrived. A reply that refuses it is said as such.
    fn unconfirmed(&self, e: lettre::transport::smtp::Error) -> Error {
        if e.status().is_some() {
            return self.refused("the message", &e).hint(messages::HINT_NOT_RESENT);
        }
        let why = brief(&chain(&e));
        Error::remote(messages::maybe_delivered(&self.display(), &why)).hint(messages::HINT_MAYBE_DELIVERED)
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
