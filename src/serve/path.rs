//! Request paths → keys of the in-memory output.
//!
//! The dev server never touches the disk to answer a request: every response
//! comes from the map of rendered output files, keyed by their path relative
//! to the output root. So no URL, however encoded, can read a file outside
//! the output. The checks here still refuse anything that *looks* like an
//! escape attempt (dot segments, encoded slashes, backslashes, NUL, drive
//! letters) so that such requests get a plain 404 instead of being looked up.

/// What a request path asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An output file, e.g. `index.html` or `css/kurator.css`.
    File(String),
    /// A path without a trailing slash; the key is the folder form
    /// (`x` → `x/index.html`) to try when `File` is missing.
    FileOrFolder { file: String, folder_index: String },
}

/// Why a path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

/// Maps the path part of a request URL (query and fragment are dropped) to
/// the output key it names. Refuses traversal in every encoding.
pub fn resolve(url: &str) -> Result<Target, Refused> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    // `//host/x` would be protocol-relative in a redirect; `\` is a
    // separator on Windows.
    if !path.starts_with('/') || path.starts_with("//") || path.contains('\\') {
        return Err(Refused);
    }
    let raw: Vec<&str> = path[1..].split('/').collect();
    let mut segments = Vec::with_capacity(raw.len());
    for (i, seg) in raw.iter().enumerate() {
        let last = i + 1 == raw.len();
        // An empty segment is only allowed as the last one (a trailing slash).
        if seg.is_empty() && !last {
            return Err(Refused);
        }
        segments.push(decode_segment(seg)?);
    }
    let trailing_slash = segments.last().is_some_and(String::is_empty);
    if trailing_slash {
        segments.pop();
    }
    let joined = segments.join("/");
    if trailing_slash || joined.is_empty() {
        let folder_index = if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        };
        return Ok(Target::File(folder_index));
    }
    Ok(Target::FileOrFolder {
        folder_index: format!("{joined}/index.html"),
        file: joined,
    })
}

/// Percent-decodes one path segment and refuses what could change the
/// path's structure after decoding.
fn decode_segment(seg: &str) -> Result<String, Refused> {
    let bytes = percent_decode(seg.as_bytes()).ok_or(Refused)?;
    let text = String::from_utf8(bytes).map_err(|_| Refused)?;
    let bad_char = |c: char| c == '/' || c == '\\' || c.is_control();
    if text == "." || text == ".." || text.chars().any(bad_char) || is_drive(&text) {
        return Err(Refused);
    }
    Ok(text)
}

/// `C:` and the like: a Windows drive prefix.
fn is_drive(seg: &str) -> bool {
    let b = seg.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// `%XX` → byte; `None` on a malformed escape.
fn percent_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' {
            let hex = input.get(i + 1..i + 3)?;
            let hi = (hex[0] as char).to_digit(16)?;
            let lo = (hex[1] as char).to_digit(16)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(input[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `Content-Type` of an output file, from its extension.
pub fn content_type(key: &str) -> &'static str {
    let ext = key
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "opml" => "text/x-opml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(s: &str) -> Result<Target, Refused> {
        Ok(Target::File(s.to_string()))
    }

    #[test]
    fn folder_urls_map_to_index_html() {
        assert_eq!(resolve("/"), file("index.html"));
        assert_eq!(
            resolve("/channels/dialog/?x=1"),
            file("channels/dialog/index.html")
        );
        assert_eq!(
            resolve("/channels"),
            Ok(Target::FileOrFolder {
                file: "channels".into(),
                folder_index: "channels/index.html".into()
            })
        );
    }

    #[test]
    fn percent_encoded_names_are_decoded() {
        assert_eq!(
            resolve("/tags/k%C3%BCche.html"),
            Ok(Target::FileOrFolder {
                file: "tags/küche.html".into(),
                folder_index: "tags/küche.html/index.html".into()
            })
        );
    }

    #[test]
    fn traversal_is_refused_in_every_encoding() {
        for url in [
            "/../site.yaml",
            "/%2e%2e/site.yaml",
            "/%2E%2E/site.yaml",
            "/..%2fsite.yaml",
            "/..%2Fsite.yaml",
            "/a/../../site.yaml",
            "/./index.html",
            "//etc/passwd",
            "/..\\site.yaml",
            "/%5c..%5csite.yaml",
            "/a%00.html",
            "/C:/Windows/win.ini",
            "/a//b",
            "/%zz",
            "/%ff%fe",
            "relative",
            "http://evil.example/",
        ] {
            assert_eq!(resolve(url), Err(Refused), "{url}");
        }
    }

    #[test]
    fn content_types_cover_the_output() {
        assert_eq!(content_type("feeds.opml"), "text/x-opml; charset=utf-8");
        assert_eq!(content_type("css/kurator.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("a/IMG.PNG"), "image/png");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
