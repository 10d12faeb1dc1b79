//! `spearwatch campaigns show` and `spearwatch export`: a campaign for people and for sharing.

use anyhow::{bail, Result};
use spearwatch_actors::{target_traits, Profiles};
use spearwatch_core::truncate_str;
use spearwatch_intel::format_rfc3339;
use spearwatch_register::export::{render, Format};
use spearwatch_register::view::{campaign_view, CampaignView};
use spearwatch_store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The campaign's view; `org`, the organisation's profile, gives the targeting traits (sector,
/// country) the attribution reads.
pub fn view(store: &Store, id: &str, org: Option<&Path>) -> Result<Option<CampaignView>> {
    let targets = match org {
        Some(p) => {
            let profile = crate::org::load_profile(p)?;
            target_traits(profile.sector.as_deref(), profile.country.as_deref())
        }
        None => Vec::new(),
    };
    Ok(campaign_view(store, id, Profiles::bundled_ref(), &targets)?)
}

/// "kimsuky" -> "G0094 Kimsuky"; names the bundled profiles do not know are kept as given.
pub fn canonical_actor(a: &str) -> String {
    match Profiles::bundled_ref().get(a) {
        Some(p) => format!("{} {}", p.id, p.name),
        None => a.trim().to_string(),
    }
}

fn day(ts: i64) -> String {
    format_rfc3339(ts)[..16].replace('T', " ")
}

pub fn write_view(out: &mut impl Write, v: &CampaignView) -> std::io::Result<()> {
    writeln!(out, "Campaign {}: {}", v.id, v.name)?;
    writeln!(
        out,
        "  {} messages to {} recipients, {} .. {}",
        v.messages.len(),
        v.recipients.len(),
        day(v.first_seen),
        day(v.last_seen)
    )?;
    match &v.analyst {
        Some(a) => writeln!(
            out,
            "  Attribution (analyst): {}{}",
            a.actor,
            a.note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        )?,
        None => writeln!(out, "  Attribution: not confirmed (hypotheses below)")?,
    }
    writeln!(out, "\nMessages")?;
    for m in &v.messages {
        writeln!(
            out,
            "  #{:<6} {}  {:<10} {} -> {}",
            m.scan_id,
            day(m.date),
            m.verdict,
            truncate_str(m.from.as_deref().unwrap_or("(no From)"), 40),
            truncate_str(&m.recipients.join(", "), 60)
        )?;
        writeln!(
            out,
            "          {}",
            truncate_str(m.subject.as_deref().unwrap_or("(no subject)"), 90)
        )?;
    }
    writeln!(out, "\nRecipients: {}", v.recipients.join(", "))?;
    writeln!(
        out,
        "Variants: {} subjects, {} senders, {} attachment names",
        v.subjects.len(),
        v.senders.len(),
        v.attachment_names.len()
    )?;
    for s in v.subjects.iter().take(10) {
        writeln!(out, "  subject   {}", truncate_str(s, 90))?;
    }
    for s in v.senders.iter().take(10) {
        writeln!(out, "  sender    {s}")?;
    }
    for s in v.attachment_names.iter().take(10) {
        writeln!(out, "  file      {s}")?;
    }
    writeln!(out, "\nTechniques")?;
    for t in &v.techniques {
        writeln!(
            out,
            "  {:<10} {:<45} in {} messages",
            t.id, t.name, t.messages
        )?;
    }
    writeln!(
        out,
        "\nIndicators (attacker-controlled values, never seen in clean mail)"
    )?;
    for i in v.indicators.iter().take(40) {
        writeln!(
            out,
            "  {:<13} {:<70} {} msgs",
            i.kind,
            truncate_str(&i.value, 70),
            i.messages
        )?;
    }
    writeln!(out, "\nWhy the messages are together")?;
    let mut i = 0;
    while i < v.links.len() {
        let id = v.links[i].scan_id;
        let mut parts = Vec::new();
        while i < v.links.len() && v.links[i].scan_id == id {
            parts.push(truncate_str(&v.links[i].detail, 90));
            i += 1;
        }
        writeln!(out, "  #{id}: {}", parts.join("; "))?;
    }
    writeln!(out, "\nTimeline")?;
    for e in &v.timeline {
        writeln!(
            out,
            "  {}  {:<10} {}",
            day(e.at),
            e.kind,
            truncate_str(&e.detail, 110)
        )?;
    }
    writeln!(
        out,
        "\nActor hypotheses (traits read: {})",
        v.traits.join(", ")
    )?;
    if v.hypotheses.is_empty() {
        writeln!(out, "  none: the evidence is generic")?;
    }
    for h in v.hypotheses.iter().take(5) {
        writeln!(
            out,
            "  {} {} — confidence {}",
            h.actor_id, h.name, h.confidence
        )?;
        for r in h.reasons.iter().take(6) {
            writeln!(
                out,
                "      +{:.2} {}",
                r.weight,
                truncate_str(&r.detail, 110)
            )?;
        }
    }
    writeln!(out, "\nATT&CK data © The MITRE Corporation, reproduced with permission (crates/actors/data/ATTACK-NOTICE.txt).")
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// STIX 2.1 bundle (JSON).
    Stix,
    /// MISP event (JSON).
    Misp,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Store file (default: $XDG_DATA_HOME/spearwatch/store.db).
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
    /// The campaign id (`spearwatch campaigns list`).
    #[arg(long)]
    pub campaign: String,
    /// Organisation profile (TOML): its sector and country inform the actor attribution.
    #[arg(long, value_name = "FILE")]
    pub org: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Traffic Light Protocol marking: white, green, amber, red.
    #[arg(long, default_value = "amber")]
    pub tlp: String,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn export(a: ExportArgs) -> Result<u8> {
    let path = crate::register::store_path(&a.store)?;
    if !path.exists() {
        bail!("no store at {}", path.display());
    }
    let store = Store::open(&path)?;
    let Some(v) = view(&store, &a.campaign, a.org.as_deref())? else {
        bail!("no campaign {}", a.campaign);
    };
    let tlp = match a.tlp.to_ascii_lowercase().as_str() {
        "white" | "clear" => spearwatch_export::Tlp::White,
        "green" => spearwatch_export::Tlp::Green,
        "amber" => spearwatch_export::Tlp::Amber,
        "red" => spearwatch_export::Tlp::Red,
        other => bail!("--tlp {other}: use white, green, amber or red"),
    };
    let format = match a.format {
        ExportFormat::Stix => Format::Stix,
        ExportFormat::Misp => Format::Misp,
    };
    let opts = spearwatch_export::Options { tlp };
    let text = render(
        &v,
        Profiles::bundled_ref(),
        crate::org::now(),
        format,
        &opts,
    );
    match &a.output {
        Some(p) => std::fs::write(p, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", p.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            if !text.ends_with('\n') {
                out.write_all(b"\n")?;
            }
        }
    }
    Ok(crate::exit::OK)
}

/// The rule re-scan of `spearwatch hunt --rules`: the content engine with the bundled YARA pack and
/// the given rules over the stored raw message; the `yara.*` findings are the hits.
#[cfg(feature = "yara")]
pub fn rule_scanner(
    rules: &[PathBuf],
    threads: Option<usize>,
) -> Result<Box<spearwatch_register::hunt::RuleScan>> {
    use spearwatch_content::yara::{scan_bytes, YaraRules};
    if let Some(t) = threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(t.max(1))
            .build_global();
    }
    let dirs: Vec<&std::path::Path> = rules.iter().map(PathBuf::as_path).collect();
    let yara: &'static YaraRules = YaraRules::load(&dirs)
        .map_err(|e| anyhow::anyhow!("YARA rules: {e}"))?
        .leak();
    let engine =
        spearwatch_engine::Engine::default().with_content_options(spearwatch_content::Options {
            yara: Some(yara),
            ..Default::default()
        });
    let timeout = std::time::Duration::from_secs(2);
    Ok(Box::new(move |raw: &[u8]| {
        // The attachments (every object inside, as the scan does), the raw message and each decoded
        // body: a rule written for a lure's text finds it whatever the transfer encoding.
        let (report, mail) = engine.scan_keep(raw, "hunt");
        let mut hits: Vec<(String, String)> = report
            .findings
            .iter()
            .filter_map(|f| {
                let ident = f.id.strip_prefix("yara.")?;
                let at = f
                    .evidence
                    .first()
                    .map(|e| e.value.clone())
                    .unwrap_or_default();
                Some((ident.to_string(), format!("attachment: {at}")))
            })
            .collect();
        let bodies = std::iter::once(raw).chain(mail.bodies.iter().map(|b| b.text.as_bytes()));
        for (i, data) in bodies.enumerate() {
            for (ident, detail) in scan_bytes(yara, data, timeout) {
                if !hits.iter().any(|(h, _)| *h == ident) {
                    let place = if i == 0 {
                        "raw message".to_string()
                    } else {
                        format!("body {i}")
                    };
                    hits.push((ident, format!("{place}: {detail}")));
                }
            }
        }
        hits
    }))
}

#[cfg(not(feature = "yara"))]
pub fn rule_scanner(
    _rules: &[PathBuf],
    _threads: Option<usize>,
) -> Result<Box<spearwatch_register::hunt::RuleScan>> {
    bail!("--rules needs YARA support: rebuild with `cargo build --release --features yara`")
}
