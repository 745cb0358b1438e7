#!/usr/bin/env bash
# Benchmark a full build of a large synthetic site.
#
#   bench/run.sh [reports] [townships] [threads]
#
# Generates the site (deterministic) under target/bench-site-<reports>/,
# builds gongshi in release mode, and reports wall time, CPU time, peak memory
# and the time of each phase of `gongshi build` (GNU time, --timings), the
# size of the search index, then the mean of repeated runs (hyperfine, if
# installed). Nothing here is a pass/fail test: it measures. What the first
# search downloads is measured in a browser (README: Search).
set -euo pipefail
cd "$(dirname "$0")/.."
REPORTS=${1:-100000}
TOWNSHIPS=${2:-$((REPORTS / 50))}
THREADS=${3:-$(nproc)}
SITE=target/bench-site-$REPORTS
cargo build --release --quiet --bin gongshi --example gen_site
if [ ! -f "$SITE/.complete" ]; then
  rm -rf "$SITE"
  target/release/examples/gen_site "$SITE" "$REPORTS" "$TOWNSHIPS"
  touch "$SITE/.complete"
fi
echo "site: $SITE ($(find "$SITE/content" -name '*.md' | wc -l) files, $(du -sh "$SITE/content" | cut -f1))"
export RAYON_NUM_THREADS=$THREADS
# One cold-ish build (first run) with peak memory.
/usr/bin/time -f "build: %e s wall, %U s user, %S s sys, %M KB max RSS, %P CPU" target/release/gongshi build --root "$SITE" --quiet --timings 2>&1 \
  | grep -E '^build:|^  [a-z][a-z ,]+ +[0-9.]+ s$'
echo "output: $(find "$SITE/public" -type f | wc -l) files, $(du -sh "$SITE/public" | cut -f1)"
# The search index (README: Search): the manifest, the shards, the texts.
bytes() { find "$@" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.1f MB", s / 1e6}'; }
echo "search: manifest $(wc -c <"$SITE/public/search/index.json") bytes;" \
  "shards $(find "$SITE/public/search/shards" -type f | wc -l) files, $(bytes "$SITE/public/search/shards");" \
  "texts $(find "$SITE/public/search/text" -type f | wc -l) files, $(bytes "$SITE/public/search/text")"
/usr/bin/time -f "check: %e s wall, %M KB max RSS" target/release/gongshi check --root "$SITE" --format short 2>/dev/null >/dev/null || true
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 3 "target/release/gongshi build --root $SITE --quiet"
fi
