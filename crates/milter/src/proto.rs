//! The protocol's constants, with the names and values of libmilter's `mfdef.h` (protocol version 6,
//! Sendmail 8.14) and `mfapi.h` (the `SMFIF_*` action flags). Postfix's `milter8.c` carries its own
//! copy of the same table; both agree on every value below.

/// The protocol version this crate speaks (`SMFI_PROT_VERSION` in `mfdef.h`).
pub const VERSION: u32 = 6;
/// The oldest MTA version accepted. libmilter refuses anything below 2 (`SMFI_PROT_VERSION_MIN`):
/// version 1 had no option negotiation worth the name.
pub const MIN_VERSION: u32 = 2;

/// Body chunk size used by MTAs and by `smfi_replacebody` (`MILTER_CHUNK_SIZE` in `mfdef.h`).
pub const CHUNK_SIZE: usize = 65535;

// Commands, MTA to filter (`SMFIC_*`).
/// Abort the current message; connection state stays.
pub const SMFIC_ABORT: u8 = b'A';
/// A body chunk.
pub const SMFIC_BODY: u8 = b'B';
/// Connection information.
pub const SMFIC_CONNECT: u8 = b'C';
/// Define macros for the command named in the first data byte.
pub const SMFIC_MACRO: u8 = b'D';
/// End of body (may carry a last chunk).
pub const SMFIC_BODYEOB: u8 = b'E';
/// HELO/EHLO argument.
pub const SMFIC_HELO: u8 = b'H';
/// QUIT, but the MTA reuses this filter connection for a new SMTP connection.
pub const SMFIC_QUIT_NC: u8 = b'K';
/// One header field.
pub const SMFIC_HEADER: u8 = b'L';
/// MAIL FROM and its ESMTP arguments.
pub const SMFIC_MAIL: u8 = b'M';
/// End of headers.
pub const SMFIC_EOH: u8 = b'N';
/// Option negotiation.
pub const SMFIC_OPTNEG: u8 = b'O';
/// QUIT: the filter connection ends.
pub const SMFIC_QUIT: u8 = b'Q';
/// RCPT TO and its ESMTP arguments.
pub const SMFIC_RCPT: u8 = b'R';
/// DATA.
pub const SMFIC_DATA: u8 = b'T';
/// An SMTP command the MTA does not know.
pub const SMFIC_UNKNOWN: u8 = b'U';

// Responses, filter to MTA (`SMFIR_*`).
/// Add a recipient.
pub const SMFIR_ADDRCPT: u8 = b'+';
/// Delete a recipient.
pub const SMFIR_DELRCPT: u8 = b'-';
/// Add a recipient with ESMTP arguments (not used here).
pub const SMFIR_ADDRCPT_PAR: u8 = b'2';
/// Accept (the message, or the connection at connect/HELO).
pub const SMFIR_ACCEPT: u8 = b'a';
/// Replace the body (one chunk of the new body).
pub const SMFIR_REPLBODY: u8 = b'b';
/// Continue.
pub const SMFIR_CONTINUE: u8 = b'c';
/// Accept and silently discard the message.
pub const SMFIR_DISCARD: u8 = b'd';
/// Change the envelope sender.
pub const SMFIR_CHGFROM: u8 = b'e';
/// Append a header.
pub const SMFIR_ADDHEADER: u8 = b'h';
/// Insert a header at an index.
pub const SMFIR_INSHEADER: u8 = b'i';
/// Change (or, with an empty value, delete) the n-th header of a name.
pub const SMFIR_CHGHEADER: u8 = b'm';
/// Still working: resets the MTA's timeout.
pub const SMFIR_PROGRESS: u8 = b'p';
/// Quarantine the message (Postfix: the hold queue).
pub const SMFIR_QUARANTINE: u8 = b'q';
/// Reject with the MTA's default 5xx reply.
pub const SMFIR_REJECT: u8 = b'r';
/// Skip further events of this type (needs `SMFIP_SKIP`).
pub const SMFIR_SKIP: u8 = b's';
/// Temporary failure with the MTA's default 4xx reply.
pub const SMFIR_TEMPFAIL: u8 = b't';
/// Reject or tempfail with this SMTP reply (`"550 5.7.1 text"`).
pub const SMFIR_REPLYCODE: u8 = b'y';

// Address families in SMFIC_CONNECT (`SMFIA_*`).
/// Unknown: no port and no address follow.
pub const SMFIA_UNKNOWN: u8 = b'U';
/// Unix-domain socket: the address is a path.
pub const SMFIA_UNIX: u8 = b'L';
/// IPv4.
pub const SMFIA_INET: u8 = b'4';
/// IPv6.
pub const SMFIA_INET6: u8 = b'6';

// Protocol flags (`SMFIP_*`): in SMFIC_OPTNEG, what the MTA can do; in the reply, what the filter
// wants. `NO*`: the MTA does not send that event. `NR_*`: the filter does not reply to that event.
/// Do not send connect information.
pub const SMFIP_NOCONNECT: u32 = 0x0000_0001;
/// Do not send HELO.
pub const SMFIP_NOHELO: u32 = 0x0000_0002;
/// Do not send MAIL.
pub const SMFIP_NOMAIL: u32 = 0x0000_0004;
/// Do not send RCPT.
pub const SMFIP_NORCPT: u32 = 0x0000_0008;
/// Do not send the body.
pub const SMFIP_NOBODY: u32 = 0x0000_0010;
/// Do not send headers.
pub const SMFIP_NOHDRS: u32 = 0x0000_0020;
/// Do not send end of headers.
pub const SMFIP_NOEOH: u32 = 0x0000_0040;
/// No reply to headers (also called `SMFIP_NOHREPL`).
pub const SMFIP_NR_HDR: u32 = 0x0000_0080;
/// Do not send unknown SMTP commands.
pub const SMFIP_NOUNKNOWN: u32 = 0x0000_0100;
/// Do not send DATA.
pub const SMFIP_NODATA: u32 = 0x0000_0200;
/// The MTA understands `SMFIR_SKIP`.
pub const SMFIP_SKIP: u32 = 0x0000_0400;
/// Also send recipients the MTA rejected.
pub const SMFIP_RCPT_REJ: u32 = 0x0000_0800;
/// No reply to connect.
pub const SMFIP_NR_CONN: u32 = 0x0000_1000;
/// No reply to HELO.
pub const SMFIP_NR_HELO: u32 = 0x0000_2000;
/// No reply to MAIL.
pub const SMFIP_NR_MAIL: u32 = 0x0000_4000;
/// No reply to RCPT.
pub const SMFIP_NR_RCPT: u32 = 0x0000_8000;
/// No reply to DATA.
pub const SMFIP_NR_DATA: u32 = 0x0001_0000;
/// No reply to unknown commands.
pub const SMFIP_NR_UNKN: u32 = 0x0002_0000;
/// No reply to end of headers.
pub const SMFIP_NR_EOH: u32 = 0x0004_0000;
/// No reply to body chunks.
pub const SMFIP_NR_BODY: u32 = 0x0008_0000;
/// Header values keep the whitespace after the colon (the MTA otherwise eats one space), and
/// values the filter sends must carry their own.
pub const SMFIP_HDR_LEADSPC: u32 = 0x0010_0000;

// Action flags (`SMFIF_*`, `mfapi.h`): what the filter may do at end of body.
/// Add headers.
pub const SMFIF_ADDHDRS: u32 = 0x0000_0001;
/// Replace the body.
pub const SMFIF_CHGBODY: u32 = 0x0000_0002;
/// Add recipients.
pub const SMFIF_ADDRCPT: u32 = 0x0000_0004;
/// Delete recipients.
pub const SMFIF_DELRCPT: u32 = 0x0000_0008;
/// Change or delete headers.
pub const SMFIF_CHGHDRS: u32 = 0x0000_0010;
/// Quarantine the message.
pub const SMFIF_QUARANTINE: u32 = 0x0000_0020;
/// Change the envelope sender.
pub const SMFIF_CHGFROM: u32 = 0x0000_0040;
/// Add recipients with ESMTP arguments.
pub const SMFIF_ADDRCPT_PAR: u32 = 0x0000_0080;
/// Send the list of macros wanted per stage (in the negotiation reply).
pub const SMFIF_SETSYMLIST: u32 = 0x0000_0100;

/// The actions spearwatch asks for: add its verdict headers, tag the Subject, and quarantine (to
/// Postfix: the hold queue). Nothing that edits the envelope or the body: a scanner that rewrites
/// mail would break DKIM signatures and could lose content.
pub const WANTED_ACTIONS: u32 = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE;

/// The protocol flags spearwatch asks for (each only if the MTA offers it):
///
/// - `SMFIP_NOUNKNOWN`: unknown SMTP commands say nothing about a message. It is the only event
///   skipped: DATA is kept because Sendmail may send a skipped stage's macros only with the event.
/// - every `SMFIP_NR_*` but end of body: the verdict is taken on the whole message, so nothing
///   before end of body is ever answered with anything but "continue". Without a reply the MTA
///   streams headers and body chunks without a round trip each.
/// - `SMFIP_HDR_LEADSPC`: headers arrive with the bytes after the colon exactly as in the message,
///   so the raw message rebuilt for the scan (and any DKIM `simple` canonicalisation) is the one
///   that was sent.
///
/// Not asked: the other `NO*` flags (every event is wanted), `SMFIP_SKIP` (never sent),
/// `SMFIP_RCPT_REJ` (recipients the MTA rejected are not part of the message).
pub const WANTED_PROTOCOL: u32 = SMFIP_NOUNKNOWN
    | SMFIP_NR_CONN
    | SMFIP_NR_HELO
    | SMFIP_NR_MAIL
    | SMFIP_NR_RCPT
    | SMFIP_NR_DATA
    | SMFIP_NR_UNKN
    | SMFIP_NR_HDR
    | SMFIP_NR_EOH
    | SMFIP_NR_BODY
    | SMFIP_HDR_LEADSPC;
