//! The streaming mbox reader. `spearwatch-input` reads mboxes only from files (standard input aside),
//! so each input is written to a per-process temporary file
//! (`/tmp/spearwatch-fuzz-<pid>.mbox`) and read back through the public API.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spearwatch_input::{InputError, Limits, Source};
use std::path::PathBuf;
use std::sync::OnceLock;

static PATH: OnceLock<PathBuf> = OnceLock::new();

fn read(path: &PathBuf, limit: usize) -> (Vec<spearwatch_input::Item>, Vec<InputError>) {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    Source::Mbox(path.clone())
        .read(
            &Limits {
                max_message_bytes: limit,
            },
            &mut |i| items.push(i),
            &mut |e| errors.push(e),
        )
        .expect("reading a regular temporary file");
    (items, errors)
}

fuzz_target!(|data: &[u8]| {
    let path = PATH
        .get_or_init(|| PathBuf::from(format!("/tmp/spearwatch-fuzz-{}.mbox", std::process::id())));
    std::fs::write(path, data).expect("writing the temporary mbox");

    // Default limit: nothing is too large, and messages are never longer than the file.
    let (items, errors) = read(path, Limits::default().max_message_bytes);
    assert!(errors.is_empty(), "{errors:?}");
    let total: usize = items.iter().map(|i| i.bytes.len()).sum();
    assert!(total <= data.len());

    // A small limit taken from the last two bytes exercises the oversize path. (Not the first two:
    // real mboxes start with `From `, which would pin the limit.)
    if let [.., a, b] = *data {
        let limit = u16::from_le_bytes([a, b]) as usize % 4096;
        let (small_items, small_errors) = read(path, limit);
        for i in &small_items {
            assert!(i.bytes.len() <= limit, "{} > {limit}", i.bytes.len());
        }
        for e in &small_errors {
            match e {
                InputError::TooLarge { size, limit: l, .. } => {
                    assert_eq!(*l, limit);
                    assert!(*size > limit as u64);
                }
                other => panic!("unexpected error {other}"),
            }
        }
        // Every message is either delivered or reported, under any limit. Only for inputs starting
        // with `From `, the only ones `expand`/stdin route to the mbox reader: text before the first
        // separator is dropped when it is all whitespace, but once it is over the limit its bytes
        // are no longer kept, so a long whitespace-only preamble is reported as `TooLarge`
        // (mbox.rs `Parser::has_content`; see fuzz/README.md).
        if data.starts_with(b"From ") {
            assert_eq!(small_items.len() + small_errors.len(), items.len());
        }
    }
    // Removed after each input so none are left behind (libFuzzer exits without running drops);
    // a crashing input keeps its file, which is also in artifacts/.
    let _ = std::fs::remove_file(path);
});
