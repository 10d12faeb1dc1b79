//! Regression tests named after the hostile input that broke parsing.

use spearwatch_message::{parse, Anomaly};

/// Found by `cargo fuzz run scan` (minimised): a message/rfc822 part holding a message/rfc822 header
/// and nothing else trips a debug assertion inside mail-parser 0.11 ("Invalid part ID, could not find
/// multipart"). Parsing contains it, records the anomaly, and still reads the outer headers.
#[test]
fn nested_rfc822_with_empty_body_trips_mail_parser_assertion() {
    let raw = b"From: a@example.com\nSubject: forwarded\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n\n--b--\n";
    let mail = parse(raw, &Default::default());
    assert_eq!(mail.subject.as_deref(), Some("forwarded"));
    assert_eq!(
        mail.from().and_then(|m| m.address.as_deref()),
        Some("a@example.com")
    );
    if cfg!(debug_assertions) {
        assert!(
            mail.anomalies.contains(&Anomaly::ParserFailed),
            "{:?}",
            mail.anomalies
        );
    }
}
