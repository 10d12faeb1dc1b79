// End-to-end tests of the `spearwatch` binary as a process: arguments, inputs, output formats, exit codes.

use serde_json::Value;
use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

// ---------------------------------------------------------------------------------------------------
// Fixtures

const BENIGN: &str = "From: Alice Example <alice@example.com>\r\n\
To: bob@example.org\r\n\
Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\
Message-ID: <lunch-1@example.com>\r\n\
Subject: Lunch on Friday?\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Shall we try the new place near the office? The menu is at https://www.example.com/menu\r\n";

const PHISH: &str = "From: \"PayPal\" <service@secure-notice-center.com>\r\n\
Reply-To: paypal.support.team@gmail.com\r\n\
To: victim@example.org\r\n\
Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\
Message-ID: <notice-7731@secure-notice-center.com>\r\n\
Subject: Action required on your account\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/html; charset=utf-8\r\n\
\r\n\
<html><body><p>We noticed unusual sign-in activity on your account.</p>\r\n\
<p>Please verify your account to keep using it: \
<a href=\"http://198.51.100.23/paypal/login\">https://www.paypal.com</a></p></body></html>\r\n";

const MBOX: &str = "From x@y Mon Jan  1 00:00:00 2024\n\
From: Carol Example <carol@example.org>\n\
To: team@example.org\n\
Date: Mon, 1 Jan 2024 09:00:00 +0000\n\
Message-ID: <minutes-1@example.org>\n\
Subject: Minutes of the weekly meeting\n\
\n\
The minutes are attached to the wiki page as usual.\n\
\n\
From x@y Mon Jan  1 00:00:00 2024\n\
From: Dave Example <dave@example.com>\n\
To: team@example.org\n\
Date: Mon, 1 Jan 2024 09:30:00 +0000\n\
Message-ID: <minutes-2@example.com>\n\
Subject: Re: Minutes of the weekly meeting\n\
\n\
Thanks, looks good to me.\n\
\n";

/// A small plain message with its own Message-ID and subject.
fn plain(id: &str, subject: &str) -> String {
    format!(
        "From: Erin Example <erin@example.org>\r\nTo: frank@example.com\r\nDate: Mon, 1 Jan 2024 11:00:00 +0000\r\n\
         Message-ID: <{id}@example.org>\r\nSubject: {subject}\r\n\r\nSee you at the office tomorrow.\r\n"
    )
}

/// Deterministic non-text bytes (NULs, high bytes, stray CR/LF).
fn garbage(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect()
}

/// A unique directory under the system temp dir, removed when dropped (also when a test fails).
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "spearwatch-cli-test-{}-{tag}-{n}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `bytes` to `rel` (parent directories created) and returns the full path.
    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("create fixture dir");
        fs::write(&p, bytes).expect("write fixture");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The tree of the directory-scan test: an .eml, an mbox of two messages and a Maildir. Returns the
/// message paths in the order the scan must report them (walk order is by name).
fn write_tree(t: &TempDir) -> Vec<String> {
    let root = t.path();
    let eml = t.write("a.eml", BENIGN);
    let mbox = t.write("archive.mbox", MBOX);
    let cur = t.write(
        "maildir/cur/1704067200.M1P1.host:2,S",
        plain("md-cur", "Maildir cur"),
    );
    let new = t.write(
        "maildir/new/1704067300.M2P2.host",
        plain("md-new", "Maildir new"),
    );
    // A delivery in progress: Maildir's tmp/ is not read.
    t.write(
        "maildir/tmp/1704067400.M3P3.host",
        plain("md-tmp", "Maildir tmp"),
    );
    assert!(eml.starts_with(root));
    let s = |p: &Path| p.display().to_string();
    vec![
        s(&eml),
        format!("{}#1", s(&mbox)),
        format!("{}#2", s(&mbox)),
        s(&cur),
        s(&new),
    ]
}

// ---------------------------------------------------------------------------------------------------
// Running the binary

fn spearwatch<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut c = Command::new(env!("CARGO_BIN_EXE_spearwatch"));
    c.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn run<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    spearwatch(args).output().expect("run spearwatch")
}

fn run_with_stdin<I, S>(args: I, input: &[u8]) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut child = spearwatch(args)
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn spearwatch");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("wait for spearwatch")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally, not by a signal")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Parses JSON-lines output: every non-empty line must be one JSON object.
fn jsonl(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
            assert!(v.is_object(), "not an object: {l}");
            v
        })
        .collect()
}

/// Scans `paths` as JSON lines and returns the reports, asserting the expected exit code.
fn scan_jsonl(paths: &[&Path], want_code: i32) -> Vec<Value> {
    let mut args: Vec<&OsStr> = vec!["scan".as_ref(), "--format".as_ref(), "jsonl".as_ref()];
    args.extend(paths.iter().map(|p| p.as_os_str()));
    let o = run(&args);
    assert_eq!(code(&o), want_code, "stderr: {}", stderr(&o));
    jsonl(&o)
}

fn paths(reports: &[Value]) -> Vec<&str> {
    reports
        .iter()
        .map(|r| r["path"].as_str().expect("path is a string"))
        .collect()
}

fn finding_ids(r: &Value) -> Vec<&str> {
    r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().expect("id"))
        .collect()
}

fn is_str_or_null(v: &Value) -> bool {
    v.is_string() || v.is_null()
}

fn is_str_array(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
}

/// Every field of schema spearwatch.report/1 is present with its type.
fn assert_report_shape(r: &Value) {
    let ctx = || serde_json::to_string_pretty(r).unwrap_or_default();
    assert_eq!(r["schema"], "spearwatch.report/1", "{}", ctx());
    assert!(r["path"].is_string(), "{}", ctx());
    for k in ["message_id", "from", "subject"] {
        assert!(r.get(k).is_some_and(is_str_or_null), "{k}: {}", ctx());
    }
    assert!(
        matches!(
            r["verdict"].as_str(),
            Some("clean" | "suspicious" | "phishing" | "malicious")
        ),
        "{}",
        ctx()
    );
    assert!(r["score"].as_f64().is_some_and(|s| s >= 0.0), "{}", ctx());
    assert!(is_str_array(&r["techniques"]), "{}", ctx());
    for f in r["findings"].as_array().expect("findings is an array") {
        assert!(f["id"].as_str().is_some_and(|s| s.contains('.')), "{f}");
        assert!(f["title"].as_str().is_some_and(|s| !s.is_empty()), "{f}");
        assert!(
            matches!(
                f["severity"].as_str(),
                Some("info" | "low" | "medium" | "high" | "critical")
            ),
            "{f}"
        );
        assert!(f["score"].is_number(), "{f}");
        assert!(is_str_array(&f["techniques"]), "{f}");
        let ev = f["evidence"].as_array().expect("evidence is an array");
        for e in ev {
            assert!(
                matches!(
                    e["kind"].as_str(),
                    Some("header" | "body" | "url" | "attachment" | "structure")
                ),
                "{e}"
            );
            assert!(e["value"].is_string(), "{e}");
        }
    }
    assert!(r["urls"].is_array(), "{}", ctx());
    assert!(r["attachments"].is_array(), "{}", ctx());
    assert!(r["size"].is_u64(), "{}", ctx());
    assert!(r["elapsed_us"].is_u64(), "{}", ctx());
}

/// The reports without their timing, which is the one field allowed to differ between runs.
fn without_timing(mut reports: Vec<Value>) -> Vec<Value> {
    for r in &mut reports {
        r.as_object_mut().expect("object").remove("elapsed_us");
    }
    reports
}

// ---------------------------------------------------------------------------------------------------
// scan: inputs and the JSON-lines report

#[test]
fn directory_tree_gives_one_report_per_message_in_path_order() {
    let t = TempDir::new("tree");
    let want = write_tree(&t);
    let reports = scan_jsonl(&[t.path()], 0);
    assert_eq!(
        paths(&reports),
        want,
        "eml, mbox#1, mbox#2, Maildir cur/ and new/ (tmp/ skipped)"
    );
    for r in &reports {
        assert_report_shape(r);
        assert_eq!(r["verdict"], "clean", "{r}");
    }
    let ids: Vec<&str> = reports
        .iter()
        .map(|r| r["message_id"].as_str().expect("message_id"))
        .collect();
    assert_eq!(
        ids,
        [
            "lunch-1@example.com",
            "minutes-1@example.org",
            "minutes-2@example.com",
            "md-cur@example.org",
            "md-new@example.org"
        ]
    );
    assert_eq!(reports[0]["from"], "\"Alice Example\" <alice@example.com>");
    assert_eq!(reports[0]["subject"], "Lunch on Friday?");
    assert_eq!(
        reports[0]["size"].as_u64(),
        Some(BENIGN.len() as u64),
        "size is the raw message's bytes"
    );
    assert_eq!(reports[2]["subject"], "Re: Minutes of the weekly meeting");
}

#[test]
fn jsonl_output_is_deterministic_across_runs_and_thread_counts() {
    let t = TempDir::new("determinism");
    write_tree(&t);
    t.write("z-phish.eml", PHISH);
    let scan = |threads: &str| {
        let o = run([
            OsStr::new("scan"),
            "--format".as_ref(),
            "jsonl".as_ref(),
            "-j".as_ref(),
            threads.as_ref(),
            t.path().as_os_str(),
        ]);
        assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
        without_timing(jsonl(&o))
    };
    let first = scan("1");
    assert_eq!(first.len(), 6);
    assert_eq!(first, scan("1"), "same input, same output");
    assert_eq!(
        first,
        scan("4"),
        "thread count does not change the output or its order"
    );
}

#[test]
fn stdin_is_read_with_dash() {
    let o = run_with_stdin(["scan", "--format", "jsonl", "-"], BENIGN.as_bytes());
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    let reports = jsonl(&o);
    assert_eq!(reports.len(), 1);
    assert_report_shape(&reports[0]);
    assert_eq!(reports[0]["path"], "-");
    assert_eq!(reports[0]["message_id"], "lunch-1@example.com");

    // An mbox on stdin is split like an mbox file.
    let o = run_with_stdin(["scan", "--format", "jsonl", "-"], MBOX.as_bytes());
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    assert_eq!(paths(&jsonl(&o)), ["-#1", "-#2"]);
}

// ---------------------------------------------------------------------------------------------------
// scan: verdicts and exit codes

#[test]
fn phishing_message_is_judged_phishing_and_fails_the_run() {
    let t = TempDir::new("phish");
    let phish = t.write("phish.eml", PHISH);
    let o = run([
        OsStr::new("scan"),
        "--format".as_ref(),
        "jsonl".as_ref(),
        "--fail-on".as_ref(),
        "phishing".as_ref(),
        phish.as_os_str(),
    ]);
    assert_eq!(
        code(&o),
        1,
        "--fail-on phishing met; stderr: {}",
        stderr(&o)
    );
    let reports = jsonl(&o);
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    assert_report_shape(r);
    assert_eq!(r["verdict"], "phishing", "{r:#}");
    assert!(r["score"].as_f64().expect("score") >= 6.0, "{r:#}");
    let ids = finding_ids(r);
    for want in [
        "sender.brand_impersonation",
        "sender.reply_to_freemail",
        "links.ip_literal",
        "links.anchor_mismatch",
        "lure.account_security",
    ] {
        assert!(ids.contains(&want), "missing {want}: {ids:?}");
    }
    assert!(
        r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| !f["evidence"].as_array().expect("evidence").is_empty()),
        "every finding explains itself"
    );
    assert_eq!(r["urls"][0]["host"], "198.51.100.23");
    assert_eq!(r["urls"][0]["source"], "href");
    assert_eq!(r["urls"][0]["anchor_text"], "https://www.paypal.com");
    assert!(
        is_str_array(&r["techniques"])
            && !r["techniques"].as_array().expect("techniques").is_empty()
    );
}

#[test]
fn benign_message_passes_fail_on_phishing() {
    let t = TempDir::new("benign");
    let benign = t.write("benign.eml", BENIGN);
    let o = run([
        OsStr::new("scan"),
        "--format".as_ref(),
        "jsonl".as_ref(),
        "--fail-on".as_ref(),
        "phishing".as_ref(),
        benign.as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    let reports = jsonl(&o);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["verdict"], "clean", "{:#}", reports[0]);
    assert!(reports[0]["techniques"]
        .as_array()
        .expect("techniques")
        .is_empty());
}

#[test]
fn missing_path_exits_3_and_the_other_inputs_are_still_scanned() {
    let t = TempDir::new("missing");
    let good = t.write("good.eml", BENIGN);
    let missing = t.path().join("no-such-dir/absent.eml");
    let o = run([
        OsStr::new("scan"),
        "--format".as_ref(),
        "jsonl".as_ref(),
        missing.as_os_str(),
        good.as_os_str(),
    ]);
    assert_eq!(code(&o), 3, "stderr: {}", stderr(&o));
    let reports = jsonl(&o);
    assert_eq!(paths(&reports), [good.display().to_string()]);
    assert_eq!(reports[0]["verdict"], "clean");
    let err = stderr(&o);
    assert!(
        err.contains(&missing.display().to_string()),
        "stderr names the missing path: {err}"
    );
    assert!(err.contains("1 unreadable"), "summary counts it: {err}");
}

#[test]
fn fail_on_wins_over_unreadable_inputs() {
    let t = TempDir::new("fail-wins");
    let phish = t.write("phish.eml", PHISH);
    let missing = t.path().join("absent.eml");
    let o = run([
        OsStr::new("scan"),
        "-q".as_ref(),
        "--fail-on".as_ref(),
        "phishing".as_ref(),
        missing.as_os_str(),
        phish.as_os_str(),
    ]);
    assert_eq!(code(&o), 1, "stderr: {}", stderr(&o));
}

#[test]
fn policy_file_changes_the_verdict() {
    let t = TempDir::new("policy-scan");
    let phish = t.write("phish.eml", PHISH);
    let policy = t.write(
        "lenient.toml",
        "[thresholds]\nphishing = 80.0\nmalicious = 90.0\n",
    );
    let o = run([
        OsStr::new("scan"),
        "--format".as_ref(),
        "jsonl".as_ref(),
        "--fail-on".as_ref(),
        "phishing".as_ref(),
        "--policy".as_ref(),
        policy.as_os_str(),
        phish.as_os_str(),
    ]);
    assert_eq!(
        code(&o),
        0,
        "below the raised threshold; stderr: {}",
        stderr(&o)
    );
    assert_eq!(jsonl(&o)[0]["verdict"], "suspicious");
}

#[test]
fn garbage_and_empty_files_do_not_stop_the_batch() {
    let t = TempDir::new("garbage");
    let bin = t.write("garbage.bin", garbage(4096));
    let empty = t.write("empty.eml", b"");
    let good = t.write("good.eml", BENIGN);
    let reports = scan_jsonl(&[&bin, &empty, &good], 0);
    let want: Vec<String> = [&bin, &empty, &good]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(paths(&reports), want);
    for r in &reports {
        assert_report_shape(r);
    }
    assert_eq!(reports[0]["size"], 4096);
    assert_eq!(reports[1]["size"], 0);
    assert_eq!(
        reports[2]["verdict"], "clean",
        "a broken neighbour does not affect a good message"
    );
}

// ---------------------------------------------------------------------------------------------------
// scan: the table

#[test]
fn table_is_the_default_format_with_a_summary_on_stderr() {
    let t = TempDir::new("table");
    t.write("benign.eml", BENIGN);
    t.write("phish.eml", PHISH);
    // Relative paths keep the PATH column short enough not to be cut.
    let o = spearwatch(["scan", "benign.eml", "phish.eml"])
        .current_dir(t.path())
        .output()
        .expect("run spearwatch");
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("VERDICT") && lines[0].contains("SCORE") && lines[0].contains("PATH"),
        "header: {out}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("clean")
            && l.contains("benign.eml")
            && l.contains("Lunch on Friday?")),
        "{out}"
    );
    let phish_row = lines
        .iter()
        .position(|l| l.starts_with("phishing") && l.contains("phish.eml"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        lines.len() > phish_row + 1 && lines[phish_row + 1].starts_with(' '),
        "findings listed under a flagged message: {out}"
    );
    assert!(!out.trim_start().starts_with('{'), "not JSON: {out}");
    let err = stderr(&o);
    assert!(
        err.contains("2 messages") && err.contains("clean 1") && err.contains("phishing 1"),
        "summary: {err}"
    );

    let o = spearwatch(["scan", "-q", "benign.eml"])
        .current_dir(t.path())
        .output()
        .expect("run spearwatch");
    assert_eq!(code(&o), 0);
    assert!(
        !stderr(&o).contains("messages"),
        "-q silences the summary: {}",
        stderr(&o)
    );
}

#[test]
fn table_keeps_the_end_of_long_paths() {
    let t = TempDir::new("table-long");
    let deep = "a-rather-long-directory-name/and-another-long-one/mailbox.mbox";
    t.write(deep, MBOX);
    let o = spearwatch(["scan", "-q", deep])
        .current_dir(t.path())
        .output()
        .expect("run spearwatch");
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<&str> = out
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with(' '))
        .collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert!(
        rows[0].contains("mailbox.mbox#1") && rows[1].contains("mailbox.mbox#2"),
        "rows of one mbox stay distinguishable: {out}"
    );
}

// ---------------------------------------------------------------------------------------------------
// policy

#[test]
fn policy_prints_the_default_toml() {
    let o = run(["policy"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for want in [
        "[thresholds]",
        "[severity_weights]",
        "[weights]",
        "phishing = 5.0",
    ] {
        assert!(out.contains(want), "missing {want}: {out}");
    }
}

#[test]
fn policy_check_rejects_an_unknown_key_and_accepts_a_valid_override() {
    let t = TempDir::new("policy-check");
    let bad = t.write("bad.toml", "[thresholds]\nphishng = 7.0\n");
    let o = run([OsStr::new("policy"), "--check".as_ref(), bad.as_os_str()]);
    assert_eq!(code(&o), 2, "stdout: {}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("phishng"), "error names the key: {err}");
    assert!(err.contains("line 2"), "error names the line: {err}");
    assert_eq!(
        err.matches("unknown field").count(),
        1,
        "the TOML error is printed once: {err}"
    );
    assert!(stdout(&o).is_empty());

    let good = t.write(
        "good.toml",
        "[thresholds]\nphishing = 7.5\n\n[weights]\n\"sender.freemail\" = 2.0\n",
    );
    let o = run([OsStr::new("policy"), "--check".as_ref(), good.as_os_str()]);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("valid") && out.contains("phishing 7.5") && out.contains("suspicious 3"),
        "{out}"
    );

    let o = run([
        OsStr::new("policy"),
        "--check".as_ref(),
        t.path().join("absent.toml").as_os_str(),
    ]);
    assert_eq!(code(&o), 2, "an unreadable policy file is an error");
}

// ---------------------------------------------------------------------------------------------------
// eval

#[test]
fn eval_json_counts_messages_and_flagged_share() {
    let t = TempDir::new("eval");
    let dir = t.path().join("set");
    t.write("set/benign.eml", BENIGN);
    t.write("set/mail.mbox", MBOX);
    t.write("set/phish.eml", PHISH);
    let set = format!("a={}", dir.display());
    let o = run(["eval", "--set", &set, "--json", "-j", "1"]);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("eval --json is JSON ({e}): {}", stdout(&o)));
    let s = &doc["sets"][0];
    assert_eq!(doc["sets"].as_array().map(Vec::len), Some(1));
    assert_eq!(s["label"], "a");
    assert_eq!(s["messages"], 4, "{doc:#}");
    assert_eq!(s["errors"], 0);
    let flagged = s["flagged"].as_f64().expect("flagged is a number");
    assert!(
        (flagged - 0.25).abs() < 1e-9,
        "one of four is phishing: {doc:#}"
    );
    assert_eq!(doc["threads"], 1);
}

#[test]
fn oversized_message_is_skipped_and_named_once() {
    let t = TempDir::new("oversize");
    let big = t.write("set/big.eml", format!("{BENIGN}{}\r\n", "x".repeat(2000)));
    t.write("set/small.eml", BENIGN);
    let set = format!("a={}", t.path().join("set").display());
    let o = run([
        "eval",
        "--set",
        &set,
        "--json",
        "--max-message-bytes",
        "1000",
    ]);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).expect("eval --json is JSON");
    assert_eq!(doc["sets"][0]["messages"], 1, "{doc:#}");
    assert_eq!(doc["sets"][0]["errors"], 1, "{doc:#}");
    let err = stderr(&o);
    let line = err
        .lines()
        .find(|l| l.contains("over the limit"))
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        line.matches(&*big.display().to_string()).count(),
        1,
        "{line}"
    );

    let o = run([
        OsStr::new("scan"),
        "-q".as_ref(),
        "--max-message-bytes".as_ref(),
        "1000".as_ref(),
        big.as_os_str(),
    ]);
    assert_eq!(
        code(&o),
        3,
        "a skipped message counts as unreadable; stderr: {}",
        stderr(&o)
    );
}

// ---------------------------------------------------------------------------------------------------
// Attachments: the content engine's tree, --extract, inspect

/// A forwarded message carrying a disguised executable (`statement.pdf.exe`, an MZ header), itself
/// attached as `fwd.eml` to the outer message.
fn mail_with_forwarded_payload() -> String {
    let inner = "From: a@b.example\r\nTo: c@d.example\r\nSubject: inner\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
        --x\r\nContent-Type: application/octet-stream\r\n\
        Content-Disposition: attachment; filename=\"statement.pdf.exe\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--x--\r\n";
    format!(
        "From: Billing <billing@vendor.example>\r\nTo: kim@corp.example\r\nSubject: statement\r\n\
         Message-ID: <fwd-1@vendor.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
         --b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"fwd.eml\"\r\n\r\n\
         {inner}\r\n--b--\r\n"
    )
}

#[test]
fn attachment_tree_is_in_jsonl_and_extract_writes_objects_by_hash() {
    let t = TempDir::new("extract");
    let mail = t.write("fwd.eml", mail_with_forwarded_payload());
    let out = t.path().join("objects");
    let o = run([
        OsStr::new("scan"),
        OsStr::new("--format"),
        OsStr::new("jsonl"),
        OsStr::new("--extract"),
        out.as_os_str(),
        mail.as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    let r = &jsonl(&o)[0];
    assert_eq!(r["verdict"], "malicious");
    let child = &r["attachments"][0]["children"][0];
    assert_eq!(child["path"], "fwd.eml > statement.pdf.exe");
    assert_eq!(child["detected_type"], "pe");
    let sha = child["sha256"].as_str().expect("sha256");
    let written = fs::read(out.join(sha)).expect("extracted object named by its sha256");
    assert_eq!(&written[..2], b"MZ");
    // Nothing but hash-named files: an attacker's member names never reach the file system.
    for e in fs::read_dir(&out).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        assert!(
            name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name}"
        );
    }
    // The table shows the tree under the message.
    let o = run([OsStr::new("scan"), mail.as_os_str()]);
    let table = stdout(&o);
    assert!(table.contains("└ statement.pdf.exe"), "{table}");
}

#[test]
fn inspect_opens_files_without_a_message() {
    let t = TempDir::new("inspect");
    let f = t.write("saved/fwd.eml", mail_with_forwarded_payload());
    let o = run([
        OsStr::new("inspect"),
        OsStr::new("--format"),
        OsStr::new("jsonl"),
        f.as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    let v = &jsonl(&o)[0];
    assert_eq!(v["detected_type"], "email");
    assert_eq!(v["file"], f.display().to_string());
    let inner = &v["children"][0]["children"][0];
    assert_eq!(inner["name"], "statement.pdf.exe");
    assert!(inner["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "attachment.double_extension"));
    let o = run([OsStr::new("inspect"), t.path().join("missing").as_os_str()]);
    assert_eq!(code(&o), 3);
}

#[cfg(not(feature = "yara"))]
#[test]
fn rules_without_yara_support_is_a_clear_usage_error() {
    let t = TempDir::new("rules");
    let f = t.write("a.eml", BENIGN);
    let o = run([
        OsStr::new("scan"),
        OsStr::new("--rules"),
        t.path().as_os_str(),
        f.as_os_str(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--features yara"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------------
// Organisation context: check-config, learn, scan --org [--learn]

const PROFILE: &str = r#"[organisation]
name = "Hanbit Digital Exchange"
domains = ["hanbit-x.com"]
trusted_authserv_ids = ["mx1.hanbit-x.com"]

[[person]]
name = "Park Jiwoo"
variants = ["박지우"]
addresses = ["jiwoo.park@hanbit-x.com"]
role = "CEO"
vip = true

[[partner]]
name = "Samil Tax"
domains = ["samil-tax.kr"]

[[partner.contact]]
name = "Kim Minjun"
variants = ["김민준"]
addresses = ["kim.minjun@samil-tax.kr"]
"#;

/// History: the partner writes twice, the organisation answers once (outbound).
fn history_mbox() -> String {
    let mut s = String::new();
    for (i, (from, to, name)) in [
        (
            "kim.minjun@samil-tax.kr",
            "dohyun.lee@hanbit-x.com",
            "Kim Minjun",
        ),
        (
            "dohyun.lee@hanbit-x.com",
            "kim.minjun@samil-tax.kr",
            "Lee Dohyun",
        ),
        (
            "kim.minjun@samil-tax.kr",
            "dohyun.lee@hanbit-x.com",
            "김민준 세무사",
        ),
    ]
    .iter()
    .enumerate()
    {
        s.push_str(&format!(
            "From {from} Mon Apr  6 10:00:00 2026\nFrom: \"{name}\" <{from}>\nTo: {to}\nSubject: VAT filing\nDate: Mon, {} Apr 2026 10:00:00 +0900\nMessage-ID: <vat-{i}@samil-tax.kr>\nReferences: <vat-0@samil-tax.kr>\nContent-Type: text/plain; charset=utf-8\n\nPlease see the VAT figures.\n\n",
            6 + i
        ));
    }
    s
}

const IMPERSONATION: &str = "From: \"Kim Minjun (Samil Tax)\" <kimminjun.tax@gmail.com>\r\n\
To: dohyun.lee@hanbit-x.com\r\n\
Date: Mon, 16 Nov 2026 09:00:00 +0900\r\n\
Message-ID: <bank-1@mail.gmail.com>\r\n\
Subject: New bank account for our fees\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Our bank account has changed. Please send the payment today to the new account details below.\r\n";

#[test]
fn check_config_points_at_the_line_of_a_bad_profile() {
    let t = TempDir::new("checkcfg");
    let good = t.write("good.toml", PROFILE);
    let o = run([
        OsStr::new("check-config"),
        OsStr::new("--org"),
        good.as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("valid profile \"Hanbit Digital Exchange\""),
        "{}",
        stdout(&o)
    );

    let bad = t.write(
        "bad.toml",
        PROFILE.replace("\"kim.minjun@samil-tax.kr\"", "\"kim.minjun\""),
    );
    let o = run([
        OsStr::new("check-config"),
        OsStr::new("--org"),
        bad.as_os_str(),
    ]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("bad.toml:20:14:") && err.contains("not an e-mail address"),
        "{err}"
    );
    assert!(err.contains("| addresses = [\"kim.minjun\"]"), "{err}");

    let missing = t.path().join("nope.toml");
    let o = run([
        OsStr::new("check-config"),
        OsStr::new("--org"),
        missing.as_os_str(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot read profile"), "{}", stderr(&o));
}

#[test]
fn learn_is_idempotent_and_scan_uses_the_history() {
    let t = TempDir::new("learn");
    let profile = t.write("profile.toml", PROFILE);
    let mbox = t.write("history.mbox", history_mbox());
    let store = t.path().join("state/store.db");
    let learn = || {
        run([
            OsStr::new("learn"),
            OsStr::new("--org"),
            profile.as_os_str(),
            OsStr::new("--store"),
            store.as_os_str(),
            mbox.as_os_str(),
        ])
    };
    let o = learn();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("3 learned, 0 already known"),
        "{}",
        stderr(&o)
    );
    assert!(
        store.exists(),
        "the store is created on first use, parent directory included"
    );
    let o = learn();
    assert!(
        stderr(&o).contains("0 learned, 3 already known"),
        "{}",
        stderr(&o)
    );

    let msg = t.write("bank.eml", IMPERSONATION);
    let o = run([
        OsStr::new("scan"),
        OsStr::new("--format"),
        OsStr::new("jsonl"),
        OsStr::new("--org"),
        profile.as_os_str(),
        OsStr::new("--store"),
        store.as_os_str(),
        msg.as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = &jsonl(&o)[0];
    assert!(finding_ids(r).contains(&"contact.impersonation"), "{r}");
    assert_eq!(r["verdict"], "phishing", "{r}");
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "contact.impersonation")
        .unwrap();
    let evidence = f["evidence"].to_string();
    assert!(
        evidence.contains("wrote 2 times from kim.minjun@samil-tax.kr since 2026-04-06"),
        "{evidence}"
    );

    // Without --org the same message is judged without the organisation's knowledge.
    let o = run([
        OsStr::new("scan"),
        OsStr::new("--format"),
        OsStr::new("jsonl"),
        msg.as_os_str(),
    ]);
    assert!(!finding_ids(&jsonl(&o)[0]).contains(&"contact.impersonation"));
}

#[test]
fn scan_learn_takes_clean_mail_only() {
    let t = TempDir::new("scanlearn");
    let profile = t.write("profile.toml", PROFILE);
    let store = t.path().join("store.db");
    let clean = t.write(
        "in/clean.eml",
        "From: \"Kim Minjun\" <kim.minjun@samil-tax.kr>\r\nTo: dohyun.lee@hanbit-x.com\r\nDate: Mon, 2 Nov 2026 09:00:00 +0900\r\nMessage-ID: <nov-1@samil-tax.kr>\r\nSubject: November figures\r\n\r\nThe November figures are ready.\r\n",
    );
    t.write("in/bank.eml", IMPERSONATION);
    let o = run([
        OsStr::new("scan"),
        OsStr::new("--org"),
        profile.as_os_str(),
        OsStr::new("--store"),
        store.as_os_str(),
        OsStr::new("--learn"),
        t.path().join("in").as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("learned 1 clean messages"),
        "{}",
        stderr(&o)
    );
    assert!(clean.exists());
    // --learn needs --org.
    let o = run([OsStr::new("scan"), OsStr::new("--learn"), clean.as_os_str()]);
    assert_eq!(code(&o), 2);
    // A store without a profile records scans (the register) without organisation context; the
    // message recorded by the first run is not recorded twice.
    let o = run([
        OsStr::new("scan"),
        OsStr::new("--store"),
        store.as_os_str(),
        clean.as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("recorded 0 scans (1 recorded before)"),
        "{}",
        stderr(&o)
    );
}

// ---------------------------------------------------------------------------------------------------
// --intel: indicator files

#[test]
fn intel_files_raise_intel_indicator_and_print_a_load_summary() {
    let t = TempDir::new("intel");
    let benign = t.write("benign.eml", BENIGN);
    let phish = t.write("phish.eml", PHISH);
    let list = t.write(
        "paypal_kit.txt",
        "# Aliases: test kit\n# Reference: https://example.invalid/report\n\nsecure-notice-center.com\n/path/only\n",
    );
    let bundle = t.write(
        "feed.json",
        r#"{"type": "bundle", "id": "bundle--1", "objects": [
  {"type": "indicator", "id": "indicator--1", "spec_version": "2.1", "pattern_type": "stix",
   "confidence": 90, "pattern": "[ipv4-addr:value = '198.51.100.0/24']"},
  {"type": "attack-pattern", "id": "attack-pattern--1", "name": "Phishing"}
]}"#,
    );
    let o = run([
        "scan".as_ref(),
        "--format".as_ref(),
        "jsonl".as_ref(),
        "--intel".as_ref(),
        list.as_os_str(),
        "--intel".as_ref(),
        bundle.as_os_str(),
        benign.as_os_str(),
        phish.as_os_str(),
    ]);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("intel: 2 indicators from 2 files (domain 1, ipv4 1); skipped 2"),
        "{err}"
    );
    let reports = jsonl(&o);
    assert!(!finding_ids(&reports[0]).contains(&"intel.indicator"));
    let hits: Vec<&Value> = reports[1]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "intel.indicator")
        .collect();
    assert_eq!(hits.len(), 2, "{:#}", reports[1]["findings"]);
    let net = hits
        .iter()
        .find(|f| {
            f["title"]
                .as_str()
                .unwrap_or("")
                .contains("198.51.100.0/24")
        })
        .expect("the network indicator matched the link host");
    assert_eq!(net["severity"], "critical");
    assert_eq!(
        net["evidence"][0]["url"],
        "http://198.51.100.23/paypal/login"
    );
    assert!(hits.iter().any(|f| f["title"]
        .as_str()
        .unwrap_or("")
        .contains("secure-notice-center.com (paypal_kit) in the From domain")));
    assert_eq!(reports[1]["verdict"], "malicious");

    // A JSON file of an unknown shape is a usage error, not silently ignored.
    let galaxy = t.write("galaxy.json", r#"{"name": "Threat Actor", "values": []}"#);
    let o = run([
        "scan".as_ref(),
        "--intel".as_ref(),
        galaxy.as_os_str(),
        benign.as_os_str(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("neither a STIX bundle"),
        "{}",
        stderr(&o)
    );
}
