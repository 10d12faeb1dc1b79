//! The multi-wave scenario (`spearwatch-scenario::campaigns`): a three-wave DPRK-style campaign
//! against Hanbit Digital Exchange over four months, an unrelated bank phish, and benign mail, scanned
//! with the organisation's context and recorded in order. Campaign membership is measured against the
//! ground truth with pairwise precision and recall (every pair of messages the register put in one
//! campaign is a predicted pair; every pair of one true campaign is a true pair).

use spearwatch_actors::Profiles;
use spearwatch_engine::{Engine, OrgContext};
use spearwatch_org::observe::Observation;
use spearwatch_org::Profile;
use spearwatch_register::view::campaign_view;
use spearwatch_register::{Arrival, BlobStore, LinkPolicy, Register};
use spearwatch_store::Store;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The official STIX/MISP validators, as the export crate's own test runs them.
#[path = "../../export/tests/validators/mod.rs"]
mod validators;

/// One scenario message as recorded.
struct Row {
    /// The ground truth.
    truth: Option<&'static str>,
    /// The campaign the register put it in.
    campaign: Option<String>,
    verdict: String,
}

struct Run {
    _dir: tempfile::TempDir,
    store: Store,
    rows: Vec<Row>,
    /// The organisation's profile: its sector and country are the attribution's targeting traits.
    profile: Profile,
}

fn run() -> Run {
    let s = spearwatch_scenario::hanbit();
    let dir = tempfile::tempdir().unwrap();
    let profile = Profile::from_toml(&s.profile_toml).unwrap();
    let mut store = Store::open(&dir.path().join("store.db")).unwrap();
    let obs: Vec<Observation> = s
        .history
        .iter()
        .filter_map(|m| {
            let mail = spearwatch_message::parse(m.raw.as_bytes(), &Default::default());
            Observation::of(&mail, m.raw.as_bytes(), &profile, 0)
        })
        .collect();
    store.learn(&obs).unwrap();
    let engine = Engine::default().with_org(Arc::new(OrgContext::new(
        profile.clone(),
        store.knowledge().unwrap(),
    )));
    let blobs = BlobStore::new(dir.path().join("blobs"));
    let policy = LinkPolicy::default();
    let reg = Register {
        store: &store,
        blobs: Some(&blobs),
        policy: &policy,
    };
    let cases = spearwatch_scenario::campaign_messages();
    let mut ids = Vec::new();
    for c in &cases {
        let (report, mail) = engine.scan_keep(&c.raw, &c.name);
        let arrival = Arrival {
            received_at: c.received_at,
            source: "scan".into(),
            action: "none".into(),
            ..Default::default()
        };
        let r = reg.record(&c.raw, &report, &mail, &arrival).unwrap();
        ids.push((r.scan_id, c.campaign, report.verdict.to_string()));
    }
    let rows = ids
        .into_iter()
        .map(|(id, truth, verdict)| {
            let c = store.registered_scan(id).unwrap().unwrap().campaign;
            let campaign = c.map(|c| store.resolve_campaign(&c).unwrap().unwrap());
            Row {
                truth,
                campaign,
                verdict,
            }
        })
        .collect();
    Run {
        _dir: dir,
        store,
        rows,
        profile,
    }
}

/// Pairwise precision and recall of campaign membership over all messages (a message outside any
/// campaign, predicted or true, pairs with nothing).
fn pairwise(rows: &[Row]) -> (f64, f64, usize, usize) {
    let (mut tp, mut pred, mut truth) = (0usize, 0usize, 0usize);
    for (a, ra) in rows.iter().enumerate() {
        for rb in &rows[a + 1..] {
            let same_pred = ra.campaign.is_some() && ra.campaign == rb.campaign;
            let same_true = ra.truth.is_some() && ra.truth == rb.truth;
            pred += usize::from(same_pred);
            truth += usize::from(same_true);
            tp += usize::from(same_pred && same_true);
        }
    }
    let p = if pred == 0 {
        0.0
    } else {
        tp as f64 / pred as f64
    };
    let r = if truth == 0 {
        0.0
    } else {
        tp as f64 / truth as f64
    };
    (p, r, pred, truth)
}

#[test]
fn waves_cluster_into_their_campaigns_and_are_attributed_with_reasons() {
    let run = run();
    let flagged = |truth: Option<&str>| {
        let all: Vec<_> = run.rows.iter().filter(|r| r.truth == truth).collect();
        let f = all.iter().filter(|r| r.campaign.is_some()).count();
        (f, all.len())
    };
    let mut by_truth: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for r in &run.rows {
        let t = r.truth.unwrap_or("benign");
        *by_truth
            .entry(t)
            .or_default()
            .entry(
                r.campaign
                    .clone()
                    .unwrap_or_else(|| format!("(not clustered: {})", r.verdict)),
            )
            .or_default() += 1;
    }
    let (p, r, pred, truth) = pairwise(&run.rows);
    println!("campaign membership: pairwise precision {p:.3} recall {r:.3} ({pred} predicted pairs, {truth} true pairs)");
    for (t, cs) in &by_truth {
        println!("  {t}: {cs:?}");
    }
    let (fd, nd) = flagged(Some("dprk-2026"));
    let (fb, nb) = flagged(Some("bankphish"));
    let (fn_, nn) = flagged(None);
    println!("  clustered (flagged): dprk-2026 {fd}/{nd}, bankphish {fb}/{nb}, benign {fn_}/{nn}");
    assert_eq!(fn_, 0, "benign mail is never in a campaign");
    assert!(p >= 0.99, "no pair across campaigns: precision {p}");
    assert!(r >= 0.9, "recall {r}");
    // The DPRK waves form one campaign; the bank phish is not in it.
    let dprk: BTreeSet<&String> = run
        .rows
        .iter()
        .filter(|r| r.truth == Some("dprk-2026"))
        .filter_map(|r| r.campaign.as_ref())
        .collect();
    let bank: BTreeSet<&String> = run
        .rows
        .iter()
        .filter(|r| r.truth == Some("bankphish"))
        .filter_map(|r| r.campaign.as_ref())
        .collect();
    assert_eq!(dprk.len(), 1, "{dprk:?}");
    assert!(dprk.is_disjoint(&bank));

    let id = dprk.into_iter().next().unwrap();
    let profiles = Profiles::bundled();
    // The targeting traits come from the organisation's profile (sector crypto, country KR).
    let org = &run.profile;
    let targets = spearwatch_actors::target_traits(org.sector.as_deref(), org.country.as_deref());
    assert_eq!(targets.len(), 2, "{targets:?}");
    let v = campaign_view(&run.store, id, &profiles, &targets)
        .unwrap()
        .unwrap();
    println!(
        "  {}: {} messages, {} recipients, {} subjects, {} senders; {} techniques; {} indicators; {} links",
        v.id, v.messages.len(), v.recipients.len(), v.subjects.len(), v.senders.len(), v.techniques.len(), v.indicators.len(), v.links.len()
    );
    for h in v.hypotheses.iter().take(4) {
        println!(
            "  hypothesis {} {} confidence {}",
            h.actor_id, h.name, h.confidence
        );
        for reason in h.reasons.iter().take(4) {
            println!("      +{:.2} {}", reason.weight, reason.detail);
        }
    }
    assert!(v.recipients.len() >= 8);
    let top = &v.hypotheses[0];
    assert!(!top.reasons.is_empty());
    assert!(
        ["G0094", "G0032", "G0067", "G0082", "G1049", "G1036", "G1052", "G0138"]
            .contains(&top.actor_id.as_str()),
        "{top:?}"
    );
    // Every member is explained: it links to another member, or another member links to it (the
    // founders of campaigns merged since).
    let members: BTreeSet<i64> = v.messages.iter().map(|m| m.scan_id).collect();
    let explained: BTreeSet<i64> = v
        .links
        .iter()
        .flat_map(|l| [l.scan_id, l.other_id])
        .collect();
    assert!(
        members.is_subset(&explained),
        "{:?}",
        members.difference(&explained).collect::<Vec<_>>()
    );
    let merges = v.timeline.iter().filter(|e| e.kind == "merged").count();
    let kinds: BTreeSet<&str> = v.links.iter().map(|l| l.kind.as_str()).collect();
    println!("  {merges} merges; link kinds {kinds:?}");
    for e in v.timeline.iter().filter(|e| e.kind == "merged") {
        println!("  merge: {}", e.detail);
    }
    assert!(v.timeline.iter().any(|e| e.kind == "created"));
}

/// The scenario's campaign exported: structure always; with `SPEARWATCH_VALIDATORS=1` (set by
/// `.ci/validate-export`) also the official validators, as for the export crate's own fixture.
#[test]
fn the_campaign_exports_as_valid_stix_and_misp() {
    let run = run();
    let id = run
        .rows
        .iter()
        .find(|r| r.truth == Some("dprk-2026"))
        .and_then(|r| r.campaign.clone())
        .unwrap();
    let profiles = Profiles::bundled();
    run.store
        .set_campaign_actor(
            &id,
            Some("G0094 Kimsuky"),
            Some("HWP/LNK tax lure"),
            1_790_000_000,
        )
        .unwrap();
    let v = campaign_view(&run.store, &id, &profiles, &[])
        .unwrap()
        .unwrap();
    let input = spearwatch_register::export::campaign(&v, &profiles, 1_790_000_000);
    assert_eq!(input.actors.len(), 1);
    assert!(input.actors[0].confirmed && input.actors[0].attack_id == "G0094");
    let opts = spearwatch_export::Options::default();
    let stix_text = spearwatch_export::stix::bundle_text(&input, &opts);
    let misp_text = spearwatch_export::misp::event_text(&input, &opts);
    // Deterministic: the same campaign exports to the same bytes.
    assert_eq!(
        stix_text,
        spearwatch_export::stix::bundle_text(&input, &opts)
    );
    let bundle: serde_json::Value = serde_json::from_str(&stix_text).unwrap();
    let objects = bundle["objects"].as_array().unwrap();
    let count = |t: &str| objects.iter().filter(|o| o["type"] == t).count();
    assert_eq!(count("campaign"), 1);
    assert_eq!(count("intrusion-set"), 1);
    assert!(count("indicator") >= 10, "{}", count("indicator"));
    assert!(count("attack-pattern") >= 5);
    assert_eq!(count("observed-data"), v.messages.len());
    assert_eq!(count("email-message"), v.messages.len());
    assert!(objects
        .iter()
        .any(|o| o["type"] == "relationship" && o["relationship_type"] == "attributed-to"));
    assert!(objects
        .iter()
        .any(|o| o["type"] == "relationship" && o["relationship_type"] == "indicates"));
    assert!(objects
        .iter()
        .any(|o| o["type"] == "relationship" && o["relationship_type"] == "uses"));
    assert!(stix_text.contains("[domain-name:value = 'login.nts-docs.kr']"));
    let event: serde_json::Value = serde_json::from_str(&misp_text).unwrap();
    let ev = &event["Event"];
    let objs = ev["Object"].as_array().unwrap();
    assert!(objs.iter().filter(|o| o["name"] == "email").count() >= v.messages.len());
    assert!(objs.iter().any(|o| o["name"] == "file"));
    assert!(ev["Tag"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"].as_str().unwrap_or("").contains("Kimsuky")));
    println!(
        "scenario export: STIX bundle {} objects ({} bytes), MISP event {} objects ({} bytes)",
        objects.len(),
        stix_text.len(),
        objs.len(),
        misp_text.len()
    );

    let Some(validators) = validators::Validators::from_env() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let stix_path = dir.path().join("scenario.stix.json");
    let misp_path = dir.path().join("scenario.misp.json");
    std::fs::write(&stix_path, &stix_text).unwrap();
    std::fs::write(&misp_path, &misp_text).unwrap();
    validators.check(&stix_path, &misp_path);
}
