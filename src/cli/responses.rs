//! `kurator responses pull [SITE]`: collects new reader responses into
//! `responses/` as `approved: false` and says what was added.

use crate::responses::pull::{pull, PullError, PullOptions, Summary};
use std::path::PathBuf;

/// Subcommands of `kurator responses`.
#[derive(clap::Subcommand, Debug)]
pub enum ResponsesCommand {
    /// Fetch new replies, likes and reposts (Mastodon, Bluesky, webmention.io)
    /// into responses/**/*.yaml as `approved: false`.
    Pull {
        /// The site folder (contains site.yaml).
        #[arg(value_name = "SITE")]
        site: Option<PathBuf>,
    },
}

/// Runs a `responses` subcommand; returns the exit code.
pub fn run(c: ResponsesCommand) -> i32 {
    let ResponsesCommand::Pull { site } = c;
    let site_dir = crate::site_dir(site.as_deref());
    if !site_dir.is_dir() {
        eprintln!("error: site folder {} does not exist", site_dir.display());
        return 2;
    }
    match pull(&PullOptions {
        site_dir: site_dir.clone(),
    }) {
        Ok(s) => {
            print_summary(&s);
            0
        }
        Err(PullError::Site(d)) => {
            super::print_human(&d, &site_dir);
            2
        }
        Err(PullError::Responses(d)) => {
            super::print_human(&d, &site_dir);
            eprintln!("error: fix the response files first; nothing was pulled");
            1
        }
    }
}

fn print_summary(s: &Summary) {
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
    if s.files.is_empty() {
        println!("No new responses.");
        return;
    }
    let mut total = 0;
    for f in &s.files {
        let parts: Vec<String> = [
            (f.replies, "reply", "replies"),
            (f.likes, "like", "likes"),
            (f.reposts, "repost", "reposts"),
            (f.mentions, "mention", "mentions"),
        ]
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
        .collect();
        let new = if f.created { " (new file)" } else { "" };
        println!("{}{new}: +{}", f.file, parts.join(", "));
        total += f.total();
    }
    println!(
        "{total} new response(s) in {} file(s), {} picture(s) downloaded; all `approved: false` until an editor approves them",
        s.files.len(),
        s.avatars
    );
}
