//! Excel 4.0 (XLM) macros: macro sheets in BIFF8/BIFF5 workbooks (MS-XLS §2.4.28 BoundSheet8, sheet
//! type 0x01) and their `Auto_Open` names (§2.4.150 Lbl), plus workbook encryption (§2.4.117
//! FilePass). XLM macros need no VBA project, run on open through `Auto_Open`, and are usually hidden.

use crate::Node;
use spearwatch_core::{technique as t, Severity};

/// A sheet entry of the workbook globals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sheet {
    pub name: String,
    /// 0 visible, 1 hidden, 2 very hidden (only VBA or a hex editor unhides it).
    pub state: u8,
    /// 0 worksheet/dialog, 1 macro sheet, 2 chart, 6 VBA module.
    pub kind: u8,
}

#[derive(Debug, Default)]
pub(crate) struct Globals {
    pub sheets: Vec<Sheet>,
    pub auto_open: Vec<String>,
    pub encrypted: bool,
}

/// Reads the globals substream of a `Workbook` (BIFF8) or `Book` (BIFF5) stream: records are
/// `type u16, size u16, data` (MS-XLS §2.1.4), from BOF to the first EOF.
pub(crate) fn globals(wb: &[u8]) -> Globals {
    let mut g = Globals::default();
    let mut biff8 = true;
    let mut i = 0usize;
    let mut n = 0usize;
    // No record-count cap: every record moves at least 4 bytes on, so the scan is bounded by the
    // stream's size (and padding records cannot push BoundSheet8/Lbl records out of reach).
    while let Some(h) = wb.get(i..i + 4) {
        let typ = u16::from_le_bytes([h[0], h[1]]);
        let len = usize::from(u16::from_le_bytes([h[2], h[3]]));
        let d = wb.get(i + 4..(i + 4 + len).min(wb.len())).unwrap_or(&[]);
        i += 4 + len;
        n += 1;
        match typ {
            // BOF: BIFF version 0x0600 is BIFF8, 0x0500 BIFF5/7.
            0x0809 if n == 1 => {
                biff8 = d
                    .get(0..2)
                    .is_none_or(|v| u16::from_le_bytes([v[0], v[1]]) >= 0x0600)
            }
            // EOF ends the globals.
            0x000A => break,
            // FILEPASS: what follows is encrypted (record headers stay clear).
            0x002F => {
                g.encrypted = true;
                break;
            }
            0x0085 if d.len() >= 7 => {
                let name = if biff8 {
                    xl_string(&d[6..])
                } else {
                    short_string(&d[6..])
                };
                g.sheets.push(Sheet {
                    name,
                    state: d[4] & 0x03,
                    kind: d[5],
                });
            }
            0x0018 if d.len() >= 15 => {
                let flags = u16::from_le_bytes([d[0], d[1]]);
                let cch = usize::from(d[3]);
                let builtin = flags & 0x0020 != 0;
                let name = if biff8 {
                    xl_chars(&d[14..], cch)
                } else {
                    String::from_utf8_lossy(d.get(14..14 + cch).unwrap_or(&[])).into_owned()
                };
                // Built-in name 0x01 is Auto_Open (MS-XLS §2.5.114); Excel also runs any name that
                // begins with "Auto_Open" (Auto_Open1, auto_openX), a common evasion.
                if (builtin && name.starts_with('\u{1}'))
                    || name.to_ascii_lowercase().starts_with("auto_open")
                {
                    let shown = if builtin {
                        "Auto_Open (built-in name)".to_string()
                    } else {
                        name
                    };
                    g.auto_open.push(shown);
                }
            }
            _ => {}
        }
    }
    g
}

/// ShortXLUnicodeString (MS-XLS §2.5.240): cch u8, fHighByte, chars.
fn xl_string(d: &[u8]) -> String {
    let Some(&cch) = d.first() else {
        return String::new();
    };
    xl_chars(d.get(1..).unwrap_or(&[]), usize::from(cch))
}

/// fHighByte then `cch` characters, 8-bit (Latin-1) or UTF-16LE.
fn xl_chars(d: &[u8], cch: usize) -> String {
    let Some(&hi) = d.first() else {
        return String::new();
    };
    let rest = d.get(1..).unwrap_or(&[]);
    if hi & 1 != 0 {
        let u: Vec<u16> = rest
            .chunks_exact(2)
            .take(cch)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&u)
    } else {
        rest.iter().take(cch).map(|&c| c as char).collect()
    }
}

/// BIFF5 sheet name: cch u8 then 8-bit characters.
fn short_string(d: &[u8]) -> String {
    let Some(&cch) = d.first() else {
        return String::new();
    };
    d.iter()
        .skip(1)
        .take(usize::from(cch))
        .map(|&c| c as char)
        .collect()
}

/// Findings for a BIFF workbook stream.
pub(crate) fn biff(node: &mut Node, wb: &[u8]) {
    let g = globals(wb);
    if g.encrypted {
        super::ole::flag_encrypted(
            node,
            "Workbook",
            "FILEPASS record (MS-XLS §2.4.117): RC4 or XOR",
            None,
            None,
        );
    }
    let macro_sheets: Vec<String> = g
        .sheets
        .iter()
        .filter(|s| s.kind == 0x01)
        .map(|s| describe(&s.name, s.state))
        .collect();
    report(
        node,
        &macro_sheets,
        &g.auto_open,
        "Workbook globals (BoundSheet8)",
    );
}

pub(crate) fn describe(name: &str, state: u8) -> String {
    match state {
        1 => format!("{name} (hidden)"),
        2 => format!("{name} (very hidden)"),
        _ => name.to_string(),
    }
}

/// Shared by BIFF and OOXML workbooks.
pub(crate) fn report(node: &mut Node, macro_sheets: &[String], auto_open: &[String], where_: &str) {
    if !macro_sheets.is_empty() && !node.has("office.xlm_macro") {
        let hidden = macro_sheets.iter().any(|s| s.ends_with("hidden)"));
        node.flag(
            "office.xlm_macro",
            Severity::High,
            if hidden {
                "Workbook has a hidden Excel 4.0 (XLM) macro sheet"
            } else {
                "Workbook has an Excel 4.0 (XLM) macro sheet"
            },
            &[t::COMMAND_INTERPRETER, t::MALICIOUS_FILE],
            macro_sheets.join(", "),
            where_,
        );
    }
    if !auto_open.is_empty() && !node.has("office.xlm_auto_open") {
        let with_sheet = !macro_sheets.is_empty();
        node.flag(
            "office.xlm_auto_open",
            if with_sheet {
                Severity::Critical
            } else {
                Severity::Medium
            },
            if with_sheet {
                "Excel 4.0 macros run automatically when the workbook opens (Auto_Open)"
            } else {
                "Workbook defines an Auto_Open name"
            },
            &[t::COMMAND_INTERPRETER, t::MALICIOUS_FILE],
            auto_open.join(", "),
            where_,
        );
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn rec(out: &mut Vec<u8>, typ: u16, d: &[u8]) {
        out.extend_from_slice(&typ.to_le_bytes());
        out.extend_from_slice(&(d.len() as u16).to_le_bytes());
        out.extend_from_slice(d);
    }

    /// BIFF8 globals with one worksheet and one very hidden macro sheet named by an Auto_Open label.
    pub(crate) fn workbook() -> Vec<u8> {
        let mut wb = Vec::new();
        rec(&mut wb, 0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0]);
        let sheet = |name: &str, state: u8, kind: u8| {
            let mut d = vec![0, 0, 0, 0, state, kind, name.len() as u8, 0];
            d.extend_from_slice(name.as_bytes());
            d
        };
        let s1 = sheet("Sheet1", 0, 0);
        let s2 = sheet("Macro1", 2, 1);
        rec(&mut wb, 0x0085, &s1);
        rec(&mut wb, 0x0085, &s2);
        let mut name = vec![
            0x20, 0x00, 0x00, 0x01, 0x0B, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01,
        ];
        name.extend_from_slice(&[0u8; 11]);
        rec(&mut wb, 0x0018, &name);
        rec(&mut wb, 0x000A, &[]);
        wb
    }

    #[test]
    fn macro_sheet_and_auto_open() {
        let g = globals(&workbook());
        assert_eq!(g.sheets.len(), 2);
        assert_eq!(
            g.sheets[1],
            Sheet {
                name: "Macro1".into(),
                state: 2,
                kind: 1
            }
        );
        assert_eq!(g.auto_open.len(), 1);
        let w = workbook();
        for n in 0..w.len() {
            let _ = globals(&w[..n]);
        }
    }

    #[test]
    fn xls_with_hidden_macro_sheet_is_critical() {
        let doc = crate::office::ole::tests::cfb_file(&[("/Workbook", &workbook())]);
        let n = crate::office::ole::tests::run(&doc, "a.xls");
        let ids = crate::office::ole::tests::ids(&n);
        assert!(ids.contains(&"office.xlm_macro".to_string()), "{ids:?}");
        assert!(ids.contains(&"office.xlm_auto_open".to_string()));
        assert_eq!(n.format.as_deref(), Some("Excel 97-2003 workbook"));
    }

    #[test]
    fn padding_records_do_not_hide_macro_sheets() {
        // 250,000 empty records (1 MB) between BOF and the BoundSheet8/Lbl records.
        let wb = workbook();
        let mut padded = wb[..12].to_vec();
        for _ in 0..250_000 {
            rec(&mut padded, 0x0000, &[]);
        }
        padded.extend_from_slice(&wb[12..]);
        let t = std::time::Instant::now();
        let g = globals(&padded);
        assert_eq!(g.sheets.len(), 2);
        assert_eq!(g.auto_open.len(), 1);
        let doc = crate::office::ole::tests::cfb_file(&[("/Workbook", &padded)]);
        let n = crate::office::ole::tests::run(&doc, "a.xls");
        assert!(n.has("office.xlm_macro") && n.has("office.xlm_auto_open"));
        assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
    }
}
