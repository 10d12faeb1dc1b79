//! The values the quarantine stores and returns, entry ids, and the few header fields it indexes.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// Longest text kept for an indexed header field or the reason: RFC 5322 §2.1.1 caps a line at 998
/// characters; anything longer is cut (at a character boundary) rather than refused.
pub const MAX_FIELD: usize = 998;

/// The SMTP envelope as the MTA gave it (RFC 5321 §3.3): what a release replays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// `MAIL FROM` reverse-path without the angle brackets; empty for the null sender (`<>`).
    pub mail_from: String,
    /// `RCPT TO` forward-paths without the angle brackets.
    pub rcpts: Vec<String>,
    pub client_ip: Option<String>,
    pub helo: Option<String>,
    /// The MTA's queue id (Postfix `{i}` macro), for correlating with its logs.
    pub queue_id: Option<String>,
}

/// Where an entry is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Stored, waiting for a decision.
    Held,
    /// Re-injected to the relay; the file is kept until it expires.
    Released,
    /// The file was removed (by hand or by expiry); the row stays as a record.
    Deleted,
    /// The index has the entry but its file is gone (found on open): reported, never silently
    /// dropped.
    Lost,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Held => "held",
            State::Released => "released",
            State::Deleted => "deleted",
            State::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        match s {
            "held" => Some(State::Held),
            "released" => Some(State::Released),
            "deleted" => Some(State::Deleted),
            "lost" => Some(State::Lost),
            _ => None,
        }
    }

    /// Whether the entry's file should be on disk.
    pub fn has_file(self) -> bool {
        matches!(self, State::Held | State::Released)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One quarantined message as the index knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// `YYYYMMDDTHHMMSSZ-xxxxxxxx` (UTC time of receipt, 8 hex digits): sorts by time, and is the
    /// file name stem.
    pub id: String,
    /// Unix seconds.
    pub received_at: i64,
    pub verdict: String,
    pub score: f32,
    /// Summary of the top findings.
    pub reason: String,
    pub message_id: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
    /// Bytes of the raw message.
    pub size: u64,
    /// Lowercase hex SHA-256 of the raw message.
    pub sha256: String,
    pub envelope: Envelope,
    pub state: State,
    /// When it was released (kept after a later expiry or deletion).
    pub released_at: Option<i64>,
    /// When its file was removed.
    pub deleted_at: Option<i64>,
    /// When recovery found its file missing.
    pub lost_at: Option<i64>,
}

/// What the caller knows about a message it quarantines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewEntry {
    pub verdict: String,
    pub score: f32,
    pub reason: String,
    pub envelope: Envelope,
    /// Decoded header values from the engine's parse, when the caller has them. `None`: taken from
    /// the raw header as written (RFC 2047 encoded words are not decoded here).
    pub message_id: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
}

/// Which entries [`list`](crate::Quarantine::list) returns, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilter {
    pub state: Option<State>,
    /// Only entries received at or after this unix time.
    pub since: Option<i64>,
    /// At most this many (capped at [`MAX_LIST`]).
    pub limit: usize,
    pub offset: usize,
}

/// The largest page `list` returns.
pub const MAX_LIST: usize = 10_000;

impl Default for ListFilter {
    fn default() -> Self {
        ListFilter {
            state: None,
            since: None,
            limit: 100,
            offset: 0,
        }
    }
}

/// Whether `id` is exactly `YYYYMMDDTHHMMSSZ-xxxxxxxx` (lowercase hex). Only such ids ever become
/// part of a path, so `..`, `/`, NUL or an absolute path cannot reach the file system.
pub fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 25
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'Z'
        && b[16] == b'-'
        && b[17..]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

/// The id for a message received at `unix` seconds with 8 hex digits of `tag`.
pub(crate) fn make_id(unix: i64, tag: [u8; 4]) -> String {
    format!("{}-{}", utc_stamp(unix), hex::encode(tag))
}

/// `YYYYMMDDTHHMMSSZ` (ISO 8601 basic format, UTC).
pub(crate) fn utc_stamp(unix: i64) -> String {
    let c = spearwatch_core::time::civil(unix);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Unix seconds now (0 if the clock is before 1970).
pub(crate) fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Cuts `s` to at most [`MAX_FIELD`] bytes at a character boundary.
pub(crate) fn clip(mut s: String) -> String {
    if s.len() > MAX_FIELD {
        let mut end = MAX_FIELD;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// How much of the message is searched for the header section: a header larger than this is
/// hostile or broken, and the fields are then simply not indexed.
const HEADER_SCAN: usize = 256 * 1024;

/// The first Message-ID, From and Subject fields of the header section (RFC 5322 §2.2: unfolded,
/// §3.6), as written, lossily decoded as UTF-8 and clipped. Never fails: a field that is absent or
/// beyond [`HEADER_SCAN`] is `None`.
pub(crate) fn header_fields(raw: &[u8]) -> (Option<String>, Option<String>, Option<String>) {
    let head = &raw[..raw.len().min(HEADER_SCAN)];
    let (mut mid, mut from, mut subject) = (None, None, None);
    // Each logical field: a name line plus its continuation lines (RFC 5322 §2.2.3 folding).
    let mut current: Option<(usize, Vec<u8>)> = None;
    let store = |field: Option<(usize, Vec<u8>)>,
                 mid: &mut Option<String>,
                 from: &mut Option<String>,
                 subject: &mut Option<String>| {
        let Some((colon, bytes)) = field else { return };
        let name = bytes[..colon].trim_ascii();
        let slot = if name.eq_ignore_ascii_case(b"message-id") {
            mid
        } else if name.eq_ignore_ascii_case(b"from") {
            from
        } else if name.eq_ignore_ascii_case(b"subject") {
            subject
        } else {
            return;
        };
        if slot.is_none() {
            let value = String::from_utf8_lossy(bytes[colon + 1..].trim_ascii());
            *slot = Some(clip(value.into_owned()));
        }
    };
    for line in head.split_inclusive(|&b| b == b'\n') {
        let body = line
            .strip_suffix(b"\n")
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .unwrap_or(line);
        if body.is_empty() {
            break; // the empty line ends the header section (RFC 5322 §2.1)
        }
        if body[0] == b' ' || body[0] == b'\t' {
            if let Some((_, bytes)) = current.as_mut() {
                // Unfolding removes the CRLF only; the leading white space stays.
                if bytes.len() < HEADER_SCAN {
                    bytes.extend_from_slice(body);
                }
            }
            continue;
        }
        store(current.take(), &mut mid, &mut from, &mut subject);
        current = body
            .iter()
            .position(|&b| b == b':')
            .map(|colon| (colon, body.to_vec()));
    }
    store(current.take(), &mut mid, &mut from, &mut subject);
    (mid, from, subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_iso_basic() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        // 2026-11-24T20:15:00Z
        assert_eq!(utc_stamp(1_795_551_300), "20261124T201500Z");
        assert_eq!(utc_stamp(951_782_400), "20000229T000000Z");
        assert!(valid_id(&make_id(1_795_551_300, [0xde, 0xad, 0xbe, 0xef])));
    }

    #[test]
    fn ids_are_validated_strictly() {
        assert!(valid_id("20261124T201500Z-0123abcd"));
        for bad in [
            "",
            "../../etc/passwd",
            "20261124T201500Z-0123ABCD",
            "20261124T201500Z-0123abc",
            "20261124T201500Z-0123abcd0",
            "20261124T201500Z/0123abcd",
            "2026112xT201500Z-0123abcd",
            "20261124T201500Z-0123abc/",
            "20261124T201500Z-..23abcd",
            "20261124T201500Z-0123abc\0",
            "/0261124T201500Z-0123abcd",
        ] {
            assert!(!valid_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn header_fields_unfold_and_stop_at_the_body() {
        let raw = b"Received: x\r\nFrom: \"A\" <a@example.org>\r\nSubject: hello\r\n\tworld\r\nmessage-id:<1@x>\r\n\r\nSubject: not a header\r\n";
        let (mid, from, subject) = header_fields(raw);
        assert_eq!(mid.as_deref(), Some("<1@x>"));
        assert_eq!(from.as_deref(), Some("\"A\" <a@example.org>"));
        assert_eq!(subject.as_deref(), Some("hello\tworld"));
        let (mid, from, subject) = header_fields(b"no colon here\n\nFrom: x\n");
        assert_eq!((mid, from, subject), (None, None, None));
        let (_, _, subject) = header_fields(b"Subject: \xff\xfe\n");
        assert_eq!(subject.as_deref(), Some("\u{fffd}\u{fffd}"));
    }
}
