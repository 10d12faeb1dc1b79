//! The register through the binary, as an analyst uses it: `scan --store` records, `campaigns`
//! lists, shows and attributes, `hunt` finds old mail by a new indicator (and by a YARA rule in a
//! `--features yara` build), `export` writes STIX and MISP.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spearwatch"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run spearwatch")
}

fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(
        o.status.success(),
        "{args:?}: {}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `campaigns show ID --json`, with the profile's targeting traits when `org` is given.
fn show_json(store: &str, org: Option<&str>, id: &str) -> serde_json::Value {
    let mut args = vec!["campaigns", "--store", store];
    if let Some(org) = org {
        args.extend(["--org", org]);
    }
    args.extend(["show", id, "--json"]);
    serde_json::from_str(&ok(&args)).unwrap()
}

/// `campaigns list --json`: one campaign per line.
fn list(store: &str) -> Vec<serde_json::Value> {
    ok(&["campaigns", "--store", store, "list", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The Hanbit organisation, its history and the campaign scenario written as files, the history
/// learned and the scenario scanned into a store.
fn setup(dir: &Path) -> (String, String) {
    let s = spearwatch_scenario::hanbit();
    std::fs::write(dir.join("profile.toml"), &s.profile_toml).unwrap();
    let mut mbox = String::new();
    for m in &s.history {
        mbox.push_str("From history@localhost Thu Jan  1 00:00:00 2026\n");
        mbox.push_str(&m.raw.replace("\r\n", "\n").replace("\nFrom ", "\n>From "));
        mbox.push('\n');
    }
    std::fs::write(dir.join("history.mbox"), mbox).unwrap();
    let mail = dir.join("mail");
    std::fs::create_dir_all(&mail).unwrap();
    for c in spearwatch_scenario::campaign_messages() {
        std::fs::write(mail.join(format!("{}.eml", c.name)), &c.raw).unwrap();
    }
    let store = dir.join("store.db").display().to_string();
    let profile = dir.join("profile.toml").display().to_string();
    ok(&[
        "learn",
        "-q",
        "--org",
        &profile,
        "--store",
        &store,
        &dir.join("history.mbox").display().to_string(),
    ]);
    let o = run(&[
        "scan",
        "--org",
        &profile,
        "--store",
        &store,
        "--format",
        "jsonl",
        &mail.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("recorded 47 scans"), "{err}");
    (store, profile)
}

#[test]
fn scan_records_campaigns_that_show_attribute_hunt_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let (store, profile) = setup(dir.path());
    assert!(
        dir.path().join("store.blobs").is_dir(),
        "raw messages kept beside the store"
    );

    // Scanning the same files again adds nothing.
    let o = run(&[
        "scan",
        "--org",
        &profile,
        "--store",
        &store,
        &dir.path().join("mail").display().to_string(),
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("recorded 0 scans (47 recorded before)"));

    let rows = list(&store);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let big = rows
        .iter()
        .find(|r| r["messages"] == 22)
        .expect("the DPRK campaign: 22 messages");
    let id = big["id"].as_str().unwrap().to_string();
    assert_eq!(big["recipients"], 13);

    let show = ok(&["campaigns", "--store", &store, "show", &id]);
    for want in [
        "Why the messages are together",
        "the same payload fingerprint",
        "Actor hypotheses",
        "Kimsuky",
        "Timeline",
        "ATT&CK data ©",
    ] {
        assert!(show.contains(want), "{want} in\n{show}");
    }
    let json = show_json(&store, None, &id);
    assert!(json["hypotheses"][0]["reasons"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));
    let traits = |j: &serde_json::Value| -> Vec<String> {
        j["traits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    };
    assert!(!traits(&json).contains(&"targets_korea".to_string()));
    // With the profile, its sector (crypto) and country (KR) are targeting traits too.
    let with_org = show_json(&store, Some(&profile), &id);
    let t = traits(&with_org);
    assert!(
        t.contains(&"targets_korea".to_string()) && t.contains(&"targets_crypto_firm".to_string()),
        "{t:?}"
    );
    assert!(
        with_org["hypotheses"][0]["confidence"].as_u64()
            > json["hypotheses"][0]["confidence"].as_u64(),
        "{} vs {}",
        with_org["hypotheses"][0],
        json["hypotheses"][0]
    );

    ok(&[
        "campaigns",
        "--store",
        &store,
        "attribute",
        &id,
        "--actor",
        "kimsuky",
        "--note",
        "tax lure and LNK as in KISA reporting",
    ]);
    let json = show_json(&store, None, &id);
    assert_eq!(json["analyst"]["actor"], "G0094 Kimsuky");

    // A new indicator: the C2 host that only the LNK command lines named. The messages carry its
    // parent domain in their links, so the hunt finds them by the domain.
    let intel = dir.path().join("new-c2.txt");
    std::fs::write(&intel, "# shared by a partner ISAC\nnts-docs.kr\n").unwrap();
    let o = run(&[
        "hunt",
        "--store",
        &store,
        "--intel",
        &intel.display().to_string(),
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "hits exit 1: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let hits: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(hits.len() >= 5, "{hits:?}");
    assert!(
        hits.iter().all(|h| h["campaign"] == id.as_str()),
        "{hits:?}"
    );
    let again = run(&[
        "hunt",
        "--store",
        &store,
        "--intel",
        &intel.display().to_string(),
    ]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "the same hunt again finds nothing new"
    );

    let stix = dir.path().join("c.stix.json");
    ok(&[
        "export",
        "--store",
        &store,
        "--campaign",
        &id,
        "--format",
        "stix",
        "-o",
        &stix.display().to_string(),
    ]);
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&stix).unwrap()).unwrap();
    assert_eq!(bundle["type"], "bundle");
    assert!(bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["type"] == "intrusion-set" && o["name"] == "Kimsuky"));
    let misp: serde_json::Value = serde_json::from_str(&ok(&[
        "export",
        "--store",
        &store,
        "--campaign",
        &id,
        "--format",
        "misp",
    ]))
    .unwrap();
    assert!(misp["Event"]["info"].as_str().is_some());

    let bad = run(&[
        "export",
        "--store",
        &store,
        "--campaign",
        "C-nope",
        "--format",
        "stix",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no campaign C-nope"));
}

#[test]
fn split_moves_messages_into_a_new_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = setup(dir.path());
    let bank = list(&store)
        .into_iter()
        .find(|r| r["messages"] == 7)
        .unwrap();
    let id = bank["id"].as_str().unwrap();
    let view = show_json(&store, None, id);
    let ids: Vec<String> = view["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["scan_id"].to_string())
        .collect();
    ok(&[
        "campaigns",
        "--store",
        &store,
        "split",
        id,
        "--messages",
        &ids[5..].join(","),
        "--note",
        "second kit",
    ]);
    let after = list(&store);
    let sizes: Vec<u64> = after
        .iter()
        .map(|r| r["messages"].as_u64().unwrap())
        .collect();
    assert!(sizes.contains(&5) && sizes.contains(&2), "{sizes:?}");
    let bad = run(&[
        "campaigns",
        "--store",
        &store,
        "split",
        id,
        "--messages",
        "99999",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[cfg(feature = "yara")]
#[test]
fn a_yara_retro_hunt_rescans_stored_mail() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = setup(dir.path());
    let rules = dir.path().join("hunt.yar");
    std::fs::write(&rules, "rule Hunt_NtsDocs_C2 { strings: $a = \"cdn-update.nts-docs.kr\" ascii wide nocase condition: $a }\n").unwrap();
    let o = run(&[
        "hunt",
        "--store",
        &store,
        "--rules",
        &rules.display().to_string(),
        "--json",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("messages/s"), "{err}");
    let hits: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        hits.iter().any(|h| h["hit"]["value"] == "Hunt_NtsDocs_C2"),
        "{hits:?}"
    );
}

#[cfg(not(feature = "yara"))]
#[test]
fn a_rule_hunt_without_yara_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    spearwatch_scenario::hanbit();
    std::fs::write(
        dir.path().join("x.eml"),
        "From: a@b.example\r\nSubject: x\r\n\r\nhi\r\n",
    )
    .unwrap();
    ok(&[
        "scan",
        "--store",
        &store.display().to_string(),
        &dir.path().join("x.eml").display().to_string(),
    ]);
    let o = run(&[
        "hunt",
        "--store",
        &store.display().to_string(),
        "--rules",
        "/nonexistent.yar",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--features yara"));
}
