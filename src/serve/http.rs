//! Answering requests from the in-memory site. Nothing here reads the disk:
//! see [`super::path`] for why that makes traversal impossible.

use super::live::{self, Hub};
use super::path::{self, Target};
use super::rebuild::Snapshot;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// What is being served right now.
pub struct Current {
    /// The last good build (empty until one succeeded).
    pub snapshot: Arc<Snapshot>,
    /// The error overlay of the last failed build, if it failed.
    pub overlay: Option<Arc<str>>,
    /// Counts every change of what pages show.
    pub generation: u64,
}

/// State shared by the HTTP workers and the rebuild loop.
pub struct Shared {
    pub current: RwLock<Arc<Current>>,
    pub hub: Hub,
    pub bind: IpAddr,
}

impl Shared {
    /// What is served now; cheap (one `Arc` clone).
    pub fn current(&self) -> Arc<Current> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces what is served.
    pub fn set(&self, next: Current) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
    }
}

/// Starts `n` threads that answer requests until the server is dropped.
pub fn spawn_workers(
    server: Arc<tiny_http::Server>,
    shared: Arc<Shared>,
    n: usize,
) -> std::io::Result<()> {
    for i in 0..n {
        let (server, shared) = (server.clone(), shared.clone());
        std::thread::Builder::new()
            .name(format!("kurator-http-{i}"))
            .spawn(move || {
                for request in server.incoming_requests() {
                    handle(request, &shared);
                }
            })?;
    }
    Ok(())
}

/// How often [`spawn_nudger`] opens a connection. Each nudge releases at
/// most one queued connection, so a burst of new keep-alive connections
/// (a browser opening six, a load test fifty) waits up to N × this.
/// 20 ms keeps a burst of 50 under a second at about 50 loopback connects a
/// second, which costs nothing measurable.
const NUDGE: Duration = Duration::from_millis(20);

/// Works around a lost wake-up in tiny_http 0.12's connection thread pool:
/// `TaskPool::spawn` queues a new connection when it sees an idle thread,
/// but that thread may already have been woken for another connection. The
/// queued one then waits until some pool thread *finishes* a connection —
/// and event streams and browsers' keep-alive connections stay open for
/// minutes, so a page load could hang. A connection that opens and closes
/// at once finishes immediately, and the thread that ran it takes the
/// queued one; doing that every [`NUDGE`] bounds such a wait.
/// (Reproduced: 6 event streams then one GET hung in 2 of 30 runs; with a
/// 100 ms nudge, `wrk -c50` on a fresh server timed out in 2 of 3 runs.)
pub fn spawn_nudger(addr: SocketAddr) -> std::io::Result<()> {
    let target = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::from(([127, 0, 0, 1], addr.port())),
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    };
    std::thread::Builder::new()
        .name("kurator-nudge".into())
        .spawn(move || loop {
            std::thread::sleep(NUDGE);
            let _ = std::net::TcpStream::connect_timeout(&target, Duration::from_secs(1));
        })?;
    Ok(())
}

/// Answers one request.
fn handle(request: Request, shared: &Shared) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    if !host.is_some_and(|h| host_allowed(&h, shared.bind)) {
        // DNS rebinding: a page on another site must not read this one
        // through a name that resolves to 127.0.0.1.
        return respond(request, text(403, "403 forbidden: unexpected Host header"));
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let resp = text(405, "405 method not allowed").with_header(header("Allow", "GET, HEAD"));
        return respond(request, resp);
    }
    let url = request.url().to_string();
    let route = url.split(['?', '#']).next().unwrap_or("");
    if route == live::EVENTS_PATH {
        let referer = request.headers().iter().find(|h| h.field.equiv("Referer"));
        let page = referer.and_then(|h| page_of(h.value.as_str(), &shared.current()));
        return shared
            .hub
            .attach(request, page, || shared.current().generation);
    }
    if route == live::SCRIPT_PATH {
        return respond(
            request,
            ok(
                live::SCRIPT.as_bytes().to_vec(),
                "text/javascript; charset=utf-8",
            ),
        );
    }
    let current = shared.current();
    let resp = match path::resolve(&url) {
        Ok(Target::File(key)) => serve_key(&current, &key),
        Ok(Target::FileOrFolder { file, folder_index }) => {
            match current.snapshot.files.get(&file) {
                Some(_) => serve_key(&current, &file),
                None if current.snapshot.files.contains_key(&folder_index) => redirect(&url),
                None => not_found(&current),
            }
        }
        Err(path::Refused) => not_found(&current),
    };
    respond(request, resp)
}

/// The output path of the page a `Referer` URL names (its path part; the
/// host was checked with the request).
fn page_of(referer: &str, current: &Current) -> Option<String> {
    let after_scheme = referer.split_once("://").map_or(referer, |(_, rest)| rest);
    let path = &after_scheme[after_scheme.find('/')?..];
    match path::resolve(path).ok()? {
        Target::File(key) => Some(key),
        Target::FileOrFolder { file, folder_index } => {
            Some(if current.snapshot.files.contains_key(&file) {
                file
            } else {
                folder_index
            })
        }
    }
}

fn respond(request: Request, resp: Response<std::io::Cursor<Vec<u8>>>) {
    // A client that went away is not an error worth reporting.
    let _ = request.respond(resp);
}

/// The file at `key`, or the 404 page.
fn serve_key(current: &Current, key: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    match current.snapshot.files.get(key).and_then(|f| f.bytes()) {
        Some(bytes) => ok(page_bytes(current, key, &bytes), path::content_type(key)),
        None => not_found(current),
    }
}

/// HTML pages get the live-reload script (and the error overlay); every
/// other file is served exactly as built.
fn page_bytes(current: &Current, key: &str, bytes: &[u8]) -> Vec<u8> {
    if key.ends_with(".html") {
        live::inject(bytes, current.overlay.as_deref(), current.generation)
    } else {
        bytes.to_vec()
    }
}

/// The site's `404.html` with status 404 (a bare page when it has none).
fn not_found(current: &Current) -> Response<std::io::Cursor<Vec<u8>>> {
    let page = current
        .snapshot
        .files
        .get("404.html")
        .and_then(|f| f.bytes());
    ok(
        page_bytes(
            current,
            "404.html",
            page.as_deref().unwrap_or(live::empty_page()),
        ),
        "text/html; charset=utf-8",
    )
    .with_status_code(404)
}

/// `/x` → `/x/` when `/x/index.html` exists. The path was validated by
/// [`path::resolve`] (it starts with a single `/`), so this never points to
/// another host. Temporary: a later build may make `/x` a file.
fn redirect(url: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let (path, query) = url
        .split_once('?')
        .map(|(p, q)| (p, format!("?{q}")))
        .unwrap_or((url, String::new()));
    let location = format!("{path}/{query}");
    text(302, "302 found").with_header(header("Location", &location))
}

fn ok(body: Vec<u8>, content_type: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    ok(body.as_bytes().to_vec(), "text/plain; charset=utf-8").with_status_code(StatusCode(status))
}

fn header(name: &str, value: &str) -> Header {
    // Names and values here are ASCII built by this module; a value that is
    // not (a non-ASCII Location) falls back to an inert header.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        Header::from_bytes(&b"X-Kurator"[..], &b"invalid-header"[..])
            .expect("static header is valid")
    })
}

/// Whether a `Host` header names this server: a loopback name or address,
/// or the address it is bound to. When bound to all interfaces (0.0.0.0 or
/// ::), any IP literal is accepted too — DNS rebinding needs a host *name*.
pub fn host_allowed(host: &str, bind: IpAddr) -> bool {
    let name = strip_port(host.trim()).trim_end_matches('.');
    if name.eq_ignore_ascii_case("localhost") || name.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == bind || bind.is_unspecified(),
        Err(_) => false,
    }
}

/// `host:port` → `host`; `[::1]:port` → `::1`.
fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !h.contains(':') => h,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referer_names_the_open_page() {
        let current = Current {
            snapshot: Arc::new(Snapshot::default()),
            overlay: None,
            generation: 0,
        };
        let page = |r: &str| page_of(r, &current);
        assert_eq!(
            page("http://127.0.0.1:1111/2024/05/hello/?x=1").as_deref(),
            Some("2024/05/hello/index.html")
        );
        assert_eq!(
            page("http://localhost:1111/").as_deref(),
            Some("index.html")
        );
        assert_eq!(
            page("http://localhost:1111/about").as_deref(),
            Some("about/index.html")
        );
        assert_eq!(page("http://localhost:1111"), None);
        assert_eq!(page("http://localhost:1111/../x"), None);
    }

    #[test]
    fn loopback_hosts_are_allowed_others_refused() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        for h in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:8080",
            "[::1]:1111",
            "127.0.0.2",
            "app.localhost",
            "LOCALHOST.",
        ] {
            assert!(host_allowed(h, lo), "{h}");
        }
        for h in [
            "evil.example",
            "evil.example:1111",
            "192.168.1.5",
            "localhost.evil.example",
            "",
        ] {
            assert!(!host_allowed(h, lo), "{h}");
        }
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        assert!(host_allowed("192.168.1.5:1111", lan));
        let any: IpAddr = "0.0.0.0".parse().unwrap();
        assert!(host_allowed("10.0.0.7:1111", any));
        assert!(!host_allowed("rebind.example:1111", any));
    }
}
