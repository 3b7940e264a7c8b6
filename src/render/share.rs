//! The share block of article and link pages (SPEC §12): plain links for
//! the networks that take a URL (or text) in a link, and what the small
//! same-origin script `js/share.js` needs for the rest (Mastodon's instance,
//! copying). Nothing here makes the page load anything from another host:
//! the links are only followed when the reader clicks them.

use super::Renderer;
use crate::config::Network;
use crate::site::share;
use serde::Serialize;

/// What `share` in `article.html` and `link.html` holds.
#[derive(Debug, Serialize)]
pub struct ShareView {
    /// The item's absolute URL.
    pub url: String,
    /// The suggested text (share text or title, signature, hashtags), without the URL.
    pub text: String,
    /// Whether the item suggests its own text (`share.text`), so the page shows it.
    pub suggested: bool,
    /// Text plus URL: what the networks that accept text are pre-filled with.
    pub post: String,
    /// One entry per configured network, in `share.networks` order.
    pub networks: Vec<ShareLink>,
}

/// One network of the share block.
#[derive(Debug, Serialize)]
pub struct ShareLink {
    /// `linkedin`, `xing`, `mastodon`, `bluesky`, `email` or `copy`.
    pub network: &'static str,
    /// Display name, e.g. `LinkedIn`.
    pub name: &'static str,
    /// A plain link (works without JavaScript); `None` for Mastodon and
    /// copy, which the script turns into buttons.
    pub href: Option<String>,
}

/// The share block of item `i`, or `None` when no network is configured.
pub fn view(r: &Renderer, i: usize) -> Option<ShareView> {
    let site = r.views.site;
    let networks = &site.config.share.networks;
    if networks.is_empty() {
        return None;
    }
    let url = share::item_url(site, i);
    let text = share::suggested(site, i);
    let post = share::post(site, i);
    let title = &site.items[i].title;
    let suggested =
        (site.items[i].share.as_ref()).is_some_and(|s| s.text.is_some() || !s.hashtags.is_empty());
    // A mail's subject is the title already: its body repeats only a suggestion.
    let mail = if suggested { post.clone() } else { url.clone() };
    let links = networks
        .iter()
        .map(|&n| ShareLink {
            network: n.key(),
            name: name(n),
            href: href(
                n,
                &url,
                if n == Network::Email { &mail } else { &post },
                title,
            ),
        })
        .collect();
    Some(ShareView {
        suggested,
        url,
        text,
        post,
        networks: links,
    })
}

fn name(n: Network) -> &'static str {
    match n {
        Network::Linkedin => "LinkedIn",
        Network::Xing => "XING",
        Network::Mastodon => "Mastodon",
        Network::Bluesky => "Bluesky",
        Network::Email => "E-Mail",
        Network::Copy => "Link",
    }
}

/// The share link of a network that takes everything in its URL. LinkedIn
/// and XING take only the URL (they read title and card from the page);
/// Bluesky and email are pre-filled with the whole post.
fn href(n: Network, url: &str, post: &str, title: &str) -> Option<String> {
    let u = encode(url);
    match n {
        Network::Linkedin => Some(format!(
            "https://www.linkedin.com/sharing/share-offsite/?url={u}"
        )),
        Network::Xing => Some(format!("https://www.xing.com/spi/shares/new?url={u}")),
        Network::Bluesky => Some(format!(
            "https://bsky.app/intent/compose?text={}",
            encode(post)
        )),
        Network::Email => Some(format!(
            "mailto:?subject={}&body={}",
            encode(title),
            encode(post)
        )),
        Network::Mastodon | Network::Copy => None,
    }
}

/// Percent-encodes a query value: everything but RFC 3986's unreserved
/// characters and the `/`, `:` and `@` a query may hold as they are (which
/// keeps shared URLs readable), so a text with `&`, `#`, `+`, `=` or line
/// breaks arrives intact.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_encoded_for_query_strings() {
        assert_eq!(encode("a b&c#d\nü+=?"), "a%20b%26c%23d%0A%C3%BC%2B%3D%3F");
        assert_eq!(encode("https://x.example/a/"), "https://x.example/a/");
        let h = href(Network::Email, "https://x/", "Hi & bye", "T?").unwrap();
        assert_eq!(h, "mailto:?subject=T%3F&body=Hi%20%26%20bye");
    }
}
