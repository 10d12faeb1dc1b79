//! The organisation profile: one TOML file (`docs/org-profile.md`, full example in
//! `examples/org/profile.toml`).
//!
//! Parsing keeps the position of every value (`toml::Spanned`), so that `spearwatch check-config` can
//! point at the line of a bad domain or a duplicated address rather than say "invalid profile".
//! Problems that make the profile unusable are errors; doubtful but workable entries (a person whose
//! address is not on the organisation's domains) are warnings.

use crate::names::name_key;
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use toml::Spanned;

/// The bundled authorities and brands (Korean and global): names, keywords and the domains they really
/// use. The sender and link detectors read it too.
pub const BUNDLED_BRANDS_TOML: &str = include_str!("../data/brands.toml");

/// Suffixes reserved for governments and public bodies: an entry with a domain under one is an
/// authority.
pub const GOVERNMENT_SUFFIXES: &[&str] = &[
    ".go.kr", ".gov", ".gov.uk", ".or.kr", ".mil", ".gov.br", ".gouv.fr", ".gob.es",
];

/// A checked profile, with its indexes.
#[derive(Debug, Default, Clone)]
pub struct Profile {
    pub name: String,
    /// The organisation's mail domains (registrable domains and hosts, lower-case), aliases included.
    pub domains: Vec<String>,
    /// Hosts (names, IP addresses or CIDR blocks) whose Received lines are the organisation's own.
    pub internal_relays: Vec<String>,
    /// authserv-ids whose Authentication-Results are believed, added to the policy's list.
    pub trusted_authserv_ids: Vec<String>,
    pub people: Vec<Person>,
    pub partners: Vec<Partner>,
    /// Authorities and brands: the profile's own entries, then (unless switched off) the bundled list.
    pub protected: Vec<Protected>,
    /// What the organisation is ([`SECTORS`]), as targeting context for actor attribution.
    pub sector: Option<String>,
    /// ISO 3166-1 alpha-2 country code, upper-case (`KR`), as targeting context.
    pub country: Option<String>,
    /// Store file named by the profile (`[store] path`); the command line may override it.
    pub store_path: Option<PathBuf>,
    /// Things worth a look that do not stop the profile from working.
    pub warnings: Vec<ProfileError>,
    names: HashMap<String, Vec<Who>>,
    addresses: HashMap<String, Who>,
    /// Domain -> partner / protected entry (the first listed wins), for look-ups by host suffix.
    partner_domains: HashMap<String, usize>,
    protected_domains_ix: HashMap<String, usize>,
}

/// A person: an employee (in `people`) or a partner's contact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    /// Other spellings: Hangul and Latin forms, nicknames, initials with surname.
    pub variants: Vec<String>,
    /// Lower-case addresses the person really uses.
    pub addresses: Vec<String>,
    pub role: Option<String>,
    /// Executives and others whose name is worth stealing: their name from outside is a BEC signal.
    pub vip: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partner {
    pub name: String,
    /// Other names of the organisation (Hangul, abbreviations).
    pub variants: Vec<String>,
    pub domains: Vec<String>,
    pub contacts: Vec<Person>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectedKind {
    /// A tax office, regulator, police or other public body (a domain under a government suffix).
    Authority,
    Brand,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    pub name: String,
    pub keywords: Vec<String>,
    pub domains: Vec<String>,
    pub kind: ProtectedKind,
    /// From the bundled list rather than the profile.
    pub bundled: bool,
}

/// Who a name or address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who {
    /// `people[i]`.
    Employee(usize),
    /// `partners[p].contacts[c]`.
    Contact(usize, usize),
    /// `partners[p]` itself (its organisation name).
    Partner(usize),
}

/// Whose a protected domain is, for the look-alike index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainOwner {
    Organisation,
    Partner(usize),
    Protected(usize),
}

/// A problem in the profile, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// 1-based line and column; 0 when the problem has no single place.
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The line of the file, for the message.
    pub source_line: String,
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            return write!(f, "{}", self.message);
        }
        write!(
            f,
            "line {}, column {}: {}\n  | {}",
            self.line, self.column, self.message, self.source_line
        )
    }
}

impl std::error::Error for ProfileError {}

/// All errors of a profile (parsing stops at the first syntax error; checks report every problem).
#[derive(Debug, Clone)]
pub struct ProfileErrors(pub Vec<ProfileError>);

impl std::fmt::Display for ProfileErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ProfileErrors {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    organisation: RawOrganisation,
    #[serde(default)]
    person: Vec<RawPerson>,
    #[serde(default)]
    partner: Vec<RawPartner>,
    #[serde(default)]
    protected: Vec<RawProtected>,
    #[serde(default)]
    store: Option<RawStore>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    name: String,
    domains: Vec<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    #[serde(default)]
    internal_relays: Vec<Spanned<String>>,
    #[serde(default)]
    trusted_authserv_ids: Vec<Spanned<String>>,
    /// Include the bundled authorities and brands (default true).
    #[serde(default = "yes")]
    bundled_protected: bool,
    #[serde(default)]
    sector: Option<Spanned<String>>,
    #[serde(default)]
    country: Option<Spanned<String>>,
}

/// Sectors a profile may name. `crypto` is read by actor attribution (North Korean groups' targeting
/// of exchanges and crypto firms); the others are recorded for the analyst.
pub const SECTORS: &[&str] = &[
    "crypto",
    "finance",
    "defence",
    "government",
    "research",
    "media",
    "technology",
    "other",
];

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    name: Spanned<String>,
    #[serde(default)]
    variants: Vec<Spanned<String>>,
    #[serde(default)]
    addresses: Vec<Spanned<String>>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    vip: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartner {
    name: Spanned<String>,
    #[serde(default)]
    variants: Vec<Spanned<String>>,
    domains: Vec<Spanned<String>>,
    #[serde(default)]
    contact: Vec<RawPerson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProtected {
    name: Spanned<String>,
    #[serde(default)]
    keywords: Vec<String>,
    domains: Vec<Spanned<String>>,
    /// "authority" or "brand"; by default authorities are recognised by a government suffix.
    #[serde(default)]
    kind: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    path: PathBuf,
}

#[derive(Deserialize)]
struct BundledFile {
    brand: Vec<BundledBrand>,
}

#[derive(Deserialize)]
struct BundledBrand {
    name: String,
    keywords: Vec<String>,
    domains: Vec<String>,
}

/// Collects problems with their places in `text`.
struct Checker<'a> {
    text: &'a str,
    errors: Vec<ProfileError>,
    warnings: Vec<ProfileError>,
}

impl Checker<'_> {
    fn at(&self, span: Range<usize>, message: String) -> ProfileError {
        let start = span.start.min(self.text.len());
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..start].chars().count() + 1;
        let source_line = self.text[line_start..]
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        ProfileError {
            line,
            column,
            message,
            source_line,
        }
    }

    fn error(&mut self, span: Range<usize>, message: String) {
        let e = self.at(span, message);
        self.errors.push(e);
    }

    fn warn(&mut self, span: Range<usize>, message: String) {
        let e = self.at(span, message);
        self.warnings.push(e);
    }

    /// A domain as written: lower-cased, trailing dot dropped; an error unless it is a host under a
    /// public suffix.
    fn domain(&mut self, d: &Spanned<String>, what: &str) -> Option<String> {
        let v = d
            .get_ref()
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let ascii = if v.is_ascii() {
            v.clone()
        } else {
            match idna::domain_to_ascii(&v) {
                Ok(a) => a,
                Err(_) => {
                    self.error(
                        d.span(),
                        format!("{what} \"{v}\" is not a valid domain name"),
                    );
                    return None;
                }
            }
        };
        let valid_chars = ascii
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        if !valid_chars || psl::domain_str(&ascii).is_none() {
            self.error(
                d.span(),
                format!(
                    "{what} \"{v}\" is not a domain under a public suffix (example: samil-tax.kr)"
                ),
            );
            return None;
        }
        Some(ascii)
    }

    fn address(&mut self, a: &Spanned<String>) -> Option<String> {
        let v = a.get_ref().trim().to_lowercase();
        let ok = v.rsplit_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !local.contains(char::is_whitespace)
                && psl::domain_str(domain).is_some()
        });
        if !ok {
            self.error(
                a.span(),
                format!("\"{v}\" is not an e-mail address (local@domain.tld)"),
            );
            return None;
        }
        Some(v)
    }

    fn name(&mut self, n: &Spanned<String>, what: &str) -> Option<String> {
        let v = n.get_ref().trim().to_string();
        if name_key(&v).is_none() {
            self.error(
                n.span(),
                format!(
                    "{what} \"{v}\" is too short to recognise (at least two Hangul syllables or four letters)"
                ),
            );
            return None;
        }
        Some(v)
    }

    fn person(&mut self, p: &RawPerson) -> Person {
        let name = self.name(&p.name, "name").unwrap_or_default();
        let variants = p
            .variants
            .iter()
            .filter_map(|v| self.name(v, "name variant"))
            .collect();
        let addresses = p.addresses.iter().filter_map(|a| self.address(a)).collect();
        Person {
            name,
            variants,
            addresses,
            role: p.role.clone(),
            vip: p.vip,
        }
    }
}

impl Profile {
    /// Parses and checks a profile. Errors carry line and column in `text`.
    pub fn from_toml(text: &str) -> Result<Profile, ProfileErrors> {
        let mut ck = Checker {
            text,
            errors: Vec::new(),
            warnings: Vec::new(),
        };
        let raw: RawProfile = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let msg = e.message().to_string();
                let err = match e.span() {
                    Some(s) => ck.at(s, msg),
                    None => ProfileError {
                        line: 0,
                        column: 0,
                        message: msg,
                        source_line: String::new(),
                    },
                };
                return Err(ProfileErrors(vec![err]));
            }
        };

        let org = &raw.organisation;
        if org.domains.is_empty() {
            ck.errors.push(ProfileError {
                line: 0,
                column: 0,
                message: "[organisation] domains is empty: name at least one mail domain".into(),
                source_line: String::new(),
            });
        }
        let mut domains: Vec<String> = Vec::new();
        for d in org.domains.iter().chain(&org.aliases) {
            if let Some(v) = ck.domain(d, "organisation domain") {
                if domains.contains(&v) {
                    ck.warn(d.span(), format!("domain \"{v}\" is listed twice"));
                } else {
                    domains.push(v);
                }
            }
        }
        let sector = org.sector.as_ref().and_then(|v| {
            let s = v.get_ref().trim().to_ascii_lowercase();
            let s = if s == "defense" {
                "defence".to_string()
            } else {
                s
            };
            if SECTORS.contains(&s.as_str()) {
                Some(s)
            } else {
                ck.error(
                    v.span(),
                    format!("sector \"{s}\" is not one of {}", SECTORS.join(", ")),
                );
                None
            }
        });
        let country = org.country.as_ref().and_then(|v| {
            let c = v.get_ref().trim().to_ascii_uppercase();
            if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
                Some(c)
            } else {
                ck.error(
                    v.span(),
                    format!("country \"{c}\" is not an ISO 3166-1 alpha-2 code (example: KR)"),
                );
                None
            }
        });
        let mut internal_relays = Vec::new();
        for r in &org.internal_relays {
            let v = r.get_ref().trim().to_ascii_lowercase();
            if !is_relay_spec(&v) {
                ck.error(
                    r.span(),
                    format!("internal relay \"{v}\" is neither a host name, an IP address nor a CIDR block"),
                );
            } else {
                internal_relays.push(v);
            }
        }
        let trusted_authserv_ids = org
            .trusted_authserv_ids
            .iter()
            .map(|s| s.get_ref().trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect();

        let on_org = |a: &str, domains: &[String]| {
            a.rsplit_once('@')
                .is_some_and(|(_, d)| domains.iter().any(|od| within(d, od)))
        };
        let mut people = Vec::new();
        for p in &raw.person {
            let person = ck.person(p);
            for (a, raw_a) in person.addresses.iter().zip(&p.addresses) {
                if !on_org(a, &domains) {
                    ck.warn(
                        raw_a.span(),
                        format!("{a} is not on the organisation's domains; mail from it will count as this person's"),
                    );
                }
            }
            people.push(person);
        }

        let mut partners = Vec::new();
        for rp in &raw.partner {
            let name = ck.name(&rp.name, "partner name").unwrap_or_default();
            let variants = rp
                .variants
                .iter()
                .filter_map(|v| ck.name(v, "partner name variant"))
                .collect();
            let mut pdomains = Vec::new();
            for d in &rp.domains {
                if let Some(v) = ck.domain(d, "partner domain") {
                    if domains.iter().any(|od| within(&v, od) || within(od, &v)) {
                        ck.error(
                            d.span(),
                            format!(
                                "partner domain \"{v}\" is one of the organisation's own domains"
                            ),
                        );
                    } else {
                        pdomains.push(v);
                    }
                }
            }
            let contacts = rp.contact.iter().map(|c| ck.person(c)).collect();
            partners.push(Partner {
                name,
                variants,
                domains: pdomains,
                contacts,
            });
        }

        let mut protected = Vec::new();
        for rp in &raw.protected {
            let name = rp.name.get_ref().trim().to_string();
            let pdomains: Vec<String> = rp
                .domains
                .iter()
                .filter_map(|d| ck.domain(d, "protected domain"))
                .collect();
            if pdomains.is_empty() && !rp.domains.is_empty() {
                continue;
            }
            if rp.domains.is_empty() {
                ck.error(
                    rp.name.span(),
                    format!("protected entry \"{name}\" names no domains"),
                );
                continue;
            }
            let kind = match rp.kind.as_ref().map(|k| (k.get_ref().as_str(), k.span())) {
                None => kind_of(&pdomains),
                Some(("authority", _)) => ProtectedKind::Authority,
                Some(("brand", _)) => ProtectedKind::Brand,
                Some((other, span)) => {
                    ck.error(
                        span,
                        format!("kind \"{other}\" is not \"authority\" or \"brand\""),
                    );
                    continue;
                }
            };
            protected.push(Protected {
                name,
                keywords: rp.keywords.iter().map(|k| k.to_lowercase()).collect(),
                domains: pdomains,
                kind,
                bundled: false,
            });
        }
        if org.bundled_protected {
            protected.extend(bundled_protected());
        }

        // One address belongs to one person: two entries with the same address would make every
        // mail from it "the other person" too.
        let mut addresses: HashMap<String, Who> = HashMap::new();
        let all_people = people
            .iter()
            .zip(raw.person.iter())
            .enumerate()
            .map(|(i, (p, r))| (Who::Employee(i), p, r))
            .chain(
                partners
                    .iter()
                    .zip(&raw.partner)
                    .enumerate()
                    .flat_map(|(pi, (p, rp))| {
                        p.contacts
                            .iter()
                            .zip(&rp.contact)
                            .enumerate()
                            .map(move |(ci, (c, rc))| (Who::Contact(pi, ci), c, rc))
                    }),
            )
            .collect::<Vec<_>>();
        for (who, p, r) in &all_people {
            for (a, ra) in p.addresses.iter().zip(&r.addresses) {
                if let Some(prev) = addresses.insert(a.clone(), *who) {
                    if prev != *who {
                        ck.error(
                            ra.span(),
                            format!("address {a} is also listed for another person"),
                        );
                    }
                }
            }
        }

        let mut names: HashMap<String, Vec<Who>> = HashMap::new();
        for (who, p, _) in &all_people {
            for n in std::iter::once(&p.name).chain(&p.variants) {
                if let Some(k) = name_key(n) {
                    let e = names.entry(k).or_default();
                    if !e.contains(who) {
                        e.push(*who);
                    }
                }
            }
        }
        for (pi, p) in partners.iter().enumerate() {
            for n in std::iter::once(&p.name).chain(&p.variants) {
                if let Some(k) = name_key(n) {
                    names.entry(k).or_default().push(Who::Partner(pi));
                }
            }
        }

        if !ck.errors.is_empty() {
            return Err(ProfileErrors(ck.errors));
        }
        Ok(Profile {
            name: org.name.trim().to_string(),
            domains,
            internal_relays,
            trusted_authserv_ids,
            people,
            partners,
            protected,
            sector,
            country,
            store_path: raw.store.map(|s| s.path),
            warnings: ck.warnings,
            names,
            addresses,
            ..Default::default()
        }
        .indexed())
    }

    /// A profile with no organisation of its own: only the bundled authorities and brands.
    pub fn bundled_only() -> Profile {
        Profile {
            protected: bundled_protected(),
            ..Default::default()
        }
        .indexed()
    }

    /// Builds the domain indexes (a profile with thousands of partners is looked up per message).
    fn indexed(mut self) -> Self {
        for (i, p) in self.partners.iter().enumerate() {
            for d in &p.domains {
                self.partner_domains.entry(d.clone()).or_insert(i);
            }
        }
        for (i, p) in self.protected.iter().enumerate() {
            for d in &p.domains {
                self.protected_domains_ix.entry(d.clone()).or_insert(i);
            }
        }
        self
    }

    /// The host is one of the organisation's domains or under one.
    pub fn is_org_domain(&self, host: &str) -> bool {
        self.domains.iter().any(|d| within(host, d))
    }

    /// The partner that owns `host`, if any.
    pub fn partner_of_domain(&self, host: &str) -> Option<usize> {
        by_suffix(&self.partner_domains, host)
    }

    /// The authority or brand that owns `host`, if any.
    pub fn protected_of_domain(&self, host: &str) -> Option<usize> {
        by_suffix(&self.protected_domains_ix, host)
    }

    /// Who uses `address` (lower-case), by the profile.
    pub fn who_uses(&self, address: &str) -> Option<Who> {
        self.addresses.get(address).copied()
    }

    /// Whose name `display_name` is (by [`name_key`]); empty when nobody's.
    pub fn whose_name(&self, display_name: &str) -> &[Who] {
        name_key(display_name)
            .and_then(|k| self.names.get(&k))
            .map_or(&[], Vec::as_slice)
    }

    pub fn person(&self, who: Who) -> Option<&Person> {
        match who {
            Who::Employee(i) => self.people.get(i),
            Who::Contact(p, c) => self.partners.get(p)?.contacts.get(c),
            Who::Partner(_) => None,
        }
    }

    /// A person's or partner's name for evidence: "Kim Minjun (Samil Tax)".
    pub fn describe(&self, who: Who) -> String {
        match who {
            Who::Employee(i) => {
                let p = &self.people[i];
                match &p.role {
                    Some(r) => format!("{} ({}, {})", p.name, r, self.name),
                    None => format!("{} ({})", p.name, self.name),
                }
            }
            Who::Contact(p, c) => format!(
                "{} ({})",
                self.partners[p].contacts[c].name, self.partners[p].name
            ),
            Who::Partner(p) => self.partners[p].name.clone(),
        }
    }

    /// The domains `who` is entitled to write from: the organisation's for employees, the partner's
    /// for its contacts, plus the person's own listed addresses' domains.
    pub fn domains_of(&self, who: Who) -> Vec<&str> {
        let mut v: Vec<&str> = match who {
            Who::Employee(_) => self.domains.iter().map(String::as_str).collect(),
            Who::Contact(p, _) | Who::Partner(p) => self.partners[p]
                .domains
                .iter()
                .map(String::as_str)
                .collect(),
        };
        if let Some(person) = self.person(who) {
            for a in &person.addresses {
                if let Some((_, d)) = a.rsplit_once('@') {
                    if !v.contains(&d) {
                        v.push(d);
                    }
                }
            }
        }
        v
    }

    /// Every domain that look-alikes are checked against, with its owner.
    pub fn protected_domains(&self) -> Vec<(String, DomainOwner)> {
        let mut v: Vec<(String, DomainOwner)> = self
            .domains
            .iter()
            .map(|d| (d.clone(), DomainOwner::Organisation))
            .collect();
        for (i, p) in self.partners.iter().enumerate() {
            v.extend(
                p.domains
                    .iter()
                    .map(|d| (d.clone(), DomainOwner::Partner(i))),
            );
        }
        for (i, p) in self.protected.iter().enumerate() {
            v.extend(
                p.domains
                    .iter()
                    .map(|d| (d.clone(), DomainOwner::Protected(i))),
            );
        }
        v
    }

    pub fn owner_name(&self, owner: &DomainOwner) -> String {
        match owner {
            DomainOwner::Organisation => self.name.clone(),
            DomainOwner::Partner(i) => self.partners[*i].name.clone(),
            DomainOwner::Protected(i) => self.protected[*i].name.clone(),
        }
    }

    /// Number of people (employees and partner contacts) the profile names.
    pub fn people_count(&self) -> usize {
        self.people.len()
            + self
                .partners
                .iter()
                .map(|p| p.contacts.len())
                .sum::<usize>()
    }
}

fn bundled_protected() -> Vec<Protected> {
    let f: BundledFile = toml::from_str(BUNDLED_BRANDS_TOML).expect("data/brands.toml is valid");
    f.brand
        .into_iter()
        .map(|b| Protected {
            kind: kind_of(&b.domains),
            name: b.name,
            keywords: b.keywords,
            domains: b.domains,
            bundled: true,
        })
        .collect()
}

fn kind_of(domains: &[String]) -> ProtectedKind {
    if domains
        .iter()
        .any(|d| GOVERNMENT_SUFFIXES.iter().any(|s| d.ends_with(s)))
    {
        ProtectedKind::Authority
    } else {
        ProtectedKind::Brand
    }
}

/// The entry of `host` or of the nearest parent domain listed in `ix` (`a.b.samil-tax.kr` finds
/// `samil-tax.kr`): one hash look-up per label.
fn by_suffix(ix: &HashMap<String, usize>, host: &str) -> Option<usize> {
    if ix.is_empty() {
        return None;
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let mut rest = host.as_str();
    loop {
        if let Some(&i) = ix.get(rest) {
            return Some(i);
        }
        rest = rest.split_once('.')?.1;
    }
}

/// `host` is `domain` or a subdomain of it (both lower-case).
pub fn within(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.eq_ignore_ascii_case(domain)
        || (host.len() > domain.len()
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
            && host[host.len() - domain.len()..].eq_ignore_ascii_case(domain))
}

/// A host name, an IP address, or an IP/prefix block.
fn is_relay_spec(s: &str) -> bool {
    if let Some((ip, bits)) = s.split_once('/') {
        let Ok(ip) = ip.parse::<std::net::IpAddr>() else {
            return false;
        };
        let max = if ip.is_ipv4() { 32 } else { 128 };
        return bits.parse::<u8>().is_ok_and(|b| b <= max);
    }
    s.parse::<std::net::IpAddr>().is_ok()
        || (!s.is_empty()
            && s.split('.').all(|l| {
                !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../examples/org/profile.toml");

    #[test]
    fn example_profile_is_valid() {
        let p = Profile::from_toml(EXAMPLE).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.is_org_domain("mail.hanbit-x.com"));
        assert!(!p.is_org_domain("hanbit-x.com.evil.com"));
        assert!(p.partner_of_domain("samil-tax.kr").is_some());
        let who = p.who_uses("kim.minjun@samil-tax.kr").unwrap();
        assert_eq!(p.describe(who), "Kim Minjun (Samil Tax)");
        assert_eq!(p.whose_name("김민준 세무사"), &[who]);
        assert_eq!(p.whose_name("Minjun Kim (Samil Tax)"), &[who]);
        assert!(p
            .protected
            .iter()
            .any(|x| x.name.contains("National Tax") && x.kind == ProtectedKind::Authority));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.sector.as_deref(), Some("crypto"));
        assert_eq!(p.country.as_deref(), Some("KR"));
    }

    #[test]
    fn sector_and_country_are_checked() {
        let base = "[organisation]\nname = \"X\"\ndomains = [\"x.com\"]\n";
        let p =
            Profile::from_toml(&format!("{base}sector = \"Defense\"\ncountry = \"kr\"\n")).unwrap();
        assert_eq!(
            (p.sector.as_deref(), p.country.as_deref()),
            (Some("defence"), Some("KR"))
        );
        let e = Profile::from_toml(&format!("{base}sector = \"casino\"\ncountry = \"Korea\"\n"))
            .unwrap_err();
        assert_eq!(e.0.len(), 2, "{e}");
        assert_eq!(e.0[0].line, 4, "{e}");
        assert!(e.0[0].message.contains("crypto, finance"), "{e}");
        assert!(e.0[1].message.contains("ISO 3166-1"), "{e}");
        let p = Profile::from_toml(base).unwrap();
        assert_eq!((p.sector, p.country), (None, None));
    }

    #[test]
    fn errors_point_at_the_line() {
        let text = "[organisation]\nname = \"X\"\ndomains = [\"x.com\", \"not a domain\"]\n\n[[person]]\nname = \"Lee Hana\"\naddresses = [\"hana\"]\n";
        let e = Profile::from_toml(text).unwrap_err();
        assert_eq!(e.0.len(), 2, "{e}");
        assert_eq!((e.0[0].line, e.0[0].column), (3, 21), "{e}");
        assert!(e.0[0].message.contains("not a domain"));
        assert_eq!(e.0[1].line, 7, "{e}");
        assert!(e.0[1].source_line.contains("\"hana\""));
    }

    #[test]
    fn syntax_and_unknown_keys_point_at_the_line() {
        let e =
            Profile::from_toml("[organisation]\nname = \"X\"\ndomains = [\"x.com\"]\nvips = 3\n")
                .unwrap_err();
        assert_eq!(e.0[0].line, 4, "{e}");
        assert!(e.0[0].message.contains("vips"), "{e}");
        let e = Profile::from_toml("[organisation]\nname = \"X\n").unwrap_err();
        assert_eq!(e.0[0].line, 2, "{e}");
    }

    #[test]
    fn duplicate_addresses_and_own_domain_partners_are_errors() {
        let text = r#"[organisation]
name = "X"
domains = ["x.com"]
[[person]]
name = "Lee Hana"
addresses = ["hana@x.com"]
[[person]]
name = "Park Jisu"
addresses = ["hana@x.com"]
[[partner]]
name = "Self"
domains = ["mail.x.com"]
"#;
        let e = Profile::from_toml(text).unwrap_err();
        let lines: Vec<usize> = e.0.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![12, 9], "{e}");
    }

    #[test]
    fn relay_specs() {
        for ok in [
            "10.0.0.0/8",
            "mx1.example.com",
            "192.0.2.1",
            "2001:db8::/32",
        ] {
            assert!(is_relay_spec(ok), "{ok}");
        }
        for bad in ["10.0.0.0/33", "mx 1", "", "a..b"] {
            assert!(!is_relay_spec(bad), "{bad}");
        }
    }
}
