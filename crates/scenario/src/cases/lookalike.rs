//! `lookalike.domain` (look-alikes of the organisation's, partners' and authorities' domains in From,
//! Reply-To, Return-Path or Sender) and `lookalike.link` (in link hosts of the body).

use super::{at, c, e, Cx};
use crate::compose::{ar_pass, mb};
use crate::files::ace;
use crate::org::{
    ACCOUNTANT, AML, CCO, CISO, DAOL, FINANCE, NIMBUS, OPS, OPS2, SAMIL, SAMIL_TEAM, SECENG,
    TIDEWATER, TREASURY, TREASURY2,
};
use crate::Case;

const DOM: &str = "lookalike.domain";
const LINK: &str = "lookalike.link";

pub(super) fn cases(cx: &mut Cx) -> Vec<Case> {
    let mut v = domain_cases(cx);
    v.extend(link_cases(cx));
    v
}

fn domain_cases(cx: &mut Cx) -> Vec<Case> {
    let mut v = Vec::new();

    let mut d = cx.inbound(
        mb("서예진", "yejin.seo@samiltax.kr"),
        vec![e(ACCOUNTANT)],
        "[삼일세무회계] 10월 기장·자문 수수료 청구서 (입금계좌 변경)",
        at(10, 7, 10, 3),
    );
    d.text = "오성호 매니저님 안녕하세요.\n삼일세무회계 서예진입니다.\n\n10월 기장·세무자문 수수료 청구서를 보내드립니다. 이번 달부터 거래 은행이 바뀌어 아래 계좌로 입금 부탁드립니다.\n\n신한은행 110-482-339105 (예금주: 삼일세무회계)\n금액: 3,960,000원(VAT 포함)\n\n감사합니다.\n서예진 매니저\n".into();
    d.files.push(super::pdf_file(
        "청구서_202610.pdf",
        &["Invoice 2026-10", "KRW 3,960,000"],
    ));
    v.push(cx.case(
        "lkd-a01-samiltax-kr-hyphen-dropped",
        DOM,
        true,
        "ko",
        "From samiltax.kr: Samil's samil-tax.kr with the hyphen dropped (a registrable domain of its own, passing its own SPF/DKIM). Asks for payment to a new account.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("삼일세무회계 법인세무팀", "tax-team@sarnil-tax.kr"),
        vec![e(FINANCE)],
        "[삼일세무회계] 법인세 중간예납 고지서 재발송",
        at(10, 13, 14, 48),
    );
    d.text = "장민서 팀장님,\n\n중간예납 고지서 금액 정정이 있어 재발송드립니다. 기존 고지서는 폐기해 주시고, 정정 고지서 기준으로 10월 16일까지 납부 부탁드립니다.\n정정 고지서는 회신 주시면 바로 보내드리겠습니다.\n\n삼일세무회계 법인세무팀\n".into();
    v.push(cx.case(
        "lkd-a02-sarnil-tax-rn-for-m",
        DOM,
        true,
        "ko",
        "From sarnil-tax.kr: \"rn\" in place of \"m\" in samil-tax.kr, using the partner's real team mailbox name.",
        &d,
    ));

    let mut d = cx.inbound(
        mb(
            "한빛디지털거래소 정보보호실",
            "security@hanbit-x-security.com",
        ),
        vec![e(TREASURY2)],
        "[정보보호실] 사내 계정 비밀번호 만료 안내",
        at(10, 16, 8, 32),
    );
    d.html = Some("<html><body><p>한유나 님,</p><p>사내 통합계정 비밀번호가 <b>오늘 18:00</b>에 만료됩니다. 만료 전에 아래 버튼으로 갱신해 주세요.</p><p><a href=\"https://hanbit-x-security.com/account/renew\">비밀번호 갱신</a></p><p>정보보호실</p></body></html>".into());
    d.text = "한유나 님,\n\n사내 통합계정 비밀번호가 오늘 18:00에 만료됩니다. 만료 전에 아래 주소에서 갱신해 주세요.\nhttps://hanbit-x-security.com/account/renew\n\n정보보호실\n".into();
    v.push(cx.case(
        "lkd-a03-hanbit-x-security-name-plus-word",
        DOM,
        true,
        "ko",
        "From hanbit-x-security.com: the organisation's own name plus a word, posing as the internal security team. (The link is on the same host: lookalike.link may fire too.)",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Priya Raman", "priya.raman@tidewater-lq.co"),
        vec![e(TREASURY)],
        "Updated settlement instructions (effective immediately)",
        at(10, 20, 15, 9),
    );
    d.tz = 480;
    d.text = "Hi Dohyun,\n\nFollowing our custody migration, settlements for invoices from October onward should go to the new address below. The old address will be decommissioned on Friday.\n\nERC20 USDT: 0x9F3c2b7A1e5D8f4C6a0B2e9D7c1F5a3E8b4D6c20\n\nPlease confirm by reply once updated on your side.\n\nKind regards,\nPriya Raman\nSettlements | Tidewater Liquidity\n".into();
    v.push(cx.case(
        "lkd-a04-tidewater-lq-co-suffix-swap",
        DOM,
        true,
        "en",
        "From tidewater-lq.co: the market maker's tidewater-lq.com under another suffix.",
        &d,
    ));

    let fake_daol = ace("dаol-law.co.kr"); // Cyrillic а (U+0430)
    let mut d = cx.inbound(
        mb("조원석 변호사", &format!("wonseok.cho@{fake_daol}")),
        vec![e(CCO)],
        "[법무법인 다올] 상장 심사 의견서 (최종)",
        at(10, 24, 17, 36),
    );
    d.text = "신현우 이사님,\n\n요청하신 신규 상장 토큰 증권성 검토 의견서 최종본입니다.\n보안 문서로 발송되어 회신 주시면 열람 비밀번호를 보내드리겠습니다.\n\n조원석 변호사\n법무법인 다올 | 금융규제팀\n".into();
    v.push(cx.case(
        "lkd-a05-daol-law-cyrillic-a-punycode",
        DOM,
        true,
        "ko",
        "From xn--...: daol-law.co.kr with Cyrillic а (U+0430) for the Latin a, written in ACE form as it travels in the header. Same UTS #39 skeleton as the partner's domain.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("하늘은행 기업금융센터", "notice@bizmail-kr.net"),
        vec![e(TREASURY)],
        "[하늘은행] 실명확인 입출금계정 갱신 서류 보완 요청",
        at(10, 28, 9, 50),
    );
    d.reply_to = Some(mb("남경수", "kyungsoo.nam@haneu1bank.co.kr"));
    d.text = "이도현 팀장님,\n\n실명확인 입출금계정 계약 갱신 심사 중 법인 인감증명서와 대표이사 신분증 사본이 누락되었습니다.\n회신으로 보내주시면 담당 부장이 바로 처리하겠습니다.\n\n하늘은행 기업금융센터\n".into();
    v.push(cx.case(
        "lkd-a06-haneulbank-reply-to-digit-one",
        DOM,
        true,
        "ko",
        "The look-alike is only in Reply-To: haneu1bank.co.kr (digit 1 for l) under the relationship manager's name. The From domain is an unrelated bulk sender.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("국세청 전자세금계산서", "etax@taxinvoice-center.com"),
        vec![e(ACCOUNTANT)],
        "[전자세금계산서] 미수신 세금계산서 1건 확인 요청",
        at(11, 3, 11, 11),
    );
    d.return_path = Some("bounce-77120@nts.go.kr.mail-relay.com".into());
    d.text = "귀사 앞으로 발행된 전자세금계산서 1건이 미수신 상태입니다.\n발행일: 2026-10-31 / 공급가액: 12,400,000원\n\n확인하지 않으면 매입세액 공제가 제한될 수 있습니다. 회신으로 사업자등록증 사본을 보내주세요.\n".into();
    v.push(cx.case(
        "lkd-a07-nts-embedded-in-return-path",
        DOM,
        true,
        "ko",
        "The authority's nts.go.kr embedded at the start of the Return-Path domain (nts.go.kr.mail-relay.com); From is another unrelated domain.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Nimbus Cloud Billing", "billing@cloud-invoices.net"),
        vec![e(OPS)],
        "Your Nimbus Cloud invoice NBC-2026-1107 is overdue",
        at(11, 8, 2, 14),
    );
    d.tz = -480;
    d.sender = Some(mb("", "billing@nimbuscl0ud.io"));
    d.text = "Hello,\n\nInvoice NBC-2026-1107 (USD 41,880.00) is 7 days overdue. To keep your Seoul region resources running, please remit to our updated bank account listed in the billing portal within 48 hours.\n\nNimbus Cloud Billing\n".into();
    v.push(cx.case(
        "lkd-a08-nimbuscloud-zero-for-o-in-sender",
        DOM,
        true,
        "en",
        "Sender: billing@nimbuscl0ud.io (zero for o) on mail whose From is an unrelated domain: the look-alike of the cloud partner sits in Sender.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("국세청", "refund@hometax.go.kr-refund.com"),
        vec![e(FINANCE)],
        "[국세청] 법인세 과오납 환급금 지급 안내",
        at(11, 16, 10, 30),
    );
    d.text = "한빛디지털거래소 귀하\n\n2025 사업연도 법인세 과오납금 27,380,000원이 환급 결정되었습니다.\n환급 계좌 확인을 위해 법인 명의 계좌 정보와 담당자 연락처를 회신해 주시기 바랍니다.\n\n국세청\n".into();
    v.push(cx.case(
        "lkd-a09-hometax-go-kr-glued-to-other-domain",
        DOM,
        true,
        "ko",
        "From hometax.go.kr-refund.com: the Hometax domain written as the start of a host under kr-refund.com (the label boundary moved by a hyphen).",
        &d,
    ));

    // Hard negatives.

    let mut d = cx.inbound(
        c(SAMIL, 1),
        vec![e(ACCOUNTANT)],
        "[삼일세무회계] 4분기 세무 일정 안내",
        at(10, 2, 10, 15),
    );
    d.reply_to = Some(mb("삼일세무회계 법인세무팀", SAMIL_TEAM));
    d.return_path = Some("bounce@mail.samil-tax.kr".into());
    d.text = "오성호 매니저님 안녕하세요.\n\n4분기 주요 세무 일정 정리해 드립니다.\n- 10월 27일: 3분기 부가세 확정신고\n- 11월 30일: 종합부동산세 (해당 없음)\n- 12월 10일: 원천세 신고\n\n문의는 팀 메일로 주시면 됩니다.\n\n서예진 드림\n".into();
    v.push(cx.case(
        "lkd-b01-samil-real-domain-team-reply-to",
        DOM,
        false,
        "ko",
        "Samil's real domain in From, Reply-To (team mailbox) and Return-Path (a subdomain).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Nimbus Cloud", "updates@mail.nimbuscloud.io"),
        vec![e(CISO), e(SECENG)],
        "Nimbus Cloud product update: confidential computing in Seoul",
        at(10, 21, 2, 0),
    );
    d.tz = -420;
    d.extra
        .push(("List-Id".into(), "<product-updates.nimbuscloud.io>".into()));
    d.return_path = Some("bounce-5512@mail.nimbuscloud.io".into());
    d.text = "Confidential computing instances are now available in the Seoul region.\n\nRelease notes: https://docs.nimbuscloud.io/release-notes/2026-10\n\nNimbus Cloud, Inc.\n".into();
    v.push(cx.case(
        "lkd-b02-nimbus-mail-subdomain",
        DOM,
        false,
        "en",
        "A subdomain of the partner's domain (mail.nimbuscloud.io) is the partner's own.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("조원석", "wonseok.cho@daol-law.com"),
        vec![e(CCO)],
        "해외 상장사 법률의견서 번역본",
        at(10, 29, 16, 40),
    );
    d.text = "신현우 이사님,\n\n해외 발행사 측에 보낼 법률의견서 영문 번역본을 국제팀 도메인으로 보내드립니다. 내용은 국문본과 같습니다.\n\n조원석 변호사\n".into();
    d.files.push(super::pdf_file(
        "Legal_Opinion_EN.pdf",
        &["Legal opinion (English)"],
    ));
    v.push(cx.case(
        "lkd-b03-daol-second-listed-domain",
        DOM,
        false,
        "ko",
        "daol-law.com looks like a suffix swap of daol-law.co.kr, but the profile lists it as Daol Law's second domain.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("삼일제약 복리후생팀", "welfare@samilpharm.co.kr"),
        vec![e(OPS2)],
        "임직원 단체 건강검진 제휴 제안",
        at(11, 5, 13, 20),
    );
    d.text = "안녕하세요, 삼일제약 복리후생팀입니다.\n\n강남 지역 기업 대상으로 임직원 단체 건강검진 제휴를 안내드리고 있습니다. 관심 있으시면 담당자 연락처를 알려주세요.\n\n감사합니다.\n".into();
    v.push(cx.case(
        "lkd-b04-samilpharm-unrelated-shares-word",
        DOM,
        false,
        "ko",
        "samilpharm.co.kr shares the word samil with samil-tax.kr but is another name, not an edit, hyphen, suffix or name-plus-word of it.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("홈택스", "noreply@hometax.go.kr"),
        vec![e(ACCOUNTANT)],
        "[홈택스] 전자신고 접수 완료 안내 (부가가치세)",
        at(10, 27, 15, 2),
    );
    d.text = "한빛디지털거래소 귀하\n\n부가가치세 전자신고가 정상 접수되었습니다.\n접수번호: 120-26-10-77318254\nhttps://www.hometax.go.kr/\n\n본 메일은 발신전용입니다.\n".into();
    v.push(cx.case(
        "lkd-b05-hometax-real-authority",
        DOM,
        false,
        "ko",
        "The authority's real domain.",
        &d,
    ));

    let mut d = cx.internal(
        mb("최서연", "seoyeon.choi@hanbit-x.co.kr"),
        vec![e(FINANCE)],
        "11월 자금 계획 검토",
        at(11, 11, 9, 12),
    );
    d.auth.clear();
    d.auth.push(ar_pass("hanbit-x.co.kr"));
    d.text = "장민서 팀장님,\n\n11월 자금 계획 초안 잘 봤습니다. 연말 상여 충당금만 반영해서 금요일까지 다시 공유해 주세요.\n(모바일이라 .co.kr 주소로 보내요.)\n\n최서연\n".into();
    v.push(cx.case(
        "lkd-b06-org-alias-domain",
        DOM,
        false,
        "ko",
        "The CFO from hanbit-x.co.kr, an alias domain of the organisation listed in the profile.",
        &d,
    ));

    let mut d = cx.inbound(
        c(TIDEWATER, 0),
        vec![e(TREASURY)],
        "October liquidity report",
        at(11, 3, 18, 0),
    );
    d.tz = 480;
    d.return_path = Some("bounces+4412-ab1@em1187.tidewater-lq.com".into());
    d.text = "Hi Dohyun,\n\nOctober report attached. Spreads on KRW pairs averaged 7.5 bps; no outages this month.\n\nBest,\nMarcus\n".into();
    d.files.push(super::pdf_file(
        "TW_Liquidity_Report_202610.pdf",
        &["Liquidity report 2026-10"],
    ));
    v.push(cx.case(
        "lkd-b07-tidewater-esp-return-path-subdomain",
        DOM,
        false,
        "en",
        "Return-Path on an email-service subdomain of the partner's own domain (em1187.tidewater-lq.com).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Orbitdesk", "hello@orbitdesk.co"),
        vec![e(OPS)],
        "Helpdesk software for exchanges: 30-day trial",
        at(11, 19, 10, 10),
    );
    d.text = "Hi Woojin,\n\nOrbitdesk is a helpdesk built for exchanges: ticket routing by asset, withdrawal-status macros, Korean and English templates. Happy to set up a trial.\n\nhttps://orbitdesk.co\n\nThe Orbitdesk team\n".into();
    v.push(cx.case(
        "lkd-b08-unrelated-vendor",
        DOM,
        false,
        "en",
        "An unrelated vendor whose domain resembles no protected domain.",
        &d,
    ));

    v
}

fn link_cases(cx: &mut Cx) -> Vec<Case> {
    let mut v = Vec::new();

    let mut d = cx.inbound(
        mb("삼일세무회계 문서함", "share@docs-share.com"),
        vec![e(FINANCE)],
        "[문서 공유] 3분기 부가세 신고 검토본",
        at(10, 9, 11, 0),
    );
    d.text = "장민서 님과 문서가 공유되었습니다.\n\n파일: 3분기_부가세_신고_검토본.pdf\n보기: https://samil-tax.kr.docs-share.com/view/2026Q3-VAT?u=minseo.jang\n\n이 링크는 7일 후 만료됩니다.\n".into();
    v.push(cx.case(
        "lkl-a01-samil-tax-embedded-subdomain",
        LINK,
        true,
        "ko",
        "Link host samil-tax.kr.docs-share.com: the partner's domain as subdomain labels of docs-share.com.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("국세청 환급안내", "notice@refund-alert.kr"),
        vec![e(ACCOUNTANT)],
        "[국세청] 부가가치세 환급금 조회 안내",
        at(10, 12, 9, 30),
    );
    d.html = Some("<html><body><p>한빛디지털거래소 담당자님,</p><p>3분기 부가가치세 환급금 <b>4,812,000원</b>이 발생하였습니다.</p><p><a href=\"https://www.hometax.go.kr.refund-check.com/refund?biz=2208817734\">홈택스에서 환급금 조회하기</a></p><p>국세청</p></body></html>".into());
    d.text = "3분기 부가가치세 환급금 4,812,000원이 발생하였습니다.\n홈택스에서 환급금 조회하기: https://www.hometax.go.kr.refund-check.com/refund?biz=2208817734\n".into();
    v.push(cx.case(
        "lkl-a02-hometax-embedded-refund-check",
        LINK,
        true,
        "ko",
        "Link host www.hometax.go.kr.refund-check.com: the Hometax domain embedded as subdomain labels.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("IT Helpdesk", "helpdesk@it-notify.net"),
        vec![e(SECENG)],
        "MFA re-enrolment required for SSO",
        at(10, 15, 7, 58),
    );
    d.html = Some("<html><body><p>Hi Nayeon,</p><p>Due to the identity provider upgrade, all staff must re-enrol MFA by end of day.</p><p><a href=\"https://sso.hanblt-x.com/mfa/enrol\">https://sso.hanbit-x.com/mfa/enrol</a></p><p>IT Helpdesk</p></body></html>".into());
    d.text = "Hi Nayeon,\n\nDue to the identity provider upgrade, all staff must re-enrol MFA by end of day:\nhttps://sso.hanblt-x.com/mfa/enrol\n\nIT Helpdesk\n".into();
    v.push(cx.case(
        "lkl-a03-hanblt-x-sso-l-for-i",
        LINK,
        true,
        "en",
        "Link host sso.hanblt-x.com (l for i in hanbit-x.com); the HTML anchor text shows the real host.",
        &d,
    ));

    let fake = ace("wallet.hаnbit-x.com"); // Cyrillic а
    let mut d = cx.inbound(
        mb("Wallet Ops Alert", "noreply@walletops-alert.com"),
        vec![e(TREASURY)],
        "[경고] 콜드월렛 서명 정책 변경 승인 대기",
        at(10, 18, 22, 14),
    );
    d.text = format!("이도현 팀장님,\n\n콜드월렛 서명 정책 변경 요청 1건이 승인 대기 중입니다. 30분 안에 승인하지 않으면 자동 반려됩니다.\n\n승인 화면: https://{fake}/admin/policy/approve?id=7781\n\n월렛 운영 알림\n");
    v.push(cx.case(
        "lkl-a04-hanbit-x-cyrillic-a-punycode",
        LINK,
        true,
        "ko",
        "Link host wallet.xn--...: hanbit-x.com with Cyrillic а (U+0430), in ACE form; same skeleton as the organisation's domain.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("국세청 알림", "alert@nts-notice.info"),
        vec![e(FINANCE)],
        "[국세청] 세무조사 사전통지서 전자송달",
        at(10, 26, 14, 5),
    );
    d.text = "한빛디지털거래소 대표자 귀하\n\n세무조사 사전통지서가 전자송달되었습니다. 아래에서 본인 인증 후 열람하시기 바랍니다.\n\nhttp://nts-go.kr/notice/2026/tax-audit\n\n국세청\n".into();
    v.push(cx.case(
        "lkl-a05-nts-go-kr-dots-to-hyphen",
        LINK,
        true,
        "ko",
        "Link host nts-go.kr: nts.go.kr with the dot turned into a hyphen (a registrable domain of its own under .kr).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Cloud Console", "no-reply@console-notify.com"),
        vec![e(CISO)],
        "Unusual sign-in to your Nimbus Cloud organisation",
        at(11, 1, 3, 44),
    );
    d.tz = -420;
    d.text = "We detected a sign-in to your Nimbus Cloud organisation from a new device (Lagos, NG).\n\nIf this wasn't you, review activity now:\nhttps://console.nimbuscloud-io.com/security/activity\n".into();
    v.push(cx.case(
        "lkl-a06-nimbuscloud-io-dot-to-hyphen",
        LINK,
        true,
        "en",
        "Link host console.nimbuscloud-io.com: the partner's nimbuscloud.io with the dot before the suffix turned into a hyphen under .com.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("금융감독원", "info@secure-notice.co"),
        vec![e(CCO)],
        "[금융감독원] 가상자산사업자 현장검사 사전자료 제출 요청",
        at(11, 6, 10, 25),
    );
    d.html = Some("<html><body><p>준법감시인 귀하</p><p>현장검사 사전자료를 11월 10일까지 제출하여 주시기 바랍니다.</p><p><a href=\"https://fss.or.kr.secure-notice.co/inspection/submit\">자료 제출 시스템 바로가기</a></p><p>금융감독원 가상자산검사국</p></body></html>".into());
    d.text = "준법감시인 귀하\n\n현장검사 사전자료를 11월 10일까지 제출하여 주시기 바랍니다.\n자료 제출: https://fss.or.kr.secure-notice.co/inspection/submit\n".into();
    v.push(cx.case(
        "lkl-a07-fss-embedded-secure-notice",
        LINK,
        true,
        "ko",
        "Link host fss.or.kr.secure-notice.co: the regulator's domain embedded in another.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Settlement Desk", "settlement@otc-ops.net"),
        vec![e(TREASURY), e(TREASURY2)],
        "Action needed: confirm November settlement window",
        at(11, 13, 12, 0),
    );
    d.tz = 480;
    d.html = Some("<html><body><p>Hello Hanbit treasury team,</p><p>Please confirm the November settlement window in the Tidewater client portal:</p><p><a href=\"https://portal.tidewater-lq.co/settlements/confirm\">https://portal.tidewater-lq.com/settlements/confirm</a></p><p>Settlement Desk</p></body></html>".into());
    d.text = "Please confirm the November settlement window in the client portal:\nhttps://portal.tidewater-lq.co/settlements/confirm\n".into();
    v.push(cx.case(
        "lkl-a08-tidewater-suffix-swap-behind-real-anchor",
        LINK,
        true,
        "en",
        "href host portal.tidewater-lq.co (suffix swap of tidewater-lq.com) behind anchor text that shows the real domain.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("법무법인 다올 전자서명", "no-reply@esign-box.kr"),
        vec![e(CCO)],
        "[전자서명 요청] 법률자문 계약서 갱신",
        at(11, 20, 9, 14),
    );
    d.text = "신현우 님, 법무법인 다올에서 전자서명을 요청했습니다.\n\n문서: 2027년 법률자문 계약서 갱신\n서명하기: https://sign.daol-lavv.co.kr/doc/ea81f2\n".into();
    v.push(cx.case(
        "lkl-a09-daol-law-vv-for-w",
        LINK,
        true,
        "ko",
        "Link host sign.daol-lavv.co.kr: \"vv\" in place of \"w\" in daol-law.co.kr.",
        &d,
    ));

    // Hard negatives.

    let mut d = cx.inbound(
        mb("국세청", "webmaster@nts.go.kr"),
        vec![e(FINANCE), e(ACCOUNTANT)],
        "[국세청] 2026년 2기 부가가치세 예정신고 안내",
        at(10, 5, 10, 0),
    );
    d.text = "2기 예정신고·납부 기한은 10월 27일입니다.\n홈택스(https://www.hometax.go.kr)에서 전자신고하실 수 있으며, 자세한 안내는 https://www.nts.go.kr/nts/cm/cntnts/cntntsView.do 에서 확인하세요.\n\n국세청 국세상담센터 126\n".into();
    v.push(cx.case(
        "lkl-b01-nts-hometax-real-links",
        LINK,
        false,
        "ko",
        "The authority's real hosts (www.hometax.go.kr, www.nts.go.kr).",
        &d,
    ));

    let mut d = cx.inbound(
        c(SAMIL, 0),
        vec![e(FINANCE)],
        "[삼일세무회계] 3분기 부가세 신고서 검토본 공유",
        at(10, 20, 15, 30),
    );
    d.text = "장민서 팀장님,\n\n3분기 부가세 신고서 검토본을 저희 문서함에 올렸습니다.\nhttps://docs.samil-tax.kr/share/2026Q3-VAT-hanbit\n\n확인 후 의견 주세요.\n김민준 드림\n".into();
    v.push(cx.case(
        "lkl-b02-samil-docs-subdomain",
        LINK,
        false,
        "ko",
        "docs.samil-tax.kr is a subdomain of the partner's domain.",
        &d,
    ));

    let mut d = cx.inbound(
        c(NIMBUS, 0),
        vec![e(OPS)],
        "Nimbus Cloud invoice NBC-2026-1031 for October 2026",
        at(11, 2, 9, 0),
    );
    d.tz = -420;
    d.text = "Hi Woojin,\n\nInvoice NBC-2026-1031 is available in the console: https://console.nimbuscloud.io/billing/invoices\nService status: https://status.nimbuscloud.io\n\nBest regards,\nEmily Carter\n".into();
    v.push(cx.case(
        "lkl-b03-nimbus-console-and-status",
        LINK,
        false,
        "en",
        "Links to subdomains of the partner's real domain.",
        &d,
    ));

    let mut d = cx.inbound(
        c(DAOL, 0),
        vec![e(CCO)],
        "[법무법인 다올] 뉴스레터 기고문 안내",
        at(11, 4, 11, 45),
    );
    d.text = "신현우 이사님,\n\n지난번 말씀드린 가상자산 규제 동향 기고문이 저희 영문 사이트에 게재되었습니다.\nhttps://www.daol-law.com/en/insights/virtual-asset-regulation-2026\n\n정혜진 드림\n".into();
    v.push(cx.case(
        "lkl-b04-daol-second-domain-link",
        LINK,
        false,
        "ko",
        "www.daol-law.com: the partner's second listed domain, not a suffix swap.",
        &d,
    ));

    let mut d = cx.inbound(
        c(TIDEWATER, 0),
        vec![e(TREASURY)],
        "Quarterly review call",
        at(11, 9, 16, 20),
    );
    d.tz = 480;
    d.text = "Hi Dohyun,\n\nFor Thursday's quarterly review:\nZoom: https://zoom.us/j/83120447791\nAgenda: https://www.notion.so/tidewater/Hanbit-Q4-review-3f2a9c\n\nBest,\nMarcus\n".into();
    v.push(cx.case(
        "lkl-b05-unrelated-vendor-links",
        LINK,
        false,
        "en",
        "Links to unrelated, real services (Zoom, Notion).",
        &d,
    ));

    let mut d = cx.internal(
        e(OPS2),
        vec![e(OPS)],
        "정기 점검 공지 문안 확인",
        at(11, 10, 10, 40),
    );
    d.text = "본부장님,\n\n11월 정기 점검 공지 문안입니다. 상태 페이지와 공지사항 링크 확인 부탁드립니다.\n- https://status.hanbitx.io/incidents/2026-11\n- https://www.hanbit-x.co.kr/notice/2026-11-maintenance\n\n백승민 드림\n".into();
    v.push(cx.case(
        "lkl-b06-org-alias-domain-links",
        LINK,
        false,
        "ko",
        "Links to the organisation's alias domains (hanbitx.io, hanbit-x.co.kr).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("한빛소프트 제휴팀", "partners@hanbitsoft.co.kr"),
        vec![e(OPS)],
        "게임 아이템 거래 제휴 문의",
        at(11, 17, 14, 0),
    );
    d.text = "안녕하세요, 한빛소프트 제휴팀입니다.\n\n당사 게임 내 재화의 원화 정산 제휴를 검토하고 있어 연락드립니다.\n회사 소개: https://www.hanbitsoft.co.kr/company\n\n감사합니다.\n".into();
    v.push(cx.case(
        "lkl-b07-hanbitsoft-shares-word",
        LINK,
        false,
        "ko",
        "hanbitsoft.co.kr shares the common word hanbit with hanbit-x.com but is another company's name: not within an edit, hyphen or suffix change of hanbit-x, nor hanbit-x plus a word.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("금융감독원", "fssnotice@fss.or.kr"),
        vec![e(CCO), e(AML)],
        "[금융감독원] 하반기 가상자산사업자 간담회 자료 안내",
        at(11, 24, 15, 0),
    );
    d.text = "준법감시인 귀하\n\n간담회 자료는 금융감독원 홈페이지(https://www.fss.or.kr/fss/bbs/B0000188/list.do)에 게시되었습니다.\n의심거래보고 관련 문의는 금융정보분석원(https://www.kofiu.go.kr)으로 하시기 바랍니다.\n".into();
    v.push(cx.case(
        "lkl-b08-fss-kofiu-real-links",
        LINK,
        false,
        "ko",
        "Real hosts of two authorities (fss.or.kr bundled, kofiu.go.kr from the profile).",
        &d,
    ));

    v
}
