//! The MIME message: the body really encoded in the chosen charset (UTF-8, GBK, GB18030) and
//! labelled so, the subject and display names as RFC 2047 encoded-words in that charset, every
//! header line folded within 78 characters, plain and HTML alternatives, attachments. Text the
//! charset cannot hold is an error naming it and where it is. A newline in any header value is
//! flattened: a variable cannot inject headers.

use lettre::address::Envelope;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment as MimeAttachment, Body, Mailbox, Mailboxes, MultiPart, SinglePart};
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

/// How long a header line may be (RFC 5322's "SHOULD").
const LINE: usize = 78;
/// Bytes of text per encoded-word: 39 make 52 base64 characters, so `=?GB18030?B?...?=` is 66
/// long, within RFC 2047's 75 even after the longest header name we write ("Reply-To: ").
const WORD_BYTES: usize = 39;

/// Whether a word of a header must be an encoded-word: not plain printable ASCII, looks like one
/// already, or is too long to fold.
fn needs_encoding(word: &str) -> bool {
    !word.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) || word.contains("=?") || word.len() > 66
}

/// `text` as RFC 2047 `=?charset?B?...?=` words of at most [`WORD_BYTES`], or the character the
/// charset cannot hold.
fn encoded_words(text: &str, charset: Charset) -> Result<Vec<String>, char> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut words: Vec<Vec<u8>> = vec![Vec::new()];
    for c in text.chars() {
        let bytes = charset.encode(c.encode_utf8(&mut [0; 4]))?;
        let last = words.last_mut().expect("one word at least");
        if !last.is_empty() && last.len() + bytes.len() > WORD_BYTES {
            words.push(bytes);
        } else {
            last.extend(bytes);
        }
    }
    Ok(words.iter().map(|w| format!("=?{}?B?{}?=", charset.label(), b64.encode(w))).collect())
}

/// The tokens of a free-text header (the subject): plain words as they are, each run of words
/// that need encoding (with the spaces inside it) as encoded-words, since the space between two
/// encoded-words vanishes when read.
fn text_tokens(text: &str, charset: Charset) -> Result<Vec<String>, char> {
    let mut tokens = Vec::new();
    let mut run: Option<String> = None;
    for word in text.split(' ') {
        // An empty word (a second space) inside a run stays in it, so the space is kept.
        if needs_encoding(word) || (word.is_empty() && run.is_some()) {
            let run = run.get_or_insert_with(String::new);
            if !run.is_empty() || word.is_empty() {
                run.push(' ');
            }
            run.push_str(word);
            continue;
        }
        if let Some(run) = run.take() {
            tokens.extend(encoded_words(&run, charset)?);
        }
        tokens.push(word.to_string());
    }
    if let Some(run) = run {
        tokens.extend(encoded_words(&run, charset)?);
    }
    Ok(tokens)
}

/// `tokens` joined by spaces, folded so no line of `name: value` passes [`LINE`].
fn fold(name: &str, tokens: &[String]) -> String {
    let (mut out, mut line) = (String::new(), name.len() + 2);
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 && line + 1 + token.len() > LINE {
            out.push_str("\r\n ");
            line = 1;
        } else if i > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(token);
        line += token.len();
    }
    out
}

/// The subject, encoded in the mail's charset and folded (lettre's own is always UTF-8).
fn subject(text: &str, charset: Charset) -> Result<HeaderValue, String> {
    let tokens = text_tokens(text, charset)
        .map_err(|c| crate::messages::unencodable(c, charset.label(), &crate::messages::place_subject()))?;
    let name = HeaderName::new_from_ascii_str("Subject");
    Ok(HeaderValue::dangerous_new_pre_encoded(name, text.to_string(), fold("Subject", &tokens)))
}

/// An address header (From, To, Cc, Reply-To) with display names in the mail's charset, folded.
fn address_header(
    name: &'static str,
    flag: &str,
    mailboxes: &[Mailbox],
    charset: Charset,
) -> Result<HeaderValue, String> {
    let mut tokens = Vec::new();
    for (i, mailbox) in mailboxes.iter().enumerate() {
        let separator = if i + 1 < mailboxes.len() { "," } else { "" };
        let Some(display) = mailbox.name.as_deref().filter(|n| !n.is_empty()) else {
            tokens.push(format!("{}{separator}", mailbox.email));
            continue;
        };
        let place = crate::messages::place_display_name(flag, mailbox.email.as_ref());
        let unencodable = |c| crate::messages::unencodable(c, charset.label(), &place);
        tokens.extend(phrase(display, charset).map_err(unencodable)?);
        tokens.push(format!("<{}>{separator}", mailbox.email));
    }
    let raw = Mailboxes::from_iter(mailboxes.iter().cloned()).to_string();
    Ok(HeaderValue::dangerous_new_pre_encoded(HeaderName::new_from_ascii_str(name), raw, fold(name, &tokens)))
}

/// A display name: encoded-words when it is not ASCII, else a quoted string (commas and all).
fn phrase(name: &str, charset: Charset) -> Result<Vec<String>, char> {
    if name.chars().any(|c| !c.is_ascii() || c.is_ascii_control()) || name.contains("=?") {
        return encoded_words(name, charset);
    }
    Ok(vec![format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))])
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
    let place = if kind == "text/html" { crate::messages::place_html_body() } else { crate::messages::place_body() };
    let bytes = charset.encode(text).map_err(|c| crate::messages::unencodable(c, charset.label(), &place))?;
    let content_type =
        ContentType::parse(&format!("{kind}; charset={}", charset.label())).map_err(|e| e.to_string())?;
    let body = Body::new_with_encoding(bytes, ContentTransferEncoding::Base64)
        .map_err(|_| crate::messages::body_unencodable())?;
    Ok(SinglePart::builder().header(content_type).body(body))
}

/// Builds the message (Bcc goes to the envelope only, never into the headers).
pub fn compose(addresses: &Addresses, content: &Content, attachments: &[Attachment]) -> Result<Message, String> {
    let charset = content.charset;
    let mut builder = Message::builder()
        .raw_header(address_header("From", "--from", std::slice::from_ref(&addresses.from), charset)?)
        .raw_header(subject(&one_line(&content.subject), charset)?);
    for (name, flag, list) in
        [("Reply-To", "--reply-to", &addresses.reply_to), ("To", "--to", &addresses.to), ("Cc", "--cc", &addresses.cc)]
    {
        if !list.is_empty() {
            builder = builder.raw_header(address_header(name, flag, list, charset)?);
        }
    }
    // Bcc is in the envelope only.
    let recipients = [&addresses.to, &addresses.cc, &addresses.bcc].into_iter().flatten().map(|m| m.email.clone());
    let envelope =
        Envelope::new(Some(addresses.from.email.clone()), recipients.collect()).map_err(|e| e.to_string())?;
    builder = builder
        .envelope(envelope)
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

    fn subject_of(text: &str, charset: Charset) -> String {
        fold("Subject", &text_tokens(text, charset).unwrap())
    }

    #[test]
    fn subjects_are_encoded_words_in_the_charset() {
        assert_eq!(subject_of("plain subject", Charset::Gbk), "plain subject");
        assert_eq!(subject_of("构建失败", Charset::Gbk), "=?GBK?B?ubm9qMqnsNw=?=");
        // The space between encoded text and a plain word stays; between two runs it is encoded.
        assert_eq!(subject_of("构建 ok  构建", Charset::Gbk), "=?GBK?B?ubm9qA==?= ok  =?GBK?B?ubm9qA==?=");
        assert_eq!(subject_of("构建  失败", Charset::Gbk), "=?GBK?B?ubm9qCAgyqew3A==?=");
    }

    #[test]
    fn long_headers_fold_within_78_and_words_within_75() {
        let text = format!("{} deploy {} {}", "构建".repeat(30), "x".repeat(100), "word ".repeat(20));
        for charset in [Charset::Utf8, Charset::Gbk, Charset::Gb18030] {
            let folded = subject_of(&text, charset);
            let header = format!("Subject: {folded}");
            assert!(header.split("\r\n").count() > 3 && header.split("\r\n").all(|l| l.len() <= LINE), "{folded}");
            assert!(
                folded.split([' ', '\n']).filter(|w| w.starts_with("=?")).all(|w| w.trim().len() <= 75),
                "{folded}"
            );
        }
    }

    #[test]
    fn display_names_in_the_charset_and_quoted() {
        let list: Vec<Mailbox> =
            ["\"Zhang, San\" <z@corp.cn>", "张三 <zs@corp.cn>", "<a@x.com>", r#""A \"B\"" <b@x.com>"#]
                .iter()
                .map(|a| a.parse().unwrap())
                .collect();
        let header = address_header("To", "--to", &list, Charset::Gbk).unwrap();
        let mut headers = lettre::message::header::Headers::new();
        headers.insert_raw(header);
        assert_eq!(
            headers.to_string(),
            "To: \"Zhang, San\" <z@corp.cn>, =?GBK?B?1cXI/Q==?= <zs@corp.cn>, a@x.com,\r\n \"A \\\"B\\\"\" <b@x.com>\r\n"
        );
        let error = address_header("Cc", "--cc", &["😀 <f@x.com>".parse().unwrap()], Charset::Gbk).unwrap_err();
        assert!(
            error.starts_with("the display name of --cc f@x.com holds '😀' (U+1F600), which GBK cannot"),
            "{error}"
        );
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
