//! Thread hijack: a reply into a conversation the organisation had, from someone who was not in it.
//!
//! Attackers who read a stolen mailbox (or a partner's) answer a real thread so that the mail sits
//! under a familiar subject with the real history quoted. In-Reply-To and References (RFC 5322
//! §3.6.4) name the messages answered; when history knows one of them, the thread's participants are
//! known, and a sender whose registrable domain is none of theirs (nor the organisation's) has joined
//! a conversation nobody invited them to.

use crate::known::site_of;
use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity};

pub struct Thread;

/// Participants listed in the evidence.
const MAX_SHOWN: usize = 4;

impl Detector for Thread {
    fn name(&self) -> &'static str {
        "thread"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(org) = cx.org else { return };
        if crate::known::is_list_mail(cx.mail) {
            return;
        }
        let Some(from) = cx.mail.from().and_then(|m| m.address.as_deref()) else {
            return;
        };
        let from = from.to_lowercase();
        let Some((_, domain)) = from.rsplit_once('@') else {
            return;
        };
        if org.profile.is_org_domain(domain) {
            return;
        }
        let Some((reference, thread)) = cx
            .mail
            .references
            .iter()
            .find_map(|r| Some((r, org.knowledge.thread_of(r)?)))
        else {
            return;
        };
        let participants = org.knowledge.participants(thread);
        if participants.is_empty() {
            return;
        }
        // On a free-mail provider the domain says nothing: anyone has a gmail address, so only the
        // participant's own address counts there.
        let site = site_of(&from);
        let free = crate::sender::is_freemail(domain);
        if participants
            .iter()
            .any(|p| if free { *p == from } else { site_of(p) == site })
        {
            return;
        }
        // A partner's listed domains count as one party: a contact moving from samil-tax.kr to the
        // partner's other domain is still the partner.
        let partner = org.profile.partner_of_domain(domain);
        if partner.is_some_and(|pi| {
            participants.iter().any(|p| {
                p.rsplit_once('@')
                    .is_some_and(|(_, d)| org.profile.partner_of_domain(d) == Some(pi))
            })
        }) {
            return;
        }
        let shown: Vec<&str> = participants
            .iter()
            .take(MAX_SHOWN)
            .map(String::as_str)
            .collect();
        let more = participants.len().saturating_sub(MAX_SHOWN);
        out.push(
            Finding::new(
                "thread.hijack",
                Severity::High,
                format!("A reply into a known conversation comes from {site}, which never took part in it"),
            )
            .technique(t::PHISHING)
            .technique(t::IMPERSONATION)
            .evidence(Evidence::header("In-Reply-To", format!("<{reference}>")).with_note(format!(
                "this message-id is in the organisation's history; the thread's participants are {}{}",
                shown.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            )))
            .evidence(Evidence::header("From", &from).with_note("not a participant's domain")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run_org};
    use spearwatch_org::observe::{Direction, Observation};

    fn history() -> Vec<Observation> {
        vec![
            Observation {
                key: "1".into(),
                at: 1_775_000_000,
                from: "kim.minjun@samil-tax.kr".into(),
                from_name: None,
                recipients: vec!["dohyun.lee@hanbit-x.com".into()],
                direction: Direction::Inbound,
                message_id: Some("q3-vat@samil-tax.kr".into()),
                thread: Some("q3-vat@samil-tax.kr".into()),
                is_reply: false,
            },
            Observation {
                key: "2".into(),
                at: 1_775_100_000,
                from: "dohyun.lee@hanbit-x.com".into(),
                from_name: None,
                recipients: vec!["kim.minjun@samil-tax.kr".into()],
                direction: Direction::Outbound,
                message_id: Some("re1@hanbit-x.com".into()),
                thread: Some("q3-vat@samil-tax.kr".into()),
                is_reply: true,
            },
        ]
    }

    #[test]
    fn outsider_replies_into_known_thread() {
        let raw = "From: \"Kim Minjun\" <kim.minjun@samil-taxes.com>\r\nTo: dohyun.lee@hanbit-x.com\r\nSubject: RE: 3분기 부가세\r\nIn-Reply-To: <re1@hanbit-x.com>\r\nReferences: <q3-vat@samil-tax.kr> <re1@hanbit-x.com>\r\n\r\n변경된 계좌로 부탁드립니다.\r\n";
        let f = run_org(&Thread, raw, &history());
        assert_eq!(ids(&f), ["thread.hijack"]);
        assert!(f[0].evidence[0]
            .note
            .as_deref()
            .unwrap()
            .contains("kim.minjun@samil-tax.kr"));
    }

    #[test]
    fn freemail_participants_count_by_address() {
        let mut h = history();
        h[1].recipients.push("minjun.kim.cpa@gmail.com".into());
        let raw = "From: other.person@gmail.com\r\nIn-Reply-To: <re1@hanbit-x.com>\r\n\r\nx\r\n";
        assert_eq!(ids(&run_org(&Thread, raw, &h)), ["thread.hijack"]);
        let raw = "From: minjun.kim.cpa@gmail.com\r\nIn-Reply-To: <re1@hanbit-x.com>\r\n\r\nx\r\n";
        assert!(run_org(&Thread, raw, &h).is_empty());
    }

    #[test]
    fn participants_and_strangers_threads_are_fine() {
        for raw in [
            "From: kim.minjun@samil-tax.kr\r\nIn-Reply-To: <re1@hanbit-x.com>\r\n\r\nx\r\n",
            "From: new.colleague@samil-tax.kr\r\nIn-Reply-To: <re1@hanbit-x.com>\r\n\r\nx\r\n",
            "From: someone@hanbit-x.com\r\nIn-Reply-To: <re1@hanbit-x.com>\r\n\r\nx\r\n",
            "From: a@evil.example.com\r\nIn-Reply-To: <unknown@elsewhere>\r\n\r\nx\r\n",
        ] {
            assert!(run_org(&Thread, raw, &history()).is_empty(), "{raw}");
        }
    }
}
