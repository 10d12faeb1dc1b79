//! The scenario as a whole: the profile parses, every message parses, the counts hold, it is
//! deterministic, the history is coherent, and every case agrees with a small reference model of its
//! detector's intended semantics (the `oracle` module) evaluated against what the history teaches.

use spearwatch_message::{parse, Anomaly, Mail};
use spearwatch_org::knowledge::domain_key;
use spearwatch_org::observe::Observation;
use spearwatch_org::profile::{within, ProtectedKind, Who};
use spearwatch_org::{Knowledge, Profile};
use spearwatch_scenario::{hanbit, Case, Scenario, DETECTORS};
use std::sync::OnceLock;

struct World {
    s: Scenario,
    profile: Profile,
    knowledge: Knowledge,
    history: Vec<Mail>,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let s = hanbit();
        let profile = Profile::from_toml(&s.profile_toml).unwrap_or_else(|e| panic!("{e}"));
        let mut knowledge = Knowledge::default();
        let mut history = Vec::new();
        for m in &s.history {
            let mail = parse(m.raw.as_bytes(), &Default::default());
            let o = Observation::of(&mail, m.raw.as_bytes(), &profile, 0)
                .unwrap_or_else(|| panic!("{}: no observation", m.name));
            knowledge.apply(&o);
            history.push(mail);
        }
        World {
            s,
            profile,
            knowledge,
            history,
        }
    })
}

fn mail(c: &Case) -> Mail {
    parse(c.raw.as_bytes(), &Default::default())
}

// 2026-01-01 00:00 KST, 2026-10-01 00:00 KST, 2026-12-01 00:00 KST.
const JAN1: i64 = 1_767_193_200;
const OCT1: i64 = 1_790_780_400;
const DEC1: i64 = 1_796_050_800;

#[test]
fn profile_parses_without_warnings() {
    let p = &world().profile;
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert_eq!(p.people.len(), 15);
    assert_eq!(p.partners.len(), 8);
    assert!(p
        .partners
        .iter()
        .all(|x| (1..=3).contains(&x.contacts.len())));
    assert_eq!(p.people.iter().filter(|x| x.vip).count(), 2);
    let kim = p.who_uses("kim.minjun@samil-tax.kr").unwrap();
    assert_eq!(p.whose_name("김민준 세무사"), &[kim]);
    assert_eq!(p.whose_name("Minjun Kim (Samil Tax)"), &[kim]);
    assert!(matches!(p.whose_name("J. W. Park"), [Who::Employee(0)]));
    assert_eq!(
        p.who_uses("minjun.kim.cpa@gmail.com"),
        None,
        "learned, not listed"
    );
    assert!(p.partner_of_domain("daol-law.com").is_some());
    assert!(p.is_org_domain("hanbitx.io") && p.is_org_domain("hanbit-x.co.kr"));
    assert!(p
        .trusted_authserv_ids
        .iter()
        .any(|x| x == "mx1.hanbit-x.com"));
    assert!(p.protected.iter().any(
        |x| x.domains.iter().any(|d| d == "kofiu.go.kr") && x.kind == ProtectedKind::Authority
    ));
}

#[test]
fn counts_ids_and_labels() {
    let s = &world().s;
    for d in DETECTORS {
        let a = s
            .cases
            .iter()
            .filter(|c| c.detector == *d && c.attack)
            .count();
        let b = s
            .cases
            .iter()
            .filter(|c| c.detector == *d && !c.attack)
            .count();
        assert!(a >= 6 && b >= 6, "{d}: {a} attacks, {b} benign");
        for lang in ["ko", "en"] {
            assert!(
                s.cases.iter().any(|c| c.detector == *d && c.lang == lang),
                "{d} has no {lang} case"
            );
        }
    }
    let plain: Vec<&Case> = s.cases.iter().filter(|c| c.detector == "none").collect();
    assert!(plain.len() >= 10 && plain.iter().all(|c| !c.attack));
    let mut ids: Vec<&str> = s.cases.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate case ids");
    for c in &s.cases {
        assert!(
            DETECTORS.contains(&c.detector) || c.detector == "none",
            "{}",
            c.id
        );
        assert!(matches!(c.lang, "ko" | "en"), "{}", c.id);
        assert!(!c.note.is_empty());
        assert!(
            c.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}",
            c.id
        );
    }
}

#[test]
fn every_message_parses_with_from_date_and_message_id() {
    let s = &world().s;
    let all = s
        .history
        .iter()
        .map(|m| (m.name.as_str(), m.raw.as_str()))
        .chain(s.cases.iter().map(|c| (c.id.as_str(), c.raw.as_str())));
    for (name, raw) in all {
        assert!(
            !raw.replace("\r\n", "").contains('\n') && !raw.replace("\r\n", "").contains('\r'),
            "{name}: bare line end"
        );
        assert!(raw.lines().all(|l| l.len() <= 998), "{name}: line too long");
        let m = parse(raw.as_bytes(), &Default::default());
        assert!(
            m.from().and_then(|f| f.address.as_ref()).is_some(),
            "{name}: no From"
        );
        assert!(m.date.is_some(), "{name}: no Date");
        assert!(m.message_id.is_some(), "{name}: no Message-ID");
        assert!(
            m.subject.as_deref().is_some_and(|x| !x.is_empty()),
            "{name}"
        );
        assert!(!m.bodies.is_empty(), "{name}: no text");
        for a in &m.anomalies {
            assert!(
                !matches!(
                    a,
                    Anomaly::Unparsable
                        | Anomaly::ParserFailed
                        | Anomaly::EncodingProblem { .. }
                        | Anomaly::EightBitHeaders { .. }
                        | Anomaly::UnparsableAddress { .. }
                        | Anomaly::DuplicateHeader { .. }
                ),
                "{name}: {a:?}"
            );
        }
    }
}

#[test]
fn deterministic() {
    assert_eq!(hanbit(), hanbit());
}

#[test]
fn history_is_coherent() {
    let w = world();
    let n = w.s.history.len();
    assert!((300..=500).contains(&n), "{n} messages");
    let mut seen = std::collections::HashSet::new();
    let mut gmail = 0;
    let mut team_reply_to = 0;
    let mut pdfs = 0;
    let mut english = 0;
    for (m, raw) in w.history.iter().zip(&w.s.history) {
        let at = m.date.unwrap_or(0);
        assert!((JAN1..OCT1).contains(&at), "{}: date {at}", raw.name);
        // Replies answer earlier messages of the history (RFC 5322 §3.6.4).
        for r in &m.references {
            assert!(seen.contains(r), "{}: reference {r} not earlier", raw.name);
        }
        assert!(
            m.references.len() <= 5,
            "{}: threads are 2-6 messages",
            raw.name
        );
        let id = m.message_id.clone().unwrap_or_default();
        assert!(seen.insert(id), "{}: duplicate Message-ID", raw.name);
        let from = m.from().and_then(|f| f.address.clone()).unwrap_or_default();
        let from_domain = domain_key(&from);
        if !w.profile.is_org_domain(&from_domain) {
            // Inbound mail carries mx1's passing verdict.
            let ar = trusted_ar(m).unwrap_or_else(|| panic!("{}: no trusted AR", raw.name));
            assert!(ar.contains("dmarc=pass"), "{}", raw.name);
        }
        gmail += usize::from(from == "minjun.kim.cpa@gmail.com");
        team_reply_to += usize::from(
            m.reply_to
                .iter()
                .any(|r| r.address.as_deref() == Some("tax-team@samil-tax.kr")),
        );
        pdfs += m
            .attachments
            .iter()
            .filter(|a| a.data.starts_with(b"%PDF-1.4"))
            .count();
        english += usize::from(
            m.bodies
                .iter()
                .any(|b| b.text.contains("Best") || b.text.contains("Thanks")),
        );
    }
    assert!((3..=6).contains(&gmail), "{gmail} gmail messages");
    assert!(team_reply_to >= 5, "{team_reply_to}");
    assert!(pdfs >= 40, "{pdfs}");
    assert!(english >= 30, "{english}");
    // Threads: every history thread id has 1-6 messages.
    let (_, _, threads) = w.knowledge.counts();
    assert!(threads > 100, "{threads}");
    for c in &w.s.cases {
        let at = mail(c).date.unwrap_or(0);
        assert!((OCT1..DEC1).contains(&at), "{}: case date {at}", c.id);
    }
}

#[test]
fn history_is_clean_under_the_reference_semantics() {
    let w = world();
    for (m, raw) in w.history.iter().zip(&w.s.history) {
        for (d, f) in oracle::ALL {
            assert!(!f(w, m), "{}: {d} fires on history", raw.name);
        }
    }
}

#[test]
fn cases_agree_with_the_reference_semantics() {
    let w = world();
    let mut wrong = Vec::new();
    for c in &w.s.cases {
        let m = mail(c);
        if c.detector == "none" {
            for (d, f) in oracle::ALL {
                if f(w, &m) {
                    wrong.push(format!("{}: plain case fires {d}", c.id));
                }
            }
            continue;
        }
        let Some((_, f)) = oracle::ALL.iter().find(|(d, _)| *d == c.detector) else {
            wrong.push(format!("{}: no oracle", c.id));
            continue;
        };
        if f(w, &m) != c.attack {
            wrong.push(format!("{}: oracle says {}", c.id, !c.attack));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The topmost Authentication-Results of the trusted authserv-id (RFC 8601 §2.5).
fn trusted_ar(m: &Mail) -> Option<&str> {
    m.header_values("Authentication-Results").find(|v| {
        v.trim_start()
            .to_ascii_lowercase()
            .starts_with("mx1.hanbit-x.com")
    })
}

/// Small reference models of each detector's intended semantics, over the profile and the knowledge
/// learned from the history. Deliberately simple (string checks, no confusable tables): they pin what
/// each case means, not how a detector should be written.
mod oracle {
    use super::*;

    type F = fn(&World, &Mail) -> bool;

    pub(super) const ALL: &[(&str, F)] = &[
        ("contact.impersonation", impersonation),
        ("lookalike.domain", lookalike_domain),
        ("lookalike.link", lookalike_link),
        ("spoof.known_address", spoof),
        ("thread.hijack", hijack),
        ("replyto.diverted", replyto),
        ("contact.first_contact_risk", first_contact),
        ("bec.executive_request", bec),
    ];

    fn from(m: &Mail) -> (String, String) {
        let f = m.from().cloned().unwrap_or_default();
        (
            f.name.unwrap_or_default(),
            f.address.unwrap_or_default().to_lowercase(),
        )
    }

    fn host(addr: &str) -> &str {
        addr.rsplit_once('@').map_or(addr, |(_, d)| d)
    }

    /// The name is a known person's, and the address is neither theirs (profile, or used by them in
    /// history under any of their names) nor on their organisation's domains.
    fn impersonated(w: &World, name: &str, addr: &str) -> Vec<Who> {
        let p = &w.profile;
        p.whose_name(name)
            .iter()
            .copied()
            .filter(|who| matches!(who, Who::Employee(_) | Who::Contact(..)))
            .filter(|who| {
                let Some(person) = p.person(*who) else {
                    return false;
                };
                let known = std::iter::once(&person.name)
                    .chain(&person.variants)
                    .any(|n| w.knowledge.addresses_named(n).iter().any(|a| a == addr));
                let own_domain = p.domains_of(*who).iter().any(|d| within(host(addr), d));
                !person.addresses.iter().any(|a| a == addr) && !known && !own_domain
            })
            .collect()
    }

    fn impersonation(w: &World, m: &Mail) -> bool {
        let (name, addr) = from(m);
        !impersonated(w, &name, &addr).is_empty()
    }

    fn bec(w: &World, m: &Mail) -> bool {
        let (name, addr) = from(m);
        let vip = impersonated(w, &name, &addr).iter().any(|who| {
            matches!(who, Who::Employee(_)) && w.profile.person(*who).is_some_and(|p| p.vip)
        });
        const ASKS: &[&str] = &[
            "송금",
            "이체",
            "지갑",
            "인증번호",
            "상품권",
            "계좌",
            "wire",
            "transfer",
            "wallet",
            "verification code",
            "gift card",
            "otp",
        ];
        let text: String = m
            .bodies
            .iter()
            .map(|b| b.text.to_lowercase())
            .chain(m.subject.clone().map(|s| s.to_lowercase()))
            .collect();
        vip && ASKS.iter().any(|k| text.contains(k))
    }

    fn known_domain(w: &World, d: &str) -> bool {
        let p = &w.profile;
        p.is_org_domain(d) || p.partner_of_domain(d).is_some() || p.protected_of_domain(d).is_some()
    }

    fn spoof(w: &World, m: &Mail) -> bool {
        let (_, addr) = from(m);
        if !known_domain(w, host(&addr)) {
            return false;
        }
        let Some(ar) = trusted_ar(m) else {
            return false;
        };
        let ar = ar.to_ascii_lowercase();
        ar.contains("dmarc=fail") || (ar.contains("spf=fail") && !ar.contains("dkim=pass"))
    }

    fn hijack(w: &World, m: &Mail) -> bool {
        let (_, addr) = from(m);
        let d = host(&addr);
        if w.profile.is_org_domain(d) {
            return false;
        }
        let mut any_thread = false;
        let mut allowed: Vec<String> = Vec::new();
        for r in &m.references {
            let Some(t) = w.knowledge.thread_of(r) else {
                continue;
            };
            any_thread = true;
            for part in w.knowledge.participants(t) {
                let pd = host(part);
                allowed.push(domain_key(pd));
                if let Some(pi) = w.profile.partner_of_domain(pd) {
                    allowed.extend(w.profile.partners[pi].domains.iter().cloned());
                }
            }
        }
        any_thread && !allowed.iter().any(|a| within(d, a) || *a == domain_key(d))
    }

    fn replyto(w: &World, m: &Mail) -> bool {
        let (_, addr) = from(m);
        let d = host(&addr);
        let p = &w.profile;
        let authority = p
            .protected_of_domain(d)
            .is_some_and(|i| p.protected[i].kind == ProtectedKind::Authority);
        let seen = w.knowledge.address(&addr).is_some_and(|a| a.sent > 0);
        let known = p.is_org_domain(d) || p.partner_of_domain(d).is_some() || authority || seen;
        if !known || m.header("List-Id").is_some() {
            return false;
        }
        m.reply_to
            .iter()
            .filter_map(|r| r.address.as_deref())
            .any(|rt| {
                let rt = rt.to_lowercase();
                let rd = host(&rt);
                let same_partner = p.partner_of_domain(d).is_some()
                    && p.partner_of_domain(d) == p.partner_of_domain(rd);
                !(rt == addr
                    || domain_key(rd) == domain_key(d)
                    || p.is_org_domain(rd)
                    || same_partner)
            })
    }

    fn first_contact(w: &World, m: &Mail) -> bool {
        let (_, addr) = from(m);
        let unseen = w.knowledge.address(&addr).is_none() && w.knowledge.domain(&addr).is_none();
        const RISKY_EXT: &[&str] = &[
            ".docm", ".xlsm", ".js", ".vbs", ".hta", ".lnk", ".zip", ".exe", ".iso",
        ];
        let risky_file = m.attachments.iter().any(|a| {
            let n = a.name.clone().unwrap_or_default().to_lowercase();
            RISKY_EXT.iter().any(|e| n.ends_with(e))
        });
        let form = m.forms.iter().any(|f| f.has_password);
        const RISKY_WORDS: &[&str] = &[
            "sign in",
            "로그인",
            "recovery phrase",
            "seed",
            "시드",
            "otp",
            "계좌",
            "bank account",
            "비밀번호",
        ];
        let text: String = m
            .bodies
            .iter()
            .map(|b| b.text.to_lowercase())
            .chain(m.subject.clone().map(|s| s.to_lowercase()))
            .collect();
        let words = RISKY_WORDS.iter().any(|k| text.contains(k));
        unseen && (risky_file || form || words)
    }

    /// A host that is not within a protected domain but imitates one: the protected name (without
    /// its suffix, or whole with dots and hyphens removed) inside it, or within one edit of it after
    /// the usual ASCII substitutions; or an ACE label.
    fn looks_like(w: &World, h: &str) -> bool {
        let h = h.trim_end_matches('.').to_ascii_lowercase();
        let protected = w.profile.protected_domains();
        if protected.iter().any(|(p, _)| within(&h, p)) {
            return false;
        }
        if h.split('.').any(|l| l.starts_with("xn--")) {
            return true;
        }
        let fold = |s: &str| {
            s.replace("rn", "m")
                .replace("vv", "w")
                .replace('0', "o")
                .replace('1', "l")
        };
        let flat = fold(&h).replace(['.', '-'], "");
        let hlabel = fold(domain_key(&h).split('.').next().unwrap_or(""));
        protected.iter().any(|(p, _)| {
            let plabel = domain_key(p).split('.').next().unwrap_or("").to_string();
            let pflat = p.replace(['.', '-'], "");
            let pname = plabel.replace('-', "");
            (pflat.len() >= 6 && flat.contains(&pflat))
                || (pname.len() >= 6 && flat.contains(&pname))
                || (plabel.len() >= 5 && edits(&hlabel, &plabel) <= 1)
        })
    }

    fn edits(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut cur = vec![i; b.len() + 1];
            for j in 1..=b.len() {
                let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
                cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    fn lookalike_domain(w: &World, m: &Mail) -> bool {
        let mut hosts: Vec<String> = Vec::new();
        for mb in m.from.iter().chain(&m.reply_to).chain(m.sender.iter()) {
            if let Some(a) = &mb.address {
                hosts.push(host(a).to_string());
            }
        }
        if let Some(rp) = &m.return_path {
            hosts.push(host(rp).to_string());
        }
        hosts.iter().any(|h| looks_like(w, h))
    }

    fn lookalike_link(w: &World, m: &Mail) -> bool {
        m.links
            .iter()
            .filter_map(|l| l.host.as_deref())
            .any(|h| looks_like(w, h))
    }
}
