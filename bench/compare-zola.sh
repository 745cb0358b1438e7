#!/usr/bin/env bash
# Time gongshi and Zola on the same generated corpus, in one run, alternating.
#
#   bench/compare-zola.sh [SIZE]      SIZE: REPORTS or REPORTS:TOWNSHIPS (default 10000)
#
# Environment: RUNS=5 (runs of each), TMPFS=/dev/shm (site and output live
# there), RAYON_NUM_THREADS=$(nproc), ZOLA (default: `zola` on PATH).
#
# Zola 0.22.1: a release binary from https://github.com/getzola/zola/releases,
# or built from source:
#   cargo install --locked --git https://github.com/getzola/zola --tag v0.22.1
#
# The corpus is examples/gen_site.rs's site; examples/to_peer.rs writes it as
# a Zola site (townships as sections, reports as pages with their figures in
# extra) with an equivalent minimal theme: report page with its figures
# table, township page with the figures by year, home page with a summary
# table and totals. Both sites and outputs are on $TMPFS; each build starts
# from an empty output. Prints the median wall time, CPU (user + sys) and
# peak RSS of each, the ratio Zola / gongshi, both outputs, and gongshi's
# phases. Fails if Zola did not write a page per report and township.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

ZOLA=${ZOLA:-zola}
ZOLA=$(command -v "$ZOLA") || {
  echo "no zola: cargo install --locked --git https://github.com/getzola/zola --tag v0.22.1 (or a release binary), then ZOLA=path/to/zola $0" >&2
  exit 2
}
peer_version() { "$ZOLA" --version; }
peer_argv() { PEER_ARGV=("$ZOLA" --root "$1" build --output-dir "$2" --force); }

compare zola "${1:-10000}"
