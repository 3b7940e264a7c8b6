//! `kurator import wordpress`: moving a WordPress blog into a kurator site.

use crate::import::{self, Options, Report};
use std::path::PathBuf;

/// Where the content comes from.
#[derive(clap::Subcommand, Debug)]
pub enum ImportCommand {
    /// A WordPress export (WXR 1.1/1.2, Tools → Export → All content).
    Wordpress {
        /// The export file (.xml).
        export: PathBuf,
        /// The site to create or add to (default: current folder).
        #[arg(long, default_value = ".")]
        into: PathBuf,
        /// A copy of wp-content/uploads: media is copied into static/uploads/.
        #[arg(long, value_name = "UPLOADS_DIR")]
        media: Option<PathBuf>,
        /// Posts in this category (slug or name) become curated links.
        #[arg(long, value_name = "CATEGORY")]
        links_from: Option<String>,
    },
}

/// Runs the import; exit 0 on success, 1 when the export or the site is
/// unusable, 2 when an argument is.
pub fn run(cmd: ImportCommand) -> i32 {
    let ImportCommand::Wordpress {
        export,
        into,
        media,
        links_from,
    } = cmd;
    let opts = Options {
        export,
        into,
        media,
        links_from,
    };
    match import::run(&opts) {
        Ok(report) => {
            print(&report, &opts);
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            match e {
                import::ImportError::Usage(_) => 2,
                _ => 1,
            }
        }
    }
}

fn print(r: &Report, opts: &Options) {
    let mut out = String::new();
    let verb = if r.created_site {
        "created"
    } else {
        "added to"
    };
    out.push_str(&format!("import: {verb} {}\n", opts.into.display()));
    for (kind, n) in &r.counts {
        out.push_str(&format!("  {n:>6}  {kind}\n"));
    }
    out.push_str(&format!(
        "  files: {} written, {} unchanged, {} skipped (exist with other content)\n",
        r.written.len(),
        r.unchanged.len(),
        r.skipped.len()
    ));
    for s in &r.skipped {
        out.push_str(&format!("  skipped: {s} (exists; not overwritten)\n"));
    }
    for (post, w) in &r.warnings {
        out.push_str(&format!("warning: {post}: {w}\n"));
    }
    if !r.written.is_empty() {
        out.push_str("next: kurator check, then kurator build\n");
    }
    // A closed pipe (`| head`) is not an error worth a panic.
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}
