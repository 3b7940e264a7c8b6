//! Reads a WordPress export (WXR 1.1/1.2) as a stream of XML events into
//! plain structs. Only what kurator maps is kept: commenter e-mail and IP
//! addresses and author e-mail are never even stored, so they cannot leak
//! into a written file by mistake.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::io::BufRead;

/// The channel of an export: the blog itself and everything in it.
#[derive(Debug, Default)]
pub struct Export {
    pub title: String,
    pub link: String,
    pub description: String,
    pub language: String,
    pub wxr_version: String,
    pub base_blog_url: String,
    pub authors: Vec<WpAuthor>,
    pub categories: Vec<WpTerm>,
    pub tags: Vec<WpTerm>,
    pub items: Vec<WpItem>,
}

/// A `wp:author` (the login is kept only to match `dc:creator`).
#[derive(Debug, Default, Clone)]
pub struct WpAuthor {
    pub login: String,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
}

/// A `wp:category` or `wp:tag`.
#[derive(Debug, Default, Clone)]
pub struct WpTerm {
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// An `<item>`: a post, page, attachment or anything else WordPress stores.
#[derive(Debug, Default, Clone)]
pub struct WpItem {
    pub title: String,
    pub link: String,
    pub guid: String,
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    pub post_id: u64,
    pub post_date: String,
    pub post_date_gmt: String,
    pub post_name: String,
    pub status: String,
    pub post_type: String,
    pub menu_order: i64,
    pub sticky: bool,
    pub attachment_url: String,
    /// (domain, nicename, display name) of each `<category>` element.
    pub terms: Vec<(String, String, String)>,
    pub meta: Vec<(String, String)>,
    pub comments: Vec<WpComment>,
}

impl WpItem {
    /// The value of a `wp:postmeta` key.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A `wp:comment`, without e-mail and IP.
#[derive(Debug, Default, Clone)]
pub struct WpComment {
    pub id: String,
    pub author: String,
    pub author_url: String,
    pub date: String,
    pub date_gmt: String,
    pub content: String,
    /// `1`, `0` (pending), `spam` or `trash`.
    pub approved: String,
    pub comment_type: String,
}

/// Why an export could not be read: where and what.
#[derive(Debug)]
pub struct ParseError {
    /// Byte offset in the file (turned into line and column by the caller,
    /// which can read the file again; the stream cannot).
    pub offset: u64,
    pub message: String,
    pub hint: &'static str,
    /// For a truncated file: where the element that was never closed opened.
    pub opened_at: Option<u64>,
}

/// Which record the parser is filling.
enum Scope {
    Channel,
    Author(WpAuthor),
    Category(WpTerm),
    Tag(WpTerm),
    Item(Box<WpItem>),
}

/// Parses a whole export. Never panics: every malformed byte becomes a `ParseError`.
pub fn parse<R: BufRead>(input: R) -> Result<Export, ParseError> {
    let mut reader = Reader::from_reader(input);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut p = Parser::default();
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event_into(&mut buf).map_err(|e| ParseError {
            offset: reader.error_position(),
            message: e.to_string(),
            hint: "the file is not well-formed XML; export it again from WordPress (Tools → Export) or fix the spot shown",
            opened_at: None,
        })?;
        match event {
            Event::Start(e) => p.start(&e, pos)?,
            Event::Empty(e) => {
                p.start(&e, pos)?;
                p.end(e.name().as_ref());
            }
            Event::End(e) => p.end(e.name().as_ref()),
            Event::Text(t) => {
                let text = t.unescape().map_err(|e| ParseError {
                    offset: pos,
                    message: e.to_string(),
                    hint: "HTML entities such as &nbsp; are not valid XML outside CDATA; export the file again",
                    opened_at: None,
                })?;
                p.text.push_str(&text);
            }
            Event::CData(c) => p.text.push_str(&String::from_utf8_lossy(&c)),
            Event::Eof => {
                if let Some((name, at)) = p.open.last() {
                    return Err(ParseError {
                        offset: reader.buffer_position(),
                        message: format!(
                            "the file ends before <{name}> is closed: the export is truncated"
                        ),
                        hint: "download or export the file again; it was cut off",
                        opened_at: Some(*at),
                    });
                }
                break;
            }
            _ => {}
        }
        buf.clear();
    }
    if p.export.wxr_version.is_empty() {
        return Err(ParseError {
            offset: 0,
            message: "this XML file has no <wp:wxr_version>: it is not a WordPress export".into(),
            hint: "export with WordPress's Tools → Export → All content (WXR 1.1 or 1.2)",
            opened_at: None,
        });
    }
    Ok(p.export)
}

#[derive(Default)]
struct Parser {
    export: Export,
    scope: Vec<Scope>,
    comment: Option<WpComment>,
    meta: Option<(String, String)>,
    /// Open elements and where they started, for the truncation message.
    open: Vec<(String, u64)>,
    text: String,
    root_seen: bool,
}

impl Parser {
    fn start(&mut self, e: &BytesStart, pos: u64) -> Result<(), ParseError> {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        if !self.root_seen {
            self.root_seen = true;
            if name != "rss" {
                return Err(ParseError {
                    offset: pos,
                    message: format!("the document starts with <{name}>, not <rss>: this is not a WordPress export"),
                    hint: "export with WordPress's Tools → Export → All content",
                    opened_at: None,
                });
            }
        }
        self.text.clear();
        match name.as_str() {
            "channel" => self.scope.push(Scope::Channel),
            "wp:author" => self.scope.push(Scope::Author(WpAuthor::default())),
            "wp:category" if !self.in_item() => self.scope.push(Scope::Category(WpTerm::default())),
            "wp:tag" if !self.in_item() => self.scope.push(Scope::Tag(WpTerm::default())),
            "item" => self.scope.push(Scope::Item(Box::default())),
            "wp:comment" => self.comment = Some(WpComment::default()),
            "wp:postmeta" => self.meta = Some(Default::default()),
            "category" => {
                if let Some(Scope::Item(it)) = self.scope.last_mut() {
                    let attr = |k: &[u8]| {
                        e.try_get_attribute(k)
                            .ok()
                            .flatten()
                            .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                            .unwrap_or_default()
                    };
                    it.terms
                        .push((attr(b"domain"), attr(b"nicename"), String::new()));
                }
            }
            _ => {}
        }
        self.open.push((name, pos));
        Ok(())
    }

    fn in_item(&self) -> bool {
        matches!(self.scope.last(), Some(Scope::Item(_)))
    }

    fn end(&mut self, name: &[u8]) {
        self.open.pop();
        let text = std::mem::take(&mut self.text);
        let name = std::str::from_utf8(name).unwrap_or("");
        if let Some(c) = self.comment.as_mut() {
            if name == "wp:comment" {
                if let (Some(c), Some(Scope::Item(it))) =
                    (self.comment.take(), self.scope.last_mut())
                {
                    it.comments.push(c);
                }
                return;
            }
            comment_field(c, name, text);
            return;
        }
        if let Some(m) = self.meta.as_mut() {
            match name {
                "wp:meta_key" => m.0 = text,
                "wp:meta_value" => m.1 = text,
                "wp:postmeta" => {
                    if let (Some(m), Some(Scope::Item(it))) =
                        (self.meta.take(), self.scope.last_mut())
                    {
                        it.meta.push(m);
                    }
                }
                _ => {}
            }
            return;
        }
        let closes = matches!(
            (name, self.scope.last()),
            ("channel", Some(Scope::Channel))
                | ("wp:author", Some(Scope::Author(_)))
                | ("wp:category", Some(Scope::Category(_)))
                | ("wp:tag", Some(Scope::Tag(_)))
                | ("item", Some(Scope::Item(_)))
        );
        if closes {
            match self.scope.pop() {
                Some(Scope::Author(a)) => self.export.authors.push(a),
                Some(Scope::Category(t)) => self.export.categories.push(t),
                Some(Scope::Tag(t)) => self.export.tags.push(t),
                Some(Scope::Item(i)) => self.export.items.push(*i),
                _ => {}
            }
            return;
        }
        match self.scope.last_mut() {
            Some(Scope::Channel) => channel_field(&mut self.export, name, text),
            Some(Scope::Author(a)) => match name {
                "wp:author_login" => a.login = text,
                "wp:author_display_name" => a.display_name = text,
                "wp:author_first_name" => a.first_name = text,
                "wp:author_last_name" => a.last_name = text,
                _ => {}
            },
            Some(Scope::Category(t)) => match name {
                "wp:category_nicename" => t.slug = text,
                "wp:cat_name" => t.name = text,
                "wp:category_description" => t.description = text,
                _ => {}
            },
            Some(Scope::Tag(t)) => match name {
                "wp:tag_slug" => t.slug = text,
                "wp:tag_name" => t.name = text,
                "wp:tag_description" => t.description = text,
                _ => {}
            },
            Some(Scope::Item(it)) => item_field(it, name, text),
            None => {}
        }
    }
}

fn channel_field(x: &mut Export, name: &str, text: String) {
    match name {
        "title" => x.title = text,
        "link" => x.link = text,
        "description" => x.description = text,
        "language" => x.language = text,
        "wp:wxr_version" => x.wxr_version = text,
        "wp:base_blog_url" => x.base_blog_url = text,
        _ => {}
    }
}

fn item_field(it: &mut WpItem, name: &str, text: String) {
    match name {
        "title" => it.title = text,
        "link" => it.link = text,
        "guid" => it.guid = text,
        "dc:creator" => it.creator = text,
        "content:encoded" => it.content = text,
        "excerpt:encoded" => it.excerpt = text,
        "wp:post_id" => it.post_id = text.trim().parse().unwrap_or(0),
        "wp:post_date" => it.post_date = text,
        "wp:post_date_gmt" => it.post_date_gmt = text,
        "wp:post_name" => it.post_name = text,
        "wp:status" => it.status = text,
        "wp:post_type" => it.post_type = text,
        "wp:menu_order" => it.menu_order = text.trim().parse().unwrap_or(0),
        "wp:attachment_url" => it.attachment_url = text,
        "wp:is_sticky" => it.sticky = text.trim() == "1",
        "category" => {
            if let Some(t) = it.terms.last_mut() {
                t.2 = text;
            }
        }
        _ => {}
    }
}

fn comment_field(c: &mut WpComment, name: &str, text: String) {
    // `wp:comment_author_email` and `wp:comment_author_IP` fall through on
    // purpose: they are personal data kurator never publishes.
    match name {
        "wp:comment_id" => c.id = text,
        "wp:comment_author" => c.author = text,
        "wp:comment_author_url" => c.author_url = text,
        "wp:comment_date" => c.date = text,
        "wp:comment_date_gmt" => c.date_gmt = text,
        "wp:comment_content" => c.content = text,
        "wp:comment_approved" => c.approved = text,
        "wp:comment_type" => c.comment_type = text,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Blog &amp; Co</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[anna]]></wp:author_login><wp:author_email><![CDATA[anna@example.com]]></wp:author_email><wp:author_display_name><![CDATA[Anna Ä]]></wp:author_display_name></wp:author>
<item><title><![CDATA[A <b> & c]]></title><category domain="category" nicename="news"><![CDATA[News]]></category>
<content:encoded><![CDATA[<p>x]]]]><![CDATA[>y</p>]]></content:encoded><wp:post_id>7</wp:post_id>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>9</wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_author_email>x@y.z</wp:comment_author_email><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item></channel></rss>"#;

    #[test]
    fn reads_authors_items_meta_and_comments() {
        let x = parse(MINI.as_bytes()).unwrap();
        assert_eq!(x.title, "Blog & Co");
        assert_eq!(x.authors[0].display_name, "Anna Ä");
        let it = &x.items[0];
        assert_eq!(it.title, "A <b> & c");
        assert_eq!(it.content, "<p>x]]>y</p>");
        assert_eq!(it.post_id, 7);
        assert_eq!(
            it.terms[0],
            ("category".into(), "news".into(), "News".into())
        );
        assert_eq!(it.meta("_thumbnail_id"), Some("9"));
        assert_eq!(it.comments[0].id, "3");
    }

    #[test]
    fn truncated_export_is_an_error_not_a_panic() {
        for cut in [50, 300, 600, MINI.len() - 10] {
            let err = parse(&MINI.as_bytes()[..cut]).unwrap_err();
            assert!(!err.message.is_empty());
        }
    }

    #[test]
    fn mismatched_tags_are_an_error() {
        let bad = MINI.replace("</item>", "</itme>");
        assert!(parse(bad.as_bytes()).is_err());
    }
}
