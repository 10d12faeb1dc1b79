//! Executive requests from outside (business e-mail compromise, "CEO fraud").
//!
//! A VIP's name (profile `vip = true`, any variant) on an address that is not the VIP's and not on the
//! organisation's domains, asking for a transfer, a wallet move, a one-time code, gift cards or a
//! change of bank details. The money request is the harm; the borrowed authority is the lever. The
//! same message also gets `contact.impersonation`; this finding says what is being asked.

use crate::requests::{asks, describe};
use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity};
use spearwatch_org::profile::Who;

pub struct Bec;

impl Detector for Bec {
    fn name(&self) -> &'static str {
        "bec"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(org) = cx.org else { return };
        let Some(from) = cx.mail.from() else { return };
        let (Some(name), Some(addr), Some(domain)) =
            (from.name.as_deref(), from.address.as_deref(), from.domain())
        else {
            return;
        };
        let addr = addr.to_lowercase();
        let profile = &org.profile;
        if profile.is_org_domain(domain) {
            return;
        }
        let Some(vip) = profile.whose_name(name).iter().copied().find(|&w| {
            matches!(w, Who::Employee(_))
                && profile
                    .person(w)
                    .is_some_and(|p| p.vip && !p.addresses.contains(&addr))
        }) else {
            return;
        };
        let requests = asks(cx);
        if requests.is_empty() {
            return;
        }
        let mut f = Finding::new(
            "bec.executive_request",
            Severity::High,
            format!(
                "Mail under the name of {} from outside the organisation asks for {}",
                profile.describe(vip),
                describe(&requests)
            ),
        )
        .technique(t::IMPERSONATION)
        .technique(t::FINANCIAL_THEFT)
        .evidence(Evidence::header("From", from.display()).with_note(format!(
            "{domain} is not the organisation's; the profile lists {} for this person",
            profile
                .person(vip)
                .map(|p| p.addresses.join(", "))
                .unwrap_or_default()
        )));
        for a in requests.iter().take(3) {
            f = f.evidence(
                Evidence::new(a.source.clone(), a.phrase)
                    .with_note(format!("asks for {}", a.class.title)),
            );
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run_org};

    #[test]
    fn ceo_name_from_freemail_asks_for_wallet_move() {
        let raw = "From: \"박지우 대표\" <jiwoo.park.ceo@naver.com>\r\nTo: dohyun.lee@hanbit-x.com\r\nSubject: 긴급 요청\r\n\r\n회의 중이라 전화가 어렵습니다. 콜드월렛 자산을 아래 지갑 주소로 이동해 주세요.\r\n";
        let f = run_org(&Bec, raw, &[]);
        assert_eq!(ids(&f), ["bec.executive_request"]);
        assert!(f[0].title.contains("Park Jiwoo (CEO"), "{}", f[0].title);
        let raw = "From: Seoyeon Choi <cfo.office@hanbit-x-mail.com>\r\nSubject: Quick favor\r\n\r\nI need you to buy gift cards for a client today.\r\n";
        assert_eq!(ids(&run_org(&Bec, raw, &[])), ["bec.executive_request"]);
    }

    #[test]
    fn real_ceo_outsiders_and_harmless_mail_are_fine() {
        for raw in [
            "From: \"Park Jiwoo\" <jiwoo.park@hanbit-x.com>\r\n\r\nPlease process the wire transfer to Samil Tax today.\r\n",
            "From: \"Kim Minjun\" <kim.minjun@samil-tax.kr>\r\n\r\nPlease process the payment for the attached invoice by Friday.\r\n",
            "From: \"Park Jiwoo\" <jiwoo.park.ceo@naver.com>\r\n\r\nSee you at the conference next week.\r\n",
        ] {
            assert!(run_org(&Bec, raw, &[]).is_empty(), "{raw}");
        }
    }
}
