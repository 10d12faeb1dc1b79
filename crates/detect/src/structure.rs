//! Structural anomalies the parser recorded, as findings.
//!
//! Malformed structure is how filters get evaded: a second From header that one component reads and
//! another ignores, an address header nobody can parse, a part whose encoding is broken so that a
//! scanner sees nothing. Each [`Anomaly`] becomes a finding with the evidence the parser kept.

use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity};
use spearwatch_message::Anomaly;

pub struct Structure;

impl Detector for Structure {
    fn name(&self) -> &'static str {
        "structure"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for a in &cx.mail.anomalies {
            let f = match a {
                Anomaly::Unparsable => Finding::new("structure.unparsable", Severity::Medium, "The data is not a parsable mail message")
                    .technique(t::OBFUSCATED_FILES)
                    .evidence(Evidence::structure(format!("{} bytes", cx.mail.size))),
                Anomaly::ParserFailed => Finding::new(
                    "structure.parser_failed",
                    Severity::Medium,
                    "The MIME structure could not be parsed; only the headers were analysed",
                )
                .technique(t::OBFUSCATED_FILES)
                .evidence(Evidence::structure("malformed multipart structure")),
                Anomaly::NoFromHeader => Finding::new("structure.no_from", Severity::Medium, "The message has no From header (RFC 5322 §3.6 requires one)")
                    .technique(t::EMAIL_SPOOFING)
                    .evidence(Evidence::structure("From header missing")),
                Anomaly::DuplicateHeader { name, count } => {
                    let sev = if matches!(name.as_str(), "From" | "Sender" | "Reply-To" | "To" | "Subject") { Severity::Medium } else { Severity::Low };
                    let values: Vec<&str> = cx.mail.header_values(name).collect();
                    let mut f = Finding::new(
                        "structure.duplicate_header",
                        sev,
                        format!("{name} appears {count} times (RFC 5322 §3.6 allows one): clients and filters may read different ones"),
                    )
                    .technique(t::EMAIL_SPOOFING);
                    for v in values.iter().take(3) {
                        f = f.evidence(Evidence::header(name.clone(), v));
                    }
                    f
                }
                Anomaly::MultipleFromAddresses(n) => Finding::new("structure.multiple_from", Severity::Medium, format!("From lists {n} mailboxes; clients show only one"))
                    .technique(t::EMAIL_SPOOFING)
                    .evidence(Evidence::header("From", cx.mail.header("From").unwrap_or_default())),
                Anomaly::FromNameFragments(n) => Finding::new(
                    "structure.from_name_fragments",
                    Severity::Low,
                    format!("From carries {n} address-less name fragment(s) before the address (unquoted commas, not allowed by RFC 5322 §3.4): clients show them as the sender's name"),
                )
                .technique(t::EMAIL_SPOOFING)
                .evidence(Evidence::header("From", cx.mail.header("From").unwrap_or_default())),
                Anomaly::UnparsableAddress { header, raw } => Finding::new("structure.unparsable_address", Severity::Medium, format!("{header} holds no valid address"))
                    .technique(t::EMAIL_SPOOFING)
                    .evidence(Evidence::header(header.clone(), raw)),
                Anomaly::EncodingProblem { part } => Finding::new("structure.encoding_problem", Severity::Low, format!("Part {part} could not be decoded cleanly (transfer encoding or charset)"))
                    .technique(t::OBFUSCATED_FILES)
                    .evidence(Evidence::structure(format!("part {part}: {}", cx.mail.parts.get(*part).map(|p| p.content_type.as_str()).unwrap_or("?")))),
                Anomaly::EightBitHeaders { charset } => Finding::new("structure.eight_bit_headers", Severity::Info, format!("Raw 8-bit header bytes, decoded as {charset}"))
                    // Undeclared legacy charsets hide header words from filters that read UTF-8 only.
                    .technique(t::OBFUSCATED_FILES)
                    .evidence(Evidence::structure(charset)),
                Anomaly::EmptyBody => Finding::new("structure.empty_body", Severity::Low, "The message has no readable text and no attachment")
                    .technique(t::OBFUSCATED_FILES)
                    .evidence(Evidence::structure("no text/plain or text/html content")),
                Anomaly::LimitReached { what, limit } => Finding::new(
                    "structure.limit_reached",
                    Severity::Medium,
                    format!("Analysis limit reached ({what}: {limit}); the rest of the message was not analysed"),
                )
                .technique(t::OBFUSCATED_FILES)
                .evidence(Evidence::structure(format!("{what} > {limit}"))),
                Anomaly::MissingMessageId => Finding::new("structure.no_message_id", Severity::Low, "The message has no Message-ID (every real mail client adds one)")
                    .technique(t::EMAIL_SPOOFING)
                    .evidence(Evidence::structure("Message-ID header missing")),
            };
            if !out.iter().any(|o| o.id == f.id && o.evidence == f.evidence) {
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run};

    #[test]
    fn anomalies_become_findings() {
        let f = run(
            &Structure,
            "From: a@b.example\r\nFrom: c@d.example\r\nSubject: x\r\n\r\n",
        );
        assert_eq!(
            ids(&f),
            [
                "structure.duplicate_header",
                "structure.no_message_id",
                "structure.empty_body"
            ]
        );
        assert_eq!(f[0].evidence.len(), 2);
        assert!(run(
            &Structure,
            "Message-ID: <a@b>\r\nFrom: a@b.example\r\n\r\nhello"
        )
        .is_empty());
    }

    #[test]
    fn name_fragments_in_from() {
        let f = run(
            &Structure,
            "Message-ID: <a@b>\r\nFrom: Parcel Service, jx <info@mailer.example>\r\n\r\nhello",
        );
        assert_eq!(ids(&f), ["structure.from_name_fragments"]);
        // A quoted "Last, First" is one display name.
        let f = run(
            &Structure,
            "Message-ID: <a@b>\r\nFrom: \"Doe, Jane\" <jane@corp.example>\r\n\r\nhello",
        );
        assert!(f.is_empty(), "{:?}", ids(&f));
    }
}
