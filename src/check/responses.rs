//! Guideline rules over reader responses: confidential markers and banned
//! terms in the text of response files. A finding in an entry that is not
//! approved (so not published) is a warning that says so: the editor sees it
//! in the pull request, and approving the entry would make it an error.

use super::{apply_severity, banned_terms, confidential_markers, Text};
use crate::config::Guidelines;
use crate::diagnostics::{Diagnostic, Severity};
use crate::site::Site;

/// Every text rule over every response file.
pub(super) fn run(g: &Guidelines, site: &Site) -> Vec<Diagnostic> {
    if g.confidential_markers.is_empty() && g.banned_terms.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for f in &site.responses.files {
        let text = Text::new(&f.origin);
        let mut found = Vec::new();
        confidential_markers(g, &text, &mut found);
        banned_terms(g, &text, &mut found);
        for mut d in apply_severity(g, found) {
            let line = d.line.unwrap_or(0);
            // The entry a line belongs to: the last one starting at or before it.
            let entry = f.entries.iter().rev().find(|e| e.line <= line);
            if entry.is_some_and(|e| !e.approved) && d.severity == Severity::Error {
                d.severity = Severity::Warning;
                d.hint = Some(format!(
                    "{} (this response is not approved, so it is not published; approving it as it is would fail the check)",
                    d.hint.unwrap_or_default()
                ));
            }
            out.push(d);
        }
    }
    out
}
