//! Responders' pictures, downloaded into `static/responses/` under a name
//! made from a hash of their bytes, so published pages show them from the
//! site itself and readers' browsers contact no third party. Only PNG,
//! JPEG, GIF and WebP are kept (never SVG, which can carry script).

use super::fetch::get_bytes;
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};

/// Pictures larger than this are not kept (an avatar is a few KiB).
const MAX_AVATAR_BYTES: usize = 1024 * 1024;

/// Downloads pictures once per URL and run.
pub struct Avatars {
    dir: PathBuf,
    done: FxHashMap<String, Option<String>>,
    /// Pictures written to disk in this run.
    pub written: usize,
    /// Why pictures were left out.
    pub problems: Vec<String>,
}

impl Avatars {
    /// Pictures go to `SITE/static/responses/`.
    pub fn new(site: &Path) -> Self {
        Avatars {
            dir: site.join("static").join("responses"),
            done: FxHashMap::default(),
            written: 0,
            problems: Vec::new(),
        }
    }

    /// The site-relative path of the picture at `url`, downloading it if
    /// needed; `None` when it could not be fetched or is no raster image.
    pub fn local(&mut self, url: &str) -> Option<String> {
        if let Some(v) = self.done.get(url) {
            return v.clone();
        }
        let v = match self.fetch(url) {
            Ok(p) => Some(p),
            Err(why) => {
                self.problems.push(format!("avatar {url}: {why}"));
                None
            }
        };
        self.done.insert(url.to_string(), v.clone());
        v
    }

    fn fetch(&mut self, url: &str) -> Result<String, String> {
        let (bytes, _) = get_bytes(url, &[("Accept", "image/*")]).map_err(|e| e.reason)?;
        if bytes.len() > MAX_AVATAR_BYTES {
            return Err(format!(
                "{} bytes, more than {MAX_AVATAR_BYTES}",
                bytes.len()
            ));
        }
        let ext = image_kind(&bytes).ok_or("not a PNG, JPEG, GIF or WebP image")?;
        let name = format!("{:016x}.{ext}", fnv1a(&bytes));
        let path = self.dir.join(&name);
        if !path.exists() {
            std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
            let tmp = self.dir.join(format!(".{name}.tmp"));
            std::fs::write(&tmp, &bytes).map_err(|e| e.to_string())?;
            std::fs::rename(&tmp, &path).map_err(|e| e.to_string())?;
            self.written += 1;
        }
        Ok(format!("/responses/{name}"))
    }
}

/// The file extension for an image's magic bytes.
fn image_kind(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some("gif")
    } else if b.len() > 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

/// FNV-1a, 64 bits: a stable content hash with no dependency; names only
/// need to differ between a site's few thousand pictures.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_raster_images_are_kept() {
        assert_eq!(image_kind(b"\x89PNG\r\n\x1a\nxxxx"), Some("png"));
        assert_eq!(image_kind(b"<svg onload=alert(1)>"), None);
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    }
}
