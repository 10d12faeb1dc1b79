//! The Sendmail/Postfix milter protocol, version 6, sans I/O: bytes from the MTA in, [`Command`]s
//! out ([`Decoder`]); a per-connection [`Session`] that answers them, collects the message and its
//! envelope, and hands it over at end of body ([`Step::Scan`]); the verdict's [`Action`]s back as
//! [`Response`]s, and [`encode`] to bytes. The server crate owns the sockets and the clock.
//!
//! # The protocol
//!
//! The MTA (Postfix's `milter8.c`, Sendmail's `milter.c`) connects to the filter and sends packets,
//! each a 4-byte big-endian length (of what follows), a command byte and its data; integers are
//! big-endian, strings NUL-terminated (libmilter's `mfdef.h`). It opens with option negotiation,
//! then reports each SMTP step: connect, HELO, MAIL, each RCPT, DATA, each header, end of headers,
//! the body in chunks, end of body; before each it may define macros (`D`) for that step. The
//! filter answers each step, unless it negotiated not to (`SMFIP_NR_*`), and at end of body first
//! sends its modifications (add/change headers, quarantine, …) and then one final reply. Abort
//! ends a message but not the SMTP connection; `K` starts a new SMTP connection on the same filter
//! connection; quit ends it.
//!
//! | from the MTA | data | | from the filter | data |
//! |---|---|---|---|---|
//! | `O` negotiate | version, actions, protocol (u32 each) | | `O` negotiate | version, actions, protocol |
//! | `D` macros | stage byte, name NUL value NUL … | | `c` continue | |
//! | `C` connect | host NUL, family `4`/`6`/`L`/`U`, port u16, address NUL | | `a` accept | |
//! | `H` HELO | name NUL | | `r` reject | |
//! | `M` MAIL | address NUL, ESMTP args NUL … | | `t` tempfail | |
//! | `R` RCPT | address NUL, ESMTP args NUL … | | `d` discard | |
//! | `T` DATA | | | `y` reply code | `550 5.7.1 text` NUL |
//! | `L` header | name NUL value NUL | | `h` add header | name NUL value NUL |
//! | `N` end of headers | | | `i` insert header | index u32, name NUL value NUL |
//! | `B` body chunk | bytes | | `m` change header | index u32 (1-based), name NUL value NUL |
//! | `E` end of body | optional last bytes | | `q` quarantine | reason NUL |
//! | `A` abort message | | | `p` progress | |
//! | `Q` quit | | | `s` skip | |
//! | `K` quit, new connection | | | `e` change sender | address NUL [args NUL] |
//! | `U` unknown SMTP command | command NUL | | `+` / `-` add / delete rcpt | address NUL |
//! | | | | `b` replace body | bytes (≤ 64 KiB per packet) |
//!
//! # What is negotiated, and why
//!
//! The filter offers version 6 (or the MTA's, if lower) and asks, of what the MTA offers
//! (`proto::WANTED_ACTIONS`, `proto::WANTED_PROTOCOL`):
//!
//! - actions `SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE`: verdict headers, a Subject tag, the
//!   MTA's quarantine (Postfix: hold queue). Never the envelope or the body.
//! - `SMFIP_NOUNKNOWN`: the only event skipped; unknown SMTP commands carry nothing to scan.
//! - every no-reply flag but end of body (`SMFIP_NR_CONN`, `_HELO`, `_MAIL`, `_RCPT`, `_DATA`,
//!   `_UNKN`, `_HDR`, `_EOH`, `_BODY`): the verdict needs the whole message, so every earlier answer
//!   would be "continue"; without them the MTA waits a round trip per header and per 64 KiB chunk.
//! - `SMFIP_HDR_LEADSPC`: header values arrive with the bytes after the colon intact, so the
//!   rebuilt message is byte for byte the one received (DKIM `simple` canonicalisation hashes it).
//!
//! Whatever subset the MTA grants is used; [`Session::negotiated`] tells which, and
//! [`Session::permits`] whether an action will be carried out. Without a no-reply flag the session
//! answers "continue" to that step; without `SMFIP_HDR_LEADSPC` it restores the one space the MTA
//! removed.
//!
//! # Use
//!
//! ```
//! use spearwatch_milter::{encode, Action, Config, Decoder, Session, Step};
//!
//! let mut decoder = Decoder::new();
//! let mut session = Session::new(Config::default());
//! let mut to_mta = Vec::new();
//! # let bytes_from_mta: &[u8] = &[];
//! decoder.feed(bytes_from_mta);
//! while let Ok(Some(command)) = decoder.next_command() {
//!     match session.handle(command) {
//!         Step::Reply(responses) => responses.iter().for_each(|r| encode(r, &mut to_mta)),
//!         Step::None => {}
//!         Step::Scan(envelope) => {
//!             let _ = envelope.raw; // scan it, then:
//!             for r in session.finish(&[Action::PrefixSubject("[SUSPICIOUS]".into()), Action::Accept]) {
//!                 encode(&r, &mut to_mta);
//!             }
//!         }
//!         Step::Close => break,
//!     }
//! }
//! ```
//! (A server closes the connection on a decode error, as libmilter does.)

pub mod proto;

mod command;
mod response;
mod session;

pub use command::{encode_command, Command, DecodeError, Decoder, Family};
pub use response::{encode, Response};
pub use session::{Action, Config, Envelope, Negotiated, Session, Step};
