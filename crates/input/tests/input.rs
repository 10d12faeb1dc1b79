//! Reading fixtures written to a fresh directory under the system temp dir.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use spearwatch_input::{expand, InputError, Item, Limits, Source};

/// A uniquely named directory under `std::env::temp_dir()`, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let name = format!(
            "spearwatch-input-test-{}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let dir = std::env::temp_dir().join(name);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Writes `bytes` to `rel` (creating parent directories) and returns its path.
    fn file(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Reads every source, returning the items and the error messages.
fn read_all(sources: &[Source], limits: &Limits) -> (Vec<Item>, Vec<String>) {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for source in sources {
        let result = source.read(limits, &mut |i| items.push(i), &mut |e| {
            errors.push(e.to_string())
        });
        if let Err(e) = result {
            errors.push(e.to_string());
        }
    }
    (items, errors)
}

fn rel(root: &Path, path: &str) -> String {
    let prefix = format!("{}/", root.display());
    path.strip_prefix(&prefix).unwrap_or(path).to_owned()
}

const MBOX: &str = "From alice@example.com Mon Jan  1 00:00:00 2024\n\
Subject: one\n\
\n\
Hello\n\
>From the top\n\
>>From quoted\n\
\n\
From bob@example.com Mon Jan  1 00:00:01 2024\n\
Subject: two\n\
\n\
Second\n\
\n\
From carol@example.com Mon Jan  1 00:00:02 2024\n\
Subject: three\n\
\n\
Third\n\
\n";

#[test]
fn mbox_with_three_messages_lf_and_crlf() {
    let tmp = TempDir::new();
    let lf = tmp.file("lf.mbox", MBOX.as_bytes());
    let crlf = tmp.file("crlf.mbox", MBOX.replace('\n', "\r\n").as_bytes());

    let (sources, errors) = expand(&[lf.clone(), crlf.clone()]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        sources,
        [Source::Mbox(lf.clone()), Source::Mbox(crlf.clone())]
    );

    let (items, errors) = read_all(&sources, &Limits::default());
    assert!(errors.is_empty(), "{errors:?}");
    let expected = [
        "Subject: one\n\nHello\nFrom the top\n>From quoted\n",
        "Subject: two\n\nSecond\n",
        "Subject: three\n\nThird\n",
    ];
    assert_eq!(items.len(), 6);
    for (n, text) in expected.iter().enumerate() {
        let lf_item = &items[n];
        assert_eq!(lf_item.path, format!("{}#{}", lf.display(), n + 1));
        assert_eq!(String::from_utf8_lossy(&lf_item.bytes), *text);
        let crlf_item = &items[n + 3];
        assert_eq!(crlf_item.path, format!("{}#{}", crlf.display(), n + 1));
        assert_eq!(
            String::from_utf8_lossy(&crlf_item.bytes),
            text.replace('\n', "\r\n")
        );
    }
}

#[test]
fn eml_with_envelope_line_is_a_one_message_mbox() {
    let tmp = TempDir::new();
    let with = tmp.file(
        "with.eml",
        b"From someone@example.com Tue Feb  2 10:00:00 2021\nSubject: x\n\nbody\n",
    );
    let without = tmp.file("without.eml", b"Subject: y\n\nFrom here on\n");
    let (sources, errors) = expand(&[with.clone(), without.clone()]);
    assert!(errors.is_empty());
    assert_eq!(
        sources,
        [Source::Mbox(with.clone()), Source::Message(without.clone())]
    );

    let (items, errors) = read_all(&sources, &Limits::default());
    assert!(errors.is_empty());
    assert_eq!(
        items,
        [
            Item {
                path: with.display().to_string(),
                bytes: b"Subject: x\n\nbody\n".to_vec()
            },
            Item {
                path: without.display().to_string(),
                bytes: b"Subject: y\n\nFrom here on\n".to_vec()
            },
        ]
    );
}

#[test]
fn maildir_tree_in_sorted_order() {
    let tmp = TempDir::new();
    let root = tmp.0.join("Maildir");
    let msg = b"Subject: m\n\nbody\n";
    tmp.file("Maildir/cur/1700000002.M2.host:2,S", msg);
    tmp.file("Maildir/cur/1700000001.M1.host:2,S", msg);
    tmp.file("Maildir/new/1700000003.M3.host", msg);
    tmp.file("Maildir/tmp/1700000004.M4.host", msg);
    tmp.file(
        "Maildir/dovecot-uidlist",
        b"3 V1 N4\n1 1700000001.M1.host\n",
    );
    tmp.file("Maildir/dovecot-keywords", b"0 $Junk\n");
    tmp.file("Maildir/dovecot.index.log", b"\x01\x02");
    tmp.file("Maildir/dovecot.list.index.log", b"\x01\x02");
    tmp.file("Maildir/subscriptions", b"Sent\n");
    tmp.file("Maildir/courierimapuiddb", b"1\n");
    tmp.file("Maildir/.DS_Store", b"\0\0");
    tmp.file("Maildir/.Sent/maildirfolder", b"");
    tmp.file("Maildir/.Sent/cur/1700000005.M5.host:2,S", msg);
    tmp.file("Maildir/.Sent/tmp/1700000006.M6.host", msg);
    tmp.file("Maildir/.Sent/cur/empty", b"");
    // A `tmp` that is not beside cur/new is an ordinary folder.
    tmp.file("Maildir/.Sent/cur/tmp/kept.eml", msg);
    tmp.file("Maildir/archive.mbox", MBOX.as_bytes());

    let (sources, errors) = expand(std::slice::from_ref(&root));
    assert!(errors.is_empty(), "{errors:?}");
    let root_str = root.display().to_string();
    let listed: Vec<String> = sources.iter().map(|s| rel(&tmp.0, &s.display())).collect();
    assert_eq!(
        listed,
        [
            "Maildir/.Sent/cur/1700000005.M5.host:2,S",
            "Maildir/.Sent/cur/tmp/kept.eml",
            "Maildir/archive.mbox",
            "Maildir/cur/1700000001.M1.host:2,S",
            "Maildir/cur/1700000002.M2.host:2,S",
            "Maildir/new/1700000003.M3.host",
        ]
    );
    assert!(matches!(&sources[2], Source::Mbox(_)));
    assert!(matches!(&sources[0], Source::Message(_)));

    // Sorted by path, and the same on every run.
    let mut sorted = sources.clone();
    sorted.sort_by(|a, b| match (a, b) {
        (Source::Message(x) | Source::Mbox(x), Source::Message(y) | Source::Mbox(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    });
    assert_eq!(sources, sorted);
    assert_eq!(expand(std::slice::from_ref(&root)).0, sources);

    let (items, errors) = read_all(&sources, &Limits::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(items.len(), 8);
    assert!(items[2]
        .path
        .starts_with(&format!("{root_str}/archive.mbox#1")));
    assert!(items.iter().all(|i| !i.bytes.is_empty()));
}

#[test]
fn oversize_message_is_skipped_and_others_read() {
    let tmp = TempDir::new();
    let big_body = "x".repeat(500);
    let mbox = format!(
        "From a\nSubject: small\n\nok\n\nFrom b\nSubject: big\n\n{big_body}\n\nFrom c\nSubject: small2\n\nok\n"
    );
    let mbox_path = tmp.file("box", mbox.as_bytes());
    let big_file = tmp.file(
        "dir/big.eml",
        format!("Subject: big\n\n{big_body}\n").as_bytes(),
    );
    let small_file = tmp.file("dir/small.eml", b"Subject: s\n\nok\n");

    let (sources, errors) = expand(&[mbox_path.clone(), tmp.0.join("dir")]);
    assert!(errors.is_empty());
    assert_eq!(sources.len(), 3);

    let limits = Limits {
        max_message_bytes: 100,
    };
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for source in &sources {
        source
            .read(&limits, &mut |i| items.push(i.path), &mut |e| {
                errors.push(e)
            })
            .unwrap();
    }
    assert_eq!(
        items,
        [
            format!("{}#1", mbox_path.display()),
            format!("{}#3", mbox_path.display()),
            small_file.display().to_string(),
        ]
    );
    assert_eq!(errors.len(), 2);
    match &errors[0] {
        InputError::TooLarge { path, size, limit } => {
            assert_eq!(*path, format!("{}#2", mbox_path.display()));
            assert_eq!(*size, ("Subject: big\n\n".len() + 501) as u64);
            assert_eq!(*limit, 100);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        matches!(&errors[1], InputError::TooLarge { path, .. } if *path == big_file.display().to_string())
    );
    assert!(errors[1]
        .to_string()
        .contains("over the limit of 100 bytes"));
}

#[test]
fn missing_path_is_an_error_and_the_batch_goes_on() {
    let tmp = TempDir::new();
    let present = tmp.file("present.eml", b"Subject: p\n\n");
    let missing = tmp.0.join("no-such-file.eml");
    let (sources, errors) = expand(&[missing.clone(), present.clone(), PathBuf::from("-")]);
    assert_eq!(sources, [Source::Message(present), Source::Stdin]);
    assert_eq!(errors.len(), 1);
    assert!(matches!(&errors[0], InputError::NotFound { path } if *path == missing));
    assert!(errors[0].to_string().contains("no-such-file.eml"));

    // A source whose file vanished before reading is an error for that source only.
    let err = Source::Message(missing.clone())
        .read(&Limits::default(), &mut |_| {}, &mut |_| {})
        .unwrap_err();
    assert!(matches!(err, InputError::NotFound { .. }));
    let err = Source::Mbox(missing)
        .read(&Limits::default(), &mut |_| {}, &mut |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("no-such-file.eml"));
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_while_walking() {
    let tmp = TempDir::new();
    let target = tmp.file("outside/msg.eml", b"Subject: o\n\n");
    tmp.file("tree/a.eml", b"Subject: a\n\n");
    std::os::unix::fs::symlink(&target, tmp.0.join("tree/link.eml")).unwrap();
    std::os::unix::fs::symlink(tmp.0.join("tree"), tmp.0.join("tree/loop")).unwrap();
    let (sources, errors) = expand(&[tmp.0.join("tree")]);
    assert!(errors.is_empty());
    assert_eq!(sources, [Source::Message(tmp.0.join("tree/a.eml"))]);
    // Named on the command line, a symlink is followed.
    let (sources, _) = expand(&[tmp.0.join("tree/link.eml")]);
    assert_eq!(sources, [Source::Message(tmp.0.join("tree/link.eml"))]);
}
