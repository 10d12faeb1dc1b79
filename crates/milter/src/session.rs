//! The per-connection state machine: [`Session`] turns [`Command`]s into [`Step`]s, collects the
//! message, and turns the caller's verdict ([`Action`]s) into end-of-body [`Response`]s.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::command::{Command, Family};
use crate::proto::*;
use crate::response::Response;

/// Limits of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The most bytes of a message (headers, blank line, body) kept for the scan. Past it the
    /// session stops collecting, marks the envelope [`truncated`](Envelope::truncated) and goes on
    /// answering "continue": the MTA still has the whole message.
    pub max_message_bytes: usize,
    /// The most bytes of recipients, MAIL arguments and macros (names and values) kept per message,
    /// and of macros per connection. Beyond it new entries are dropped and the envelope is marked
    /// [`envelope_truncated`](Envelope::envelope_truncated).
    pub max_envelope_bytes: usize,
}

impl Config {
    /// Default message limit: 64 MiB, the same as the scanner's own input limit.
    pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 << 20;
    /// Default envelope limit: 1 MiB (Postfix's default of 1,000 recipients of at most 256 bytes
    /// each fits four times).
    pub const DEFAULT_MAX_ENVELOPE_BYTES: usize = 1 << 20;
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_message_bytes: Config::DEFAULT_MAX_MESSAGE_BYTES,
            max_envelope_bytes: Config::DEFAULT_MAX_ENVELOPE_BYTES,
        }
    }
}

/// What option negotiation settled on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated {
    /// Protocol version: the lower of the MTA's and 6.
    pub version: u32,
    /// `SMFIF_*` actions: [`WANTED_ACTIONS`] the MTA allows.
    pub actions: u32,
    /// `SMFIP_*` flags: [`WANTED_PROTOCOL`] the MTA offers.
    pub protocol: u32,
}

/// What the caller does after [`Session::handle`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send these responses (normally one [`Response::Continue`]).
    Reply(Vec<Response>),
    /// Send nothing: the command needs no reply (macros, abort) or a no-reply flag was negotiated.
    None,
    /// End of body: scan the message, then send what [`Session::finish`] returns.
    Scan(Box<Envelope>),
    /// Close the connection (quit, or a command that makes no sense in this state).
    Close,
}

/// A complete message and its SMTP context, handed over at end of body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope {
    /// The client's IP address (none for a Unix socket or an unknown family).
    pub client_ip: Option<IpAddr>,
    /// The client's port (none for an unknown family).
    pub client_port: Option<u16>,
    /// The client's host name as the MTA resolved it (Postfix: `[address]` when unknown).
    pub client_name: String,
    /// The HELO/EHLO argument.
    pub helo: String,
    /// MAIL FROM without angle brackets; empty for the null sender `<>`.
    pub mail_from: String,
    /// MAIL FROM's ESMTP arguments (`SIZE=…`, `BODY=8BITMIME`).
    pub mail_args: Vec<String>,
    /// RCPT TO addresses without angle brackets, in order.
    pub rcpts: Vec<String>,
    /// The MTA's queue id (macro `i`), when the MTA sent it.
    pub queue_id: Option<String>,
    /// Every macro of the connection and the message, names as sent (`j`, `{daemon_name}`); a
    /// message macro wins over a connection macro of the same name.
    pub macros: BTreeMap<String, String>,
    /// The message: header lines (`Name: value\r\n`), a blank line, the body.
    pub raw: Vec<u8>,
    /// `raw` was cut at [`Config::max_message_bytes`].
    pub truncated: bool,
    /// Some recipients or macros were dropped at [`Config::max_envelope_bytes`].
    pub envelope_truncated: bool,
}

impl Envelope {
    /// A macro by name, written either way: `auth_authen` finds `{auth_authen}` and `i` finds `{i}`.
    pub fn macro_value(&self, name: &str) -> Option<&str> {
        lookup(&self.macros, name)
    }
}

fn lookup<'a>(map: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    let bare = name.trim_start_matches('{').trim_end_matches('}');
    map.get(bare)
        .or_else(|| map.get(&format!("{{{bare}}}")))
        .map(String::as_str)
}

/// The verdict's effect on the message, turned into responses by [`Session::finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Append a header (needs `SMFIF_ADDHDRS`). CR, LF and NUL in the value become spaces.
    AddHeader {
        /// Field name; characters not allowed in a field name (RFC 5322 §3.6.8) are left out.
        name: String,
        /// Field value, without the leading space.
        value: String,
    },
    /// Put a tag in front of the Subject (`[SUSPICIOUS] original`): a change of the first Subject
    /// (needs `SMFIF_CHGHDRS`), or a new Subject holding only the tag when there is none (needs
    /// `SMFIF_ADDHDRS`). Nothing when the Subject already starts with the tag.
    PrefixSubject(String),
    /// Quarantine with this reason (needs `SMFIF_QUARANTINE`; Postfix: the hold queue).
    Quarantine(String),
    /// Reject with this SMTP reply: `code` a 5xx (else 550), `xcode` an RFC 3463 `5.x.y` (else
    /// 5.7.1).
    Reject {
        /// Reply code, `550`.
        code: String,
        /// Enhanced status code, `5.7.1`.
        xcode: String,
        /// Reply text.
        text: String,
    },
    /// Temporary failure, `451 4.3.0 text` (RFC 3463 §3.4: X.3.0, other mail system status — the
    /// scanner could not decide).
    Tempfail {
        /// Reply text.
        text: String,
    },
    /// Accept: the modifications, then "continue". Also what happens when no final action is given.
    Accept,
    /// Accept and throw away (SMFIR_DISCARD): the MTA tells the client the message was taken and
    /// delivers nothing. For a message the filter has kept itself (spearwatch's own quarantine,
    /// written durably before this reply).
    Discard,
}

impl Action {
    /// A reject with `550 5.7.1` (RFC 3463 §3.8: X.7.1, delivery not authorized, message refused).
    pub fn reject(text: impl Into<String>) -> Action {
        Action::Reject {
            code: "550".into(),
            xcode: "5.7.1".into(),
            text: text.into(),
        }
    }
}

/// Bounded name → value map of macros.
#[derive(Debug, Default)]
struct Macros {
    map: BTreeMap<String, String>,
    bytes: usize,
    dropped: bool,
}

impl Macros {
    fn set(&mut self, name: String, value: String, budget: usize) {
        let old = self.map.get(&name).map_or(0, |v| name.len() + v.len());
        let new = self.bytes - old + name.len() + value.len();
        if new > budget {
            self.dropped = true;
            return;
        }
        self.bytes = new;
        self.map.insert(name, value);
    }
}

/// What lasts for the SMTP connection.
#[derive(Debug, Default)]
struct Conn {
    client_ip: Option<IpAddr>,
    client_port: Option<u16>,
    client_name: String,
    helo: String,
    macros: Macros,
}

/// What lasts for one message.
#[derive(Debug, Default)]
struct Msg {
    mail_from: String,
    mail_args: Vec<String>,
    rcpts: Vec<String>,
    /// Bytes of `mail_args` and `rcpts`, against the envelope budget (with the macros).
    list_bytes: usize,
    envelope_truncated: bool,
    macros: Macros,
    raw: Vec<u8>,
    /// The blank line between headers and body has been written.
    in_body: bool,
    truncated: bool,
    /// The first Subject's value as the MTA sent it (kept even past the size limit).
    subject: Option<Vec<u8>>,
}

/// One milter connection: feed it every decoded [`Command`] with [`handle`](Session::handle), send
/// what each [`Step`] says, and answer [`Step::Scan`] with [`finish`](Session::finish).
#[derive(Debug, Default)]
pub struct Session {
    config: Config,
    negotiated: Option<Negotiated>,
    conn: Conn,
    msg: Msg,
    /// End of body was handed out and [`Session::finish`] not yet called.
    awaiting_finish: bool,
    closed: bool,
}

const CRLF: &[u8] = b"\r\n";

impl Session {
    /// A new session for one filter connection.
    pub fn new(config: Config) -> Session {
        Session {
            config,
            ..Session::default()
        }
    }

    /// What negotiation settled on, once the MTA's `O` came.
    pub fn negotiated(&self) -> Option<Negotiated> {
        self.negotiated
    }

    /// Whether [`finish`](Session::finish) will carry out `action` (the MTA may not have allowed
    /// every action asked for); final actions are always carried out.
    pub fn permits(&self, action: &Action) -> bool {
        let actions = self.negotiated.map_or(0, |n| n.actions);
        match action {
            Action::AddHeader { .. } => actions & SMFIF_ADDHDRS != 0,
            Action::PrefixSubject(_) if self.msg.subject.is_some() => actions & SMFIF_CHGHDRS != 0,
            Action::PrefixSubject(_) => actions & SMFIF_ADDHDRS != 0,
            Action::Quarantine(_) => actions & SMFIF_QUARANTINE != 0,
            Action::Reject { .. } | Action::Tempfail { .. } | Action::Accept | Action::Discard => {
                true
            }
        }
    }

    fn protocol(&self) -> u32 {
        self.negotiated.map_or(0, |n| n.protocol)
    }

    fn leadspc(&self) -> bool {
        self.protocol() & SMFIP_HDR_LEADSPC != 0
    }

    /// "Continue", unless the no-reply flag `nr` was negotiated.
    fn reply(&self, nr: u32) -> Step {
        if self.protocol() & nr != 0 {
            Step::None
        } else {
            Step::Reply(vec![Response::Continue])
        }
    }

    /// Take one command and say what to send.
    pub fn handle(&mut self, command: Command) -> Step {
        if self.closed {
            return Step::Close;
        }
        if self.awaiting_finish {
            // The MTA waits for the end-of-body reply; only giving up on the message is in order.
            return match command {
                Command::Abort => {
                    self.awaiting_finish = false;
                    self.msg = Msg::default();
                    Step::None
                }
                // Quit, or anything else: the peers are out of step.
                _ => self.close(),
            };
        }
        match command {
            Command::OptNeg {
                version,
                actions,
                protocol,
            } => {
                if version < MIN_VERSION {
                    return self.close();
                }
                let n = Negotiated {
                    version: version.min(VERSION),
                    actions: actions & WANTED_ACTIONS,
                    protocol: protocol & WANTED_PROTOCOL,
                };
                self.negotiated = Some(n);
                self.conn = Conn::default();
                self.msg = Msg::default();
                Step::Reply(vec![Response::OptNeg {
                    version: n.version,
                    actions: n.actions,
                    protocol: n.protocol,
                }])
            }
            Command::Macro { stage, pairs } => {
                // Connect and HELO macros describe the connection; the others (MAIL, RCPT, DATA,
                // headers, body, end of message) the message, and go with it on abort or finish.
                let (macros, budget) = if stage == SMFIC_CONNECT || stage == SMFIC_HELO {
                    (&mut self.conn.macros, self.config.max_envelope_bytes)
                } else {
                    let budget = self.config.max_envelope_bytes;
                    (
                        &mut self.msg.macros,
                        budget.saturating_sub(self.msg.list_bytes),
                    )
                };
                for (name, value) in pairs {
                    macros.set(name, value, budget);
                }
                Step::None
            }
            Command::Connect {
                hostname,
                family,
                port,
                address,
            } => {
                // The connect macros came just before; keep them.
                let macros = std::mem::take(&mut self.conn.macros);
                self.conn = Conn {
                    client_ip: match family {
                        Family::Inet | Family::Inet6 => address.as_deref().and_then(parse_ip),
                        Family::Unix | Family::Unknown => None,
                    },
                    client_port: port,
                    client_name: hostname,
                    helo: String::new(),
                    macros,
                };
                self.msg = Msg::default();
                self.reply(SMFIP_NR_CONN)
            }
            Command::Helo(helo) => {
                self.conn.helo = helo;
                self.reply(SMFIP_NR_HELO)
            }
            Command::Mail(args) => {
                // A new transaction; the MAIL macros came just before, keep them.
                let macros = std::mem::take(&mut self.msg.macros);
                self.msg = Msg {
                    macros,
                    ..Msg::default()
                };
                let mut args = args.into_iter();
                self.msg.mail_from = strip_angle(&args.next().unwrap_or_default()).to_owned();
                for a in args {
                    if self.fits_list(a.len()) {
                        self.msg.mail_args.push(a);
                    }
                }
                self.reply(SMFIP_NR_MAIL)
            }
            Command::Rcpt(args) => {
                // Only the address: RCPT's ESMTP arguments (NOTIFY, ORCPT) say nothing to a scan.
                let rcpt = strip_angle(args.first().map_or("", String::as_str)).to_owned();
                if self.fits_list(rcpt.len()) {
                    self.msg.rcpts.push(rcpt);
                }
                self.reply(SMFIP_NR_RCPT)
            }
            Command::Data => self.reply(SMFIP_NR_DATA),
            Command::Header { name, value } => {
                self.add_header(&name, &value);
                self.reply(SMFIP_NR_HDR)
            }
            Command::EndOfHeaders => {
                self.end_headers();
                self.reply(SMFIP_NR_EOH)
            }
            Command::Body(chunk) => {
                self.end_headers();
                self.push_raw(&chunk);
                self.reply(SMFIP_NR_BODY)
            }
            Command::EndOfBody(chunk) => {
                self.end_headers();
                self.push_raw(&chunk);
                self.awaiting_finish = true;
                Step::Scan(Box::new(self.envelope()))
            }
            Command::Abort => {
                self.msg = Msg::default();
                Step::None
            }
            Command::Quit => self.close(),
            Command::QuitNewConnection => {
                // Same filter connection and negotiation, new SMTP connection.
                self.conn = Conn::default();
                self.msg = Msg::default();
                Step::None
            }
            Command::Unknown(_) => self.reply(SMFIP_NR_UNKN),
        }
    }

    fn close(&mut self) -> Step {
        self.closed = true;
        self.msg = Msg::default();
        Step::Close
    }

    /// Whether `len` more bytes of recipients/arguments fit the envelope budget; marks the
    /// envelope truncated when not.
    fn fits_list(&mut self, len: usize) -> bool {
        let used = self.msg.list_bytes + self.msg.macros.bytes;
        if used + len > self.config.max_envelope_bytes {
            self.msg.envelope_truncated = true;
            return false;
        }
        self.msg.list_bytes += len;
        true
    }

    /// Append to the message, up to the size limit.
    fn push_raw(&mut self, bytes: &[u8]) {
        let raw = &mut self.msg.raw;
        let room = self.config.max_message_bytes.saturating_sub(raw.len());
        let take = room.min(bytes.len());
        if take < bytes.len() {
            self.msg.truncated = true;
        }
        if take == 0 {
            return;
        }
        // Grow by doubling, but never past the limit.
        let need = raw.len() + take;
        if raw.capacity() < need {
            let want = (raw.capacity() * 2)
                .max(need)
                .min(self.config.max_message_bytes);
            raw.reserve_exact(want - raw.len());
        }
        raw.extend_from_slice(&bytes[..take]);
    }

    fn add_header(&mut self, name: &[u8], value: &[u8]) {
        if self.msg.subject.is_none() && name.eq_ignore_ascii_case(b"Subject") {
            self.msg.subject = Some(value.to_vec());
        }
        if self.msg.in_body {
            // A header after the body started: not part of the header block any more.
            return;
        }
        let mut line = Vec::with_capacity(name.len() + value.len() + 4);
        line.extend_from_slice(name);
        line.push(b':');
        // Without SMFIP_HDR_LEADSPC the MTA ate one space after the colon (Postfix: "Sendmail
        // compatibility", milter8.c); put it back, except before an empty value or a line break.
        if !self.leadspc() && !matches!(value.first(), None | Some(b'\r' | b'\n')) {
            line.push(b' ');
        }
        // Continuation lines come separated by a bare LF (milter8.c: "Sendmail 8 sends multi-line
        // headers as text separated by newline"); the message on the wire has CRLF.
        let mut prev = 0u8;
        for &b in value {
            if b == b'\n' && prev != b'\r' {
                line.push(b'\r');
            }
            line.push(b);
            prev = b;
        }
        line.extend_from_slice(CRLF);
        self.push_raw(&line);
    }

    /// Write the blank line ending the header block, once.
    fn end_headers(&mut self) {
        if !self.msg.in_body {
            self.msg.in_body = true;
            self.push_raw(CRLF);
        }
    }

    fn envelope(&mut self) -> Envelope {
        let mut macros = self.conn.macros.map.clone();
        macros.extend(
            self.msg
                .macros
                .map
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        let queue_id = lookup(&macros, "i").map(str::to_owned);
        Envelope {
            client_ip: self.conn.client_ip,
            client_port: self.conn.client_port,
            client_name: self.conn.client_name.clone(),
            helo: self.conn.helo.clone(),
            mail_from: self.msg.mail_from.clone(),
            mail_args: self.msg.mail_args.clone(),
            rcpts: self.msg.rcpts.clone(),
            queue_id,
            macros,
            raw: std::mem::take(&mut self.msg.raw),
            truncated: self.msg.truncated,
            envelope_truncated: self.msg.envelope_truncated
                || self.msg.macros.dropped
                || self.conn.macros.dropped,
        }
    }

    /// The end-of-body responses for `actions`, in protocol order: modifications first, then the
    /// final reply. The final reply is the first of reject, tempfail, accept present, in that order
    /// of precedence, and "continue" when none is; a reject or tempfail drops the modifications
    /// (the message is not taken). Modifications the MTA did not allow are left out (see
    /// [`permits`](Session::permits)).
    ///
    /// Returns nothing when no [`Step::Scan`] is waiting for an answer (after an abort, or twice).
    /// The session is then ready for the next message on the connection.
    pub fn finish(&mut self, actions: &[Action]) -> Vec<Response> {
        if !self.awaiting_finish {
            return Vec::new();
        }
        self.awaiting_finish = false;
        let reject = actions.iter().find_map(|a| match a {
            Action::Reject { code, xcode, text } => {
                Some(reply_line(b'5', code, xcode, text, ("550", "5.7.1")))
            }
            _ => None,
        });
        let tempfail = actions.iter().find_map(|a| match a {
            Action::Tempfail { text } => Some(reply_line(b'4', "", "", text, ("451", "4.3.0"))),
            _ => None,
        });
        let discard = actions.iter().any(|a| matches!(a, Action::Discard));
        let out = match reject.or(tempfail) {
            Some(line) => vec![Response::ReplyCode(line)],
            None if discard => vec![Response::Discard],
            None => {
                let mut out: Vec<Response> = actions
                    .iter()
                    .filter_map(|a| self.modification(a))
                    .collect();
                out.push(Response::Continue);
                out
            }
        };
        self.msg = Msg::default();
        out
    }

    fn modification(&self, action: &Action) -> Option<Response> {
        if !self.permits(action) {
            return None;
        }
        match action {
            Action::AddHeader { name, value } => {
                let name = header_name(name)?;
                Some(Response::AddHeader {
                    name,
                    value: self.header_value(clean(value).as_bytes()),
                })
            }
            Action::PrefixSubject(tag) => {
                let tag = clean(tag);
                let tag = tag.trim();
                if tag.is_empty() {
                    return None;
                }
                match &self.msg.subject {
                    None => Some(Response::AddHeader {
                        name: "Subject".into(),
                        value: self.header_value(tag.as_bytes()),
                    }),
                    Some(old) => {
                        let split = old
                            .iter()
                            .position(|b| !matches!(b, b' ' | b'\t'))
                            .unwrap_or(old.len());
                        let (lead, rest) = old.split_at(split);
                        if rest.starts_with(tag.as_bytes()) {
                            return None;
                        }
                        let mut value = Vec::with_capacity(old.len() + tag.len() + 2);
                        if self.leadspc() {
                            // The value goes back as is: keep the original whitespace (a space
                            // if there was none).
                            value.extend_from_slice(if lead.is_empty() { b" " } else { lead });
                        }
                        value.extend_from_slice(tag.as_bytes());
                        if !rest.is_empty() {
                            value.push(b' ');
                            value.extend_from_slice(rest);
                        }
                        Some(Response::ChangeHeader {
                            index: 1,
                            name: "Subject".into(),
                            value,
                        })
                    }
                }
            }
            Action::Quarantine(reason) => Some(Response::Quarantine(clean(reason))),
            Action::Reject { .. } | Action::Tempfail { .. } | Action::Accept | Action::Discard => {
                None
            }
        }
    }

    /// A header value as the MTA wants it: with SMFIP_HDR_LEADSPC the MTA adds no space after the
    /// colon, so the value brings its own (milter8.c `MILTER8_HDR_SPACE`).
    fn header_value(&self, value: &[u8]) -> Vec<u8> {
        let mut v = Vec::with_capacity(value.len() + 1);
        if self.leadspc() && !matches!(value.first(), Some(b' ' | b'\t')) {
            v.push(b' ');
        }
        v.extend_from_slice(value);
        v
    }
}

/// `<a@b>` → `a@b`; `<>` → empty.
fn strip_angle(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(t)
}

/// A client address as Postfix (`192.0.2.1`, `2001:db8::1`) or Sendmail (`IPv6:2001:db8::1`)
/// sends it, brackets tolerated.
fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    let s = s
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(s);
    let s = match s.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("ipv6:") => &s[5..],
        _ => s,
    };
    s.parse().ok()
}

/// CR, LF and NUL would break a header or a reply; they become spaces.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '\r' | '\n' | '\0') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// A field name keeps printable US-ASCII but the colon (RFC 5322 §3.6.8 `ftext`); none is left →
/// no header.
fn header_name(name: &str) -> Option<String> {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_graphic() && *c != ':')
        .collect();
    (!n.is_empty()).then_some(n)
}

/// The longest reply text kept: RFC 5321 §4.5.3.1.5 limits a reply line to 512 octets with code
/// and CRLF.
const MAX_REPLY_TEXT: usize = 450;

/// `"550 5.7.1 text"` from parts: the code must be three digits of `class`, the enhanced code an
/// RFC 3463 `class.subject.detail` (else the defaults); the text printable US-ASCII (RFC 5321 §4.2,
/// others become `?` or spaces) with `%` doubled, because Sendmail uses the reply as a format
/// string (Postfix undoes the doubling, milter8.c `SMFIR_REPLYCODE`).
fn reply_line(
    class: u8,
    code: &str,
    xcode: &str,
    text: &str,
    (default_code, default_xcode): (&str, &str),
) -> String {
    let code_ok =
        code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) && code.as_bytes()[0] == class;
    let parts: Vec<&str> = xcode.split('.').collect();
    let xcode_ok = parts.len() == 3
        && parts[0].as_bytes() == [class]
        && parts[1..]
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    let mut line = format!(
        "{} {}",
        if code_ok { code } else { default_code },
        if xcode_ok { xcode } else { default_xcode }
    );
    let mut body = String::new();
    for c in text.trim().chars() {
        if body.len() >= MAX_REPLY_TEXT {
            break;
        }
        match c {
            '%' => body.push_str("%%"),
            ' '..='~' => body.push(c),
            c if c.is_control() => body.push(' '),
            _ => body.push('?'),
        }
    }
    if !body.is_empty() {
        line.push(' ');
        line.push_str(&body);
    }
    line
}
