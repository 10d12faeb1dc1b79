use crate::archive::Member;
use crate::{Node, Walk};

/// Called by the zip reader when the package has `[Content_Types].xml` (ECMA-376 Part 2 OPC), with
/// every member it extracted. Decides which members become children of `node`.
pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, members: Vec<Member>) {
    for m in members {
        w.child(node, &m.name, &m.data);
    }
}
