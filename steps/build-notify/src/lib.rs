//! Sends the build's e-mail: Jenkins' `mail` step and email-ext as one static binary.
//!
//! [`Notify::run`] is the whole action: recipients validated first ([`address`]), the content
//! from options or a built-in template with build variables ([`template`]), attachments (files by
//! glob, the tail of a log), the MIME message in the chosen charset ([`compose`]), then delivery
//! with an explicit TLS mode and retries ([`smtp`]), or `--dry-run` to print the message.

pub mod address;
pub mod capped;
pub mod compose;
pub mod form;
pub mod messages;
pub mod smtp;
pub mod tail;
pub mod template;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use deckhand_common::i18n::Lang;
use deckhand_common::output::Outcome;
use deckhand_common::{log, redact, Error, Result};
use serde::Serialize;

use crate::compose::{Addresses, Attachment, Charset, Content};
use crate::template::{Build, Template};

/// Where the mail's words come from.
#[derive(Debug, Clone)]
pub enum Source {
    Text { subject: String, body: String, html: bool },
    Template { template: Template, lang: Lang, subject: Option<String> },
}

/// A log to attach, cut to its last lines.
#[derive(Debug, Clone)]
pub struct LogTail {
    pub path: PathBuf,
    pub lines: usize,
    pub gzip: bool,
}

/// One run of build-notify.
pub struct Notify {
    pub server: smtp::Server,
    pub from: String,
    pub reply_to: Vec<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub source: Source,
    pub charset: Charset,
    pub attach: Vec<String>,
    pub log: Option<LogTail>,
    pub max_attachments: u64,
    /// Attachments must resolve inside it; `None`: the current directory.
    pub workspace: Option<PathBuf>,
    pub dry_run: bool,
}

/// What happened to the mail.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sent {
    pub message_id: String,
    pub subject: String,
    pub from: String,
    pub accepted: Vec<String>,
    pub refused: Vec<Refusal>,
    pub attachments: Vec<String>,
    pub size: usize,
    pub server: String,
    pub tls: smtp::TlsMode,
    pub attempts: u32,
    pub dry_run: bool,
    /// The whole message, for `--dry-run`: printed as it is (see [`Sent::print_rendered`]).
    #[serde(skip)]
    pub rendered: Option<Vec<u8>>,
}

#[derive(Debug, Serialize)]
pub struct Refusal {
    pub address: String,
    pub reply: String,
}

fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl Notify {
    pub fn run(&self) -> Result<Sent> {
        if let Some(password) = &self.server.password {
            redact::register(password);
        }
        let addresses = Addresses {
            from: address::mailbox("--from", &self.from)?,
            reply_to: address::mailboxes("--reply-to", &self.reply_to)?,
            to: address::mailboxes("--to", &self.to)?,
            cc: address::mailboxes("--cc", &self.cc)?,
            bcc: address::mailboxes("--bcc", &self.bcc)?,
        };
        if addresses.to.is_empty() && addresses.cc.is_empty() && addresses.bcc.is_empty() {
            return Err(Error::usage(messages::no_recipients()));
        }
        let content = self.content();
        let attachments = self.attachments()?;
        let message = compose::compose(&addresses, &content, &attachments).map_err(Error::input)?;
        let bytes = message.formatted();
        let message_id = message.headers().get_raw("Message-ID").unwrap_or_default().to_string();
        let envelope = message.envelope();
        let mut sent = Sent {
            message_id,
            subject: compose::one_line(&content.subject),
            from: addresses.from.to_string(),
            accepted: Vec::new(),
            refused: Vec::new(),
            attachments: attachments.iter().map(|a| a.name.clone()).collect(),
            size: bytes.len(),
            server: format!("{}:{}", self.server.host, self.server.port),
            tls: self.server.tls,
            attempts: 0,
            dry_run: self.dry_run,
            rendered: None,
        };
        if self.dry_run {
            sent.accepted = envelope.to().iter().map(std::string::ToString::to_string).collect();
            sent.rendered = Some(bytes);
            return Ok(sent);
        }
        if self.server.host.is_empty() {
            return Err(Error::usage(messages::no_host()));
        }
        let from = envelope.from().cloned().unwrap_or_else(|| addresses.from.email.clone());
        let delivery = self.server.send(&from, envelope.to(), &bytes)?;
        sent.accepted = delivery.accepted;
        sent.refused = delivery.refused.into_iter().map(|(address, reply)| Refusal { address, reply }).collect();
        sent.attempts = delivery.attempts;
        Ok(sent)
    }

    /// Subject and body with the build variables expanded; unknown ones are warned about.
    fn content(&self) -> Content {
        let (subject, text, html) = match &self.source {
            Source::Text { subject, body, html: false } => (subject.clone(), Some(body.clone()), None),
            Source::Text { subject, body, html: true } => (subject.clone(), None, Some(body.clone())),
            Source::Template { template, lang, subject } => {
                let rendered = template::render(*template, *lang, &Build::from_lookup(&env_lookup));
                (subject.clone().unwrap_or(rendered.subject), Some(rendered.text), Some(rendered.html))
            }
        };
        let (mut unknown, mut withheld) = (BTreeSet::new(), BTreeSet::new());
        // Redacted BEFORE encoding: a scrub of the encoded message would corrupt its base64.
        let mut expand = |text: String| {
            let done = template::expand(&text, &env_lookup);
            unknown.extend(done.unknown);
            withheld.extend(done.withheld);
            redact::scrub(&done.text)
        };
        let content = Content {
            subject: expand(subject),
            text: text.map(&mut expand),
            html: html.map(&mut expand),
            charset: self.charset,
        };
        if !withheld.is_empty() {
            log::warn(messages::withheld_variables(&withheld.into_iter().collect::<Vec<_>>()));
        }
        if !unknown.is_empty() {
            log::warn(messages::unknown_variables(&unknown.into_iter().collect::<Vec<_>>()));
        }
        content
    }

    /// Files by glob, then the log's tail. Sizes are checked from metadata before anything is read.
    fn attachments(&self) -> Result<Vec<Attachment>> {
        if self.attach.is_empty() && self.log.is_none() {
            return Ok(Vec::new());
        }
        let workspace = self.workspace()?;
        let mut planned = Vec::new();
        for pattern in &self.attach {
            let paths =
                glob::glob(pattern).map_err(|e| Error::usage(messages::bad_pattern(pattern, &e.to_string())))?;
            let before = planned.len();
            for path in paths.flatten() {
                planned.extend(inside(&workspace, "--attach", &path)?);
            }
            if planned.len() == before {
                return Err(Error::input(messages::attachment_missing(pattern)));
            }
        }
        self.check_size(planned.iter().map(|p| p.size).sum())?;
        let mut files = planned.iter().map(|p| p.read(self.max_attachments)).collect::<Result<Vec<_>>>()?;
        if let Some(log) = &self.log {
            let Some(file) = inside(&workspace, "--attach-log", &log.path)? else {
                return Err(Error::input(messages::not_a_file("--attach-log", &log.path)));
            };
            files.push(log_tail(log, &file, self.max_attachments)?);
        }
        self.check_size(files.iter().map(|f| f.bytes.len() as u64).sum())?;
        Ok(files)
    }

    /// `--workspace` (WORKSPACE, as Jenkins and BK-CI set it), else the current directory.
    fn workspace(&self) -> Result<PathBuf> {
        let given = match &self.workspace {
            Some(path) => path.clone(),
            None => std::env::current_dir().map_err(|e| Error::io(&messages::no_workspace(), Path::new("."), &e))?,
        };
        std::fs::canonicalize(&given).map_err(|e| Error::io(&messages::no_workspace(), &given, &e))
    }

    fn check_size(&self, total: u64) -> Result<()> {
        if total <= self.max_attachments {
            return Ok(());
        }
        let error = Error::input(messages::attachments_too_big(total, self.max_attachments));
        Err(error.hint(messages::hint_too_big()))
    }
}

/// A file to attach, found but not read yet.
struct Planned {
    /// As matched (its name is the attachment's).
    path: PathBuf,
    /// With every symlink resolved: inside the workspace.
    resolved: PathBuf,
    size: u64,
}

impl Planned {
    /// Reads at most `most` + 1 bytes: a file growing since its size was checked stays bounded.
    fn read(&self, most: u64) -> Result<Attachment> {
        let mut bytes = Vec::new();
        std::fs::File::open(&self.resolved)
            .and_then(|file| file.take(most.saturating_add(1)).read_to_end(&mut bytes))
            .map_err(|e| Error::io(&messages::cannot_read("--attach"), &self.path, &e))?;
        Ok(Attachment { name: file_name(&self.path), bytes, content_type: content_type(&self.path) })
    }
}

/// `path` with its symlinks resolved, refused when that leads outside `workspace` (a link to
/// ~/.ssh or a service-account token must not be mailed); `None` when it is not a file.
fn inside(workspace: &Path, flag: &str, path: &Path) -> Result<Option<Planned>> {
    let resolved = match std::fs::canonicalize(path) {
        Ok(resolved) => resolved,
        // A dangling link a glob matched is no file to attach.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && flag == "--attach" => return Ok(None),
        Err(e) => return Err(Error::io(&messages::cannot_read(flag), path, &e)),
    };
    let metadata = std::fs::metadata(&resolved).map_err(|e| Error::io(&messages::cannot_read(flag), path, &e))?;
    // A folder is never attached, wherever it leads.
    if !metadata.is_file() {
        return Ok(None);
    }
    if !resolved.starts_with(workspace) {
        let error = Error::input(messages::outside_workspace(flag, path, &resolved, workspace));
        return Err(error.hint(messages::hint_workspace()));
    }
    Ok(Some(Planned { path: path.to_path_buf(), resolved, size: metadata.len() }))
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "attachment".into())
}

/// The last `lines` of a log (redacted, optionally gzipped), read from its end.
fn log_tail(log: &LogTail, file: &Planned, most: u64) -> Result<Attachment> {
    let read = |e| Error::io(&messages::cannot_read("--attach-log"), &log.path, &e);
    let mut handle = std::fs::File::open(&file.resolved).map_err(read)?;
    let Some(tail) = tail::last_lines(&mut handle, file.size, log.lines, most).map_err(read)? else {
        let error = Error::input(messages::log_tail_too_big(&log.path, log.lines, most));
        return Err(error.hint(messages::hint_too_big()));
    };
    // Redacted before it is encoded, as the body is (a log may echo a secret).
    let tail = redact::scrub(&String::from_utf8_lossy(&tail)).into_bytes();
    let name = file_name(&log.path);
    log::debug(messages::log_tail_name(&name, log.lines));
    if !log.gzip {
        return Ok(Attachment { name, bytes: tail, content_type: "text/plain; charset=utf-8".into() });
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tail).and_then(|_| gz.try_finish()).map_err(|e| Error::internal(e.to_string()))?;
    let bytes = gz.finish().map_err(|e| Error::internal(e.to_string()))?;
    Ok(Attachment { name: format!("{name}.gz"), bytes, content_type: "application/gzip".into() })
}

fn content_type(path: &Path) -> String {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "txt" | "log" => "text/plain; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "zip" => "application/zip",
        "gz" | "tgz" => "application/gzip",
        _ => "application/octet-stream",
    }
    .to_string()
}

impl Sent {
    /// Prints the `--dry-run` message byte for byte. It does not go through the output's scrub:
    /// its text was redacted before it was encoded, and a scrub of base64 would corrupt it.
    pub fn print_rendered(&self) {
        if let Some(rendered) = &self.rendered {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(rendered).and_then(|_| out.flush());
        }
    }
}

impl Outcome for Sent {
    fn text(&self) -> String {
        if self.rendered.is_some() {
            return String::new();
        }
        let mut lines = vec![messages::result_sent(&self.message_id, &self.server, self.tls.as_str())];
        lines.push(messages::result_subject(&self.subject));
        lines.push(messages::result_accepted(&self.accepted));
        for refusal in &self.refused {
            lines.push(messages::result_refused(&refusal.address, &refusal.reply));
        }
        if !self.attachments.is_empty() {
            lines.push(messages::result_attachments(&self.attachments));
        }
        if self.attempts > 1 {
            lines.push(messages::result_attempts(self.attempts));
        }
        lines.join("\n  ")
    }

    fn summary(&self) -> String {
        messages::summary(self.accepted.len(), self.refused.len())
    }

    fn bk_outputs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("mail_message_id", self.message_id.clone()),
            ("mail_accepted", self.accepted.join(",")),
            ("mail_refused", self.refused.iter().map(|r| r.address.clone()).collect::<Vec<_>>().join(",")),
        ]
    }
}
