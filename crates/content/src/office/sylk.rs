//! SYLK (Symbolic Link, `.slk`): Excel's old text spreadsheet format. It carries Excel 4.0 (XLM) macro
//! formulas as plain text and Excel opens it without Protected View for macros, which made it a macro
//! carrier that skips VBA scanners. Records are lines `TYPE;FIELD;FIELD...`; `C` cell records hold
//! formulas in an `E` field (Microsoft's SYLK notes; the format has no formal specification).

use crate::{Node, Walk};
use spearwatch_core::{technique as t, Severity};

/// XLM functions that run code, load libraries or fetch from the network.
const DANGEROUS: &[&str] = &[
    "EXEC(",
    "CALL(",
    "REGISTER(",
    "RUN(",
    "FORMULA(",
    "HALT(",
    "URLDOWNLOADTOFILE",
    "SHELL",
    "POWERSHELL",
    "MSHTA",
    "RUNDLL32",
    "REGSVR32",
    "CMD",
];

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    node.format = Some("SYLK spreadsheet".into());
    // Every record is read (one linear pass): padding rows must not push a formula out of view.
    // Only a top-level attachment can exceed the walk's object limit (members are cut at it).
    let max = usize::try_from(w.limits().max_object_bytes).unwrap_or(usize::MAX);
    if data.len() > max {
        w.limit(
            node,
            "object size",
            format!(
                "spreadsheet of {} bytes; only the first {max} were read",
                data.len()
            ),
        );
    }
    let text = String::from_utf8_lossy(data.get(..max).unwrap_or(data));
    let mut formulas = 0usize;
    let mut hits: Vec<&str> = Vec::new();
    let mut auto_open = false;
    for line in text.lines() {
        let mut fields = line.split(';');
        let rtype = fields.next().unwrap_or("");
        // A `NN;NAuto_open;E...` name record defines the macro that runs when the sheet opens.
        if rtype == "NN" && line.to_ascii_lowercase().contains("auto_open") {
            auto_open = true;
        }
        if rtype != "C" {
            continue;
        }
        for f in fields {
            if let Some(formula) = f.strip_prefix('E') {
                formulas += 1;
                let upper = formula.to_ascii_uppercase();
                for d in DANGEROUS {
                    if upper.contains(d) && !hits.contains(d) {
                        hits.push(d);
                    }
                }
            }
        }
    }
    if hits.is_empty() && !auto_open {
        return;
    }
    let severity = if hits.iter().any(|h| {
        matches!(
            *h,
            "EXEC(" | "CALL(" | "REGISTER(" | "URLDOWNLOADTOFILE" | "SHELL" | "POWERSHELL"
        )
    }) {
        Severity::Critical
    } else {
        Severity::High
    };
    node.flag(
        "office.xlm_macro",
        severity,
        "SYLK spreadsheet carries Excel 4.0 (XLM) macro formulas",
        &[t::MALICIOUS_FILE, t::COMMAND_INTERPRETER],
        hits.join(", "),
        format!(
            "{formulas} formulas{}",
            if auto_open {
                "; Auto_Open name defined"
            } else {
                ""
            }
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::{analyse, Kind, Options};

    #[test]
    fn xlm_in_sylk() {
        let slk = b"ID;P\r\nO;E\r\nNN;NAuto_open;ER1C1\r\nC;X1;Y1;K0;EEXEC(\"calc.exe\")\r\nC;X1;Y2;K0;EHALT()\r\nE\r\n";
        let n = analyse(slk, "report.slk", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Sylk);
        assert!(n.has("office.xlm_macro"), "{:?}", n.findings);
        let plain = b"ID;P\r\nC;X1;Y1;K42\r\nC;X2;Y1;K\"total\"\r\nE\r\n";
        assert!(analyse(plain, "data.slk", None, &Options::default())
            .findings
            .is_empty());
    }

    #[test]
    fn exec_formula_after_padding_rows() {
        // 5 MB of plain cells push the EXEC formula past the old 4 MB window.
        let mut slk = String::from("ID;P\r\n");
        let row = "C;X1;Y1;K42\r\n";
        slk.push_str(&row.repeat((5 << 20) / row.len()));
        slk.push_str("C;X2;Y1;K0;EEXEC(\"calc.exe\")\r\nE\r\n");
        let t = std::time::Instant::now();
        let n = analyse(slk.as_bytes(), "report.slk", None, &Options::default());
        assert!(t.elapsed().as_secs_f64() < 5.0, "{:?}", t.elapsed());
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "office.xlm_macro")
            .unwrap();
        assert_eq!(f.severity, spearwatch_core::Severity::Critical);
        assert!(f.evidence[0].value.contains("EXEC("));
    }
}
