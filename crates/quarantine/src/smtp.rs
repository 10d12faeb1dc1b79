//! A minimal SMTP client (RFC 5321) that re-injects one message, unchanged, to a relay.
//!
//! One transaction per connection: greeting, EHLO (HELO if EHLO is not recognised), MAIL, one RCPT
//! per recipient, DATA, the dot-stuffed message, `.`, QUIT. No pipelining, no TLS, no AUTH: the
//! relay is the local MTA's re-injection port. Every read and write has the relay's timeout;
//! replies are bounded in line length and count, because the peer is not trusted to be well-formed.
//!
//! **Bytes on the wire.** The message goes out as stored. RFC 5321 §4.5.2 dot-stuffing doubles a
//! `.` at the start of every line; a "line start" here is after *any* LF, not only after CRLF, so a
//! receiver that takes a bare LF as a line end (Postfix, sendmail, Exim) can never see an early
//! `<LF>.<CR><LF>` end of data (the "SMTP smuggling" ambiguity) and un-stuffs back to the original
//! bytes. CRLF and bare LF are sent as they are (RFC 5321 §2.3.8 says a client should not send bare
//! LF; converting would change the message, and a strict receiver that rejects it leaves the entry
//! held). If the message does not end with a line end, a CRLF is added before `.` (§4.1.1.4): the
//! receiver then gets that CRLF too.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Where and how to re-inject released messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpRelay {
    pub addr: SocketAddr,
    /// The name sent in EHLO/HELO.
    pub helo: String,
    /// For the connect and each read or write.
    pub timeout: Duration,
}

/// The step of the transaction an error happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpStep {
    Connect,
    Greeting,
    Ehlo,
    Helo,
    MailFrom,
    RcptTo,
    Data,
    /// Sending the message and the final `.`, and its reply.
    Message,
}

impl fmt::Display for SmtpStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SmtpStep::Connect => "connect",
            SmtpStep::Greeting => "greeting",
            SmtpStep::Ehlo => "EHLO",
            SmtpStep::Helo => "HELO",
            SmtpStep::MailFrom => "MAIL FROM",
            SmtpStep::RcptTo => "RCPT TO",
            SmtpStep::Data => "DATA",
            SmtpStep::Message => "end of data",
        })
    }
}

/// A server reply (RFC 5321 §4.2): the code and the text of each line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        for (i, line) in self.lines.iter().enumerate() {
            f.write_str(if i == 0 { " " } else { " / " })?;
            f.write_str(line)?;
        }
        Ok(())
    }
}

/// Why a re-injection failed, naming the step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SmtpError {
    /// The relay refused (4xx transient, 5xx permanent) or answered with an unexpected code.
    #[error("{step}: the relay answered {reply} to {command}")]
    Rejected {
        step: SmtpStep,
        command: String,
        reply: Reply,
    },
    /// Connect, read or write failed (including timeouts and a closed connection).
    #[error("{step}: {source}")]
    Io { step: SmtpStep, source: io::Error },
    /// The relay's reply is not SMTP (no 3-digit code, line too long, too many lines).
    #[error("{step}: malformed reply from the relay: {detail}")]
    Protocol { step: SmtpStep, detail: String },
    /// An envelope address cannot be sent (CR, LF, NUL, angle brackets, too long, or no recipient).
    #[error("cannot send envelope address {0:?}")]
    BadAddress(String),
    /// The envelope needs an extension the relay did not advertise (SMTPUTF8 for a non-ASCII
    /// address, RFC 6531).
    #[error("{step}: {detail}")]
    Unsupported { step: SmtpStep, detail: String },
}

impl SmtpError {
    /// Whether the relay refused with a 5xx (retrying will not help).
    pub fn is_permanent(&self) -> bool {
        matches!(self, SmtpError::Rejected { reply, .. } if reply.code >= 500)
    }
}

/// RFC 5321 §4.5.3.1.5 allows 512 octets a reply line; servers exceed it in practice.
const MAX_REPLY_LINE: u64 = 4096;
/// Lines of one multi-line reply (an EHLO lists a dozen extensions).
const MAX_REPLY_LINES: usize = 128;
/// RFC 5321 §4.5.3.1.3: a path is at most 256 octets.
const MAX_PATH: usize = 256;

/// Sends `message` from `mail_from` to `rcpts` through `relay`. Returns the relay's reply to the
/// end of data (its queue id is usually in the text). Any 4xx/5xx is an error naming the step.
pub fn send(
    relay: &SmtpRelay,
    mail_from: &str,
    rcpts: &[String],
    message: &[u8],
) -> Result<Reply, SmtpError> {
    check_address(mail_from, true)?;
    if rcpts.is_empty() {
        return Err(SmtpError::BadAddress(String::new()));
    }
    for rcpt in rcpts {
        check_address(rcpt, false)?;
    }
    let timeout = relay.timeout.max(Duration::from_millis(1));
    let stream =
        TcpStream::connect_timeout(&relay.addr, timeout).map_err(|source| SmtpError::Io {
            step: SmtpStep::Connect,
            source,
        })?;
    let set = |r: io::Result<()>| {
        r.map_err(|source| SmtpError::Io {
            step: SmtpStep::Connect,
            source,
        })
    };
    set(stream.set_read_timeout(Some(timeout)))?;
    set(stream.set_write_timeout(Some(timeout)))?;
    set(stream.set_nodelay(true))?;
    let writer = stream.try_clone().map_err(|source| SmtpError::Io {
        step: SmtpStep::Connect,
        source,
    })?;
    let mut conn = Conn {
        reader: BufReader::new(stream),
        writer,
    };
    let result = transaction(&mut conn, relay, mail_from, rcpts, message);
    // QUIT (§4.1.1.10) after success or failure; its reply does not change the outcome: the message
    // was accepted (or not) at the end of data.
    if conn.command("QUIT").is_ok() {
        let _ = conn.reply(SmtpStep::Message);
    }
    result
}

fn transaction(
    conn: &mut Conn,
    relay: &SmtpRelay,
    mail_from: &str,
    rcpts: &[String],
    message: &[u8],
) -> Result<Reply, SmtpError> {
    // §3.1: the greeting is 220; 554 means "no service here".
    conn.expect(SmtpStep::Greeting, "the greeting", 2)?;

    let helo = sanitize_helo(&relay.helo);
    let ehlo_cmd = format!("EHLO {helo}");
    conn.send(SmtpStep::Ehlo, &ehlo_cmd)?;
    let ehlo = conn.reply(SmtpStep::Ehlo)?;
    let extensions: Vec<String> = match ehlo.code / 100 {
        2 => ehlo
            .lines
            .iter()
            .skip(1)
            .map(|l| {
                l.split_ascii_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase()
            })
            .collect(),
        // §4.1.4: a server that does not know EHLO answers 500/502; fall back to HELO (§3.2).
        5 => {
            let cmd = format!("HELO {helo}");
            conn.send(SmtpStep::Helo, &cmd)?;
            let r = conn.reply(SmtpStep::Helo)?;
            if r.code / 100 != 2 {
                return Err(rejected(SmtpStep::Helo, cmd, r));
            }
            Vec::new()
        }
        _ => return Err(rejected(SmtpStep::Ehlo, ehlo_cmd, ehlo)),
    };
    let has = |ext: &str| extensions.iter().any(|e| e == ext);

    let mut params = String::new();
    // RFC 6152: declare 8-bit content when the relay supports it (sent anyway if not: the message
    // is re-injected as it arrived).
    if message.iter().any(|&b| b >= 0x80) && has("8BITMIME") {
        params.push_str(" BODY=8BITMIME");
    }
    let utf8 = !mail_from.is_ascii() || rcpts.iter().any(|r| !r.is_ascii());
    if utf8 {
        if !has("SMTPUTF8") {
            return Err(SmtpError::Unsupported {
                step: SmtpStep::MailFrom,
                detail: "a non-ASCII envelope address needs SMTPUTF8 (RFC 6531), which the relay did not advertise".into(),
            });
        }
        params.push_str(" SMTPUTF8");
    }
    if has("SIZE") {
        params.push_str(&format!(" SIZE={}", message.len()));
    }
    let cmd = format!("MAIL FROM:<{mail_from}>{params}");
    conn.send(SmtpStep::MailFrom, &cmd)?;
    let r = conn.reply(SmtpStep::MailFrom)?;
    if r.code / 100 != 2 {
        return Err(rejected(SmtpStep::MailFrom, cmd, r));
    }

    // Every recipient must be accepted: a partial delivery would leave the entry neither held nor
    // released, so one refusal fails the whole release (nothing is sent before DATA).
    for rcpt in rcpts {
        let cmd = format!("RCPT TO:<{rcpt}>");
        conn.send(SmtpStep::RcptTo, &cmd)?;
        let r = conn.reply(SmtpStep::RcptTo)?;
        if r.code / 100 != 2 {
            let _ = conn.command("RSET");
            let _ = conn.reply(SmtpStep::RcptTo);
            return Err(rejected(SmtpStep::RcptTo, cmd, r));
        }
    }

    conn.send(SmtpStep::Data, "DATA")?;
    let r = conn.reply(SmtpStep::Data)?;
    if r.code != 354 {
        return Err(rejected(SmtpStep::Data, "DATA".into(), r));
    }
    let data = dot_stuff(message);
    let io = |source| SmtpError::Io {
        step: SmtpStep::Message,
        source,
    };
    conn.writer.write_all(&data).map_err(io)?;
    conn.writer.flush().map_err(io)?;
    let r = conn.reply(SmtpStep::Message)?;
    if r.code / 100 != 2 {
        return Err(rejected(SmtpStep::Message, "<message>.".into(), r));
    }
    Ok(r)
}

fn rejected(step: SmtpStep, command: String, reply: Reply) -> SmtpError {
    SmtpError::Rejected {
        step,
        command,
        reply,
    }
}

/// The message as DATA content: a `.` after every LF (and at the start) doubled (RFC 5321 §4.5.2),
/// then the `<CRLF>.<CRLF>` terminator (§4.1.1.4), with a CRLF added only when the message does not
/// already end with a line end.
pub fn dot_stuff(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + message.len() / 64 + 5);
    let mut line_start = true;
    for &b in message {
        if line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        line_start = b == b'\n';
    }
    if !line_start {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// An address is sent inside `<...>`: refuse what would break out of it or of the command line.
fn check_address(addr: &str, may_be_empty: bool) -> Result<(), SmtpError> {
    let bad = (addr.is_empty() && !may_be_empty)
        || addr.len() > MAX_PATH
        || addr
            .chars()
            .any(|c| c.is_control() || c == '<' || c == '>' || c == ' ');
    if bad {
        Err(SmtpError::BadAddress(addr.to_string()))
    } else {
        Ok(())
    }
}

/// The EHLO argument: one token of printable ASCII (RFC 5321 §4.1.1.1), `localhost` if none.
fn sanitize_helo(helo: &str) -> String {
    let s: String = helo
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(255)
        .collect();
    if s.is_empty() {
        "localhost".into()
    } else {
        s
    }
}

struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn command(&mut self, line: &str) -> io::Result<()> {
        self.writer.write_all(line.as_bytes())?;
        self.writer.write_all(b"\r\n")?;
        self.writer.flush()
    }

    fn send(&mut self, step: SmtpStep, line: &str) -> Result<(), SmtpError> {
        self.command(line)
            .map_err(|source| SmtpError::Io { step, source })
    }

    /// Reads a reply and requires its first digit to be `class`.
    fn expect(&mut self, step: SmtpStep, what: &str, class: u16) -> Result<Reply, SmtpError> {
        let r = self.reply(step)?;
        if r.code / 100 != class {
            return Err(rejected(step, what.into(), r));
        }
        Ok(r)
    }

    /// One reply (RFC 5321 §4.2): lines `NNN-text` continue, `NNN text` (or `NNN`) ends it.
    fn reply(&mut self, step: SmtpStep) -> Result<Reply, SmtpError> {
        let mut lines = Vec::new();
        let mut code = None;
        loop {
            let mut buf = Vec::new();
            let n = (&mut self.reader)
                .take(MAX_REPLY_LINE)
                .read_until(b'\n', &mut buf)
                .map_err(|source| SmtpError::Io { step, source })?;
            if n == 0 {
                return Err(SmtpError::Io {
                    step,
                    source: io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the relay closed the connection",
                    ),
                });
            }
            if buf.last() != Some(&b'\n') {
                return Err(protocol(
                    step,
                    format!("reply line longer than {MAX_REPLY_LINE} bytes"),
                ));
            }
            let line = buf
                .strip_suffix(b"\n")
                .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
                .unwrap_or(&buf);
            let text = String::from_utf8_lossy(line);
            let digits = line.get(..3).filter(|d| d.iter().all(u8::is_ascii_digit));
            let (Some(digits), sep) = (digits, line.get(3).copied()) else {
                return Err(protocol(step, format!("no reply code in {text:?}")));
            };
            let this = digits
                .iter()
                .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
            if !(200..600).contains(&this) {
                return Err(protocol(step, format!("reply code {this} out of range")));
            }
            if *code.get_or_insert(this) != this {
                return Err(protocol(
                    step,
                    format!("reply code changed within a reply: {text:?}"),
                ));
            }
            lines.push(text.get(4..).unwrap_or("").to_string());
            match sep {
                Some(b'-') => {
                    if lines.len() >= MAX_REPLY_LINES {
                        return Err(protocol(
                            step,
                            format!("more than {MAX_REPLY_LINES} reply lines"),
                        ));
                    }
                }
                None | Some(b' ') => return Ok(Reply { code: this, lines }),
                Some(_) => return Err(protocol(step, format!("malformed reply line {text:?}"))),
            }
        }
    }
}

fn protocol(step: SmtpStep, detail: String) -> SmtpError {
    SmtpError::Protocol { step, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_stuffing_after_any_line_end() {
        assert_eq!(dot_stuff(b""), b".\r\n");
        assert_eq!(dot_stuff(b".a\r\n"), b"..a\r\n.\r\n");
        assert_eq!(dot_stuff(b"a\r\n.\r\nb"), b"a\r\n..\r\nb\r\n.\r\n");
        assert_eq!(dot_stuff(b"a\n.\r\n"), b"a\n..\r\n.\r\n");
        assert_eq!(dot_stuff(b"a.b\n"), b"a.b\n.\r\n");
    }

    #[test]
    fn addresses_cannot_break_out_of_the_command() {
        assert!(check_address("", true).is_ok());
        assert!(check_address("", false).is_err());
        assert!(check_address("a@b>\r\nRCPT TO:<c@d", false).is_err());
        assert!(check_address("a@b> SIZE=1", false).is_err());
        assert!(check_address(&"a".repeat(300), false).is_err());
        assert!(check_address("조@example.kr", false).is_ok());
        assert_eq!(sanitize_helo(" gw\r\n.example "), "gw.example");
        assert_eq!(sanitize_helo(""), "localhost");
    }
}
