//! Positions inside a response file: where the `responses:` list is, where
//! each entry starts, and where a key of an entry is written. serde reports
//! problems inside one entry without a position; these scans put them on
//! the right line so that `check` can point at them.

use super::{AUTHOR_KEYS, ENTRY_KEYS};
use crate::content::Origin;
use crate::diagnostics::{closest, Diagnostic, Location, Problem};

/// The list of entries in the text: where it starts and ends and where
/// each entry begins (block style; flow-style lists locate at the key).
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// 1-based line of `responses:`, if present.
    pub key_line: Option<usize>,
    /// 1-based line and column of the text after each entry's `- `.
    pub entries: Vec<(usize, usize)>,
    /// 1-based last line that belongs to the list (its last non-blank line).
    pub end_line: Option<usize>,
    /// Indentation of the entries' `-`.
    pub indent: usize,
}

impl Block {
    /// Scans `text` for the top-level `responses:` list.
    pub fn find(text: &str) -> Block {
        let lines: Vec<&str> = text.lines().collect();
        let mut b = Block::default();
        let Some(k) = lines.iter().position(|l| l.starts_with("responses:")) else {
            return b;
        };
        b.key_line = Some(k + 1);
        b.end_line = Some(k + 1);
        let mut indent = None;
        for (i, line) in lines.iter().enumerate().skip(k + 1) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let ind = line.len() - trimmed.len();
            let is_item = trimmed == "-" || trimmed.starts_with("- ");
            if ind == 0 && !is_item {
                break;
            }
            let item_indent = *indent.get_or_insert(ind);
            if is_item && ind == item_indent {
                b.entries.push((i + 1, line[..ind].chars().count() + 3));
            }
            b.end_line = Some(i + 1);
        }
        b.indent = indent.unwrap_or(2);
        b
    }
}

/// Locates things inside entry `index` of a file.
pub(super) struct EntryAt<'a> {
    pub origin: &'a Origin,
    pub block: &'a Block,
    pub index: usize,
}

impl EntryAt<'_> {
    fn lines(&self) -> Vec<&str> {
        self.origin.front_matter.lines().collect()
    }

    /// 1-based line of the entry (or of `responses:` when unknown).
    pub(super) fn line(&self) -> usize {
        match self.block.entries.get(self.index) {
            Some(&(l, _)) => l,
            None => self.block.key_line.unwrap_or(1),
        }
    }

    fn start(&self) -> Location {
        match self.block.entries.get(self.index) {
            Some(&(l, c)) => Location::at(&self.origin.rel, l, c),
            None => Location::at(&self.origin.rel, self.block.key_line.unwrap_or(1), 1),
        }
    }

    /// The position of the value of `path` (`["author", "url"]`) in the
    /// entry, or of the entry itself.
    pub(super) fn field(&self, path: &[&str]) -> Location {
        let Some(&(first, first_col)) = self.block.entries.get(self.index) else {
            return self.start();
        };
        let end = self
            .block
            .entries
            .get(self.index + 1)
            .map(|e| e.0 - 1)
            .or(self.block.end_line)
            .unwrap_or(first);
        let lines = self.lines();
        let mut from = first - 1;
        // Entry keys sit exactly at the entry's indentation; nested keys
        // anywhere deeper than their parent.
        let mut parent: Option<usize> = None;
        let entry_indent = first_col - 1;
        let mut found = None;
        for key in path {
            found = None;
            for (i, line) in lines.iter().enumerate().take(end).skip(from) {
                let t = line.trim_start();
                let ind = line.len() - t.len();
                let (t, ind) = match t.strip_prefix("- ") {
                    Some(rest) => (rest, ind + 2),
                    None => (t, ind),
                };
                let fits = match parent {
                    None => ind == entry_indent,
                    Some(p) if ind <= p => break,
                    Some(_) => true,
                };
                if !fits {
                    continue;
                }
                if let Some(after) = t.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
                    let pad = after.len() - after.trim_start().len();
                    let col = line[..ind].chars().count() + key.chars().count() + 2 + pad;
                    found = Some((i, ind, col));
                    break;
                }
            }
            let Some((i, ind, _)) = found else {
                return self.start();
            };
            from = i + 1;
            parent = Some(ind);
        }
        match found {
            Some((i, _, col)) => Location::at(&self.origin.rel, i + 1, col),
            None => self.start(),
        }
    }

    pub(super) fn http_url(
        &self,
        path: &[&str],
        field: &str,
        url: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() > 8
            && !url.contains(char::is_whitespace)
            && !url.contains(['<', '>', '"', '`']);
        if !ok {
            diags.push(Diagnostic::new(
                self.field(path),
                Problem::BadUrl {
                    field: field.to_string(),
                    value: url.to_string(),
                },
            ));
        }
        ok
    }

    /// Turns a serde message about this entry into a located problem.
    pub(super) fn serde_problem(&self, msg: &str) -> (Location, Problem) {
        let tick = |s: &str, from: &str| -> Option<String> {
            let i = s.find(from)? + from.len();
            let j = s[i..].find('`')? + i;
            Some(s[i..j].to_string())
        };
        let expected: Vec<String> = match msg.find("expected") {
            Some(i) => msg[i..]
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect(),
            None => Vec::new(),
        };
        if let Some(key) = tick(msg, "unknown field `") {
            let in_author = expected.iter().any(|k| k == "avatar");
            let path: Vec<&str> = if in_author {
                vec!["author", key.as_str()]
            } else {
                vec![key.as_str()]
            };
            let known: &'static [&'static str] = if in_author { AUTHOR_KEYS } else { ENTRY_KEYS };
            let loc = self.key_line(&path);
            let suggestion = closest(&key, known.iter().copied()).map(str::to_string);
            return (
                loc,
                Problem::UnknownKey {
                    key,
                    suggestion,
                    known: known.to_vec(),
                },
            );
        }
        if let Some(value) = tick(msg, "unknown variant `") {
            let field = if expected.iter().any(|k| k == "reply") {
                "kind"
            } else {
                "source"
            };
            return (
                self.field(&[field]),
                Problem::UnknownValue {
                    field: field.to_string(),
                    value,
                    known: expected,
                },
            );
        }
        if let Some(field) = tick(msg, "missing field `") {
            let field = ENTRY_KEYS
                .iter()
                .chain(AUTHOR_KEYS)
                .copied()
                .find(|k| *k == field)
                .unwrap_or("?");
            return (self.start(), Problem::MissingField { field });
        }
        if msg.contains("expected struct") {
            return (
                self.start(),
                Problem::WrongType {
                    message: "a response must be a mapping of `key: value` lines".into(),
                },
            );
        }
        (
            self.start(),
            Problem::WrongType {
                message: msg.to_string(),
            },
        )
    }

    /// Like [`EntryAt::field`], but at the start of the key (where an
    /// unknown key is reported).
    fn key_line(&self, path: &[&str]) -> Location {
        let loc = self.field(path);
        let key = path.last().copied().unwrap_or("");
        let Some(line) = loc.line else { return loc };
        let text = self.lines().get(line - 1).copied().unwrap_or("");
        match text.find(&format!("{key}:")) {
            Some(b) => Location::at(&self.origin.rel, line, text[..b].chars().count() + 1),
            None => loc,
        }
    }
}
