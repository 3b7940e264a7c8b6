//! `kurator import wordpress`: a WordPress export becomes a kurator site.

pub mod html_md;
// Vendored as is: fields the tree builder fills but the walk never reads stay.
#[allow(dead_code)]
mod rcdom;
mod shortcode;
pub mod wordpress;
