//! `.kurator/`: kurator's cache inside the site (`--cache-dir` overrides).
//!
//! Entries are small files named by a hash of their key, grouped by
//! namespace (`.kurator/<namespace>/<hash>.json`). The cache only ever saves
//! work: it is safe to delete at any time, a missing or unreadable entry is a
//! miss, and nothing in it changes what `build` writes. It is what a CI recipe
//! keeps between runs.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The folder name inside a site.
pub const DIR_NAME: &str = ".kurator";

/// A cache rooted at one folder.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

/// A cache hit: the stored bytes and how old they are.
#[derive(Debug, Clone)]
pub struct Entry {
    pub bytes: Vec<u8>,
    pub age: Duration,
}

impl Cache {
    /// The cache at `dir`, or at `<site>/.kurator` when `dir` is `None`.
    pub fn open(site_dir: &Path, dir: Option<&Path>) -> Self {
        Cache {
            root: dir.map_or_else(|| site_dir.join(DIR_NAME), Path::to_path_buf),
        }
    }

    /// Where the cache lives.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The entry for `key` in `namespace`, if there is a readable one.
    pub fn get(&self, namespace: &str, key: &str) -> Option<Entry> {
        let path = self.path(namespace, key);
        let text = std::fs::read(&path).ok()?;
        let stored: Stored = serde_json::from_slice(&text).ok()?;
        // Hash collisions (or a hand-edited file) must not answer for another key.
        if stored.key != key {
            return None;
        }
        let age = now_secs().saturating_sub(stored.stored_at);
        Some(Entry {
            bytes: stored.value.into_bytes(),
            age: Duration::from_secs(age),
        })
    }

    /// Stores `value` for `key`. A cache that cannot be written only costs
    /// time next run, so failures are returned for the caller to ignore or report.
    pub fn put(&self, namespace: &str, key: &str, value: &str) -> std::io::Result<()> {
        let path = self.path(namespace, key);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let stored = Stored {
            key: key.to_string(),
            stored_at: now_secs(),
            value: value.to_string(),
        };
        let text = serde_json::to_vec(&stored).map_err(std::io::Error::other)?;
        // Write then rename, so a parallel or interrupted run never sees half a file.
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &path)
    }

    /// The binary entry for `key` in `namespace` (`<hash>.bin`), if there is
    /// a readable one. Used for generated files such as share cards.
    pub fn get_bytes(&self, namespace: &str, key: &str) -> Option<Vec<u8>> {
        let mut bytes = std::fs::read(self.bin_path(namespace, key)).ok()?;
        // The file starts with its key and a newline; another key is a miss.
        let head = bytes.iter().position(|&b| b == b'\n')?;
        if &bytes[..head] != key.as_bytes() {
            return None;
        }
        bytes.drain(..=head);
        Some(bytes)
    }

    /// Stores binary `value` for `key` (which must not contain a newline).
    pub fn put_bytes(&self, namespace: &str, key: &str, value: &[u8]) -> std::io::Result<()> {
        let path = self.bin_path(namespace, key);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut data = Vec::with_capacity(key.len() + 1 + value.len());
        data.extend_from_slice(key.as_bytes());
        data.push(b'\n');
        data.extend_from_slice(value);
        // Parallel renders may store the same card at once: one temp file each.
        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
        std::fs::write(&tmp, data)?;
        std::fs::rename(&tmp, &path)
    }

    /// The file [`Cache::put_bytes`] writes `key` to (`serve` reads cards
    /// from there on request instead of keeping them in memory).
    pub fn bin_file(&self, namespace: &str, key: &str) -> PathBuf {
        self.bin_path(namespace, key)
    }

    fn bin_path(&self, namespace: &str, key: &str) -> PathBuf {
        self.root
            .join(namespace)
            .join(format!("{:016x}.bin", fnv1a(key.as_bytes())))
    }

    fn path(&self, namespace: &str, key: &str) -> PathBuf {
        self.root
            .join(namespace)
            .join(format!("{:016x}.json", fnv1a(key.as_bytes())))
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    key: String,
    stored_at: u64,
    value: String,
}

/// A key for content-addressed entries: SHA-256 of the parts (each ended by
/// a NUL byte, so `["ab", "c"]` and `["a", "bc"]` differ), in hex.
pub fn content_key(parts: &[&[u8]]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in parts {
        ctx.update(p);
        ctx.update(&[0]);
    }
    ctx.finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// FNV-1a, 64 bit: stable across Rust versions and platforms, unlike std's
/// hasher, so a cache written in CI is found again by the next run.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Parses an age such as `7d`, `12h`, `30m`, `45s` or `0` (always stale).
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not an age; write e.g. 7d, 12h, 30m or 0"))?;
    let secs = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(format!("unknown unit in `{text}`; use s, m, h, d or w")),
    };
    Ok(Duration::from_secs(n.saturating_mul(secs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_other_keys_miss() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::open(dir.path(), None);
        assert!(c.get("ns", "a").is_none());
        c.put("ns", "a", "one").unwrap();
        let e = c.get("ns", "a").unwrap();
        assert_eq!(e.bytes, b"one");
        assert!(e.age < Duration::from_secs(5));
        assert!(c.get("ns", "b").is_none());
        assert!(dir.path().join(".kurator/ns").is_dir());
    }

    #[test]
    fn binary_entries_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::open(dir.path(), None);
        assert!(c.get_bytes("cards", "k1").is_none());
        c.put_bytes("cards", "k1", b"\x89PNG\n\0data").unwrap();
        assert_eq!(c.get_bytes("cards", "k1").unwrap(), b"\x89PNG\n\0data");
        assert!(c.get_bytes("cards", "k2").is_none());
    }

    #[test]
    fn ages_parse_with_units() {
        assert_eq!(parse_age("7d").unwrap(), Duration::from_secs(604_800));
        assert_eq!(parse_age("0").unwrap(), Duration::ZERO);
        assert!(parse_age("7x").is_err());
        assert!(parse_age("d").is_err());
    }
}
