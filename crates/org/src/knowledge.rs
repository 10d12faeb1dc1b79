//! The relationship graph in memory: what the organisation's mail flow has shown so far.
//!
//! Detectors ask it questions that must be answered in microseconds per message: has this address
//! written before, under which names; which addresses has this name used; does the organisation write
//! to this domain; who takes part in the thread this message answers. The store keeps the same
//! aggregates in SQLite and loads them into a `Knowledge` ([`Knowledge::apply`] is the reference
//! semantics of learning; the store's tests check that it keeps the same numbers).

use crate::names::name_key;
use crate::observe::{Direction, Observation};
use std::collections::HashMap;

/// Display names kept per address, and participants kept per thread: enough for evidence and
/// matching, bounded against mailing lists and forged headers.
pub const MAX_NAMES_PER_ADDRESS: usize = 16;
pub const MAX_PARTICIPANTS: usize = 64;

/// What is known of one address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressHistory {
    pub first_seen: i64,
    pub last_seen: i64,
    /// Messages learned from this address.
    pub sent: u32,
    /// Messages the organisation sent to this address.
    pub written_to: u32,
    /// Display names this address used, as written.
    pub names: Vec<String>,
}

/// What is known of one registrable domain (all its addresses together).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainHistory {
    pub first_seen: i64,
    pub last_seen: i64,
    pub sent: u32,
    pub written_to: u32,
}

/// Messages between two addresses (sender, recipient).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edge {
    pub first_seen: i64,
    pub last_seen: i64,
    pub count: u32,
    /// Of them, replies (In-Reply-To or References present).
    pub replies: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Knowledge {
    addresses: HashMap<String, AddressHistory>,
    /// Name key -> addresses that used the name.
    names: HashMap<String, Vec<String>>,
    domains: HashMap<String, DomainHistory>,
    edges: HashMap<(String, String), Edge>,
    /// Message-ID -> thread id.
    threads: HashMap<String, String>,
    /// Thread id -> participant addresses.
    participants: HashMap<String, Vec<String>>,
    /// Messages learned.
    pub messages: u64,
}

/// The registrable domain of an address's domain part (the domain itself when it has none).
pub fn domain_key(address_or_host: &str) -> String {
    let host = address_or_host
        .rsplit_once('@')
        .map_or(address_or_host, |(_, d)| d)
        .trim_end_matches('.')
        .to_ascii_lowercase();
    psl::domain_str(&host).map_or(host.clone(), str::to_string)
}

impl Knowledge {
    pub fn is_empty(&self) -> bool {
        self.messages == 0 && self.addresses.is_empty()
    }

    pub fn address(&self, address: &str) -> Option<&AddressHistory> {
        self.addresses.get(address)
    }

    /// Addresses that have used the display name `name` (compared by [`name_key`]).
    pub fn addresses_named(&self, name: &str) -> &[String] {
        name_key(name)
            .and_then(|k| self.names.get(&k))
            .map_or(&[], Vec::as_slice)
    }

    /// History of the registrable domain of `address_or_host`.
    pub fn domain(&self, address_or_host: &str) -> Option<&DomainHistory> {
        self.domains.get(&domain_key(address_or_host))
    }

    pub fn edge(&self, from: &str, to: &str) -> Option<&Edge> {
        self.edges.get(&(from.to_string(), to.to_string()))
    }

    /// The thread a Message-ID belongs to, if learned.
    pub fn thread_of(&self, message_id: &str) -> Option<&str> {
        self.threads.get(message_id).map(String::as_str)
    }

    pub fn participants(&self, thread: &str) -> &[String] {
        self.participants.get(thread).map_or(&[], Vec::as_slice)
    }

    /// Counts for summaries: addresses, edges, threads.
    pub fn counts(&self) -> (usize, usize, usize) {
        (
            self.addresses.len(),
            self.edges.len(),
            self.participants.len(),
        )
    }

    /// Learns one observation in memory. The caller makes sure a message is applied once.
    pub fn apply(&mut self, o: &Observation) {
        self.messages += 1;
        let a = self.addresses.entry(o.from.clone()).or_default();
        touch(&mut a.first_seen, &mut a.last_seen, o.at);
        a.sent += 1;
        if let Some(n) = &o.from_name {
            self.add_name(&o.from.clone(), n);
        }
        let d = self.domains.entry(domain_key(&o.from)).or_default();
        touch(&mut d.first_seen, &mut d.last_seen, o.at);
        d.sent += 1;
        if o.direction == Direction::Outbound {
            for r in &o.recipients {
                let a = self.addresses.entry(r.clone()).or_default();
                touch(&mut a.first_seen, &mut a.last_seen, o.at);
                a.written_to += 1;
            }
            let mut seen = Vec::new();
            for r in &o.recipients {
                let k = domain_key(r);
                if !seen.contains(&k) {
                    let d = self.domains.entry(k.clone()).or_default();
                    touch(&mut d.first_seen, &mut d.last_seen, o.at);
                    d.written_to += 1;
                    seen.push(k);
                }
            }
        }
        if o.direction != Direction::Unrelated {
            for r in &o.recipients {
                let e = self.edges.entry((o.from.clone(), r.clone())).or_default();
                touch(&mut e.first_seen, &mut e.last_seen, o.at);
                e.count += 1;
                e.replies += u32::from(o.is_reply);
            }
        }
        if let Some(t) = &o.thread {
            if let Some(id) = &o.message_id {
                self.threads.insert(id.clone(), t.clone());
            }
            self.threads.entry(t.clone()).or_insert_with(|| t.clone());
            let p = self.participants.entry(t.clone()).or_default();
            for who in std::iter::once(&o.from).chain(&o.recipients) {
                if p.len() < MAX_PARTICIPANTS && !p.contains(who) {
                    p.push(who.clone());
                }
            }
        }
    }

    fn add_name(&mut self, address: &str, name: &str) {
        let Some(a) = self.addresses.get_mut(address) else {
            return;
        };
        if !a.names.iter().any(|n| n == name) && a.names.len() < MAX_NAMES_PER_ADDRESS {
            a.names.push(name.to_string());
        }
        if let Some(k) = name_key(name) {
            let v = self.names.entry(k).or_default();
            if !v.iter().any(|x| x == address) {
                v.push(address.to_string());
            }
        }
    }

    // Loading from the store: one call per row.

    pub fn load_address(&mut self, address: String, h: AddressHistory) {
        for n in &h.names {
            if let Some(k) = name_key(n) {
                let v = self.names.entry(k).or_default();
                if !v.contains(&address) {
                    v.push(address.clone());
                }
            }
        }
        self.addresses.insert(address, h);
    }

    pub fn load_domain(&mut self, domain: String, h: DomainHistory) {
        self.domains.insert(domain, h);
    }

    pub fn load_edge(&mut self, from: String, to: String, e: Edge) {
        self.edges.insert((from, to), e);
    }

    pub fn load_thread_message(&mut self, message_id: String, thread: String) {
        self.threads.insert(message_id, thread);
    }

    pub fn load_participant(&mut self, thread: String, address: String) {
        let p = self.participants.entry(thread).or_default();
        if !p.contains(&address) {
            p.push(address);
        }
    }
}

fn touch(first: &mut i64, last: &mut i64, at: i64) {
    if *first == 0 || at < *first {
        *first = at;
    }
    if at > *last {
        *last = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(from: &str, name: Option<&str>, to: &[&str], dir: Direction, at: i64) -> Observation {
        Observation {
            key: format!("{from}{at}"),
            at,
            from: from.into(),
            from_name: name.map(str::to_string),
            recipients: to.iter().map(|s| s.to_string()).collect(),
            direction: dir,
            message_id: Some(format!("{at}@x")),
            thread: Some("root@x".into()),
            is_reply: at > 10,
        }
    }

    #[test]
    fn learns_addresses_names_edges_threads() {
        let mut k = Knowledge::default();
        k.apply(&o(
            "kim.minjun@samil-tax.kr",
            Some("Kim Minjun"),
            &["fin@hanbit-x.com"],
            Direction::Inbound,
            10,
        ));
        k.apply(&o(
            "kim.minjun@samil-tax.kr",
            Some("김민준 세무사"),
            &["fin@hanbit-x.com"],
            Direction::Inbound,
            20,
        ));
        k.apply(&o(
            "fin@hanbit-x.com",
            None,
            &["kim.minjun@samil-tax.kr"],
            Direction::Outbound,
            30,
        ));
        let a = k.address("kim.minjun@samil-tax.kr").unwrap();
        assert_eq!(
            (a.first_seen, a.last_seen, a.sent, a.written_to),
            (10, 30, 2, 1)
        );
        assert_eq!(a.names, vec!["Kim Minjun", "김민준 세무사"]);
        assert_eq!(
            k.addresses_named("Minjun Kim"),
            &["kim.minjun@samil-tax.kr".to_string()]
        );
        assert_eq!(
            k.addresses_named("김민준"),
            &["kim.minjun@samil-tax.kr".to_string()]
        );
        let d = k.domain("x@mail.samil-tax.kr").unwrap();
        assert_eq!((d.sent, d.written_to), (2, 1));
        let e = k
            .edge("kim.minjun@samil-tax.kr", "fin@hanbit-x.com")
            .unwrap();
        assert_eq!((e.count, e.replies), (2, 1));
        assert_eq!(k.thread_of("20@x"), Some("root@x"));
        assert_eq!(k.participants("root@x").len(), 2);
        assert_eq!(k.messages, 3);
    }
}
