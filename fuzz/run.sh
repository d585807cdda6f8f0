#!/usr/bin/env bash
# fuzz/run.sh [SECONDS] - build the libFuzzer harnesses and run each for SECONDS (default 30).
#
# Builds with clang and -DLRP_FUZZ=ON (coverage, ASan, UBSan) in build-fuzz/, then runs
# every fuzz/fuzz_<name>.c starting from its seed corpus fuzz/corpus/<name>/ (and the
# dictionary fuzz/fuzz_<name>.dict when there is one). New inputs go to
# fuzz/corpus-work/<name>/ (ignored by git). A crash, leak or timeout stops the script
# with a non-zero status; libFuzzer saves the input as build-fuzz/artifacts/<name>/crash-*.
# After fixing the bug, copy that file into fuzz/corpus/<name>/: ctest fuzz_replay_<name>
# then replays it in every build.
#
# fuzz/run.sh --merge: add to fuzz/corpus/<name>/ the work inputs that reach new coverage
# (libFuzzer -merge=1, which keeps only inputs that add coverage). Keep the committed
# corpus small (well under 1 MB in all).
#
# Environment: LRP_FUZZ_JOBS (parallel make jobs, default 2), LRP_FUZZ_ARGS (extra
# libFuzzer flags, e.g. "-max_len=65536").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"
merge=0
seconds=30
case "${1:-}" in
  --merge) merge=1 ;;
  -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *[!0-9]*) echo "fuzz/run.sh: SECONDS must be a number, got '$1'" >&2; exit 2 ;;
  *) seconds=$1 ;;
esac

# only the fuzzers: the tests and the command are other builds' business
targets=()
for src in "$root"/fuzz/fuzz_*.c; do targets+=(--target "$(basename "$src" .c)"); done
mkdir -p "$build"
if ! { cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
         -DLRP_FUZZ=ON -DLRP_BUILD_BENCH=OFF &&
       cmake --build "$build" -j "${LRP_FUZZ_JOBS:-2}" "${targets[@]}"; } >"$build/run-build.log" 2>&1; then
  cat "$build/run-build.log" >&2
  echo "fuzz/run.sh: building the fuzzers failed (log above)" >&2
  exit 1
fi

status=0
for src in "$root"/fuzz/fuzz_*.c; do
  harness=$(basename "$src" .c)
  name=${harness#fuzz_}
  seeds="$root/fuzz/corpus/$name"
  work="$root/fuzz/corpus-work/$name"
  artifacts="$build/artifacts/$name"
  mkdir -p "$seeds" "$work" "$artifacts"
  args=(-artifact_prefix="$artifacts/" -timeout=10 -rss_limit_mb=2048)
  [ -f "$root/fuzz/$harness.dict" ] && args+=(-dict="$root/fuzz/$harness.dict")
  # shellcheck disable=SC2206
  args+=(${LRP_FUZZ_ARGS:-})
  if [ "$merge" = 1 ]; then
    echo "== $harness: merging new coverage from $work into $seeds"
    "$build/fuzz/$harness" -merge=1 "${args[@]}" "$seeds" "$work"
    continue
  fi
  echo "== $harness: ${seconds}s from $seeds"
  if ! "$build/fuzz/$harness" -max_total_time="$seconds" -print_final_stats=1 "${args[@]}" \
       "$work" "$seeds"; then
    echo "fuzz/run.sh: $harness failed; the input is in $artifacts/" >&2
    status=1
  fi
done
exit $status
