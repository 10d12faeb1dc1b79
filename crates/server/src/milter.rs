//! Milter connections: the sans-IO codec of `spearwatch-milter` driven over tokio sockets.
//!
//! One task per MTA connection (Postfix keeps one per smtpd process and reuses it across messages).
//! Commands are read and answered in order; at end of message the session hands over the envelope
//! and the raw message, [`App::decide`] returns the action, and the session turns it into milter
//! responses (header changes first, then the final reply), as the protocol requires.

use crate::config::Action as Act;
use crate::{App, Decision, Origin};
use spearwatch_milter::{encode, Action, Config as SessionConfig, Decoder, Session, Step};
use spearwatch_quarantine::Envelope;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// An MTA connection with nothing to say for this long is closed (Postfix's own milter timeouts are
/// shorter; this only reclaims dead peers).
const IDLE: Duration = Duration::from_secs(600);

pub async fn run(app: Arc<App>, listener: TcpListener, mut stop: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    let conn_stop = stop.clone();
    loop {
        tokio::select! {
            r = listener.accept() => match r {
                Ok((sock, _peer)) => {
                    app.metrics.milter_connections.fetch_add(1, Relaxed);
                    let _ = sock.set_nodelay(true);
                    conns.spawn(connection(Arc::clone(&app), sock, conn_stop.clone()));
                }
                Err(e) => {
                    app.metrics.error("io");
                    eprintln!("spearwatch: milter accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = crate::stopped(&mut stop) => break,
        }
    }
    // Messages in progress finish; their connections close when the MTA quits or at shutdown's deadline.
    while conns.join_next().await.is_some() {}
}

async fn connection(app: Arc<App>, mut sock: TcpStream, mut stop: watch::Receiver<bool>) {
    let max = app.config.max_message_bytes;
    let mut dec = Decoder::new();
    let mut session = Session::new(SessionConfig {
        max_message_bytes: max,
        ..SessionConfig::default()
    });
    let mut buf = vec![0u8; 64 * 1024];
    let mut out = Vec::with_capacity(1024);
    loop {
        let n = tokio::select! {
            r = tokio::time::timeout(IDLE, sock.read(&mut buf)) => match r {
                Ok(Ok(0)) | Err(_) => return,
                Ok(Ok(n)) => n,
                Ok(Err(_)) => { app.metrics.error("io"); return; }
            },
            // At shutdown an idle connection (between messages) is closed; the MTA reconnects to
            // the next spearwatch. A message in progress is in `decide` below and finishes first.
            _ = crate::stopped(&mut stop) => return,
        };
        dec.feed(&buf[..n]);
        loop {
            let cmd = match dec.next_command() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    app.metrics.error("protocol");
                    eprintln!("spearwatch: milter protocol error, closing the connection: {e}");
                    return;
                }
            };
            out.clear();
            match session.handle(cmd) {
                Step::Reply(responses) => {
                    for r in &responses {
                        encode(r, &mut out);
                    }
                }
                Step::None => {}
                Step::Close => return,
                Step::Scan(env) => {
                    let origin = Origin {
                        source: "milter",
                        envelope: Envelope {
                            mail_from: env.mail_from.clone(),
                            rcpts: env.rcpts.clone(),
                            client_ip: env.client_ip.map(|ip| ip.to_string()),
                            helo: (!env.helo.is_empty()).then(|| env.helo.clone()),
                            queue_id: env.queue_id.clone(),
                        },
                    };
                    let env = *env;
                    let auth = if env.truncated {
                        None
                    } else {
                        app.authenticate(&env.raw, env.client_ip, &env.helo, &env.mail_from)
                            .await
                    };
                    let decision = app.decide(env.raw, env.truncated, origin, auth).await;
                    log(&decision, env.queue_id.as_deref());
                    for r in &session.finish(&actions(&decision)) {
                        encode(r, &mut out);
                    }
                }
            }
            if !out.is_empty() && sock.write_all(&out).await.is_err() {
                app.metrics.error("io");
                return;
            }
        }
    }
}

/// The milter actions for a decision: headers for delivered mail, the subject tag, or the final
/// refusal. Quarantined mail is discarded by the MTA only because its copy is already on disk.
fn actions(d: &Decision) -> Vec<Action> {
    let mut v = Vec::new();
    match d.action {
        Act::Accept | Act::Tag => {
            for (name, value) in &d.headers {
                v.push(Action::AddHeader {
                    name: name.clone(),
                    value: value.clone(),
                });
            }
            if let Some(tag) = &d.subject_tag {
                v.push(Action::PrefixSubject(tag.clone()));
            }
            v.push(Action::Accept);
        }
        Act::Quarantine => v.push(Action::Discard),
        Act::Reject => {
            let (code, xcode, text) = split_reply(d.reply.as_deref(), "550", "5.7.1");
            v.push(Action::Reject { code, xcode, text });
        }
        Act::Tempfail => {
            let (_, _, text) = split_reply(d.reply.as_deref(), "451", "4.3.0");
            v.push(Action::Tempfail { text });
        }
    }
    v
}

/// "550 5.7.1 text" into its parts (the config checked the shape; defaults otherwise).
fn split_reply(reply: Option<&str>, code: &str, xcode: &str) -> (String, String, String) {
    let r = reply.unwrap_or("");
    let mut parts = r.splitn(3, ' ');
    let c = parts.next().filter(|c| c.len() == 3).unwrap_or(code);
    let (x, text) = match (parts.next(), parts.next()) {
        (Some(x), Some(t)) if x.contains('.') => (x, t.to_string()),
        (Some(x), Some(t)) => (xcode, format!("{x} {t}")),
        (Some(x), None) => (xcode, x.to_string()),
        _ => (xcode, "refused by spearwatch".to_string()),
    };
    (c.to_string(), x.to_string(), text)
}

fn log(d: &Decision, queue_id: Option<&str>) {
    let verdict = d
        .report
        .as_ref()
        .map_or("unscanned", |r| r.verdict.as_str());
    let q = d
        .quarantine_id
        .as_deref()
        .map(|q| format!(" quarantine={q}"))
        .unwrap_or_default();
    eprintln!(
        "spearwatch: milter queue_id={} verdict={verdict} action={}{q} reason=\"{}\"",
        queue_id.unwrap_or("-"),
        d.action.as_str(),
        d.reason.replace('"', "'")
    );
}
