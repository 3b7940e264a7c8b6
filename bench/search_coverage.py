#!/usr/bin/env python3
"""How often the first page of a query needs a document shard.

    python3 bench/search_coverage.py OUT/search [--samples 200] [--min-docs 60] [--seed 7]

Replays the browser's ranking (themes/default/static/js/search.js: exact
and prefix matches, best field weights, every word must match, ties to the
newer document) on a built index for random queries: two words, a word with
a channel filter, with an author filter, with the link filter. For each it
counts the document shards the first ten results need because no loaded
term or facet file carries their record. Words are terms of four letters or
more in at least --min-docs documents. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from pathlib import Path

WEIGHT = [100, 40, 15, 5, 60, 24, 9, 3]


def weight(bits: int) -> int:
    return max([WEIGHT[i] for i in range(8) if bits >> i & 1] or [0])


def fnv(s: str, n: int) -> int:
    h = 0x811C9DC5
    for c in s.encode():
        h = ((h ^ c) * 0x01000193) & 0xFFFFFFFF
    return h % max(1, n)


class Index:
    def __init__(self, root: Path):
        self.root = root
        self.m = json.loads((root / "manifest.json").read_text())
        self.cache: dict[str, dict] = {}

    def get(self, rel: str) -> dict:
        if rel not in self.cache:
            self.cache[rel] = json.loads((self.root / rel).read_text())
        return self.cache[rel]

    def shard(self, term: str) -> dict:
        return self.get(f"terms/{fnv(term[:3], self.m['termShards'])}.json")

    def scores(self, tok: str) -> tuple[dict[int, float], set[int]]:
        s = self.shard(tok)
        best: dict[int, float] = {}
        for t, p, _ in s["terms"]:
            q = 1 if t == tok else (0.8 if len(tok) >= 3 and t.startswith(tok) else 0)
            if not q:
                continue
            d = 0
            for i in range(0, len(p), 2):
                d += p[i]
                v = q * weight(p[i + 1])
                if v > best.get(d, 0):
                    best[d] = v
        return best, {x[0] for x in s["docs"]}

    def facet(self, k: int) -> tuple[set[int], set[int]]:
        f = self.get(f"facets/{k}.json")
        d, docs = 0, set()
        for g in f["docs"]:
            d += g
            docs.add(d)
        return docs, {x[0] for x in f["recs"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("search", type=Path)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--min-docs", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    ix = Index(a.search)
    m = ix.m
    words = [t for k in range(m["termShards"]) for t, p, _ in ix.get(f"terms/{k}.json")["terms"]
             if len(p) // 2 >= a.min_docs and len(t) >= 4]
    f = m["facets"]
    rng = random.Random(a.seed)
    kinds = {
        "two words": lambda: (rng.sample(words, 2), None),
        "word + channel": lambda: ([rng.choice(words)], f["channel"] + rng.randrange(len(m["channels"]))),
        "word + author": lambda: ([rng.choice(words)], f["author"] + rng.randrange(len(m["authors"]))),
        "word + kind link": lambda: ([rng.choice(words)], f["kind"] + 1),
    }
    print(f"{len(words)} words in >= {a.min_docs} documents; {a.samples} queries each")
    print("| query | no document shard | at most one | at most two (<= 4 requests) | mean shards |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, gen in kinds.items():
        need = []
        for _ in range(a.samples):
            toks, facet = gen()
            acc, have = None, set()
            for t in toks:
                sc, rec = ix.scores(t)
                have |= rec
                acc = sc if acc is None else {d: v + sc[d] for d, v in acc.items() if d in sc}
            if facet is not None:
                docs, rec = ix.facet(facet)
                have |= rec
                acc = {d: v for d, v in acc.items() if d in docs}
            top = sorted(acc.items(), key=lambda x: (-x[1], x[0]))[:10]
            need.append(len({d // m["docShard"] for d, _ in top if d not in have}))
        pct = lambda n: f"{100 * n / len(need):.0f} %"
        print(f"| {name} | {pct(need.count(0))} | {pct(sum(x <= 1 for x in need))} | "
              f"{pct(sum(x <= 2 for x in need))} | {statistics.mean(need):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
