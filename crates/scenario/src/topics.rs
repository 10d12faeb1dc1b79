//! What the organisation and its partners write about: thread templates for the history.
//!
//! A topic is a subject and the bodies of its messages in order, the sides alternating from the
//! opener. Placeholders are filled per thread: `{yyyy} {mon} {mm} {mon_en} {q} {due} {amt} {usd} {n}
//! {tx}` (see `history::Vars`). Bodies carry the point of each message; greeting, signature and
//! quoted text are added by the history generator.

use crate::org::Lang::{self, En, Ko};

/// One message of a topic: its text and, when not empty, the name of a PDF it attaches.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Body {
    pub text: &'static str,
    pub file: &'static str,
}

const fn b(text: &'static str, file: &'static str) -> Body {
    Body { text, file }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Topic {
    pub lang: Lang,
    pub subject: &'static str,
    /// The partner writes first (else the organisation does).
    pub partner_opens: bool,
    /// Which of the partner's contacts carries the thread.
    pub contact: usize,
    /// Which of the partner's staff (index into `Partner::staff`) carries it on the organisation's side.
    pub staff: usize,
    pub bodies: &'static [Body],
}

/// Topics per partner, in the order of `org::PARTNERS`.
pub(crate) const PARTNER_TOPICS: &[&[Topic]] = &[
    // Samil Tax
    &[
        Topic {
            lang: Ko,
            subject: "[삼일세무회계] {yyyy}년 {mon}월 원천세 신고 자료 요청",
            partner_opens: true,
            contact: 0,
            staff: 0,
            bodies: &[
                b("{mon}월분 원천세 신고를 위해 급여대장과 사업소득 지급명세를 {due}까지 보내주시면 감사하겠습니다.\n지난달과 같은 양식으로 주시면 됩니다.", ""),
                b("요청하신 {mon}월 급여대장과 지급명세 첨부드립니다.\n프리랜서 개발자 지급분 2건이 추가되었으니 확인 부탁드립니다.", "{yyyy}{mm}_급여대장_요약.pdf"),
                b("자료 잘 받았습니다. 추가된 2건은 사업소득으로 처리하겠습니다.\n신고서 초안은 내일 중 공유드리겠습니다.", ""),
                b("네, 확인 감사합니다. 초안 기다리겠습니다.", ""),
                b("원천세 신고서 초안 첨부드립니다. 납부세액은 {amt}원입니다.\n이상 없으시면 {due}까지 납부 부탁드립니다.", "원천세_신고서_초안_{yyyy}{mm}.pdf"),
                b("확인했습니다. 납부 후 영수증 회신드리겠습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "[삼일세무회계] {yyyy}년 {q}기 부가가치세 신고 안내",
            partner_opens: true,
            contact: 1,
            staff: 1,
            bodies: &[
                b("{q}기 부가세 신고 기한이 {due}입니다. 매입·매출 세금계산서 합계표와 법인카드 사용내역을 공유해 주세요.", ""),
                b("자료 정리 중입니다. 가상자산 거래수수료 매출분은 별도 시트로 드려도 될까요?", ""),
                b("네, 별도 시트로 주셔도 됩니다. 면세·과세 구분만 표시해 주세요.", ""),
                b("첨부와 같이 송부드립니다. 검토 부탁드립니다.", "부가세_매출매입_{yyyy}Q{q}.pdf"),
                b("확인했습니다. 예상 납부세액은 {amt}원이며, 신고 완료 후 접수증 보내드리겠습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "법인세 중간예납 방식 검토 요청",
            partner_opens: false,
            contact: 0,
            staff: 2,
            bodies: &[
                b("올해 법인세 중간예납을 직전연도 기준으로 할지, 가결산으로 할지 검토 부탁드립니다.\n상반기 실적이 작년보다 낮습니다.", ""),
                b("상반기 가결산 기준이 유리할 것으로 보입니다.\n가결산 재무제표를 {due}까지 주시면 시뮬레이션해 드리겠습니다.", ""),
                b("재무제표 초안 첨부드립니다. 감사 전 수치라 일부 바뀔 수 있습니다.", "가결산_재무제표_{yyyy}H1.pdf"),
                b("검토해 보니 가결산 기준 중간예납세액은 {amt}원으로, 직전연도 기준보다 낮습니다.\n이 방식으로 진행하겠습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "[삼일세무회계] {mon}월 기장·자문 수수료 청구서 송부",
            partner_opens: true,
            contact: 1,
            staff: 0,
            bodies: &[
                b("{mon}월 기장·세무자문 수수료 청구서 첨부드립니다.\n금액은 {amt}원(VAT 포함)이며 기존 계좌로 입금 부탁드립니다.", "청구서_{yyyy}{mm}.pdf"),
                b("확인했습니다. {due}에 지급 예정입니다.", ""),
                b("감사합니다. 전자세금계산서도 홈택스로 발행했습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "가상자산 과세 대비 자문 요청",
            partner_opens: false,
            contact: 0,
            staff: 2,
            bodies: &[
                b("가상자산 과세 시행에 대비해 거래소의 거래내역 제출 의무 범위에 대한 자문을 부탁드립니다.", ""),
                b("시행령 개정안 기준으로 정리해 보겠습니다. 법무법인 검토 의견이 있으면 함께 주시면 좋겠습니다.", ""),
                b("다올 측 의견서는 다음 주에 받을 예정입니다. 받는 대로 공유드리겠습니다.", ""),
                b("네, 의견서 받으시면 함께 검토해서 {due}까지 회신드리겠습니다.", ""),
            ],
        },
    ],
    // Daol Law
    &[
        Topic {
            lang: Ko,
            subject: "[법무법인 다올] 가상자산사업자 변경신고 서류 검토 의견",
            partner_opens: true,
            contact: 0,
            staff: 0,
            bodies: &[
                b("요청하신 변경신고 서류 검토 의견서 첨부드립니다.\n임원 변경 관련 증빙 2건이 추가로 필요합니다.", "검토의견서_변경신고.pdf"),
                b("감사합니다. 증빙은 {due}까지 준비해서 보내드리겠습니다.", ""),
                b("네, 받는 대로 제출본을 확정하겠습니다.", ""),
                b("증빙 서류 첨부드립니다. 확인 부탁드립니다.", "임원변경_증빙.pdf"),
                b("확인했습니다. 이번 주 금요일 중 FIU에 제출하고 접수번호 공유드리겠습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "신규 상장 예정 토큰 증권성 검토 요청",
            partner_opens: false,
            contact: 1,
            staff: 0,
            bodies: &[
                b("{mon}월 상장 예정 토큰 3종에 대한 증권성 검토를 요청드립니다. 백서와 토큰 이코노미 자료 첨부합니다.", "상장검토_자료_{yyyy}{mm}.pdf"),
                b("자료 잘 받았습니다. 1종은 수익분배 구조가 있어 추가 확인이 필요합니다.\n발행사 담당자와 미팅이 가능할까요?", ""),
                b("{due} 오후 2시 가능합니다. 화상회의 링크는 따로 보내드리겠습니다.", ""),
                b("좋습니다. 검토 의견은 미팅 후 일주일 안에 드리겠습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "[법무법인 다올] 근로계약서 표준안 개정",
            partner_opens: true,
            contact: 0,
            staff: 2,
            bodies: &[
                b("개정 근로기준법을 반영한 근로계약서 표준안 보내드립니다. 재택근무 조항이 추가되었습니다.", "근로계약서_표준안_개정.pdf"),
                b("검토 감사합니다. 겸업금지 조항의 범위에 대해 한 번 더 논의할 수 있을까요?", ""),
                b("네, 가능합니다. 다음 주 중 편하신 시간 알려주세요.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "{mon}월 이사회 의사록 검토 부탁드립니다",
            partner_opens: false,
            contact: 1,
            staff: 1,
            bodies: &[
                b("{mon}월 정기 이사회 의사록 초안입니다. 자기주식 취득 안건의 문구 검토 부탁드립니다.", "이사회_의사록_초안_{yyyy}{mm}.pdf"),
                b("문구 일부 수정을 제안드립니다. 취득 한도는 '{amt}원 이내'로 명확히 적는 것이 좋겠습니다.", ""),
                b("반영하겠습니다. 감사합니다.", ""),
                b("수정본 확인했습니다. 날인 후 스캔본만 보관용으로 보내주세요.", ""),
            ],
        },
    ],
    // Saebit Accounting
    &[
        Topic {
            lang: Ko,
            subject: "[새빛회계법인] {yyyy}년 {q}분기 검토 일정 및 요청자료",
            partner_opens: true,
            contact: 1,
            staff: 0,
            bodies: &[
                b("{q}분기 검토는 {due}부터 3일간 진행됩니다. 요청자료 목록(PBC)을 첨부드립니다.", "PBC_목록_{yyyy}Q{q}.pdf"),
                b("일정 확인했습니다. 자료는 담당자별로 나눠 공유드리겠습니다.", ""),
                b("감사합니다. 고객예치금 잔액은 은행 조회서로 확인하겠습니다.", ""),
                b("네, 하늘은행에 조회서 발송을 요청해 두겠습니다.", ""),
                b("현장 검토 때 뵙겠습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "고객자산 실사용 지갑 주소 목록 전달",
            partner_opens: false,
            contact: 1,
            staff: 1,
            bodies: &[
                b("요청하신 콜드월렛·핫월렛 주소 목록과 {mon}월 말 잔고 보고서 첨부드립니다.", "지갑잔고_보고서_{yyyy}{mm}.pdf"),
                b("자료 감사합니다. 소유 확인을 위해 콜드월렛 2개 주소로 메시지 서명을 부탁드립니다.", ""),
                b("정보보호실과 일정을 잡아 {due}에 진행하겠습니다.", ""),
                b("네, 입회 인원은 저희 쪽 2명입니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "[새빛회계법인] {yyyy}년 감사보수 청구 안내",
            partner_opens: true,
            contact: 0,
            staff: 0,
            bodies: &[
                b("{yyyy}년 감사보수 중 2차분 청구서 송부드립니다. 금액은 {amt}원입니다.", "감사보수_청구서_{yyyy}.pdf"),
                b("확인했습니다. {due}에 지급하겠습니다.", ""),
                b("감사합니다. 입금이 확인되면 영수증 보내드리겠습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "스테이킹 수수료 수익인식 기준 질의",
            partner_opens: false,
            contact: 0,
            staff: 2,
            bodies: &[
                b("스테이킹 서비스 수수료의 수익인식 시점에 대해 의견 부탁드립니다. 현재는 보상 지급 시점 기준입니다.", ""),
                b("계약상 수행의무 기준으로 보면 보상 확정 시점이 타당해 보입니다. 내부 검토 후 공식 의견 드리겠습니다.", ""),
                b("감사합니다. 기말 감사 전에 정리되면 좋겠습니다.", ""),
                b("{due}까지 메모로 정리해 드리겠습니다.", ""),
            ],
        },
    ],
    // Haneul Bank
    &[
        Topic {
            lang: Ko,
            subject: "[하늘은행] 예치금 관리계좌 {mon}월 잔액증명서",
            partner_opens: true,
            contact: 1,
            staff: 1,
            bodies: &[
                b("{mon}월 말 기준 고객예치금 관리계좌 잔액증명서 발급해 드립니다.", "잔액증명서_{yyyy}{mm}.pdf"),
                b("수령했습니다. 감사합니다.", ""),
                b("다음 달부터는 기업뱅킹에서 직접 발급하실 수도 있습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "일일 이체 한도 상향 요청",
            partner_opens: false,
            contact: 0,
            staff: 0,
            bodies: &[
                b("{mon}월 말 원화 출금이 몰릴 것에 대비해 일일 이체 한도 상향을 요청드립니다. 희망 한도는 {amt}원입니다.", ""),
                b("내부 심사가 필요합니다. 최근 3개월 이체 내역과 사유서를 보내주세요.", ""),
                b("사유서와 내역 첨부드립니다.", "이체한도_상향_사유서.pdf"),
                b("{due}자로 한도 상향이 승인되었습니다. OTP 재등록은 필요 없습니다.", ""),
                b("빠른 처리 감사합니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "[하늘은행] 실명확인 입출금계정 계약 갱신 안내",
            partner_opens: true,
            contact: 0,
            staff: 2,
            bodies: &[
                b("실명확인 입출금계정 서비스 계약 만료일이 {due}입니다. 갱신 심사 서류 목록을 안내드립니다.", ""),
                b("준법감시실과 함께 준비하겠습니다. 작년과 달라진 항목이 있을까요?", ""),
                b("자금세탁방지 체계 점검표가 새 양식으로 바뀌었습니다. 첨부 참고 부탁드립니다.", "AML_점검표_신양식.pdf"),
                b("확인했습니다. 기한 전에 제출하겠습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "[하늘은행] {mon}월 외화송금 수수료 정산 내역",
            partner_opens: true,
            contact: 1,
            staff: 0,
            bodies: &[
                b("{mon}월 외화송금 수수료 정산 내역입니다. 총 {amt}원이 {due}에 출금될 예정입니다.", "외화송금_수수료_{yyyy}{mm}.pdf"),
                b("내역 확인했습니다. 이상 없습니다.", ""),
            ],
        },
    ],
    // Nimbus Cloud
    &[
        Topic {
            lang: En,
            subject: "Nimbus Cloud invoice {n} for {mon_en} {yyyy}",
            partner_opens: true,
            contact: 0,
            staff: 2,
            bodies: &[
                b("Please find attached invoice {n} for {mon_en} usage. The total is USD {usd}, payable by {due} to the account on file.", "Nimbus_Invoice_{n}.pdf"),
                b("Thanks, forwarded to our finance team. Payment will go out by {due}.", ""),
                b("Perfect, thank you. Let me know if you need the usage breakdown by project.", ""),
            ],
        },
        Topic {
            lang: En,
            subject: "Reserved capacity for the matching engine",
            partner_opens: false,
            contact: 0,
            staff: 2,
            bodies: &[
                b("We expect trading volume to double around the next listing. Can we reserve 40 more vCPUs in the Seoul region?", ""),
                b("Yes, that's possible. I'll loop in Jaewon for the sizing. Would a 12-month commitment work for you?", ""),
                b("A 12-month term is fine. Please send the quote.", ""),
                b("Quote attached. The discount applies from {due}.", "Nimbus_Quote_RC-{n}.pdf"),
                b("Thanks, we will sign this week.", ""),
            ],
        },
        Topic {
            lang: En,
            subject: "Scheduled maintenance: Seoul region block storage ({mon_en} {yyyy})",
            partner_opens: true,
            contact: 0,
            staff: 0,
            bodies: &[
                b("Heads-up: we have a storage firmware upgrade in the Seoul region on {due}, 02:00-04:00 KST. No downtime is expected for your volumes.", ""),
                b("Noted. Our on-call will watch it. Is there a rollback plan if latency goes up?", ""),
                b("Yes, rollback is automatic if p99 latency stays above 20 ms for 5 minutes. I will send the post-maintenance report.", ""),
                b("Great, thanks.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "KMS 키 자동 로테이션 설정 문의",
            partner_opens: false,
            contact: 1,
            staff: 1,
            bodies: &[
                b("지갑 서명 서버에서 쓰는 KMS 키의 자동 로테이션 주기를 90일로 바꾸려고 합니다. 서명 지연에 영향이 있을까요?", ""),
                b("로테이션 자체는 무중단입니다. 다만 이전 버전 키로 서명된 데이터를 검증하려면 키 버전을 유지하셔야 합니다.", ""),
                b("이해했습니다. {due}에 적용할 예정입니다.", ""),
                b("적용 후 감사 로그 설정도 함께 확인해 보시길 권장드립니다.", ""),
            ],
        },
    ],
    // Tidewater Liquidity
    &[
        Topic {
            lang: En,
            subject: "Tidewater x Hanbit: market making fee invoice {n}",
            partner_opens: true,
            contact: 1,
            staff: 0,
            bodies: &[
                b("Attached is invoice {n} for the {mon_en} market making fee, USD {usd}. Settlement in USDT to the usual address is fine.", "TW_Invoice_{n}.pdf"),
                b("Received, thanks. We will settle by {due} from our treasury wallet.", ""),
                b("Thank you. Please share the tx hash once sent.", ""),
                b("Sent. Tx hash: {tx}", ""),
                b("Confirmed on our side, thanks.", ""),
            ],
        },
        Topic {
            lang: En,
            subject: "Spread and depth report for {mon_en}",
            partner_opens: false,
            contact: 0,
            staff: 1,
            bodies: &[
                b("Could you send the spread and order-book depth report for {mon_en}? Our compliance team needs it for the monthly review.", ""),
                b("Report attached. Average spread on KRW pairs was 8 bps; depth within 2% stayed above target.", "TW_Liquidity_Report_{yyyy}{mm}.pdf"),
                b("Thanks. One question: ETH/KRW depth dipped on the 14th, any context?", ""),
                b("That was a node outage on our side for 35 minutes. It's noted in the appendix.", ""),
            ],
        },
        Topic {
            lang: En,
            subject: "Liquidity agreement renewal",
            partner_opens: true,
            contact: 0,
            staff: 0,
            bodies: &[
                b("Our agreement is up for renewal on {due}. We propose keeping the fee schedule and adding two new pairs.", ""),
                b("Thanks, we'll review with legal. Which pairs do you have in mind?", ""),
                b("SOL/KRW and USDC/KRW. Draft amendment attached.", "TW_Amendment_Draft_{yyyy}{mm}.pdf"),
                b("Our counsel will send comments by the end of next week.", ""),
            ],
        },
        Topic {
            lang: En,
            subject: "Inventory rebalancing next week",
            partner_opens: false,
            contact: 1,
            staff: 2,
            bodies: &[
                b("Heads-up: we are moving part of the hot wallet inventory to cold storage on {due}. Withdrawals to your desk may take an extra hour that day.", ""),
                b("Understood, thanks for the notice. We'll top up from our side if needed.", ""),
            ],
        },
    ],
    // Idenza
    &[
        Topic {
            lang: Ko,
            subject: "[이덴자] {mon}월 본인확인 API 사용량 및 청구 안내",
            partner_opens: true,
            contact: 0,
            staff: 2,
            bodies: &[
                b("{mon}월 본인확인 API 호출 건수는 48,210건이며 청구 금액은 {amt}원입니다. 세금계산서는 별도로 발행됩니다.", "Idenza_청구서_{yyyy}{mm}.pdf"),
                b("확인했습니다. {due}에 지급 예정입니다.", ""),
                b("감사합니다.", ""),
            ],
        },
        Topic {
            lang: En,
            subject: "Duplicate webhook deliveries on liveness results",
            partner_opens: false,
            contact: 1,
            staff: 2,
            bodies: &[
                b("We see duplicate webhook deliveries for liveness results since yesterday. Is this expected?", ""),
                b("We deployed a retry change. Please de-duplicate on the event_id field; we will shorten the retry window on {due}.", ""),
                b("Thanks, we will add the check on our side.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "[이덴자] 신분증 진위확인 모델 업데이트 안내",
            partner_opens: true,
            contact: 0,
            staff: 1,
            bodies: &[
                b("{due}에 신분증 진위확인 모델이 업데이트됩니다. 운전면허증 인식률이 좋아지며 API 변경은 없습니다.", ""),
                b("안내 감사합니다. 적용 후 오탐률 변화가 있으면 공유 부탁드립니다.", ""),
                b("네, 2주 뒤 리포트로 공유드리겠습니다.", ""),
            ],
        },
    ],
    // Peoplebridge Search
    &[
        Topic {
            lang: Ko,
            subject: "[피플브릿지] 보안엔지니어 포지션 후보자 추천 ({n})",
            partner_opens: true,
            contact: 0,
            staff: 1,
            bodies: &[
                b("보안엔지니어 포지션 후보자 2명을 추천드립니다. 이력서 요약 첨부합니다. 면접은 {due} 이후 가능합니다.", "후보자_이력서_요약_{n}.pdf"),
                b("감사합니다. 1번 후보자와 1차 면접을 진행하고 싶습니다.", ""),
                b("후보자와 일정 조율해서 알려드리겠습니다.", ""),
                b("{due} 오후 3시면 좋겠습니다.", ""),
                b("후보자 확인했습니다. 그 일정으로 확정하겠습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "AML 분석 인력 채용 의뢰",
            partner_opens: false,
            contact: 1,
            staff: 0,
            bodies: &[
                b("AML 분석 경력 5년 이상 인력의 채용을 의뢰드립니다. JD 첨부합니다.", "JD_AML_Analyst.pdf"),
                b("JD 잘 받았습니다. 연봉 범위와 입사 희망 시기를 알려주시면 서치를 시작하겠습니다.", ""),
                b("연봉은 협의 가능하고 입사는 {due} 전이면 좋겠습니다.", ""),
                b("알겠습니다. 2주 안에 첫 후보자 리스트를 드리겠습니다.", ""),
            ],
        },
        Topic {
            lang: Ko,
            subject: "[피플브릿지] {mon}월 입사자 채용 수수료 청구서",
            partner_opens: true,
            contact: 0,
            staff: 0,
            bodies: &[
                b("{mon}월 입사자 채용 수수료 청구서입니다. 금액은 {amt}원(VAT 별도)입니다.", "채용수수료_청구서_{yyyy}{mm}.pdf"),
                b("확인했습니다. 다음 지급일에 처리하겠습니다.", ""),
            ],
        },
    ],
];

/// Internal threads: (subject, participants by employee index in writing order, bodies).
pub(crate) struct Internal {
    pub subject: &'static str,
    pub writers: &'static [usize],
    /// Extra recipients beyond the other writers.
    pub also: &'static [usize],
    pub bodies: &'static [&'static str],
}

use crate::org::{
    ACCOUNTANT, AML, ASSISTANT, CCO, CEO, CFO, CISO, FINANCE, HR, OPS, OPS2, RECRUITER, SECENG,
    TREASURY, TREASURY2,
};

pub(crate) const INTERNAL: &[Internal] = &[
    Internal {
        subject: "{mon}월 Tidewater 마켓메이킹 수수료 지급 승인",
        writers: &[CEO, CFO, TREASURY],
        also: &[],
        bodies: &[
            "Tidewater {mon}월 마켓메이킹 수수료 USD {usd} 지급을 승인합니다. 자금팀 통해 처리해 주세요.",
            "네 대표님, 이도현 팀장에게 전달했습니다. 2인 승인 후 오늘 중 송금하겠습니다.",
            "송금 완료했습니다. 트랜잭션 해시는 {tx} 입니다.",
        ],
    },
    Internal {
        subject: "분기말 콜드월렛 리밸런싱",
        writers: &[CFO, TREASURY],
        also: &[CISO],
        bodies: &[
            "핫월렛 보유 비율이 8%를 넘었습니다. {due}에 콜드월렛으로 이동 부탁드립니다. 2인 승인 절차는 꼭 지켜주세요.",
            "네, 정보보호실 입회하에 {due} 오전에 진행하겠습니다. 완료 후 잔고 보고서 공유드리겠습니다.",
        ],
    },
    Internal {
        subject: "[정보보호실] 임원 사칭 메일 주의 안내",
        writers: &[CISO],
        also: &[CEO, CFO, TREASURY, TREASURY2, FINANCE, ACCOUNTANT, ASSISTANT],
        bodies: &[
            "최근 타 거래소에서 대표이사를 사칭한 송금·지갑 이동 요청 메일이 확인되었습니다.\n송금, 지갑 이동, 인증번호 요청은 메일만 보고 처리하지 마시고 반드시 유선으로 재확인해 주세요.",
        ],
    },
    Internal {
        subject: "[인사팀] {mon}월 급여 지급 및 연말정산 일정 안내",
        writers: &[HR],
        also: &[CFO, FINANCE, RECRUITER, OPS],
        bodies: &["{mon}월 급여는 25일에 지급됩니다. 연말정산 자료 제출 마감은 {due}입니다."],
    },
    Internal {
        subject: "{mon}월 의심거래보고 현황 점검",
        writers: &[CCO, AML],
        also: &[],
        bodies: &[
            "{mon}월 STR 보고 건수와 평균 보고 소요일을 정리해 주세요. 금융정보분석원 점검에 대비해야 합니다.",
            "{mon}월 보고 건수는 37건, 평균 소요일은 4.2일입니다. 상세 내역은 공유 드라이브에 올렸습니다.",
            "확인했습니다. 소요일 5일 초과 건은 사유를 정리해 주세요.",
        ],
    },
    Internal {
        subject: "주간 운영 리포트 ({mon}월 {day}일)",
        writers: &[OPS2, OPS],
        also: &[],
        bodies: &[
            "이번 주 입출금 지연 건수는 12건이며 모두 해소되었습니다. 고객 문의는 지난주 대비 8% 줄었습니다.",
            "수고 많으셨습니다. 지연 원인 중 은행 점검 시간 관련 건은 공지 문구를 보완해 주세요.",
        ],
    },
    Internal {
        subject: "{due} 일정 확인 부탁드립니다",
        writers: &[ASSISTANT, CEO],
        also: &[],
        bodies: &[
            "대표님, {due} 오전 10시 하늘은행 남경수 부장님 미팅과 오후 3시 이사회 사전회의가 잡혀 있습니다. 확인 부탁드립니다.",
            "확인했어요. 이사회 자료는 전날까지 받아볼 수 있게 해주세요.",
        ],
    },
    Internal {
        subject: "보안엔지니어 채용 면접관 요청",
        writers: &[RECRUITER, SECENG],
        also: &[CISO],
        bodies: &[
            "피플브릿지 추천 후보자 1차 면접 면접관으로 참석 가능하실까요? 일정은 {due} 오후입니다.",
            "네, 참석 가능합니다. 과제 평가표 미리 공유 부탁드립니다.",
        ],
    },
];
