//! `kurator check`.

use super::{print_human, SiteArgs};
use crate::LoadOptions;

/// Arguments of `kurator check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Fail on warnings too.
    #[arg(long)]
    strict: bool,
}

pub fn run(a: CheckArgs) -> i32 {
    let site_dir = crate::site_dir(a.site.site.as_deref());
    let opts = LoadOptions { site_dir, drafts: a.site.drafts, future: true, ..Default::default() };
    let diags = crate::check(&opts);
    print_human(&diags);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    eprintln!("{errors} error(s), {warnings} warning(s)");
    if errors > 0 || (a.strict && warnings > 0) {
        1
    } else {
        0
    }
}
