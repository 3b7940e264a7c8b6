//! How `serve` keeps a built file in memory. A 10,000-article site is about
//! a gigabyte of output: half of it share cards, which already lie in the
//! card cache on disk, the rest text (pages, feeds, search files) that
//! DEFLATE shrinks five- to tenfold. So cards are kept as a reference to
//! their cache file and text is kept compressed; each is turned back into
//! bytes when a request asks for it (a page takes well under a millisecond
//! to inflate).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Text shorter than this is kept as it is: compressing it saves nothing.
const MIN_COMPRESSED: usize = 1024;
/// miniz_oxide's fastest level: ~4× faster than the default, and still
/// shrinks HTML about sixfold.
const LEVEL: u8 = 1;

/// One file of a snapshot.
#[derive(Clone, Debug)]
pub enum Stored {
    /// The bytes as built (small files, and formats that are compressed already).
    Raw(Arc<[u8]>),
    /// DEFLATE-compressed text and its length uncompressed.
    Deflated(Arc<[u8]>, usize),
    /// A share card in the card cache: its file and its cache key (the file
    /// starts with the key and a newline, then the PNG). The key is a hash
    /// of everything drawn, so the same key means the same bytes.
    Cached(Arc<(PathBuf, String)>),
}

impl Stored {
    /// Keeps `bytes` of the file at `path`, compressed when it is text.
    pub fn new(path: &str, bytes: Vec<u8>) -> Stored {
        if bytes.len() >= MIN_COMPRESSED && is_text(path) {
            let packed = miniz_oxide::deflate::compress_to_vec(&bytes, LEVEL);
            Stored::Deflated(packed.into(), bytes.len())
        } else {
            Stored::Raw(bytes.into())
        }
    }

    /// A card kept in the cache file `file` under `key`.
    pub fn cached(file: PathBuf, key: String) -> Stored {
        Stored::Cached(Arc::new((file, key)))
    }

    /// The file's bytes; `None` when a cached file is gone or was replaced.
    pub fn bytes(&self) -> Option<Cow<'_, [u8]>> {
        match self {
            Stored::Raw(b) => Some(Cow::Borrowed(b)),
            Stored::Deflated(packed, len) => {
                miniz_oxide::inflate::decompress_to_vec_with_limit(packed, *len)
                    .ok()
                    .map(Cow::Owned)
            }
            Stored::Cached(entry) => read_cached(&entry.0, &entry.1).map(Cow::Owned),
        }
    }

    /// Whether this holds exactly `bytes` (for a file that was built as bytes).
    pub fn equals(&self, bytes: &[u8]) -> bool {
        match self {
            Stored::Raw(b) => **b == *bytes,
            Stored::Deflated(_, len) if *len != bytes.len() => false,
            Stored::Deflated(..) => self.bytes().is_some_and(|b| *b == *bytes),
            Stored::Cached(_) => false,
        }
    }

    /// Whether two stored files are the same share card.
    pub fn same_card(&self, other: &Stored) -> bool {
        matches!((self, other), (Stored::Cached(a), Stored::Cached(b)) if a == b)
    }

    /// Bytes this takes in memory (for the docs' figures and tests).
    pub fn held(&self) -> usize {
        match self {
            Stored::Raw(b) | Stored::Deflated(b, _) => b.len(),
            Stored::Cached(e) => e.0.as_os_str().len() + e.1.len(),
        }
    }
}

/// Pages, feeds, search files, sitemaps, stylesheets, scripts, SVG.
fn is_text(path: &str) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        ext,
        "html" | "xml" | "json" | "css" | "js" | "txt" | "opml" | "svg"
    )
}

/// The PNG of a card cache file, when it still holds `key`.
fn read_cached(file: &Path, key: &str) -> Option<Vec<u8>> {
    let mut bytes = std::fs::read(file).ok()?;
    let head = bytes.iter().position(|&b| b == b'\n')?;
    if &bytes[..head] != key.as_bytes() {
        return None;
    }
    bytes.drain(..=head);
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_compressed_and_comes_back_the_same() {
        let page = "<p>Hallo Welt, grüß dich.</p>\n".repeat(200).into_bytes();
        let s = Stored::new("a/index.html", page.clone());
        assert!(matches!(s, Stored::Deflated(..)));
        assert!(
            s.held() * 5 < page.len(),
            "held {} of {}",
            s.held(),
            page.len()
        );
        assert_eq!(s.bytes().as_deref(), Some(&page[..]));
        assert!(s.equals(&page));
        let mut other = page.clone();
        other[10] = b'X';
        assert!(!s.equals(&other));
        assert!(!s.equals(&page[1..]));
    }

    #[test]
    fn small_and_binary_files_are_kept_raw() {
        assert!(matches!(
            Stored::new("a.html", b"<p>x</p>".to_vec()),
            Stored::Raw(_)
        ));
        assert!(matches!(
            Stored::new("a.png", vec![0; 4096]),
            Stored::Raw(_)
        ));
    }

    #[test]
    fn a_cached_card_is_read_from_its_file_while_it_holds_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.bin");
        std::fs::write(&file, b"k1\n\x89PNG").unwrap();
        let s = Stored::cached(file.clone(), "k1".into());
        assert_eq!(s.bytes().as_deref(), Some(&b"\x89PNG"[..]));
        assert!(s.same_card(&Stored::cached(file.clone(), "k1".into())));
        assert!(!s.same_card(&Stored::cached(file.clone(), "k2".into())));
        std::fs::write(&file, b"k2\nother").unwrap();
        assert_eq!(s.bytes(), None);
    }
}
