//! A cap on what a mail server can make us hold: the stream under the SMTP client refuses a reply
//! line over [`MAX_LINE`] bytes and a reply (everything read between two commands) over
//! [`MAX_REPLY`] bytes, so an endless line or an endless run of continuation lines is an error, never
//! unbounded memory. The SMTP parser's own cap does not cover every shape of reply (empty
//! continuation lines grow its buffer unchecked), so this one sits below it, whatever it does.
//!
//! It also remembers whether the server closed the connection, which the SMTP client reports only
//! as an unparseable reply.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::messages;

/// The longest reply line accepted, in bytes, CRLF included (RFC 5321 asks for 512 at most).
pub const MAX_LINE: usize = 4 * 1024;
/// The longest reply accepted, in bytes, all its lines together.
pub const MAX_REPLY: usize = 64 * 1024;

/// Why a reply was cut off: carried inside the `io::Error` the read fails with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLong {
    Line,
    Reply,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TooLong::Line => f.write_str(&messages::reply_line_too_long(MAX_LINE)),
            TooLong::Reply => f.write_str(&messages::reply_too_long(MAX_REPLY)),
        }
    }
}

impl std::error::Error for TooLong {}

impl TooLong {
    /// The cap an I/O error reports, if it is one.
    pub fn of(err: &io::Error) -> Option<TooLong> {
        err.get_ref().and_then(|inner| inner.downcast_ref::<TooLong>()).copied()
    }
}

/// `inner` with the caps on what is read from it.
pub struct Capped<S> {
    inner: S,
    /// Bytes of the current line so far.
    line: usize,
    /// Bytes read since the last write.
    reply: usize,
    closed: bool,
}

impl<S> Capped<S> {
    pub fn new(inner: S) -> Self {
        Capped { inner, line: 0, reply: 0, closed: false }
    }

    pub fn into_inner(self) -> S {
        self.inner
    }

    /// Whether a read found the end of the stream (the server closed the connection).
    pub fn closed(&self) -> bool {
        self.closed
    }

    /// Counts `bytes` just read; the cap they break, if any.
    fn count(&mut self, bytes: &[u8]) -> Option<TooLong> {
        self.reply += bytes.len();
        for &byte in bytes {
            if byte == b'\n' {
                self.line = 0;
            } else {
                self.line += 1;
                // The line's LF would make it one byte longer still.
                if self.line >= MAX_LINE {
                    return Some(TooLong::Line);
                }
            }
        }
        (self.reply > MAX_REPLY).then_some(TooLong::Reply)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Capped<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        let read = &buf.filled()[before..];
        if read.is_empty() && buf.remaining() > 0 {
            this.closed = true;
            return Poll::Ready(Ok(()));
        }
        if let Some(too_long) = this.count(read) {
            buf.set_filled(before);
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, too_long)));
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Capped<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = ready!(Pin::new(&mut this.inner).poll_write(cx, data))?;
        if written > 0 {
            // A command went out: what comes next is the reply to it.
            this.line = 0;
            this.reply = 0;
        }
        Poll::Ready(Ok(written))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn read_all(peer: &[u8]) -> (Vec<u8>, io::Result<usize>) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let mut capped = Capped::new(peer);
            let mut got = Vec::new();
            let mut chunk = [0u8; 1000];
            loop {
                match capped.read(&mut chunk).await {
                    Ok(0) => return (got, Ok(0)),
                    Ok(n) => got.extend_from_slice(&chunk[..n]),
                    Err(e) => return (got, Err(e)),
                }
            }
        })
    }

    #[test]
    fn replies_within_the_caps_pass_unchanged() {
        let reply = format!("250-{}\r\n250 {}\r\n", "a".repeat(MAX_LINE - 7), "b".repeat(100));
        let (got, end) = read_all(reply.as_bytes());
        assert_eq!(got, reply.as_bytes());
        assert!(end.is_ok());
    }

    #[test]
    fn an_endless_line_is_cut_at_the_line_cap() {
        let endless = vec![b'x'; 10 * MAX_LINE];
        let (got, end) = read_all(&endless);
        assert!(got.len() < MAX_LINE, "{}", got.len());
        assert_eq!(TooLong::of(&end.unwrap_err()), Some(TooLong::Line));
    }

    #[test]
    fn endless_short_lines_are_cut_at_the_reply_cap() {
        let endless = "250-\r\n".repeat(2 * MAX_REPLY / 6);
        let (got, end) = read_all(endless.as_bytes());
        assert!(got.len() <= MAX_REPLY, "{}", got.len());
        assert_eq!(TooLong::of(&end.unwrap_err()), Some(TooLong::Reply));
    }

    #[test]
    fn each_command_starts_a_new_reply() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let (near, mut far) = tokio::io::duplex(1 << 20);
            let mut capped = Capped::new(near);
            let reply = "250-ok\r\n".repeat(MAX_REPLY / 8 - 1) + "250 ok\r\n";
            let mut buf = vec![0u8; reply.len()];
            for _ in 0..3 {
                capped.write_all(b"NOOP\r\n").await.unwrap();
                far.write_all(reply.as_bytes()).await.unwrap();
                capped.read_exact(&mut buf).await.unwrap();
            }
            drop(far);
            assert_eq!(capped.read(&mut buf).await.unwrap(), 0);
            assert!(capped.closed());
        });
    }
}
