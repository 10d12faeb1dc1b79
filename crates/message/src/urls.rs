//! URL extraction from plain text and normalisation of URLs found in HTML.

use crate::model::{Link, UrlSource};

/// Finds `scheme://` URLs (and `mailto:`) in plain text.
pub fn find_in_text(text: &str, part: usize, out: &mut Vec<Link>, max: usize) {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let text = separate_brackets(text);
    for l in finder.links(&text) {
        if out.len() >= max {
            return;
        }
        if let Some(link) = make_link(l.as_str(), UrlSource::Text, part, None) {
            out.push(link);
        }
    }
}

/// The text with a space after each closing bracket that a non-ASCII letter follows. Korean and
/// Japanese put a particle right after a parenthesised URL (`홈택스(https://www.hometax.go.kr)에서`);
/// the finder would read the letters after the bracket as part of the URL and then reject it whole,
/// losing the link. With the space it ends the URL at the bracket, as it does before a space.
fn separate_brackets(text: &str) -> std::borrow::Cow<'_, str> {
    // Only the brackets are looked at (a byte search), so text without them costs one pass of it.
    let needs = |i: usize| {
        text[i + 1..]
            .chars()
            .next()
            .is_some_and(|n| !n.is_ascii() && n.is_alphanumeric())
    };
    let mut cuts = text
        .match_indices([')', ']'])
        .map(|(i, _)| i)
        .filter(|&i| needs(i))
        .peekable();
    if cuts.peek().is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut from = 0;
    for i in cuts {
        out.push_str(&text[from..=i]);
        out.push(' ');
        from = i + 1;
    }
    out.push_str(&text[from..]);
    std::borrow::Cow::Owned(out)
}

/// Builds a [`Link`] from a URL as written. Relative references, `javascript:` placeholders (`#`), and
/// empty values yield `None`; `data:` and `mailto:` are kept without a host.
pub fn make_link(
    raw: &str,
    source: UrlSource,
    part: usize,
    anchor_text: Option<String>,
) -> Option<Link> {
    // Browsers strip leading/trailing C0 controls and spaces and remove tab/newline anywhere (WHATWG
    // URL §4.4 basic URL parser), which attackers use to split URLs across lines.
    let cleaned: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if cleaned.is_empty() || cleaned.starts_with('#') {
        return None;
    }
    let scheme_end = cleaned.find(':').filter(|&i| {
        i > 0
            && cleaned[..i]
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
    });
    let scheme = match scheme_end {
        Some(i) => cleaned[..i].to_ascii_lowercase(),
        // Protocol-relative `//host/path` loads over the page's scheme.
        None if cleaned.starts_with("//") => "https".to_string(),
        None => return None,
    };
    let (host, userinfo) = match scheme.as_str() {
        "http" | "https" | "ftp" | "ws" | "wss" => {
            let absolute = if scheme_end.is_none() {
                format!("https:{cleaned}")
            } else {
                cleaned.clone()
            };
            match url::Url::parse(&absolute) {
                Ok(u) => {
                    let ui = (!u.username().is_empty()).then(|| match u.password() {
                        Some(p) => format!("{}:{}", u.username(), p),
                        None => u.username().to_string(),
                    });
                    (
                        u.host_str()
                            .map(|h| h.trim_end_matches('.').to_ascii_lowercase()),
                        ui,
                    )
                }
                Err(_) => (None, None),
            }
        }
        _ => (None, None),
    };
    Some(Link {
        url: truncate_url(&cleaned),
        host,
        scheme,
        userinfo,
        source,
        part,
        anchor_text: anchor_text.filter(|t| !t.is_empty()),
    })
}

/// `data:` URLs can be megabytes: keep the head, which holds the media type.
fn truncate_url(s: &str) -> String {
    const MAX: usize = 2048;
    if s.len() <= MAX {
        return s.to_string();
    }
    let cut = s.floor_char_boundary(MAX);
    format!("{}…", &s[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parenthesised_url_before_hangul_keeps_its_host() {
        let mut v = Vec::new();
        find_in_text(
            "홈택스(https://www.hometax.go.kr)에서 확인하시고 https://en.wikipedia.org/wiki/Foo_(bar)를 참고",
            0,
            &mut v,
            10,
        );
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0].url, "https://www.hometax.go.kr");
        assert_eq!(v[0].host.as_deref(), Some("www.hometax.go.kr"));
        assert_eq!(v[1].url, "https://en.wikipedia.org/wiki/Foo_(bar)");
    }

    #[test]
    fn text_urls() {
        let mut v = Vec::new();
        find_in_text(
            "Visit https://Example.COM./a?b=1 or http://1.2.3.4:8080/x, not example.org.",
            3,
            &mut v,
            10,
        );
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].host.as_deref(), Some("example.com"));
        assert_eq!(v[1].host.as_deref(), Some("1.2.3.4"));
        assert_eq!(v[1].part, 3);
    }

    #[test]
    fn userinfo_idn_and_data() {
        let l = make_link(
            "https://www.paypal.com@evil.example/login",
            UrlSource::Href,
            0,
            None,
        )
        .unwrap();
        assert_eq!(l.host.as_deref(), Some("evil.example"));
        assert_eq!(l.userinfo.as_deref(), Some("www.paypal.com"));
        let l = make_link("https://bücher.example/", UrlSource::Href, 0, None).unwrap();
        assert_eq!(l.host.as_deref(), Some("xn--bcher-kva.example"));
        let l = make_link("data:text/html;base64,PGh0bWw+", UrlSource::Href, 0, None).unwrap();
        assert_eq!((l.scheme.as_str(), l.host.as_deref()), ("data", None));
        let l = make_link("//cdn.example/x.js", UrlSource::Resource, 0, None).unwrap();
        assert_eq!(l.host.as_deref(), Some("cdn.example"));
        assert!(make_link("#top", UrlSource::Href, 0, None).is_none());
        assert!(make_link("images/a.png", UrlSource::Resource, 0, None).is_none());
        let l = make_link("ht\ntps://split.example/", UrlSource::Href, 0, None).unwrap();
        assert_eq!(l.host.as_deref(), Some("split.example"));
    }
}
