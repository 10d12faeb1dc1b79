//! Writing RFC 5322 / MIME messages: dates, encoded words, address lists, multipart bodies.
//!
//! Only what the scenario needs, written the way common Korean and international mailers write it:
//! non-ASCII display names and subjects as RFC 2047 "B" encoded words, attachment names as RFC 2231
//! `filename*` plus an encoded `name=` for older readers, CRLF line ends everywhere (RFC 5322 §2.1).

/// Standard base64 (RFC 4648 §4) with padding, on one line.
pub(crate) fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(A[(n >> 18) as usize & 63] as char);
        out.push(A[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// Base64 in lines of 76 characters (RFC 2045 §6.8), CRLF after each line.
pub(crate) fn base64_lines(data: &[u8]) -> String {
    let one = base64(data);
    let mut out = String::with_capacity(one.len() + one.len() / 38 + 2);
    for line in one.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or(""));
        out.push_str("\r\n");
    }
    out
}

/// `s` as header text: unchanged when ASCII, else RFC 2047 "B" encoded words of at most 75
/// characters (RFC 2047 §2), split on character boundaries and folded onto continuation lines.
pub(crate) fn encode_words(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    // 45 bytes of UTF-8 make 60 base64 characters: "=?UTF-8?B?" + 60 + "?=" = 72 <= 75.
    let mut words = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        let next = i + c.len_utf8();
        if next - start > 45 {
            words.push(&s[start..end]);
            start = end;
        }
        end = next;
    }
    words.push(&s[start..end]);
    words
        .iter()
        .map(|w| format!("=?UTF-8?B?{}?=", base64(w.as_bytes())))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// A mailbox: `Name <addr>`, the name quoted when it holds RFC 5322 specials (§3.2.3) and encoded when
/// it is not ASCII; the bare address when there is no name.
pub(crate) fn mailbox(name: &str, addr: &str) -> String {
    if name.is_empty() {
        return addr.to_string();
    }
    if !name.is_ascii() {
        return format!("{} <{addr}>", encode_words(name));
    }
    let special = name
        .chars()
        .any(|c| "()<>[]:;@\\,.\"".contains(c) || c == '|' || c == '&');
    if special {
        let q = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{q}\" <{addr}>")
    } else {
        format!("{name} <{addr}>")
    }
}

/// Address list, folded after commas (RFC 5322 §3.2.2 folding white space).
pub(crate) fn mailbox_list(list: &[(String, String)]) -> String {
    list.iter()
        .map(|(n, a)| mailbox(n, a))
        .collect::<Vec<_>>()
        .join(",\r\n ")
}

/// Days since 1970-01-01 of a civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count (inverse of [`days_from_civil`]).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Unix seconds of a wall-clock time in Korea (KST, UTC+9, no daylight saving).
pub(crate) fn kst(y: i64, m: u32, d: u32, hh: u32, mm: u32) -> i64 {
    days_from_civil(y, m, d) * 86_400 + i64::from(hh) * 3600 + i64::from(mm) * 60 - 9 * 3600
}

/// The wall-clock parts of `ts` at offset `tz_minutes`: (year, month, day, hour, minute, second, weekday 0=Sun).
pub(crate) fn wall(ts: i64, tz_minutes: i32) -> (i64, u32, u32, u32, u32, u32, usize) {
    let local = ts + i64::from(tz_minutes) * 60;
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let wd = (days + 4).rem_euclid(7) as usize;
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        (secs / 60 % 60) as u32,
        (secs % 60) as u32,
        wd,
    )
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
pub(crate) const MONTHS_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// RFC 5322 §3.3 date-time: `Tue, 03 Mar 2026 10:00:00 +0900`.
pub(crate) fn rfc5322_date(ts: i64, tz_minutes: i32) -> String {
    let (y, m, d, hh, mm, ss, wd) = wall(ts, tz_minutes);
    let sign = if tz_minutes < 0 { '-' } else { '+' };
    let off = tz_minutes.unsigned_abs();
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} {}{:02}{:02}",
        WEEKDAYS[wd],
        d,
        MONTHS[(m as usize).saturating_sub(1) % 12],
        y,
        hh,
        mm,
        ss,
        sign,
        off / 60,
        off % 60
    )
}

/// A file carried by a message.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub name: String,
    pub content_type: &'static str,
    pub data: Vec<u8>,
}

/// One message under construction. Header values given to [`Msg::header`] are written as given
/// (already encoded); the typed setters encode.
#[derive(Debug, Clone, Default)]
pub(crate) struct Msg {
    headers: Vec<(String, String)>,
    text: String,
    html: Option<String>,
    attachments: Vec<Attachment>,
    /// Send the text part as base64 rather than 8bit (Korean webmail and Outlook both do).
    base64_text: bool,
    /// Seed of the MIME boundaries, so that they are unique per message and stable.
    boundary: String,
}

impl Msg {
    pub(crate) fn new(boundary_noise: String) -> Self {
        Msg {
            boundary: boundary_noise,
            ..Msg::default()
        }
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub(crate) fn subject(self, s: &str) -> Self {
        let v = encode_words(s);
        self.header("Subject", v)
    }

    pub(crate) fn text(mut self, t: &str) -> Self {
        self.text = t.to_string();
        self
    }

    pub(crate) fn html(mut self, h: &str) -> Self {
        self.html = Some(h.to_string());
        self
    }

    pub(crate) fn attach(mut self, a: Attachment) -> Self {
        self.attachments.push(a);
        self
    }

    pub(crate) fn base64_text(mut self, yes: bool) -> Self {
        self.base64_text = yes;
        self
    }

    /// The message with CRLF line ends.
    pub(crate) fn build(&self) -> String {
        let mut out = String::new();
        for (n, v) in &self.headers {
            out.push_str(n);
            out.push_str(": ");
            out.push_str(v);
            out.push_str("\r\n");
        }
        out.push_str("MIME-Version: 1.0\r\n");
        let text_part = self.text_part();
        let body_part = match &self.html {
            None => text_part,
            Some(h) => {
                let b = format!("=_alt_{}", self.boundary);
                let mut s = format!(
                    "Content-Type: multipart/alternative; boundary=\"{b}\"\r\n\r\n--{b}\r\n"
                );
                s.push_str(&text_part);
                s.push_str(&format!("\r\n--{b}\r\n"));
                s.push_str("Content-Type: text/html; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
                s.push_str(&base64_lines(crlf(h).as_bytes()));
                s.push_str(&format!("--{b}--\r\n"));
                s
            }
        };
        if self.attachments.is_empty() {
            out.push_str(&body_part);
            return out;
        }
        let b = format!("=_mix_{}", self.boundary);
        out.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"{b}\"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n--{b}\r\n"
        ));
        out.push_str(&body_part);
        for a in &self.attachments {
            out.push_str(&format!("\r\n--{b}\r\n"));
            if a.name.is_ascii() {
                out.push_str(&format!(
                    "Content-Type: {}; name=\"{}\"\r\nContent-Disposition: attachment; filename=\"{}\"\r\n",
                    a.content_type, a.name, a.name
                ));
            } else {
                // RFC 2231 §4 for the file name; the encoded-word `name=` is what Outlook and Korean
                // webmail also write for readers that predate RFC 2231.
                out.push_str(&format!(
                    "Content-Type: {}; name=\"{}\"\r\nContent-Disposition: attachment;\r\n filename*=UTF-8''{}\r\n",
                    a.content_type,
                    encode_words(&a.name).replace("\r\n ", " "),
                    percent(&a.name)
                ));
            }
            out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
            out.push_str(&base64_lines(&a.data));
        }
        out.push_str(&format!("\r\n--{b}--\r\n"));
        out
    }

    fn text_part(&self) -> String {
        let body = crlf(&self.text);
        if self.base64_text {
            format!(
                "Content-Type: text/plain; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
                base64_lines(body.as_bytes())
            )
        } else {
            let mut s = format!(
                "Content-Type: text/plain; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: {}\r\n\r\n{}",
                if body.is_ascii() { "7bit" } else { "8bit" },
                body
            );
            if !s.ends_with("\r\n") {
                s.push_str("\r\n");
            }
            s
        }
    }
}

/// `\n` line ends to CRLF.
pub(crate) fn crlf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// RFC 2231 §4 / RFC 3986 percent-encoding of a UTF-8 value (attr-char kept).
fn percent(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn dates_round_trip_and_format() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            civil_from_days(days_from_civil(2026, 2, 28) + 1),
            (2026, 3, 1)
        );
        // The example of spearwatch-org's observe test: Tue, 3 Mar 2026 10:00 KST = 1772499600.
        let t = kst(2026, 3, 3, 10, 0);
        assert_eq!(t, 1_772_499_600);
        assert_eq!(rfc5322_date(t, 540), "Tue, 03 Mar 2026 10:00:00 +0900");
        assert_eq!(rfc5322_date(t, 480), "Tue, 03 Mar 2026 09:00:00 +0800");
        assert_eq!(rfc5322_date(t, -420), "Mon, 02 Mar 2026 18:00:00 -0700");
    }

    #[test]
    fn encoded_words_stay_short_and_names_are_quoted() {
        let long = "삼일세무회계 김민준 세무사 2026년 3분기 부가가치세 신고 자료 요청의 건";
        for w in encode_words(long).split("\r\n ") {
            assert!(w.len() <= 75, "{w}");
            assert!(w.starts_with("=?UTF-8?B?"));
        }
        assert_eq!(mailbox("Kim Minjun", "a@b.kr"), "Kim Minjun <a@b.kr>");
        assert_eq!(
            mailbox("Minjun Kim (Samil Tax)", "a@b.kr"),
            "\"Minjun Kim (Samil Tax)\" <a@b.kr>"
        );
        assert_eq!(mailbox("", "a@b.kr"), "a@b.kr");
        assert!(mailbox("김민준", "a@b.kr").starts_with("=?UTF-8?B?"));
    }
}
