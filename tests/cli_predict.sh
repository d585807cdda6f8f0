# lrp predict: scores and probabilities equal to explain's, predicted = argmax,
# text and JSON content, true class from labelled input.
. "$(dirname "$0")/testlib.sh"

printf 'it %s a good movie .\ndo n%st waste your money\nzzz\n' "'s" "'" >"$TMP/in"
run 0 "$LRP_BIN" predict --model "$MODEL" --pretokenized --format json --threads 2 <"$TMP/in"
flat "$TMP/out" >"$TMP/p"
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --format json <"$TMP/in"
flat "$TMP/out" >"$TMP/e"
P=$TMP/p
same "$(grep -c '\.line=' "$P")" 3 "one object per line"
hasnt "$P" "explanations" "predict does not explain"
CHECKS=$((CHECKS + 1))
diff <(grep -v explanations "$TMP/e") "$P" >/dev/null || fail "predict's fields differ from explain's"
for i in 0 1 2; do
    argmax=$(grep "^$i\.scores\." "$P" | sed "s/^$i\.scores\.//" | sort -t= -k2 -g | tail -1 | cut -d= -f1)
    same "$(value "$P" $i.predicted)" "$argmax" "line $((i + 1)): argmax"
    near "$(grep "^$i\.probabilities\." "$P" | cut -d= -f2 | awk '{ s += $1 } END { printf "%.17g", s }')" 1 1e-12 \
        "line $((i + 1)): probabilities sum to 1"
done
same "$(value "$P" 2.unknown.0)" true "unknown word marked"

run 0 "$LRP_BIN" predict --model "$MODEL" --pretokenized <"$TMP/in"
T=$TMP/out
l0=$(value "$P" 0.label)
p0=$(printf '%.4f' "$(value "$P" 0.probabilities.$(value "$P" 0.predicted))")
has "$T" "line 1: $l0 ($(value "$P" 0.predicted), p = $p0)" "text: predicted label and probability"
has "$T" "very negative $(printf '%.4f' "$(value "$P" 0.probabilities.0)");" "text: every class's probability"
same "$(grep -c '^line ' "$T")" 3 "text: one entry per line"

printf 'very positive\tit %s a good movie .\n' "'s" >"$TMP/tsv"
run 0 "$LRP_BIN" predict --model "$MODEL" --input tsv --pretokenized <"$TMP/tsv"
has "$TMP/out" ", true very positive (4)" "text: true class"
run 0 "$LRP_BIN" predict --model "$MODEL" --input tsv --pretokenized --format json <"$TMP/tsv"
flat "$TMP/out" >"$P"
same "$(value "$P" 0.true):$(value "$P" 0.true_label)" "4:very positive" "json: true class"

finish
