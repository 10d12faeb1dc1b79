//! The organisation-context detectors measured on a synthetic organisation (`spearwatch-scenario`):
//! a profile, a few hundred history messages learned into a real SQLite store, and attack and benign
//! cases per detector in Korean and English, hard negatives included.
//!
//! Prints the detection and false-flag rate per detector (`cargo test -p spearwatch-engine --test
//! org_scenario -- --nocapture`) and holds them to floors and ceilings.

use spearwatch_engine::{Engine, OrgContext};
use spearwatch_org::observe::Observation;
use spearwatch_org::Profile;
use spearwatch_store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The detector ids the scenario has cases for.
const DETECTORS: &[&str] = &[
    "contact.impersonation",
    "lookalike.domain",
    "lookalike.link",
    "spoof.known_address",
    "thread.hijack",
    "replyto.diverted",
    "bec.executive_request",
    "contact.first_contact_risk",
];

/// Ids that only the organisation-context detectors raise.
fn is_org_finding(id: &str) -> bool {
    DETECTORS.contains(&id)
}

#[derive(Default)]
struct Rate {
    attacks: usize,
    caught: usize,
    benign: usize,
    false_flags: usize,
    missed: Vec<String>,
    flagged: Vec<String>,
}

fn engine_with_history(s: &spearwatch_scenario::Scenario, dir: &std::path::Path) -> Engine {
    let profile = Profile::from_toml(&s.profile_toml).expect("scenario profile parses");
    let mut store = Store::open(&dir.join("store.db")).expect("store opens");
    let obs: Vec<Observation> = s
        .history
        .iter()
        .filter_map(|m| {
            let mail = spearwatch_message::parse(m.raw.as_bytes(), &Default::default());
            Observation::of(&mail, m.raw.as_bytes(), &profile, 0)
        })
        .collect();
    assert_eq!(
        obs.len(),
        s.history.len(),
        "every history message has a sender"
    );
    let first = store.learn(&obs).expect("learns");
    assert_eq!(first.learned + first.duplicates, obs.len());
    // Learning the same history again changes nothing.
    let again = store.learn(&obs).expect("learns again");
    assert_eq!(again.learned, 0);
    let knowledge = store.knowledge().expect("loads");
    Engine::default().with_org(Arc::new(OrgContext::new(profile, knowledge)))
}

#[test]
fn detection_and_false_flag_rates_per_detector() {
    let s = spearwatch_scenario::hanbit();
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = engine_with_history(&s, dir.path());
    let plain = Engine::default();

    let mut rates: BTreeMap<&str, Rate> = DETECTORS.iter().map(|d| (*d, Rate::default())).collect();
    let mut plain_cases = (0usize, 0usize);
    let mut verdicts: BTreeMap<(bool, String), usize> = BTreeMap::new();
    let mut without_org = (0usize, 0usize);
    for c in &s.cases {
        let r = engine.scan(c.raw.as_bytes(), &c.id);
        let ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
        *verdicts
            .entry((c.attack, r.verdict.as_str().to_string()))
            .or_default() += 1;
        let scored: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.score > 0.0)
            .map(|f| f.id.as_str())
            .collect();
        if !c.attack && r.verdict >= spearwatch_core::Verdict::Phishing {
            println!("benign {} judged {}: {scored:?}", c.id, r.verdict.as_str());
        }
        if c.attack && r.verdict == spearwatch_core::Verdict::Clean {
            println!("attack {} judged clean: {scored:?}", c.id);
        }
        if c.attack {
            without_org.0 += 1;
            if plain.scan(c.raw.as_bytes(), &c.id).verdict >= spearwatch_core::Verdict::Suspicious {
                without_org.1 += 1;
            }
        }
        if c.detector == "none" {
            plain_cases.0 += 1;
            if ids.iter().any(|i| is_org_finding(i)) {
                plain_cases.1 += 1;
                eprintln!("plain benign case {} flagged: {ids:?}", c.id);
            }
            continue;
        }
        let Some(rate) = rates.get_mut(c.detector) else {
            panic!("case {} names unknown detector {}", c.id, c.detector);
        };
        let fired = ids.contains(&c.detector);
        if c.attack {
            rate.attacks += 1;
            if fired {
                rate.caught += 1;
            } else {
                rate.missed.push(format!("{} {ids:?}", c.id));
            }
        } else {
            rate.benign += 1;
            if fired {
                rate.false_flags += 1;
                rate.flagged.push(c.id.clone());
            }
        }
    }

    println!(
        "\n{:<28} {:>8} {:>10} {:>8} {:>12}",
        "detector", "attacks", "detected", "benign", "false flags"
    );
    for (d, r) in &rates {
        println!(
            "{d:<28} {:>8} {:>9.0}% {:>8} {:>11.0}%",
            r.attacks,
            100.0 * r.caught as f64 / r.attacks.max(1) as f64,
            r.benign,
            100.0 * r.false_flags as f64 / r.benign.max(1) as f64
        );
        for m in &r.missed {
            println!("    missed: {m}");
        }
        for m in &r.flagged {
            println!("    false flag: {m}");
        }
    }
    println!(
        "plain benign cases: {} of {} with an organisation finding",
        plain_cases.1, plain_cases.0
    );
    println!("verdicts (attack?, verdict) -> cases: {verdicts:?}");
    println!(
        "attack cases suspicious or worse WITHOUT a profile: {} of {}",
        without_org.1, without_org.0
    );

    for (d, r) in &rates {
        assert!(r.attacks >= 6 && r.benign >= 6, "{d}: too few cases");
        assert!(
            r.caught * 100 >= r.attacks * 80,
            "{d}: detected {} of {} attack cases",
            r.caught,
            r.attacks
        );
        assert!(
            r.false_flags * 100 <= r.benign * 10,
            "{d}: flagged {} of {} benign cases",
            r.false_flags,
            r.benign
        );
    }
    assert_eq!(
        plain_cases.1, 0,
        "ordinary partner mail raised organisation findings"
    );
}

#[test]
fn without_a_profile_the_organisation_detectors_stay_silent() {
    let s = spearwatch_scenario::hanbit();
    let plain = Engine::default();
    for c in &s.cases {
        let r = plain.scan(c.raw.as_bytes(), &c.id);
        let org: Vec<&str> = r
            .findings
            .iter()
            .map(|f| f.id.as_str())
            .filter(|i| is_org_finding(i))
            .collect();
        assert!(org.is_empty(), "{}: {org:?}", c.id);
    }
}
