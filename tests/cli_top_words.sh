# lrp top-words: the JSON object as docs/experiments.md gives it, lists that agree with
# `lrp explain` over the same data (the largest and smallest relevance of any occurrence),
# k distinct words in rank order, --aggregate mean with --min-count, targets by index or
# name, CSV and text, the same bytes for any thread count.
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/explib.sh"

exp_json 1 "$LRP_BIN" top-words --model "$MODEL" --data "$DATA" --format json
same "$(value "$F" 0.target)" 4 "default target"
same "$(value "$F" 0.k)" 10 "default k"
same "$(sed 's/=.*//' "$F" | sed 's/\.[0-9]*\././' | sort -u | tr '\n' ' ')" \
    "0.k 0.lrp.least.count 0.lrp.least.leaf_label 0.lrp.least.line 0.lrp.least.position 0.lrp.least.relevance 0.lrp.least.word 0.lrp.most.count 0.lrp.most.leaf_label 0.lrp.most.line 0.lrp.most.position 0.lrp.most.relevance 0.lrp.most.word 0.sa.least.count 0.sa.least.leaf_label 0.sa.least.line 0.sa.least.position 0.sa.least.relevance 0.sa.least.word 0.sa.most.count 0.sa.most.leaf_label 0.sa.most.line 0.sa.most.position 0.sa.most.relevance 0.sa.most.word 0.target " \
    "JSON keys"
for m in lrp sa; do
    for l in most least; do
        same "$(grep -c "^0\.$m\.$l\.[0-9]*\.word=" "$F")" 10 "$m $l: 10 words"
        same "$(grep "^0\.$m\.$l\.[0-9]*\.word=" "$F" | cut -d= -f2 | sort -u | wc -l)" 10 "$m $l: distinct words"
        # rank order: most decreasing, least increasing
        grep "^0\.$m\.$l\.[0-9]*\.relevance=" "$F" | cut -d= -f2 >"$TMP/vals"
        if [ $l = most ]; then sort -g -r -c "$TMP/vals" 2>/dev/null || fail "$m most: not decreasing"
        else sort -g -c "$TMP/vals" 2>/dev/null || fail "$m least: not increasing"; fi
    done
done

# against lrp explain: the extreme occurrences over the whole data, and the word at a listed place
run 0 "$LRP_BIN" explain --model "$MODEL" --input ptb --method lrp,sa --target 4 --format json <"$DATA"
flat "$TMP/out" >"$TMP/ex"
for m in 0:lrp 1:sa; do
    k=${m%%:*}
    name=${m#*:}
    max=$(grep "^[0-9]*\.explanations\.$k\.relevance\." "$TMP/ex" | cut -d= -f2 | sort -g | tail -1)
    min=$(grep "^[0-9]*\.explanations\.$k\.relevance\." "$TMP/ex" | cut -d= -f2 | sort -g | head -1)
    near "$(value "$F" "0.$name.most.0.relevance")" "$max" 0 "$name: most relevant occurrence"
    near "$(value "$F" "0.$name.least.0.relevance")" "$min" 0 "$name: least relevant occurrence"
done
line=$(value "$F" 0.lrp.most.3.line)
pos=$(value "$F" 0.lrp.most.3.position)
idx=$((line - 1))
same "$(value "$TMP/ex" "$idx.tokens.$pos")" "$(value "$F" 0.lrp.most.3.word)" "line and position of a listed word"
near "$(value "$TMP/ex" "$idx.explanations.0.relevance.$pos")" "$(value "$F" 0.lrp.most.3.relevance)" 0 "its relevance"
w=$(value "$F" 0.lrp.most.0.word)
want=3
case $w in good | funny) want=3 ;; bad | boring | waste) want=1 ;; *) want=2 ;; esac
same "$(value "$F" 0.lrp.most.0.leaf_label)" "$want" "leaf label of '$w'"

# targets, threads
exp_same_json "--target 'very positive' on 1 thread differs from --target 4" \
    "$LRP_BIN" top-words --model "$MODEL" --data "$DATA" --format json --target "very positive" --threads 1
run 0 "$LRP_BIN" top-words --model "$MODEL" --data "$DATA_TSV" --format json --target 0 --k 3
flat "$TMP/out" >"$TMP/t0"
same "$(value "$TMP/t0" 0.target)" 0 "--target 0"
same "$(grep -c '^0\.sa\.least\.[0-9]*\.word=' "$TMP/t0")" 3 "--k 3"
same "$(value "$TMP/t0" 0.sa.least.0.leaf_label)" null "TSV data: no leaf labels"

# mean relevance: counts at least --min-count, the mean of the explain values
run 0 "$LRP_BIN" top-words --model "$MODEL" --data "$DATA" --format json --aggregate mean --min-count 5 --k 4
flat "$TMP/out" >"$TMP/mean"
w=$(value "$TMP/mean" 0.lrp.most.0.word)
paste -d' ' <(grep '^[0-9]*\.tokens\.' "$TMP/ex" | cut -d= -f2) \
    <(grep '^[0-9]*\.explanations\.0\.relevance\.' "$TMP/ex" | cut -d= -f2) >"$TMP/pairs"
want=$(awk -v w="$w" '$1 == w { s += $2; n++ } END { printf "%.15g", s / n }' "$TMP/pairs")
count=$(awk -v w="$w" '$1 == w { n++ } END { print n }' "$TMP/pairs")
near "$(value "$TMP/mean" 0.lrp.most.0.relevance)" "$want" 1e-12 "mean relevance of '$w'"
same "$(value "$TMP/mean" 0.lrp.most.0.count)" "$count" "count of '$w'"
for c in $(grep '\.count=' "$TMP/mean" | cut -d= -f2); do
    [ "$c" -ge 5 ] || fail "a word seen $c times with --min-count 5"
done

# CSV and text
exp_csv "method,list,rank,word,relevance,count,line,position,leaf_label" 41 "header and 4 x 10 rows" \
    "$LRP_BIN" top-words --model "$MODEL" --data "$DATA" --format csv
same "$(sed -n 2p "$TMP/out" | cut -d, -f1-4)" "lrp,most,1,$(value "$F" 0.lrp.most.0.word)" "first CSV row"
has "$TMP/out" '",",' "a comma as a word is quoted"
run 0 "$LRP_BIN" top-words --model "$MODEL" --data "$DATA"
has "$TMP/out" "target 4 (very positive), 40 sentences"
has "$TMP/out" "SA most"
has "$TMP/out" "LRP least"

# errors of this command
run 2 "$LRP_BIN" top-words --model "$MODEL" --data "$DATA" --target 9
has "$TMP/err" "--target: '9' is neither a class index in [0, 5)"
run 2 "$LRP_BIN" top-words --model "$MODEL" --data "$DATA" --target happy
has "$TMP/err" "--target: 'happy'"
run 2 "$LRP_BIN" top-words --model "$MODEL" --data "$DATA" --k 0
has "$TMP/err" "--k: 0 is outside"
run 2 "$LRP_BIN" top-words --model "$MODEL" --data "$DATA" --aggregate median
has "$TMP/err" "--aggregate: 'median' is neither occurrence nor mean"
run 2 "$LRP_BIN" top-words --model "$MODEL" --data "$DATA" --min-count 3
has "$TMP/err" "--min-count goes with --aggregate mean"
finish
