//! The attachment tree in the table output: one line per object that matters.

use spearwatch_content::Node;
use spearwatch_core::truncate_str;
use std::io::Write;

/// Most tree lines shown per attachment in a table.
const MAX_LINES: usize = 25;

/// Writes `node` and the objects below it that carry findings or hold something (containers), indented
/// under `indent` spaces.
pub fn write_tree(
    out: &mut impl Write,
    node: &Node,
    indent: usize,
    all: bool,
) -> std::io::Result<()> {
    let mut lines = 0usize;
    let mut skipped = 0usize;
    write_node(out, node, indent, 0, all, &mut lines, &mut skipped)?;
    if skipped > 0 {
        writeln!(out, "{:indent$}  … {skipped} more objects", "")?;
    }
    Ok(())
}

fn write_node(
    out: &mut impl Write,
    n: &Node,
    indent: usize,
    level: usize,
    all: bool,
    lines: &mut usize,
    skipped: &mut usize,
) -> std::io::Result<()> {
    let interesting = level == 0 || all || !n.findings.is_empty() || subtree_has_findings(n);
    if !interesting {
        *skipped += 1 + n.iter().count() - 1;
        return Ok(());
    }
    if *lines >= MAX_LINES {
        *skipped += n.iter().count();
        return Ok(());
    }
    *lines += 1;
    let mut ids: Vec<&str> = n.findings.iter().map(|f| f.id.as_str()).collect();
    ids.dedup();
    let what = n
        .format
        .clone()
        .unwrap_or_else(|| n.detected_type.as_str().to_string());
    let lock = if n.encrypted { " [encrypted]" } else { "" };
    let marker = if level == 0 { "▸" } else { "└" };
    writeln!(
        out,
        "{:indent$}{:pad$}{marker} {} ({}, {} bytes){lock}{}",
        "",
        "",
        truncate_str(&n.name.replace(['\r', '\n', '\t'], " "), 60),
        truncate_str(&what, 70),
        n.size,
        if ids.is_empty() {
            String::new()
        } else {
            format!("  {}", ids.join(" "))
        },
        pad = level * 2,
    )?;
    for c in &n.children {
        write_node(out, c, indent, level + 1, all, lines, skipped)?;
    }
    Ok(())
}

fn subtree_has_findings(n: &Node) -> bool {
    n.children.iter().any(|c| c.all_findings().next().is_some())
}
