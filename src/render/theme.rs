//! Theme loading: the built-in themes (every folder of `themes/` in this
//! repository, embedded by `build.rs`), an optional site theme under
//! `themes/<name>/`, and the site's `templates/` overrides, layered in that
//! order. Also the UI strings (`i18n/<lang>.yaml`).

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::discover::SourceTree;
use crate::yaml;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::path::PathBuf;

include!(concat!(env!("OUT_DIR"), "/theme.rs"));

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Embedded(&'static [u8]),
    File(PathBuf),
}

/// UI strings of one language that the Rust side needs.
#[derive(Debug, Clone)]
pub struct UiStrings {
    pub months: Vec<String>,
    pub date_format: String,
    pub reading_time: String,
    /// Singular form ("1 Minute Lesedauer"), when the language needs one.
    pub reading_time_one: Option<String>,
    /// Every string, for templates (`t`).
    pub all: serde_json::Value,
}

/// A loaded theme.
pub struct Theme {
    /// (template name, source, file for error messages).
    pub templates: Vec<(String, String, String)>,
    /// Output path → source, sorted.
    pub statics: BTreeMap<String, StaticSource>,
    pub strings: FxHashMap<String, UiStrings>,
}

/// How the origin of a built-in theme's file starts (`(built-in theme default) …`).
const BUILTIN_ORIGIN: &str = "(built-in theme";

impl Theme {
    /// Names of the templates the site brings itself (`templates/`,
    /// `themes/<name>/`), replacing or adding to the built-in ones.
    pub fn site_templates(&self) -> impl Iterator<Item = &str> {
        (self.templates.iter())
            .filter(|(_, _, origin)| !origin.starts_with(BUILTIN_ORIGIN))
            .map(|(name, _, _)| name.as_str())
    }

    /// Layers, each overriding the one before file by file: the built-in
    /// `default` theme, the built-in theme named `theme_name` (when it is not
    /// `default`), the site's `themes/<theme_name>/` folder, and the site's own
    /// `templates/` and `static/`.
    pub fn load(tree: &SourceTree, config: &Config, diags: &mut Vec<Diagnostic>) -> Theme {
        let (theme_name, languages) = (config.theme.as_str(), &config.languages);
        let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut statics = BTreeMap::new();
        let mut i18n: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let mut layers = vec!["default"];
        if theme_name != "default" {
            layers.push(theme_name);
        }
        for layer in layers {
            for (path, bytes) in builtin_theme(layer).unwrap_or(&[]) {
                let text = || String::from_utf8_lossy(bytes).into_owned();
                let origin = format!("{BUILTIN_ORIGIN} {layer}) {path}");
                if let Some(name) = path.strip_prefix("templates/") {
                    templates.insert(name.to_string(), (text(), origin));
                } else if let Some(p) = path.strip_prefix("static/") {
                    statics.insert(p.to_string(), StaticSource::Embedded(bytes));
                } else if let Some(lang) = path
                    .strip_prefix("i18n/")
                    .and_then(|f| f.strip_suffix(".yaml"))
                {
                    i18n.entry(lang.to_string())
                        .or_default()
                        .push((text(), origin));
                }
            }
        }
        let theme_prefix = format!("themes/{theme_name}/");
        for f in &tree.theme_files {
            let Some(inner) = f.rel.strip_prefix(&theme_prefix) else {
                continue;
            };
            if let Some(name) = inner.strip_prefix("templates/") {
                if let Some(src) = read_text(&f.path, &f.rel, diags) {
                    templates.insert(name.to_string(), (src, f.rel.clone()));
                }
            } else if let Some(p) = inner.strip_prefix("static/") {
                statics.insert(p.to_string(), StaticSource::File(f.path.clone()));
            } else if let Some(lang) = inner
                .strip_prefix("i18n/")
                .and_then(|f| f.strip_suffix(".yaml"))
            {
                if let Some(src) = read_text(&f.path, &f.rel, diags) {
                    i18n.entry(lang.to_string())
                        .or_default()
                        .push((src, f.rel.clone()));
                }
            }
        }
        if builtin_theme(theme_name).is_none() && tree.theme_files.is_empty() {
            let known: Vec<&str> = BUILTIN_THEMES.iter().map(|(n, _)| *n).collect();
            diags.push(Diagnostic::new(
                config.spans.theme.clone(),
                Problem::UnknownTheme {
                    name: theme_name.to_string(),
                    known,
                },
            ));
        }
        for f in &tree.templates {
            let name = f
                .rel
                .strip_prefix("templates/")
                .unwrap_or(&f.rel)
                .to_string();
            if let Some(src) = read_text(&f.path, &f.rel, diags) {
                templates.insert(name, (src, f.rel.clone()));
            }
        }
        for f in &tree.statics {
            let p = f.rel.strip_prefix("static/").unwrap_or(&f.rel).to_string();
            statics.insert(p, StaticSource::File(f.path.clone()));
        }
        let mut strings = FxHashMap::default();
        let mut wanted: Vec<String> = languages.to_vec();
        wanted.push("en".into());
        wanted.extend(i18n.keys().cloned());
        wanted.sort();
        wanted.dedup();
        for lang in wanted {
            if let Some(layers) = i18n.get(&lang) {
                if let Some(s) = merge_strings(layers, diags) {
                    strings.insert(lang, s);
                }
            } else if languages.contains(&lang) {
                diags.push(Diagnostic::new(
                    Location::file("site.yaml"),
                    Problem::MissingTranslation { lang },
                ));
            }
        }
        let templates = templates
            .into_iter()
            .map(|(n, (src, file))| (n, src, file))
            .collect();
        Theme {
            templates,
            statics,
            strings,
        }
    }

    /// Strings for `lang`, falling back to English, then to anything loaded.
    pub fn strings_for(&self, lang: &str) -> &UiStrings {
        let base = lang.split(['-', '_']).next().unwrap_or(lang);
        self.strings
            .get(lang)
            .or_else(|| self.strings.get(base))
            .or_else(|| self.strings.get("en"))
            .or_else(|| self.strings.values().next())
            .unwrap_or(&FALLBACK_STRINGS)
    }
}

/// The files of a built-in theme, if there is one of that name.
pub fn builtin_theme(name: &str) -> Option<ThemeFiles> {
    BUILTIN_THEMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, files)| *files)
}

static FALLBACK_STRINGS: std::sync::LazyLock<UiStrings> = std::sync::LazyLock::new(|| UiStrings {
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    .map(String::from)
    .to_vec(),
    date_format: "{month} {day}, {year}".into(),
    reading_time: "{n} min read".into(),
    reading_time_one: None,
    all: serde_json::Value::Object(Default::default()),
});

fn read_text(path: &std::path::Path, rel: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(s) => Some(s),
        Err(e) => {
            diags.push(Diagnostic::new(
                Location::file(rel),
                Problem::Io {
                    what: format!("cannot read: {e}"),
                },
            ));
            None
        }
    }
}

/// Merges the layers of one language (later layers override keys).
fn merge_strings(layers: &[(String, String)], diags: &mut Vec<Diagnostic>) -> Option<UiStrings> {
    let mut all = serde_json::Map::new();
    for (src, file) in layers {
        match yaml::from_str::<BTreeMap<String, serde_json::Value>>(src, file, 1, &[]) {
            Ok(map) => all.extend(map),
            Err((loc, p)) => diags.push(Diagnostic::new(loc, p)),
        }
    }
    let get_str = |k: &str| all.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let months: Vec<String> = all
        .get("months")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Some(UiStrings {
        months: if months.len() == 12 {
            months
        } else {
            FALLBACK_STRINGS.months.clone()
        },
        date_format: get_str("date_format").unwrap_or_else(|| FALLBACK_STRINGS.date_format.clone()),
        reading_time: get_str("reading_time")
            .unwrap_or_else(|| FALLBACK_STRINGS.reading_time.clone()),
        reading_time_one: get_str("reading_time_one"),
        all: serde_json::Value::Object(all),
    })
}
