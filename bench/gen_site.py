#!/usr/bin/env python3
"""Deterministic synthetic-site generator for the kurator benchmark.

    python3 bench/gen_site.py --articles N --out DIR [--seed 1] [--zola]

writes the same corpus twice (three times with ``--zola``):

* ``DIR/kurator/`` -- a kurator site (site.yaml, authors/, channels/,
  articles/<year>/, links/) using only keys from the SPEC;
* ``DIR/hugo/``    -- an equivalent Hugo site (hugo.toml, content/, layouts/,
  plus the overlay no-related.toml that drops the related-items block);
* ``DIR/zola/``    -- optionally, an equivalent Zola site (config.toml,
  content/, templates/).

The corpus has N articles, N/2 curated links, 200 authors, 24 channels and
about 1,500 tags (Zipf-distributed), dated over ten years ending 2026-06-30.
Everything is drawn from one seeded ``random.Random``, so the same
``--articles``/``--seed`` always produce byte-identical files.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from random import Random

# Bump when the generated corpus changes, so cached corpora are rebuilt.
GENERATOR_VERSION = 1

N_AUTHORS = 200
N_CHANNELS = 24
N_TAGS = 1500
ZIPF_EXPONENT = 1.0
FIRST_DATE = date(2016, 7, 1)
LAST_DATE = date(2026, 6, 30)
BASE_URL = "https://bench.example"
SITE_TITLE = "Kurator Benchmark"
SITE_DESCRIPTION = "Synthetischer Kurations-Hub für den kurator-Benchmark"

# --------------------------------------------------------------------------
# Vocabulary (fixed, so the corpus does not depend on anything but the seed)
# --------------------------------------------------------------------------

WORDS = """
die der das und ist nicht mit für auf eine einen dem den auch sich wird werden
haben hat wir unsere Unternehmen Mitarbeitende Kunden Kundinnen Strategie
Digitalisierung Zusammenarbeit Führung Kultur Wandel Plattform Kommunikation
Wissen Austausch Netzwerk Verantwortung Zukunft Ergebnis Qualität Vertrauen
Transparenz Öffentlichkeit Beitrag Gespräch Erfahrung Überblick Lösung Prozess
Änderung Größe Maßnahme Schlüssel gemeinsam schnell einfach wichtig offen
nachhaltig kritisch täglich persönlich wirklich zunächst außerdem trotzdem
jedoch deshalb vielleicht genau heute morgen gestern immer wieder zwischen
über unter während nach vor seit bis durch gegen ohne um beim zum zur
the and of to in is that for on with as are this be by from at an or it
we our team teams customer customers strategy digital platform culture
leadership change network knowledge community content channel voice brand
employee employees advocacy trust open source cloud data security privacy
product products service services market markets growth process workflow
quality feedback insight insights story stories audience reach engagement
social media newsletter podcast video webinar event conference keynote
architecture migration automation analytics dashboard pipeline release
review editor editors curator curators reader readers writer writers
simple fast clear better new good great small large real local global
because however therefore although while whereas really often always
never maybe today tomorrow yesterday together across between within
""".split()

HEADING_WORDS = """
Ausblick Hintergrund Beispiel Praxis Erfahrungen Fazit Motivation Ansatz
Ergebnisse Herausforderungen Werkzeuge Kennzahlen Lessons Learned Roadmap
Background Context Approach Results Challenges Tools Metrics Outlook Summary
Next Steps Takeaways Überlegungen Grundlagen Umsetzung Rahmen Ziele
""".split()

FIRST_NAMES = """
Anna Ben Clara David Emma Felix Greta Hannah Jonas Julia Karl Lena Lukas Maria
Max Mia Noah Paul Sophie Tim Jürgen Björn Zoë Chloé Günther Ömer Ülkü Søren
Amélie Nils Ole Pia Rafael Sara Tobias Ute Vera Wolfgang Yasemin Zeynep
""".split()

LAST_NAMES = """
Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann
Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann
Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause Meier Lehmann
Köhler Weiß Jäger Groß Özdemir Yılmaz Nowak Kowalski Dubois Rossi
""".split()

ROLES = [
    "Marketing Lead DACH", "Head of Communications", "Software Engineer",
    "Product Manager", "CIO", "Data Scientist", "Social Media Manager",
    "HR Business Partner", "Solution Architect", "Werkstudentin",
    "Vertriebsleiter", "Referentin Unternehmenskommunikation",
]
DEPARTMENTS = [
    "Marketing", "Kommunikation", "IT", "Vertrieb", "Personal", "Forschung",
    "Produkt", "Finanzen", "Recht", "Einkauf",
]

CHANNEL_TITLES = [
    "Markenbotschafter", "Führung & Kultur", "Digitale Transformation",
    "Künstliche Intelligenz", "Cloud & Infrastruktur", "Sicherheit & Datenschutz",
    "Open Source", "Nachhaltigkeit", "New Work", "Social Media",
    "Kundenerlebnis", "Daten & Analytics", "Softwareentwicklung",
    "Produktmanagement", "Diversität & Inklusion", "Lernen & Weiterbildung",
    "Innovation", "Mittelstand", "Recht & Regulierung", "Kommunikation",
    "Events & Konferenzen", "Karriere", "Public Sector", "Gesundheit & Wohlbefinden",
]

TAG_WORDS = """
KI Cloud DevOps Agile Scrum Kanban Remote Homeoffice Hybrid Führung Kultur
Diversität Inklusion Nachhaltigkeit Klima Energie Mobilität Datenschutz DSGVO
Sicherheit Zero-Trust Identität Kubernetes Container Rust Python Java Go
Linux Open-Source Community Podcast Video Newsletter LinkedIn Mastodon Xing
Blog Storytelling Marke Reputation Krise Kommunikation Intranet Wissen Lernen
Mentoring Coaching Karriere Recruiting Onboarding Feedback OKR Strategie
Innovation Startup Mittelstand Konzern Verwaltung E-Government Gesundheit
Bildung Forschung Daten Analytics Dashboard Automatisierung Workflow Low-Code
No-Code API Plattform Ökosystem Partner Kunden Service Support Vertrieb
Marketing Content SEO Barrierefreiheit Accessibility UX Design Produkt Roadmap
Release Qualität Test Monitoring Observability Resilienz Skalierung Kosten
FinOps Governance Compliance Regulierung AI-Act Ethik Transparenz Vertrauen
Influencer Advocacy Employer-Branding Events Konferenz Keynote Webinar Meetup
Hackathon Barcamp Zusammenarbeit Teams Meetings Fokus Produktivität Wohlbefinden
Resilienz Wandel Transformation Digitalisierung Migration Modernisierung Legacy
Mainframe Edge IoT 5G Quanten Blockchain Metaverse Chatbot LLM Prompting
""".split()

TAG_QUALIFIERS = """
Praxis Grundlagen Trends Strategie Studie Fallstudie Werkzeuge Tipps Zukunft
Einstieg Vertiefung Erfahrungen Kritik Debatte Umfrage Report Leitfaden Mythen
""".split()

SOURCES = [
    "PR-Blogger", "Digitale Welt Magazin", "Tech Rundschau", "CIO Briefing",
    "Handel & Wandel", "Open Source Weekly", "Kommunikationsforum",
    "Daten Digest", "Führungskräfte Journal", "Cloud Native Notes",
    "Security Insider Report", "Mittelstand Digital", "The Curated Engineer",
    "Future of Work Review", "Social Media Watch", "Green IT Letter",
    "Public Sector Tech", "UX Quarterly", "Marken & Menschen", "KI Kompass",
]

CODE_LANGUAGES = ["rust", "python", "yaml", "bash", "json", "go", "javascript", "sql", "java"]
IDENTIFIERS = """
config items channel author feed result count total page pages index slug
title date value buffer reader writer entry entries cache state options
""".split()

# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Author:
    """An employee author (kurator ``authors/<id>.md``)."""

    id: str
    name: str
    role: str
    department: str
    languages: tuple[str, ...]
    active: bool
    bio: str


@dataclass(frozen=True)
class Channel:
    """A topic channel (kurator ``channels/<id>.md``)."""

    id: str
    title: str
    description: str
    curators: tuple[str, ...]
    color: str
    order: int
    intro: str


@dataclass(frozen=True)
class Item:
    """An article or a curated link; link-only fields are empty for articles."""

    kind: str  # "article" or "link"
    slug: str
    title: str
    when: datetime
    authors: tuple[str, ...]
    channels: tuple[str, ...]
    tags: tuple[str, ...]
    body: str
    url: str = ""
    source: str = ""
    source_author: str = ""
    quote: str = ""
    summary: str = ""

    @property
    def file_name(self) -> str:
        """File name with the ``YYYY-MM-DD-`` date prefix."""
        return f"{self.when:%Y-%m-%d}-{self.slug}.md"

    @property
    def iso_date(self) -> str:
        """RFC 3339 timestamp in UTC."""
        return self.when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Corpus:
    """The shared, format-independent parts of a synthetic site."""

    authors: tuple[Author, ...]
    channels: tuple[Channel, ...]
    tags: tuple[str, ...]
    tag_cum_weights: tuple[float, ...]


# --------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                           "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ı": "i", "ø": "o", "Ø": "O"})


def slugify(text: str) -> str:
    """German-aware ASCII slug: "Führung & Kultur" -> "fuehrung-kultur"."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def yq(text: str) -> str:
    """Quote a string for YAML/TOML (a JSON string is valid in both)."""
    return json.dumps(text, ensure_ascii=False)


def yids(ids: tuple[str, ...]) -> str:
    """A YAML flow sequence of plain ids: ``[a, b]``."""
    return "[" + ", ".join(ids) + "]"


def ystrs(values: tuple[str, ...]) -> str:
    """A YAML/TOML flow sequence of quoted strings."""
    return "[" + ", ".join(yq(v) for v in values) + "]"


def words(rng: Random, n: int) -> list[str]:
    """``n`` random words from the fixed vocabulary."""
    return rng.choices(WORDS, k=n)


def sentence(rng: Random, lo: int = 6, hi: int = 16) -> str:
    """One capitalised sentence of ``lo``..``hi`` words."""
    ws = words(rng, rng.randint(lo, hi))
    ws[0] = ws[0][:1].upper() + ws[0][1:]
    return " ".join(ws) + rng.choice(".....?!")


def paragraph(rng: Random, with_link: bool) -> tuple[str, int]:
    """A paragraph of 2-6 sentences, optionally with one inline link.

    Returns the markdown and its word count."""
    sentences = [sentence(rng) for _ in range(rng.randint(2, 6))]
    text = " ".join(sentences)
    if with_link:
        ws = text.split(" ")
        i = rng.randrange(len(ws) - 2)
        host = rng.choice(["example.com", "example.org", "example.net"])
        path = slugify(" ".join(words(rng, 3))) or "x"
        ws[i] = f"[{ws[i]} {ws[i + 1]}](https://www.{host}/{path}/)"
        del ws[i + 1]
        text = " ".join(ws)
    return text, sum(len(s.split()) for s in sentences)


def bullet_list(rng: Random) -> tuple[str, int]:
    """A bullet list of 3-7 items; returns markdown and word count."""
    items = [" ".join(words(rng, rng.randint(3, 10))) for _ in range(rng.randint(3, 7))]
    return "\n".join(f"- {it}" for it in items), sum(len(i.split()) for i in items)


def pipe_table(rng: Random) -> str:
    """A GitHub-style pipe table with 3-4 columns and 3-8 rows."""
    cols = rng.randint(3, 4)
    header = [w.capitalize() for w in words(rng, cols)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * cols) + "|"]
    for _ in range(rng.randint(3, 8)):
        cells = [" ".join(words(rng, rng.randint(1, 3)))] + [
            str(rng.randint(0, 9999)) for _ in range(cols - 1)
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def code_block(rng: Random) -> str:
    """A fenced code block (5-15 lines) in a random language."""
    lang = rng.choice(CODE_LANGUAGES)
    ids = rng.choices(IDENTIFIERS, k=16)
    n = rng.randint(5, 15)
    templates = {
        "rust": ["let {a} = {b}.len() + {n};", "fn {a}({b}: &str) -> usize {{ {b}.len() }}",
                 "for {a} in &{b} {{ println!(\"{{}}\", {a}); }}", "// {a} {b}",
                 "if {a} > {n} {{ return Err(\"{b}\".into()); }}"],
        "python": ["{a} = len({b}) + {n}", "def {a}({b}):\n    return {b} * {n}",
                   "for {a} in {b}:\n    print({a})", "# {a} {b}", "{a} = {{\"{b}\": {n}}}"],
        "yaml": ["{a}: {n}", "{a}:\n  {b}: \"{b}\"", "- {a}", "# {a} {b}", "{a}: [{b}, {a}]"],
        "bash": ["{a}=$(ls {b} | wc -l)", "echo \"${a}\" > {b}.txt", "# {a} {b}",
                 "for {a} in *.md; do echo \"${a}\"; done", "test -f {b} && rm {b}"],
        "json": ["\"{a}\": {n},", "\"{a}\": \"{b}\",", "\"{a}\": [{n}, {n}],",
                 "\"{a}\": {{\"{b}\": true}},", "\"{a}\": null,"],
        "go": ["{a} := len({b}) + {n}", "func {a}({b} string) int {{ return len({b}) }}",
               "// {a} {b}", "if {a} > {n} {{ return nil }}", "fmt.Println({a}, {b})"],
        "javascript": ["const {a} = {b}.length + {n};", "function {a}({b}) {{ return {b} * {n}; }}",
                       "// {a} {b}", "{a}.forEach(({b}) => console.log({b}));",
                       "let {a} = {{ {b}: {n} }};"],
        "sql": ["SELECT {a}, {b} FROM items WHERE {a} > {n};", "-- {a} {b}",
                "UPDATE {a} SET {b} = {n};", "INSERT INTO {a} ({b}) VALUES ({n});",
                "CREATE INDEX idx_{a} ON items ({b});"],
        "java": ["int {a} = {b}.size() + {n};", "// {a} {b}",
                 "public int {a}(String {b}) {{ return {b}.length(); }}",
                 "for (var {a} : {b}) {{ System.out.println({a}); }}",
                 "if ({a} > {n}) {{ return null; }}"],
    }[lang]
    lines = []
    for i in range(n):
        tpl = rng.choice(templates)
        lines.append(tpl.format(a=ids[i % 16], b=ids[(i + 5) % 16], n=rng.randint(0, 999)))
    if lang == "json":
        lines = ["{"] + ["  " + ln for ln in lines] + ["  \"end\": true", "}"]
    return f"```{lang}\n" + "\n".join(lines) + "\n```"


def title_text(rng: Random) -> str:
    """A 4-9 word title, first word capitalised."""
    ws = words(rng, rng.randint(4, 9))
    return " ".join(w[:1].upper() + w[1:] if i == 0 or rng.random() < 0.3 else w
                    for i, w in enumerate(ws))


def article_body(rng: Random) -> str:
    """Markdown body of 400-1,500 words of prose (code and tables extra).

    Headings, bullet lists and inline links throughout; a fenced code block
    with a language in ~20 % of articles and a pipe table in ~10 %."""
    target = rng.randint(400, 1500)
    with_code = rng.random() < 0.20
    with_table = rng.random() < 0.10
    blocks: list[str] = []
    count = 0
    text, n = paragraph(rng, with_link=False)
    blocks.append(text)
    count += n
    while count < target:
        heading = " ".join(rng.choices(HEADING_WORDS, k=rng.randint(1, 4)))
        blocks.append("## " + heading)
        count += len(heading.split())
        for _ in range(rng.randint(1, 3)):
            text, n = paragraph(rng, with_link=rng.random() < 0.35)
            blocks.append(text)
            count += n
        if rng.random() < 0.3:
            text, n = bullet_list(rng)
            blocks.append(text)
            count += n
    # Insert code/table after the intro so they never lead the summary.
    if with_code:
        for _ in range(rng.randint(1, 2)):
            blocks.insert(rng.randint(1, len(blocks)), code_block(rng))
    if with_table:
        blocks.insert(rng.randint(1, len(blocks)), pipe_table(rng))
    return "\n\n".join(blocks) + "\n"


def prose(rng: Random, lo: int, hi: int) -> str:
    """Plain prose of ``lo``..``hi`` words split into sentences (no markup)."""
    target = rng.randint(lo, hi)
    out: list[str] = []
    count = 0
    while count < target:
        n = min(rng.randint(6, 16), target - count)
        ws = words(rng, max(n, 1))
        ws[0] = ws[0][:1].upper() + ws[0][1:]
        out.append(" ".join(ws) + ".")
        count += len(ws)
    return " ".join(out)


def wrap(text: str, width: int = 76) -> list[str]:
    """Greedy word wrap (no hyphenation)."""
    lines: list[str] = []
    line = ""
    for w in text.split():
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        lines.append(line)
    return lines


# --------------------------------------------------------------------------
# Corpus generation
# --------------------------------------------------------------------------


def make_authors(rng: Random) -> tuple[Author, ...]:
    """200 authors with unique ids derived from their names."""
    pairs = list(itertools.product(FIRST_NAMES, LAST_NAMES))
    rng.shuffle(pairs)
    authors = []
    seen: set[str] = set()
    for first, last in pairs:
        name = f"{first} {last}"
        aid = slugify(name)
        if aid in seen:
            continue
        seen.add(aid)
        authors.append(Author(
            id=aid, name=name, role=rng.choice(ROLES), department=rng.choice(DEPARTMENTS),
            languages=("de", "en") if rng.random() < 0.4 else ("de",),
            active=rng.random() < 0.9, bio=prose(rng, 20, 60),
        ))
        if len(authors) == N_AUTHORS:
            break
    return tuple(sorted(authors, key=lambda a: a.id))


def make_channels(rng: Random, authors: tuple[Author, ...]) -> tuple[Channel, ...]:
    """The 24 channels, each with 1-3 curators."""
    channels = []
    for i, title in enumerate(CHANNEL_TITLES[:N_CHANNELS]):
        curators = tuple(a.id for a in rng.sample(authors, rng.randint(1, 3)))
        channels.append(Channel(
            id=slugify(title), title=title, description=prose(rng, 6, 14),
            curators=curators, color="#%06x" % rng.randrange(0x1000000),
            order=(i + 1) * 10, intro=prose(rng, 40, 100),
        ))
    return tuple(channels)


def make_tags(rng: Random) -> tuple[str, ...]:
    """~1,500 tag names, unique by slug, in Zipf rank order."""
    candidates = list(TAG_WORDS)
    candidates += [f"{w} {q}" for w in TAG_WORDS for q in TAG_QUALIFIERS]
    rng.shuffle(candidates)
    tags: list[str] = []
    seen: set[str] = set()
    for name in candidates:
        key = slugify(name)
        if key and key not in seen:
            seen.add(key)
            tags.append(name)
        if len(tags) == N_TAGS:
            break
    return tuple(tags)


def make_corpus(rng: Random) -> Corpus:
    """Authors, channels and tags shared by every item."""
    authors = make_authors(rng)
    channels = make_channels(rng, authors)
    tags = make_tags(rng)
    cum = tuple(itertools.accumulate(1.0 / (rank ** ZIPF_EXPONENT)
                                     for rank in range(1, len(tags) + 1)))
    return Corpus(authors=authors, channels=channels, tags=tags, tag_cum_weights=cum)


def pick_tags(rng: Random, corpus: Corpus) -> tuple[str, ...]:
    """1-5 distinct tags, Zipf-distributed over the tag ranks."""
    k = rng.randint(1, 5)
    chosen: list[str] = []
    while len(chosen) < k:
        tag = rng.choices(corpus.tags, cum_weights=corpus.tag_cum_weights)[0]
        if tag not in chosen:
            chosen.append(tag)
    return tuple(chosen)


def pick_when(rng: Random) -> datetime:
    """A timestamp between FIRST_DATE and LAST_DATE, 06:00-19:59 UTC.

    The UTC hours keep the Berlin calendar day equal to the UTC day, so the
    file-name date always matches the front-matter date."""
    day = FIRST_DATE + timedelta(days=rng.randrange((LAST_DATE - FIRST_DATE).days + 1))
    return datetime(day.year, day.month, day.day, rng.randint(6, 19), rng.randrange(60),
                    tzinfo=timezone.utc)


def pick_channels(rng: Random, corpus: Corpus) -> tuple[str, ...]:
    """1-2 channel ids."""
    k = 1 if rng.random() < 0.7 else 2
    return tuple(c.id for c in rng.sample(corpus.channels, k))


def make_article(rng: Random, corpus: Corpus, number: int) -> Item:
    """Article number ``number`` (slugs are unique site-wide)."""
    title = title_text(rng)
    k = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
    return Item(
        kind="article", slug=f"{slugify(title)[:60].strip('-')}-{number}", title=title,
        when=pick_when(rng), authors=tuple(a.id for a in rng.sample(corpus.authors, k)),
        channels=pick_channels(rng, corpus), tags=pick_tags(rng, corpus),
        body=article_body(rng),
    )


def make_link(rng: Random, corpus: Corpus, number: int) -> Item:
    """Curated link number ``number``: source data, quote, commentary."""
    title = title_text(rng)
    slug = f"{slugify(title)[:60].strip('-')}-{number}"
    source = rng.choice(SOURCES)
    when = pick_when(rng)
    quote = prose(rng, 20, 60)
    # The commentary is always longer than the quote (a kurator guideline).
    commentary_words = rng.randint(max(60, len(quote.split()) + 10), 200)
    paragraphs = []
    remaining = commentary_words
    while remaining > 0:
        n = min(remaining, rng.randint(30, 90))
        paragraphs.append(prose(rng, n, n))
        remaining -= n
    first = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    return Item(
        kind="link", slug=slug, title=title, when=when,
        authors=(rng.choice(corpus.authors).id,),
        channels=pick_channels(rng, corpus), tags=pick_tags(rng, corpus),
        body="\n\n".join(paragraphs) + "\n",
        url=f"https://{slugify(source)}.example.com/{when.year}/{slug}/",
        source=source, source_author=first if rng.random() < 0.8 else "",
        quote=quote, summary=paragraphs[0].split(". ")[0].rstrip(".") + ".",
    )


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    """Write UTF-8 text with LF line endings, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


class KuratorWriter:
    """Writes the corpus in kurator's site format (SPEC sections 2-5)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write_site(self, corpus: Corpus) -> None:
        """site.yaml, authors/ and channels/."""
        write(self.root / "site.yaml", "\n".join([
            f"title: {yq(SITE_TITLE)}",
            f"base_url: {BASE_URL}",
            f"description: {yq(SITE_DESCRIPTION)}",
            "language: de",
            "timezone: Europe/Berlin",
            "paginate: 20",
            "feeds:",
            "  formats: [atom, json]",
            "  limit: 50",
            # Hugo and Zola draw no share cards; the comparison is of equal work.
            # docs/sharing.md gives what cards cost on their own.
            "cards:",
            "  enabled: false",
            "",
        ]))
        for a in corpus.authors:
            write(self.root / "authors" / f"{a.id}.md", "\n".join([
                "---",
                f"name: {yq(a.name)}",
                f"role: {yq(a.role)}",
                f"department: {yq(a.department)}",
                f"languages: {yids(a.languages)}",
                f"active: {'true' if a.active else 'false'}",
                "---",
                a.bio,
                "",
            ]))
        for c in corpus.channels:
            write(self.root / "channels" / f"{c.id}.md", "\n".join([
                "---",
                f"title: {yq(c.title)}",
                f"description: {yq(c.description)}",
                f"curators: {yids(c.curators)}",
                f"color: {yq(c.color)}",
                f"order: {c.order}",
                "language: de",
                "---",
                c.intro,
                "",
            ]))

    def write_item(self, item: Item) -> None:
        """One article (under articles/<year>/) or link (under links/)."""
        if item.kind == "article":
            head = [
                f"title: {yq(item.title)}",
                f"date: {item.iso_date}",
                f"authors: {yids(item.authors)}",
                f"channels: {yids(item.channels)}",
                f"tags: {ystrs(item.tags)}",
            ]
            path = self.root / "articles" / str(item.when.year) / item.file_name
        else:
            head = [
                f"url: {item.url}",
                f"title: {yq(item.title)}",
                f"source: {yq(item.source)}",
            ]
            if item.source_author:
                head.append(f"source_author: {yq(item.source_author)}")
            head.append("quote: |")
            head += ["  " + ln for ln in wrap(item.quote)]
            head += [
                f"curator: {item.authors[0]}",
                f"date: {item.iso_date}",
                f"channels: {yids(item.channels)}",
                f"tags: {ystrs(item.tags)}",
            ]
            path = self.root / "links" / item.file_name
        write(path, "---\n" + "\n".join(head) + "\n---\n" + item.body)


class HugoWriter:
    """Writes the corpus as an equivalent Hugo site with its own layouts."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write_site(self, corpus: Corpus) -> None:
        """hugo.toml, layouts/ and the taxonomy term pages for authors/channels."""
        write(self.root / "hugo.toml", HUGO_CONFIG)
        # Overlay for `run.py --hugo-no-related`: the same site without the
        # related-items block (`hugo --config hugo.toml,no-related.toml`).
        write(self.root / "no-related.toml", "[params]\nskip_related = true\n")
        for name, text in HUGO_LAYOUTS.items():
            write(self.root / "layouts" / name, text)
        content = self.root / "content"
        write(content / "_index.md", f"---\ntitle: {yq(SITE_TITLE)}\n---\n")
        write(content / "articles" / "_index.md", "---\ntitle: \"Artikel\"\n---\n")
        write(content / "links" / "_index.md", "---\ntitle: \"Links\"\n---\n")
        write(content / "authors" / "_index.md", "---\ntitle: \"Autor:innen\"\n---\n")
        write(content / "channels" / "_index.md", "---\ntitle: \"Kanäle\"\n---\n")
        write(content / "tags" / "_index.md", "---\ntitle: \"Schlagwörter\"\n---\n")
        for a in corpus.authors:
            write(content / "authors" / a.id / "_index.md", "\n".join([
                "---",
                f"title: {yq(a.name)}",
                "params:",
                f"  role: {yq(a.role)}",
                f"  department: {yq(a.department)}",
                f"  languages: {yids(a.languages)}",
                f"  active: {'true' if a.active else 'false'}",
                "---",
                a.bio,
                "",
            ]))
        for c in corpus.channels:
            write(content / "channels" / c.id / "_index.md", "\n".join([
                "---",
                f"title: {yq(c.title)}",
                f"description: {yq(c.description)}",
                f"weight: {c.order}",
                "params:",
                f"  curators: {yids(c.curators)}",
                f"  color: {yq(c.color)}",
                "---",
                c.intro,
                "",
            ]))

    def write_item(self, item: Item) -> None:
        """One page under content/articles/<year>/ or content/links/."""
        head = [
            f"title: {yq(item.title)}",
            f"date: {item.iso_date}",
            f"slug: {item.slug}",
        ]
        if item.kind == "link":
            head.append(f"summary: {yq(item.summary)}")
        head += [
            f"authors: {yids(item.authors)}",
            f"channels: {yids(item.channels)}",
            f"tags: {ystrs(item.tags)}",
        ]
        if item.kind == "article":
            path = self.root / "content" / "articles" / str(item.when.year) / item.file_name
        else:
            head += [
                "params:",
                f"  source_url: {item.url}",
                f"  source: {yq(item.source)}",
            ]
            if item.source_author:
                head.append(f"  source_author: {yq(item.source_author)}")
            head += [f"  quote: {yq(item.quote)}", f"  curator: {item.authors[0]}"]
            path = self.root / "content" / "links" / item.file_name
        write(path, "---\n" + "\n".join(head) + "\n---\n" + item.body)


class ZolaWriter:
    """Writes the corpus as an equivalent Zola site (best effort, optional)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write_site(self, corpus: Corpus) -> None:
        """config.toml, templates/ and the section files.

        Zola has no term metadata pages, so channel titles/descriptions and
        author names are passed through ``config.extra`` for the templates."""
        extra_channels = "\n".join(
            f"{yq(c.id)} = {{ title = {yq(c.title)}, description = {yq(c.description)}, "
            f"order = {c.order}, curators = {ystrs(c.curators)} }}"
            for c in corpus.channels)
        extra_authors = "\n".join(
            f"{yq(a.id)} = {{ name = {yq(a.name)}, role = {yq(a.role)} }}"
            for a in corpus.authors)
        channel_order = ystrs(tuple(c.id for c in sorted(corpus.channels, key=lambda c: c.order)))
        write(self.root / "config.toml", ZOLA_CONFIG + "\n".join([
            "",
            "[extra]",
            f"channel_order = {channel_order}",
            "",
            "[extra.channels]",
            extra_channels,
            "",
            "[extra.authors]",
            extra_authors,
            "",
        ]))
        for name, text in ZOLA_TEMPLATES.items():
            write(self.root / "templates" / name, text)
        content = self.root / "content"
        write(content / "_index.md", "+++\ntitle = " + yq(SITE_TITLE) + "\n+++\n")
        for section, title in (("articles", "Artikel"), ("links", "Links")):
            write(content / section / "_index.md", "\n".join([
                "+++",
                f"title = {yq(title)}",
                "sort_by = \"date\"",
                "paginate_by = 20",
                "+++",
                "",
            ]))
        # Year sub-folders of articles must be (transparent) sections in Zola.
        for year in range(FIRST_DATE.year, LAST_DATE.year + 1):
            write(content / "articles" / str(year) / "_index.md",
                  f"+++\ntitle = \"{year}\"\nsort_by = \"date\"\ntransparent = true\n"
                  "render = false\n+++\n")

    def write_item(self, item: Item) -> None:
        """One page; Zola derives the URL from ``path`` in front matter."""
        if item.kind == "article":
            path_value = f"{item.when:%Y}/{item.when:%m}/{item.slug}/"
            fs_path = self.root / "content" / "articles" / str(item.when.year) / item.file_name
        else:
            path_value = f"links/{item.slug}/"
            fs_path = self.root / "content" / "links" / item.file_name
        head = [
            f"title = {yq(item.title)}",
            f"date = {item.iso_date}",
            f"path = {yq(path_value)}",
        ]
        if item.kind == "link":
            head.append(f"description = {yq(item.summary)}")
        head += [
            "[taxonomies]",
            f"authors = {ystrs(item.authors)}",
            f"channels = {ystrs(item.channels)}",
            f"tags = {ystrs(item.tags)}",
        ]
        if item.kind == "link":
            head += [
                "[extra]",
                f"source_url = {yq(item.url)}",
                f"source = {yq(item.source)}",
                f"source_author = {yq(item.source_author)}",
                f"quote = {yq(item.quote)}",
                f"curator = {yq(item.authors[0])}",
            ]
        write(fs_path, "+++\n" + "\n".join(head) + "\n+++\n" + item.body)


# --------------------------------------------------------------------------
# Hugo configuration and layouts
# --------------------------------------------------------------------------

HUGO_CONFIG = f"""\
baseURL = "{BASE_URL}/"
languageCode = "de"
defaultContentLanguage = "de"
title = "{SITE_TITLE}"
timeZone = "Europe/Berlin"
enableRobotsTXT = false
summaryLength = 1
disableHugoGeneratorInject = true

[pagination]
pagerSize = 20

[taxonomies]
channel = "channels"
author = "authors"
tag = "tags"

[permalinks.page]
articles = "/:year/:month/:slug/"
links = "/links/:slug/"

[outputs]
home = ["html", "rss"]
section = ["html", "rss"]
taxonomy = ["html", "rss"]
term = ["html", "rss"]

[services.rss]
limit = 50

[markup.highlight]
noClasses = false

[related]
includeNewer = true
threshold = 80
toLower = false

[[related.indices]]
name = "tags"
weight = 100

[[related.indices]]
name = "channels"
weight = 60
"""

HUGO_LAYOUTS: dict[str, str] = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} – {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ if .IsPage }}{{ .Summary | plainify | truncate 160 }}{{ else }}{{ site.Title }}{{ end }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:type" content="{{ if .IsPage }}article{{ else }}website{{ end }}">
<meta property="og:site_name" content="{{ site.Title }}">
{{- range .AlternativeOutputFormats }}
<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}" title="{{ site.Title }}">
{{- end }}
{{- if .IsPage }}
{{- range .GetTerms "channels" }}{{ with .OutputFormats.Get "rss" }}
<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">
{{- end }}{{ end }}
{{- $persons := slice }}
{{- range .GetTerms "authors" }}{{ $persons = $persons | append (dict "@type" "Person" "name" .LinkTitle "url" .Permalink) }}{{ end }}
{{- $ld := dict "@context" "https://schema.org" "@type" "BlogPosting" "headline" .Title "datePublished" (.Date.Format "2006-01-02T15:04:05Z07:00") "author" $persons "url" .Permalink }}
<script type="application/ld+json">{{ $ld | jsonify | safeJS }}</script>
{{- else }}
{{- $ld := dict "@context" "https://schema.org" "@type" "CollectionPage" "name" .Title "url" .Permalink }}
<script type="application/ld+json">{{ $ld | jsonify | safeJS }}</script>
{{- end }}
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav><a href="/channels/">Kanäle</a> <a href="/authors/">Autor:innen</a> <a href="/tags/">Schlagwörter</a></nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ site.Title }}</p></footer>
</body>
</html>
""",
    "page.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p class="meta">
{{- range $i, $a := .GetTerms "authors" }}{{ if $i }}, {{ end }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
· <time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2.1.2006" }}</time>
· {{ .ReadingTime }} Minuten Lesedauer</p>
<p class="channels">{{ range .GetTerms "channels" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{- if eq .Section "links" }}
<div class="source-card">
<p><a href="{{ .Params.source_url }}" rel="noopener">{{ .Title }}</a></p>
<p>{{ .Params.source }}{{ with .Params.source_author }} · {{ . }}{{ end }} · {{ (urls.Parse .Params.source_url).Host }}</p>
</div>
{{- with .Params.quote }}
<blockquote cite="{{ $.Params.source_url }}"><p>{{ . }}</p>
<footer>— {{ with $.Params.source_author }}{{ . }}, {{ end }}<cite>{{ $.Params.source }}</cite></footer></blockquote>
{{- end }}
{{- with site.GetPage (printf "/authors/%s" .Params.curator) }}
<p class="curator">Kommentar von <a href="{{ .RelPermalink }}">{{ .Title }}</a></p>
{{- end }}
{{- end }}
<div class="body">
{{ .Content }}
</div>
{{- if eq .Section "links" }}
<p><a href="{{ .Params.source_url }}" rel="noopener">Zum Artikel bei {{ .Params.source }}</a></p>
{{- end }}
<p class="tags">{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">#{{ .LinkTitle }}</a> {{ end }}</p>
{{- if not site.Params.skip_related }}
{{- with first 5 (site.RegularPages.Related .) }}
<section class="related"><h2>Verwandte Beiträge</h2>
<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</section>
{{- end }}
{{- end }}
{{- with .GetTerms "channels" }}{{ with index . 0 }}
{{- $pages := .Pages }}
<nav class="prev-next">
{{- with $pages.Prev $ }}<a href="{{ .RelPermalink }}">← {{ .LinkTitle }}</a>{{ end }}
{{- with $pages.Next $ }} <a href="{{ .RelPermalink }}">{{ .LinkTitle }} →</a>{{ end }}
</nav>
{{- end }}{{ end }}
</article>
{{ end }}
""",
    "section.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{- $pag := .Paginate .Pages }}
<ul class="items">
{{- range $pag.Pages }}{{ partial "item.html" . }}{{ end }}
</ul>
{{ partial "pager.html" $pag }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="terms">
{{- range .Data.Terms.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{- end }}
</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{- with .Params.role }}<p class="role">{{ . }}{{ with $.Params.department }}, {{ . }}{{ end }}</p>{{ end }}
{{- with .Params.description }}<p class="description">{{ . }}</p>{{ end }}
{{ .Content }}
{{- with .Params.curators }}
<p class="curators">Kuratiert von {{ range $i, $id := . }}{{ if $i }}, {{ end }}{{ with site.GetPage (printf "/authors/%s" $id) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</p>
{{- end }}
{{- with .OutputFormats.Get "rss" }}
<p><a href="{{ .RelPermalink }}">RSS-Feed</a></p>
{{- end }}
{{- $pag := .Paginate .Pages }}
<ul class="items">
{{- range $pag.Pages }}{{ partial "item.html" . }}{{ end }}
</ul>
{{ partial "pager.html" $pag }}
{{ end }}
""",
    "home.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{- with site.GetPage "/channels" }}
{{- range .Pages.ByWeight }}
<section class="channel">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Params.description }}</p>
<ul class="items">
{{- range first 10 .Pages.ByDate.Reverse }}{{ partial "item.html" . }}{{ end }}
</ul>
</section>
{{- end }}
{{- end }}
{{ end }}
""",
    "_partials/item.html": """\
<li class="item item-{{ .Section }}">
{{- if eq .Section "links" }}
<a href="{{ .Params.source_url }}" rel="noopener">{{ .Title }}</a> <span class="source">{{ .Params.source }}</span> · <a href="{{ .RelPermalink }}">Kommentar</a>
{{- else }}
<a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{- end }}
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2.1.2006" }}</time>
<div class="summary">{{ .Summary }}</div>
</li>
""",
    "_partials/pager.html": """\
{{- if gt .TotalPages 1 }}
<nav class="pagination">
{{- with .Prev }}<a rel="prev" href="{{ .URL }}">Zurück</a> {{ end -}}
Seite {{ .PageNumber }} von {{ .TotalPages }}
{{- with .Next }} <a rel="next" href="{{ .URL }}">Weiter</a>{{ end }}
</nav>
{{- end }}
""",
}

# --------------------------------------------------------------------------
# Zola configuration and templates (best effort; see docs/performance.md)
# --------------------------------------------------------------------------

ZOLA_CONFIG = f"""\
base_url = "{BASE_URL}"
title = "{SITE_TITLE}"
default_language = "de"
compile_sass = false
build_search_index = false
generate_feeds = true
feed_filenames = ["rss.xml"]
taxonomies = [
  {{ name = "channels", feed = true, paginate_by = 20 }},
  {{ name = "authors", feed = true, paginate_by = 20 }},
  {{ name = "tags", feed = true, paginate_by = 20 }},
]

[markdown]
highlight_code = true
highlight_theme = "css"
"""

ZOLA_TEMPLATES: dict[str, str] = {
    "base.html": """\
<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<link rel="canonical" href="{{ current_url | default(value=config.base_url) }}">
</head>
<body>
<header><a href="{{ config.base_url }}/">{{ config.title }}</a>
<nav><a href="/channels/">Kanäle</a> <a href="/authors/">Autor:innen</a> <a href="/tags/">Schlagwörter</a></nav>
</header>
<main>
{% block content %}{% endblock content %}
</main>
</body>
</html>
""",
    "macros.html": """\
{% macro item(page) %}
<li>
{%- if page.extra.source_url %}
<a href="{{ page.extra.source_url }}" rel="noopener">{{ page.title }}</a> {{ page.extra.source }} · <a href="{{ page.permalink }}">Kommentar</a>
{%- else %}
<a href="{{ page.permalink }}">{{ page.title }}</a>
{%- endif %}
<time>{{ page.date | date(format="%d.%m.%Y") }}</time>
{% if page.summary %}<div>{{ page.summary | safe }}</div>{% elif page.description %}<p>{{ page.description }}</p>{% endif %}
</li>
{% endmacro item %}
{% macro pager(paginator) %}
{%- if paginator.number_pagers > 1 %}
<nav>{% if paginator.previous %}<a href="{{ paginator.previous }}">Zurück</a>{% endif %}
Seite {{ paginator.current_index }} von {{ paginator.number_pagers }}
{% if paginator.next %}<a href="{{ paginator.next }}">Weiter</a>{% endif %}</nav>
{%- endif %}
{% endmacro pager %}
""",
    "index.html": """\
{% extends "base.html" %}
{% import "macros.html" as m %}
{% block content %}
<h1>{{ config.title }}</h1>
{% set channels = get_taxonomy(kind="channels") %}
{% for id in config.extra.channel_order %}
{% set meta = config.extra.channels[id] %}
<section><h2><a href="/channels/{{ id }}/">{{ meta.title }}</a></h2><p>{{ meta.description }}</p>
<ul>
{% for term in channels.items %}{% if term.slug == id %}{% for page in term.pages | slice(end=10) %}{{ m::item(page=page) }}{% endfor %}{% endif %}{% endfor %}
</ul></section>
{% endfor %}
{% endblock content %}
""",
    "page.html": """\
{% extends "base.html" %}
{% block title %}{{ page.title }} – {{ config.title }}{% endblock title %}
{% block content %}
<article>
<h1>{{ page.title }}</h1>
<p>{% for a in page.taxonomies.authors %}<a href="/authors/{{ a }}/">{{ config.extra.authors[a].name }}</a> {% endfor %}
· <time>{{ page.date | date(format="%d.%m.%Y") }}</time> · {{ page.reading_time }} Minuten Lesedauer</p>
<p>{% for c in page.taxonomies.channels %}<a href="/channels/{{ c }}/">{{ config.extra.channels[c].title }}</a> {% endfor %}</p>
{% if page.extra.source_url %}
<div><a href="{{ page.extra.source_url }}" rel="noopener">{{ page.title }}</a> {{ page.extra.source }} {{ page.extra.source_author }}</div>
<blockquote><p>{{ page.extra.quote }}</p><footer><cite>{{ page.extra.source }}</cite></footer></blockquote>
<p>Kommentar von {{ config.extra.authors[page.extra.curator].name }}</p>
{% endif %}
{{ page.content | safe }}
<p>{% for t in page.taxonomies.tags %}<a href="{{ get_taxonomy_url(kind="tags", name=t) }}">#{{ t }}</a> {% endfor %}</p>
<nav>{% if page.lower %}<a href="{{ page.lower.permalink }}">←</a>{% endif %} {% if page.higher %}<a href="{{ page.higher.permalink }}">→</a>{% endif %}</nav>
</article>
{% endblock content %}
""",
    "section.html": """\
{% extends "base.html" %}
{% import "macros.html" as m %}
{% block content %}
<h1>{{ section.title }}</h1>
<ul>{% for page in paginator.pages %}{{ m::item(page=page) }}{% endfor %}</ul>
{{ m::pager(paginator=paginator) }}
{% endblock content %}
""",
    "taxonomy_list.html": """\
{% extends "base.html" %}
{% block content %}
<h1>{{ taxonomy.name }}</h1>
<ul>{% for term in terms %}<li><a href="{{ term.permalink }}">{{ term.name }}</a> ({{ term.page_count }})</li>{% endfor %}</ul>
{% endblock content %}
""",
    "taxonomy_single.html": """\
{% extends "base.html" %}
{% import "macros.html" as m %}
{% block content %}
<h1>{{ term.name }}</h1>
<ul>{% for page in paginator.pages %}{{ m::item(page=page) }}{% endfor %}</ul>
{{ m::pager(paginator=paginator) }}
{% endblock content %}
""",
}


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


WRITERS = {"kurator": KuratorWriter, "hugo": HugoWriter, "zola": ZolaWriter}


def generate(articles: int, targets: dict[str, Path], seed: int = 1) -> dict[str, int]:
    """Generate the corpus into ``targets`` (format name -> site folder).

    Formats are ``kurator``, ``hugo`` and ``zola``. The corpus depends only on
    ``articles`` and ``seed``, never on which formats are written, so a format
    can be added later and matches the others. Items are generated one at a
    time and written to every format before the next one is drawn, so memory
    stays flat for large N. Returns the corpus counts."""
    unknown = set(targets) - set(WRITERS)
    if unknown:
        raise ValueError(f"unknown format(s): {', '.join(sorted(unknown))}")
    rng = Random(seed)
    corpus = make_corpus(rng)
    writers = [WRITERS[fmt](path) for fmt, path in sorted(targets.items())]
    for w in writers:
        w.write_site(corpus)
    n_links = articles // 2
    for number in range(1, articles + 1):
        item = make_article(rng, corpus, number)
        for w in writers:
            w.write_item(item)
    for number in range(articles + 1, articles + n_links + 1):
        item = make_link(rng, corpus, number)
        for w in writers:
            w.write_item(item)
    return {"articles": articles, "links": n_links, "authors": len(corpus.authors),
            "channels": len(corpus.channels), "tags": len(corpus.tags)}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, required=True, help="number of articles (links: N/2)")
    ap.add_argument("--out", type=Path, required=True, help="output folder (kurator/, hugo/ inside)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--zola", action="store_true", help="also write DIR/zola/")
    args = ap.parse_args(argv)
    if args.articles < 1:
        ap.error("--articles must be at least 1")
    formats = ["kurator", "hugo"] + (["zola"] if args.zola else [])
    targets = {fmt: args.out / fmt for fmt in formats}
    for path in targets.values():
        if path.exists():
            ap.error(f"{path} already exists; remove it first")
    counts = generate(args.articles, targets, args.seed)
    print(", ".join(f"{v} {k}" for k, v in counts.items()) + f" -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
