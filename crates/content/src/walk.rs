//! The recursion: typing each object, dispatching it to its format, and keeping the whole tree inside
//! [`Limits`]. Containers call [`Walk::child`] for every member they extract and [`Walk::listed`] for
//! members they can only name (encrypted, or beyond a limit).

use crate::kind::{sniff, Kind};
use crate::names::{self, Object};
use crate::{node::Node, Options};
use spearwatch_core::{technique as t, Severity};
use spearwatch_message::filetype;
use std::collections::BTreeMap;
use std::io::Read;
use std::time::{Duration, Instant};

/// Hard limits for one attachment's tree. Hitting one is a `content.limit` finding on the object where
/// it was hit; the rest of the tree is still reported.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Containers inside containers: the attachment is depth 0.
    pub max_depth: usize,
    /// Objects in one attachment's tree.
    pub max_nodes: usize,
    /// Largest single extracted object.
    pub max_object_bytes: u64,
    /// All extracted bytes of one attachment together.
    pub max_total_bytes: u64,
    /// Expanded/packed ratio above which a member is not expanded further (a bomb), once it is past
    /// 1 MiB: text and XML compress up to ~20-50x, bombs by 1,000x and more.
    pub max_ratio: u64,
    /// Wall-clock budget for one attachment's tree.
    pub max_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 8,
            max_nodes: 2_000,
            max_object_bytes: 64 << 20,
            max_total_bytes: 256 << 20,
            max_ratio: 200,
            max_time: Duration::from_secs(5),
        }
    }
}

/// One attachment's walk: the options, and what has been spent of the limits so far.
pub struct Walk<'o> {
    opts: &'o Options,
    nodes: usize,
    /// Bytes spent of `max_total_bytes`: the attachment, every member handed to [`Walk::child`], and
    /// every buffer [`Walk::read_member`] produced (charged when read, since a container may hold
    /// many before handing any on: OOXML and HWPX packages read all their members first).
    expanded: u64,
    /// Buffers already charged when they were decoded ([`Walk::read_member`],
    /// [`Walk::charge_read`]): start address -> (end address, bytes of credit left). A member handed
    /// to [`Walk::child`] that lies inside one (the buffer itself, or a file sliced out of a decoded
    /// cabinet folder) is paid from the credit instead of being charged twice. Credit is used up as
    /// it is spent, so a stale entry (a freed buffer whose addresses are reused) waives no more bytes
    /// than were charged for it: at worst twice the budget is analysed, never more.
    prepaid: BTreeMap<usize, (usize, u64)>,
    /// [`Walk::read_member`]'s read buffer, kept between calls.
    scratch: Vec<u8>,
    deadline: Instant,
    timed_out: bool,
    /// This walk's YARA scanner, taken from the thread's pool and given back on drop.
    #[cfg(feature = "yara")]
    yara: Option<(&'static crate::yara::YaraRules, yara_x::Scanner<'static>)>,
}

#[cfg(feature = "yara")]
impl Drop for Walk<'_> {
    fn drop(&mut self) {
        if let Some((rules, scanner)) = self.yara.take() {
            crate::yara::give_back(rules, scanner);
        }
    }
}

/// Size past which the ratio limit applies.
pub(crate) const RATIO_FLOOR: u64 = 1 << 20;
/// Bytes [`Walk::read_member`] asks its reader for at a time.
const READ_CHUNK: usize = 64 << 10;
/// Charged buffers remembered for [`Walk::child`] at most.
const MAX_PREPAID: usize = 4096;

impl<'o> Walk<'o> {
    pub fn new(opts: &'o Options) -> Self {
        Walk {
            opts,
            nodes: 0,
            expanded: 0,
            prepaid: BTreeMap::new(),
            scratch: Vec::new(),
            deadline: Instant::now() + opts.limits.max_time,
            timed_out: false,
            #[cfg(feature = "yara")]
            yara: opts.yara.map(|r| (r, crate::yara::take_scanner(r))),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.opts.limits
    }

    /// Passwords to try on encrypted objects: the message's, then the common ones.
    pub fn passwords(&self) -> impl Iterator<Item = &str> {
        self.opts
            .passwords
            .iter()
            .map(String::as_str)
            .chain(crate::COMMON_PASSWORDS.iter().copied())
    }

    /// Whether `password` came from the message (rather than the built-in list).
    pub fn password_from_mail(&self, password: &str) -> bool {
        self.opts.passwords.iter().any(|p| p == password)
    }

    pub(crate) fn root(&mut self, data: &[u8], name: &str, declared: Option<&str>) -> Node {
        self.nodes = 1;
        self.expanded = data.len() as u64;
        self.visit(data, name, name.to_string(), declared, 0)
    }

    pub(crate) fn root_as(mut self, kind: Kind, data: &[u8], name: &str) -> Node {
        self.nodes = 1;
        self.expanded = data.len() as u64;
        self.visit_as(Some(kind), data, name, name.to_string(), None, 0)
    }

    fn visit(
        &mut self,
        data: &[u8],
        name: &str,
        path: String,
        declared: Option<&str>,
        depth: usize,
    ) -> Node {
        self.visit_as(None, data, name, path, declared, depth)
    }

    fn visit_as(
        &mut self,
        forced: Option<Kind>,
        data: &[u8],
        name: &str,
        path: String,
        declared: Option<&str>,
        depth: usize,
    ) -> Node {
        let kind = forced.unwrap_or_else(|| sniff(data, name));
        let mut node = Node::new(name, path, kind, data.len() as u64, self.opts.part, depth);
        node.declared_type = declared.map(str::to_string);
        node.set_hashes(data);
        if self.opts.keep_data {
            node.data = Some(data.to_vec());
        }
        if depth > 0 {
            // The top-level attachment's name is checked by the message-level detector.
            names::check(
                &Object {
                    part: node.part,
                    name: base_name(name),
                    path: &node.path,
                    declared_type: declared.unwrap_or(""),
                    detected_type: filetype::sniff(data),
                    size: data.len(),
                    sha256: &node.sha256,
                    data,
                },
                &mut node.findings,
            );
        }
        crate::signatures::check(&mut node, data);
        if self.expired(&mut node) {
            return node;
        }
        // YARA gets what is left of the budget, not all of it per object. yara-x checks its timeout
        // on a one-second heartbeat (rounding up), so one scan may overrun by less than a second.
        #[cfg(feature = "yara")]
        if let Some((_, scanner)) = &mut self.yara {
            let left = self.deadline.saturating_duration_since(Instant::now());
            crate::yara::scan(scanner, &mut node, data, left);
            if self.expired(&mut node) {
                return node;
            }
        }
        dispatch(self, &mut node, data);
        node
    }

    /// Analyses a member a container extracted, and appends it to `parent`.
    pub fn child(&mut self, parent: &mut Node, name: &str, data: &[u8]) {
        self.child_typed(parent, name, data, None)
    }

    /// [`Walk::child`] with the type the container declared for the member (a MIME type, a stream kind).
    pub fn child_typed(
        &mut self,
        parent: &mut Node,
        name: &str,
        data: &[u8],
        declared: Option<&str>,
    ) {
        let depth = parent.depth + 1;
        let path = format!("{} > {}", parent.path, name);
        let charge = if self.take_prepaid(data) {
            0
        } else {
            data.len() as u64
        };
        if !self.admit(parent, charge) {
            return;
        }
        if depth > self.opts.limits.max_depth {
            if !parent.has("content.limit") {
                self.limit(
                    parent,
                    "depth",
                    format!(
                        "objects nested deeper than {} levels were not opened",
                        self.opts.limits.max_depth
                    ),
                );
            }
            let mut n = Node::new(
                name,
                path,
                sniff(data, name),
                data.len() as u64,
                self.opts.part,
                depth,
            );
            n.set_hashes(data);
            parent.children.push(n);
            return;
        }
        let n = self.visit(data, name, path, declared, depth);
        parent.children.push(n);
    }

    /// Records a member that is named but not extracted (encrypted, or not expandable); the name checks
    /// still run. Returns the new node so the caller can mark it.
    pub fn listed<'n>(
        &mut self,
        parent: &'n mut Node,
        name: &str,
        size: u64,
        encrypted: bool,
    ) -> Option<&'n mut Node> {
        if !self.admit(parent, 0) {
            return None;
        }
        let path = format!("{} > {}", parent.path, name);
        let mut n = Node::new(
            name,
            path,
            kind_by_name(name),
            size,
            self.opts.part,
            parent.depth + 1,
        );
        n.encrypted = encrypted;
        names::check(
            &Object {
                part: n.part,
                name: base_name(name),
                path: &n.path,
                declared_type: "",
                detected_type: spearwatch_message::FileKind::Unknown,
                size: size as usize,
                sha256: "",
                data: &[],
            },
            &mut n.findings,
        );
        parent.children.push(n);
        parent.children.last_mut()
    }

    /// Counts one more object of `bytes` against the node and byte limits.
    fn admit(&mut self, parent: &mut Node, bytes: u64) -> bool {
        if self.nodes >= self.opts.limits.max_nodes {
            if !parent.has("content.limit") {
                let max = self.opts.limits.max_nodes;
                self.limit(
                    parent,
                    "members",
                    format!("more than {max} objects in one attachment; the rest were not opened"),
                );
            }
            return false;
        }
        self.nodes += 1;
        self.expanded = self.expanded.saturating_add(bytes);
        true
    }

    /// Whether `data` lies in a buffer already charged (see `prepaid`); spends that much credit.
    fn take_prepaid(&mut self, data: &[u8]) -> bool {
        let (start, len) = (data.as_ptr().addr(), data.len());
        if len == 0 {
            return false;
        }
        let Some((&key, (end, credit))) = self.prepaid.range_mut(..=start).next_back() else {
            return false;
        };
        if start.saturating_add(len) > *end || *credit < len as u64 {
            return false;
        }
        *credit -= len as u64;
        if *credit == 0 {
            self.prepaid.remove(&key);
        }
        true
    }

    /// Bytes spent of the total budget so far.
    #[cfg(test)]
    pub(crate) fn spent(&self) -> u64 {
        self.expanded
    }

    /// How many bytes the next extracted object may have.
    pub fn room(&self) -> u64 {
        let l = &self.opts.limits;
        l.max_object_bytes
            .min(l.max_total_bytes.saturating_sub(self.expanded))
    }

    /// Reads one member from a decompressing reader, within [`Walk::room`] and the ratio limit.
    /// `packed` is the member's compressed size (0 if unknown). `None` (with a limit finding on
    /// `parent`) if a limit stopped it, or an error note if the stream is corrupt. The bytes
    /// returned are charged to the total budget now; handing the same buffer to [`Walk::child`]
    /// does not charge them twice.
    pub fn read_member(
        &mut self,
        parent: &mut Node,
        name: &str,
        r: impl Read,
        packed: u64,
    ) -> Result<Vec<u8>, String> {
        // One read buffer for the whole walk: archives of a hundred thousand tiny members would
        // otherwise allocate and zero 64 KiB for each.
        let mut buf = std::mem::take(&mut self.scratch);
        buf.resize(READ_CHUNK, 0);
        let got = self.read_into(parent, name, r, packed, &mut buf);
        self.scratch = buf;
        got
    }

    fn read_into(
        &mut self,
        parent: &mut Node,
        name: &str,
        mut r: impl Read,
        packed: u64,
        buf: &mut [u8],
    ) -> Result<Vec<u8>, String> {
        let room = self.room();
        let mut out = Vec::new();
        loop {
            if Instant::now() > self.deadline {
                self.expired(parent);
                return Err("time limit".into());
            }
            // Never ask for more than one byte past the room: once the budget is spent, each
            // further member costs a byte of decoding, not a buffer's worth.
            let left = room.saturating_sub(out.len() as u64).saturating_add(1);
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = match r.read(&mut buf[..want]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("{name}: {e}")),
            };
            out.extend_from_slice(buf.get(..n).unwrap_or(&[]));
            let len = out.len() as u64;
            if len > room {
                let what = if room < self.opts.limits.max_object_bytes {
                    "total bytes"
                } else {
                    "object size"
                };
                self.limit(
                    parent,
                    what,
                    format!("{name} expands beyond {} bytes; not opened further", room),
                );
                return Err("size limit".into());
            }
            if packed > 0 && len > RATIO_FLOOR && len / packed > self.opts.limits.max_ratio {
                self.limit(
                    parent,
                    "compression ratio",
                    format!("{name} expands more than {}x ({packed} bytes packed): a decompression bomb", self.opts.limits.max_ratio),
                );
                return Err("ratio limit".into());
            }
        }
        self.charge_read(&out);
        Ok(out)
    }

    /// Charges `bytes` a container decoded to the total budget (bytes it holds, or decoding work it
    /// did and threw away). Returns whether the budget had room for them; the caller stops decoding
    /// if not (the limit finding is its to add).
    pub(crate) fn charge(&mut self, bytes: u64) -> bool {
        let fits = bytes
            <= self
                .opts
                .limits
                .max_total_bytes
                .saturating_sub(self.expanded);
        self.expanded = self.expanded.saturating_add(bytes);
        fits
    }

    /// [`Walk::charge`] for a buffer the container keeps and hands on (whole or in slices) through
    /// [`Walk::child`], which then does not charge those bytes again.
    pub(crate) fn charge_read(&mut self, buf: &[u8]) -> bool {
        let fits = self.charge(buf.len() as u64);
        if !buf.is_empty() {
            // Credits of buffers never handed on stay behind; drop them all rather than grow without
            // end (children of those buffers are then charged again: conservative).
            if self.prepaid.len() >= MAX_PREPAID {
                self.prepaid.clear();
            }
            let start = buf.as_ptr().addr();
            let e = self
                .prepaid
                .entry(start)
                .or_insert((start.saturating_add(buf.len()), 0));
            e.0 = e.0.max(start.saturating_add(buf.len()));
            e.1 = e.1.saturating_add(buf.len() as u64);
        }
        fits
    }

    /// Whether the time budget is spent; flags `node` the first time.
    pub fn expired(&mut self, node: &mut Node) -> bool {
        if self.timed_out {
            return true;
        }
        if Instant::now() > self.deadline {
            self.timed_out = true;
            let ms = self.opts.limits.max_time.as_millis();
            self.limit(node, "time", format!("analysis stopped after {ms} ms"));
            return true;
        }
        false
    }

    /// A limit was hit at `node`: one finding per limit kind and object (containers with thousands
    /// of members over a limit would otherwise add thousands of findings, and every later
    /// `has("content.limit")` would scan them all).
    pub fn limit(&mut self, node: &mut Node, what: &str, note: String) {
        let seen = node.findings.iter().any(|f| {
            f.id == "content.limit" && f.evidence.first().is_some_and(|e| e.value == what)
        });
        if seen {
            return;
        }
        node.flag(
            "content.limit",
            Severity::Medium,
            format!("Attachment content exceeds the {what} limit and was not fully analysed"),
            &[t::OBFUSCATED_FILES],
            what,
            note,
        );
    }
}

/// The last component of a member path (`dir/sub/a.exe` -> `a.exe`).
pub fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Kind guessed from a name alone, for members that cannot be read.
fn kind_by_name(name: &str) -> Kind {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "exe" | "dll" | "scr" | "cpl" | "sys" | "com" | "pif" => Kind::Pe,
        "lnk" => Kind::Lnk,
        "iso" | "img" => Kind::Iso,
        "vhd" | "vhdx" => Kind::Vhd,
        "pdf" => Kind::Pdf,
        "zip" => Kind::Zip,
        "cab" => Kind::Cab,
        "alz" => Kind::Alz,
        "egg" => Kind::Egg,
        "hwpx" => Kind::Hwpx,
        "rar" => Kind::Rar,
        "7z" => Kind::SevenZip,
        "doc" | "xls" | "ppt" | "hwp" | "msi" => Kind::Ole,
        "slk" => Kind::Sylk,
        "docx" | "docm" | "xlsx" | "xlsm" | "pptx" | "pptm" | "dotm" => Kind::Ooxml,
        "html" | "htm" | "svg" => Kind::Html,
        "one" => Kind::OneNote,
        "chm" => Kind::Chm,
        e if crate::kind::SCRIPT_EXTENSIONS.contains(&e) => Kind::Script,
        _ => Kind::Unknown,
    }
}

/// Hands the object to its format's analyser.
fn dispatch(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    use crate::{archive, email, exe, html, lnk, office, onenote, pdf};
    match node.detected_type {
        Kind::Zip | Kind::Ooxml | Kind::Hwpx => archive::zip::analyse(w, node, data),
        Kind::SevenZip => archive::sevenz::analyse(w, node, data),
        Kind::Rar => archive::rar::analyse(w, node, data),
        Kind::Gzip | Kind::Bzip2 | Kind::Xz => archive::compressed::analyse(w, node, data),
        Kind::Tar => archive::tar::analyse(w, node, data),
        Kind::Iso | Kind::Udf | Kind::Vhd | Kind::DiskImage => {
            archive::disk::analyse(w, node, data)
        }
        Kind::Tnef => archive::tnef::analyse(w, node, data),
        Kind::Cab => archive::cab::analyse(w, node, data),
        Kind::Alz => archive::alz::analyse(w, node, data),
        Kind::Egg => archive::egg::analyse(w, node, data),
        Kind::Hwp3 | Kind::Hwpml => crate::hwp::analyse_legacy(w, node, data),
        Kind::Ole => office::ole::analyse(w, node, data),
        Kind::Sylk => office::sylk::analyse(w, node, data),
        Kind::Rtf => office::rtf::analyse(w, node, data),
        Kind::Pdf => pdf::analyse(w, node, data),
        Kind::Lnk => lnk::analyse(w, node, data),
        Kind::Pe | Kind::Elf | Kind::MachO => exe::analyse(w, node, data),
        Kind::Script => exe::script::analyse(w, node, data),
        Kind::Html => html::analyse(w, node, data),
        Kind::OneNote => onenote::analyse(w, node, data),
        Kind::Chm => crate::chm::analyse(w, node, data),
        Kind::Email => email::analyse(w, node, data),
        Kind::PostScript => crate::hwp::eps::analyse(node, data),
        Kind::Png | Kind::Jpeg | Kind::Gif | Kind::Text | Kind::Unknown => {}
    }
}
