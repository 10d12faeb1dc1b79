//! `replyto.diverted`: From is a known sender (the organisation, a partner's domain, an authority, or
//! an address seen in history) and Reply-To goes to free-mail or an unrelated domain.

use super::{at, c, e, Cx};
use crate::compose::mb;
use crate::org::{
    AML, ASSISTANT, BUILDING, CCO, CEO, CFO, CISO, DAOL, FINANCE, HANEUL, HR, IDENZA, OPS,
    PEOPLEBRIDGE, RECRUITER, SAMIL, SAMIL_TEAM, SECENG, TIDEWATER, TREASURY,
};
use crate::Case;

const D: &str = "replyto.diverted";

pub(super) fn cases(cx: &mut Cx) -> Vec<Case> {
    let mut v = Vec::new();

    let mut d = cx.inbound(
        c(SAMIL, 0),
        vec![e(FINANCE)],
        "[삼일세무회계] 연말정산 간소화 자료 취합 안내",
        at(10, 9, 15, 20),
    );
    d.reply_to = Some(mb("김민준", "kimminjun.tax@gmail.com"));
    d.text = "장민서 팀장님,\n\n올해 연말정산은 임직원 간소화 자료를 저희가 직접 취합하려고 합니다.\n임직원 명단(주민등록번호 포함)을 회신으로 보내주시면 됩니다. 회신은 제 개인 메일로 설정해 두었습니다.\n\n김민준 드림\n".into();
    v.push(cx.case(
        "rto-a01-partner-address-reply-to-gmail",
        D,
        true,
        "ko",
        "From is Kim Minjun's real address (authentication passes: a compromised mailbox or a relay abuse), Reply-To a gmail address that is not his known personal one. Replies, with staff ID numbers, would leave to free-mail.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("국세청", "webmaster@nts.go.kr"),
        vec![e(FINANCE)],
        "[국세청] 가상자산 거래내역 제출 협조 요청",
        at(10, 15, 10, 10),
    );
    d.reply_to = Some(mb("국세청 조사국", "nts.datadesk@naver.com"));
    d.text = "한빛디지털거래소 귀중\n\n과세자료 수집을 위하여 2025년 고객별 가상자산 거래내역 제출에 협조하여 주시기 바랍니다.\n자료는 본 메일에 회신하여 제출하시기 바랍니다.\n\n국세청\n".into();
    v.push(cx.case(
        "rto-a02-authority-reply-to-naver",
        D,
        true,
        "ko",
        "From the tax authority's real address (as in history), Reply-To naver.com: an authority never asks for replies to free-mail.",
        &d,
    ));

    let mut d = cx.inbound(
        c(HANEUL, 0),
        vec![e(TREASURY)],
        "[하늘은행] 예치금 관리계좌 변경 확인서 회신 요청",
        at(10, 20, 14, 0),
    );
    d.reply_to = Some(mb("남경수", "kyungsoo.nam.rm@outlook.com"));
    d.text = "이도현 팀장님,\n\n관리계좌 전환 작업 관련 확인서에 날인하여 회신 부탁드립니다. 은행 메일 보안 정책 때문에 회신 주소가 외부로 지정되어 있으니 양해 바랍니다.\n\n남경수 부장\n".into();
    d.files.push(super::pdf_file(
        "관리계좌_변경_확인서.pdf",
        &["Account change confirmation"],
    ));
    v.push(cx.case(
        "rto-a03-bank-rm-reply-to-outlook",
        D,
        true,
        "ko",
        "The bank's relationship manager's exact address, Reply-To on outlook.com.",
        &d,
    ));

    let mut d = cx.internal(
        mb("박지우", "ceo@hanbit-x.com"),
        vec![e(CFO)],
        "오늘 오후 일정 건",
        at(10, 24, 13, 5),
    );
    d.reply_to = Some(mb("박지우", "jiwoo.park.ceo@proton.me"));
    d.text = "최 이사님,\n\n외부 미팅이 길어져서 회사 메일 확인이 어렵습니다. 답장은 이 주소로 주세요.\n말씀드릴 건이 있어서요.\n\n박지우\n".into();
    v.push(cx.case(
        "rto-a04-org-ceo-reply-to-protonmail",
        D,
        true,
        "ko",
        "Internal mail from the CEO's listed address (authenticated: the mailbox itself may be compromised), Reply-To a proton.me address. The reply, not the sender, is diverted.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Nimbus Cloud Billing", "billing@nimbuscloud.io"),
        vec![e(OPS)],
        "Past due: invoice NBC-2026-1002",
        at(10, 28, 2, 30),
    );
    d.tz = -420;
    d.reply_to = Some(mb("Nimbus AR Team", "ar@nimbus-billing-dept.com"));
    d.text = "Hello,\n\nOur records show invoice NBC-2026-1002 (USD 38,214.50) as past due. Please reply with the remittance advice so we can reconcile.\n\nNimbus Cloud Billing\n".into();
    v.push(cx.case(
        "rto-a05-partner-domain-reply-to-unrelated-domain",
        D,
        true,
        "en",
        "From an address on the cloud partner's domain (passing), Reply-To nimbus-billing-dept.com: a domain that is nobody's in the profile.",
        &d,
    ));

    let mut d = cx.inbound(
        c(TIDEWATER, 1),
        vec![e(TREASURY)],
        "November fee: please confirm remittance",
        at(11, 5, 15, 45),
    );
    d.tz = 480;
    d.reply_to = Some(mb("Priya Raman", "priya.raman@tidewater-settle.net"));
    d.text = "Hi Dohyun,\n\nCould you confirm the remittance date for the November fee? Please reply to our settlements desk address so the team can pick it up.\n\nThanks,\nPriya\n".into();
    v.push(cx.case(
        "rto-a06-tidewater-reply-to-lookalike-ish-unrelated",
        D,
        true,
        "en",
        "Priya Raman's real address; Reply-To on tidewater-settle.net, which is not one of Tidewater's domains (and may also count as a look-alike).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("강남타워 관리사무소", BUILDING),
        vec![e(OPS)],
        "[강남타워] 관리비 납부 계좌 변경 안내",
        at(11, 5, 10, 40),
    );
    d.reply_to = Some(mb("강남타워 관리사무소", "gangnamtower.billing@daum.net"));
    d.text = "한빛디지털거래소 담당자님 안녕하세요.\n강남타워 관리사무소입니다.\n\n11월부터 관리비 납부 계좌가 변경됩니다. 변경 계좌는 회신 주시면 안내드리겠습니다.\n\n강남타워 관리사무소\n".into();
    v.push(cx.case(
        "rto-a07-history-only-sender-reply-to-daum",
        D,
        true,
        "ko",
        "The building manager is in no profile table, but history knows the address (nine bills, two replies from operations). Reply-To daum.net.",
        &d,
    ));

    let mut d = cx.inbound(
        c(SAMIL, 1),
        vec![e(FINANCE)],
        "[삼일세무회계] 4분기 기장 수수료 계약 갱신",
        at(11, 12, 11, 20),
    );
    d.reply_to = Some(mb("삼일세무회계 법인세무팀", "samil.taxteam@hanmail.net"));
    d.text = "장민서 팀장님 안녕하세요.\n\n내년 기장 수수료 계약 갱신 건으로 연락드립니다. 첨부 계약서 검토 후 팀 메일로 회신 부탁드립니다.\n\n서예진 드림\n".into();
    d.files.push(super::pdf_file(
        "기장계약서_2027.pdf",
        &["Bookkeeping agreement 2027"],
    ));
    v.push(cx.case(
        "rto-a08-samil-reply-to-fake-team-mailbox",
        D,
        true,
        "ko",
        "Seo Yejin's real address; Reply-To carries the real team mailbox's display name but on hanmail.net instead of tax-team@samil-tax.kr.",
        &d,
    ));

    // Hard negatives.

    let mut d = cx.inbound(
        c(SAMIL, 1),
        vec![e(FINANCE)],
        "[삼일세무회계] 11월 원천세 신고 자료 요청",
        at(11, 2, 9, 35),
    );
    d.reply_to = Some(mb("삼일세무회계 법인세무팀", SAMIL_TEAM));
    d.text = "장민서 팀장님,\n\n11월분 원천세 신고 자료를 12월 5일까지 팀 메일로 보내주세요.\n\n서예진 드림\n".into();
    v.push(cx.case(
        "rto-b01-shared-mailbox-same-domain",
        D,
        false,
        "ko",
        "Reply-To the partner's shared mailbox on its own domain (as throughout the history).",
        &d,
    ));

    let mut d = cx.internal(
        e(CEO),
        vec![e(CFO), e(CCO)],
        "이사회 안건 자료 요청",
        at(10, 30, 8, 50),
    );
    d.reply_to = Some(mb("문하은", "haeun.moon@hanbit-x.co.kr"));
    d.cc.push(e(ASSISTANT));
    d.text = "최 이사님, 신 이사님,\n\n11월 이사회 안건 자료는 문하은 매니저에게 회신으로 보내주세요. 취합해서 정리하기로 했습니다.\n\n박지우\n".into();
    v.push(cx.case(
        "rto-b02-reply-to-org-alias-domain",
        D,
        false,
        "ko",
        "The CEO's mail with Reply-To his assistant on the organisation's alias domain hanbit-x.co.kr.",
        &d,
    ));

    let mut d = cx.inbound(
        c(DAOL, 0),
        vec![e(CCO)],
        "Engagement letter for the Singapore matter",
        at(11, 6, 17, 0),
    );
    d.reply_to = Some(mb("Wonseok Cho", "wonseok.cho@daol-law.com"));
    d.text = "Dear Hyunwoo,\n\nPlease find the engagement letter for the Singapore matter attached. Replies go to Wonseok, who leads the matter from our international office.\n\nBest regards,\nHyejin Jung\n".into();
    d.files.push(super::pdf_file(
        "Engagement_Letter_SG.pdf",
        &["Engagement letter"],
    ));
    v.push(cx.case(
        "rto-b03-reply-to-partner-second-domain",
        D,
        false,
        "en",
        "Reply-To on daol-law.com, the partner's other listed domain.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("김민준", "kim.minjun@samil-tax.kr"),
        vec![e(FINANCE)],
        "[가상자산세무연구회] 11월 정기모임 안내",
        at(11, 9, 19, 0),
    );
    d.via = crate::compose::Via::Inbound {
        host: "lists.vatax-forum.or.kr".into(),
        ip: "198.51.100.60".into(),
    };
    d.auth.clear();
    d.auth.push(crate::compose::ar(
        "fail",
        "lists.vatax-forum.or.kr",
        "pass",
        "samil-tax.kr",
        "pass",
        "samil-tax.kr",
    ));
    d.reply_to = Some(mb("가상자산세무연구회", "forum@lists.vatax-forum.or.kr"));
    d.extra.push((
        "List-Id".into(),
        "가상자산세무연구회 <forum.lists.vatax-forum.or.kr>".into(),
    ));
    d.extra.push((
        "List-Unsubscribe".into(),
        "<mailto:forum-leave@lists.vatax-forum.or.kr>".into(),
    ));
    d.text = "회원 여러분,\n\n11월 정기모임은 11월 20일(목) 저녁 7시입니다. 주제는 거래소의 과세자료 제출 실무입니다.\n\n간사 김민준 드림\n".into();
    v.push(cx.case(
        "rto-b04-mailing-list-reply-to-list",
        D,
        false,
        "ko",
        "A partner contact posting to a mailing list (List-Id): the list sets Reply-To to itself. Lists are exempt.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Nimbus Cloud", "updates@mail.nimbuscloud.io"),
        vec![e(CISO), e(SECENG)],
        "Nimbus Cloud product update: HSM firmware 4.2",
        at(11, 18, 2, 0),
    );
    d.tz = -420;
    d.reply_to = Some(mb("Nimbus Cloud Support", "support@nimbuscloud.io"));
    d.extra
        .push(("List-Id".into(), "<product-updates.nimbuscloud.io>".into()));
    d.text = "HSM firmware 4.2 is rolling out to managed HSM clusters this month. Questions? Reply to reach support.\n\nNimbus Cloud, Inc.\n".into();
    v.push(cx.case(
        "rto-b05-reply-to-partner-parent-domain",
        D,
        false,
        "en",
        "From a partner subdomain, Reply-To the partner's own registrable domain.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Seoul Blockchain Week", "events@seoul-blockchain-week.kr"),
        vec![e(CEO)],
        "Speaker invitation: Seoul Blockchain Week 2027",
        at(11, 21, 10, 0),
    );
    d.reply_to = Some(mb("SBW Speakers", "sbw.speakers@gmail.com"));
    d.text = "Dear Mr. Park,\n\nWe would be honoured to have you speak on exchange security at Seoul Blockchain Week 2027 (March 18-20). Our speaker team answers from the address in Reply-To.\n\nSeoul Blockchain Week\n".into();
    v.push(cx.case(
        "rto-b06-unknown-sender-reply-to-gmail",
        D,
        false,
        "en",
        "Reply-To gmail, but the sender is not known (no profile entry, never seen): nothing known is diverted. Other detectors may judge it.",
        &d,
    ));

    let mut d = cx.inbound(
        c(IDENZA, 0),
        vec![e(AML), e(CCO)],
        "[이덴자] 11월 본인확인 API 사용량 안내",
        at(11, 24, 11, 0),
    );
    d.reply_to = Some(mb("배소라", "sora.bae@idenza.com"));
    d.text = "임소영 매니저님,\n\n11월 본인확인 API 호출은 51,380건입니다. 청구서는 12월 초에 발행됩니다.\n\n배소라 드림\n".into();
    v.push(cx.case(
        "rto-b07-reply-to-same-address",
        D,
        false,
        "ko",
        "Reply-To equal to From.",
        &d,
    ));

    let mut d = cx.inbound(
        c(PEOPLEBRIDGE, 0),
        vec![e(RECRUITER), e(HR)],
        "[피플브릿지] 컴플라이언스 매니저 후보자 추천",
        at(11, 26, 16, 10),
    );
    d.reply_to = Some(mb("피플브릿지 채용팀", "recruit@peoplebridge.kr"));
    d.text = "강은지 매니저님 안녕하세요.\n\n컴플라이언스 매니저 후보자 1명 추천드립니다. 면접 일정은 채용팀 메일로 회신 주시면 조율하겠습니다.\n\n양혜리 드림\n".into();
    d.files
        .push(super::pdf_file("후보자_추천서.pdf", &["Candidate profile"]));
    v.push(cx.case(
        "rto-b08-reply-to-partner-team-address",
        D,
        false,
        "ko",
        "Reply-To another address on the partner's own domain (a team mailbox never seen before).",
        &d,
    ));

    v
}
