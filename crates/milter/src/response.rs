//! Filter-to-MTA packets: [`Response`] and [`encode`].

use crate::command::{put_cstr, put_packet};
use crate::proto::*;

/// One response to the MTA (`SMFIR_*`, and the `O` negotiation reply).
///
/// Strings are written NUL-terminated; a NUL inside one is left out, since it would end the field
/// early. Header values go out as given: with `SMFIP_HDR_LEADSPC` negotiated they must carry their
/// own leading space ([`Session`](crate::Session) takes care of that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// `O`: the negotiated version, actions (`SMFIF_*`) and protocol flags (`SMFIP_*`).
    OptNeg {
        /// Protocol version.
        version: u32,
        /// Actions the filter will use.
        actions: u32,
        /// Protocol flags the filter wants.
        protocol: u32,
    },
    /// `c`: continue (at end of body: accept the message, with any modifications sent before).
    Continue,
    /// `a`: accept; no further events for this message (or connection, at connect/HELO).
    Accept,
    /// `r`: reject with the MTA's default reply.
    Reject,
    /// `d`: accept and discard.
    Discard,
    /// `t`: temporary failure with the MTA's default reply.
    Tempfail,
    /// `y`: reject or tempfail with this SMTP reply, e.g. `550 5.7.1 text`.
    ReplyCode(String),
    /// `h`: append a header.
    AddHeader {
        /// Field name.
        name: String,
        /// Field value.
        value: Vec<u8>,
    },
    /// `i`: insert a header at `index` (0: at the top).
    InsertHeader {
        /// Position among the headers.
        index: u32,
        /// Field name.
        name: String,
        /// Field value.
        value: Vec<u8>,
    },
    /// `m`: change the `index`-th (1-based) header called `name`; an empty value deletes it.
    ChangeHeader {
        /// Occurrence of `name`, 1 for the first.
        index: u32,
        /// Field name.
        name: String,
        /// New value.
        value: Vec<u8>,
    },
    /// `q`: quarantine with a reason (Postfix: the hold queue).
    Quarantine(String),
    /// `p`: progress, resets the MTA's timeout.
    Progress,
    /// `s`: skip further events of this kind (needs `SMFIP_SKIP`).
    Skip,
    /// `e`: change the envelope sender, with optional ESMTP arguments.
    ChangeFrom {
        /// The new sender.
        from: String,
        /// ESMTP arguments.
        args: Option<String>,
    },
    /// `+`: add a recipient.
    AddRcpt(String),
    /// `-`: delete a recipient.
    DelRcpt(String),
    /// `b`: replace the body. Sent as packets of at most 64 KiB (`MILTER_CHUNK_SIZE`), as
    /// `smfi_replacebody` does.
    ReplaceBody(Vec<u8>),
}

/// Append `response`'s packet (several for a long [`Response::ReplaceBody`]) to `out`.
pub fn encode(response: &Response, out: &mut Vec<u8>) {
    let mut d = Vec::new();
    let code = match response {
        Response::OptNeg {
            version,
            actions,
            protocol,
        } => {
            d.extend_from_slice(&version.to_be_bytes());
            d.extend_from_slice(&actions.to_be_bytes());
            d.extend_from_slice(&protocol.to_be_bytes());
            SMFIC_OPTNEG
        }
        Response::Continue => SMFIR_CONTINUE,
        Response::Accept => SMFIR_ACCEPT,
        Response::Reject => SMFIR_REJECT,
        Response::Discard => SMFIR_DISCARD,
        Response::Tempfail => SMFIR_TEMPFAIL,
        Response::ReplyCode(text) => {
            put_cstr(&mut d, text.as_bytes());
            SMFIR_REPLYCODE
        }
        Response::AddHeader { name, value } => {
            put_cstr(&mut d, name.as_bytes());
            put_cstr(&mut d, value);
            SMFIR_ADDHEADER
        }
        Response::InsertHeader { index, name, value } => {
            d.extend_from_slice(&index.to_be_bytes());
            put_cstr(&mut d, name.as_bytes());
            put_cstr(&mut d, value);
            SMFIR_INSHEADER
        }
        Response::ChangeHeader { index, name, value } => {
            d.extend_from_slice(&index.to_be_bytes());
            put_cstr(&mut d, name.as_bytes());
            put_cstr(&mut d, value);
            SMFIR_CHGHEADER
        }
        Response::Quarantine(reason) => {
            put_cstr(&mut d, reason.as_bytes());
            SMFIR_QUARANTINE
        }
        Response::Progress => SMFIR_PROGRESS,
        Response::Skip => SMFIR_SKIP,
        Response::ChangeFrom { from, args } => {
            put_cstr(&mut d, from.as_bytes());
            if let Some(args) = args {
                put_cstr(&mut d, args.as_bytes());
            }
            SMFIR_CHGFROM
        }
        Response::AddRcpt(rcpt) => {
            put_cstr(&mut d, rcpt.as_bytes());
            SMFIR_ADDRCPT
        }
        Response::DelRcpt(rcpt) => {
            put_cstr(&mut d, rcpt.as_bytes());
            SMFIR_DELRCPT
        }
        Response::ReplaceBody(body) => {
            if body.is_empty() {
                put_packet(out, SMFIR_REPLBODY, &[]);
            }
            for chunk in body.chunks(CHUNK_SIZE) {
                put_packet(out, SMFIR_REPLBODY, chunk);
            }
            return;
        }
    };
    put_packet(out, code, &d);
}
