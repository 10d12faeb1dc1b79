//! OLE1 objects and Packager payloads: the `\x01Ole10Native` stream of an embedded object (MS-OLEDS
//! §2.3.6 OLENativeStream: a size, then the server's native data) and the OLE1 ObjectHeader/
//! EmbeddedObject of RTF `\objdata` (MS-OLEDS §2.2.4-2.2.5). When the server is the Packager ("Package"
//! class), the native data is an embedded file with its original name, which Windows writes to %TEMP%
//! and runs on a double-click: it is extracted under that name so the name checks see `invoice.exe`.

use crate::{Node, Walk};
use spearwatch_core::{technique as t, Severity};

/// A Packager payload (the undocumented but stable "Package" native data format).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Package<'a> {
    /// The label shown under the icon.
    pub label: String,
    /// Where the file was taken from on the author's machine.
    pub source: String,
    /// The path the file is written to when opened: its base name is the name that runs.
    pub temp: String,
    /// 3 = embedded file, 1 = link to `source`.
    pub kind: u16,
    pub data: &'a [u8],
}

impl Package<'_> {
    /// The file name the payload gets on disk.
    pub fn file_name(&self) -> String {
        let base = |p: &str| p.rsplit(['\\', '/']).next().unwrap_or(p).trim().to_string();
        [
            base(&self.temp),
            base(&self.source),
            self.label.trim().to_string(),
        ]
        .into_iter()
        .find(|n| !n.is_empty())
        .unwrap_or_else(|| "package".into())
    }
}

struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cur<'a> {
    fn u16(&mut self) -> Option<u16> {
        let v = self.b.get(self.i..self.i + 2)?;
        self.i += 2;
        Some(u16::from_le_bytes([v[0], v[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        let v = self.b.get(self.i..self.i + 4)?;
        self.i += 4;
        Some(u32::from_le_bytes([v[0], v[1], v[2], v[3]]))
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let v = self.b.get(self.i..self.i.checked_add(n)?)?;
        self.i += n;
        Some(v)
    }
    /// NUL-terminated ANSI string, at most 4 KB.
    fn cstr(&mut self) -> Option<String> {
        let rest = self.b.get(self.i..)?;
        let n = rest.iter().take(4096).position(|&c| c == 0)?;
        self.i += n + 1;
        Some(ansi(&rest[..n]))
    }
    /// u32 length (in bytes, NUL included) then ANSI string (MS-OLEDS LengthPrefixedAnsiString).
    fn lpstr(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        if n > 1 << 16 {
            return None;
        }
        let s = self.take(n)?;
        Some(ansi(s.split(|&c| c == 0).next().unwrap_or(s)))
    }
    /// u32 length in characters, then UTF-16LE.
    fn lpwstr(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        if n > 1 << 15 {
            return None;
        }
        let s = self.take(n.checked_mul(2)?)?;
        let u: Vec<u16> = s
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(
            String::from_utf16_lossy(&u)
                .trim_end_matches('\0')
                .to_string(),
        )
    }
}

/// The system code page of the machine that made the package is not recorded: UTF-8 or CP949 when the
/// bytes decode cleanly as such (Korean Windows), else Windows-1252.
fn ansi(b: &[u8]) -> String {
    crate::archive::decode_legacy_name(b, |b| {
        encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(b)
            .0
            .into_owned()
    })
}

/// Parses Packager native data (without the leading OLENativeStream size).
pub(crate) fn parse_package(b: &[u8]) -> Option<Package<'_>> {
    let mut c = Cur { b, i: 0 };
    if c.u16()? != 2 {
        return None;
    }
    let label = c.cstr()?;
    let source = c.cstr()?;
    let _reserved = c.u16()?;
    let kind = c.u16()?;
    if kind != 3 {
        // A link (1) carries no file, only `source`.
        return Some(Package {
            label,
            source,
            temp: String::new(),
            kind,
            data: &[],
        });
    }
    let temp = c.lpstr()?;
    let size = c.u32()? as usize;
    let data = c.take(size).or_else(|| b.get(c.i..))?;
    let mut p = Package {
        label,
        source,
        temp,
        kind,
        data,
    };
    // Since Windows 7 the same names follow in UTF-16 (temp path, label, source), holding characters
    // the ANSI copies replace by '?'. (`take` has already moved past the data.)
    if let (Some(temp), Some(label), Some(source)) = (c.lpwstr(), c.lpwstr(), c.lpwstr()) {
        if !temp.is_empty() {
            p.temp = temp;
        }
        if !label.is_empty() {
            p.label = label;
        }
        if !source.is_empty() {
            p.source = source;
        }
    }
    Some(p)
}

/// `\x01Ole10Native` (MS-OLEDS §2.3.6): NativeDataSize, then the native data.
pub(crate) fn ole10native(w: &mut Walk<'_>, node: &mut Node, stream: &[u8], where_: &str) {
    let size = stream
        .get(0..4)
        .map(|v| u32::from_le_bytes([v[0], v[1], v[2], v[3]]) as usize)
        .unwrap_or(0);
    let native = stream
        .get(4..4usize.saturating_add(size).min(stream.len()))
        .unwrap_or(&[]);
    match parse_package(native) {
        Some(p) => package(w, node, &p, where_),
        None if !native.is_empty() => w.child(node, where_, native),
        None => {}
    }
}

/// Reports a Packager payload and hands its file to the walk under the name it would run with.
pub(crate) fn package(w: &mut Walk<'_>, node: &mut Node, p: &Package<'_>, where_: &str) {
    let name = p.file_name();
    let ext = |s: &str| {
        s.rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default()
    };
    let label_differs = !p.label.is_empty() && ext(&p.label) != ext(&name);
    if !node.has("office.ole_package") {
        let mut note = format!(
            "{where_}: Packager object, label \"{}\", from \"{}\"",
            p.label, p.source
        );
        if label_differs {
            note.push_str("; the label's extension differs from the file's");
        }
        if p.kind != 3 {
            note.push_str("; a link to the source path, not an embedded copy");
        }
        node.flag(
            "office.ole_package",
            Severity::Medium,
            "Document embeds a file that runs when its icon is double-clicked",
            &[t::EMBEDDED_PAYLOADS, t::MALICIOUS_FILE],
            &name,
            note,
        );
    }
    if p.kind == 3 {
        w.child(node, &name, p.data);
    }
}

/// An OLE1 object (MS-OLEDS §2.2.4 ObjectHeader, §2.2.5 EmbeddedObject, §2.2.6 LinkedObject).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ole1<'a> {
    pub version: u32,
    /// 1 linked, 2 embedded.
    pub format_id: u32,
    pub class: String,
    pub topic: String,
    pub item: String,
    pub native: &'a [u8],
}

pub(crate) fn parse_ole1(b: &[u8]) -> Option<Ole1<'_>> {
    let mut c = Cur { b, i: 0 };
    let version = c.u32()?;
    let format_id = c.u32()?;
    if !matches!(format_id, 1 | 2) {
        return None;
    }
    let class = c.lpstr()?;
    let topic = c.lpstr().unwrap_or_default();
    let item = c.lpstr().unwrap_or_default();
    let native = if format_id == 2 {
        let size = c.u32().unwrap_or(0) as usize;
        let rest = b.get(c.i..).unwrap_or(&[]);
        &rest[..size.min(rest.len())]
    } else {
        &[]
    };
    Some(Ole1 {
        version,
        format_id,
        class,
        topic,
        item,
        native,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A Packager `\x01Ole10Native` stream for an embedded file (inert test content).
    pub(crate) fn package(name: &str, data: &[u8]) -> Vec<u8> {
        let mut p = vec![2, 0];
        p.extend_from_slice(name.as_bytes());
        p.push(0);
        p.extend_from_slice(format!("C:\\Users\\a\\{name}").as_bytes());
        p.push(0);
        p.extend_from_slice(&[0, 0, 3, 0]);
        let temp = format!("C:\\Temp\\{name}\0");
        p.extend_from_slice(&(temp.len() as u32).to_le_bytes());
        p.extend_from_slice(temp.as_bytes());
        p.extend_from_slice(&(data.len() as u32).to_le_bytes());
        p.extend_from_slice(data);
        let mut s = (p.len() as u32).to_le_bytes().to_vec();
        s.extend_from_slice(&p);
        s
    }

    #[test]
    fn packager_fields() {
        let s = package("invoice.pdf.exe", b"MZ");
        let p = parse_package(&s[4..]).unwrap();
        assert_eq!(p.label, "invoice.pdf.exe");
        assert_eq!(p.temp, "C:\\Temp\\invoice.pdf.exe");
        assert_eq!(p.file_name(), "invoice.pdf.exe");
        assert_eq!(p.data, b"MZ");
        for n in 0..s.len() {
            let _ = parse_package(&s[4..n.max(4)]);
        }
    }

    #[test]
    fn ole1_embedded_object() {
        let mut b = vec![];
        b.extend_from_slice(&0x0501u32.to_le_bytes());
        b.extend_from_slice(&2u32.to_le_bytes());
        b.extend_from_slice(&11u32.to_le_bytes());
        b.extend_from_slice(b"Equation.3\0");
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(b"abc");
        let o = parse_ole1(&b).unwrap();
        assert_eq!(o.class, "Equation.3");
        assert_eq!(o.native, b"abc");
        for n in 0..b.len() {
            let _ = parse_ole1(&b[..n]);
        }
    }
}
