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
        /// The source's title (required unless --fetch).
        #[arg(long, required_unless_present = "fetch")]
        title: Option<String>,
        /// The publication (required unless --fetch).
        #[arg(long, required_unless_present = "fetch")]
        source: Option<String>,
        /// Read title, publication, author and language from the page (network).
        #[arg(long)]
        fetch: bool,
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

/// The scaffold's fields from the page at `url`; on failure says why on
/// stderr and returns placeholders, so the curator can fill them in.
fn fetched_fields(url: &str) -> new::LinkFields {
    let placeholders = new::LinkFields {
        title: "TODO: title".into(),
        source: "TODO: publication".into(),
        quote_placeholder: true,
        ..Default::default()
    };
    let client = crate::net::http::Client::new(crate::net::http::Options::from_env());
    match crate::net::meta::fetch(&client, url) {
        Ok(m) => new::LinkFields {
            title: m.title.unwrap_or(placeholders.title),
            source: m.source.unwrap_or(placeholders.source),
            source_author: m.source_author,
            lang: m.lang,
            suggested_quote: m.description,
            quote_placeholder: true,
        },
        Err(e) => {
            eprintln!("warning: could not read {url}: {e}; writing placeholders to fill in");
            placeholders
        }
    }
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
            fetch,
            curator,
            channel,
            site,
        } => {
            // A URL the scaffold refuses anyway is not worth a request.
            let mut f = if fetch && crate::net::http::is_http_url(&url) {
                fetched_fields(&url)
            } else {
                new::LinkFields::default()
            };
            // What the curator typed wins over what the page says.
            f.title = title.unwrap_or(f.title);
            f.source = source.unwrap_or(f.source);
            new::link_with(&site, &url, &f, &curator, &channel).map(|p| vec![p])
        }
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
