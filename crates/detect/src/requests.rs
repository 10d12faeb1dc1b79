//! What a message asks for: a transfer, a change of bank details, a wallet move, a code, gift cards.
//!
//! Not a detector on its own (businesses ask each other for payments all day); the executive-request
//! and first-contact detectors combine it with who is asking. Phrases live in `data/requests.toml`
//! and are matched like the lure lexicon, over the subject, the bodies and attached documents' text.

use crate::lures::{boundary_ok, normalise, scanned_texts};
use crate::Context;
use aho_corasick::AhoCorasick;
use serde::Deserialize;
use spearwatch_core::Source;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
pub struct RequestClass {
    pub id: String,
    /// Completes "asks for ...": "a payment or transfer".
    pub title: String,
    pub phrases: Vec<String>,
}

#[derive(Deserialize)]
struct RequestsFile {
    class: Vec<RequestClass>,
}

pub static REQUESTS: LazyLock<Vec<RequestClass>> = LazyLock::new(|| {
    let f: RequestsFile =
        toml::from_str(include_str!("../data/requests.toml")).expect("data/requests.toml is valid");
    f.class
});

struct Matcher {
    ac: AhoCorasick,
    /// Per pattern: (class, phrase, needs word boundaries).
    patterns: Vec<(usize, usize, bool)>,
}

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let mut texts = Vec::new();
    let mut patterns = Vec::new();
    for (ci, c) in REQUESTS.iter().enumerate() {
        for (pi, p) in c.phrases.iter().enumerate() {
            let p = normalise(p);
            patterns.push((ci, pi, p.is_ascii()));
            texts.push(p);
        }
    }
    Matcher {
        ac: AhoCorasick::new(&texts).expect("request phrases build an automaton"),
        patterns,
    }
});

pub(crate) fn warm_up() {
    LazyLock::force(&MATCHER);
}

/// One kind of request found, with the first phrase that showed it and where.
#[derive(Debug, Clone)]
pub struct Ask {
    pub class: &'static RequestClass,
    pub phrase: &'static str,
    pub source: Source,
}

/// The requests the message makes, one per class, in lexicon order.
pub fn asks(cx: &Context<'_>) -> Vec<Ask> {
    let m = &*MATCHER;
    let mut found: Vec<Option<Ask>> = vec![None; REQUESTS.len()];
    for s in scanned_texts(cx.mail, cx.documents) {
        for hit in m.ac.find_overlapping_iter(&s.text) {
            let (ci, pi, word) = m.patterns[hit.pattern().as_usize()];
            if found[ci].is_some() || (word && !boundary_ok(&s.text, hit.start(), hit.end(), true))
            {
                continue;
            }
            let class = &REQUESTS[ci];
            found[ci] = Some(Ask {
                class,
                phrase: class.phrases[pi].as_str(),
                source: s.source.clone(),
            });
        }
    }
    found.into_iter().flatten().collect()
}

/// "a payment or transfer and a one-time or verification code".
pub fn describe(asks: &[Ask]) -> String {
    let titles: Vec<&str> = asks.iter().map(|a| a.class.title.as_str()).collect();
    match titles.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DetectConfig, DocumentText};

    fn asks_in(raw: &str) -> Vec<String> {
        let mail = spearwatch_message::parse(raw.as_bytes(), &Default::default());
        let docs: Vec<DocumentText> = Vec::new();
        let cx = Context {
            mail: &mail,
            config: &DetectConfig::default(),
            documents: &docs,
            objects: &[],
            org: None,
        };
        asks(&cx).into_iter().map(|a| a.class.id.clone()).collect()
    }

    #[test]
    fn finds_requests_in_korean_and_english() {
        assert_eq!(
            asks_in("Subject: 긴급\r\n\r\n오늘 중으로 아래 계좌로 송금 부탁드립니다. 계좌가 변경되었습니다.\r\n"),
            ["transfer", "bank_change"]
        );
        assert_eq!(
            asks_in("Subject: quick favor\r\n\r\nPlease buy 5 gift cards and send me the verification code you get.\r\n"),
            ["code_request", "gift_cards"]
        );
        assert_eq!(
            asks_in("Subject: hi\r\n\r\nThe transfer of knowledge went well.\r\n"),
            Vec::<String>::new()
        );
    }
}
