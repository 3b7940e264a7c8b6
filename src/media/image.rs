//! One raster image: read its header, decode it, apply the EXIF orientation,
//! resize it and encode the variants. Encoded files go to the cache
//! (`.kurator/images/<key>/`), from where the build copies them; a variant
//! already in the cache is never encoded again.

use super::strip;
use super::{Raster, Source, VariantFormat};
use crate::cache::Cache;
use crate::config::ImagesConfig;
use fast_image_resize::{self as fr, images::Image as FrImage, PixelType, ResizeOptions};
use image::{DynamicImage, ImageDecoder, ImageReader};
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many variant files this process encoded: tests and `--timings`
/// read it to prove that a warm build encodes nothing.
pub static ENCODED: AtomicUsize = AtomicUsize::new(0);

/// Cache namespace of encoded variants.
const NAMESPACE: &str = "images";

/// What the header says, before any pixel is decoded.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    pub raster: Raster,
    /// Width and height as displayed, i.e. after the EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// Whether the orientation flag turns or mirrors the stored pixels.
    pub oriented: bool,
}

/// Reads the format, size and orientation of an encoded image.
pub fn header(bytes: &[u8]) -> Result<Header, String> {
    let raster = sniff(bytes).ok_or("not a JPEG, PNG or WebP file")?;
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(raster.image_format());
    let mut dec = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = dec.dimensions();
    if w == 0 || h == 0 {
        return Err("the image has no pixels".into());
    }
    // A broken EXIF block is no reason to refuse a picture: show it as stored.
    let o = dec
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    use image::metadata::Orientation as O;
    let turned = matches!(
        o,
        O::Rotate90 | O::Rotate270 | O::Rotate90FlipH | O::Rotate270FlipH
    );
    let (width, height) = if turned { (h, w) } else { (w, h) };
    Ok(Header {
        raster,
        width,
        height,
        oriented: o != O::NoTransforms,
    })
}

/// The raster format from the first bytes (the extension can lie).
pub fn sniff(b: &[u8]) -> Option<Raster> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Raster::Jpeg)
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Raster::Png)
    } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some(Raster::Webp)
    } else {
        None
    }
}

impl Raster {
    fn image_format(self) -> image::ImageFormat {
        match self {
            Raster::Jpeg => image::ImageFormat::Jpeg,
            Raster::Png => image::ImageFormat::Png,
            Raster::Webp => image::ImageFormat::WebP,
        }
    }
}

/// Where the cache keeps one variant of a source.
pub fn cache_file(cache: &Cache, src: &Source, variant: usize) -> PathBuf {
    let v = &src.variants[variant];
    cache.root().join(NAMESPACE).join(&src.key).join(format!(
        "{}-{}.{}",
        v.width,
        v.original as u8,
        v.format.ext()
    ))
}

/// Makes sure every variant of `src` is in the cache, decoding the source at
/// most once. Returns how many files were encoded.
pub fn ensure(cache: &Cache, src: &Source, cfg: &ImagesConfig) -> Result<usize, String> {
    let mut missing: Vec<usize> = (0..src.variants.len())
        .filter(|&v| !cache_file(cache, src, v).is_file())
        .collect();
    // Same sizes next to each other: each size is resized once and encoded
    // in every format.
    missing.sort_by_key(|&v| (src.variants[v].width, v));
    if missing.is_empty() {
        return Ok(0);
    }
    let bytes = std::fs::read(&src.path).map_err(|e| e.to_string())?;
    let mut decoded: Option<Pixels> = None;
    let mut last: Option<((u32, u32), DynamicImage)> = None;
    for &v in &missing {
        let var = &src.variants[v];
        let out = if var.original && !(src.oriented && cfg.strip_metadata) {
            // The published original: the same bytes, minus metadata. A
            // turned photo is re-encoded instead, as stripping would drop
            // the flag that turns it.
            if cfg.strip_metadata {
                strip::strip(src.raster, &bytes)?
            } else {
                bytes.clone()
            }
        } else {
            if decoded.is_none() {
                decoded = Some(Pixels::new(decode(&bytes, src.raster)?)?);
            }
            let px = decoded.as_ref().ok_or("decoding failed")?;
            let size = (var.width, var.height);
            if last.as_ref().is_none_or(|(s, _)| *s != size) {
                last = Some((size, px.resize(var.width, var.height)?));
            }
            let (_, resized) = last.as_ref().ok_or("resizing failed")?;
            encode(resized, var.format, cfg.quality)?
        };
        write(&cache_file(cache, src, v), &out).map_err(|e| format!("cannot write cache: {e}"))?;
        ENCODED.fetch_add(1, Ordering::Relaxed);
    }
    Ok(missing.len())
}

fn write(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Write then rename: an interrupted build never leaves half a variant.
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Decodes and turns the image upright.
fn decode(bytes: &[u8], raster: Raster) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(raster.image_format());
    let mut dec = reader.into_decoder().map_err(|e| e.to_string())?;
    let o = dec
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(dec).map_err(|e| e.to_string())?;
    img.apply_orientation(o);
    Ok(img)
}

/// A decoded source as 8-bit RGB or RGBA, converted once for all sizes.
struct Pixels {
    image: FrImage<'static>,
    alpha: bool,
}

impl Pixels {
    fn new(img: DynamicImage) -> Result<Self, String> {
        let alpha = img.color().has_alpha();
        let (w, h) = (img.width(), img.height());
        let (buf, pt) = if alpha {
            (img.into_rgba8().into_raw(), PixelType::U8x4)
        } else {
            (img.into_rgb8().into_raw(), PixelType::U8x3)
        };
        let image = FrImage::from_vec_u8(w, h, buf, pt).map_err(|e| e.to_string())?;
        Ok(Pixels { image, alpha })
    }

    /// Resizes to `w`×`h` with a Lanczos filter.
    fn resize(&self, w: u32, h: u32) -> Result<DynamicImage, String> {
        let src = &self.image;
        if (w, h) == (src.width(), src.height()) {
            return Ok(from_raw(w, h, src.buffer().to_vec(), self.alpha));
        }
        let mut dst = FrImage::new(w, h, src.pixel_type());
        let opts =
            ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
        fr::Resizer::new()
            .resize(src, &mut dst, &opts)
            .map_err(|e| e.to_string())?;
        Ok(from_raw(w, h, dst.into_vec(), self.alpha))
    }
}

fn from_raw(w: u32, h: u32, buf: Vec<u8>, alpha: bool) -> DynamicImage {
    let blank = || DynamicImage::new_rgb8(w, h);
    if alpha {
        image::RgbaImage::from_raw(w, h, buf).map_or_else(blank, DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(w, h, buf).map_or_else(blank, DynamicImage::ImageRgb8)
    }
}

/// Encodes pixels; the encoders write no metadata at all.
fn encode(img: &DynamicImage, format: VariantFormat, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match format {
        VariantFormat::Jpeg => {
            let rgb = img.to_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .encode_image(&rgb)
                .map_err(|e| e.to_string())?;
        }
        VariantFormat::Png => {
            use image::codecs::png::{CompressionType, FilterType, PngEncoder};
            let enc =
                PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive);
            img.write_with_encoder(enc).map_err(|e| e.to_string())?;
        }
        VariantFormat::Webp => {
            let enc = if img.color().has_alpha() {
                let rgba = img.to_rgba8();
                let mem = webp::Encoder::from_rgba(&rgba, img.width(), img.height())
                    .encode(f32::from(quality));
                return Ok(mem.to_vec());
            } else {
                img.to_rgb8()
            };
            let mem =
                webp::Encoder::from_rgb(&enc, img.width(), img.height()).encode(f32::from(quality));
            out = mem.to_vec();
        }
        VariantFormat::Avif => out = avif(img, quality)?,
    }
    Ok(out)
}

/// rav1e's speed preset (1 slow … 10 fast; ravif's default is 4): at 6 the
/// three AVIF variants of a 12-megapixel photo take about 8 s of one core
/// (docs/images.md). Other presets were not measured.
const AVIF_SPEED: u8 = 6;

/// Encodes AVIF on one thread: ravif sizes its tiles by the thread count, so
/// a fixed count keeps the bytes the same on every machine; the build
/// already runs one image per core.
///
/// rav1e then runs in a pool of its own. A rayon worker that waits for
/// another pool steals work from its own meanwhile, which would start
/// decoding further photos (peak RSS 1 GiB for 2 cores in bench/images.py);
/// a plain thread makes the worker simply wait.
fn avif(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, String> {
    std::thread::scope(|s| {
        (s.spawn(|| avif_here(img, quality)).join())
            .unwrap_or_else(|_| Err("the AVIF encoder failed".into()))
    })
}

fn avif_here(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, String> {
    let enc = ravif::Encoder::new()
        .with_quality(f32::from(quality.clamp(1, 100)))
        .with_speed(AVIF_SPEED)
        .with_num_threads(Some(1));
    let (w, h) = (img.width() as usize, img.height() as usize);
    let res = if img.color().has_alpha() {
        let rgba = img.to_rgba8();
        let px: Vec<ravif::RGBA8> = (rgba.as_raw().chunks_exact(4))
            .map(|p| ravif::RGBA8::new(p[0], p[1], p[2], p[3]))
            .collect();
        enc.encode_rgba(ravif::Img::new(&px[..], w, h))
    } else {
        let rgb = img.to_rgb8();
        let px: Vec<ravif::RGB8> = (rgb.as_raw().chunks_exact(3))
            .map(|p| ravif::RGB8::new(p[0], p[1], p[2]))
            .collect();
        enc.encode_rgb(ravif::Img::new(&px[..], w, h))
    };
    res.map(|r| r.avif_file)
        .map_err(|e| format!("AVIF encoding failed: {e}"))
}
