//! Unix seconds to the text forms the formats want. Inputs outside years 0000..=9999 are clamped to
//! that range so every output stays a valid four-digit-year timestamp (no panic, no overflow).

use spearwatch_core::time::MAX_UNIX as MAX;

fn civil(t: i64) -> (i64, u32, u32, u32, u32, u32) {
    let c = spearwatch_core::time::civil(t);
    (c.year, c.month, c.day, c.hour, c.minute, c.second)
}

/// STIX 2.1 §3.2 timestamp: RFC 3339, UTC `Z`, here always with milliseconds
/// (`2026-03-04T05:06:07.000Z`); `created`/`modified` MUST have millisecond precision (§3.2).
pub(crate) fn stix(t: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000Z")
}

/// MISP event `date` (`YYYY-MM-DD`).
pub(crate) fn date(t: i64) -> String {
    let (y, mo, d, ..) = civil(t);
    format!("{y:04}-{mo:02}-{d:02}")
}

/// ISO 8601 with offset, for MISP `datetime` attribute values (`send-date`).
pub(crate) fn iso(t: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00")
}

/// MISP `timestamp` fields: Unix seconds as a string, clamped like the others and never negative
/// (MISP reads them as unsigned).
pub(crate) fn unix(t: i64) -> String {
    t.clamp(0, MAX).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(stix(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(stix(951_782_400), "2000-02-29T00:00:00.000Z");
        assert_eq!(stix(1_772_600_767), "2026-03-04T05:06:07.000Z");
        assert_eq!(date(1_772_600_767), "2026-03-04");
        assert_eq!(iso(1_772_600_767), "2026-03-04T05:06:07+00:00");
        assert_eq!(stix(-1), "1969-12-31T23:59:59.000Z");
    }

    #[test]
    fn extremes_clamp_instead_of_overflowing() {
        assert_eq!(stix(i64::MAX), "9999-12-31T23:59:59.000Z");
        assert_eq!(stix(i64::MIN), "0000-01-01T00:00:00.000Z");
        assert_eq!(unix(-5), "0");
    }
}
