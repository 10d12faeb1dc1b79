//! Fixtures shared by the integration tests: messages, DKIM keys made in code, seeded authenticators.
//! Every key here is generated at run time for the test; none belongs to anyone.
#![allow(dead_code)]

use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::generate::DkimKeyPair;
use mail_auth::dkim::DkimSigner;
use spearwatch_auth::Authenticator;
use std::net::IpAddr;

pub const AUTHSERV: &str = "mx.gw.example";

/// A plain message from `from`, with a body of about `body_len` bytes of printable text.
pub fn message(from: &str, subject: &str, body_len: usize) -> String {
    let mut body = String::new();
    let line = "The quarterly figures are attached as discussed; please confirm receipt.\r\n";
    while body.len() < body_len {
        body.push_str(line);
    }
    format!(
        "From: Sender <{from}>\r\nTo: treasury@bank.example\r\nSubject: {subject}\r\n\
         Date: Mon, 2 Jun 2025 09:00:00 +0900\r\nMessage-ID: <1@{}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}",
        from.rsplit_once('@').map_or("x", |(_, d)| d)
    )
}

/// An Ed25519 key (RFC 8463) made for this test run: the signing key and its DNS record value.
pub struct TestKey {
    pkcs8: Vec<u8>,
    pub record: String,
}

impl TestKey {
    pub fn ed25519() -> Self {
        let pair = DkimKeyPair::generate_ed25519().expect("ed25519 key");
        TestKey {
            record: format!("v=DKIM1; k=ed25519; p={}", pair.encoded_public_key()),
            pkcs8: pair.private_key().to_vec(),
        }
    }

    pub fn signing_key(&self) -> Ed25519Key {
        Ed25519Key::from_pkcs8_der(&self.pkcs8).expect("own key parses")
    }

    /// `DKIM-Signature: ...\r\n` for `raw`, by `domain`/`selector`.
    pub fn sign(&self, raw: &str, domain: &str, selector: &str) -> String {
        DkimSigner::from_key(self.signing_key())
            .domain(domain)
            .selector(selector)
            .headers(["From", "To", "Subject", "Date", "Message-ID"])
            .sign(raw.as_bytes())
            .expect("signs")
            .to_header()
    }
}

/// An RSA-SHA256 signature (RFC 6376 §3.3.1) with a 2048-bit key made now; returns the header and
/// the DNS record value.
pub fn rsa_sign(raw: &str, domain: &str, selector: &str) -> (String, String) {
    let pair = DkimKeyPair::generate_rsa(2048).expect("rsa key");
    let key = RsaKey::<Sha256>::from_key_der(rustls_pki_types_der(pair.private_key()))
        .expect("own key parses");
    let header = DkimSigner::from_key(key)
        .domain(domain)
        .selector(selector)
        .headers(["From", "To", "Subject", "Date", "Message-ID"])
        .sign(raw.as_bytes())
        .expect("signs")
        .to_header();
    (
        header,
        format!("v=DKIM1; k=rsa; p={}", pair.encoded_public_key()),
    )
}

fn rustls_pki_types_der(pkcs1: &[u8]) -> rustls_pki_types::PrivateKeyDer<'static> {
    rustls_pki_types::PrivateKeyDer::Pkcs1(pkcs1.to_vec().into())
}

/// An offline authenticator where the TLDs used in the tests have no DMARC record: DMARC's tree walk
/// (RFC 9989 §4.10) reaches `_dmarc.<tld>` after the domain's own name.
pub fn offline() -> Authenticator {
    let a = Authenticator::offline(AUTHSERV);
    for tld in ["example", "com", "net", "org"] {
        a.add_nxdomain(&format!("_dmarc.{tld}"));
    }
    a
}

pub fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}
