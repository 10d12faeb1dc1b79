//! Fixtures shared by the integration tests: messages with awkward bytes and metadata.

#![allow(dead_code)]

use spearwatch_quarantine::{Envelope, NewEntry};

/// A message that breaks naive handling: lines starting with `.`, a lone `.` line, CRLF and bare
/// LF mixed, 8-bit bytes (UTF-8 and not), a NUL.
pub fn tricky_message() -> Vec<u8> {
    let mut m = Vec::new();
    m.extend_from_slice(
        b"From: \"Kim\" <kim@example.kr>\r\nTo: a@example.org\r\nSubject: =?UTF-8?B?7ZWc6riA?=\r\n\
          \tcontinued\r\nMessage-ID: <x1@example.kr>\r\n\r\n",
    );
    m.extend_from_slice(b".starts with a dot\r\n..two dots\r\n.\r\nafter a lone dot line\r\n");
    m.extend_from_slice(b"bare LF line\n.bare LF then dot\n.\nmixed\r\n");
    m.extend_from_slice("8-bit: \u{d55c}\u{ae00} \u{e9} ".as_bytes());
    m.extend_from_slice(&[0xff, 0x80, 0x00, b'\r', b'\n']);
    m.extend_from_slice(b"\r\n.\r\n\r\nend\r\n");
    m
}

/// A plain message of about `size` bytes with a unique Message-ID.
pub fn sized_message(n: usize, size: usize) -> Vec<u8> {
    let mut m = format!(
        "From: sender@example.com\r\nTo: rcpt@example.org\r\nSubject: message {n}\r\nMessage-ID: <{n}@example.com>\r\n\r\n"
    )
    .into_bytes();
    let line =
        b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n";
    while m.len() < size {
        m.extend_from_slice(line);
    }
    m.truncate(size);
    m
}

pub fn meta(rcpts: &[&str]) -> NewEntry {
    NewEntry {
        verdict: "malicious".into(),
        score: 0.93,
        reason: "credential phishing: lookalike domain exarnple.com; sign-in link".into(),
        envelope: Envelope {
            mail_from: "bounce@example.com".into(),
            rcpts: rcpts.iter().map(|r| r.to_string()).collect(),
            client_ip: Some("192.0.2.7".into()),
            helo: Some("mx.example.com".into()),
            queue_id: Some("4XyZ1a2B3c".into()),
        },
        ..NewEntry::default()
    }
}
