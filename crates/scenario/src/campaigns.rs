//! A labelled multi-wave attack scenario for measuring campaign clustering.
//!
//! [`campaign_messages`] returns raw messages as Hanbit's mailboxes received them between May and
//! August 2026, each labelled with the campaign it belongs to (the ground truth a clusterer is scored
//! against) or `None` for benign mail:
//!
//! - **`dprk-2026`** (Kimsuky/Lazarus-style, 22 messages to 13 employees, three waves):
//!   - wave 1 (May): a Korean National Tax Service withholding-receipt lure from two look-alikes of
//!     nts.go.kr, a stored ZIP holding a `.hwp.lnk` shortcut whose arguments are a (defanged, never
//!     run) PowerShell download from `cdn-update.nts-docs.kr`;
//!   - wave 2 (June-July): English recruiter and investment lures from a fake Singapore VC, links to
//!     a document host under the same registrable domain as the wave-1 C2, some with the wave-1
//!     shortcut again, sent from the wave-1 server's address;
//!   - wave 3 (August): a fake Hanbit security notice (Korean and English) from a look-alike of
//!     hanbit-x.com, credential links on the wave-2 hosting, near-duplicate bodies.
//! - **`bankphish`** (7 messages over two weeks in July): a generic English bank credential phish with
//!   its own hosts, sender and server. It shares only *weak* values with dprk-2026: the lure class
//!   (security notice), bit.ly, docs.google.com, gmail.com senders and so Google's outbound relay
//!   address, and some recipients. A good clusterer keeps the two apart.
//! - **benign** (18 messages): partner mail, a genuine NTS notice and an internal withholding-receipt
//!   notice, newsletters with bit.ly and docs.google.com links, Hanbit's real security notice, an
//!   internal warning that names the attacker's domains in defanged form.
//!
//! Every campaign message carries at least one *strong* link to another message of its campaign (the
//! same attachment or archive member bytes, the same LNK command line, the same non-public link host,
//! the same sender address, the same originating IP) or a near-duplicate body (Jaccard of word
//! 3-shingles >= 0.6); the strong links of dprk-2026 connect all three waves. Which links exist is
//! written beside each wave in `campaigns/dprk.rs` and checked by the tests, which read the builders'
//! own record of what they put in (`Observables`), not the MIME.
//!
//! Everything is inert: the shortcuts have no target (MS-SHLLINK §2.1.1: no HasLinkTargetIDList, no
//! HasLinkInfo, no HasRelativePath) and their "command line" is UTF-16 text with a defanged URL.

mod bankphish;
mod benign;
mod dprk;
#[cfg(test)]
mod tests;

use crate::compose::{ar_pass, domain_of, message_id, Mb};
use crate::mime::{mailbox, mailbox_list, rfc5322_date, Attachment, Msg};
use crate::org::MX;
use crate::rng::Rng;

/// One labelled message of the campaign scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignCase {
    /// Unique and file-name safe, in order of arrival: `007-20260513`. It says nothing about the label.
    pub name: String,
    /// RFC 5322 message with CRLF line ends, as mx1.hanbit-x.com delivered it.
    pub raw: Vec<u8>,
    /// When mx1 received it (Unix seconds; the time of its Received field).
    pub received_at: i64,
    /// Ground truth: `"dprk-2026"`, `"bankphish"`, or `None` for benign mail.
    pub campaign: Option<&'static str>,
    /// 1, 2 or 3 for dprk-2026; 1 for bankphish (a single wave); 0 for benign mail.
    pub wave: u8,
    /// The To and Cc addresses (Hanbit employees).
    pub recipients: Vec<String>,
}

/// The campaign labels used in [`CampaignCase::campaign`].
pub const CAMPAIGNS: &[&str] = &[dprk::CAMPAIGN, bankphish::CAMPAIGN];

/// The campaign scenario, sorted by arrival. Deterministic: equal on every call.
pub fn campaign_messages() -> Vec<CampaignCase> {
    build().into_iter().map(|(c, _)| c).collect()
}

/// The seed of the campaign scenario (independent of the history's, so neither moves the other).
const SEED: u64 = 0x4341_4D50_4149_474E; // "CAMPAIGN"

/// Every message with what its builder put into it.
pub(crate) fn build() -> Vec<(CampaignCase, Observables)> {
    let mut specs = dprk::specs();
    specs.extend(bankphish::specs());
    specs.extend(benign::specs());
    let mut rng = Rng::new(SEED);
    let mut out: Vec<(CampaignCase, Observables)> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| s.build(&mut rng, 7000 + i))
        .collect();
    out.sort_by_key(|(c, _)| c.received_at);
    for (i, (c, _)) in out.iter_mut().enumerate() {
        let (y, m, d, ..) = crate::mime::wall(c.received_at, 540);
        c.name = format!("{:03}-{y:04}{m:02}{d:02}", i + 1);
    }
    out
}

/// How a message reached mx1, which decides its trace fields (RFC 5321 §4.4) and its originating
/// address: the address of the first machine outside any provider that handed the message on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Route {
    /// The sending host connected to mx1 itself (an attacker's VPS, a partner's server): its address
    /// is the origin.
    Direct {
        host: &'static str,
        ip: &'static str,
    },
    /// A client submitted the message to a relay (ESMTPSA) that passed it to mx1: two Received
    /// fields, the client's address in the lower one is the origin.
    Relayed {
        client: &'static str,
        relay: &'static str,
        relay_ip: &'static str,
    },
    /// Gmail: Google's outbound relay hands it over and the lowest hop names no client address, so
    /// there is no origin; the relay address is the provider's, shared by every gmail sender.
    Gmail,
    /// Between employees, submitted to mx1 from the office network.
    Internal,
}

/// Google's outbound relay as mx1 records it (the same for every gmail.com sender: a weak value).
pub(crate) const GMAIL_RELAY: (&str, &str) = ("mail-sor-f41.google.com", "209.85.220.41");

/// One message to build.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub campaign: Option<&'static str>,
    pub wave: u8,
    pub from: Mb,
    pub to: Vec<Mb>,
    pub cc: Vec<Mb>,
    pub reply_to: Option<Mb>,
    pub subject: String,
    /// The sender's Date (Unix seconds) and UTC offset in minutes.
    pub at: i64,
    pub tz: i32,
    pub route: Route,
    pub text: String,
    pub html: Option<String>,
    pub files: Vec<Attachment>,
    /// The members of the ZIP attachments, as put in.
    pub inner: Vec<Vec<u8>>,
    /// The COMMAND_LINE_ARGUMENTS of every shortcut among the members, as put in.
    pub lnk_args: Vec<String>,
    /// More originator fields (X-Mailer, List-Id, ...).
    pub extra: Vec<(String, String)>,
}

impl Spec {
    pub(crate) fn new(
        campaign: Option<&'static str>,
        wave: u8,
        from: Mb,
        to: Vec<Mb>,
        subject: &str,
        at: i64,
        route: Route,
    ) -> Spec {
        Spec {
            campaign,
            wave,
            from,
            to,
            cc: Vec::new(),
            reply_to: None,
            subject: subject.to_string(),
            at,
            tz: 540,
            route,
            text: String::new(),
            html: None,
            files: Vec::new(),
            inner: Vec::new(),
            lnk_args: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Attaches a stored ZIP (APPNOTE §4.3) of `members`; `lnk_args` are the command lines of the
    /// shortcuts among them, recorded for the tests.
    pub(crate) fn zip(&mut self, name: &str, members: &[(String, Vec<u8>)], lnk_args: &[&str]) {
        let refs: Vec<(&str, &[u8])> = members
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        let mut data = crate::files::zip(&refs);
        redate_zip(&mut data);
        self.files.push(Attachment {
            name: name.to_string(),
            content_type: "application/zip",
            data,
        });
        self.inner.extend(members.iter().map(|(_, d)| d.clone()));
        self.lnk_args.extend(lnk_args.iter().map(|s| s.to_string()));
    }

    /// Attaches a one-page PDF.
    pub(crate) fn pdf(&mut self, name: &str, lines: &[&str]) {
        self.files.push(Attachment {
            name: name.to_string(),
            content_type: "application/pdf",
            data: crate::files::pdf(name, lines),
        });
    }

    fn build(&self, rng: &mut Rng, seq: usize) -> (CampaignCase, Observables) {
        let id = message_id(rng, self.at, &self.from.1, seq);
        // mx1 stamps its own clock a few seconds after the sender's Date, in KST.
        let received_at = self.at + rng.range(3, 50);
        let rdate = rfc5322_date(received_at, 540);
        let rcpt = self.to.first().map_or("", |t| t.1.as_str()).to_string();
        let queue = rng.hex(11).to_uppercase();
        let mut m = Msg::new(rng.hex(16));
        let from_dom = domain_of(&self.from.1).to_string();
        let origin = match self.route {
            Route::Direct { host, ip } => {
                m = m
                    .header("Return-Path", format!("<{}>", self.from.1))
                    .header("Authentication-Results", ar_pass(&from_dom))
                    .header(
                        "Received",
                        format!("from {host} ({host} [{ip}])\r\n\tby {MX} (Postfix) with ESMTPS id {queue}\r\n\tfor <{rcpt}>; {rdate}"),
                    );
                Some(ip.to_string())
            }
            Route::Relayed {
                client,
                relay,
                relay_ip,
            } => {
                let lower = rfc5322_date(self.at + 1, self.tz);
                let q2 = rng.hex(10).to_uppercase();
                m = m
                    .header("Return-Path", format!("<{}>", self.from.1))
                    .header("Authentication-Results", ar_pass(&from_dom))
                    .header(
                        "Received",
                        format!("from {relay} ({relay} [{relay_ip}])\r\n\tby {MX} (Postfix) with ESMTPS id {queue}\r\n\tfor <{rcpt}>; {rdate}"),
                    )
                    .header(
                        "Received",
                        format!("from [{client}] (unknown [{client}])\r\n\tby {relay} (Postfix) with ESMTPSA id {q2}\r\n\tfor <{rcpt}>; {lower}"),
                    );
                Some(client.to_string())
            }
            Route::Gmail => {
                let (host, ip) = GMAIL_RELAY;
                let lower = rfc5322_date(self.at + 1, self.tz);
                let smtp_id = format!("{}-{}", rng.hex(8), rng.hex(12));
                m = m
                    .header("Return-Path", format!("<{}>", self.from.1))
                    .header("Authentication-Results", ar_pass("gmail.com"))
                    .header(
                        "Received",
                        format!("from {host} ({host} [{ip}])\r\n\tby {MX} (Postfix) with ESMTPS id {queue}\r\n\tfor <{rcpt}>; {rdate}"),
                    )
                    // Gmail's lowest hop: an internal IPv6 name, no client address.
                    .header(
                        "Received",
                        format!("by 2002:a05:6a10:{}::{} with SMTP id {smtp_id};\r\n\t{lower}", rng.hex(4), rng.hex(3)),
                    );
                None
            }
            Route::Internal => {
                let ip = format!("10.20.{}.{}", rng.range(1, 9), rng.range(10, 250));
                m = m
                    .header("Authentication-Results", ar_pass(&from_dom))
                    .header(
                        "Received",
                        format!("from [{ip}] (unknown [{ip}])\r\n\tby {MX} (Postfix) with ESMTPSA id {queue};\r\n\t{rdate}"),
                    );
                None
            }
        };
        m = m.header("From", mailbox(&self.from.0, &self.from.1));
        if !self.to.is_empty() {
            m = m.header("To", mailbox_list(&self.to));
        }
        if !self.cc.is_empty() {
            m = m.header("Cc", mailbox_list(&self.cc));
        }
        if let Some(r) = &self.reply_to {
            m = m.header("Reply-To", mailbox(&r.0, &r.1));
        }
        m = m
            .subject(&self.subject)
            .header("Date", rfc5322_date(self.at, self.tz))
            .header("Message-ID", format!("<{id}>"));
        for (n, v) in &self.extra {
            m = m.header(n, v.clone());
        }
        // Korean mailers send Korean text as base64 (as the history does for half its mail).
        m = m.text(&self.text).base64_text(!self.text.is_ascii());
        if let Some(h) = &self.html {
            m = m.html(h);
        }
        for f in &self.files {
            m = m.attach(f.clone());
        }
        let mut urls = urls_in(&self.text);
        if let Some(h) = &self.html {
            for u in urls_in(h) {
                if !urls.contains(&u) {
                    urls.push(u);
                }
            }
        }
        let obs = Observables {
            sender: self.from.1.to_ascii_lowercase(),
            origin_ip: origin,
            urls,
            files: self.files.iter().map(|f| f.data.clone()).collect(),
            inner: self.inner.clone(),
            lnk_args: self.lnk_args.clone(),
            text: self.text.clone(),
        };
        let recipients = self
            .to
            .iter()
            .chain(&self.cc)
            .map(|r| r.1.to_ascii_lowercase())
            .collect();
        let case = CampaignCase {
            name: String::new(),
            raw: m.build().into_bytes(),
            received_at,
            campaign: self.campaign,
            wave: self.wave,
            recipients,
        };
        (case, obs)
    }
}

/// Sets every member's MS-DOS modification time (APPNOTE §4.4.6) to 2026-04-28 10:12, when the
/// attacker made the shortcuts: `files::zip` stamps a date after the history, later than these
/// messages. Walks the local headers (§4.3.7) and the central directory (§4.3.12) by their sizes.
fn redate_zip(z: &mut [u8]) {
    const TIME: u16 = (10 << 11) | (12 << 5);
    const DATE: u16 = ((2026 - 1980) << 9) | (4 << 5) | 28;
    let u16_at = |z: &[u8], o: usize| {
        z.get(o..o + 2)
            .map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |z: &[u8], o: usize| {
        z.get(o..o + 4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let set = |z: &mut [u8], at: usize| {
        if let Some(b) = z.get_mut(at..at + 4) {
            b[..2].copy_from_slice(&TIME.to_le_bytes());
            b[2..].copy_from_slice(&DATE.to_le_bytes());
        }
    };
    let mut pos = 0;
    loop {
        match u32_at(z, pos) {
            0x0403_4b50 => {
                set(z, pos + 10);
                pos += 30 + u16_at(z, pos + 26) + u16_at(z, pos + 28) + u32_at(z, pos + 18);
            }
            0x0201_4b50 => {
                set(z, pos + 12);
                pos += 46 + u16_at(z, pos + 28) + u16_at(z, pos + 30) + u16_at(z, pos + 32);
            }
            _ => break,
        }
    }
}

/// What a builder put into one message: the values a clusterer could link messages by. Kept beside
/// the raw bytes so that the tests check the ground truth's reasoning without a MIME parser.
#[derive(Debug, Clone, Default)]
#[cfg_attr(not(test), allow(dead_code))] // read by the tests only
pub(crate) struct Observables {
    /// The From address, lower-case.
    pub sender: String,
    /// The originating address (see [`Route`]); `None` for gmail and internal mail.
    pub origin_ip: Option<String>,
    /// Every http(s) URL of the text and HTML bodies.
    pub urls: Vec<String>,
    /// The attachments' bytes.
    pub files: Vec<Vec<u8>>,
    /// The archive members' bytes.
    pub inner: Vec<Vec<u8>>,
    /// The shortcuts' command lines.
    pub lnk_args: Vec<String>,
    /// The plain-text body.
    pub text: String,
}

/// The http(s) URLs of `s`, in order, each once: up to white space, a quote, an angle bracket or a
/// non-ASCII character (the links here are all ASCII),
/// trailing sentence punctuation dropped. Defanged forms (`hxxp`, `[.]`) are deliberately not URLs.
pub(crate) fn urls_in(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("http") {
        let tail = &rest[i..];
        if tail.starts_with("https://") || tail.starts_with("http://") {
            let end = tail
                .find(|c: char| c.is_whitespace() || !c.is_ascii() || "\"'<>".contains(c))
                .unwrap_or(tail.len());
            let u = tail[..end].trim_end_matches(['.', ',', ')', ';']);
            if !out.iter().any(|o| o == u) {
                out.push(u.to_string());
            }
            rest = &tail[end..];
        } else {
            rest = &tail[4..];
        }
    }
    out
}

/// A Windows shortcut (MS-SHLLINK) that points at nothing.
pub(crate) struct Shortcut<'a> {
    /// NAME_STRING (§2.4): the description Explorer shows, here the decoy document's name.
    pub name: &'a str,
    /// COMMAND_LINE_ARGUMENTS (§2.4): text only.
    pub args: &'a str,
    /// ICON_LOCATION (§2.4) and the header's IconIndex, when the shortcut borrows a document icon.
    pub icon: Option<(&'a str, i32)>,
    /// The MachineID of the TrackerDataBlock (§2.5.10): the NetBIOS name of the machine the shortcut
    /// was made on, which stays the same across a builder's shortcuts.
    pub machine: &'a str,
    /// Zero bytes appended after the TerminalBlock (§2.5): the overlay some builders pad with.
    pub padding: usize,
}

// MS-SHLLINK §2.1.1 LinkFlags.
const HAS_NAME: u32 = 1 << 2;
const HAS_ARGUMENTS: u32 = 1 << 5;
const HAS_ICON_LOCATION: u32 = 1 << 6;
const IS_UNICODE: u32 = 1 << 7;

/// The bytes of `s`: ShellLinkHeader (§2.1, 76 bytes), StringData (§2.4) in UTF-16LE, a
/// TrackerDataBlock (§2.5.10) and the TerminalBlock. No LinkTargetIDList, LinkInfo, relative path or
/// working directory, so there is no target: double-clicking it runs nothing.
pub(crate) fn shllink(s: &Shortcut) -> Vec<u8> {
    let mut flags = HAS_NAME | HAS_ARGUMENTS | IS_UNICODE;
    if s.icon.is_some() {
        flags |= HAS_ICON_LOCATION;
    }
    // FILETIME (100 ns since 1601-01-01) of 2026-04-28 10:12 KST: when the builder made them.
    let ft = (crate::mime::kst(2026, 4, 28, 10, 12) + 11_644_473_600) as u64 * 10_000_000;
    let mut v = Vec::with_capacity(512);
    v.extend_from_slice(&0x4Cu32.to_le_bytes()); // HeaderSize
    v.extend_from_slice(&[
        0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x46,
    ]); // LinkCLSID 00021401-0000-0000-C000-000000000046
    v.extend_from_slice(&flags.to_le_bytes());
    v.extend_from_slice(&0x20u32.to_le_bytes()); // FileAttributes: FILE_ATTRIBUTE_ARCHIVE
    for _ in 0..3 {
        v.extend_from_slice(&ft.to_le_bytes()); // CreationTime, AccessTime, WriteTime
    }
    v.extend_from_slice(&0u32.to_le_bytes()); // FileSize
    v.extend_from_slice(&s.icon.map_or(0, |(_, i)| i).to_le_bytes()); // IconIndex
    v.extend_from_slice(&7u32.to_le_bytes()); // ShowCommand: SW_SHOWMINNOACTIVE
    v.extend_from_slice(&[0u8; 2 + 2 + 4 + 4]); // HotKey, Reserved1-3
    debug_assert_eq!(v.len(), 0x4C);
    let mut string = |t: &str| {
        let units: Vec<u16> = t.encode_utf16().collect();
        v.extend_from_slice(&(units.len() as u16).to_le_bytes()); // CountCharacters
        for u in units {
            v.extend_from_slice(&u.to_le_bytes());
        }
    };
    string(s.name);
    string(s.args);
    if let Some((icon, _)) = s.icon {
        string(icon);
    }
    // §2.5.10 TrackerDataBlock: size 0x60, signature 0xA0000003, Length 0x58, Version 0, MachineID
    // (16 bytes, NUL-padded), Droid and DroidBirth (two GUIDs each).
    v.extend_from_slice(&0x60u32.to_le_bytes());
    v.extend_from_slice(&0xA000_0003u32.to_le_bytes());
    v.extend_from_slice(&0x58u32.to_le_bytes());
    v.extend_from_slice(&0u32.to_le_bytes());
    let mut machine = [0u8; 16];
    for (d, b) in machine.iter_mut().zip(s.machine.bytes().take(15)) {
        *d = b;
    }
    v.extend_from_slice(&machine);
    let droid: [u8; 32] = [
        0x5B, 0x1E, 0x7A, 0x3C, 0x92, 0x44, 0xF1, 0x11, 0xA7, 0x2D, 0x00, 0x0C, 0x29, 0x6E, 0x4B,
        0x13, 0x8D, 0x60, 0x2F, 0xB4, 0x43, 0x3A, 0xF0, 0x11, 0x9C, 0x15, 0x00, 0x0C, 0x29, 0x6E,
        0x4B, 0x13,
    ];
    v.extend_from_slice(&droid);
    v.extend_from_slice(&droid);
    v.extend_from_slice(&0u32.to_le_bytes()); // TerminalBlock
    v.resize(v.len() + s.padding, 0);
    v
}
