//! One page per file: each has its query or form type and its handlers.

pub mod assets;
pub mod claims;
pub mod coding;
pub mod comments;
pub mod dashboard;
pub mod imports;
pub mod login;
pub mod reliability;
pub mod report;
pub mod review;
pub mod settings;
pub mod video;
pub mod videos;
