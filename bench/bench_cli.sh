#!/usr/bin/env bash
# bench_cli.sh - the whole `lrp explain` process on the 2210 SST test sentences:
# LRP for the predicted class, --format null, float64 and float32, best of 5 runs,
# on 2 threads (and 1). Model: LRP_MODEL, else models/sst5-bilstm.safetensors, else a
# random model of the paper's size written by bench_explain --save-model. Data:
# LRP_SST_DIR (default ../shared/data/sst); without it, says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LRP=$BUILD/lrp
RUNS=${RUNS:-5}
. bench/benchlib.sh
bench_data bench_cli
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lrp-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
bench_model bench_cli "$tmp"
model=$MODEL

# best wall-clock seconds of $RUNS runs of: lrp explain ARGS < test.txt
best() {
    local b=""
    for ((i = 0; i < RUNS; i++)); do
        local t0 t1
        t0=$(date +%s%N)
        "$LRP" explain --model "$model" --input ptb --format null "$@" <"$SST/test.txt"
        t1=$(date +%s%N)
        local ms=$(((t1 - t0) / 1000))
        if [ -z "$b" ] || [ "$ms" -lt "$b" ]; then b=$ms; fi
    done
    awk -v us="$b" 'BEGIN { printf "%.1f", us / 1000 }'
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "model: $model; data: $SST/test.txt ($(wc -l <"$SST/test.txt") sentences)"
echo "whole process, lrp explain --input ptb --format null (LRP, predicted class), best of $RUNS:"
printf "%-10s %8s %14s %18s\n" precision threads "ms (2210 sent)" "vs numpy's 15 s"
for prec in f64 f32; do
    for th in 2 1; do
        ms=$(best --precision $prec --threads $th)
        printf "%-10s %8d %14s %17.0fx\n" $prec $th "$ms" "$(awk -v m="$ms" 'BEGIN { print 15000 / m }')"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
