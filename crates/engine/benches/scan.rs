//! Parse and scan throughput on four synthetic messages built in code (no corpus, no files):
//!
//! - `personal`: a short plain-text personal mail (~1 KB);
//! - `newsletter`: an HTML marketing newsletter (~40 KB, quoted-printable, tables, a hidden preheader,
//!   many tracking links);
//! - `attachment`: multipart/mixed with a text+HTML alternative and a 200 KiB PDF-like attachment
//!   (base64);
//! - `ko_phish`: a Korean tax-refund spear-phishing mail with raw 8-bit EUC-KR headers, an EUC-KR
//!   HTML body, a link to a bare IP address and one to a look-alike of hometax.go.kr.
//!
//! Groups: `parse/<name>` (spearwatch-message only) and `scan/<name>` (the full engine).
//! Run with `cargo bench -p spearwatch-engine --bench scan`.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use spearwatch_engine::Engine;
use spearwatch_message::{parse, Limits};
use std::fmt::Write as _;
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Encoders (kept local so the bench needs no extra crates).

/// RFC 2045 base64, lines of 76 characters, CRLF line ends.
fn base64_lines(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 57 * 2 + 8);
    for line in data.chunks(57) {
        for c in line.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            out.push(ALPHABET[(n >> 18) as usize & 63] as char);
            out.push(ALPHABET[(n >> 12) as usize & 63] as char);
            out.push(if c.len() > 1 {
                ALPHABET[(n >> 6) as usize & 63] as char
            } else {
                '='
            });
            out.push(if c.len() > 2 {
                ALPHABET[n as usize & 63] as char
            } else {
                '='
            });
        }
        out.push_str("\r\n");
    }
    out
}

/// RFC 2045 quoted-printable with soft line breaks at 76 characters, CRLF line ends.
fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut col = 0;
        let bytes = line.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let last = i + 1 == bytes.len();
            let literal =
                (b == b' ' || b == b'\t') && !last || (b'!'..=b'~').contains(&b) && b != b'=';
            let width = if literal { 1 } else { 3 };
            if col + width > 75 {
                out.push_str("=\r\n");
                col = 0;
            }
            if literal {
                out.push(b as char);
            } else {
                write!(out, "={b:02X}").unwrap();
            }
            col += width;
        }
        out.push_str("\r\n");
    }
    out
}

/// Deterministic filler bytes (xorshift64*), so fixtures are identical on every run.
fn pseudo_random(len: usize, mut seed: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(len + 8);
    while v.len() < len {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        v.extend_from_slice(&seed.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    v.truncate(len);
    v
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

/// A short plain-text note between friends (~1 KB).
fn personal() -> Vec<u8> {
    let mut m = String::new();
    m.push_str(concat!(
        "Return-Path: <anna.keller@posteo.example>\r\n",
        "Received: from mout.posteo.example (mout.posteo.example [198.51.100.23])\r\n",
        "\tby mx.mailbox.example with ESMTPS id 4XyZ1b2c3d; Tue, 14 May 2024 18:02:11 +0200\r\n",
        "Authentication-Results: mx.mailbox.example; spf=pass smtp.mailfrom=posteo.example;\r\n",
        "\tdkim=pass header.d=posteo.example; dmarc=pass header.from=posteo.example\r\n",
        "From: Anna Keller <anna.keller@posteo.example>\r\n",
        "To: Tom Berger <tom.berger@mailbox.example>\r\n",
        "Subject: Re: Saturday hike?\r\n",
        "Date: Tue, 14 May 2024 18:02:07 +0200\r\n",
        "Message-ID: <8f2e1c4a-77b1-4d1e-9a51-0c1d2e3f4a5b@posteo.example>\r\n",
        "In-Reply-To: <c0ffee12-3456-7890-abcd-ef0123456789@mailbox.example>\r\n",
        "References: <c0ffee12-3456-7890-abcd-ef0123456789@mailbox.example>\r\n",
        "MIME-Version: 1.0\r\n",
        "Content-Type: text/plain; charset=utf-8; format=flowed\r\n",
        "Content-Transfer-Encoding: 8bit\r\n",
        "\r\n",
        "Hi Tom,\r\n",
        "\r\n",
        "Saturday works for me. Shall we meet at the station at 8:30? The forecast says\r\n",
        "sun until mid-afternoon, so we should be back before the rain. I'll bring the\r\n",
        "thermos and some sandwiches; could you print the trail map? Last time my phone\r\n",
        "died halfway up and we took the long way round.\r\n",
        "\r\n",
        "Jonas might join us too - he asked whether the route is ok for his knee. I told\r\n",
        "him it's mostly gentle except the last bit before the hut.\r\n",
        "\r\n",
        "See you then,\r\n",
        "Anna\r\n",
        "\r\n",
        "> On 14 May 2024, at 09:15, Tom Berger wrote:\r\n",
        "> Are you free for a hike on Saturday? Thinking of the ridge trail.\r\n",
    ));
    m.into_bytes()
}

/// A marketing newsletter: one quoted-printable text/html part with a hidden preheader, nested layout
/// tables, product cards and a tracking redirect behind every link (~40 KB).
fn newsletter() -> Vec<u8> {
    let track = |campaign: u32, pos: u32, target: &str| {
        format!(
            "https://click.news.shop.example/ls/click?upn=u001.{campaign:08x}{pos:04x}&amp;utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=spring24&amp;redirect={target}"
        )
    };
    let mut html = String::new();
    html.push_str(concat!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<title>Spring sale - up to 40% off</title>\n",
        "<style>body{margin:0;padding:0;background:#f4f4f4} .btn{background:#e4002b;color:#fff;",
        "padding:12px 24px;border-radius:4px;text-decoration:none} td{font-family:Arial,sans-serif}</style>\n",
        "</head><body>\n",
        "<div style=\"display:none;max-height:0;overflow:hidden;opacity:0;mso-hide:all\">",
        "Fresh picks for spring: up to 40% off jackets, free shipping over $50 &ndash; this week only.",
        "&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;</div>\n",
        "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" bgcolor=\"#f4f4f4\"><tr><td align=\"center\">\n",
        "<table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" bgcolor=\"#ffffff\">\n",
    ));
    let _ = writeln!(
        html,
        "<tr><td style=\"padding:8px;font-size:11px;color:#888\" align=\"center\">Trouble viewing this email? <a href=\"{}\">View it in your browser</a></td></tr>",
        track(7, 0, "https%3A%2F%2Fwww.shop.example%2Fnewsletter%2Fweb%2Fspring24")
    );
    let _ = writeln!(
        html,
        "<tr><td align=\"center\" style=\"padding:20px\"><a href=\"{}\"><img src=\"https://img.shop.example/email/logo.png\" width=\"180\" alt=\"Shop Example\"></a></td></tr>",
        track(7, 1, "https%3A%2F%2Fwww.shop.example%2F")
    );
    let sections = [
        "Jackets",
        "Knitwear",
        "Shoes",
        "Accessories",
        "Home",
        "Outdoor",
    ];
    let mut pos = 2;
    let mut item = 0u32;
    'outer: loop {
        for section in sections {
            let _ = writeln!(
                html,
                "<tr><td style=\"padding:24px 20px 8px;font-size:22px;font-weight:bold\">{section} &mdash; new this week</td></tr>\n<tr><td><table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"><tr>"
            );
            for _ in 0..3 {
                item += 1;
                let slug = format!("{}-{item:04}", section.to_ascii_lowercase());
                let target = format!("https%3A%2F%2Fwww.shop.example%2Fp%2F{slug}%3Fcolor%3Dnavy");
                let _ = writeln!(
                    html,
                    "<td width=\"33%\" valign=\"top\" style=\"padding:10px\"><a href=\"{}\"><img src=\"https://img.shop.example/p/{slug}/thumb.jpg\" width=\"170\" alt=\"{section} item {item}\" style=\"display:block;border:0\"></a>\n<p style=\"margin:8px 0 4px;font-size:14px\">{section} item {item} &ndash; organic cotton, regular fit</p>\n<p style=\"margin:0;font-size:14px\"><s>$89.00</s> <b style=\"color:#e4002b\">$53.40</b></p>\n<p><a class=\"btn\" href=\"{}\">Shop now</a></p></td>",
                    track(7, pos, &target),
                    track(7, pos + 1, &target)
                );
                pos += 2;
            }
            html.push_str("</tr></table></td></tr>\n");
            if html.len() > 36_000 {
                break 'outer;
            }
        }
    }
    let _ = writeln!(
        html,
        "<tr><td align=\"center\" style=\"padding:24px;font-size:11px;color:#888\">You are receiving this email because you signed up at shop.example.<br>\n<a href=\"{}\">Manage preferences</a> | <a href=\"{}\">Unsubscribe</a> | <a href=\"{}\">Privacy</a><br>\nShop Example Ltd, 1 Market Street, Springfield<img src=\"https://click.news.shop.example/open/u001.0007.gif\" width=\"1\" height=\"1\" alt=\"\"></td></tr>",
        track(7, pos, "https%3A%2F%2Fwww.shop.example%2Faccount%2Femail"),
        track(7, pos + 1, "https%3A%2F%2Fwww.shop.example%2Funsubscribe%3Fu%3D001"),
        track(7, pos + 2, "https%3A%2F%2Fwww.shop.example%2Fprivacy")
    );
    html.push_str("</table>\n</td></tr></table>\n</body></html>\n");

    let mut m = String::from(concat!(
        "Return-Path: <bounce-u001-0007@news.shop.example>\r\n",
        "Received: from mta12.news.shop.example (mta12.news.shop.example [192.0.2.87])\r\n",
        "\tby mx.mailbox.example with ESMTPS id 9QwErTy; Wed, 15 May 2024 07:00:03 +0000\r\n",
        "Authentication-Results: mx.mailbox.example; spf=pass smtp.mailfrom=news.shop.example;\r\n",
        "\tdkim=pass header.d=shop.example; dmarc=pass header.from=shop.example\r\n",
        "From: Shop Example <news@shop.example>\r\n",
        "Reply-To: Shop Example Customer Care <care@shop.example>\r\n",
        "To: tom.berger@mailbox.example\r\n",
        "Subject: =?utf-8?Q?Spring_sale_=E2=80=93_up_to_40=25_off_jackets?=\r\n",
        "Date: Wed, 15 May 2024 07:00:00 +0000\r\n",
        "Message-ID: <20240515070000.u001.0007@news.shop.example>\r\n",
        "List-Unsubscribe: <https://www.shop.example/unsubscribe?u=001>, <mailto:unsub-u001@news.shop.example>\r\n",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
        "List-ID: <spring24.news.shop.example>\r\n",
        "Precedence: bulk\r\n",
        "MIME-Version: 1.0\r\n",
        "Content-Type: text/html; charset=utf-8\r\n",
        "Content-Transfer-Encoding: quoted-printable\r\n",
        "\r\n",
    ));
    m.push_str(&quoted_printable(&html));
    m.into_bytes()
}

/// multipart/mixed: a multipart/alternative (plain + HTML) and a 200 KiB PDF-like attachment.
fn attachment() -> Vec<u8> {
    let mut pdf = Vec::with_capacity(200 * 1024);
    pdf.extend_from_slice(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n4 0 obj\n<< /Length 204000 /Filter /FlateDecode >>\nstream\n",
    );
    let tail = b"\nendstream\nendobj\nxref\n0 5\n0000000000 65535 f \ntrailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n0\n%%EOF\n";
    let fill = 200 * 1024 - pdf.len() - tail.len();
    pdf.extend_from_slice(&pseudo_random(fill, 0x9E37_79B9_7F4A_7C15));
    pdf.extend_from_slice(tail);
    assert_eq!(pdf.len(), 200 * 1024);

    let mut m = String::from(concat!(
        "Return-Path: <j.meier@buero-meier.example>\r\n",
        "Received: from smtp.buero-meier.example (smtp.buero-meier.example [203.0.113.10])\r\n",
        "\tby mx.mailbox.example with ESMTPS id 7AbCdEf; Thu, 16 May 2024 10:41:55 +0200\r\n",
        "Authentication-Results: mx.mailbox.example; spf=pass smtp.mailfrom=buero-meier.example;\r\n",
        "\tdkim=pass header.d=buero-meier.example; dmarc=pass header.from=buero-meier.example\r\n",
        "From: Julia Meier <j.meier@buero-meier.example>\r\n",
        "To: Tom Berger <tom.berger@mailbox.example>\r\n",
        "Subject: Quote 2024-117 for the kitchen renovation\r\n",
        "Date: Thu, 16 May 2024 10:41:50 +0200\r\n",
        "Message-ID: <a1b2c3d4.117@buero-meier.example>\r\n",
        "MIME-Version: 1.0\r\n",
        "Content-Type: multipart/mixed; boundary=\"=_mixed_5f1e\"\r\n",
        "\r\n",
        "This is a multi-part message in MIME format.\r\n",
        "\r\n",
        "--=_mixed_5f1e\r\n",
        "Content-Type: multipart/alternative; boundary=\"=_alt_77c2\"\r\n",
        "\r\n",
        "--=_alt_77c2\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n",
        "Content-Transfer-Encoding: 7bit\r\n",
        "\r\n",
        "Dear Mr Berger,\r\n",
        "\r\n",
        "please find attached our quote 2024-117 for the kitchen renovation we discussed\r\n",
        "on site last Tuesday. It covers removal of the old units, new wiring for the\r\n",
        "induction hob and the tiling. The quote is valid for 30 days.\r\n",
        "\r\n",
        "Kind regards,\r\n",
        "Julia Meier\r\n",
        "Buero Meier - https://www.buero-meier.example\r\n",
        "\r\n",
        "--=_alt_77c2\r\n",
        "Content-Type: text/html; charset=utf-8\r\n",
        "Content-Transfer-Encoding: 7bit\r\n",
        "\r\n",
        "<html><body><p>Dear Mr Berger,</p>\r\n",
        "<p>please find attached our quote 2024-117 for the kitchen renovation we discussed on site last\r\n",
        "Tuesday. It covers removal of the old units, new wiring for the induction hob and the tiling.\r\n",
        "The quote is valid for 30 days.</p>\r\n",
        "<p>Kind regards,<br>Julia Meier<br><a href=\"https://www.buero-meier.example\">Buero Meier</a></p>\r\n",
        "</body></html>\r\n",
        "\r\n",
        "--=_alt_77c2--\r\n",
        "\r\n",
        "--=_mixed_5f1e\r\n",
        "Content-Type: application/pdf; name=\"Quote_2024-117.pdf\"\r\n",
        "Content-Disposition: attachment; filename=\"Quote_2024-117.pdf\"\r\n",
        "Content-Transfer-Encoding: base64\r\n",
        "\r\n",
    ));
    m.push_str(&base64_lines(&pdf));
    m.push_str("\r\n--=_mixed_5f1e--\r\n");
    m.into_bytes()
}

/// Korean tax-refund lure: Subject and From display name as raw 8-bit EUC-KR, EUC-KR HTML body,
/// links to a bare IP address and to a look-alike of hometax.go.kr.
fn ko_phish() -> Vec<u8> {
    let head = concat!(
        "Return-Path: <notice@hometax-go.kr>\r\n",
        "Received: from mail.hometax-go.kr (unknown [203.0.113.45])\r\n",
        "\tby mx.mailbox.example with ESMTP id 3KrTx9; Mon, 13 May 2024 09:12:40 +0900\r\n",
        "Authentication-Results: mx.mailbox.example; spf=softfail smtp.mailfrom=hometax-go.kr;\r\n",
        "\tdkim=none; dmarc=none header.from=hometax-go.kr\r\n",
        "From: \"국세청 홈택스\" <notice@hometax-go.kr>\r\n",
        "Reply-To: nts.refund2024@gmail.com\r\n",
        "To: \"김민수\" <minsu.kim@company.example>\r\n",
        "Subject: [국세청] 2023년 귀속 종합소득세 환급금 지급 안내 (기한: 5월 31일)\r\n",
        "Date: Mon, 13 May 2024 09:12:33 +0900\r\n",
        "Message-ID: <20240513091233.4412@hometax-go.kr>\r\n",
        "MIME-Version: 1.0\r\n",
        "Content-Type: text/html; charset=\"euc-kr\"\r\n",
        "Content-Transfer-Encoding: 8bit\r\n",
        "\r\n",
    );
    let body = concat!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-kr\"></head>\r\n",
        "<body style=\"font-family:'맑은 고딕',sans-serif\">\r\n",
        "<table width=\"640\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" align=\"center\">\r\n",
        "<tr><td style=\"background:#003478;padding:16px\"><img src=\"http://203.0.113.45/img/nts_logo.png\" alt=\"국세청\"></td></tr>\r\n",
        "<tr><td style=\"padding:24px\">\r\n",
        "<p>김민수 님, 안녕하십니까.</p>\r\n",
        "<p>국세청 전산 확인 결과, 귀하의 2023년 귀속 종합소득세 신고 내역에서 원천징수 세액이 과다 납부되어 ",
        "<b>환급금 1,287,400원</b>이 발생하였습니다.</p>\r\n",
        "<p>종합소득세 환급 신청은 <b style=\"color:#c00\">2024년 5월 31일</b>까지 가능하며, 기한 내 신청하지 않으실 경우 ",
        "환급금이 국고로 귀속될 수 있습니다.</p>\r\n",
        "<p>아래 버튼을 눌러 본인 인증 후 환급 계좌를 등록해 주십시오.</p>\r\n",
        "<p align=\"center\"><a href=\"http://203.0.113.45/hometax/refund.php?id=minsu.kim%40company.example&amp;amt=1287400\" ",
        "style=\"background:#003478;color:#fff;padding:12px 32px;text-decoration:none\">환급금 조회 및 신청하기</a></p>\r\n",
        "<p>원천징수영수증 및 환급 명세서는 <a href=\"https://www.hometax-go.kr/websquare/websquare.html?w2xPath=/ui/pp/index_pp.xml&amp;menu=refund\">",
        "https://www.hometax.go.kr</a> 에서 확인하실 수 있습니다.</p>\r\n",
        "<p style=\"font-size:12px;color:#666\">※ 본 메일은 발신 전용입니다. 문의사항은 국세상담센터(126)로 연락 주시기 바랍니다.</p>\r\n",
        "</td></tr>\r\n",
        "<tr><td style=\"padding:16px;font-size:11px;color:#999;border-top:1px solid #ddd\">",
        "국세청 | 세종특별자치시 국세청로 8-14 | Copyright (c) National Tax Service. All rights reserved.</td></tr>\r\n",
        "</table></body></html>\r\n",
    );
    let (h, _, unmappable) = encoding_rs::EUC_KR.encode(head);
    assert!(!unmappable, "header text must be representable in EUC-KR");
    let (b, _, unmappable) = encoding_rs::EUC_KR.encode(body);
    assert!(!unmappable, "body text must be representable in EUC-KR");
    let mut m = h.into_owned();
    m.extend_from_slice(&b);
    m
}

// ---------------------------------------------------------------------------------------------

fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("personal", personal()),
        ("newsletter", newsletter()),
        ("attachment", attachment()),
        ("ko_phish", ko_phish()),
    ]
}

/// Checks, outside any timed loop, that each fixture parses into what its name promises, so the
/// numbers measure the intended paths (decoding, attachment typing, legacy-charset headers).
fn sanity_check(name: &str, raw: &[u8], limits: &Limits) {
    let mail = parse(raw, limits);
    match name {
        "personal" => assert_eq!(mail.subject.as_deref(), Some("Re: Saturday hike?")),
        "newsletter" => {
            assert!(
                mail.links.len() >= 100,
                "newsletter: {} links",
                mail.links.len()
            );
            assert!(mail
                .subject
                .as_deref()
                .unwrap_or_default()
                .contains("40% off"));
        }
        "attachment" => {
            assert_eq!(mail.attachments.len(), 1);
            assert_eq!(mail.attachments[0].size, 200 * 1024);
            assert!(mail.attachments[0].data.starts_with(b"%PDF-"));
        }
        "ko_phish" => {
            assert!(
                mail.subject
                    .as_deref()
                    .unwrap_or_default()
                    .contains("종합소득세 환급"),
                "subject: {:?}",
                mail.subject
            );
            assert_eq!(
                mail.from.first().and_then(|m| m.name.as_deref()),
                Some("국세청 홈택스")
            );
            assert!(mail.links.iter().any(|l| l.url.contains("203.0.113.45")));
            assert!(mail.links.iter().any(|l| l.url.contains("hometax-go.kr")));
        }
        _ => unreachable!(),
    }
}

fn bench_parse(c: &mut Criterion) {
    let limits = Limits::default();
    let mut group = c.benchmark_group("parse");
    for (name, raw) in fixtures() {
        sanity_check(name, &raw, &limits);
        group.throughput(Throughput::Bytes(raw.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(name),
            raw.as_slice(),
            |b, raw| {
                b.iter(|| parse(black_box(raw), &limits));
            },
        );
    }
    group.finish();
}

fn bench_scan(c: &mut Criterion) {
    let engine = Engine::default();
    let mut group = c.benchmark_group("scan");
    for (name, raw) in fixtures() {
        let path = format!("bench/{name}.eml");
        group.throughput(Throughput::Bytes(raw.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(name),
            raw.as_slice(),
            |b, raw| {
                b.iter(|| engine.scan(black_box(raw), &path));
            },
        );
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_parse, bench_scan
}
criterion_main!(benches);
