//! Containers: each lists its members, extracts what it can within the limits, and hands every member to
//! [`Walk::child`](crate::Walk::child).

pub mod compressed;
pub mod disk;
pub mod rar;
pub mod sevenz;
pub mod tar;
pub mod tnef;
pub mod zip;
