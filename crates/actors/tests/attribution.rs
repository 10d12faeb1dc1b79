//! Attribution over the bundled profiles, extension TOML, and the bundled data files themselves.

use spearwatch_actors::{
    traits_from_findings, Error, Evidence, Hypothesis, Profiles, ReasonKind, Trait, ATTACK_JSON,
    ATTACK_NOTICE, CEILING_BEHAVIOUR, TRAITS_TOML,
};
use std::collections::BTreeSet;

fn evidence(findings: &[&str], extra: &[Trait], techniques: &[&str]) -> Evidence {
    let mut traits = traits_from_findings(findings);
    traits.extend(extra.iter().copied());
    Evidence {
        techniques: techniques.iter().map(|t| t.to_string()).collect(),
        traits,
        indicator_actors: Vec::new(),
    }
}

fn top(h: &[Hypothesis]) -> &Hypothesis {
    h.first().unwrap_or_else(|| panic!("no hypothesis"))
}

fn show(h: &[Hypothesis]) -> String {
    h.iter()
        .map(|h| {
            format!(
                "{} {} {} (score {:.2})",
                h.actor_id, h.name, h.confidence, h.score
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The Lazarus family: Lazarus Group and the clusters reported as its offshoots or peers in
/// crypto theft and fake recruitment.
const LAZARUS_FAMILY: [&str; 5] = ["G0032", "G0082", "G1049", "G1052", "G1036"];

#[test]
fn kimsuky_style_evidence_ranks_kimsuky_first_with_reasons() {
    let p = Profiles::bundled();
    let e = evidence(
        &[
            "lure.expert_outreach",
            "hwp.ole_object",
            "links.credential_form",
            "sender.freemail",
        ],
        &[
            Trait::KoreanLanguage,
            Trait::FakeLoginNaverDaum,
            Trait::TargetsKorea,
        ],
        &["T1566.001", "T1566.002", "T1204.002"],
    );
    let h = p.attribute(&e);
    let k = top(&h);
    assert_eq!(
        (k.actor_id.as_str(), k.name.as_str()),
        ("G0094", "Kimsuky"),
        "{}",
        show(&h)
    );
    assert!(k.confidence >= 50 && k.confidence <= 70, "{}", show(&h));
    // The runner-up (APT37, which shares HWP and Korean targets) stays clearly behind.
    assert!(
        h.len() >= 2 && h[1].confidence + 10 <= k.confidence,
        "{}",
        show(&h)
    );
    let details: Vec<&str> = k.reasons.iter().map(|r| r.detail.as_str()).collect();
    for want in [
        "trait fake_login_naver_daum (weight 3",
        "trait lure_expert_outreach (weight 3",
        "trait hwp_document (weight 2",
        "T1566.002 Spearphishing Link: in Kimsuky's ATT&CK techniques",
    ] {
        assert!(
            details.iter().any(|d| d.starts_with(want)),
            "{want} not in {details:#?}"
        );
    }
    assert!(k.reasons.iter().all(|r| r.kind != ReasonKind::Indicator));
    let sum: f32 = k.reasons.iter().map(|r| r.weight).sum();
    assert!((sum - k.score).abs() < 1e-4);
    // Strongest trait first (reasons of one kind sorted by weight).
    assert!(
        k.reasons[0]
            .detail
            .starts_with("trait fake_login_naver_daum"),
        "{details:#?}"
    );
}

#[test]
fn apt37_eps_hwp_with_lnk_ranks_apt37_first() {
    let p = Profiles::bundled();
    let e = evidence(
        &["hwp.eps_exploit", "lnk.padded_arguments"],
        &[Trait::KoreanLanguage, Trait::TargetsKorea],
        &["T1566.001", "T1203"],
    );
    let h = p.attribute(&e);
    assert_eq!(top(&h).actor_id, "G0067", "{}", show(&h));
}

#[test]
fn crypto_job_offer_with_lnk_in_iso_ranks_the_lazarus_family_first() {
    let p = Profiles::bundled();
    let e = evidence(
        &[
            "lure.job_offer",
            "lure.crypto",
            "attachment.disk_image",
            "lnk.shortcut",
            "lnk.lolbin",
        ],
        &[Trait::EnglishLanguage, Trait::TargetsCryptoFirm],
        &["T1566.001", "T1204.002", "T1553.005", "T1218.011"],
    );
    let h = p.attribute(&e);
    let t = top(&h);
    assert!(
        LAZARUS_FAMILY.contains(&t.actor_id.as_str()),
        "{}",
        show(&h)
    );
    assert!(t.confidence < CEILING_BEHAVIOUR as u8);
    // Neither Kimsuky nor APT37 (LNK users too) outranks the family.
    let first_other = h
        .iter()
        .position(|x| !LAZARUS_FAMILY.contains(&x.actor_id.as_str()))
        .unwrap_or(h.len());
    assert!(first_other >= 2, "{}", show(&h));
}

#[test]
fn generic_credential_phish_gives_no_confident_hypothesis() {
    let p = Profiles::bundled();
    let e = evidence(
        &[
            "lure.account_security",
            "lure.urgency",
            "lure.credential_request",
            "links.credential_form",
            "sender.freemail",
            "links.lookalike_domain",
            "auth.dmarc_fail",
        ],
        &[Trait::EnglishLanguage],
        &["T1566.002", "T1598.003", "T1656"],
    );
    let h = p.attribute(&e);
    assert!(
        !h.is_empty() && h.iter().all(|x| x.confidence <= 15),
        "{}",
        show(&h)
    );

    // Nothing at all, or only a delivery technique: no hypothesis.
    assert!(p.attribute(&Evidence::default()).is_empty());
    assert!(p
        .attribute(&evidence(&[], &[], &["T1566", "T1204.002"]))
        .is_empty());
}

#[test]
fn indicator_alias_labyrinth_chollima_attributes_to_lazarus() {
    let p = Profiles::bundled();
    let mut e = Evidence::default();
    e.indicator_actors
        .push(("labyrinth-chollima".into(), "misp:feed-42".into()));
    let h = p.attribute(&e);
    assert_eq!(h.len(), 1, "{}", show(&h));
    let l = top(&h);
    assert_eq!(l.actor_id, "G0032");
    assert!(l.confidence > CEILING_BEHAVIOUR as u8, "{}", show(&h));
    assert_eq!(
        l.reasons[0].detail,
        "indicator source misp:feed-42 'labyrinth-chollima' matched Lazarus Group"
    );
}

#[test]
fn indicators_dominate_behaviour_and_sources_are_counted_once() {
    let p = Profiles::bundled();
    // Kimsuky-looking mail, but two feeds name APT37 (one twice) and one names ScarCruft.
    let mut e = evidence(
        &["lure.expert_outreach", "hwp.ole_object"],
        &[Trait::KoreanLanguage, Trait::FakeLoginNaverDaum],
        &[],
    );
    e.indicator_actors = vec![
        ("APT37".into(), "maltrail".into()),
        ("apt37".into(), "maltrail".into()),
        ("ScarCruft".into(), "ESET".into()),
        ("Reaper".into(), "otx".into()),
        ("Ricochet Chollima".into(), "vendor4".into()),
        ("kimsuky-not-really".into(), "x".into()),
    ];
    let h = p.attribute(&e);
    let a = top(&h);
    assert_eq!(a.actor_id, "G0067", "{}", show(&h));
    let ind: Vec<_> = a
        .reasons
        .iter()
        .filter(|r| r.kind == ReasonKind::Indicator)
        .collect();
    assert_eq!(ind.len(), 4);
    assert_eq!(ind.iter().map(|r| r.weight).sum::<f32>(), 32.0);
    assert!(ind[3].detail.ends_with("(further source, not counted)"));
    assert!(a.confidence > 95, "{}", show(&h));
    // "apt_kimsuky" style feed names match too.
    let mut e = Evidence::default();
    e.indicator_actors
        .push(("apt_kimsuky".into(), "maltrail".into()));
    assert_eq!(top(&p.attribute(&e)).actor_id, "G0094");
}

#[test]
fn no_100_without_indicators() {
    let p = Profiles::bundled();
    let everything = Evidence {
        techniques: p.actors()[0]
            .techniques
            .iter()
            .map(|t| t.id.clone())
            .collect(),
        traits: Trait::ALL.into_iter().collect(),
        indicator_actors: Vec::new(),
    };
    for h in p.attribute(&everything) {
        assert!(
            h.confidence <= CEILING_BEHAVIOUR as u8,
            "{} {}",
            h.name,
            h.confidence
        );
    }
}

#[test]
fn get_by_id_name_alias() {
    let p = Profiles::bundled();
    for q in [
        "G0094",
        "g0094",
        "Kimsuky",
        "APT43",
        "velvet chollima",
        "Emerald-Sleet",
    ] {
        assert_eq!(p.get(q).map(|a| a.id.as_str()), Some("G0094"), "{q}");
    }
    assert_eq!(p.get("Lazarus").map(|a| a.id.as_str()), Some("G0032"));
    assert_eq!(p.get("BlueNoroff").map(|a| a.id.as_str()), Some("G0082"));
    assert_eq!(p.get("Citrine Sleet").map(|a| a.id.as_str()), Some("G1049"));
    assert_eq!(p.get("Stonefly").map(|a| a.id.as_str()), Some("G0138"));
    assert!(p.get("APT28").is_none());
    assert!(p.get("").is_none());
    assert!(p.get("--").is_none());
}

#[test]
fn extension_adds_an_actor_and_overrides_a_weight() {
    let mut p = Profiles::bundled();
    let before = p
        .get("Kimsuky")
        .and_then(|a| a.traits.get(&Trait::LureTax).copied());
    assert_eq!(before, Some(2.0));
    p.extend_from_toml(
        r#"
[actor.Kimsuky.traits]
lure_tax = 3.5
office_macro = 0

[actor.X0001]
name = "Example Chollima"
aliases = ["Hanbit Test Cluster"]
techniques = ["T1566.001", "t1221", "T9999"]
[actor.X0001.traits]
lure_tax = 3
hwp_document = 3
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let k = p.get("G0094").unwrap_or_else(|| panic!("Kimsuky"));
    assert_eq!(k.traits.get(&Trait::LureTax), Some(&3.5));
    assert_eq!(k.traits.get(&Trait::OfficeMacro), None);
    let x = p
        .get("hanbit test cluster")
        .unwrap_or_else(|| panic!("new actor"));
    assert_eq!(x.id, "X0001");
    assert_eq!(x.name, "Example Chollima");
    let names: Vec<(&str, &str)> = x
        .techniques
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("T1221", "Template Injection"),
            ("T1566.001", "Spearphishing Attachment"),
            ("T9999", "T9999")
        ]
    );
    assert_eq!(p.actors().len(), 9);
    // The new actor takes part in attribution, with its own reasons.
    let h = p.attribute(&evidence(&["lure.tax", "hwp.ole_object"], &[], &["T9999"]));
    assert_eq!(top(&h).actor_id, "X0001", "{}", show(&h));
    assert!(top(&h)
        .reasons
        .iter()
        .any(|r| r.detail.starts_with("T9999 T9999: in Example Chollima's")));
}

#[test]
fn bad_toml_errors_carry_the_line_and_change_nothing() {
    let base = Profiles::bundled();
    let cases: [(&str, usize, &str); 6] = [
        (
            "[actor.G0094.traits]\nlure_tax = 2\nlure_tax = 3\n",
            3,
            "duplicate",
        ),
        ("\n\n[actor.G0094.traits]\nhwp_eps = \"high\"\n", 4, ""),
        (
            "[actor.G0094.traits]\n\nhwp = 2\n",
            3,
            "unknown trait \"hwp\"",
        ),
        ("[actor.G0094.traits]\nhwp_eps = -1\n", 2, "outside"),
        ("[actor.Nobody]\naliases = [\"x\"]\n", 1, "needs `name`"),
        (
            "[actor.X1]\nname = \"n\"\ntechniques = [\n \"T1566\",\n \"bogus\"]\n",
            5,
            "not an ATT&CK technique id",
        ),
    ];
    for (text, line, msg) in cases {
        let mut p = base.clone();
        match p.extend_from_toml(text) {
            Err(Error::Toml {
                line: Some(l),
                message,
            }) => {
                assert_eq!(l, line, "{text:?}: {message}");
                assert!(message.contains(msg), "{text:?}: {message}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
        assert_eq!(p, base, "{text:?} changed the profiles");
    }
    let mut p = base.clone();
    let e = p
        .extend_from_toml("[actor.G0094]\ncolour = \"red\"\n")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.starts_with("line 2: unknown field `colour`"), "{e}");
}

#[test]
fn bundled_data_holds_all_eight_groups_with_their_techniques() {
    let p = Profiles::try_bundled().unwrap_or_else(|e| panic!("{e}"));
    let want = [
        ("G0032", "Lazarus Group"),
        ("G0082", "APT38"),
        ("G0094", "Kimsuky"),
        ("G0138", "Andariel"),
        ("G0067", "APT37"),
        ("G1049", "AppleJeus"),
        ("G1036", "Moonstone Sleet"),
        ("G1052", "Contagious Interview"),
    ];
    let got: Vec<(&str, &str)> = p
        .actors()
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    assert_eq!(got, want);
    for a in p.actors() {
        assert!(
            a.techniques.len() >= 10,
            "{} has {}",
            a.name,
            a.techniques.len()
        );
        assert!(a
            .stix_id
            .as_deref()
            .is_some_and(|s| s.starts_with("intrusion-set--")));
        assert!(a.modified.as_deref().is_some_and(|m| m.starts_with("20")));
        assert!(a.aliases.iter().any(|x| x == &a.name), "{}", a.name);
        assert!(
            a.traits.len() >= 4,
            "{} has {} traits",
            a.name,
            a.traits.len()
        );
        let ids: BTreeSet<&str> = a.techniques.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids.len(), a.techniques.len());
    }
    assert_eq!(p.get("G0032").map(|a| a.techniques.len()), Some(119));
    assert_eq!(p.get("G0094").map(|a| a.techniques.len()), Some(109));
    assert_eq!(p.get("G0138").map(|a| a.techniques.len()), Some(12));
    let dream_job = p
        .get("Lazarus")
        .and_then(|a| a.technique("T1566.003"))
        .map(|t| (t.name.as_str(), t.campaign.as_deref()));
    assert!(dream_job.is_some(), "Lazarus lists T1566.003");
}

#[test]
fn notice_exists_and_is_referenced() {
    let line = "© The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.";
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat(ATTACK_NOTICE).contains(line));
    assert!(ATTACK_NOTICE.contains("hereby grants you a non-exclusive, royalty-free license"));
    assert!(ATTACK_JSON.contains("\"licence_file\": \"ATTACK-NOTICE.txt\""));
    assert!(ATTACK_JSON.contains(
        "This work is reproduced and distributed with the permission of The MITRE Corporation."
    ));
    assert!(TRAITS_TOML.contains("data/ATTACK-NOTICE.txt"));
    let lib = flat(&include_str!("../src/lib.rs").replace("//!", ""));
    assert!(lib.contains(line) && lib.contains("data/ATTACK-NOTICE.txt"));
    let readme = include_str!("../README.md");
    assert!(readme.contains("ATTACK-NOTICE.txt") && flat(readme).contains(line));
}
