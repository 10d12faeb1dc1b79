//! `bec.executive_request`: a VIP's display name (CEO or CFO, any variant) on an address that is not
//! theirs, asking for a transfer, a wallet move, an OTP/verification code, gift cards or a bank-detail
//! change.

use super::{at, c, e, Cx};
use crate::compose::{ar_pass, mb};
use crate::org::{
    ACCOUNTANT, ASSISTANT, CEO, CFO, FINANCE, HANEUL, HR, SAMIL, SECENG, TREASURY, TREASURY2,
};
use crate::Case;

const D: &str = "bec.executive_request";

pub(super) fn cases(cx: &mut Cx) -> Vec<Case> {
    let mut v = Vec::new();

    let mut d = cx.inbound(
        mb("박지우", "ceo.hanbit@gmail.com"),
        vec![e(CFO)],
        "급히 송금 부탁드립니다",
        at(10, 7, 16, 52),
    );
    d.text = "최 이사님,\n\n지금 투자사 미팅 중이라 전화를 못 받습니다. 오늘 중으로 아래 계좌로 2억 3천만 원 송금 부탁드립니다. 인수 건 계약금이라 대외비로 처리해 주세요.\n\n국민은행 473901-04-118852 (예금주: 에이치파트너스)\n\n박지우\n".into();
    v.push(cx.case(
        "bec-a01-ceo-hangul-gmail-transfer",
        D,
        true,
        "ko",
        "The CEO's Hangul name on gmail (he writes only from hanbit-x.com), asking the CFO for a confidential same-day transfer (송금).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Jiwoo Park", "jiwoo.park@hanbit-x-mail.com"),
        vec![e(TREASURY)],
        "Cold wallet move before market open",
        at(10, 12, 6, 40),
    );
    d.text = "Dohyun,\n\nWe need 120 BTC moved from cold storage to the address below before the market opens; it is for the OTC deal we discussed at the board. Please start the approval now, I will approve from my phone.\n\nbc1q8f3kz0v7m2d9xw4r6t5y1u0p3a7s2e9g6h4j5\n\nJiwoo\n".into();
    v.push(cx.case(
        "bec-a02-ceo-western-order-lookalike-cold-wallet",
        D,
        true,
        "en",
        "The CEO's Latin name in Western order on hanbit-x-mail.com (not his), asking for a cold-wallet move.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("최서연 이사", "seoyeon.choi.cfo@naver.com"),
        vec![e(FINANCE)],
        "거래처 입금 계좌 변경 처리",
        at(10, 17, 19, 20),
    );
    d.text = "장 팀장님,\n\nTidewater 측에서 정산 계좌를 바꿨다고 연락이 왔어요. 다음 지급부터는 아래 계좌로 등록해 주세요. 저는 출장 중이라 개인 메일로 보냅니다.\n\nDBS Bank Singapore 072-998431-5 (Tidewater Liquidity Pte. Ltd.)\n\n최서연\n".into();
    v.push(cx.case(
        "bec-a03-cfo-title-naver-bank-change",
        D,
        true,
        "ko",
        "The CFO's Hangul name with title on naver.com, ordering a supplier bank-detail change (계좌 변경).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Park Jiwoo (CEO)", "exec.office.pjw@proton.me"),
        vec![e(ASSISTANT)],
        "부탁 하나",
        at(10, 22, 14, 5),
    );
    d.text = "하은 씨,\n\n거래처 선물용으로 구글플레이 상품권 10만 원권 30장이 필요해요. 편의점에서 구매해서 뒷면 PIN 번호를 사진으로 찍어 이 메일로 보내주세요. 비용은 나중에 정산할게요.\n\n박지우\n".into();
    v.push(cx.case(
        "bec-a04-ceo-role-in-brackets-gift-cards",
        D,
        true,
        "ko",
        "\"Park Jiwoo (CEO)\" on proton.me asking the assistant for gift cards (상품권) and their PIN codes.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("J. W. Park", "jw.park@hanbitx-io.com"),
        vec![e(SECENG)],
        "Quick favour: verification code",
        at(10, 29, 21, 30),
    );
    d.text = "Nayeon,\n\nI'm locked out of the admin console while travelling. A verification code was just sent to the security team phone. Can you forward me the 6-digit code right away?\n\nThanks,\nJ. W. Park\n".into();
    v.push(cx.case(
        "bec-a05-ceo-initials-variant-otp",
        D,
        true,
        "en",
        "The CEO's initials variant listed in the profile (\"J. W. Park\") on hanbitx-io.com, asking for a verification code.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Seoyeon Choi, CFO", "s.choi.hbx@outlook.com"),
        vec![e(TREASURY2)],
        "Confidential: urgent wire today",
        at(11, 3, 10, 15),
    );
    d.text = "Yuna,\n\nI need you to process a wire of USD 480,000 today for a confidential acquisition. Please do not discuss it with anyone until the announcement. Beneficiary details follow once you confirm you are at your desk.\n\nSeoyeon Choi\nCFO\n".into();
    v.push(cx.case(
        "bec-a06-cfo-english-outlook-wire",
        D,
        true,
        "en",
        "The CFO's Latin name with \", CFO\" on outlook.com asking for an urgent, confidential wire.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("박지우 대표", "jiwoo.park@hanbit-x.co"),
        vec![e(TREASURY)],
        "핫월렛 지갑 이동 건",
        at(11, 9, 7, 55),
    );
    d.text = "이 팀장,\n\n오늘 오전 중으로 핫월렛에서 ETH 850개를 아래 외부 지갑으로 이동해 주세요. 파트너사 유동성 공급 건이고 이사회 승인은 제가 나중에 처리합니다.\n\n0x7aC2e19F4b3D8c6E0a5f1B9d2C7e4A8b3F6d0E15\n\n박지우\n".into();
    v.push(cx.case(
        "bec-a07-ceo-title-suffix-swap-wallet-move",
        D,
        true,
        "ko",
        "\"박지우 대표\" on hanbit-x.co (the organisation's name under another suffix, not an alias), asking for a hot-wallet move to an outside wallet (지갑 이동).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("최서연", "seoyeon.choi@hanbit-x.com.secure-mail.kr"),
        vec![e(ACCOUNTANT)],
        "기업뱅킹 인증번호 전달 부탁",
        at(11, 16, 18, 35),
    );
    d.text = "오성호 매니저님,\n\n기업뱅킹 로그인 중인데 인증번호가 팀 공용 휴대폰으로 갔어요. 지금 온 인증번호 6자리만 바로 보내주세요.\n\n최서연\n".into();
    v.push(cx.case(
        "bec-a08-cfo-org-domain-embedded-verification-code",
        D,
        true,
        "ko",
        "The CFO's name on seoyeon.choi@hanbit-x.com.secure-mail.kr: her real address embedded in another domain. Asks for a banking verification code (인증번호).",
        &d,
    ));

    // Hard negatives.

    let mut d = cx.internal(
        e(CEO),
        vec![e(CFO)],
        "11월 Tidewater 수수료 지급 승인",
        at(11, 2, 10, 30),
    );
    d.cc.push(e(TREASURY));
    d.text = "최 이사님,\n\nTidewater 11월 마켓메이킹 수수료 USD 52,300 송금을 승인합니다. 평소처럼 자금팀 2인 승인으로 처리해 주세요.\n\n박지우\n".into();
    v.push(cx.case(
        "bec-b01-real-ceo-transfer-approval",
        D,
        false,
        "ko",
        "The real CEO from his own listed address, trusted authentication passing, approving a transfer: a VIP asking for money from his own address is business as usual.",
        &d,
    ));

    let mut d = cx.internal(
        e(CFO),
        vec![e(TREASURY)],
        "분기말 콜드월렛 이동 일정",
        at(11, 20, 9, 0),
    );
    d.text = "이 팀장님,\n\n분기말 리밸런싱으로 11월 28일 오전에 핫월렛 보유분 일부를 콜드월렛으로 이동해 주세요. 정보보호실 입회와 2인 승인 절차는 평소대로입니다.\n\n최서연\n".into();
    v.push(cx.case(
        "bec-b02-real-cfo-cold-wallet-move",
        D,
        false,
        "ko",
        "The real CFO from her own address asking for a wallet move.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Tidewater Billing", "billing@tidewater-lq.com"),
        vec![e(TREASURY)],
        "Invoice TW-2026-1104",
        at(11, 4, 12, 10),
    );
    d.tz = 480;
    d.text = "Hello,\n\nPlease find invoice TW-2026-1104 for the October market making fee (USD 49,870.00). Settlement in USDT to the usual address.\n\nTidewater Billing\n".into();
    d.files.push(super::pdf_file(
        "TW_Invoice_TW-2026-1104.pdf",
        &["Invoice TW-2026-1104", "USD 49,870.00"],
    ));
    v.push(cx.case(
        "bec-b03-invoice-without-vip-name",
        D,
        false,
        "en",
        "A payment request with no VIP name anywhere in From.",
        &d,
    ));

    let mut d = cx.inbound(
        c(SAMIL, 0),
        vec![e(FINANCE)],
        "대표이사 가지급금 이체 내역 정리",
        at(11, 6, 14, 30),
    );
    d.text = "장민서 팀장님,\n\n박지우 대표님께서 요청하신 대로 올해 대표이사 가지급금 이체 내역을 정리했습니다. 연말 전에 상환 이체가 필요한 금액은 12,000,000원입니다.\n\n김민준 드림\n".into();
    v.push(cx.case(
        "bec-b04-partner-mentions-ceo-in-body",
        D,
        false,
        "ko",
        "A partner mentions the CEO and a transfer in the body; the From name is the partner's own.",
        &d,
    ));

    let mut d = cx.internal(
        mb("박지우", "ceo@hanbit-x.com"),
        vec![e(ASSISTANT)],
        "송년회 경품 준비",
        at(11, 23, 17, 40),
    );
    d.cc.push(e(HR));
    d.text = "하은 씨,\n\n송년회 경품으로 백화점 상품권 5만 원권 20장 준비 부탁해요. 인사팀과 예산 확인해서 법인카드로 구매하면 됩니다.\n\n박지우\n".into();
    v.push(cx.case(
        "bec-b05-real-ceo-second-address-gift-cards",
        D,
        false,
        "ko",
        "Gift cards requested by the real CEO from his second listed address (ceo@hanbit-x.com), authenticated.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Park Jisoo", "jisoo.park@peoplebridge.kr"),
        vec![e(HR)],
        "Placement fee transfer for November",
        at(11, 13, 11, 10),
    );
    d.text = "Dear Jiho,\n\nI have taken over billing from Hyeri. The placement fee for the November hire (KRW 14,500,000 excl. VAT) can be transferred to our usual account by November 30.\n\nBest regards,\nPark Jisoo\nPeoplebridge Search\n".into();
    v.push(cx.case(
        "bec-b06-similar-name-not-vip",
        D,
        false,
        "en",
        "\"Park Jisoo\" is one letter from the CEO's \"Park Jiwoo\" but a different name (exact name keys, no fuzzy match), writing from a partner's domain about a transfer.",
        &d,
    ));

    let mut d = cx.internal(
        mb("박지우", "jiwoo.park@hanbit-x.co.kr"),
        vec![e(CFO)],
        "해외 송금 한도 확인",
        at(11, 27, 8, 20),
    );
    d.auth.clear();
    d.auth.push(ar_pass("hanbit-x.co.kr"));
    d.text = "최 이사님,\n\n다음 주 싱가포르 법인 자본금 송금 건, 은행 해외송금 한도 안에서 가능한지 확인 부탁합니다.\n\n박지우\n".into();
    v.push(cx.case(
        "bec-b07-ceo-on-org-alias-domain",
        D,
        false,
        "ko",
        "The CEO on the organisation's alias domain (hanbit-x.co.kr), trusted pass: not one of his listed addresses, but on his organisation's domains, which is what \"his\" means for an employee.",
        &d,
    ));

    let mut d = cx.inbound(
        c(HANEUL, 0),
        vec![e(TREASURY)],
        "[하늘은행] 대량 이체 확인 요청",
        at(11, 30, 10, 0),
    );
    d.text = "이도현 팀장님,\n\n오늘 오전 예약된 대량 이체 3건(합계 1,250,000,000원)에 대해 기업뱅킹에서 최종 승인이 필요합니다. 확인 부탁드립니다.\n\n남경수 부장\n".into();
    v.push(cx.case(
        "bec-b08-bank-transfer-confirmation-no-vip",
        D,
        false,
        "ko",
        "The bank asks to confirm transfers: money words, but no VIP name.",
        &d,
    ));

    v
}
