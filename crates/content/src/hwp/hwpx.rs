use crate::archive::Member;
use crate::{Node, Walk};

/// HWPX (OWPML, KS X 6101): called by the zip reader with every member it extracted.
pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, members: Vec<Member>) {
    for m in members {
        w.child(node, &m.name, &m.data);
    }
}
