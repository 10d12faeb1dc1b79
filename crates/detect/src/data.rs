//! Compiled-in data: domain lists, brands, lure lexicons. Parsed once, on first use.

use aho_corasick::AhoCorasick;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
struct DomainsFile {
    freemail: Vec<String>,
    shorteners: Vec<String>,
    abused_tlds: Vec<String>,
    free_hosting: Vec<String>,
    click_tracking: Vec<String>,
    image_hosts: Vec<String>,
}

pub struct DomainLists {
    pub freemail: HashSet<String>,
    pub shorteners: HashSet<String>,
    pub abused_tlds: HashSet<String>,
    pub free_hosting: Vec<String>,
    pub click_tracking: Vec<String>,
    pub image_hosts: Vec<String>,
}

pub static DOMAINS: LazyLock<DomainLists> = LazyLock::new(|| {
    let f: DomainsFile =
        toml::from_str(include_str!("../data/domains.toml")).expect("data/domains.toml is valid");
    DomainLists {
        freemail: f.freemail.into_iter().collect(),
        shorteners: f.shorteners.into_iter().collect(),
        abused_tlds: f.abused_tlds.into_iter().collect(),
        free_hosting: f.free_hosting,
        click_tracking: f.click_tracking,
        image_hosts: f.image_hosts,
    }
});

#[derive(Debug, Deserialize)]
struct RolesFile {
    names: Vec<String>,
}

/// Department and system-role display names (`data/roles.toml`).
pub static ROLE_NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let f: RolesFile =
        toml::from_str(include_str!("../data/roles.toml")).expect("data/roles.toml is valid");
    f.names.into_iter().map(|n| n.to_lowercase()).collect()
});

/// The role named in a display name ("IT Support", "보안팀"), if any.
pub fn role_named_in(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    ROLE_NAMES
        .iter()
        .map(String::as_str)
        .find(|r| match lower.find(r) {
            Some(i) => !r.is_ascii() || word_at(&lower, i, i + r.len()),
            None => false,
        })
}

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
    let f: BrandsFile =
        toml::from_str(spearwatch_org::BUNDLED_BRANDS_TOML).expect("org/data/brands.toml is valid");
    f.brand
});

impl Brand {
    /// The host is one of the brand's domains or a subdomain of one.
    pub fn owns(&self, host: &str) -> bool {
        self.domains
            .iter()
            .any(|d| crate::domains::is_within(host, d))
    }
}

/// Automata over every brand keyword and domain, built once, so that a display name, subject or
/// link is checked against all brands in one pass instead of brand by brand.
struct BrandIndex {
    /// Keyword forms: as written (lower-case), ASCII look-alike folded, UTS #39 skeleton.
    exact: AhoCorasick,
    folded: AhoCorasick,
    skeleton: AhoCorasick,
    /// Per pattern of each automaton above: (brand index, keyword index).
    exact_ids: Vec<(usize, usize)>,
    folded_ids: Vec<(usize, usize)>,
    skeleton_ids: Vec<(usize, usize)>,
    /// ASCII keywords and domains, to find which brands a host or URL path could involve.
    in_url: AhoCorasick,
    in_url_ids: Vec<usize>,
}

static BRAND_INDEX: LazyLock<BrandIndex> = LazyLock::new(|| {
    let (mut exact, mut exact_ids) = (Vec::new(), Vec::new());
    let (mut folded, mut folded_ids) = (Vec::new(), Vec::new());
    let (mut skel, mut skel_ids) = (Vec::new(), Vec::new());
    let (mut in_url, mut in_url_ids) = (Vec::new(), Vec::new());
    for (bi, b) in BRANDS.iter().enumerate() {
        for (ki, kw) in b.keywords.iter().enumerate() {
            let kw = kw.to_lowercase();
            exact.push(kw.clone());
            exact_ids.push((bi, ki));
            if kw.is_ascii() && kw.len() >= 3 {
                folded.push(fold_ascii_lookalikes(&kw));
                folded_ids.push((bi, ki));
            }
            if kw.is_ascii() && kw.len() >= 4 {
                skel.push(unicode_security::skeleton(&kw).collect::<String>());
                skel_ids.push((bi, ki));
            }
            if kw.is_ascii() && !kw.contains(' ') {
                in_url.push(kw);
                in_url_ids.push(bi);
            }
        }
        for d in &b.domains {
            in_url.push(d.clone());
            in_url_ids.push(bi);
        }
    }
    let build =
        |pats: &[String]| AhoCorasick::new(pats).expect("brand patterns build an automaton");
    BrandIndex {
        exact: build(&exact),
        folded: build(&folded),
        skeleton: build(&skel),
        exact_ids,
        folded_ids,
        skeleton_ids: skel_ids,
        in_url: build(&in_url),
        in_url_ids,
    }
});

pub(crate) fn warm_up() {
    LazyLock::force(&DOMAINS);
    LazyLock::force(&BRAND_INDEX);
    LazyLock::force(&LOOKALIKES);
    LazyLock::force(&CALL_TO_ACTION);
    LazyLock::force(&ROLE_NAMES);
    LazyLock::force(&LEXICON);
}

/// The first brand (in list order) named in `text`, and the keyword that named it. Matches keywords on
/// word boundaries in the lower-cased text (single letters joined: "D/H/L"), in its ASCII look-alike
/// folding ("lRS" reads as "IRS", "paypa1" as "paypal"), and for non-ASCII text in its UTS #39
/// skeleton ("Μetamаsk" with Greek and Cyrillic letters).
pub fn brand_named_in(text: &str) -> Option<(&'static Brand, &'static str)> {
    let ix = &*BRAND_INDEX;
    let lower = collapse_spaced_letters(&text.to_lowercase());
    let folded = fold_ascii_lookalikes(&lower);
    let mut best: Option<(usize, usize)> = None;
    let mut consider = |hay: &str, ac: &AhoCorasick, ids: &[(usize, usize)], boundaries: bool| {
        for m in ac.find_overlapping_iter(hay) {
            let id = ids[m.pattern().as_usize()];
            let kw = &BRANDS[id.0].keywords[id.1];
            if boundaries && kw.is_ascii() && !word_at(hay, m.start(), m.end()) {
                continue;
            }
            if best.is_none_or(|b| id < b) {
                best = Some(id);
            }
        }
    };
    consider(&lower, &ix.exact, &ix.exact_ids, true);
    consider(&folded, &ix.folded, &ix.folded_ids, true);
    // Hangul, Han and Kana have no Latin look-alikes worth the cost of a skeleton; anything else
    // outside ASCII (Cyrillic, Greek, symbol letters) may be a disguised brand.
    if text.chars().any(|c| !c.is_ascii() && !is_east_asian(c)) {
        // Skeleton first (capital Greek Μ maps to M; its lower-case μ would not), then lower-case,
        // then skeleton again so both sides are in the same form ("m" becomes "rn" in skeletons).
        let once: String = unicode_security::skeleton(text).collect();
        let skel: String = unicode_security::skeleton(&once.to_lowercase()).collect();
        consider(&skel, &ix.skeleton, &ix.skeleton_ids, false);
    }
    best.map(|(b, k)| (&BRANDS[b], BRANDS[b].keywords[k].as_str()))
}

fn is_east_asian(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3130..=0x318F | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3)
}

/// Brands whose keywords or domains occur in `hay` (a lower-case host or URL), by index, sorted.
pub fn brands_in_url(hay: &str) -> Vec<&'static Brand> {
    let ix = &*BRAND_INDEX;
    let mut v: Vec<usize> = ix
        .in_url
        .find_overlapping_iter(hay)
        .map(|m| ix.in_url_ids[m.pattern().as_usize()])
        .collect();
    v.sort_unstable();
    v.dedup();
    v.into_iter().map(|i| &BRANDS[i]).collect()
}

/// One-edit neighbourhoods of brand domain labels ("paypal" in paypal.com), for look-alike search:
/// every string one deletion away from a folded label maps to the brand domains it came from. Two
/// labels within one insertion, deletion, substitution or adjacent swap share an entry (the
/// symmetric-delete idea of SymSpell), so a look-up costs one hash probe per character.
struct Lookalikes {
    entries: Vec<LookalikeEntry>,
    /// Deletion variant (and the folded label itself) -> entries.
    by_delete: HashMap<String, Vec<usize>>,
    /// Folded label -> entries.
    folded_labels: HashMap<String, Vec<usize>>,
}

struct LookalikeEntry {
    brand: usize,
    domain: usize,
    label: String,
    folded: String,
    government: bool,
}

static LOOKALIKES: LazyLock<Lookalikes> = LazyLock::new(|| {
    let mut ix = Lookalikes {
        entries: Vec::new(),
        by_delete: HashMap::new(),
        folded_labels: HashMap::new(),
    };
    for (bi, b) in BRANDS.iter().enumerate() {
        for (di, d) in b.domains.iter().enumerate() {
            let Some(label) = brand_label(d) else {
                continue;
            };
            let folded = fold_label(&label);
            if folded.chars().count() < MIN_LOOKALIKE_LABEL
                || GENERIC_BRAND_WORDS.contains(&label.as_str())
            {
                continue;
            }
            let e = ix.entries.len();
            ix.folded_labels.entry(folded.clone()).or_default().push(e);
            for del in deletions(&folded) {
                ix.by_delete.entry(del).or_default().push(e);
            }
            ix.by_delete.entry(folded.clone()).or_default().push(e);
            let government = GOVERNMENT_SUFFIXES.iter().any(|s| d.ends_with(s));
            ix.entries.push(LookalikeEntry {
                brand: bi,
                domain: di,
                label,
                folded,
                government,
            });
        }
    }
    ix
});

/// Brand keywords and domain labels that are also ordinary words or names ("outlook", "office",
/// "windows", "chase"): in hosts they count only as the brand's full domain, and they are not searched
/// for look-alikes ("window.com" is not an imitation of windows.net). One list with the organisation
/// look-alike index.
pub use spearwatch_org::lookalike::GENERIC_BRAND_WORDS;

use spearwatch_org::profile::GOVERNMENT_SUFFIXES;

/// Shorter labels have too many innocent neighbours ("ups" and "uk").
const MIN_LOOKALIKE_LABEL: usize = 5;

/// The label of a brand domain that carries the name: "paypal" for paypal.com, "hometax" for
/// hometax.go.kr.
fn brand_label(domain: &str) -> Option<String> {
    let reg = crate::domains::registrable(domain).unwrap_or_else(|| domain.to_string());
    reg.split('.').next().map(str::to_string)
}

/// Lower-case, hyphens dropped, ASCII look-alikes folded (0/o, 1/l/i, rn/m, vv/w).
fn fold_label(label: &str) -> String {
    fold_ascii_lookalikes(&label.to_lowercase().replace('-', ""))
}

/// `candidate` is `label` with one letter typed twice ("naverr", "gmaill"): a typo-squat, never a word.
fn is_doubled(candidate: &str, label: &str) -> bool {
    let c: Vec<char> = candidate.chars().collect();
    c.len() == label.chars().count() + 1
        && (1..c.len()).any(|i| {
            c[i] == c[i - 1] && c[..i].iter().chain(&c[i + 1..]).copied().eq(label.chars())
        })
}

fn deletions(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    (0..chars.len())
        .map(|i| {
            chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| c)
                .collect()
        })
        .collect()
}

/// A brand domain that `host` imitates: its registrable label becomes the brand's label once
/// look-alike characters and hyphens are folded ("paypa1", "pay-pal"), or is one edit away from it
/// ("paypall", "paypla", "netfix"), while the host is not the brand's. Returns the brand and the imitated domain.
///
/// One-edit neighbours of labels shorter than `min_edit_len` are not reported: five-letter names
/// have innocent neighbours ("qmail" and "gmail", "jpost" and "epost") that a link may well point
/// to, while a sender domain one letter off a brand is rarely innocent.
pub fn lookalike_of(host: &str, min_edit_len: usize) -> Option<(&'static Brand, &'static str)> {
    let reg = crate::domains::registrable(host)?;
    let label = reg.split('.').next()?;
    let folded = fold_label(label);
    if folded.chars().count() < MIN_LOOKALIKE_LABEL {
        return None;
    }
    let ix = &*LOOKALIKES;
    // The same label after folding counts only when the label itself differs ("paypa1", "pay-pal",
    // "upblt"): a brand's plain name under another suffix is too often the brand's own country site
    // (google.co.uk). Authorities have no country sites, so their name under any other suffix is an
    // imitation (hometax.kr for hometax.go.kr).
    let mut candidates: Vec<usize> = ix
        .folded_labels
        .get(&folded)
        .into_iter()
        .flatten()
        .copied()
        .filter(|&e| ix.entries[e].label != label || ix.entries[e].government)
        .collect();
    for key in std::iter::once(folded.clone()).chain(deletions(&folded)) {
        // Shared deletions also pair labels two edits apart: keep true one-edit neighbours (optimal
        // string alignment distance, which counts an adjacent swap as one edit).
        candidates.extend(
            ix.by_delete
                .get(&key)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&e| {
                    let l = &ix.entries[e].folded;
                    strsim::osa_distance(l, &folded) == 1
                        && (l.chars().count() >= min_edit_len || is_doubled(&folded, l))
                }),
        );
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates
        .into_iter()
        .map(|e| {
            (
                &BRANDS[ix.entries[e].brand],
                BRANDS[ix.entries[e].brand].domains[ix.entries[e].domain].as_str(),
            )
        })
        .find(|(b, _)| !b.owns(host))
}

/// Anchor texts short enough to be a button ("Verify now", "확인하기").
const MAX_BUTTON_TEXT: usize = 40;

static CALL_TO_ACTION: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&LEXICON.call_to_action.phrases)
        .expect("call-to-action phrases build an automaton")
});

/// `text` reads like a button asking the reader to act: short, with a call-to-action word (on word
/// boundaries for ASCII words).
pub fn is_call_to_action(text: &str) -> bool {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_BUTTON_TEXT {
        return false;
    }
    let lower = text.to_lowercase();
    CALL_TO_ACTION.find_overlapping_iter(&lower).any(|m| {
        let p = &LEXICON.call_to_action.phrases[m.pattern().as_usize()];
        !p.is_ascii() || word_at(&lower, m.start(), m.end())
    })
}

/// No letter or digit right before `start` or right after `end`.
fn word_at(hay: &str, start: usize, end: usize) -> bool {
    hay[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
        && hay[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

/// Joins single letters split by one separator, "d/h/l" or "p a y p a l", into one word.
fn collapse_spaced_letters(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let is_sep = |c: char| matches!(c, '/' | '.' | '-' | '_' | ' ' | '*' | '|');
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        // A run letter, sep, letter, sep, letter... of at least three single letters.
        let mut j = i;
        let mut letters = Vec::new();
        while j < chars.len()
            && chars[j].is_alphanumeric()
            && chars.get(j + 1).is_none_or(|c| is_sep(*c))
            && (j == 0 || is_sep(chars[j - 1]) || j == i)
        {
            letters.push(chars[j]);
            if chars.get(j + 2).is_some_and(|c| c.is_alphanumeric())
                && chars.get(j + 3).is_none_or(|c| is_sep(*c))
            {
                j += 2;
            } else {
                break;
            }
        }
        let starts_word = i == 0 || !chars[i - 1].is_alphanumeric();
        if letters.len() >= 3 && starts_word {
            out.extend(letters.iter());
            i = j + 1;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Folds ASCII characters that read alike in most fonts: 0/o, 1/l/i/|, rn/m, vv/w.
fn fold_ascii_lookalikes(s: &str) -> String {
    s.replace("rn", "m")
        .replace("vv", "w")
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | 'i' | '|' => 'l',
            _ => c,
        })
        .collect()
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
pub struct CallToAction {
    pub phrases: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Lexicon {
    pub class: Vec<LureClass>,
    pub password_hint: PasswordHint,
    pub call_to_action: CallToAction,
}

pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    toml::from_str(include_str!("../data/lures.toml")).expect("data/lures.toml is valid")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_are_found_behind_look_alikes() {
        assert_eq!(
            brand_named_in("lRS.GOV").map(|b| b.0.name.as_str()),
            Some("IRS")
        );
        assert_eq!(
            brand_named_in("PayPa1 Service").map(|b| b.0.name.as_str()),
            Some("PayPal")
        );
        assert_eq!(
            brand_named_in("\u{039C}etam\u{0430}sk").map(|b| b.0.name.as_str()),
            Some("MetaMask")
        );
        assert_eq!(
            brand_named_in("[국세청] 안내").map(|b| b.0.name.as_str()),
            Some("National Tax Service (Korea)")
        );
        assert_eq!(
            brand_named_in("D/H/L-verzending").map(|b| b.0.name.as_str()),
            Some("DHL")
        );
        assert_eq!(
            collapse_spaced_letters("p a y p a l support"),
            "paypal support"
        );
        assert_eq!(collapse_spaced_letters("a b test"), "a b test");
        assert!(brand_named_in("Iris Miller").is_none());
        assert!(brand_named_in("Weekly groups digest").is_none());
    }

    #[test]
    fn buttons() {
        for t in [
            "Verify now",
            "CLICK HERE",
            "지금 확인하기",
            "Jetzt bestätigen",
        ] {
            assert!(is_call_to_action(t), "{t}");
        }
        for t in [
            "Reviewer guidelines and the full programme of the autumn conference",
            "preview",
            "Unsubscribe",
            "",
        ] {
            assert!(!is_call_to_action(t), "{t}");
        }
    }

    #[test]
    fn lookalike_domains() {
        for (host, want) in [
            ("paypa1.com", "paypal.com"),
            ("www.paypall.com", "paypal.com"),
            ("paypla.com", "paypal.com"),
            ("pay-pal.net", "paypal.com"),
            ("paypa1.co", "paypal.com"),
            ("netfix.com", "netflix.com"),
            ("rnetamask.io", "metamask.io"),
            ("upbitt.com", "upbit.com"),
            ("hometax.kr", "hometax.go.kr"),
            ("binanse.com", "binance.com"),
        ] {
            assert_eq!(lookalike_of(host, 5).map(|(_, d)| d), Some(want), "{host}");
        }
        for host in [
            "paypal.co",
            "www.google.co.uk",
            "egali.com.br",
            "orbita.te.ua",
            "costom.best",
            "window.com",
            "offices.com",
            "paypal.com",
            "www.paypal.com",
            "example.com",
            "ups.example",
            "googlemail.com",
            "coinbase.com",
            "mail.google.com",
        ] {
            assert_eq!(lookalike_of(host, 5).map(|(_, d)| d), None, "{host}");
        }
        assert_eq!(
            lookalike_of("upbitt.com", 6).map(|(_, d)| d),
            Some("upbit.com"),
            "doubled letter"
        );
        assert_eq!(
            lookalike_of("nid.naverr.com", 6).map(|(_, d)| d),
            Some("naver.com")
        );
        assert_eq!(
            lookalike_of("upblt.com", 6).map(|(_, d)| d),
            Some("upbit.com"),
            "l for i"
        );
        assert!(
            lookalike_of("upbat.com", 6).is_none(),
            "substitution in a five-letter name"
        );
        assert!(lookalike_of("www.qmail.org", 6).is_none());
        assert_eq!(
            lookalike_of("paypall.com", 6).map(|(_, d)| d),
            Some("paypal.com")
        );
        assert_eq!(
            lookalike_of("upb1t.com", 6).map(|(_, d)| d),
            Some("upbit.com"),
            "folding is not an edit"
        );
    }

    #[test]
    fn data_files_parse_and_are_lower_case() {
        assert!(DOMAINS.freemail.contains("naver.com"));
        assert!(DOMAINS
            .freemail
            .iter()
            .all(|d| d == &d.to_ascii_lowercase()));
        assert!(BRANDS
            .iter()
            .all(|b| !b.domains.is_empty() && !b.keywords.is_empty()));
        assert!(LEXICON.class.iter().any(|c| c.id == "tax"));
        for c in &LEXICON.class {
            let mut seen = HashSet::new();
            for p in &c.phrases {
                assert!(
                    seen.insert(p.to_lowercase()),
                    "duplicate phrase {p:?} in {}",
                    c.id
                );
            }
        }
    }
}
