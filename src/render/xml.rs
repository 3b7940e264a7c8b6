//! A thin helper over quick-xml's writer: escaping is quick-xml's, and text
//! is stripped of characters XML 1.0 forbids (control characters would make
//! every feed reader reject the whole document).

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

/// An XML document being written into memory.
pub struct Xml {
    w: Writer<Vec<u8>>,
}

impl Default for Xml {
    fn default() -> Self {
        Self::new()
    }
}

impl Xml {
    /// Starts a document with an XML declaration.
    pub fn new() -> Self {
        let mut w = Writer::new_with_indent(Vec::with_capacity(16 * 1024), b' ', 2);
        // Writing into a Vec cannot fail.
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
        Xml { w }
    }

    /// Opens an element with attributes.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let _ = self.w.write_event(Event::Start(start(name, attrs)));
    }

    /// Closes an element.
    pub fn close(&mut self, name: &str) {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }

    /// An element with attributes and escaped text content.
    pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        let clean = xml_safe(text);
        let _ = self.w.write_event(Event::Text(BytesText::new(&clean)));
        self.close(name);
    }

    /// A self-closing element.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let _ = self.w.write_event(Event::Empty(start(name, attrs)));
    }

    /// The finished document.
    pub fn finish(self) -> Vec<u8> {
        let mut v = self.w.into_inner();
        v.push(b'\n');
        v
    }
}

/// A start tag whose attribute values are stripped of forbidden characters
/// (quick-xml escapes them).
fn start<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
    let clean: Vec<(&str, std::borrow::Cow<str>)> =
        attrs.iter().map(|(k, v)| (*k, xml_safe(v))).collect();
    BytesStart::new(name).with_attributes(clean.iter().map(|(k, v)| (*k, v.as_ref())))
}

/// Removes characters that are not allowed in XML 1.0 documents. Almost
/// every text is clean, so that case is checked on bytes and borrows.
pub fn xml_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let forbidden_byte = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r');
    if !s.bytes().any(forbidden_byte) && !s.contains(['\u{FFFE}', '\u{FFFF}']) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .filter(|&c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_chars_dropped() {
        let mut x = Xml::new();
        x.text("title", &[("type", "a\"b")], "a & b < c ]]> \u{1}\u{7}ok");
        let s = String::from_utf8(x.finish()).unwrap();
        assert!(s.contains("a &amp; b &lt; c ]]&gt; ok"), "{s}");
        assert!(s.contains("type=\"a&quot;b\""), "{s}");
        assert!(!s.contains('\u{1}'));
    }

    #[test]
    fn clean_text_is_borrowed_and_noncharacters_are_dropped() {
        assert!(matches!(
            xml_safe("Grüße\tok\n"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(xml_safe("a\u{FFFE}b\u{FFFF}c\u{0}"), "abc");
    }
}
