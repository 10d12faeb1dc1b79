//! Microsoft Office and related document formats: OLE/CFB compound files (Word/Excel/PowerPoint 97-2003,
//! VBA projects, Ole10Native packages, encrypted OOXML), OOXML packages, RTF.

pub mod ole;
pub mod ooxml;
pub mod rtf;
pub mod sylk;
