//! Everything that goes online. Never used by `build` or plain `check`:
//! only by commands that say so (`check --external`, `new link --fetch`).

pub mod http;
pub mod linkcheck;
pub mod meta;
