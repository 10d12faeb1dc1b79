//! Plain benign mail (`detector: "none"`): ordinary mail from known partners and authorities that no
//! organisation detector should flag.

use super::{at, c, e, Cx};
use crate::compose::mb;
use crate::history::Kind;
use crate::org::{
    Lang, ACCOUNTANT, AML, CCO, DAOL, FINANCE, HANEUL, HR, IDENZA, NIMBUS, OPS, OPS2, PEOPLEBRIDGE,
    RECRUITER, SAEBIT, SAMIL, SAMIL_TEAM, TIDEWATER, TREASURY2,
};
use crate::Case;

const D: &str = "none";

pub(super) fn cases(cx: &mut Cx) -> Vec<Case> {
    let mut v = Vec::new();

    let mut d = cx.inbound(
        c(SAMIL, 0),
        vec![e(FINANCE)],
        "[삼일세무회계] 2026년 10월 원천세 신고 자료 요청",
        at(10, 1, 10, 20),
    );
    d.text = "장민서 팀장님, 안녕하세요.\n삼일세무회계 김민준입니다.\n\n10월분 원천세 신고를 위해 급여대장과 사업소득 지급명세를 11월 5일까지 보내주시면 감사하겠습니다.\n\n감사합니다.\n김민준 세무사\n".into();
    v.push(cx.case(
        "pln-01-samil-monthly-request",
        D,
        false,
        "ko",
        "Samil's usual monthly request from the usual address.",
        &d,
    ));

    let mut d = cx.inbound(
        c(DAOL, 0),
        vec![e(CCO)],
        "[법무법인 다올] 개인정보 처리방침 개정안 검토 의견",
        at(10, 8, 15, 0),
    );
    d.text = "신현우 이사님,\n\n요청하신 개인정보 처리방침 개정안 검토 의견을 첨부드립니다. 국외 이전 항목만 보완하시면 됩니다.\n\n정혜진 변호사\n".into();
    d.files.push(super::pdf_file(
        "개인정보처리방침_검토의견.pdf",
        &["Privacy policy review"],
    ));
    v.push(cx.case(
        "pln-02-daol-opinion-pdf",
        D,
        false,
        "ko",
        "Daol Law's attorney with a PDF opinion.",
        &d,
    ));

    let mut d = cx.inbound(
        c(SAEBIT, 1),
        vec![e(FINANCE)],
        "[새빛회계법인] 2026년 4분기 검토 일정 안내",
        at(10, 13, 11, 10),
    );
    d.text = "장민서 팀장님,\n\n4분기 검토는 1월 19일부터 3일간 진행됩니다. 요청자료 목록은 12월 중 보내드리겠습니다.\n\n유서진 회계사\n".into();
    v.push(cx.case(
        "pln-03-saebit-schedule",
        D,
        false,
        "ko",
        "The auditor's schedule notice.",
        &d,
    ));

    let mut d = cx.inbound(
        c(HANEUL, 1),
        vec![e(TREASURY2)],
        "[하늘은행] 예치금 관리계좌 10월 잔액증명서",
        at(11, 2, 10, 40),
    );
    d.text = "한유나 매니저님,\n\n10월 말 기준 고객예치금 관리계좌 잔액증명서 발급해 드립니다.\n\n황지민 대리\n하늘은행 기업금융센터\n".into();
    d.files.push(super::pdf_file(
        "잔액증명서_202610.pdf",
        &["Balance certificate 2026-10"],
    ));
    v.push(cx.case(
        "pln-04-haneul-balance-certificate",
        D,
        false,
        "ko",
        "The bank's monthly balance certificate.",
        &d,
    ));

    let mut d = cx.inbound(
        c(NIMBUS, 0),
        vec![e(OPS)],
        "Nimbus Cloud invoice NBC-2026-4410 for October 2026",
        at(11, 3, 1, 30),
    );
    d.tz = -420;
    d.text = "Hi Woojin,\n\nPlease find attached invoice NBC-2026-4410 for October usage. The total is USD 17,204.11, payable by November 30 to the account on file.\n\nBest regards,\nEmily Carter\nAccount manager | Nimbus Cloud\n".into();
    d.files.push(super::pdf_file(
        "Nimbus_Invoice_NBC-2026-4410.pdf",
        &["Invoice NBC-2026-4410"],
    ));
    v.push(cx.case(
        "pln-05-nimbus-invoice",
        D,
        false,
        "en",
        "The cloud vendor's monthly invoice, account on file unchanged.",
        &d,
    ));

    let t = cx.thread(Kind::Partner(TIDEWATER), 1, 0).clone();
    let mut d = cx.inbound(c(TIDEWATER, 0), vec![e(t.employee)], "", at(10, 21, 17, 0));
    d.tz = 480;
    cx.reply(&mut d, &t, Lang::En, "Hi,\n\nFollowing up on this thread with the October numbers: average spread on KRW pairs 7.8 bps, depth within 2% above target every day.\n\nBest,\nMarcus\n");
    v.push(cx.case(
        "pln-06-tidewater-reply-in-thread",
        D,
        false,
        "en",
        "A participant's follow-up in a real Tidewater thread.",
        &d,
    ));

    let mut d = cx.inbound(
        c(IDENZA, 0),
        vec![e(AML)],
        "[이덴자] 10월 본인확인 API 사용량 및 청구 안내",
        at(11, 4, 14, 0),
    );
    d.cc.push(e(CCO));
    d.text = "임소영 매니저님,\n\n10월 본인확인 API 호출 건수는 50,122건이며 청구 금액은 6,516,000원입니다. 세금계산서는 별도로 발행됩니다.\n\n배소라 드림\n".into();
    v.push(cx.case(
        "pln-07-idenza-usage",
        D,
        false,
        "ko",
        "The KYC vendor's usage notice.",
        &d,
    ));

    let mut d = cx.inbound(
        c(PEOPLEBRIDGE, 1),
        vec![e(RECRUITER)],
        "[피플브릿지] AML 분석 인력 후보자 2차 리스트",
        at(11, 9, 10, 30),
    );
    d.cc.push(e(HR));
    d.text = "강은지 매니저님,\n\nAML 분석 인력 후보자 2차 리스트 보내드립니다. 3명 모두 이직 의사 확인했습니다.\n\n노준서 컨설턴트\n".into();
    d.files.push(super::pdf_file(
        "후보자_리스트_2차.pdf",
        &["Candidate list"],
    ));
    v.push(cx.case(
        "pln-08-peoplebridge-candidates",
        D,
        false,
        "ko",
        "The recruiter's colleague (also a profile contact) with a candidate list.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("국세청", "webmaster@nts.go.kr"),
        vec![e(FINANCE), e(ACCOUNTANT)],
        "[국세청] 2026년 귀속 연말정산 안내",
        at(11, 16, 10, 0),
    );
    d.text = "2026년 귀속 연말정산 간소화 서비스는 2027년 1월 15일부터 제공됩니다.\n자세한 내용은 https://www.nts.go.kr 에서 확인하세요.\n\n국세청 국세상담센터 126\n".into();
    v.push(cx.case(
        "pln-09-nts-notice",
        D,
        false,
        "ko",
        "An authority notice from its usual address.",
        &d,
    ));

    let t = cx.thread(Kind::Partner(SAMIL), 1, 1).clone();
    let mut d = cx.inbound(c(SAMIL, 1), vec![e(t.employee)], "", at(10, 19, 9, 50));
    d.reply_to = Some(mb("삼일세무회계 법인세무팀", SAMIL_TEAM));
    cx.reply(&mut d, &t, Lang::Ko, "안녕하세요,\n\n이 건 관련해서 누락된 카드 사용내역 1건 확인 부탁드립니다. 팀 메일로 회신 주시면 됩니다.\n\n서예진 드림\n");
    v.push(cx.case("pln-10-samil-reply-team-reply-to", D, false, "ko", "Seo Yejin replying in a real Samil thread with the team mailbox as Reply-To, as throughout the history.", &d));

    let mut d = cx.inbound(
        c(IDENZA, 1),
        vec![e(OPS2)],
        "Deprecation notice: v1 liveness endpoint",
        at(11, 18, 16, 0),
    );
    d.text = "Hi Seungmin,\n\nThe v1 liveness endpoint will be retired on March 31, 2027. The v2 endpoint is a drop-in replacement; migration notes: https://docs.idenza.com/liveness/v2-migration\n\nBest,\nLucas Moreau\nIntegrations | Idenza\n".into();
    v.push(cx.case(
        "pln-11-idenza-deprecation-en",
        D,
        false,
        "en",
        "The KYC vendor's engineer with a link to the vendor's own docs.",
        &d,
    ));

    v
}
