//! Permalink patterns (`/:year/:month/:slug/`) and the output file a URL maps to.

use jiff::Zoned;

/// Expands a permalink pattern for one item.
pub fn expand(pattern: &str, slug: &str, date: Option<&Zoned>, lang: &str) -> String {
    let mut url = pattern.to_string();
    if let Some(d) = date {
        url = url
            .replace(":year", &format!("{:04}", d.year()))
            .replace(":month", &format!("{:02}", d.month()))
            .replace(":day", &format!("{:02}", d.day()));
    }
    url = url.replace(":slug", slug).replace(":lang", lang);
    if !url.starts_with('/') {
        url.insert(0, '/');
    }
    url
}

/// The file a site-relative URL is written to: `/a/b/` → `a/b/index.html`.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else if trimmed
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
    {
        trimmed.to_string()
    } else {
        format!("{trimmed}/index.html")
    }
}

/// Normalises an alias (old URL) to a site-relative path ending in `/` unless it names a file.
pub fn normalise_alias(alias: &str) -> String {
    let mut a = alias.trim().to_string();
    if let Some(rest) = a.split_once("://").map(|(_, r)| r.to_string()) {
        a = rest
            .find('/')
            .map(|i| rest[i..].to_string())
            .unwrap_or_else(|| "/".into());
    }
    if !a.starts_with('/') {
        a.insert(0, '/');
    }
    a
}

/// Whether a URL or alias stays inside the output folder (no `..`, no backslashes).
pub fn is_safe_path(url: &str) -> bool {
    !url.split('/').any(|seg| seg == ".." || seg == ".")
        && !url.contains('\\')
        && !url.contains('\0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_article_pattern() {
        let d = crate::content::date::parse("2020-04-16", &jiff::tz::TimeZone::UTC).unwrap();
        assert_eq!(
            expand("/:year/:month/:slug/", "x", Some(&d), "de"),
            "/2020/04/x/"
        );
        assert_eq!(expand("links/:slug/", "y", None, "de"), "/links/y/");
    }

    #[test]
    fn output_paths() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/feed.xml"), "feed.xml");
        assert_eq!(output_path("/old-page"), "old-page/index.html");
    }

    #[test]
    fn aliases_and_traversal() {
        assert_eq!(normalise_alias("old/url/"), "/old/url/");
        assert_eq!(normalise_alias("https://old.example/x/"), "/x/");
        assert!(!is_safe_path("/../etc/passwd"));
        assert!(is_safe_path("/2010/04/x/"));
    }
}
