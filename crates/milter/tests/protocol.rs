//! The milter protocol end to end through the public API: packets built by hand in the layouts of
//! libmilter's mfdef.h and Postfix's milter8.c, the session's answers, the encoded responses, and
//! hostile input.

use spearwatch_milter::proto::*;
use spearwatch_milter::{
    encode, encode_command, Action, Command, Config, DecodeError, Decoder, Envelope, Family,
    Response, Session, Step,
};
use std::net::IpAddr;

/// One packet: big-endian length of command byte + data, command byte, data.
fn pkt(code: u8, data: &[u8]) -> Vec<u8> {
    let mut v = ((data.len() + 1) as u32).to_be_bytes().to_vec();
    v.push(code);
    v.extend_from_slice(data);
    v
}

/// NUL-terminated strings, concatenated.
fn cstrs(parts: &[&str]) -> Vec<u8> {
    let mut v = Vec::new();
    for p in parts {
        v.extend_from_slice(p.as_bytes());
        v.push(0);
    }
    v
}

fn macros(stage: u8, pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut d = vec![stage];
    for (n, v) in pairs {
        d.extend(cstrs(&[n, v]));
    }
    pkt(b'D', &d)
}

fn optneg(version: u32, actions: u32, protocol: u32) -> Vec<u8> {
    let mut d = version.to_be_bytes().to_vec();
    d.extend(actions.to_be_bytes());
    d.extend(protocol.to_be_bytes());
    pkt(b'O', &d)
}

fn connect(host: &str, family: u8, port: u16, addr: &str) -> Vec<u8> {
    let mut d = cstrs(&[host]);
    d.push(family);
    d.extend(port.to_be_bytes());
    d.extend(cstrs(&[addr]));
    pkt(b'C', &d)
}

fn header(name: &str, value: &str) -> Vec<u8> {
    pkt(b'L', &cstrs(&[name, value]))
}

/// Everything Postfix 3.x offers in its negotiation (milter8.c: all SMFIF_* actions, the V6
/// protocol mask).
const POSTFIX_ACTIONS: u32 = 0x1ff;
const POSTFIX_PROTOCOL: u32 = 0x1f_ffff;

/// Decode all of `bytes` and run each command through `session`, collecting the steps.
fn run(session: &mut Session, bytes: &[u8]) -> Vec<Step> {
    let mut d = Decoder::new();
    d.feed(bytes);
    let mut steps = Vec::new();
    while let Some(c) = d.next_command().expect("well-formed packets") {
        steps.push(session.handle(c));
    }
    assert_eq!(d.buffered(), 0);
    steps
}

fn encoded(responses: &[Response]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in responses {
        encode(r, &mut out);
    }
    out
}

fn scanned(step: Step) -> Envelope {
    match step {
        Step::Scan(e) => *e,
        other => panic!("expected Scan, got {other:?}"),
    }
}

/// The message of the Postfix conversation, after connect and HELO.
fn postfix_message(queue_id: &str) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend(macros(
        b'M',
        &[
            ("{auth_authen}", "alice"),
            ("{mail_addr}", "alice@sender.example"),
        ],
    ));
    s.extend(pkt(
        b'M',
        &cstrs(&["<alice@sender.example>", "SIZE=1234", "BODY=8BITMIME"]),
    ));
    s.extend(macros(b'R', &[("{rcpt_addr}", "bob@example.org")]));
    s.extend(pkt(b'R', &cstrs(&["<bob@example.org>"])));
    s.extend(macros(b'R', &[("{rcpt_addr}", "carol@example.org")]));
    s.extend(pkt(b'R', &cstrs(&["<carol@example.org>", "NOTIFY=NEVER"])));
    s.extend(macros(b'T', &[("i", queue_id)]));
    s.extend(pkt(b'T', &[]));
    // With SMFIP_HDR_LEADSPC the value is everything after the colon; continuation lines are
    // separated by a bare LF (milter8.c).
    s.extend(header("From", " Alice <alice@sender.example>"));
    s.extend(header("Subject", " Quarterly\n report"));
    s.extend(header("DKIM-Signature", " v=1; a=rsa-sha256;\n\tb=abc"));
    s.extend(header("X-Tight", "value"));
    s.extend(pkt(b'N', &[]));
    s.extend(pkt(b'B', b"Hello Bob,\r\n"));
    s.extend(pkt(b'B', b"Bye.\r\n"));
    s.extend(macros(b'E', &[("i", queue_id)]));
    s.extend(pkt(b'E', &[]));
    s
}

const POSTFIX_RAW: &[u8] = b"From: Alice <alice@sender.example>\r\n\
Subject: Quarterly\r\n report\r\n\
DKIM-Signature: v=1; a=rsa-sha256;\r\n\tb=abc\r\n\
X-Tight:value\r\n\
\r\n\
Hello Bob,\r\nBye.\r\n";

#[test]
fn postfix_conversation_yields_the_raw_message_and_envelope() {
    let mut session = Session::new(Config::default());

    // Negotiation: offer 6, ask the three actions and the wanted protocol flags, all offered.
    let steps = run(&mut session, &optneg(6, POSTFIX_ACTIONS, POSTFIX_PROTOCOL));
    let wanted_protocol = 0x0010_0000 | 0x000f_f000 | 0x80 | 0x100;
    assert_eq!(WANTED_PROTOCOL, wanted_protocol);
    let expected = Response::OptNeg {
        version: 6,
        actions: 0x31,
        protocol: wanted_protocol,
    };
    assert_eq!(steps, vec![Step::Reply(vec![expected.clone()])]);
    assert_eq!(
        encoded(&[expected]),
        [
            &[0, 0, 0, 13, b'O', 0, 0, 0, 6, 0, 0, 0, 0x31][..],
            &wanted_protocol.to_be_bytes()
        ]
        .concat()
    );

    let mut s = Vec::new();
    s.extend(macros(
        b'C',
        &[
            ("j", "mx.example.org"),
            ("{daemon_name}", "smtpd"),
            ("v", "Postfix 3.8"),
        ],
    ));
    s.extend(connect("mail.sender.example", b'4', 50123, "192.0.2.10"));
    s.extend(macros(b'H', &[("{tls_version}", "TLSv1.3")]));
    s.extend(pkt(b'H', &cstrs(&["mail.sender.example"])));
    s.extend(postfix_message("4XyzQ1abcD"));
    let mut steps = run(&mut session, &s);
    let last = steps.pop().expect("steps");
    // Every step but end of body negotiated as no-reply; macros never get one.
    assert!(steps.iter().all(|s| *s == Step::None), "{steps:?}");

    let env = scanned(last);
    assert_eq!(
        env.raw,
        POSTFIX_RAW,
        "{}",
        String::from_utf8_lossy(&env.raw)
    );
    assert!(!env.truncated && !env.envelope_truncated);
    assert_eq!(env.client_ip, Some("192.0.2.10".parse::<IpAddr>().unwrap()));
    assert_eq!(env.client_port, Some(50123));
    assert_eq!(env.client_name, "mail.sender.example");
    assert_eq!(env.helo, "mail.sender.example");
    assert_eq!(env.mail_from, "alice@sender.example");
    assert_eq!(env.mail_args, ["SIZE=1234", "BODY=8BITMIME"]);
    assert_eq!(env.rcpts, ["bob@example.org", "carol@example.org"]);
    assert_eq!(env.queue_id.as_deref(), Some("4XyzQ1abcD"));
    assert_eq!(env.macro_value("j"), Some("mx.example.org"));
    assert_eq!(env.macro_value("daemon_name"), Some("smtpd"));
    assert_eq!(env.macro_value("{auth_authen}"), Some("alice"));
    assert_eq!(env.macro_value("auth_authen"), Some("alice"));
    assert_eq!(env.macro_value("tls_version"), Some("TLSv1.3"));
    // The last RCPT's macro wins.
    assert_eq!(env.macro_value("rcpt_addr"), Some("carol@example.org"));
    assert_eq!(env.macros.len(), 8);

    // The verdict: modifications first, then continue. With LEADSPC values bring their space.
    let responses = session.finish(&[
        Action::AddHeader {
            name: "X-Spearwatch-Verdict".into(),
            value: "phishing (score 7)".into(),
        },
        Action::PrefixSubject("[PHISHING]".into()),
        Action::Quarantine("spearwatch: phishing".into()),
        Action::Accept,
    ]);
    assert_eq!(
        responses,
        vec![
            Response::AddHeader {
                name: "X-Spearwatch-Verdict".into(),
                value: b" phishing (score 7)".to_vec()
            },
            Response::ChangeHeader {
                index: 1,
                name: "Subject".into(),
                value: b" [PHISHING] Quarterly\n report".to_vec()
            },
            Response::Quarantine("spearwatch: phishing".into()),
            Response::Continue,
        ]
    );
    let mut want = pkt(b'h', b"X-Spearwatch-Verdict\0 phishing (score 7)\0");
    want.extend(pkt(
        b'm',
        b"\0\0\0\x01Subject\0 [PHISHING] Quarterly\n report\0",
    ));
    want.extend(pkt(b'q', b"spearwatch: phishing\0"));
    want.extend(pkt(b'c', b""));
    assert_eq!(encoded(&responses), want);
    // Answered once only.
    assert!(session.finish(&[Action::Accept]).is_empty());

    // A new SMTP connection on the same filter connection, over IPv6 (Sendmail's `IPv6:` form).
    let mut s = pkt(b'K', &[]);
    s.extend(macros(b'C', &[("j", "mx2.example.org")]));
    s.extend(connect("[2001:db8::25]", b'6', 2525, "IPv6:2001:db8::25"));
    s.extend(pkt(b'H', &cstrs(&["v6.sender.example"])));
    s.extend(postfix_message("5Second"));
    let mut steps = run(&mut session, &s);
    let env = scanned(steps.pop().unwrap());
    assert!(steps.iter().all(|s| *s == Step::None));
    assert_eq!(
        env.client_ip,
        Some("2001:db8::25".parse::<IpAddr>().unwrap())
    );
    assert_eq!(env.client_port, Some(2525));
    assert_eq!(env.client_name, "[2001:db8::25]");
    assert_eq!(env.helo, "v6.sender.example");
    assert_eq!(env.queue_id.as_deref(), Some("5Second"));
    assert_eq!(env.macro_value("j"), Some("mx2.example.org"));
    // The first connection's macros went with it.
    assert_eq!(env.macro_value("daemon_name"), None);
    assert_eq!(env.raw, POSTFIX_RAW);
    assert_eq!(session.finish(&[]), vec![Response::Continue]);

    // Postfix's plain IPv6 form, then quit.
    let mut s = pkt(b'K', &[]);
    s.extend(connect("[2001:db8::26]", b'6', 25, "2001:db8::26"));
    s.extend(pkt(b'Q', &[]));
    let steps = run(&mut session, &s);
    assert_eq!(steps, vec![Step::None, Step::None, Step::Close]);
    // Closed stays closed.
    assert_eq!(session.handle(Command::Data), Step::Close);
}

#[test]
fn an_mta_without_no_reply_flags_or_leadspc_gets_a_continue_per_step() {
    let mut session = Session::new(Config::default());
    // A version 2 MTA: only the NO* flags of SMFI_V2_PROT, actions of SMFI_V2_ACTS.
    let steps = run(&mut session, &optneg(2, 0x3f, 0x7f));
    assert_eq!(
        steps,
        vec![Step::Reply(vec![Response::OptNeg {
            version: 2,
            actions: 0x31,
            protocol: 0
        }])]
    );
    let mut s = macros(b'C', &[("j", "mx")]);
    s.extend(connect("host", b'4', 25, "198.51.100.7"));
    s.extend(pkt(b'H', &cstrs(&["helo"])));
    s.extend(pkt(b'M', &cstrs(&["<>"])));
    s.extend(pkt(b'R', &cstrs(&["<x@example.org>"])));
    s.extend(pkt(b'T', &[]));
    // The MTA ate the space after the colon; a value starting with a fold gets none back.
    s.extend(header("Subject", "hello"));
    s.extend(header("X-Empty", ""));
    s.extend(header("X-Folded", "\n\tfolded"));
    s.extend(header("X-Tab", "\ttab"));
    s.extend(pkt(b'N', &[]));
    s.extend(pkt(b'B', b"body\r\n"));
    s.extend(pkt(b'U', &cstrs(&["XFOO bar"])));
    s.extend(pkt(b'E', b"last\r\n"));
    let mut steps = run(&mut session, &s);
    let env = scanned(steps.pop().unwrap());
    let cont = Step::Reply(vec![Response::Continue]);
    // Macros: none; connect, helo, mail, rcpt, data, 4 headers, eoh, body, unknown: continue.
    assert_eq!(steps[0], Step::None);
    assert!(steps[1..].iter().all(|s| *s == cont), "{steps:?}");
    assert_eq!(steps.len(), 13);
    assert_eq!(env.mail_from, "");
    assert_eq!(
        env.raw,
        b"Subject: hello\r\nX-Empty:\r\nX-Folded:\r\n\tfolded\r\nX-Tab: \ttab\r\n\r\nbody\r\nlast\r\n"
    );
    // Without LEADSPC values go without their space (the MTA adds it).
    let r = session.finish(&[
        Action::PrefixSubject("[SPAM]".into()),
        Action::AddHeader {
            name: "X-Bad: Name\r\n".into(),
            value: "a\r\nb".into(),
        },
    ]);
    assert_eq!(
        r,
        vec![
            Response::ChangeHeader {
                index: 1,
                name: "Subject".into(),
                value: b"[SPAM] hello".to_vec()
            },
            Response::AddHeader {
                name: "X-BadName".into(),
                value: b"a  b".to_vec()
            },
            Response::Continue
        ]
    );
}

#[test]
fn every_response_encodes_byte_exactly() {
    let cases: Vec<(Response, Vec<u8>)> = vec![
        (
            Response::OptNeg {
                version: 6,
                actions: 0x31,
                protocol: 0x0010_0100,
            },
            b"\0\0\0\x0dO\0\0\0\x06\0\0\0\x31\0\x10\x01\0".to_vec(),
        ),
        (Response::Continue, b"\0\0\0\x01c".to_vec()),
        (Response::Accept, b"\0\0\0\x01a".to_vec()),
        (Response::Reject, b"\0\0\0\x01r".to_vec()),
        (Response::Discard, b"\0\0\0\x01d".to_vec()),
        (Response::Tempfail, b"\0\0\0\x01t".to_vec()),
        (
            Response::ReplyCode("550 5.7.1 No".into()),
            b"\0\0\0\x0ey550 5.7.1 No\0".to_vec(),
        ),
        (
            Response::AddHeader {
                name: "X-A".into(),
                value: b" v".to_vec(),
            },
            b"\0\0\0\x08hX-A\0 v\0".to_vec(),
        ),
        (
            Response::InsertHeader {
                index: 0,
                name: "X-I".into(),
                value: b"w".to_vec(),
            },
            // 'i' + 4 index bytes + "X-I\0" + "w\0" = 11.
            b"\0\0\0\x0bi\0\0\0\0X-I\0w\0".to_vec(),
        ),
        (
            Response::ChangeHeader {
                index: 2,
                name: "Subject".into(),
                value: Vec::new(),
            },
            b"\0\0\0\x0em\0\0\0\x02Subject\0\0".to_vec(),
        ),
        (
            Response::Quarantine("why".into()),
            b"\0\0\0\x05qwhy\0".to_vec(),
        ),
        (Response::Progress, b"\0\0\0\x01p".to_vec()),
        (Response::Skip, b"\0\0\0\x01s".to_vec()),
        (
            Response::ChangeFrom {
                from: "<a@b>".into(),
                args: None,
            },
            b"\0\0\0\x07e<a@b>\0".to_vec(),
        ),
        (
            Response::ChangeFrom {
                from: "<a@b>".into(),
                args: Some("SIZE=1".into()),
            },
            b"\0\0\0\x0ee<a@b>\0SIZE=1\0".to_vec(),
        ),
        (
            Response::AddRcpt("<c@d>".into()),
            b"\0\0\0\x07+<c@d>\0".to_vec(),
        ),
        (
            Response::DelRcpt("<c@d>".into()),
            b"\0\0\0\x07-<c@d>\0".to_vec(),
        ),
        (
            Response::ReplaceBody(b"new\r\n".to_vec()),
            b"\0\0\0\x06bnew\r\n".to_vec(),
        ),
        (Response::ReplaceBody(Vec::new()), b"\0\0\0\x01b".to_vec()),
        // A NUL inside a string would end the field early: left out.
        (
            Response::Quarantine("a\0b".into()),
            b"\0\0\0\x04qab\0".to_vec(),
        ),
    ];
    for (r, want) in &cases {
        let mut out = Vec::new();
        encode(r, &mut out);
        assert_eq!(&out, want, "{r:?}");
    }

    // A long body goes in 64 KiB packets, as smfi_replacebody sends it.
    let body = vec![b'x'; CHUNK_SIZE + 10];
    let mut out = Vec::new();
    encode(&Response::ReplaceBody(body), &mut out);
    assert_eq!(out.len(), 2 * 5 + CHUNK_SIZE + 10);
    assert_eq!(&out[..5], &[0, 1, 0, 0, b'b']); // 65536 = 0x10000
    assert_eq!(&out[5 + CHUNK_SIZE..10 + CHUNK_SIZE], &[0, 0, 0, 11, b'b']);
}

#[test]
fn reject_and_tempfail_replies_are_well_formed() {
    let mut session = Session::new(Config::default());
    run(&mut session, &optneg(6, POSTFIX_ACTIONS, POSTFIX_PROTOCOL));
    let message = [pkt(b'M', &cstrs(&["<a@b>"])), pkt(b'E', b"")].concat();

    let env = run(&mut session, &message);
    assert!(matches!(env[1], Step::Scan(_)));
    // Reject wins over accept and drops the modifications; '%' doubled, CR/LF blanked, non-ASCII
    // replaced.
    let r = session.finish(&[
        Action::AddHeader {
            name: "X-V".into(),
            value: "x".into(),
        },
        Action::Accept,
        Action::reject("100% phishing\r\nfrom é"),
    ]);
    assert_eq!(
        r,
        vec![Response::ReplyCode(
            "550 5.7.1 100%% phishing  from ?".into()
        )]
    );

    // A code of the wrong class falls back to the defaults.
    run(&mut session, &message);
    let r = session.finish(&[Action::Reject {
        code: "250".into(),
        xcode: "2.0.0".into(),
        text: String::new(),
    }]);
    assert_eq!(r, vec![Response::ReplyCode("550 5.7.1".into())]);

    run(&mut session, &message);
    let r = session.finish(&[Action::Reject {
        code: "554".into(),
        xcode: "5.7.26".into(),
        text: "DMARC".into(),
    }]);
    assert_eq!(r, vec![Response::ReplyCode("554 5.7.26 DMARC".into())]);

    // Tempfail wins over accept, loses to reject.
    run(&mut session, &message);
    let r = session.finish(&[
        Action::Accept,
        Action::Tempfail {
            text: "scanner busy".into(),
        },
    ]);
    assert_eq!(
        r,
        vec![Response::ReplyCode("451 4.3.0 scanner busy".into())]
    );
    let mut out = Vec::new();
    encode(&r[0], &mut out);
    assert_eq!(out, pkt(b'y', b"451 4.3.0 scanner busy\0"));

    // A long text is cut to fit one SMTP reply line (RFC 5321 §4.5.3.1.5: 512 octets).
    run(&mut session, &message);
    let r = session.finish(&[Action::reject("%".repeat(2000))]);
    let Response::ReplyCode(line) = &r[0] else {
        panic!()
    };
    assert!(line.len() + 2 <= 512, "{}", line.len());
    assert!(line.ends_with("%%"));
}

#[test]
fn modifications_the_mta_did_not_allow_are_left_out() {
    let mut session = Session::new(Config::default());
    // Only ADDHDRS allowed.
    run(&mut session, &optneg(6, SMFIF_ADDHDRS, POSTFIX_PROTOCOL));
    assert_eq!(session.negotiated().unwrap().actions, SMFIF_ADDHDRS);
    let mut s = pkt(b'M', &cstrs(&["<a@b>"]));
    s.extend(header("Subject", " hi"));
    s.extend(pkt(b'E', b""));
    run(&mut session, &s);
    let q = Action::Quarantine("x".into());
    let p = Action::PrefixSubject("[X]".into());
    assert!(!session.permits(&q));
    assert!(!session.permits(&p), "changing the Subject needs CHGHDRS");
    assert_eq!(session.finish(&[q, p]), vec![Response::Continue]);

    // No Subject: the tag becomes the Subject, which needs only ADDHDRS.
    run(
        &mut session,
        &[pkt(b'M', &cstrs(&["<a@b>"])), pkt(b'E', b"")].concat(),
    );
    let p = Action::PrefixSubject("[X]".into());
    assert!(session.permits(&p));
    assert_eq!(
        session.finish(&[p]),
        vec![
            Response::AddHeader {
                name: "Subject".into(),
                value: b" [X]".to_vec()
            },
            Response::Continue
        ]
    );
}

#[test]
fn a_subject_already_tagged_is_left_alone() {
    let mut session = Session::new(Config::default());
    run(&mut session, &optneg(6, POSTFIX_ACTIONS, POSTFIX_PROTOCOL));
    let mut s = pkt(b'M', &cstrs(&["<a@b>"]));
    s.extend(header("subject", " [X] again"));
    s.extend(header("Subject", " second"));
    s.extend(pkt(b'E', b""));
    run(&mut session, &s);
    assert_eq!(
        session.finish(&[Action::PrefixSubject("[X]".into())]),
        vec![Response::Continue]
    );
}

#[test]
fn abort_mid_message_then_a_second_message_on_the_same_connection() {
    let mut session = Session::new(Config::default());
    run(&mut session, &optneg(6, POSTFIX_ACTIONS, POSTFIX_PROTOCOL));
    let mut s = macros(b'C', &[("j", "mx")]);
    s.extend(connect("client.example", b'4', 1234, "203.0.113.5"));
    s.extend(pkt(b'H', &cstrs(&["client.example"])));
    s.extend(macros(b'M', &[("{auth_authen}", "mallory")]));
    s.extend(pkt(b'M', &cstrs(&["<first@example>"])));
    s.extend(pkt(b'R', &cstrs(&["<r1@example>"])));
    s.extend(header("Subject", " first"));
    s.extend(pkt(b'N', &[]));
    s.extend(pkt(b'B', b"first body\r\n"));
    s.extend(pkt(b'A', &[]));
    // The second transaction, no AUTH this time.
    s.extend(pkt(b'M', &cstrs(&["<second@example>"])));
    s.extend(pkt(b'R', &cstrs(&["<r2@example>"])));
    s.extend(header("Subject", " second"));
    s.extend(pkt(b'N', &[]));
    s.extend(pkt(b'B', b"second body\r\n"));
    s.extend(pkt(b'E', &[]));
    let mut steps = run(&mut session, &s);
    let env = scanned(steps.pop().unwrap());
    assert!(steps.iter().all(|s| *s == Step::None));
    assert_eq!(env.raw, b"Subject: second\r\n\r\nsecond body\r\n");
    assert_eq!(env.mail_from, "second@example");
    assert_eq!(env.rcpts, ["r2@example"]);
    assert_eq!(env.macro_value("auth_authen"), None);
    // Connection state survives the abort.
    assert_eq!(env.client_ip, Some("203.0.113.5".parse().unwrap()));
    assert_eq!(env.helo, "client.example");
    assert_eq!(env.macro_value("j"), Some("mx"));
    assert_eq!(session.finish(&[]), vec![Response::Continue]);

    // An abort while the verdict is pending: no answer is due any more.
    run(
        &mut session,
        &[pkt(b'M', &cstrs(&["<a@b>"])), pkt(b'E', b"")].concat(),
    );
    assert_eq!(session.handle(Command::Abort), Step::None);
    assert!(session.finish(&[Action::Accept]).is_empty());
    // Anything else while the verdict is pending means the peers are out of step.
    run(
        &mut session,
        &[pkt(b'M', &cstrs(&["<a@b>"])), pkt(b'E', b"")].concat(),
    );
    assert_eq!(session.handle(Command::Data), Step::Close);
}

#[test]
fn a_message_over_the_limit_is_truncated_and_still_continued() {
    let mut session = Session::new(Config {
        max_message_bytes: 40,
        ..Config::default()
    });
    // No no-reply flags: every step answers continue, also past the limit.
    run(&mut session, &optneg(6, POSTFIX_ACTIONS, 0));
    let mut s = pkt(b'M', &cstrs(&["<a@b>"]));
    s.extend(header("Subject", "a subject"));
    s.extend(pkt(b'N', &[]));
    s.extend(pkt(b'B', &[b'x'; 30]));
    s.extend(pkt(b'B', &[b'y'; 30]));
    s.extend(pkt(b'E', b"z"));
    let mut steps = run(&mut session, &s);
    let env = scanned(steps.pop().unwrap());
    assert!(steps
        .iter()
        .all(|s| *s == Step::Reply(vec![Response::Continue])));
    assert!(env.truncated);
    assert_eq!(env.raw.len(), 40);
    assert_eq!(&env.raw[..22], b"Subject: a subject\r\n\r\n");
    // The Subject is known even when the header block is cut.
    let mut session = Session::new(Config {
        max_message_bytes: 5,
        ..Config::default()
    });
    run(&mut session, &optneg(6, POSTFIX_ACTIONS, POSTFIX_PROTOCOL));
    run(
        &mut session,
        &[header("Subject", " long subject"), pkt(b'E', b"")].concat(),
    );
    assert_eq!(
        session.finish(&[Action::PrefixSubject("[X]".into())])[0],
        Response::ChangeHeader {
            index: 1,
            name: "Subject".into(),
            value: b" [X] long subject".to_vec()
        }
    );
}

#[test]
fn recipients_and_macros_past_the_envelope_budget_are_dropped() {
    let mut session = Session::new(Config {
        max_envelope_bytes: 64,
        ..Config::default()
    });
    run(&mut session, &optneg(6, POSTFIX_ACTIONS, POSTFIX_PROTOCOL));
    let mut s = pkt(b'M', &cstrs(&["<a@b>"]));
    for i in 0..20 {
        s.extend(pkt(b'R', &cstrs(&[&format!("<rcpt{i:02}@example.org>")])));
    }
    s.extend(macros(b'E', &[("i", "QID")]));
    s.extend(pkt(b'E', b""));
    let env = scanned(run(&mut session, &s).pop().unwrap());
    assert!(env.envelope_truncated);
    assert_eq!(env.rcpts.len(), 3); // 3 × 18 bytes ≤ 64
    assert_eq!(env.queue_id.as_deref(), Some("QID")); // 4 more bytes still fit
}

#[test]
fn negotiation_edge_cases() {
    // Version 1 is refused, as libmilter does.
    let mut session = Session::new(Config::default());
    assert_eq!(run(&mut session, &optneg(1, 0xf, 0x3f)), vec![Step::Close]);
    // A newer MTA gets version 6; flags it does not offer are not asked.
    let mut session = Session::new(Config::default());
    let steps = run(
        &mut session,
        &optneg(7, SMFIF_ADDHDRS | SMFIF_CHGBODY, SMFIP_NR_HDR),
    );
    assert_eq!(
        steps,
        vec![Step::Reply(vec![Response::OptNeg {
            version: 6,
            actions: SMFIF_ADDHDRS,
            protocol: SMFIP_NR_HDR
        }])]
    );
    // Commands before any negotiation: answered the legacy way, continue each.
    let mut session = Session::new(Config::default());
    assert_eq!(
        run(&mut session, &pkt(b'H', &cstrs(&["x"]))),
        vec![Step::Reply(vec![Response::Continue])]
    );
    // A Unix-socket client and an unknown family have no IP.
    let mut s = connect("localhost", b'L', 0, "/var/run/sock");
    s.extend(pkt(b'C', &[cstrs(&["unknown"]), vec![b'U']].concat()));
    let steps = run(&mut session, &s);
    assert_eq!(steps.len(), 2);
    let env = scanned(run(&mut session, &pkt(b'E', b"")).pop().unwrap());
    assert_eq!(env.client_ip, None);
    assert_eq!(env.client_port, None);
    assert_eq!(env.client_name, "unknown");
}

// ---------------------------------------------------------------------------------------------
// Hostile input

fn decode_all(d: &mut Decoder) -> Vec<Result<Command, DecodeError>> {
    let mut out = Vec::new();
    loop {
        match d.next_command() {
            Ok(Some(c)) => out.push(Ok(c)),
            Ok(None) => return out,
            Err(e) => {
                let fatal = matches!(e, DecodeError::EmptyPacket | DecodeError::TooLarge { .. });
                out.push(Err(e));
                if fatal {
                    return out;
                }
            }
        }
    }
}

fn malformed(command: u8, what: &'static str) -> DecodeError {
    DecodeError::Malformed { command, what }
}

#[test]
fn framing_errors_are_final() {
    // Length 0.
    let mut d = Decoder::new();
    d.feed(&[0, 0, 0, 0, b'c']);
    assert_eq!(d.next_command(), Err(DecodeError::EmptyPacket));
    assert_eq!(d.next_command(), Err(DecodeError::EmptyPacket));
    d.feed(&pkt(b'T', &[]));
    assert_eq!(d.next_command(), Err(DecodeError::EmptyPacket));
    assert_eq!(d.buffered(), 0);

    // A huge length fails on the 4-byte header alone, before any data is buffered.
    let mut d = Decoder::new();
    d.feed(&[0xff, 0xff, 0xff, 0xff]);
    assert_eq!(
        d.next_command(),
        Err(DecodeError::TooLarge {
            len: u32::MAX,
            max: Decoder::DEFAULT_MAX_DATA
        })
    );

    // Exactly at the limit is fine, one over is not.
    let mut d = Decoder::with_max_data(10);
    d.feed(&pkt(b'B', &[7; 10]));
    assert_eq!(d.next_command(), Ok(Some(Command::Body(vec![7; 10]))));
    d.feed(&pkt(b'B', &[7; 11]));
    assert_eq!(
        d.next_command(),
        Err(DecodeError::TooLarge { len: 12, max: 10 })
    );
    // The default admits a 1 MiB body chunk.
    let mut d = Decoder::new();
    d.feed(&pkt(b'B', &vec![0; 1 << 20]));
    assert!(matches!(d.next_command(), Ok(Some(Command::Body(b))) if b.len() == 1 << 20));
}

#[test]
fn truncated_and_malformed_packets_are_errors_and_decoding_goes_on() {
    let cases: Vec<(Vec<u8>, DecodeError)> = vec![
        (
            pkt(b'O', &[0, 0, 0, 6, 0, 0, 0, 1]),
            malformed(b'O', "truncated protocol flags"),
        ),
        (pkt(b'O', &[]), malformed(b'O', "truncated version")),
        (pkt(b'D', &[]), malformed(b'D', "missing macro stage")),
        (
            pkt(b'D', b"Cj\0mx"),
            malformed(b'D', "unterminated macro name or value"),
        ),
        (
            pkt(b'D', b"Cj\0mx\0i\0"),
            malformed(b'D', "macro name without a value"),
        ),
        (
            pkt(b'C', b"host"),
            malformed(b'C', "unterminated host name"),
        ),
        (
            pkt(b'C', b"host\0"),
            malformed(b'C', "missing address family"),
        ),
        (pkt(b'C', b"host\0X\0\0"), malformed(b'C', "bad family")),
        (
            pkt(b'C', b"host\x004\x01"),
            malformed(b'C', "truncated port"),
        ),
        (
            pkt(b'C', b"host\x004\0\x191.2.3.4"),
            malformed(b'C', "unterminated address"),
        ),
        (
            pkt(b'H', b"helo"),
            malformed(b'H', "unterminated HELO name"),
        ),
        (pkt(b'M', b""), malformed(b'M', "missing address")),
        (
            pkt(b'M', b"<a@b>\0SIZE=1"),
            malformed(b'M', "unterminated address or argument"),
        ),
        (
            pkt(b'R', b"<a@b>"),
            malformed(b'R', "unterminated address or argument"),
        ),
        (
            pkt(b'L', b"Subject"),
            malformed(b'L', "unterminated header name"),
        ),
        (
            pkt(b'L', b"Subject\0hi"),
            malformed(b'L', "unterminated header value"),
        ),
        (pkt(b'U', b"XFOO"), malformed(b'U', "unterminated command")),
        (pkt(b'Z', b"whatever"), DecodeError::UnknownCommand(b'Z')),
        (pkt(0, b""), DecodeError::UnknownCommand(0)),
    ];
    for (bytes, want) in cases {
        let mut d = Decoder::new();
        d.feed(&bytes);
        d.feed(&pkt(b'T', &[]));
        assert_eq!(d.next_command(), Err(want.clone()), "{bytes:?}");
        // The bad packet is consumed; the next one decodes.
        assert_eq!(d.next_command(), Ok(Some(Command::Data)), "{want}");
        assert_eq!(d.next_command(), Ok(None));
    }
    // Tolerated: trailing bytes after fixed fields, an empty macro list, an empty end-of-body.
    let mut d = Decoder::new();
    d.feed(&pkt(b'T', b"junk"));
    d.feed(&pkt(b'D', b"E"));
    d.feed(&pkt(b'E', b""));
    assert_eq!(
        decode_all(&mut d),
        vec![
            Ok(Command::Data),
            Ok(Command::Macro {
                stage: b'E',
                pairs: vec![]
            }),
            Ok(Command::EndOfBody(vec![]))
        ]
    );
}

#[test]
fn partial_packets_wait_for_more_bytes() {
    let bytes = pkt(b'H', &cstrs(&["mail.example"]));
    let mut d = Decoder::new();
    for (i, b) in bytes.iter().enumerate() {
        assert_eq!(d.next_command(), Ok(None));
        assert_eq!(d.buffered(), i);
        d.feed(&[*b]);
    }
    assert_eq!(
        d.next_command(),
        Ok(Some(Command::Helo("mail.example".into())))
    );
    assert_eq!(d.buffered(), 0);
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    /// Up to `max` random bytes.
    fn some_bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max + 1);
        self.bytes(n)
    }
    /// Printable ASCII: C strings hold no NUL, and invalid UTF-8 would come back replaced (the
    /// lossy path is covered by the fuzz target's round trip).
    fn text(&mut self, max: usize) -> String {
        let n = self.below(max + 1);
        (0..n)
            .map(|_| (b' ' + self.below(95) as u8) as char)
            .collect()
    }
}

fn random_command(rng: &mut Rng) -> Command {
    match rng.below(15) {
        0 => Command::OptNeg {
            version: rng.next() as u32,
            actions: rng.next() as u32,
            protocol: rng.next() as u32,
        },
        1 => Command::Macro {
            stage: b"CHMRTLNBE"[rng.below(9)],
            pairs: (0..rng.below(4))
                .map(|_| (rng.text(12), rng.text(20)))
                .collect(),
        },
        2 => {
            let family = [Family::Inet, Family::Inet6, Family::Unix, Family::Unknown][rng.below(4)];
            let (port, address) = if family == Family::Unknown {
                (None, None)
            } else {
                (Some(rng.next() as u16), Some(rng.text(40)))
            };
            Command::Connect {
                hostname: rng.text(30),
                family,
                port,
                address,
            }
        }
        3 => Command::Helo(rng.text(30)),
        4 => Command::Mail((0..1 + rng.below(3)).map(|_| rng.text(30)).collect()),
        5 => Command::Rcpt((0..1 + rng.below(3)).map(|_| rng.text(30)).collect()),
        6 => Command::Data,
        7 => Command::Header {
            name: rng.text(20).into_bytes(),
            value: rng.some_bytes(60).into_iter().map(|b| b.max(1)).collect(),
        },
        8 => Command::EndOfHeaders,
        9 => Command::Body(rng.some_bytes(200)),
        10 => Command::EndOfBody(rng.some_bytes(20)),
        11 => Command::Abort,
        12 => Command::Quit,
        13 => Command::QuitNewConnection,
        _ => Command::Unknown(rng.text(30).into_bytes()),
    }
}

#[test]
fn the_same_commands_whatever_the_chunking() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let commands: Vec<Command> = (0..1000).map(|_| random_command(&mut rng)).collect();
    let mut stream = Vec::new();
    for c in &commands {
        encode_command(c, &mut stream);
    }
    let pull = |d: &mut Decoder, out: &mut Vec<Command>| {
        while let Some(c) = d.next_command().expect("valid stream") {
            out.push(c);
        }
    };

    // All at once.
    let mut d = Decoder::new();
    let mut got = Vec::new();
    d.feed(&stream);
    pull(&mut d, &mut got);
    assert_eq!(got, commands);

    // One byte at a time: every byte boundary of the whole stream is a chunk boundary.
    let mut d = Decoder::new();
    let mut got = Vec::new();
    for b in &stream {
        d.feed(std::slice::from_ref(b));
        pull(&mut d, &mut got);
    }
    assert_eq!(got, commands);
    assert_eq!(d.buffered(), 0);

    // Two pieces, split at every byte boundary of the first 100 commands' bytes.
    let mut prefix = Vec::new();
    for c in &commands[..100] {
        encode_command(c, &mut prefix);
    }
    for k in 0..=prefix.len() {
        let mut d = Decoder::new();
        let mut got = Vec::new();
        d.feed(&prefix[..k]);
        pull(&mut d, &mut got);
        d.feed(&prefix[k..]);
        pull(&mut d, &mut got);
        assert_eq!(got, commands[..100], "split at {k}");
    }

    // Random chunk sizes.
    for _ in 0..50 {
        let mut d = Decoder::new();
        let mut got = Vec::new();
        let mut rest = &stream[..];
        while !rest.is_empty() {
            let n = (1 + rng.below(3000)).min(rest.len());
            d.feed(&rest[..n]);
            rest = &rest[n..];
            pull(&mut d, &mut got);
        }
        assert_eq!(got, commands);
    }

    // And the session takes them all without panicking, whatever their order.
    let mut session = Session::new(Config {
        max_message_bytes: 1000,
        max_envelope_bytes: 500,
    });
    for c in commands {
        if let Step::Scan(env) = session.handle(c) {
            assert!(env.raw.len() <= 1000);
            let _ = session.finish(&[
                Action::PrefixSubject("[T]".into()),
                Action::Quarantine("q".into()),
            ]);
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    for round in 0..2000 {
        let len = rng.below(600);
        let mut bytes = rng.bytes(len);
        // Make plausible headers frequent: small lengths, known command bytes.
        if round % 2 == 0 {
            let mut i = 0;
            while i + 5 <= bytes.len() {
                let n = rng.below(40) as u32;
                bytes[i..i + 4].copy_from_slice(&n.to_be_bytes());
                bytes[i + 4] = b"OCDHMRTLNBEAQKUZ"[rng.below(16)];
                i += 5 + n as usize;
            }
        }
        let mut d = Decoder::with_max_data(64);
        let mut session = Session::new(Config {
            max_message_bytes: 100,
            max_envelope_bytes: 100,
        });
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            let n = (1 + rng.below(50)).min(rest.len());
            d.feed(&rest[..n]);
            rest = &rest[n..];
            for c in decode_all(&mut d).into_iter().flatten() {
                if let Step::Scan(env) = session.handle(c) {
                    assert!(env.raw.len() <= 100);
                    let _ = session.finish(&[Action::Accept]);
                }
            }
        }
    }
}
