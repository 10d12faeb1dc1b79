//! The owned message model that detectors read.

use serde::Serialize;

/// A display name and address from an address header (RFC 5322 §3.4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    /// Display name, decoded (RFC 2047) and trimmed; `None` when absent or empty.
    pub name: Option<String>,
    /// The addr-spec, lower-cased domain; `None` when the header held no parsable address.
    pub address: Option<String>,
}

impl Mailbox {
    /// The domain part of the address, lower-case, without a trailing dot.
    pub fn domain(&self) -> Option<&str> {
        let a = self.address.as_deref()?;
        let (_, d) = a.rsplit_once('@')?;
        let d = d.trim_end_matches('.');
        (!d.is_empty()).then_some(d)
    }

    /// `"Name" <addr>` for tables and evidence.
    pub fn display(&self) -> String {
        match (&self.name, &self.address) {
            (Some(n), Some(a)) => format!("\"{n}\" <{a}>"),
            (None, Some(a)) => a.clone(),
            (Some(n), None) => format!("\"{n}\""),
            (None, None) => String::new(),
        }
    }
}

/// Where a URL was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UrlSource {
    /// Plain text of a text/plain part (or of a subject).
    Text,
    /// `<a href>` / `<area href>`.
    Href,
    /// `<form action>`.
    FormAction,
    /// `<meta http-equiv=refresh content="0;url=...">`.
    MetaRefresh,
    /// `<img src>`, `<iframe src>`, `<script src>` and other resource loads.
    Resource,
    /// A link inside an attached document (a PDF URI action, an Office hyperlink), found by the
    /// content engine; `part` is the attachment's.
    Document,
}

/// A URL found in the message, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub url: String,
    /// Host, lower-case, IDNA-decoded form kept as written (punycode stays punycode). `None` for
    /// `mailto:`, `data:` and unparsable URLs.
    pub host: Option<String>,
    pub scheme: String,
    /// `user:pass@` before the host, when present (`https://paypal.com@evil.example/`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userinfo: Option<String>,
    pub source: UrlSource,
    /// Index of the part (into [`Mail::parts`]) the URL was found in.
    pub part: usize,
    /// For `<a>`: the visible text of the anchor, whitespace-collapsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor_text: Option<String>,
}

/// An HTML form: credential forms are a phishing page shipped inside the mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Form {
    pub part: usize,
    pub action: Option<String>,
    pub has_password: bool,
    /// Names / types of the inputs, for evidence.
    pub inputs: Vec<String>,
}

/// A MIME leaf part, in document order. Multipart containers are listed too, so indices match the
/// structure a person sees in a mail client's "show original".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    /// `type/subtype` as declared, lower-case (`text/plain` when absent, RFC 2045 §5.2).
    pub content_type: String,
    /// Depth of `message/rfc822` nesting (0 for the top message).
    pub message_depth: usize,
    pub size: usize,
    /// The decoder reported a transfer-encoding or charset problem.
    pub encoding_problem: bool,
}

/// A decoded text body, from a text/plain part or from HTML turned into text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextBody {
    pub part: usize,
    pub text: String,
    pub from_html: bool,
    /// HTML only: non-space characters of text hidden from the reader (see `html::HtmlSummary`).
    pub hidden_chars: usize,
    /// The start of that hidden text.
    pub hidden_sample: String,
}

/// What the bytes of an attachment really are, from magic numbers rather than names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    Zip,
    Ole,
    Rtf,
    Pe,
    Elf,
    MachO,
    Rar,
    SevenZip,
    Gzip,
    Bzip2,
    Xz,
    Cab,
    Iso,
    Lnk,
    OneNote,
    Html,
    Png,
    Jpeg,
    Gif,
    Text,
    Unknown,
}

/// A file carried by the message: an attachment or a non-text inline part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub part: usize,
    /// File name from Content-Disposition or Content-Type, decoded (RFC 2231 / RFC 2047).
    pub name: Option<String>,
    pub declared_type: String,
    pub detected_type: FileKind,
    pub size: usize,
    pub sha256: String,
    /// The decoded bytes, kept for the attachment engine (not serialised).
    #[serde(skip)]
    pub data: Vec<u8>,
}

/// Something odd about the structure of the message. The structure detector turns these into findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anomaly {
    /// The bytes were not a parsable RFC 5322 message at all.
    Unparsable,
    /// The MIME parser gave up on the body structure; only the header section was read.
    ParserFailed,
    NoFromHeader,
    /// A header that must appear at most once (RFC 5322 §3.6) appeared `count` times.
    DuplicateHeader {
        name: String,
        count: usize,
    },
    /// From held more than one mailbox (allowed only with Sender, RFC 5322 §3.6.2).
    MultipleFromAddresses(usize),
    /// From held this many address-less name fragments before a mailbox with an address
    /// (`From: Bank, Support, <x@host.example>`: unquoted commas, RFC 5322 §3.4 allows them only in
    /// quoted strings). The parser folds them into the display name, as mail clients show them.
    FromNameFragments(usize),
    /// An address header whose value yielded no address.
    UnparsableAddress {
        header: String,
        raw: String,
    },
    /// A part whose transfer encoding or charset could not be decoded cleanly.
    EncodingProblem {
        part: usize,
    },
    /// Raw 8-bit bytes in the header section (RFC 5322 allows only US-ASCII; RFC 6532 UTF-8); the
    /// section was decoded with the named charset.
    EightBitHeaders {
        charset: String,
    },
    /// No text or HTML body to read.
    EmptyBody,
    /// A limit was hit; the rest was not analysed.
    LimitReached {
        what: &'static str,
        limit: usize,
    },
    /// No Message-ID field (RFC 5322 §3.6.4: every message SHOULD have one).
    MissingMessageId,
}

/// A parsed message, owned, in the shape detectors read.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// All header fields of the top-level message in order: name as written, value decoded
    /// (RFC 2047 words decoded, folding removed).
    pub headers: Vec<(String, String)>,
    pub message_id: Option<String>,
    /// The Date field as Unix seconds, when it parses (RFC 5322 §3.3).
    pub date: Option<i64>,
    /// Message-IDs this message answers: In-Reply-To, then References from the newest, deduplicated
    /// (at most `parse::MAX_REFERENCES`).
    pub references: Vec<String>,
    pub subject: Option<String>,
    pub from: Vec<Mailbox>,
    pub sender: Option<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// Return-Path address (envelope sender as recorded by the final MTA), without brackets.
    pub return_path: Option<String>,
    pub parts: Vec<Part>,
    pub bodies: Vec<TextBody>,
    pub links: Vec<Link>,
    pub forms: Vec<Form>,
    pub attachments: Vec<Attachment>,
    /// Headers (From, Subject) of nested `message/rfc822` parts: forwarded mail.
    pub nested: Vec<NestedMessage>,
    pub anomalies: Vec<Anomaly>,
    /// Bytes of the raw message.
    pub size: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NestedMessage {
    pub part: usize,
    pub from: Option<Mailbox>,
    pub subject: Option<String>,
}

impl Mail {
    /// Decoded values of every header named `name` (case-insensitive), in order.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn header<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.header_values(name).next()
    }

    /// The first From mailbox.
    pub fn from(&self) -> Option<&Mailbox> {
        self.from.first()
    }

    /// Recipient addresses, lower-case: To and Cc, and the envelope recipients the receiving system
    /// wrote (Delivered-To, X-Original-To, Envelope-To), which are all there is for Bcc'd mail.
    pub fn recipients(&self) -> Vec<String> {
        const ENVELOPE: &[&str] = &[
            "Delivered-To",
            "X-Original-To",
            "X-Delivered-To",
            "Envelope-To",
        ];
        let mut v: Vec<String> = self
            .to
            .iter()
            .chain(&self.cc)
            .filter_map(|m| m.address.as_deref())
            .map(str::to_lowercase)
            .collect();
        for h in ENVELOPE {
            for value in self.header_values(h) {
                let a = value.trim().trim_matches(['<', '>']).to_lowercase();
                if a.contains('@') && !v.contains(&a) {
                    v.push(a);
                }
            }
        }
        v
    }

    /// All body text, plain and HTML-derived, for lexicon matching.
    pub fn body_texts(&self) -> impl Iterator<Item = &TextBody> {
        self.bodies.iter()
    }
}
