//! The MIME message: the body really encoded in the chosen charset (UTF-8, GBK, GB18030) and
//! labelled so, the subject as RFC 2047 encoded-words in that charset (display names in UTF-8
//! encoded-words), plain and HTML alternatives, attachments. A newline in any header value is
//! flattened: a variable cannot inject headers.

use lettre::message::header::{ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment as MimeAttachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use base64::Engine;

/// The charsets Jenkins' mail step offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
pub enum Charset {
    #[value(name = "UTF-8", alias = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "GBK", alias = "gbk")]
    Gbk,
    #[value(name = "GB18030", alias = "gb18030")]
    Gb18030,
}

impl Charset {
    pub fn label(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::Gbk => "GBK",
            Charset::Gb18030 => "GB18030",
        }
    }

    /// `text` in this charset, or the first character it cannot hold.
    pub fn encode(self, text: &str) -> Result<Vec<u8>, char> {
        let encoding = match self {
            Charset::Utf8 => return Ok(text.as_bytes().to_vec()),
            Charset::Gbk => encoding_rs::GBK,
            Charset::Gb18030 => encoding_rs::GB18030,
        };
        let (bytes, _, unmappable) = encoding.encode(text);
        if unmappable {
            // Find the culprit for the message.
            let bad = text.chars().find(|c| encoding.encode(&c.to_string()).2).unwrap_or('?');
            return Err(bad);
        }
        Ok(bytes.into_owned())
    }
}

/// A Subject header encoded in the mail's charset (lettre's own is always UTF-8).
#[derive(Debug, Clone)]
struct Subject {
    text: String,
    charset: Charset,
}

impl Header for Subject {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Subject")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Subject { text: s.to_string(), charset: Charset::Utf8 })
    }

    fn display(&self) -> HeaderValue {
        let encoded = encoded_words(&self.text, self.charset);
        HeaderValue::dangerous_new_pre_encoded(Self::name(), self.text.clone(), encoded)
    }
}

/// RFC 2047 `=?charset?B?...?=` words (folded), or the text itself when it is plain ASCII.
fn encoded_words(text: &str, charset: Charset) -> String {
    if text.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) && !text.contains("=?") {
        return text.to_string();
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        let mut next = chunk.clone();
        next.push(c);
        // 45 bytes make 60 base64 characters: each word stays within RFC 2047's 75.
        if charset.encode(&next).map(|b| b.len()).unwrap_or(0) > 45 && !chunk.is_empty() {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|w| format!("=?{}?B?{}?=", charset.label(), b64.encode(charset.encode(w).unwrap_or_default())))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// One line for a header: CR and LF (from a variable, say) become spaces.
pub fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// A file to attach.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// Who the mail is from and to.
#[derive(Debug, Clone)]
pub struct Addresses {
    pub from: Mailbox,
    pub reply_to: Vec<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub bcc: Vec<Mailbox>,
}

/// What the mail says.
#[derive(Debug, Clone)]
pub struct Content {
    pub subject: String,
    pub text: Option<String>,
    pub html: Option<String>,
    pub charset: Charset,
}

fn part(kind: &str, text: &str, charset: Charset) -> Result<SinglePart, String> {
    let bytes = charset.encode(text).map_err(|c| crate::messages::unencodable(c, charset.label()))?;
    let content_type =
        ContentType::parse(&format!("{kind}; charset={}", charset.label())).map_err(|e| e.to_string())?;
    let body = Body::new_with_encoding(bytes, ContentTransferEncoding::Base64).map_err(|_| "cannot encode the body")?;
    Ok(SinglePart::builder().header(content_type).body(body))
}

/// Builds the message (Bcc goes to the envelope only, never into the headers).
pub fn compose(addresses: &Addresses, content: &Content, attachments: &[Attachment]) -> Result<Message, String> {
    let mut builder = Message::builder().from(addresses.from.clone());
    for mailbox in &addresses.reply_to {
        builder = builder.reply_to(mailbox.clone());
    }
    for mailbox in &addresses.to {
        builder = builder.to(mailbox.clone());
    }
    for mailbox in &addresses.cc {
        builder = builder.cc(mailbox.clone());
    }
    for mailbox in &addresses.bcc {
        builder = builder.bcc(mailbox.clone());
    }
    builder = builder
        .header(Subject { text: one_line(&content.subject), charset: content.charset })
        .message_id(None)
        .user_agent(format!("Deckhand build-notify {}", env!("CARGO_PKG_VERSION")));
    let text = |t: &Option<String>| part("text/plain", t.as_deref().unwrap_or(""), content.charset);
    let message = match (&content.text, &content.html, attachments.is_empty()) {
        (_, None, true) => builder.singlepart(text(&content.text)?),
        (None, Some(html), true) => builder.singlepart(part("text/html", html, content.charset)?),
        (Some(_), Some(html), true) => {
            builder.multipart(MultiPart::alternative().singlepart(text(&content.text)?).singlepart(part(
                "text/html",
                html,
                content.charset,
            )?))
        }
        (plain, html, false) => {
            let mut mixed = match (plain, html) {
                (Some(_), Some(html)) => MultiPart::mixed().multipart(
                    MultiPart::alternative().singlepart(text(&content.text)?).singlepart(part(
                        "text/html",
                        html,
                        content.charset,
                    )?),
                ),
                (None, Some(html)) => MultiPart::mixed().singlepart(part("text/html", html, content.charset)?),
                (_, None) => MultiPart::mixed().singlepart(text(&content.text)?),
            };
            for attachment in attachments {
                let content_type = ContentType::parse(&attachment.content_type)
                    .unwrap_or_else(|_| ContentType::parse("application/octet-stream").expect("a valid type"));
                let file = MimeAttachment::new(attachment.name.clone()).body(attachment.bytes.clone(), content_type);
                mixed = mixed.singlepart(file);
            }
            builder.multipart(mixed)
        }
    };
    message.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_encoded_words_in_the_charset() {
        assert_eq!(encoded_words("plain subject", Charset::Gbk), "plain subject");
        let gbk = encoded_words("构建失败", Charset::Gbk);
        assert_eq!(gbk, "=?GBK?B?ubm9qMqnsNw=?=");
        let long = encoded_words(&"构建".repeat(30), Charset::Gb18030);
        assert!(long.split("\r\n ").all(|w| w.len() <= 75 && w.starts_with("=?GB18030?B?")), "{long}");
    }

    #[test]
    fn unencodable_text_is_named() {
        assert_eq!(Charset::Gbk.encode("ok 😀"), Err('😀'));
        assert!(Charset::Gb18030.encode("ok 😀").is_ok(), "GB18030 covers all of Unicode");
    }

    #[test]
    fn header_values_stay_on_one_line() {
        assert_eq!(one_line("build\r\nBcc: victim@example.com"), "build  Bcc: victim@example.com");
    }
}
