//! `kurator check`: every validation of the build plus the guideline rules,
//! without writing output; all findings in one run, sorted by file and line.

use super::SiteArgs;
use crate::diagnostics::{self, Class, Format};
use crate::LoadOptions;
use std::io::IsTerminal;

/// Arguments of `kurator check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Fail on warnings too.
    #[arg(long)]
    strict: bool,
}

pub fn run(a: CheckArgs) -> i32 {
    let site_dir = crate::site_dir(a.site.site.as_deref());
    if !site_dir.is_dir() {
        eprintln!("error: site folder {} does not exist", site_dir.display());
        return 2;
    }
    let opts = LoadOptions {
        site_dir: site_dir.clone(),
        drafts: a.site.drafts,
        future: true,
        ..Default::default()
    };
    let diags = crate::check(&opts);
    // Without a readable site.yaml there is no site to check: a usage error.
    if diags.iter().any(|d| d.class == Class::Setup) {
        super::print_human(&diags, &site_dir);
        return 2;
    }
    let color = a.format == Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let source = |rel: &str| std::fs::read_to_string(site_dir.join(rel)).ok();
    let stdout = std::io::stdout();
    match diagnostics::print(&diags, a.format, color, &source, &mut stdout.lock()) {
        // A closed pipe (`kurator check | head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return 0,
        Err(e) => {
            eprintln!("error: cannot write findings: {e}");
            return 2;
        }
        Ok(()) => {}
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if a.format == Format::Human {
        println!("{errors} error(s), {warnings} warning(s)");
    }
    if errors > 0 || (a.strict && warnings > 0) {
        1
    } else {
        0
    }
}
