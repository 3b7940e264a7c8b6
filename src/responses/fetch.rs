//! The requests of `kurator responses pull` (never `build` or `check`),
//! made with the project's one client ([`crate::net::http`]): JSON APIs and
//! avatars, with secrets kept out of every message.

use crate::net::http;
use std::fmt;

/// Bodies larger than this are refused (JSON threads and avatars are small).
pub const MAX_BODY_BYTES: u64 = 5 * 1024 * 1024;
/// Why a request gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    /// The URL, with secrets (`token=`) redacted.
    pub url: String,
    pub reason: String,
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.url, self.reason)
    }
}

impl std::error::Error for FetchError {}

/// GETs `url` and parses the body as JSON.
pub fn get_json(url: &str, headers: &[(&str, &str)]) -> Result<serde_json::Value, FetchError> {
    let mut h = vec![("Accept", "application/json")];
    h.extend_from_slice(headers);
    let (bytes, _) = get_bytes(url, &h)?;
    serde_json::from_slice(&bytes).map_err(|e| FetchError {
        url: redact(url),
        reason: format!("answer is not valid JSON: {e}"),
    })
}

/// GETs `url`; returns the body and its `Content-Type` (if any).
pub fn get_bytes(
    url: &str,
    headers: &[(&str, &str)],
) -> Result<(Vec<u8>, Option<String>), FetchError> {
    let err = |reason: String| FetchError {
        url: redact(url),
        reason,
    };
    let client = http::Client::new(http::Options {
        max_body: MAX_BODY_BYTES,
        max_redirects: 5,
        ..http::Options::from_env()
    });
    let resp = client
        .get_with(url, headers)
        .map_err(|e| err(scrub(&e.to_string())))?;
    if !(200..300).contains(&resp.status) {
        return Err(err(format!("HTTP status {}", resp.status)));
    }
    Ok((resp.body, resp.content_type))
}

/// `url` with the value of any `token=` query parameter replaced, for
/// messages that end up in CI logs.
pub fn redact(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("token") => format!("{k}=…"),
            _ => p.to_string(),
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}

/// Error texts of the HTTP stack may quote the URL; drop secrets there too.
fn scrub(msg: &str) -> String {
    match msg.find("token=") {
        Some(i) => {
            let end = msg[i..]
                .find(|c: char| c == '&' || c.is_whitespace())
                .map_or(msg.len(), |e| i + e);
            format!("{}token=…{}", &msg[..i], &msg[end..])
        }
        None => msg.to_string(),
    }
}

/// Percent-encodes a query-parameter value (RFC 3986 unreserved kept).
pub use crate::net::http::encode_query_value as encode_param;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_reach_messages() {
        assert_eq!(
            redact("https://webmention.io/api/mentions.jf2?domain=a&token=s3cret"),
            "https://webmention.io/api/mentions.jf2?domain=a&token=…"
        );
        assert!(!scrub("failed http://x/?token=s3cret&a=1").contains("s3cret"));
    }

    #[test]
    fn params_are_encoded() {
        assert_eq!(
            encode_param("at://did:plc:x/app.bsky.feed.post/1"),
            "at%3A%2F%2Fdid%3Aplc%3Ax%2Fapp.bsky.feed.post%2F1"
        );
    }

    #[test]
    fn non_http_urls_are_refused() {
        assert!(get_bytes("file:///etc/passwd", &[]).is_err());
    }
}
