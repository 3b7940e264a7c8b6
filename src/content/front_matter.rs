//! Splits a source file into front matter and body, keeping line numbers so
//! that positions reported later point into the real file.

use crate::diagnostics::{Location, Problem};

/// Source files larger than this are refused (bounded builds).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A source file split into its parts. CRLF is normalised to LF (which keeps
/// line numbers) and a UTF-8 BOM is dropped.
#[derive(Debug, Clone, Default)]
pub struct Split {
    /// The YAML between the `---` lines.
    pub front_matter: String,
    /// 1-based line of the file where the YAML starts.
    pub fm_line: usize,
    /// The markdown after the closing `---`.
    pub body: String,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// Decodes raw bytes as UTF-8 text, reporting where it stops being valid.
pub fn decode(bytes: Vec<u8>, file: &str) -> Result<String, (Location, Problem)> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err((Location::at(file, 1, 1), Problem::Utf16));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        // The prefix is valid UTF-8 by definition, so this cannot fail.
        let prefix = std::str::from_utf8(&e.as_bytes()[..valid]).unwrap_or_default();
        (
            position(file, prefix),
            Problem::NotUtf8 { valid_up_to: valid },
        )
    })
}

/// The location just after `before` (the text of a file up to a point).
fn position(file: &str, before: &str) -> Location {
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    Location::at(file, line, col)
}

/// Splits `text` into front matter and body. The body keeps `text`'s
/// buffer: every file was copied twice here before.
pub fn split(text: impl Into<String>, file: &str) -> Result<Split, (Location, Problem)> {
    let mut text = text.into();
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    if text.trim().is_empty() {
        return Err((Location::at(file, 1, 1), Problem::EmptyFile));
    }
    if text.contains('\r') {
        text = text.replace("\r\n", "\n");
    }
    if let Some(nul) = text.find('\0') {
        return Err((position(file, &text[..nul]), Problem::NulByte));
    }
    let (fm_end, body_start, body_line) =
        fence(&text).map_err(|p| (Location::at(file, 1, 1), p))?;
    let fm_start = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let front_matter = text[fm_start..fm_end].to_string();
    text.drain(..body_start);
    Ok(Split {
        front_matter,
        fm_line: 2,
        body: text,
        body_line,
    })
}

/// Where the front matter ends, where the body starts and its first line.
fn fence(text: &str) -> Result<(usize, usize, usize), Problem> {
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if first.trim_end() == "---" => {}
        _ => return Err(Problem::NoFrontMatter),
    }
    let mut offset = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    for (i, line) in lines.enumerate() {
        if line.trim_end() == "---" {
            return Ok((offset, offset + line.len(), i + 3));
        }
        offset += line.len();
    }
    Err(Problem::UnclosedFrontMatter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_keeps_line_numbers() {
        let s = split("---\ntitle: a\n---\nHello\n", "a.md").unwrap();
        assert_eq!(s.front_matter, "title: a\n");
        assert_eq!(s.body, "Hello\n");
        assert_eq!((s.fm_line, s.body_line), (2, 4));
    }

    #[test]
    fn bom_and_crlf_work() {
        let s = split("\u{feff}---\r\ntitle: a\r\n---\r\nHi\r\n", "a.md").unwrap();
        assert_eq!(s.front_matter, "title: a\n");
        assert_eq!(s.body, "Hi\n");
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        assert_eq!(
            split("Hello", "a.md").unwrap_err().1,
            Problem::NoFrontMatter
        );
        assert_eq!(split("", "a.md").unwrap_err().1, Problem::EmptyFile);
        assert_eq!(
            split("\u{feff} \n\n", "a.md").unwrap_err().1,
            Problem::EmptyFile
        );
        assert_eq!(
            split("---\ntitle: a\n", "a.md").unwrap_err().1,
            Problem::UnclosedFrontMatter
        );
    }

    #[test]
    fn invalid_utf8_and_utf16_are_reported() {
        let e = decode(b"---\nt\xc3\xa4\xff".to_vec(), "a.md").unwrap_err();
        assert_eq!((e.0.line, e.0.column), (Some(2), Some(3)));
        assert_eq!(
            decode(vec![0xff, 0xfe, b'a', 0], "a.md").unwrap_err().1,
            Problem::Utf16
        );
    }

    #[test]
    fn nul_byte_is_located() {
        let (loc, p) = split("---\nt: a\n---\nab\0", "a.md").unwrap_err();
        assert_eq!(p, Problem::NulByte);
        assert_eq!((loc.line, loc.column), (Some(4), Some(3)));
    }
}
