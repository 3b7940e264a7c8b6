//! The network aids against an in-process HTTP server on loopback (nothing
//! here reaches beyond 127.0.0.1): `check --external` findings, positions,
//! retries, the `.kurator/` cache, `--suggest-archive`, and `new link --fetch`.

mod common;

use common::*;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A loopback server with fixed routes that counts the requests per path.
struct Server {
    port: u16,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let h = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let h = h.clone();
                std::thread::spawn(move || answer(stream, port, &h));
            }
        });
        Server { port, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn total(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

fn answer(mut s: TcpStream, port: u16, hits: &Mutex<HashMap<String, usize>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let target = head.split(' ').nth(1).unwrap_or("/").to_string();
    let path = target.split('?').next().unwrap_or("/").to_string();
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let ua_ok = head
        .lines()
        .any(|l| l.to_ascii_lowercase().starts_with("user-agent: kurator/"));
    let html = "text/html; charset=utf-8";
    let (status, ctype, extra, body): (&str, &str, String, Vec<u8>) = match path.as_str() {
        _ if !ua_ok => ("400 Bad Request", html, String::new(), b"no UA".to_vec()),
        "/ok" | "/also-ok" => ("200 OK", html, String::new(), b"<p>fine".to_vec()),
        "/perm" => (
            "301 Moved Permanently",
            html,
            "Location: /ok\r\n".into(),
            vec![],
        ),
        "/temp" => ("302 Found", html, "Location: /also-ok\r\n".into(), vec![]),
        "/to-dead" => (
            "308 Permanent Redirect",
            html,
            "Location: /gone404\r\n".into(),
            vec![],
        ),
        "/gone404" => ("404 Not Found", html, String::new(), b"nope".to_vec()),
        "/gone410" => ("410 Gone", html, String::new(), b"gone".to_vec()),
        "/limited" => ("429 Too Many Requests", html, String::new(), vec![]),
        "/forbidden" => ("403 Forbidden", html, String::new(), vec![]),
        "/slow" => {
            std::thread::sleep(Duration::from_millis(2500));
            ("200 OK", html, String::new(), b"late".to_vec())
        }
        // Drop the connection without a word.
        "/reset" => return,
        "/meta" => ("200 OK", html, String::new(), META_PAGE.as_bytes().to_vec()),
        "/big" => ("200 OK", html, String::new(), vec![b'a'; 3 * 1024 * 1024]),
        "/pdf" => (
            "200 OK",
            "application/pdf",
            String::new(),
            b"%PDF-1.4".to_vec(),
        ),
        "/wayback" => {
            let wanted = target.split("url=").nth(1).unwrap_or("");
            let snap = format!(
                r#"{{"archived_snapshots":{{"closest":{{"available":true,"status":"200","timestamp":"20200101000000","url":"http://127.0.0.1:{port}/web/20200101000000/{wanted}"}}}}}}"#
            );
            let body = if wanted.contains("gone410") {
                r#"{"archived_snapshots":{}}"#.to_string()
            } else {
                snap
            };
            (
                "200 OK",
                "application/json",
                String::new(),
                body.into_bytes(),
            )
        }
        _ => ("404 Not Found", html, String::new(), vec![]),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(&body);
}

const META_PAGE: &str = r#"<!doctype html>
<html lang="en-GB"><head>
<title>Plain title | Example Weekly</title>
<meta property="og:title" content="Why curation matters">
<meta property="og:site_name" content="Example Weekly">
<meta property="og:description" content="A short abstract of the article.">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","author":[{"@type":"Person","name":"Jo Writer"}]}</script>
</head><body><p>Text</p></body></html>"#;

/// A small site whose links point at the server.
fn site(srv: &Server) -> Tmp {
    let t = Tmp::new();
    t.write(
        "site.yaml",
        format!(
            "title: Ext\nbase_url: https://ext.example\nlanguage: en\nlinks:\n  archive_api: {}\n",
            srv.url("/wayback")
        ),
    );
    t.write("authors/anna.md", "---\nname: Anna\n---\nBio.\n");
    t.write("channels/x.md", "---\ntitle: X\n---\nIntro.\n");
    let link = |slug: &str, path: &str| {
        format!(
            "---\nurl: {}\ntitle: T {slug}\nsource: S\ncurator: anna\ndate: 2024-01-01\nchannels: [x]\n---\nComment.\n",
            srv.url(path)
        )
    };
    for (slug, path) in [
        ("ok", "/ok"),
        ("perm", "/perm"),
        ("temp", "/temp"),
        ("dead", "/gone404"),
        ("gone", "/gone410"),
        ("limited", "/limited"),
        ("forbidden", "/forbidden"),
        ("slow", "/slow"),
        ("reset", "/reset"),
        ("to-dead", "/to-dead"),
    ] {
        t.write(&format!("links/{slug}.md"), link(slug, path));
    }
    t.write(
        "articles/2024-01-02-body.md",
        format!(
            "---\ntitle: Body\nauthors: [anna]\nchannels: [x]\ndiscuss:\n  mastodon: \"{}\"\n---\nFirst line.\n\nSee [the report]({}) and <{}>.\n",
            srv.url("/gone410"),
            srv.url("/gone404"),
            srv.url("/ok")
        ),
    );
    t
}

/// A temporary site folder.
struct Tmp(tempfile::TempDir);

impl Tmp {
    fn new() -> Tmp {
        Tmp(tempfile::tempdir().unwrap())
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn check(site: &Path, extra: &[&str]) -> Run {
    let mut cmd = kurator();
    cmd.env("KURATOR_HTTP_TIMEOUT_MS", "1000")
        .arg("check")
        .arg(site)
        .args(extra);
    run_cmd(&mut cmd)
}

/// (code, file, line, column, hint) of the link findings in JSON output.
fn link_findings(r: &Run) -> Vec<(String, String, u64, u64, String)> {
    r.stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["code"].as_str().unwrap().starts_with("link-"))
        .map(|v| {
            (
                v["code"].as_str().unwrap().to_string(),
                v["file"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
                v["column"].as_u64().unwrap(),
                v["hint"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn external_check_reports_dead_moved_and_unknown_links_at_the_url() {
    let srv = Server::start();
    let s = site(&srv);
    let r = check(s.path(), &["--external", "--format", "json"]);
    r.assert_code(1);
    let found: Vec<(String, String, u64, u64)> = link_findings(&r)
        .into_iter()
        .map(|(c, f, l, col, _)| (c, f, l, col))
        .collect();
    let f = |c: &str, file: &str, l, col| (c.to_string(), file.to_string(), l, col);
    assert_eq!(
        found,
        vec![
            f("link-dead", "articles/2024-01-02-body.md", 6, 14),
            f("link-dead", "articles/2024-01-02-body.md", 10, 18),
            f("link-dead", "links/dead.md", 2, 6),
            f("link-unknown", "links/forbidden.md", 2, 6),
            f("link-dead", "links/gone.md", 2, 6),
            f("link-unknown", "links/limited.md", 2, 6),
            f("link-moved", "links/perm.md", 2, 6),
            f("link-unknown", "links/reset.md", 2, 6),
            f("link-unknown", "links/slow.md", 2, 6),
            f("link-dead", "links/to-dead.md", 2, 6),
        ],
        "{}",
        r.stdout
    );
    let moved = link_findings(&r)
        .into_iter()
        .find(|x| x.0 == "link-moved")
        .unwrap();
    assert_eq!(moved.4, format!("new URL: {}", srv.url("/ok")));
    // Rate limits, timeouts and dropped connections get one retry each.
    assert_eq!(srv.hits("/limited"), 2);
    assert_eq!(srv.hits("/reset"), 2);
    assert_eq!(srv.hits("/slow"), 2);
    assert_eq!(srv.hits("/gone404"), 2, "once directly, once via /to-dead");
    assert_eq!(
        srv.hits("/ok"),
        2,
        "once directly (deduplicated), once via /perm"
    );
}

#[test]
fn rate_limits_and_blocks_are_warnings_only() {
    let srv = Server::start();
    let s = site(&srv);
    for f in [
        "dead", "gone", "to-dead", "perm", "temp", "ok", "slow", "reset",
    ] {
        std::fs::remove_file(s.path().join(format!("links/{f}.md"))).unwrap();
    }
    std::fs::remove_file(s.path().join("articles/2024-01-02-body.md")).unwrap();
    let r = check(s.path(), &["--external", "--format", "github"]);
    r.assert_code(0);
    assert!(
        r.stdout
            .contains("::warning file=links/limited.md,line=2,col=6"),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("::warning file=links/forbidden.md,line=2,col=6"));
    check(s.path(), &["--external", "--strict"]).assert_code(1);
}

#[test]
fn second_run_is_answered_from_the_cache() {
    let srv = Server::start();
    let s = site(&srv);
    let first = check(s.path(), &["--external"]);
    assert!(
        first.stdout.contains("answered from the cache"),
        "{}",
        first.stdout
    );
    // The human printer: position, severity and code.
    assert!(
        first.stdout.contains("links/dead.md:2:6: error[link-dead]"),
        "{}",
        first.stdout
    );
    assert!(first
        .stdout
        .contains("links/perm.md:2:6: warning[link-moved]"));
    let after_first = srv.total();
    assert!(s.path().join(".kurator/links").is_dir());
    let second = check(s.path(), &["--external", "--format", "json"]);
    // Only the network failures (slow, reset) are asked again: 2 tries each.
    assert_eq!(
        srv.total() - after_first,
        4,
        "{:?}",
        srv.hits.lock().unwrap()
    );
    assert_eq!(link_findings(&second).len(), 10);
    // A zero max age trusts nothing.
    let before = srv.total();
    check(s.path(), &["--external", "--max-age", "0"]);
    assert!(srv.total() - before >= 12);
    // --cache-dir moves the cache elsewhere.
    let elsewhere = Tmp::new();
    check(
        s.path(),
        &[
            "--external",
            "--cache-dir",
            elsewhere.path().to_str().unwrap(),
        ],
    );
    assert!(elsewhere.path().join("links").is_dir());
}

#[test]
fn a_warm_cache_does_not_change_the_build() {
    let srv = Server::start();
    let s = site(&srv);
    let out = Tmp::new();
    let cold = out.path().join("cold");
    build(s.path(), &cold, &[]).assert_ok();
    check(s.path(), &["--external", "--suggest-archive"]);
    assert!(s.path().join(".kurator/links").is_dir());
    let warm = out.path().join("warm");
    build(s.path(), &warm, &[]).assert_ok();
    assert_same_tree(&snapshot(&cold), &snapshot(&warm), "cold vs warm cache");
}

#[test]
fn suggest_archive_gives_the_archived_copy_as_hint() {
    let srv = Server::start();
    let s = site(&srv);
    let r = check(
        s.path(),
        &["--external", "--suggest-archive", "--format", "json"],
    );
    let hints: Vec<(String, String)> = link_findings(&r)
        .into_iter()
        .filter(|x| x.0 == "link-dead")
        .map(|x| (x.1, x.4))
        .collect();
    let dead = hints.iter().find(|h| h.0 == "links/dead.md").unwrap();
    assert!(
        dead.1.starts_with(&format!(
            "archived copy: http://127.0.0.1:{}/web/20200101000000/",
            srv.port
        )),
        "{}",
        dead.1
    );
    let gone = hints.iter().find(|h| h.0 == "links/gone.md").unwrap();
    assert_eq!(
        gone.1,
        "no archived copy was found; replace or remove the link"
    );
    // Three dead URLs, one question each.
    assert_eq!(srv.hits("/wayback"), 3);
}

#[test]
fn plain_check_and_build_never_touch_the_network() {
    let srv = Server::start();
    let s = site(&srv);
    check(s.path(), &[]).assert_code(0);
    let out = Tmp::new();
    build(s.path(), &out.path().join("public"), &[]).assert_ok();
    assert_eq!(srv.total(), 0);
    // The cache may hold share cards now, but no link-check answers.
    assert!(!s.path().join(".kurator/links").exists());
}

#[test]
fn archive_field_is_validated_and_shown_on_the_link_page() {
    let srv = Server::start();
    let s = site(&srv);
    s.write(
        "links/ok.md",
        "---\nurl: https://a.example/x\narchive: https://web.archive.org/web/2020/https://a.example/x\ntitle: T\nsource: S\ncurator: anna\ndate: 2024-01-01\nchannels: [x]\n---\nC.\n",
    );
    let out = Tmp::new();
    build(s.path(), &out.path().join("public"), &[]).assert_ok();
    let page = std::fs::read_to_string(out.path().join("public/links/ok/index.html")).unwrap();
    assert!(
        page.contains("href=\"https://web.archive.org/web/2020/https://a.example/x\""),
        "{page}"
    );
    s.write(
        "links/ok.md",
        "---\nurl: https://a.example/x\narchive: web.archive.org/x\ntitle: T\nsource: S\ncurator: anna\ndate: 2024-01-01\nchannels: [x]\n---\nC.\n",
    );
    let r = check(s.path(), &["--format", "json"]);
    r.assert_code(1);
    assert!(
        r.stdout
            .contains(r#""code":"bad-url","file":"links/ok.md","line":3,"column":10"#),
        "{}",
        r.stdout
    );
}

fn new_link(site: &Path, url: &str) -> Run {
    let mut cmd = kurator();
    cmd.env("KURATOR_HTTP_TIMEOUT_MS", "1000").args([
        "new",
        "link",
        url,
        "--fetch",
        "--curator",
        "anna",
        "--channel",
        "x",
        "--site",
    ]);
    cmd.arg(site);
    run_cmd(&mut cmd)
}

fn only_link(site: &Path) -> String {
    let dir = site.join("links");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("2026"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    std::fs::read_to_string(files.pop().unwrap()).unwrap()
}

#[test]
fn fetch_fills_the_scaffold_from_the_page() {
    let srv = Server::start();
    let s = site(&srv);
    let r = new_link(s.path(), &srv.url("/meta"));
    r.assert_code(0);
    let text = only_link(s.path());
    assert!(text.contains("title: \"Why curation matters\"\n"), "{text}");
    assert!(text.contains("source: \"Example Weekly\"\n"), "{text}");
    assert!(text.contains("source_author: \"Jo Writer\"\n"), "{text}");
    assert!(text.contains("lang: \"en\"\n"), "{text}");
    assert!(text.contains("A short abstract of the article."), "{text}");
    // The scaffold passes check as written.
    check(s.path(), &[]).assert_code(0);
}

#[test]
fn fetch_failures_say_why_and_write_placeholders() {
    for (path, why) in [
        ("/gone404", "404"),
        ("/big", "larger than"),
        ("/slow", "time limit"),
        ("/pdf", "not HTML"),
    ] {
        let srv = Server::start();
        let s = site(&srv);
        let r = new_link(s.path(), &srv.url(path));
        r.assert_code(0);
        assert!(r.stderr.contains(why), "{path}: {}", r.stderr);
        let text = only_link(s.path());
        assert!(text.contains("title: \"TODO: title\"\n"), "{text}");
        assert!(text.contains("source: \"TODO: publication\"\n"), "{text}");
    }
}

#[test]
fn tls_failures_are_warnings_not_dead_links() {
    let srv = Server::start();
    let s = site(&srv);
    // The server speaks plain HTTP: rustls fails the handshake.
    let https = srv.url("/ok").replace("http://", "https://");
    s.write(
        "links/ok.md",
        format!("---\nurl: {https}\ntitle: T\nsource: S\ncurator: anna\ndate: 2024-01-01\nchannels: [x]\n---\nC.\n"),
    );
    let r = check(s.path(), &["--external", "--format", "json"]);
    let tls: Vec<_> = link_findings(&r)
        .into_iter()
        .filter(|f| f.1 == "links/ok.md")
        .collect();
    assert_eq!(tls.len(), 1, "{}", r.stdout);
    assert_eq!(
        (tls[0].0.as_str(), tls[0].2, tls[0].3),
        ("link-unknown", 2, 6)
    );
}
