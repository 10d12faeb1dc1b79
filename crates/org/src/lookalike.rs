//! Look-alike domains of protected domains (the organisation's, its partners', authorities' and
//! brands').
//!
//! [`LookalikeIndex::check`] answers one question for a sender or link host: does it imitate one of
//! the protected domains? The host may be punycode (`xn--...`), Unicode, any case, with a trailing dot.
//! Only the host's *registrable domain* (public suffix list, ICANN and private sections) is compared,
//! plus its leading labels for the embedding trick; a host on a suffix the list does not know
//! (`intranet.local`) has no registrable domain and is never a look-alike.
//!
//! # Tricks, strongest first
//!
//! When a host matches several protected domains (or one in several ways) the strongest trick wins,
//! in this order (then the owner: organisation, partner, authority, brand; then list order):
//!
//! 1. [`Trick::Confusable`]: a registrable label with letters outside ASCII (other than Hangul,
//!    Han and Kana) whose UTS #39 §4 skeleton, ASCII look-alikes folded as for edits, equals a
//!    protected label's ("sаmil-tax.kr" with Cyrillic а, "pаypa1.com"; accents are dropped after
//!    the skeleton's NFD, so "paypäl" counts too).
//! 2. [`Trick::MixedScript`]: a label that is not single-script (UTS #39 §5.1) with a confusable
//!    foreign letter whose skeleton reading is an edit, hyphen change or name-plus-word of a
//!    protected label. A whole-script near miss (all Cyrillic, one letter off) is reported as
//!    `Confusable` with the edit in `detail`.
//! 3. [`Trick::Embedded`]: the protected domain as leading labels of another registrable domain
//!    ("samil-tax.kr.docs-share.com", "login.upbit.com.secure-check.io", "nts.go.kr.com"), run into
//!    the next label with a hyphen ("hometax.go.kr-verify.com"), written with hyphens for dots
//!    ("hometax-go-kr.com"), or its label and a hyphen opening a subdomain label
//!    ("upbit-login.evil.com"). Its name under another suffix in front of another domain
//!    ("paypal.de.evil.com") is not looked for: "hulu.my.salesforce.com" is Hulu's Salesforce
//!    site, and so would be "samil-tax.my.salesforce.com".
//! 4. [`Trick::Edit`]: optimal string alignment distance 0 or 1 after folding ASCII look-alikes
//!    (0/o, 1/l/i, rn/m, vv/w, cl/d): swap, omission, insertion, substitution. Protected labels
//!    shorter than 5 characters only for a doubled letter ("upss"), and not under 3 ("goo" is not
//!    go.com's). The first letter must be kept (readers anchor on it: "qmail", "jpost" and
//!    "bstatic" are real neighbours of gmail, epost and gstatic), except for a swap of the first
//!    two letters, a doubled first letter, and, from 6 letters on, a letter added or dropped in
//!    front ("lhotmail"). Hyphens are kept, so "hanbit.co.kr" (Hanbit Media, a different company)
//!    is two edits from "hanbit-x" and not reported. A host whose label is a brand's own label
//!    (mercadolivre.br) is that brand's country site, not an edit of its other names.
//! 5. [`Trick::Hyphen`]: the same letters with a hyphen added, removed, moved or doubled.
//! 6. [`Trick::Suffix`]: the same label under another public suffix, for the organisation, partners
//!    and authorities only: brands run country sites (google.co.uk is Google's). Labels shorter than
//!    5 characters only under the same top-level domain (nts.kr, fss.go.kr; not fsc.org).
//! 7. [`Trick::NamePlusWord`]: the protected label (>= 5 characters) as a whole run of hyphen-separated
//!    tokens ("samil-tax-secure", "secure-hanbit-x"), or (>= 6 characters) as a prefix or suffix joined
//!    directly ("binancewallet"). For brands the added word must be a phishing word (support, login,
//!    wallet, verify, kr ...): brands own many such domains themselves (google-analytics.com,
//!    githubassets.com, youtubekids.com), and a brand name with any word is already a finding of
//!    the link detector's keyword search.
//!
//! Brand labels that are ordinary words ("outlook", "office", "apple", "cloud", [`GENERIC_BRAND_WORDS`])
//! are matched only as confusables and embedded whole domains: "window.com" does not imitate
//! windows.net.
//!
//! # Never reported
//!
//! A protected domain or a host under one, of any owner (hotmail.com and outlook.com do not imitate
//! each other), and any host whose registrable domain is a protected domain's registrable domain
//! (a sibling of mail.samil-tax.kr is Samil's too). A protected domain that is itself a public suffix
//! (github.io, gov.uk) protects only itself: "paypal-login.github.io" is somebody's site. IP literals;
//! hosts without a registrable domain under a known suffix.
//!
//! # Cost
//!
//! Everything is hashed at construction: labels, hyphen-less labels, skeleton readings, labels with
//! dots written as hyphens, and the one-deletion neighbourhoods of folded labels (the symmetric-delete
//! idea of SymSpell: two strings one insertion, deletion, substitution or swap apart share a deletion).
//! A check is a public-suffix look-up and a few dozen hash probes, independent of the list size.

use crate::profile::{DomainOwner, Profile, ProtectedKind, GOVERNMENT_SUFFIXES};
use std::collections::{HashMap, HashSet};
use unicode_script::{Script, UnicodeScript};
use unicode_security::MixedScript;

/// How a host imitates a protected domain.
///
/// Variants are listed in the stub's order; [`Trick::strength_rank`] gives the order of strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trick {
    /// Same UTS #39 skeleton (confusable letters from any script, "sаmil-tax.kr" with Cyrillic а).
    Confusable,
    /// A label mixing scripts or punycode hiding one (UTS #39 §5.1).
    MixedScript,
    /// One character swapped, dropped, added or replaced, or an ASCII look-alike (1/l, 0/o, rn/m, vv/w).
    Edit,
    /// A hyphen added or removed ("samiltax.kr" for "samil-tax.kr").
    Hyphen,
    /// The same name under another suffix ("samil-tax.com" for "samil-tax.kr").
    Suffix,
    /// The true domain used as a subdomain of another ("samil-tax.kr.docs-share.com").
    Embedded,
    /// The name plus a word ("samil-tax-secure.kr", "upbit-support.com").
    NamePlusWord,
}

impl Trick {
    /// Strength, 0 strongest: the order in which several matches of one host are ranked.
    pub fn strength_rank(self) -> u8 {
        match self {
            Trick::Confusable => 0,
            Trick::MixedScript => 1,
            Trick::Embedded => 2,
            Trick::Edit => 3,
            Trick::Hyphen => 4,
            Trick::Suffix => 5,
            Trick::NamePlusWord => 6,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Trick::Confusable => "confusable",
            Trick::MixedScript => "mixed_script",
            Trick::Edit => "edit",
            Trick::Hyphen => "hyphen",
            Trick::Suffix => "suffix",
            Trick::Embedded => "embedded",
            Trick::NamePlusWord => "name_plus_word",
        }
    }
}

/// A host that imitates a protected domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookalike {
    /// The protected domain imitated.
    pub domain: String,
    pub owner: DomainOwner,
    pub trick: Trick,
    /// For people: "one letter changed (l -> 1)", "hyphen removed", "Cyrillic а in a Latin name".
    pub detail: String,
}

/// Brand labels that are also ordinary words or names: not searched for edits, hyphen changes or
/// added words ("window.com", "apple-pie.com", "cloud-hosting.net"). The sender and link detectors
/// use the same list.
pub const GENERIC_BRAND_WORDS: &[&str] = &[
    "outlook",
    "office",
    "windows",
    "azure",
    "cloud",
    "amazon",
    "apple",
    "meta",
    "visa",
    "wise",
    "zoom",
    "steam",
    "stripe",
    "chase",
    "ledger",
    "kraken",
    "gemini",
    "phantom",
    "exodus",
    "ripple",
    "crypto",
    "booking",
    "blockchain",
    "discord",
    "telegram",
    "intuit",
    "norton",
    "revolut",
    "live",
    "max",
    "gen",
    "mac",
];

/// Words phishing adds to a brand's name ("upbit-support", "binancewallet", "paypal-kr"). A brand's
/// name with another word is not reported (google-analytics.com, disneyland.com).
const LURE_WORDS: &[&str] = &[
    "access",
    "account",
    "accounts",
    "admin",
    "airdrop",
    "alert",
    "alerts",
    "app",
    "apps",
    "auth",
    "bank",
    "billing",
    "bonus",
    "care",
    "center",
    "centre",
    "check",
    "claim",
    "confirm",
    "cs",
    "customer",
    "desk",
    "event",
    "exchange",
    "gift",
    "global",
    "help",
    "helpdesk",
    "id",
    "info",
    "invoice",
    "korea",
    "kr",
    "kyc",
    "login",
    "logon",
    "mail",
    "member",
    "mobile",
    "my",
    "notice",
    "official",
    "online",
    "otp",
    "pay",
    "payment",
    "portal",
    "promo",
    "protect",
    "recover",
    "recovery",
    "refund",
    "reset",
    "restore",
    "reward",
    "rewards",
    "safe",
    "secure",
    "security",
    "service",
    "services",
    "signin",
    "signon",
    "sso",
    "support",
    "team",
    "unlock",
    "update",
    "user",
    "validate",
    "verify",
    "verification",
    "wallet",
    "web",
];

/// Protected labels shorter than this are searched for edits only as a doubled letter.
const MIN_EDIT_LABEL: usize = 5;
/// Protected labels shorter than this count a letter added or dropped in front only when it is a
/// doubled letter.
const SHORT_EDIT_LABEL: usize = 6;
/// "goo" is not a doubled "go", "xx" not a doubled "x".
const MIN_DOUBLED_LABEL: usize = 3;
/// Shortest protected label reported as a hyphen-separated run of tokens with another word.
const MIN_TOKEN_LABEL: usize = 5;
/// Shortest protected label reported joined directly to another word ("binancewallet").
const MIN_JOINED_LABEL: usize = 6;
/// Shorter labels count under another suffix only in the same top-level domain (nts.kr, not fsc.org).
const MIN_SUFFIX_LABEL: usize = 5;
/// Hyphen-separated tokens looked at in one label (RFC 1035 §2.3.4 caps a label at 63 octets).
const MAX_TOKENS: usize = 12;
/// Protected domains embedded as up to this many leading labels.
const MAX_EMBEDDED_LABELS: usize = 5;

#[derive(Debug, Clone)]
struct Entry {
    domain: String,
    owner: DomainOwner,
    brand: bool,
    /// 0 organisation, 1 partner, 2 authority, 3 brand: ties between matches of the same trick.
    rank: u8,
    /// None when the domain is itself a public suffix or under an unknown suffix.
    name: Option<Name>,
}

#[derive(Debug, Clone)]
struct Name {
    registrable: String,
    /// First label of the registrable domain, ASCII (punycode for an IDN).
    label: String,
    /// The public suffix after it ("go.kr").
    suffix: String,
    /// A brand label that is an ordinary word: confusables and embedding only.
    generic: bool,
    /// ASCII look-alikes folded, hyphens kept: what edits are measured on.
    folded: String,
}

/// Protected domains, indexed for fast checks of many hosts.
#[derive(Debug, Default, Clone)]
pub struct LookalikeIndex {
    entries: Vec<Entry>,
    /// Protected domain as written (lower-case ASCII) -> entries.
    by_domain: HashMap<String, Vec<u32>>,
    /// Protected domains that are public suffixes themselves: they own only themselves.
    suffix_domains: HashSet<String>,
    /// Registrable domains of protected domains: every host under one is the owner's.
    registrables: HashSet<String>,
    /// Registrable label -> entries.
    by_label: HashMap<String, Vec<u32>>,
    /// Registrable label without hyphens -> entries.
    by_hyphenless: HashMap<String, Vec<u32>>,
    /// Skeleton reading of the registrable label, ASCII look-alikes folded -> entries.
    by_reading: HashMap<String, Vec<u32>>,
    /// Folded label and each of its one-deletion variants -> entries.
    by_delete: HashMap<String, Vec<u32>>,
    /// Domain with dots written as hyphens ("hometax-go-kr") -> entries.
    by_dashed: HashMap<String, Vec<u32>>,
    /// Longest folded label in `by_delete`, in characters.
    max_folded: usize,
}

struct Cand {
    trick: Trick,
    entry: u32,
    detail: String,
}

/// A host broken up for checking.
struct Host {
    /// Lower-case ASCII (punycode), no trailing dot.
    ascii: String,
    /// Byte offset of each label in `ascii`.
    starts: Vec<usize>,
    /// Index of the label where the registrable domain starts.
    reg: usize,
    /// The registrable label decoded from punycode (lower-case); the ASCII label when not an IDN.
    label_u: String,
}

impl Host {
    fn label(&self, i: usize) -> &str {
        let end = self.label_end(i);
        self.ascii.get(self.starts[i]..end).unwrap_or("")
    }

    fn label_end(&self, i: usize) -> usize {
        self.starts
            .get(i + 1)
            .map_or(self.ascii.len(), |&s| s.saturating_sub(1))
    }

    fn registrable(&self) -> &str {
        self.ascii.get(self.starts[self.reg]..).unwrap_or("")
    }

    fn suffix(&self) -> &str {
        self.starts
            .get(self.reg + 1)
            .and_then(|&s| self.ascii.get(s..))
            .unwrap_or("")
    }

    fn parse(host: &str) -> Option<Host> {
        let h = host.trim().trim_end_matches('.');
        if h.is_empty()
            || h.len() > 253
            || h.starts_with('[')
            || h.parse::<std::net::IpAddr>().is_ok()
        {
            return None;
        }
        let ascii = if h.is_ascii() {
            h.to_ascii_lowercase()
        } else {
            // UTS #46 processing (IDNA2008 with the web's compatibility mapping) lower-cases and
            // maps full-width forms, so "ＰａｙＰａｌ.com" is paypal.com itself.
            idna::domain_to_ascii(&h.to_lowercase()).ok()?
        };
        let ascii = ascii.trim_end_matches('.').to_string();
        let mut starts = Vec::new();
        let mut pos = 0;
        for l in ascii.split('.') {
            if l.is_empty()
                || l.len() > 63
                || !l
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return None;
            }
            starts.push(pos);
            pos += l.len() + 1;
        }
        // Dotted numbers are an IPv4 address in some spelling (RFC 3986 §3.2.2 leaves it to the
        // resolver; inet_aton reads "10.1" and "0x7f.1").
        if ascii
            .split('.')
            .all(|l| l.bytes().all(|b| b.is_ascii_hexdigit() || b == b'x'))
            && ascii
                .split('.')
                .any(|l| l.bytes().any(|b| b.is_ascii_digit()))
            && ascii
                .rsplit('.')
                .next()
                .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit() || b == b'x'))
        {
            return None;
        }
        let d = psl::domain(ascii.as_bytes())?;
        if !d.suffix().is_known() {
            return None;
        }
        let reg_start = ascii.len().checked_sub(d.as_bytes().len())?;
        let reg = starts.iter().position(|&s| s == reg_start)?;
        let mut host = Host {
            ascii,
            starts,
            reg,
            label_u: String::new(),
        };
        let label = host.label(reg).to_string();
        host.label_u = if label.starts_with("xn--") {
            match idna::domain_to_unicode(&label) {
                (u, Ok(())) => u,
                _ => label,
            }
        } else {
            label
        };
        Some(host)
    }
}

impl LookalikeIndex {
    /// Index `entries` (domain, owner). Without the profile, a `Protected` owner counts as an
    /// authority when its domain is under a government suffix (.go.kr, .gov ...) and as a brand
    /// otherwise; [`LookalikeIndex::from_profile`] uses the profile's own kinds.
    pub fn new(entries: Vec<(String, DomainOwner)>) -> Self {
        Self::build(entries, |_, domain| {
            !GOVERNMENT_SUFFIXES.iter().any(|s| domain.ends_with(s))
        })
    }

    /// Index every domain of `profile` ([`Profile::protected_domains`]), brands told apart from
    /// authorities by `Profile.protected[i].kind`.
    pub fn from_profile(profile: &Profile) -> Self {
        Self::build(profile.protected_domains(), |owner, _| match owner {
            DomainOwner::Protected(i) => profile
                .protected
                .get(*i)
                .is_some_and(|p| p.kind == ProtectedKind::Brand),
            _ => false,
        })
    }

    fn build(
        entries: Vec<(String, DomainOwner)>,
        is_brand: impl Fn(&DomainOwner, &str) -> bool,
    ) -> Self {
        let mut ix = LookalikeIndex::default();
        for (domain, owner) in entries {
            let d = domain.trim().trim_end_matches('.').to_lowercase();
            let d = if d.is_ascii() {
                d
            } else {
                match idna::domain_to_ascii(&d) {
                    Ok(a) => a,
                    Err(_) => continue,
                }
            };
            if d.is_empty() {
                continue;
            }
            let brand = matches!(owner, DomainOwner::Protected(_)) && is_brand(&owner, &d);
            let rank = match owner {
                DomainOwner::Organisation => 0,
                DomainOwner::Partner(_) => 1,
                DomainOwner::Protected(_) if brand => 3,
                DomainOwner::Protected(_) => 2,
            };
            let e = ix.entries.len() as u32;
            ix.by_domain.entry(d.clone()).or_default().push(e);
            if psl::suffix_str(&d) == Some(d.as_str()) {
                ix.suffix_domains.insert(d.clone());
            }
            let name = psl::domain(d.as_bytes())
                .filter(|r| r.suffix().is_known())
                .and_then(|r| std::str::from_utf8(r.as_bytes()).ok())
                .and_then(|r| {
                    let (label, suffix) = r.split_once('.')?;
                    let generic = brand && GENERIC_BRAND_WORDS.contains(&label);
                    Some(Name {
                        registrable: r.to_string(),
                        label: label.to_string(),
                        suffix: suffix.to_string(),
                        generic,
                        folded: fold(label),
                    })
                });
            if let Some(n) = &name {
                ix.registrables.insert(n.registrable.clone());
                ix.by_label.entry(n.label.clone()).or_default().push(e);
                let unicode = if n.label.starts_with("xn--") {
                    match idna::domain_to_unicode(&n.label) {
                        (u, Ok(())) => u,
                        _ => n.label.clone(),
                    }
                } else {
                    n.label.clone()
                };
                ix.by_reading
                    .entry(fold(&reading(&unicode)))
                    .or_default()
                    .push(e);
                if !n.generic && !n.label.starts_with("xn--") {
                    let hl = n.label.replace('-', "");
                    if hl.chars().count() >= MIN_EDIT_LABEL {
                        ix.by_hyphenless.entry(hl).or_default().push(e);
                    }
                    let len = n.folded.chars().count();
                    if len >= MIN_DOUBLED_LABEL {
                        ix.max_folded = ix.max_folded.max(len);
                        ix.by_delete.entry(n.folded.clone()).or_default().push(e);
                        for del in deletions(&n.folded) {
                            let v = ix.by_delete.entry(del).or_default();
                            if !v.contains(&e) {
                                v.push(e);
                            }
                        }
                    }
                }
            }
            // "nts-go-kr" and "upbit-com" are telling; "t-co", "x-com" and "go-com" are runs of
            // ordinary tokens.
            let dashed = name
                .as_ref()
                .is_none_or(|n| !n.generic && n.label.len() >= 3);
            if d.contains('.') && dashed {
                ix.by_dashed.entry(d.replace('.', "-")).or_default().push(e);
            }
            ix.entries.push(Entry {
                domain: d,
                owner,
                brand,
                rank,
                name,
            });
        }
        ix
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The protected domain `host` imitates, if any: the strongest match (see the module docs for the
    /// order). A host that is a protected domain (or under one) is never a look-alike.
    pub fn check(&self, host: &str) -> Option<Lookalike> {
        self.find(host, false).into_iter().next()
    }

    /// Every protected domain `host` imitates, strongest first, one match per protected domain.
    pub fn check_all(&self, host: &str) -> Vec<Lookalike> {
        self.find(host, true)
    }

    /// `host` is a protected domain, under one, or on a protected domain's registrable domain.
    pub fn is_protected(&self, host: &str) -> bool {
        Host::parse(host).is_some_and(|h| self.owns(&h))
    }

    fn owns(&self, h: &Host) -> bool {
        if self.registrables.contains(h.registrable()) || self.by_domain.contains_key(&h.ascii) {
            return true;
        }
        h.starts.iter().skip(1).any(|&s| {
            let tail = h.ascii.get(s..).unwrap_or("");
            self.by_domain.contains_key(tail) && !self.suffix_domains.contains(tail)
        })
    }

    fn find(&self, host: &str, all: bool) -> Vec<Lookalike> {
        let Some(h) = Host::parse(host) else {
            return Vec::new();
        };
        if self.entries.is_empty() || self.owns(&h) {
            return Vec::new();
        }
        let mut out = Vec::new();
        // The label the ASCII tricks look at: the label itself, or, when it carries letters that
        // only look Latin, nothing (the Unicode stage reads it through its skeleton instead).
        let confusable = has_confusable_letters(&h.label_u);
        if confusable {
            self.unicode_stage(&h, &mut out);
            if !all && !out.is_empty() {
                return self.finish(out);
            }
        }
        self.embedded_stage(&h, &mut out);
        if !all && !out.is_empty() {
            return self.finish(out);
        }
        // A brand's own name under another suffix is the brand's country site (mercadolivre.br
        // beside mercadolivre.com.br), not an edit of its other names (mercadolibre).
        let brand_name = self
            .by_label
            .get(h.label(h.reg))
            .into_iter()
            .flatten()
            .any(|&e| self.entries.get(e as usize).is_some_and(|x| x.brand));
        let ascii_tricks = !confusable && !brand_name;
        if ascii_tricks {
            let label = h.label_u.as_str();
            self.edit_stage(label, &mut out);
            if !all && !out.is_empty() {
                return self.finish(out);
            }
            self.hyphen_stage(label, &mut out);
            if !all && !out.is_empty() {
                return self.finish(out);
            }
        }
        self.suffix_stage(&h, &mut out);
        if !all && !out.is_empty() {
            return self.finish(out);
        }
        if ascii_tricks {
            self.word_stage(&h.label_u, &mut out);
        }
        self.finish(out)
    }

    /// Best first, one per protected domain.
    fn finish(&self, mut cands: Vec<Cand>) -> Vec<Lookalike> {
        cands.sort_by_key(|c| {
            let rank = self
                .entries
                .get(c.entry as usize)
                .map_or(u8::MAX, |e| e.rank);
            (c.trick.strength_rank(), rank, c.entry)
        });
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for c in cands {
            let Some(e) = self.entries.get(c.entry as usize) else {
                continue;
            };
            if seen.contains(&e.domain.as_str()) {
                continue;
            }
            seen.push(&e.domain);
            out.push(Lookalike {
                domain: e.domain.clone(),
                owner: e.owner.clone(),
                trick: c.trick,
                detail: c.detail,
            });
        }
        out
    }

    fn name(&self, e: u32) -> Option<(&Entry, &Name)> {
        let entry = self.entries.get(e as usize)?;
        Some((entry, entry.name.as_ref()?))
    }

    /// Confusable and mixed-script labels (UTS #39 §4 skeletons, §5.1 mixed script).
    fn unicode_stage(&self, h: &Host, out: &mut Vec<Cand>) {
        let read = reading(&h.label_u);
        let note = foreign_note(&h.label_u);
        let before = out.len();
        for &e in self.by_reading.get(&fold(&read)).into_iter().flatten() {
            out.push(Cand {
                trick: Trick::Confusable,
                entry: e,
                detail: note.clone(),
            });
        }
        if out.len() > before {
            return;
        }
        // Not the same skeleton: is what the label reads as near a protected label?
        let mixed = !h.label_u.as_str().is_single_script();
        let trick = if mixed {
            Trick::MixedScript
        } else {
            Trick::Confusable
        };
        let mut inner = Vec::new();
        self.edit_stage(&read, &mut inner);
        self.hyphen_stage(&read, &mut inner);
        self.word_stage(&read, &mut inner);
        for c in inner {
            out.push(Cand {
                trick,
                entry: c.entry,
                detail: format!("{note}; reads as \"{read}\": {}", c.detail),
            });
        }
    }

    /// The protected domain in front of another registrable domain.
    fn embedded_stage(&self, h: &Host, out: &mut Vec<Cand>) {
        let reg = h.registrable();
        let n = h.starts.len();
        for i in 0..h.reg {
            let start = h.starts[i];
            for k in 1..=MAX_EMBEDDED_LABELS.min(n - i) {
                let last = i + k - 1;
                if last > h.reg {
                    break;
                }
                let end = h.label_end(last);
                // Followed by a dot, ending before the registrable domain's suffix: "samil-tax.kr" in
                // "samil-tax.kr.docs-share.com", "nts.go.kr" in "nts.go.kr.com" (kr.com is a domain),
                // but not "upbit.com" in "upbit.com.au" (upbit under .com.au).
                if k >= 2 {
                    let cand = h.ascii.get(start..end).unwrap_or("");
                    for &e in self.by_domain.get(cand).into_iter().flatten() {
                        out.push(Cand {
                            trick: Trick::Embedded,
                            entry: e,
                            detail: format!("{cand} used as a subdomain of {reg}"),
                        });
                    }
                }
                // Run into the next label with a hyphen: "hometax.go.kr-verify.com".
                let last_label = h.label(last);
                if k >= 2 {
                    if let Some(p) = last_label.find('-') {
                        let cand = h.ascii.get(start..h.starts[last] + p).unwrap_or("");
                        for &e in self.by_domain.get(cand).into_iter().flatten() {
                            out.push(Cand {
                                trick: Trick::Embedded,
                                entry: e,
                                detail: format!(
                                    "{cand} followed by a hyphen, under {reg} ({})",
                                    h.ascii
                                ),
                            });
                        }
                    }
                }
            }
            // A protected label and a hyphen opening a subdomain label: "upbit-login.evil.com".
            let label = h.label(i);
            for (p, _) in label.match_indices('-') {
                let (name, rest) = (&label[..p], &label[p + 1..]);
                for &e in self.by_label.get(name).into_iter().flatten() {
                    let Some((entry, nm)) = self.name(e) else {
                        continue;
                    };
                    if nm.generic
                        || nm.label.chars().count() < MIN_TOKEN_LABEL
                        || (entry.brand && !has_lure_word(rest))
                    {
                        continue;
                    }
                    out.push(Cand {
                        trick: Trick::Embedded,
                        entry: e,
                        detail: format!("\"{name}-\" opens the subdomain \"{label}\" of {reg}"),
                    });
                }
            }
        }
        // The domain written with hyphens for dots, in any label: "hometax-go-kr.com",
        // "www-upbit-com.evil.net".
        for i in 0..=h.reg {
            let label = h.label(i);
            for_each_token_run(label, |run, whole| {
                if !run.contains('-') {
                    return;
                }
                for &e in self.by_dashed.get(run).into_iter().flatten() {
                    let what = if whole && i == h.reg {
                        format!("the domain name of {reg}")
                    } else {
                        format!("part of {}", h.ascii)
                    };
                    let domain = self
                        .entries
                        .get(e as usize)
                        .map_or("", |x| x.domain.as_str());
                    out.push(Cand {
                        trick: Trick::Embedded,
                        entry: e,
                        detail: format!("{domain} written with hyphens for dots ({run}) as {what}"),
                    });
                }
            });
        }
        // Some dots of a protected domain written as hyphens across the suffix: "nts-go.kr" for
        // "nts.go.kr" (the registrable label swallowed the second-level label).
        let dotted = reg.replace('-', ".");
        if dotted != reg {
            for &e in self.by_domain.get(dotted.as_str()).into_iter().flatten() {
                out.push(Cand {
                    trick: Trick::Embedded,
                    entry: e,
                    detail: format!("{dotted} with a hyphen for a dot ({reg})"),
                });
            }
        }
    }

    /// One edit, or ASCII look-alike letters, on the folded label.
    fn edit_stage(&self, label: &str, out: &mut Vec<Cand>) {
        let folded = fold(label);
        let len = folded.chars().count();
        if len < MIN_DOUBLED_LABEL || len > self.max_folded + 1 {
            return;
        }
        let hyphenless = label.replace('-', "");
        let mut seen: Vec<u32> = Vec::new();
        let mut probe = |key: &str, out: &mut Vec<Cand>| {
            for &e in self.by_delete.get(key).into_iter().flatten() {
                if seen.contains(&e) {
                    continue;
                }
                seen.push(e);
                let Some((_, nm)) = self.name(e) else {
                    continue;
                };
                // Same label (another suffix) and hyphen-only changes are other tricks.
                if nm.label == label || nm.label.replace('-', "") == hyphenless {
                    continue;
                }
                let plen = nm.folded.chars().count();
                let d = strsim::osa_distance(&nm.folded, &folded);
                let doubled = d == 1 && is_doubled(&folded, &nm.folded);
                // Readers anchor on the first letter, so an imitation keeps it; names that differ
                // there are neighbours ("qmail" and gmail, "jpost" and epost, "bstatic" and
                // gstatic). A letter added or dropped in front still counts for names of six
                // letters or more ("lhotmail"), and so does a swap of the first two.
                let (pf, hf) = (nm.folded.chars().next(), folded.chars().next());
                let first_ok = d == 0
                    || pf == hf
                    || (plen != len && plen >= SHORT_EDIT_LABEL)
                    || (nm.folded.chars().nth(1) == hf && folded.chars().nth(1) == pf);
                let ok = (d <= 1 && plen >= MIN_EDIT_LABEL && first_ok)
                    || (doubled && plen >= MIN_DOUBLED_LABEL);
                if ok {
                    out.push(Cand {
                        trick: Trick::Edit,
                        entry: e,
                        detail: describe_edit(&nm.label, label),
                    });
                }
            }
        };
        probe(&folded, out);
        for del in deletions(&folded) {
            probe(&del, out);
        }
    }

    fn hyphen_stage(&self, label: &str, out: &mut Vec<Cand>) {
        let hyphenless = label.replace('-', "");
        for &e in self.by_hyphenless.get(&hyphenless).into_iter().flatten() {
            let Some((_, nm)) = self.name(e) else {
                continue;
            };
            if nm.label != label {
                out.push(Cand {
                    trick: Trick::Hyphen,
                    entry: e,
                    detail: describe_hyphen(&nm.label, label),
                });
            }
        }
    }

    /// The same label under another suffix: not for brands (their country sites).
    fn suffix_stage(&self, h: &Host, out: &mut Vec<Cand>) {
        let label = h.label(h.reg);
        let suffix = h.suffix();
        let tld = |s: &str| s.rsplit('.').next().unwrap_or("").to_string();
        for &e in self.by_label.get(label).into_iter().flatten() {
            let Some((entry, nm)) = self.name(e) else {
                continue;
            };
            if entry.brand || nm.suffix == suffix {
                continue;
            }
            if label.chars().count() < MIN_SUFFIX_LABEL && tld(&nm.suffix) != tld(suffix) {
                continue;
            }
            out.push(Cand {
                trick: Trick::Suffix,
                entry: e,
                detail: format!("the same name under .{suffix} instead of .{}", nm.suffix),
            });
        }
    }

    /// The protected label with a word: a run of hyphen-separated tokens, or a prefix or suffix.
    fn word_stage(&self, label: &str, out: &mut Vec<Cand>) {
        let push = |run: &str, rest: &str, min: usize, out: &mut Vec<Cand>| {
            for &e in self.by_label.get(run).into_iter().flatten() {
                let Some((entry, nm)) = self.name(e) else {
                    continue;
                };
                if nm.generic
                    || nm.label.chars().count() < min
                    || (entry.brand && !has_lure_word(rest))
                {
                    continue;
                }
                out.push(Cand {
                    trick: Trick::NamePlusWord,
                    entry: e,
                    detail: format!("\"{run}\" plus the word \"{rest}\""),
                });
            }
        };
        for_each_token_run(label, |run, whole| {
            if whole {
                return;
            }
            let rest = label.replacen(run, "", 1);
            push(run, rest.trim_matches('-'), MIN_TOKEN_LABEL, out);
        });
        // Joined directly: "binancewallet", "mysamiltax"? (prefix or suffix of >= 6 characters).
        let bounds: Vec<usize> = label.char_indices().map(|(i, _)| i).skip(1).collect();
        for &b in &bounds {
            let (head, tail) = label.split_at(b);
            if head.ends_with('-') || tail.starts_with('-') {
                // A hyphen boundary is a token run, handled above.
                continue;
            }
            if head.chars().count() >= MIN_JOINED_LABEL {
                push(head, tail, MIN_JOINED_LABEL, out);
            }
            if tail.chars().count() >= MIN_JOINED_LABEL {
                push(tail, head, MIN_JOINED_LABEL, out);
            }
        }
    }
}

/// Calls `f(run, whole)` for each run of consecutive hyphen-separated tokens of `label` ("a-b-c":
/// a, a-b, a-b-c, b, b-c, c); `whole` when the run is the entire label.
fn for_each_token_run(label: &str, mut f: impl FnMut(&str, bool)) {
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    let mut pos = 0;
    for t in label.split('-') {
        bounds.push((pos, pos + t.len()));
        pos += t.len() + 1;
        if bounds.len() > MAX_TOKENS {
            return;
        }
    }
    for i in 0..bounds.len() {
        for j in i..bounds.len() {
            let (s, e) = (bounds[i].0, bounds[j].1);
            if let Some(run) = label.get(s..e) {
                if !run.is_empty() {
                    f(run, i == 0 && j + 1 == bounds.len());
                }
            }
        }
    }
}

/// One of the hyphen-separated words of `rest` is a phishing word, alone or two run together
/// ("support", "walletsupport").
fn has_lure_word(rest: &str) -> bool {
    rest.split('-').any(|t| {
        LURE_WORDS.contains(&t)
            || t.char_indices()
                .skip(1)
                .any(|(i, _)| LURE_WORDS.contains(&&t[..i]) && LURE_WORDS.contains(&&t[i..]))
    })
}

/// Lower-case ASCII look-alikes folded: rn/m, vv/w, cl/d, 0/o, 1/i/|/l. Hyphens are kept.
fn fold(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let pair = match (chars[i], chars.get(i + 1)) {
            ('r', Some('n')) => Some('m'),
            ('v', Some('v')) => Some('w'),
            ('c', Some('l')) => Some('d'),
            _ => None,
        };
        if let Some(p) = pair {
            out.push(p);
            i += 2;
            continue;
        }
        out.push(match chars[i] {
            '0' => 'o',
            '1' | 'i' | '|' => 'l',
            c => c,
        });
        i += 1;
    }
    out
}

/// What a label reads as: the UTS #39 §4 skeleton, lower-cased and taken again so both sides are in
/// one form (capital Greek Μ maps to M, "m" to "rn"), combining marks left by the skeleton's NFD
/// dropped ("ä" reads as "a"). Hangul, Han and Kana are kept as they are: their skeletons decompose
/// into jamo and strokes that read as nothing Latin.
fn reading(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut buf = [0u8; 4];
    for c in label.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || is_east_asian(c) {
            // The skeleton of ASCII is only m -> rn and case; keep the letters, fold below.
            out.push(c);
            continue;
        }
        let once: String = unicode_security::skeleton(c.encode_utf8(&mut buf)).collect();
        let twice: String = unicode_security::skeleton(&once.to_lowercase()).collect();
        out.extend(
            twice
                .to_lowercase()
                .chars()
                .filter(|c| !('\u{300}'..='\u{36f}').contains(c)),
        );
    }
    out
}

/// Letters outside ASCII that are not Hangul, Han or Kana: Cyrillic, Greek, accented Latin, symbols.
fn has_confusable_letters(label: &str) -> bool {
    label
        .chars()
        .any(|c| !c.is_ascii() && !is_east_asian(c) && c != '\u{200d}')
}

fn is_east_asian(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3130..=0x318F | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF)
}

/// "Cyrillic 'а' in a Latin name", "written in Cyrillic letters", "accented 'ä' in a Latin name".
fn foreign_note(label: &str) -> String {
    let mut groups: Vec<(String, Vec<char>)> = Vec::new();
    for c in label
        .chars()
        .filter(|c| !c.is_ascii() && !is_east_asian(*c))
    {
        let script = match c.script() {
            Script::Latin => "accented".to_string(),
            Script::Common | Script::Inherited => "symbol".to_string(),
            s => s.full_name().to_string(),
        };
        match groups.iter_mut().find(|g| g.0 == script) {
            Some(g) => {
                if !g.1.contains(&c) && g.1.len() < 4 {
                    g.1.push(c);
                }
            }
            None => groups.push((script, vec![c])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(s, cs)| {
            let letters: Vec<String> = cs.iter().map(|c| format!("'{c}'")).collect();
            format!("{s} {}", letters.join(", "))
        })
        .collect();
    if label.chars().any(|c| c.is_ascii_alphabetic()) {
        format!("{} in a Latin name", parts.join(" and "))
    } else {
        format!("written in look-alike letters: {}", parts.join(" and "))
    }
}

/// `candidate` is `label` with one letter typed twice ("naverr", "upss").
fn is_doubled(candidate: &str, label: &str) -> bool {
    let c: Vec<char> = candidate.chars().collect();
    c.len() == label.chars().count() + 1
        && (1..c.len()).any(|i| {
            c[i] == c[i - 1] && c[..i].iter().chain(&c[i + 1..]).copied().eq(label.chars())
        })
}

/// Every string one character shorter than `s`.
fn deletions(s: &str) -> Vec<String> {
    let idx: Vec<(usize, char)> = s.char_indices().collect();
    let mut out: Vec<String> = Vec::with_capacity(idx.len());
    for &(i, c) in &idx {
        let mut d = String::with_capacity(s.len());
        d.push_str(&s[..i]);
        d.push_str(&s[i + c.len_utf8()..]);
        if out.last() != Some(&d) {
            out.push(d);
        }
    }
    out
}

/// Says how `host` differs from `protected` (labels): the differing middle after the common
/// beginning and end.
fn describe_edit(protected: &str, host: &str) -> String {
    let a: Vec<char> = protected.chars().collect();
    let b: Vec<char> = host.chars().collect();
    let p = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_s = a.len().min(b.len()) - p;
    let s = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_s)
        .take_while(|(x, y)| x == y)
        .count();
    let ma: String = a[p..a.len() - s].iter().collect();
    let mb: String = b[p..b.len() - s].iter().collect();
    match (ma.chars().count(), mb.chars().count()) {
        (0, 1) => {
            let c = b[p];
            let doubled = (p > 0 && b[p - 1] == c) || b.get(p + 1) == Some(&c);
            if doubled {
                format!("letter '{c}' doubled ({host} for {protected})")
            } else {
                format!("letter '{c}' added ({host} for {protected})")
            }
        }
        (1, 0) => format!("letter '{ma}' left out ({host} for {protected})"),
        (1, 1) => format!("one letter changed ({ma} -> {mb})"),
        (2, 2) if ma.chars().rev().eq(mb.chars()) => {
            format!("two letters swapped ({ma} -> {mb})")
        }
        _ => format!("look-alike letters ({ma} -> {mb})"),
    }
}

fn describe_hyphen(protected: &str, host: &str) -> String {
    let (hp, hh) = (protected.matches('-').count(), host.matches('-').count());
    let what = if hh < hp {
        "hyphen removed"
    } else if hh > hp && host.contains("--") && !protected.contains("--") {
        "hyphen doubled"
    } else if hh > hp {
        "hyphen added"
    } else {
        "hyphen moved"
    };
    format!("{what} ({host} for {protected})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Trick::*;

    /// A small profile: the organisation, a partner, two authorities and four brands.
    fn profile() -> Profile {
        let text = r#"
[organisation]
name = "Hanbit Digital Exchange"
domains = ["hanbit-x.com"]
bundled_protected = false

[[partner]]
name = "Samil Tax"
domains = ["samil-tax.kr"]

[[protected]]
name = "Hometax"
domains = ["hometax.go.kr"]

[[protected]]
name = "National Tax Service"
domains = ["nts.go.kr"]

[[protected]]
name = "Upbit"
domains = ["upbit.com"]

[[protected]]
name = "Binance"
domains = ["binance.com"]

[[protected]]
name = "PayPal"
domains = ["paypal.com"]

[[protected]]
name = "Naver"
domains = ["naver.com"]
"#;
        Profile::from_toml(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn index() -> LookalikeIndex {
        LookalikeIndex::from_profile(&profile())
    }

    /// The small profile plus the bundled authorities and brands.
    fn with_bundled() -> Profile {
        let mut p = profile();
        p.protected.extend(Profile::bundled_only().protected);
        p
    }

    /// Each host imitates `domain` by `trick`, with `detail` in the explanation.
    #[track_caller]
    fn expect(ix: &LookalikeIndex, cases: &[(&str, &str, Trick, &str)]) {
        for &(host, domain, trick, detail) in cases {
            let m = ix
                .check(host)
                .unwrap_or_else(|| panic!("{host}: no match, expected {domain} by {trick:?}"));
            assert_eq!(
                (m.domain.as_str(), m.trick),
                (domain, trick),
                "{host}: {m:?}"
            );
            assert!(
                m.detail.contains(detail),
                "{host}: {:?} lacks {detail:?}",
                m.detail
            );
        }
    }

    #[track_caller]
    fn expect_none(ix: &LookalikeIndex, hosts: &[&str]) {
        for h in hosts {
            assert_eq!(ix.check(h), None, "{h}");
        }
    }

    #[test]
    fn confusable_letters() {
        let ix = index();
        // Cyrillic а (U+0430), as Unicode and as punycode in any case.
        let puny = idna::domain_to_ascii("s\u{430}mil-tax.kr").unwrap_or_default();
        assert!(puny.starts_with("xn--"), "{puny}");
        let upper = puny.to_uppercase();
        expect(
            &ix,
            &[
                (
                    "s\u{430}mil-tax.kr",
                    "samil-tax.kr",
                    Confusable,
                    "Cyrillic 'а' in a Latin name",
                ),
                (&puny, "samil-tax.kr", Confusable, "Cyrillic 'а'"),
                (&upper, "samil-tax.kr", Confusable, "Cyrillic 'а'"),
                ("upb\u{456}t.com.", "upbit.com", Confusable, "Cyrillic 'і'"),
                // A Cyrillic letter and a digit one; the same skeleton under another suffix.
                ("p\u{430}ypa1.com", "paypal.com", Confusable, "Cyrillic"),
                ("p\u{430}ypal.de", "paypal.com", Confusable, "Cyrillic"),
                // Greek α has the skeleton a: Confusable whether or not scripts mix.
                ("bin\u{3b1}nce.com", "binance.com", Confusable, "Greek 'α'"),
                // Whole-script Cyrillic "раураӏ" (palochka for l).
                (
                    "\u{440}\u{430}\u{443}\u{440}\u{430}\u{4cf}.com",
                    "paypal.com",
                    Confusable,
                    "written in look-alike letters: Cyrillic",
                ),
                ("payp\u{e4}l.com", "paypal.com", Confusable, "accented 'ä'"),
                ("NAV\u{415}R.COM", "naver.com", Confusable, "Cyrillic 'е'"),
            ],
        );
    }

    #[test]
    fn mixed_script_near_misses() {
        let ix = index();
        expect(
            &ix,
            &[
                ("p\u{430}ypall.com", "paypal.com", MixedScript, "doubled"),
                (
                    "upb\u{456}t-support.com",
                    "upbit.com",
                    MixedScript,
                    "reads as \"upbit-support\"",
                ),
                (
                    "s\u{430}miltax.kr",
                    "samil-tax.kr",
                    MixedScript,
                    "hyphen removed",
                ),
                (
                    "b\u{3bf}nance.net",
                    "binance.com",
                    MixedScript,
                    "Greek 'ο' in a Latin name; reads as \"bonance\": one letter changed (i -> o)",
                ),
                // Hangul beside a Latin name is no confusable: the ASCII tricks read the label.
                (
                    "samil-tax\u{c138}\u{bb34}.com",
                    "samil-tax.kr",
                    NamePlusWord,
                    "",
                ),
            ],
        );
    }

    #[test]
    fn edits() {
        let ix = index();
        expect(
            &ix,
            &[
                ("samil-taxx.kr", "samil-tax.kr", Edit, "letter 'x' doubled"),
                (
                    "samil-tex.kr",
                    "samil-tax.kr",
                    Edit,
                    "one letter changed (a -> e)",
                ),
                (
                    "smail-tax.kr",
                    "samil-tax.kr",
                    Edit,
                    "two letters swapped (am -> ma)",
                ),
                (
                    "paypa1.com",
                    "paypal.com",
                    Edit,
                    "one letter changed (l -> 1)",
                ),
                ("hanblt-x.com", "hanbit-x.com", Edit, "(i -> l)"),
                ("hanbit-xx.com", "hanbit-x.com", Edit, "doubled"),
                (
                    "hornetax.go.kr",
                    "hometax.go.kr",
                    Edit,
                    "look-alike letters (m -> rn)",
                ),
                ("h0metax.kr", "hometax.go.kr", Edit, "(o -> 0)"),
                ("hometx.com", "hometax.go.kr", Edit, "letter 'a' left out"),
                ("binnance.com", "binance.com", Edit, "doubled"),
                ("blnance.io", "binance.com", Edit, "(i -> l)"),
                ("naverr.com", "naver.com", Edit, "doubled"),
                ("nnaver.com", "naver.com", Edit, "doubled"),
                ("nawer.com", "naver.com", Edit, "(v -> w)"),
                ("paypai.com", "paypal.com", Edit, "(l -> i)"),
                ("upbjt.com", "upbit.com", Edit, "(i -> j)"),
                ("pubit.com", "upbit.com", Edit, "swapped"),
                // A letter in front counts from six letters on ("lhotmail").
                ("xbinance.com", "binance.com", Edit, "letter 'x' added"),
                // Short labels: only a doubled letter.
                ("ntss.go.kr", "nts.go.kr", Edit, "doubled"),
            ],
        );
        // Short labels otherwise, and a changed first letter (qmail beside gmail).
        expect_none(&ix, &["nis.go.kr", "nta.go.kr", "vpbit.com", "japer.com"]);
    }

    #[test]
    fn hyphens() {
        let ix = index();
        expect(
            &ix,
            &[
                ("samiltax.kr", "samil-tax.kr", Hyphen, "hyphen removed"),
                ("hanbitx.com", "hanbit-x.com", Hyphen, "hyphen removed"),
                ("samil--tax.kr", "samil-tax.kr", Hyphen, "hyphen doubled"),
                ("sami-ltax.kr", "samil-tax.kr", Hyphen, "hyphen moved"),
                ("pay-pal.com", "paypal.com", Hyphen, "hyphen added"),
                ("home-tax.kr", "hometax.go.kr", Hyphen, "hyphen added"),
            ],
        );
        // Unless the variant is itself protected.
        let mut p = profile();
        p.domains.push("hanbitx.com".into());
        let ix = LookalikeIndex::from_profile(&p);
        expect_none(&ix, &["hanbitx.com", "mail.hanbitx.com"]);
    }

    #[test]
    fn suffixes() {
        let ix = index();
        expect(
            &ix,
            &[
                (
                    "samil-tax.com",
                    "samil-tax.kr",
                    Suffix,
                    "under .com instead of .kr",
                ),
                ("samil-tax.co.kr", "samil-tax.kr", Suffix, ""),
                ("hometax.kr", "hometax.go.kr", Suffix, "instead of .go.kr"),
                ("hometax.or.kr", "hometax.go.kr", Suffix, ""),
                ("hanbit-x.net", "hanbit-x.com", Suffix, ""),
                ("hanbit-x.co", "hanbit-x.com", Suffix, ""),
                ("nts.kr", "nts.go.kr", Suffix, ""),
                ("nts.co.kr", "nts.go.kr", Suffix, ""),
            ],
        );
        // A short authority label in another country is somebody else (fsc.org is not
        // fsc.go.kr); brands run country sites.
        expect_none(
            &ix,
            &[
                "nts.com",
                "upbit.co.kr",
                "paypal.de",
                "binance.us",
                "naver.jp",
                "www.paypal.co.uk",
            ],
        );
        // Through `new`, without the profile's kinds, a government suffix makes an authority.
        let ix = LookalikeIndex::new(profile().protected_domains());
        expect_none(&ix, &["paypal.de"]);
        expect(&ix, &[("hometax.kr", "hometax.go.kr", Suffix, "")]);
    }

    #[test]
    fn embedded() {
        let ix = index();
        expect(
            &ix,
            &[
                (
                    "samil-tax.kr.docs-share.com",
                    "samil-tax.kr",
                    Embedded,
                    "samil-tax.kr used as a subdomain of docs-share.com",
                ),
                (
                    "hometax.go.kr-verify.com",
                    "hometax.go.kr",
                    Embedded,
                    "followed by a hyphen",
                ),
                (
                    "www.nts-go.kr",
                    "nts.go.kr",
                    Embedded,
                    "with a hyphen for a dot",
                ),
                (
                    "login.upbit.com.secure-check.io",
                    "upbit.com",
                    Embedded,
                    "upbit.com used as a subdomain of secure-check.io",
                ),
                (
                    "nts.go.kr.com",
                    "nts.go.kr",
                    Embedded,
                    "used as a subdomain of kr.com",
                ),
                (
                    "www.paypal.com-account.info",
                    "paypal.com",
                    Embedded,
                    "followed by a hyphen",
                ),
                (
                    "hometax-go-kr.com",
                    "hometax.go.kr",
                    Embedded,
                    "written with hyphens",
                ),
                (
                    "www-nts-go-kr.refund.kr",
                    "nts.go.kr",
                    Embedded,
                    "written with hyphens",
                ),
                (
                    "upbit-login.evil.com",
                    "upbit.com",
                    Embedded,
                    "opens the subdomain",
                ),
                (
                    "samil-tax-docs.share.io",
                    "samil-tax.kr",
                    Embedded,
                    "opens the subdomain",
                ),
            ],
        );
        expect_none(
            &ix,
            &[
                // A brand name with an ordinary word opening a subdomain label.
                "paypal-button.shopify.com",
                // upbit under .com.au: the suffix trick, not reported for a brand.
                "upbit.com.au",
                // The name under another suffix in front is not looked for (Salesforce's
                // "My Domain" sites are NAME.my.salesforce.com).
                "samil-tax.my.salesforce.com",
                "paypal.de.secure-login.net",
            ],
        );
    }

    #[test]
    fn name_plus_word() {
        let ix = index();
        expect(
            &ix,
            &[
                (
                    "samil-tax-secure.kr",
                    "samil-tax.kr",
                    NamePlusWord,
                    "\"samil-tax\" plus the word \"secure\"",
                ),
                (
                    "upbit-support.com",
                    "upbit.com",
                    NamePlusWord,
                    "\"upbit\" plus the word \"support\"",
                ),
                (
                    "secure-hanbit-x.com",
                    "hanbit-x.com",
                    NamePlusWord,
                    "\"hanbit-x\" plus",
                ),
                (
                    "binancewallet.net",
                    "binance.com",
                    NamePlusWord,
                    "plus the word \"wallet\"",
                ),
                ("mypaypal.com", "paypal.com", NamePlusWord, ""),
                ("hometax-refund.kr", "hometax.go.kr", NamePlusWord, ""),
                ("hometaxrefund.com", "hometax.go.kr", NamePlusWord, ""),
                ("naver-kr.com", "naver.com", NamePlusWord, ""),
            ],
        );
        // Too short for a direct join ("naver", "upbit"); a brand with an ordinary word.
        expect_none(
            &ix,
            &[
                "navercorp.com",
                "upbitcoin.com",
                "binance-research.org",
                "paypalobjects-cdn.com",
            ],
        );
    }

    #[test]
    fn korean_context() {
        let ix = index();
        // Lures against Korean targets: tax refunds, exchange support, the partner's name.
        expect(
            &ix,
            &[
                (
                    "hometax-refund.com",
                    "hometax.go.kr",
                    NamePlusWord,
                    "refund",
                ),
                (
                    "nts-go-kr.xyz",
                    "nts.go.kr",
                    Embedded,
                    "written with hyphens",
                ),
                (
                    "hometax.go.kr.tax-refund.kr",
                    "hometax.go.kr",
                    Embedded,
                    "subdomain of tax-refund.kr",
                ),
                ("m.hometax.kr", "hometax.go.kr", Suffix, ""),
                ("upbit-kr.com", "upbit.com", NamePlusWord, ""),
                ("upblt.co.kr", "upbit.com", Edit, "(i -> l)"),
                // .한국 in punycode.
                ("samil-tax.kr.xn--3e0b707e", "samil-tax.kr", Embedded, ""),
                ("samiltax.co.kr", "samil-tax.kr", Hyphen, ""),
            ],
        );
        // Korean IDNs that name nothing Latin are not look-alikes.
        expect_none(
            &ix,
            &["삼일세무.kr", "xn--3e0b707e", "국세청.한국", "업비트.com"],
        );
    }

    #[test]
    fn strongest_first_and_check_all() {
        let ix = index();
        // Embedded and an edit of the same domain: one match per protected domain.
        let all = ix.check_all("paypal.com.paypa1.com");
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].trick, Embedded);
        // Two protected domains at once: the stronger trick first.
        let all = ix.check_all("upbit.com.samiltax.kr");
        assert_eq!(
            all.iter()
                .map(|m| (m.domain.as_str(), m.trick))
                .collect::<Vec<_>>(),
            [("upbit.com", Embedded), ("samil-tax.kr", Hyphen)]
        );
        assert_eq!(
            ix.check("upbit.com.samiltax.kr").map(|m| m.trick),
            Some(Embedded)
        );
        // The owner breaks ties within a trick: the organisation before a brand.
        let mut p = profile();
        p.domains.push("paypa1.com".into());
        let ix = LookalikeIndex::from_profile(&p);
        let all = ix.check_all("paypall.net");
        assert_eq!(all.len(), 2, "{all:?}");
        let m = ix
            .check("paypall.net")
            .unwrap_or_else(|| panic!("no match"));
        assert_eq!(
            (m.domain.as_str(), m.owner),
            ("paypa1.com", DomainOwner::Organisation)
        );
    }

    #[test]
    fn never_reported() {
        let ix = index();
        expect_none(
            &ix,
            &[
                // Protected domains and their subdomains, any case, trailing dot, full-width.
                "samil-tax.kr",
                "MAIL.Samil-Tax.KR.",
                "hometax.go.kr",
                "www.nts.go.kr",
                "upbit.com",
                "login.paypal.com",
                "ＰａｙＰａｌ.com",
                // IP literals, no registrable domain, unknown suffixes, junk.
                "192.0.2.1",
                "[2001:db8::1]",
                "2001:db8::1",
                "10.1",
                "0x7f.1",
                "com",
                "go.kr",
                "localhost",
                "samil-tax.local",
                "paypal.internal",
                "",
                ".",
                "a..b.com",
                "exa mple.com",
                "xn--.com",
                "xn--zz.com",
            ],
        );
        assert!(ix.is_protected("Mail.Samil-Tax.KR."));
        assert!(!ix.is_protected("samiltax.kr"));
        // Protected domains never imitate one another.
        let mut p = profile();
        p.protected.push(crate::profile::Protected {
            name: "Microsoft".into(),
            keywords: vec![],
            domains: vec![
                "hotmail.com".into(),
                "outlook.com".into(),
                "live.com".into(),
            ],
            kind: ProtectedKind::Brand,
            bundled: false,
        });
        let ix = LookalikeIndex::from_profile(&p);
        expect_none(
            &ix,
            &["hotmail.com", "outlook.com", "live.com", "outlook.live.com"],
        );
        // Generic brand words are not searched for edits or words: "outlooks.com" is nobody's
        // look-alike; a Cyrillic "оutlook" still is.
        expect_none(&ix, &["outlooks.com", "outlook-tips.com"]);
        expect(
            &ix,
            &[(
                "\u{43e}utlook.com",
                "outlook.com",
                Confusable,
                "Cyrillic 'о'",
            )],
        );
    }

    #[test]
    fn hard_negatives() {
        let hosts = [
            "samsung.com",
            // Naver's own corporate domain; "naver" is too short to be joined to a word.
            "navercorp.com",
            "naverlabs.com",
            "google.com",
            "gmail.com",
            "kakao.com",
            "kakaobank.com",
            "daum.net",
            "hanmail.net",
            "github.com",
            "amazonaws.com",
            "cloudfront.net",
            // Samil PwC, a different firm: "samil" is four edits from "samil-tax".
            "samil.com",
            "samilpwc.com",
            "tax.kr",
            // Hanbit Media, a publisher: hyphens count, so "hanbit" is two edits from "hanbit-x".
            "hanbit.co.kr",
            "hanbitbiz.com",
            "hanbit-media.com",
            "hanwha.com",
            // "nts" is too short to count under another country's suffix.
            "nts.gov.vn",
            "nts.com",
            "ntsb.gov",
            "fsc.org",
            "hometown.com",
            "homeplus.co.kr",
            "paypalobjects.com",
            "ebay.com",
            // A brand's name under another suffix.
            "naver.net",
            "upbit.co.kr",
            "binance.us",
            "river.com",
            "nexon.com",
            "coupang.com",
            "toss.im",
            "kbstar.com",
            "shinhan.com",
            "wooribank.com",
            "hyundai.com",
            "lge.co.kr",
            "sktelecom.com",
            "kt.com",
            "microsoft.com",
            "office.com",
            "apple.com",
            "slack.com",
            "zoom.us",
            "dropbox.com",
            "notion.so",
            "example.com",
            "mail.example.org",
            "docs-share.com",
            "secure-check.io",
            "tax-refund.kr",
            "upbitcoin.org",
            "hanbitx.io.example.com",
            // Brands' own domains outside the list, with ordinary words.
            "google-analytics.com",
            "googleapis.com",
            "disneyland.com",
            "verizonconnect.com",
            // Neighbours that differ in the first letter (found in the SpamAssassin ham).
            "qmail.org",
            "jpost.com",
            "post.com",
            "cf.bstatic.com",
        ];
        assert!(hosts.len() >= 40);
        expect_none(&index(), &hosts);
        expect_none(&LookalikeIndex::from_profile(&with_bundled()), &hosts);
    }

    #[test]
    fn bundled_list() {
        let ix = LookalikeIndex::from_profile(&with_bundled());
        expect(
            &ix,
            &[
                ("rnicrosoft.com", "microsoft.com", Edit, "(m -> rn)"),
                ("lhotmail.com", "hotmail.com", Edit, "letter 'l' added"),
                ("g00gle.com", "google.com", Edit, "(oo -> 00)"),
                ("metarnask.io", "metamask.io", Edit, "(m -> rn)"),
                (
                    "m\u{435}tamask.io",
                    "metamask.io",
                    Confusable,
                    "Cyrillic 'е'",
                ),
                ("paypal.com.secure-check.io", "paypal.com", Embedded, ""),
                (
                    "trust-wallet.com",
                    "trustwallet.com",
                    Hyphen,
                    "hyphen added",
                ),
                (
                    "care-metamask.com",
                    "metamask.io",
                    NamePlusWord,
                    "\"metamask\" plus the word \"care\"",
                ),
                ("kisa.kr", "kisa.or.kr", Suffix, ""),
                // A public-suffix entry (github.io) protects itself, not every site under it.
                ("paypal-login.github.io", "paypal.com", NamePlusWord, ""),
            ],
        );
        // One brand's domains do not imitate each other; a brand's own name under another suffix
        // is not an edit of its other names (Mercado Livre, Mercado Libre).
        expect_none(
            &ix,
            &[
                "paypal.me",
                "xoom.com",
                "navercorp.com",
                "naver.me",
                "goo.gl",
                "gov.kr",
                "hmrc.gov.uk",
                "github.io",
                "mercadolivre.br",
                "hulu.my.salesforce.com",
            ],
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(fold("rnicrosoft"), "mlcrosoft");
        assert_eq!(fold("vvallet"), "wallet");
        assert_eq!(fold("clocusign"), "docuslgn");
        assert_eq!(deletions("abc"), ["bc", "ac", "ab"]);
        assert_eq!(deletions("aab"), ["ab", "aa"]);
        assert!(is_doubled("naverr", "naver"));
        assert!(!is_doubled("navers", "naver"));
        assert!(has_lure_word("support"));
        assert!(has_lure_word("x-walletsupport"));
        assert!(!has_lure_word("analytics"));
        assert_eq!(
            reading("\u{440}\u{430}\u{443}\u{440}\u{430}\u{4cf}"),
            "paypal"
        );
        assert_eq!(reading("payp\u{e4}l"), "paypal");
        let mut runs = Vec::new();
        for_each_token_run("a-b-c", |r, w| runs.push((r.to_string(), w)));
        assert_eq!(runs.len(), 6);
        assert!(runs.contains(&("a-b-c".to_string(), true)));
        assert_eq!(
            describe_hyphen("samil-tax", "samiltax"),
            "hyphen removed (samiltax for samil-tax)"
        );
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let ix = LookalikeIndex::from_profile(&with_bundled());
        let long = format!("{}.com", "a".repeat(300));
        let many = format!("{}paypal.com", "a-".repeat(40));
        let labels = format!("{}paypal.com.evil.com", "x.".repeat(100));
        for h in [
            long.as_str(),
            many.as_str(),
            labels.as_str(),
            "\u{0}.com",
            "-.com",
            "---.com",
            "xn--p-\u{430}.com",
            "\u{200d}paypal.com",
            "pay\u{301}pal.com",
            "\u{1f600}.com",
            "a.\u{1f600}",
            "..",
            "[::1",
            "%70aypal.com",
        ] {
            let _ = ix.check_all(h);
        }
        // Token caps hold: 40 tokens are not searched; 100 labels (219 octets) are.
        assert_eq!(ix.check(&many), None);
        assert_eq!(ix.check(&labels).map(|m| m.trick), Some(Embedded));
    }
}

/// Measurements, not run by default: `cargo test -p spearwatch-org --release lookalike::measure --
/// --ignored --nocapture`, with `LOOKALIKE_HOSTS=FILE` (one host a line) to check a host list.
#[cfg(test)]
mod measure {
    use super::*;
    use std::time::Instant;

    /// The test profile's organisation and partner, plus the bundled authorities and brands.
    fn profile() -> Profile {
        let mut p = Profile::from_toml(
            "[organisation]\nname = \"Hanbit\"\ndomains = [\"hanbit-x.com\"]\naliases = [\"hanbit-x.co.kr\", \"hanbitx.io\"]\n\n[[partner]]\nname = \"Samil Tax\"\ndomains = [\"samil-tax.kr\"]\n\n[[partner]]\nname = \"Daol Law\"\ndomains = [\"daol-law.co.kr\"]\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!p.protected.is_empty());
        p.name = "Hanbit".into();
        p
    }

    /// A deterministic generator (xorshift) for partner names.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn word(&mut self, len: usize) -> String {
            const L: &[u8] = b"aeioubcdfghjklmnprstvwxyz";
            (0..len)
                .map(|_| L[(self.next() % L.len() as u64) as usize] as char)
                .collect()
        }
    }

    #[test]
    #[ignore]
    fn host_list() {
        let Ok(path) = std::env::var("LOOKALIKE_HOSTS") else {
            eprintln!("set LOOKALIKE_HOSTS=FILE");
            return;
        };
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let ix = LookalikeIndex::from_profile(&profile());
        let hosts: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let mut hits = 0;
        for h in &hosts {
            if let Some(m) = ix.check(h) {
                hits += 1;
                println!("HIT\t{h}\t{}\t{}\t{}", m.domain, m.trick.as_str(), m.detail);
            }
        }
        println!(
            "{} protected domains; {hits} of {} hosts match",
            ix.len(),
            hosts.len()
        );
    }

    #[test]
    #[ignore]
    fn speed() {
        let mut p = profile();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let suffixes = ["com", "co.kr", "kr", "net", "io", "or.kr"];
        for i in 0..10_000 {
            let (a, b) = (5 + (rng.next() % 6) as usize, 2 + (rng.next() % 5) as usize);
            let label = if i % 3 == 0 {
                format!("{}-{}", rng.word(a), rng.word(b))
            } else {
                rng.word(a + b)
            };
            let suffix = suffixes[(rng.next() % suffixes.len() as u64) as usize];
            p.partners.push(crate::profile::Partner {
                name: format!("Partner {i}"),
                domains: vec![format!("{label}.{suffix}")],
                ..Default::default()
            });
        }
        let t = Instant::now();
        let ix = LookalikeIndex::from_profile(&p);
        let build = t.elapsed();
        // Hosts: real-looking unrelated names, subdomains, and edits of protected labels.
        let mut hosts: Vec<String> = Vec::new();
        if let Ok(path) = std::env::var("LOOKALIKE_HOSTS") {
            if let Ok(text) = std::fs::read_to_string(path) {
                hosts.extend(text.lines().map(|l| l.trim().to_string()));
            }
        }
        while hosts.len() < 10_000 {
            let len = 4 + (rng.next() % 10) as usize;
            let w = rng.word(len);
            let short = rng.word(3);
            hosts.push(match rng.next() % 4 {
                0 => format!("www.{w}.com"),
                1 => format!("mail.{w}-{short}.co.kr"),
                2 => format!("{w}.net"),
                _ => format!("{short}.{w}.example.org"),
            });
        }
        let mut per_host: Vec<f64> = Vec::new();
        let mut matched = 0;
        for _round in 0..5 {
            for chunk in hosts.chunks(100) {
                let t = Instant::now();
                for h in chunk {
                    if std::hint::black_box(ix.check(h)).is_some() {
                        matched += 1;
                    }
                }
                per_host.push(t.elapsed().as_nanos() as f64 / chunk.len() as f64);
            }
        }
        per_host.sort_by(|a, b| a.total_cmp(b));
        let median = per_host[per_host.len() / 2];
        let p90 = per_host[per_host.len() * 9 / 10];
        println!(
            "{} protected domains, index built in {:?}; {} hosts x 5: median {median:.0} ns/host (batches of 100), p90 {p90:.0} ns; {} matches",
            ix.len(),
            build,
            hosts.len(),
            matched / 5
        );
    }
}
