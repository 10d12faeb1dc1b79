//! Host-name helpers shared by detectors: registrable domains (public suffix list), IP literals,
//! IDNA decoding and script mixing.

use std::net::IpAddr;
use unicode_security::MixedScript;

/// The registrable domain ("eTLD+1", public suffix list) of `host`, lower-case. IP literals and hosts
/// that are only a public suffix return `None`.
pub fn registrable(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if is_ip_literal(&host) {
        return None;
    }
    psl::domain_str(&host).map(str::to_string)
}

/// Registrable domain, or the host itself when it has none (IP literal, bare suffix, single label).
pub fn site(host: &str) -> String {
    registrable(host).unwrap_or_else(|| host.trim_end_matches('.').to_ascii_lowercase())
}

/// Two hosts belong to the same organisation as far as a reader can tell: the same registrable
/// domain, or the same registrable label under another suffix (imakenews.net and imakenews.com,
/// samsung.com and samsung.co.kr) unless one of them is a listed brand's domain and the other is not
/// (paypal.com and paypal.co are not one organisation).
pub fn same_organisation(a: &str, b: &str) -> bool {
    let (sa, sb) = (site(a), site(b));
    if sa == sb {
        return true;
    }
    let label = |s: &str| s.split('.').next().unwrap_or("").to_string();
    if label(&sa).len() < 4 || label(&sa) != label(&sb) || is_ip_literal(a) || is_ip_literal(b) {
        return false;
    }
    !crate::data::BRANDS
        .iter()
        .any(|br| br.owns(a) != br.owns(b))
}

/// `host` is `domain` or a subdomain of it.
pub fn is_within(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.eq_ignore_ascii_case(domain)
        || (host.len() > domain.len()
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
            && host[host.len() - domain.len()..].eq_ignore_ascii_case(domain))
}

/// A dotted IPv4 or bracketed IPv6 host (the URL parser normalises decimal/hex IPv4 forms to dotted).
pub fn is_ip_literal(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.parse::<IpAddr>().is_ok()
}

/// The host in Unicode (UTS #46 ToUnicode), when it holds punycode labels.
pub fn unicode_host(host: &str) -> Option<String> {
    if !host.split('.').any(|l| l.starts_with("xn--")) {
        return None;
    }
    let (u, res) = idna::domain_to_unicode(host);
    res.ok()?;
    Some(u)
}

/// A label that mixes scripts in a way UTS #39 §5.1 calls not "single script" (Cyrillic "а" in "pаypal").
pub fn has_mixed_script_label(unicode_host: &str) -> bool {
    unicode_host
        .split('.')
        .any(|l| !l.is_ascii() && !l.is_single_script())
}

/// The top-level label of `host`.
pub fn tld(host: &str) -> &str {
    host.trim_end_matches('.').rsplit('.').next().unwrap_or("")
}

/// A label that looks machine-generated rather than chosen by people: digits and letters interleaved
/// ("96eua96p9g", three or more switches) or a long digit run ("sac9283940324"). Names people pick
/// ("mp3shop", "web2u", "365online") switch at most twice. Sub-addresses (`+tag`) are ignored.
pub fn looks_generated(label: &str) -> bool {
    let label = label.split('+').next().unwrap_or(label);
    let chars: Vec<char> = label
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if chars.len() < 6 || !chars.iter().any(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let switches = chars
        .windows(2)
        .filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit())
        .count();
    let mut run = 0usize;
    let mut longest = 0usize;
    for c in &chars {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    switches >= 3 || longest >= 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domains() {
        assert_eq!(
            registrable("Mail.Samil-Tax.co.kr").as_deref(),
            Some("samil-tax.co.kr")
        );
        assert_eq!(
            registrable("a.b.example.com.").as_deref(),
            Some("example.com")
        );
        assert_eq!(registrable("10.0.0.1"), None);
        assert_eq!(site("10.0.0.1"), "10.0.0.1");
        assert!(is_within("login.paypal.com", "paypal.com"));
        assert!(!is_within("evilpaypal.com", "paypal.com"));
        assert!(is_ip_literal("[::1]"));
    }

    #[test]
    fn generated_labels() {
        for g in [
            "96eua96p9g",
            "sac9283940324recompensa",
            "ug7n15uql1",
            "xfhmv4ws9a",
        ] {
            assert!(looks_generated(g), "{g}");
        }
        for h in [
            "mindspring",
            "mp3players",
            "web2u",
            "365online",
            "kevin+dated+1031410733",
            "abc123",
            "12345",
        ] {
            assert!(!looks_generated(h), "{h}");
        }
    }

    #[test]
    fn organisations_across_suffixes() {
        assert!(same_organisation(
            "mediaunspun.imakenews.net",
            "www.imakenews.com"
        ));
        assert!(same_organisation(
            "hanil-trading.com",
            "mail.hanil-trading.co.kr"
        ));
        assert!(!same_organisation("paypal.com", "paypal.co"));
        assert!(!same_organisation("evil.com", "example.com"));
    }

    #[test]
    fn idn_and_scripts() {
        let u = unicode_host("xn--pypal-4ve.com").unwrap(); // "pаypal" with Cyrillic а
        assert!(has_mixed_script_label(&u), "{u}");
        let k = unicode_host("xn--3e0b707e.kr").unwrap(); // 한국.kr
        assert!(!has_mixed_script_label(&k));
        assert_eq!(unicode_host("example.com"), None);
    }
}
