//! The one error model: every problem kurator finds in a site becomes a
//! [`Diagnostic`] with a stable code, a position and a hint, and is turned
//! into text only by the printers at the bottom of this file.

use serde::Serialize;
use std::fmt;

pub use crate::rules::{Rule, Severity};

/// What kind of failure a finding is; decides exit codes without matching
/// on codes or file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Class {
    /// Something in the site's files (exit 1).
    #[default]
    Content,
    /// There is no site to work on: no or unreadable `site.yaml` (exit 2).
    Setup,
    /// A file could not be read or written.
    Io,
}

/// What an unknown id was meant to name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    Author,
    Curator,
    Channel,
}

impl RefKind {
    /// The word used in messages.
    pub fn noun(self) -> &'static str {
        match self {
            RefKind::Author => "author",
            RefKind::Curator => "curator",
            RefKind::Channel => "channel",
        }
    }
}

/// The front-matter field that points at another item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetField {
    InReplyTo,
    TranslationOf,
}

impl TargetField {
    /// The front-matter key.
    pub fn key(self) -> &'static str {
        match self {
            TargetField::InReplyTo => "in_reply_to",
            TargetField::TranslationOf => "translation_of",
        }
    }
}

/// A position in a source file; line and column are 1-based, column in chars.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Location {
    /// A location for a whole file (no line known).
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            line: None,
            column: None,
        }
    }

    /// A location at `line:column` of `file`.
    pub fn at(file: impl Into<String>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line: Some(line),
            column: Some(column),
        }
    }
}

/// Everything that can be wrong with a site, with the data each case needs.
/// `code`, `message` and `hint` are derived here and nowhere else.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Io {
        what: String,
    },
    MissingSiteYaml,
    UnreadableSiteYaml {
        what: String,
    },
    UnknownTheme {
        name: String,
        known: Vec<&'static str>,
    },
    FileTooLarge {
        bytes: u64,
        limit: u64,
    },
    NotUtf8 {
        valid_up_to: usize,
    },
    NoFrontMatter,
    UnclosedFrontMatter,
    FrontMatterNotMapping,
    Yaml {
        message: String,
    },
    UnclosedQuote,
    UnknownKey {
        key: String,
        suggestion: Option<String>,
        known: Vec<&'static str>,
    },
    MissingField {
        field: &'static str,
    },
    WrongType {
        message: String,
    },
    BadDate {
        value: String,
        reason: String,
    },
    BadUrl {
        field: String,
        value: String,
    },
    BadFeedId {
        value: String,
    },
    UnsafeUrl {
        value: String,
    },
    BadColor {
        value: String,
    },
    BadTimezone {
        name: String,
    },
    BadId {
        id: String,
        expected: String,
    },
    UnknownReference {
        kind: RefKind,
        id: String,
        known: Vec<String>,
    },
    MissingTarget {
        field: TargetField,
        target: String,
    },
    AmbiguousTarget {
        field: TargetField,
        target: String,
        candidates: Vec<String>,
    },
    DuplicatePath {
        path: String,
        other: String,
    },
    DuplicateSlug {
        slug: String,
        other: String,
    },
    Template {
        name: String,
        message: String,
    },
    MissingTranslation {
        lang: String,
    },
    HighlightFallback {
        lang: String,
        reason: String,
    },
    SymlinkSkipped,
    /// A raster image that cannot be decoded (corrupt or unsupported).
    ImageUnreadable {
        image: String,
        what: String,
    },
    /// A raster image over `images.max_pixels`, refused before decoding.
    ImageTooLarge {
        image: String,
        pixels: u64,
        max: u64,
    },
    /// A source much bigger than any variant needs (a warning).
    ImageOversized {
        image: String,
        what: String,
    },
    StaticOverride {
        path: String,
    },
    EmptyFile,
    NulByte,
    Utf16,
    TabIndent,
    DuplicateKey {
        key: String,
        first_line: usize,
    },
    YamlTooComplex {
        message: String,
    },
    // Reader responses (`responses/**/*.yaml`, SPEC §16).
    UnknownValue {
        field: String,
        value: String,
        known: Vec<String>,
    },
    DuplicateResponse {
        id: String,
        first_line: usize,
    },
    UnknownResponseItem {
        item: String,
        suggestion: Option<String>,
    },
    DuplicateResponseFile {
        item: String,
        other: String,
    },
}

impl Problem {
    /// A stable, kebab-case identifier for tools and docs.
    pub fn code(&self) -> &'static str {
        use Problem::*;
        match self {
            Io { .. } => "io",
            MissingSiteYaml => "missing-site-yaml",
            UnreadableSiteYaml { .. } => "io",
            UnknownTheme { .. } => "unknown-theme",
            FileTooLarge { .. } => "file-too-large",
            NotUtf8 { .. } => "not-utf8",
            NoFrontMatter => "no-front-matter",
            UnclosedFrontMatter => "unclosed-front-matter",
            FrontMatterNotMapping => "front-matter-not-mapping",
            Yaml { .. } | UnclosedQuote => "yaml-syntax",
            UnknownKey { .. } => "unknown-key",
            MissingField { .. } => "missing-field",
            WrongType { .. } => "wrong-type",
            BadDate { .. } => "bad-date",
            BadUrl { .. } => "bad-url",
            BadFeedId { .. } => "bad-feed-id",
            UnsafeUrl { .. } => "unsafe-url",
            BadColor { .. } => "bad-color",
            BadTimezone { .. } => "bad-timezone",
            BadId { .. } => "bad-id",
            UnknownReference { kind, .. } => match kind {
                RefKind::Author => "unknown-author",
                RefKind::Channel => "unknown-channel",
                RefKind::Curator => "unknown-curator",
            },
            MissingTarget { field, .. } => match field {
                TargetField::InReplyTo => "missing-reply-target",
                TargetField::TranslationOf => "missing-translation-target",
            },
            AmbiguousTarget { .. } => "ambiguous-target",
            DuplicatePath { .. } => "duplicate-path",
            DuplicateSlug { .. } => "duplicate-slug",
            Template { .. } => "template",
            MissingTranslation { .. } => "missing-ui-language",
            HighlightFallback { .. } => "highlight-fallback",
            SymlinkSkipped => "symlink-skipped",
            StaticOverride { .. } => "static-overrides-generated",
            ImageUnreadable { .. } => "image-unreadable",
            ImageTooLarge { .. } => "image-too-large",
            ImageOversized { .. } => "image-oversized",
            EmptyFile => "empty-file",
            NulByte => "nul-byte",
            Utf16 => "not-utf8",
            TabIndent => "yaml-tab",
            DuplicateKey { .. } => "duplicate-key",
            YamlTooComplex { .. } => "yaml-too-complex",
            UnknownValue { .. } => "unknown-value",
            DuplicateResponse { .. } => "duplicate-response",
            UnknownResponseItem { .. } => "unknown-response-item",
            DuplicateResponseFile { .. } => "duplicate-response-file",
        }
    }

    /// What kind of failure this is.
    pub fn class(&self) -> Class {
        match self {
            Problem::MissingSiteYaml | Problem::UnreadableSiteYaml { .. } => Class::Setup,
            Problem::Io { .. } => Class::Io,
            _ => Class::Content,
        }
    }

    /// Whether this problem stops a build.
    pub fn severity(&self) -> Severity {
        use Problem::*;
        match self {
            DuplicateSlug { .. }
            | MissingTranslation { .. }
            | HighlightFallback { .. }
            | SymlinkSkipped
            | StaticOverride { .. }
            | ImageOversized { .. }
            | UnsafeUrl { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// What is wrong, in one sentence.
    pub fn message(&self) -> String {
        use Problem::*;
        match self {
            Io { what } => what.clone(),
            MissingSiteYaml => "no site.yaml found in the site folder".into(),
            UnreadableSiteYaml { what } => format!("cannot read site.yaml: {what}"),
            UnknownTheme { name, known } => format!(
                "theme `{name}` not found: it is not built in ({}) and the site has no folder themes/{name}/",
                known.join(", ")
            ),
            FileTooLarge { bytes, limit } => {
                format!("file is {bytes} bytes, more than the limit of {limit} bytes")
            }
            NotUtf8 { valid_up_to } => {
                format!("file is not valid UTF-8 (first bad byte at offset {valid_up_to})")
            }
            NoFrontMatter => "file does not start with front matter (`---`)".into(),
            UnclosedFrontMatter => "front matter is not closed by a `---` line".into(),
            FrontMatterNotMapping => "front matter must be a mapping of `key: value` lines".into(),
            Yaml { message } => format!("invalid YAML: {message}"),
            UnclosedQuote => "invalid YAML: this quote is never closed".into(),
            UnknownKey { key, .. } => format!("unknown key `{key}`"),
            MissingField { field } => format!("missing required field `{field}`"),
            WrongType { message } => message.clone(),
            BadDate { value, reason } => format!("invalid date `{value}`: {reason}"),
            BadUrl { field, value } => {
                format!("`{field}` must be an absolute http(s) URL, found `{value}`")
            }
            UnsafeUrl { value } => format!("refused unsafe URL `{value}`"),
            BadFeedId { value } => {
                format!("`feed_id` must be an IRI such as `https://…` or `tag:…`, found `{value}`")
            }
            BadColor { value } => format!("`{value}` is not a hex colour"),
            BadTimezone { name } => format!("unknown time zone `{name}`"),
            BadId { id, expected } => format!("`{id}` is not a valid id ({expected})"),
            UnknownReference { kind, id, .. } => format!("unknown {} id `{id}`", kind.noun()),
            MissingTarget { field, target } => {
                format!("`{}` points to `{target}`, which does not exist", field.key())
            }
            AmbiguousTarget { field, target, .. } => {
                format!("`{}: {target}` matches more than one item", field.key())
            }
            // `other` is a file path, or a description that quotes its own
            // code parts ("kurator's own `/tags/`"); quoting that again would
            // nest backticks.
            DuplicatePath { path, other } if other.contains('`') => {
                format!("output path `{path}` is also produced by {other}")
            }
            DuplicatePath { path, other } => {
                format!("output path `{path}` is also produced by `{other}`")
            }
            DuplicateSlug { slug, other } => format!("slug `{slug}` is also used by `{other}`"),
            Template { name, message } => format!("template `{name}`: {message}"),
            MissingTranslation { lang } => {
                format!("the theme has no UI strings for language `{lang}`; English is used")
            }
            HighlightFallback { lang, reason } => {
                format!("code block in `{lang}` shown without highlighting: {reason}")
            }
            SymlinkSkipped => "symbolic link skipped: kurator does not follow links".into(),
            ImageUnreadable { image, what } => format!("image `{image}` cannot be read: {what}"),
            ImageTooLarge { image, pixels, max } => {
                format!("image `{image}` has {pixels} pixels, more than `images.max_pixels` ({max})")
            }
            ImageOversized { image, what } => format!("image `{image}` is {what}"),
            StaticOverride { path } => {
                format!("static file replaces the page kurator generates at `{path}`")
            }
            EmptyFile => "file is empty".into(),
            NulByte => {
                "file contains a NUL byte (is it binary, or UTF-16 without a byte-order mark?)"
                    .into()
            }
            Utf16 => "file is UTF-16 encoded (it starts with a UTF-16 byte-order mark)".into(),
            TabIndent => "tab used for indentation in front matter".into(),
            DuplicateKey { key, first_line } => {
                format!("duplicate key `{key}` (first set on line {first_line})")
            }
            YamlTooComplex { message } => {
                format!("front matter is too deeply nested or expands too many aliases: {message}")
            }
            UnknownValue { field, value, .. } => format!("`{value}` is not a valid `{field}`"),
            DuplicateResponse { id, first_line } => {
                format!("response id `{id}` is used twice (first on line {first_line})")
            }
            UnknownResponseItem { item, .. } => {
                format!("`item: {item}` names no article or curated link of this site")
            }
            DuplicateResponseFile { item, other } => {
                format!("responses for `{item}` are also kept in `{other}`")
            }
        }
    }

    /// How to fix it, when there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        use Problem::*;
        match self {
            MissingSiteYaml => Some("run `kurator new site DIR` to start a site, or pass the site folder".into()),
            UnknownTheme { name, known } => Some(match closest(name, known.iter().copied()) {
                Some(s) => format!("did you mean `theme: {s}`? Or add a folder themes/{name}/ with templates/ and static/"),
                None => format!("use one of {} or add a folder themes/{name}/", known.join(", ")),
            }),
            FileTooLarge { .. } => Some("split the file; very large inputs are refused to keep builds bounded".into()),
            NotUtf8 { .. } => Some("save the file as UTF-8".into()),
            NoFrontMatter => Some("start the file with a line `---`, the YAML fields, and another `---`".into()),
            UnclosedFrontMatter => Some("add a line with only `---` after the last front-matter field".into()),
            FrontMatterNotMapping => Some("write fields as `key: value`, e.g. `title: My post`".into()),
            UnknownKey { suggestion: Some(s), .. } => Some(format!("did you mean `{s}`?")),
            UnknownKey { known, .. } => Some(format!("known keys: {}", known.join(", "))),
            MissingField { field } => Some(format!("add `{field}: …` to the front matter")),
            WrongType { message } if message.contains("expected a string") => Some("write a single text here (quote it if it contains `: ` or starts with `[`, `{`, `*` or `&`)".into()),
            WrongType { .. } => Some("lists are written `[a, b]`, yes/no fields `true` or `false`; put text that YAML would read as something else in quotes".into()),
            Yaml { .. } => Some("check quotes, indentation and `key: value` spacing at or just before this line; quote values that contain `: ` or start with `[`, `{`, `*`, `&`, `!` or `@`".into()),
            UnclosedQuote => Some("add the closing quote at the end of the value, on the same line (a quote inside the text is written \\\" in double quotes, '' in single quotes)".into()),
            BadDate { .. } => Some("use YYYY-MM-DD or an RFC 3339 date-time like 2024-05-01T09:30:00+02:00".into()),
            BadUrl { .. } => Some("write the full address, starting with https://".into()),
            BadFeedId { .. } => Some("keep the id the old feed used (an imported post's WordPress GUID), or remove `feed_id` to use the page URL".into()),
            UnsafeUrl { .. } => Some("javascript:, vbscript: and data: URLs are never allowed in content".into()),
            BadColor { .. } => Some("write a colour like \"#0f62fe\" (quoted, because # starts a YAML comment)".into()),
            BadTimezone { .. } => Some("use an IANA name such as Europe/Berlin or UTC".into()),
            BadId { .. } => Some("use lowercase letters a-z, digits and hyphens".into()),
            UnknownReference { known, .. } if known.is_empty() => Some("no ids of this kind exist yet".into()),
            UnknownReference { id, known, .. } => Some(match closest(id, known.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`? known: {}", known.join(", ")),
                None => format!("known: {}", known.join(", ")),
            }),
            MissingTarget { .. } => Some("use the slug, the permalink or the file path of an existing item".into()),
            AmbiguousTarget { candidates, .. } => Some(format!("use a file path instead: {}", candidates.join(", "))),
            DuplicatePath { .. } => Some("give one of the items a different `slug` (case-only differences clash on many file systems)".into()),
            ImageUnreadable { .. } => Some("export the picture again as JPEG, PNG or WebP, or remove the reference".into()),
            ImageTooLarge { .. } => Some("scale the picture down before adding it, or raise `images.max_pixels` in site.yaml if you trust the file".into()),
            ImageOversized { .. } => Some("scale the picture down (e.g. to 3× the largest `images.widths`) so the repository and builds stay small".into()),
            StaticOverride { .. } => Some("this is fine for files like robots.txt; otherwise rename the static file".into()),
            DuplicateSlug { .. } => Some("set `slug:` in one of them so references stay unambiguous".into()),
            EmptyFile => Some("add front matter between two `---` lines, or delete the file".into()),
            NulByte => Some("content files must be UTF-8 text; remove the file or save it as UTF-8".into()),
            Utf16 => Some("save the file as UTF-8 (\"Save with encoding → UTF-8\" in most editors)".into()),
            TabIndent => Some("YAML allows only spaces for indentation; replace the tab with spaces".into()),
            DuplicateKey { .. } => Some("keep one of the two lines; YAML keys must be unique".into()),
            UnknownValue { value, known, .. } => Some(match closest(value, known.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`? allowed: {}", known.join(", ")),
                None => format!("allowed: {}", known.join(", ")),
            }),
            DuplicateResponse { .. } => Some("keep one of the two entries; ids must be unique within a file".into()),
            UnknownResponseItem { suggestion: Some(s), .. } => Some(format!("did you mean `{s}`? `item` is the source path of the article or link, e.g. `articles/2024/post.md`")),
            UnknownResponseItem { .. } => Some("`item` is the source path of the article or link, e.g. `articles/2024/post.md`".into()),
            DuplicateResponseFile { .. } => Some("move the entries into one file per item and delete the other".into()),
            YamlTooComplex { .. } => Some("write the values out instead of using YAML anchors and aliases (`&name`, `*name`), and nest less deeply".into()),
            _ => None,
        }
    }
}

/// The closest candidate to `word` by optimal string alignment distance, if
/// close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// One finding, ready to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: String,
    /// Decides the exit code; not printed.
    #[serde(skip)]
    pub class: Class,
    /// The guideline rule that found it, whose severity `site.yaml` may change.
    #[serde(skip)]
    pub rule: Option<Rule>,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// Turns a located problem into a diagnostic with its default severity.
    pub fn new(loc: Location, problem: Problem) -> Self {
        Diagnostic {
            severity: problem.severity(),
            code: problem.code().to_string(),
            class: problem.class(),
            rule: None,
            message: problem.message(),
            hint: problem.hint(),
            file: loc.file,
            line: loc.line,
            column: loc.column,
        }
    }

    /// Whether this diagnostic stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {sev}[{}]: {}", self.code, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// Sorts findings by file, line and column, and drops exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.code, &b.message))
    });
    diags.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_transposed_key() {
        assert_eq!(closest("titel", ["title", "tags", "date"]), Some("title"));
        assert_eq!(closest("zzzzzz", ["title", "tags"]), None);
    }

    #[test]
    fn display_has_position_code_and_hint() {
        let d = Diagnostic::new(
            Location::at("articles/a.md", 3, 1),
            Problem::UnknownKey {
                key: "titel".into(),
                suggestion: Some("title".into()),
                known: vec![],
            },
        );
        let s = d.to_string();
        assert!(
            s.starts_with("articles/a.md:3:1: error[unknown-key]: unknown key `titel`"),
            "{s}"
        );
        assert!(s.contains("did you mean `title`?"));
    }
}

/// Output formats of `kurator check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// Prints diagnostics in one format. `source` returns a file's text for the
/// caret view of the human format; `color` enables ANSI colours.
pub fn print(
    diags: &[Diagnostic],
    format: Format,
    color: bool,
    source: &dyn Fn(&str) -> Option<String>,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => {
            let mut cache: rustc_hash::FxHashMap<String, Option<String>> = Default::default();
            for d in diags {
                let text = cache
                    .entry(d.file.clone())
                    .or_insert_with(|| source(&d.file));
                human(d, text.as_deref(), color, w)?;
            }
            Ok(())
        }
        Format::Json => {
            for d in diags {
                serde_json::to_writer(&mut *w, d)?;
                writeln!(w)?;
            }
            Ok(())
        }
        Format::Github => {
            for d in diags {
                writeln!(w, "{}", github(d))?;
            }
            Ok(())
        }
    }
}

fn human(
    d: &Diagnostic,
    text: Option<&str>,
    color: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let (sev, sev_color) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let mut pos = printable(&d.file);
    if let Some(l) = d.line {
        pos.push_str(&format!(":{l}"));
        if let Some(c) = d.column {
            pos.push_str(&format!(":{c}"));
        }
    }
    writeln!(
        w,
        "{}: {}: {}",
        paint("1", &pos),
        paint(sev_color, &format!("{sev}[{}]", d.code)),
        printable(&d.message)
    )?;
    if let (Some(line), Some(text)) = (d.line, text) {
        if let Some(src) = text.lines().nth(line - 1) {
            let gutter = line.to_string();
            let pad = " ".repeat(gutter.len());
            writeln!(w, "{} |", paint("1;34", &pad))?;
            writeln!(
                w,
                "{} | {}",
                paint("1;34", &gutter),
                printable(src.trim_end_matches('\r'))
            )?;
            let col = d.column.unwrap_or(1).max(1);
            // Tabs keep their width so the caret lines up.
            let lead: String = src
                .chars()
                .take(col - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(
                w,
                "{} | {}{}",
                paint("1;34", &pad),
                lead,
                paint(sev_color, "^")
            )?;
        }
    }
    if let Some(h) = &d.hint {
        writeln!(w, "  {}: {}", paint("1;36", "help"), printable(h))?;
    }
    Ok(())
}

/// Content text shown on a terminal: control characters (ANSI escapes, NUL,
/// CR, line breaks inside a message) become U+FFFD, one char for one, so a
/// hostile file cannot rewrite the terminal or fake further findings and the
/// caret still lines up. Tabs stay (the caret line reproduces them).
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// One GitHub Actions workflow command; `%`, CR, LF and (in properties) `:`
/// and `,` are escaped as the runner requires.
fn github(d: &Diagnostic) -> String {
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = vec![format!("file={}", prop(&d.file))];
    if let Some(l) = d.line {
        props.push(format!("line={l}"));
    }
    if let Some(c) = d.column {
        props.push(format!("col={c}"));
    }
    props.push(format!("title={}", prop(&format!("kurator {}", d.code))));
    let mut msg = d.message.clone();
    if let Some(h) = &d.hint {
        msg.push_str(&format!("\nhelp: {h}"));
    }
    format!("::{level} {}::{}", props.join(","), data(&msg))
}

#[cfg(test)]
mod printer_tests {
    use super::*;

    fn sample() -> Diagnostic {
        Diagnostic::new(
            Location::at("articles/a.md", 2, 3),
            Problem::UnknownReference {
                kind: RefKind::Author,
                id: "bob".into(),
                known: vec!["anna".into()],
            },
        )
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        let src = |_: &str| Some("---\nauthor: bob\n---\n".to_string());
        print(&[sample()], format, false, &src, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn human_has_caret_under_the_column() {
        let s = render(Format::Human);
        assert!(
            s.starts_with("articles/a.md:2:3: error[unknown-author]: unknown author id `bob`\n"),
            "{s}"
        );
        assert!(s.contains("2 | author: bob\n  |   ^\n"), "{s}");
        assert!(s.contains("help: known: anna"));
    }

    #[test]
    fn json_is_one_object_per_line() {
        let s = render(Format::Json);
        let v: serde_json::Value = serde_json::from_str(s.trim()).unwrap();
        assert_eq!(v["severity"], "error");
        assert_eq!(v["code"], "unknown-author");
        assert_eq!(v["line"], 2);
        assert_eq!(v["column"], 3);
        assert_eq!(v["file"], "articles/a.md");
    }

    #[test]
    fn github_annotation_escapes_properties() {
        let s = render(Format::Github);
        assert!(s.starts_with("::error file=articles/a.md,line=2,col=3,title=kurator unknown-author::unknown author id `bob`%0Ahelp: known: anna"), "{s}");
    }
}
