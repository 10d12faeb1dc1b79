//! Release: re-injection through the SMTP client against an in-test SMTP server (a std TcpListener
//! thread that records what it got), refusals, fallbacks and timeouts.

mod common;

use common::{meta, tricky_message};
use spearwatch_quarantine::{Quarantine, QuarantineError, SmtpError, SmtpRelay, SmtpStep, State};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How the test server behaves.
#[derive(Clone, Copy, Default)]
struct Behaviour {
    /// Answer 550 to every RCPT.
    reject_rcpt: bool,
    /// Answer 502 to EHLO (an RFC 821-only server), so the client must fall back to HELO.
    no_ehlo: bool,
    /// Accept the connection and never speak.
    silent: bool,
}

/// What the server received.
#[derive(Debug, Default)]
struct Got {
    commands: Vec<String>,
    /// The message after un-dot-stuffing, without the terminating `.` line.
    data: Option<Vec<u8>>,
}

/// One connection's worth of SMTP (RFC 5321), recording commands and the un-stuffed data. A line is
/// anything up to LF, as Postfix reads it, so a `.` after a bare LF is un-stuffed too.
fn server(behaviour: Behaviour) -> (SocketAddr, JoinHandle<Got>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        let mut got = Got::default();
        let (stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        if behaviour.silent {
            std::thread::sleep(Duration::from_millis(1500));
            return got;
        }
        let mut w = stream.try_clone().unwrap();
        let mut r = BufReader::new(stream);
        // A multi-line greeting (RFC 5321 §4.2.1).
        w.write_all(b"220-test.example ESMTP\r\n220 in-test server\r\n")
            .unwrap();
        loop {
            let mut line = Vec::new();
            if r.read_until(b'\n', &mut line).unwrap_or(0) == 0 {
                break;
            }
            let cmd = String::from_utf8_lossy(&line).trim_end().to_string();
            got.commands.push(cmd.clone());
            let verb = cmd
                .split([' ', ':'])
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" if behaviour.no_ehlo => b"502 5.5.2 Error: command not recognized\r\n",
                "EHLO" => b"250-test.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
                "HELO" => b"250 test.example\r\n",
                "MAIL" => b"250 2.1.0 Ok\r\n",
                "RCPT" if behaviour.reject_rcpt => {
                    b"550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown\r\n"
                }
                "RCPT" => b"250 2.1.5 Ok\r\n",
                "RSET" => b"250 2.0.0 Ok\r\n",
                "DATA" => {
                    w.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").unwrap();
                    let mut data = Vec::new();
                    loop {
                        let mut l = Vec::new();
                        if r.read_until(b'\n', &mut l).unwrap_or(0) == 0 {
                            return got; // connection lost inside DATA: nothing delivered
                        }
                        if l == b".\r\n" {
                            break;
                        }
                        let body = if l.first() == Some(&b'.') { &l[1..] } else { &l[..] };
                        data.extend_from_slice(body);
                    }
                    got.data = Some(data);
                    b"250 2.0.0 Ok: queued as 4XyZ9\r\n"
                }
                "QUIT" => {
                    let _ = w.write_all(b"221 2.0.0 Bye\r\n");
                    break;
                }
                _ => b"502 5.5.2 Error: command not recognized\r\n",
            };
            w.write_all(reply).unwrap();
        }
        got
    });
    (addr, handle)
}

fn relay(addr: SocketAddr) -> SmtpRelay {
    SmtpRelay {
        addr,
        helo: "gw.example.org".into(),
        timeout: Duration::from_secs(5),
    }
}

#[test]
fn release_reinjects_the_original_bytes_with_the_stored_envelope() {
    let tmp = tempfile::tempdir().unwrap();
    let (q, _) = Quarantine::open(tmp.path()).unwrap();
    let original = tricky_message();
    let e = q
        .put(&original, meta(&["a@example.org", "b@example.org"]))
        .unwrap();
    let (addr, server) = server(Behaviour::default());
    let released = q.release(&e.id, &relay(addr)).unwrap();
    let got = server.join().unwrap();

    assert_eq!(
        got.data.as_deref(),
        Some(&original[..]),
        "byte-exact after un-stuffing"
    );
    assert_eq!(
        got.commands,
        [
            "EHLO gw.example.org".to_string(),
            format!(
                "MAIL FROM:<bounce@example.com> BODY=8BITMIME SIZE={}",
                original.len()
            ),
            "RCPT TO:<a@example.org>".into(),
            "RCPT TO:<b@example.org>".into(),
            "DATA".into(),
            "QUIT".into(),
        ]
    );
    assert_eq!(released.state, State::Released);
    assert!(released.released_at.is_some());
    assert_eq!(q.get(&e.id).unwrap(), Some(released));
    // The file stays (until expiry or delete), and a second release is refused.
    assert_eq!(q.raw(&e.id).unwrap(), original);
    let again = q.release(&e.id, &relay(addr));
    assert!(
        matches!(
            again,
            Err(QuarantineError::WrongState {
                state: State::Released,
                ..
            })
        ),
        "{again:?}"
    );
}

#[test]
fn a_refused_recipient_is_a_clear_error_and_the_entry_stays_held() {
    let tmp = tempfile::tempdir().unwrap();
    let (q, _) = Quarantine::open(tmp.path()).unwrap();
    let e = q
        .put(&tricky_message(), meta(&["nobody@example.org"]))
        .unwrap();
    let (addr, server) = server(Behaviour {
        reject_rcpt: true,
        ..Behaviour::default()
    });
    let err = q.release(&e.id, &relay(addr)).unwrap_err();
    let got = server.join().unwrap();

    let text = err.to_string();
    assert!(text.contains(&e.id), "{text}");
    assert!(text.contains("RCPT TO"), "{text}");
    assert!(
        text.contains("550 5.1.1 <nobody@example.org>: Recipient address rejected"),
        "{text}"
    );
    match &err {
        QuarantineError::Release {
            source: source @ SmtpError::Rejected { step, reply, .. },
            ..
        } => {
            assert_eq!(*step, SmtpStep::RcptTo);
            assert_eq!(reply.code, 550);
            assert!(source.is_permanent());
        }
        other => panic!("{other:?}"),
    }
    assert!(got.data.is_none(), "no DATA after a refused recipient");
    assert!(got.commands.iter().any(|c| c == "RSET"));
    assert_eq!(q.get(&e.id).unwrap().unwrap().state, State::Held);
}

#[test]
fn ehlo_falls_back_to_helo_and_a_message_without_a_final_line_end_gets_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (q, _) = Quarantine::open(tmp.path()).unwrap();
    let original = b"Subject: x\r\n\r\n.no final line end".to_vec();
    let e = q.put(&original, meta(&["a@example.org"])).unwrap();
    let (addr, server) = server(Behaviour {
        no_ehlo: true,
        ..Behaviour::default()
    });
    q.release(&e.id, &relay(addr)).unwrap();
    let got = server.join().unwrap();
    assert_eq!(
        got.commands[..2],
        ["EHLO gw.example.org", "HELO gw.example.org"]
    );
    // Without EHLO there are no extensions, so no BODY or SIZE parameter.
    assert_eq!(got.commands[2], "MAIL FROM:<bounce@example.com>");
    // RFC 5321 §4.1.1.4: the CRLF before the terminating dot is added, and received.
    let mut expected = original;
    expected.extend_from_slice(b"\r\n");
    assert_eq!(got.data, Some(expected));
}

#[test]
fn a_silent_relay_times_out_at_the_greeting() {
    let tmp = tempfile::tempdir().unwrap();
    let (q, _) = Quarantine::open(tmp.path()).unwrap();
    let e = q.put(&tricky_message(), meta(&["a@example.org"])).unwrap();
    let (addr, server) = server(Behaviour {
        silent: true,
        ..Behaviour::default()
    });
    let start = Instant::now();
    let err = q
        .release(
            &e.id,
            &SmtpRelay {
                timeout: Duration::from_millis(300),
                ..relay(addr)
            },
        )
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(
            err,
            QuarantineError::Release {
                source: SmtpError::Io {
                    step: SmtpStep::Greeting,
                    ..
                },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("greeting"), "{err}");
    server.join().unwrap();
    assert_eq!(q.get(&e.id).unwrap().unwrap().state, State::Held);
}

#[test]
fn an_unreachable_relay_is_a_connect_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (q, _) = Quarantine::open(tmp.path()).unwrap();
    let e = q
        .put(b"Subject: x\r\n\r\nbody\r\n", meta(&["a@example.org"]))
        .unwrap();
    // A port that was just free: connection refused.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let err = q.release(&e.id, &relay(addr)).unwrap_err();
    assert!(
        matches!(
            err,
            QuarantineError::Release {
                source: SmtpError::Io {
                    step: SmtpStep::Connect,
                    ..
                },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(q.get(&e.id).unwrap().unwrap().state, State::Held);
}

#[test]
fn an_entry_without_recipients_cannot_be_released() {
    let tmp = tempfile::tempdir().unwrap();
    let (q, _) = Quarantine::open(tmp.path()).unwrap();
    let e = q.put(b"Subject: x\r\n\r\nbody\r\n", meta(&[])).unwrap();
    let bad = q
        .put(
            b"x\r\n",
            meta(&["a@example.org>\r\nRCPT TO:<evil@example.net"]),
        )
        .unwrap();
    let addr: SocketAddr = "127.0.0.1:9".parse().unwrap();
    for id in [&e.id, &bad.id] {
        let err = q.release(id, &relay(addr)).unwrap_err();
        assert!(
            matches!(
                err,
                QuarantineError::Release {
                    source: SmtpError::BadAddress(_),
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(q.get(id).unwrap().unwrap().state, State::Held);
    }
}

/// A hostile relay cannot make the client allocate without bound or hang: an endless reply line
/// is refused as malformed.
#[test]
fn an_endless_reply_line_is_a_protocol_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let t = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let junk = vec![b'2'; 64 * 1024];
        let _ = s.write_all(&junk);
        std::thread::sleep(Duration::from_millis(200));
    });
    let err = spearwatch_quarantine::smtp::send(
        &relay(addr),
        "a@example.org",
        &["b@example.org".to_string()],
        b"x\r\n",
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            SmtpError::Protocol {
                step: SmtpStep::Greeting,
                ..
            }
        ),
        "{err:?}"
    );
    t.join().unwrap();
}
