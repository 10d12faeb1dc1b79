//! Writes the Hanbit scenario as files:
//!
//! ```text
//! cargo run -p spearwatch-scenario --example write -- DIR
//! DIR/profile.toml
//! DIR/history/NNNN.eml
//! DIR/cases/attack/<detector>/<id>.eml
//! DIR/cases/benign/<detector>/<id>.eml
//! DIR/campaigns/<name>.eml
//! DIR/campaigns/truth.tsv      name, campaign ("-" for benign), wave, received_at, recipients
//! ```
//!
//! Plain benign mail (detector "none") goes to `cases/benign/none/`. Existing files are overwritten;
//! nothing else in DIR is touched.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: write DIR");
        return ExitCode::from(2);
    };
    match write(&dir) {
        Ok((h, c, m)) => {
            println!(
                "wrote {} history messages, {} cases and {} campaign messages to {}",
                h,
                c,
                m,
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write(dir: &std::path::Path) -> std::io::Result<(usize, usize, usize)> {
    let s = spearwatch_scenario::hanbit();
    std::fs::create_dir_all(dir.join("history"))?;
    std::fs::write(dir.join("profile.toml"), &s.profile_toml)?;
    for m in &s.history {
        std::fs::write(dir.join("history").join(&m.name), &m.raw)?;
    }
    for c in &s.cases {
        let sub = dir
            .join("cases")
            .join(if c.attack { "attack" } else { "benign" })
            .join(c.detector);
        std::fs::create_dir_all(&sub)?;
        std::fs::write(sub.join(format!("{}.eml", c.id)), &c.raw)?;
    }
    let campaigns = spearwatch_scenario::campaign_messages();
    let cdir = dir.join("campaigns");
    std::fs::create_dir_all(&cdir)?;
    let mut truth = String::from("name\tcampaign\twave\treceived_at\trecipients\n");
    for m in &campaigns {
        std::fs::write(cdir.join(format!("{}.eml", m.name)), &m.raw)?;
        truth.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            m.name,
            m.campaign.unwrap_or("-"),
            m.wave,
            m.received_at,
            m.recipients.join(",")
        ));
    }
    std::fs::write(cdir.join("truth.tsv"), truth)?;
    Ok((s.history.len(), s.cases.len(), campaigns.len()))
}
