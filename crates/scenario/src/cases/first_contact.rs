//! `contact.first_contact_risk`: the sender's address and its domain were never seen in history, and
//! the message carries risk: active attachment content, a credential link or form, a payment or
//! bank-detail change, a wallet/seed/OTP request, urgency.

use super::{at, e, file, Cx};
use crate::compose::mb;
use crate::files::{docm, lnk, xlsm, zip};
use crate::org::{ACCOUNTANT, AML, ASSISTANT, CCO, CISO, FINANCE, RECRUITER, SECENG, TREASURY};
use crate::Case;

const D: &str = "contact.first_contact_risk";

pub(super) fn cases(cx: &mut Cx) -> Vec<Case> {
    let mut v = Vec::new();

    let mut d = cx.inbound(
        mb("블록시큐 파트너스", "contact@blocksec-partners.kr"),
        vec![e(CISO)],
        "[보안진단] 한빛디지털거래소 외부 취약점 진단 결과 보고서",
        at(10, 6, 16, 40),
    );
    d.text = "송태양 이사님 안녕하세요.\n블록시큐 파트너스입니다.\n\n귀사 외부 서비스에 대한 무료 취약점 진단 결과를 보고서로 정리했습니다.\n보고서의 표와 그래프는 매크로로 생성되므로 열람 시 '콘텐츠 사용'을 눌러 주세요.\n\n감사합니다.\n".into();
    d.files.push(file(
        "외부_취약점_진단결과_보고서.docm",
        "application/vnd.ms-word.document.macroEnabled.12",
        docm("Vulnerability assessment report (inert test fixture)"),
    ));
    v.push(cx.case(
        "fcr-a01-docm-macro-report",
        D,
        true,
        "ko",
        "Address and domain never seen; a macro-enabled Word document (inert vbaProject part) with a lure to enable content.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("이승훈", "shlee@cointrade-otc.co.kr"),
        vec![e(TREASURY)],
        "OTC 대량매수 견적서 전달드립니다",
        at(10, 10, 11, 22),
    );
    d.text = "이도현 팀장님,\n\n코인트레이드 OTC 이승훈입니다. 지인 소개로 연락드립니다.\nUSDT 대량 매수 견적서를 압축해서 보내드립니다. 오늘 오후 3시까지만 유효한 가격입니다.\n\n이승훈 드림\n".into();
    d.files.push(file(
        "OTC_견적서_1010.zip",
        "application/zip",
        zip(&[("OTC_견적서_1010.pdf.lnk", &lnk())]),
    ));
    v.push(cx.case(
        "fcr-a02-zip-with-lnk-quote",
        D,
        true,
        "ko",
        "New sender and domain; an archive holding a shortcut named like a PDF (inert LNK header), with a same-day deadline.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Compliance Desk", "desk@aml-screening.net"),
        vec![e(AML)],
        "Sanctions screening hit: review case file",
        at(10, 14, 8, 5),
    );
    d.text = "Hello,\n\nOur screening service flagged a counterparty of your exchange against an updated sanctions list. Please review the attached case file before 12:00 KST today.\n\nCompliance Desk\n".into();
    d.files.push(file(
        "Case_88213.hta",
        "application/hta",
        b"<html><head><title>Case 88213</title></head><body><p>spearwatch test fixture: inert, no script.</p></body></html>\r\n".to_vec(),
    ));
    v.push(cx.case(
        "fcr-a03-hta-sanctions-case",
        D,
        true,
        "en",
        "New sender; an .hta attachment (an HTML application Windows runs; this one holds no script) and a deadline.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Account Security", "no-reply@secure-signin-portal.com"),
        vec![e(SECENG)],
        "Your SSO session has expired: sign in within 2 hours",
        at(10, 19, 6, 50),
    );
    d.html = Some("<html><body><p>Hi Nayeon,</p><p>Your single sign-on session for Hanbit Digital Exchange expired. Sign in within <b>2 hours</b> to keep access to email and the wallet console.</p><p><a href=\"https://secure-signin-portal.com/hanbit/login?u=nayeon.kwon\">Sign in</a></p></body></html>".into());
    d.text = "Your single sign-on session expired. Sign in within 2 hours:\nhttps://secure-signin-portal.com/hanbit/login?u=nayeon.kwon\n".into();
    v.push(cx.case(
        "fcr-a04-credential-link-urgent",
        D,
        true,
        "en",
        "New sender; a sign-in link for the organisation's SSO and a two-hour deadline.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("전자계약 서비스", "notice@econtract-sign.kr"),
        vec![e(ASSISTANT)],
        "[전자계약] 대표이사 서명 요청 문서가 도착했습니다",
        at(10, 27, 10, 5),
    );
    d.html = Some("<html><body><p>문하은 님,</p><p>대표이사 서명이 필요한 문서 1건이 도착했습니다. 본인 확인 후 열람하세요.</p><form action=\"https://econtract-sign.kr/auth/verify\" method=\"post\"><p>이메일 <input type=\"text\" name=\"email\" value=\"haeun.moon@hanbit-x.com\"></p><p>비밀번호 <input type=\"password\" name=\"pw\"></p><p><input type=\"submit\" value=\"문서 열람\"></p></form></body></html>".into());
    d.text =
        "대표이사 서명이 필요한 문서 1건이 도착했습니다. HTML 본문에서 본인 확인 후 열람하세요.\n"
            .into();
    v.push(cx.case(
        "fcr-a05-html-password-form",
        D,
        true,
        "ko",
        "New sender; a login form with a password field inside the HTML body, posting to the sender's site.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("코인브릿지 재무팀", "finance@coinbridge-otc.com"),
        vec![e(FINANCE)],
        "[중요] 당사 입금 계좌 변경 안내",
        at(11, 2, 9, 15),
    );
    d.text = "한빛디지털거래소 재무팀 귀중\n\n당사의 주거래 은행 변경으로 입금 계좌가 아래와 같이 변경되었습니다. 금일 지급 예정 건부터 변경 계좌로 입금 부탁드립니다.\n\n변경 계좌: 하나은행 391-910448-21107 (예금주: 코인브릿지(주))\n\n코인브릿지 재무팀\n".into();
    v.push(cx.case(
        "fcr-a06-bank-detail-change-today",
        D,
        true,
        "ko",
        "A supplier never seen before announcing a changed bank account and asking for payment today.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("VaultKeeper Custody Support", "support@vaultkeeper-care.io"),
        vec![e(TREASURY)],
        "Urgent: HSM re-sync required for your custody vault",
        at(11, 7, 23, 10),
    );
    d.tz = 0;
    d.text = "Dear customer,\n\nA firmware fault requires a re-sync of your custody vault's HSM within 12 hours. To complete it, reply with:\n1. the 24-word recovery phrase of the affected wallet\n2. the current 6-digit OTP from the approver's device\n\nFailure to re-sync may lock withdrawals.\n\nVaultKeeper Support\n".into();
    v.push(cx.case(
        "fcr-a07-seed-phrase-and-otp-request",
        D,
        true,
        "en",
        "New sender and domain asking for a recovery phrase and an OTP, with a deadline.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Accounts Payable", "ap@globex-trading.co"),
        vec![e(ACCOUNTANT)],
        "Overdue invoice 20261104: payment within 24h",
        at(11, 4, 15, 0),
    );
    d.tz = 60;
    d.text = "Hello,\n\nPlease find attached our overdue invoice 20261104. Payment is required within 24 hours to avoid late fees.\n\nAccounts Payable\n".into();
    d.files.push(file(
        "Invoice_20261104.js",
        "application/javascript",
        b"// spearwatch test fixture: inert, does nothing.\r\nvar invoice = \"20261104\";\r\n"
            .to_vec(),
    ));
    v.push(cx.case(
        "fcr-a08-js-invoice",
        D,
        true,
        "en",
        "New sender; a JavaScript file named as an invoice (Windows runs .js with WScript; this one only assigns a string).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("가상자산거래소 자율규제 협의회", "info@kvasp-council.org"),
        vec![e(CCO)],
        "[자율규제] 회원사 자율점검표 제출 요청 (11/14 마감)",
        at(11, 10, 14, 0),
    );
    d.text = "준법감시인님 안녕하세요.\n\n협의회 회원사 자율점검표를 첨부드립니다. 점검표의 자동 채점 기능은 매크로로 동작하므로 '편집 사용'과 '콘텐츠 사용'을 눌러 작성해 주세요.\n마감은 11월 14일입니다.\n".into();
    d.files.push(file(
        "자율점검표_2026.xlsm",
        "application/vnd.ms-excel.sheet.macroEnabled.12",
        xlsm("Self-assessment (inert test fixture)"),
    ));
    v.push(cx.case(
        "fcr-a09-xlsm-self-assessment",
        D,
        true,
        "ko",
        "A body that sounds official but was never seen; a macro-enabled workbook (inert vbaProject part) and a deadline.",
        &d,
    ));

    // Hard negatives.

    let mut d = cx.inbound(
        mb("Hana Lee", "hana.lee@coldvault.io"),
        vec![e(TREASURY)],
        "Introduction: Coldvault institutional custody",
        at(10, 8, 10, 30),
    );
    d.text = "Dear Dohyun,\n\nI lead partnerships at Coldvault, an institutional custodian licensed in Singapore. We work with several exchanges in the region and would be glad to introduce our services if useful.\n\nMore about us: https://coldvault.io\n\nBest regards,\nHana Lee\n".into();
    v.push(cx.case(
        "fcr-b01-vendor-introduction-no-risk",
        D,
        false,
        "en",
        "A first contact with nothing risky: an introduction and a home-page link.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("시큐어랩", "sales@securelab.co.kr"),
        vec![e(CISO)],
        "[시큐어랩] 가상자산사업자 보안관제 서비스 소개서",
        at(10, 16, 14, 15),
    );
    d.text = "송태양 이사님 안녕하세요.\n시큐어랩 영업팀입니다.\n\n가상자산사업자 전용 보안관제 서비스 소개서를 첨부드립니다. 필요하시면 편하실 때 연락 주세요.\n\n시큐어랩 드림\n".into();
    d.files.push(super::pdf_file(
        "SecureLab_회사소개서.pdf",
        &["SecureLab company profile"],
    ));
    v.push(cx.case(
        "fcr-b02-plain-pdf-brochure",
        D,
        false,
        "ko",
        "A first contact with a plain PDF brochure (no script, no links in it).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("박성민 연구위원", "sungmin.park@digitalasset-institute.kr"),
        vec![e(CCO)],
        "가상자산 이용자보호 연구 관련 면담 요청",
        at(10, 23, 9, 50),
    );
    d.text = "신현우 이사님께,\n\n디지털자산연구원 박성민입니다. 거래소의 이용자보호 실무에 관한 연구를 진행하고 있어 1시간 정도 면담을 요청드립니다.\n11월 중 편하신 일정을 알려주시면 찾아뵙겠습니다.\n\n박성민 드림\n".into();
    v.push(cx.case(
        "fcr-b03-meeting-request",
        D,
        false,
        "ko",
        "A first contact asking for a meeting; no attachment, no link, no money.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("한지훈", "jihoon.han@samil-tax.kr"),
        vec![e(FINANCE)],
        "[삼일세무회계] 10월 기장·자문 수수료 청구서 (담당자 변경 안내)",
        at(11, 3, 10, 0),
    );
    d.text = "장민서 팀장님 안녕하세요.\n삼일세무회계 한지훈입니다. 11월부터 서예진 매니저 업무를 이어받게 되었습니다.\n\n10월 청구서를 첨부드립니다. 입금은 기존 계좌로 해주시면 됩니다.\n\n한지훈 드림\n".into();
    d.files.push(super::pdf_file(
        "청구서_202610.pdf",
        &["Invoice 2026-10", "Same account as before"],
    ));
    v.push(cx.case(
        "fcr-b04-known-domain-new-employee-invoice",
        D,
        false,
        "ko",
        "A new person at a known partner (samil-tax.kr, seen all year) sends a PDF invoice to the usual account: the domain is not new.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("정다은 기자", "daeun.jung@coinnews24.kr"),
        vec![e(CCO)],
        "[코인뉴스24] 트래블룰 이행 관련 코멘트 요청",
        at(11, 12, 16, 45),
    );
    d.text = "안녕하세요, 코인뉴스24 정다은 기자입니다.\n\n트래블룰 시행 이후 해외 거래소로의 출금 처리 현황에 대해 짧은 코멘트를 부탁드리고 싶습니다. 내일 오전까지 가능하실지요?\n\n정다은 드림\n".into();
    v.push(cx.case(
        "fcr-b05-journalist-comment-request",
        D,
        false,
        "ko",
        "A journalist's first contact with a soft deadline but no risky content (no link, no attachment, no money or codes).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Korea Blockchain Week", "speakers@kbw-conference.com"),
        vec![e(CISO)],
        "Invitation: security track at KBW 2027",
        at(11, 17, 11, 0),
    );
    d.text = "Dear Taeyang,\n\nWe are curating the security track of Korea Blockchain Week 2027 and would love to have Hanbit on a panel about exchange incident response.\n\nProgramme: https://kbw-conference.com/2027/programme\n\nKind regards,\nKBW programme team\n".into();
    v.push(cx.case(
        "fcr-b06-conference-invitation-plain-link",
        D,
        false,
        "en",
        "A first contact with an ordinary link to a public programme page (not a sign-in).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("윤서준", "seojun.yoon@naver.com"),
        vec![e(RECRUITER)],
        "[지원] 보안엔지니어 포지션 지원서",
        at(11, 20, 22, 5),
    );
    d.text = "안녕하세요, 보안엔지니어 포지션에 지원하는 윤서준입니다.\n이력서와 경력기술서를 PDF로 첨부드립니다. 검토 부탁드립니다.\n\n윤서준 드림\n".into();
    d.files
        .push(super::pdf_file("윤서준_이력서.pdf", &["Resume"]));
    d.files.push(super::pdf_file(
        "윤서준_경력기술서.pdf",
        &["Career description"],
    ));
    v.push(cx.case(
        "fcr-b07-candidate-pdf-resume-freemail",
        D,
        false,
        "ko",
        "A job applicant on naver.com (never seen) with two PDF files: new, but nothing risky.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Daol Law International", "intl@daol-law.com"),
        vec![e(CCO)],
        "Daol Law international desk: contact details",
        at(11, 25, 17, 30),
    );
    d.text = "Dear Mr. Shin,\n\nFor cross-border matters our international desk can be reached at this address. Your usual contacts at Daol Law remain Hyejin Jung and Wonseok Cho.\n\nDaol Law International\n".into();
    v.push(cx.case(
        "fcr-b08-partner-listed-domain-unseen",
        D,
        false,
        "en",
        "daol-law.com never wrote in history, but the profile lists it for Daol Law; and the message carries no risk anyway.",
        &d,
    ));

    v
}
