# lrp position: the JSON object exactly as docs/experiments.md gives it (bins values for
# total, fwd and bwd of each method and class), every distribution summing to 1, the
# same bytes for any thread count, CSV and text, the SVG figure.
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/explib.sh"

exp_json 1 "$LRP_BIN" position --model "$MODEL" --data "$DATA" --min-length 10 --format json
exp_sentences 10
same "$(value "$F" 0.bins)" 10 "bins"
keys="0.bins 0.sentences"
for m in lrp sa; do
    for c in 0 1 2 3 4; do
        for p in total fwd bwd; do
            keys="$keys 0.$m.$c.$p"
            same "$(grep -c "^0\.$m\.$c\.$p\.[0-9]*=" "$F")" 10 "$m.$c.$p has 10 values"
            sum=$(awk -F= -v k="0.$m.$c.$p." 'index($1, k) == 1 { s += $2 } END { printf "%.12f", s }' "$F")
            near "$sum" 1 1e-9 "$m.$c.$p sums to 1"
        done
    done
done
same "$(exp_keys "$F")" "$(echo $keys | tr ' ' '\n' | sort | tr '\n' ' ')" "JSON keys"
neg=$(awk -F= '$2 < 0' "$F" | wc -l)
same "$neg" 0 "no negative share"

exp_same_json "1 thread and all threads differ" \
    "$LRP_BIN" position --model "$MODEL" --data "$DATA" --min-length 10 --format json --threads 1
exp_same_json "3 threads on the TSV data differ" \
    "$LRP_BIN" position --model "$MODEL" --data "$DATA_TSV" --min-length 10 --format json --threads 3

run 0 "$LRP_BIN" position --model "$MODEL" --data "$DATA" --min-length 3 --bins 4 --format json
flat "$TMP/out" >"$TMP/flat4"
same "$(grep -c '^0\.sa\.2\.fwd\.' "$TMP/flat4")" 4 "--bins 4"
same "$(value "$TMP/flat4" 0.sentences)" 40 "--min-length 3: every sentence"

exp_csv "method,target,target_label,part,bin_0,bin_1,bin_2,bin_3,bin_4,bin_5,bin_6,bin_7,bin_8,bin_9" 31 \
    "header and 2 x 5 x 3 rows" "$LRP_BIN" position --model "$MODEL" --data "$DATA" --min-length 10 --format csv
has "$TMP/out" "sa,4,very positive,bwd," "CSV row"
run 0 "$LRP_BIN" position --model "$MODEL" --data "$DATA" --min-length 10
has "$TMP/out" "$N sentences of at least"
has "$TMP/out" "LRP, target 0 (very negative):"
has "$TMP/out" "SA, target 4 (very positive):"

exp_figure 3 "LRP and SA grids" "$LRP_BIN" position --model "$MODEL" --data "$DATA" --min-length 10
same "$(grep -c '<title>[0-9]*: ' "$TMP/fig.svg")" 300 "2 x 3 x 5 panels of 10 bars"
has "$TMP/fig.svg" ">very positive</text>" "column names"

# no sentence long enough: a warning, zeros, exit 0
run 0 "$LRP_BIN" position --model "$MODEL" --data "$DATA" --min-length 500 --format json
has "$TMP/err" "no sentence of"
finish
