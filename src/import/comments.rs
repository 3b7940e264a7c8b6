//! Approved WordPress comments → a response file (SPEC §16) beside the
//! item: `responses/<item path without .md>.yaml`. Pending, spam and
//! trashed comments are dropped and counted; e-mail and IP were never read.

use super::front::{self, Response, ResponseAuthor, ResponseFile};
use super::plain;
use super::wordpress::WpItem;
use super::{one_line, Report};
use super::{Plan, Target};

/// Adds the response file of one item, if it has approved comments.
pub fn responses(wp: &WpItem, item_path: &str, t: &Target, plan: &mut Plan, report: &mut Report) {
    let mut entries = Vec::new();
    for c in &wp.comments {
        match c.approved.as_str() {
            "1" => {}
            "spam" => {
                report.count("comments dropped (spam)", 1);
                continue;
            }
            "trash" | "post-trashed" => {
                report.count("comments dropped (trash)", 1);
                continue;
            }
            _ => {
                report.count("comments dropped (pending)", 1);
                continue;
            }
        }
        if item_path.starts_with("pages/") {
            report.count("comments dropped (on pages)", 1);
            continue;
        }
        let kind = match c.comment_type.as_str() {
            "pingback" | "trackback" => "mention",
            _ => "reply",
        };
        let content = plain::plain_text(&c.content);
        let Some(date) = date(&c.date_gmt, &c.date, t) else {
            report.warn(
                &wp.title,
                &format!("comment {} has no readable date; left out", c.id),
            );
            continue;
        };
        let url = Some(wp.link.trim())
            .filter(|l| l.starts_with("http"))
            .map(|l| format!("{}#comment-{}", l, c.id.trim()));
        let author_url = Some(c.author_url.trim().to_string())
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
        entries.push(Response {
            id: format!("wp-comment-{}", c.id.trim()),
            source: "import",
            kind,
            author: ResponseAuthor {
                name: Some(one_line(&super::decode_entities(&c.author)))
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "Anonym".into()),
                url: author_url,
            },
            url,
            date,
            content,
            approved: true,
        });
        report.count("comments → responses", 1);
    }
    if entries.is_empty() {
        return;
    }
    let stem = item_path.strip_suffix(".md").unwrap_or(item_path);
    let file = ResponseFile {
        item: item_path.to_string(),
        responses: entries,
    };
    plan.files.insert(
        format!("responses/{stem}.yaml"),
        front::yaml(&file).into_bytes(),
    );
}

fn date(gmt: &str, local: &str, t: &Target) -> Option<String> {
    let civil = |s: &str| {
        s.trim()
            .replacen(' ', "T", 1)
            .parse::<jiff::civil::DateTime>()
            .ok()
    };
    let z = match civil(gmt) {
        Some(d) => d
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()?
            .with_time_zone(t.tz.clone()),
        None => civil(local)?.to_zoned(t.tz.clone()).ok()?,
    };
    Some(crate::content::date::rfc3339(&z))
}
