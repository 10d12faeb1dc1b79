//! Look-alike domains of the organisation's, its partners', authorities' and brands' domains, in the
//! sender headers (From, Reply-To, Return-Path, Sender) and in link hosts.
//!
//! The matching (UTS #39 confusable skeletons, mixed scripts and punycode, one-edit neighbours, hyphen
//! and suffix changes, the true domain embedded as a subdomain, name plus a word) lives in
//! `spearwatch_org::lookalike`; this detector applies it to the message. Without a profile it does
//! nothing: the sender and link detectors already check the bundled brands' domains for one-edit
//! look-alikes, and a bundled brand's look-alike they report is not reported twice here.

use crate::known::domain_party;
use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity};
use spearwatch_org::lookalike::Lookalike;
use spearwatch_org::profile::DomainOwner;
use spearwatch_org::OrgContext;

pub struct Lookalikes;

/// Hosts reported per finding; the rest are counted.
const MAX_HOSTS: usize = 3;

impl Detector for Lookalikes {
    fn name(&self) -> &'static str {
        "lookalike"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(org) = cx.org else { return };
        let mail = cx.mail;
        let mut senders: Vec<(&str, String, Lookalike)> = Vec::new();
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(f) = mail.from() {
            headers.extend(f.address.as_deref().map(|a| ("From", a)));
        }
        headers.extend(
            mail.reply_to
                .iter()
                .filter_map(|m| Some(("Reply-To", m.address.as_deref()?))),
        );
        headers.extend(
            mail.sender
                .as_ref()
                .and_then(|m| Some(("Sender", m.address.as_deref()?))),
        );
        headers.extend(mail.return_path.as_deref().map(|a| ("Return-Path", a)));
        for (h, addr) in headers {
            let Some((_, host)) = addr.rsplit_once('@') else {
                continue;
            };
            if senders.iter().any(|(_, a, _)| a == addr) {
                continue;
            }
            if let Some(l) = check(org, host, 5) {
                senders.push((h, addr.to_string(), l));
            }
        }
        if let Some(f) = finding("lookalike.domain", org, &senders, |h, a| {
            Evidence::header(h, a)
        }) {
            out.push(f.technique(t::ACQUIRE_DOMAINS).technique(t::IMPERSONATION));
        }

        let mut links: Vec<(&str, String, Lookalike)> = Vec::new();
        // Newsletters repeat one host dozens of times: check each host once.
        let mut checked: Vec<&str> = Vec::new();
        for l in &mail.links {
            let Some(host) = l.host.as_deref() else {
                continue;
            };
            if checked.contains(&host) || links.len() >= 20 {
                continue;
            }
            checked.push(host);
            if let Some(m) = check(org, host, 6) {
                links.push((l.url.as_str(), host.to_string(), m));
            }
        }
        if let Some(f) = finding("lookalike.link", org, &links, |url, host| {
            Evidence::url(url, host)
        }) {
            out.push(
                f.technique(t::ACQUIRE_DOMAINS)
                    .technique(t::SPEARPHISHING_LINK),
            );
        }
    }
}

/// A look-alike of a protected domain, unless it is a bundled brand's look-alike that the sender or
/// link detector reports already (`min_edit_len` as theirs).
fn check(org: &OrgContext, host: &str, min_edit_len: usize) -> Option<Lookalike> {
    let l = org.lookalikes.check(host)?;
    if let DomainOwner::Protected(i) = l.owner {
        if org.profile.protected[i].bundled
            && crate::data::lookalike_of(host, min_edit_len).is_some()
        {
            return None;
        }
    }
    Some(l)
}

fn finding(
    id: &str,
    org: &OrgContext,
    hits: &[(&str, String, Lookalike)],
    evidence: impl Fn(&str, &str) -> Evidence,
) -> Option<Finding> {
    let (_, first_value, first) = hits.first()?;
    let owner = org.profile.owner_name(&first.owner);
    let whose = match &first.owner {
        DomainOwner::Organisation => "the organisation's own domain".to_string(),
        DomainOwner::Partner(_) => format!("partner {owner}'s domain"),
        DomainOwner::Protected(_) => format!("{owner}'s domain"),
    };
    let shown = first_value
        .rsplit_once('@')
        .map_or(first_value.as_str(), |(_, d)| d);
    let mut f = Finding::new(
        id,
        Severity::High,
        format!("{shown} imitates {} ({whose})", first.domain),
    );
    for (place, value, l) in hits.iter().take(MAX_HOSTS) {
        let party = domain_party(&org.profile, &l.domain).unwrap_or_default();
        f = f.evidence(evidence(place, value).with_note(format!(
            "{}; the real domain is {} ({party})",
            l.detail, l.domain
        )));
    }
    if hits.len() > MAX_HOSTS {
        f.title
            .push_str(&format!(" and {} more", hits.len() - MAX_HOSTS));
    }
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run_org};

    #[test]
    fn lookalike_senders_and_links() {
        for from in [
            "kim.minjun@samiltax.kr",
            "kim.minjun@sarnil-tax.kr",
            "billing@samil-tax.kr.docs-share.com",
            "it@hanbit-x-security.com",
            "ceo@hanblt-x.com",
        ] {
            let raw = format!("From: \"Kim Minjun\" <{from}>\r\nTo: a@hanbit-x.com\r\n\r\nx\r\n");
            let f = run_org(&Lookalikes, &raw, &[]);
            assert_eq!(ids(&f), ["lookalike.domain"], "{from}");
        }
        let raw = "From: a@example.com\r\nReply-To: refund@hometax.go.kr-refund.com\r\n\r\nSee https://hometax.go.kr.tax-refund.kr/login\r\n";
        let f = run_org(&Lookalikes, raw, &[]);
        assert_eq!(ids(&f), ["lookalike.domain", "lookalike.link"]);
        assert!(f[1].title.contains("hometax.go.kr"), "{}", f[1].title);
    }

    #[test]
    fn real_domains_subdomains_and_strangers_are_fine() {
        for from in [
            "kim.minjun@samil-tax.kr",
            "noreply@mail.hanbit-x.com",
            "notice@nts.go.kr",
            "a@samsung.com",
            "b@gmail.com",
        ] {
            let raw =
                format!("From: {from}\r\n\r\nhttps://www.hometax.go.kr/ https://upbit.com/\r\n");
            assert!(run_org(&Lookalikes, &raw, &[]).is_empty(), "{from}");
        }
    }
}
