#!/usr/bin/env bash
# Where a full build's CPU time goes: `perf record` of one full build of a
# generated site on tmpfs, summed by stage (bench/stages.py).
#
#   bench/profile.sh [SIZE]       SIZE: REPORTS or REPORTS:TOWNSHIPS (default 10000)
#
# Environment: RAYON_NUM_THREADS (default: every CPU), TMPFS=/dev/shm,
# FREQ=1999 (samples a second per thread).
#
# Needs perf (Debian: linux-perf) allowed to record this user's processes
# (kernel.perf_event_paranoid <= 2) and python3. gongshi is built with frame
# pointers (so that each sample has its whole call stack) into
# target/profiling/, apart from the release build the other benches time.
# The stages are inclusive (a stage covers the libraries it calls) and
# nested stages are indented; the shares are of the whole build's samples.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

TMPFS=${TMPFS:-/dev/shm}
FREQ=${FREQ:-1999}
export RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-$(nproc)}
command -v perf >/dev/null || {
  echo "needs perf (apt-get install linux-perf)" >&2
  exit 2
}
parse_size "${1:-10000}"

cargo build --release --quiet --example gen_site
RUSTFLAGS="-C force-frame-pointers=yes" CARGO_TARGET_DIR=target/profiling \
  cargo build --release --quiet --bin gongshi
SITE=$(generated_site "$REPORTS" "$TOWNSHIPS")
WORK=$(mktemp -d "$TMPFS/gongshi-profile.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -r "$SITE/content" "$SITE/gongshi.yaml" "$WORK/"

echo "gongshi $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+changes'): full build of $SITE on $TMPFS, RAYON_NUM_THREADS=$RAYON_NUM_THREADS"
perf record -q -F "$FREQ" --call-graph fp -o "$WORK/perf.data" -- \
  target/profiling/release/gongshi build --root "$WORK" --full --quiet >/dev/null 2>"$WORK/build.err" || {
  cat "$WORK/build.err" >&2
  exit 1
}
perf script -i "$WORK/perf.data" 2>/dev/null | python3 bench/stages.py
