//! The official validators over an exported STIX bundle and MISP event, shared by the export crate's
//! own test (`validate.rs`) and the register's scenario test (`#[path]`-included there):
//!
//! - STIX: `stix2_validator --version 2.1 --enforce-refs` (OASIS stix2-validator). Errors fail;
//!   warnings (best-practice "should" checks) are printed. `sco_ids.py` re-derives every SCO id
//!   (STIX 2.1 §2.9) and must agree with ours.
//! - MISP: `check_misp.py` (PyMISP load, `schema-lax.json`, bundled object templates,
//!   `describeTypes.json`, references resolved).
//!
//! They run only with `SPEARWATCH_VALIDATORS=1`; `.ci/validate-export` installs them in a venv
//! (`SPEARWATCH_VENV`) and sets it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The scripts travel with this module, whichever crate includes it.
const SCO_IDS_PY: &str = include_str!("../sco_ids.py");
const CHECK_MISP_PY: &str = include_str!("../check_misp.py");

pub struct Validators {
    python: PathBuf,
    stix2_validator: PathBuf,
}

impl Validators {
    /// The venv's validators when `SPEARWATCH_VALIDATORS=1`; otherwise `None`, after saying how to
    /// run them.
    pub fn from_env() -> Option<Validators> {
        if std::env::var("SPEARWATCH_VALIDATORS").as_deref() != Ok("1") {
            eprintln!(
                "official validators skipped: set SPEARWATCH_VALIDATORS=1 (and SPEARWATCH_VENV) to \
                 run stix2-validator and PyMISP; .ci/validate-export installs them and does so"
            );
            return None;
        }
        let venv = PathBuf::from(
            std::env::var("SPEARWATCH_VENV").unwrap_or_else(|_| "/var/tmp/spearwatch-venv".into()),
        );
        let v = Validators {
            python: venv.join("bin/python"),
            stix2_validator: venv.join("bin/stix2_validator"),
        };
        assert!(
            v.python.exists() && v.stix2_validator.exists(),
            "no validators in {}: run .ci/validate-export",
            venv.display()
        );
        Some(v)
    }

    /// Validates the two files; panics with the validators' output on any error.
    pub fn check(&self, stix: &Path, misp: &Path) {
        let (_, version) = run(Command::new(&self.python).args([
            "-c",
            "import importlib.metadata as m; print('stix2-validator', m.version('stix2-validator'), '/ stix2-patterns', m.version('stix2-patterns'), '/ pymisp', m.version('pymisp'))",
        ]));
        eprintln!("{}", version.trim());

        // --enforce-refs: every SDO an SRO points at must be in the bundle.
        let (ok, out) = run(Command::new(&self.stix2_validator)
            .args(["--version", "2.1", "--enforce-refs"])
            .arg(stix));
        let warnings: Vec<&str> = out.lines().filter(|l| l.contains("[!] Warning")).collect();
        eprintln!(
            "stix2_validator: {} warnings; {}",
            warnings.len(),
            out.lines()
                .find(|l| l.contains("STIX JSON"))
                .unwrap_or("")
                .trim()
        );
        for w in &warnings {
            eprintln!("  {}", w.trim());
        }
        assert!(
            ok && out.contains("Valid"),
            "stix2_validator failed:\n{out}"
        );
        assert!(
            !out.contains("[X]"),
            "stix2_validator reported errors:\n{out}"
        );

        for (script, file, what) in [
            (SCO_IDS_PY, stix, "SCO id re-derivation"),
            (CHECK_MISP_PY, misp, "MISP validation"),
        ] {
            let (ok, out) = run(Command::new(&self.python).arg("-c").arg(script).arg(file));
            eprintln!("{}", out.trim());
            assert!(ok, "{what} failed:\n{out}");
        }
    }
}

fn run(cmd: &mut Command) -> (bool, String) {
    match cmd.output() {
        Ok(o) => (
            o.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        ),
        Err(e) => (false, format!("could not run {cmd:?}: {e}")),
    }
}
