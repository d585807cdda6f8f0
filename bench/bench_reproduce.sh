#!/usr/bin/env bash
# bench_reproduce.sh - how long `lrp reproduce` takes on the SST test set (all of the
# paper's experiments: accuracy, heatmaps, Table 1, negation, word deletion with 10
# random runs, relevance by position), and whether repeated runs write the same bytes.
#
#   bench/bench_reproduce.sh [--repeat N] [--threads N] [--model FILE]
#
# Environment: LRP_BIN (default $BUILD/lrp, BUILD default build, as `make bench` sets it), LRP_SST_DIR
# (default ../shared/data/sst next to the source). Without the data or the model it
# says so and exits 0. Prints the machine, the settings, each run's wall time, the
# best and the median; never fails on speed.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$here/$build ;; esac
bin=${LRP_BIN:-$build/lrp}
sst=${LRP_SST_DIR:-$here/../shared/data/sst}
repeat=3
threads=0
model=
while [ $# -gt 0 ]; do
    case $1 in
    --repeat) repeat=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_reproduce: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
if [ ! -x "$bin" ]; then echo "bench_reproduce: no $bin (build first): skipped"; exit 0; fi
if [ ! -f "$sst/test.txt" ]; then echo "bench_reproduce: no $sst/test.txt (set LRP_SST_DIR): skipped"; exit 0; fi
model_args=()
[ -n "$model" ] && model_args=(--model "$model")
if ! "$bin" info "${model_args[@]}" >/dev/null 2>&1; then
    echo "bench_reproduce: no model (the default model is missing; give --model FILE): skipped"
    exit 0
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/bench-reproduce-XXXXXX")
trap 'rm -rf "$out"' EXIT
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
echo "bench_reproduce: lrp reproduce on $sst/test.txt"
echo "machine    ${cpu:-unknown CPU}, $(nproc) cores online, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "lrp        $("$bin" --version) ($bin)"
echo "model      $("$bin" info "${model_args[@]}" | sed -n '1p' | sed 's/^file *//')"
echo "settings   --threads $threads (0 = all cores), $repeat runs, seed 1"
times=()
for r in $(seq 1 "$repeat"); do
    start=$(date +%s.%N)
    if ! "$bin" reproduce "${model_args[@]}" --data "$sst" --out "$out/run$r" --threads "$threads" >/dev/null; then
        echo "bench_reproduce: run $r failed"
        exit 1
    fi
    end=$(date +%s.%N)
    t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
    times+=("$t")
    echo "run $r      $t s"
done
sorted=$(printf '%s\n' "${times[@]}" | sort -g)
best=$(echo "$sorted" | head -1)
median=$(echo "$sorted" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
same=yes
for r in $(seq 2 "$repeat"); do diff -r "$out/run1" "$out/run$r" >/dev/null || same=no; done
echo "best       $best s"
echo "median     $median s"
echo "identical  $same (every run wrote the same bytes)"
