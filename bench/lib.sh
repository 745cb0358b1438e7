# shellcheck shell=bash
# Shared by bench/run.sh, bench/compare-hugo.sh and bench/compare-zola.sh
# (sourced, not run). Expects to be at the repository root.

# The site generator's cache key: a generated site is reused only while
# examples/gen_site.rs is unchanged.
gen_key() {
  sha256sum examples/gen_site.rs | cut -c1-10
}

# parse_size SPEC: "10000" (townships = reports / 5) or "100000:20000"
# (reports:townships); sets REPORTS and TOWNSHIPS.
parse_size() {
  local spec=$1
  REPORTS=${spec%%:*}
  if [[ $spec == *:* ]]; then TOWNSHIPS=${spec#*:}; else TOWNSHIPS=$((REPORTS / 5)); fi
  if ! [[ $REPORTS =~ ^[0-9]+$ && $TOWNSHIPS =~ ^[0-9]+$ && $TOWNSHIPS -ge 1 ]]; then
    echo "bad size '$spec': write REPORTS or REPORTS:TOWNSHIPS" >&2
    exit 2
  fi
}

# generated_site REPORTS TOWNSHIPS: print the folder of the generated site,
# generating it first unless a complete copy for this generator exists.
# Needs target/release/examples/gen_site.
generated_site() {
  local site
  site=target/bench-sites/$1-$2-$(gen_key)
  if [[ ! -f $site/.complete ]]; then
    rm -rf "$site"
    target/release/examples/gen_site "$site" "$1" "$2" >&2
    touch "$site/.complete"
  fi
  echo "$site"
}

# median: the median of the numbers on stdin (one a line).
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timed FILE CMD...: run CMD under GNU time, appending one line
# "wall user+sys maxrss_kb" to FILE and gongshi's `--timings` lines (if
# any) to FILE.phases as "phase<TAB>seconds"; CMD's stderr goes to
# FILE.err (overwritten). Fails if CMD fails (its stderr is shown).
timed() {
  local file=$1
  shift
  local t
  t=$(mktemp)
  if ! /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >/dev/null 2>"$file.err"; then
    cat "$file.err" >&2
    rm -f "$t"
    echo "failed: $*" >&2
    return 1
  fi
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$t" >>"$file"
  rm -f "$t"
  sed -nE 's/^  (.*[^ ]) +([0-9]+\.[0-9]+) s$/\1\t\2/p' "$file.err" >>"$file.phases"
}

# summary FILE: "wall median (min–max), CPU median, peak RSS max" of the
# lines `timed` appended to FILE.
summary() {
  local file=$1 wall lo hi cpu rss
  wall=$(cut -d' ' -f1 "$file" | median)
  lo=$(cut -d' ' -f1 "$file" | sort -g | head -1)
  hi=$(cut -d' ' -f1 "$file" | sort -g | tail -1)
  cpu=$(cut -d' ' -f2 "$file" | median)
  rss=$(cut -d' ' -f3 "$file" | sort -g | tail -1)
  printf '%7.2f s %-20s %7.2f s %7d MiB' \
    "$wall" "$(printf '(%.2f-%.2f, n=%d)' "$lo" "$hi" "$(wc -l <"$file")")" "$cpu" $((rss / 1024))
}

# output_stats DIR: "bytes files largest-html-size largest-html-path".
output_stats() {
  local bytes files largest
  bytes=$(file_bytes "$1")
  files=$(find "$1" -type f | wc -l)
  largest=$(find "$1" -type f -name '*.html' -printf '%s %P\n' | sort -n | tail -1)
  echo "$bytes $files ${largest:-0 -}"
}

# file_bytes DIR: the bytes of the files under DIR (not of its folders,
# which `du -b` counts too: 4 kB each on ext4, 50 MB for 12,600 folders).
file_bytes() {
  find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }' # (%d stops at 2^31 - 1)
}

# human BYTES: 1234567 → "1.2 MB" (decimal units, as du --si).
human() {
  awk -v b="$1" 'BEGIN {
    split("B kB MB GB TB", u, " "); i = 1
    while (b >= 1000 && i < 5) { b /= 1000; i++ }
    printf (i == 1 ? "%d %s" : "%.1f %s"), b, u[i]
  }'
}

# phases FILE...: a table of gongshi's phases (rows, in the order of the
# first FILE's runs) by scenario (columns: the median of each FILE's runs,
# read from FILE.phases). Column titles come from $PHASE_TITLES.
phases() {
  local f
  printf '  %-24s' "phase (median, s)"
  for f in "${PHASE_TITLES[@]}"; do printf ' %10s' "$f"; done
  echo
  local names
  # Every phase any scenario has, in the order they first appear.
  for f in "$@"; do cat "$f.phases" 2>/dev/null; done >"$1.names"
  names=$(cut -f1 "$1.names" | awk '!seen[$0]++')
  while IFS= read -r name; do
    printf '  %-24s' "$name"
    for f in "$@"; do
      printf ' %10s' "$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$f.phases" 2>/dev/null | median)"
    done
    echo
  done <<<"$names"
}

# compare PEER SPEC: the body of bench/compare-hugo.sh and bench/compare-zola.sh.
# The caller defines `peer_argv SRC OUT` (sets the array PEER_ARGV to the
# command that builds the peer site SRC into OUT) and `peer_version`. Writes the generated site as a PEER site
# (examples/to_peer.rs, cached under target/bench-sites/), copies both to
# $TMPFS and times `gongshi build` and `peer_build` alternately (the order
# swapped every run), each into a fresh output; then prints the medians and
# the ratio peer / gongshi, and the outputs.
compare() {
  local peer=$1 spec=$2 runs=${RUNS:-5} tmpfs=${TMPFS:-/dev/shm}
  export RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-$(nproc)}
  cargo build --release --quiet --bin gongshi --example gen_site --example to_peer
  local gongshi=$PWD/target/release/gongshi
  parse_size "$spec"
  local site peer_site
  site=$(generated_site "$REPORTS" "$TOWNSHIPS")
  peer_site=target/bench-sites/$peer-$REPORTS-$TOWNSHIPS-$(gen_key)-$(sha256sum examples/to_peer.rs | cut -c1-10)
  if [[ ! -f $peer_site/.complete ]]; then
    target/release/examples/to_peer "$site" "$peer_site" "$peer" >&2
    touch "$peer_site/.complete"
  fi
  local shm results
  shm=$(mktemp -d "$tmpfs/gongshi-compare.XXXXXX")
  results=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: the locals are gone at exit
  trap "rm -rf '$shm' '$results'" EXIT
  mkdir -p "$shm/gongshi" "$shm/$peer"
  cp -r "$site/gongshi.yaml" "$site/content" "$shm/gongshi/"
  cp -r "$peer_site"/. "$shm/$peer/"
  rm -f "$shm/$peer/.complete"
  echo "gongshi $(git rev-parse --short HEAD 2>/dev/null || echo '?') vs $(peer_version), $REPORTS reports of $TOWNSHIPS townships, on $tmpfs, RAYON_NUM_THREADS=$RAYON_NUM_THREADS, $runs runs each, alternating"
  local i
  for i in $(seq "$runs"); do
    local order=(gongshi "$peer")
    if ((i % 2 == 0)); then order=("$peer" gongshi); fi
    local who
    for who in "${order[@]}"; do
      rm -rf "$shm/out-$who"
      if [[ $who == gongshi ]]; then
        timed "$results/gongshi" "$gongshi" build --root "$shm/gongshi" --output "$shm/out-gongshi" --quiet --timings
      else
        peer_argv "$shm/$peer" "$shm/out-$peer"
        timed "$results/$peer" "${PEER_ARGV[@]}"
      fi
    done
  done
  printf '  %-10s %-29s %9s %11s\n' "" "wall: median (min-max, runs)" "CPU" "peak RSS"
  printf '  %-10s %s\n' gongshi "$(summary "$results/gongshi")"
  printf '  %-10s %s\n' "$peer" "$(summary "$results/$peer")"
  local gw pw gc pc
  gw=$(cut -d' ' -f1 "$results/gongshi" | median)
  pw=$(cut -d' ' -f1 "$results/$peer" | median)
  gc=$(cut -d' ' -f2 "$results/gongshi" | median)
  pc=$(cut -d' ' -f2 "$results/$peer" | median)
  awk -v gw="$gw" -v pw="$pw" -v gc="$gc" -v pc="$pc" -v p="$peer" 'BEGIN {
    printf "  ratio %s / gongshi: wall %.2f×, CPU %.2f×\n", p, (gw > 0 ? pw / gw : 0), (gc > 0 ? pc / gc : 0)
  }'
  local who b f ls lp
  for who in gongshi "$peer"; do
    read -r b f ls lp <<<"$(output_stats "$shm/out-$who")"
    printf '  output %-8s %s (%s bytes), %s files, %s HTML pages; largest: %s, %s\n' \
      "$who" "$(human "$b")" "$b" "$f" "$(find "$shm/out-$who" -name '*.html' | wc -l)" "$lp" "$(human "$ls")"
  done
  # The peer must have built every page: a report page each, a township page each, home.
  local pages
  pages=$(find "$shm/out-$peer" -name '*.html' | wc -l)
  if ((pages < REPORTS + TOWNSHIPS + 1)); then
    echo "$peer built $pages HTML pages, fewer than $((REPORTS + TOWNSHIPS + 1)) (reports + townships + home)" >&2
    exit 1
  fi
  echo "  gongshi phases (median, s):"
  PHASE_TITLES=(tmpfs)
  phases "$results/gongshi" | tail -n +2 | sed 's/^/  /'
}
