//! `contact.impersonation`: a known person's name (employee or partner contact, any variant, order,
//! title or company suffix) on an address the person never used, outside their organisation's
//! domains.

use super::{at, c, e, file, pdf_file, Cx};
use crate::compose::mb;
use crate::files::zip;
use crate::org::{
    ACCOUNTANT, CCO, CISO, FINANCE, HR, MINJUN_GMAIL, RECRUITER, SAMIL, TIDEWATER, TREASURY,
    TREASURY2,
};
use crate::Case;

const D: &str = "contact.impersonation";

pub(super) fn cases(cx: &mut Cx) -> Vec<Case> {
    let mut v = Vec::new();

    let mut d = cx.inbound(
        mb("김민준 세무사", "kimminjun.samiltax@gmail.com"),
        vec![e(FINANCE)],
        "[삼일세무회계] 10월 원천세 납부 관련 안내",
        at(10, 6, 9, 41),
    );
    d.text = "장민서 팀장님, 안녕하세요.\n삼일세무회계 김민준입니다.\n\n사무실 메일 서버 점검 중이라 이 주소로 연락드립니다.\n이번 달 원천세는 저희가 대리 납부하는 방식으로 바뀌어, 아래 가상계좌로 오늘 중 입금 부탁드립니다.\n\n입금 계좌: 국민은행 829401-01-552190 (예금주: 삼일택스서비스)\n금액: 18,420,000원\n\n처리 후 회신 주시면 납부 영수증 보내드리겠습니다.\n\n김민준 세무사 드림\n".into();
    v.push(cx.case(
        "imp-a01-kim-minjun-other-gmail",
        D,
        true,
        "ko",
        "Kim Minjun (Samil Tax) by his Hangul name and title on a gmail address he never used. His real personal gmail (minjun.kim.cpa@gmail.com) is in history; this one is not, and gmail.com is not Samil's domain.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Minjun Kim (Samil Tax)", "minjun.kim@docuvault-mail.com"),
        vec![e(ACCOUNTANT)],
        "3분기 부가세 신고서 사본 공유",
        at(10, 14, 16, 5),
    );
    d.text = "오성호 매니저님,\n\n3분기 부가가치세 신고서 사본과 납부서를 보안 문서함에 올려두었습니다.\n아래 링크에서 회사 계정으로 로그인 후 내려받으시면 됩니다. 링크는 48시간 후 만료됩니다.\n\nhttps://docuvault-mail.com/s/8fK2qLw\n\nMinjun Kim\nSamil Tax & Accounting\n".into();
    v.push(cx.case(
        "imp-a02-minjun-kim-company-suffix-random-domain",
        D,
        true,
        "ko",
        "Latin name in Western order with the company in brackets (\"Minjun Kim (Samil Tax)\"), on an unrelated domain that never wrote before. The name matches the profile contact whatever the order and suffix.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("정혜진 변호사", "hyejin.lawyer@naver.com"),
        vec![e(CCO)],
        "[긴급] 변경신고 최종본 서명 요청",
        at(10, 19, 18, 47),
    );
    d.text = "신현우 이사님,\n\n법무법인 다올 정혜진입니다. 사무실 메일이 용량 초과로 반송되어 개인 메일로 보냅니다.\n금융정보분석원 제출 기한이 내일 오전이라, 첨부한 변경신고서 최종본에 대표이사 직인 날인 후 오늘 밤까지 이 메일로 회신 부탁드립니다.\n법인 인감증명서 스캔본도 함께 부탁드립니다.\n\n정혜진 드림\n".into();
    d.files.push(pdf_file(
        "변경신고서_최종본.pdf",
        &["Change report (final)", "Please sign and return"],
    ));
    v.push(cx.case(
        "imp-a03-jung-hyejin-naver",
        D,
        true,
        "ko",
        "Daol Law's attorney by Hangul name with title 변호사 on a naver.com address never seen; asks for a signed filing and the corporate seal certificate.",
        &d,
    ));

    let mut d = cx.inbound(
        mb(
            "남경수 | 하늘은행 기업금융센터",
            "nks.haneulbank@hanmail.net",
        ),
        vec![e(TREASURY)],
        "기업뱅킹 OTP 재등록 안내",
        at(10, 21, 10, 20),
    );
    d.text = "이도현 팀장님 안녕하세요,\n하늘은행 기업금융센터 남경수입니다.\n\n전산 시스템 교체로 예치금 관리계좌의 기업뱅킹 OTP를 재등록하셔야 합니다.\n첨부 신청서에 OTP 일련번호와 현재 표시되는 6자리 번호를 적어 이 메일로 회신해 주시면 제가 처리해 드리겠습니다.\n\n남경수 부장\n".into();
    d.files.push(pdf_file(
        "OTP_재등록_신청서.pdf",
        &["OTP re-registration form"],
    ));
    v.push(cx.case(
        "imp-a04-nam-kyungsoo-hanmail-company-after-bar",
        D,
        true,
        "ko",
        "Haneul Bank's relationship manager, \"Name | Company\" shape, on hanmail.net: not the bank's domain and not an address he used. Asks for OTP codes.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Marcus Tan", "marcus.tan.tidewater@outlook.com"),
        vec![e(TREASURY), e(TREASURY2)],
        "October fee settlement: new wallet",
        at(10, 23, 11, 2),
    );
    d.tz = 480;
    d.text = "Hi Dohyun,\n\nQuick note before you settle the October market making fee: we moved custody providers last week, so please send the USDT to our new settlement address:\n\nTRC20: TQx7mN3vK9pL2cR8wE4yH6jF1sD5aG0bZu\n\nOur corporate mailbox is being migrated, please reply here for now.\n\nThanks,\nMarcus\n".into();
    v.push(cx.case(
        "imp-a05-marcus-tan-outlook",
        D,
        true,
        "en",
        "Tidewater's Marcus Tan on an outlook.com address; Tidewater writes only from tidewater-lq.com. Free-mail plus a new settlement wallet.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Seojin Yoo, CPA", "seojin.yoo.audit@proton.me"),
        vec![e(FINANCE)],
        "기말 감사 사전 요청자료",
        at(11, 2, 14, 30),
    );
    d.text = "장민서 팀장님,\n\n새빛회계법인 유서진입니다. 기말 감사 사전 절차로 고객예치금 명세(고객별 잔액, 실명확인 계좌번호 포함)를 엑셀로 부탁드립니다.\n외부 감사 자료라 이 보안 메일로 보내주시면 됩니다.\n\n유서진 회계사\n".into();
    v.push(cx.case(
        "imp-a06-yoo-seojin-protonmail-cpa-suffix",
        D,
        true,
        "ko",
        "The auditor's senior by Latin name with \", CPA\" on proton.me; asks for customer data. The name key drops the CPA suffix.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("이도현 팀장", "dohyun.lee.hbx@gmail.com"),
        vec![e(TREASURY2)],
        "출금 화이트리스트 주소 추가 부탁",
        at(11, 7, 19, 55),
    );
    d.text = "유나님, 휴대폰이 꺼져서 개인 메일로 보내요.\n오늘 중으로 출금 화이트리스트에 아래 주소 하나 추가해 주세요. 내일 아침 Tidewater 정산에 써야 합니다.\n\n0x5b1e8cA4f2D9e7310B6c4a7E9d2F8b0C3a6D1e49\n\n승인 요청은 제 계정으로 올려두시면 내일 처리할게요.\n이도현\n".into();
    v.push(cx.case(
        "imp-a07-employee-lee-dohyun-gmail",
        D,
        true,
        "ko",
        "An employee (treasury manager, not a VIP) by name with title on a gmail address; employees write only from hanbit-x.com. Not bec.executive_request: he is not a VIP.",
        &d,
    ));

    let mut d = cx.inbound(
        mb(
            "Emily Carter | Nimbus Cloud",
            "e.carter@cloudaccounts-team.com",
        ),
        vec![e(CISO)],
        "Action required: billing hold on your Nimbus Cloud account",
        at(11, 10, 8, 15),
    );
    d.tz = -480;
    d.text = "Hi Taeyang,\n\nYour last card payment was declined and the account is on billing hold. To avoid suspension of the Seoul region resources, please update the payment method within 24 hours:\n\nhttps://cloudaccounts-team.com/nimbus/billing/update\n\nBest regards,\nEmily Carter\nAccount manager\n".into();
    v.push(cx.case(
        "imp-a08-emily-carter-unrelated-domain",
        D,
        true,
        "en",
        "Nimbus Cloud's account manager, \"Name | Company\", from an unrelated domain; Nimbus writes from nimbuscloud.io only.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("양혜리 (피플브릿지)", "hyeri.yang.hr@daum.net"),
        vec![e(RECRUITER), e(HR)],
        "보안엔지니어 후보자 포트폴리오 전달",
        at(11, 12, 13, 40),
    );
    d.text = "강은지 매니저님 안녕하세요,\n피플브릿지 양혜리입니다.\n\n지난번 말씀드린 후보자의 포트폴리오를 압축해 보내드립니다. 회사 메일 첨부 용량 제한 때문에 개인 메일을 씁니다.\n\n양혜리 드림\n".into();
    let pdf = crate::files::pdf("Portfolio", &["Security engineer portfolio"]);
    d.files.push(file(
        "포트폴리오_후보자A.zip",
        "application/zip",
        zip(&[("포트폴리오_후보자A.pdf", &pdf)]),
    ));
    v.push(cx.case(
        "imp-a09-yang-hyeri-daum-company-in-brackets",
        D,
        true,
        "ko",
        "The recruiter by Hangul name with the agency in brackets, on daum.net. The archive holds only a PDF: the case is about the name on the wrong address, not the file.",
        &d,
    ));

    // Hard negatives.

    let mut d = cx.inbound(
        mb("김민준 세무사", MINJUN_GMAIL),
        vec![e(FINANCE)],
        "RE: 10월 부가세 자료 확인",
        at(10, 10, 11, 25),
    );
    d.cc.push(c(SAMIL, 0));
    d.text = "장민서 팀장님,\n\n외근 중이라 개인 메일로 회신드립니다. 보내주신 10월 매출 자료는 확인했고, 과세·면세 구분도 문제없습니다.\n월요일에 사무실 들어가서 신고서 초안 정리하겠습니다.\n\n김민준 드림\n".into();
    v.push(cx.case(
        "imp-b01-kim-minjun-known-gmail-hangul-name",
        D,
        false,
        "ko",
        "Kim Minjun's personal gmail, seen in history (several messages, replied to by employees) under \"Kim Minjun\". Here he signs with the Hangul variant 김민준 세무사: the same profile person, an address the person has used.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("김민준", "minjun.kim@samil-tax.kr"),
        vec![e(ACCOUNTANT)],
        "메일 주소 변경 안내",
        at(10, 15, 9, 5),
    );
    d.text = "오성호 매니저님 안녕하세요.\n\n사내 메일 체계가 바뀌어 앞으로는 이 주소(minjun.kim@samil-tax.kr)로 연락드리게 됩니다. 기존 주소도 연말까지는 수신됩니다.\n\n김민준 세무사\n삼일세무회계 | 법인세무팀\n".into();
    v.push(cx.case(
        "imp-b02-kim-minjun-new-address-own-domain",
        D,
        false,
        "ko",
        "A new address of the same person on Samil's own domain (trusted pass): a person on their organisation's domain is not impersonated, even at an address never seen.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Hyejin Jung", "hyejin.jung@daol-law.com"),
        vec![e(CCO)],
        "Singapore counsel for the Tidewater amendment",
        at(10, 22, 15, 12),
    );
    d.text = "Dear Hyunwoo,\n\nI am writing from our international domain as our Singapore associate is copied on this matter. We suggest engaging local counsel for the governing-law clause of the Tidewater amendment; we can introduce two firms we have worked with.\n\nBest regards,\nHyejin Jung\nDaol Law\n".into();
    v.push(cx.case(
        "imp-b03-jung-hyejin-partner-second-domain",
        D,
        false,
        "en",
        "Daol Law's attorney from daol-law.com, the partner's second domain listed in the profile (history only has daol-law.co.kr).",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Kim Minho", "kimminho.dev@gmail.com"),
        vec![e(RECRUITER)],
        "Application: security engineer (Seoul)",
        at(10, 27, 21, 3),
    );
    d.text = "Dear Hiring Team,\n\nI would like to apply for the security engineer position posted on your careers page. My resume is attached. I have five years of experience in wallet infrastructure and incident response.\n\nBest regards,\nKim Minho\n".into();
    d.files.push(pdf_file(
        "Kim_Minho_Resume.pdf",
        &["Kim Minho", "Security engineer"],
    ));
    v.push(cx.case(
        "imp-b04-shared-surname-kim-minho",
        D,
        false,
        "en",
        "A different person who shares the surname (and the syllable Min) with Kim Minjun: \"Kim Minho\" is nobody in the profile.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("최서윤 기자", "seoyun.choi@fintechweek.kr"),
        vec![e(CCO)],
        "[핀테크위클리] 가상자산 이용자보호 1년 기획 인터뷰 요청",
        at(11, 4, 10, 0),
    );
    d.text = "안녕하세요, 핀테크위클리 최서윤 기자입니다.\n\n가상자산이용자보호법 시행 1년을 맞아 거래소 준법감시 담당자분들의 의견을 듣고 있습니다.\n30분 정도 서면 또는 대면 인터뷰가 가능하실지 여쭙니다.\n\n최서윤 드림\n".into();
    v.push(cx.case(
        "imp-b05-hangul-name-one-syllable-from-cfo",
        D,
        false,
        "ko",
        "최서윤 differs from the CFO 최서연 by one syllable: a different name, not a variant. Name matching is exact on the name key, not fuzzy.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("이수진", "sujin.lee@kblockforum.org"),
        vec![e(FINANCE)],
        "가상자산 회계 세미나 연사 요청",
        at(11, 9, 14, 22),
    );
    d.text = "장민서 팀장님께,\n\n한국블록체인포럼 이수진입니다. 삼일세무회계 김민준 세무사님 소개로 연락드립니다.\n12월 가상자산 회계·세무 세미나에서 거래소 실무 사례를 발표해 주실 수 있을지 문의드립니다.\n\n이수진 드림\n".into();
    v.push(cx.case(
        "imp-b06-known-name-only-in-body",
        D,
        false,
        "ko",
        "Kim Minjun is named only in the body (\"김민준 세무사님 소개로\"); the From name is the writer's own.",
        &d,
    ));

    let mut d = cx.inbound(
        mb("Marcus Tan", "marcus.tan@apac.tidewater-lq.com"),
        vec![e(TREASURY)],
        "Desk handover for the holidays",
        at(11, 18, 17, 10),
    );
    d.tz = 480;
    d.cc.push(c(TIDEWATER, 1));
    d.text = "Hi Dohyun,\n\nI'll be out from December 20 to January 3. Priya will cover settlements and our APAC desk mailbox stays monitored. Nothing changes on wallets or accounts.\n\nBest,\nMarcus\n".into();
    v.push(cx.case(
        "imp-b07-marcus-tan-partner-subdomain",
        D,
        false,
        "en",
        "Marcus Tan from a subdomain of Tidewater's domain (apac.tidewater-lq.com): within the partner's domains.",
        &d,
    ));

    v
}
