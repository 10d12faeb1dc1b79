//! Look-alike domains of protected domains (the organisation's, its partners', authorities' and
//! brands'). STUB: the matching is being written; `check` finds nothing yet.

use crate::profile::DomainOwner;

/// How a host imitates a protected domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trick {
    /// Same UTS #39 skeleton (confusable letters from any script, "sаmil-tax.kr" with Cyrillic а).
    Confusable,
    /// A label mixing scripts or punycode hiding one (UTS #39 §5.1).
    MixedScript,
    /// One character swapped, dropped, added or replaced, or an ASCII look-alike (1/l, 0/o, rn/m, vv/w).
    Edit,
    /// A hyphen added or removed ("samiltax.kr" for "samil-tax.kr").
    Hyphen,
    /// The same name under another suffix ("samil-tax.com" for "samil-tax.kr").
    Suffix,
    /// The true domain used as a subdomain of another ("samil-tax.kr.docs-share.com").
    Embedded,
    /// The name plus a word ("samil-tax-secure.kr", "upbit-support.com").
    NamePlusWord,
}

/// A host that imitates a protected domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookalike {
    /// The protected domain imitated.
    pub domain: String,
    pub owner: DomainOwner,
    pub trick: Trick,
    /// For people: "one letter changed (l -> 1)", "hyphen removed", "Cyrillic а in a Latin name".
    pub detail: String,
}

/// Protected domains, indexed for fast checks of many hosts.
#[derive(Debug, Default, Clone)]
pub struct LookalikeIndex {
    entries: Vec<(String, DomainOwner)>,
}

impl LookalikeIndex {
    pub fn new(entries: Vec<(String, DomainOwner)>) -> Self {
        LookalikeIndex { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The protected domain `host` imitates, if any. A host that is a protected domain (or under one)
    /// is never a look-alike.
    pub fn check(&self, host: &str) -> Option<Lookalike> {
        let _ = host;
        None
    }
}
