//! Reading html5ever's tree: element names, attributes and plain text,
//! shared by the markdown writer and the plain-text conversion.

use markup5ever_rcdom::{Handle, NodeData};

/// Dropped with everything inside: nothing a reader should get as text.
pub(super) const DROPPED: &[&str] = &[
    "script", "style", "noscript", "form", "button", "input", "select", "textarea", "object",
    "embed", "svg", "template", "head",
];

pub(super) fn tag(n: &Handle) -> Option<&str> {
    match &n.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

pub(super) fn attr(n: &Handle, key: &str) -> Option<String> {
    match &n.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

/// All text below `n`, as written (for code and quotes).
pub(super) fn text_of(n: &Handle, out: &mut String) {
    text_at(n, out, 0);
}

/// Elements nested deeper than this are not descended into: the walk is
/// recursive, and a hostile post of 100,000 nested `<div>`s must not
/// overflow the stack. No real post comes near it.
pub(super) const MAX_NESTING: usize = 200;

fn text_at(n: &Handle, out: &mut String, level: usize) {
    if level > MAX_NESTING {
        return;
    }
    match &n.data {
        NodeData::Text { contents } => out.push_str(&contents.borrow()),
        NodeData::Element { name, .. } if &*name.local == "br" => out.push('\n'),
        NodeData::Element { name, .. } if DROPPED.contains(&&*name.local) => {}
        _ => {
            for c in n.children.borrow().iter() {
                text_at(c, out, level + 1);
            }
        }
    }
}
