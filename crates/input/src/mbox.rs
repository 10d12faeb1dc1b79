//! Streaming mbox reader (RFC 4155, with mboxrd quoting).
//!
//! RFC 4155 describes the "default" mbox format: each message begins with a
//! separator line starting with `From ` (the envelope line), which sits at the
//! start of the file or after an empty line, and each message is followed by
//! an empty line. Lines of a message body that would look like a separator are
//! quoted with `>`; in the mboxrd variant every line matching `^>*From ` gets
//! one more `>`, so reading removes exactly one.
//!
//! The reader works line by line over a [`BufRead`], so memory use is bounded
//! by the message size limit, not by the size of the file.

use std::io::{self, BufRead};

use crate::{InputError, Item};

/// What became of one message: its bytes, or its size when it was over the limit.
type Outcome = Result<Vec<u8>, u64>;

/// Bytes of a line kept even once the current message is over the limit:
/// enough to recognise a separator (`From `) and an empty line.
const MIN_LINE_CAP: usize = 16;

/// Reads every message of the mbox stream `r`.
///
/// Items are named `"{name}#{n}"` (n counted from 1), or just `name` when the
/// stream holds one message. Messages over `limit` bytes are reported to
/// `on_error` as [`InputError::TooLarge`] and skipped. An `Err` means the
/// stream itself failed; messages read before that have been delivered.
pub(crate) fn read<R: BufRead>(
    mut r: R,
    name: &str,
    limit: usize,
    f: &mut dyn FnMut(Item),
    on_error: &mut dyn FnMut(InputError),
) -> io::Result<()> {
    let mut parser = Parser {
        name,
        limit,
        count: 0,
        held: None,
        msg: Vec::new(),
        size: 0,
        oversize: false,
        started: false,
        pending_blank: None,
        after_blank: true,
    };
    let mut line = Vec::new();
    loop {
        let cap = if parser.oversize {
            MIN_LINE_CAP
        } else {
            limit
                .saturating_sub(parser.msg.len())
                .saturating_add(2)
                .max(MIN_LINE_CAP)
        };
        let n = read_line(&mut r, &mut line, cap)?;
        if n == 0 {
            break;
        }
        parser.line(&line, n, f, on_error);
    }
    parser.finish_stream(f, on_error);
    Ok(())
}

/// State of the line-by-line split.
struct Parser<'a> {
    name: &'a str,
    limit: usize,
    /// Messages finished so far.
    count: usize,
    /// The first message, held back until we know whether a second follows
    /// (which decides whether it is named `name` or `name#1`).
    held: Option<Outcome>,
    /// Bytes of the current message (empty once it is over the limit).
    msg: Vec<u8>,
    /// Size of the current message, counted even when over the limit.
    size: u64,
    oversize: bool,
    /// Whether a separator line has been seen.
    started: bool,
    /// An empty line not yet added to the message: it is dropped if a
    /// separator follows (RFC 4155's empty line between messages).
    pending_blank: Option<&'static [u8]>,
    /// Whether the previous line was empty, or there was none.
    after_blank: bool,
}

impl Parser<'_> {
    /// Handles one line; `line` holds its first bytes, `n` is its full length.
    fn line(
        &mut self,
        line: &[u8],
        n: u64,
        f: &mut dyn FnMut(Item),
        on_error: &mut dyn FnMut(InputError),
    ) {
        if self.after_blank && line.starts_with(b"From ") {
            // A separator: the held-back empty line belongs to the mbox, not the message.
            self.pending_blank = None;
            self.after_blank = false;
            if self.started || self.has_content() {
                self.finish_message(f, on_error);
            } else {
                self.reset();
            }
            self.started = true;
            return;
        }
        if let Some(blank) = self.pending_blank.take() {
            self.push(blank, blank.len() as u64);
        }
        if line == b"\n" || line == b"\r\n" {
            self.pending_blank = Some(if line.len() == 1 { b"\n" } else { b"\r\n" });
            self.after_blank = true;
            return;
        }
        self.after_blank = false;
        if is_quoted_from(line) {
            // mboxrd: `>From ` -> `From `, `>>From ` -> `>From `, ...
            self.push(&line[1..], n.saturating_sub(1));
        } else {
            self.push(line, n);
        }
    }

    /// Appends bytes to the current message, or just counts them once it is too large.
    fn push(&mut self, bytes: &[u8], len: u64) {
        self.size = self.size.saturating_add(len);
        if self.oversize {
            return;
        }
        if self.size > self.limit as u64 {
            self.oversize = true;
            self.msg = Vec::new();
        } else {
            self.msg.extend_from_slice(bytes);
        }
    }

    /// Whether text before the first separator is worth keeping as a message.
    fn has_content(&self) -> bool {
        self.oversize || self.msg.iter().any(|b| !b.is_ascii_whitespace())
    }

    fn reset(&mut self) {
        self.msg = Vec::new();
        self.size = 0;
        self.oversize = false;
    }

    fn finish_message(&mut self, f: &mut dyn FnMut(Item), on_error: &mut dyn FnMut(InputError)) {
        let outcome = if self.oversize {
            Err(self.size)
        } else {
            Ok(std::mem::take(&mut self.msg))
        };
        self.reset();
        self.count += 1;
        if self.count == 1 {
            self.held = Some(outcome);
            return;
        }
        if let Some(first) = self.held.take() {
            self.deliver(first, format!("{}#1", self.name), f, on_error);
        }
        self.deliver(
            outcome,
            format!("{}#{}", self.name, self.count),
            f,
            on_error,
        );
    }

    fn finish_stream(&mut self, f: &mut dyn FnMut(Item), on_error: &mut dyn FnMut(InputError)) {
        // An empty line at the very end terminates the last message (RFC 4155); drop it.
        self.pending_blank = None;
        if self.started || self.has_content() {
            self.finish_message(f, on_error);
        }
        if let Some(only) = self.held.take() {
            self.deliver(only, self.name.to_owned(), f, on_error);
        }
    }

    fn deliver(
        &self,
        outcome: Outcome,
        path: String,
        f: &mut dyn FnMut(Item),
        on_error: &mut dyn FnMut(InputError),
    ) {
        match outcome {
            Ok(bytes) => f(Item { path, bytes }),
            Err(size) => on_error(InputError::TooLarge {
                path,
                size,
                limit: self.limit,
            }),
        }
    }
}

/// Whether `line` is a `From ` line quoted with one or more `>`.
fn is_quoted_from(line: &[u8]) -> bool {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    quotes > 0 && line[quotes..].starts_with(b"From ")
}

/// Reads one line (through `\n`, or to the end of input) from `r`, keeping at
/// most `cap` bytes of it in `buf`. Returns the line's full length; 0 means
/// end of input.
fn read_line<R: BufRead>(r: &mut R, buf: &mut Vec<u8>, cap: usize) -> io::Result<u64> {
    buf.clear();
    let mut total = 0u64;
    loop {
        let available = match r.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(total);
        }
        let (len, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        let room = cap.saturating_sub(buf.len());
        buf.extend_from_slice(&available[..len.min(room)]);
        r.consume(len);
        total = total.saturating_add(len as u64);
        if done {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `input` with a `limit`, returning items and errors as strings.
    fn split(input: &[u8], limit: usize) -> (Vec<(String, String)>, Vec<String>) {
        let mut items = Vec::new();
        let mut errors = Vec::new();
        read(
            io::BufReader::with_capacity(7, input),
            "box",
            limit,
            &mut |i| items.push((i.path, String::from_utf8_lossy(&i.bytes).into_owned())),
            &mut |e| errors.push(e.to_string()),
        )
        .unwrap();
        (items, errors)
    }

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn splits_and_unquotes() {
        let input = b"From a@x Mon Jan  1 00:00:00 2024\nSubject: 1\n\n>From here\n>>From there\n>not from\n\nFrom b@x Mon Jan  1 00:00:00 2024\nSubject: 2\n\nbody\nFrom inside (no blank before)\n\n";
        let (items, errors) = split(input, 1000);
        assert!(errors.is_empty());
        assert_eq!(
            items,
            owned(&[
                ("box#1", "Subject: 1\n\nFrom here\n>From there\n>not from\n"),
                (
                    "box#2",
                    "Subject: 2\n\nbody\nFrom inside (no blank before)\n"
                ),
            ])
        );
    }

    #[test]
    fn crlf() {
        let input = b"From a\r\nA: 1\r\n\r\n>From x\r\n\r\nFrom b\r\nB: 2\r\n\r\ny\r\n";
        let (items, _) = split(input, 1000);
        assert_eq!(
            items,
            owned(&[
                ("box#1", "A: 1\r\n\r\nFrom x\r\n"),
                ("box#2", "B: 2\r\n\r\ny\r\n"),
            ])
        );
    }

    #[test]
    fn one_message_keeps_plain_name_and_only_one_blank_is_dropped() {
        let (items, _) = split(b"From a\nA: 1\n\nbody\n\n\n", 1000);
        assert_eq!(items, owned(&[("box", "A: 1\n\nbody\n\n")]));
    }

    #[test]
    fn oversize_first_message_is_named_by_index() {
        let input = b"From a\nA: 0123456789\n\nFrom b\nB: 1\n";
        let (items, errors) = split(input, 8);
        assert_eq!(items, owned(&[("box#2", "B: 1\n")]));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("box#1:"), "{}", errors[0]);
        assert!(errors[0].contains("14 bytes"), "{}", errors[0]);
    }

    #[test]
    fn long_line_without_newline() {
        let mut input = b"From a\nB: 2\n\nFrom b\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 10_000));
        let (items, errors) = split(&input, 100);
        assert_eq!(items, owned(&[("box#1", "B: 2\n")]));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("10000 bytes"), "{}", errors[0]);
    }

    #[test]
    fn text_before_first_separator_and_empty_input() {
        let (items, _) = split(b"X: lead\n\nFrom a\nA: 1\n", 1000);
        assert_eq!(items, owned(&[("box#1", "X: lead\n"), ("box#2", "A: 1\n")]));
        let (items, errors) = split(b"", 1000);
        assert!(items.is_empty() && errors.is_empty());
        let (items, _) = split(b"\n\nFrom a\nA: 1\n", 1000);
        assert_eq!(items, owned(&[("box", "A: 1\n")]));
    }

    #[test]
    fn empty_messages_keep_numbering() {
        let (items, _) = split(b"From a\n\nFrom b\nB: 1\n", 1000);
        assert_eq!(items, owned(&[("box#1", ""), ("box#2", "B: 1\n")]));
    }

    #[test]
    fn arbitrary_bytes_do_not_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..400 {
            let mut input = Vec::with_capacity(len);
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                input.push(b"From >\r\n x"[(seed % 10) as usize]);
            }
            for limit in [0, 1, 5, 64] {
                let _ = split(&input, limit);
            }
        }
    }
}
