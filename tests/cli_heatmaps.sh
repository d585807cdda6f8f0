# lrp heatmaps: the chosen lines in the order asked, relevances equal to `lrp explain`'s for
# the true class, every format (JSON Lines, CSV, text, a self-contained HTML table, a LaTeX
# tabular), line numbers of the file (blank lines counted), bad --lines.
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/explib.sh"

exp_json 3 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --lines 7,2,7 --format json
same "$(value "$F" 0.line),$(value "$F" 1.line),$(value "$F" 2.line)" "7,2,7" "lines in the order asked"
same "$(sed 's/=.*//' "$F" | sed 's/^[0-9]*\.//; s/\.[0-9]*$//' | sort -u | tr '\n' ' ')" \
    "label line lrp predicted sa tokens true true_label unknown " "JSON keys"
sed -n 7p "$DATA" >"$TMP/l7"
run 0 "$LRP_BIN" explain --model "$MODEL" --input ptb --target true --method lrp,sa --format json <"$TMP/l7"
flat "$TMP/out" >"$TMP/ex"
same "$(value "$F" 0.true)" "$(value "$TMP/ex" 0.true)" "true class"
same "$(value "$F" 0.predicted)" "$(value "$TMP/ex" 0.predicted)" "predicted class"
T=$(grep -c '^0\.tokens\.' "$TMP/ex")
for t in $(seq 0 $((T - 1))); do
    same "$(value "$F" 0.tokens.$t)" "$(value "$TMP/ex" 0.tokens.$t)" "token $t"
    same "$(value "$F" 0.lrp.$t)" "$(value "$TMP/ex" 0.explanations.0.relevance.$t)" "lrp of word $t"
    same "$(value "$F" 0.sa.$t)" "$(value "$TMP/ex" 0.explanations.1.relevance.$t)" "sa of word $t"
done
same "$(grep '^0\.' "$F" | sed 's/^0\.//')" "$(grep '^2\.' "$F" | sed 's/^2\.//')" "the same line twice, the same output"

# every sentence by default; the same bytes on one thread
run 0 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --format json --threads 1
same "$(wc -l <"$TMP/out")" 40 "every sentence by default"
sed -n 2p "$TMP/out" >"$TMP/second"
same "$(cat "$TMP/second")" "$(sed -n 2p "$TMP/json")" "line 2, alone or among all"

# blank lines count as lines
{ sed -n 1p "$DATA"; echo; sed -n 2,3p "$DATA"; } >"$TMP/blank.ptb"
run 0 "$LRP_BIN" heatmaps --model "$MODEL" --data "$TMP/blank.ptb" --lines 3 --format json
flat "$TMP/out" >"$TMP/b"
same "$(value "$TMP/b" 0.tokens.0)" "$(value "$F" 1.tokens.0)" "line 3 after a blank line is the data's second sentence"

# CSV, text
T2=$(grep -c '^1\.tokens\.' "$F")
exp_csv "line,position,token,true,predicted,sa,lrp" $((1 + T + T2)) "one row per word" \
    "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --lines 7,2 --format csv
same "$(sed -n 2p "$TMP/out" | cut -d, -f1,2)" "7,0" "first CSV row"
NO_COLOR=1 run 0 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --lines 7 --format text
has "$TMP/out" "1. line 7: true $(value "$F" 0.true_label), predicted $(value "$F" 0.label)"

# HTML: self-contained, one row per sentence, SA red only
run 0 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --lines 7,2,5 --format html
H=$TMP/out
same "$(head -1 "$H")" "<!DOCTYPE html>" "page start"
same "$(tail -1 "$H")" "</html>" "page end"
for bad in "<script" "<link" "src=" "http://" "https://"; do hasnt "$H" "$bad" "self-contained page"; done
same "$(grep -c '^<tr><td>' "$H")" 3 "a table row per sentence"
has "$H" "<td>1.</td><td>7</td>" "number and line"
grep -o '<span class="w[^>]*title="sa:[^>]*>' "$H" >"$TMP/sa"
same "$(grep -c -v 'background:#ff' "$TMP/sa")" 0 "SA spans that are not red or white"
has "$TMP/sa" 'background:#ff0000' "SA maximum is pure red"

# LaTeX
run 0 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --lines 7,2 --format latex
has "$TMP/out" '\begin{tabular}'
has "$TMP/out" '\end{tabular}}'
same "$(grep -c '\\\\ % line' "$TMP/out")" 2 "a tabular row per sentence"
has "$TMP/out" '\colorbox[RGB]{'

# --lines
run 2 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --lines 3,x
has "$TMP/err" "--lines: 'x' is not an integer"
run 2 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --lines 0
has "$TMP/err" "--lines: 0 is outside"
run 2 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --lines 1,,2
has "$TMP/err" "--lines: '1,,2' is not a list of line numbers"
run 2 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --lines ""
has "$TMP/err" "is not a list of line numbers"
run 1 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --lines 5,41
has "$TMP/err" "--lines: line 41 of $DATA holds no sentence (40 sentences, last on line 40)"
run 1 "$LRP_BIN" heatmaps --model "$MODEL" --data "$TMP/blank.ptb" --lines 2
has "$TMP/err" "line 2 of $TMP/blank.ptb holds no sentence"
run 1 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --lines paper
has "$TMP/err" "--lines paper: line 2089 is not a sentence of"
run 2 "$LRP_BIN" heatmaps --model "$MODEL" --data "$DATA" --format pdf
has "$TMP/err" "(text, json, csv, html, latex)"
finish
