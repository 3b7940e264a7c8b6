//! Lossless metadata removal for published originals: the pixels stay
//! byte for byte, EXIF (and so GPS), XMP, IPTC and comments go.
//!
//! Hand-written rather than img-parts: each format needs only a walk over
//! length-prefixed blocks and a list of blocks to keep, and keeping a list
//! (instead of dropping known-bad ones) means a metadata block nobody
//! thought of is dropped too. Every length is checked; bad input is an
//! error, never a panic.

use super::Raster;

/// The file without metadata blocks.
pub fn strip(raster: Raster, bytes: &[u8]) -> Result<Vec<u8>, String> {
    match raster {
        Raster::Jpeg => jpeg(bytes),
        Raster::Png => png(bytes),
        Raster::Webp => webp(bytes),
    }
}

/// Keeps the segments a decoder needs: JFIF (APP0), ICC profiles (APP2) and
/// Adobe's colour transform (APP14); drops the other APPn (APP1 is EXIF and
/// XMP, APP13 IPTC) and comments.
fn jpeg(b: &[u8]) -> Result<Vec<u8>, String> {
    let bad = || "the JPEG file is truncated or corrupt".to_string();
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut i = 2;
    loop {
        // Fill bytes (0xFF repeated) may precede a marker.
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (&ff, &marker) = (b.get(i).ok_or_else(bad)?, b.get(i + 1).ok_or_else(bad)?);
        if ff != 0xFF {
            return Err(bad());
        }
        if marker == 0xD9 {
            out.extend_from_slice(&[0xFF, 0xD9]);
            return Ok(out);
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            out.extend_from_slice(&b[i..i + 2]);
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([
            *b.get(i + 2).ok_or_else(bad)?,
            *b.get(i + 3).ok_or_else(bad)?,
        ]));
        let end = i + 2 + len;
        if len < 2 || end > b.len() {
            return Err(bad());
        }
        let keep = !matches!(marker, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE);
        if keep {
            out.extend_from_slice(&b[i..end]);
        }
        if marker == 0xDA {
            // Start of scan: the entropy-coded data (and any later scans of a
            // progressive file) runs to the end; metadata comes before it.
            out.extend_from_slice(&b[end..]);
            return Ok(out);
        }
        i = end;
    }
}

/// Keeps critical chunks and those that change how pixels look; drops text
/// (XMP lives in iTXt), eXIf, time and unknown private chunks.
fn png(b: &[u8]) -> Result<Vec<u8>, String> {
    const SIG: &[u8] = b"\x89PNG\r\n\x1a\n";
    const KEEP: &[&[u8; 4]] = &[
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
        b"pHYs", b"acTL", b"fcTL", b"fdAT",
    ];
    let bad = || "the PNG file is truncated or corrupt".to_string();
    if !b.starts_with(SIG) {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(SIG);
    let mut i = SIG.len();
    while i < b.len() {
        let head = b.get(i..i + 8).ok_or_else(bad)?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let end = i
            .checked_add(12 + len)
            .filter(|&e| e <= b.len())
            .ok_or_else(bad)?;
        let kind = &head[4..8];
        if KEEP.iter().any(|k| k.as_slice() == kind) {
            out.extend_from_slice(&b[i..end]);
        }
        if kind == b"IEND" {
            return Ok(out);
        }
        i = end;
    }
    Err(bad())
}

/// Drops the EXIF and XMP chunks of an extended WebP file and clears their
/// flags; a simple (VP8/VP8L-only) file cannot carry metadata.
fn webp(b: &[u8]) -> Result<Vec<u8>, String> {
    let bad = || "the WebP file is truncated or corrupt".to_string();
    if b.len() < 12 || &b[..4] != b"RIFF" || &b[8..12] != b"WEBP" {
        return Err(bad());
    }
    let mut body = Vec::with_capacity(b.len());
    body.extend_from_slice(b"WEBP");
    let mut i = 12;
    while i + 8 <= b.len() {
        let kind = &b[i..i + 4];
        let len = u32::from_le_bytes([b[i + 4], b[i + 5], b[i + 6], b[i + 7]]) as usize;
        // Chunks are padded to an even length.
        let end = i
            .checked_add(8 + len + (len & 1))
            .ok_or_else(bad)?
            .min(b.len());
        if i + 8 + len > b.len() {
            return Err(bad());
        }
        if kind != b"EXIF" && kind != b"XMP " {
            let at = body.len();
            body.extend_from_slice(&b[i..end]);
            if kind == b"VP8X" && len >= 1 {
                // Flags byte: bit 3 EXIF, bit 2 XMP.
                body[at + 8] &= !0b0000_1100;
            }
        }
        i = end;
    }
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&u32::try_from(body.len()).map_err(|_| bad())?.to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_loses_app1_and_comments_but_keeps_the_scan() {
        let mut f = vec![0xFF, 0xD8];
        f.extend([0xFF, 0xE0, 0, 4, b'J', b'F']);
        f.extend([0xFF, 0xE1, 0, 6, b'E', b'x', b'i', b'f']);
        f.extend([0xFF, 0xFE, 0, 3, b'c']);
        f.extend([0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        let s = jpeg(&f).unwrap();
        assert_eq!(
            s,
            [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, b'J', b'F', 0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]
        );
    }

    #[test]
    fn truncated_files_are_errors_not_panics() {
        for cut in 0..20 {
            let f = [
                0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5,
            ];
            let _ = jpeg(&f[..cut]);
            let _ = png(&b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"[..cut.min(16)]);
            let _ = webp(&b"RIFF\x10\0\0\0WEBPVP8X\xff\xff"[..cut.min(18)]);
        }
    }
}
