//! The labelled cases: for each organisation detector, attacks it should catch and hard negatives it
//! must let through, dated after the history (2026-10 and 2026-11).
//!
//! Each file holds one detector's cases. Bodies are written by hand, case by case: the point is
//! variety of people, partners, languages and phrasing, not one template with a word changed.

mod bec;
mod first_contact;
mod hijack;
mod impersonation;
mod lookalike;
mod plain;
mod replyto;
mod spoof;

use crate::compose::{ar_pass, domain_of, mb, message_id, Draft, Mb, Via};
use crate::history::History;
use crate::history::{quote, Kind, Thread};
use crate::mime::{kst, Attachment};
use crate::org::{contact, emp, Lang};
use crate::rng::Rng;
use crate::Case;

/// Builds cases against the history they refer to.
pub(crate) struct Cx<'a> {
    pub h: &'a History,
    rng: Rng,
    seq: usize,
}

/// A time in Korea in the case period (2026), moved from a weekend to the Monday after: business
/// mail, benign or not, mostly arrives on working days.
pub(crate) fn at(m: u32, d: u32, hh: u32, mm: u32) -> i64 {
    let t = kst(2026, m, d, hh, mm);
    match crate::mime::wall(t, 540).6 {
        6 => t + 2 * 86_400,
        0 => t + 86_400,
        _ => t,
    }
}

/// An employee as a mailbox.
pub(crate) fn e(i: usize) -> Mb {
    mb(emp(i).display(), emp(i).addr())
}

/// A partner contact as a mailbox.
pub(crate) fn c(p: usize, i: usize) -> Mb {
    let p = contact(p, i);
    mb(p.display(), p.addr())
}

/// The sending host and address of a domain, as mx1 would record them.
fn host_of(domain: &str) -> (String, String) {
    match domain {
        "gmail.com" => ("mail-sor-f41.google.com".into(), "209.85.220.41".into()),
        "naver.com" => ("cvsmtppost012.nm.naver.com".into(), "192.0.2.12".into()),
        "outlook.com" => (
            "mail-psaapc01on2101.outbound.protection.outlook.com".into(),
            "198.51.100.101".into(),
        ),
        "proton.me" => ("mail-4322.proton.ch".into(), "198.51.100.22".into()),
        "hanmail.net" | "daum.net" => ("mail.daum.net".into(), "192.0.2.46".into()),
        _ => {
            let h = domain
                .bytes()
                .fold(7u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
            let net = ["192.0.2", "198.51.100", "203.0.113"][(h % 3) as usize];
            (
                format!("mail.{domain}"),
                format!("{net}.{}", 1 + (h >> 8) % 250),
            )
        }
    }
}

impl Cx<'_> {
    fn id(&mut self, at: i64, from: &str) -> String {
        self.seq += 1;
        message_id(&mut self.rng, at, from, 9000 + self.seq)
    }

    /// Mail from outside through mx1, everything passing for the From domain (the usual case: an
    /// attacker who registers a domain or uses free-mail passes SPF, DKIM and DMARC for it).
    pub(crate) fn inbound(&mut self, from: Mb, to: Vec<Mb>, subject: &str, at: i64) -> Draft {
        let id = self.id(at, &from.1);
        let dom = domain_of(&from.1).to_string();
        let (host, ip) = host_of(&dom);
        let mut d = Draft::new(from, to, subject, at, id);
        d.via = Via::Inbound { host, ip };
        d.auth.push(ar_pass(&dom));
        d
    }

    /// Mail between employees, through mx1, authenticated.
    pub(crate) fn internal(&mut self, from: Mb, to: Vec<Mb>, subject: &str, at: i64) -> Draft {
        let id = self.id(at, &from.1);
        let dom = domain_of(&from.1).to_string();
        let mut d = Draft::new(from, to, subject, at, id);
        d.via = Via::Internal;
        d.auth.push(ar_pass(&dom));
        d.extra
            .push(("X-Mailer".into(), "Microsoft Outlook 16.0".into()));
        d
    }

    /// The `nth` thread (0-based) of `kind` on `topic` that has at least two messages.
    pub(crate) fn thread(&self, kind: Kind, topic: usize, nth: usize) -> &Thread {
        let mut found = self
            .h
            .threads
            .iter()
            .filter(|t| t.kind == kind && t.topic == topic && t.msgs.len() >= 2);
        let first = self
            .h
            .threads
            .iter()
            .find(|t| t.kind == kind && t.msgs.len() >= 2)
            .or(self.h.threads.first());
        // The history always has such threads (its tests check the shapes the cases use); fall back
        // to any thread rather than panic if the tables change.
        found
            .nth(nth)
            .or(first)
            .unwrap_or_else(|| unreachable_thread())
    }

    /// A thread in which Kim Minjun wrote from his personal gmail.
    pub(crate) fn gmail_thread(&self) -> &Thread {
        self.h
            .threads
            .iter()
            .rev()
            .find(|t| t.gmail)
            .or(self.h.threads.first())
            .unwrap_or_else(|| unreachable_thread())
    }

    /// Makes `d` a reply to the last message of `t`: In-Reply-To, References, "RE:" subject, and the
    /// parent quoted under `text`.
    pub(crate) fn reply(&self, d: &mut Draft, t: &Thread, lang: Lang, text: &str) {
        let (irt, refs) = t.reply_refs();
        d.in_reply_to = Some(irt);
        d.references = refs;
        d.subject = if lang == Lang::Ko {
            format!("RE: {}", t.subject)
        } else {
            format!("Re: {}", t.subject)
        };
        let last = t.last();
        d.text = format!(
            "{text}{}",
            quote(lang, &last.from, last.at, &last.subject, &last.text)
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn case(
        &mut self,
        id: &str,
        detector: &'static str,
        attack: bool,
        lang: &'static str,
        note: &'static str,
        d: &Draft,
    ) -> Case {
        Case {
            id: id.to_string(),
            detector,
            attack,
            lang,
            note,
            raw: d.build(&mut self.rng),
        }
    }
}

fn unreachable_thread() -> &'static Thread {
    // Only reached if the history were empty, which `history::generate` never produces; a static
    // empty thread keeps this path panic-free.
    static EMPTY: std::sync::OnceLock<Thread> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Thread {
        kind: Kind::Internal,
        topic: 0,
        subject: String::new(),
        msgs: vec![crate::history::Sent {
            id: "empty@hanbit-x.com".into(),
            from: mb("", "nobody@hanbit-x.com"),
            at: 0,
            subject: String::new(),
            text: String::new(),
        }],
        participants: Vec::new(),
        gmail: false,
        employee: 0,
    })
}

/// A PDF attachment.
pub(crate) fn pdf_file(name: &str, lines: &[&str]) -> Attachment {
    Attachment {
        name: name.to_string(),
        content_type: "application/pdf",
        data: crate::files::pdf(name, lines),
    }
}

/// Any other attachment.
pub(crate) fn file(name: &str, content_type: &'static str, data: Vec<u8>) -> Attachment {
    Attachment {
        name: name.to_string(),
        content_type,
        data,
    }
}

pub(crate) fn all(h: &History, seed: u64) -> Vec<Case> {
    let mut cx = Cx {
        h,
        rng: Rng::new(seed),
        seq: 0,
    };
    let mut v = Vec::new();
    v.extend(impersonation::cases(&mut cx));
    v.extend(lookalike::cases(&mut cx));
    v.extend(spoof::cases(&mut cx));
    v.extend(hijack::cases(&mut cx));
    v.extend(replyto::cases(&mut cx));
    v.extend(first_contact::cases(&mut cx));
    v.extend(bec::cases(&mut cx));
    v.extend(plain::cases(&mut cx));
    v
}
