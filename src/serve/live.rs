//! Live reload: the script added to served pages, the error overlay, and the
//! hub that pushes Server-Sent Events to open tabs.
//!
//! Each event-stream client gets its own small thread that waits on a
//! channel, so long-lived connections never occupy the HTTP workers; the
//! number of such clients is capped at [`MAX_CLIENTS`].

use crate::diagnostics::{Diagnostic, Severity};
use rustc_hash::FxHashSet;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where the event stream is served.
pub const EVENTS_PATH: &str = "/__kurator/events";
/// Where the live-reload script is served.
pub const SCRIPT_PATH: &str = "/__kurator/live.js";
/// Open event streams beyond this get `503`.
pub const MAX_CLIENTS: usize = 64;
/// A comment line this often finds clients that went away.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// The live-reload script. It compares the build generation the page was
/// served from with the server's on every (re)connect, so a rebuild that
/// happened between page load and connect, or a server restart, still
/// reloads the page. `css` events swap stylesheets without a reload.
pub const SCRIPT: &str = r#"(function () {
  "use strict";
  if (!window.EventSource) return;
  var me = document.currentScript;
  var served = me ? me.getAttribute("data-generation") : null;
  var es = new EventSource("/__kurator/events");
  es.addEventListener("hello", function (e) {
    if (served !== null && e.data !== served) location.reload();
  });
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("css", function (e) {
    served = e.data;
    document.querySelectorAll('link[rel~="stylesheet"]').forEach(function (l) {
      var u = new URL(l.href, location.href);
      u.searchParams.set("kurator", e.data);
      l.href = u.href;
    });
  });
})();
"#;

/// Adds the overlay (if any) and the live-reload script before the last
/// `</body>` of an HTML page, or at the end when there is none.
pub fn inject(html: &[u8], overlay: Option<&str>, generation: u64) -> Vec<u8> {
    let snippet = format!(
        "{}<script src=\"{SCRIPT_PATH}\" data-generation=\"{generation}\"></script>",
        overlay.unwrap_or("")
    );
    let at = rfind_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The overlay listing a failed build's errors (warnings are left to the
/// terminal). Every piece of text is HTML-escaped: messages quote content.
pub fn overlay(diags: &[Diagnostic]) -> String {
    let esc = crate::html::escape_attr;
    let mut items = String::new();
    for d in diags.iter().filter(|d| d.severity == Severity::Error) {
        let mut pos = d.file.clone();
        if let Some(l) = d.line {
            pos.push_str(&format!(":{l}"));
            if let Some(c) = d.column {
                pos.push_str(&format!(":{c}"));
            }
        }
        items.push_str(&format!(
            "<li><code>{}</code> <b>{}</b>: {}",
            esc(&pos),
            esc(&d.code),
            esc(&d.message)
        ));
        if let Some(h) = &d.hint {
            items.push_str(&format!("<br><small>help: {}</small>", esc(h)));
        }
        items.push_str("</li>");
    }
    format!(
        "<div id=\"kurator-errors\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;\
         margin:0;padding:1rem 1.5rem;background:#2b0b0b;color:#ffe9e9;font:14px/1.5 ui-monospace,monospace;border-top:4px solid #e5484d\">\
         <p style=\"margin:0 0 .5rem;font-weight:bold\">kurator: the site has errors — showing the last good build</p>\
         <ul style=\"margin:0;padding-left:1.2rem\">{items}</ul></div>"
    )
}

/// A minimal page for when no build has succeeded yet.
pub fn empty_page() -> &'static [u8] {
    b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>kurator</title></head><body></body></html>"
}

/// One open event stream: where to send events, and the page (output
/// path) that opened it, from its `Referer`, when known.
struct Client {
    tx: Sender<Arc<str>>,
    page: Option<String>,
}

/// The open event streams.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Client>>,
    live: Arc<AtomicUsize>,
}

impl Hub {
    /// Sends one event to every open stream.
    pub fn broadcast(&self, event: &str, data: &str) {
        let msg: Arc<str> = format!("event: {event}\ndata: {data}\n\n").into();
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|c| c.tx.send(msg.clone()).is_ok());
    }

    /// The output paths of the pages open in a browser, and whether some
    /// open page is unknown (its browser sent no `Referer`).
    pub fn open_pages(&self) -> (FxHashSet<String>, bool) {
        let clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let pages = clients.iter().filter_map(|c| c.page.clone()).collect();
        (pages, clients.iter().any(|c| c.page.is_none()))
    }

    /// Takes over a request for [`EVENTS_PATH`] sent by the page at output
    /// path `page`: answers with an event stream on its own thread, or `503`
    /// when too many are open. `generation` is asked only after the stream
    /// is registered, so a rebuild is either seen in the `hello` event or
    /// sent as an event, never lost in between.
    pub fn attach(
        &self,
        request: tiny_http::Request,
        page: Option<String>,
        generation: impl FnOnce() -> u64,
    ) {
        if self.live.fetch_add(1, Ordering::SeqCst) >= MAX_CLIENTS {
            self.live.fetch_sub(1, Ordering::SeqCst);
            let resp = tiny_http::Response::from_string("too many live-reload connections")
                .with_status_code(503);
            let _ = request.respond(resp);
            return;
        }
        let (tx, rx) = mpsc::channel::<Arc<str>>();
        self.clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Client { tx, page });
        let generation = generation();
        let live = self.live.clone();
        let spawned = std::thread::Builder::new()
            .name("kurator-sse".into())
            .spawn(move || {
                stream(request, &rx, generation);
                live.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            self.live.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Writes the event stream until the client goes away (a write fails; the
/// heartbeat makes sure one is tried now and then) or the hub drops it.
fn stream(request: tiny_http::Request, rx: &Receiver<Arc<str>>, generation: u64) {
    let mut w = request.into_writer();
    // The body runs until the connection closes, so no length.
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n\
         retry: 500\nevent: hello\ndata: {generation}\n\n"
    );
    let mut ok = w.write_all(head.as_bytes()).and_then(|_| w.flush()).is_ok();
    while ok {
        let chunk = match rx.recv_timeout(HEARTBEAT) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".into(),
            Err(RecvTimeoutError::Disconnected) => break,
        };
        ok = w
            .write_all(chunk.as_bytes())
            .and_then(|_| w.flush())
            .is_ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Location, Problem};

    #[test]
    fn script_goes_before_the_last_body_end_tag() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", None, 7);
        let s = String::from_utf8(out).unwrap();
        assert!(
            s.ends_with("data-generation=\"7\"></script></BODY></html>"),
            "{s}"
        );
        let bare = String::from_utf8(inject(b"<p>x</p>", Some("<div>o</div>"), 1)).unwrap();
        assert!(bare.starts_with("<p>x</p><div>o</div><script"), "{bare}");
    }

    #[test]
    fn overlay_escapes_messages_and_names_the_position() {
        let d = Diagnostic::new(
            Location::at("articles/<a>.md", 3, 5),
            Problem::Yaml {
                message: "<script>alert(1)</script>".into(),
            },
        );
        let html = overlay(&[d]);
        assert!(html.contains("articles/&lt;a&gt;.md:3:5"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }
}
