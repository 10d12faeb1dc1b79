//! Word 97-2003 binary documents (MS-DOC): the main document text through the piece table, for the lure
//! detectors and for field codes (DDE). Only the text is read; formatting is not.

/// Most characters read from the main document.
const MAX_CHARS: usize = 256 << 10;

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(o..o + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?))
}

/// Which table stream the FIB points to (MS-DOC §2.5.2 FibBase.fWhichTblStm).
pub(crate) fn table_stream(wd: &[u8]) -> &'static str {
    match u16_at(wd, 0x0A) {
        Some(f) if f & 0x0200 != 0 => "1Table",
        _ => "0Table",
    }
}

/// The main document text (MS-DOC §2.4.1 "Retrieving Text"): FibRgLw97.ccpText characters, located
/// through the piece table (Clx/Pcdt/PlcPcd, §2.9.38, §2.8.35) in the table stream. Field
/// characters (0x13 begin, 0x14 separator, 0x15 end) are kept so callers can find field codes.
pub(crate) fn text(wd: &[u8], table: &[u8]) -> Option<String> {
    if u16_at(wd, 0)? != 0xA5EC {
        return None;
    }
    // FibBase (32 bytes), csw + FibRgW97 (14 words), cslw + FibRgLw97 (22 dwords), cbRgFcLcb, then
    // FibRgFcLcb97 whose 34th pair is fcClx/lcbClx: offset 0x1A2 for every Word 97+ FIB.
    let ccp_text = u32_at(wd, 0x4C)? as usize;
    let fc_clx = u32_at(wd, 0x1A2)? as usize;
    let lcb_clx = u32_at(wd, 0x1A6)? as usize;
    let clx = table.get(fc_clx..fc_clx.checked_add(lcb_clx)?)?;
    // Clx: RgPrc (clxt 0x01, cbGrpprl i16, grpprl) then Pcdt (clxt 0x02, lcb, PlcPcd).
    let mut i = 0usize;
    while clx.get(i) == Some(&0x01) {
        let cb = u16_at(clx, i + 1)? as usize;
        i += 3 + cb;
    }
    if clx.get(i) != Some(&0x02) {
        return None;
    }
    let lcb = u32_at(clx, i + 1)? as usize;
    let plc = clx.get(i + 5..(i + 5).checked_add(lcb)?)?;
    // PlcPcd: n+1 CPs (4 bytes each) then n PCDs (8 bytes each).
    let n = plc.len().checked_sub(4)? / 12;
    let mut out = String::new();
    let mut chars = 0usize;
    for k in 0..n {
        let cp0 = u32_at(plc, k * 4)? as usize;
        let cp1 = u32_at(plc, k * 4 + 4)? as usize;
        if cp0 >= ccp_text || cp1 <= cp0 {
            continue;
        }
        let len = (cp1.min(ccp_text) - cp0).min(MAX_CHARS - chars);
        let pcd = 4 * (n + 1) + k * 8;
        let fc = u32_at(plc, pcd + 2)?;
        let compressed = fc & 0x4000_0000 != 0;
        let fc = (fc & 0x3FFF_FFFF) as usize;
        if compressed {
            // 8-bit text at fc/2 (§2.4.1), Windows-1252 with a few code points remapped.
            let Some(b) = wd.get(fc / 2..(fc / 2).saturating_add(len).min(wd.len())) else {
                continue;
            };
            out.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(b).0);
        } else {
            let Some(b) = wd.get(fc..fc.saturating_add(len * 2).min(wd.len())) else {
                continue;
            };
            let u: Vec<u16> = b
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            out.push_str(&String::from_utf16_lossy(&u));
        }
        chars += len;
        if chars >= MAX_CHARS {
            break;
        }
    }
    Some(out)
}

/// Readable text: paragraph marks and cell marks as line breaks and tabs, field codes dropped (the
/// field result stays), other control characters removed.
pub(crate) fn readable(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut in_code = 0usize;
    for c in raw.chars() {
        match c {
            '\u{13}' => in_code += 1,
            '\u{14}' | '\u{15}' => in_code = in_code.saturating_sub(1),
            _ if in_code > 0 => {}
            '\r' | '\u{0B}' | '\u{0C}' => out.push('\n'),
            '\u{07}' => out.push('\t'),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Field instructions: the text between each field-begin (0x13) and its separator (0x14) or end.
pub(crate) fn field_codes(raw: &str) -> Vec<String> {
    raw.split('\u{13}')
        .skip(1)
        .map(|s| {
            s.split(['\u{14}', '\u{15}'])
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A WordDocument stream and a 1Table stream holding `text` as one compressed (8-bit) piece.
    pub(crate) fn doc(text: &str) -> (Vec<u8>, Vec<u8>) {
        let mut wd = vec![0u8; 0x800.max(0x600 + text.len() + 16)];
        wd[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
        wd[0x0A..0x0C].copy_from_slice(&0x0200u16.to_le_bytes());
        wd[0x4C..0x50].copy_from_slice(&(text.len() as u32).to_le_bytes());
        let at = 0x600usize;
        wd[at..at + text.len()].copy_from_slice(text.as_bytes());
        let mut clx = vec![0x02];
        let mut plc = Vec::new();
        plc.extend_from_slice(&0u32.to_le_bytes());
        plc.extend_from_slice(&(text.len() as u32).to_le_bytes());
        plc.extend_from_slice(&[0, 0]);
        plc.extend_from_slice(&(((at * 2) as u32) | 0x4000_0000).to_le_bytes());
        plc.extend_from_slice(&[0, 0]);
        clx.extend_from_slice(&(plc.len() as u32).to_le_bytes());
        clx.extend_from_slice(&plc);
        let table_at = 0x10usize;
        let mut table = vec![0u8; table_at];
        table.extend_from_slice(&clx);
        wd[0x1A2..0x1A6].copy_from_slice(&(table_at as u32).to_le_bytes());
        wd[0x1A6..0x1AA].copy_from_slice(&(clx.len() as u32).to_le_bytes());
        (wd, table)
    }

    #[test]
    fn piece_table_text_and_fields() {
        let (wd, table) =
            doc("Invoice attached\r\x13 DDEAUTO cmd \"/c calc\" \x14result\x15 end\r");
        assert_eq!(table_stream(&wd), "1Table");
        let raw = text(&wd, &table).unwrap();
        assert_eq!(readable(&raw), "Invoice attached\nresult end\n");
        assert_eq!(field_codes(&raw), vec!["DDEAUTO cmd \"/c calc\""]);
        for n in 0..table.len() {
            let _ = text(&wd, &table[..n]);
        }
        for n in (0..wd.len()).step_by(7) {
            let _ = text(&wd[..n], &table);
        }
    }
}
