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
