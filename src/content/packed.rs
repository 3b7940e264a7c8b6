//! Rendered HTML held compressed until a page needs it. Every article's
//! body is rendered when it is parsed and read again only by its own page,
//! the search indexer and full-content feeds; held as it is, the bodies
//! were the largest part of a large build's memory (docs/performance.md).

use std::sync::Arc;

/// HTML compressed with LZ4 (about half the bytes on the reference site's
/// bodies; unpacking costs a copy's time, not a render's).
#[derive(Clone, Default)]
pub struct Packed {
    /// Shared, not copied, by `serve`'s parse cache and the site it builds.
    bytes: Arc<[u8]>,
    /// The length of the HTML unpacked, in bytes.
    len: usize,
}

impl Packed {
    /// Packs `html`.
    pub fn new(html: &str) -> Packed {
        if html.is_empty() {
            return Packed::default();
        }
        Packed {
            bytes: lz4_flex::compress(html.as_bytes()).into(),
            len: html.len(),
        }
    }

    /// The HTML.
    pub fn unpack(&self) -> String {
        if self.len == 0 {
            return String::new();
        }
        // The bytes were packed from a `str` here and never left memory:
        // neither error below can happen short of a bug, and a bug shows
        // as a replacement character, not as a panic.
        let bytes = lz4_flex::decompress(&self.bytes, self.len).unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
    }

    /// The length of the HTML unpacked, in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the HTML is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Packed({} bytes, {} packed)", self.len, self.bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_html_unpacks_to_what_was_packed() {
        for html in ["", "<p>x</p>", &"<p>Führung „Kultur“ 😀</p>\n".repeat(400)] {
            let p = Packed::new(html);
            assert_eq!(p.unpack(), html);
            assert_eq!(p.len(), html.len());
        }
        let long = "<p>Führung und Kultur</p>".repeat(400);
        assert!(Packed::new(&long).bytes.len() < long.len() / 4);
    }
}
