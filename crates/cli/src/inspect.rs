//! `spearwatch inspect`: the attachment content engine on plain files (an attachment saved to disk, a
//! sample folder), without a message around them. With `--manifest`, measures which structure markers of
//! a labelled collection produce their finding (the evaluation corpus' `manifest.tsv` format).

use crate::{exit, tree, Format, InspectArgs};
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use spearwatch_content::names::{self, Object};
use spearwatch_content::{analyse, Node, Options};
use spearwatch_core::{Finding, Policy, Scored, Verdict};
use spearwatch_message::{filetype, FileKind};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One file: its path, and its tree with the analysis time (µs), or why it could not be read.
/// One file: its path, and its tree with the analysis time (µs) and the file's magic-byte type, or
/// why it could not be read.
type Inspected = (PathBuf, Result<(Node, u128, FileKind), String>);

pub fn run(a: InspectArgs) -> Result<u8> {
    let mut files = Vec::new();
    let mut unreadable = 0usize;
    for p in &a.paths {
        collect(p, &mut files, &mut unreadable);
    }
    let opts = Options {
        passwords: a.password.clone(),
        ..crate::content_options(&a.rules, a.extract.is_some())?
    };
    if let Some(dir) = &a.extract {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()?;
    let started = Instant::now();
    let results: Vec<Inspected> = pool.install(|| {
        files
            .par_iter()
            .map(|p| {
                let r = std::fs::read(p)
                    .map_err(|e| format!("{}: {e}", p.display()))
                    .map(|data| {
                        let name = p
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let t = Instant::now();
                        let n = analyse(&data, &name, None, &opts);
                        (n, t.elapsed().as_micros(), filetype::sniff(&data))
                    });
                (p.clone(), r)
            })
            .collect()
    });
    let elapsed = started.elapsed();
    let policy = match &a.policy {
        Some(p) => Policy::from_override_toml(
            &std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?,
        )
        .with_context(|| format!("policy {}", p.display()))?,
        None => Policy::default(),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut bytes = 0u64;
    let mut times = Vec::new();
    for (path, r) in &results {
        match r {
            Err(e) => {
                eprintln!("spearwatch: {e}");
                unreadable += 1;
            }
            Ok((node, us, kind)) => {
                bytes += node.size;
                times.push(*us);
                if a.manifest.is_none() {
                    match a.format {
                        Format::Jsonl => {
                            let j = judge(&policy, node, *kind);
                            let mut v = serde_json::to_value(node)?;
                            v["verdict"] = j.verdict.as_str().into();
                            v["score"] = ((j.score * 100.0).round() / 100.0).into();
                            v["file"] = serde_json::Value::String(path.display().to_string());
                            v["elapsed_us"] = (*us as u64).into();
                            serde_json::to_writer(&mut out, &v)?;
                            writeln!(out)?;
                        }
                        Format::Table => {
                            let j = judge(&policy, node, *kind);
                            writeln!(
                                out,
                                "{:<10} {:>6.1}  {}",
                                j.verdict.as_str(),
                                j.score,
                                path.display()
                            )?;
                            tree::write_tree(&mut out, node, 2, a.all)?;
                        }
                    }
                }
                if let Some(dir) = &a.extract {
                    extract(dir, node)?;
                }
            }
        }
    }
    if let Some(manifest) = &a.manifest {
        coverage(&mut out, manifest, &results, &policy)?;
    }
    out.flush()?;
    times.sort_unstable();
    let median = times.get(times.len() / 2).copied().unwrap_or(0);
    let max = times.last().copied().unwrap_or(0);
    eprintln!(
        "spearwatch: {} files, {:.1} MB in {:.2}s; per file median {median} µs, max {max} µs; {unreadable} unreadable",
        times.len(),
        bytes as f64 / 1e6,
        elapsed.as_secs_f64()
    );
    Ok(if unreadable > 0 {
        exit::UNREADABLE
    } else {
        exit::OK
    })
}

fn collect(p: &Path, files: &mut Vec<PathBuf>, unreadable: &mut usize) {
    match std::fs::metadata(p) {
        Ok(m) if m.is_dir() => {
            let Ok(rd) = std::fs::read_dir(p) else {
                eprintln!("spearwatch: {}: cannot list", p.display());
                *unreadable += 1;
                return;
            };
            let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
            entries.sort();
            for e in entries {
                collect(&e, files, unreadable);
            }
        }
        Ok(_) => files.push(p.to_path_buf()),
        Err(e) => {
            eprintln!("spearwatch: {}: {e}", p.display());
            *unreadable += 1;
        }
    }
}

/// The verdict the policy gives the file's findings alone, as if it were the only thing in a mail:
/// the tree's findings plus the name checks the message-level detector runs on an attachment.
fn judge(policy: &Policy, node: &Node, kind: FileKind) -> Scored {
    let mut findings: Vec<Finding> = node.all_findings().cloned().collect();
    let name = node.name.as_str();
    names::check(
        &Object {
            part: 0,
            name,
            path: name,
            declared_type: "",
            detected_type: kind,
            size: node.size as usize,
            sha256: &node.sha256,
            data: &[],
        },
        &mut findings,
    );
    policy.score(&mut findings)
}

/// Writes every object with bytes to `dir/<sha256>`: names chosen by content, never by the attacker.
pub fn extract(dir: &Path, node: &Node) -> Result<()> {
    for n in node.iter() {
        if let (Some(data), false) = (&n.data, n.sha256.is_empty()) {
            let path = dir.join(&n.sha256);
            if !path.exists() {
                std::fs::write(&path, data)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// The finding ids that show a manifest marker was recognised.
fn expected(marker: &str) -> Option<&'static [&'static str]> {
    Some(match marker {
        "vba" | "ooxml-vba" | "macros-storage" => &["office.vba_macros"],
        "ole10native" => &["office.ole_package"],
        "ooxml-embeddings" | "objectpool" => &["office.embedded_object", "office.ole_package"],
        "ooxml-external-rel" => &[
            "office.external_relationship",
            "office.remote_template",
            "office.external_ole",
            "office.external_frame",
        ],
        "encrypted-ooxml" => &["office.encrypted"],
        "rtf" => &["office.rtf_object"],
        "pdf:JS" | "pdf:JavaScript" => &["pdf.javascript", "pdf.auto_javascript"],
        "pdf:OpenAction" => &["pdf.open_action"],
        "pdf:AA" => &["pdf.additional_actions"],
        "pdf:Launch" => &["pdf.launch"],
        "pdf:EmbeddedFile" => &["pdf.embedded_file"],
        "pdf:URI" => &["pdf.uri"],
        "pdf:XFA" => &["pdf.xfa"],
        "pdf:Encrypt" => &["pdf.encrypted"],
        "lnk" => &["lnk.shortcut"],
        "pe/mz" => &["exe.executable"],
        "iso9660" => &["disk.image"],
        "onenote" => &["onenote.embedded_file"],
        "zip-contains-executable" => &["archive.contains_executable"],
        "zip-encrypted" => &["archive.encrypted", "archive.encrypted_opened"],
        "hwp-jscript" => &["hwp.script"],
        "EICAR" => &["content.eicar"],
        _ => return None,
    })
}

/// Markers recognised by the tree's structure rather than by a finding.
fn structural(marker: &str, node: &Node) -> Option<bool> {
    let bindata = |n: &Node| n.name.starts_with("BinData/");
    Some(match marker {
        "hwp-fileheader" => node
            .format
            .as_deref()
            .is_some_and(|f| f.starts_with("HWP 5")),
        "hwp-bindata" => node.children.iter().any(bindata),
        "hwp-ole-object" => node
            .children
            .iter()
            .any(|c| bindata(c) && c.name.to_ascii_lowercase().ends_with(".ole")),
        _ => return None,
    })
}

/// Markers that say nothing about active content: a file whose markers are all of these is benign.
const INERT_MARKERS: &[&str] = &[
    "pdf",
    "pdf:URI",
    "pdf:Encrypt",
    "pdf:XFA",
    "ole2",
    "hwp-fileheader",
];

fn coverage(
    out: &mut impl Write,
    manifest: &Path,
    results: &[Inspected],
    policy: &Policy,
) -> Result<()> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let base = manifest.parent().unwrap_or(Path::new("."));
    let by_path: BTreeMap<PathBuf, (&Node, FileKind)> = results
        .iter()
        .filter_map(|(p, r)| r.as_ref().ok().map(|(n, _, k)| (p.clone(), (n, *k))))
        .collect();
    // marker -> (files with it, files with a matching finding, examples missed)
    let mut stats: BTreeMap<String, (usize, usize, Vec<String>)> = BTreeMap::new();
    // Benign files (only inert markers) by top folder: (files, flagged, examples flagged).
    let mut benign: BTreeMap<String, (usize, usize, Vec<String>)> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(rel), Some(markers)) = (cols.first(), cols.get(4)) else {
            continue;
        };
        let path = base.join(rel);
        let Some(&(node, kind)) = by_path.get(&path) else {
            continue;
        };
        let ids: Vec<&str> = node.all_findings().map(|f| f.id.as_str()).collect();
        let markers: Vec<&str> = markers
            .split([',', ';', ' '])
            .filter(|m| !m.is_empty())
            .collect();
        for m in &markers {
            let found = match expected(m) {
                Some(want) => ids.iter().any(|id| want.contains(id)),
                None => match structural(m, node) {
                    Some(found) => found,
                    None => continue,
                },
            };
            let e = stats.entry(m.to_string()).or_default();
            e.0 += 1;
            if found {
                e.1 += 1;
            } else if e.2.len() < 5 {
                e.2.push(rel.to_string());
            }
        }
        if !markers.is_empty() && markers.iter().all(|m| INERT_MARKERS.contains(m)) {
            let folder = rel.split('/').take(2).collect::<Vec<_>>().join("/");
            let e = benign.entry(folder).or_default();
            e.0 += 1;
            if judge(policy, node, kind).verdict >= Verdict::Phishing {
                e.1 += 1;
                if e.2.len() < 5 {
                    e.2.push(rel.to_string());
                }
            }
        }
    }
    writeln!(
        out,
        "{:<26} {:>6} {:>8} {:>7}  missed (first 5)",
        "MARKER", "FILES", "FOUND", "SHARE"
    )?;
    for (m, (n, found, missed)) in &stats {
        writeln!(
            out,
            "{:<26} {:>6} {:>8} {:>6.1}%  {}",
            m,
            n,
            found,
            100.0 * *found as f64 / (*n).max(1) as f64,
            missed.join(" ")
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<26} {:>6} {:>8} {:>7}  flagged (first 5)",
        "BENIGN (inert markers)", "FILES", "FLAGGED", "SHARE"
    )?;
    for (folder, (n, flagged, which)) in &benign {
        writeln!(
            out,
            "{:<26} {:>6} {:>8} {:>6.1}%  {}",
            folder,
            n,
            flagged,
            100.0 * *flagged as f64 / (*n).max(1) as f64,
            which.join(" ")
        )?;
    }
    Ok(())
}
