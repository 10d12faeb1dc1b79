//! `thread.hijack`: In-Reply-To/References name a Message-ID of the history, but the sender's domain
//! is no participant's in that thread and not the organisation's.

use super::{at, c, e, file, Cx};
use crate::compose::{ar_pass, mb};
use crate::files::{lnk, zip};
use crate::history::Kind;
use crate::org::{
    Lang, CISO, DAOL, HANEUL, MINJUN_GMAIL, NIMBUS, OPS, PEOPLEBRIDGE, SAEBIT, SAMIL, SAMIL_TEAM,
    SECENG, TIDEWATER, TREASURY,
};
use crate::Case;

const D: &str = "thread.hijack";

pub(super) fn cases(cx: &mut Cx) -> Vec<Case> {
    let mut v = Vec::new();

    let t = cx.thread(Kind::Partner(SAMIL), 3, 0).clone();
    let mut d = cx.inbound(
        mb("서예진", "yejin.seo@samil-tax-billing.com"),
        vec![e(t.employee)],
        "",
        at(10, 6, 14, 2),
    );
    cx.reply(&mut d, &t, Lang::Ko, "장민서 팀장님,\n\n지난번 청구서 건 관련해 다시 연락드립니다. 저희 거래 은행이 바뀌어, 아직 지급 전이시라면 아래 계좌로 입금 부탁드립니다.\n기업은행 017-118832-04-011 (예금주: 삼일세무회계)\n\n서예진 드림\n");
    v.push(cx.case(
        "thr-a01-samil-invoice-thread-new-account",
        D,
        true,
        "ko",
        "Answers the last message of a real Samil invoice thread (In-Reply-To and full References), under the contact's name, from samil-tax-billing.com: no participant of the thread wrote from it.",
        &d,
    ));

    let t = cx.thread(Kind::Partner(TIDEWATER), 0, 0).clone();
    let mut d = cx.inbound(
        mb("Priya Raman", "priya.raman.tw@gmail.com"),
        vec![e(TREASURY)],
        "",
        at(10, 11, 10, 48),
    );
    d.tz = 480;
    cx.reply(&mut d, &t, Lang::En, "Hi Dohyun,\n\nApologies for the follow-up on this one. Our previous wallet is under an internal audit, so could you please use the address below for this and any open invoices?\n\nTRC20 USDT: TJ4p9sKq2mN8vX1cR6wB3yF7hD0aL5eGzu\n\nThanks,\nPriya\n");
    v.push(cx.case(
        "thr-a02-tidewater-invoice-thread-gmail",
        D,
        true,
        "en",
        "Reply in a real Tidewater invoice thread from gmail.com; the thread's participants are tidewater-lq.com and hanbit-x.com only.",
        &d,
    ));

    let t = cx.thread(Kind::Partner(NIMBUS), 0, 1).clone();
    let mut d = cx.inbound(
        mb("Nimbus Cloud Accounts Receivable", "ar@invoice-portal.net"),
        vec![e(t.employee)],
        "",
        at(10, 16, 3, 12),
    );
    d.tz = -420;
    cx.reply(&mut d, &t, Lang::En, "Hello,\n\nThis is a courtesy reminder regarding the invoice below. Our remittance details have changed; the updated bank letter is attached. Please use the new account for this payment.\n\nAccounts Receivable\nNimbus Cloud\n");
    d.files.push(super::pdf_file(
        "Nimbus_Bank_Letter.pdf",
        &["Updated remittance details"],
    ));
    v.push(cx.case(
        "thr-a03-nimbus-invoice-thread-unrelated-domain",
        D,
        true,
        "en",
        "Reply to a real Nimbus invoice thread from invoice-portal.net, with a \"bank letter\".",
        &d,
    ));

    let t = cx.thread(Kind::Partner(DAOL), 1, 0).clone();
    let mut d = cx.inbound(
        mb("조원석", "wonseok.cho@daol-legal.kr"),
        vec![e(t.employee)],
        "",
        at(10, 23, 19, 5),
    );
    cx.reply(&mut d, &t, Lang::Ko, "신현우 이사님,\n\n말씀드린 검토 의견서 최종본을 보안 문서함에 올렸습니다. 회사 계정으로 로그인 후 확인 부탁드립니다.\nhttps://daol-legal.kr/share/opinion-final\n\n조원석 드림\n");
    v.push(cx.case(
        "thr-a04-daol-listing-thread-other-domain",
        D,
        true,
        "ko",
        "Reply to a real Daol Law thread from daol-legal.kr (not a domain the thread saw, not one of Daol's listed domains), with a login link.",
        &d,
    ));

    let t = cx.thread(Kind::Partner(HANEUL), 1, 0).clone();
    let mut d = cx.inbound(
        mb("황지민", "jimin.hwang@haneulbank-secure.com"),
        vec![e(t.employee)],
        "",
        at(10, 29, 11, 15),
    );
    cx.reply(&mut d, &t, Lang::Ko, "이도현 팀장님,\n\n한도 상향 건 최종 처리를 위해 본인 확인이 필요합니다. 지금 휴대폰으로 발송된 인증번호 6자리를 회신해 주시면 바로 적용하겠습니다.\n\n황지민 대리\n");
    v.push(cx.case(
        "thr-a05-haneul-limit-thread-otp",
        D,
        true,
        "ko",
        "Reply to the real transfer-limit thread with the bank from haneulbank-secure.com, asking for the verification code.",
        &d,
    ));

    let t = cx.thread(Kind::Partner(PEOPLEBRIDGE), 0, 0).clone();
    let mut d = cx.inbound(
        mb("양혜리", "hyeri@cv-box.net"),
        vec![e(t.employee)],
        "",
        at(11, 4, 16, 33),
    );
    cx.reply(&mut d, &t, Lang::Ko, "강은지 매니저님,\n\n후보자 포트폴리오를 추가로 전달드립니다. 압축 파일 안의 문서를 확인해 주세요.\n\n양혜리 드림\n");
    d.files.push(file(
        "후보자_포트폴리오.zip",
        "application/zip",
        zip(&[("후보자_포트폴리오.pdf.lnk", &lnk())]),
    ));
    v.push(cx.case(
        "thr-a06-peoplebridge-candidate-thread-lnk-zip",
        D,
        true,
        "ko",
        "Reply to a real recruitment thread from cv-box.net, with an archive holding a shortcut named like a PDF (inert LNK header).",
        &d,
    ));

    let t = cx.thread(Kind::Partner(SAEBIT), 1, 0).clone();
    let mut d = cx.inbound(
        mb("Yoo Seojin", "seojin.yoo.saebit@outlook.com"),
        vec![e(t.employee)],
        "",
        at(11, 10, 9, 20),
    );
    cx.reply(&mut d, &t, Lang::Ko, "최서연 이사님,\n\n지갑 소유 확인 절차 관련해 추가 요청드립니다. 서명 검증이 실패한 콜드월렛 1개는 복구 구문(시드) 백업본으로 확인해야 합니다. 사진으로 찍어 회신 부탁드립니다.\n\n유서진 회계사\n");
    d.in_reply_to = None;
    v.push(cx.case(
        "thr-a07-saebit-wallet-thread-references-only",
        D,
        true,
        "ko",
        "References name the real audit thread but there is no In-Reply-To (some clients write only References); outlook.com is no participant's domain. Asks for a seed phrase.",
        &d,
    ));

    let t = cx.thread(Kind::Internal, 5, 0).clone();
    let mut d = cx.inbound(
        mb("백승민", "seungmin.baek@hanbitx-mail.com"),
        vec![e(OPS)],
        "",
        at(11, 21, 8, 10),
    );
    cx.reply(&mut d, &t, Lang::Ko, "본부장님,\n\n지난주 리포트 관련 자료를 공유 드라이브 대신 아래 링크로 올렸습니다. 사내 계정으로 로그인해서 확인 부탁드립니다.\nhttps://hanbitx-mail.com/drive/weekly-report\n\n백승민 드림\n");
    v.push(cx.case(
        "thr-a08-internal-thread-outside-domain",
        D,
        true,
        "ko",
        "Reply to a real internal thread (only hanbit-x.com addresses took part) from hanbitx-mail.com: not the organisation's domain nor any participant's.",
        &d,
    ));

    // Hard negatives.

    let t = cx.thread(Kind::Partner(SAMIL), 0, 1).clone();
    let mut d = cx.inbound(c(SAMIL, 0), vec![e(t.employee)], "", at(10, 7, 10, 30));
    cx.reply(&mut d, &t, Lang::Ko, "장민서 팀장님,\n\n한 가지 추가로 말씀드리면, 다음 달부터 프리랜서 지급분은 간이지급명세서도 매달 제출해야 합니다. 양식은 같습니다.\n\n김민준 드림\n");
    v.push(cx.case(
        "thr-b01-real-participant-reply",
        D,
        false,
        "ko",
        "A real reply by the partner contact who took part in the thread, from the same address.",
        &d,
    ));

    let t = cx.thread(Kind::Partner(NIMBUS), 1, 0).clone();
    let mut d = cx.internal(e(SECENG), vec![c(NIMBUS, 0)], "", at(10, 14, 13, 45));
    d.cc = vec![e(OPS), e(CISO)];
    cx.reply(&mut d, &t, Lang::En, "Hi Emily,\n\nJumping in from the security side: for the reserved capacity, please make sure the new instances are in the same private network as our wallet signers. Jaewon has the subnet list.\n\nThanks,\nNayeon Kwon\n");
    v.push(cx.case(
        "thr-b02-colleague-from-org-joins",
        D,
        false,
        "en",
        "A colleague from the organisation (hanbit-x.com) joins a partner thread she had not written in: the organisation's domain is never a hijack.",
        &d,
    ));

    let t = cx.thread(Kind::Partner(TIDEWATER), 0, 1).clone();
    let mut d = cx.inbound(
        mb("Daniel Lim", "daniel.lim@tidewater-lq.com"),
        vec![e(t.employee)],
        "",
        at(10, 19, 15, 0),
    );
    d.tz = 480;
    d.cc.push(c(TIDEWATER, 1));
    cx.reply(&mut d, &t, Lang::En, "Hi Dohyun,\n\nI'm covering settlements while Priya is on leave this week. Confirming we received the payment for this invoice, thank you. Nothing changes on our side.\n\nBest regards,\nDaniel Lim\nSettlements | Tidewater Liquidity\n");
    v.push(cx.case(
        "thr-b03-new-person-participant-domain",
        D,
        false,
        "en",
        "Someone new at the partner (never in history) replies from the partner's domain, which took part in the thread.",
        &d,
    ));

    let t = cx.thread(Kind::Partner(HANEUL), 0, 0).clone();
    let mut d = cx.internal(
        mb("이도현", "dohyun.lee@hanbitx.io"),
        vec![c(HANEUL, 1)],
        "",
        at(10, 25, 18, 20),
    );
    d.auth.clear();
    d.auth.push(ar_pass("hanbitx.io"));
    cx.reply(&mut d, &t, Lang::Ko, "황지민 대리님,\n\n다음 달 잔액증명서도 같은 양식으로 부탁드립니다. (외부라 모바일 주소로 보냅니다.)\n\n이도현 드림\n");
    v.push(cx.case(
        "thr-b04-org-alias-domain-reply",
        D,
        false,
        "ko",
        "An employee replies from the organisation's alias domain hanbitx.io: the organisation's own.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("서민아", "mina.seo@brightpath-analytics.com"),
        vec![e(TREASURY)],
        "Re: 데모 일정 문의",
        at(11, 3, 14, 10),
    );
    d.in_reply_to = Some("a81f3c2e9d.20261028@brightpath-analytics.com".into());
    d.references = vec!["a81f3c2e9d.20261028@brightpath-analytics.com".into()];
    d.text = "이도현 팀장님,\n\n지난주 문의하신 자금 관리 대시보드 데모는 11월 12일 오후 2시에 가능합니다. 편하신지 알려주세요.\n\n서민아 드림\nBrightPath Analytics\n".into();
    v.push(cx.case(
        "thr-b05-reply-to-unknown-message-id",
        D,
        false,
        "ko",
        "In-Reply-To names a Message-ID that is not in the history (the thread began outside what was learned): no known thread, no hijack.",
        &d,
    ));

    let t = cx.thread(Kind::Partner(DAOL), 0, 0).clone();
    let mut d = cx.inbound(
        mb("정혜진", "hyejin.jung@daol-law.com"),
        vec![e(t.employee)],
        "",
        at(11, 11, 11, 5),
    );
    cx.reply(&mut d, &t, Lang::Ko, "신현우 이사님,\n\n접수번호 공유드립니다: 2026-FIU-118273. 해외 출장 중이라 국제팀 주소로 회신드립니다.\n\n정혜진 드림\n");
    v.push(cx.case(
        "thr-b06-partner-second-domain-reply",
        D,
        false,
        "ko",
        "Daol Law's attorney replies from daol-law.com: the thread only saw daol-law.co.kr, but both are the same partner's listed domains, and the partner is a participant.",
        &d,
    ));

    let t = cx.gmail_thread().clone();
    let mut d = cx.inbound(
        mb("Kim Minjun", MINJUN_GMAIL),
        vec![e(t.employee)],
        "",
        at(11, 14, 20, 15),
    );
    d.cc.push(c(SAMIL, 0));
    cx.reply(&mut d, &t, Lang::Ko, "안녕하세요,\n\n늦은 시간 죄송합니다. 이 건은 내일 오전에 사무실에서 마무리해서 회신드리겠습니다.\n\n김민준 드림\n");
    v.push(cx.case(
        "thr-b07-known-gmail-in-its-own-thread",
        D,
        false,
        "ko",
        "Kim Minjun's personal gmail replies in a thread in which that very address already wrote (history).",
        &d,
    ));

    let t = cx.thread(Kind::Partner(SAMIL), 1, 0).clone();
    let mut d = cx.inbound(
        mb("삼일세무회계 법인세무팀", SAMIL_TEAM),
        vec![e(t.employee)],
        "",
        at(11, 19, 10, 0),
    );
    cx.reply(&mut d, &t, Lang::Ko, "오성호 매니저님,\n\n요청하신 신고서 사본을 팀 메일로 보내드립니다.\n\n삼일세무회계 법인세무팀\n");
    d.files.push(super::pdf_file(
        "부가세_신고서_사본.pdf",
        &["VAT return copy"],
    ));
    v.push(cx.case(
        "thr-b08-partner-shared-mailbox-reply",
        D,
        false,
        "ko",
        "The partner's shared mailbox (tax-team@samil-tax.kr, the thread's Reply-To) answers: same domain as the participants.",
        &d,
    ));

    v
}
