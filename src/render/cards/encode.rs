//! PNG encoding of a drawn card. A card is flat colours plus antialiased
//! text, so it is written as an indexed (palette) PNG: losslessly when it has
//! at most 256 colours, else through a median-cut palette in which every
//! colour covering a noticeable area (backgrounds, bars, text cores) stays
//! exact and only edge pixels move to a near neighbour. A card with more
//! colours than a flat drawing has (a photo avatar or logo) stays truecolour.
//! An indexed card is about a quarter of the truecolour bytes to deflate and
//! a third of the file size.

use resvg::tiny_skia::Pixmap;
use rustc_hash::FxHashMap;

/// The most distinct colours a card may have and still be quantised; above
/// this it holds a photo, which 256 colours without dithering would band.
const MAX_QUANTISED: usize = 4096;

/// A colour covering at least `pixels / EXACT_SHARE` pixels keeps its exact
/// value in a quantised palette (at most [`MAX_EXACT`] of them).
const EXACT_SHARE: usize = 4000;
const MAX_EXACT: usize = 128;

/// zlib level. On the example site's 59 cards (truecolour level 6 before:
/// 32.3 KB a card) an indexed card is 18.1 KB at level 3, 17.3 KB at 6,
/// 16.7 KB at 9 and 15.6 KB at miniz's level 10; levels 9 and 10 cost more
/// time than they save bytes (long runs of one index make miniz's match
/// search slow), level 6 draws and encodes a card faster than before.
const LEVEL: u8 = 6;

/// Encodes the pixmap as PNG bytes (deterministic: same pixels, same bytes).
pub(super) fn png(pixmap: &Pixmap) -> Result<Vec<u8>, String> {
    let (w, h) = (pixmap.width(), pixmap.height());
    let colours = unique(pixmap);
    if colours.list.len() > MAX_QUANTISED {
        return truecolour(pixmap);
    }
    let (map, palette) = if colours.list.len() <= 256 {
        let all = colours.list.iter().map(|&(c, _)| c).collect();
        ((0..colours.list.len()).map(|i| i as u8).collect(), all)
    } else {
        quantise(&colours)
    };
    let indices: Vec<u8> = colours.of_pixel.iter().map(|&u| map[u as usize]).collect();
    indexed(w, h, &palette, &indices)
}

/// The distinct colours of a pixmap (straight RGBA packed as `0xRRGGBBAA`,
/// with their pixel counts) and each pixel's index into that list.
struct Colours {
    list: Vec<(u32, usize)>,
    of_pixel: Vec<u16>,
}

fn unique(pixmap: &Pixmap) -> Colours {
    let mut seen: FxHashMap<u32, u16> = FxHashMap::default();
    let mut list: Vec<(u32, usize)> = Vec::new();
    let mut of_pixel = Vec::with_capacity(pixmap.pixels().len());
    // Cards are mostly long runs of one colour: only a change is looked up.
    let mut last: Option<(u32, u16)> = None;
    for p in pixmap.pixels() {
        let c = p.demultiply();
        let key = u32::from_be_bytes([c.red(), c.green(), c.blue(), c.alpha()]);
        let k = match last {
            Some((prev, k)) if prev == key => k,
            _ => {
                let next = list.len();
                let k = *seen.entry(key).or_insert_with(|| {
                    list.push((key, 0));
                    // Saturates harmlessly: past MAX_QUANTISED the card is
                    // written truecolour and these indices are not used.
                    next.min(usize::from(u16::MAX)) as u16
                });
                last = Some((key, k));
                k
            }
        };
        if let Some(e) = list.get_mut(usize::from(k)) {
            e.1 += 1;
        }
        of_pixel.push(k);
    }
    Colours { list, of_pixel }
}

/// (map from unique colour to palette index, palette) for more than 256 colours.
type Quantised = (Vec<u8>, Vec<u32>);

/// Median cut over the colours that are not kept exact, weighted by pixel count.
fn quantise(colours: &Colours) -> Quantised {
    let pixels = colours.of_pixel.len();
    let mut order: Vec<usize> = (0..colours.list.len()).collect();
    // Most frequent first; ties by colour value, so the result is deterministic.
    order.sort_by_key(|&u| (std::cmp::Reverse(colours.list[u].1), colours.list[u].0));
    let exact = (order.iter())
        .take_while(|&&u| colours.list[u].1 * EXACT_SHARE >= pixels)
        .take(MAX_EXACT)
        .count();
    let mut palette: Vec<u32> = order[..exact].iter().map(|&u| colours.list[u].0).collect();
    let rest: Vec<(u32, usize)> = order[exact..].iter().map(|&u| colours.list[u]).collect();
    for b in median_cut(rest, 256 - exact) {
        palette.push(mean(&b));
    }
    let map = (colours.list.iter())
        .map(|&(c, _)| nearest(&palette, c))
        .collect();
    (map, palette)
}

fn channel(c: u32, k: usize) -> u8 {
    c.to_be_bytes()[k]
}

/// Splits the colours into at most `n` boxes, always the box whose widest
/// channel range times pixel count is largest, at its weighted median.
fn median_cut(colours: Vec<(u32, usize)>, n: usize) -> Vec<Vec<(u32, usize)>> {
    let mut boxes = vec![colours];
    while boxes.len() < n {
        let score = |b: &Vec<(u32, usize)>| {
            let (k, range) = widest(b);
            let weight: usize = b.iter().map(|e| e.1).sum();
            (range as usize * weight, k)
        };
        let Some((at, (s, k))) = (boxes.iter().enumerate())
            .filter(|(_, b)| b.len() > 1)
            .map(|(i, b)| (i, score(b)))
            .max_by_key(|&(i, (s, _))| (s, std::cmp::Reverse(i)))
        else {
            break;
        };
        if s == 0 {
            break;
        }
        let mut b = boxes.swap_remove(at);
        b.sort_by_key(|e| (channel(e.0, k), e.0));
        let half: usize = b.iter().map(|e| e.1).sum::<usize>() / 2;
        let mut acc = 0;
        let mut cut = 1;
        for (i, e) in b.iter().enumerate() {
            acc += e.1;
            if acc >= half {
                cut = (i + 1).clamp(1, b.len() - 1);
                break;
            }
        }
        let tail = b.split_off(cut);
        boxes.push(b);
        boxes.push(tail);
    }
    boxes.retain(|b| !b.is_empty());
    boxes
}

/// The channel (0 = red … 3 = alpha) with the widest range in a box, and that range.
fn widest(b: &[(u32, usize)]) -> (usize, u8) {
    (0..4)
        .map(|k| {
            let lo = b.iter().map(|e| channel(e.0, k)).min().unwrap_or(0);
            let hi = b.iter().map(|e| channel(e.0, k)).max().unwrap_or(0);
            (k, hi - lo)
        })
        .max_by_key(|&(k, r)| (r, std::cmp::Reverse(k)))
        .unwrap_or((0, 0))
}

/// The pixel-weighted mean colour of a box.
fn mean(b: &[(u32, usize)]) -> u32 {
    let weight: usize = b.iter().map(|e| e.1).sum::<usize>().max(1);
    let mut out = [0u8; 4];
    for (k, o) in out.iter_mut().enumerate() {
        let sum: usize = b.iter().map(|e| usize::from(channel(e.0, k)) * e.1).sum();
        *o = ((sum + weight / 2) / weight) as u8;
    }
    u32::from_be_bytes(out)
}

/// The palette entry closest to `c` (squared distance over RGBA; first wins ties).
fn nearest(palette: &[u32], c: u32) -> u8 {
    let d = |p: u32| -> u32 {
        (0..4)
            .map(|k| {
                let x = i32::from(channel(p, k)) - i32::from(channel(c, k));
                (x * x) as u32
            })
            .sum()
    };
    (palette.iter().enumerate())
        .min_by_key(|&(i, &p)| (d(p), i))
        .map_or(0, |(i, _)| i as u8)
}

/// Writes an 8-bit indexed PNG; transparency (`tRNS`) only when needed.
fn indexed(w: u32, h: u32, palette: &[u32], indices: &[u8]) -> Result<Vec<u8>, String> {
    let rgb: Vec<u8> = palette
        .iter()
        .flat_map(|c| c.to_be_bytes()[..3].to_vec())
        .collect();
    let alpha: Vec<u8> = palette.iter().map(|c| c.to_be_bytes()[3]).collect();
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Indexed);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_palette(rgb);
    if alpha.iter().any(|&a| a < 255) {
        // tRNS may stop at the last translucent entry.
        let last = alpha.iter().rposition(|&a| a < 255).unwrap_or(0);
        enc.set_trns(alpha[..=last].to_vec());
    }
    finish(enc, indices)?;
    Ok(out)
}

/// A card with too many colours for a palette: RGB, or RGBA if any pixel is translucent.
fn truecolour(pixmap: &Pixmap) -> Result<Vec<u8>, String> {
    let straight: Vec<[u8; 4]> = (pixmap.pixels().iter())
        .map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    let opaque = straight.iter().all(|p| p[3] == 255);
    let data: Vec<u8> = if opaque {
        straight.iter().flat_map(|p| [p[0], p[1], p[2]]).collect()
    } else {
        straight.concat()
    };
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    enc.set_color(if opaque {
        png::ColorType::Rgb
    } else {
        png::ColorType::Rgba
    });
    enc.set_depth(png::BitDepth::Eight);
    finish(enc, &data)?;
    Ok(out)
}

fn finish(mut enc: png::Encoder<'_, &mut Vec<u8>>, data: &[u8]) -> Result<(), String> {
    enc.set_deflate_compression(png::DeflateCompression::Level(LEVEL));
    // Filters predict smooth gradients; palette indices are not one, and
    // measured on the example's cards every filter made them larger.
    enc.set_filter(png::Filter::NoFilter);
    let mut w = enc.write_header().map_err(|e| e.to_string())?;
    w.write_image_data(data).map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use resvg::tiny_skia::{Color, Pixmap};

    fn decode(png: &[u8]) -> (png::ColorType, Vec<u8>, Option<Vec<u8>>) {
        let dec = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = dec.read_info().unwrap();
        let palette = reader.info().palette.as_ref().map(|p| p.to_vec());
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.color_type, buf, palette)
    }

    /// `n` distinct opaque greys and blues in vertical stripes on white.
    fn stripes(n: u32) -> Pixmap {
        let mut p = Pixmap::new(1200, 630).unwrap();
        p.fill(Color::WHITE);
        for (i, px) in p.pixels_mut().iter_mut().enumerate() {
            let x = (i % 1200) as u32;
            if x < n {
                let (r, b) = ((x % 256) as u8, (x / 256) as u8 * 40);
                *px = resvg::tiny_skia::ColorU8::from_rgba(r, r, b, 255).premultiply();
            }
        }
        p
    }

    #[test]
    fn few_colours_are_written_losslessly_as_a_palette() {
        let p = stripes(200);
        let (ct, idx, pal) = decode(&png(&p).unwrap());
        assert_eq!(ct, png::ColorType::Indexed);
        let pal = pal.unwrap();
        for (i, px) in p.pixels().iter().enumerate() {
            let c = px.demultiply();
            let k = usize::from(idx[i]) * 3;
            assert_eq!(&pal[k..k + 3], &[c.red(), c.green(), c.blue()], "pixel {i}");
        }
    }

    #[test]
    fn many_colours_are_quantised_keeping_large_areas_exact() {
        let p = stripes(700);
        let (ct, idx, pal) = decode(&png(&p).unwrap());
        assert_eq!(ct, png::ColorType::Indexed);
        let pal = pal.unwrap();
        assert!(pal.len() <= 256 * 3);
        let mut worst = 0;
        for (i, px) in p.pixels().iter().enumerate() {
            let c = px.demultiply();
            let k = usize::from(idx[i]) * 3;
            let d = (pal[k..k + 3].iter().zip([c.red(), c.green(), c.blue()]))
                .map(|(&a, b)| (i32::from(a) - i32::from(b)).abs())
                .max()
                .unwrap();
            // The white background (most of the card) is exact.
            if i % 1200 >= 700 {
                assert_eq!(d, 0, "background pixel {i}");
            }
            worst = worst.max(d);
        }
        assert!(worst <= 8, "quantisation error {worst}");
        assert_eq!(png(&p).unwrap(), png(&p).unwrap(), "deterministic");
    }

    #[test]
    fn a_photo_like_card_stays_truecolour() {
        let mut p = Pixmap::new(1200, 630).unwrap();
        for (i, px) in p.pixels_mut().iter_mut().enumerate() {
            let v = (i as u32).wrapping_mul(2_654_435_761).to_be_bytes();
            *px = resvg::tiny_skia::ColorU8::from_rgba(v[0], v[1], v[2], 255).premultiply();
        }
        let (ct, buf, _) = decode(&png(&p).unwrap());
        assert_eq!(ct, png::ColorType::Rgb);
        assert_eq!(buf.len(), 1200 * 630 * 3);
    }
}
