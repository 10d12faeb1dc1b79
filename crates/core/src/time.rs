//! Calendar arithmetic for timestamps in reports, exports and file names: proleptic Gregorian,
//! UTC (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms": `days_from_civil`,
//! `civil_from_days`). One copy for every crate that writes or reads dates.

/// Seconds of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z relative to the Unix epoch: the range
/// in which a date has a four-digit year.
pub const MIN_UNIX: i64 = -62_167_219_200;
pub const MAX_UNIX: i64 = 253_402_300_799;

/// A UTC date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// Days since 1970-01-01 of a date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The UTC date and time of Unix seconds, clamped to years 0000..=9999 (so every formatted date has
/// four digits; no overflow on hostile input).
pub fn civil(unix: i64) -> Civil {
    let t = unix.clamp(MIN_UNIX, MAX_UNIX);
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    Civil {
        year: yoe + era * 400 + i64::from(m <= 2),
        month: m as u32,
        day: d as u32,
        hour: (secs / 3600) as u32,
        minute: (secs % 3600 / 60) as u32,
        second: (secs % 60) as u32,
    }
}

/// `2026-03-02T01:00:00Z` (RFC 3339, UTC).
pub fn rfc3339(unix: i64) -> String {
    let c = civil(unix);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_clamps() {
        for (ts, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_772_413_200, "2026-03-02T01:00:00Z"),
            (-86_400, "1969-12-31T00:00:00Z"),
        ] {
            assert_eq!(rfc3339(ts), text);
            let c = civil(ts);
            let back = days_from_civil(c.year, i64::from(c.month), i64::from(c.day)) * 86_400
                + i64::from(c.hour * 3600 + c.minute * 60 + c.second);
            assert_eq!(back, ts);
        }
        assert_eq!(rfc3339(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(i64::MIN), "0000-01-01T00:00:00Z");
    }
}
