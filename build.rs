//! Embeds every theme under `themes/` into the binary, so a site needs no theme
//! folder: `theme: newsroom` in site.yaml works out of the box.
use std::{env, fs, path::Path};

fn main() {
    let root = Path::new("themes");
    println!("cargo:rerun-if-changed=themes");
    let mut names: Vec<String> = fs::read_dir(root)
        .expect("themes/ folder")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with('.'))
        .collect();
    // Sorted, so the generated file (and the binary) does not depend on the
    // order the file system lists folders in.
    names.sort();
    let mut out = String::from(
        "/// The files of one theme: (path inside the theme, bytes).\n\
         pub type ThemeFiles = &'static [(&'static str, &'static [u8])];\n\
         /// The built-in themes, sorted by name.\n\
         pub static BUILTIN_THEMES: &[(&str, ThemeFiles)] = &[\n",
    );
    for name in &names {
        let dir = root.join(name);
        let mut files = Vec::new();
        collect(&dir, &dir, &mut files);
        files.sort();
        out.push_str(&format!("    ({name:?}, &[\n"));
        for rel in &files {
            let abs = fs::canonicalize(dir.join(rel)).expect("theme file");
            out.push_str(&format!(
                "        ({rel:?}, include_bytes!({:?})),\n",
                abs.display().to_string()
            ));
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("theme.rs"),
        out,
    )
    .unwrap();
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        println!("cargo:rerun-if-changed={}", p.display());
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        if p.is_dir() {
            collect(root, &p, files);
        } else {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect::<Vec<_>>()
                .join("/");
            files.push(rel);
        }
    }
}
