//! Suggested share texts (SPEC §12): how an item's `share:` block, its
//! title and the site's `share.signature` become the post an employee
//! shares, and how long each network counts that post. One definition, read
//! by the page (what is pre-filled and copied) and by `check` (the limits).

use super::Site;
use crate::config::Network;
use crate::site::routes::absolute_url;

/// What Mastodon counts for any URL, however long (its documented rule).
pub const MASTODON_URL_CHARS: usize = 23;

/// The suggested text of item `i` without its URL: the item's `share.text`
/// (else its title), the signature, then the hashtags.
pub fn suggested(site: &Site, i: usize) -> String {
    let it = &site.items[i];
    let share = it.share.as_ref();
    let mut text = share
        .and_then(|s| s.text.clone())
        .unwrap_or_else(|| it.title.clone());
    let signature = site.config.share.signature.trim();
    if !signature.is_empty() {
        text.push(' ');
        text.push_str(signature);
    }
    let tags: Vec<String> = share
        .map(|s| s.hashtags.iter().map(|h| format!("#{h}")).collect())
        .unwrap_or_default();
    if !tags.is_empty() {
        text.push_str("\n\n");
        text.push_str(&tags.join(" "));
    }
    text
}

/// The whole post: the suggested text, a blank line, the item's absolute URL.
pub fn post(site: &Site, i: usize) -> String {
    format!("{}\n\n{}", suggested(site, i), item_url(site, i))
}

/// The item's absolute URL, as shared.
pub fn item_url(site: &Site, i: usize) -> String {
    absolute_url(&site.config.base_url, &site.links[i].url)
}

/// How many characters `network` counts for `post`, which ends with `url`;
/// `None` for networks without a limit. Characters are Unicode scalar
/// values: never fewer than the graphemes Bluesky counts, so a text that
/// passes here fits there.
pub fn counted(network: Network, suggested: &str, url: &str) -> Option<usize> {
    let text = suggested.chars().count() + 2;
    match network {
        Network::Bluesky => Some(text + url.chars().count()),
        Network::Mastodon => Some(text + MASTODON_URL_CHARS),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_count_the_url_their_own_way() {
        let url = "https://hub.example.com/2025/06/anerkennung-fuer-markenbotschafter/";
        assert_eq!(
            counted(Network::Bluesky, "äöü", url),
            Some(3 + 2 + url.len())
        );
        assert_eq!(counted(Network::Mastodon, "äöü", url), Some(3 + 2 + 23));
        assert_eq!(counted(Network::Linkedin, "x", url), None);
    }
}
