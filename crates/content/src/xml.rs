//! XML text shared by the XML-based formats (OOXML, HWPX, HWPML): entity and character references.
//! quick-xml hands out raw text; these decode it leniently (an unknown reference is dropped, a bare
//! `&` kept), as Office and Hangul read their own files.

/// XML predefined entities and character references (XML 1.0 §4.6, §4.1).
pub(crate) fn entity(name: &[u8]) -> String {
    match name {
        b"amp" => "&".into(),
        b"lt" => "<".into(),
        b"gt" => ">".into(),
        b"quot" => "\"".into(),
        b"apos" => "'".into(),
        _ => {
            let s = String::from_utf8_lossy(name);
            let n = if let Some(h) = s.strip_prefix("#x").or_else(|| s.strip_prefix("#X")) {
                u32::from_str_radix(h, 16).ok()
            } else {
                s.strip_prefix('#').and_then(|d| d.parse().ok())
            };
            n.and_then(char::from_u32)
                .map(String::from)
                .unwrap_or_default()
        }
    }
}

/// `raw` with entity and character references decoded.
pub(crate) fn unescape(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    if !s.contains('&') {
        return s.into_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = &*s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        // Entity and character references are short (`&#x10FFFF;` is the longest that means
        // anything): look for the `;` in the next few bytes only, or a run of `&` without one costs
        // a scan to the end per `&`.
        let near = &after.as_bytes()[..after.len().min(12)];
        match near.iter().position(|&c| c == b';').filter(|&j| j <= 10) {
            Some(j) => {
                out.push_str(&entity(&after.as_bytes()[..j]));
                rest = &after[j + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
