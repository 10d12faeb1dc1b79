//! Raw bytes to [`Mail`], over mail-parser.

use crate::model::*;
use crate::{filetype, html, urls};
use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashSet;
use std::panic::catch_unwind;

/// Bounds on the work done for one message. Hitting one records [`Anomaly::LimitReached`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// MIME parts analysed (all nesting levels together).
    pub max_parts: usize,
    /// Bytes of each HTML part scanned for text and links.
    pub max_html_bytes: usize,
    /// Bytes of each text part kept for lexicon matching and URL search.
    pub max_text_bytes: usize,
    /// URLs kept per message.
    pub max_links: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_parts: 512,
            max_html_bytes: 2 << 20,
            max_text_bytes: 1 << 20,
            max_links: 2000,
        }
    }
}

/// Headers that RFC 5322 §3.6 allows at most once.
/// References kept per message: long threads carry hundreds; the nearest ones say which thread it is.
pub const MAX_REFERENCES: usize = 32;

const SINGLE_HEADERS: &[&str] = &[
    "From",
    "Sender",
    "Reply-To",
    "To",
    "Cc",
    "Subject",
    "Message-ID",
    "Date",
    "In-Reply-To",
    "References",
];

/// Parses `raw` into the owned model. Never fails: what cannot be read is an [`Anomaly`].
pub fn parse(raw: &[u8], limits: &Limits) -> Mail {
    let mut mail = Mail {
        size: raw.len(),
        ..Mail::default()
    };
    let transcoded = transcode_8bit_headers(raw, &mut mail);
    let bytes: &[u8] = transcoded.as_deref().unwrap_or(raw);
    // mail-parser asserts its own invariants in debug builds and hostile MIME can trip them (found by
    // fuzzing: "Invalid part ID, could not find multipart"). Contain that here and fall back to the
    // header section alone, so the message still gets its sender and subject checks.
    let parsed = catch_unwind(|| MessageParser::default().parse(bytes)).unwrap_or_else(|_| {
        mail.anomalies.push(Anomaly::ParserFailed);
        let end = header_end(bytes);
        catch_unwind(|| MessageParser::default().parse(&bytes[..end]))
            .ok()
            .flatten()
    });
    let Some(msg) = parsed else {
        mail.anomalies.push(Anomaly::Unparsable);
        return mail;
    };

    for h in msg.headers() {
        let raw_value = bytes
            .get(h.offset_start() as usize..h.offset_end() as usize)
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        mail.headers
            .push((h.name().to_string(), header_text(h.value(), &raw_value)));
    }
    for name in SINGLE_HEADERS {
        let count = mail.header_values(name).count();
        if count > 1 {
            mail.anomalies.push(Anomaly::DuplicateHeader {
                name: name.to_string(),
                count,
            });
        }
    }

    mail.message_id = msg.message_id().map(str::to_string);
    mail.date = msg.date().map(|d| d.to_timestamp());
    // In-Reply-To first, then References newest first: the nearest ancestor leads (RFC 5322 §3.6.4).
    for h in [msg.in_reply_to(), msg.references()] {
        let ids: Vec<&str> = match h {
            mail_parser::HeaderValue::Text(t) => vec![t.as_ref()],
            mail_parser::HeaderValue::TextList(l) => l.iter().rev().map(|t| t.as_ref()).collect(),
            _ => Vec::new(),
        };
        for id in ids {
            if mail.references.len() < MAX_REFERENCES && !mail.references.iter().any(|r| r == id) {
                mail.references.push(id.to_string());
            }
        }
    }
    mail.subject = msg.subject().map(|s| s.trim().to_string());
    let (from, fragments) = merge_name_fragments(mailboxes(msg.from()));
    mail.from = from;
    mail.sender = mailboxes(msg.sender()).into_iter().next();
    mail.reply_to = mailboxes(msg.reply_to());
    mail.to = mailboxes(msg.to());
    mail.cc = mailboxes(msg.cc());
    mail.return_path = msg
        .return_address()
        .map(|s| {
            s.trim()
                .trim_matches(|c| c == '<' || c == '>')
                .to_ascii_lowercase()
        })
        .filter(|s| !s.is_empty());

    if mail.header("From").is_none() {
        mail.anomalies.push(Anomaly::NoFromHeader);
    } else if mail.from.iter().all(|m| m.address.is_none()) {
        let raw = raw_header(&msg, bytes, "From");
        mail.anomalies.push(Anomaly::UnparsableAddress {
            header: "From".into(),
            raw,
        });
    }
    if mail.from.len() > 1 {
        mail.anomalies
            .push(Anomaly::MultipleFromAddresses(mail.from.len()));
    }
    if fragments > 0 {
        mail.anomalies.push(Anomaly::FromNameFragments(fragments));
    }
    if mail.message_id.is_none() {
        mail.anomalies.push(Anomaly::MissingMessageId);
    }

    let mut seen_links = HashSet::new();
    walk(&msg, 0, limits, &mut mail, &mut seen_links);

    if mail.bodies.iter().all(|b| b.text.trim().is_empty()) && mail.attachments.is_empty() {
        mail.anomalies.push(Anomaly::EmptyBody);
    }
    mail
}

/// Walks the parts of `msg` (and of nested messages) in order.
fn walk(
    msg: &mail_parser::Message<'_>,
    depth: usize,
    limits: &Limits,
    mail: &mut Mail,
    seen: &mut HashSet<(String, UrlSource)>,
) {
    for (local, part) in msg.parts.iter().enumerate() {
        if mail.parts.len() >= limits.max_parts {
            mail.anomalies.push(Anomaly::LimitReached {
                what: "MIME parts",
                limit: limits.max_parts,
            });
            return;
        }
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
                None => ct.ctype().to_ascii_lowercase(),
            })
            .unwrap_or_else(|| "text/plain".to_string());
        let idx = mail.parts.len();
        mail.parts.push(Part {
            content_type: content_type.clone(),
            message_depth: depth,
            size: part.len(),
            encoding_problem: part.is_encoding_problem,
        });
        if part.is_encoding_problem {
            mail.anomalies.push(Anomaly::EncodingProblem { part: idx });
        }
        let is_attachment = part
            .content_disposition()
            .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"))
            || (part.attachment_name().is_some()
                && !matches!(part.body, PartType::Text(_) | PartType::Html(_)))
            || (local != 0
                && msg.attachments.contains(&(local as u32))
                && !msg.text_body.contains(&(local as u32))
                && !msg.html_body.contains(&(local as u32)));
        match &part.body {
            PartType::Multipart(_) => {}
            PartType::Message(nested) => {
                mail.nested.push(NestedMessage {
                    part: idx,
                    from: mailboxes(nested.from()).into_iter().next(),
                    subject: nested.subject().map(str::to_string),
                });
                walk(nested, depth + 1, limits, mail, seen);
            }
            PartType::Text(text) => {
                if is_attachment {
                    push_attachment(mail, idx, part, &content_type, text.as_bytes());
                } else {
                    let text = clip(text, limits.max_text_bytes);
                    let mut found = Vec::new();
                    urls::find_in_text(text, idx, &mut found, limits.max_links);
                    push_links(mail, found, seen, limits);
                    mail.bodies.push(TextBody {
                        part: idx,
                        text: text.to_string(),
                        from_html: false,
                        ..TextBody::default()
                    });
                }
            }
            PartType::Html(h) => {
                if is_attachment {
                    push_attachment(mail, idx, part, &content_type, h.as_bytes());
                }
                scan_html(mail, idx, h, limits, seen);
            }
            PartType::Binary(data) | PartType::InlineBinary(data) => {
                push_attachment(mail, idx, part, &content_type, data);
                // An HTML file sent as application/octet-stream is still a page the reader opens in
                // a browser: read its links and forms like an HTML body.
                if filetype::sniff(data) == FileKind::Html {
                    let html =
                        String::from_utf8_lossy(&data[..data.len().min(limits.max_html_bytes)]);
                    scan_html(mail, idx, &html, limits, seen);
                }
            }
        }
    }
}

fn scan_html(
    mail: &mut Mail,
    idx: usize,
    h: &str,
    limits: &Limits,
    seen: &mut HashSet<(String, UrlSource)>,
) {
    let s = html::scan(h, limits.max_html_bytes);
    if s.truncated {
        mail.anomalies.push(Anomaly::LimitReached {
            what: "HTML bytes per part",
            limit: limits.max_html_bytes,
        });
    }
    let mut found = Vec::new();
    for a in s.anchors {
        found.extend(urls::make_link(&a.href, UrlSource::Href, idx, Some(a.text)));
    }
    for f in &s.forms {
        if let Some(action) = &f.action {
            found.extend(urls::make_link(action, UrlSource::FormAction, idx, None));
        }
    }
    for r in &s.refresh {
        found.extend(urls::make_link(r, UrlSource::MetaRefresh, idx, None));
    }
    for r in &s.resources {
        found.extend(urls::make_link(r, UrlSource::Resource, idx, None));
    }
    // URLs written as plain text in the HTML, not as links.
    let mut in_text = Vec::new();
    urls::find_in_text(&s.text, idx, &mut in_text, limits.max_links);
    let hrefs: HashSet<&str> = found.iter().map(|l| l.url.as_str()).collect();
    in_text.retain(|l| !hrefs.contains(l.url.as_str()));
    found.extend(in_text);
    push_links(mail, found, seen, limits);
    mail.forms.extend(
        s.forms
            .into_iter()
            .filter(|f| f.action.is_some() || f.has_password)
            .map(|f| Form {
                part: idx,
                action: f.action,
                has_password: f.has_password,
                inputs: f.inputs,
            }),
    );
    mail.bodies.push(TextBody {
        part: idx,
        text: s.text,
        from_html: true,
        hidden_chars: s.hidden_chars,
        hidden_sample: s.hidden_sample,
    });
}

fn push_links(
    mail: &mut Mail,
    found: Vec<Link>,
    seen: &mut HashSet<(String, UrlSource)>,
    limits: &Limits,
) {
    for l in found {
        if mail.links.len() >= limits.max_links {
            mail.anomalies.push(Anomaly::LimitReached {
                what: "URLs",
                limit: limits.max_links,
            });
            return;
        }
        // The same URL may appear as text and as href: keep one per source.
        if seen.insert((l.url.clone(), l.source)) {
            mail.links.push(l);
        }
    }
}

fn push_attachment(
    mail: &mut Mail,
    idx: usize,
    part: &mail_parser::MessagePart<'_>,
    declared: &str,
    data: &[u8],
) {
    mail.attachments.push(Attachment {
        part: idx,
        name: part
            .attachment_name()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        declared_type: declared.to_string(),
        detected_type: filetype::sniff(data),
        size: data.len(),
        sha256: hex::encode(Sha256::digest(data)),
        data: data.to_vec(),
    });
}

fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let cut = s.floor_char_boundary(max);
    &s[..cut]
}

fn mailboxes(a: Option<&Address<'_>>) -> Vec<Mailbox> {
    let Some(a) = a else { return Vec::new() };
    a.iter()
        .map(|addr| Mailbox {
            name: addr
                .name()
                .map(|n| n.trim().trim_matches('"').trim().to_string())
                .filter(|n| !n.is_empty()),
            address: addr
                .address()
                .map(normalise_address)
                .filter(|a| !a.is_empty()),
        })
        .collect()
}

/// `From: Microsoft account team ,_<x@evil.example>` parses as two mailboxes: a bare name and `"_"
/// <x@evil.example>`. Mail clients show the name, so fold address-less fragments into the display name
/// of the next mailbox that has an address (dropping a name with no letters or digits, like "_").
/// Returns the mailboxes and how many fragments were folded.
fn merge_name_fragments(v: Vec<Mailbox>) -> (Vec<Mailbox>, usize) {
    if v.len() < 2 || v.iter().all(|m| m.address.is_some()) || v.iter().all(|m| m.address.is_none())
    {
        return (v, 0);
    }
    let mut out = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut folded = 0;
    for mut m in v {
        if m.address.is_none() {
            pending.extend(m.name);
            folded += 1;
            continue;
        }
        if !pending.is_empty() {
            let own = m
                .name
                .take()
                .filter(|n| n.chars().any(char::is_alphanumeric));
            pending.extend(own);
            m.name = Some(pending.join(" "));
            pending.clear();
        }
        out.push(m);
    }
    (out, folded)
}

/// Lower-cases the domain (RFC 5321 §2.4: domains are case-insensitive; local parts are kept).
fn normalise_address(a: &str) -> String {
    let a = a.trim();
    match a.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
        None => a.to_string(),
    }
}

fn raw_header(msg: &mail_parser::Message<'_>, bytes: &[u8], name: &str) -> String {
    msg.headers()
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(name))
        .and_then(|h| bytes.get(h.offset_start() as usize..h.offset_end() as usize))
        .map(|b| String::from_utf8_lossy(b).trim().to_string())
        .unwrap_or_default()
}

/// The decoded text of a header value, falling back to the raw value with folding removed.
fn header_text(v: &HeaderValue<'_>, raw: &str) -> String {
    match v {
        // Unstructured fields mail-parser does not know keep their folding (RFC 5322 §2.2.3).
        HeaderValue::Text(t) if t.contains('\n') => unfold(t),
        HeaderValue::Text(t) => t.to_string(),
        HeaderValue::TextList(l) => l.join(", "),
        HeaderValue::Address(a) => a
            .iter()
            .map(|m| {
                let mb = Mailbox {
                    name: m.name().map(str::to_string),
                    address: m.address().map(str::to_string),
                };
                mb.display()
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => unfold(raw),
    }
}

fn unfold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, line) in raw.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if i > 0 {
            out.push(' ');
            out.push_str(line.trim_start());
        } else {
            out.push_str(line);
        }
    }
    out.trim().to_string()
}

/// RFC 5322 headers are US-ASCII; RFC 6532 allows UTF-8. Mail still arrives with raw EUC-KR, CP949,
/// GB2312 or Windows-1252 bytes in Subject and From. When the header section is not valid UTF-8, decode
/// it with the charset the message declares (`charset=` in its Content-Type), else the one chardetng
/// guesses, and re-assemble the message with a UTF-8 header section.
fn transcode_8bit_headers(raw: &[u8], mail: &mut Mail) -> Option<Vec<u8>> {
    let end = header_end(raw);
    let head = &raw[..end];
    if head.is_ascii() || std::str::from_utf8(head).is_ok() {
        return None;
    }
    let declared =
        declared_charset(head).and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()));
    let enc = declared.unwrap_or_else(|| {
        let mut det = chardetng::EncodingDetector::new();
        det.feed(head, true);
        det.guess(None, true)
    });
    let (text, _, _) = enc.decode(head);
    mail.anomalies.push(Anomaly::EightBitHeaders {
        charset: enc.name().to_string(),
    });
    let mut out = Vec::with_capacity(raw.len() + text.len());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&raw[end..]);
    Some(out)
}

/// Offset of the blank line ending the header section (or the end of the input).
fn header_end(raw: &[u8]) -> usize {
    let mut i = 0;
    while let Some(n) = memchr::memchr(b'\n', &raw[i..]) {
        let nl = i + n;
        let next = nl + 1;
        if raw.get(next) == Some(&b'\n')
            || (raw.get(next) == Some(&b'\r') && raw.get(next + 1) == Some(&b'\n'))
        {
            return next;
        }
        i = next;
    }
    raw.len()
}

fn declared_charset(head: &[u8]) -> Option<String> {
    let lower: Cow<'_, str> = String::from_utf8_lossy(head);
    let lower = lower.to_ascii_lowercase();
    let at = lower.find("charset=")? + "charset=".len();
    let v: String = lower[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        .collect();
    (!v.is_empty()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(raw: &[u8]) -> Mail {
        parse(raw, &Limits::default())
    }

    #[test]
    fn addresses_subject_and_bodies() {
        let m = p(b"From: \"Kim Minjun\" <Kim@Samil-Tax.KR>\r\nReply-To: other@gmail.com\r\nReturn-Path: <bounce@mailer.example>\r\nSubject: =?UTF-8?B?7JuQ7LKc7KeV7IiY?=\r\nMessage-ID: <a@b>\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee https://example.com/x\r\n--b\r\nContent-Type: text/html\r\n\r\n<a href=\"https://evil.example/\">https://example.com/x</a>\r\n--b--\r\n");
        let from = m.from().unwrap();
        assert_eq!(from.name.as_deref(), Some("Kim Minjun"));
        assert_eq!(from.address.as_deref(), Some("Kim@samil-tax.kr"));
        assert_eq!(from.domain(), Some("samil-tax.kr"));
        assert_eq!(m.reply_to[0].address.as_deref(), Some("other@gmail.com"));
        assert_eq!(m.return_path.as_deref(), Some("bounce@mailer.example"));
        assert_eq!(m.subject.as_deref(), Some("원천징수"));
        assert_eq!(m.bodies.len(), 2);
        assert!(m.bodies[1].from_html);
        assert_eq!(m.links.len(), 2, "{:?}", m.links);
        let href = m
            .links
            .iter()
            .find(|l| l.source == UrlSource::Href)
            .unwrap();
        assert_eq!(href.host.as_deref(), Some("evil.example"));
        assert_eq!(href.anchor_text.as_deref(), Some("https://example.com/x"));
        assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
    }

    #[test]
    fn raw_euc_kr_headers_are_decoded() {
        let (subject, _, _) = encoding_rs::EUC_KR.encode("[국세청] 종합소득세 환급 안내");
        let (name, _, _) = encoding_rs::EUC_KR.encode("국세청");
        let mut raw = b"From: ".to_vec();
        raw.extend_from_slice(&name);
        raw.extend_from_slice(b" <nts@hometax-kr.example>\r\nSubject: ");
        raw.extend_from_slice(&subject);
        raw.extend_from_slice(b"\r\nContent-Type: text/plain; charset=euc-kr\r\n\r\nbody\r\n");
        let m = p(&raw);
        assert_eq!(m.subject.as_deref(), Some("[국세청] 종합소득세 환급 안내"));
        assert_eq!(m.from().unwrap().name.as_deref(), Some("국세청"));
        assert_eq!(
            m.anomalies
                .iter()
                .filter(|a| matches!(a, Anomaly::EightBitHeaders { .. }))
                .count(),
            1
        );
    }

    #[test]
    fn attachments_nested_and_anomalies() {
        let m = p(b"From: a@b.example\r\nFrom: c@d.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x\r\nContent-Type: application/pdf; name=\"invoice.pdf\"\r\nContent-Disposition: attachment; filename=\"invoice.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--x\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@e.example\r\nSubject: inner\r\n\r\nsee http://inner.example/\r\n--x--\r\n");
        assert_eq!(m.attachments.len(), 1);
        let a = &m.attachments[0];
        assert_eq!(a.name.as_deref(), Some("invoice.pdf"));
        assert_eq!(a.declared_type, "application/pdf");
        assert_eq!(a.detected_type, FileKind::Pe);
        assert_eq!(a.sha256.len(), 64);
        assert_eq!(m.nested.len(), 1);
        assert_eq!(m.nested[0].subject.as_deref(), Some("inner"));
        assert!(m
            .links
            .iter()
            .any(|l| l.host.as_deref() == Some("inner.example")));
        assert!(m.anomalies.contains(&Anomaly::DuplicateHeader {
            name: "From".into(),
            count: 2
        }));
        assert!(m.anomalies.contains(&Anomaly::MissingMessageId));
    }

    #[test]
    fn display_name_fragments_fold_into_the_address() {
        let m = p(b"From: Microsoft account team ,_<no-reply@access.example>\r\n\r\nx");
        assert_eq!(m.from.len(), 1);
        assert_eq!(m.from[0].name.as_deref(), Some("Microsoft account team"));
        assert_eq!(
            m.from[0].address.as_deref(),
            Some("no-reply@access.example")
        );
        assert!(!m
            .anomalies
            .iter()
            .any(|a| matches!(a, Anomaly::MultipleFromAddresses(_))));
        assert!(m.anomalies.contains(&Anomaly::FromNameFragments(1)));
        let m = p(b"From: \"Doe, Jane\" <jane@corp.example>\r\n\r\nx");
        assert!(!m
            .anomalies
            .iter()
            .any(|a| matches!(a, Anomaly::FromNameFragments(_))));
    }

    #[test]
    fn garbage_never_panics() {
        for raw in [
            &b""[..],
            b"\xff\xfe\x00",
            b"From:\r\n\r\n",
            b"Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\n",
            b"From: <>\r\nSubject: =?x?B?@@@?=\r\n\r\n",
        ] {
            let _ = p(raw);
        }
        let m = p(b"Subject: x\r\n\r\n");
        assert!(m.anomalies.contains(&Anomaly::NoFromHeader));
        assert!(m.anomalies.contains(&Anomaly::EmptyBody));
    }
}
