//! The content engine inside a scan: attachment trees in the report, their findings in the verdict,
//! document text read by the lure detector.

use spearwatch_engine::Engine;

fn b64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn mail_with(name: &str, ctype: &str, body: &str, data: &[u8]) -> Vec<u8> {
    format!(
        "From: \"Billing\" <billing@vendor.example>\r\nTo: kim@corp.example\r\nSubject: document\r\nMessage-ID: <1@vendor.example>\r\nDate: Tue, 24 Nov 2026 09:00:00 +0900\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n--b\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        b64(data)
    )
    .into_bytes()
}

#[test]
fn html_attachment_with_login_form_and_tax_lure_in_the_page() {
    let page = "<html><body><h1>국세청 홈택스</h1><p>종합소득세 환급 대상입니다. 환급금 신청을 위해 로그인하세요.</p>\
        <form action=\"https://hometax-refund.example/login.php\" method=\"post\"><input name=\"id\"><input type=\"password\" name=\"pw\"></form></body></html>";
    // Declared as a download: the page is not a body part, so only the content engine reads its text.
    let raw = mail_with(
        "refund.html",
        "application/octet-stream",
        "Please see the attached notice.",
        page.as_bytes(),
    );
    let r = Engine::default().scan(&raw, "t.eml");
    let ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.contains(&"html.credential_form"), "{ids:?}");
    assert!(
        ids.contains(&"lure.tax"),
        "the lure is only in the attachment: {ids:?}"
    );
    assert!(r.is_flagged(), "{:?} {}", r.verdict, r.score);
    let json = serde_json::to_value(&r).unwrap();
    let a = &json["attachments"][0];
    assert_eq!(a["format"], "HTML page");
    assert!(a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "html.credential_form"));
}

#[test]
fn forwarded_message_attachment_is_opened_recursively() {
    let inner = format!(
        "From: a@b.example\r\nTo: c@d.example\r\nSubject: inner\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n종합소득세 환급 대상입니다. 국세청 환급금 신청서를 확인하세요.\r\n--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"statement.pdf.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--x--\r\n",
        b64(b"MZ\x90\x00\x03\x00\x00\x00")
    );
    let raw = mail_with(
        "fwd.eml",
        "application/octet-stream",
        "fyi",
        inner.as_bytes(),
    );
    let r = Engine::default().scan(&raw, "t.eml");
    let json = serde_json::to_value(&r).unwrap();
    let child = &json["attachments"][0]["children"][0];
    assert_eq!(child["path"], "fwd.eml > statement.pdf.exe");
    assert!(child["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "attachment.double_extension"));
    assert_eq!(r.verdict, spearwatch_core::Verdict::Malicious);
    // The lure is only in the forwarded message: the lure detector read it through the content engine.
    let lure = r
        .findings
        .iter()
        .find(|f| f.id == "lure.tax")
        .expect("lure.tax");
    assert_eq!(
        lure.evidence[0].source,
        spearwatch_core::Source::Attachment {
            part: 2,
            name: "fwd.eml".into()
        }
    );
}

#[test]
fn links_inside_an_attached_pdf_are_judged_like_links_in_the_body() {
    let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [4 0 R] >>\nendobj\n4 0 obj\n<< /Type /Annot /Subtype /Link /Rect [0 0 612 792] /A << /S /URI /URI (http://198.51.100.7/hometax/login.php) >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
    let raw = mail_with(
        "statement.pdf",
        "application/pdf",
        "Your statement is attached.",
        pdf,
    );
    let r = Engine::default().scan(&raw, "t.eml");
    let ip = r
        .findings
        .iter()
        .find(|f| f.id == "links.ip_literal")
        .expect("the PDF's link to an IP address is judged");
    assert_eq!(ip.evidence[0].value, "198.51.100.7");
    let json = serde_json::to_value(&r).unwrap();
    let u = json["urls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["source"] == "document")
        .expect("document link in urls");
    assert_eq!(u["part"], 2);
}

/// An encrypted zip whose password the mail gives (ZipCrypto, as Korean archivers write it).
fn encrypted_zip(members: &[(&str, &[u8])], password: &str) -> Vec<u8> {
    use std::io::Write;
    use zip::unstable::write::FileOptionsExt;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .with_deprecated_encryption(password.as_bytes())
        .unwrap();
    for (name, data) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn encrypted_archive_is_judged_by_what_it_holds_once_opened() {
    let body =
        "11월 급여명세서를 보내드립니다. 개인정보 보호를 위해 암호를 걸었습니다.\r\n비밀번호: 0427";
    // A payroll notice as Korean HR departments send them: nothing inside runs.
    let benign = encrypted_zip(
        &[("급여명세서_11월.txt", "기본급 3,000,000원".as_bytes())],
        "0427",
    );
    // From a real-looking domain (the shared helper's `.example` sender is itself a finding).
    let raw = String::from_utf8(mail_with("payslip.zip", "application/zip", body, &benign))
        .unwrap()
        .replace("billing@vendor.example", "hr@payroll.co.kr");
    let r = Engine::default().scan(raw.as_bytes(), "t.eml");
    let ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.contains(&"archive.encrypted_opened"), "{ids:?}");
    assert!(ids.contains(&"archive.password_in_mail"), "{ids:?}");
    assert!(!r.is_flagged(), "{:?} {} {ids:?}", r.verdict, r.score);
    // The same mail with a shortcut inside is malicious: the members are what counts.
    let lnk = b"L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0F";
    let bad = encrypted_zip(&[("급여명세서_11월.pdf.lnk", lnk)], "0427");
    let r = Engine::default().scan(
        &mail_with("payslip.zip", "application/zip", body, &bad),
        "t.eml",
    );
    assert_eq!(
        r.verdict,
        spearwatch_core::Verdict::Malicious,
        "{}",
        r.score
    );
    // Without the password the archive hides its content: that alone is suspicious.
    let r = Engine::default().scan(
        &mail_with(
            "payslip.zip",
            "application/zip",
            "11월 급여명세서입니다.",
            &benign,
        ),
        "t.eml",
    );
    assert!(r.findings.iter().any(|f| f.id == "archive.encrypted"));
}
