//! The one HTTP client of kurator: blocking requests over ureq with rustls
//! (no OpenSSL), bounded in time and size, with a `kurator/<version>` user
//! agent and no cookies. Redirects are followed here, hop by hop, so callers
//! see whether a move was permanent (301/308) or temporary (302/303/307).
//!
//! Network code is never part of `build` or plain `check`; only commands that
//! say they go online (`check --external`, `new link --fetch`) create a
//! [`Client`]. Tests point it at servers on loopback.

use std::io::Read;
use std::time::Duration;

/// The user agent every request carries.
pub const USER_AGENT: &str = concat!("kurator/", env!("CARGO_PKG_VERSION"));

/// Environment variable that overrides the request timeout, in milliseconds
/// (tests use it to keep "slow server" cases fast; see docs/check.md).
pub const TIMEOUT_ENV: &str = "KURATOR_HTTP_TIMEOUT_MS";

/// Limits of a [`Client`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Time to resolve and connect.
    pub connect_timeout: Duration,
    /// Time for one whole exchange (headers and body) of one hop.
    pub timeout: Duration,
    /// Bodies longer than this are refused with [`Error::TooLarge`].
    pub max_body: u64,
    /// Hops followed before [`Error::TooManyRedirects`].
    pub max_redirects: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(20),
            max_body: 2 * 1024 * 1024,
            max_redirects: 10,
        }
    }
}

impl Options {
    /// The defaults, with both timeouts replaced by [`TIMEOUT_ENV`] when set.
    pub fn from_env() -> Self {
        let mut o = Options::default();
        if let Some(ms) = std::env::var(TIMEOUT_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            o.timeout = Duration::from_millis(ms.max(1));
            o.connect_timeout = o.timeout;
        }
        o
    }
}

/// One redirect that was followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The redirect's status (301, 302, 303, 307 or 308).
    pub status: u16,
    /// The URL that answered with the redirect.
    pub from: String,
    /// Where it pointed, resolved against `from`.
    pub to: String,
}

impl Hop {
    /// Whether the move is permanent (301, 308): links should be updated.
    pub fn is_permanent(&self) -> bool {
        matches!(self.status, 301 | 308)
    }
}

/// A final (non-redirect) answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status of the last hop; any status, 4xx and 5xx included.
    pub status: u16,
    /// The URL that gave this answer, after redirects.
    pub url: String,
    /// The redirects followed to get here, in order.
    pub hops: Vec<Hop>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body (empty unless requested with [`Client::get`]).
    pub body: Vec<u8>,
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The URL is not an absolute http(s) URL.
    BadUrl(String),
    /// The host name does not resolve.
    Dns(String),
    /// Connection refused, reset or broken.
    Connection(String),
    /// No answer within the time limit.
    Timeout,
    /// The body is larger than the limit (in bytes).
    TooLarge(u64),
    /// More redirects than allowed, or a redirect without a usable target.
    TooManyRedirects,
    /// A TLS or protocol failure.
    Protocol(String),
}

impl Error {
    /// Whether trying again later may help (timeouts, dropped connections).
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Timeout | Error::Connection(_))
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::BadUrl(u) => write!(f, "`{u}` is not an absolute http(s) URL"),
            Error::Dns(h) => write!(f, "the host name {h} does not resolve"),
            Error::Connection(m) => write!(f, "the connection failed ({m})"),
            Error::Timeout => f.write_str("no answer within the time limit"),
            Error::TooLarge(n) => write!(f, "the answer is larger than {n} bytes"),
            Error::TooManyRedirects => f.write_str("too many redirects"),
            Error::Protocol(m) => write!(f, "{m}"),
        }
    }
}

/// A blocking HTTP client; cheap to share between threads (`&Client`).
pub struct Client {
    agent: ureq::Agent,
    opts: Options,
}

impl Client {
    /// A client with these limits. Proxies come from the usual environment
    /// variables (`HTTPS_PROXY`, `NO_PROXY`, …); no cookies are kept.
    pub fn new(opts: Options) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(opts.connect_timeout))
            .timeout_per_call(Some(opts.timeout))
            // Redirects are followed in `request`, one hop at a time.
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(USER_AGENT)
            .build()
            .into();
        Client { agent, opts }
    }

    /// The limits this client was made with.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// GETs `url`, follows redirects and reads the body (up to the size cap).
    pub fn get(&self, url: &str) -> Result<Response, Error> {
        self.request(url, true, &[])
    }

    /// [`Client::get`] with extra request headers (an API's `Accept`, say);
    /// they replace the default `Accept`.
    pub fn get_with(&self, url: &str, headers: &[(&str, &str)]) -> Result<Response, Error> {
        self.request(url, true, headers)
    }

    /// GETs `url` and follows redirects, but does not read the body: enough
    /// to learn whether a page is there. GET, not HEAD, because many servers
    /// answer HEAD wrongly (405, 404) while the page is fine.
    pub fn probe(&self, url: &str) -> Result<Response, Error> {
        self.request(url, false, &[])
    }

    fn request(
        &self,
        url: &str,
        read_body: bool,
        headers: &[(&str, &str)],
    ) -> Result<Response, Error> {
        if !is_http_url(url) {
            return Err(Error::BadUrl(url.to_string()));
        }
        let mut current = url.to_string();
        let mut hops = Vec::new();
        loop {
            let mut req = self.agent.get(&current);
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("accept"))
            {
                req = req.header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
            }
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            let resp = req.call().map_err(|e| map_error(e, &current))?;
            let status = resp.status().as_u16();
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            if matches!(status, 301 | 302 | 303 | 307 | 308) {
                let to = header("location")
                    .and_then(|l| resolve(&current, l.trim()))
                    .ok_or(Error::TooManyRedirects)?;
                if hops.len() >= self.opts.max_redirects {
                    return Err(Error::TooManyRedirects);
                }
                hops.push(Hop {
                    status,
                    from: std::mem::replace(&mut current, to.clone()),
                    to,
                });
                continue;
            }
            let content_type = header("content-type");
            let body = if read_body {
                read_limited(resp.into_body().into_reader(), self.opts.max_body, &current)?
            } else {
                Vec::new()
            };
            return Ok(Response {
                status,
                url: current,
                hops,
                content_type,
                body,
            });
        }
    }
}

/// Reads at most `limit` bytes; one byte more means the body is too large.
fn read_limited(r: impl Read, limit: u64, url: &str) -> Result<Vec<u8>, Error> {
    let mut body = Vec::new();
    r.take(limit + 1)
        .read_to_end(&mut body)
        .map_err(|e| map_io(&e, url))?;
    if body.len() as u64 > limit {
        return Err(Error::TooLarge(limit));
    }
    Ok(body)
}

fn map_error(e: ureq::Error, url: &str) -> Error {
    match e {
        ureq::Error::HostNotFound => Error::Dns(host_of(url).unwrap_or(url).to_string()),
        ureq::Error::Timeout(_) => Error::Timeout,
        ureq::Error::ConnectionFailed => Error::Connection("connection failed".into()),
        ureq::Error::Io(io) => map_io(&io, url),
        ureq::Error::BodyExceedsLimit(n) => Error::TooLarge(n),
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => Error::TooManyRedirects,
        ureq::Error::BadUri(u) => Error::BadUrl(u),
        other => Error::Protocol(other.to_string()),
    }
}

fn map_io(e: &std::io::Error, url: &str) -> Error {
    use std::io::ErrorKind::*;
    match e.kind() {
        TimedOut | WouldBlock => Error::Timeout,
        NotFound => Error::Dns(host_of(url).unwrap_or(url).to_string()),
        _ if e.to_string().contains("timed out") || e.to_string().contains("Timeout") => {
            Error::Timeout
        }
        _ => Error::Connection(e.to_string()),
    }
}

/// Whether `url` is an absolute http(s) URL with a host.
pub fn is_http_url(url: &str) -> bool {
    host_of(url).is_some_and(|h| !h.is_empty()) && !url.contains(char::is_whitespace)
}

/// The host (with port) of an absolute http(s) URL, lowercased by the caller
/// if needed: `https://Example.com:8080/x` → `Example.com:8080`.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // Drop `user:pass@` so it never ends up in a message or a cache key.
    Some(authority.rsplit('@').next().unwrap_or(authority))
}

/// Resolves a `Location` header against the URL that sent it.
fn resolve(base: &str, location: &str) -> Option<String> {
    if is_http_url(location) {
        return Some(location.to_string());
    }
    let scheme_end = base.find("://")? + 3;
    let scheme = &base[..scheme_end - 3];
    if let Some(rest) = location.strip_prefix("//") {
        return Some(format!("{scheme}://{rest}"));
    }
    let host_end = base[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(base.len(), |i| scheme_end + i);
    let origin = &base[..host_end];
    if location.starts_with('/') {
        return Some(format!("{origin}{location}"));
    }
    if location.is_empty() {
        return None;
    }
    let path = &base[host_end..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    Some(format!("{origin}{dir}{location}"))
}

/// Percent-encodes `s` for use as one query-string value.
pub fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_headers_resolve_like_a_browser() {
        let b = "https://a.example/x/y?q=1";
        assert_eq!(
            resolve(b, "https://b.example/").unwrap(),
            "https://b.example/"
        );
        assert_eq!(resolve(b, "//c.example/z").unwrap(), "https://c.example/z");
        assert_eq!(resolve(b, "/new").unwrap(), "https://a.example/new");
        assert_eq!(resolve(b, "z").unwrap(), "https://a.example/x/z");
        assert_eq!(resolve("http://h:1", "z").unwrap(), "http://h:1/z");
    }

    #[test]
    fn host_leaves_out_credentials() {
        assert_eq!(host_of("https://u:p@h.example:8/x"), Some("h.example:8"));
        assert_eq!(host_of("ftp://h"), None);
        assert!(!is_http_url("https://"));
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode_query_value("https://a/b?c=d"),
            "https%3A%2F%2Fa%2Fb%3Fc%3Dd"
        );
    }
}
