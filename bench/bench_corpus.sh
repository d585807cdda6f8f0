#!/usr/bin/env bash
# bench_corpus.sh - a corpus through every output format: the SST test set repeated N
# times (N = 50 by default: 110,500 sentences) through `lrp explain --input ptb`, LRP for
# the predicted class, float64, with --format null (compute, write nothing), text (piped:
# the plain columns), tsv, json and html. Standard output goes to /dev/null, so the time
# is the command's own (computing, formatting, writing), not a reader's; the bytes are
# counted in one more run per format, through wc -c.
#
# Prints the machine and its load, the settings, then per format: the best and the median
# wall time of RUNS runs (the formats alternate within each round, so that a change in
# the machine's speed touches all of them alike), sentences per second and MB/s written
# at the best time, the CPU time (user + system) of the best run, the peak resident
# memory, and the best time relative to --format null's best in the same run; so too the
# CPU time (the least of the runs, against null's least): on a machine shared with other
# jobs the wall times measure the scheduler, the CPU times still what each format costs.
#
# Settings: N (copies, default 50), RUNS (default 3), THREADS (default 2), FORMATS
# (default "null text tsv json html"), LRP_MODEL (default models/sst5-bilstm.safetensors,
# else a random model of the paper's size written by bench_explain --save-model),
# LRP_SST_DIR (default ../shared/data/sst; without it, says so and exits 0), LRP_BIN (the
# command, default $BUILD/lrp; BUILD default build).
# Never fails on speed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LRP=${LRP_BIN:-$BUILD/lrp}
N=${N:-50}
RUNS=${RUNS:-3}
THREADS=${THREADS:-2}
FORMATS=${FORMATS:-null text tsv json html}
. bench/benchlib.sh
bench_data bench_corpus
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lrp-bench-corpus-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
bench_model bench_corpus "$tmp"
model=$MODEL
corpus=$tmp/corpus.txt
for ((i = 0; i < N; i++)); do cat "$SST/test.txt"; done >"$corpus"
sentences=$(wc -l <"$corpus")
words=$(awk '{ n += gsub(/\([0-9] [^()]+\)/, "") } END { print n }' "$corpus")
args=(explain --model "$model" --input ptb --threads "$THREADS")

# run FORMAT: one timed run to /dev/null; appends "ns user_s sys_s maxrss_kB" to $tmp/FORMAT
# (the last three from GNU time, "- - -" without it)
run() {
    local t0 t1 usage="- - -"
    t0=$(date +%s%N)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%U %S %M" -o "$tmp/rusage" "$LRP" "${args[@]}" --format "$1" <"$corpus" >/dev/null
        usage=$(cat "$tmp/rusage")
    else
        "$LRP" "${args[@]}" --format "$1" <"$corpus" >/dev/null
    fi
    t1=$(date +%s%N)
    echo "$((t1 - t0)) $usage" >>"$tmp/$1"
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $LRP (source tree at $(git rev-parse --short HEAD 2>/dev/null || echo '?')); model: $model"
echo "corpus: $SST/test.txt x $N = $sentences sentences, $words words; lrp explain --input ptb" \
    "(LRP, predicted class, f64), $THREADS threads, best and median of $RUNS runs, output to /dev/null"
for f in $FORMATS; do : >"$tmp/$f"; done
for ((r = 0; r < RUNS; r++)); do
    for f in $FORMATS; do run "$f"; done
done
for f in $FORMATS; do
    if [ "$f" = null ]; then echo 0 >"$tmp/$f.bytes"; else "$LRP" "${args[@]}" --format "$f" <"$corpus" | wc -c >"$tmp/$f.bytes"; fi
done
best_null=$(sort -n "$tmp/null" 2>/dev/null | head -1 | cut -d' ' -f1)
# the least CPU time (user + system) of a format's runs, "-" without GNU time
least_cpu() { awk '$2 != "-" { c = $2 + $3; if (b == "" || c < b) b = c } END { print b == "" ? "-" : b }' "$tmp/$1"; }
cpu_null=$(least_cpu null 2>/dev/null || echo -)
printf "%-6s %9s %9s %12s %10s %9s %9s %9s %8s %9s %8s\n" format "best s" "median s" "sentences/s" "MB" "MB/s" \
    "CPU s" "least CPU" "peak MB" "vs null" "CPU vs null"
for f in $FORMATS; do
    sort -n "$tmp/$f" >"$tmp/$f.sorted"
    read -r ns user sys rss <"$tmp/$f.sorted"
    median=$(awk -v n="$RUNS" 'NR == int((n + 1) / 2) { print $1 }' "$tmp/$f.sorted")
    awk -v f="$f" -v ns="$ns" -v med="$median" -v u="$user" -v s="$sys" -v rss="$rss" -v sent="$sentences" \
        -v bytes="$(cat "$tmp/$f.bytes")" -v null="${best_null:-0}" -v lc="$(least_cpu "$f")" -v cn="$cpu_null" 'BEGIN {
        t = ns / 1e9
        printf "%-6s %9.2f %9.2f %12.0f %10.1f %9.1f %9s %9s %8s %9s %8s\n", f, t, med / 1e9, sent / t, bytes / 1e6,
            bytes / 1e6 / t, u == "-" ? "-" : sprintf("%.2f", u + s), lc == "-" ? "-" : sprintf("%.2f", lc),
            rss == "-" ? "-" : sprintf("%.1f", rss / 1024), (null > 0 ? sprintf("%.3fx", ns / null) : "-"),
            (lc == "-" || cn == "-" || cn == 0) ? "-" : sprintf("%.3fx", lc / cn) }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
