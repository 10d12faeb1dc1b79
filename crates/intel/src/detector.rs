//! `intel.indicator`: a known-bad indicator in the message.
//!
//! Looked at: the addresses and domains of From, Reply-To, Sender and Return-Path; every link's URL
//! and host (domain or IP literal), including links the content engine found in attached documents;
//! the SHA-256, SHA-1 and MD5 of every attachment and of every object the content engine opened inside
//! one (an archive's members, a document's embedded objects; SHA-1 and MD5 for objects of a file
//! type, see `spearwatch_content::Node::set_hashes`); crypto addresses in the body text and in the
//! text of attached documents.
//!
//! Severity: critical for a file hash, and for a network indicator whose feed gives a confidence of
//! 80 or more; high otherwise; medium for attributes the feed marked not for detection (MISP
//! `to_ids: false`). Crypto addresses are high: a sanctioned or stolen-funds wallet in a payment
//! request is a strong sign, yet no payload.

use crate::{Indicator, IndicatorSet, Kind};
use spearwatch_core::{technique as t, Evidence, Finding, Severity, Source};
use spearwatch_detect::{Context, Detector, ObjectHashes};
use std::sync::Arc;

/// Matches a message against an [`IndicatorSet`].
pub struct IntelDetector {
    pub set: Arc<IndicatorSet>,
}

/// At most this many `intel.indicator` findings per message (the score counts the id once anyway).
const MAX_FINDINGS: usize = 20;
/// Confidence from which a network indicator is critical.
const HIGH_CONFIDENCE: u8 = 80;

impl IntelDetector {
    pub fn new(set: Arc<IndicatorSet>) -> Self {
        IntelDetector { set }
    }
}

struct Hit<'a> {
    ind: &'a Indicator,
    evidence: Evidence,
    /// Where, in words: "the From domain", "a link host".
    place: String,
}

impl Detector for IntelDetector {
    fn name(&self) -> &'static str {
        "intel"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if self.set.is_empty() {
            return;
        }
        let mail = cx.mail;
        let s = &*self.set;
        let mut hits: Vec<Hit<'_>> = Vec::new();

        // Senders.
        let mut addrs: Vec<(&str, &str)> = Vec::new();
        for m in &mail.from {
            if let Some(a) = m.address.as_deref() {
                addrs.push(("From", a));
            }
        }
        for m in &mail.reply_to {
            if let Some(a) = m.address.as_deref() {
                addrs.push(("Reply-To", a));
            }
        }
        if let Some(a) = mail.sender.as_ref().and_then(|m| m.address.as_deref()) {
            addrs.push(("Sender", a));
        }
        if let Some(a) = mail.return_path.as_deref() {
            addrs.push(("Return-Path", a));
        }
        for (header, addr) in addrs {
            let mut found: Vec<(&Indicator, &str)> = s
                .match_email(addr)
                .into_iter()
                .map(|i| (i, "address"))
                .collect();
            if let Some((_, dom)) = addr.rsplit_once('@') {
                found.extend(s.match_domain(dom).into_iter().map(|i| (i, "domain")));
                if let Ok(ip) = dom.trim_matches(['[', ']']).parse() {
                    found.extend(s.match_ip(ip).into_iter().map(|i| (i, "domain")));
                }
            }
            for (ind, what) in found {
                hits.push(Hit {
                    ind,
                    evidence: Evidence::header(header, addr),
                    place: format!("the {header} {what}"),
                });
            }
        }

        // Links.
        for l in &mail.links {
            let mut found: Vec<(&Indicator, &str)> = s
                .match_url(&l.url)
                .into_iter()
                .map(|i| (i, "link"))
                .collect();
            if let Some(h) = l.host.as_deref() {
                match h.trim_matches(['[', ']']).parse() {
                    Ok(ip) => found.extend(s.match_ip(ip).into_iter().map(|i| (i, "link host"))),
                    Err(_) => found.extend(s.match_domain(h).into_iter().map(|i| (i, "link host"))),
                }
            }
            for (ind, what) in found {
                let place = if l.source == spearwatch_message::UrlSource::Document {
                    format!("a {what} in an attached document")
                } else {
                    format!("a {what}")
                };
                hits.push(Hit {
                    ind,
                    evidence: Evidence::url(&l.url, l.host.as_deref().unwrap_or(&l.url)),
                    place,
                });
            }
        }

        // Attachments and every object inside them, by each of their hashes. Without a content tree
        // (a caller that did not run the content engine), the attachments' own SHA-256.
        let mut objects: Vec<ObjectHashes<'_>> = cx.objects.to_vec();
        for a in &mail.attachments {
            if !objects.iter().any(|o| o.part == a.part) {
                objects.push(ObjectHashes {
                    part: a.part,
                    path: a.name.as_deref().unwrap_or("(unnamed)"),
                    depth: 0,
                    sha256: &a.sha256,
                    sha1: "",
                    md5: "",
                });
            }
        }
        for o in &objects {
            for hex in [o.sha256, o.sha1, o.md5] {
                if hex.is_empty() {
                    continue;
                }
                for ind in s.match_hash(hex) {
                    // Evidence names the object's path, as the content engine's findings do.
                    let (name, place) = if o.depth == 0 {
                        let name = mail
                            .attachments
                            .iter()
                            .find(|a| a.part == o.part)
                            .and_then(|a| a.name.clone())
                            .unwrap_or_else(|| "(unnamed)".into());
                        let place = format!("attachment \"{name}\"");
                        (name, place)
                    } else {
                        let place = format!("\"{}\" inside an attachment", o.path);
                        (o.path.to_string(), place)
                    };
                    hits.push(Hit {
                        ind,
                        evidence: Evidence::new(Source::Attachment { part: o.part, name }, hex),
                        place,
                    });
                }
            }
        }

        // Text: bodies, then the text of attached documents.
        for b in &mail.bodies {
            for ind in s.find_in_text(&b.text) {
                hits.push(Hit {
                    ind,
                    evidence: Evidence::body(b.part, &ind.value),
                    place: "the body text".into(),
                });
            }
        }
        for d in cx.documents {
            for ind in s.find_in_text(&d.text) {
                hits.push(Hit {
                    ind,
                    evidence: Evidence::new(
                        Source::Attachment {
                            part: d.part,
                            name: d.path.clone(),
                        },
                        &ind.value,
                    ),
                    place: format!("the text of {}", d.path),
                });
            }
        }

        // One finding per indicator value (several feeds may list it; the first names it). The
        // policy weighs an id once, by its first finding: the strongest goes first.
        let mut found = Vec::new();
        let mut done: Vec<(Kind, &str)> = Vec::new();
        for h in hits {
            let key = (h.ind.kind, h.ind.value.as_str());
            if done.contains(&key) {
                continue;
            }
            if done.len() >= MAX_FINDINGS {
                break;
            }
            done.push(key);
            found.push(finding(h));
        }
        found.sort_by_key(|f| std::cmp::Reverse(f.severity));
        out.extend(found);
    }
}

fn finding(h: Hit<'_>) -> Finding {
    let ind = h.ind;
    let severity = if !ind.to_ids {
        Severity::Medium
    } else if ind.kind.is_file_hash()
        || (ind.kind.is_network() && ind.confidence.is_some_and(|c| c >= HIGH_CONFIDENCE))
    {
        Severity::Critical
    } else {
        Severity::High
    };
    let what = match ind.kind {
        Kind::Domain => "domain",
        Kind::Url => "URL",
        Kind::Ipv4 | Kind::Ipv6 => "IP address",
        Kind::Email => "e-mail address",
        Kind::Sha256 | Kind::Sha1 | Kind::Md5 => "file",
        Kind::CryptoAddress => "crypto address",
    };
    let mut f = Finding::new(
        "intel.indicator",
        severity,
        format!(
            "Known-bad {what} {} ({}) in {}",
            spearwatch_core::truncate_str(&ind.value, 80),
            ind.attribution(),
            h.place
        ),
    )
    .technique(t::PHISHING);
    f = match ind.kind {
        Kind::Sha256 | Kind::Sha1 | Kind::Md5 => f
            .technique(t::SPEARPHISHING_ATTACHMENT)
            .technique(t::MALICIOUS_FILE),
        Kind::Url => f
            .technique(t::SPEARPHISHING_LINK)
            .technique(t::MALICIOUS_LINK),
        Kind::CryptoAddress => f.technique(t::FINANCIAL_THEFT),
        Kind::Domain | Kind::Ipv4 | Kind::Ipv6 | Kind::Email if h.place.contains("link") => f
            .technique(t::SPEARPHISHING_LINK)
            .technique(t::MALICIOUS_LINK),
        _ => f,
    };
    let mut note = format!("{} indicator {} from {}", ind.kind, ind.value, ind.source);
    if !ind.actors.is_empty() {
        let a: Vec<&str> = ind.actors.iter().map(|a| &**a).collect();
        note.push_str(&format!("; actor {}", a.join(", ")));
    }
    if let Some(c) = ind.confidence {
        note.push_str(&format!("; confidence {c}"));
    }
    if !ind.to_ids {
        note.push_str("; the feed marks it not for detection");
    }
    if let Some(l) = ind.labels.first() {
        note.push_str(&format!("; {l}"));
    }
    f.evidence(
        h.evidence
            .with_note(spearwatch_core::truncate_str(&note, 280)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use spearwatch_detect::DetectConfig;

    fn run(set: IndicatorSet, raw: &str) -> Vec<Finding> {
        let mail = spearwatch_message::parse(raw.as_bytes(), &Default::default());
        let d = IntelDetector::new(Arc::new(set));
        let mut out = Vec::new();
        d.detect(
            &Context {
                mail: &mail,
                config: &DetectConfig::default(),
                documents: &[],
                objects: &[],
                org: None,
            },
            &mut out,
        );
        out
    }

    #[test]
    fn matches_senders_links_text() {
        let trail = "# Aliases: velvet chollima\nlogin-naver.example\n198.51.100.7\n\
                     ceo@corp-mail.example\nTBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre\n";
        let imp = crate::list::parse(trail, "apt_kimsuky");
        let set = IndicatorSet::new(imp.indicators, 0);
        let raw = "From: \"Naver\" <security@mail.login-naver.example>\r\n\
                   Reply-To: ceo@corp-mail.example\r\nTo: a@b.example\r\nSubject: check\r\n\
                   Message-ID: <1@x>\r\nContent-Type: text/plain\r\n\r\n\
                   Sign in at http://198.51.100.7/naver/login and pay to TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre.\r\n";
        let f = run(set, raw);
        let titles: Vec<&str> = f.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(f.len(), 4, "{titles:#?}");
        assert!(f.iter().all(|f| f.id == "intel.indicator"));
        assert!(titles[0].contains("login-naver.example (apt_kimsuky) in the From domain"));
        assert!(titles[1].contains("ceo@corp-mail.example (apt_kimsuky) in the Reply-To address"));
        assert!(titles[2].contains("IP address 198.51.100.7"));
        assert!(f[2].techniques.contains(&t::SPEARPHISHING_LINK.to_string()));
        assert!(titles[3].contains("crypto address"));
        assert_eq!(f[3].severity, Severity::High);
        assert_eq!(f[3].evidence[0].source, Source::Body { part: 0 });
        assert!(f[0].evidence[0]
            .note
            .as_deref()
            .unwrap()
            .contains("from apt_kimsuky"));
    }

    #[test]
    fn attachment_hash_is_critical() {
        // SHA-256 of the attachment bytes "hello\n".
        let sha = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
        let mut i = Indicator::new(Kind::Sha256, sha, Arc::from("ESET"));
        i.actors.push(Arc::from("Lazarus Group"));
        let set = IndicatorSet::new([i], 0);
        let raw = "From: a@b.example\r\nTo: c@d.example\r\nSubject: cv\r\nMIME-Version: 1.0\r\n\
                   Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
                   --X\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=cv.exe\r\n\
                   Content-Transfer-Encoding: base64\r\n\r\naGVsbG8K\r\n--X--\r\n";
        let f = run(set, raw);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(f[0]
            .title
            .contains("(ESET (Lazarus Group)) in attachment \"cv.exe\""));
        assert!(f[0].techniques.contains(&t::MALICIOUS_FILE.to_string()));
    }

    #[test]
    fn objects_inside_attachments_match_by_each_hash() {
        // MD5 and SHA-1 of "hello\n": a feed that publishes samples by those hashes.
        let md5 = "b1946ac92492d2347c6235b4d2611184";
        let sha1 = "f572d396fae9206628714fb2ce00f72e94f2258f";
        let set = IndicatorSet::new(
            [
                Indicator::new(Kind::Md5, md5.to_ascii_uppercase(), Arc::from("feed-a")),
                Indicator::new(Kind::Sha1, sha1, Arc::from("feed-b")),
            ],
            0,
        );
        let raw = "From: a@b.example\r\nTo: c@d.example\r\nSubject: cv\r\nMIME-Version: 1.0\r\n\
                   Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
                   --X\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=cv.zip\r\n\
                   Content-Transfer-Encoding: base64\r\n\r\naGVsbG8K\r\n--X--\r\n";
        let mail = spearwatch_message::parse(raw.as_bytes(), &Default::default());
        let part = mail.attachments[0].part;
        let objects = [
            ObjectHashes {
                part,
                path: "cv.zip",
                depth: 0,
                sha256: &mail.attachments[0].sha256,
                sha1: "0000000000000000000000000000000000000000",
                md5: "00000000000000000000000000000000",
            },
            ObjectHashes {
                part,
                path: "cv.zip > cv.exe",
                depth: 1,
                sha256: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
                sha1,
                md5,
            },
        ];
        let mut f = Vec::new();
        IntelDetector::new(Arc::new(set)).detect(
            &Context {
                mail: &mail,
                config: &DetectConfig::default(),
                documents: &[],
                objects: &objects,
                org: None,
            },
            &mut f,
        );
        let titles: Vec<&str> = f.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(f.len(), 2, "{titles:#?}");
        assert!(titles[0].contains("(feed-b) in \"cv.zip > cv.exe\" inside an attachment"));
        assert!(titles[1].contains("(feed-a) in \"cv.zip > cv.exe\""));
        assert!(f.iter().all(|f| f.severity == Severity::Critical));
        assert_eq!(
            f[0].evidence[0].source,
            Source::Attachment {
                part,
                name: "cv.zip > cv.exe".into()
            }
        );
    }

    #[test]
    fn empty_set_and_clean_mail() {
        let raw = "From: a@b.example\r\nSubject: hi\r\n\r\nhello http://example.org/\r\n";
        assert!(run(IndicatorSet::default(), raw).is_empty());
        let set = IndicatorSet::new(crate::list::parse("evil.example\n", "x").indicators, 0);
        assert!(run(set, raw).is_empty());
    }
}
