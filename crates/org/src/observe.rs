//! What one message teaches about the organisation's relationships.
//!
//! An [`Observation`] is the part of a message the store keeps: who wrote, to whom, when, in which
//! direction (mail from the organisation's domains is outbound: "we wrote to them", the strongest
//! sign that a correspondent is real), and which thread it belongs to. It is keyed so that learning
//! the same message twice (a copy in Sent and in a colleague's Inbox) counts once.

use crate::profile::Profile;
use sha2::{Digest, Sha256};
use spearwatch_message::Mail;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From outside to the organisation.
    Inbound,
    /// From the organisation to outside.
    Outbound,
    /// Between the organisation's own addresses.
    Internal,
    /// Neither side is the organisation (a list, a forwarded copy): learned, but builds no edge.
    Unrelated,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Internal => "internal",
            Direction::Unrelated => "unrelated",
        }
    }
}

/// Display names kept per observation: a message's From has one; more are noise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// Identity for idempotent learning: sha256 of the Message-ID, or of the raw bytes without one.
    pub key: String,
    /// Unix seconds (the Date field; the caller's clock when it has none).
    pub at: i64,
    /// Sender address, lower-case.
    pub from: String,
    pub from_name: Option<String>,
    /// Recipient addresses (To, Cc and envelope recipients), lower-case, at most [`MAX_RECIPIENTS`].
    pub recipients: Vec<String>,
    pub direction: Direction,
    pub message_id: Option<String>,
    /// The thread: the oldest reference (References starts at the thread's root), else this
    /// message's own id.
    pub thread: Option<String>,
    /// In-Reply-To / References present: a reply.
    pub is_reply: bool,
}

/// Recipients kept per message: bulk mail to hundreds says nothing about relationships.
pub const MAX_RECIPIENTS: usize = 50;

impl Observation {
    /// What `mail` teaches, or `None` when it has no usable sender address. `raw` is hashed for the key
    /// when there is no Message-ID; `now` stands in for a missing Date.
    pub fn of(mail: &Mail, raw: &[u8], profile: &Profile, now: i64) -> Option<Observation> {
        let from_mb = mail.from()?;
        let from = from_mb.address.as_deref()?.to_lowercase();
        let from_domain = from.rsplit_once('@')?.1.to_string();
        let mut recipients = mail.recipients();
        recipients.truncate(MAX_RECIPIENTS);
        recipients.retain(|r| r != &from);
        let from_org = profile.is_org_domain(&from_domain);
        let to_org = recipients
            .iter()
            .filter_map(|r| r.rsplit_once('@'))
            .filter(|(_, d)| profile.is_org_domain(d))
            .count();
        let direction = match (from_org, to_org) {
            (true, n) if n == recipients.len() && n > 0 => Direction::Internal,
            (true, _) => Direction::Outbound,
            (false, 0) => Direction::Unrelated,
            (false, _) => Direction::Inbound,
        };
        let key = match &mail.message_id {
            Some(id) => hex::encode(Sha256::digest(format!("mid:{id}").as_bytes())),
            None => hex::encode(Sha256::digest(raw)),
        };
        // References list the thread from its root (RFC 5322 §3.6.4); `mail.references` holds
        // In-Reply-To then References newest first, so the root is the last one.
        let thread = mail
            .references
            .last()
            .cloned()
            .or_else(|| mail.message_id.clone());
        Some(Observation {
            key,
            at: mail.date.filter(|d| *d > 0).unwrap_or(now),
            from,
            from_name: from_mb.name.clone().filter(|n| !n.trim().is_empty()),
            recipients,
            direction,
            message_id: mail.message_id.clone(),
            thread,
            is_reply: !mail.references.is_empty(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile::from_toml("[organisation]\nname = \"H\"\ndomains = [\"hanbit-x.com\"]\n").unwrap()
    }

    fn obs(raw: &str) -> Observation {
        let mail = spearwatch_message::parse(raw.as_bytes(), &Default::default());
        Observation::of(&mail, raw.as_bytes(), &profile(), 99).unwrap()
    }

    #[test]
    fn directions_and_threads() {
        let o = obs("From: Kim <Kim.Minjun@samil-tax.kr>\r\nTo: a@hanbit-x.com\r\nMessage-ID: <2@x>\r\nIn-Reply-To: <1@x>\r\nReferences: <0@x> <1@x>\r\nDate: Tue, 3 Mar 2026 10:00:00 +0900\r\n\r\nhi\r\n");
        assert_eq!(o.direction, Direction::Inbound);
        assert_eq!(o.from, "kim.minjun@samil-tax.kr");
        assert_eq!(o.thread.as_deref(), Some("0@x"));
        assert!(o.is_reply);
        assert_eq!(o.at, 1772499600);
        let o = obs(
            "From: a@hanbit-x.com\r\nTo: kim.minjun@samil-tax.kr, b@hanbit-x.com\r\n\r\nhi\r\n",
        );
        assert_eq!(o.direction, Direction::Outbound);
        assert_eq!(o.at, 99);
        assert_eq!(o.thread, None);
        let o =
            obs("From: a@hanbit-x.com\r\nTo: b@hanbit-x.com\r\nMessage-ID: <9@x>\r\n\r\nhi\r\n");
        assert_eq!(o.direction, Direction::Internal);
        assert_eq!(o.thread.as_deref(), Some("9@x"));
    }

    #[test]
    fn same_message_same_key() {
        let a = obs("From: k@s.kr\r\nTo: a@hanbit-x.com\r\nMessage-ID: <5@x>\r\n\r\none copy\r\n");
        let b = obs("Delivered-To: c@hanbit-x.com\r\nFrom: k@s.kr\r\nTo: a@hanbit-x.com\r\nMessage-ID: <5@x>\r\n\r\none copy\r\n");
        assert_eq!(a.key, b.key);
    }
}
