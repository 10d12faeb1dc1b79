//! A first contact that carries risk: nobody at this address or domain has ever exchanged mail with the
//! organisation, and the very first message brings active content, a credential link, a payment or
//! bank-detail change, a wallet or code request, or pressure.
//!
//! First contacts are normal (new vendors, applicants, customers), so this fires only in combination,
//! and only when there is history to judge by: without learned mail every sender is new. It runs after
//! the message and content detectors and reads their findings (`out`) as the risk side.

use crate::known::known_domain;
use crate::requests::{asks, describe};
use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity};

pub struct FirstContact;

/// Finding-id prefixes that are risk in a first message when at least medium: active content in
/// attachments, deceptive links.
const RISKY_AREAS: &[&str] = &[
    "office.",
    "lnk.",
    "exe.",
    "hwp.",
    "pdf.",
    "archive.",
    "html.",
    "onenote.",
    "chm.",
    "rtf.",
    "attachment.",
    "yara.",
    "links.",
    "content.",
];

/// Lure themes that are risk in a first message whatever their severity.
const RISKY_LURES: &[&str] = &[
    "lure.credential_request",
    "lure.enable_content",
    "lure.attachment_password",
    "lure.urgency",
    "lure.account_security",
];

/// Path words of sign-in pages: a first mail whose link asks the reader to sign in is credential
/// phishing's shape (lure.crypto is not risk here: an exchange's vendors all write about crypto).
const SIGN_IN_WORDS: &[&str] = &[
    "login",
    "log-in",
    "signin",
    "sign-in",
    "logon",
    "sso",
    "auth",
    "verify",
    "verification",
    "password",
    "webmail",
    "owa",
    "session",
];

/// Links a personal first mail carries at most; more is a newsletter's shape.
const MAX_PERSONAL_LINKS: usize = 4;

fn distinct_urls(mail: &spearwatch_message::Mail) -> usize {
    let mut seen: Vec<&str> = Vec::new();
    for l in &mail.links {
        if !seen.contains(&l.url.as_str()) {
            seen.push(&l.url);
            if seen.len() > MAX_PERSONAL_LINKS {
                break;
            }
        }
    }
    seen.len()
}

/// The first link whose path reads like a sign-in page.
fn sign_in_link(mail: &spearwatch_message::Mail) -> Option<&str> {
    mail.links.iter().map(|l| l.url.as_str()).find(|u| {
        let lower = u.to_ascii_lowercase();
        let path = lower
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('/'))
            .map_or("", |(_, p)| p);
        path.split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .any(|w| SIGN_IN_WORDS.contains(&w))
    })
}

impl Detector for FirstContact {
    fn name(&self) -> &'static str {
        "first_contact"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(org) = cx.org else { return };
        if crate::known::is_list_mail(cx.mail) {
            return;
        }
        if org.knowledge.messages == 0 {
            return;
        }
        let Some(from) = cx.mail.from() else { return };
        let (Some(addr), Some(domain)) = (from.address.as_deref(), from.domain()) else {
            return;
        };
        let addr = addr.to_lowercase();
        if crate::known::known_address(org, &addr) || known_domain(org, domain) {
            return;
        }
        let mut risks: Vec<(String, Evidence)> = Vec::new();
        for f in out.iter() {
            let risky = (f.severity >= Severity::Medium
                && RISKY_AREAS.iter().any(|a| f.id.starts_with(a)))
                || RISKY_LURES.contains(&f.id.as_str());
            if risky && !risks.iter().any(|(id, _)| *id == f.id) {
                risks.push((
                    f.id.clone(),
                    Evidence::structure(&f.id).with_note(f.title.clone()),
                ));
            }
        }
        // What only this detector sees (a request, a sign-in link) makes the finding count on its own;
        // risk already scored by other findings is only confirmed (low, weighed lightly).
        // Newsletters and marketing (List-Unsubscribe, RFC 2369; many links) carry account links and
        // offers by the dozen: there these are no request to the reader.
        let before = risks.len();
        let bulk = cx.mail.header("List-Unsubscribe").is_some()
            || distinct_urls(cx.mail) > MAX_PERSONAL_LINKS;
        if let Some(url) = sign_in_link(cx.mail).filter(|_| !bulk) {
            risks.push((
                "sign-in link".into(),
                Evidence::url(url, url).with_note("a link to a sign-in page"),
            ));
        }
        let requests: Vec<_> = if bulk {
            Vec::new()
        } else {
            asks(cx)
                .into_iter()
                .filter(|a| a.class.id != "gift_cards")
                .collect()
        };
        if !requests.is_empty() {
            risks.push((
                "request".into(),
                Evidence::new(requests[0].source.clone(), requests[0].phrase)
                    .with_note(format!("asks for {}", describe(&requests))),
            ));
        }
        if risks.is_empty() {
            return;
        }
        let ids: Vec<&str> = risks.iter().map(|(id, _)| id.as_str()).take(4).collect();
        let severity = if risks.len() > before {
            Severity::Medium
        } else {
            Severity::Low
        };
        let mut f = Finding::new(
            "contact.first_contact_risk",
            severity,
            format!(
                "First mail ever from {domain}, and it carries risk ({})",
                ids.join(", ")
            ),
        )
        .technique(t::PHISHING)
        .evidence(Evidence::header("From", from.display()).with_note(format!(
            "no mail from or to this address or domain in {} learned messages",
            org.knowledge.messages
        )));
        for (_, e) in risks.into_iter().take(4) {
            f = f.evidence(e);
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
        vec![Observation {
            key: "1".into(),
            at: 1_775_000_000,
            from: "sales@cloudvendor.io".into(),
            from_name: None,
            recipients: vec!["ops@hanbit-x.com".into()],
            direction: Direction::Inbound,
            message_id: None,
            thread: None,
            is_reply: false,
        }]
    }

    #[test]
    fn new_sender_with_bank_change() {
        let raw = "From: accounts@new-supplier.com\r\nTo: finance@hanbit-x.com\r\nSubject: invoice\r\n\r\nPlease note our new bank details for the attached invoice.\r\n";
        let f = run_org(&FirstContact, raw, &history());
        assert_eq!(ids(&f), ["contact.first_contact_risk"]);
    }

    #[test]
    fn harmless_first_contact_known_domain_and_no_history() {
        let intro = "From: hello@new-supplier.com\r\nSubject: introduction\r\n\r\nWe would like to introduce our services.\r\n";
        assert!(run_org(&FirstContact, intro, &history()).is_empty());
        let known = "From: billing@cloudvendor.io\r\n\r\nPlease note our new bank details.\r\n";
        assert!(run_org(&FirstContact, known, &history()).is_empty());
        let risky = "From: a@new-supplier.com\r\n\r\nPlease note our new bank details.\r\n";
        assert!(
            run_org(&FirstContact, risky, &[]).is_empty(),
            "no history, no judgement"
        );
    }
}
