//! The realistic campaign both test files export: two actor hypotheses (one with ATT&CK's STIX id),
//! three messages (two share sender and subject), nested attachments shared between messages, every
//! indicator kind, and a subject and a URL with a quote and a backslash. Inert: hashes are made up.

#![allow(dead_code)]

use spearwatch_export::{
    ActorHypothesis, Campaign, File, Indicator, IndicatorKind, Message, Technique,
};

pub const T0: i64 = 1_772_600_000; // 2026-03-04T04:53:20Z

fn hex(seed: &str, len: usize) -> String {
    // A made-up digest: the seed's bytes, repeated, as hex.
    seed.bytes()
        .cycle()
        .take(len / 2)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn file(name: &str, mime: &str, size: u64, children: Vec<File>) -> File {
    File {
        name: Some(name.to_string()),
        sha256: hex(name, 64).to_ascii_uppercase(),
        sha1: hex(name, 40),
        md5: hex(name, 32),
        size,
        mime: Some(mime.to_string()),
        children,
    }
}

pub fn invoice_zip() -> File {
    file(
        "invoice_2026-03.zip",
        "application/zip",
        48_213,
        vec![
            file(
                "invoice_2026-03.pdf.lnk",
                "application/octet-stream",
                2_204,
                vec![],
            ),
            file(
                "docs.zip",
                "application/zip",
                31_877,
                vec![file("readme.hwp", "application/x-hwp", 30_120, vec![])],
            ),
        ],
    )
}

pub fn campaign() -> Campaign {
    let subject = "[보안] 계정 \"확인\" 요청 \\ 긴급".to_string();
    let phish_url = "https://login.hanbit-dex-support.example/verify?u=1".to_string();
    Campaign {
        id: "C-7f3a2b1c".into(),
        name: "Hanbit account-verification lures, March 2026".into(),
        description: "Credential phishing and LNK droppers sent to finance staff of Hanbit Digital Exchange from a look-alike support domain.".into(),
        first_seen: T0,
        last_seen: T0 + 3 * 86_400,
        created: T0 + 60,
        modified: T0 + 3 * 86_400 + 60,
        producer: "spearwatch".into(),
        messages: vec![
            Message {
                key: "scan-0001".into(),
                message_id: Some("<20260304045320.1@hanbit-dex-support.example>".into()),
                date: Some(T0 - 30),
                received_at: T0,
                from: Some("security@hanbit-dex-support.example".into()),
                to: vec!["jiwoo.kim@hanbit.example".into(), "minseo.park@hanbit.example".into()],
                subject: Some(subject.clone()),
                verdict: "malicious".into(),
                sender_ip: Some("203.0.113.7".into()),
                urls: vec![phish_url.clone(), "http://198.51.100.23:8080/a.hta".into()],
                attachments: vec![invoice_zip()],
            },
            Message {
                key: "scan-0002".into(),
                message_id: Some("<20260305101500.7@hanbit-dex-support.example>".into()),
                date: Some(T0 + 86_400),
                received_at: T0 + 86_400 + 12,
                from: Some("security@hanbit-dex-support.example".into()),
                to: vec!["hyunwoo.lee@hanbit.example".into()],
                subject: Some(subject),
                verdict: "phishing".into(),
                sender_ip: Some("203.0.113.7".into()),
                urls: vec![phish_url],
                attachments: vec![],
            },
            Message {
                key: "scan-0003".into(),
                message_id: None,
                date: None,
                received_at: T0 + 3 * 86_400,
                from: Some("billing@hanbit-dex-support.example".into()),
                to: vec!["jiwoo.kim@hanbit.example".into()],
                subject: Some("It's your invoice".into()),
                verdict: "malicious".into(),
                sender_ip: Some("2001:db8::25".into()),
                urls: vec!["http://[2001:db8::1]/x".into(), "http://evil.example/a'b\\c".into()],
                attachments: vec![
                    invoice_zip(),
                    File { name: None, sha256: hex("inline", 64), sha1: String::new(), md5: String::new(), size: 512, mime: None, children: vec![] },
                ],
            },
        ],
        techniques: vec![
            Technique { id: "T1566.001".into(), name: "Spearphishing Attachment".into() },
            Technique { id: "T1566.002".into(), name: "Spearphishing Link".into() },
            Technique { id: "T1204.002".into(), name: "Malicious File".into() },
        ],
        actors: vec![
            ActorHypothesis {
                attack_id: "G0094".into(),
                name: "Kimsuky".into(),
                aliases: vec!["Kimsuky".into(), "Velvet Chollima".into(), "Black Banshee".into()],
                stix_id: Some("intrusion-set--0ec2f388-bf0f-4b5c-97b1-fc736d26c25f".into()),
                confidence: 75,
                reasons: vec![
                    "HWP document inside a ZIP with an LNK dropper".into(),
                    "look-alike support domain pattern seen in earlier Kimsuky campaigns".into(),
                ],
                confirmed: false,
            },
            ActorHypothesis {
                attack_id: "G0032".into(),
                name: "Lazarus Group".into(),
                aliases: vec!["HIDDEN COBRA".into(), "ZINC".into()],
                stix_id: None,
                confidence: 20,
                reasons: vec!["targets a cryptocurrency exchange".into()],
                confirmed: false,
            },
        ],
        indicators: vec![
            ind(IndicatorKind::Domain, "Hanbit-Dex-Support.example.", "sender and link domain in 3 messages"),
            ind(IndicatorKind::Url, "https://login.hanbit-dex-support.example/verify?u=1", "credential form in 2 messages"),
            ind(IndicatorKind::Url, "http://evil.example/a'b\\c", "link with a quote and a backslash"),
            ind(IndicatorKind::Ipv4, "198.51.100.23", "HTA download host"),
            ind(IndicatorKind::Ipv6, "2001:0db8:0000::1", "link host"),
            ind(IndicatorKind::Email, "security@hanbit-dex-support.example", "sender of 2 messages"),
            ind(IndicatorKind::Email, "o'neil\\hr@hanbit-dex-support.example", "envelope sender with a quote and a backslash"),
            ind(IndicatorKind::Sha256, &hex("invoice_2026-03.pdf.lnk", 64), "LNK dropper in the invoice ZIP"),
            ind(IndicatorKind::Md5, &hex("md5-of-hta", 32), "HTA payload"),
            ind(IndicatorKind::Sha1, &hex("sha1-of-hta", 40), "HTA payload"),
        ],
    }
}

fn ind(kind: IndicatorKind, value: &str, description: &str) -> Indicator {
    Indicator {
        kind,
        value: value.into(),
        first_seen: T0,
        description: description.into(),
    }
}
