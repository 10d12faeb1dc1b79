//! The register end to end on a real SQLite store and blob folder: recording, clustering with
//! explanations, merges, retro-hunts.

use spearwatch_engine::Engine;
use spearwatch_intel::{Indicator, IndicatorSet, Kind};
use spearwatch_register::observables as k;
use spearwatch_register::{Arrival, BlobStore, CampaignChange, LinkPolicy, Register};
use spearwatch_store::Store;
use std::sync::Arc;

const EICAR: &str = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

fn b64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn mail(from: &str, to: &str, subject: &str, body: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut m = format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Mon, 2 Mar 2026 10:00:00 +0900\r\n\
         Message-ID: <{}@test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        subject.len() * 7 + body.len()
    );
    for (name, data) in files {
        m.push_str(&format!(
            "--b\r\nContent-Type: application/octet-stream; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            b64(data)
        ));
    }
    m.push_str("--b--\r\n");
    m.into_bytes()
}

/// An inert "program": a DOS header and its stub text, then `fill` bytes; no code. The fill tells
/// two such files apart.
fn inert_exe(fill: u8) -> Vec<u8> {
    [
        b"MZ\x90\x00".as_slice(),
        &[0u8; 60],
        b"This program cannot be run in DOS mode.",
        &[fill; 200],
    ]
    .concat()
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    blobs: BlobStore,
    policy: LinkPolicy,
    engine: Engine,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        Fixture {
            store: Store::open(&dir.path().join("s.db")).unwrap(),
            blobs: BlobStore::new(dir.path().join("blobs")),
            _dir: dir,
            policy: LinkPolicy::default(),
            engine: Engine::default(),
        }
    }

    fn reg(&self) -> Register<'_> {
        Register {
            store: &self.store,
            blobs: Some(&self.blobs),
            policy: &self.policy,
        }
    }

    /// Hunts one indicator as a feed would write it; the messages it hit.
    fn hunt(&self, kind: Kind, value: &str, hunt: &str, now: i64) -> Vec<i64> {
        let set = IndicatorSet::new([Indicator::new(kind, value, Arc::from("isac-feed"))], 0);
        let rep = self.reg().hunt_indicators(&set, hunt, now).unwrap();
        rep.messages.into_iter().collect()
    }

    fn record(&self, raw: &[u8], at: i64) -> (i64, String, CampaignChange) {
        let (report, mail) = self.engine.scan_keep(raw, "t");
        let v = report.verdict.to_string();
        let r = self
            .reg()
            .record(
                raw,
                &report,
                &mail,
                &Arrival {
                    received_at: at,
                    source: "scan".into(),
                    action: "none".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        (r.scan_id, v, r.campaign)
    }
}

#[test]
fn shared_payloads_link_campaigns_and_a_bridge_merges_them() {
    let f = Fixture::new();
    let exe = inert_exe(7);
    let (a, va, ca) = f.record(
        &mail(
            "Kim <kim@evil-one.example>",
            "x@hanbit.example",
            "Document",
            "see the file",
            &[("invoice.com", EICAR.as_bytes())],
        ),
        100,
    );
    let (b, vb, cb) = f.record(
        &mail(
            "Lee <lee@other.example>",
            "y@hanbit.example",
            "Papers",
            "open it",
            &[("papers.com", EICAR.as_bytes())],
        ),
        200,
    );
    assert_eq!((va.as_str(), vb.as_str()), ("malicious", "malicious"));
    let CampaignChange::Created(c1) = ca else {
        panic!("{ca:?}")
    };
    assert_eq!(cb, CampaignChange::Joined(c1.clone()));
    let (_, _, cc) = f.record(
        &mail(
            "Park <park@third.example>",
            "z@hanbit.example",
            "Salary",
            "run it",
            &[("salary.exe", &exe)],
        ),
        300,
    );
    let CampaignChange::Created(c2) = cc else {
        panic!("{cc:?}")
    };
    assert_ne!(c1, c2);
    // A message carrying both payloads merges the two campaigns into the older one.
    let (d, _, cd) = f.record(
        &mail(
            "Choi <choi@fourth.example>",
            "w@hanbit.example",
            "Both",
            "both files",
            &[("a.com", EICAR.as_bytes()), ("b.exe", &exe)],
        ),
        400,
    );
    assert_eq!(
        cd,
        CampaignChange::Merged {
            into: c1.clone(),
            from: vec![c2.clone()]
        }
    );
    assert_eq!(
        f.store.resolve_campaign(&c2).unwrap().as_deref(),
        Some(c1.as_str())
    );
    let members: Vec<i64> = f
        .store
        .campaign_members(&c1)
        .unwrap()
        .iter()
        .map(|m| m.scan.id)
        .collect();
    assert_eq!(members.len(), 4);
    let links = f.store.campaign_links(&c1).unwrap();
    assert!(
        links
            .iter()
            .any(|l| l.scan_id == b && l.other_id == a && l.kind == k::SHA256),
        "{links:?}"
    );
    assert!(links.iter().any(|l| l.scan_id == d && l.kind == k::SHA256));
    let events = f.store.campaign_events(&c1).unwrap();
    let merged = events.iter().find(|e| e.kind == "merged").unwrap();
    assert!(
        merged.detail.contains(&c2) && merged.detail.contains("the same file"),
        "{}",
        merged.detail
    );
    let row = f.store.campaign(&c1).unwrap().unwrap();
    assert_eq!((row.messages, row.recipients), (4, 4));
    // The raw messages are in the blob store, byte for byte.
    let stored = f.store.registered_scan(a).unwrap().unwrap();
    let raw = f.blobs.get(stored.blob.as_deref().unwrap()).unwrap();
    assert!(raw.starts_with(b"From: Kim <kim@evil-one.example>"));
}

#[test]
fn clean_mail_is_recorded_but_not_clustered_and_its_values_never_link() {
    let f = Fixture::new();
    let (id, v, c) = f.record(
        &mail(
            "Partner <ops@partner.example>",
            "x@hanbit.example",
            "Minutes of Tuesday",
            "Minutes attached, see you next week. https://files.partner.example/minutes",
            &[],
        ),
        10,
    );
    assert!(matches!(v.as_str(), "clean" | "suspicious"), "{v}");
    assert_eq!(c, CampaignChange::None);
    let obs = f.store.observables_of(id).unwrap();
    for want in [
        (k::SENDER, "ops@partner.example"),
        (k::DOMAIN, "files.partner.example"),
        (k::DOMAIN, "partner.example"),
        (k::LINK_HOST, "files.partner.example"),
    ] {
        assert!(
            obs.iter().any(|(a, b)| a == want.0 && b == want.1),
            "{want:?} in {obs:?}"
        );
    }
    assert!(
        obs.iter().all(|(a, _)| a != k::TEXT_BAND),
        "only flagged mail is banded"
    );
}

#[test]
fn a_retro_hunt_finds_old_mail_by_a_new_domain_and_clusters_it() {
    let f = Fixture::new();
    let body =
        "Please confirm the wire details at https://portal.quiet-c2.example/confirm before noon";
    let (m1, v1, _) = f.record(
        &mail(
            "A <a@one.example>",
            "x@hanbit.example",
            "Wire details",
            body,
            &[],
        ),
        10,
    );
    let (m2, _, _) = f.record(
        &mail(
            "B <b@two.example>",
            "y@hanbit.example",
            "Payment",
            "see https://cdn.quiet-c2.example/p",
            &[],
        ),
        20,
    );
    let (m3, _, _) = f.record(
        &mail(
            "C <c@three.example>",
            "z@hanbit.example",
            "Lunch",
            "lunch at noon?",
            &[],
        ),
        30,
    );
    assert!(!f.policy.clusters(&v1), "{v1}");
    let set = IndicatorSet::new(
        // As feeds write them: any case, a trailing dot.
        [Indicator::new(
            Kind::Domain,
            "Quiet-C2.Example.",
            Arc::from("isac-feed"),
        )],
        0,
    );
    let rep = f.reg().hunt_indicators(&set, "hunt-1", 1000).unwrap();
    assert_eq!(rep.messages.iter().copied().collect::<Vec<_>>(), [m1, m2]);
    assert!(!rep.messages.contains(&m3));
    for m in [m1, m2] {
        assert_eq!(f.store.get_scan(m).unwrap().unwrap().verdict, "phishing");
        let hits = f.store.hunt_hits_of(m).unwrap();
        assert!(hits[0].detail.contains("isac-feed"), "{hits:?}");
    }
    // Both matched the same indicator: one campaign.
    let c1 = f
        .store
        .registered_scan(m1)
        .unwrap()
        .unwrap()
        .campaign
        .unwrap();
    let c2 = f
        .store
        .registered_scan(m2)
        .unwrap()
        .unwrap()
        .campaign
        .unwrap();
    assert_eq!(c1, c2);
    let events = f.store.campaign_events(&c1).unwrap();
    assert!(events
        .iter()
        .any(|e| e.kind == "hunt" && e.detail.contains("quiet-c2.example")));
    // The same hunt again records nothing new.
    let again = f.reg().hunt_indicators(&set, "hunt-2", 2000).unwrap();
    assert_eq!((again.hits.len(), again.known_hits), (0, 2));
    // A full URL finds the message that carried it, by the stored URL key (no scheme).
    let url = "HTTPS://portal.quiet-c2.example/confirm";
    assert_eq!(f.hunt(Kind::Url, url, "hunt-3", 3000), [m1]);
}

/// Feeds publish samples by MD5 or SHA-1 as often as by SHA-256 (ESET's READMEs, MISP events): a
/// hunt finds an archive member by its MD5 and the archive by its SHA-1.
#[test]
fn a_hunt_finds_files_by_md5_and_sha1_inside_archives() {
    use sha1::Digest;
    use std::io::Write;
    let f = Fixture::new();
    let member = inert_exe(5);
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file(
        "invoice.exe",
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
    )
    .unwrap();
    z.write_all(&member).unwrap();
    let archive = z.finish().unwrap().into_inner();
    let (m1, _, _) = f.record(
        &mail(
            "A <a@one.example>",
            "x@hanbit.example",
            "Invoice",
            "the invoice is attached",
            &[("invoice.zip", &archive)],
        ),
        10,
    );
    // A message without the file, which no hunt may return.
    f.record(
        &mail(
            "B <b@two.example>",
            "y@hanbit.example",
            "Lunch",
            "lunch at noon?",
            &[],
        ),
        20,
    );
    let md5_member = hex::encode(md5::Md5::digest(&member));
    let sha1_archive = hex::encode(sha1::Sha1::digest(&archive));
    for (kind, value, hunt) in [
        (Kind::Md5, md5_member.to_ascii_uppercase(), "hunt-md5"),
        (Kind::Sha1, sha1_archive, "hunt-sha1"),
    ] {
        assert_eq!(f.hunt(kind, &value, hunt, 1000), [m1], "{kind:?} {value}");
    }
    assert_eq!(f.store.get_scan(m1).unwrap().unwrap().verdict, "malicious");
    assert_eq!(f.store.hunt_hits_of(m1).unwrap().len(), 2);
}

/// A sanctions list of wallets (OFAC) over stored mail: the payment request that named one is found,
/// and a look-alike token with a broken checksum is not kept.
#[test]
fn a_hunt_finds_a_crypto_address_written_in_old_mail() {
    let f = Fixture::new();
    let (m1, _, _) = f.record(
        &mail(
            "Treasury desk <otc@desk-one.example>",
            "x@hanbit.example",
            "Settlement",
            "Please settle the OTC trade today to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa as agreed.",
            &[],
        ),
        10,
    );
    let (m2, _, _) = f.record(
        &mail(
            "B <b@two.example>",
            "y@hanbit.example",
            "Tracking",
            "your parcel id 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb is on its way",
            &[],
        ),
        20,
    );
    let obs = f.store.observables_of(m1).unwrap();
    assert!(obs
        .iter()
        .any(|(kind, v)| kind == k::CRYPTO && v == "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
    assert!(!f
        .store
        .observables_of(m2)
        .unwrap()
        .iter()
        .any(|(kind, _)| kind == k::CRYPTO));
    let wallet = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    assert_eq!(f.hunt(Kind::CryptoAddress, wallet, "hunt-ofac", 1000), [m1]);
    assert_eq!(f.store.get_scan(m1).unwrap().unwrap().verdict, "phishing");
}

#[test]
fn a_rescan_hunt_reads_every_stored_message() {
    let f = Fixture::new();
    for i in 0..5 {
        f.record(
            &mail(
                "A <a@one.example>",
                "x@hanbit.example",
                &format!("Note {i}"),
                &format!("text {i} marker-{}", i % 2),
                &[],
            ),
            i,
        );
    }
    let rule = |raw: &[u8]| -> Vec<(String, String)> {
        if raw.windows(8).any(|w| w == b"marker-1") {
            vec![("Marker_One".to_string(), "string marker-1".to_string())]
        } else {
            Vec::new()
        }
    };
    let mut seen = 0;
    let (rep, unreadable) = f
        .reg()
        .hunt_rescan("rules-1", 0, i64::MAX, 99, &rule, &mut |n| seen = n)
        .unwrap();
    assert_eq!((rep.searched, unreadable, seen), (5, 0, 5));
    assert_eq!(rep.messages.len(), 2);
    for m in &rep.messages {
        assert_eq!(f.store.get_scan(*m).unwrap().unwrap().verdict, "malicious");
    }
}

#[test]
fn a_split_is_not_undone_by_the_next_bridging_message() {
    let f = Fixture::new();
    let exe = inert_exe(9);
    let both: &[(&str, &[u8])] = &[("a.com", EICAR.as_bytes()), ("b.exe", &exe)];
    let (a, _, ca) = f.record(
        &mail(
            "A <a@one.example>",
            "x@hanbit.example",
            "One",
            "first",
            both,
        ),
        100,
    );
    let (b, _, _) = f.record(
        &mail(
            "B <b@two.example>",
            "y@hanbit.example",
            "Two",
            "second",
            both,
        ),
        200,
    );
    let CampaignChange::Created(c) = ca else {
        panic!("{ca:?}")
    };
    assert_eq!(f.store.campaign(&c).unwrap().unwrap().messages, 2);
    // The analyst splits message b off.
    f.store
        .split_campaign(&c, "C-split", &[b], 300, "analyst: another crew")
        .unwrap();
    assert!(f.store.merge_blocked("C-split", &c).unwrap());
    // A third message carrying both payloads links to both campaigns but merges nothing.
    let (_, _, cc) = f.record(
        &mail(
            "C <c@three.example>",
            "z@hanbit.example",
            "Three",
            "third",
            both,
        ),
        400,
    );
    assert_eq!(cc, CampaignChange::Joined(c.clone()));
    assert_eq!(f.store.campaign(&c).unwrap().unwrap().messages, 2);
    assert_eq!(f.store.campaign("C-split").unwrap().unwrap().messages, 1);
    assert_eq!(
        f.store
            .registered_scan(a)
            .unwrap()
            .unwrap()
            .campaign
            .as_deref(),
        Some(c.as_str())
    );
}
