//! [`IndicatorSet`]: indicators indexed for constant-time look-ups per value seen in a message.
//!
//! Every look-up is a handful of hash-map probes whatever the number of indicators: a host is looked
//! up by each of its dot-suffixes (`a.b.evil.example`, `b.evil.example`, `evil.example`), a URL by
//! its key and each of its path prefixes, an IP by its address and by its masked address for each
//! network prefix length present, text by the address-shaped tokens it contains.

use crate::normalise;
use crate::{Indicator, Kind};
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

/// Tokens shorter or longer than this cannot be a crypto address (base58 25-35, hex 42, bech32
/// 14-90, Monero 95/106).
const TOKEN_LEN: std::ops::RangeInclusive<usize> = 25..=110;
/// At most this many indicators are returned by one [`IndicatorSet::find_in_text`].
const MAX_TEXT_MATCHES: usize = 100;

type Index = HashMap<String, Vec<u32>>;

/// Indicators, indexed. Build once (`IndicatorSet::new`), share (`Arc`), look up from many threads.
#[derive(Debug, Default)]
pub struct IndicatorSet {
    indicators: Vec<Indicator>,
    domains: Index,
    urls: Index,
    emails: Index,
    hashes: Index,
    crypto: Index,
    ips: HashMap<IpAddr, Vec<u32>>,
    /// Networks by (is IPv6, prefix length), each keyed by the masked address.
    nets: BTreeMap<(bool, u8), HashMap<IpAddr, Vec<u32>>>,
    stats: Stats,
}

/// What went into a set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Indicators indexed, per kind.
    pub by_kind: BTreeMap<Kind, usize>,
    /// Left out: `valid_until` before the time the set was built for.
    pub expired: usize,
    /// Left out: a value that is not in normal form for its kind (built by hand, not by an importer).
    pub invalid: usize,
}

impl Stats {
    pub fn total(&self) -> usize {
        self.by_kind.values().sum()
    }
}

impl IndicatorSet {
    /// Indexes `indicators`, leaving out those whose `valid_until` is before `now` (Unix seconds).
    pub fn new(indicators: impl IntoIterator<Item = Indicator>, now: i64) -> Self {
        let mut s = IndicatorSet::default();
        for i in indicators {
            if i.valid_until.is_some_and(|t| t < now) {
                s.stats.expired += 1;
                continue;
            }
            let Ok(n) = u32::try_from(s.indicators.len()) else {
                s.stats.invalid += 1;
                continue;
            };
            let ok = match i.kind {
                Kind::Domain => normalise::domain(&i.value).is_some_and(|d| {
                    s.domains.entry(d).or_default().push(n);
                    true
                }),
                Kind::Url => normalise::url_key(&i.value).is_some_and(|k| {
                    s.urls.entry(k).or_default().push(n);
                    true
                }),
                Kind::Email => normalise::email(&i.value).is_some_and(|e| {
                    s.emails.entry(e).or_default().push(n);
                    true
                }),
                Kind::Sha256 | Kind::Sha1 | Kind::Md5 => {
                    normalise::hash(&i.value).is_some_and(|(_, h)| {
                        s.hashes.entry(h).or_default().push(n);
                        true
                    })
                }
                Kind::CryptoAddress => normalise::crypto(&i.value).is_some_and(|c| {
                    s.crypto.entry(c).or_default().push(n);
                    true
                }),
                Kind::Ipv4 | Kind::Ipv6 => match normalise::ip(&i.value) {
                    Some((a, None)) => {
                        s.ips.entry(a).or_default().push(n);
                        true
                    }
                    Some((a, Some(len))) if len > 0 => {
                        s.nets
                            .entry((a.is_ipv6(), len))
                            .or_default()
                            .entry(a)
                            .or_default()
                            .push(n);
                        true
                    }
                    _ => false,
                },
            };
            if ok {
                *s.stats.by_kind.entry(i.kind).or_default() += 1;
                s.indicators.push(i);
            } else {
                s.stats.invalid += 1;
            }
        }
        s
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    pub fn len(&self) -> usize {
        self.indicators.len()
    }

    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }

    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// Whether any indicator of these kinds is present (to skip work, e.g. MD5 of attachments).
    pub fn has_kind(&self, kind: Kind) -> bool {
        self.stats.by_kind.get(&kind).is_some_and(|n| *n > 0)
    }

    fn get<'a>(&'a self, ids: Option<&'a Vec<u32>>) -> impl Iterator<Item = &'a Indicator> + 'a {
        ids.into_iter()
            .flatten()
            .filter_map(|n| self.indicators.get(*n as usize))
    }

    /// Domain indicators equal to `host` or a parent of it (`evil.example` matches
    /// `login.evil.example`). An IP-literal host matches nothing here: see [`Self::match_ip`].
    pub fn match_domain(&self, host: &str) -> Vec<&Indicator> {
        let mut out = Vec::new();
        if self.domains.is_empty() {
            return out;
        }
        let h = host.trim().trim_end_matches('.').to_lowercase();
        let mut rest = h.as_str();
        while rest.contains('.') {
            out.extend(self.get(self.domains.get(rest)));
            match rest.split_once('.') {
                Some((_, r)) => rest = r,
                None => break,
            }
        }
        out
    }

    /// URL indicators equal to `url` or to a path prefix of it, scheme ignored: the indicator
    /// `evil.example/kit` matches `https://evil.example/kit/login.php?id=1`, not `.../kitchen`.
    pub fn match_url(&self, url: &str) -> Vec<&Indicator> {
        let mut out = Vec::new();
        if self.urls.is_empty() {
            return out;
        }
        let Some(key) = normalise::url_key(url) else {
            return out;
        };
        let host_end = key.find(['/', '?']).unwrap_or(key.len());
        let mut cuts: Vec<usize> = key
            .char_indices()
            .filter(|(i, c)| *i >= host_end && (*c == '/' || *c == '?'))
            .map(|(i, _)| i)
            .collect();
        cuts.push(key.len());
        let mut last = usize::MAX;
        for c in cuts {
            let prefix = key[..c].trim_end_matches('/');
            if prefix.len() == last {
                continue;
            }
            last = prefix.len();
            out.extend(self.get(self.urls.get(prefix)));
        }
        out
    }

    /// IP indicators equal to `ip` or networks containing it.
    pub fn match_ip(&self, ip: IpAddr) -> Vec<&Indicator> {
        let mut out: Vec<&Indicator> = self.get(self.ips.get(&ip)).collect();
        for ((v6, len), map) in &self.nets {
            if *v6 == ip.is_ipv6() {
                out.extend(self.get(map.get(&normalise::mask(ip, *len))));
            }
        }
        out
    }

    /// E-mail indicators equal to `addr` (case-insensitive).
    pub fn match_email(&self, addr: &str) -> Vec<&Indicator> {
        if self.emails.is_empty() {
            return Vec::new();
        }
        self.get(self.emails.get(&addr.trim().to_lowercase()))
            .collect()
    }

    /// Hash indicators equal to the hex digest `hex` (MD5, SHA-1 or SHA-256, any case).
    pub fn match_hash(&self, hex: &str) -> Vec<&Indicator> {
        if self.hashes.is_empty() {
            return Vec::new();
        }
        self.get(self.hashes.get(&hex.trim().to_ascii_lowercase()))
            .collect()
    }

    /// Crypto-address indicators written in `text`: every run of ASCII letters and digits of address
    /// length is normalised ([`normalise::crypto_key`]) and looked up. Each indicator once, in order of
    /// appearance, at most 100.
    pub fn find_in_text(&self, text: &str) -> Vec<&Indicator> {
        let mut out: Vec<&Indicator> = Vec::new();
        if self.crypto.is_empty() {
            return out;
        }
        let mut seen: Vec<u32> = Vec::new();
        for token in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            if !TOKEN_LEN.contains(&token.len()) {
                continue;
            }
            let Some(key) = normalise::crypto_key(token) else {
                continue;
            };
            for n in self.crypto.get(&key).into_iter().flatten() {
                if !seen.contains(n) {
                    seen.push(*n);
                    if let Some(i) = self.indicators.get(*n as usize) {
                        out.push(i);
                    }
                }
            }
            if out.len() >= MAX_TEXT_MATCHES {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn ind(kind: Kind, v: &str) -> Indicator {
        Indicator::new(kind, v, Arc::from("test"))
    }

    fn set() -> IndicatorSet {
        let mut expired = ind(Kind::Domain, "old.example");
        expired.valid_until = Some(99);
        IndicatorSet::new(
            [
                ind(Kind::Domain, "evil.example"),
                ind(Kind::Url, "evil2.example/kit"),
                ind(Kind::Url, "http://evil3.example:8080"),
                ind(Kind::Ipv4, "198.51.100.7"),
                ind(Kind::Ipv4, "203.0.113.0/24"),
                ind(Kind::Ipv6, "2001:db8::/32"),
                ind(Kind::Email, "ceo@evil.example"),
                ind(
                    Kind::Sha256,
                    "6471f3898e63c2a9af25284253dc087dfda94809182c45728b3adc40e238c7f6",
                ),
                ind(
                    Kind::CryptoAddress,
                    "0x098b716b8aaf21512996dc57eb0615e2383e2f96",
                ),
                ind(Kind::CryptoAddress, "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX"),
                ind(Kind::Domain, "not a domain"),
                expired,
            ],
            100,
        )
    }

    #[test]
    fn lookups() {
        let s = set();
        assert_eq!(s.len(), 10);
        assert_eq!(s.stats().expired, 1);
        assert_eq!(s.stats().invalid, 1);
        assert_eq!(s.match_domain("Login.EVIL.example.").len(), 1);
        assert_eq!(s.match_domain("evil.example").len(), 1);
        assert!(s.match_domain("notevil.example").is_empty());
        assert!(s.match_domain("old.example").is_empty());
        assert_eq!(
            s.match_url("https://evil2.example/kit/login.php?x=1").len(),
            1
        );
        assert_eq!(s.match_url("HTTP://EVIL2.example/kit/").len(), 1);
        assert!(s.match_url("https://evil2.example/kitchen").is_empty());
        assert!(s.match_url("https://evil2.example/").is_empty());
        assert_eq!(s.match_url("http://evil3.example:8080/a").len(), 1);
        assert!(s.match_url("http://evil3.example/a").is_empty());
        assert_eq!(s.match_ip("198.51.100.7".parse().unwrap()).len(), 1);
        assert_eq!(s.match_ip("203.0.113.200".parse().unwrap()).len(), 1);
        assert!(s.match_ip("203.0.114.1".parse().unwrap()).is_empty());
        assert_eq!(s.match_ip("2001:db8:1::5".parse().unwrap()).len(), 1);
        assert_eq!(s.match_email("CEO@evil.example").len(), 1);
        assert_eq!(
            s.match_hash("6471F3898E63C2A9AF25284253DC087DFDA94809182C45728B3ADC40E238C7F6")
                .len(),
            1
        );
        let text = "Send 2 BTC to 123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX or ETH to \
                    0x098B716B8Aaf21512996dC57EB0615e2383E2f96 (again: 0x098b716b8aaf21512996dc57eb0615e2383e2f96).";
        assert_eq!(s.find_in_text(text).len(), 2);
        assert!(s
            .find_in_text("nothing 123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KY here")
            .is_empty());
    }

    /// Build time and per-look-up cost with 100,000 generated indicators:
    /// `cargo test -p spearwatch-intel --release -- --ignored --nocapture timing`.
    #[test]
    #[ignore]
    fn timing_100k() {
        use std::time::Instant;
        let n = 100_000;
        let mut v = Vec::with_capacity(n);
        for i in 0..n {
            let (kind, value) = match i % 5 {
                0 => (Kind::Domain, format!("host{i}.bad{}.example", i % 977)),
                1 => (Kind::Url, format!("http://u{i}.example/p/{i}")),
                2 => (
                    Kind::Ipv4,
                    format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255),
                ),
                3 => (
                    Kind::Sha256,
                    format!("{:064x}", i as u128 * 0x9e37_79b9_7f4a_7c15),
                ),
                _ => (
                    Kind::CryptoAddress,
                    format!("0x{:040x}", i as u128 * 0x9e37_79b9_7f4a_7c15),
                ),
            };
            v.push(ind(kind, &value));
        }
        let t = Instant::now();
        let s = IndicatorSet::new(v, 0);
        let build = t.elapsed();
        assert_eq!(s.len(), n);
        let rounds = 200_000u32;
        let t = Instant::now();
        let mut hits = 0usize;
        for r in 0..rounds {
            hits += s
                .match_domain(&format!("a.b.host{}.bad{}.example", r * 5, (r * 5) % 977))
                .len();
        }
        let dom = t.elapsed() / rounds;
        let t = Instant::now();
        for r in 0..rounds {
            hits += s
                .match_url(&format!(
                    "https://u{}.example/p/{}/x/y.php?q=1",
                    r * 5 + 1,
                    r * 5 + 1
                ))
                .len();
        }
        let url = t.elapsed() / rounds;
        let t = Instant::now();
        for r in 0..rounds {
            hits += s.match_ip(IpAddr::V4(std::net::Ipv4Addr::from(r))).len();
        }
        let ip = t.elapsed() / rounds;
        let t = Instant::now();
        for r in 0..rounds {
            hits += s.match_hash(&format!("{:064x}", r as u128 * 7)).len();
        }
        let hash = t.elapsed() / rounds;
        let text =
            "Dear customer, please pay the invoice to 0x0000000000000000000000000000000000000000 \
                    by Friday. Regards, accounting department. "
                .repeat(50);
        let t = Instant::now();
        for _ in 0..2_000 {
            hits += s.find_in_text(&text).len();
        }
        let text_t = t.elapsed() / 2_000;
        eprintln!(
            "100k indicators: build {build:?}; per look-up: domain {dom:?}, url {url:?}, ip {ip:?}, \
             hash {hash:?}; find_in_text on {} bytes {text_t:?} (hits {hits})",
            text.len()
        );
    }
}
