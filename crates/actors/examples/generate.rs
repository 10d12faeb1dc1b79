//! Regenerates `crates/actors/data/attack.json` from the MITRE ATT&CK extract of the North Korean
//! groups (`dprk_groups.json` and `dprk_group_techniques.csv`):
//!
//! ```text
//! cargo run -p spearwatch-actors --example generate -- /var/tmp/spearwatch-corpus/intel/attack-dprk \
//!     > crates/actors/data/attack.json
//! ```
//!
//! It keeps, per group, the ATT&CK id, name, aliases, STIX id, `modified` and the technique ids with
//! their names (and the campaign a technique came through, when not the group itself); the long
//! procedure texts are dropped. Before writing it checks that the eight expected groups are there
//! under the expected ids, and that the JSON and the CSV list the same techniques per group, so a
//! changed extract fails loudly instead of shifting attributions silently.
//!
//! ATT&CK® is © The MITRE Corporation; see `crates/actors/data/ATTACK-NOTICE.txt`.

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// The groups the crate is about, by ATT&CK id, with the name ATT&CK gives each.
const EXPECTED: [(&str, &str); 8] = [
    ("G0032", "Lazarus Group"),
    ("G0082", "APT38"),
    ("G0094", "Kimsuky"),
    ("G0138", "Andariel"),
    ("G0067", "APT37"),
    ("G1049", "AppleJeus"),
    ("G1036", "Moonstone Sleet"),
    ("G1052", "Contagious Interview"),
];

const NOTICE: &str =
    "ATT&CK® data © The MITRE Corporation. This work is reproduced and distributed with the \
permission of The MITRE Corporation. Licence and disclaimers: ATTACK-NOTICE.txt beside this file.";

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!(
            "usage: generate DIR  (DIR holds dprk_groups.json and dprk_group_techniques.csv)"
        );
        return ExitCode::from(2);
    };
    match run(Path::new(&dir)) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(out.as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("generate: writing: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprintln!("generate: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: &Path) -> Result<String, String> {
    let groups_path = dir.join("dprk_groups.json");
    let csv_path = dir.join("dprk_group_techniques.csv");
    let groups_text = std::fs::read_to_string(&groups_path)
        .map_err(|e| format!("{}: {e}", groups_path.display()))?;
    let csv_text =
        std::fs::read_to_string(&csv_path).map_err(|e| format!("{}: {e}", csv_path.display()))?;
    let groups: Map<String, Value> = serde_json::from_str(&groups_text)
        .map_err(|e| format!("{}: {e}", groups_path.display()))?;

    // The CSV: group_id,group,technique_id,technique,tactics,via (no quoting in the extract; a
    // line with another number of fields is an error rather than a guess).
    let mut csv: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for (n, line) in csv_text.lines().enumerate().skip(1) {
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 6 {
            return Err(format!(
                "CSV line {}: {} fields, expected 6",
                n + 1,
                f.len()
            ));
        }
        csv.entry(f[0].to_string())
            .or_default()
            .insert((f[2].to_string(), f[3].to_string()));
    }

    let ids: BTreeSet<&str> = groups.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = EXPECTED.iter().map(|(id, _)| *id).collect();
    if ids != expected {
        return Err(format!("groups in the JSON {ids:?}, expected {expected:?}"));
    }

    let mut latest = String::new();
    let mut lines = Vec::new();
    for (id, want_name) in EXPECTED {
        let g = groups
            .get(id)
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{id}: not an object"))?;
        let name = str_field(g, "name", id)?;
        if name != want_name {
            return Err(format!(
                "{id} is named {name:?} in the data, expected {want_name:?}"
            ));
        }
        let aliases: Vec<&str> = g
            .get("aliases")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{id}: no aliases array"))?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let stix_id = str_field(g, "stix_id", id)?;
        if !stix_id.starts_with("intrusion-set--") {
            return Err(format!("{id}: stix_id {stix_id:?} is not an intrusion-set"));
        }
        let modified = str_field(g, "modified", id)?;
        if modified > latest.as_str() {
            latest = modified.to_string();
        }
        let techniques = g
            .get("techniques")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{id}: no techniques object"))?;
        let mut seen = BTreeSet::new();
        let mut tech = Vec::new();
        for (tid, t) in techniques {
            let tname = t
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{id} {tid}: no name"))?;
            let via = t.get("via").and_then(Value::as_str).unwrap_or("group");
            seen.insert((tid.clone(), tname.to_string()));
            let mut o = json!({ "id": tid, "name": tname });
            // "campaign C0022": the technique is ATT&CK's through a campaign attributed to the group.
            if let Some(c) = via.strip_prefix("campaign ") {
                o["campaign"] = json!(c);
            }
            tech.push(o);
        }
        let from_csv = csv.get(id).cloned().unwrap_or_default();
        if seen != from_csv {
            let only_json: Vec<_> = seen.difference(&from_csv).take(5).collect();
            let only_csv: Vec<_> = from_csv.difference(&seen).take(5).collect();
            return Err(format!(
                "{id}: JSON and CSV techniques differ (only in JSON {only_json:?}, only in CSV {only_csv:?})"
            ));
        }
        // Sorted by id whatever order the JSON object had.
        tech.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        lines.push((id, name, aliases, stix_id, modified, tech));
    }

    // Hand-formatted: a header, then one group per block and one technique per line, so that a
    // regenerated file diffs line by line.
    let mut out = String::new();
    out.push_str("{\n");
    out.push_str(&format!(" \"notice\": {},\n", json!(NOTICE)));
    out.push_str(" \"licence_file\": \"ATTACK-NOTICE.txt\",\n");
    out.push_str(&format!(
        " \"source\": {},\n",
        json!(format!(
            "MITRE ATT&CK Enterprise, North Korean groups extract (dprk_groups.json, dprk_group_techniques.csv); newest group modified {latest}"
        ))
    ));
    out.push_str(
        " \"generated_by\": \"cargo run -p spearwatch-actors --example generate -- DIR\",\n",
    );
    out.push_str(" \"groups\": [\n");
    for (gi, (id, name, aliases, stix_id, modified, tech)) in lines.iter().enumerate() {
        out.push_str("  {\n");
        out.push_str(&format!("   \"id\": {},\n", json!(id)));
        out.push_str(&format!("   \"name\": {},\n", json!(name)));
        out.push_str(&format!("   \"aliases\": {},\n", json!(aliases)));
        out.push_str(&format!("   \"stix_id\": {},\n", json!(stix_id)));
        out.push_str(&format!("   \"modified\": {},\n", json!(modified)));
        out.push_str("   \"techniques\": [\n");
        for (ti, t) in tech.iter().enumerate() {
            let comma = if ti + 1 < tech.len() { "," } else { "" };
            out.push_str(&format!("    {t}{comma}\n"));
        }
        out.push_str("   ]\n");
        let comma = if gi + 1 < lines.len() { "," } else { "" };
        out.push_str(&format!("  }}{comma}\n"));
    }
    out.push_str(" ]\n}\n");
    Ok(out)
}

fn str_field<'a>(g: &'a Map<String, Value>, key: &str, id: &str) -> Result<&'a str, String> {
    g.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{id}: no {key} string"))
}
