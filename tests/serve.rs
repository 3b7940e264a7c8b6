//! Integration tests of `kurator serve`: the real binary on a copy of
//! `tests/serve-fixture/` in a temp folder, `--port 0`, talked to with a
//! tiny HTTP client over `std::net::TcpStream` (loopback only).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

const NOW: &str = "2026-06-01T12:00:00+02:00";
/// A YAML comment in the fixture's site.yaml: it must never be served.
const SECRET: &str = "7f3c9a-site-yaml-must-never-be-served";
const ARTICLE: &str = "articles/2024-05-01-hello.md";
const ARTICLE_URL: &str = "/2024/05/hello/";
/// How long a change may take to show up.
const PATIENCE: Duration = Duration::from_secs(5);

/// A running `kurator serve`, killed on drop.
struct Server {
    child: Child,
    addr: String,
    site: PathBuf,
    stderr: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Copies the fixture and starts the server on a free port.
    fn start() -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = dir.path().join("site");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve-fixture"),
            &site,
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_kurator"))
            .args(["serve", "--port", "0"])
            .arg(&site)
            .env("KURATOR_NOW", NOW)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kurator serve");
        let stderr = drain(child.stderr.take().expect("stderr"));
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no URL printed; stderr:\n{}", stderr.lock().unwrap()));
        let url = line
            .strip_prefix("Serving at ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        Server {
            child,
            addr,
            site,
            stderr,
            _dir: dir,
        }
    }

    fn get(&self, path: &str) -> Reply {
        request(&self.addr, "GET", path, &self.addr)
    }

    /// Polls `path` until `ok` holds for the body, or panics after [`PATIENCE`].
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(&str) -> bool) -> (Reply, Duration) {
        let started = Instant::now();
        loop {
            let r = self.get(path);
            if ok(&r.body) {
                return (r, started.elapsed());
            }
            if started.elapsed() > PATIENCE {
                panic!(
                    "{path}: {what} did not happen within {PATIENCE:?}; stderr:\n{}",
                    self.stderr.lock().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.site.join(rel), text).expect("write site file");
    }
}

/// One HTTP response.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request (`Connection: close`) and reads the whole response.
fn request(addr: &str, method: &str, path: &str, host: &str) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

fn drain(mut r: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let buf = Arc::new(Mutex::new(String::new()));
    let b = buf.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = r.read(&mut chunk) {
            if n == 0 {
                break;
            }
            b.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
    });
    buf
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

#[test]
fn serves_pages_with_content_types_and_live_reload_script() {
    let s = Server::start();
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.body.contains("<title>Serve Fixture</title>"),
        "{}",
        home.body
    );
    assert!(
        home.body.contains("/__kurator/live.js"),
        "no live-reload script"
    );
    // base_url is the server's own address.
    assert!(
        home.body.contains(&format!("http://{}/", s.addr)),
        "base_url not overridden"
    );
    let article = s.get(ARTICLE_URL);
    assert_eq!(article.status, 200);
    assert!(article.body.contains("Hello Serve") && article.body.contains("The first version"));
    let css = s.get("/css/kurator.css");
    assert_eq!(
        (css.status, css.header("Content-Type")),
        (200, Some("text/css; charset=utf-8"))
    );
    assert!(
        !css.body.contains("live.js"),
        "non-HTML files must be served as built"
    );
    let opml = s.get("/feeds.opml");
    assert_eq!(
        opml.header("Content-Type"),
        Some("text/x-opml; charset=utf-8")
    );
    let script = s.get("/__kurator/live.js");
    assert!(script.body.contains("EventSource"));
    let folder = s.get("/2024/05/hello");
    assert_eq!(
        (folder.status, folder.header("Location")),
        (302, Some(ARTICLE_URL))
    );
    let head = request(&s.addr, "HEAD", "/", &s.addr);
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    // Share cards are routes like pages: serve renders them too.
    assert!(
        article.body.contains("/cards/2024-05-hello.png"),
        "no og:image card"
    );
    let card = s.get("/cards/2024-05-hello.png");
    assert_eq!(
        (card.status, card.header("Content-Type")),
        (200, Some("image/png"))
    );
    assert!(card.body.starts_with("\u{FFFD}PNG"), "not a PNG");
}

#[test]
fn missing_paths_get_the_404_page() {
    let s = Server::start();
    let r = s.get("/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Page not found"), "{}", r.body);
}

#[test]
fn only_get_and_head_are_allowed() {
    let s = Server::start();
    for method in ["POST", "PUT", "DELETE"] {
        let r = request(&s.addr, method, "/", &s.addr);
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"));
    }
}

#[test]
fn foreign_host_header_is_refused() {
    let s = Server::start();
    let port = s.addr.rsplit(':').next().unwrap();
    for host in [
        "evil.example".to_string(),
        format!("rebind.evil.example:{port}"),
        "10.1.2.3".into(),
    ] {
        assert_eq!(request(&s.addr, "GET", "/", &host).status, 403, "{host}");
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "[::1]".into(),
    ] {
        assert_eq!(request(&s.addr, "GET", "/", &host).status, 200, "{host}");
    }
}

#[test]
fn traversal_never_reaches_files_outside_the_output() {
    let s = Server::start();
    for path in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/site.yaml",
        "/..%2fsite.yaml",
        "/%2e%2e%2fsite.yaml",
        "/css/..%2f..%2fsite.yaml",
        "/css/..%5c..%5csite.yaml",
        "/2024/../../site.yaml",
        "//etc/passwd",
        "/site.yaml",
        "/articles/2024-05-01-hello.md",
        "/%00/site.yaml",
    ] {
        let r = s.get(path);
        assert!(matches!(r.status, 403 | 404), "{path}: status {}", r.status);
        assert!(!r.body.contains(SECRET), "{path} leaked site.yaml");
        assert!(
            !r.body.contains("authors: [ada]"),
            "{path} leaked a content file"
        );
    }
}

#[test]
fn port_in_use_is_a_clear_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve-fixture");
    let out = Command::new(env!("CARGO_BIN_EXE_kurator"))
        .args(["serve", "--port", &port])
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "port {port} is in use; try --port 0 for a free one"
        )),
        "{err}"
    );
}

/// Reads an event stream until `needle` shows up or [`PATIENCE`] passes.
fn read_events_until(stream: &mut TcpStream, seen: &mut String, needle: &str) -> bool {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    while !seen.contains(needle) && started.elapsed() < PATIENCE {
        match stream.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(_) => {}
        }
    }
    seen.contains(needle)
}

#[test]
fn edits_rebuild_errors_show_in_the_page_and_fixing_recovers() {
    let s = Server::start();
    // More event streams than HTTP workers: pages must still be served.
    let mut streams: Vec<TcpStream> = (0..6)
        .map(|i| {
            // The first says which page it belongs to (as browsers do), so
            // that page is rendered first; the others do not.
            let mut t = TcpStream::connect(&s.addr).unwrap();
            t.set_read_timeout(Some(Duration::from_millis(200)))
                .unwrap();
            let referer = match i {
                0 => format!("Referer: http://{}{ARTICLE_URL}\r\n", s.addr),
                _ => String::new(),
            };
            let host = &s.addr;
            write!(
                t,
                "GET /__kurator/events HTTP/1.1\r\nHost: {host}\r\n{referer}\r\n"
            )
            .unwrap();
            t
        })
        .collect();
    let mut seen = String::new();
    assert!(
        read_events_until(&mut streams[0], &mut seen, "event: hello"),
        "no hello: {seen}"
    );
    assert_eq!(s.get("/").status, 200);

    let original = std::fs::read_to_string(s.site.join(ARTICLE)).unwrap();
    s.write(
        ARTICLE,
        &original.replace("The first version", "The second version"),
    );
    let (_, took) = s.wait_for(ARTICLE_URL, "the edit", |b| {
        b.contains("The second version")
    });
    eprintln!("edit visible after {took:?}");
    assert!(
        read_events_until(&mut streams[0], &mut seen, "event: reload"),
        "no reload event: {seen}"
    );

    // Break the front matter: an unknown key on line 2 and no title.
    s.write(
        ARTICLE,
        &original.replace("title: Hello Serve", "titel: Hello Serve"),
    );
    let (page, _) = s.wait_for("/", "the error overlay", |b| b.contains("kurator-errors"));
    assert!(
        page.body.contains(&format!("{ARTICLE}:2:1")),
        "overlay lacks file:line:col: {}",
        page.body
    );
    assert!(page.body.contains("unknown key `titel`"));
    // The last good build is still served underneath.
    assert!(s.get(ARTICLE_URL).body.contains("The second version"));

    s.write(
        ARTICLE,
        &original.replace("The first version", "The third version"),
    );
    let (fixed, _) = s.wait_for(ARTICLE_URL, "recovery", |b| b.contains("The third version"));
    assert!(
        !fixed.body.contains("kurator-errors"),
        "overlay still shown after the fix"
    );
    assert!(!s.get("/").body.contains("kurator-errors"));
    let log = s.stderr.lock().unwrap().clone();
    assert!(
        log.contains("Rebuilt in ") && log.contains("changed)"),
        "{log}"
    );
    assert!(
        log.contains("unknown key `titel`"),
        "errors not printed to the terminal: {log}"
    );
}

#[test]
fn an_edited_body_is_searchable_through_the_served_index() {
    let s = Server::start();
    let m = s.get("/search/manifest.json");
    assert_eq!(m.status, 200);
    assert!(m.header("Content-Type").unwrap_or("").contains("json"));
    // The fixture is small: one term shard holds every term.
    assert!(m.body.contains(r#""termShards":1"#), "{}", m.body);
    assert!(!s
        .get("/search/terms/0.json")
        .body
        .contains("quastenflosser"));
    let original = std::fs::read_to_string(s.site.join(ARTICLE)).unwrap();
    s.write(ARTICLE, &format!("{original}\nEin Quastenflosser.\n"));
    s.wait_for("/search/terms/0.json", "the new word in the index", |b| {
        b.contains(r#"["quastenflosser","#)
    });
    // The word's document record came along with it.
    let shard = s.get("/search/terms/0.json").body;
    assert!(shard.contains("Hello Serve"), "{shard}");
}
