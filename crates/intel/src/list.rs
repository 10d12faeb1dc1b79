//! Plain indicator lists: one indicator a line, `#` comments, the kind inferred per line.
//!
//! The shape of maltrail trails (`# Aliases: ...` and `# Reference: ...` comment blocks, then domains,
//! `ip:port`, URLs with or without scheme, path-only trails), `samples.sha256` files (a digest, maybe
//! followed by a file name as `sha256sum` writes it) and address lists (one crypto address a line).
//! The comment block before the first indicator (copyright lines left out) becomes every indicator's
//! description; the `# Reference:` lines of a section become a `reference:` label of the indicators
//! under them.

use crate::normalise::classify;
use crate::{Import, Indicator, MAX_LINE_BYTES};
use std::collections::HashSet;
use std::sync::Arc;

/// Longest description kept from a header block.
const MAX_DESCRIPTION_CHARS: usize = 1000;

/// Parses a plain list. Every non-empty, non-comment line yields an indicator or a counted skip;
/// repeated values are counted as duplicates.
pub fn parse(text: &str, source: &str) -> Import {
    let mut imp = Import {
        format: "plain list",
        ..Default::default()
    };
    let source: Arc<str> = Arc::from(source);
    let mut header: Vec<&str> = Vec::new();
    let mut description: Option<Arc<str>> = None;
    let mut seen_indicator = false;
    let mut reference: Option<Arc<str>> = None;
    let mut last_was_comment = false;
    let mut seen: HashSet<(crate::Kind, String)> = HashSet::new();
    for (n, line) in text.lines().enumerate() {
        let lineno = n + 1;
        if line.len() > MAX_LINE_BYTES {
            imp.skip("line longer than 64 KiB", || format!("line {lineno}"));
            last_was_comment = false;
            continue;
        }
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            last_was_comment = false;
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            let c = c.trim();
            if !seen_indicator {
                let lc = c.to_ascii_lowercase();
                if !c.is_empty() && !lc.contains("copyright") && !lc.contains("license") {
                    header.push(c);
                }
            }
            if let Some(r) = c
                .strip_prefix("Reference:")
                .or_else(|| c.strip_prefix("reference:"))
            {
                // The first reference line of a comment group names the section.
                if !last_was_comment || reference.is_none() {
                    reference = Some(Arc::from(format!("reference: {}", r.trim())));
                }
            } else if !last_was_comment {
                reference = None;
            }
            last_was_comment = true;
            continue;
        }
        last_was_comment = false;
        if !seen_indicator {
            seen_indicator = true;
            if !header.is_empty() {
                let d = spearwatch_core::truncate_str(&header.join("; "), MAX_DESCRIPTION_CHARS);
                description = Some(Arc::from(d));
            }
        }
        let token = line.split_whitespace().next().unwrap_or("");
        match classify(token) {
            Ok((kind, value)) => {
                if !seen.insert((kind, value.clone())) {
                    imp.skip("duplicate", || format!("line {lineno}: {value}"));
                    continue;
                }
                let mut i = Indicator::new(kind, value, source.clone());
                i.description = description.clone();
                if let Some(r) = &reference {
                    i.labels.push(r.clone());
                }
                imp.indicators.push(i);
            }
            Err(why) => {
                imp.skip(why, || {
                    format!(
                        "line {lineno}: {}",
                        spearwatch_core::truncate_str(token, 80)
                    )
                });
            }
        }
    }
    imp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Kind;

    const TRAIL: &str = "\
# Copyright (c) 2014-2026 Maltrail developers
# See the file 'LICENSE' for copying permission

# Aliases: velvet chollima, ta427

# Reference: https://example.org/report-1
# Reference: https://example.org/report-2

maii-daum-net.atwebpages.com
193.151.108.203:1133
http://163.25.24.44
/itsme.daum
ago2.co.kr/bbs/data/dir/F.php
maii-daum-net.atwebpages.com

# Reference: https://example.org/report-3
6471f3898e63c2a9af25284253dc087dfda94809182c45728b3adc40e238c7f6  dropper.exe
TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre
not an indicator
";

    #[test]
    fn maltrail_style_trail() {
        let imp = parse(TRAIL, "apt_kimsuky");
        let kinds: Vec<Kind> = imp.indicators.iter().map(|i| i.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Domain,
                Kind::Ipv4,
                Kind::Url,
                Kind::Url,
                Kind::Sha256,
                Kind::CryptoAddress
            ]
        );
        let first = &imp.indicators[0];
        assert_eq!(&*first.source, "apt_kimsuky");
        assert_eq!(
            first.description.as_deref(),
            Some("Aliases: velvet chollima, ta427; Reference: https://example.org/report-1; Reference: https://example.org/report-2")
        );
        assert_eq!(&*first.labels[0], "reference: https://example.org/report-1");
        assert_eq!(
            &*imp.indicators[4].labels[0],
            "reference: https://example.org/report-3"
        );
        assert_eq!(imp.skipped.get("path-only trail (no host)"), Some(&1));
        assert_eq!(imp.skipped.get("duplicate"), Some(&1));
        assert_eq!(imp.skipped.get("not an indicator"), Some(&1));
        assert_eq!(imp.skipped_total(), 3);
        assert_eq!(
            imp.examples[0],
            "line 12: /itsme.daum: path-only trail (no host)"
        );
    }

    #[test]
    fn long_lines_are_skipped_and_counted() {
        let text = format!("evil.example\n{}\n", "a".repeat(MAX_LINE_BYTES + 1));
        let imp = parse(&text, "x");
        assert_eq!(imp.indicators.len(), 1);
        assert_eq!(imp.skipped.get("line longer than 64 KiB"), Some(&1));
    }

    #[test]
    fn hostile_bytes_do_not_panic() {
        for s in [
            "\u{0}",
            "::::",
            "[",
            "0x",
            "@",
            "a@",
            "http://",
            "/",
            "é.é",
            "1.2.3.4/99",
            "[::1",
        ] {
            let _ = parse(s, "x");
        }
    }
}
