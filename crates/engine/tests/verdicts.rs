//! End-to-end verdicts on realistic spear-phishing and legitimate mail, Korean and English, built in
//! code. Each case names the tradecraft it models; the assertions pin the verdict and the findings an
//! analyst would need to see.

use spearwatch_core::Verdict;
use spearwatch_engine::{Engine, Report};

fn scan(raw: &[u8]) -> Report {
    Engine::default().scan(raw, "fixture")
}

fn ids(r: &Report) -> Vec<&str> {
    r.findings
        .iter()
        .filter(|f| f.score > 0.0)
        .map(|f| f.id.as_str())
        .collect()
}

fn assert_has(r: &Report, want: &[&str]) {
    let got = ids(r);
    for w in want {
        assert!(
            got.contains(w),
            "missing {w}; got {got:?}\n{:#?}",
            r.findings
        );
    }
}

fn b64(s: &str) -> String {
    // RFC 2047 "B" encoding of UTF-8, small and dependency-free for the tests.
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("=?UTF-8?B?{out}?=")
}

/// Kimsuky-style tax lure: raw EUC-KR headers (as old Korean mailers send them), the National Tax
/// Service's name on a look-alike domain, replies to a free-mail account, a link shown as
/// hometax.go.kr that goes to an IP address.
#[test]
fn nts_refund_lure_in_raw_euc_kr() {
    let (from, _, _) = encoding_rs::EUC_KR.encode("국세청 홈택스");
    let (subject, _, _) =
        encoding_rs::EUC_KR.encode("[국세청] 2025년 귀속 종합소득세 환급금 지급 안내");
    let (body, _, _) = encoding_rs::EUC_KR.encode(
        "<p>귀하께 부가가치세 환급금이 발생하였습니다. 원천징수영수증을 확인하시고 24시간 이내에 환급 신청을 하십시오.</p>\
         <a href=\"http://198.51.100.23/hometax/index.php\">https://www.hometax.go.kr</a>",
    );
    let mut raw = b"From: ".to_vec();
    raw.extend_from_slice(&from);
    raw.extend_from_slice(b" <help@nts-hometax.kr>\r\nReply-To: nts.refund@hanmail.net\r\nTo: cfo@exchange.co.kr\r\nSubject: ");
    raw.extend_from_slice(&subject);
    raw.extend_from_slice(
        b"\r\nMessage-ID: <1@nts-hometax.kr>\r\nContent-Type: text/html; charset=euc-kr\r\n\r\n",
    );
    raw.extend_from_slice(&body);
    let r = scan(&raw);
    assert!(r.verdict >= Verdict::Phishing, "{} {:?}", r.score, ids(&r));
    assert_eq!(
        r.subject.as_deref(),
        Some("[국세청] 2025년 귀속 종합소득세 환급금 지급 안내")
    );
    assert_has(
        &r,
        &[
            "sender.brand_impersonation",
            "sender.reply_to_freemail",
            "links.anchor_mismatch",
            "links.ip_literal",
            "lure.tax",
        ],
    );
    let brand = r
        .findings
        .iter()
        .find(|f| f.id == "sender.brand_impersonation")
        .unwrap();
    assert!(
        brand.title.contains("National Tax Service"),
        "{}",
        brand.title
    );
    assert!(brand.techniques.iter().any(|t| t == "T1656"));
}

/// Lazarus "Dream Job": a recruiter on free mail, a coding test in an encrypted archive whose
/// password is in the body.
#[test]
fn dream_job_coding_test_with_archive_password() {
    let raw = "From: Emily Carter <emily.carter.recruit@gmail.com>\r\nTo: dev@exchange.co.kr\r\n\
        Subject: Senior Blockchain Engineer - job opportunity and coding test\r\nMessage-ID: <j1@mail.gmail.com>\r\n\
        Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
        Hi, I am a recruiter at a fast-growing DeFi fund. We have an open position with an annual salary of $250k and a signing bonus.\r\n\
        Please complete the coding assessment in the attached archive before the technical interview.\r\n\
        The password is: Dj7#pw2026\r\n--x\r\nContent-Type: application/zip; name=\"Coding_Test.zip\"\r\n\
        Content-Disposition: attachment; filename=\"Coding_Test.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsDBBQACQAIAAAAIQA=\r\n--x--\r\n";
    let r = scan(raw.as_bytes());
    assert!(r.verdict >= Verdict::Phishing, "{} {:?}", r.score, ids(&r));
    assert_has(
        &r,
        &[
            "lure.job_offer",
            "lure.attachment_password",
            "sender.freemail",
        ],
    );
    let pw = r
        .findings
        .iter()
        .find(|f| f.id == "lure.attachment_password")
        .unwrap();
    assert_eq!(
        pw.evidence[0].value, "Dj7#pw2026",
        "the password keeps its case for the archive opener"
    );
}

/// Exchange security notice: Upbit's name, Korean account-security lure, a link whose host starts
/// with upbit.com but belongs to another domain, and a Cyrillic letter in the subject.
#[test]
fn exchange_security_notice_with_lookalike_link() {
    let subject = b64("[업비트] 해외 로그인 시도 감지 - 본인 인증 필요 (Uрbit)");
    let raw = format!(
        "From: {} <security@upbit-notice.com>\r\nTo: trader@exchange.co.kr\r\nSubject: {subject}\r\nMessage-ID: <u1@upbit-notice.com>\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n<p>고객님의 계정에서 비정상 로그인이 감지되었습니다. 계정 보안을 위해 즉시 본인 인증을 완료해 주세요.</p>\
         <a href=\"https://upbit.com.verify-session.top/login\">본인 인증하기</a>",
        b64("업비트 보안센터")
    );
    let r = scan(raw.as_bytes());
    assert!(r.verdict >= Verdict::Phishing, "{} {:?}", r.score, ids(&r));
    assert_has(
        &r,
        &[
            "sender.brand_impersonation",
            "links.brand_in_unrelated_domain",
            "lure.account_security",
            "text.mixed_script",
        ],
    );
}

/// CEO fraud on a personal account: the CEO's name on Gmail, urgent wallet transfer, secrecy.
#[test]
fn ceo_urgent_wallet_transfer() {
    let raw = format!(
        "From: {} <ceo.kim.office@gmail.com>\r\nReply-To: kim.ceo.private@proton.me\r\nTo: treasury@exchange.co.kr\r\n\
         Subject: {}\r\nMessage-ID: <c1@mail.gmail.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         지금 회의 중이라 통화가 어렵습니다. 긴급하게 처리할 건이 있습니다. 콜드월렛에서 아래 지갑 주소로 출금 요청 부탁합니다.\r\n\
         금액: 12.5 BTC. 비밀 유지 부탁드리며 외부 유출 금지입니다. 처리 후 바로 회신 바랍니다.\r\n",
        b64("김민준 대표"),
        b64("긴급 - 출금 요청 (대외비)")
    );
    let r = scan(raw.as_bytes());
    assert!(
        r.verdict >= Verdict::Suspicious,
        "{} {:?}",
        r.score,
        ids(&r)
    );
    assert_has(
        &r,
        &[
            "lure.urgency",
            "lure.crypto",
            "sender.freemail",
            "sender.reply_to_divergent",
        ],
    );
}

/// An HWP lure that is really an executable with a double extension: malicious, not just phishing.
#[test]
fn withholding_receipt_that_is_an_executable() {
    let name = b64("2025_원천징수영수증.hwp.exe");
    let raw = format!(
        "From: {} <tax@semu-office.co.kr>\r\nTo: hr@exchange.co.kr\r\nSubject: {}\r\nMessage-ID: <h1@semu-office.co.kr>\r\n\
         Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n첨부한 원천징수영수증을 확인 부탁드립니다.\r\n\
         --x\r\nContent-Type: application/octet-stream; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=\r\n--x--\r\n",
        b64("세무법인 회계팀"),
        b64("원천징수영수증 송부")
    );
    let r = scan(raw.as_bytes());
    assert_eq!(r.verdict, Verdict::Malicious, "{} {:?}", r.score, ids(&r));
    assert_has(
        &r,
        &["attachment.double_extension", "attachment.executable"],
    );
    assert_eq!(
        r.attachments[0].name.as_deref(),
        Some("2025_원천징수영수증.hwp.exe")
    );
    assert_eq!(format!("{:?}", r.attachments[0].detected_type), "Pe");
}

/// Legitimate Korean mail: a bank's year-end tax settlement notice linking to its own domain, and a
/// colleague's reply. Tax vocabulary alone must not make mail suspicious.
#[test]
fn legitimate_korean_mail_stays_clean() {
    let raw = format!(
        "From: {} <notice@kbstar.com>\r\nTo: kim@example.co.kr\r\nSubject: {}\r\nMessage-ID: <n1@kbstar.com>\r\n\
         List-Unsubscribe: <https://www.kbstar.com/unsub>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
         <p>연말정산 간소화 서비스 이용 안내입니다. 자세한 내용은 <a href=\"https://www.kbstar.com/tax\">www.kbstar.com</a>에서 확인하세요.</p>",
        b64("KB국민은행"),
        b64("연말정산 서비스 안내")
    );
    let r = scan(raw.as_bytes());
    assert_eq!(r.verdict, Verdict::Clean, "{} {:?}", r.score, ids(&r));

    let raw = format!(
        "From: {} <minjun.kim@samil-tax.kr>\r\nTo: finance@example.co.kr\r\nSubject: {}\r\nMessage-ID: <m2@samil-tax.kr>\r\n\
         In-Reply-To: <m1@example.co.kr>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         안녕하세요, 요청하신 부가가치세 신고 자료는 다음 주 화요일까지 정리해서 보내드리겠습니다.\r\n감사합니다.\r\n김민준 드림\r\n",
        b64("김민준 (삼일세무)"),
        b64("Re: 부가가치세 신고 자료")
    );
    let r = scan(raw.as_bytes());
    assert_eq!(r.verdict, Verdict::Clean, "{} {:?}", r.score, ids(&r));
}

/// A partner's ordinary invoice with a PDF: clean.
#[test]
fn partner_invoice_with_pdf_is_clean() {
    let raw = "From: Accounts <ar@supplier.co.uk>\r\nTo: ap@example.com\r\nSubject: Invoice 2026-1183\r\nMessage-ID: <i@supplier.co.uk>\r\n\
        Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nPlease find attached our invoice for October.\r\n\
        --x\r\nContent-Type: application/pdf; name=\"invoice-2026-1183.pdf\"\r\nContent-Disposition: attachment; filename=\"invoice-2026-1183.pdf\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjcKJeLjz9MK\r\n--x--\r\n";
    let r = scan(raw.as_bytes());
    assert_eq!(r.verdict, Verdict::Clean, "{} {:?}", r.score, ids(&r));
}

/// Modern legitimate bulk and notification mail carries what filters mistake for phishing: upstream
/// Authentication-Results, click trackers, hidden preheaders, brand names, links to other domains.
#[test]
fn modern_legitimate_mail_stays_clean() {
    let cases: Vec<(&str, String)> = vec![
        (
            "newsletter through an ESP with tracker, preheader and upstream auth results",
            "Authentication-Results: mx.google.com; dkim=pass header.i=@news.example.com; spf=pass smtp.mailfrom=bounce.example.com; dmarc=pass header.from=news.example.com\r\n\
             From: Example Weekly <hello@news.example.com>\r\nReply-To: Example Weekly <reply@news.example.com>\r\nReturn-Path: <bounce-123@bounce.example.com>\r\n\
             To: reader@example.org\r\nSubject: This week: 5 ideas for your garden\r\nMessage-ID: <nl-1@news.example.com>\r\n\
             List-Unsubscribe: <https://news.example.com/u?id=abc>\r\nList-Id: <weekly.news.example.com>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
             <div style=\"display:none;max-height:0\">Spring planting, soil tips and a reader's garden tour</div>\
             <h1>Example Weekly</h1><p>Five ideas for your garden this spring.</p>\
             <a href=\"https://u4821.ct.sendgrid.net/ls/click?upn=abc\">www.example.com/garden</a>\
             <a href=\"https://news.example.com/u?id=abc\">Unsubscribe</a><img src=\"https://cdn.example.com/logo.png\">"
                .to_string(),
        ),
        (
            "GitHub notification",
            "From: GitHub <noreply@github.com>\r\nTo: dev@example.com\r\nSubject: [example/repo] Fix parser panic on empty boundary (PR #42)\r\n\
             Message-ID: <example/repo/pull/42@github.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
             @alice requested your review on: example/repo#42 Fix parser panic on empty boundary.\r\n\
             View it on GitHub: https://github.com/example/repo/pull/42\r\nYou are receiving this because your review was requested.\r\n"
                .to_string(),
        ),
        (
            "Microsoft account security notice from microsoft.com",
            "From: Microsoft account team <account-security-noreply@accountprotection.microsoft.com>\r\nTo: user@example.com\r\n\
             Subject: Microsoft account security info was added\r\nMessage-ID: <ms-1@accountprotection.microsoft.com>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
             <p>The following security info was recently added to the Microsoft account us*****@example.com.</p>\
             <p>If you didn't add this, <a href=\"https://account.live.com/acsr\">review your security info</a>.</p>"
                .to_string(),
        ),
        (
            "colleague on free mail sharing a document link",
            "From: Park Jiwoo <jiwoo.park@gmail.com>\r\nTo: team@example.co.kr\r\nSubject: Slides for Thursday\r\nMessage-ID: <CAF1@mail.gmail.com>\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\nHi all, here are the slides for Thursday: https://docs.google.com/presentation/d/1AbC/edit\r\nJiwoo\r\n"
                .to_string(),
        ),
        (
            "Naver notice in Korean",
            format!(
                "From: {} <navermail_noreply@navercorp.com>\r\nTo: user@naver.com\r\nSubject: {}\r\nMessage-ID: <n-1@navercorp.com>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
                 <p>네이버 서비스 이용약관이 2026년 12월 1일부로 변경됩니다. 자세한 내용은 <a href=\"https://policy.naver.com/rules/service.html\">여기</a>에서 확인하세요.</p>",
                b64("네이버"),
                b64("[네이버] 이용약관 변경 안내")
            ),
        ),
    ];
    for (what, raw) in cases {
        let r = scan(raw.as_bytes());
        assert_eq!(
            r.verdict,
            Verdict::Clean,
            "{what}: {} {:?}",
            r.score,
            ids(&r)
        );
    }
}

/// Kimsuky approaching a researcher: a manuscript request with an honorarium from a free-mail account
/// posing as a think tank, the "draft" behind a link to a look-alike of Naver's login.
#[test]
fn manuscript_request_to_a_researcher() {
    let raw = format!(
        "From: {} <kinu.research2026@naver.com>\r\nTo: prof.lee@univ.ac.kr\r\nSubject: {}\r\nMessage-ID: <k1@naver.com>\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n<p>안녕하십니까, 교수님. 한반도 정세와 비핵화 협상에 관한 원고 청탁을 드리고자 연락드립니다.</p>\
         <p>원고료(사례비)는 50만원이며, 세부 내용은 아래 문서를 확인 부탁드립니다.</p>\
         <p><a href=\"https://nid.naverr.com/login?doc=draft\">원고 요청서 확인하기</a></p>",
        b64("통일연구원 연구기획팀"),
        b64("[원고 청탁] 한반도 정세 전망 기고 요청")
    );
    let r = scan(raw.as_bytes());
    assert!(r.verdict >= Verdict::Phishing, "{} {:?}", r.score, ids(&r));
    assert_has(
        &r,
        &[
            "lure.expert_outreach",
            "links.lookalike_domain",
            "sender.freemail",
            "links.call_to_action_elsewhere",
        ],
    );
}

/// An internal security notice spoofed from outside: the exchange's own domain in From, an envelope
/// sender elsewhere, a password-expiry lure and a button to another site.
#[test]
fn spoofed_internal_security_notice() {
    let raw = format!(
        "Return-Path: <bounce@relay-mailer.top>\r\nFrom: {} <security@exchange.co.kr>\r\nTo: staff@exchange.co.kr\r\n\
         Subject: {}\r\nMessage-ID: <s1@relay-mailer.top>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
         <p>사내 메일 계정의 비밀번호가 만료되었습니다. 24시간 이내에 비밀번호 변경을 하지 않으면 계정이 정지됩니다.</p>\
         <p><a href=\"https://mail-exchange-co-kr.web.app/reset\">비밀번호 변경하기</a></p>",
        b64("정보보호팀"),
        b64("[보안] 비밀번호 만료 안내")
    );
    let r = scan(raw.as_bytes());
    assert!(r.verdict >= Verdict::Phishing, "{} {:?}", r.score, ids(&r));
    assert_has(
        &r,
        &[
            "sender.own_domain_spoof",
            "lure.account_security",
            "links.free_hosting",
            "links.call_to_action_elsewhere",
        ],
    );
}
