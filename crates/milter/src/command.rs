//! MTA-to-filter packets: [`Command`], the incremental [`Decoder`], and [`encode_command`] (what an
//! MTA sends, for tests and for tools that play the MTA's part).

use crate::proto::*;

/// One command from the MTA, with its fields parsed.
///
/// Text the MTA sends as C strings (host names, addresses, arguments, macros) is decoded as UTF-8,
/// invalid bytes replaced; header fields and body bytes are kept exactly, since they rebuild the
/// message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `O`: the MTA's protocol version, the actions it allows (`SMFIF_*`) and the protocol flags it
    /// offers (`SMFIP_*`).
    OptNeg {
        /// Protocol version (6 for Postfix ≥ 2.6 and Sendmail ≥ 8.14).
        version: u32,
        /// `SMFIF_*` actions the filter may request.
        actions: u32,
        /// `SMFIP_*` flags the MTA can honour.
        protocol: u32,
    },
    /// `D`: macros for the command `stage` (a command byte such as `b'C'`), as name/value pairs.
    /// Names are as sent: `j`, `i`, `{daemon_name}`.
    Macro {
        /// The command these macros belong to.
        stage: u8,
        /// Name/value pairs in the order sent.
        pairs: Vec<(String, String)>,
    },
    /// `C`: the SMTP client.
    Connect {
        /// Its host name (Postfix: `[address]` when the name is unknown).
        hostname: String,
        /// Address family and, for `Inet`/`Inet6`/`Unix`, port and address.
        family: Family,
        /// Client port (0 for a Unix socket, absent for an unknown family).
        port: Option<u16>,
        /// Client address as text (an IP, `IPv6:`-prefixed on Sendmail, or a socket path).
        address: Option<String>,
    },
    /// `H`: the HELO/EHLO argument.
    Helo(String),
    /// `M`: the MAIL FROM address (`<a@b>`) then its ESMTP arguments.
    Mail(Vec<String>),
    /// `R`: the RCPT TO address then its ESMTP arguments.
    Rcpt(Vec<String>),
    /// `T`: DATA.
    Data,
    /// `L`: one header field. The value is as sent: without the space after the colon unless
    /// `SMFIP_HDR_LEADSPC` was negotiated, continuation lines separated by `\n` (Postfix).
    Header {
        /// Field name, without the colon.
        name: Vec<u8>,
        /// Field value.
        value: Vec<u8>,
    },
    /// `N`: end of headers.
    EndOfHeaders,
    /// `B`: a body chunk (CRLF line ends, at most 64 KiB from Postfix).
    Body(Vec<u8>),
    /// `E`: end of body, with an optional last chunk (Postfix sends it empty).
    EndOfBody(Vec<u8>),
    /// `A`: abort the current message.
    Abort,
    /// `Q`: the filter connection ends.
    Quit,
    /// `K`: the SMTP connection ends, and a new one follows on this filter connection.
    QuitNewConnection,
    /// `U`: an SMTP command the MTA does not know, as the client sent it.
    Unknown(Vec<u8>),
}

/// The address family of a connecting client (`SMFIA_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `U`: unknown; no port or address follows.
    Unknown,
    /// `L`: a Unix-domain socket.
    Unix,
    /// `4`: IPv4.
    Inet,
    /// `6`: IPv6.
    Inet6,
}

impl Family {
    fn from_byte(b: u8) -> Option<Family> {
        match b {
            SMFIA_UNKNOWN => Some(Family::Unknown),
            SMFIA_UNIX => Some(Family::Unix),
            SMFIA_INET => Some(Family::Inet),
            SMFIA_INET6 => Some(Family::Inet6),
            _ => None,
        }
    }

    fn byte(self) -> u8 {
        match self {
            Family::Unknown => SMFIA_UNKNOWN,
            Family::Unix => SMFIA_UNIX,
            Family::Inet => SMFIA_INET,
            Family::Inet6 => SMFIA_INET6,
        }
    }
}

impl Command {
    /// The command byte (`SMFIC_*`).
    pub fn code(&self) -> u8 {
        match self {
            Command::OptNeg { .. } => SMFIC_OPTNEG,
            Command::Macro { .. } => SMFIC_MACRO,
            Command::Connect { .. } => SMFIC_CONNECT,
            Command::Helo(_) => SMFIC_HELO,
            Command::Mail(_) => SMFIC_MAIL,
            Command::Rcpt(_) => SMFIC_RCPT,
            Command::Data => SMFIC_DATA,
            Command::Header { .. } => SMFIC_HEADER,
            Command::EndOfHeaders => SMFIC_EOH,
            Command::Body(_) => SMFIC_BODY,
            Command::EndOfBody(_) => SMFIC_BODYEOB,
            Command::Abort => SMFIC_ABORT,
            Command::Quit => SMFIC_QUIT,
            Command::QuitNewConnection => SMFIC_QUIT_NC,
            Command::Unknown(_) => SMFIC_UNKNOWN,
        }
    }
}

/// Why bytes from the MTA could not be decoded.
///
/// [`TooLarge`](DecodeError::TooLarge) and [`EmptyPacket`](DecodeError::EmptyPacket) break the
/// framing: the decoder stays failed and returns the same error. The others concern one packet,
/// which is consumed; decoding can go on, though libmilter and Postfix close the connection on any
/// of them and so should a server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// A length of 0: every packet carries at least its command byte.
    #[error("milter packet with length 0 (no command byte)")]
    EmptyPacket,
    /// The length field is over the decoder's limit.
    #[error("milter packet of {len} bytes is over the limit of {max} bytes")]
    TooLarge {
        /// The announced length (command byte and data).
        len: u32,
        /// The limit on data bytes (the command byte not counted).
        max: usize,
    },
    /// A command byte that is not an `SMFIC_*` command.
    #[error("unknown milter command byte 0x{0:02x}")]
    UnknownCommand(u8),
    /// A field is missing, short, or not NUL-terminated.
    #[error("malformed milter command '{}': {what}", char::from(*command))]
    Malformed {
        /// The command byte.
        command: u8,
        /// What was wrong.
        what: &'static str,
    },
}

/// Incremental decoder: [`feed`](Decoder::feed) bytes as they arrive, then pull
/// [`next_command`](Decoder::next_command) until it gives `Ok(None)`.
///
/// A packet's length is checked as soon as its 4-byte header is in, so an oversized packet fails
/// before its data is buffered. The buffer holds at most one partial packet plus what was fed
/// since the last drain.
#[derive(Debug)]
pub struct Decoder {
    buf: Vec<u8>,
    pos: usize,
    max_data: usize,
    failed: Option<DecodeError>,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    /// The default limit on a packet's data: 1 MiB. Postfix sends body chunks of at most 64 KiB
    /// (`MILTER_CHUNK_SIZE`), Sendmail at most 1 MiB − 1 when `SMFIP_MDS_1M` is negotiated; the
    /// largest other packets are macro lists and header fields.
    pub const DEFAULT_MAX_DATA: usize = 1 << 20;

    /// A decoder with the default limit.
    pub fn new() -> Decoder {
        Decoder::with_max_data(Decoder::DEFAULT_MAX_DATA)
    }

    /// A decoder accepting packets of at most `max_data` data bytes (the command byte and the
    /// 4-byte length not counted).
    pub fn with_max_data(max_data: usize) -> Decoder {
        Decoder {
            buf: Vec::new(),
            pos: 0,
            max_data,
            failed: None,
        }
    }

    /// Append bytes received from the MTA.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes fed but not yet decoded (a partial packet when the connection ends mid-packet).
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// The next complete command, `Ok(None)` when more bytes are needed.
    pub fn next_command(&mut self) -> Result<Option<Command>, DecodeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let avail = &self.buf[self.pos..];
        let Some(header) = avail.first_chunk::<4>() else {
            return Ok(None);
        };
        let len = u32::from_be_bytes(*header);
        if len == 0 {
            return Err(self.fail(DecodeError::EmptyPacket));
        }
        // `len` counts the command byte; compare in u64 so no platform's usize can overflow.
        if u64::from(len) - 1 > self.max_data as u64 {
            return Err(self.fail(DecodeError::TooLarge {
                len,
                max: self.max_data,
            }));
        }
        let total = 4 + len as usize;
        if avail.len() < total {
            return Ok(None);
        }
        let code = avail[4];
        let data = &avail[5..total];
        let parsed = parse(code, data);
        self.pos += total;
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        parsed.map(Some)
    }

    fn fail(&mut self, e: DecodeError) -> DecodeError {
        self.failed = Some(e.clone());
        self.buf = Vec::new();
        self.pos = 0;
        e
    }
}

/// A cursor over one packet's data.
struct Fields<'a> {
    code: u8,
    data: &'a [u8],
}

impl<'a> Fields<'a> {
    fn err(&self, what: &'static str) -> DecodeError {
        DecodeError::Malformed {
            command: self.code,
            what,
        }
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let (v, rest) = self.data.split_first_chunk::<4>().ok_or(self.err(what))?;
        self.data = rest;
        Ok(u32::from_be_bytes(*v))
    }

    fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        let (v, rest) = self.data.split_first_chunk::<2>().ok_or(self.err(what))?;
        self.data = rest;
        Ok(u16::from_be_bytes(*v))
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        let (v, rest) = self.data.split_first().ok_or(self.err(what))?;
        self.data = rest;
        Ok(*v)
    }

    /// A NUL-terminated string, without its NUL.
    fn cstr(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let end = self
            .data
            .iter()
            .position(|&b| b == 0)
            .ok_or(self.err(what))?;
        let s = &self.data[..end];
        self.data = &self.data[end + 1..];
        Ok(s)
    }

    /// All remaining data as NUL-terminated strings.
    fn cstrs(&mut self, what: &'static str) -> Result<Vec<&'a [u8]>, DecodeError> {
        let mut out = Vec::new();
        while !self.data.is_empty() {
            out.push(self.cstr(what)?);
        }
        Ok(out)
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Parse one packet (`mfdef.h` for the layouts; trailing bytes after the last field are ignored, as
/// libmilter does for fixed-layout commands).
fn parse(code: u8, data: &[u8]) -> Result<Command, DecodeError> {
    let mut f = Fields { code, data };
    Ok(match code {
        SMFIC_OPTNEG => Command::OptNeg {
            version: f.u32("truncated version")?,
            actions: f.u32("truncated actions")?,
            protocol: f.u32("truncated protocol flags")?,
        },
        SMFIC_MACRO => {
            let stage = f.u8("missing macro stage")?;
            let strings = f.cstrs("unterminated macro name or value")?;
            if strings.len() % 2 != 0 {
                return Err(f.err("macro name without a value"));
            }
            let pairs = strings
                .chunks_exact(2)
                .map(|p| (text(p[0]), text(p[1])))
                .collect();
            Command::Macro { stage, pairs }
        }
        SMFIC_CONNECT => {
            let hostname = text(f.cstr("unterminated host name")?);
            let family =
                Family::from_byte(f.u8("missing address family")?).ok_or(f.err("bad family"))?;
            let (port, address) = if family == Family::Unknown {
                (None, None)
            } else {
                let port = f.u16("truncated port")?;
                let address = text(f.cstr("unterminated address")?);
                (Some(port), Some(address))
            };
            Command::Connect {
                hostname,
                family,
                port,
                address,
            }
        }
        SMFIC_HELO => Command::Helo(text(f.cstr("unterminated HELO name")?)),
        SMFIC_MAIL | SMFIC_RCPT => {
            let args: Vec<String> = f
                .cstrs("unterminated address or argument")?
                .into_iter()
                .map(text)
                .collect();
            if args.is_empty() {
                return Err(f.err("missing address"));
            }
            if code == SMFIC_MAIL {
                Command::Mail(args)
            } else {
                Command::Rcpt(args)
            }
        }
        SMFIC_HEADER => Command::Header {
            name: f.cstr("unterminated header name")?.to_vec(),
            value: f.cstr("unterminated header value")?.to_vec(),
        },
        SMFIC_BODY => Command::Body(data.to_vec()),
        SMFIC_BODYEOB => Command::EndOfBody(data.to_vec()),
        SMFIC_UNKNOWN => Command::Unknown(f.cstr("unterminated command")?.to_vec()),
        SMFIC_DATA => Command::Data,
        SMFIC_EOH => Command::EndOfHeaders,
        SMFIC_ABORT => Command::Abort,
        SMFIC_QUIT => Command::Quit,
        SMFIC_QUIT_NC => Command::QuitNewConnection,
        other => return Err(DecodeError::UnknownCommand(other)),
    })
}

/// Write `bytes` then a NUL, leaving out any NUL inside (it would end the field early).
pub(crate) fn put_cstr(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend(bytes.iter().copied().filter(|&b| b != 0));
    out.push(0);
}

/// Write one packet: 4-byte big-endian length of command byte plus data, command byte, data.
pub(crate) fn put_packet(out: &mut Vec<u8>, code: u8, data: &[u8]) {
    // Callers keep data far below 4 GiB (chunks of 64 KiB, fields of one message); saturate rather
    // than wrap if one ever does not.
    let len = u32::try_from(data.len() + 1).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.push(code);
    out.extend_from_slice(data);
}

/// Encode `command` as the MTA would send it (strings NUL-terminated, NULs inside them left out).
/// Decoding the output gives back any command the [`Decoder`] can produce (not, say, a `Mail`
/// without arguments, which it refuses).
pub fn encode_command(command: &Command, out: &mut Vec<u8>) {
    let mut d = Vec::new();
    match command {
        Command::OptNeg {
            version,
            actions,
            protocol,
        } => {
            d.extend_from_slice(&version.to_be_bytes());
            d.extend_from_slice(&actions.to_be_bytes());
            d.extend_from_slice(&protocol.to_be_bytes());
        }
        Command::Macro { stage, pairs } => {
            d.push(*stage);
            for (n, v) in pairs {
                put_cstr(&mut d, n.as_bytes());
                put_cstr(&mut d, v.as_bytes());
            }
        }
        Command::Connect {
            hostname,
            family,
            port,
            address,
        } => {
            put_cstr(&mut d, hostname.as_bytes());
            d.push(family.byte());
            if *family != Family::Unknown {
                d.extend_from_slice(&port.unwrap_or(0).to_be_bytes());
                put_cstr(&mut d, address.as_deref().unwrap_or("").as_bytes());
            }
        }
        Command::Helo(h) => put_cstr(&mut d, h.as_bytes()),
        Command::Mail(args) | Command::Rcpt(args) => {
            for a in args {
                put_cstr(&mut d, a.as_bytes());
            }
        }
        Command::Header { name, value } => {
            put_cstr(&mut d, name);
            put_cstr(&mut d, value);
        }
        Command::Body(b) | Command::EndOfBody(b) => d.extend_from_slice(b),
        Command::Unknown(c) => put_cstr(&mut d, c),
        Command::Data
        | Command::EndOfHeaders
        | Command::Abort
        | Command::Quit
        | Command::QuitNewConnection => {}
    }
    put_packet(out, command.code(), &d);
}
