#!/usr/bin/env python3
"""Where a build's CPU time goes, from `perf script` output on stdin.

Each sample's call stack (recorded with frame pointers) counts towards every
stage whose function is on it, so a stage's share is inclusive: it covers the
libraries the stage calls. Shares are of all samples of the build (both
threads). Used by bench/profile.sh.
"""
import collections
import re
import sys

# (stage, what it covers, a substring of a function on the stack), in the
# order of the build: load, downloads, pages, writing, the search index.
STAGES = [
    ("load and check", "read, YAML, figures, personal data", "gongshi::load::"),
    ("  YAML", "front matter into nodes", "gongshi::yaml::parse"),
    ("  personal data", "scan of each file", "gongshi::pii::guard_file"),
    ("  reading files", "read and decode (load and render)", "gongshi::source::read_text"),
    ("downloads: XLSX", "year workbooks (rust_xlsxwriter)", "render::download::xlsx::workbook"),
    ("downloads: JSON", "year files and all.json", "render::download::json::write_"),
    ("downloads: CSV", "year and township files", "render::download::csv::"),
    ("pages: tera values", "page data into tera values", "tera::context::Context::insert"),
    ("pages: tera render", "templates interpreted", "gongshi::render::Renderer::render_bytes"),
    ("pages: Markdown", "report bodies (pulldown-cmark)", "gongshi::markdown::render"),
    ("search: tokens", "counting every report's tokens", "gongshi::render::Records::add"),
    ("search: texts", "one search text per report", "gongshi::search::text_file"),
    ("search: shards", "the index written", "gongshi::search::shard::"),
    ("writing files", "staging tree (kernel)", "gongshi::write::Staging::"),
    ("build cache", "stamps and cache file", "gongshi::cache::"),
]


def stacks(lines):
    """Yield each sample's stack (innermost first) as a list of symbols."""
    current = []
    for line in lines:
        if not line.strip():
            if current:
                yield current
                current = []
            continue
        if line.startswith(("\t", " ")):
            parts = line.strip().split(" ", 1)
            if len(parts) == 2:
                symbol = parts[1].rsplit(" (", 1)[0]
                symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
                current.append(re.sub(r"::h[0-9a-f]{16}$", "", symbol))
    if current:
        yield current


def main():
    total = 0
    inclusive = collections.Counter()
    leaf = collections.Counter()
    for stack in stacks(sys.stdin):
        total += 1
        leaf[stack[0]] += 1
        for name, _, pattern in STAGES:
            if any(pattern in s for s in stack):
                inclusive[name] += 1
    if total == 0:
        sys.exit("no samples: was perf allowed to record? (see bench/profile.sh)")
    print(f"{total} samples")
    print(f"  {'stage':<22} {'share':>6}  covers")
    for name, covers, _ in STAGES:
        print(f"  {name:<22} {100 * inclusive[name] / total:5.1f} %  {covers}")
    print("  functions with the most samples of their own:")
    for symbol, n in leaf.most_common(15):
        print(f"  {100 * n / total:5.1f} %  {symbol[:110]}")


if __name__ == "__main__":
    main()
