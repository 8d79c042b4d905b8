//! Recipient lists as people write them (`a@x.com, b@y.com`, BK-CI's `a@x.com;b@y.com`, display
//! names with commas in quotes), each address validated before anything connects.

use deckhand_common::{redact, Error, Result};
use lettre::message::Mailbox;

/// Splits on `,` and `;` outside quotes (with their `\"` escapes), comments and angle brackets.
pub fn split(list: &str) -> Vec<String> {
    let (mut parts, mut current, mut quoted, mut angle) = (Vec::new(), String::new(), false, false);
    let (mut escaped, mut comment) = (false, 0usize);
    for c in list.chars() {
        if escaped {
            escaped = false;
            current.push(c);
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '(' if !quoted => comment += 1,
            ')' if !quoted => comment = comment.saturating_sub(1),
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' | ';' if !quoted && !angle && comment == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts.into_iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

/// One address, `a@b.com` or `Name <a@b.com>`; the error names it.
pub fn mailbox(flag: &str, text: &str) -> Result<Mailbox> {
    if text.trim().is_empty() {
        return Err(Error::usage(crate::messages::no_from()));
    }
    if text.contains(['\r', '\n']) {
        return Err(Error::usage(crate::messages::bad_address(flag, text, &crate::messages::address_line_break())));
    }
    let mut mailbox = text
        .trim()
        .parse::<Mailbox>()
        .map_err(|e| Error::usage(crate::messages::bad_address(flag, text.trim(), &e.to_string())))?;
    // Redacted before it is encoded into the header, as the body is.
    mailbox.name = mailbox.name.map(|name| redact::scrub(&name));
    Ok(mailbox)
}

/// Every address of every (possibly joined) list given to `flag`.
pub fn mailboxes(flag: &str, lists: &[String]) -> Result<Vec<Mailbox>> {
    lists.iter().flat_map(|l| split(l)).map(|a| mailbox(flag, &a)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_like_people_write_them() {
        assert_eq!(split("a@x.com, b@y.com;c@z.com;"), ["a@x.com", "b@y.com", "c@z.com"]);
        assert_eq!(
            split("\"Zhang, San\" <zs@x.com>; 李四 <ls@x.com>"),
            ["\"Zhang, San\" <zs@x.com>", "李四 <ls@x.com>"]
        );
        let escaped = r#""Zhang \"Z, San\"" <z@x.com>, b@x.com"#;
        assert_eq!(split(escaped), [r#""Zhang \"Z, San\"" <z@x.com>"#, "b@x.com"]);
        assert_eq!(mailbox("--to", &split(escaped)[0]).unwrap().name.as_deref(), Some("Zhang \"Z, San\""));
        assert_eq!(split("z@x.com (Zhang, San); b@x.com"), ["z@x.com (Zhang, San)", "b@x.com"]);
    }

    #[test]
    fn bad_addresses_are_named() {
        let error = mailboxes("--to", &["ok@x.com;not-an-address".into()]).unwrap_err();
        assert!(error.message.contains("--to: \"not-an-address\" is not a valid e-mail address"), "{}", error.message);
        assert!(mailbox("--from", "CI <ci@x.com>\r\nBcc: evil@x.com").is_err());
        assert_eq!(mailbox("--from", "构建机器人 <ci@x.com>").unwrap().name.as_deref(), Some("构建机器人"));
    }
}
