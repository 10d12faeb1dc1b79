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
//! 1. [`Trick::Confusable`]: the UTS #39 §4 skeleton of the registrable label equals a protected
//!    label's while the label differs ("sаmil-tax.kr" with Cyrillic а, "pаypa1.com"; accents are
//!    dropped after the skeleton's NFD, so "paypäl" counts too).
//! 2. [`Trick::MixedScript`]: a label that is not single-script (UTS #39 §5.1) with a confusable
//!    foreign letter whose skeleton reading is an edit, hyphen change or name-plus-word of a
//!    protected label. A whole-script near miss (all Cyrillic, one letter off) is reported as
//!    `Confusable` with the edit in `detail`.
//! 3. [`Trick::Embedded`]: the protected domain as leading labels of another registrable domain
//!    ("samil-tax.kr.docs-share.com", "login.upbit.com.secure-check.io", "nts.go.kr.com"), run into
//!    the next label with a hyphen ("hometax.go.kr-verify.com"), written with hyphens for dots
//!    ("hometax-go-kr.com"), its name under another suffix in front of another domain
//!    ("paypal.de.evil.com"), or its label and a hyphen opening a subdomain label
//!    ("upbit-login.evil.com").
//! 4. [`Trick::Edit`]: optimal string alignment distance 0 or 1 after folding ASCII look-alikes
//!    (0/o, 1/l/i, rn/m, vv/w, cl/d): swap, omission, insertion, substitution. Protected labels
//!    shorter than 5 characters only for a doubled letter ("upss"), and not under 3 ("goo" is not
//!    go.com's). Hyphens are kept, so "hanbit.co.kr" (a different, real company) is two edits from
//!    "hanbit-x" and not reported.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
/// added words ("window.com", "apple-pie.com", "cloud-hosting.net"). Kept in step with the link
/// detector's list (crates/detect/src/data.rs).
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
    "connect",
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
            if d.contains('.') && !(brand && name.as_ref().is_some_and(|n| n.generic)) {
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
        if !confusable {
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
        if !confusable {
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
        // The name under another suffix in front of another domain: "paypal.de.evil.com".
        if h.reg >= 2 {
            let sub = h
                .ascii
                .get(..h.starts[h.reg].saturating_sub(1))
                .unwrap_or("");
            if let Some(r2) = psl::domain(sub.as_bytes())
                .filter(|d| d.suffix().is_known())
                .and_then(|d| std::str::from_utf8(d.as_bytes()).ok())
            {
                let label = r2.split('.').next().unwrap_or("");
                for &e in self.by_label.get(label).into_iter().flatten() {
                    let Some((_, nm)) = self.name(e) else {
                        continue;
                    };
                    if nm.generic || label.len() < 4 {
                        continue;
                    }
                    out.push(Cand {
                        trick: Trick::Embedded,
                        entry: e,
                        detail: format!("{r2} used as a subdomain of {reg}"),
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
                let ok = (d <= 1 && plen >= MIN_EDIT_LABEL)
                    || (d == 1 && plen >= MIN_DOUBLED_LABEL && is_doubled(&folded, &nm.folded));
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

    #[track_caller]
    fn expect(ix: &LookalikeIndex, host: &str, domain: &str, trick: Trick, detail: &str) {
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
            "{host}: detail {:?} lacks {detail:?}",
            m.detail
        );
    }

    #[test]
    fn confusable_letters() {
        let ix = index();
        // Cyrillic а (U+0430), as Unicode and as punycode.
        expect(
            &ix,
            "s\u{430}mil-tax.kr",
            "samil-tax.kr",
            Trick::Confusable,
            "Cyrillic 'а' in a Latin name",
        );
        let puny = idna::domain_to_ascii("s\u{430}mil-tax.kr").unwrap_or_default();
        assert!(puny.starts_with("xn--"), "{puny}");
        expect(&ix, &puny, "samil-tax.kr", Trick::Confusable, "Cyrillic");
        expect(
            &ix,
            &puny.to_uppercase(),
            "samil-tax.kr",
            Trick::Confusable,
            "Cyrillic",
        );
        // Greek ο and a digit one; under another suffix too (the label differs, so brands count).
        expect(
            &ix,
            "b\u{3bf}nance.net",
            "binance.com",
            Trick::MixedScript,
            "Greek 'ο' in a Latin name; reads as \"bonance\": one letter changed (i -> o)",
        );
        expect(
            &ix,
            "upb\u{456}t.com.",
            "upbit.com",
            Trick::Confusable,
            "Cyrillic 'і'",
        );
        expect(
            &ix,
            "p\u{430}ypa1.com",
            "paypal.com",
            Trick::Confusable,
            "Cyrillic",
        );
        // Whole-script Cyrillic "раураӏ" (palochka for l) and an accented Latin letter.
        expect(
            &ix,
            "\u{440}\u{430}\u{443}\u{440}\u{430}\u{4cf}.com",
            "paypal.com",
            Trick::Confusable,
            "written in look-alike letters: Cyrillic",
        );
        expect(
            &ix,
            "payp\u{e4}l.com",
            "paypal.com",
            Trick::Confusable,
            "accented 'ä'",
        );
        expect(
            &ix,
            "NAV\u{415}R.COM",
            "naver.com",
            Trick::Confusable,
            "Cyrillic 'е'",
        );
    }

    #[test]
    fn mixed_script_near_misses() {
        let ix = index();
        // Cyrillic а plus a doubled letter, and plus a word.
        expect(
            &ix,
            "p\u{430}ypall.com",
            "paypal.com",
            Trick::MixedScript,
            "doubled",
        );
        expect(
            &ix,
            "upb\u{456}t-support.com",
            "upbit.com",
            Trick::MixedScript,
            "reads as \"upbit-support\"",
        );
        expect(
            &ix,
            "s\u{430}miltax.kr",
            "samil-tax.kr",
            Trick::MixedScript,
            "hyphen removed",
        );
        // Greek α has the skeleton a: the same skeleton is Confusable whether or not scripts mix.
        expect(
            &ix,
            "bin\u{3b1}nce.com",
            "binance.com",
            Trick::Confusable,
            "Greek 'α'",
        );
        // Hangul around a Latin name is not a confusable: the ASCII tricks read it.
        expect(
            &ix,
            "samil-tax\u{c138}\u{bb34}.com",
            "samil-tax.kr",
            Trick::NamePlusWord,
            "",
        );
    }

    #[test]
    fn edits() {
        let ix = index();
        expect(
            &ix,
            "samil-taxx.kr",
            "samil-tax.kr",
            Trick::Edit,
            "letter 'x' doubled",
        );
        expect(
            &ix,
            "samil-tex.kr",
            "samil-tax.kr",
            Trick::Edit,
            "one letter changed (a -> e)",
        );
        expect(
            &ix,
            "smail-tax.kr",
            "samil-tax.kr",
            Trick::Edit,
            "two letters swapped (am -> ma)",
        );
        expect(
            &ix,
            "paypa1.com",
            "paypal.com",
            Trick::Edit,
            "one letter changed (l -> 1)",
        );
        expect(&ix, "hanbit-x.co", "hanbit-x.com", Trick::Suffix, "");
        expect(&ix, "hanblt-x.com", "hanbit-x.com", Trick::Edit, "(i -> l)");
        expect(&ix, "hanbit-xx.com", "hanbit-x.com", Trick::Edit, "doubled");
        expect(
            &ix,
            "hornetax.go.kr",
            "hometax.go.kr",
            Trick::Edit,
            "look-alike letters (m -> rn)",
        );
        expect(&ix, "h0metax.kr", "hometax.go.kr", Trick::Edit, "(o -> 0)");
        expect(
            &ix,
            "hometx.com",
            "hometax.go.kr",
            Trick::Edit,
            "letter 'a' left out",
        );
        expect(&ix, "binnance.com", "binance.com", Trick::Edit, "doubled");
        expect(&ix, "blnance.io", "binance.com", Trick::Edit, "(i -> l)");
        expect(&ix, "naverr.com", "naver.com", Trick::Edit, "doubled");
        expect(&ix, "nawer.com", "naver.com", Trick::Edit, "(v -> w)");
        expect(&ix, "paypai.com", "paypal.com", Trick::Edit, "");
        expect(&ix, "vpbit.com", "upbit.com", Trick::Edit, "(u -> v)");
        // Short labels: only a doubled letter.
        expect(&ix, "ntss.go.kr", "nts.go.kr", Trick::Edit, "doubled");
        assert_eq!(ix.check("nis.go.kr"), None);
        assert_eq!(ix.check("nta.go.kr"), None);
    }

    #[test]
    fn hyphens() {
        let ix = index();
        expect(
            &ix,
            "samiltax.kr",
            "samil-tax.kr",
            Trick::Hyphen,
            "hyphen removed",
        );
        expect(
            &ix,
            "hanbitx.com",
            "hanbit-x.com",
            Trick::Hyphen,
            "hyphen removed",
        );
        expect(
            &ix,
            "samil--tax.kr",
            "samil-tax.kr",
            Trick::Hyphen,
            "hyphen doubled",
        );
        expect(
            &ix,
            "sami-ltax.kr",
            "samil-tax.kr",
            Trick::Hyphen,
            "hyphen moved",
        );
        expect(
            &ix,
            "pay-pal.com",
            "paypal.com",
            Trick::Hyphen,
            "hyphen added",
        );
        expect(
            &ix,
            "home-tax.kr",
            "hometax.go.kr",
            Trick::Hyphen,
            "hyphen added",
        );
        // Unless the variant is itself protected.
        let mut p = profile();
        p.domains.push("hanbitx.com".into());
        let ix = LookalikeIndex::from_profile(&p);
        assert_eq!(ix.check("hanbitx.com"), None);
        assert_eq!(ix.check("mail.hanbitx.com"), None);
    }

    #[test]
    fn suffixes() {
        let ix = index();
        expect(
            &ix,
            "samil-tax.com",
            "samil-tax.kr",
            Trick::Suffix,
            "under .com instead of .kr",
        );
        expect(&ix, "samil-tax.co.kr", "samil-tax.kr", Trick::Suffix, "");
        expect(
            &ix,
            "hometax.kr",
            "hometax.go.kr",
            Trick::Suffix,
            "instead of .go.kr",
        );
        expect(&ix, "hometax.or.kr", "hometax.go.kr", Trick::Suffix, "");
        expect(&ix, "hanbit-x.net", "hanbit-x.com", Trick::Suffix, "");
        expect(&ix, "nts.kr", "nts.go.kr", Trick::Suffix, "");
        expect(&ix, "nts.co.kr", "nts.go.kr", Trick::Suffix, "");
        // A short authority label elsewhere is somebody else (fsc.org is not fsc.go.kr).
        assert_eq!(ix.check("nts.com"), None);
        // Brands run country sites.
        for h in [
            "upbit.co.kr",
            "paypal.de",
            "binance.us",
            "naver.jp",
            "www.paypal.co.uk",
        ] {
            assert_eq!(ix.check(h), None, "{h}");
        }
        // The same profile through `new`: bundled brand kinds follow the suffix.
        let ix2 = LookalikeIndex::new(profile().protected_domains());
        assert_eq!(ix2.check("paypal.de"), None);
        assert_eq!(
            ix2.check("hometax.kr").map(|m| m.trick),
            Some(Trick::Suffix)
        );
    }

    #[test]
    fn embedded() {
        let ix = index();
        expect(
            &ix,
            "samil-tax.kr.docs-share.com",
            "samil-tax.kr",
            Trick::Embedded,
            "samil-tax.kr used as a subdomain of docs-share.com",
        );
        expect(
            &ix,
            "hometax.go.kr-verify.com",
            "hometax.go.kr",
            Trick::Embedded,
            "followed by a hyphen",
        );
        expect(
            &ix,
            "login.upbit.com.secure-check.io",
            "upbit.com",
            Trick::Embedded,
            "upbit.com used as a subdomain of secure-check.io",
        );
        expect(&ix, "nts.go.kr.com", "nts.go.kr", Trick::Embedded, "");
        expect(
            &ix,
            "www.paypal.com-account.info",
            "paypal.com",
            Trick::Embedded,
            "",
        );
        expect(
            &ix,
            "paypal.de.secure-login.net",
            "paypal.com",
            Trick::Embedded,
            "paypal.de used as a subdomain",
        );
        expect(
            &ix,
            "hometax-go-kr.com",
            "hometax.go.kr",
            Trick::Embedded,
            "written with hyphens",
        );
        expect(
            &ix,
            "www-nts-go-kr.refund.kr",
            "nts.go.kr",
            Trick::Embedded,
            "written with hyphens",
        );
        expect(
            &ix,
            "upbit-login.evil.com",
            "upbit.com",
            Trick::Embedded,
            "opens the subdomain",
        );
        expect(
            &ix,
            "samil-tax-docs.share.io",
            "samil-tax.kr",
            Trick::Embedded,
            "",
        );
        // A brand name with a word that is no phishing word, as a subdomain label: not reported.
        assert_eq!(ix.check("paypal-button.shopify.com"), None);
        // upbit under .com.au is the suffix trick (not reported for a brand), not embedding.
        assert_eq!(ix.check("upbit.com.au"), None);
    }

    #[test]
    fn name_plus_word() {
        let ix = index();
        expect(
            &ix,
            "samil-tax-secure.kr",
            "samil-tax.kr",
            Trick::NamePlusWord,
            "\"samil-tax\" plus the word \"secure\"",
        );
        expect(
            &ix,
            "upbit-support.com",
            "upbit.com",
            Trick::NamePlusWord,
            "\"upbit\" plus the word \"support\"",
        );
        expect(
            &ix,
            "secure-hanbit-x.com",
            "hanbit-x.com",
            Trick::NamePlusWord,
            "",
        );
        expect(
            &ix,
            "binancewallet.net",
            "binance.com",
            Trick::NamePlusWord,
            "\"binance\" plus the word \"wallet\"",
        );
        expect(&ix, "mypaypal.com", "paypal.com", Trick::NamePlusWord, "");
        expect(
            &ix,
            "hometax-refund.kr",
            "hometax.go.kr",
            Trick::NamePlusWord,
            "",
        );
        expect(
            &ix,
            "hometaxrefund.com",
            "hometax.go.kr",
            Trick::NamePlusWord,
            "",
        );
        expect(&ix, "naver-kr.com", "naver.com", Trick::NamePlusWord, "");
        // Too short for a direct join; a brand with an ordinary word.
        assert_eq!(ix.check("navercorp.com"), None);
        assert_eq!(ix.check("upbitcoin.com"), None);
        assert_eq!(ix.check("binance-research.org"), None);
        assert_eq!(ix.check("paypalobjects-cdn.com"), None);
    }

    #[test]
    fn korean_context() {
        let ix = index();
        // Lures seen against Korean targets: tax refund pages, exchange support, the partner's name.
        expect(
            &ix,
            "hometax-refund.com",
            "hometax.go.kr",
            Trick::NamePlusWord,
            "",
        );
        expect(&ix, "nts-go-kr.xyz", "nts.go.kr", Trick::Embedded, "");
        expect(
            &ix,
            "hometax.go.kr.tax-refund.kr",
            "hometax.go.kr",
            Trick::Embedded,
            "",
        );
        expect(&ix, "m.hometax.kr", "hometax.go.kr", Trick::Suffix, "");
        expect(&ix, "upbit-kr.com", "upbit.com", Trick::NamePlusWord, "");
        expect(&ix, "upblt.co.kr", "upbit.com", Trick::Edit, "");
        expect(
            &ix,
            "samil-tax.kr.xn--3e0b707e",
            "samil-tax.kr",
            Trick::Embedded,
            "",
        );
        expect(&ix, "samiltax.co.kr", "samil-tax.kr", Trick::Hyphen, "");
        // Korean IDNs that name nothing Latin are not look-alikes.
        assert_eq!(ix.check("삼일세무.kr"), None);
        assert_eq!(ix.check("xn--3e0b707e"), None);
        assert_eq!(ix.check("국세청.한국"), None);
    }

    #[test]
    fn strongest_first_and_check_all() {
        let ix = index();
        // "hometax.go.kr-verify.com" is embedded; "hometax-go-kr" dashed too: one match per domain.
        let all = ix.check_all("paypal.com.paypa1.com");
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].trick, Trick::Embedded);
        // Two protected domains at once: the stronger trick wins.
        let all = ix.check_all("upbit.com.samiltax.kr");
        assert_eq!(
            all.iter()
                .map(|m| (m.domain.as_str(), m.trick))
                .collect::<Vec<_>>(),
            [
                ("upbit.com", Trick::Embedded),
                ("samil-tax.kr", Trick::Hyphen)
            ]
        );
        assert_eq!(
            ix.check("upbit.com.samiltax.kr").map(|m| m.trick),
            Some(Trick::Embedded)
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
        for h in [
            // Protected domains and their subdomains, any case, trailing dot, Unicode case mapping.
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
        ] {
            assert_eq!(ix.check(h), None, "{h}");
        }
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
        for h in ["hotmail.com", "outlook.com", "live.com", "outlook.live.com"] {
            assert_eq!(ix.check(h), None, "{h}");
        }
        // Generic brand words are not searched for edits: "outlooks.com" is nobody's look-alike,
        // a Cyrillic "оutlook" still is.
        assert_eq!(ix.check("outlooks.com"), None);
        assert_eq!(ix.check("outlook-tips.com"), None);
        assert_eq!(
            ix.check("\u{43e}utlook.com").map(|m| m.trick),
            Some(Trick::Confusable)
        );
    }

    #[test]
    fn hard_negatives() {
        let ix = index();
        let bundled = LookalikeIndex::from_profile(&with_bundled());
        for h in [
            "samsung.com",
            "navercorp.com", // Naver's own corporate domain; "naver" is too short for a direct join
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
            "samil.com", // Samil PwC: a different firm, "samil" is two edits from "samil-tax"
            "samilpwc.com",
            "tax.kr",
            "hanbit.co.kr", // Hanbit Media, a publisher: two edits from "hanbit-x"
            "hanbitbiz.com",
            "hanbit-media.com",
            "hanwha.com",
            "nts.gov.vn", // "nts" is too short to count under another country's suffix
            "nts.com",
            "ntsb.gov",
            "fsc.org",
            "hometown.com",
            "homeplus.co.kr",
            "paypalobjects.com",
            "ebay.com",
            "naver.net", // a brand's name under another suffix: not reported for brands
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
            "google-analytics.com",
            "googleapis.com",
            "disneyland.com",
        ] {
            assert_eq!(ix.check(h), None, "small set: {h}");
            assert_eq!(bundled.check(h), None, "bundled list: {h}");
        }
    }

    /// The small profile plus the bundled authorities and brands.
    fn with_bundled() -> Profile {
        let mut p = profile();
        p.protected.extend(Profile::bundled_only().protected);
        p
    }

    #[test]
    fn bundled_list_catches_brand_tricks() {
        let ix = LookalikeIndex::from_profile(&with_bundled());
        expect(
            &ix,
            "rnicrosoft.com",
            "microsoft.com",
            Trick::Edit,
            "(m -> rn)",
        );
        expect(
            &ix,
            "paypal.com.secure-check.io",
            "paypal.com",
            Trick::Embedded,
            "",
        );
        expect(&ix, "g00gle.com", "google.com", Trick::Edit, "");
        expect(&ix, "metarnask.io", "metamask.io", Trick::Edit, "");
        expect(
            &ix,
            "m\u{435}tamask.io",
            "metamask.io",
            Trick::Confusable,
            "Cyrillic 'е'",
        );
        expect(&ix, "kisa.kr", "kisa.or.kr", Trick::Suffix, "");
        // Bundled entries of one brand do not imitate each other.
        for h in [
            "paypal.me",
            "xoom.com",
            "navercorp.com",
            "naver.me",
            "goo.gl",
            "gov.kr",
            "hmrc.gov.uk",
        ] {
            assert_eq!(ix.check(h), None, "{h}");
        }
        // A public-suffix entry (github.io) protects itself, not everybody's site under it.
        assert_eq!(ix.check("github.io"), None);
        expect(
            &ix,
            "paypal-login.github.io",
            "paypal.com",
            Trick::NamePlusWord,
            "",
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
        assert_eq!(reading("\u{440}\u{430}\u{443}\u{440}\u{430}l"), "paypal");
        assert_eq!(reading("payp\u{e4}l"), "paypal");
        let mut runs = Vec::new();
        for_each_token_run("a-b-c", |r, w| runs.push((r.to_string(), w)));
        assert_eq!(runs.len(), 6);
        assert!(runs.contains(&("a-b-c".to_string(), true)));
    }
}
