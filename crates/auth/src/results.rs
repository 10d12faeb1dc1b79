//! Writing the results down: the `Authentication-Results` header (RFC 8601) and the same results as
//! findings.
//!
//! The findings are exactly those the `auth` detector (spearwatch-detect, `auth.rs`) derives from a
//! trusted `Authentication-Results` header, same ids, titles, severities, techniques and notes, so a
//! caller that scans the message with this header prepended and one that takes `findings` directly
//! report the same thing. A test in `tests/detect.rs` holds the two together.

use crate::MethodOutcome;

/// Longest property value written (RFC 5321 §4.5.3.1.3: a path is at most 256 octets).
const MAX_PVALUE: usize = 256;
/// Longest comment written; comments are for people reading the header, not for parsers.
const MAX_COMMENT: usize = 120;

/// RFC 8601 §2.2 `value` / dot-atom characters that need no quoting. Anything else (and every
/// attacker-chosen envelope address can hold anything) goes in a quoted-string.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+' | '@')
}

/// A property value (RFC 8601 §2.2 `pvalue`), bounded, and safe for every lenient reader, the
/// engine's own included: whitespace and control characters are removed (they would split the value
/// or fold the header), and so are `"`, `\`, `;`, `(` and `)`, which an escaped quoted-string would
/// need but which readers that do not honour escapes (or quotes) take as the end of the value, the
/// result or a comment. An envelope address is attacker-chosen: with them a MAIL FROM like
/// `a\";dmarc=pass"@x` could hide or forge the results after it. What remains is quoted when it is
/// not a plain token. The value is for reading, not an exact copy of the envelope.
pub(crate) fn pvalue(raw: &str) -> String {
    let clean: String = raw
        .chars()
        .filter(|c| {
            !c.is_whitespace() && !c.is_control() && !matches!(c, '"' | '\\' | ';' | '(' | ')')
        })
        .take(MAX_PVALUE)
        .collect();
    if !clean.is_empty() && clean.chars().all(is_plain) {
        clean
    } else {
        format!("\"{clean}\"")
    }
}

/// A comment's text (RFC 5322 §3.2.2 `ccontent`): printable, bounded, without parentheses or
/// backslashes (which would end or escape the comment) or quotes (which a lenient reader may pair
/// with one outside).
fn comment(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '(' | ')' | '\\' | '"') {
                ' '
            } else {
                c
            }
        })
        .take(MAX_COMMENT)
        .collect();
    s.truncate(s.trim_end().len());
    s
}

/// `Authentication-Results: <authserv-id>;\r\n\t<method>=<result> (<detail>) <props>;...\r\n`,
/// one method per folded line (RFC 5322 §2.2.3), in the order given.
pub(crate) fn header(authserv_id: &str, methods: &[(&str, &MethodOutcome)]) -> String {
    let mut h = String::with_capacity(256);
    h.push_str("Authentication-Results: ");
    h.push_str(authserv_id);
    for (method, m) in methods {
        h.push_str(";\r\n\t");
        h.push_str(method);
        h.push('=');
        h.push_str(&m.result);
        let c = comment(&m.detail);
        if !c.is_empty() {
            h.push_str(" (");
            h.push_str(&c);
            h.push(')');
        }
        for (k, v) in &m.props {
            h.push(' ');
            h.push_str(k);
            h.push('=');
            h.push_str(v);
        }
    }
    h.push_str("\r\n");
    h
}

/// The header's value unfolded, as a message parser returns it (the evidence the detector quotes).
pub(crate) fn unfolded_value(header: &str) -> String {
    let v = header
        .strip_prefix("Authentication-Results: ")
        .unwrap_or(header);
    v.trim_end().replace("\r\n\t", " ")
}

pub(crate) fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pvalues_are_tokens_or_quoted() {
        assert_eq!(pvalue("bounce+x@example.com"), "bounce+x@example.com");
        assert_eq!(pvalue("a;b<c>@x.example"), "\"ab<c>@x.example\"");
        assert_eq!(
            pvalue("\"evil\\\";dmarc=pass\r\n\t(x)@y"),
            "\"evildmarc=passx@y\""
        );
        assert_eq!(pvalue("<>"), "\"<>\"");
        assert_eq!(pvalue(""), "\"\"");
        assert_eq!(pvalue(&"a".repeat(10_000)).len(), MAX_PVALUE);
    }

    #[test]
    fn comments_cannot_close_or_fold() {
        assert_eq!(comment("x) ; spf=pass (y\r\n"), "x  ; spf=pass  y");
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        // RFC 4648 §10.
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
}
