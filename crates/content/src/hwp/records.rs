//! The HWP 5 record layer (HWP 5.0 specification §4.1): `DocInfo`, `BodyText/Section*`,
//! `ViewText/Section*` and `DocHistory` are sequences of records, each a 32-bit header of TagID (10 bits),
//! Level (10 bits) and Size (12 bits), then Size bytes of data. A Size of 0xFFF means the real size
//! follows as a DWORD. Levels express the record tree: a record is at most one level deeper than the
//! one before it.
//!
//! The iterator never reads past the stream: a record that claims more bytes than remain is yielded
//! with what is there and ends the walk, and the inconsistency is kept in `problems` (Hangul's parser
//! trusts these sizes; overflowing them is how record-parsing exploits work).

use crate::archive::u32le;

/// Most problems kept per stream.
const MAX_PROBLEMS: usize = 8;
/// Nesting depth beyond which a level is absurd (genuine documents stay far below: tables in text boxes
/// in tables reach 10-15).
pub(crate) const MAX_LEVEL: u16 = 64;
/// Records read per stream at most (a 64 MiB stream of empty records would be 16M of them).
const MAX_RECORDS: usize = 2_000_000;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Record<'a> {
    pub tag: u16,
    /// Offset of the record header in the stream.
    pub offset: usize,
    pub data: &'a [u8],
}

pub(crate) struct Records<'a> {
    data: &'a [u8],
    pos: usize,
    prev_level: Option<u16>,
    count: usize,
    pub problems: Vec<String>,
}

impl<'a> Records<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Records {
            data,
            pos: 0,
            prev_level: None,
            count: 0,
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, p: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        let len = self.data.len();
        if self.pos >= len {
            return None;
        }
        self.count += 1;
        if self.count > MAX_RECORDS {
            self.problem(format!(
                "more than {MAX_RECORDS} records; the rest was not read"
            ));
            self.pos = len;
            return None;
        }
        let offset = self.pos;
        let Some(h) = u32le(self.data, offset) else {
            let rest = len - offset;
            // Zero padding at the end is harmless; other trailing bytes are not a record.
            if self.data[offset..].iter().any(|&b| b != 0) {
                self.problem(format!(
                    "{rest} trailing byte(s) at offset {offset} are not a record"
                ));
            }
            self.pos = len;
            return None;
        };
        let tag = (h & 0x3FF) as u16;
        let level = ((h >> 10) & 0x3FF) as u16;
        let mut size = (h >> 20) as usize;
        let mut start = offset + 4;
        if size == 0xFFF {
            // §4.1: the extended size form.
            let Some(s) = u32le(self.data, start) else {
                self.problem(format!(
                    "record tag 0x{tag:03X} at offset {offset}: extended size cut off by the end of the stream"
                ));
                self.pos = len;
                return None;
            };
            size = s as usize;
            start += 4;
        }
        let left = len - start.min(len);
        let end = if size > left {
            self.problem(format!(
                "record tag 0x{tag:03X} at offset {offset} claims {size} bytes, {left} remain in the stream"
            ));
            len
        } else {
            start + size
        };
        match self.prev_level {
            None if level != 0 => self.problem(format!(
                "first record (tag 0x{tag:03X}) is at level {level}, not 0"
            )),
            Some(p) if level > p.saturating_add(1) => self.problem(format!(
                "record tag 0x{tag:03X} at offset {offset} jumps from level {p} to {level}"
            )),
            _ => {}
        }
        if level > MAX_LEVEL {
            self.problem(format!(
                "record tag 0x{tag:03X} at offset {offset} is nested {level} levels deep"
            ));
        }
        self.prev_level = Some(level);
        self.pos = end;
        Some(Record {
            tag,
            offset,
            data: self.data.get(start.min(len)..end).unwrap_or(&[]),
        })
    }
}

/// One record's bytes with its header, for building test streams.
#[cfg(test)]
pub(crate) fn encode(tag: u16, level: u16, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 8);
    let size = data.len();
    let head = |s: u32| u32::from(tag & 0x3FF) | (u32::from(level & 0x3FF) << 10) | (s << 20);
    if size >= 0xFFF {
        out.extend_from_slice(&head(0xFFF).to_le_bytes());
        out.extend_from_slice(&(size as u32).to_le_bytes());
    } else {
        out.extend_from_slice(&head(size as u32).to_le_bytes());
    }
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_sizes_and_problems() {
        let mut s = encode(0x42, 0, &[1, 2, 3]);
        s.extend(encode(0x43, 1, &vec![7u8; 5000]));
        let v: Vec<_> = Records::new(&s).collect();
        assert_eq!(v.len(), 2);
        assert_eq!((v[0].tag, v[0].data), (0x42, &[1u8, 2, 3][..]));
        assert_eq!(v[1].data.len(), 5000);

        // Size beyond the end, a level jump, trailing bytes.
        let mut bad = encode(0x42, 0, b"ab");
        bad.extend(encode(0x43, 5, b"cd"));
        let h = 0x47u32 | (1 << 10) | (100 << 20);
        bad.extend_from_slice(&h.to_le_bytes());
        bad.extend_from_slice(b"xyz");
        let mut r = Records::new(&bad);
        let v: Vec<_> = r.by_ref().collect();
        assert_eq!(v.len(), 3);
        assert_eq!(v[2].data, b"xyz");
        assert_eq!(r.problems.len(), 2, "{:?}", r.problems);
        assert!(r.problems[1].contains("claims 100 bytes, 3 remain"));

        let mut r = Records::new(&[0x42, 0, 0]);
        assert_eq!(r.by_ref().count(), 0);
        assert!(r.problems[0].contains("trailing"));
        for n in 0..s.len().min(40) {
            let _ = Records::new(&s[..n]).count();
        }
    }
}
