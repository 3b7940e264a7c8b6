//! Makes synthetic but photo-like JPEGs (sky, sun, hills, grain) with the
//! metadata a phone writes: EXIF with an orientation flag and GPS position.
//! Used for the example site's pictures and the image benchmark.
//!
//! `cargo run --release --example gen_photos -- OUT_DIR COUNT WIDTH HEIGHT [QUALITY]`

use image::{Rgb, RgbImage};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        eprintln!("usage: gen_photos OUT_DIR COUNT WIDTH HEIGHT [QUALITY]");
        std::process::exit(2);
    }
    let out = std::path::PathBuf::from(&args[0]);
    let count: u32 = args[1].parse().expect("COUNT");
    let (w, h): (u32, u32) = (
        args[2].parse().expect("WIDTH"),
        args[3].parse().expect("HEIGHT"),
    );
    let quality: u8 = args.get(4).map_or(88, |q| q.parse().expect("QUALITY"));
    std::fs::create_dir_all(&out).expect("create OUT_DIR");
    for i in 0..count {
        let img = photo(w, h, i);
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, quality)
            .encode_image(&img)
            .expect("encode");
        // Every fourth picture is stored sideways, like a phone held upright.
        let orientation = if i % 4 == 3 { 6 } else { 1 };
        let mut file = jpeg[..2].to_vec();
        file.extend(exif(
            orientation,
            48.0 + f64::from(i % 7),
            11.0 + f64::from(i % 5),
        ));
        file.extend(&jpeg[2..]);
        let path = out.join(format!("photo-{i:03}.jpg"));
        std::fs::write(&path, file).expect("write");
    }
}

/// A landscape: sky gradient, a sun, three ranges of hills and film grain.
fn photo(w: u32, h: u32, seed: u32) -> RgbImage {
    let mut rng = 0x9E37_79B9u32 ^ seed.wrapping_mul(0x85EB_CA6B);
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        rng
    };
    let fw = w as f32;
    let fh = h as f32;
    let phase = (seed % 17) as f32;
    let sun = (fw * (0.2 + 0.06 * (seed % 10) as f32), fh * 0.25);
    let warm = (seed % 3) as f32 * 20.0;
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / fw, y as f32 / fh);
        let mut c = [
            90.0 + 100.0 * fy + warm,
            140.0 + 70.0 * fy,
            230.0 - 40.0 * fy,
        ];
        let d = ((x as f32 - sun.0).powi(2) + (y as f32 - sun.1).powi(2)).sqrt() / fh;
        if d < 0.06 {
            c = [255.0, 240.0, 200.0];
        } else if d < 0.25 {
            let g = (0.25 - d) * 2.0;
            c = [c[0] + 120.0 * g, c[1] + 90.0 * g, c[2] + 20.0 * g];
        }
        for (k, base) in [(0.0f32, 0.55f32), (1.0, 0.68), (2.0, 0.8)] {
            let ridge = base
                + 0.06 * (fx * (5.0 + k * 3.0) + phase + k).sin()
                + 0.025 * (fx * (17.0 + k * 5.0) + phase * 0.7).sin();
            if fy > ridge {
                let shade = 1.0 - (fy - ridge) * 0.8;
                c = [
                    (40.0 + 30.0 * k) * shade,
                    (90.0 + 25.0 * k) * shade,
                    (50.0 + 10.0 * k) * shade,
                ];
            }
        }
        let grain = (next() % 25) as f32 - 12.0;
        Rgb(c.map(|v| (v + grain).clamp(0.0, 255.0) as u8))
    })
}

/// An APP1 EXIF segment: orientation and GPS latitude/longitude (big-endian TIFF).
fn exif(orientation: u16, lat: f64, lon: f64) -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0 at 8 (2 entries): orientation, GPS IFD pointer (at 38).
    t.extend([0, 2, 0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    t.extend(orientation.to_be_bytes());
    t.extend([0, 0, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38, 0, 0, 0, 0]);
    // GPS IFD at 38 (4 entries, 54 bytes): rationals follow at 92.
    t.extend([0, 4]);
    t.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    t.extend([0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 92]);
    t.extend([0, 3, 0, 2, 0, 0, 0, 2, b'E', 0, 0, 0]);
    t.extend([0, 4, 0, 5, 0, 0, 0, 3, 0, 0, 0, 116]);
    t.extend([0, 0, 0, 0]);
    for v in [lat, lon] {
        let deg = v.trunc() as u32;
        let min = ((v.fract()) * 60.0) as u32;
        for (n, d) in [(deg, 1u32), (min, 1), (0, 1)] {
            t.extend(n.to_be_bytes());
            t.extend(d.to_be_bytes());
        }
    }
    let mut seg = vec![0xFF, 0xE1];
    seg.extend(((t.len() + 8) as u16).to_be_bytes());
    seg.extend(b"Exif\0\0");
    seg.extend(t);
    seg
}
