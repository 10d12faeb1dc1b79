//! One message as the organisation's mailbox holds it: the trace fields the receiving server added
//! (Return-Path, Authentication-Results, Received: RFC 5321 §4.4, RFC 8601), then the originator's
//! fields, then the MIME body. History and cases both write through [`Draft`].

use crate::mime::{self, mailbox, mailbox_list, rfc5322_date, Attachment, Msg};
use crate::org::MX;
use crate::rng::Rng;

/// A display name and an address.
pub(crate) type Mb = (String, String);

pub(crate) fn mb(name: &str, addr: &str) -> Mb {
    (name.to_string(), addr.to_string())
}

/// How the message reached the mailbox.
#[derive(Debug, Clone)]
pub(crate) enum Via {
    /// From outside, through mx1 (the sending host and its address).
    Inbound { host: String, ip: String },
    /// Written by an employee (the copy in Sent, or as relayed outward by mx1).
    Outbound,
    /// Between employees, through mx1.
    Internal,
}

#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub from: Mb,
    pub sender: Option<Mb>,
    pub to: Vec<Mb>,
    pub cc: Vec<Mb>,
    pub reply_to: Option<Mb>,
    /// Envelope sender; defaults to the From address for inbound mail.
    pub return_path: Option<String>,
    pub subject: String,
    pub at: i64,
    /// The sender's UTC offset in minutes.
    pub tz: i32,
    /// Without angle brackets.
    pub id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub text: String,
    pub html: Option<String>,
    pub files: Vec<Attachment>,
    pub via: Via,
    /// Authentication-Results added by the trusted server (written above its Received line).
    pub auth: Vec<String>,
    /// Authentication-Results from earlier hops (written below the trusted Received line): a
    /// forwarder's, or one the sender wrote itself.
    pub auth_lower: Vec<String>,
    /// More originator fields (X-Mailer, List-Id, ...), written after References.
    pub extra: Vec<(String, String)>,
    pub base64: bool,
}

impl Draft {
    pub(crate) fn new(from: Mb, to: Vec<Mb>, subject: &str, at: i64, id: String) -> Draft {
        Draft {
            from,
            sender: None,
            to,
            cc: Vec::new(),
            reply_to: None,
            return_path: None,
            subject: subject.to_string(),
            at,
            tz: 540,
            id,
            in_reply_to: None,
            references: Vec::new(),
            text: String::new(),
            html: None,
            files: Vec::new(),
            via: Via::Outbound,
            auth: Vec::new(),
            auth_lower: Vec::new(),
            extra: Vec::new(),
            base64: false,
        }
    }

    pub(crate) fn build(&self, rng: &mut Rng) -> String {
        let date = rfc5322_date(self.at, self.tz);
        // The server stamps its own clock: a few seconds later, in KST.
        let rdate = rfc5322_date(self.at + 2 + rng.range(0, 40), 540);
        let queue = rng.hex(11).to_uppercase();
        let mut m = Msg::new(rng.hex(16));
        match &self.via {
            Via::Inbound { host, ip } => {
                let rp = self
                    .return_path
                    .clone()
                    .unwrap_or_else(|| self.from.1.clone());
                m = m.header("Return-Path", format!("<{rp}>"));
                for a in &self.auth {
                    m = m.header("Authentication-Results", a.clone());
                }
                let rcpt = self.to.first().map_or("", |t| t.1.as_str()).to_string();
                m = m.header(
                    "Received",
                    format!(
                        "from {host} ({host} [{ip}])\r\n\tby {MX} (Postfix) with ESMTPS id {queue}\r\n\tfor <{rcpt}>; {rdate}"
                    ),
                );
            }
            Via::Outbound | Via::Internal => {
                let ip = format!("10.20.{}.{}", rng.range(1, 9), rng.range(10, 250));
                for a in &self.auth {
                    m = m.header("Authentication-Results", a.clone());
                }
                m = m.header(
                    "Received",
                    format!(
                        "from [{ip}] (unknown [{ip}])\r\n\tby {MX} (Postfix) with ESMTPSA id {queue};\r\n\t{rdate}"
                    ),
                );
            }
        }
        for a in &self.auth_lower {
            m = m.header("Authentication-Results", a.clone());
        }
        m = m.header("From", mailbox(&self.from.0, &self.from.1));
        if let Some(s) = &self.sender {
            m = m.header("Sender", mailbox(&s.0, &s.1));
        }
        if !self.to.is_empty() {
            m = m.header("To", mailbox_list(&self.to));
        }
        if !self.cc.is_empty() {
            m = m.header("Cc", mailbox_list(&self.cc));
        }
        if let Some(r) = &self.reply_to {
            m = m.header("Reply-To", mailbox(&r.0, &r.1));
        }
        m = m.subject(&self.subject);
        m = m.header("Date", date);
        m = m.header("Message-ID", format!("<{}>", self.id));
        if let Some(r) = &self.in_reply_to {
            m = m.header("In-Reply-To", format!("<{r}>"));
        }
        if !self.references.is_empty() {
            let refs = self
                .references
                .iter()
                .map(|r| format!("<{r}>"))
                .collect::<Vec<_>>()
                .join("\r\n ");
            m = m.header("References", refs);
        }
        for (n, v) in &self.extra {
            m = m.header(n, v.clone());
        }
        m = m.text(&self.text).base64_text(self.base64);
        if let Some(h) = &self.html {
            m = m.html(h);
        }
        for f in &self.files {
            m = m.attach(f.clone());
        }
        m.build()
    }
}

/// A trusted `Authentication-Results` of mx1 (RFC 8601 §2.2) with the three results given.
pub(crate) fn ar(
    spf: &str,
    mailfrom: &str,
    dkim: &str,
    dkim_d: &str,
    dmarc: &str,
    from_domain: &str,
) -> String {
    ar_by(MX, spf, mailfrom, dkim, dkim_d, dmarc, from_domain)
}

/// The same from any authserv-id.
pub(crate) fn ar_by(
    authserv: &str,
    spf: &str,
    mailfrom: &str,
    dkim: &str,
    dkim_d: &str,
    dmarc: &str,
    from_domain: &str,
) -> String {
    let dkim_part = if dkim == "none" {
        "dkim=none (message not signed)".to_string()
    } else {
        format!("dkim={dkim} header.d={dkim_d} header.s=s2026")
    };
    let policy = if dmarc == "fail" {
        " (p=QUARANTINE dis=QUARANTINE)"
    } else if dmarc == "pass" {
        " (p=QUARANTINE dis=NONE)"
    } else {
        ""
    };
    format!(
        "{authserv};\r\n\tspf={spf} smtp.mailfrom={mailfrom};\r\n\t{dkim_part};\r\n\tdmarc={dmarc}{policy} header.from={from_domain}"
    )
}

/// Everything passing for `domain` (the From domain, envelope and signature aligned).
pub(crate) fn ar_pass(domain: &str) -> String {
    ar("pass", domain, "pass", domain, "pass", domain)
}

/// The domain part of an address.
pub(crate) fn domain_of(addr: &str) -> &str {
    addr.rsplit_once('@').map_or(addr, |(_, d)| d)
}

/// A Message-ID in the style of the sending system (without angle brackets).
pub(crate) fn message_id(rng: &mut Rng, at: i64, from_addr: &str, seq: usize) -> String {
    let domain = domain_of(from_addr);
    let (y, mo, d, h, mi, s, _) = mime::wall(at, 0);
    match domain {
        "gmail.com" => format!(
            "CA+{}{}@mail.gmail.com",
            rng.hex(20),
            rng.hex(12).to_uppercase()
        ),
        "naver.com" => format!("{}.{}@naver.com", rng.hex(24), seq),
        "hanbit-x.com" | "hanbit-x.co.kr" | "hanbitx.io" => format!(
            "{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}.{seq:04}.{}@hanbit-x.com",
            rng.hex(8)
        ),
        _ => format!("{}.{seq}@{domain}", rng.hex(16)),
    }
}
