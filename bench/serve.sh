#!/usr/bin/env bash
# Measure `gongshi serve` on a generated site: save → page served (median,
# p95 over N edits), a template change, and memory over many edits.
#
#   bench/serve.sh [reports] [edits] [memory-edits]     # default: 10000 50 1000
#
# Generates the site like bench/run.sh (deterministic, under
# target/bench-site-<reports>/), builds gongshi in release mode and runs
# examples/serve_bench.rs against `gongshi serve`. It measures; it does
# not pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
REPORTS=${1:-10000}
EDITS=${2:-50}
MEMORY_EDITS=${3:-1000}
TOWNSHIPS=${TOWNSHIPS:-$((REPORTS / 5))}
SITE=target/bench-site-$REPORTS-$TOWNSHIPS
cargo build --release --quiet --bin gongshi --example gen_site --example serve_bench
if [ ! -f "$SITE/.complete" ]; then
  rm -rf "$SITE"
  target/release/examples/gen_site "$SITE" "$REPORTS" "$TOWNSHIPS"
  touch "$SITE/.complete"
fi
# The generated site is edited: work on a copy.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$SITE/gongshi.yaml" "$SITE/content" "$WORK/"
target/release/examples/serve_bench "$WORK" "$EDITS" "$MEMORY_EDITS"
