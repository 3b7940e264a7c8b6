//! `kurator import wordpress`: a WordPress export becomes a kurator site, or
//! is added to one. The whole export is parsed and mapped in memory first;
//! only then are files written, each new one via a temporary name, and an
//! existing file is never overwritten. So a broken export writes nothing, and
//! a second import of the same export changes nothing.

mod comments;
mod dom;
mod front;
pub mod html_md;
mod md_write;
mod media;
mod plain;
mod plan;
mod shortcode;
pub mod wordpress;
mod write;

use crate::config::Config;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the import writes, by path relative to the site root.
#[derive(Default)]
pub struct Plan {
    pub files: BTreeMap<String, Vec<u8>>,
    pub media: Vec<(std::path::PathBuf, String)>,
}

/// The parts of the target site the mapping depends on.
pub struct Target {
    pub tz: jiff::tz::TimeZone,
    pub article_permalink: String,
    pub link_permalink: String,
    pub language: String,
}

/// What `kurator import wordpress` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub export: PathBuf,
    pub into: PathBuf,
    pub media: Option<PathBuf>,
    pub links_from: Option<String>,
}

/// Counts per kind and every warning with the post it belongs to.
#[derive(Debug, Default)]
pub struct Report {
    pub counts: BTreeMap<String, usize>,
    /// (post title, message).
    pub warnings: Vec<(String, String)>,
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    /// Files that exist with other content: left alone.
    pub skipped: Vec<String>,
    pub created_site: bool,
}

impl Report {
    fn count(&mut self, kind: &str, n: usize) {
        if n > 0 {
            *self.counts.entry(kind.to_string()).or_default() += n;
        }
    }

    fn warn(&mut self, post: &str, message: &str) {
        self.warnings.push((post.to_string(), message.to_string()));
    }
}

/// Why an import stopped. Nothing was written in any of these cases except
/// `Write`, after which the files of this run are removed again.
#[derive(Debug)]
pub enum ImportError {
    Read(PathBuf, std::io::Error),
    Xml {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
        hint: &'static str,
    },
    Site(String),
    /// A command-line argument is unusable (exit 2, like clap's own errors).
    Usage(String),
    Write(PathBuf, std::io::Error),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Read(p, e) => write!(f, "{}: cannot read: {e}", p.display()),
            ImportError::Xml {
                file,
                line,
                column,
                message,
                hint,
            } => write!(
                f,
                "{}:{line}:{column}: {message}\n  hint: {hint}\n  nothing was written",
                file.display()
            ),
            ImportError::Site(m) | ImportError::Usage(m) => write!(f, "{m}"),
            ImportError::Write(p, e) => write!(
                f,
                "{}: cannot write: {e}; the files of this import were removed again",
                p.display()
            ),
        }
    }
}

/// Runs the import and returns its report.
pub fn run(opts: &Options) -> Result<Report, ImportError> {
    // Arguments first: a wrong flag should not wait for a large export to parse.
    if let Some(m) = &opts.media {
        if !m.is_dir() {
            return Err(ImportError::Usage(format!(
                "--media {}: not a folder; pass a copy of wp-content/uploads",
                m.display()
            )));
        }
    }
    let file =
        std::fs::File::open(&opts.export).map_err(|e| ImportError::Read(opts.export.clone(), e))?;
    let export = wordpress::parse(std::io::BufReader::with_capacity(256 * 1024, file))
        .map_err(|e| xml_error(&opts.export, e))?;
    let mut report = Report::default();
    let (target, site_yaml) = target(&opts.into, &export)?;
    let mut media = media::Media::new(opts.media.clone());
    let mut plan = plan::build(
        &export,
        &target,
        opts.links_from.as_deref(),
        &mut media,
        &mut report,
    );
    report.warnings.append(&mut media.warnings);
    if media.remote > 0 {
        report.warn(
            "(all posts)",
            &format!(
                "{} references to wp-content/uploads keep their absolute URLs; pass --media UPLOADS_DIR to copy them into the site",
                media.remote
            ),
        );
    }
    if let Some(y) = site_yaml {
        plan.files.insert("site.yaml".into(), y.into_bytes());
        report.created_site = true;
    }
    write::apply(&opts.into, &plan, &mut report)?;
    Ok(report)
}

/// The target site's settings; for a new site also its `site.yaml`.
fn target(into: &Path, x: &wordpress::Export) -> Result<(Target, Option<String>), ImportError> {
    let path = into.join("site.yaml");
    if path.is_file() {
        let text =
            std::fs::read_to_string(&path).map_err(|e| ImportError::Read(path.clone(), e))?;
        let cfg = Config::parse(&text, None).map_err(|(loc, p)| {
            ImportError::Site(format!(
                "{}: {}: fix site.yaml before importing into this site (`kurator check` says more)",
                path.display(),
                crate::diagnostics::Diagnostic::new(loc, p).message
            ))
        })?;
        let t = Target {
            tz: cfg.tz(),
            article_permalink: cfg.permalinks.article.clone(),
            link_permalink: cfg.permalinks.link.clone(),
            language: cfg.language.clone(),
        };
        return Ok((t, None));
    }
    let lang_tag = x.language.trim().to_ascii_lowercase();
    let language = lang_tag.split(['-', '_']).next().unwrap_or("").to_string();
    let language = if language.len() == 2 {
        language
    } else {
        "de".into()
    };
    let timezone = zone_for(&lang_tag).to_string();
    let base_url = Some(x.link.trim().trim_end_matches('/').to_string())
        .filter(|l| l.starts_with("https://") || l.starts_with("http://"))
        .unwrap_or_else(|| "https://example.com".into());
    let yaml = front::SiteYaml {
        title: Some(one_line(&decode_entities(&x.title)))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "WordPress".into()),
        base_url,
        description: Some(one_line(&decode_entities(&x.description))).filter(|d| !d.is_empty()),
        language: language.clone(),
        timezone: timezone.clone(),
        extra: front::SiteExtra {
            wordpress_ids: true,
        },
    };
    let t = Target {
        tz: jiff::tz::TimeZone::get(&timezone).unwrap_or(jiff::tz::TimeZone::UTC),
        article_permalink: "/:year/:month/:slug/".into(),
        link_permalink: "/links/:slug/".into(),
        language,
    };
    Ok((t, Some(front::yaml(&yaml))))
}

/// WXR carries no time-zone name, only the language: a best guess for the
/// new site.yaml (dates are written with their offset, so they stay exact).
fn zone_for(lang_tag: &str) -> &'static str {
    match lang_tag {
        "de-at" => "Europe/Vienna",
        "de-ch" | "fr-ch" | "it-ch" => "Europe/Zurich",
        t if t.starts_with("de") => "Europe/Berlin",
        t if t.starts_with("fr") => "Europe/Paris",
        t if t.starts_with("nl") => "Europe/Amsterdam",
        t if t.starts_with("en-gb") => "Europe/London",
        _ => "UTC",
    }
}

fn xml_error(file: &Path, e: wordpress::ParseError) -> ImportError {
    let bytes = std::fs::read(file).unwrap_or_default();
    let (line, column) = line_col(&bytes, e.offset as usize);
    let mut message = e.message;
    if let Some(at) = e.opened_at {
        message.push_str(&format!(
            " (it opened on line {})",
            line_col(&bytes, at as usize).0
        ));
    }
    // quick-xml names the syntax; at the very end of the file the cause is a cut-off download.
    let at_end = e.offset as usize + 1 >= bytes.len() || message.contains("end of input");
    let hint = if at_end && e.opened_at.is_none() {
        "the file ends in the middle of the XML: it was cut off; download or export it again"
    } else {
        e.hint
    };
    ImportError::Xml {
        file: file.to_path_buf(),
        line,
        column,
        message,
        hint,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// Whitespace (also newlines) collapsed: titles and names are one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `%C3%BC` → `ü` (WordPress stores non-ASCII slugs percent-encoded).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// HTML entities WordPress leaves in titles and term names (`&amp;`, `&#8211;`).
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail[1..].find(';').map(|e| e + 1).filter(|&e| e <= 10);
        let decoded = end.and_then(|e| entity(&tail[1..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(h) => u32::from_str_radix(h, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "bdquo" => '„',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_percent_escapes_are_decoded() {
        assert_eq!(
            decode_entities("F&uuml;hrung &amp; Kultur &#8211; &bogus; &"),
            "Führung & Kultur – &bogus; &"
        );
        assert_eq!(percent_decode("f%c3%bchrung%2"), "führung%2");
    }

    #[test]
    fn line_and_column_of_an_offset() {
        assert_eq!(line_col("ab\ncdäe".as_bytes(), 7), (2, 4));
        assert_eq!(line_col(b"", 5), (1, 1));
    }
}
