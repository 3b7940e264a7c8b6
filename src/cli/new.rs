//! `kurator new`: scaffolds for sites, articles, links, authors and channels.

use crate::new;
use std::path::PathBuf;

/// What to create.
#[derive(clap::Subcommand, Debug)]
pub enum NewCommand {
    /// A new site with one author, channel, article and page.
    Site { dir: PathBuf },
    /// An article in articles/, dated today.
    Article {
        title: String,
        #[arg(long)]
        author: String,
        #[arg(long)]
        channel: String,
        #[arg(long)]
        lang: Option<String>,
        /// The site folder (default: current folder).
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// A curated link in links/, dated today.
    Link {
        url: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        source: String,
        #[arg(long)]
        curator: String,
        #[arg(long)]
        channel: String,
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// An author profile in authors/.
    Author {
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// A topic channel in channels/.
    Channel {
        id: String,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

pub fn run(c: NewCommand) -> i32 {
    let result = match c {
        NewCommand::Site { dir } => new::site(&dir).map(|files| {
            files
                .into_iter()
                .filter(|f| !f.ends_with(".gitkeep"))
                .collect()
        }),
        NewCommand::Article {
            title,
            author,
            channel,
            lang,
            site,
        } => new::article(&site, &title, &author, &channel, lang.as_deref()).map(|p| vec![p]),
        NewCommand::Link {
            url,
            title,
            source,
            curator,
            channel,
            site,
        } => new::link(&site, &url, &title, &source, &curator, &channel).map(|p| vec![p]),
        NewCommand::Author { id, name, site } => new::author(&site, &id, &name).map(|p| vec![p]),
        NewCommand::Channel { id, title, site } => {
            new::channel(&site, &id, &title).map(|p| vec![p])
        }
    };
    match result {
        Ok(files) => {
            for f in files {
                println!("created {}", f.display());
            }
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
