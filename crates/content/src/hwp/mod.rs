//! Hangul Word Processor documents (Hancom): HWP 5 (an OLE compound file), HWPX (OWPML zip, KS X 6101),
//! HWP 3 and HWPML. (Being built: issue 4.)

pub mod hwpx;

use crate::office::ole::Ole;
use crate::{Node, Walk};

/// HWP 5: called by the OLE analyser once `FileHeader` identified the compound file.
pub(crate) fn analyse_cfb(_w: &mut Walk<'_>, _node: &mut Node, _ole: &mut Ole<'_>) {}

/// HWP 3.x binary documents and HWPML (XML).
pub(crate) fn analyse_legacy(_w: &mut Walk<'_>, _node: &mut Node, _data: &[u8]) {}
