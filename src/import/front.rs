//! The files the importer writes, as serialisable structs: front matter and
//! response files go through serde_yaml, so any title, name or comment text
//! (quotes, `: `, `#`, leading `-`, umlauts, `& < >`) is quoted correctly
//! instead of relying on hand-made escaping.

use serde::Serialize;

fn is_false(b: &bool) -> bool {
    !*b
}

/// `authors/<id>.md`. No e-mail: WordPress exports it, kurator never writes it.
#[derive(Serialize)]
pub struct AuthorFm {
    pub name: String,
}

/// `channels/<id>.md`.
#[derive(Serialize)]
pub struct ChannelFm {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub order: i64,
}

/// `articles/**/*.md`.
#[derive(Serialize)]
pub struct ArticleFm {
    pub title: String,
    pub date: String,
    pub authors: Vec<String>,
    pub channels: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub draft: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub featured: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_alt: Option<String>,
}

/// `links/**/*.md`.
#[derive(Serialize)]
pub struct LinkFm {
    pub url: String,
    pub title: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    pub curator: String,
    pub date: String,
    pub channels: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub draft: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed_id: Option<String>,
}

/// `pages/**/*.md`.
#[derive(Serialize)]
pub struct PageFm {
    pub title: String,
}

/// `site.yaml` of a new site.
#[derive(Serialize)]
pub struct SiteYaml {
    pub title: String,
    pub base_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub language: String,
    pub timezone: String,
    pub extra: SiteExtra,
}

/// `extra:` of an imported site: turns on the theme's `?p=ID` redirect.
#[derive(Serialize)]
pub struct SiteExtra {
    pub wordpress_ids: bool,
}

/// `responses/<item path>.yaml` (SPEC §16).
#[derive(Serialize)]
pub struct ResponseFile {
    pub item: String,
    pub responses: Vec<Response>,
}

/// One reader response.
#[derive(Serialize)]
pub struct Response {
    pub id: String,
    pub source: &'static str,
    pub kind: &'static str,
    pub author: ResponseAuthor,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub date: String,
    pub content: String,
    pub approved: bool,
}

/// Who responded: a name and their own URL, never e-mail or IP.
#[derive(Serialize)]
pub struct ResponseAuthor {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// `---\n<yaml>---\n<body>`: a markdown file with front matter.
pub fn markdown_file<T: Serialize>(fm: &T, body: &str) -> Vec<u8> {
    let mut s = String::from("---\n");
    s.push_str(&yaml(fm));
    s.push_str("---\n");
    s.push_str(body);
    s.into_bytes()
}

/// serde_yaml for the importer's own structs, which cannot fail to serialise
/// (no maps with non-string keys, no untagged enums).
pub fn yaml<T: Serialize>(value: &T) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_titles_round_trip_through_yaml() {
        for t in [
            "a: b",
            "- x",
            "# y",
            "\"q\" 'r'",
            "yes",
            "null",
            "2020-01-01",
            "&a *b",
            "x\n---\ny",
            "Führung & <Kultur>",
        ] {
            let s = yaml(&PageFm { title: t.into() });
            let back: serde_yaml::Value = serde_yaml::from_str(&s).unwrap();
            assert_eq!(back["title"].as_str(), Some(t), "{s}");
            // A `---` line inside the front matter would end it early.
            let file = String::from_utf8(markdown_file(&PageFm { title: t.into() }, "")).unwrap();
            assert_eq!(
                file.lines().filter(|l| l.trim_end() == "---").count(),
                2,
                "{file}"
            );
        }
    }
}
