//! Scaffolds for `kurator new`: files land in the right folder with a dated,
//! transliterated name and valid front matter; nothing is ever overwritten.

use crate::content::slug::{is_valid_id, slugify};
use std::fs;
use std::path::{Path, PathBuf};

/// Why a scaffold was not written.
#[derive(Debug)]
pub enum NewError {
    Exists(PathBuf),
    UnknownId {
        kind: &'static str,
        id: String,
        known: Vec<String>,
    },
    BadId(String),
    BadUrl(String),
    NotASite(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for NewError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NewError::Exists(p) => write!(
                f,
                "{} already exists; kurator never overwrites files",
                p.display()
            ),
            NewError::UnknownId { kind, id, known } if known.is_empty() => {
                write!(f, "unknown {kind} `{id}`: there are no {kind}s yet; create one with `kurator new {kind} ID`")
            }
            NewError::UnknownId { kind, id, known } => {
                write!(f, "unknown {kind} `{id}`; known: {}", known.join(", "))
            }
            NewError::BadId(id) => write!(
                f,
                "`{id}` is not a valid id (lowercase a-z, 0-9 and -); try `{}`",
                slugify(id)
            ),
            NewError::BadUrl(u) => write!(f, "`{u}` is not an absolute http(s) URL"),
            NewError::NotASite(p) => write!(
                f,
                "{} has no site.yaml; run this inside a site or pass --site",
                p.display()
            ),
            NewError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

/// A YAML scalar for any text: JSON strings are valid YAML double-quoted scalars.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn known_ids(site: &Path, folder: &str) -> Vec<String> {
    let mut ids: Vec<String> = fs::read_dir(site.join(folder))
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(|n| n.strip_suffix(".md"))
                        .map(str::to_string)
                })
                .filter(|n| !crate::discover::is_ignored_name(n))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

fn require(site: &Path, kind: &'static str, folder: &str, id: &str) -> Result<(), NewError> {
    let known = known_ids(site, folder);
    if known.iter().any(|k| k == id) {
        Ok(())
    } else {
        Err(NewError::UnknownId {
            kind,
            id: id.to_string(),
            known,
        })
    }
}

fn require_site(site: &Path) -> Result<(), NewError> {
    if site.join("site.yaml").is_file() {
        Ok(())
    } else {
        Err(NewError::NotASite(site.to_path_buf()))
    }
}

/// Writes a new file, refusing to replace an existing one.
fn create(path: &Path, text: &str) -> Result<PathBuf, NewError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| NewError::Io(dir.to_path_buf(), e))?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => NewError::Exists(path.to_path_buf()),
            _ => NewError::Io(path.to_path_buf(), e),
        })?;
    std::io::Write::write_all(&mut f, text.as_bytes())
        .map_err(|e| NewError::Io(path.to_path_buf(), e))?;
    Ok(path.to_path_buf())
}

/// What scaffolds take from `site.yaml`: the language their placeholder
/// text is written in, and today's date in the site's time zone.
struct SiteInfo {
    german: bool,
    today: String,
}

impl SiteInfo {
    /// Reads `site.yaml` once; a missing or broken one gives English and UTC
    /// (`new site` runs before there is one).
    fn read(site: &Path) -> Self {
        let config = fs::read_to_string(site.join("site.yaml"))
            .ok()
            .and_then(|t| crate::config::Config::parse(&t, None).ok());
        let tz = config
            .as_ref()
            .map(|c| c.tz())
            .unwrap_or(jiff::tz::TimeZone::UTC);
        SiteInfo {
            german: config.is_some_and(|c| c.language.starts_with("de")),
            today: crate::now(&tz).strftime("%Y-%m-%d").to_string(),
        }
    }
}

/// Placeholder text of a scaffold, German for German sites (or articles).
fn placeholder(german: bool, what: Placeholder) -> &'static str {
    use Placeholder::*;
    match (what, german) {
        (Article, true) => "Erster Absatz: Worum es geht und warum es wichtig ist. Er wird zur Zusammenfassung.\n\n<!-- more -->\n\nDer Rest des Beitrags.\n",
        (Article, false) => "First paragraph: what this is about and why it matters. It becomes the summary.\n\n<!-- more -->\n\nThe rest of the article.\n",
        (Link, true) => "Warum lohnt sich die Lektüre? Ergänzen Sie Ihre eigene Sicht: Was sehen Sie genauso, was fehlt, was bedeutet es für uns?\n",
        (Link, false) => "Why is this worth reading? Add your own view: what you agree with, what you would add, what it means for us.\n",
        (Author, true) => "Ein paar Sätze über Sie und worüber Sie schreiben.\n",
        (Author, false) => "A few sentences about you and what you write about.\n",
        (Channel, true) => "Worum es in diesem Kanal geht und für wen er sich lohnt.\n",
        (Channel, false) => "What this channel is about and who should follow it.\n",
    }
}

#[derive(Clone, Copy)]
enum Placeholder {
    Article,
    Link,
    Author,
    Channel,
}

fn file_slug(title: &str) -> String {
    let s = slugify(title);
    if s.is_empty() {
        "untitled".into()
    } else {
        s
    }
}

/// `kurator new article`.
pub fn article(
    site: &Path,
    title: &str,
    author: &str,
    channel: &str,
    lang: Option<&str>,
) -> Result<PathBuf, NewError> {
    require_site(site)?;
    require(site, "author", "authors", author)?;
    require(site, "channel", "channels", channel)?;
    let info = SiteInfo::read(site);
    let date = &info.today;
    let lang_line = lang
        .map(|l| format!("lang: {}\n", q(l)))
        .unwrap_or_default();
    let german = lang.map_or(info.german, |l| l.starts_with("de"));
    let text = format!(
        "---\ntitle: {}\ndate: {date}\nauthors: [{author}]\nchannels: [{channel}]\ntags: []\n{lang_line}draft: true\n{}---\n{}",
        q(title),
        share_block(german),
        placeholder(german, Placeholder::Article)
    );
    create(
        &site
            .join("articles")
            .join(format!("{date}-{}.md", file_slug(title))),
        &text,
    )
}

/// A commented `share:` block: what colleagues may post with the link
/// (SPEC §12). Commented out, so an untouched scaffold suggests nothing.
fn share_block(german: bool) -> &'static str {
    if german {
        "# Textvorschlag fürs Teilen (Bluesky: 300, Mastodon: 500 Zeichen mit Link und Signatur):\n# share:\n#   text: \"Worum es geht, in ein, zwei Sätzen.\"\n#   hashtags: [Markenbotschafter]\n"
    } else {
        "# Suggested text for sharing (Bluesky: 300, Mastodon: 500 characters with link and signature):\n# share:\n#   text: \"What this is about, in a sentence or two.\"\n#   hashtags: [BrandAmbassadors]\n"
    }
}

/// What a curated-link scaffold says about its source (`new link`,
/// filled by hand or by `--fetch`).
#[derive(Debug, Clone, Default)]
pub struct LinkFields {
    pub title: String,
    pub source: String,
    pub source_author: Option<String>,
    pub lang: Option<String>,
    /// A passage to suggest as `quote` (written as a comment: the curator
    /// picks the words, kurator does not quote on their behalf).
    pub suggested_quote: Option<String>,
    /// Write a commented `quote:` line even without a suggestion.
    pub quote_placeholder: bool,
}

/// `kurator new link`.
pub fn link(
    site: &Path,
    url: &str,
    title: &str,
    source: &str,
    curator: &str,
    channel: &str,
) -> Result<PathBuf, NewError> {
    let f = LinkFields {
        title: title.to_string(),
        source: source.to_string(),
        ..Default::default()
    };
    link_with(site, url, &f, curator, channel)
}

/// `kurator new link`, with every field given (by hand or read by `--fetch`).
pub fn link_with(
    site: &Path,
    url: &str,
    f: &LinkFields,
    curator: &str,
    channel: &str,
) -> Result<PathBuf, NewError> {
    require_site(site)?;
    // The rule the link schema applies, so a scaffold never fails `check`.
    let http = url.starts_with("https://") || url.starts_with("http://");
    if !http || url.len() <= "https://".len() || url.contains(char::is_whitespace) {
        return Err(NewError::BadUrl(url.to_string()));
    }
    require(site, "author", "authors", curator)?;
    require(site, "channel", "channels", channel)?;
    let info = SiteInfo::read(site);
    let date = &info.today;
    let mut extra = String::new();
    if let Some(a) = &f.source_author {
        extra.push_str(&format!("source_author: {}\n", q(a)));
    }
    if let Some(l) = &f.lang {
        extra.push_str(&format!("lang: {}\n", q(l)));
    }
    match &f.suggested_quote {
        // One line whatever the page sent: YAML 1.1 also ends a comment at
        // U+2028/U+2029 and NEL, which would let page text become front matter.
        Some(d) => extra.push_str(&format!(
            "# quote: {}  (the page's own summary; quote the article's words, briefly)\n",
            q(&d.split_whitespace().collect::<Vec<_>>().join(" "))
        )),
        None if f.quote_placeholder => extra.push_str(
            "# quote: \"…\"  (a short passage from the article, attributed to the source)\n",
        ),
        None => {}
    }
    let text = format!(
        "---\nurl: {}\ntitle: {}\nsource: {}\n{extra}curator: {curator}\ndate: {date}\nchannels: [{channel}]\ntags: []\n---\n{}",
        q(url),
        q(&f.title),
        q(&f.source),
        placeholder(info.german, Placeholder::Link)
    );
    create(
        &site
            .join("links")
            .join(format!("{date}-{}.md", file_slug(&f.title))),
        &text,
    )
}

/// `kurator new author`.
pub fn author(site: &Path, id: &str, name: &str) -> Result<PathBuf, NewError> {
    require_site(site)?;
    if !is_valid_id(id) {
        return Err(NewError::BadId(id.to_string()));
    }
    let info = SiteInfo::read(site);
    let lang = if info.german { "de" } else { "en" };
    let text = format!(
        "---\nname: {}\nrole: \"\"\nlanguages: [{lang}]\nactive: true\n---\n{}",
        q(name),
        placeholder(info.german, Placeholder::Author)
    );
    create(&site.join("authors").join(format!("{id}.md")), &text)
}

/// `kurator new channel`.
pub fn channel(site: &Path, id: &str, title: &str) -> Result<PathBuf, NewError> {
    require_site(site)?;
    if !is_valid_id(id) {
        return Err(NewError::BadId(id.to_string()));
    }
    let german = SiteInfo::read(site).german;
    let text = format!(
        "---\ntitle: {}\ndescription: \"\"\ncurators: []\norder: 100\n---\n{}",
        q(title),
        placeholder(german, Placeholder::Channel)
    );
    create(&site.join("channels").join(format!("{id}.md")), &text)
}

/// `kurator new site`: a small, working hub that builds and checks clean.
pub fn site(dir: &Path) -> Result<Vec<PathBuf>, NewError> {
    if dir.exists()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(NewError::Exists(dir.to_path_buf()));
    }
    let date = SiteInfo::read(dir).today;
    let files: Vec<(String, String)> = vec![
        ("site.yaml".into(), STARTER_SITE.into()),
        ("authors/redaktion.md".into(), "---\nname: Redaktion\nrole: Hub-Team\nlanguages: [de, en]\n---\nDas Team, das diesen Hub betreut.\n".into()),
        ("channels/neuigkeiten.md".into(), "---\ntitle: Neuigkeiten\ndescription: Was bei uns passiert\ncurators: [redaktion]\ncolor: \"#0f62fe\"\norder: 10\n---\nNeues aus dem Unternehmen, erzählt von den Menschen, die daran arbeiten.\n".into()),
        (format!("articles/{date}-willkommen.md"), format!("---\ntitle: Willkommen im Hub\ndate: {date}\nauthors: [redaktion]\nchannels: [neuigkeiten]\ntags: [Hub]\n---\nHier schreiben Mitarbeitende über ihre Arbeit – in eigenen Worten.\n\n<!-- more -->\n\nLegen Sie mit `kurator new article \"Titel\" --author ID --channel neuigkeiten` Ihren ersten Beitrag an.\n")),
        ("pages/about.md".into(), "---\ntitle: Über diesen Hub\nmenu: true\nweight: 10\n---\nDieser Hub wird mit kurator gebaut.\n".into()),
        ("static/.gitkeep".into(), String::new()),
    ];
    files
        .iter()
        .map(|(rel, text)| create(&dir.join(rel), text))
        .collect()
}

const STARTER_SITE: &str = "title: Mein Hub
base_url: https://hub.example.com
description: Stimmen aus dem Unternehmen
language: de
languages: [de, en]
timezone: Europe/Berlin
paginate: 20
feeds:
  formats: [atom, json]
  limit: 50
guidelines:
  confidential_markers: [\"VERTRAULICH\", \"INTERNAL ONLY\"]
  max_quote_words: 120
  require_alt_text: true
";
