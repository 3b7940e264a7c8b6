//! The merge rules, as text: new entries are appended to the end of the
//! file's `responses:` list and nothing already written is touched, so an
//! approved entry, a hand edit or a comment can never change, and a pull
//! with nothing new writes no byte. Every value is written in one stable
//! form (double-quoted, one line), so the same data gives the same bytes.

use super::sources::NewEntry;
use crate::content::responses::Block;
use rustc_hash::FxHashSet;

/// The new entries of `found` that are not in `existing` (by id), each
/// once, oldest first (ties by id).
pub fn fresh(found: Vec<NewEntry>, existing: &FxHashSet<String>) -> Vec<NewEntry> {
    let mut seen = existing.clone();
    let mut v: Vec<NewEntry> = found
        .into_iter()
        .filter(|e| seen.insert(e.id.clone()))
        .collect();
    v.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    v
}

/// The text of a new response file for `item`.
pub fn new_file(item: &str, entries: &[NewEntry]) -> String {
    let mut s = format!("item: {}\nresponses:\n", quote(item));
    for e in entries {
        s.push_str(&entry_text(e, 2));
    }
    s
}

/// `text` (an existing, valid response file) with `entries` appended to its
/// list. Fails on a flow-style list (`responses: [{…}]`), which cannot be
/// extended without rewriting it.
pub fn append(text: &str, block: &Block, entries: &[NewEntry]) -> Result<String, String> {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(key_line) = block.key_line else {
        let mut s = text.to_string();
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str("responses:\n");
        for e in entries {
            s.push_str(&entry_text(e, 2));
        }
        return Ok(s);
    };
    let key = lines[key_line - 1];
    let after = key["responses:".len()..].trim();
    let empty_flow =
        after == "[]" || after.starts_with("[]") && after[2..].trim_start().starts_with('#');
    if !after.is_empty() && !after.starts_with('#') && !empty_flow {
        return Err("its `responses:` list is written inline; write it as a block list (`- id: …` lines) so new entries can be appended".into());
    }
    let eol = if key.ends_with("\r\n") { "\r\n" } else { "\n" };
    let replaced;
    if empty_flow {
        replaced = format!("responses:{eol}");
        lines[key_line - 1] = &replaced;
    }
    let indent = if block.entries.is_empty() {
        2
    } else {
        block.indent
    };
    let end = block.end_line.unwrap_or(key_line).min(lines.len());
    let mut out = String::with_capacity(text.len() + entries.len() * 300);
    for l in &lines[..end] {
        out.push_str(l);
    }
    if !out.ends_with('\n') {
        out.push_str(eol);
    }
    for e in entries {
        let t = entry_text(e, indent);
        out.push_str(&if eol == "\n" { t } else { t.replace('\n', eol) });
    }
    for l in &lines[end..] {
        out.push_str(l);
    }
    Ok(out)
}

/// One entry as block YAML, its `-` indented by `indent` spaces.
fn entry_text(e: &NewEntry, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut lines = vec![
        format!("- id: {}", quote(&e.id)),
        format!("  source: {}", e.source.as_str()),
        format!("  kind: {}", e.kind.as_str()),
        "  author:".to_string(),
        format!("    name: {}", quote(&e.author_name)),
    ];
    if let Some(u) = &e.author_url {
        lines.push(format!("    url: {}", quote(u)));
    }
    if let Some(a) = &e.avatar {
        lines.push(format!("    avatar: {}", quote(a)));
    }
    if let Some(u) = &e.url {
        lines.push(format!("  url: {}", quote(u)));
    }
    lines.push(format!("  date: {}", quote(&e.date)));
    if let Some(c) = &e.content {
        lines.push(format!("  content: {}", quote(c)));
    }
    lines.push("  approved: false".to_string());
    lines.iter().map(|l| format!("{pad}{l}\n")).collect()
}

/// A YAML double-quoted scalar on one line. Line breaks, controls and the
/// characters YAML 1.1 treats as breaks (NEL, LS, PS) or strips (BOM) are
/// escaped, so the value reads back exactly.
pub fn quote(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20
                || c == '\u{7f}'
                || c == '\u{85}'
                || c == '\u{2028}'
                || c == '\u{2029}'
                || c == '\u{feff}' =>
            {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::responses::{parse_bytes, ResponseKind, Source};

    fn entry(id: &str, content: &str) -> NewEntry {
        NewEntry {
            id: id.into(),
            source: Source::Webmention,
            kind: ResponseKind::Reply,
            author_name: "Zoë \"Z\" O'Neil".into(),
            author_url: Some("https://z.example/".into()),
            avatar_remote: None,
            avatar: Some("/responses/abc.png".into()),
            url: Some("https://z.example/1".into()),
            date: "2024-05-02T10:00:00+00:00".into(),
            content: Some(content.into()),
        }
    }

    fn reparse(text: &str) -> crate::content::responses::ResponseFile {
        let (f, d) = parse_bytes("r.yaml", text.as_bytes().to_vec(), &jiff::tz::TimeZone::UTC);
        assert!(d.is_empty(), "{d:?}\n{text}");
        f.unwrap()
    }

    #[test]
    fn written_values_read_back_exactly() {
        let hostile = "a: b\n- c # d\t\"e\" \\ \u{2028} \u{85} \u{feff} \u{1} ' &x *y !z";
        let text = new_file("articles/a.md", &[entry("w:1", hostile)]);
        let f = reparse(&text);
        assert_eq!(f.entries[0].content.as_deref(), Some(hostile));
        assert_eq!(f.entries[0].author.name, "Zoë \"Z\" O'Neil");
        assert!(!f.entries[0].approved);
    }

    #[test]
    fn appending_keeps_every_existing_byte() {
        let first = new_file("articles/a.md", &[entry("w:1", "x")]);
        let edited = first.replace("approved: false", "approved: true # ok\n\n# note");
        let f = reparse(&edited);
        let text = append(&edited, &f.block, &[entry("w:2", "y")]).unwrap();
        // Exactly the new entry was inserted; nothing else moved.
        assert_eq!(
            text.replacen(&entry_text(&entry("w:2", "y"), 2), "", 1),
            edited
        );
        let g = reparse(&text);
        assert_eq!(g.entries.len(), 2);
        assert!(g.entries[0].approved && !g.entries[1].approved);
        for start in [
            "item: x.md\n",
            "item: x.md\nresponses: []\n",
            "responses:\nitem: x.md\n",
        ] {
            let f = reparse(start);
            let t = append(start, &f.block, &[entry("w:3", "z")]).unwrap();
            assert_eq!(reparse(&t).entries.len(), 1, "{t}");
        }
        let flow = "item: x.md\nresponses: [{id: a}]\n";
        assert!(append(flow, &Block::find(flow), &[entry("w:3", "z")]).is_err());
    }

    #[test]
    fn fresh_drops_known_and_repeated_ids() {
        let known: FxHashSet<String> = std::iter::once("w:1".to_string()).collect();
        let v = fresh(
            vec![entry("w:2", "a"), entry("w:1", "b"), entry("w:2", "c")],
            &known,
        );
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].content.as_deref(), Some("a"));
    }

    #[test]
    fn appending_to_any_valid_file_keeps_it_valid() {
        let mut x: u64 = 99;
        let mut next = |n: usize| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as usize % n.max(1)
        };
        let base = new_file("articles/a.md", &[entry("w:1", "x"), entry("w:2", "y")])
            + "# trailing comment\n";
        let mut tried = 0;
        for _ in 0..3000 {
            let mut lines: Vec<&str> = base.split_inclusive('\n').collect();
            for _ in 0..1 + next(2) {
                let i = next(lines.len());
                match next(3) {
                    0 => drop(lines.remove(i)),
                    1 => lines.insert(i, "\n"),
                    _ => lines.insert(i, "# c\n"),
                }
            }
            let text: String = lines.concat();
            let (Some(f), d) =
                parse_bytes("r.yaml", text.as_bytes().to_vec(), &jiff::tz::TimeZone::UTC)
            else {
                continue;
            };
            if !d.is_empty() {
                continue;
            }
            let Ok(out) = append(&text, &f.block, &[entry("w:9", "z")]) else {
                continue;
            };
            tried += 1;
            let g = reparse(&out);
            assert_eq!(g.entries.len(), f.entries.len() + 1, "{text}\n---\n{out}");
            assert_eq!(g.item, f.item);
        }
        assert!(tried > 100, "{tried}");
    }
}
