//! The resolve-stage half of images (SPEC §11): after the site is resolved,
//! [`scan`] reads the header of every image content refers to and plans its
//! variants, and [`Images::rewrite_site`](crate::media::Images::rewrite_site)
//! turns each `<img>` of a known image into responsive markup. Decoding,
//! resizing, encoding and stripping live in [`crate::media`], which knows
//! nothing of the site model.

mod markup;
mod scan;

pub use scan::scan;
