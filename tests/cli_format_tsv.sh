# lrp explain --format tsv: a header row, one row per token, the relevance columns
# byte-equal to the JSON output's numbers (both the shortest text that reads back as the
# value, checked against printf); lrp predict --format tsv likewise.
. "$(dirname "$0")/testlib.sh"

printf 'positive\tit %s good movie .\nvery negative\tzzz bad\n\n' "'s" >"$TMP/in"
run 1 "$LRP_BIN" explain --model "$MODEL" --input tsv --pretokenized --method lrp,gi --target pred,true,2 \
    --format tsv <"$TMP/in"
cp "$TMP/out" "$TMP/tsv"
has "$TMP/err" "line 3:" "the empty line is reported"
run 1 "$LRP_BIN" explain --model "$MODEL" --input tsv --pretokenized --method lrp,gi --target pred,true,2 \
    --format json <"$TMP/in"
flat "$TMP/out" >"$TMP/flat"
F=$TMP/flat
TSV=$TMP/tsv

same "$(head -1 "$TSV")" "$(printf 'line\tposition\ttoken\tunknown\tpredicted\ttrue\tlrp:pred\tgi:pred\tlrp:true\tgi:true\tlrp:2\tgi:2')" \
    "header row"
same "$(wc -l <"$TSV")" 8 "header + 5 + 2 token rows, nothing for the bad line"
same "$(awk -F'\t' '{ print NF }' "$TSV" | sort -u)" 12 "every row has 12 columns"
ok "every number of the TSV is the shortest closest text of its value" "$LRP_TESTTOOL" shortest tsv "$TSV"

# row by row against the JSON values
row=2
for s in 0 1; do
    n=$(grep -c "^$s\.tokens\." "$F")
    for ((t = 0; t < n; t++)); do
        line=$(sed -n "${row}p" "$TSV")
        IFS=$'\t' read -r -a col <<<"$line"
        same "${col[0]}" "$(value "$F" $s.line)" "row $row: line"
        same "${col[1]}" "$t" "row $row: position"
        same "${col[2]}" "$(value "$F" $s.tokens.$t)" "row $row: token"
        u=0
        [ "$(value "$F" $s.unknown.$t)" = true ] && u=1
        same "${col[3]}" "$u" "row $row: unknown"
        same "${col[4]}" "$(value "$F" $s.predicted)" "row $row: predicted"
        same "${col[5]}" "$(value "$F" $s.true)" "row $row: true"
        for k in 0 1 2 3 4 5; do
            same "${col[$((6 + k))]}" "$(value "$F" $s.explanations.$k.relevance.$t)" "row $row: column $((6 + k))"
        done
        row=$((row + 1))
    done
done
# --target true explained each line's own class
same "$(value "$F" 0.explanations.2.target)" 3 "true target of line 1"
same "$(value "$F" 1.explanations.2.target)" 0 "true target of line 2"
same "$(sed -n 7p "$TSV" | cut -f3,4)" "$(printf 'zzz\t1')" "unknown word marked 1"

# predict: header with class names, scores and probabilities as in the JSON output
run 1 "$LRP_BIN" predict --model "$MODEL" --input tsv --pretokenized --format tsv <"$TMP/in"
P=$TMP/out
same "$(head -1 "$P")" "$(printf 'line\tpredicted\tlabel\ttrue\ttrue_label\tscore:very negative\tscore:negative\tscore:neutral\tscore:positive\tscore:very positive\tprobability:very negative\tprobability:negative\tprobability:neutral\tprobability:positive\tprobability:very positive')" \
    "predict header"
same "$(wc -l <"$P")" 3 "predict: header + 2 rows"
ok "every number of the predict TSV is the shortest closest text of its value" "$LRP_TESTTOOL" shortest tsv "$P"
IFS=$'\t' read -r -a col <<<"$(sed -n 2p "$P")"
same "${col[0]}" 1 "predict line"
same "${col[1]}" "$(value "$F" 0.predicted)" "predict predicted"
same "${col[2]}" "$(value "$F" 0.label)" "predict label"
same "${col[3]}" 3 "predict true"
same "${col[4]}" positive "predict true_label"
for c in 0 1 2 3 4; do
    same "${col[$((5 + c))]}" "$(value "$F" 0.scores.$c)" "predict score $c"
    same "${col[$((10 + c))]}" "$(value "$F" 0.probabilities.$c)" "predict probability $c"
done

finish
