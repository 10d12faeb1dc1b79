//! Reply-To diversion: a sender the organisation knows, with answers going somewhere else.
//!
//! The sender detector notes any Reply-To that leaves the From domain. With organisation context the
//! case that matters is sharper: mail from a partner, an authority, the organisation itself or a
//! known correspondent whose replies go to free-mail or an unrelated domain. That is how invoice
//! fraud and thread takeovers collect the answer while the From line stays genuine. Shared mailboxes
//! are fine: the same registrable domain, another domain of the same partner or of the organisation,
//! an address the same person has used before, or a mailing list (RFC 2369 List-Post, RFC 2919 List-Id).

use crate::known::{correspondent, domain_party, site_of};
use crate::sender::is_freemail;
use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity};
use spearwatch_org::names::name_key;

pub struct ReplyTo;

impl Detector for ReplyTo {
    fn name(&self) -> &'static str {
        "replyto"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(org) = cx.org else { return };
        let mail = cx.mail;
        if mail.reply_to.is_empty() || crate::known::is_list_mail(mail) {
            return;
        }
        let Some(from) = mail.from() else { return };
        let (Some(addr), Some(domain)) = (from.address.as_deref(), from.domain()) else {
            return;
        };
        let addr = addr.to_lowercase();
        let profile = &org.profile;
        // Who the sender is, as far as the organisation knows.
        let party = domain_party(profile, domain).filter(|_| {
            profile.is_org_domain(domain)
                || profile.partner_of_domain(domain).is_some()
                || !is_freemail(domain)
        });
        let known = correspondent(org, &addr);
        let Some(who) = party
            .clone()
            .or_else(|| known.then(|| format!("known correspondent {addr}")))
        else {
            return;
        };
        let from_site = site_of(domain);
        let from_partner = profile.partner_of_domain(domain);
        let from_key = from.name.as_deref().and_then(name_key);
        for rt in &mail.reply_to {
            let (Some(rt_addr), Some(rt_domain)) = (rt.address.as_deref(), rt.domain()) else {
                continue;
            };
            let rt_addr = rt_addr.to_lowercase();
            let same_party = site_of(rt_domain) == from_site
                || (profile.is_org_domain(domain) && profile.is_org_domain(rt_domain))
                || from_partner.is_some_and(|p| profile.partner_of_domain(rt_domain) == Some(p))
                || profile
                    .who_uses(&addr)
                    .is_some_and(|w| profile.who_uses(&rt_addr) == Some(w))
                // The person's own other address, seen in history under the same name.
                || (from_key.is_some()
                    && org.knowledge.address(&rt_addr).is_some_and(|h| {
                        h.names.iter().any(|n| name_key(n) == from_key)
                    }));
            if same_party {
                continue;
            }
            // Weighed by severity (policy.toml): a profile party's replies to free-mail are the
            // strongest case, a correspondent's replies to another company's domain the weakest.
            let free = is_freemail(rt_domain);
            let severity = match (party.is_some(), free) {
                (true, true) => Severity::High,
                (true, false) | (false, true) => Severity::Medium,
                (false, false) => Severity::Low,
            };
            out.push(
                Finding::new(
                    "replyto.diverted",
                    severity,
                    format!(
                        "Mail from {who} asks for replies to {}{rt_addr}",
                        if free { "the free-mail address " } else { "" }
                    ),
                )
                .technique(t::IMPERSONATION)
                .technique(t::PHISHING)
                .evidence(Evidence::header("From", from.display()).with_note(format!("{domain}: {who}")))
                .evidence(Evidence::header("Reply-To", rt.display()).with_note(
                    "not the sender's organisation, not an address the sender has used: answers would go to someone else",
                )),
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run_org};

    #[test]
    fn partner_mail_with_replies_to_freemail() {
        let f = run_org(&ReplyTo, "From: \"Kim Minjun\" <kim.minjun@samil-tax.kr>\r\nReply-To: samiltax.billing@gmail.com\r\n\r\nx\r\n", &[]);
        assert_eq!(ids(&f), ["replyto.diverted"]);
        assert_eq!(f[0].severity, Severity::High);
        let f = run_org(
            &ReplyTo,
            "From: 국세청 <notice@nts.go.kr>\r\nReply-To: refund@nts-refund.co\r\n\r\nx\r\n",
            &[],
        );
        assert_eq!(ids(&f), ["replyto.diverted"]);
    }

    #[test]
    fn shared_mailboxes_lists_and_strangers_are_fine() {
        for raw in [
            "From: kim.minjun@samil-tax.kr\r\nReply-To: tax-team@samil-tax.kr\r\n\r\nx\r\n",
            "From: ceo@hanbit-x.com\r\nReply-To: office@hanbitx.io\r\n\r\nx\r\n",
            "From: kim.minjun@samil-tax.kr\r\nReply-To: list@lists.example.org\r\nList-Id: <x.lists.example.org>\r\n\r\nx\r\n",
            "From: stranger@unknown-vendor.com\r\nReply-To: other@gmail.com\r\n\r\nx\r\n",
        ] {
            assert!(run_org(&ReplyTo, raw, &[]).is_empty(), "{raw}");
        }
    }
}
