# lrp explain --precision: f64 (default) and f32; a bad value is a usage error; the
# f32 output is the same bytes for 1, 2 and 7 threads and close to f64.
. "$(dirname "$0")/testlib.sh"

run 2 "$LRP_BIN" explain --model "$MODEL" --precision f16 "a good movie"
has "$TMP/err" "--precision: unknown precision 'f16' (f64, f32)"
run 2 "$LRP_BIN" explain --model "$MODEL" --precision "a good movie"

sentences=("it 's a good movie ." "do n't waste your money" "a bad , boring film" "funny and good"
    "the movie is not good")
for ((i = 0; i < 300; i++)); do echo "${sentences[$((i * 3 % 5))]} ${sentences[$((i % 5))]}"; done >"$TMP/in"

run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --format json --precision f64 <"$TMP/in"
cp "$TMP/out" "$TMP/f64-default"
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --format json <"$TMP/in"
CHECKS=$((CHECKS + 1))
cmp -s "$TMP/out" "$TMP/f64-default" || fail "--precision f64 is not the default"

for th in 1 2 7; do
    run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,lrp-cons,sa,gi --target all \
        --format json --precision f32 --threads $th <"$TMP/in"
    cp "$TMP/out" "$TMP/f32-$th"
done
CHECKS=$((CHECKS + 2))
cmp -s "$TMP/f32-1" "$TMP/f32-2" || fail "f32: 1 and 2 threads differ"
cmp -s "$TMP/f32-1" "$TMP/f32-7" || fail "f32: 1 and 7 threads differ"

# f32 against f64: the first sentence's LRP relevances, within 1e-3 of the largest
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,lrp-cons,sa,gi --target all \
    --format json <"$TMP/in"
flat "$TMP/out" | grep '^0\.explanations\.0\.relevance\.' >"$TMP/r64"
flat "$TMP/f32-1" | grep '^0\.explanations\.0\.relevance\.' >"$TMP/r32"
same "$(wc -l <"$TMP/r32")" "$(wc -l <"$TMP/r64")" "f32 and f64: number of relevances"
big=$(cut -d= -f2 "$TMP/r64" | awk '{ v = $1 < 0 ? -$1 : $1; if (v > m) m = v } END { print m }')
paste -d= "$TMP/r32" "$TMP/r64" | awk -F= -v big="$big" '{ d = $2 - $4; if (d < 0) d = -d; if (d > 1e-3 * big) bad++ } END { exit bad > 0 }' ||
    fail "f32 relevances further than 1e-3 of the largest from f64"
CHECKS=$((CHECKS + 1))
CHECKS=$((CHECKS + 1))
cmp -s "$TMP/out" "$TMP/f32-1" && fail "f32 output is the same bytes as f64 (is --precision ignored?)"

finish
