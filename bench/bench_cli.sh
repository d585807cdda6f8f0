#!/usr/bin/env bash
# bench_cli.sh - the whole `lrp explain` process on the 2210 SST test sentences:
# LRP for the predicted class, --format null, float64 and float32, best of 5 runs,
# on 2 threads (and 1): wall time, and the CPU time (user + system) of the best run.
# Then the numpy reference in the same sitting (bench/bench_numpy_ref.py: the paper's
# reference code's way, one sentence at a time, float64; REF_RUNS runs, default 1; REF=0
# skips it, and without numpy in PYTHON, default /usr/bin/python3, it is skipped), and
# each row's speed against it: wall against wall, CPU against CPU. Model: LRP_MODEL, else
# models/sst5-bilstm.safetensors, else a random model of the paper's size written by
# bench_explain --save-model (the reference reads only a one-layer bi-LSTM). Data:
# LRP_SST_DIR (default ../shared/data/sst); without it, says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LRP=$BUILD/lrp
RUNS=${RUNS:-5}
REF=${REF:-1}
REF_RUNS=${REF_RUNS:-1}
PYTHON=${PYTHON:-/usr/bin/python3}
. bench/benchlib.sh
bench_data bench_cli
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lrp-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
bench_model bench_cli "$tmp"
model=$MODEL

# best of $RUNS runs of: lrp explain ARGS < test.txt; prints "wall_ms cpu_ms" of the run with
# the best wall time (CPU time from GNU time, "-" without it)
best() {
    local b="" cpu=-
    for ((i = 0; i < RUNS; i++)); do
        local t0 t1 c=-
        t0=$(date +%s%N)
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f "%U %S" -o "$tmp/rusage" "$LRP" explain --model "$model" --input ptb --format null "$@" <"$SST/test.txt"
            c=$(awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$tmp/rusage")
        else
            "$LRP" explain --model "$model" --input ptb --format null "$@" <"$SST/test.txt"
        fi
        t1=$(date +%s%N)
        local us=$(((t1 - t0) / 1000))
        if [ -z "$b" ] || [ "$us" -lt "$b" ]; then b=$us cpu=$c; fi
    done
    awk -v us="$b" -v c="$cpu" 'BEGIN { printf "%.1f %s", us / 1000, c }'
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "model: $model; data: $SST/test.txt ($(wc -l <"$SST/test.txt") sentences)"
echo "whole process, lrp explain --input ptb --format null (LRP, predicted class), best of $RUNS:"
rows=()
for prec in f64 f32; do
    for th in 2 1; do
        read -r ms cpu <<<"$(best --precision $prec --threads $th)"
        rows+=("$prec $th $ms $cpu")
        printf "%-10s %8d %10s ms %10s ms CPU\n" $prec $th "$ms" "$cpu"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
ref_wall="" ref_cpu=""
if [ "$REF" = 1 ] && "$PYTHON" -c 'import numpy' 2>/dev/null; then
    echo "the numpy reference in the same sitting (bench/bench_numpy_ref.py, $REF_RUNS run(s)):"
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$PYTHON" bench/bench_numpy_ref.py "$model" "$SST/test.txt" \
        --repeat "$REF_RUNS" >"$tmp/ref" || { cat "$tmp/ref"; echo "the reference failed"; exit 1; }
    cat "$tmp/ref"
    # the run with the best wall time: "run: W s wall, C s CPU, ..."
    read -r ref_wall ref_cpu <<<"$(awk '/^run:/ { if (b == "" || $2 < b) { b = $2; c = $5 } } END { print b * 1000, c * 1000 }' "$tmp/ref")"
else
    echo "the numpy reference: skipped (REF=0, or no numpy in $PYTHON)"
fi
printf "%-10s %8s %10s %10s %14s %14s\n" precision threads "wall ms" "CPU ms" "vs ref (wall)" "vs ref (CPU)"
for r in "${rows[@]}"; do
    read -r prec th ms cpu <<<"$r"
    awk -v p="$prec" -v th="$th" -v ms="$ms" -v cpu="$cpu" -v rw="$ref_wall" -v rc="$ref_cpu" 'BEGIN {
        printf "%-10s %8d %10s %10s %14s %14s\n", p, th, ms, cpu, rw == "" ? "-" : sprintf("%.0fx", rw / ms),
            (rc == "" || cpu == "-") ? "-" : sprintf("%.0fx", rc / cpu) }'
done
