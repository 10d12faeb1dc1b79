//! The resolver cache mail-auth reads before every DNS query.
//!
//! mail-auth 0.13 keeps no cache of its own: each `verify_*` call takes optional caches
//! (`mail_auth::ResolverCache`) through `Parameters`, looks a name up there first, and stores what it
//! resolved with the answer's expiry (the record's TTL, RFC 1035 §3.2.1). These are those caches, one
//! map per record type, shared by every message the gateway authenticates. Tests seed them with fixed
//! records so that no query ever leaves the process.

use mail_auth::{RecordSet, ResolverCache, Txt, MX};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// Entries kept per record type. A gateway sees a few thousand sender domains an hour; the bound only
/// matters against a flood of distinct names (every spam run brings new ones).
pub(crate) const MAX_ENTRIES: usize = 50_000;

/// A map from DNS name (or address, for PTR) to a resolved value and the instant it expires.
pub(crate) struct TtlCache<K, V> {
    map: Mutex<HashMap<K, (V, Instant)>>,
    cap: usize,
}

impl<K: Hash + Eq, V: Clone> TtlCache<K, V> {
    pub(crate) fn new(cap: usize) -> Self {
        TtlCache {
            map: Mutex::new(HashMap::new()),
            cap,
        }
    }

    /// The map, even if a thread panicked while holding it: every operation leaves the map
    /// consistent, so a poisoned lock carries no broken invariant.
    fn lock(&self) -> MutexGuard<'_, HashMap<K, (V, Instant)>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }
}

impl<K: Hash + Eq + Clone, V: Clone> ResolverCache<K, V> for TtlCache<K, V> {
    fn get<Q>(&self, name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut map = self.lock();
        match map.get(name) {
            Some((value, until)) if *until > Instant::now() => Some(value.clone()),
            Some(_) => {
                map.remove(name);
                None
            }
            None => None,
        }
    }

    fn remove<Q>(&self, name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.lock().remove(name).map(|(v, _)| v)
    }

    fn insert(&self, key: K, value: V, valid_until: Instant) {
        let mut map = self.lock();
        if map.len() >= self.cap && !map.contains_key(&key) {
            // Expired entries go first; if the map is still full, drop a quarter of it (whichever
            // entries the hash order yields): a re-query costs one DNS round trip, unbounded memory
            // costs the gateway.
            let now = Instant::now();
            map.retain(|_, (_, until)| *until > now);
            if map.len() >= self.cap {
                let drop: Vec<K> = map.keys().take(self.cap / 4 + 1).cloned().collect();
                for k in drop {
                    map.remove(&k);
                }
            }
        }
        map.insert(key, (value, valid_until));
    }
}

/// The five caches mail-auth's `Parameters` take.
pub(crate) struct Caches {
    pub txt: TtlCache<Box<str>, Txt>,
    pub mx: TtlCache<Box<str>, RecordSet<MX>>,
    pub ipv4: TtlCache<Box<str>, RecordSet<Ipv4Addr>>,
    pub ipv6: TtlCache<Box<str>, RecordSet<Ipv6Addr>>,
    pub ptr: TtlCache<IpAddr, RecordSet<Box<str>>>,
}

impl Caches {
    pub(crate) fn new(cap: usize) -> Self {
        Caches {
            txt: TtlCache::new(cap),
            mx: TtlCache::new(cap),
            ipv4: TtlCache::new(cap),
            ipv6: TtlCache::new(cap),
            ptr: TtlCache::new(cap),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn expired_entries_are_not_returned() {
        let c: TtlCache<Box<str>, u32> = TtlCache::new(10);
        let now = Instant::now();
        c.insert("a.".into(), 1, now + Duration::from_secs(60));
        c.insert("b.".into(), 2, now);
        assert_eq!(c.get("a."), Some(1));
        assert_eq!(c.get("b."), None);
        assert_eq!(c.len(), 1, "the expired entry is dropped when seen");
    }

    #[test]
    fn size_is_bounded() {
        let c: TtlCache<Box<str>, u32> = TtlCache::new(100);
        let until = Instant::now() + Duration::from_secs(60);
        for i in 0..1000u32 {
            c.insert(format!("n{i}.").into(), i, until);
        }
        assert!(c.len() <= 100);
        assert_eq!(c.get("n999."), Some(999), "the newest entry is kept");
    }
}
