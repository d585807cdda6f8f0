#!/usr/bin/env bash
# tests/same_outputs.sh OUTDIR - write the outputs that must not change when the code is
# reshaped (issue: restructuring) into OUTDIR, and print "sha256  name" for each.
# Needs LRP_BIN, LRP_TESTTOOL; the SST parts need LRP_SST_DIR (skipped without it).
set -euo pipefail
out=$1
mkdir -p "$out"
src=${LRP_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
data=${LRP_TEST_DATA:-$src/tests/data}
sst=${LRP_SST_DIR:-$src/../shared/data/sst}
export LC_ALL=C
unset LRP_MODEL NO_COLOR

# sentences of random vocabulary words w0..w(V-1), seeded
words() { awk -v V="$1" -v n="$2" -v seed="$3" 'BEGIN { srand(seed); for (i = 0; i < n; i++) {
    T = 1 + int(rand() * 30); s = ""; for (t = 0; t < T; t++) s = s (t ? " " : "") "w" int(rand() * V); print s } }'; }

for g in tiny:12 medium:200; do
    name=${g%%:*} V=${g##*:}
    "$LRP_TESTTOOL" model "$out/golden-$name.safetensors" --golden "$data/golden/public-$name.json"
    words "$V" 200 7 >"$out/golden-$name.txt"
    for prec in f64 f32; do
        "$LRP_BIN" explain --model "$out/golden-$name.safetensors" --pretokenized --method lrp,lrp-cons,sa,gi \
            --target all --format json --precision "$prec" <"$out/golden-$name.txt" >"$out/explain-golden-$name-$prec.jsonl"
    done
    "$LRP_BIN" predict --model "$out/golden-$name.safetensors" --pretokenized --format json \
        <"$out/golden-$name.txt" >"$out/predict-golden-$name.jsonl"
done

# a small treebank: training gives the same model bytes for the same seed
awk 'BEGIN { srand(3); split("good great fine superb", P); split("bad awful dull boring", N); split("the movie film a plot", U)
    for (i = 0; i < 120; i++) { T = 3 + int(rand() * 4); s = "";
        for (t = 1; t <= T; t++) { u = rand(); w = u < 0.3 ? P[1 + int(rand() * 4)] : (u < 0.6 ? N[1 + int(rand() * 4)] : U[1 + int(rand() * 5)]);
            l = u < 0.3 ? 3 : (u < 0.6 ? 1 : 2); s = s " (" l " " w ")" }
        print "(2" s ")" } }' >"$out/small.txt"
mkdir -p "$out/small"
cp "$out/small.txt" "$out/small/train.txt"; head -30 "$out/small.txt" >"$out/small/dev.txt"; tail -30 "$out/small.txt" >"$out/small/test.txt"
"$LRP_BIN" train --data "$out/small" --out "$out/train-small.safetensors" --epochs 2 --embed 6 --hidden 5 \
    --batch 8 --lr 0.01 --patience 0 --threads 2 --seed 5 >"$out/train-small.log"

if [ -f "$sst/test.txt" ]; then
    # relative names, so that the outputs that quote them do not depend on where the tree is
    ln -sfn "$(cd "$sst" && pwd)" "$out/sst"
    ln -sfn "$src/models/sst5-bilstm.safetensors" "$out/model.safetensors"
    cd "$out"
    sst=sst
    export LRP_MODEL=model.safetensors
    for prec in f64 f32; do
        "$LRP_BIN" explain --input ptb --method lrp,lrp-cons,sa,gi --target all --format json --precision "$prec" \
            <"$sst/test.txt" >"$out/explain-sst-$prec.jsonl"
    done
    "$LRP_BIN" explain --input ptb --format tsv --method lrp,sa <"$sst/test.txt" >"$out/explain-sst.tsv"
    "$LRP_BIN" predict --input ptb --format json <"$sst/test.txt" >"$out/predict-sst.jsonl"
    "$LRP_BIN" evaluate --data "$sst/test.txt" --format json >"$out/evaluate-sst.json"
    "$LRP_BIN" reproduce --data "$sst" --out report --format json --threads 2 >"$out/reproduce-sst.json"
fi
cd "$out"
sha256sum $(ls | grep -v -e '\.txt$' -e '^small$' -e '^report$' -e '\.log$' -e '^sst$' -e '^model.safetensors$') $(ls report 2>/dev/null | sed 's|^|report/|')
