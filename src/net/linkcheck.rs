//! `kurator check --external`: is every outbound URL of the site still there?
//!
//! Every URL is checked once however often it appears, by a few plain
//! threads with a limit per host (polite to one site, fast over many) and
//! overall. A URL gets one retry when the first answer may be passing
//! (timeout, dropped connection, 429, 5xx). Answers are cached in
//! `.kurator/links/`, so the next run asks only about new or stale URLs.
//!
//! A link that cannot be judged (blocked, rate-limited, timing out) is a
//! warning, never an error: CI must not fail because a site dislikes robots.

use super::http::{self, Client, Error};
use crate::cache::Cache;
use crate::content::Origin;
use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::site::Site;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// The Wayback Machine availability API (`links.archive_api` overrides it).
pub use crate::config::DEFAULT_ARCHIVE_API;

/// How the external check runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Cached answers younger than this are trusted.
    pub max_age: Duration,
    /// Ask the archive API for a copy of every dead link.
    pub suggest_archive: bool,
    /// Base URL of the availability API.
    pub archive_api: String,
    /// Requests in flight at once, over all hosts.
    pub workers: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_age: Duration::from_secs(7 * 86_400),
            suggest_archive: false,
            archive_api: DEFAULT_ARCHIVE_API.into(),
            workers: 8,
            per_host: 2,
        }
    }
}

/// One outbound URL and every place that links to it.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    pub places: Vec<Location>,
}

/// What a check found out about one URL (this is what the cache stores).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    Alive,
    Dead {
        reason: String,
    },
    Moved {
        status: u16,
        to: String,
    },
    Unknown {
        reason: String,
        /// No HTTP answer at all (timeout, refused, TLS), rather than a refusal.
        #[serde(default)]
        network: bool,
    },
}

/// The findings of a run and what it cost.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Distinct URLs looked at.
    pub urls: usize,
    /// Of those, answered from the cache.
    pub cached: usize,
}

/// Every outbound http(s) URL of the site with its positions: curated `url`,
/// `via` and `archive`, `discuss.*`, author profile links, and links and
/// images in every body.
pub fn collect(site: &Site) -> Vec<Target> {
    let mut by_url: BTreeMap<String, Vec<Location>> = BTreeMap::new();
    let mut add = |url: &str, loc: Location| {
        if http::is_http_url(url) {
            by_url.entry(url.to_string()).or_default().push(loc);
        }
    };
    for it in &site.items {
        let o = &it.origin;
        if let Some(l) = &it.link {
            add(&l.url, o.at_url("url", None));
            if let Some(v) = &l.via {
                add(v, o.at_url("via", None));
            }
            if let Some(a) = &l.archive {
                add(a, o.at_url("archive", None));
            }
        }
        for (k, u) in &it.discuss {
            add(u, o.at_url("discuss", Some(k)));
        }
        body_urls(o, &it.body.refs, &mut add);
    }
    for a in &site.authors {
        for (k, u) in &a.links {
            add(u, a.origin.at_url("links", Some(k)));
        }
        body_urls(&a.origin, &a.bio.refs, &mut add);
    }
    for c in &site.channels {
        body_urls(&c.origin, &c.intro.refs, &mut add);
    }
    for p in &site.pages {
        body_urls(&p.origin, &p.body.refs, &mut add);
    }
    by_url
        .into_iter()
        .map(|(url, places)| Target { url, places })
        .collect()
}

fn body_urls(
    o: &Origin,
    refs: &[crate::content::markdown::BodyRef],
    add: &mut impl FnMut(&str, Location),
) {
    for r in refs {
        // The reference starts at `[` or `<`; the URL itself is what needs fixing.
        let rest = o.body.get(r.offset..).unwrap_or("");
        let at = rest.find(&r.url).map_or(r.offset, |p| r.offset + p);
        add(&r.url, o.body_offset(at));
    }
}

/// The whole external check of a site: collect, check, report. The archive
/// API comes from `links.archive_api`; timeouts from [`http::Options::from_env`].
pub fn check_site(site: &Site, cache: &Cache, s: &Settings) -> Report {
    let mut s = s.clone();
    s.archive_api = site.config.links.archive_api.clone();
    let client = Client::new(http::Options::from_env());
    run(&collect(site), cache, &client, &s)
}

/// Checks every target (cache first) and turns the verdicts into findings.
pub fn run(targets: &[Target], cache: &Cache, client: &Client, s: &Settings) -> Report {
    let mut verdicts: Vec<Option<Verdict>> = vec![None; targets.len()];
    let mut todo = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        match cached::<Verdict>(cache, "links", &t.url, s.max_age) {
            Some(v) => verdicts[i] = Some(v),
            None => todo.push(i),
        }
    }
    let cached_n = targets.len() - todo.len();
    let fresh = in_parallel(targets, &todo, s, |url| check_url(client, url));
    for (i, (v, keep)) in fresh {
        if keep {
            store(cache, "links", &targets[i].url, &v);
        }
        verdicts[i] = Some(v);
    }
    let mut diagnostics = Vec::new();
    for (t, v) in targets.iter().zip(verdicts) {
        let Some(v) = v.filter(|v| *v != Verdict::Alive) else {
            continue;
        };
        let archive = match (&v, s.suggest_archive) {
            (Verdict::Dead { .. }, true) => Some(archived_copy(client, cache, s, &t.url)),
            _ => None,
        };
        for place in &t.places {
            diagnostics.extend(finding(place.clone(), &t.url, &v, archive.as_ref()));
        }
    }
    Report {
        diagnostics,
        urls: targets.len(),
        cached: cached_n,
    }
}

/// Asks about one URL, with one retry when the first answer may pass. The
/// flag says whether the verdict may be cached (not when the network failed).
fn check_url(client: &Client, url: &str) -> (Verdict, bool) {
    let mut answer = client.probe(url);
    let passing = match &answer {
        Err(e) => e.is_transient(),
        Ok(r) => r.status == 429 || r.status >= 500,
    };
    if passing {
        // A short pause: enough for a dropped connection, not for a rate limit.
        std::thread::sleep(client.options().timeout.min(Duration::from_millis(500)) / 4);
        answer = client.probe(url);
    }
    verdict_of(answer, passing)
}

/// The verdict on the last answer, and whether it may be cached.
fn verdict_of(answer: Result<http::Response, Error>, retried: bool) -> (Verdict, bool) {
    match answer {
        Err(Error::Dns(host)) => (
            Verdict::Dead {
                reason: format!("the host name {host} does not resolve"),
            },
            true,
        ),
        Err(e) => (
            Verdict::Unknown {
                reason: if retried {
                    format!("{e}, also on a second try")
                } else {
                    e.to_string()
                },
                network: true,
            },
            false,
        ),
        Ok(r) => (judge(&r), true),
    }
}

/// The verdict on a final answer.
fn judge(r: &http::Response) -> Verdict {
    let via = match r.hops.last() {
        Some(h) => format!(" (after a redirect to {})", h.to),
        None => String::new(),
    };
    match r.status {
        404 | 410 => Verdict::Dead {
            reason: format!("the server answers {}{via}", status_text(r.status)),
        },
        200..=299 => match r.hops.iter().find(|h| h.is_permanent()) {
            Some(h) => Verdict::Moved {
                status: h.status,
                to: r.url.clone(),
            },
            None => Verdict::Alive,
        },
        status => Verdict::Unknown {
            reason: format!("the server answers {}{via}", status_text(status)),
            network: false,
        },
    }
}

fn status_text(status: u16) -> String {
    let name = match status {
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        999 => "(a refusal some networks send to robots)",
        _ => "",
    };
    format!("{status} {name}").trim_end().to_string()
}

fn finding(
    loc: Location,
    url: &str,
    v: &Verdict,
    archive: Option<&Option<String>>,
) -> Option<Diagnostic> {
    let (severity, code, message, hint) = match v {
        Verdict::Dead { reason } => (
            Severity::Error,
            "link-dead",
            format!("`{url}` is dead: {reason}"),
            match archive {
                Some(Some(a)) => format!("archived copy: {a} (add `archive: {a}` to a curated link, or link the copy)"),
                Some(None) => "no archived copy was found; replace or remove the link".into(),
                None => "replace or remove the link; `kurator check --external --suggest-archive` looks for an archived copy".into(),
            },
        ),
        Verdict::Moved { status, to } => (
            Severity::Warning,
            "link-moved",
            format!("`{url}` has moved permanently ({status})"),
            format!("new URL: {to}"),
        ),
        Verdict::Unknown { reason, network } => (
            Severity::Warning,
            "link-unknown",
            format!("`{url}` could not be checked: {reason}"),
            if *network {
                "the server did not answer; open the link in a browser, and replace it if it stays unreachable".into()
            } else {
                "the site may block or rate-limit automated checks; open the link in a browser to be sure".into()
            },
        ),
        Verdict::Alive => return None,
    };
    Some(Diagnostic {
        severity,
        code: code.into(),
        class: crate::diagnostics::Class::Content,
        rule: None,
        file: loc.file,
        line: loc.line,
        column: loc.column,
        message,
        hint: Some(hint),
    })
}

/// The closest archived copy of `url`, from the cache or the availability API.
fn archived_copy(client: &Client, cache: &Cache, s: &Settings, url: &str) -> Option<String> {
    if let Some(hit) = cached::<Option<String>>(cache, "archive", url, s.max_age) {
        return hit;
    }
    let sep = if s.archive_api.contains('?') {
        '&'
    } else {
        '?'
    };
    let query = format!(
        "{}{sep}url={}",
        s.archive_api,
        http::encode_query_value(url)
    );
    let resp = client.get(&query).ok().filter(|r| r.status == 200)?;
    let found = parse_availability(&resp.body);
    store(cache, "archive", url, &found);
    found
}

/// The snapshot URL in a Wayback availability answer, if one is available.
fn parse_availability(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let closest = v.get("archived_snapshots")?.get("closest")?;
    if closest.get("available").and_then(|a| a.as_bool()) == Some(false) {
        return None;
    }
    let u = closest.get("url")?.as_str()?;
    // The API answers with http:// snapshot URLs; the archive serves https.
    let u = match u.strip_prefix("http://web.archive.org/") {
        Some(rest) => format!("https://web.archive.org/{rest}"),
        None => u.to_string(),
    };
    http::is_http_url(&u).then_some(u)
}

fn cached<T: for<'de> Deserialize<'de>>(
    cache: &Cache,
    ns: &str,
    key: &str,
    max_age: Duration,
) -> Option<T> {
    let e = cache.get(ns, key)?;
    if e.age >= max_age {
        return None;
    }
    serde_json::from_slice(&e.bytes).ok()
}

fn store<T: Serialize>(cache: &Cache, ns: &str, key: &str, value: &T) {
    if let Ok(text) = serde_json::to_string(value) {
        // A cache that cannot be written only costs time on the next run.
        let _ = cache.put(ns, key, &text);
    }
}

/// Runs `work` on the URLs of `todo` with at most `s.workers` in flight and
/// at most `s.per_host` per host; returns (index, result) pairs.
fn in_parallel<R: Send>(
    targets: &[Target],
    todo: &[usize],
    s: &Settings,
    work: impl Fn(&str) -> R + Sync,
) -> Vec<(usize, R)> {
    let mut queues: BTreeMap<String, VecDeque<usize>> = BTreeMap::new();
    for &i in todo {
        let host = http::host_of(&targets[i].url)
            .unwrap_or("")
            .to_ascii_lowercase();
        queues.entry(host).or_default().push_back(i);
    }
    let state = Mutex::new(Queues {
        queues,
        active: HashMap::new(),
    });
    let wake = Condvar::new();
    let results = Mutex::new(Vec::with_capacity(todo.len()));
    let workers = s.workers.clamp(1, todo.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((host, i)) = next_job(&state, &wake, s.per_host.max(1)) {
                    let r = work(&targets[i].url);
                    if let Ok(mut res) = results.lock() {
                        res.push((i, r));
                    }
                    if let Ok(mut q) = state.lock() {
                        if let Some(n) = q.active.get_mut(&host) {
                            *n -= 1;
                        }
                    }
                    wake.notify_all();
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

struct Queues {
    queues: BTreeMap<String, VecDeque<usize>>,
    active: HashMap<String, usize>,
}

/// The next URL whose host has a free slot; waits while all waiting hosts
/// are busy; `None` when nothing is left.
fn next_job(state: &Mutex<Queues>, wake: &Condvar, per_host: usize) -> Option<(String, usize)> {
    let mut q = state.lock().ok()?;
    loop {
        if q.queues.values().all(VecDeque::is_empty) {
            return None;
        }
        let Queues { queues, active } = &mut *q;
        let free = queues
            .iter_mut()
            .find(|(h, list)| !list.is_empty() && active.get(*h).copied().unwrap_or(0) < per_host);
        if let Some((host, list)) = free {
            let i = list.pop_front()?;
            let host = host.clone();
            *active.entry(host.clone()).or_default() += 1;
            return Some((host, i));
        }
        q = wake.wait(q).ok()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_answers_are_read() {
        let body = br#"{"archived_snapshots":{"closest":{"available":true,"status":"200","timestamp":"20130919044612","url":"http://web.archive.org/web/20130919044612/http://example.com/"}}}"#;
        assert_eq!(
            parse_availability(body).as_deref(),
            Some("https://web.archive.org/web/20130919044612/http://example.com/")
        );
        assert_eq!(parse_availability(br#"{"archived_snapshots":{}}"#), None);
        assert_eq!(parse_availability(b"not json"), None);
    }

    #[test]
    fn unresolvable_hosts_are_dead_and_network_failures_unknown_and_uncached() {
        let (v, cache) = verdict_of(Err(Error::Dns("nx.example".into())), false);
        assert!(matches!(v, Verdict::Dead { .. }) && cache);
        let (v, cache) = verdict_of(Err(Error::Timeout), true);
        assert_eq!(
            v,
            Verdict::Unknown {
                reason: "no answer within the time limit, also on a second try".into(),
                network: true
            }
        );
        assert!(!cache);
    }

    #[test]
    fn no_host_gets_more_than_its_share_of_requests() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let targets: Vec<Target> = (0..24)
            .map(|i| Target {
                url: format!("https://h{}.example/{i}", i % 3),
                places: Vec::new(),
            })
            .collect();
        let todo: Vec<usize> = (0..targets.len()).collect();
        let s = Settings {
            workers: 5,
            per_host: 2,
            ..Default::default()
        };
        let now: Vec<AtomicUsize> = (0..3).map(|_| AtomicUsize::new(0)).collect();
        let peak: Vec<AtomicUsize> = (0..3).map(|_| AtomicUsize::new(0)).collect();
        let total = AtomicUsize::new(0);
        let total_peak = AtomicUsize::new(0);
        let done = in_parallel(&targets, &todo, &s, |url| {
            let h = url.as_bytes()["https://h".len()] as usize - b'0' as usize;
            let n = now[h].fetch_add(1, Ordering::SeqCst) + 1;
            peak[h].fetch_max(n, Ordering::SeqCst);
            let t = total.fetch_add(1, Ordering::SeqCst) + 1;
            total_peak.fetch_max(t, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(5));
            now[h].fetch_sub(1, Ordering::SeqCst);
            total.fetch_sub(1, Ordering::SeqCst);
        });
        assert_eq!(done.len(), 24);
        assert!(peak.iter().all(|p| p.load(Ordering::SeqCst) <= 2));
        assert!(total_peak.load(Ordering::SeqCst) <= 5);
    }

    #[test]
    fn statuses_get_their_verdicts() {
        let r = |status, hops: Vec<http::Hop>| http::Response {
            status,
            url: "https://n.example/".into(),
            hops,
            content_type: None,
            body: Vec::new(),
        };
        assert!(matches!(judge(&r(410, vec![])), Verdict::Dead { .. }));
        assert!(matches!(judge(&r(999, vec![])), Verdict::Unknown { .. }));
        assert_eq!(judge(&r(200, vec![])), Verdict::Alive);
        let temp = http::Hop {
            status: 302,
            from: "https://o.example/".into(),
            to: "https://n.example/".into(),
        };
        assert_eq!(judge(&r(200, vec![temp.clone()])), Verdict::Alive);
        let perm = http::Hop {
            status: 301,
            ..temp
        };
        assert_eq!(
            judge(&r(200, vec![perm])),
            Verdict::Moved {
                status: 301,
                to: "https://n.example/".into()
            }
        );
    }
}
