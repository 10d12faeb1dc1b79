//! Benign mail of the same months (May-August 2026), with `campaign: None`. Chosen to sit close to the
//! campaigns on weak values without being part of them:
//!
//! - withholding receipts, genuinely: Samil Tax's receipts, HR's internal notice, the NTS's own
//!   notice from nts.go.kr (the wave-1 lure's topic);
//! - security notices, genuinely: Hanbit's real password-change notice from hanbit-x.com, Haneul
//!   Bank's security-token notice (the wave-3 and bankphish lure class);
//! - a recruiter, genuinely: Peoplebridge's candidate shortlist (the wave-2 lure class);
//! - bit.ly and docs.google.com in newsletters and an event invitation; gmail.com in a partner
//!   contact's personal mail (so Google's relay address too);
//! - an internal warning that names the attacker's domains, defanged, as text.

use super::{Route, Spec};
use crate::cases::{at, c, e};
use crate::compose::mb;
use crate::org::{
    ACCOUNTANT, AML, ASSISTANT, CCO, CEO, CFO, CISO, DAOL, FINANCE, HANEUL, HR, IDENZA,
    MINJUN_GMAIL, NIMBUS, OPS, OPS2, PARTNERS, PEOPLEBRIDGE, RECRUITER, SAMIL, SECENG, TIDEWATER,
    TREASURY, TREASURY2,
};

/// A partner's own server.
fn partner(p: usize) -> Route {
    Route::Direct {
        host: PARTNERS[p].host,
        ip: PARTNERS[p].ip,
    }
}

fn spec(
    from: (String, String),
    to: Vec<(String, String)>,
    subject: &str,
    at: i64,
    route: Route,
    text: &str,
) -> Spec {
    let mut s = Spec::new(None, 0, from, to, subject, at, route);
    s.text = text.to_string();
    s
}

fn newsletter(s: &mut Spec, list: &str) {
    s.extra.push(("List-Id".into(), format!("<{list}>")));
    s.extra.push(("Precedence".into(), "bulk".into()));
}

pub(super) fn specs() -> Vec<Spec> {
    let mut v = Vec::new();

    let mut s = spec(
        c(SAMIL, 0),
        vec![e(FINANCE)],
        "[삼일세무회계] 2025년 귀속 근로소득 원천징수영수증 전달",
        at(5, 4, 10, 20),
        partner(SAMIL),
        "장민서 팀장님, 안녕하세요.\n삼일세무회계 김민준입니다.\n\n연말정산 정정분을 반영한 2025년 귀속 근로소득 원천징수영수증을 첨부드립니다. 임직원분들께 배부 부탁드립니다.\n\n감사합니다.\n김민준 세무사\n",
    );
    s.pdf(
        "2025귀속_원천징수영수증_한빛디지털거래소.pdf",
        &["Withholding receipts 2025", "Hanbit Digital Exchange"],
    );
    v.push(s);

    v.push(spec(
        mb("국세청", "webmaster@nts.go.kr"),
        vec![e(ACCOUNTANT), e(FINANCE)],
        "[국세청] 5월은 종합소득세 신고·납부의 달입니다",
        at(5, 7, 10, 0),
        Route::Direct {
            host: "mail.nts.go.kr",
            ip: "203.0.113.20",
        },
        "2025년 귀속 종합소득세 신고·납부 기한은 6월 1일입니다.\n근로소득 원천징수영수증은 홈택스 https://www.hometax.go.kr 에서 직접 조회·출력하실 수 있습니다.\n국세청은 원천징수영수증을 메일 첨부파일로 보내지 않습니다.\n\n※ 본 메일은 발신전용입니다.\n국세청 국세상담센터 126\n",
    ));

    let mut s = spec(
        e(HR),
        vec![e(CEO), e(CFO), e(TREASURY), e(TREASURY2), e(ACCOUNTANT), e(OPS2), e(ASSISTANT), e(AML)],
        "[인사팀] 2025년 귀속 연말정산 원천징수영수증 발급 안내",
        at(5, 11, 14, 0),
        Route::Internal,
        "임직원 여러분, 인사팀 윤지호입니다.\n\n2025년 귀속 연말정산 정정분이 반영된 원천징수영수증은 그룹웨어 > 급여 > 증명서 발급 메뉴에서 직접 출력하실 수 있습니다.\n메일로는 영수증을 보내드리지 않으니, 영수증을 첨부했다는 외부 메일은 열지 말고 정보보호실로 신고해 주세요.\n\n인사팀 드림\n",
    );
    s.extra
        .push(("X-Mailer".into(), "Microsoft Outlook 16.0".into()));
    v.push(s);

    let mut s = spec(
        mb("Korea Blockchain Weekly", "newsletter@kbweekly.kr"),
        vec![e(OPS)],
        "Korea Blockchain Weekly #211: exchange licensing, stablecoin bill",
        at(5, 14, 7, 30),
        Route::Direct {
            host: "mta2.kbweekly.kr",
            ip: "192.0.2.33",
        },
        "This week in Korean crypto\n\n1. FSC publishes the second-phase virtual asset user protection rules\nhttps://bit.ly/kbw211-fsc\n\n2. Won stablecoin bill: what the draft says about reserves\nhttps://bit.ly/kbw211-krw\n\n3. Reader survey: tell us what to cover next\nhttps://docs.google.com/forms/d/e/1FAIpQLSc4kBw211SurveyQ9xTmN2vL7aRp3ZdW5yHk8JgF0oUiE6sC1/viewform\n\nYou receive this because you subscribed at kbweekly.kr.\n",
    );
    newsletter(&mut s, "weekly.kbweekly.kr");
    v.push(s);

    let mut s = spec(
        e(CISO),
        vec![e(SECENG)],
        "[보안공지] 국세청 사칭 원천징수영수증 메일 주의",
        at(5, 20, 17, 40),
        Route::Internal,
        "전 직원 공지 전에 먼저 공유드립니다.\n\n이번 주 국세청을 사칭해 원천징수영수증 압축파일을 보내는 메일이 재무·인사·운영팀에 들어왔습니다. 압축파일 안의 문서는 한글 문서처럼 보이지만 바로가기(.lnk) 파일입니다.\n발신 도메인 nts-go[.]kr, nts-gov[.]kr / 접속 주소 cdn-update.nts-docs[.]kr\n\n게이트웨이 차단 등록 부탁드리고, 열어본 사람이 있는지 EDR 로그 확인 바랍니다.\n\n송태양\n",
    );
    s.extra
        .push(("X-Mailer".into(), "Microsoft Outlook 16.0".into()));
    v.push(s);

    v.push(spec(
        mb("국세청", "webmaster@nts.go.kr"),
        vec![e(FINANCE), e(ACCOUNTANT)],
        "[국세청] 원천징수이행상황신고 기한 안내",
        at(6, 8, 10, 5),
        Route::Direct {
            host: "mail.nts.go.kr",
            ip: "203.0.113.20",
        },
        "반기별 납부 승인 사업자는 7월 10일까지 상반기 원천세를 신고해 주시기 바랍니다.\n홈택스(https://www.hometax.go.kr) 에서 전자신고하실 수 있습니다.\n\n※ 본 메일은 발신전용입니다.\n국세청 국세상담센터 126\n",
    ));

    let mut s = spec(
        mb("Korea Blockchain Weekly", "newsletter@kbweekly.kr"),
        vec![e(OPS), e(SECENG)],
        "Korea Blockchain Weekly #215: hot-wallet incidents, travel rule",
        at(6, 11, 7, 30),
        Route::Direct {
            host: "mta2.kbweekly.kr",
            ip: "192.0.2.33",
        },
        "This week in Korean crypto\n\n1. Lessons from this year's hot-wallet incidents\nhttps://bit.ly/kbw215-hot\n\n2. Travel rule: the new threshold explained\nhttps://bit.ly/kbw215-travel\n\n3. Slides from our compliance meetup\nhttps://docs.google.com/presentation/d/1kbw215MeetupSlides8vX2qLr5TnW9yHc3ZdJ0fPmA/view\n\nYou receive this because you subscribed at kbweekly.kr.\n",
    );
    newsletter(&mut s, "weekly.kbweekly.kr");
    v.push(s);

    let mut s = spec(
        mb("Nimbus Cloud Events", "events@mail.nimbuscloud.io"),
        vec![e(CISO), e(OPS)],
        "Nimbus Summit Seoul 2026 - registration open",
        at(6, 18, 9, 0),
        Route::Direct {
            host: "out-3.mta.nimbuscloud.io",
            ip: "198.51.100.23",
        },
        "Join us at Nimbus Summit Seoul on July 22 at COEX.\n\nRegister here (Google Form, 3 minutes):\nhttps://docs.google.com/forms/d/e/1FAIpQLSdNimbusSummitSeoul2026Reg4xP7qLw2V/viewform\n\nAgenda: https://nimbuscloud.io/events/summit-seoul-2026\n\nNimbus Cloud Korea\n",
    );
    s.tz = -420;
    newsletter(&mut s, "events.nimbuscloud.io");
    v.push(s);

    v.push(spec(
        c(PEOPLEBRIDGE, 0),
        vec![e(HR)],
        "[피플브릿지] 보안 엔지니어 포지션 후보자 추천 (3명)",
        at(6, 24, 15, 10),
        partner(PEOPLEBRIDGE),
        "윤지호 팀장님, 안녕하세요.\n피플브릿지 양혜리입니다.\n\n지난주 말씀하신 보안 엔지니어(클라우드 보안) 포지션 후보자 3명의 요약을 보내드립니다. 이력서 원본은 기존처럼 보안 공유함에 올려두었습니다.\n\n인터뷰 가능 일정 알려주시면 조율하겠습니다.\n\n양혜리 컨설턴트\n",
    ));

    let mut s = spec(
        c(TIDEWATER, 1),
        vec![e(TREASURY)],
        "Tidewater Liquidity - June 2026 fee invoice",
        at(7, 1, 11, 0),
        partner(TIDEWATER),
        "Hi Dohyun,\n\nPlease find attached our invoice for June 2026 market-making fees. Settlement instructions are unchanged.\n\nKind regards,\nPriya Raman\nSettlements | Tidewater Liquidity\n",
    );
    s.tz = 480;
    s.pdf(
        "Tidewater_Invoice_2026-06.pdf",
        &["Invoice June 2026", "USD 18,400.00"],
    );
    v.push(s);

    v.push(spec(
        c(HANEUL, 1),
        vec![e(TREASURY), e(TREASURY2)],
        "[하늘은행] 기업뱅킹 보안매체(OTP) 교체 안내",
        at(7, 8, 10, 30),
        partner(HANEUL),
        "이도현 팀장님, 한유나 매니저님 안녕하세요.\n하늘은행 기업금융센터 황지민입니다.\n\n기업뱅킹 OTP 유효기간이 8월 31일에 만료되어 교체 안내드립니다. 새 OTP는 다음 주 방문 시 전달드리며, 등록은 기업뱅킹 사이트 https://biz.haneulbank.co.kr 에서 로그인 후 진행하시면 됩니다.\n은행은 메일이나 문자로 비밀번호나 OTP 번호를 요청하지 않습니다.\n\n황지민 대리\n",
    ));

    let mut s = spec(
        mb("김민준", MINJUN_GMAIL),
        vec![e(ACCOUNTANT)],
        "주말에 확인 부탁드립니다",
        at(7, 11, 11, 20),
        Route::Gmail,
        "오성호 매니저님,\n주말에 죄송합니다. 월요일 원천세 신고 전에 6월 급여대장 최종본만 회사 메일로 다시 보내주시면 됩니다.\n\n김민준 드림\n",
    );
    s.extra.push(("X-Mailer".into(), "Gmail Mobile".into()));
    v.push(s);

    let mut s = spec(
        mb("Digital Asset Compliance Digest", "digest@dacompliance.org"),
        vec![e(CCO), e(AML)],
        "Compliance Digest - July 2026",
        at(7, 22, 8, 0),
        Route::Direct {
            host: "mailer.dacompliance.org",
            ip: "198.51.100.60",
        },
        "Compliance Digest, July 2026\n\n- FATF's targeted update on virtual assets: summary\nhttps://bit.ly/dacd-fatf-0726\n- Sanctions screening for DPRK-linked wallets: a checklist\nhttps://bit.ly/dacd-dprk-0726\n- Our template for a travel-rule policy (shared document)\nhttps://docs.google.com/document/d/1DACDtravelRuleTemplate2026vQ8xL3nP/view\n\nUnsubscribe: https://dacompliance.org/unsubscribe\n",
    );
    newsletter(&mut s, "digest.dacompliance.org");
    v.push(s);

    let mut s = spec(
        mb("정보보호실", "security@hanbit-x.com"),
        vec![e(TREASURY), e(TREASURY2), e(ASSISTANT), e(FINANCE), e(SECENG), e(OPS), e(OPS2)],
        "[정보보호실] 8월 정기 비밀번호 변경 안내",
        at(8, 3, 9, 0),
        Route::Internal,
        "임직원 여러분, 정보보호실입니다.\n\n분기별 정기 비밀번호 변경 기간입니다. 8월 14일까지 사내 포털에서 직접 변경해 주세요.\nhttps://sso.hanbit-x.com/password\n\n정보보호실은 메일로 계정 잠금을 알리거나 링크로 본인 확인을 요청하지 않습니다. 그런 메일은 열지 말고 신고해 주세요(내선 2417).\n\n정보보호실\n",
    );
    s.extra
        .push(("X-Mailer".into(), "Microsoft Outlook 16.0".into()));
    v.push(s);

    v.push(spec(
        c(DAOL, 0),
        vec![e(CCO)],
        "[법무법인 다올] 가상자산이용자보호법 시행령 개정안 요약",
        at(8, 5, 16, 20),
        partner(DAOL),
        "신현우 이사님,\n\n지난달 입법예고된 시행령 개정안의 주요 내용을 정리해 드립니다. 이용자 예치금 관리기관 요건과 이상거래 감시 보고 주기가 바뀌었습니다.\n다음 주 정기 미팅에서 상세히 말씀드리겠습니다.\n\n정혜진 변호사\n",
    ));

    let mut s = spec(
        c(IDENZA, 0),
        vec![e(AML)],
        "[Idenza] 7월 본인인증 API 사용량 청구서",
        at(8, 10, 10, 45),
        partner(IDENZA),
        "임소영 매니저님,\n\n7월 본인인증 API 사용량 청구서를 첨부드립니다. 지난달 대비 호출 건수가 12% 늘었습니다.\n\n배소라 드림\n",
    );
    s.pdf(
        "Idenza_Invoice_2026-07.pdf",
        &["Invoice July 2026", "KRW 7,260,000"],
    );
    v.push(s);

    let mut s = spec(
        c(NIMBUS, 0),
        vec![e(OPS), e(SECENG)],
        "Scheduled maintenance: ap-northeast-2 database tier, August 22",
        at(8, 19, 2, 0),
        partner(NIMBUS),
        "Hello Woojin, Nayeon,\n\nWe will perform scheduled maintenance on the managed database tier in ap-northeast-2 on August 22, 02:00-04:00 KST. Multi-AZ clusters fail over automatically; no action is required.\n\nStatus page: https://status.nimbuscloud.io\n\nEmily Carter\nNimbus Cloud\n",
    );
    s.tz = -420;
    v.push(s);

    let mut s = spec(
        e(RECRUITER),
        vec![e(HR)],
        "보안 엔지니어 2차 면접 일정",
        at(8, 24, 13, 30),
        Route::Internal,
        "팀장님,\n피플브릿지 추천 후보 두 분 2차 면접을 9월 1일 오후로 잡았습니다. 정보보호실 송태양 이사님 일정도 확인했습니다.\n\n강은지 드림\n",
    );
    s.extra
        .push(("X-Mailer".into(), "Microsoft Outlook 16.0".into()));
    v.push(s);

    v
}
