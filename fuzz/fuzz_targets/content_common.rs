// Shared by the content targets (included with `include!`, not a target itself).
//
// Any panic is a crash, except mail-parser's `debug_assert!`s in its MIME state machine (cargo fuzz
// builds with debug assertions): the content engine parses e-mails found inside attachments with
// `spearwatch_message::parse`, which contains exactly those with `catch_unwind` (see `scan.rs`).

fn setup() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let abort_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let contained = info.location().is_some_and(|l| {
                let f = l.file().replace('\\', "/");
                f.contains("/mail-parser-") && f.ends_with("/src/parsers/message.rs")
            });
            if !contained {
                abort_hook(info);
            }
        }));
    });
}

fn options() -> spearwatch_content::Options {
    spearwatch_content::Options {
        passwords: vec!["infected".into(), "infected-test".into()],
        ..Default::default()
    }
}
