//! kurator: a static-site generator for corporate dialogue blogs and curation hubs.
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod discover;
