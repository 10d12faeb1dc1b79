//! RFC 3339 timestamps (STIX `valid_until`, STIX 2.1 §3.2) to Unix seconds.

/// `2026-01-31T12:00:00Z`, with optional fraction and `+hh:mm` offset; also a bare date. `None` for
/// anything else.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    if b.len() == 10 {
        return Some(secs);
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 19 || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    secs += hh * 3600 + mm * 60 + ss;
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[n..];
    }
    match rest {
        "Z" | "z" | "" => Some(secs),
        off if off.len() == 6 && (off.starts_with('+') || off.starts_with('-')) => {
            let oh: i64 = off.get(1..3)?.parse().ok()?;
            let om: i64 = off.get(4..6)?.parse().ok()?;
            let o = oh * 3600 + om * 60;
            Some(if off.starts_with('+') {
                secs - o
            } else {
                secs + o
            })
        }
        _ => None,
    }
}

/// `2026-03-02T01:00:00Z` (RFC 3339, UTC) for unix seconds.
pub fn format_rfc3339(ts: i64) -> String {
    spearwatch_core::time::rfc3339(ts)
}

use spearwatch_core::time::days_from_civil;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_round_trips_with_parse() {
        for ts in [0, 951_782_400, 1_772_413_200, 4_102_444_799, -86_400] {
            assert_eq!(parse_rfc3339(&format_rfc3339(ts)), Some(ts), "{ts}");
        }
        assert_eq!(format_rfc3339(1_772_413_200), "2026-03-02T01:00:00Z");
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2024-02-29T12:34:56.789Z"),
            Some(1_709_210_096)
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T14:34:56+02:00"),
            Some(1_709_210_096)
        );
        assert_eq!(parse_rfc3339("2024-02-29"), Some(1_709_164_800));
        for bad in [
            "",
            "2024",
            "2024-13-01T00:00:00Z",
            "2024-01-01T00:00:00X",
            "２０２４-01-01",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
