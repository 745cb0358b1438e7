#!/usr/bin/env bash
# What each part of a full build costs: full builds of a generated site on
# tmpfs with some of the outputs left out (examples/cost.rs), run in turn.
#
#   bench/cost.sh [SIZE]          SIZE: REPORTS or REPORTS:TOWNSHIPS (default 10000)
#
# Environment: RUNS=5 (runs of each variant, in turn, each run starting one
# variant later; the wall time printed is their median),
# RAYON_NUM_THREADS=$(nproc), TMPFS=/dev/shm.
#
# Variants, each a full build into an empty output:
#   build --full   gongshi build --full, the command itself (with its build cache)
#   all            the same build through the library (examples/cost.rs), no build cache
#   no-index       all but the search index (each report's search text stays)
#   no-downloads   all but the CSV, XLSX and JSON downloads
#   pages          the pages (and each report's search text) alone
#   load           the site read and checked, nothing written
# Prints each variant's wall time (median, min-max), CPU (user + sys,
# median), peak RSS and output; and what a part costs: the difference
# between `all` and the variant without it. It measures; it fails only when
# a build fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

RUNS=${RUNS:-5}
TMPFS=${TMPFS:-/dev/shm}
export RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-$(nproc)}
parse_size "${1:-10000}"
if ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
  echo "RUNS must be 1 or more" >&2
  exit 2
fi

cargo build --release --quiet --bin gongshi --example gen_site --example cost
SITE=$(generated_site "$REPORTS" "$TOWNSHIPS")
WORK=$(mktemp -d "$TMPFS/gongshi-cost.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -r "$SITE/content" "$SITE/gongshi.yaml" "$WORK/"

VARIANTS=("build --full" all no-index no-downloads pages load)
key() { echo "$WORK/times.${1// /_}"; }
declare -A OUTPUT
for ((run = 1; run <= RUNS; run++)); do
  # Each run starts one variant later, so none always follows the same one.
  n=${#VARIANTS[@]}
  for ((i = 0; i < n; i++)); do
    v=${VARIANTS[$(((i + run - 1) % n))]}
    rm -rf "$WORK/public" "$WORK/.public.gongshi-cache"
    if [[ $v == "build --full" ]]; then
      timed "$(key "$v")" target/release/gongshi build --root "$WORK" --full --quiet
    else
      timed "$(key "$v")" target/release/examples/cost "$WORK" "$v"
    fi
    if [[ -z ${OUTPUT[$v]:-} ]]; then
      if [[ -d $WORK/public ]]; then
        OUTPUT[$v]="$(human "$(file_bytes "$WORK/public")"), $(find "$WORK/public" -type f | wc -l) files"
      else
        OUTPUT[$v]="nothing"
      fi
    fi
  done
done

echo "== $REPORTS reports, $TOWNSHIPS townships: $SITE on $TMPFS, RAYON_NUM_THREADS=$RAYON_NUM_THREADS"
echo "   gongshi $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+changes')"
printf '   %-14s %-30s %10s %12s   %s\n' variant "wall: median (min-max, runs)" CPU "peak RSS" output
for v in "${VARIANTS[@]}"; do
  printf '   %-14s %s   %s\n' "$v" "$(summary "$(key "$v")")" "${OUTPUT[$v]}"
done
wall() { cut -d' ' -f1 "$(key "$1")" | median; }
cpu() { cut -d' ' -f2 "$(key "$1")" | median; }
all_wall=$(wall all)
all_cpu=$(cpu all)
echo "   what a part costs (all minus the variant without it; wall / CPU, s):"
for pair in "search index:no-index" "downloads:no-downloads" "index and downloads:pages" "all but loading:load"; do
  printf '     %-22s %6.2f / %6.2f\n' "${pair%%:*}" \
    "$(awk -v a="$all_wall" -v b="$(wall "${pair#*:}")" 'BEGIN { print a - b }')" \
    "$(awk -v a="$all_cpu" -v b="$(cpu "${pair#*:}")" 'BEGIN { print a - b }')"
done
