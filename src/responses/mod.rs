//! `kurator responses pull`: collects reader responses from Mastodon,
//! Bluesky and webmention.io and merges them into `responses/**/*.yaml` as
//! `approved: false`, for an editor to approve in review (SPEC §16).
//!
//! Network code lives only here and is never part of `build` or `check`.

pub mod avatars;
pub mod fetch;
pub mod merge;
pub mod pull;
pub mod sources;
