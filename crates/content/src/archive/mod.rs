//! Containers: each lists its members, extracts what it can within the limits, and hands every member to
//! [`Walk::child`](crate::Walk::child).

pub mod compressed;
pub mod disk;
pub mod rar;
pub mod sevenz;
pub mod tar;
pub mod tnef;
pub mod zip;

/// A member a container extracted: its path inside the container and its bytes.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub data: Vec<u8>,
}
