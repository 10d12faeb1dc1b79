//! Exact-address spoofing: mail that claims to be from the organisation, a partner or a protected
//! authority, which the organisation's own receiving server could not authenticate.
//!
//! A look-alike domain is one trick; writing the real address into From is the other, and it works
//! wherever the sending domain's DMARC policy does not make receivers refuse the mail. The trusted
//! `Authentication-Results` (RFC 8601, authserv-ids of the policy and the profile) say whether the
//! From domain was authenticated: DMARC fail, or SPF fail without a passing DKIM signature when no
//! DMARC result is given, on a domain the organisation knows is spoofing of someone it trusts.

use crate::auth::trusted_results;
use crate::known::domain_party;
use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity};

pub struct Spoof;

impl Detector for Spoof {
    fn name(&self) -> &'static str {
        "spoof"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(org) = cx.org else { return };
        let Some(from) = cx.mail.from() else { return };
        let (Some(addr), Some(domain)) = (from.address.as_deref(), from.domain()) else {
            return;
        };
        // A brand's free-mail service (gmail.com is Google's) is anyone's address, not the brand's.
        let Some(party) = domain_party(&org.profile, domain).filter(|_| {
            org.profile.is_org_domain(domain)
                || org.profile.partner_of_domain(domain).is_some()
                || !crate::sender::is_freemail(domain)
        }) else {
            return;
        };
        let Some((ar, raw)) = trusted_results(cx.mail, &cx.config.trusted_authserv_ids) else {
            return;
        };
        let result = |m: &str| {
            ar.results
                .iter()
                .find(|r| r.method == m)
                .map(|r| r.result.as_str())
        };
        // DMARC fail; or, where DMARC gives no verdict (no result, or none: the domain publishes no
        // policy), an SPF fail without a passing DKIM signature: nothing vouches for the sender.
        let why = match (result("dmarc"), result("spf"), result("dkim")) {
            (Some("fail"), ..) => "DMARC fails: neither SPF nor DKIM authenticates the From domain",
            (None | Some("none"), Some("fail"), dkim) if dkim != Some("pass") => {
                "SPF fails and no DKIM signature passes"
            }
            _ => return,
        };
        let known_person = org
            .profile
            .who_uses(&addr.to_lowercase())
            .map(|w| format!(", the address of {}", org.profile.describe(w)))
            .unwrap_or_default();
        out.push(
            Finding::new(
                "spoof.known_address",
                Severity::High,
                format!("Mail claims to come from {addr} ({party}{known_person}), but the organisation's server could not authenticate it"),
            )
            .technique(t::EMAIL_SPOOFING)
            .technique(t::IMPERSONATION)
            .evidence(Evidence::header("From", from.display()).with_note(format!("{domain} belongs to {party}")))
            .evidence(Evidence::header("Authentication-Results", raw).with_note(why)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run_org};

    const AR_FAIL: &str = "Authentication-Results: mx1.hanbit-x.com; spf=fail smtp.mailfrom=samil-tax.kr; dkim=none; dmarc=fail header.from=samil-tax.kr\r\n";
    const AR_PASS: &str = "Authentication-Results: mx1.hanbit-x.com; spf=pass smtp.mailfrom=samil-tax.kr; dkim=pass header.d=samil-tax.kr; dmarc=pass header.from=samil-tax.kr\r\n";

    #[test]
    fn partner_address_failing_trusted_dmarc() {
        let raw = format!("{AR_FAIL}From: \"Kim Minjun\" <kim.minjun@samil-tax.kr>\r\nTo: a@hanbit-x.com\r\n\r\nx\r\n");
        let f = run_org(&Spoof, &raw, &[]);
        assert_eq!(ids(&f), ["spoof.known_address"]);
        assert!(
            f[0].title.contains("Kim Minjun (Samil Tax)"),
            "{}",
            f[0].title
        );
        let own = format!(
            "{}From: ceo@hanbit-x.com\r\n\r\nx\r\n",
            AR_FAIL.replace("samil-tax.kr", "hanbit-x.com")
        );
        assert_eq!(ids(&run_org(&Spoof, &own, &[])), ["spoof.known_address"]);
        let nts = "Authentication-Results: mx1.hanbit-x.com; spf=fail smtp.mailfrom=nts.go.kr; dkim=none\r\nFrom: 국세청 <notice@nts.go.kr>\r\n\r\nx\r\n";
        assert_eq!(ids(&run_org(&Spoof, nts, &[])), ["spoof.known_address"]);
    }

    #[test]
    fn passing_untrusted_or_unknown_is_not_spoofing() {
        let pass = format!("{AR_PASS}From: kim.minjun@samil-tax.kr\r\n\r\nx\r\n");
        assert!(run_org(&Spoof, &pass, &[]).is_empty());
        let untrusted = format!(
            "{}From: kim.minjun@samil-tax.kr\r\n\r\nx\r\n",
            AR_FAIL.replace("mx1.hanbit-x.com", "mx.evil.example")
        );
        assert!(run_org(&Spoof, &untrusted, &[]).is_empty());
        let unknown = format!("{}From: a@some-vendor.example.com\r\n\r\nx\r\n", AR_FAIL);
        assert!(run_org(&Spoof, &unknown, &[]).is_empty());
    }
}
