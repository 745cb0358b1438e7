#!/usr/bin/env bash
# Benchmark `gongshi build` on generated sites.
#
#   bench/run.sh [SIZE...]        SIZE: REPORTS or REPORTS:TOWNSHIPS (default 10000)
#   bench/run.sh 10000            2,000 townships × 5 years (the reference corpus)
#   bench/run.sh 1000 10000 100000
#   bench/run.sh 100000:20000 100000:2000   20,000 × 5 and 2,000 × 50
#
# Environment:
#   RUNS_TMPFS=5 RUNS_DISK=3      runs per scenario (the wall time printed is their median)
#   RAYON_NUM_THREADS=$(nproc)    gongshi's threads
#   TMPFS=/dev/shm                a memory file system for the tmpfs scenario
#   SCENARIOS="tmpfs disk second edit figure"   which scenarios to run
#
# Builds gongshi and examples/gen_site.rs in release mode, generates each site
# (deterministic; kept under target/bench-sites/ until gen_site.rs changes),
# then for each size runs:
#   tmpfs   full build (--full), site and output on $TMPFS, output deleted before each run;
#   disk    full build (--full), site and output on the disk (under target/bench-work/),
#           output deleted (and `sync`ed) before each run;
#   second  a build over the unchanged output of the previous build, on the disk
#           (it resumes from the build cache: nothing changed, nothing written);
#   edit    a build on the disk after appending a sentence to one report's
#           text (it reads that file again and renders only what it touches:
#           the township's pages and the search index);
#   figure  a build on the disk after changing one figure of that report
#           (its pages, its year's summaries and downloads, all.json, the
#           home page and the search index).
# and prints for each: wall time (median, min–max, runs), CPU (user + sys,
# median), peak RSS (the largest of the runs), then the output (bytes, files,
# the largest HTML page) and gongshi's own phases (`build --timings`, median
# per phase). Timing uses GNU time (/usr/bin/time). It measures; it does not
# pass or fail, except when a build fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

RUNS_TMPFS=${RUNS_TMPFS:-5}
RUNS_DISK=${RUNS_DISK:-3}
TMPFS=${TMPFS:-/dev/shm}
SCENARIOS=${SCENARIOS:-tmpfs disk second edit figure}
export RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-$(nproc)}
if [[ $# -eq 0 ]]; then set -- 10000; fi
[[ -x /usr/bin/time ]] || {
  echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2
  exit 2
}

cargo build --release --quiet --bin gongshi --example gen_site
GONGSHI=$PWD/target/release/gongshi
RESULTS=$(mktemp -d)
SHM=$(mktemp -d "$TMPFS/gongshi-bench.XXXXXX")
trap 'rm -rf "$RESULTS" "$SHM"' EXIT

echo "gongshi $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+changes'), RAYON_NUM_THREADS=$RAYON_NUM_THREADS, $(nproc) CPUs, runs: tmpfs $RUNS_TMPFS, disk $RUNS_DISK"

# The unmeasured build a scenario on the disk starts from ($WORK's output),
# unless it is there already; its warnings are not printed, its errors are.
first_build() {
  [[ -d $WORK/public ]] && return
  if ! "$GONGSHI" build --root "$WORK" --output "$WORK/public" --quiet >/dev/null 2>"$R/first.err"; then
    cat "$R/first.err" >&2
    exit 1
  fi
}

for spec in "$@"; do
  parse_size "$spec"
  SITE=$(generated_site "$REPORTS" "$TOWNSHIPS")
  content_bytes=$(find "$SITE/content" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }')
  echo
  echo "== $REPORTS reports, $TOWNSHIPS townships: $SITE ($(find "$SITE/content" -name '*.md' | wc -l) files, $(human "$content_bytes"))"
  check=$("$GONGSHI" check --root "$SITE" --format short 2>&1 >/dev/null | tail -1 || true)
  echo "   gongshi check: ${check:-no diagnostics}"
  R=$RESULTS/$REPORTS-$TOWNSHIPS
  mkdir -p "$R"
  done_scenarios=()
  titles=()
  printf '   %-26s %-29s %9s %11s\n' "scenario" "wall: median (min-max, runs)" "CPU" "peak RSS"

  if [[ " $SCENARIOS " == *" tmpfs "* ]]; then
    rm -rf "${SHM:?}"/*
    cp -r "$SITE/gongshi.yaml" "$SITE/content" "$SHM/"
    for _ in $(seq "$RUNS_TMPFS"); do
      rm -rf "$SHM/public"
      timed "$R/tmpfs" "$GONGSHI" build --root "$SHM" --output "$SHM/public" --quiet --timings --full
    done
    printf '   %-26s %s\n' "full build, tmpfs" "$(summary "$R/tmpfs")"
    read -r b f ls lp <<<"$(output_stats "$SHM/public")"
    tmpfs_out="$b $f $ls $lp"
    rm -rf "${SHM:?}"/*
    done_scenarios+=("$R/tmpfs")
    titles+=(tmpfs)
  fi

  WORK=target/bench-work/$REPORTS-$TOWNSHIPS
  if [[ " $SCENARIOS " == *" disk "* || " $SCENARIOS " == *" second "* || " $SCENARIOS " == *" edit "* || " $SCENARIOS " == *" figure "* ]]; then
    rm -rf "$WORK"
    mkdir -p "$WORK"
    cp -r "$SITE/gongshi.yaml" "$SITE/content" "$WORK/"
    rm -rf "$WORK/public"
    sync
  fi
  if [[ " $SCENARIOS " == *" disk "* ]]; then
    for _ in $(seq "$RUNS_DISK"); do
      rm -rf "$WORK/public"
      sync
      timed "$R/disk" "$GONGSHI" build --root "$WORK" --output "$WORK/public" --quiet --timings --full
    done
    printf '   %-26s %s\n' "full build, disk" "$(summary "$R/disk")"
    done_scenarios+=("$R/disk")
    titles+=(disk)
  fi
  if [[ " $SCENARIOS " == *" second "* ]]; then
    # The first build of an empty output is not measured here.
    first_build
    sync
    for _ in $(seq "$RUNS_DISK"); do
      timed "$R/second" "$GONGSHI" build --root "$WORK" --output "$WORK/public" --quiet --timings
    done
    printf '   %-26s %s\n' "second build, disk" "$(summary "$R/second")"
    done_scenarios+=("$R/second")
    titles+=(second)
  fi
  if [[ " $SCENARIOS " == *" edit "* ]]; then
    first_build
    # The middle township's latest report: a new sentence each run.
    report=$(find "$WORK/content" -name '[0-9]*.md' | sort | sed -n "$(((REPORTS + 1) / 2))p")
    sync
    for i in $(seq "$RUNS_DISK"); do
      printf '\n基准测试第%d次修改：补充说明一句。\n' "$i" >>"$report"
      timed "$R/edit" "$GONGSHI" build --root "$WORK" --output "$WORK/public" --quiet --timings
    done
    printf '   %-26s %s\n' "after editing its text" "$(summary "$R/edit")"
    echo "   (edited ${report#"$WORK"/})"
    done_scenarios+=("$R/edit")
    titles+=(edit)
  fi
  if [[ " $SCENARIOS " == *" figure "* ]]; then
    first_build
    report=$(find "$WORK/content" -name '[0-9]*.md' | sort | sed -n "$(((REPORTS + 1) / 2))p")
    sync
    for _ in $(seq "$RUNS_DISK"); do
      # The first figure stated as a plain number, one more each run.
      awk '/^---$/ { fence++ }
        !done && fence == 1 && /^  [a-z_]+: [0-9]+$/ { split($0, kv, ": "); print kv[1] ": " kv[2] + 1; done = 1; next }
        { print }' "$report" >"$report.new"
      mv "$report.new" "$report"
      timed "$R/figure" "$GONGSHI" build --root "$WORK" --output "$WORK/public" --quiet --timings
    done
    printf '   %-26s %s\n' "after changing one figure" "$(summary "$R/figure")"
    done_scenarios+=("$R/figure")
    titles+=(figure)
  fi

  if [[ -n ${tmpfs_out:-} ]]; then
    read -r b f ls lp <<<"$tmpfs_out"
  elif [[ -d $WORK/public ]]; then
    read -r b f ls lp <<<"$(output_stats "$WORK/public")"
  fi
  if [[ -n ${b:-} ]]; then
    echo "   output: $(human "$b") ($b bytes), $f files; largest HTML page: $lp, $(human "$ls")"
  fi
  # The search index (README: Search): its shards and the reports' texts.
  if [[ -d $WORK/public/search/shards ]]; then
    s=$WORK/public/search
    echo "   search: manifest $(wc -c <"$s/index.json") bytes;" \
      "shards $(find "$s/shards" -type f | wc -l) files, $(human "$(file_bytes "$s/shards")");" \
      "texts $(find "$s/text" -type f | wc -l) files, $(human "$(file_bytes "$s/text")")"
  fi
  if [[ ${#done_scenarios[@]} -gt 0 ]]; then
    PHASE_TITLES=("${titles[@]}")
    phases "${done_scenarios[@]}"
  fi
  unset tmpfs_out b f ls lp
  rm -rf "$WORK"
done
