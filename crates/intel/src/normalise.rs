//! Normal forms shared by importers and look-ups, and the kind inference of plain lists.
//!
//! An indicator and a value seen in a message must meet in one form: domains lower-case without the
//! trailing dot (RFC 1034 §3.1: the root label is implied), URLs keyed by host and path without the
//! scheme (a trail `host/path` and `https://host/path` are the same place), hashes in lower-case hex,
//! IPs in `std::net` canonical form.

use crate::Kind;
use std::net::IpAddr;

/// Lower-case, no trailing dot, at least two labels of letters, digits, `-` or `_`, a non-numeric
/// last label, RFC 1035 lengths. Non-ASCII (IDN U-labels) is accepted lower-cased as written.
pub fn domain(s: &str) -> Option<String> {
    let d = s.trim().trim_end_matches('.').to_lowercase();
    if d.is_empty() || d.len() > 253 || !d.contains('.') {
        return None;
    }
    for label in d.split('.') {
        if label.is_empty() || label.len() > 63 || label.starts_with('-') || label.ends_with('-') {
            return None;
        }
        if !label
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return None;
        }
    }
    let tld = d.rsplit('.').next().unwrap_or("");
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(d)
}

/// A public suffix (`com`, `co.kr`, `github.io`): as an indicator it would match every site under it.
pub fn is_public_suffix(domain: &str) -> bool {
    psl::domain(domain.as_bytes()).is_none()
}

/// An IP address, or a network `addr/len`, possibly with a `:port` (IPv4) or `[v6]:port` after it.
/// Returns the address (masked to the network for a prefix) and the prefix length if one was given.
pub fn ip(s: &str) -> Option<(IpAddr, Option<u8>)> {
    let s = s.trim();
    if let Some((a, len)) = s.split_once('/') {
        let addr: IpAddr = a.parse().ok()?;
        let len: u8 = len.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if len > max {
            return None;
        }
        return Some((mask(addr, len), (len < max).then_some(len)));
    }
    if let Ok(a) = s.parse::<IpAddr>() {
        return Some((a, None));
    }
    // [v6]:port
    if let Some(rest) = s.strip_prefix('[') {
        let (a, _) = rest.split_once(']')?;
        return a.parse().ok().map(|a| (a, None));
    }
    // v4:port
    let (a, port) = s.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    let a: std::net::Ipv4Addr = a.parse().ok()?;
    Some((IpAddr::V4(a), None))
}

/// `addr` with all bits after the first `len` cleared.
pub fn mask(addr: IpAddr, len: u8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => {
            let bits = u32::from(a);
            let m = if len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(len.min(32)))
            };
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(a) => {
            let bits = u128::from(a);
            let m = if len == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(len.min(128)))
            };
            IpAddr::V6((bits & m).into())
        }
    }
}

/// The form an IP indicator is stored in: `1.2.3.4`, `10.0.0.0/8`.
pub fn ip_value(addr: IpAddr, len: Option<u8>) -> String {
    match len {
        Some(l) => format!("{addr}/{l}"),
        None => addr.to_string(),
    }
}

/// A URL's display form and its look-up key. The key is the host (lower-case, userinfo and default
/// port removed) followed by the path and query, without scheme, fragment or trailing `/`:
/// `HTTPS://Evil.Example:443/a/b/?x#f` has the key `evil.example/a/b/?x` ... trimmed to
/// `evil.example/a/b/?x`, and `evil.example/a/` has `evil.example/a`. Accepts `host/path` without a
/// scheme (maltrail trails). `None` when there is no host.
pub fn url(s: &str) -> Option<(String, String)> {
    let s = s.trim();
    let (scheme, rest) = match s.find("://") {
        Some(i)
            if i > 0
                && s[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            (Some(s[..i].to_ascii_lowercase()), &s[i + 3..])
        }
        _ => (None, s),
    };
    let rest = rest.split('#').next().unwrap_or("");
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(auth_end);
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let hostport = hostport.to_lowercase();
    let (host, port) = split_port(&hostport);
    let host = host.trim_end_matches('.');
    if host.is_empty() {
        return None;
    }
    if domain(host).is_none() && ip(host.trim_matches(['[', ']'])).is_none() {
        return None;
    }
    let default = matches!(
        (scheme.as_deref(), port),
        (Some("http"), Some("80")) | (Some("https"), Some("443"))
    );
    let mut key = host.to_string();
    if let (Some(p), false) = (port, default) {
        key.push(':');
        key.push_str(p);
    }
    key.push_str(tail);
    while key.ends_with('/') {
        key.pop();
    }
    let display = match &scheme {
        Some(sc) => format!("{sc}://{key}"),
        None => key.clone(),
    };
    Some((display, key))
}

fn split_port(hostport: &str) -> (&str, Option<&str>) {
    if hostport.starts_with('[') {
        if let Some(i) = hostport.find(']') {
            let (h, rest) = hostport.split_at(i + 1);
            return (h, rest.strip_prefix(':'));
        }
        return (hostport, None);
    }
    match hostport.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => (h, Some(p)),
        _ => (hostport, None),
    }
}

/// The look-up key of a URL seen in a message (see [`url`]).
pub fn url_key(s: &str) -> Option<String> {
    url(s).map(|(_, k)| k)
}

/// A hex digest: its kind by length (32 MD5, 40 SHA-1, 64 SHA-256) and lower-case value.
pub fn hash(s: &str) -> Option<(Kind, String)> {
    let s = s.trim();
    if !s.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let kind = match s.len() {
        32 => Kind::Md5,
        40 => Kind::Sha1,
        64 => Kind::Sha256,
        _ => return None,
    };
    Some((kind, s.to_ascii_lowercase()))
}

/// An addr-spec: lower-cased (the local part is case-sensitive by RFC 5321 §2.4, but no mail system
/// in use treats it so, and feeds do not agree on case), with a valid domain.
pub fn email(s: &str) -> Option<String> {
    let s = s.trim().trim_start_matches("mailto:");
    let s = s.trim_matches(['<', '>']);
    let (local, dom) = s.rsplit_once('@')?;
    if local.is_empty() || local.len() > 64 || local.chars().any(|c| c.is_whitespace() || c == '@')
    {
        return None;
    }
    let dom = domain(dom)?;
    Some(format!("{}@{dom}", local.to_lowercase()))
}

const BASE58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BECH32: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// A cryptocurrency address by shape, normalised: Ethereum-style `0x` + 40 hex (lower-cased; EIP-55
/// case is a checksum, not identity), bech32 (`bc1...`, `ltc1...`, lower-cased), Bitcoin Cash
/// cashaddr (`bitcoincash:` prefix removed), base58 (Bitcoin `1`/`3`, Litecoin, Dash, Tron `T`,
/// Zcash `t1`, Ripple `r`, Monero `4`/`8`) kept as written. Checksums are not verified.
pub fn crypto(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return (hex.len() == 40 && hex.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| format!("0x{}", hex.to_ascii_lowercase()));
    }
    let lower = s.to_ascii_lowercase();
    let cash = lower
        .strip_prefix("bitcoincash:")
        .or_else(|| lower.strip_prefix("bchtest:"));
    if let Some(c) = cash {
        return is_cashaddr(c).then(|| c.to_string());
    }
    if is_cashaddr(s) {
        return Some(s.to_string());
    }
    for hrp in ["bc1", "tb1", "ltc1"] {
        if let Some(data) = lower.strip_prefix(hrp) {
            // A bech32 string is all upper or all lower case (BIP 173).
            let one_case = s == lower || s == s.to_ascii_uppercase();
            return (one_case
                && (11..=87).contains(&data.len())
                && data.chars().all(|c| BECH32.contains(c)))
            .then_some(lower);
        }
    }
    let len = s.chars().count();
    let base58 = s.chars().all(|c| BASE58.contains(c));
    let mixed = s.chars().any(|c| c.is_ascii_digit())
        && s.chars().any(|c| c.is_ascii_uppercase())
        && s.chars().any(|c| c.is_ascii_lowercase());
    if base58 && mixed && ((25..=35).contains(&len) || len == 95 || len == 106) {
        return Some(s.to_string());
    }
    None
}

fn is_cashaddr(s: &str) -> bool {
    s.len() == 42
        && (s.starts_with('q') || s.starts_with('p'))
        && s.chars().all(|c| BECH32.contains(c))
}

/// The normal form of a crypto-address-shaped token seen in text, for look-ups.
pub fn crypto_key(token: &str) -> Option<String> {
    crypto(token)
}

/// Crypto addresses written in `text`, normalised, each once, at most `max`: for keeping as
/// observables, where no indicator set says which tokens matter. Shape alone lets through tracking
/// ids and random tokens of base58 shape, so the short base58 forms (Bitcoin, Litecoin, Dash,
/// Dogecoin, Tron, Zcash transparent: 25-35 characters) must carry a valid Base58Check checksum
/// (double SHA-256) in the Bitcoin or the Ripple alphabet; `0x` + 40 hex, bech32, cashaddr and the
/// long Monero forms are specific enough by shape.
pub fn crypto_in_text(text: &str, max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for token in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if out.len() >= max {
            break;
        }
        if !(25..=110).contains(&token.len()) {
            continue;
        }
        let Some(key) = crypto(token) else { continue };
        let short_base58 = (25..=35).contains(&key.len())
            && !key.starts_with("0x")
            && key.chars().all(|c| BASE58.contains(c));
        if short_base58 && !base58check(&key) {
            continue;
        }
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// A Base58Check string (Bitcoin's alphabet, or Ripple's).
fn base58check(s: &str) -> bool {
    [bs58::Alphabet::BITCOIN, bs58::Alphabet::RIPPLE]
        .iter()
        .any(|a| {
            bs58::decode(s)
                .with_alphabet(a)
                .with_check(None)
                .into_vec()
                .is_ok()
        })
}

/// Undoes common defanging: `hxxp`, `[.]`, `(.)`, `[dot]`, `[:]`, `[@]`.
pub fn refang(s: &str) -> String {
    let mut t = s
        .replace("[.]", ".")
        .replace("(.)", ".")
        .replace("[dot]", ".")
        .replace("[:]", ":")
        .replace("[@]", "@");
    for (from, to) in [("hxxps://", "https://"), ("hxxp://", "http://")] {
        if t.len() >= from.len() && t[..from.len()].eq_ignore_ascii_case(from) {
            t = format!("{to}{}", &t[from.len()..]);
        }
    }
    t
}

/// The kind and normal form of one plain-list token, or why it is not an indicator.
pub fn classify(token: &str) -> Result<(Kind, String), &'static str> {
    let t = refang(token.trim());
    if t.is_empty() {
        return Err("empty");
    }
    if t.contains("://") {
        return url(&t)
            .map(|(v, _)| (Kind::Url, v))
            .ok_or("URL without a host");
    }
    if t.starts_with('/') {
        return Err("path-only trail (no host)");
    }
    if let Some((addr, len)) = ip(&t) {
        let kind = if addr.is_ipv4() {
            Kind::Ipv4
        } else {
            Kind::Ipv6
        };
        if len == Some(0) {
            return Err("network /0");
        }
        return Ok((kind, ip_value(addr, len)));
    }
    if t.contains('@') {
        return email(&t)
            .map(|e| (Kind::Email, e))
            .ok_or("malformed e-mail address");
    }
    if let Some(h) = hash(&t) {
        return Ok(h);
    }
    if let Some(c) = crypto(&t) {
        return Ok((Kind::CryptoAddress, c));
    }
    if t.contains('/') || t.contains('?') {
        return url(&t)
            .map(|(v, _)| (Kind::Url, v))
            .ok_or("path on an invalid host");
    }
    // host:port trail
    let host = match t.rsplit_once(':') {
        Some((h, p)) if p.parse::<u16>().is_ok() => h,
        _ => &t,
    };
    match domain(host) {
        Some(d) if is_public_suffix(&d) => Err("public suffix (would match every site under it)"),
        Some(d) => Ok((Kind::Domain, d)),
        None if t.chars().all(|c| c.is_ascii_hexdigit()) => Err("hex string of no digest length"),
        None => Err("not an indicator"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crypto_addresses_in_text_need_a_checksum_when_the_shape_is_common() {
        let text = "Send 0.5 BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa (or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq), \
                    XRP to rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh, USDT to 0x52908400098527886E0F7030069857D2E4169EE7. \
                    Not these: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb (one character changed), tracking id \
                    Xk3Lm9PqR2sT8vW4yZ6aB1cD7eF5gH. Again: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa.";
        assert_eq!(
            crypto_in_text(text, 10),
            [
                "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
                "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
                "0x52908400098527886e0f7030069857d2e4169ee7",
            ]
        );
        assert_eq!(crypto_in_text(text, 2).len(), 2);
    }

    #[test]
    fn classify_table() {
        let ok = [
            ("Evil.Example.", Kind::Domain, "evil.example"),
            ("atom.publicvm.com", Kind::Domain, "atom.publicvm.com"),
            ("evil[.]example", Kind::Domain, "evil.example"),
            (
                "safe-naver-mail.pe.hu:8080",
                Kind::Domain,
                "safe-naver-mail.pe.hu",
            ),
            ("193.151.108.203:1133", Kind::Ipv4, "193.151.108.203"),
            ("10.1.2.3/8", Kind::Ipv4, "10.0.0.0/8"),
            ("2001:db8::1", Kind::Ipv6, "2001:db8::1"),
            ("2001:db8::/32", Kind::Ipv6, "2001:db8::/32"),
            ("HTTP://163.25.24.44", Kind::Url, "http://163.25.24.44"),
            (
                "hxxps://Evil.Example/a/",
                Kind::Url,
                "https://evil.example/a",
            ),
            (
                "eoplus.co.kr/board/pressed/",
                Kind::Url,
                "eoplus.co.kr/board/pressed",
            ),
            ("Bad@Evil.Example", Kind::Email, "bad@evil.example"),
            (
                "6471F3898E63C2A9AF25284253DC087DFDA94809182C45728B3ADC40E238C7F6",
                Kind::Sha256,
                "6471f3898e63c2a9af25284253dc087dfda94809182c45728b3adc40e238c7f6",
            ),
            (
                "d41d8cd98f00b204e9800998ecf8427e",
                Kind::Md5,
                "d41d8cd98f00b204e9800998ecf8427e",
            ),
            (
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                Kind::Sha1,
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            ),
            (
                "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
                Kind::CryptoAddress,
                "0x098b716b8aaf21512996dc57eb0615e2383e2f96",
            ),
            (
                "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX",
                Kind::CryptoAddress,
                "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX",
            ),
            (
                "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre",
                Kind::CryptoAddress,
                "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre",
            ),
            (
                "bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6",
                Kind::CryptoAddress,
                "bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6",
            ),
            (
                "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq",
                Kind::CryptoAddress,
                "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq",
            ),
            (
                "t1MMXtBrSp1XG38Lx9cePcNUCJj5vdWfUWL",
                Kind::CryptoAddress,
                "t1MMXtBrSp1XG38Lx9cePcNUCJj5vdWfUWL",
            ),
        ];
        for (input, kind, value) in ok {
            assert_eq!(classify(input), Ok((kind, value.to_string())), "{input}");
        }
        let bad = [
            ("/itsme.daum", "path-only trail (no host)"),
            ("co.kr", "public suffix (would match every site under it)"),
            ("MIT License", "not an indicator"),
            ("localhost", "not an indicator"),
            ("1.2.3.4/0", "network /0"),
            ("abcdef", "hex string of no digest length"),
        ];
        for (input, why) in bad {
            assert_eq!(classify(input), Err(why), "{input}");
        }
    }

    #[test]
    fn url_keys_meet() {
        let k = |s| url_key(s).unwrap();
        assert_eq!(
            k("https://user:pw@Evil.Example:443/a/b?x=1#frag"),
            "evil.example/a/b?x=1"
        );
        assert_eq!(k("http://evil.example:8080/"), "evil.example:8080");
        assert_eq!(k("evil.example/a/"), "evil.example/a");
        assert!(url_key("mailto:x").is_none());
        assert!(url_key("http:///nohost").is_none());
    }
}
