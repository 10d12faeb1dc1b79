use crate::{Node, Walk};

pub(crate) fn analyse(_w: &mut Walk<'_>, _node: &mut Node, _data: &[u8]) {}
