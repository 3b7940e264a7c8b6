//! Reader responses (SPEC §16): `kurator responses pull` against loopback
//! mock servers speaking the Mastodon, Bluesky and webmention.io shapes,
//! the merge rules, and how `build` and `check` treat response files.

mod common;

use common::*;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// A loopback HTTP server answering from a fixed table; it stops by itself
/// after a minute. Requests are logged as `path?query | user-agent`.
struct Mock {
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Mock {
    fn start(routes: impl Fn(&str, &str) -> Option<(u16, Vec<u8>)> + Send + 'static) -> Mock {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind loopback");
        let port = server.server_addr().to_ip().expect("ip").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let log2 = log.clone();
        let base = format!("http://127.0.0.1:{port}");
        let base2 = base.clone();
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline {
                let Ok(Some(req)) = server.recv_timeout(Duration::from_millis(100)) else {
                    continue;
                };
                let url = req.url().to_string();
                let ua = req
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("User-Agent"))
                    .map(|h| h.value.to_string())
                    .unwrap_or_default();
                log2.lock().unwrap().push(format!("{url} | {ua}"));
                let (status, body) = routes(&url, &base2).unwrap_or((404, b"{}".to_vec()));
                let _ = req.respond(tiny_http::Response::from_data(body).with_status_code(status));
            }
        });
        Mock { base, log }
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn account(base: &str, id: &str, name: &str) -> Value {
    json!({
        "id": id, "username": name.to_lowercase(), "acct": format!("{}@social.example", name.to_lowercase()),
        "display_name": name, "url": format!("https://social.example/@{}", name.to_lowercase()),
        "avatar": format!("{base}/avatars/{id}.png"), "avatar_static": format!("{base}/avatars/{id}.png"),
        "bot": false, "locked": false, "followers_count": 3
    })
}

fn status(base: &str, id: &str, who: &str, content: &str, visibility: &str) -> Value {
    json!({
        "id": id, "created_at": format!("2024-05-0{}T10:00:00.000Z", &id[id.len() - 1..]),
        "in_reply_to_id": "111", "in_reply_to_account_id": "1", "sensitive": false, "spoiler_text": "",
        "visibility": visibility, "language": "de",
        "uri": format!("https://social.example/users/{}/statuses/{id}", who.to_lowercase()),
        "url": format!("https://social.example/@{}/{id}", who.to_lowercase()),
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
        "content": content, "account": account(base, id, who),
        "media_attachments": [], "mentions": [], "tags": [], "emojis": []
    })
}

/// The answers of all three services, as their real APIs shape them.
fn routes(upstream_edit: bool) -> impl Fn(&str, &str) -> Option<(u16, Vec<u8>)> + Send + 'static {
    move |url: &str, base: &str| {
        let ok = |v: Value| Some((200, serde_json::to_vec(&v).unwrap()));
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        match path {
            "/api/v1/statuses/111/context" => {
                let hostile = r#"<p onclick="steal()">Böse <script>alert('x')</script><img src="https://tracker.example/p.gif" onerror="alert(1)"> <a href="javascript:alert(2)">klick</a> <a href="https://ok.example/">ok</a></p>"#;
                let first = if upstream_edit {
                    "<p>Nachträglich geändert</p>"
                } else {
                    "<p>Guter Punkt, danke!</p>"
                };
                ok(json!({"ancestors": [], "descendants": [
                    status(base, "2", "Bob", first, "public"),
                    status(base, "3", "Mallory", hostile, "public"),
                    status(base, "4", "Eve", "<p>nur für Follower</p>", "private"),
                ]}))
            }
            "/api/v1/statuses/111/favourited_by" => ok(json!([account(base, "5", "Carla")])),
            "/api/v1/statuses/111/reblogged_by" => ok(json!([])),
            "/xrpc/com.atproto.identity.resolveHandle" if query == "handle=ada.example" => {
                ok(json!({"did": "did:plc:ada"}))
            }
            "/xrpc/app.bsky.feed.getPostThread"
                if query
                    .contains("uri=at%3A%2F%2Fdid%3Aplc%3Aada%2Fapp.bsky.feed.post%2F3kabc") =>
            {
                let post = |uri: &str, handle: &str, text: &str, at: &str| {
                    json!({
                        "uri": uri, "cid": "bafy",
                        "author": {"did": "did:plc:x", "handle": handle, "displayName": "", "avatar": format!("{base}/avatars/evil.svg"), "labels": []},
                        "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": at, "langs": ["de"]},
                        "replyCount": 0, "repostCount": 0, "likeCount": 0, "indexedAt": at, "labels": []
                    })
                };
                ok(json!({"thread": {
                    "$type": "app.bsky.feed.defs#threadViewPost",
                    "post": post("at://did:plc:ada/app.bsky.feed.post/3kabc", "ada.example", "Neuer Beitrag", "2024-05-01T09:00:00.000Z"),
                    "replies": [
                        {"$type": "app.bsky.feed.defs#threadViewPost",
                         "post": post("at://did:plc:dan/app.bsky.feed.post/3kdan", "dan.example", "Sehe ich auch so <3", "2024-05-06T08:00:00.000Z"),
                         "replies": [
                            {"$type": "app.bsky.feed.defs#threadViewPost",
                             "post": post("at://did:plc:ann/app.bsky.feed.post/3kann", "ann.example", "Und ich erst.", "2024-05-07T08:00:00.000Z"),
                             "replies": []}
                         ]},
                        {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://did:plc:gone/app.bsky.feed.post/1", "notFound": true}
                    ]
                }}))
            }
            "/api/mentions.jf2"
                if query.contains("token=s3cret") && query.contains("domain=hub.example") =>
            {
                ok(json!({"type": "feed", "name": "Webmentions", "children": [
                    {"type": "entry", "author": {"type": "card", "name": "Web Walter", "photo": format!("{base}/avatars/7.png"), "url": "https://walter.example/"},
                     "url": "https://walter.example/2024/antwort", "published": "2024-05-08T12:00:00+02:00", "wm-received": "2024-05-08T10:05:00Z",
                     "wm-id": 1700001, "wm-source": "https://walter.example/2024/antwort", "wm-target": "https://hub.example/2020/04/hallo/",
                     "wm-protocol": "webmention", "content": {"html": "<p>Meine <em>Antwort</em></p>", "text": "Meine Antwort"},
                     "in-reply-to": "https://hub.example/2020/04/hallo/", "wm-property": "in-reply-to", "wm-private": false},
                    {"type": "entry", "author": {"type": "card", "name": "Lisa Like", "photo": "", "url": "https://lisa.example/"},
                     "url": "https://lisa.example/likes/1", "published": null, "wm-received": "2024-05-09T10:00:00Z",
                     "wm-id": 1700002, "wm-source": "https://lisa.example/likes/1", "wm-target": "https://hub.example/2020/04/hallo/",
                     "wm-protocol": "webmention", "like-of": "https://hub.example/2020/04/hallo/", "wm-property": "like-of", "wm-private": false},
                    {"type": "entry", "author": {"type": "card", "name": "Irgendwer", "photo": "", "url": ""},
                     "url": "https://x.example/", "published": "2024-05-09T10:00:00Z", "wm-received": "2024-05-09T10:00:00Z",
                     "wm-id": 1700003, "wm-source": "https://x.example/", "wm-target": "https://hub.example/about/",
                     "wm-property": "mention-of", "wm-private": false}
                ]}))
            }
            "/api/mentions.jf2" => Some((401, b"{\"error\":\"forbidden\"}".to_vec())),
            p if p.starts_with("/avatars/") && p.ends_with(".png") => Some((200, PNG.to_vec())),
            "/avatars/evil.svg" => Some((200, b"<svg onload=\"alert(1)\"/>".to_vec())),
            _ => None,
        }
    }
}

const ITEM: &str = "articles/2020-04-16-hallo.md";
const FILE: &str = "responses/articles/2020-04-16-hallo.yaml";

/// The minimal fixture wired to `mock`.
fn site(mock: &Mock) -> SiteCopy {
    let s = copy_fixture("minimal");
    s.write(
        "site.yaml",
        format!(
            "title: Minimal\nbase_url: https://hub.example\nlanguage: de\ntimezone: Europe/Berlin\n\
             guidelines:\n  banned_terms:\n    - term: Projekt Falcon\n      reason: interner Codename\n\
             responses:\n  bluesky_api: {b}\n  webmention_io: {{domain: hub.example, token_env: KURATOR_TEST_WM_TOKEN, api: {b}}}\n",
            b = mock.base
        ),
    );
    s.write(
        ITEM,
        format!(
            "---\ntitle: Hallo Welt\nauthors: [anna]\nchannels: [x]\ndiscuss:\n  mastodon: {}/@ada/111\n  bluesky: https://bsky.app/profile/ada.example/post/3kabc\n---\nEin kurzer Beitrag.\n",
            mock.base
        ),
    );
    s
}

fn pull(s: &SiteCopy) -> Run {
    let mut cmd = kurator();
    cmd.args(["responses", "pull"])
        .arg(&s.site)
        .env("KURATOR_TEST_WM_TOKEN", "s3cret");
    run_cmd(&mut cmd)
}

fn read_site(s: &SiteCopy, rel: &str) -> String {
    std::fs::read_to_string(s.site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn pull_merges_new_responses_unapproved_and_a_second_pull_changes_no_byte() {
    let mock = Mock::start(routes(false));
    let s = site(&mock);
    let r = pull(&s);
    r.assert_ok();
    assert_contains(&r.stdout, FILE);
    assert_contains(&r.stdout, "(new file): +5 replies, 2 likes");
    let text = read_site(&s, FILE);
    assert!(
        text.starts_with(&format!("item: \"{ITEM}\"\nresponses:\n")),
        "{text}"
    );
    for id in [
        "mastodon:https://social.example/users/bob/statuses/2",
        "mastodon:https://social.example/users/mallory/statuses/3",
        "bluesky:at://did:plc:dan/app.bsky.feed.post/3kdan",
        "bluesky:at://did:plc:ann/app.bsky.feed.post/3kann",
        "webmention:1700001",
        "webmention:1700002",
    ] {
        assert_contains(&text, &format!("id: \"{id}\""));
    }
    assert_not_contains(&text, "nur für Follower");
    assert_not_contains(&text, "webmention:1700003");
    assert_eq!(text.matches("approved: false").count(), 7);
    assert_not_contains(&text, "approved: true");
    // Stored content is already sanitised, and no remote picture is kept.
    assert_not_contains(&text, "<script");
    assert_not_contains(&text, "onerror");
    assert_not_contains(&text, "javascript:");
    assert_not_contains(&text, &format!("{}/avatars", mock.base));
    assert_contains(&text, "avatar: \"/responses/");
    let pics: Vec<String> = list_files(&s.site.join("static/responses"));
    assert_eq!(
        pics.len(),
        1,
        "one PNG, stored once under its hash: {pics:?}"
    );
    assert!(pics[0].ends_with(".png"));
    // Every request identified itself; the token never shows in messages.
    let reqs = mock.requests();
    assert!(reqs.iter().all(|l| l.contains("| kurator/")), "{reqs:#?}");
    assert_not_contains(&r.stderr, "s3cret");
    assert_contains(&r.stderr, "1 mention(s) point to no item");

    let before = snapshot(&s.site);
    let again = pull(&s);
    again.assert_ok();
    assert_contains(&again.stdout, "No new responses.");
    assert_same_tree(&before, &snapshot(&s.site), "second pull");
    // The pulled file is valid: the site still checks clean.
    run_cmd(kurator().arg("check").arg(&s.site)).assert_ok();
}

#[test]
fn entries_already_there_never_change_and_only_approved_ones_are_rendered() {
    let mock = Mock::start(routes(true));
    let s = site(&mock);
    let existing = format!(
        "# Kommentare zu Hallo Welt\nitem: {ITEM}\nresponses:\n\
         - id: \"mastodon:https://social.example/users/bob/statuses/2\"\n  source: mastodon\n  kind: reply\n\
         \x20 author: {{name: Bob <b>Bold</b>, url: \"https://social.example/@bob\", avatar: \"https://social.example/bob.png\"}}\n\
         \x20 url: https://social.example/@bob/2\n  date: 2024-05-02T10:00:00Z\n  content: \"<p>Guter Punkt, danke!</p>\"\n  approved: true\n\
         - id: \"mastodon:https://social.example/users/mallory/statuses/3\"\n  source: mastodon\n  kind: reply\n\
         \x20 author: {{name: \"Mallory</script><script>alert(1)</script>\", url: \"https://social.example/@mallory\"}}\n\
         \x20 url: https://social.example/@mallory/3\n  date: 2024-05-03T10:00:00Z\n\
         \x20 content: \"<p onclick=\\\"x()\\\">Hallo <script>alert('x')</script><img src=https://tracker.example/p.gif onerror=alert(1)><a href=\\\"javascript:alert(2)\\\">klick</a></p>\"\n  approved: true\n\
         - id: comment:1\n  source: comment\n  kind: reply\n  author: {{name: Nicht Freigegeben}}\n  date: 2024-05-04\n  content: Geheimer Entwurf\n  approved: false\n\
         - id: webmention:9\n  source: webmention\n  kind: like\n  author: {{name: Lina}}\n  date: 2024-05-04\n  approved: true\n"
    );
    s.write(FILE, &existing);
    let r = pull(&s);
    r.assert_ok();
    let text = read_site(&s, FILE);
    assert!(
        text.starts_with(&existing),
        "existing bytes changed:\n{text}"
    );
    assert_not_contains(&text, "Nachträglich geändert");

    s.build_ok(&[]);
    let html = s.read("2020/04/hallo/index.html");
    let section = between(&html, "<section class=\"responses\"", "</section>");
    assert_contains(section, "Reaktionen");
    assert_contains(section, "Guter Punkt, danke!");
    assert_contains(section, "1 Like");
    assert_not_contains(&html, "Geheimer Entwurf");
    assert_not_contains(&html, "Nicht Freigegeben");
    // Pulled but unapproved entries stay unpublished.
    assert_not_contains(&html, "Sehe ich auch so");
    // Escaped and sanitised in text, attributes and JSON-LD alike.
    assert_contains(section, "Bob &lt;b&gt;Bold&lt;/b&gt;");
    assert_not_contains(&html, "<script>alert");
    assert_not_contains(&html, "onerror");
    assert_not_contains(&html, "onclick");
    assert_not_contains(&html, "javascript:");
    assert_not_contains(&html, "tracker.example");
    assert_not_contains(&html, "social.example/bob.png");
    assert_contains(section, "rel=\"nofollow ugc noopener\"");
    // No page of the site loads a picture from another host.
    for f in list_files(&s.out()).iter().filter(|f| f.ends_with(".html")) {
        let page = s.read(f);
        for img in tags(&page, "img") {
            let src = attr(img, "src").unwrap_or("");
            assert!(src.starts_with('/') && !src.starts_with("//"), "{f}: {img}");
        }
    }
    let ld = between(&html, "<script type=\"application/ld+json\">", "</script>");
    let v: Value = serde_json::from_str(ld).expect("JSON-LD parses");
    let post = &v["@graph"][0];
    assert_eq!(post["commentCount"], 2);
    let comments = post["comment"].as_array().unwrap();
    assert_eq!(comments[0]["@type"], "Comment");
    assert_eq!(comments[0]["author"]["name"], "Bob <b>Bold</b>");
    assert_eq!(comments[0]["text"], "Guter Punkt, danke!");
    assert!(!comments[1]["text"].as_str().unwrap().contains("alert"));
    assert_eq!(post["interactionStatistic"][0]["userInteractionCount"], 1);
    // Cards count approved responses.
    assert_contains(&s.read("channels/x/index.html"), "3 Reaktionen");
}

#[test]
fn check_reports_response_findings_with_positions() {
    let s = copy_fixture("minimal");
    s.write(
        "site.yaml",
        "title: Minimal\nbase_url: https://minimal.example\nlanguage: de\n\
         guidelines:\n  confidential_markers: [VERTRAULICH]\n  banned_terms:\n    - term: Projekt Falcon\n",
    );
    s.write(
        "responses/a.yaml",
        "item: articles/2020-04-16-hallo.md\nresponses:\n  - id: a\n    source: mastodon\n    kind: rply\n    author: {name: A}\n    date: 2024-05-02\n    approved: true\n  - id: b\n    source: comment\n    kind: reply\n    author:\n      name: B\n      ulr: https://b.example/\n    date: 2024-05-02\n  - id: c\n    source: comment\n    kind: reply\n    author: {name: C}\n    date: 2024-05-02\n    content: Das ist VERTRAULICH.\n    approved: true\n  - id: d\n    source: comment\n    kind: reply\n    author: {name: D}\n    date: 2024-05-02\n    content: Projekt Falcon kommt.\n",
    );
    s.write(
        "responses/b.yaml",
        "item: articles/2020-04-16-halo.md\nresponses: []\n",
    );
    s.write(
        "responses/c.yaml",
        "item: articles/2020-04-16-hallo.md\nrepsonses: []\n",
    );
    let r = run_cmd(kurator().args(["check", "--format", "json"]).arg(&s.site));
    r.assert_code(1);
    let found: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let at = |code: &str| -> (String, Value, Value, String) {
        let d = found
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {found:#?}"));
        (
            d["file"].as_str().unwrap().to_string(),
            d["line"].clone(),
            d["column"].clone(),
            d["severity"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(
        at("unknown-value"),
        (
            "responses/a.yaml".into(),
            json!(5),
            json!(11),
            "error".into()
        )
    );
    let (f, l, c, _) = at("unknown-key");
    assert_eq!(
        (f.as_str(), l, c),
        ("responses/a.yaml", json!(14), json!(7))
    );
    assert!(found.iter().any(|d| d["code"] == "unknown-key"
        && d["file"] == "responses/c.yaml"
        && d["hint"].as_str().unwrap().contains("`responses`")));
    assert_eq!(
        at("confidential-marker"),
        (
            "responses/a.yaml".into(),
            json!(21),
            json!(22),
            "error".into()
        )
    );
    // Not approved: shown, but it does not fail the check on its own.
    assert_eq!(
        at("banned-term"),
        (
            "responses/a.yaml".into(),
            json!(28),
            json!(14),
            "warning".into()
        )
    );
    let unknown = found
        .iter()
        .find(|d| d["code"] == "unknown-response-item")
        .unwrap();
    assert_eq!(
        (unknown["file"].clone(), unknown["line"].clone()),
        (json!("responses/b.yaml"), json!(1))
    );
    assert!(unknown["hint"]
        .as_str()
        .unwrap()
        .contains("articles/2020-04-16-hallo.md"));
}

#[test]
fn serve_rebuild_picks_up_an_edited_response_file() {
    use kurator::serve::rebuild::{Builder, Outcome, Snapshot};
    let s = copy_fixture("minimal");
    let mut b = Builder::new(kurator::LoadOptions {
        site_dir: s.site.clone(),
        ..Default::default()
    });
    let (open, cancel) = (
        Default::default(),
        std::sync::atomic::AtomicBool::new(false),
    );
    let Outcome::Built(first) = b.build(&Snapshot::default(), &open, &cancel, &mut |_| {}) else {
        panic!("first build failed")
    };
    let page = "2020/04/hallo/index.html";
    assert!(!String::from_utf8_lossy(&first.snapshot.get(page).unwrap()).contains("Schön!"));
    let rel = "responses/x.yaml";
    s.write(
        rel,
        format!("item: {ITEM}\nresponses:\n  - id: c1\n    source: comment\n    kind: reply\n    author: {{name: Clara}}\n    date: 2024-05-02\n    content: Schön!\n    approved: true\n"),
    );
    b.invalidate(&[rel.to_string()]);
    let Outcome::Built(second) = b.build(&first.snapshot, &open, &cancel, &mut |_| {}) else {
        panic!("rebuild failed")
    };
    assert!(String::from_utf8_lossy(&second.snapshot.get(page).unwrap()).contains("Schön!"));
    assert!(second.changed.iter().any(|p| p == page));
    assert!(
        second.changed.iter().any(|p| p == "channels/x/index.html"),
        "card counts follow"
    );
}
