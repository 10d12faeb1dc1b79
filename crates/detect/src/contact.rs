//! Known-contact impersonation: a name the organisation knows, on an address that name never used.
//!
//! Spear-phishing borrows the name of someone the target deals with: "Kim Minjun (Samil Tax)"
//! writing from `kimminjun.tax@gmail.com`. Generic filters see a free-mail sender; with the profile
//! (people, partner contacts and their variants) and the history (which addresses used which display
//! names) the finding can say whose name it is and where that person really writes from.
//!
//! A name matches by [`spearwatch_org::names::name_key`] (order, titles and company suffixes do not
//! matter). The sender is fine when its address is one the person uses (profile or history) or is on
//! the domains of the person's organisation: a new colleague's address on the partner's own domain
//! is not impersonation (a forged one is the spoofing detector's business).

use crate::known::{history_of, site_of};
use crate::sender::is_freemail;
use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity};
use spearwatch_org::names::name_key;
use spearwatch_org::profile::{within, Who};

pub struct Contact;

/// Messages a name must have been seen in (on its real address) before history alone makes it a
/// "known contact": one message from a stranger is not a relationship.
const MIN_HISTORY: u32 = 2;

impl Detector for Contact {
    fn name(&self) -> &'static str {
        "contact"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(org) = cx.org else { return };
        if crate::known::is_list_mail(cx.mail) {
            return;
        }
        let Some(from) = cx.mail.from() else { return };
        let (Some(name), Some(addr)) = (from.name.as_deref(), from.address.as_deref()) else {
            return;
        };
        let addr = addr.to_lowercase();
        let Some((_, domain)) = addr.rsplit_once('@') else {
            return;
        };
        let profile = &org.profile;

        // People of the profile with this name (partner organisations' names too).
        let whos: Vec<Who> = profile.whose_name(name).to_vec();
        // Names this address has used (history), as keys.
        let used_keys: Vec<String> = org
            .knowledge
            .address(&addr)
            .map(|h| h.names.iter().filter_map(|n| name_key(n)).collect())
            .unwrap_or_default();
        for &who in &whos {
            let person = profile.person(who);
            let uses = person.is_some_and(|p| p.addresses.contains(&addr));
            // The address wrote before under another variant of this person's name ("Kim Minjun"
            // then "김민준"): the person's own personal address.
            let used_variant = person.is_some_and(|p| {
                std::iter::once(&p.name)
                    .chain(&p.variants)
                    .filter_map(|n| name_key(n))
                    .any(|k| used_keys.contains(&k))
            });
            if uses || used_variant || profile.domains_of(who).iter().any(|d| within(domain, d)) {
                return;
            }
        }
        // Addresses history saw under this name: this one (a personal address the person has used
        // before is theirs), and those with enough history to make the name a known correspondent's.
        let named = org.knowledge.addresses_named(name);
        if named.contains(&addr) {
            return;
        }
        let seen: Vec<&String> = named
            .iter()
            .filter(|a| {
                org.knowledge
                    .address(a)
                    .is_some_and(|h| h.sent + h.written_to >= MIN_HISTORY)
            })
            .collect();
        let site = site_of(&addr);
        if seen
            .iter()
            .any(|a| site_of(a) == site && !is_freemail(domain))
        {
            return;
        }
        if whos.is_empty() && seen.is_empty() {
            return;
        }

        let whom = match whos.first() {
            Some(&w) => profile.describe(w),
            None => format!("\"{name}\", a known correspondent"),
        };
        let vip = whos
            .iter()
            .any(|&w| profile.person(w).is_some_and(|p| p.vip));
        let free = is_freemail(domain);
        let new_address = org.knowledge.address(&addr).is_none_or(|h| h.sent == 0);
        let severity = if free || vip || new_address {
            Severity::High
        } else {
            Severity::Medium
        };
        let mut f = Finding::new(
            "contact.impersonation",
            severity,
            format!(
                "The sender uses the name of {whom}, on an address {} never used{}",
                if whos.is_empty() {
                    "that name"
                } else {
                    "this person"
                },
                if free { " (free-mail)" } else { "" }
            ),
        )
        .technique(t::IMPERSONATION)
        .technique(t::EMAIL_ACCOUNTS)
        .evidence(
            Evidence::header("From", from.display()).with_note(if new_address {
                format!("first mail from {addr}")
            } else {
                format!("{addr} has written before, but never under this name")
            }),
        );
        for &w in whos.iter().take(2) {
            if let Some(p) = profile.person(w) {
                if !p.addresses.is_empty() {
                    f = f.evidence(
                        Evidence::structure(p.addresses.join(", ")).with_note(format!(
                            "the organisation profile lists these addresses for {}",
                            profile.describe(w)
                        )),
                    );
                }
            } else if let Who::Partner(pi) = w {
                f = f.evidence(
                    Evidence::structure(profile.partners[pi].domains.join(", ")).with_note(
                        format!("{} writes from these domains", profile.partners[pi].name),
                    ),
                );
            }
        }
        // What history says of the real addresses: those seen under this name, and the profile's
        // addresses of the person (the name may be a variant history never saw).
        let mut real: Vec<&str> = seen.iter().map(|a| a.as_str()).collect();
        for &w in &whos {
            if let Some(p) = profile.person(w) {
                real.extend(p.addresses.iter().map(String::as_str));
            }
        }
        let mut unique: Vec<&str> = Vec::new();
        for a in real {
            if !unique.contains(&a) {
                unique.push(a);
            }
        }
        let shown_name = whos
            .first()
            .and_then(|&w| profile.person(w))
            .map_or(name, |p| p.name.as_str());
        for a in unique.iter().take(3) {
            if let Some(h) = history_of(org, a) {
                f = f.evidence(
                    Evidence::structure(format!("'{shown_name}' {h}"))
                        .with_note("history learned from the organisation's mail"),
                );
            }
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run_org};
    use spearwatch_org::observe::{Direction, Observation};

    fn history() -> Vec<Observation> {
        (0..5)
            .map(|i| Observation {
                key: format!("k{i}"),
                at: 1_775_000_000 + i * 86_400,
                from: "kim.minjun@samil-tax.kr".into(),
                from_name: Some("Kim Minjun".into()),
                recipients: vec!["dohyun.lee@hanbit-x.com".into()],
                direction: Direction::Inbound,
                message_id: Some(format!("{i}@samil-tax.kr")),
                thread: Some(format!("{i}@samil-tax.kr")),
                is_reply: false,
            })
            .chain(std::iter::once(Observation {
                key: "p".into(),
                at: 1_775_900_000,
                from: "minjun.kim.cpa@gmail.com".into(),
                from_name: Some("Kim Minjun".into()),
                recipients: vec!["dohyun.lee@hanbit-x.com".into()],
                direction: Direction::Inbound,
                message_id: None,
                thread: None,
                is_reply: false,
            }))
            .collect()
    }

    #[test]
    fn known_name_on_new_freemail_address() {
        let f = run_org(&Contact, "From: \"김민준 세무사\" <kimminjun.tax@gmail.com>\r\nTo: dohyun.lee@hanbit-x.com\r\nSubject: 원천징수 자료\r\n\r\n확인 부탁드립니다.\r\n", &history());
        assert_eq!(ids(&f), ["contact.impersonation"]);
        assert_eq!(f[0].severity, Severity::High);
        assert!(
            f[0].title.contains("Kim Minjun (Samil Tax)"),
            "{}",
            f[0].title
        );
        let ev: Vec<&str> = f[0].evidence.iter().map(|e| e.value.as_str()).collect();
        assert!(
            ev.iter()
                .any(|e| e.contains("wrote 5 times from kim.minjun@samil-tax.kr since")),
            "{ev:?}"
        );
    }

    #[test]
    fn vip_name_from_outside() {
        let f = run_org(&Contact, "From: \"Jiwoo Park, CEO\" <ceo.hanbitx@outlook.com>\r\nTo: a@hanbit-x.com\r\n\r\nx\r\n", &[]);
        assert_eq!(ids(&f), ["contact.impersonation"]);
    }

    #[test]
    fn real_addresses_and_known_personal_address_are_fine() {
        for from in [
            "\"Minjun Kim (Samil Tax)\" <kim.minjun@samil-tax.kr>",
            "\"Kim Minjun\" <minjun.kim.cpa@gmail.com>",
            "\"김민준\" <mj.kim@samil-tax.kr>",
            "\"Kim Minji\" <minji@gmail.com>",
            "\"Park Jiwoo\" <jiwoo.park@hanbit-x.com>",
            "someone@gmail.com",
        ] {
            let raw = format!("From: {from}\r\nTo: a@hanbit-x.com\r\n\r\nx\r\n");
            assert!(run_org(&Contact, &raw, &history()).is_empty(), "{from}");
        }
    }

    #[test]
    fn no_profile_no_finding() {
        let f = crate::testutil::run(
            &Contact,
            "From: \"Kim Minjun\" <kimminjun.tax@gmail.com>\r\n\r\nx\r\n",
        );
        assert!(f.is_empty());
    }
}
