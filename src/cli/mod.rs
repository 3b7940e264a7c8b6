//! The command line: one file per subcommand.

mod build;
mod check;
mod import;
mod new;
mod responses;
mod serve;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// kurator — a static-site generator for corporate dialogue blogs and curation hubs.
#[derive(Parser, Debug)]
#[command(name = "kurator", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into an output folder (all or nothing).
    Build(build::BuildArgs),
    /// Run every validation and the guideline rules without writing output.
    Check(check::CheckArgs),
    /// Serve the site on loopback, rebuild on every change and reload open tabs.
    Serve(serve::ServeArgs),
    /// Create a site, article, curated link, author or channel from a template.
    #[command(subcommand)]
    New(new::NewCommand),
    /// Reader responses: `pull` collects new ones for review.
    #[command(subcommand)]
    Responses(responses::ResponsesCommand),
    /// Import content from another system (a WordPress export) into a site.
    #[command(subcommand)]
    Import(import::ImportCommand),
}

/// Entry point used by `main`: returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Build(a) => build::run(a),
        Command::Check(a) => check::run(a),
        Command::Serve(a) => serve::run(a),
        Command::New(c) => new::run(c),
        Command::Responses(c) => responses::run(c),
        Command::Import(c) => import::run(c),
    }
}

/// Options shared by commands that read a site.
#[derive(clap::Args, Debug, Clone)]
pub struct SiteArgs {
    /// The site folder (contains site.yaml).
    #[arg(value_name = "SITE")]
    pub site: Option<PathBuf>,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
}

/// Prints diagnostics for humans on stderr (with source lines and carets).
pub fn print_human(diags: &[crate::diagnostics::Diagnostic], site_dir: &std::path::Path) {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let source = |rel: &str| std::fs::read_to_string(site_dir.join(rel)).ok();
    let _ = crate::diagnostics::print(
        diags,
        crate::diagnostics::Format::Human,
        color,
        &source,
        &mut std::io::stderr().lock(),
    );
}
