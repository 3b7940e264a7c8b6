//! Helpers shared by the integration tests: run the real `kurator` binary on a
//! fixture site, read what it wrote, and compare whole output trees.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The fixed "now" every test runs with, so future-dated filtering is stable.
pub const NOW: &str = "2026-06-01T12:00:00+02:00";

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The repository's example site.
pub fn example_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site")
}

/// A `kurator` command with a fixed clock and no colour, ready for arguments.
pub fn kurator() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kurator"));
    cmd.env("KURATOR_NOW", NOW)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Panics with the full output unless the exit code is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        self.assert_code(0)
    }

    /// Asserts that stderr has a line that starts with `location`
    /// (`file:line:col`) and names the diagnostic `code`, and returns that line.
    #[track_caller]
    pub fn assert_diagnostic(&self, location: &str, code: &str) -> String {
        let line = self
            .stderr
            .lines()
            .find(|l| l.starts_with(&format!("{location}:")) && l.contains(code));
        match line {
            Some(l) => l.to_string(),
            None => panic!(
                "expected a diagnostic `{location}: … {code} …` on stderr, got:\n{}",
                self.stderr
            ),
        }
    }

    /// Asserts stderr mentions `needle` anywhere (message, hint …).
    #[track_caller]
    pub fn assert_stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "expected stderr to contain {needle:?}, got:\n{}",
            self.stderr
        );
        self
    }
}

/// Runs `kurator` with `args` (in the current directory of the test process).
pub fn run(args: &[&str]) -> Run {
    run_cmd(kurator().args(args))
}

/// Runs a prepared command.
pub fn run_cmd(cmd: &mut Command) -> Run {
    Run::from(cmd.output().expect("cannot start the kurator binary"))
}

/// `kurator build <site> -o <out> <extra…>`.
pub fn build(site: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut cmd = kurator();
    cmd.arg("build").arg(site).arg("-o").arg(out).args(extra);
    run_cmd(&mut cmd)
}

/// A site built into a fresh temp folder; the folder lives as long as this value.
pub struct Built {
    pub tmp: TempDir,
    pub out: PathBuf,
    pub run: Run,
}

impl Built {
    /// The text of an output file (path relative to the output root).
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        read_output(&self.out, rel)
    }

    /// Whether an output file exists.
    pub fn exists(&self, rel: &str) -> bool {
        self.out.join(rel).exists()
    }

    #[track_caller]
    pub fn assert_exists(&self, rel: &str) {
        assert!(
            self.exists(rel),
            "expected output file {rel}; written:\n{}",
            list_files(&self.out).join("\n")
        );
    }

    #[track_caller]
    pub fn assert_missing(&self, rel: &str) {
        assert!(
            !self.exists(rel),
            "expected no output file {rel}, but it was written"
        );
    }
}

/// Builds `site` into `<tmp>/public` and asserts success.
#[track_caller]
pub fn build_ok(site: &Path, extra: &[&str]) -> Built {
    let built = build_into_temp(site, extra);
    built.run.assert_ok();
    built
}

/// Builds `site` into `<tmp>/public` whatever the outcome.
pub fn build_into_temp(site: &Path, extra: &[&str]) -> Built {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("public");
    let run = build(site, &out, extra);
    Built { tmp, out, run }
}

/// Builds fixture `name` straight from `tests/fixtures` and asserts success.
#[track_caller]
pub fn build_fixture(name: &str, extra: &[&str]) -> Built {
    build_ok(&fixture(name), extra)
}

/// A writable copy of a site in a temp folder: `<tmp>/site`.
pub struct SiteCopy {
    pub tmp: TempDir,
    pub site: PathBuf,
}

impl SiteCopy {
    /// Writes (or replaces) a file inside the site, creating folders.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let p = self.site.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        fs::remove_file(self.site.join(rel)).unwrap();
        self
    }

    /// `<tmp>/public`, beside the site.
    pub fn out(&self) -> PathBuf {
        self.tmp.path().join("public")
    }

    /// Builds the copy into `<tmp>/public`.
    pub fn build(&self, extra: &[&str]) -> Run {
        build(&self.site, &self.out(), extra)
    }

    /// Builds into `<tmp>/public` and asserts success; read results with [`SiteCopy::read`].
    #[track_caller]
    pub fn build_ok(&self, extra: &[&str]) -> Run {
        let r = self.build(extra);
        r.assert_ok();
        r
    }

    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        read_output(&self.out(), rel)
    }

    /// Names of the entries directly inside the temp folder, sorted.
    pub fn tmp_entries(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

/// Copies `tests/fixtures/<name>` to `<tmp>/site`.
pub fn copy_fixture(name: &str) -> SiteCopy {
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("site");
    copy_dir(&fixture(name), &site);
    SiteCopy { tmp, site }
}

/// Recursively copies a folder (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        // `.kurator/` caches of in-place builds may change while a parallel
        // test copies the fixture; a copy starts cold.
        if entry.file_name() == ".kurator" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Reads an output file as UTF-8, with a helpful panic when it is missing.
#[track_caller]
pub fn read_output(out: &Path, rel: &str) -> String {
    match fs::read(out.join(rel)) {
        Ok(b) => String::from_utf8(b).unwrap_or_else(|e| panic!("{rel} is not UTF-8: {e}")),
        Err(e) => panic!(
            "cannot read output file {rel}: {e}; written:\n{}",
            list_files(out).join("\n")
        ),
    }
}

/// Every file under `root` (relative, `/`-separated) with its bytes.
pub fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut map = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, map: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(rd) = fs::read_dir(dir) else { return };
        for entry in rd {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                // Record folders too, so an added empty folder counts as a change.
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                map.insert(format!("{rel}/"), Vec::new());
                walk(root, &path, map);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                map.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    walk(root, root, &mut map);
    map
}

/// The files under `root`, sorted, for messages.
pub fn list_files(root: &Path) -> Vec<String> {
    snapshot(root)
        .into_keys()
        .filter(|k| !k.ends_with('/'))
        .collect()
}

/// Asserts two snapshots are identical, naming the first difference.
#[track_caller]
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let only_a: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{what}: file lists differ\nonly in first: {only_a:?}\nonly in second: {only_b:?}"
    );
    let differing: Vec<&String> = a.keys().filter(|k| a[*k] != b[*k]).collect();
    if let Some(k) = differing.first() {
        let (x, y) = (&a[*k], &b[*k]);
        let at = x
            .iter()
            .zip(y.iter())
            .position(|(p, q)| p != q)
            .unwrap_or(x.len().min(y.len()));
        let window = |v: &[u8]| {
            String::from_utf8_lossy(&v[at.saturating_sub(300)..(at + 300).min(v.len())])
                .into_owned()
        };
        panic!(
            "{what}: {} file(s) differ: {differing:?}\nfirst difference in {k} at byte {at}\n--- first:\n{}\n--- second:\n{}",
            differing.len(),
            window(x),
            window(y)
        );
    }
}

/// The text between the first `start` and the next `end` after it (exclusive).
#[track_caller]
pub fn between<'a>(haystack: &'a str, start: &str, end: &str) -> &'a str {
    let i = haystack
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found in:\n{haystack}"))
        + start.len();
    let j = haystack[i..]
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} not found after {start:?}"))
        + i;
    &haystack[i..j]
}

/// Every opening tag `<name …>` in `html`.
pub fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    let mut v = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let tail = &rest[i..];
        let end = tail.find('>').map(|j| j + 1).unwrap_or(tail.len());
        v.push(&tail[..end]);
        rest = &tail[end..];
    }
    v
}

/// The value of attribute `attr` in one opening tag, undecoded.
pub fn attr<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let key = format!(" {attr}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')? + i;
    Some(&tag[i..j])
}

/// Decodes the HTML character references kurator's escaper can produce.
pub fn unescape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(semi) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let ent = &tail[1..semi];
        let decoded = match ent {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                u32::from_str_radix(&ent[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Position of `needle` in `haystack`, with a helpful panic.
#[track_caller]
pub fn pos(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found in:\n{haystack}"))
}

#[track_caller]
pub fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected to find {needle:?} in:\n{haystack}"
    );
}

#[track_caller]
pub fn assert_not_contains(haystack: &str, needle: &str) {
    assert!(
        !haystack.contains(needle),
        "did not expect {needle:?} in:\n{haystack}"
    );
}
