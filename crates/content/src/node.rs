//! The attachment tree: one [`Node`] per object (the attachment, each archive member, each stream or
//! embedded object worth naming), with what was found in it.

use crate::{Fingerprint, Kind};
use serde::Serialize;
use spearwatch_core::{Evidence, Finding, Severity, Source};

#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// The object's own name: the attachment's file name, a member's path inside its archive, a stream
    /// name inside a compound file.
    pub name: String,
    /// Where it sits: the attachment, then each container's member, joined by `" > "`.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_type: Option<String>,
    pub detected_type: Kind,
    /// What the object is in words, once opened ("Word 97-2003 document with a VBA project").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    pub size: u64,
    /// Empty when the bytes could not be read (an encrypted member without its password).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sha256: String,
    /// SHA-1 and MD5 of the same bytes, for the objects [`Node::set_hashes`] says; empty otherwise. Not
    /// for linking (SHA-256 does that): feeds still publish samples by these (ESET's READMEs, MISP
    /// events), and an indicator must match them.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sha1: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub md5: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// Structural fingerprints of the payload the object carries (its VBA source, PostScript program,
    /// command line, scripts): equal across re-saved copies whose `sha256` differs. See
    /// [`mod@crate::fingerprint`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fingerprints: Vec<Fingerprint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// Text pulled out of a document (for the lure detectors), bounded.
    #[serde(skip)]
    pub text: String,
    /// Links a reader can click inside the document (PDF URI actions, Office hyperlinks), bounded:
    /// the scan engine hands them to the link detectors.
    #[serde(skip)]
    pub links: Vec<String>,
    /// The bytes, kept only when [`Options::keep_data`](crate::Options) is set.
    #[serde(skip)]
    pub data: Option<Vec<u8>>,
    #[serde(skip)]
    pub part: usize,
    #[serde(skip)]
    pub depth: usize,
}

/// Most document text the tree keeps per node, for lure detection.
pub const MAX_TEXT: usize = 64 << 10;
/// Most links kept per node.
pub const MAX_LINKS: usize = 100;
/// Most fingerprints kept per node (one per VBA storage, script, command line: a handful at most).
pub const MAX_FINGERPRINTS: usize = 16;

impl Node {
    /// Hashes the object's bytes: SHA-256 always; SHA-1 and MD5 for the attachment itself and for
    /// objects of a file type (an executable, a document, an archive, a script, a shortcut), the things
    /// feeds publish samples of. A document's internal streams and parts (binary records, XML, text)
    /// and images get only the SHA-256: no feed lists them. (SHA-1 and MD5 add about a quarter to the
    /// content engine's CPU time on the corpus documents, most of it for the attachments themselves.)
    pub fn set_hashes(&mut self, data: &[u8]) {
        use sha2::Digest;
        self.sha256 = hex::encode(sha2::Sha256::digest(data));
        if self.depth == 0
            || !matches!(
                self.detected_type,
                Kind::Unknown | Kind::Text | Kind::Png | Kind::Jpeg | Kind::Gif
            )
        {
            self.sha1 = hex::encode(sha1::Sha1::digest(data));
            self.md5 = hex::encode(md5::Md5::digest(data));
        }
    }

    pub(crate) fn new(
        name: &str,
        path: String,
        kind: Kind,
        size: u64,
        part: usize,
        depth: usize,
    ) -> Self {
        Node {
            name: name.to_string(),
            path,
            declared_type: None,
            detected_type: kind,
            format: None,
            size,
            sha256: String::new(),
            sha1: String::new(),
            md5: String::new(),
            encrypted: false,
            findings: Vec::new(),
            fingerprints: Vec::new(),
            children: Vec::new(),
            text: String::new(),
            links: Vec::new(),
            data: None,
            part,
            depth,
        }
    }

    /// Evidence pointing at this object.
    pub fn evidence(&self, value: impl AsRef<str>) -> Evidence {
        Evidence::new(
            Source::Attachment {
                part: self.part,
                name: self.path.clone(),
            },
            value,
        )
    }

    /// Adds a finding about this object: `value` is what was seen (a keyword, a URL, a command line),
    /// `note` says where or why.
    pub fn flag(
        &mut self,
        id: &str,
        severity: Severity,
        title: impl Into<String>,
        techniques: &[&str],
        value: impl AsRef<str>,
        note: impl Into<String>,
    ) {
        let note = note.into();
        let mut ev = self.evidence(value);
        if !note.is_empty() {
            ev = ev.with_note(note);
        }
        let mut f = Finding::new(id, severity, title).evidence(ev);
        for t in techniques {
            f = f.technique(t);
        }
        self.findings.push(f);
    }

    /// Whether this node already carries a finding with `id` (to report a thing once per object).
    pub fn has(&self, id: &str) -> bool {
        self.findings.iter().any(|f| f.id == id)
    }

    /// Appends document text, up to [`MAX_TEXT`].
    pub fn push_text(&mut self, s: &str) {
        let room = MAX_TEXT.saturating_sub(self.text.len());
        if room == 0 {
            return;
        }
        self.text.push_str(&spearwatch_core::truncate_str(s, room));
        self.text.push('\n');
    }

    /// Records a clickable link of the document, up to [`MAX_LINKS`] per object.
    pub fn push_link(&mut self, url: &str) {
        if self.links.len() < MAX_LINKS && !self.links.iter().any(|l| l == url) {
            self.links.push(spearwatch_core::truncate_str(url, 2048));
        }
    }

    /// Records a payload fingerprint (none when the content normalised to nothing), once, up to
    /// `MAX_FINGERPRINTS`.
    pub fn add_fingerprint(&mut self, f: Option<Fingerprint>) {
        if let Some(f) = f {
            if self.fingerprints.len() < MAX_FINGERPRINTS && !self.fingerprints.contains(&f) {
                self.fingerprints.push(f);
            }
        }
    }

    /// This node and every node below it, depth first.
    pub fn iter(&self) -> impl Iterator<Item = &Node> {
        let mut stack = vec![self];
        std::iter::from_fn(move || {
            let n = stack.pop()?;
            stack.extend(n.children.iter().rev());
            Some(n)
        })
    }

    /// Every finding in the tree, depth first.
    pub fn all_findings(&self) -> impl Iterator<Item = &Finding> {
        self.iter().flat_map(|n| n.findings.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_sha256_sha1_md5_of_the_bytes() {
        let mut n = Node::new("a.txt", "a.txt".into(), Kind::Unknown, 6, 0, 0);
        n.set_hashes(b"hello\n");
        // Reference values: `printf 'hello\n' | sha256sum / sha1sum / md5sum`.
        assert_eq!(
            n.sha256,
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
        assert_eq!(n.sha1, "f572d396fae9206628714fb2ce00f72e94f2258f");
        assert_eq!(n.md5, "b1946ac92492d2347c6235b4d2611184");
    }
}
