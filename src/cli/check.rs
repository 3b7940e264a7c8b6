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
    /// Also check every outbound URL over the network (cached in .kurator/).
    #[arg(long)]
    external: bool,
    /// Re-check URLs whose cached answer is older than this (e.g. 7d, 12h, 0).
    #[arg(long, value_name = "AGE", default_value = "7d", requires = "external", value_parser = crate::cache::parse_age)]
    max_age: std::time::Duration,
    /// Look up an archived copy of every dead link (Wayback Machine).
    #[arg(long, requires = "external")]
    suggest_archive: bool,
    /// Where the cache lives (default: SITE/.kurator).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<std::path::PathBuf>,
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
    let mut external = None;
    let diags = if a.external {
        let cache = crate::cache::Cache::open(&site_dir, a.cache_dir.as_deref());
        let settings = crate::net::linkcheck::Settings {
            max_age: a.max_age,
            suggest_archive: a.suggest_archive,
            ..Default::default()
        };
        crate::check_and(&opts, |site| {
            let r = crate::net::linkcheck::check_site(site, &cache, &settings);
            external = Some((r.urls, r.cached));
            r.diagnostics
        })
    } else {
        crate::check(&opts)
    };
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
        if let Some((urls, cached)) = external {
            println!("checked {urls} external URL(s), {cached} answered from the cache");
        }
        println!("{errors} error(s), {warnings} warning(s)");
    }
    if errors > 0 || (a.strict && warnings > 0) {
        1
    } else {
        0
    }
}
