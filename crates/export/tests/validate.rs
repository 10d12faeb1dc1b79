//! The realistic campaign's exports checked by the official validators, when
//! `SPEARWATCH_VALIDATORS=1` (`.ci/validate-export` installs them and sets it). What is checked is
//! in `validators/mod.rs`:
//!
//! - STIX: `stix2_validator --version 2.1 --enforce-refs` (OASIS stix2-validator). Errors fail the
//!   test; warnings (best-practice "should" checks) are printed. A Python re-derivation of every SCO
//!   id (STIX 2.1 §2.9: uuid5 over the JCS of the ID contributing properties) must agree with ours.
//! - MISP: PyMISP `MISPEvent().load_file(path)` (its `validate=True` is deprecated and a no-op in
//!   PyMISP 2.5), then what it used to do and more: the event against PyMISP's bundled
//!   `schema-lax.json` (the strict `schema.json` predates objects), every object against its
//!   bundled misp-objects template (`MISPObject._validate()`, template uuid/version, relation types),
//!   every attribute's type and category against `describeTypes.json`, references resolved.
//!
//! Without the variable the test says why it skipped and passes.

mod common;
mod validators;

use std::path::{Path, PathBuf};

use spearwatch_export::{misp, stix, Options};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Err(e) = std::fs::write(&p, text) {
        panic!("writing {}: {e}", p.display());
    }
    p
}

#[test]
fn exports_pass_the_official_validators() {
    let Some(validators) = validators::Validators::from_env() else {
        return;
    };
    let c = common::campaign();
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    // SPEARWATCH_EXPORT_KEEP=1 leaves the two files in place for a look.
    let (_guard, dir) = if std::env::var("SPEARWATCH_EXPORT_KEEP").as_deref() == Ok("1") {
        let kept = tmp.keep();
        eprintln!("exports kept in {}", kept.display());
        (None, kept)
    } else {
        let p = tmp.path().to_path_buf();
        (Some(tmp), p)
    };
    let stix_path = write(
        &dir,
        "campaign.stix.json",
        &stix::bundle_text(&c, &Options::default()),
    );
    let misp_path = write(
        &dir,
        "campaign.misp.json",
        &misp::event_text(&c, &Options::default()),
    );
    validators.check(&stix_path, &misp_path);
}
