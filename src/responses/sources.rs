//! The three places responses come from, each turned into [`NewEntry`]s:
//! Mastodon's status context API (plus who favourited and boosted the
//! status), Bluesky's `getPostThread`, and webmention.io's `mentions.jf2`.
//! Only public data is read; nothing is sent but the request itself.

use super::fetch::{encode_param, get_json, FetchError};
use crate::content::responses::{ResponseKind, Source};
use crate::render::responses::sanitize;
use serde_json::Value;

/// A response as found upstream, before merging.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    pub id: String,
    pub source: Source,
    pub kind: ResponseKind,
    pub author_name: String,
    pub author_url: Option<String>,
    /// The picture upstream; downloaded or dropped, never written as is.
    pub avatar_remote: Option<String>,
    /// Site-relative path of the downloaded picture.
    pub avatar: Option<String>,
    pub url: Option<String>,
    /// RFC 3339.
    pub date: String,
    pub content: Option<String>,
}

/// Replies in Bluesky threads deeper than this are not followed.
const MAX_DEPTH: usize = 20;
/// At most this many pages of webmentions (100 each) are read per pull.
const MAX_PAGES: usize = 100;

/// `https://instance/@user/ID` → (`https://instance`, `ID`).
pub fn mastodon_status(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let (host, path) = rest.split_once('/')?;
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let id = *segs.last()?;
    let shaped =
        segs.len() >= 2 && (segs[0].starts_with('@') || segs[0] == "users" || segs[0] == "web");
    let id_ok = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric());
    (shaped && id_ok && !host.is_empty()).then(|| (format!("{scheme}://{host}"), id.to_string()))
}

/// Replies, favourites and boosts of the status a `discuss.mastodon` URL
/// names. Instances may refuse the favourite and boost lists to anonymous
/// callers; that is a warning, and the replies still count.
pub fn mastodon(url: &str, now: &str, warnings: &mut Vec<String>) -> Result<Vec<NewEntry>, String> {
    let (base, id) = mastodon_status(url).ok_or_else(|| {
        format!("`{url}` is not a Mastodon status URL (https://instance/@user/ID)")
    })?;
    let api = format!("{base}/api/v1/statuses/{id}");
    let ctx = get_json(&format!("{api}/context"), &[]).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for s in ctx["descendants"].as_array().into_iter().flatten() {
        // Followers-only and direct messages are not for publishing.
        if !matches!(s["visibility"].as_str(), Some("public" | "unlisted") | None) {
            continue;
        }
        let Some(uid) = text(&s["uri"]).or_else(|| text(&s["url"])) else {
            continue;
        };
        let acc = &s["account"];
        out.push(NewEntry {
            id: format!("mastodon:{uid}"),
            source: Source::Mastodon,
            kind: ResponseKind::Reply,
            author_name: account_name(acc),
            author_url: text(&acc["url"]),
            avatar_remote: text(&acc["avatar_static"]).or_else(|| text(&acc["avatar"])),
            avatar: None,
            url: text(&s["url"]).or(Some(uid)),
            date: text(&s["created_at"]).unwrap_or_else(|| now.to_string()),
            content: text(&s["content"]).map(|c| sanitize(&c)),
        });
    }
    // Who favourited or boosted carries no date: the pull's time stands in.
    for (path, kind, tag) in [
        ("favourited_by", ResponseKind::Like, "like"),
        ("reblogged_by", ResponseKind::Repost, "repost"),
    ] {
        let list = match get_json(&format!("{api}/{path}"), &[]) {
            Ok(l) => l,
            Err(e) => {
                warnings.push(format!("{tag}s not read: {e}"));
                continue;
            }
        };
        for acc in list.as_array().into_iter().flatten() {
            let Some(who) = text(&acc["url"]).or_else(|| text(&acc["acct"])) else {
                continue;
            };
            out.push(NewEntry {
                id: format!("mastodon:{tag}:{base}/{id}:{who}"),
                source: Source::Mastodon,
                kind,
                author_name: account_name(acc),
                author_url: text(&acc["url"]),
                avatar_remote: text(&acc["avatar_static"]).or_else(|| text(&acc["avatar"])),
                avatar: None,
                url: None,
                date: now.to_string(),
                content: None,
            });
        }
    }
    Ok(out)
}

fn account_name(acc: &Value) -> String {
    text(&acc["display_name"])
        .or_else(|| text(&acc["acct"]))
        .or_else(|| text(&acc["username"]))
        .unwrap_or_else(|| "?".into())
}

/// `https://bsky.app/profile/HANDLE/post/RKEY` → (actor, rkey).
pub fn bluesky_post(url: &str) -> Option<(String, String)> {
    let rest = url.split_once("://")?.1;
    let path = rest.split_once('/')?.1.split(['?', '#']).next()?;
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["profile", actor, "post", rkey] => Some((actor.to_string(), rkey.to_string())),
        _ => None,
    }
}

/// Replies in the thread of the post a `discuss.bluesky` URL names.
pub fn bluesky(api: &str, url: &str) -> Result<Vec<NewEntry>, String> {
    let (actor, rkey) = bluesky_post(url).ok_or_else(|| {
        format!("`{url}` is not a Bluesky post URL (https://bsky.app/profile/HANDLE/post/ID)")
    })?;
    let api = api.trim_end_matches('/');
    let did = if actor.starts_with("did:") {
        actor
    } else {
        let q = format!(
            "{api}/xrpc/com.atproto.identity.resolveHandle?handle={}",
            encode_param(&actor)
        );
        let v = get_json(&q, &[]).map_err(|e| e.to_string())?;
        text(&v["did"]).ok_or_else(|| format!("handle `{actor}` did not resolve to a DID"))?
    };
    let uri = format!("at://{did}/app.bsky.feed.post/{rkey}");
    let q = format!(
        "{api}/xrpc/app.bsky.feed.getPostThread?uri={}&depth={MAX_DEPTH}",
        encode_param(&uri)
    );
    let v = get_json(&q, &[]).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    collect_bluesky(&v["thread"]["replies"], 0, &mut out);
    Ok(out)
}

fn collect_bluesky(replies: &Value, depth: usize, out: &mut Vec<NewEntry>) {
    if depth >= MAX_DEPTH {
        return;
    }
    for node in replies.as_array().into_iter().flatten() {
        // notFoundPost and blockedPost carry no `post`.
        let post = &node["post"];
        if let (Some(uri), Some(handle)) = (text(&post["uri"]), text(&post["author"]["handle"])) {
            let rkey = uri.rsplit('/').next().unwrap_or("").to_string();
            let a = &post["author"];
            let rec = &post["record"];
            out.push(NewEntry {
                id: format!("bluesky:{uri}"),
                source: Source::Bluesky,
                kind: ResponseKind::Reply,
                author_name: text(&a["displayName"]).unwrap_or_else(|| handle.clone()),
                author_url: Some(format!("https://bsky.app/profile/{handle}")),
                avatar_remote: text(&a["avatar"]),
                avatar: None,
                url: Some(format!("https://bsky.app/profile/{handle}/post/{rkey}")),
                date: text(&rec["createdAt"])
                    .or_else(|| text(&post["indexedAt"]))
                    .unwrap_or_default(),
                content: text(&rec["text"]),
            });
        }
        collect_bluesky(&node["replies"], depth + 1, out);
    }
}

/// Every webmention of the domain, as (target URL, entry).
pub fn webmention_io(
    api: &str,
    domain: &str,
    token: &str,
) -> Result<Vec<(String, NewEntry)>, FetchError> {
    const PER_PAGE: usize = 100;
    let api = api.trim_end_matches('/');
    let mut out = Vec::new();
    for page in 0..MAX_PAGES {
        let q = format!(
            "{api}/api/mentions.jf2?domain={}&token={}&per-page={PER_PAGE}&page={page}",
            encode_param(domain),
            encode_param(token)
        );
        let v = get_json(&q, &[])?;
        let children = v["children"].as_array().cloned().unwrap_or_default();
        for c in &children {
            if let Some(e) = webmention_entry(c) {
                out.push(e);
            }
        }
        if children.len() < PER_PAGE {
            break;
        }
    }
    Ok(out)
}

fn webmention_entry(c: &Value) -> Option<(String, NewEntry)> {
    if c["wm-private"].as_bool() == Some(true) {
        return None;
    }
    let kind = match c["wm-property"].as_str()? {
        "in-reply-to" => ResponseKind::Reply,
        "like-of" => ResponseKind::Like,
        "repost-of" => ResponseKind::Repost,
        _ => ResponseKind::Mention,
    };
    let target = text(&c["wm-target"])?;
    let wm_id = match &c["wm-id"] {
        Value::Number(n) => n.to_string(),
        v => text(v)?,
    };
    let a = &c["author"];
    let content = match kind {
        ResponseKind::Reply | ResponseKind::Mention => text(&c["content"]["html"])
            .map(|h| sanitize(&h))
            .or_else(|| text(&c["content"]["text"])),
        _ => None,
    };
    let url = text(&c["url"]).or_else(|| text(&c["wm-source"]));
    let name = text(&a["name"])
        .or_else(|| url.as_deref().map(crate::render::views::domain_of))
        .unwrap_or_else(|| "?".into());
    Some((
        target,
        NewEntry {
            id: format!("webmention:{wm_id}"),
            source: Source::Webmention,
            kind,
            author_name: name,
            author_url: text(&a["url"]),
            avatar_remote: text(&a["photo"]),
            avatar: None,
            url,
            date: text(&c["published"])
                .or_else(|| text(&c["wm-received"]))
                .unwrap_or_default(),
            content,
        },
    ))
}

/// A non-empty string value.
fn text(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_urls_are_understood() {
        assert_eq!(
            mastodon_status("http://127.0.0.1:9/@ada/1234"),
            Some(("http://127.0.0.1:9".into(), "1234".into()))
        );
        assert!(mastodon_status("https://social.example/about").is_none());
        assert_eq!(
            bluesky_post("https://bsky.app/profile/ada.example/post/3k2a"),
            Some(("ada.example".into(), "3k2a".into()))
        );
        assert!(bluesky_post("https://bsky.app/profile/ada.example").is_none());
    }

    #[test]
    fn private_webmentions_are_skipped() {
        let v = serde_json::json!({"wm-private": true, "wm-property": "in-reply-to", "wm-target": "x", "wm-id": 1});
        assert!(webmention_entry(&v).is_none());
    }
}
