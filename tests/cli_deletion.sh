# lrp deletion: the JSON object exactly as docs/experiments.md gives it (six values per
# variant for k = 0..5, both panels), panels that add up, k = 0 as classified, the same
# bytes for any thread count and for the same seed, CSV and text, the SVG figure.
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/explib.sh"

exp_json 1 "$LRP_BIN" deletion --model "$DMODEL" --data "$DATA" --min-length 8 --format json
exp_sentences 8
same "$(value "$F" 0.max_deletions)" 5 "max_deletions"
n1=$(value "$F" 0.correct.n)
n2=$(value "$F" 0.false.n)
same $((n1 + n2)) "$N" "the panels add up to the sentences"
for p in correct false; do
    for v in lrp lrp-cons sa gi random; do
        same "$(grep -c "^0\.$p\.accuracy\.$v\.[0-9]*=" "$F")" 6 "$p.accuracy.$v has 6 values"
    done
    same "$(grep -c "^0\.$p\.random_std\.[0-9]*=" "$F")" 6 "$p.random_std has 6 values"
done
# the keys, exactly
same "$(exp_keys "$F")" \
    "0.correct.accuracy.gi 0.correct.accuracy.lrp 0.correct.accuracy.lrp-cons 0.correct.accuracy.random 0.correct.accuracy.sa 0.correct.n 0.correct.random_std 0.false.accuracy.gi 0.false.accuracy.lrp 0.false.accuracy.lrp-cons 0.false.accuracy.random 0.false.accuracy.sa 0.false.n 0.false.random_std 0.max_deletions 0.sentences " \
    "JSON keys"
same "$(value "$F" 0.correct.accuracy.lrp.0)" 1 "k = 0, correct panel"
same "$(value "$F" 0.false.accuracy.sa.0)" 0 "k = 0, false panel"
same "$(value "$F" 0.correct.random_std.0)" 0 "no spread before any deletion"
# the correct panel's count agrees with lrp predict on the same sentences
exp_long 8 >"$TMP/long.tsv"
run 0 "$LRP_BIN" predict --model "$DMODEL" --input tsv --pretokenized --format json <"$TMP/long.tsv"
flat "$TMP/out" >"$TMP/pred"
ok_count=$(awk -F= '/\.predicted=/ { split($1, a, "."); p[a[1]] = $2 } /\.true=/ { split($1, a, "."); t[a[1]] = $2 }
    END { for (i in p) if (p[i] == t[i]) c++; print c + 0 }' "$TMP/pred")
same "$n1" "$ok_count" "initially correct sentences, as lrp predict says"

# threads and seeds
exp_same_json "1 thread and all threads differ" \
    "$LRP_BIN" deletion --model "$DMODEL" --data "$DATA" --min-length 8 --format json --threads 1
exp_same_json "3 threads (seed 1, the default) differ" \
    "$LRP_BIN" deletion --model "$DMODEL" --data "$DATA" --min-length 8 --format json --threads 3 --seed 1
run 0 "$LRP_BIN" deletion --model "$DMODEL" --data "$DATA" --min-length 8 --format json --seed 99
flat "$TMP/out" >"$TMP/flat99"
same "$(grep -v random "$TMP/flat99")" "$(grep -v random "$F")" "another seed changes only the random deletions"
cmp -s "$TMP/out" "$TMP/json" && fail "seed 99 gives the same random deletions as seed 1"

# options
run 0 "$LRP_BIN" deletion --model "$DMODEL" --data "$DATA_TSV" --min-length 3 --max-deletions 2 --random-runs 3 --format json
flat "$TMP/out" >"$TMP/flat2"
same "$(grep -c '^0\.correct\.accuracy\.lrp\.' "$TMP/flat2")" 3 "k = 0..2"
same "$(value "$TMP/flat2" 0.sentences)" 40 "every sentence has at least 3 words (TSV input)"

# CSV and text
exp_csv "panel,n,k,lrp,lrp-cons,sa,gi,random,random_std" 13 "header and 2 x 6 rows" \
    "$LRP_BIN" deletion --model "$DMODEL" --data "$DATA" --min-length 8 --format csv
same "$(sed -n 2p "$TMP/out" | cut -d, -f1-4)" "correct,$n1,0,1" "first CSV row"
same "$(grep -c '^false,' "$TMP/out")" 6 "false panel rows"
run 0 "$LRP_BIN" deletion --model "$DMODEL" --data "$DATA" --min-length 8
has "$TMP/out" "$N sentences of at least 8 words"
has "$TMP/out" "initially correctly classified: $n1 sentences, words deleted in decreasing order"
has "$TMP/out" "initially falsely classified: $n2 sentences, words deleted in increasing order"

# the figure
exp_figure 3 "two panels in one SVG" "$LRP_BIN" deletion --model "$DMODEL" --data "$DATA" --min-length 8
has "$TMP/fig.svg" ">LRP_cons</text>" "legend"
has "$TMP/fig.svg" "initially correct ($n1 sentences)" "left panel title"
has "$TMP/fig.svg" "initially false ($n2 sentences)" "right panel title"

# help
run 0 "$LRP_BIN" deletion --help
has "$TMP/out" "--max-deletions K"
has "$TMP/out" "--seed N"
finish
