//! The ground truth's invariants, checked on what the builders put in ([`Observables`]); the MIME is
//! only parsed to check that it is valid and carries those values.

use super::*;
use std::collections::BTreeSet;

const DAY: i64 = 86_400;

/// Hosts of public services: shared by unrelated senders, so never a strong link.
const PUBLIC_HOSTS: &[&str] = &["bit.ly", "docs.google.com"];

/// A value that, shared by two messages, links them strongly.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Sender(String),
    OriginIp(String),
    Host(String),
    File(Vec<u8>),
    LnkArgs(String),
}

fn strong(o: &Observables) -> BTreeSet<Key> {
    let mut k = BTreeSet::new();
    k.insert(Key::Sender(o.sender.clone()));
    if let Some(ip) = &o.origin_ip {
        k.insert(Key::OriginIp(ip.clone()));
    }
    for u in &o.urls {
        let h = host_of(u);
        if !PUBLIC_HOSTS.contains(&h.as_str()) {
            k.insert(Key::Host(h));
        }
    }
    for f in o.files.iter().chain(&o.inner) {
        k.insert(Key::File(f.clone()));
    }
    for a in &o.lnk_args {
        k.insert(Key::LnkArgs(a.clone()));
    }
    k
}

/// The host of an http(s) URL, lower-case.
fn host_of(url: &str) -> String {
    let after = url.split_once("://").map_or(url, |(_, r)| r);
    after
        .split(['/', '?', '#', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn shingles(text: &str) -> BTreeSet<String> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    words.windows(3).map(|w| w.join(" ")).collect()
}

fn jaccard(a: &str, b: &str) -> f64 {
    let (a, b) = (shingles(a), shingles(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

fn shared(a: &Observables, b: &Observables) -> Vec<Key> {
    strong(a).intersection(&strong(b)).cloned().collect()
}

fn linked(a: &Observables, b: &Observables) -> bool {
    !shared(a, b).is_empty() || jaccard(&a.text, &b.text) >= 0.6
}

fn of(
    all: &[(CampaignCase, Observables)],
    campaign: Option<&str>,
) -> Vec<(CampaignCase, Observables)> {
    all.iter()
        .filter(|(c, _)| c.campaign == campaign)
        .cloned()
        .collect()
}

/// Connected components of the link graph over `msgs` (union-find).
fn components(msgs: &[(CampaignCase, Observables)]) -> usize {
    let mut parent: Vec<usize> = (0..msgs.len()).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for i in 0..msgs.len() {
        for j in i + 1..msgs.len() {
            if linked(&msgs[i].1, &msgs[j].1) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    (0..msgs.len())
        .filter(|&i| find(&mut parent, i) == i)
        .count()
}

#[test]
fn counts_waves_dates_and_recipients() {
    let all = build();
    let dprk = of(&all, Some("dprk-2026"));
    let bank = of(&all, Some("bankphish"));
    let benign = of(&all, None);
    assert!(dprk.len() >= 20, "{}", dprk.len());
    assert!(bank.len() >= 6, "{}", bank.len());
    assert!(benign.len() >= 15, "{}", benign.len());
    assert_eq!(dprk.len() + bank.len() + benign.len(), all.len());
    assert!(bank.iter().all(|(c, _)| c.wave == 1));
    assert!(benign.iter().all(|(c, _)| c.wave == 0));

    let employees: BTreeSet<String> = crate::org::EMPLOYEES
        .iter()
        .map(|p| p.addr().to_string())
        .collect();
    for (c, _) in &all {
        assert!(!c.recipients.is_empty(), "{}", c.name);
        for r in &c.recipients {
            assert!(employees.contains(r), "{}: {r}", c.name);
        }
    }
    let targets: BTreeSet<&String> = dprk.iter().flat_map(|(c, _)| &c.recipients).collect();
    assert!(targets.len() >= 8, "{}", targets.len());
    // The figures the module documentation gives.
    assert_eq!(
        (dprk.len(), targets.len(), bank.len(), benign.len()),
        (22, 13, 7, 18)
    );
    let bank_targets: BTreeSet<&String> = bank.iter().flat_map(|(c, _)| &c.recipients).collect();
    assert!(bank_targets.len() >= 4);

    // Waves: month 1 (May), months 2-3 (June, July), month 4 (August), with weeks between them.
    let wave = |w: u8| -> Vec<i64> {
        dprk.iter()
            .filter(|(c, _)| c.wave == w)
            .map(|(c, _)| c.received_at)
            .collect()
    };
    let month = |t: i64| crate::mime::wall(t, 540).1;
    let (w1, w2, w3) = (wave(1), wave(2), wave(3));
    assert_eq!(w1.len() + w2.len() + w3.len(), dprk.len());
    assert!(w1.len() >= 6 && w2.len() >= 6 && w3.len() >= 6);
    assert!(w1.iter().all(|&t| month(t) == 5));
    assert!(w2.iter().all(|&t| month(t) == 6 || month(t) == 7));
    assert!(w2.iter().any(|&t| month(t) == 6) && w2.iter().any(|&t| month(t) == 7));
    assert!(w3.iter().all(|&t| month(t) == 8));
    let lo = |v: &[i64]| v.iter().min().copied().unwrap_or(0);
    let hi = |v: &[i64]| v.iter().max().copied().unwrap_or(0);
    assert!(lo(&w2) - hi(&w1) >= 14 * DAY);
    assert!(lo(&w3) - hi(&w2) >= 14 * DAY);
    let span = hi(&w3) - lo(&w1);
    assert!((90 * DAY..=125 * DAY).contains(&span), "{}", span / DAY);
    // Bankphish over about two weeks; everything inside the campaign's span, in 2026.
    let b: Vec<i64> = bank.iter().map(|(c, _)| c.received_at).collect();
    assert!(hi(&b) - lo(&b) <= 14 * DAY && hi(&b) - lo(&b) >= 7 * DAY);
    for (c, _) in &all {
        assert!(c.received_at >= lo(&w1) - 3 * DAY && c.received_at <= hi(&w3) + DAY);
        assert_eq!(crate::mime::wall(c.received_at, 540).0, 2026);
    }
}

#[test]
fn every_campaign_message_is_reachable_by_strong_links_or_near_duplicates() {
    let all = build();
    for campaign in CAMPAIGNS {
        let msgs = of(&all, Some(campaign));
        for (i, (c, o)) in msgs.iter().enumerate() {
            let partner = msgs
                .iter()
                .enumerate()
                .any(|(j, (_, p))| i != j && linked(o, p));
            assert!(
                partner,
                "{campaign}: {} has no strong or near-duplicate partner",
                c.name
            );
        }
        assert_eq!(
            components(&msgs),
            1,
            "{campaign} is not one connected cluster"
        );
    }
    // The waves of dprk-2026 are bridged by strong values, not only by similar text.
    let dprk = of(&all, Some("dprk-2026"));
    let bridge = |a: u8, b: u8| -> BTreeSet<Key> {
        let mut keys = BTreeSet::new();
        for (x, ox) in dprk.iter().filter(|(c, _)| c.wave == a) {
            for (y, oy) in dprk.iter().filter(|(c, _)| c.wave == b) {
                if x.name != y.name {
                    keys.extend(shared(ox, oy));
                }
            }
        }
        keys
    };
    let b12 = bridge(1, 2);
    assert!(b12.contains(&Key::OriginIp("203.0.113.57".into())));
    assert!(b12.contains(&Key::LnkArgs(dprk::LNK_ARGS.into())));
    assert!(b12.contains(&Key::File(dprk::base_lnk())));
    let b23 = bridge(2, 3);
    assert!(b23.contains(&Key::Host("view.nts-docs.kr".into())));
    assert!(b23.contains(&Key::OriginIp("203.0.113.57".into())));
    // The term sheet hangs on the LNK command line alone (its gmail.com sender and docs.google.com
    // link are weak): a clusterer that ignores archive contents cannot reach it.
    let only_lnk = dprk.iter().filter(|(c, o)| {
        let kinds: std::collections::HashSet<std::mem::Discriminant<Key>> = dprk
            .iter()
            .filter(|(d, _)| d.name != c.name)
            .flat_map(|(_, p)| shared(o, p))
            .map(|k| std::mem::discriminant(&k))
            .collect();
        kinds.len() == 1 && kinds.contains(&std::mem::discriminant(&Key::LnkArgs(String::new())))
    });
    assert_eq!(only_lnk.count(), 1);
    // Wave 3 near-duplicates, Korean and English.
    let w3: Vec<&Observables> = dprk
        .iter()
        .filter(|(c, _)| c.wave == 3)
        .map(|(_, o)| o)
        .collect();
    let near = w3
        .iter()
        .enumerate()
        .flat_map(|(i, a)| w3[i + 1..].iter().map(move |b| jaccard(&a.text, &b.text)))
        .filter(|&j| j >= 0.6)
        .count();
    assert!(near >= 6, "{near}");
}

#[test]
fn bankphish_and_benign_share_no_strong_value_with_dprk() {
    let all = build();
    let dprk = of(&all, Some("dprk-2026"));
    for (c, o) in all.iter().filter(|(c, _)| c.campaign != Some("dprk-2026")) {
        for (d, od) in &dprk {
            let s = shared(o, od);
            assert!(s.is_empty(), "{} and {} share {s:?}", c.name, d.name);
            let j = jaccard(&o.text, &od.text);
            assert!(
                j < 0.6,
                "{} and {} are near-duplicates ({j:.2})",
                c.name,
                d.name
            );
        }
    }
    // Benign mail shares nothing strong with bankphish either.
    let bank = of(&all, Some("bankphish"));
    for (c, o) in of(&all, None) {
        for (b, ob) in &bank {
            assert!(shared(&o, ob).is_empty(), "{} and {}", c.name, b.name);
        }
    }
    // ...but the weak values it is meant to share are really there.
    let hosts = |msgs: &[(CampaignCase, Observables)]| -> BTreeSet<String> {
        msgs.iter()
            .flat_map(|(_, o)| o.urls.iter().map(|u| host_of(u)))
            .collect()
    };
    let domains = |msgs: &[(CampaignCase, Observables)]| -> BTreeSet<String> {
        msgs.iter()
            .map(|(_, o)| crate::compose::domain_of(&o.sender).to_string())
            .collect()
    };
    for weak in ["bit.ly", "docs.google.com"] {
        assert!(
            hosts(&dprk).contains(weak) && hosts(&bank).contains(weak),
            "{weak}"
        );
    }
    assert!(domains(&dprk).contains("gmail.com") && domains(&bank).contains("gmail.com"));
}

/// MS-SHLLINK §2.4 COMMAND_LINE_ARGUMENTS of a shortcut made by [`shllink`], read back.
fn read_args(d: &[u8]) -> Option<String> {
    let u16_at = |o: usize| {
        d.get(o..o + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    if d.get(0..4)? != [0x4C, 0, 0, 0] {
        return None;
    }
    let flags = u32::from_le_bytes([d[0x14], d[0x15], d[0x16], d[0x17]]);
    if flags & (HAS_NAME | HAS_ARGUMENTS | IS_UNICODE) != HAS_NAME | HAS_ARGUMENTS | IS_UNICODE
        || flags & 0b11 != 0
    {
        return None;
    }
    let name = u16_at(0x4C)?;
    let at = 0x4C + 2 + name * 2;
    let n = u16_at(at)?;
    let units: Vec<u16> = d
        .get(at + 2..at + 2 + n * 2)?
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).ok()
}

#[test]
fn shortcuts_are_inert_and_carry_the_command_line() {
    let all = build();
    let dprk = of(&all, Some("dprk-2026"));
    let base = dprk::base_lnk();
    let mut same = 0;
    let mut lnks = 0;
    for (c, o) in &dprk {
        for f in &o.inner {
            lnks += 1;
            assert_eq!(read_args(f).as_deref(), Some(dprk::LNK_ARGS), "{}", c.name);
            // No target: LinkTargetIDList, LinkInfo, RelativePath and WorkingDir are all absent.
            assert_eq!(f[0x14] & 0b0001_1011, 0);
            same += usize::from(*f == base);
        }
    }
    assert!(lnks >= 10 && same >= 8 && same < lnks, "{lnks} {same}");
    // The archives are dated when the shortcuts were made (2026-04-28), local header and central
    // directory alike (APPNOTE §4.4.6), and still list their member.
    let date = (((2026 - 1980) << 9) | (4 << 5) | 28u16).to_le_bytes();
    for (c, o) in &dprk {
        for z in &o.files {
            assert_eq!(&z[12..14], &date, "{}", c.name);
            let cd = z.windows(4).position(|w| w == b"PK\x01\x02").unwrap_or(0);
            assert!(cd > 0 && z[cd + 14..cd + 16] == date, "{}", c.name);
            assert!(z.ends_with(&[0, 0]) && z[z.len() - 22..z.len() - 18] == *b"PK\x05\x06");
        }
    }
    let w1: Vec<&Observables> = dprk
        .iter()
        .filter(|(c, _)| c.wave == 1)
        .map(|(_, o)| o)
        .collect();
    let outer: BTreeSet<&Vec<u8>> = w1.iter().flat_map(|o| &o.files).collect();
    assert_eq!(outer.len(), w1.len(), "wave-1 archives must all differ");
    assert!(!dprk::LNK_ARGS.contains("http://") && !dprk::LNK_ARGS.contains("https://"));
}

#[test]
fn messages_are_valid_mime_carrying_their_values() {
    let all = build();
    let names: BTreeSet<&String> = all.iter().map(|(c, _)| &c.name).collect();
    assert_eq!(names.len(), all.len());
    assert!(all
        .windows(2)
        .all(|w| w[0].0.received_at <= w[1].0.received_at));
    assert_eq!(campaign_messages(), campaign_messages());
    for (c, o) in &all {
        let raw = &c.raw;
        for (i, &b) in raw.iter().enumerate() {
            if b == b'\n' {
                assert!(i > 0 && raw[i - 1] == b'\r', "{}: bare LF at {i}", c.name);
            }
        }
        let mail = spearwatch_message::parse(raw, &Default::default());
        assert!(
            mail.anomalies.is_empty(),
            "{}: {:?}",
            c.name,
            mail.anomalies
        );
        assert!(
            mail.message_id.is_some() && mail.subject.is_some(),
            "{}",
            c.name
        );
        let date = mail.date.unwrap_or(0);
        assert!(
            date <= c.received_at && c.received_at - date < 60,
            "{}",
            c.name
        );
        assert_eq!(
            mail.from()
                .and_then(|m| m.address.as_ref())
                .map(|a| a.to_ascii_lowercase()),
            Some(o.sender.clone())
        );
        let mut rcpt = mail.recipients();
        rcpt.sort();
        let mut want = c.recipients.clone();
        want.sort();
        assert_eq!(rcpt, want, "{}", c.name);
        let att: Vec<&Vec<u8>> = mail.attachments.iter().map(|a| &a.data).collect();
        assert_eq!(att, o.files.iter().collect::<Vec<_>>(), "{}", c.name);
        let hosts: BTreeSet<String> = mail.links.iter().filter_map(|l| l.host.clone()).collect();
        for u in &o.urls {
            assert!(
                hosts.contains(&host_of(u)),
                "{}: {u} not found in {hosts:?}",
                c.name
            );
        }
        if let Some(ip) = &o.origin_ip {
            let text = String::from_utf8_lossy(raw);
            assert!(text.contains(&format!("[{ip}])")), "{}", c.name);
        }
    }
}

#[test]
fn urls_are_found_and_defanged_ones_are_not() {
    assert_eq!(
        urls_in("see https://a.example/x?y=1, and http://b.example. not hxxp://c[.]example"),
        vec!["https://a.example/x?y=1", "http://b.example"]
    );
    assert_eq!(
        host_of("https://Login.NTS-docs.kr/s/1?u=a"),
        "login.nts-docs.kr"
    );
}
