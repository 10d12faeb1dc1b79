//! `spearwatch`: the command line. Thin by design: argument parsing, reading inputs, printing. All
//! analysis lives in the library crates (`spearwatch-engine` and below).

mod campaign;
mod eval;
mod inspect;
mod intel;
mod org;
mod pipeline;
mod quarantine;
mod register;
mod scan;
mod tree;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};
use spearwatch_core::{Policy, Verdict};
use std::path::PathBuf;
use std::process::ExitCode;

/// Email threat detection: spear-phishing, impersonation and weaponised attachments, every finding explained.
#[derive(Parser)]
#[command(name = "spearwatch", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan messages: .eml files, directories (recursive, Maildir too), mbox files, or - for stdin.
    ///
    /// Exit status: 0 when every input was scanned (and none met --fail-on); 1 when a message met
    /// --fail-on; 2 on a usage or policy error; 3 when some inputs could not be read (the others were
    /// scanned). 1 wins over 3.
    Scan(ScanArgs),
    /// Measure detection and speed on labelled folders: --set phish=DIR --set ham=DIR ...
    Eval(EvalArgs),
    /// Open attachments saved as files (no message around them) and show what is inside, recursively.
    /// With --manifest, measure marker coverage on a labelled collection.
    Inspect(InspectArgs),
    /// Learn the organisation's relationships from its mail (eml, mbox, Maildir, directories) into the
    /// store: who writes to whom, under which names, in which threads. Learning a message twice counts
    /// once. Exit status as for scan (3 when some inputs could not be read).
    Learn(LearnArgs),
    /// Run the gateway: the milter for Postfix/Sendmail, the HTTP API, the quarantine (see
    /// examples/serve.toml). SIGTERM/SIGINT stop it gracefully; SIGHUP reloads policy, profile and
    /// the relationship knowledge.
    Serve {
        /// The gateway's config (TOML).
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
    /// The gateway's quarantine: list, show, raw, release, delete (opens the folder directly; while
    /// `spearwatch serve` runs, use the API).
    Quarantine {
        /// The gateway's config (TOML): where the quarantine is, the release relay.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
        #[command(subcommand)]
        cmd: QuarantineCmd,
    },
    /// Campaigns in the register: list, show (messages, indicators, why, timeline, actor
    /// hypotheses), attribute (confirm or override the actor), split, rename.
    Campaigns(register::CampaignsArgs),
    /// Retro-hunt the stored messages for new indicators (--intel) or YARA rules (--rules). Hits are
    /// recorded as findings of the old messages and placed in campaigns. Exit status 1 when
    /// something was found.
    Hunt(register::HuntArgs),
    /// Export a campaign as a STIX 2.1 bundle or a MISP event.
    Export(campaign::ExportArgs),
    /// Check an organisation profile, a gateway config and/or a policy file: errors point at the line.
    CheckConfig {
        /// Organisation profile (TOML).
        #[arg(long, value_name = "FILE", required_unless_present = "serve")]
        org: Option<PathBuf>,
        /// Gateway config (TOML) of `spearwatch serve`; its profile and policy are checked too.
        #[arg(long, value_name = "FILE")]
        serve: Option<PathBuf>,
        /// Also check this policy file.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
    },
    /// Print the compiled-in scoring policy, or check a policy file (--check FILE).
    Policy {
        /// Validate this policy file (laid over the defaults) and print the result.
        #[arg(long)]
        check: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
pub struct CommonArgs {
    /// Scoring policy (TOML) laid over the compiled-in default; see `spearwatch policy`.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// Messages larger than this many bytes are skipped and reported.
    #[arg(long, default_value_t = 64 << 20, value_name = "BYTES")]
    max_message_bytes: usize,
    /// YARA rules (.yar/.yara files, or directories of them) run on every attachment object besides
    /// the bundled pack. Needs a build with `--features yara`.
    #[arg(long, value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Threat-intelligence indicators (repeatable): a STIX 2.x bundle or MISP event (JSON, told
    /// apart by content), or a plain list, one domain/URL/IP/e-mail/hash/crypto address a line,
    /// whose source is the file stem. Matches raise `intel.indicator`.
    #[arg(long, value_name = "FILE")]
    intel: Vec<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned table for people, with the findings of every message that is not clean.
    Table,
    /// One JSON object per message (schema: docs/report-schema.md).
    Jsonl,
}

#[derive(clap::Args)]
pub struct ScanArgs {
    /// Files, directories, mbox files, or - for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Exit with status 1 when any message is judged this bad or worse.
    #[arg(long, value_name = "VERDICT", value_parser = parse_verdict)]
    fail_on: Option<Verdict>,
    /// In the table, list every finding (default: the strongest five per message).
    #[arg(long)]
    all_findings: bool,
    /// No summary line on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Write every object extracted from attachments to DIR/<sha256> (nothing is written otherwise).
    #[arg(long, value_name = "DIR")]
    extract: Option<PathBuf>,
    /// Learn messages judged clean into the store (needs --org). Others are never learned, so an
    /// attacker cannot teach spearwatch their address.
    #[arg(long, requires = "org")]
    learn: bool,
    #[command(flatten)]
    org: org::OrgArgs,
    #[command(flatten)]
    record: register::RecordArgs,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Subcommand)]
pub enum QuarantineCmd {
    /// Entries, newest first.
    List {
        /// held, released, deleted or lost.
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// One JSON object per entry.
        #[arg(long)]
        json: bool,
    },
    /// One entry's record (JSON).
    Show { id: String },
    /// The quarantined message, byte for byte, on standard output.
    Raw { id: String },
    /// Re-inject the original message through the config's [release] relay.
    Release { id: String },
    /// Remove the message (the record stays, state deleted).
    Delete { id: String },
}

#[derive(clap::Args)]
pub struct LearnArgs {
    /// Files, directories (Maildir too), mbox files, or - for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Organisation profile (TOML): which domains are the organisation's.
    #[arg(long, value_name = "FILE")]
    org: PathBuf,
    /// Store file (default: the profile's `[store] path`, else $XDG_DATA_HOME/spearwatch/store.db).
    #[arg(long, value_name = "FILE")]
    store: Option<PathBuf>,
    /// Worker threads for parsing (default: all cores).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// Messages larger than this many bytes are skipped and reported.
    #[arg(long, default_value_t = 64 << 20, value_name = "BYTES")]
    max_message_bytes: usize,
    /// No progress line and no summary.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(clap::Args)]
pub struct InspectArgs {
    /// Files or directories (recursive).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// A password to try on encrypted archives (repeatable), before the built-in short list.
    #[arg(long, value_name = "PASSWORD")]
    password: Vec<String>,
    /// Write every extracted object to DIR/<sha256> (nothing is written otherwise).
    #[arg(long, value_name = "DIR")]
    extract: Option<PathBuf>,
    /// Tab-separated manifest (path, size, sha256, type, markers) of the files: print per-marker coverage.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// In the table, show every object (default: those with findings and their containers).
    #[arg(long)]
    all: bool,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// YARA rules besides the bundled pack (see `scan --rules`).
    #[arg(long, value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Scoring policy for the per-file verdict (the file's findings alone, as a mail attachment).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
}

/// Content-engine options: YARA rules when this build has them, `keep_data` for `--extract`.
pub fn content_options(rules: &[PathBuf], keep_data: bool) -> Result<spearwatch_content::Options> {
    #[cfg(feature = "yara")]
    {
        let dirs: Vec<&std::path::Path> = rules.iter().map(PathBuf::as_path).collect();
        let yara = spearwatch_content::yara::YaraRules::load(&dirs)
            .map_err(|e| anyhow::anyhow!("YARA rules: {e}"))?;
        Ok(spearwatch_content::Options {
            keep_data,
            yara: Some(yara.leak()),
            ..Default::default()
        })
    }
    #[cfg(not(feature = "yara"))]
    {
        if !rules.is_empty() {
            anyhow::bail!(
                "--rules needs YARA support: rebuild with `cargo build --release --features yara`"
            );
        }
        Ok(spearwatch_content::Options {
            keep_data,
            ..Default::default()
        })
    }
}

#[derive(clap::Args)]
pub struct EvalArgs {
    /// A labelled set, LABEL=PATH; repeat for each set (phish=..., ham=..., spam=...).
    #[arg(long = "set", required = true, value_name = "LABEL=PATH", value_parser = parse_set)]
    sets: Vec<(String, PathBuf)>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    /// How many of the most frequent findings to list per set.
    #[arg(long, default_value_t = 12)]
    top: usize,
    /// Also write one JSON line per message (set, path, verdict, score, finding ids) to FILE.
    #[arg(long, value_name = "FILE")]
    dump: Option<PathBuf>,
    #[command(flatten)]
    org: org::OrgArgs,
    #[command(flatten)]
    common: CommonArgs,
}

fn parse_verdict(s: &str) -> Result<Verdict, String> {
    s.parse()
}

fn parse_set(s: &str) -> Result<(String, PathBuf), String> {
    let (label, path) = s
        .split_once('=')
        .ok_or_else(|| format!("expected LABEL=PATH, got {s:?}"))?;
    if label.is_empty() || path.is_empty() {
        return Err(format!("expected LABEL=PATH, got {s:?}"));
    }
    Ok((label.to_string(), PathBuf::from(path)))
}

impl CommonArgs {
    fn policy(&self) -> Result<Policy> {
        load_policy(self.policy.as_deref())
    }

    fn threads(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    fn input_limits(&self) -> spearwatch_input::Limits {
        spearwatch_input::Limits {
            max_message_bytes: self.max_message_bytes,
        }
    }
}

fn load_policy(path: Option<&std::path::Path>) -> Result<Policy> {
    match path {
        None => Ok(Policy::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read policy {}", p.display()))?;
            Policy::from_override_toml(&text).with_context(|| format!("policy {}", p.display()))
        }
    }
}

/// Exit statuses (documented in `spearwatch scan --help` and the README).
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAIL_ON: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const UNREADABLE: u8 = 3;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Learn(a) => org::learn(a),
        Command::Campaigns(a) => register::campaigns(a),
        Command::Hunt(a) => register::hunt(a),
        Command::Export(a) => campaign::export(a),
        Command::Serve { config } => serve(&config),
        Command::Quarantine { config, cmd } => quarantine::run(&config, cmd),
        Command::CheckConfig { org, serve, policy } => {
            org::check_config(org.as_deref(), serve.as_deref(), policy.as_deref())
        }
        Command::Policy { check } => policy_cmd(check),
    };
    match res {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::from(exit::OK);
            }
            eprintln!("spearwatch: {}", error_message(&e));
            ExitCode::from(exit::USAGE)
        }
    }
}

fn serve(config: &std::path::Path) -> Result<u8> {
    let cfg = spearwatch_server::config::ServeConfig::load(config)?;
    let app = std::sync::Arc::new(spearwatch_server::App::open(cfg)?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(spearwatch_server::serve(app))?;
    Ok(exit::OK)
}

fn policy_cmd(check: Option<PathBuf>) -> Result<u8> {
    match check {
        None => print!("{}", spearwatch_core::DEFAULT_POLICY_TOML),
        Some(p) => {
            let policy = load_policy(Some(&p))?;
            println!(
                "{}: valid; thresholds suspicious {} / phishing {} / malicious {}; {} weights; {} trusted authserv-ids",
                p.display(),
                policy.thresholds.suspicious,
                policy.thresholds.phishing,
                policy.thresholds.malicious,
                policy.weights.len(),
                policy.auth.trusted_authserv_ids.len()
            );
        }
    }
    Ok(exit::OK)
}

/// The error and its causes, `: `-separated like `{:#}`, leaving out a cause whose text an outer
/// message already quotes (errors that print their source, like the policy's TOML error, would
/// otherwise appear twice).
fn error_message(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let s = cause.to_string();
        if msg.contains(&s) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&s);
    }
    msg
}

/// ripgrep's rule: a closed pipe (`spearwatch scan ... | head`) is not an error.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
