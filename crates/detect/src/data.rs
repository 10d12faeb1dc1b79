//! Compiled-in data: domain lists, brands, lure lexicons. Parsed once, on first use.

use serde::Deserialize;
use std::collections::HashSet;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
struct DomainsFile {
    freemail: Vec<String>,
    shorteners: Vec<String>,
    abused_tlds: Vec<String>,
    free_hosting: Vec<String>,
}

pub struct DomainLists {
    pub freemail: HashSet<String>,
    pub shorteners: HashSet<String>,
    pub abused_tlds: HashSet<String>,
    pub free_hosting: Vec<String>,
}

pub static DOMAINS: LazyLock<DomainLists> = LazyLock::new(|| {
    let f: DomainsFile = toml::from_str(include_str!("../data/domains.toml")).expect("data/domains.toml is valid");
    DomainLists {
        freemail: f.freemail.into_iter().collect(),
        shorteners: f.shorteners.into_iter().collect(),
        abused_tlds: f.abused_tlds.into_iter().collect(),
        free_hosting: f.free_hosting,
    }
});

#[derive(Debug, Deserialize)]
pub struct Brand {
    pub name: String,
    pub keywords: Vec<String>,
    pub domains: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct BrandsFile {
    brand: Vec<Brand>,
}

pub static BRANDS: LazyLock<Vec<Brand>> = LazyLock::new(|| {
    let f: BrandsFile = toml::from_str(include_str!("../data/brands.toml")).expect("data/brands.toml is valid");
    f.brand
});

impl Brand {
    /// The host is one of the brand's domains or a subdomain of one.
    pub fn owns(&self, host: &str) -> bool {
        self.domains.iter().any(|d| crate::domains::is_within(host, d))
    }
}

/// The first brand named in `text` and the keyword that named it. Matches keywords on word boundaries
/// in the lower-cased text, in its ASCII look-alike folding ("lRS" reads as "IRS", "paypa1" as
/// "paypal"), and for non-ASCII text in its UTS #39 skeleton ("Μetamаsk" with Greek and Cyrillic).
pub fn brand_named_in(text: &str) -> Option<(&'static Brand, &'static str)> {
    let lower = text.to_lowercase();
    let folded = fold_ascii_lookalikes(&lower);
    // Skeleton first (capital Greek Μ maps to M; its lower-case μ would not), then lower-case, then
    // skeleton again so both sides are in the same form ("m" becomes "rn" in skeletons).
    let skel = (!text.is_ascii()).then(|| {
        let once: String = unicode_security::skeleton(text).collect();
        unicode_security::skeleton(&once.to_lowercase()).collect::<String>()
    });
    for brand in BRANDS.iter() {
        for kw in &brand.keywords {
            let hit = crate::sender::contains_word(&lower, kw)
                || (kw.is_ascii() && kw.len() >= 3 && crate::sender::contains_word(&folded, &fold_ascii_lookalikes(kw)))
                || skel.as_deref().is_some_and(|sk| kw.is_ascii() && kw.len() >= 4 && sk.contains(&unicode_security::skeleton(kw).collect::<String>()));
            if hit {
                return Some((brand, kw.as_str()));
            }
        }
    }
    None
}

/// Folds ASCII characters that read alike in most fonts: 0/o, 1/l/i/|, rn/m, vv/w.
fn fold_ascii_lookalikes(s: &str) -> String {
    s.replace("rn", "m").replace("vv", "w").chars().map(|c| match c {
        '0' => 'o',
        '1' | 'i' | '|' => 'l',
        _ => c,
    }).collect()
}

#[derive(Debug, Deserialize)]
pub struct LureClass {
    pub id: String,
    pub title: String,
    pub technique: String,
    pub min_hits: usize,
    pub phrases: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct PasswordHint {
    pub phrases: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Lexicon {
    pub class: Vec<LureClass>,
    pub password_hint: PasswordHint,
}

pub static LEXICON: LazyLock<Lexicon> =
    LazyLock::new(|| toml::from_str(include_str!("../data/lures.toml")).expect("data/lures.toml is valid"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_are_found_behind_look_alikes() {
        assert_eq!(brand_named_in("lRS.GOV").map(|b| b.0.name.as_str()), Some("IRS"));
        assert_eq!(brand_named_in("PayPa1 Service").map(|b| b.0.name.as_str()), Some("PayPal"));
        assert_eq!(brand_named_in("\u{039C}etam\u{0430}sk").map(|b| b.0.name.as_str()), Some("MetaMask"));
        assert_eq!(brand_named_in("[국세청] 안내").map(|b| b.0.name.as_str()), Some("National Tax Service (Korea)"));
        assert!(brand_named_in("Iris Miller").is_none());
        assert!(brand_named_in("Weekly groups digest").is_none());
    }

    #[test]
    fn data_files_parse_and_are_lower_case() {
        assert!(DOMAINS.freemail.contains("naver.com"));
        assert!(DOMAINS.freemail.iter().all(|d| d == &d.to_ascii_lowercase()));
        assert!(BRANDS.iter().all(|b| !b.domains.is_empty() && !b.keywords.is_empty()));
        assert!(LEXICON.class.iter().any(|c| c.id == "tax"));
        for c in &LEXICON.class {
            let mut seen = HashSet::new();
            for p in &c.phrases {
                assert!(seen.insert(p.to_lowercase()), "duplicate phrase {p:?} in {}", c.id);
            }
        }
    }
}
