//! Images (SPEC §11) on sites whose photos are generated here: a phone-style
//! JPEG turned by an EXIF flag and carrying GPS and XMP, a PNG with XMP
//! text, a corrupt file, a too-large and an oversized one.

mod common;

use common::*;
use image::{ImageEncoder, Rgb, RgbImage};
use std::path::Path;

/// An EXIF APP1 segment: orientation 6 (turn 90° clockwise) and a GPS
/// latitude, big-endian TIFF, written by hand as a phone would.
fn exif_app1() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend(b"MM\0\x2a\0\0\0\x08");
    // IFD0 at 8: orientation, GPS pointer (GPS IFD at 38).
    t.extend([0, 2]);
    t.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    t.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    t.extend([0, 0, 0, 0]);
    // GPS IFD at 38: latitude ref and latitude (rationals at 68).
    t.extend([0, 2]);
    t.extend([0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    t.extend([0x00, 0x02, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    t.extend([0, 0, 0, 0]);
    for (n, d) in [(52u32, 1u32), (31, 1), (0, 1)] {
        t.extend(n.to_be_bytes());
        t.extend(d.to_be_bytes());
    }
    let mut seg = b"Exif\0\0".to_vec();
    seg.extend(t);
    app(0xE1, &seg)
}

fn app(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend(((payload.len() + 2) as u16).to_be_bytes());
    s.extend(payload);
    s
}

const XMP: &str =
    "<x:xmpmeta xmlns:x='adobe:ns:meta/'><exif:GPSLatitude>52,31N</exif:GPSLatitude></x:xmpmeta>";

/// A 1200×800 JPEG whose top-left quarter is red; stored sideways with
/// orientation 6, so it shows as 800×1200 with the red corner top right.
fn phone_jpeg() -> Vec<u8> {
    let img = RgbImage::from_fn(1200, 800, |x, y| {
        if x < 600 && y < 400 {
            Rgb([220, 20, 20])
        } else {
            Rgb([(x / 5) as u8, 120, (y / 4) as u8])
        }
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 85)
        .encode_image(&img)
        .unwrap();
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend(XMP.as_bytes());
    let mut out = plain[..2].to_vec();
    out.extend(exif_app1());
    out.extend(app(0xE1, &xmp));
    out.extend(app(0xFE, b"shot on a phone"));
    out.extend(&plain[2..]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A PNG of `w`×`h` with an XMP iTXt chunk after the header.
fn png_with_xmp(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut plain = Vec::new();
    image::codecs::png::PngEncoder::new(&mut plain)
        .write_image(&img, w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    let mut body = b"iTXtXML:com.adobe.xmp\0\0\0\0\0".to_vec();
    body.extend(XMP.as_bytes());
    let mut chunk = ((body.len() - 4) as u32).to_be_bytes().to_vec();
    chunk.extend(&body);
    chunk.extend(crc32(&body).to_be_bytes());
    let ihdr_end = 8 + 25;
    let mut out = plain[..ihdr_end].to_vec();
    out.extend(chunk);
    out.extend(&plain[ihdr_end..]);
    out
}

fn site_with_photos() -> SiteCopy {
    let s = copy_fixture("minimal");
    s.write(
        "articles/2024/offsite/index.md",
        "---\ntitle: Offsite\nslug: offsite\ndate: 2024-05-02\nauthors: [anna]\nchannels: [x]\n---\n\
         ![Das Team beim Offsite](team.jpg)\n\nText.\n\n![Ein Diagramm](/img/chart.png)\n",
    );
    s.write("articles/2024/offsite/team.jpg", phone_jpeg());
    s.write("static/img/chart.png", png_with_xmp(640, 400));
    s.write(
        "authors/anna.md",
        "---\nname: Anna Alpha\navatar: /img/anna.jpg\n---\nSchreibt über Kultur.\n",
    );
    let mut avatar = Vec::new();
    let face = RgbImage::from_fn(300, 300, |x, _| Rgb([200, (x % 200) as u8, 150]));
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut avatar, 85)
        .encode_image(&face)
        .unwrap();
    s.write("static/img/anna.jpg", avatar);
    s
}

fn media_files(out: &Path) -> Vec<String> {
    list_files(out)
        .into_iter()
        .filter(|f| f.ends_with(".jpg") || f.ends_with(".png") || f.ends_with(".webp"))
        .collect()
}

fn article(s: &SiteCopy) -> String {
    s.read("2024/05/offsite/index.html")
}

#[test]
fn variants_have_the_configured_widths_and_formats_never_upscaled() {
    let s = site_with_photos();
    s.build_ok(&[]);
    let files = media_files(&s.out());
    let team: Vec<&String> = files.iter().filter(|f| f.contains("/team-")).collect();
    let names: Vec<&str> = team.iter().map(|f| f.rsplit('/').next().unwrap()).collect();
    // Shown 800 wide: 480 and its own 800; 960 and 1600 would upscale.
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "team-480.jpg",
            "team-480.webp",
            "team-800.jpg",
            "team-800.webp"
        ]
    );
    for f in &team {
        let bytes = std::fs::read(s.out().join(f)).unwrap();
        let (w, h) = image::load_from_memory(&bytes)
            .map(|i| (i.width(), i.height()))
            .unwrap();
        let want_w: u32 = f
            .rsplit('-')
            .next()
            .unwrap()
            .split('.')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!((w, h), (want_w, want_w * 3 / 2), "{f}");
        let webp = bytes.len() > 12 && &bytes[8..12] == b"WEBP";
        assert_eq!(
            webp,
            f.ends_with(".webp"),
            "{f} has the format its name says"
        );
    }
    // The static PNG keeps its path (stripped) and gets 480 and 640 variants.
    assert!(files.contains(&"img/chart.png".to_string()));
    assert!(files.iter().any(|f| f.ends_with("/chart-480.png")));
    assert!(files.iter().any(|f| f.ends_with("/chart-640.webp")));
}

#[test]
fn markup_has_srcset_sizes_dimensions_and_lazy_loading_after_the_first() {
    let s = site_with_photos();
    s.build_ok(&[]);
    let html = article(&s);
    let imgs: Vec<&str> = tags(&html, "img")
        .into_iter()
        .filter(|t| t.contains("/_media/"))
        .collect();
    assert!(imgs.len() >= 2, "{html}");
    let team = imgs.iter().find(|t| t.contains("team-")).unwrap();
    assert_eq!(attr(team, "width"), Some("800"));
    assert_eq!(attr(team, "height"), Some("1200"));
    assert_eq!(attr(team, "alt"), Some("Das Team beim Offsite"));
    assert!(attr(team, "srcset").unwrap().contains("team-480.jpg 480w"));
    assert!(attr(team, "sizes").is_some());
    assert_eq!(attr(team, "loading"), None, "the first image loads at once");
    let chart = imgs.iter().find(|t| t.contains("chart-")).unwrap();
    assert_eq!(attr(chart, "loading"), Some("lazy"));
    assert_eq!(attr(chart, "decoding"), Some("async"));
    assert_contains(&html, "<source type=\"image/webp\" srcset=\"/_media/");
    // The avatar gets a srcset too.
    let avatar = tags(&html, "img")
        .into_iter()
        .find(|t| t.contains("class=\"avatar\""))
        .unwrap();
    assert!(
        attr(avatar, "srcset")
            .unwrap()
            .contains("anna-300.jpg 300w"),
        "{avatar}"
    );
}

#[test]
fn no_published_raster_file_carries_metadata() {
    let s = site_with_photos();
    s.build_ok(&[]);
    let files = media_files(&s.out());
    assert!(files.len() >= 8);
    for f in files {
        let b = std::fs::read(s.out().join(&f)).unwrap();
        for marker in [
            &b"Exif\0"[..],
            b"ns.adobe.com/xap",
            b"GPSLatitude",
            b"xmpmeta",
            b"shot on a phone",
        ] {
            assert!(
                !b.windows(marker.len()).any(|w| w == marker),
                "{f} contains {:?}",
                String::from_utf8_lossy(marker)
            );
        }
    }
}

#[test]
fn exif_orientation_is_applied() {
    let s = site_with_photos();
    s.build_ok(&[]);
    let f = media_files(&s.out())
        .into_iter()
        .find(|f| f.ends_with("team-480.jpg"))
        .unwrap();
    let img = image::open(s.out().join(f)).unwrap().to_rgb8();
    // Turned clockwise, the red top-left corner is now top right.
    let tr = img.get_pixel(img.width() - 10, 10);
    let tl = img.get_pixel(10, 10);
    assert!(tr[0] > 180 && tr[1] < 80, "top right is red: {tr:?}");
    assert!(tl[0] < 180 || tl[1] > 80, "top left is not: {tl:?}");
}

#[test]
fn bad_images_are_findings_at_the_reference() {
    let s = copy_fixture("minimal");
    s.write(
        "site.yaml",
        "title: Minimal\nbase_url: https://minimal.example\nlanguage: de\ntimezone: Europe/Berlin\nimages:\n  widths: [100, 200]\n  max_pixels: 1000000\n",
    );
    s.write(
        "articles/2024-05-02-bilder.md",
        "---\ntitle: Bilder\nauthors: [anna]\nchannels: [x]\n---\nText.\n\n![Kaputt](kaputt.jpg)\n\n  ![Riesig](riesig.png)\n\n![Breit](breit.png)\n\n![Fehlt](fehlt.jpg)\n",
    );
    s.write(
        "articles/kaputt.jpg",
        b"\xFF\xD8\xFF\xE0 this is not really a JPEG",
    );
    s.write("articles/riesig.png", png_with_xmp(1200, 1000));
    s.write("articles/breit.png", png_with_xmp(700, 100));
    let r = run_cmd(kurator().args(["check", "--format", "json"]).arg(&s.site));
    r.assert_code(1);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let find = |code: &str| {
        lines
            .iter()
            .find(|v| v["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {}", r.stdout))
            .clone()
    };
    let f = "articles/2024-05-02-bilder.md";
    let bad = find("image-unreadable");
    assert_eq!(
        (
            bad["file"].as_str(),
            bad["line"].as_u64(),
            bad["column"].as_u64()
        ),
        (Some(f), Some(8), Some(1))
    );
    assert_eq!(bad["severity"], "error");
    let big = find("image-too-large");
    assert_eq!(
        (big["line"].as_u64(), big["column"].as_u64()),
        (Some(10), Some(3))
    );
    assert_eq!(big["severity"], "error");
    let wide = find("image-oversized");
    assert_eq!(
        (wide["line"].as_u64(), wide["severity"].as_str()),
        (Some(12), Some("warning"))
    );
    assert!(wide["hint"].as_str().unwrap().contains("scale"));
    let missing = find("broken-image");
    assert_eq!(missing["line"].as_u64(), Some(14));
}

#[test]
fn a_warm_build_encodes_nothing_and_equals_a_cold_one() {
    let s = site_with_photos();
    let cold = s.tmp.path().join("cold-cache");
    let warm = s.tmp.path().join("warm-cache");
    let encoded = |r: &Run| -> usize {
        let line = r
            .stderr
            .lines()
            .find(|l| l.starts_with("timings:"))
            .unwrap();
        let before = line.split(" encoded").next().unwrap();
        before.rsplit('(').next().unwrap().parse().unwrap()
    };
    let dir = |p: &Path| p.to_str().unwrap().to_string();
    let first = s.build_ok(&["--timings", "--cache-dir", &dir(&warm)]);
    assert!(encoded(&first) >= 8);
    let a = snapshot(&s.out());
    let second = s.build_ok(&["--timings", "--cache-dir", &dir(&warm)]);
    assert_eq!(encoded(&second), 0, "{}", second.stderr);
    let b = snapshot(&s.out());
    assert_same_tree(&a, &b, "warm build");
    let third = s.build_ok(&["--timings", "--cache-dir", &dir(&cold), "-j", "1"]);
    assert!(encoded(&third) >= 8);
    assert_same_tree(&a, &snapshot(&s.out()), "cold build, one thread");
    // The default cache lives in the site's .kurator/.
    s.build_ok(&[]);
    assert!(s.site.join(".kurator/images").is_dir());
}

#[test]
fn serve_shows_an_edited_photo_encoding_only_that_photo() {
    use kurator::serve::rebuild::{Builder, Outcome, Snapshot};
    use std::sync::atomic::{AtomicBool, Ordering};
    let s = site_with_photos();
    let mut b = Builder::new(kurator::LoadOptions {
        site_dir: s.site.clone(),
        ..Default::default()
    });
    let (open, cancel) = (Default::default(), AtomicBool::new(false));
    let Outcome::Built(first) = b.build(&Snapshot::default(), &open, &cancel, &mut |_| {}) else {
        panic!("first build failed")
    };
    let page = "2024/05/offsite/index.html";
    let html = |snap: &Snapshot| String::from_utf8_lossy(&snap.get(page).unwrap()).into_owned();
    let before = kurator::media::image::ENCODED.load(Ordering::Relaxed);
    // The same photo, retouched: a different file with the same name.
    let edited = phone_jpeg();
    let img = image::load_from_memory(&edited).unwrap().to_rgb8();
    let brighter = RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y);
        Rgb([p[0].saturating_add(30), p[1].saturating_add(30), p[2]])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&brighter)
        .unwrap();
    s.write("articles/2024/offsite/team.jpg", out);
    b.invalidate(&["articles/2024/offsite/team.jpg".to_string()]);
    let Outcome::Built(second) = b.build(&first.snapshot, &open, &cancel, &mut |_| {}) else {
        panic!("rebuild failed")
    };
    let encoded = kurator::media::image::ENCODED.load(Ordering::Relaxed) - before;
    // Stored upright now (no EXIF): 1200×800 gives 480, 960 and 1200, twice.
    assert_eq!(encoded, 6, "only the edited photo is encoded");
    let (old, new) = (html(&first.snapshot), html(&second.snapshot));
    assert_ne!(old, new);
    let url = (new.split("src=\"/_media/").skip(1))
        .map(|r| r.split('"').next().unwrap())
        .find(|u| u.contains("team-"))
        .unwrap();
    assert!(
        second.snapshot.files.contains_key(&format!("_media/{url}")),
        "{url}"
    );
    assert!(second.changed.iter().any(|p| p == page));
}

/// Inode and link count of a file.
#[cfg(unix)]
fn inode(p: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(p).unwrap();
    (m.ino(), m.nlink())
}

/// The published JPEG variants (cache-backed files) of the output.
fn jpeg_variants(out: &Path) -> Vec<String> {
    media_files(out)
        .into_iter()
        .filter(|f| f.starts_with("_media/") && f.ends_with(".jpg"))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_warm_build_takes_unchanged_variants_over_from_the_previous_output() {
    let s = site_with_photos();
    let cache = s.tmp.path().join("cache");
    let cache_arg = cache.to_str().unwrap().to_string();
    s.build_ok(&["--cache-dir", &cache_arg]);
    let before = snapshot(&s.out());
    let files = jpeg_variants(&s.out());
    assert!(files.len() >= 3, "{files:?}");
    let inodes: Vec<_> = files.iter().map(|f| inode(&s.out().join(f))).collect();
    s.build_ok(&["--cache-dir", &cache_arg]);
    assert_same_tree(&before, &snapshot(&s.out()), "warm build");
    for (f, (ino, _)) in files.iter().zip(&inodes) {
        let (now, links) = inode(&s.out().join(f));
        assert_eq!(now, *ino, "{f} was copied again instead of taken over");
        assert_eq!(links, 1, "{f} has another name (old output or cache)");
    }
    // No published file shares its inode with the cache: editing the
    // output in place can never change what the next build publishes.
    let cached: Vec<u64> = list_files(&cache)
        .iter()
        .map(|f| inode(&cache.join(f)).0)
        .collect();
    assert!(!inodes.iter().any(|(i, _)| cached.contains(i)));
}

#[cfg(unix)]
#[test]
fn an_output_file_edited_in_place_is_copied_afresh_and_the_cache_is_untouched() {
    let s = site_with_photos();
    let cache = s.tmp.path().join("cache");
    let cache_arg = cache.to_str().unwrap().to_string();
    s.build_ok(&["--cache-dir", &cache_arg]);
    let before = snapshot(&s.out());
    let cache_before = snapshot(&cache);
    let f = jpeg_variants(&s.out()).remove(0);
    let path = s.out().join(&f);
    let len = std::fs::metadata(&path).unwrap().len() as usize;
    // Same size, other bytes: only the modification time tells.
    std::fs::write(&path, vec![b'x'; len]).unwrap();
    s.build_ok(&["--cache-dir", &cache_arg]);
    assert_same_tree(&before, &snapshot(&s.out()), "build after an edit in place");
    assert_same_tree(&cache_before, &snapshot(&cache), "cache after the build");
}

#[cfg(unix)]
#[test]
fn a_failed_build_leaves_the_previous_output_and_its_link_counts_alone() {
    let s = site_with_photos();
    s.build_ok(&[]);
    let before = snapshot(&s.out());
    let files = jpeg_variants(&s.out());
    // A template that fails while rendering: the render loop goes on with
    // the other routes, so the variants are taken over into the staging
    // folder before the build fails.
    s.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ item.nosuchfield.deeper }}{% endblock content %}\n",
    );
    let r = s.build(&[]);
    r.assert_code(1);
    assert_same_tree(&before, &snapshot(&s.out()), "output after a failed build");
    for f in &files {
        assert_eq!(inode(&s.out().join(f)).1, 1, "{f} kept a second name");
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_folder_in_the_previous_output_is_never_followed() {
    let s = site_with_photos();
    s.build_ok(&[]);
    let before = snapshot(&s.out());
    let f = jpeg_variants(&s.out()).remove(0);
    let dir = s.out().join(&f);
    let dir = dir.parent().unwrap();
    // Move a variant folder out of the output, keeping the files' times,
    // and leave a symlink to it: it must not be emptied by the next build.
    let outside = s.tmp.path().join("outside");
    std::fs::rename(dir, &outside).unwrap();
    std::os::unix::fs::symlink(&outside, dir).unwrap();
    let outside_before = snapshot(&outside);
    s.build_ok(&[]);
    assert_same_tree(&before, &snapshot(&s.out()), "output after the build");
    assert!(!std::fs::symlink_metadata(dir).unwrap().is_symlink());
    assert_same_tree(
        &outside_before,
        &snapshot(&outside),
        "folder outside the output",
    );
}

#[test]
fn responders_pictures_are_published_without_resized_variants() {
    let s = site_with_photos();
    s.write("static/responses/5f0c1a.png", png_with_xmp(600, 600));
    s.build_ok(&[]);
    let files = media_files(&s.out());
    assert!(
        files.contains(&"responses/5f0c1a.png".to_string()),
        "{files:?}"
    );
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("_media/") && f.contains("5f0c1a")),
        "variants of a responder's picture: {files:?}"
    );
    // Stripped like every published raster file.
    let png = std::fs::read(s.out().join("responses/5f0c1a.png")).unwrap();
    assert!(!String::from_utf8_lossy(&png).contains("GPSLatitude"));
}

#[test]
fn a_photo_with_a_new_modification_time_but_the_same_bytes_encodes_nothing() {
    let s = site_with_photos();
    s.build_ok(&[]);
    let before = snapshot(&s.out());
    // As `git checkout` or a copy would: same bytes, new mtime.
    let photo = s.site.join("articles/2024/offsite/team.jpg");
    let bytes = std::fs::read(&photo).unwrap();
    std::fs::remove_file(&photo).unwrap();
    std::fs::write(&photo, bytes).unwrap();
    let r = s.build_ok(&["--timings"]);
    assert!(r.stderr.contains("(0 encoded)"), "{}", r.stderr);
    assert_same_tree(&before, &snapshot(&s.out()), "build after a touch");
}

/// The width and height an AVIF file's `ispe` property states.
fn avif_size(b: &[u8]) -> (u32, u32) {
    let at = b
        .windows(4)
        .position(|w| w == b"ispe")
        .expect("an ispe box");
    let n = |o: usize| u32::from_be_bytes(b[at + o..at + o + 4].try_into().unwrap());
    // After the type come 4 bytes of version and flags.
    (n(8), n(12))
}

#[test]
fn avif_is_opt_in_comes_first_in_picture_and_is_deterministic() {
    // Small widths: unoptimised test builds encode AVIF slowly.
    let s = site_with_photos();
    s.write(
        "site.yaml",
        "title: Minimal\nbase_url: https://minimal.example\nlanguage: de\n\
         timezone: Europe/Berlin\nimages:\n  widths: [120, 240]\n  formats: [webp, avif]\n",
    );
    let cold = |name: &str| {
        let dir = s.tmp.path().join(name);
        s.build_ok(&["--cache-dir", dir.to_str().unwrap()]);
        snapshot(&s.out())
    };
    let a = cold("cache-a");
    let avif: Vec<&String> = a.keys().filter(|f| f.ends_with(".avif")).collect();
    let mut names: Vec<&str> = avif.iter().map(|f| f.rsplit('/').next().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "anna-120.avif",
            "anna-240.avif",
            "chart-120.avif",
            "chart-240.avif",
            "team-120.avif",
            "team-240.avif"
        ]
    );
    for f in &avif {
        let b = &a[*f];
        assert_eq!(&b[4..12], b"ftypavif", "{f} is an AVIF file");
        assert!(!b.windows(5).any(|w| w == b"Exif\0"), "{f} has no EXIF");
        let w: u32 = (f.rsplit('-').next().unwrap().split('.').next().unwrap())
            .parse()
            .unwrap();
        let want_h = if f.contains("/team-") {
            w * 3 / 2 // turned by the EXIF flag: portrait
        } else if f.contains("/chart-") {
            w * 400 / 640
        } else {
            w
        };
        assert_eq!(avif_size(b), (w, want_h), "{f}");
    }
    let html = String::from_utf8(a["2024/05/offsite/index.html"].clone()).unwrap();
    let (av, wp) = (
        html.find("<source type=\"image/avif\"")
            .expect("an AVIF source"),
        html.find("<source type=\"image/webp\"")
            .expect("a WebP source"),
    );
    assert!(av < wp, "the browser takes the first source it can show");
    assert_same_tree(&a, &cold("cache-b"), "a second cold AVIF build");
}
