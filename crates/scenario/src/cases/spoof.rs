//! `spoof.known_address`: From is exactly an address on the organisation's, a partner's or an
//! authority's domain, and the trusted Authentication-Results (authserv-id mx1.hanbit-x.com) say
//! dmarc=fail, or spf=fail with DKIM not passing.

use super::{at, c, e, Cx};
use crate::compose::{ar, ar_by, mb, Via};
use crate::org::{
    ACCOUNTANT, AML, CCO, CFO, DAOL, FINANCE, HANEUL, OPS, SAEBIT, SAMIL, TIDEWATER, TREASURY,
};
use crate::Case;

const D: &str = "spoof.known_address";

/// Sets the trusted results of `d` to the given ones, from an outside host.
fn trusted(d: &mut crate::compose::Draft, header: String, host: &str, ip: &str) {
    d.auth.clear();
    d.auth.push(header);
    d.via = Via::Inbound {
        host: host.to_string(),
        ip: ip.to_string(),
    };
}

pub(super) fn cases(cx: &mut Cx) -> Vec<Case> {
    let mut v = Vec::new();

    let mut d = cx.inbound(
        c(SAMIL, 0),
        vec![e(FINANCE)],
        "[삼일세무회계] 3분기 부가세 환급금 수령 계좌 확인",
        at(10, 8, 13, 27),
    );
    trusted(
        &mut d,
        ar("fail", "samil-tax.kr", "none", "", "fail", "samil-tax.kr"),
        "vps-18832.cloudhost-eu.net",
        "198.51.100.203",
    );
    d.text = "장민서 팀장님,\n\n3분기 부가세 환급금 수령 계좌를 확인하려고 합니다. 첨부 양식에 법인 계좌와 인터넷뱅킹 담당자 연락처를 적어 회신 부탁드립니다.\n\n김민준 세무사\n".into();
    d.files.push(super::pdf_file(
        "환급계좌_확인서.pdf",
        &["Refund account form"],
    ));
    v.push(cx.case(
        "spf-a01-kim-minjun-exact-address-dmarc-fail",
        D,
        true,
        "ko",
        "Kim Minjun's exact profile address, sent from a VPS: trusted mx1 says spf=fail, dkim=none, dmarc=fail.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("박지우", "ceo@hanbit-x.com"),
        vec![e(CFO)],
        "급한 건 하나만 처리 부탁합니다",
        at(10, 13, 17, 51),
    );
    trusted(
        &mut d,
        ar(
            "softfail",
            "hanbit-x.com",
            "none",
            "",
            "fail",
            "hanbit-x.com",
        ),
        "mail.bulkrelay-asia.com",
        "203.0.113.201",
    );
    d.text = "최 이사님, 지금 회의 중이라 메일로 남깁니다.\n오늘 중으로 처리해야 할 지급 건이 있는데 자세한 내용은 회신 주시면 보내드릴게요.\n\n박지우\n".into();
    v.push(cx.case(
        "spf-a02-org-ceo-address-from-outside-dmarc-fail",
        D,
        true,
        "ko",
        "The organisation's own ceo@hanbit-x.com arriving from outside with dmarc=fail (spf softfail, no signature). Not bec.executive_request by its semantics (the address is the CEO's own); this is the spoof finding.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("홈택스", "noreply@hometax.go.kr"),
        vec![e(ACCOUNTANT)],
        "[홈택스] 전자세금계산서 발급 오류 정정 요청",
        at(10, 17, 9, 8),
    );
    trusted(
        &mut d,
        ar(
            "fail",
            "hometax.go.kr",
            "fail",
            "hometax.go.kr",
            "fail",
            "hometax.go.kr",
        ),
        "smtp.mass-sender.ru",
        "192.0.2.213",
    );
    d.text = "한빛디지털거래소 귀하\n\n10월 발급분 전자세금계산서 중 3건에 오류가 있습니다. 정정 발급을 위해 아래에서 공동인증서로 로그인하세요.\nhttps://hometax-correction.com/login\n\n본 메일은 발신전용입니다.\n".into();
    v.push(cx.case(
        "spf-a03-hometax-authority-dmarc-fail",
        D,
        true,
        "ko",
        "The authority's exact sending address (noreply@hometax.go.kr, also seen in history) with spf, dkim and dmarc all failing at mx1.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("금융감독원", "fssnotice@fss.or.kr"),
        vec![e(CCO)],
        "[금융감독원] 자금세탁방지 특별점검 대상 통보",
        at(10, 22, 11, 30),
    );
    trusted(
        &mut d,
        ar("fail", "fss.or.kr", "none", "", "fail", "fss.or.kr"),
        "relay.offshore-mailer.net",
        "198.51.100.77",
    );
    d.auth_lower.push(crate::compose::ar_by(
        "fss.or.kr",
        "pass",
        "fss.or.kr",
        "pass",
        "fss.or.kr",
        "pass",
        "fss.or.kr",
    ));
    d.text = "준법감시인 귀하\n\n귀사가 자금세탁방지 특별점검 대상으로 선정되었습니다. 첨부 통지서를 확인하고 3영업일 내 자료를 제출하십시오.\n\n금융감독원\n".into();
    d.files.push(super::pdf_file(
        "특별점검_통지서.pdf",
        &["Notice of special inspection"],
    ));
    v.push(cx.case(
        "spf-a04-fss-dmarc-fail-with-forged-pass-below",
        D,
        true,
        "ko",
        "The regulator's address; trusted mx1 says dmarc=fail. A second Authentication-Results claiming pass, with authserv-id fss.or.kr, was written by the sender and must be ignored.",
        &d,
    ));

    let mut d = cx.inbound(
        c(DAOL, 0),
        vec![e(CCO)],
        "[법무법인 다올] 자문료 청구 계좌 안내",
        at(10, 30, 16, 12),
    );
    trusted(
        &mut d,
        ar(
            "fail",
            "daol-law.co.kr",
            "none",
            "",
            "none",
            "daol-law.co.kr",
        ),
        "mail.cheap-smtp.io",
        "192.0.2.90",
    );
    d.text = "신현우 이사님,\n\n4분기 자문료 청구서를 보내드립니다. 법인 계좌가 정리되어 이번부터는 아래 계좌로 부탁드립니다.\n우리은행 1002-771-409331 (예금주: 정혜진)\n\n정혜진 변호사\n".into();
    v.push(cx.case(
        "spf-a05-daol-spf-fail-no-dkim-no-dmarc-result",
        D,
        true,
        "ko",
        "Daol Law's attorney's exact address; the trusted header has spf=fail, no DKIM signature, and dmarc=none (no DMARC verdict). spf=fail without a DKIM pass is enough.",
        &d,
    ));

    let mut d = cx.inbound(
        c(TIDEWATER, 1),
        vec![e(TREASURY)],
        "Invoice TW-2026-1102: payment details",
        at(11, 2, 13, 3),
    );
    d.tz = 480;
    trusted(
        &mut d,
        ar(
            "pass",
            "bounce.massmailer.net",
            "fail",
            "tidewater-lq.com",
            "fail",
            "tidewater-lq.com",
        ),
        "out.massmailer.net",
        "203.0.113.188",
    );
    d.text = "Hi Dohyun,\n\nPlease find invoice TW-2026-1102 below. Note that this month the fee should be paid by wire to our Hong Kong account (details in the invoice), not in USDT.\n\nThanks,\nPriya\n".into();
    v.push(cx.case(
        "spf-a06-tidewater-dkim-fail-dmarc-fail-spf-pass-unaligned",
        D,
        true,
        "en",
        "Priya Raman's exact address; SPF passes only for an unaligned bulk-mailer envelope domain, the Tidewater DKIM signature fails (body altered), so dmarc=fail.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("최서연", "seoyeon.choi@hanbit-x.co.kr"),
        vec![e(TREASURY)],
        "콜드월렛 출금 승인 요청 건",
        at(11, 6, 20, 40),
    );
    trusted(
        &mut d,
        ar(
            "fail",
            "hanbit-x.co.kr",
            "none",
            "",
            "fail",
            "hanbit-x.co.kr",
        ),
        "mx.freehost-mail.xyz",
        "198.51.100.250",
    );
    d.text = "이 팀장님, 내일 아침 콜드월렛 출금 건 승인 요청 올려두세요. 제가 모바일로 바로 승인하겠습니다.\n\n최서연\n".into();
    v.push(cx.case(
        "spf-a07-org-alias-domain-dmarc-fail",
        D,
        true,
        "ko",
        "An address on the organisation's alias domain hanbit-x.co.kr, arriving from outside with dmarc=fail.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Nimbus Cloud Billing", "billing@nimbuscloud.io"),
        vec![e(OPS)],
        "Final notice: payment method update required",
        at(11, 14, 4, 0),
    );
    d.tz = -420;
    trusted(
        &mut d,
        ar(
            "fail",
            "nimbuscloud.io",
            "none",
            "",
            "fail",
            "nimbuscloud.io",
        ),
        "smtp-7.sendbulk.top",
        "192.0.2.177",
    );
    d.text = "Your payment method failed. Update it within 24 hours to avoid suspension:\nhttps://nimbus-billing-center.com/update\n\nNimbus Cloud Billing\n".into();
    v.push(cx.case(
        "spf-a08-partner-domain-unseen-address-dmarc-fail",
        D,
        true,
        "en",
        "billing@nimbuscloud.io is not in the profile or history, but it is on a partner's domain: a known address in the sense of the detector. dmarc=fail.",
        &d,
    ));

    // Hard negatives.

    let mut d = cx.inbound(
        c(SAMIL, 0),
        vec![e(FINANCE)],
        "[삼일세무회계] 3분기 부가세 신고 완료",
        at(10, 27, 17, 10),
    );
    d.text =
        "장민서 팀장님,\n\n3분기 부가세 신고를 완료했습니다. 접수증 첨부드립니다.\n\n김민준 드림\n"
            .into();
    d.files.push(super::pdf_file(
        "부가세_접수증_2026Q3.pdf",
        &["Filing receipt"],
    ));
    v.push(cx.case(
        "spf-b01-kim-minjun-pass",
        D,
        false,
        "ko",
        "The same partner address with spf, dkim and dmarc passing at mx1.",
        &d,
    ));

    let mut d = cx.inbound(
        c(SAEBIT, 0),
        vec![e(FINANCE)],
        "[새빛회계법인] 기말 감사 일정 확정",
        at(11, 3, 10, 5),
    );
    d.auth_lower.push(ar_by(
        "mx.mailfilter-gw.com",
        "fail",
        "saebit-cpa.com",
        "pass",
        "saebit-cpa.com",
        "fail",
        "saebit-cpa.com",
    ));
    d.text = "장민서 팀장님,\n\n기말 감사 현장 일정은 1월 12일부터 2주간으로 확정되었습니다. 자세한 요청자료는 다음 주에 드리겠습니다.\n\n안재현 회계사\n".into();
    v.push(cx.case(
        "spf-b02-untrusted-fail-below-trusted-pass",
        D,
        false,
        "ko",
        "Trusted mx1 says pass. Below it, a filtering gateway's own Authentication-Results (authserv-id mx.mailfilter-gw.com, not trusted) says dmarc=fail: ignored.",
        &d,
    ));

    let mut d = cx.inbound(
        c(HANEUL, 0),
        vec![e(TREASURY)],
        "[하늘은행] 11월 한도 사용 현황",
        at(11, 5, 9, 40),
    );
    d.auth.clear();
    d.auth_lower.push(ar_by(
        "relay.mailgate-asia.net",
        "fail",
        "haneulbank.co.kr",
        "none",
        "",
        "fail",
        "haneulbank.co.kr",
    ));
    d.text = "이도현 팀장님,\n\n11월 일일 이체 한도 사용률은 평균 62%입니다. 월말 집중일에는 90%를 넘었으니 필요하시면 한도 조정을 말씀해 주세요.\n\n남경수 부장\n".into();
    v.push(cx.case(
        "spf-b03-only-untrusted-fail",
        D,
        false,
        "ko",
        "No trusted Authentication-Results at all (mx1 wrote none); the only one, from relay.mailgate-asia.net, says fail but is not trusted: nothing believable says fail.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Arcflow Analytics", "sales@arcflow.io"),
        vec![e(AML)],
        "On-chain analytics trial for your AML team",
        at(11, 12, 8, 55),
    );
    d.auth.clear();
    d.auth
        .push(ar("fail", "arcflow.io", "none", "", "fail", "arcflow.io"));
    d.text = "Hi Soyoung,\n\nArcflow traces funds across 40 chains and flags mixer exposure in real time. Would a 14-day trial for your AML team be useful?\n\nBest,\nArcflow sales\n".into();
    v.push(cx.case(
        "spf-b04-unknown-domain-dmarc-fail",
        D,
        false,
        "en",
        "dmarc=fail for a domain that is nobody's in the profile: not a known address (other detectors may weigh the failure).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("김민준", "kim.minjun@samil-tax.co"),
        vec![e(ACCOUNTANT)],
        "원천세 신고서 확인 요청",
        at(11, 13, 15, 50),
    );
    d.auth.clear();
    d.auth.push(ar(
        "fail",
        "samil-tax.co",
        "none",
        "",
        "fail",
        "samil-tax.co",
    ));
    d.text = "오성호 매니저님,\n\n10월 원천세 신고서 확인 부탁드립니다. 회신 주시면 바로 제출하겠습니다.\n\n김민준\n".into();
    v.push(cx.case(
        "spf-b05-lookalike-domain-failing-is-not-known",
        D,
        false,
        "ko",
        "samil-tax.co is a look-alike (lookalike.domain should fire), not a partner domain: its dmarc=fail does not make it a spoof of a known address.",
        &d,
    ));

    let mut d = cx.inbound(
        c(DAOL, 1),
        vec![e(CCO)],
        "[금융규제 실무포럼] 11월 세미나 자료",
        at(11, 18, 18, 30),
    );
    d.auth.clear();
    d.auth.push(ar(
        "fail",
        "lists.fintechlaw.or.kr",
        "pass",
        "daol-law.co.kr",
        "pass",
        "daol-law.co.kr",
    ));
    d.via = Via::Inbound {
        host: "lists.fintechlaw.or.kr".into(),
        ip: "198.51.100.140".into(),
    };
    d.extra.push((
        "List-Id".into(),
        "금융규제 실무포럼 <forum.lists.fintechlaw.or.kr>".into(),
    ));
    d.extra.push((
        "List-Post".into(),
        "<mailto:forum@lists.fintechlaw.or.kr>".into(),
    ));
    d.text = "포럼 회원 여러분,\n\n11월 세미나 발표 자료를 공유드립니다. 스테이블코인 규율 체계 비교가 주제입니다.\n\n조원석 변호사\n".into();
    v.push(cx.case(
        "spf-b06-mailing-list-spf-fail-dkim-pass",
        D,
        false,
        "ko",
        "A partner's message through a mailing list: SPF fails for the list's host, but Daol's DKIM signature survives and DMARC passes. spf=fail with dkim=pass is not a spoof.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("금융정보분석원", "admin@kofiu.go.kr"),
        vec![e(CCO), e(AML)],
        "[금융정보분석원] 4분기 보고책임자 교육 안내",
        at(11, 25, 10, 20),
    );
    d.text = "보고책임자 귀하\n\n4분기 보고책임자 교육이 12월 9일 열립니다. 참석자 명단을 12월 2일까지 회신해 주시기 바랍니다.\n\n금융정보분석원 제도운영과\n".into();
    v.push(cx.case(
        "spf-b07-authority-pass",
        D,
        false,
        "ko",
        "An authority from the profile's own protected list (kofiu.go.kr), everything passing.",
        &d,
    ));

    v
}
