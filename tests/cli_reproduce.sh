# lrp reproduce: the report directory (index.html and its CSV and SVG files), a
# self-contained page with every section filled, CSV files equal to the single commands'
# output, the same bytes for any thread count, the findings on standard output, and bad
# --out / --data / --lines.
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/explib.sh"

mkdir "$TMP/sst"
cp "$DATA" "$TMP/sst/test.txt"
run 0 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst" --out "$TMP/rep" --threads 1
cp "$TMP/out" "$TMP/stdout"
R=$TMP/rep
for f in index.html accuracy.csv confusion.csv heatmaps.csv top_words.csv negation.csv deletion.csv position.csv \
    position_summary.csv findings.csv deletion.svg position.svg heatmaps.tex; do
    [ -s "$R/$f" ] || fail "$f is missing or empty"
done
same "$(ls "$R" | wc -l)" 13 "thirteen files, no temporary file left"
has "$TMP/stdout" "report: $R/index.html"
arch="1-layer bi-LSTM, last states, 5 classes"
same "$(head -1 "$TMP/stdout")" "model: $DMODEL: $arch" "the model and its architecture first"
same "$(grep -c '^\[\(yes\|no\|n/a\)\]' "$TMP/stdout")" 14 "14 findings on standard output"

# the page: self-contained, every section and figure filled
H=$R/index.html
same "$(head -1 "$H")" "<!DOCTYPE html>" "page start"
same "$(tail -1 "$H")" "</html>" "page end"
for bad in "<script" "<link" "<img" "src=" "https://" "@import"; do hasnt "$H" "$bad" "self-contained page"; done
same "$(grep -o 'http://[^"]*' "$H" | sort -u)" "http://www.w3.org/2000/svg" "the only URL is the SVG namespace"
for id in findings accuracy heatmaps negation table1 deletion position choices; do has "$H" "id=\"$id\"" "section $id"; done
same "$(grep -c '<svg' "$H")" 4 "four inline charts (two deletion panels, two position grids)"
same "$(grep -c '<polyline' "$H")" 10 "deletion: five lines in each panel"
same "$(grep -c '<title>[0-9]*: ' "$H")" 300 "position: 2 x 3 x 5 panels of 10 bars"
same "$(grep -c '<blockquote class="paper">' "$H")" 5 "the paper's statement beside each part"
same "$(grep -c '^<tr><td>[^<]*</td><td>[^<]*</td><td>[0-9]*\.</td>' "$H")" 21 "heatmaps: the first 21 sentences"
same "$(grep -c '<td class="\(yes\|no\|n/a\)">' "$H")" 14 "findings table rows"
for f in accuracy.csv confusion.csv heatmaps.csv top_words.csv negation.csv deletion.csv position.csv \
    position_summary.csv findings.csv; do
    has "$H" "<a href=\"$f\">" "link to $f"
done
hasnt "$H" "nan" "no NaN in the page"
has "$H" "<tr><th>model</th><td>$DMODEL: $arch (E = " "the page names the architecture"

# the CSV files are the single commands' output
run 0 "$LRP_BIN" deletion --model "$DMODEL" --data "$DATA" --format csv
cmp -s "$TMP/out" "$R/deletion.csv" || fail "deletion.csv differs from lrp deletion --format csv"
run 0 "$LRP_BIN" position --model "$DMODEL" --data "$DATA" --format csv
cmp -s "$TMP/out" "$R/position.csv" || fail "position.csv differs from lrp position --format csv"
run 0 "$LRP_BIN" top-words --model "$DMODEL" --data "$DATA" --format csv
cmp -s "$TMP/out" "$R/top_words.csv" || fail "top_words.csv differs from lrp top-words --format csv"
run 0 "$LRP_BIN" evaluate --model "$DMODEL" --data "$DATA" --format json
flat "$TMP/out" >"$TMP/ev"
same "$(sed -n 2p "$R/accuracy.csv" | cut -d, -f1-3)" "fine-grained,$(value "$TMP/ev" 0.correct),40" "accuracy.csv: as lrp evaluate"
same "$(sed -n 3p "$R/accuracy.csv" | cut -d, -f1-3)" \
    "binary,$(value "$TMP/ev" 0.binary_correct),$(value "$TMP/ev" 0.binary_sentences)" "binary accuracy as lrp evaluate"
run 0 "$LRP_BIN" heatmaps --model "$DMODEL" --data "$DATA" --lines 1 --format csv
same "$(sed -n 2p "$R/heatmaps.csv")" "1,$(sed -n 2p "$TMP/out")" "heatmaps.csv: as lrp heatmaps"
run 0 "$LRP_BIN" heatmaps --model "$DMODEL" --data "$DATA" --lines $(seq -s, 1 21) --format latex
cmp -s "$TMP/out" "$R/heatmaps.tex" || fail "heatmaps.tex differs from lrp heatmaps --format latex"
same "$(head -1 "$R/findings.csv")" "section,paper,measure,ours,holds" "findings.csv header"
same "$(tail -n +2 "$R/findings.csv" | grep -c ',\(yes\|no\|n/a\)$')" 14 "findings.csv rows"

# the same bytes on all threads; a seed changes only what is random
run 0 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst/test.txt" --out "$TMP/rep2"
diff -r "$R" "$TMP/rep2" >/dev/null || fail "1 thread and all threads give different files"
run 0 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst" --out "$TMP/rep3" --seed 7
cmp -s "$R/position.csv" "$TMP/rep3/position.csv" || fail "--seed changes position.csv"
cmp -s "$R/deletion.csv" "$TMP/rep3/deletion.csv" && fail "--seed 7 gives the same random deletions"
# rerun into the same directory: files replaced
run 0 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst" --out "$TMP/rep3" --lines 5,3
same "$(cut -d, -f1,2 "$TMP/rep3/heatmaps.csv" | sort -u | tr '\n' ' ')" "1,5 2,3 number,line " "--lines 5,3"

# JSON on standard output
run 0 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst" --out "$TMP/rep" --format json
flat "$TMP/out" >"$TMP/fj"
same "$(grep -c '^0\.findings\.[0-9]*\.holds=' "$TMP/fj")" 14 "JSON findings"
same "$(value "$TMP/fj" 0.report)" "$R/index.html" "JSON report path"
same "$(value "$TMP/fj" 0.model)" "$DMODEL" "JSON model path"
same "$(value "$TMP/fj" 0.architecture)" "$arch" "JSON architecture"
same "$(sed 's/=.*//; s/^0\.findings\.[0-9]*\./0.findings.N./' "$TMP/fj" | sort -u | tr '\n' ' ')" \
    "0.architecture 0.findings.N.holds 0.findings.N.measure 0.findings.N.ours 0.findings.N.paper 0.findings.N.section 0.model 0.report " "JSON keys"

# a model of the family (the general golden fixture's bi-LSTM with attention and a dense
# layer; words w0..w36): the report names its architecture
"$LRP_TESTTOOL" model "$TMP/att.safetensors" --general "$LRP_TEST_DATA/golden/general/lstm-bi-attention-relu.json" ||
    fail "cannot write the attention model"
awk 'BEGIN { s = 7; for (i = 0; i < 30; i++) {
    s = (s * 1103515245 + 12345) % 2147483648; T = 2 + s % 20; line = "(" (i % 5)
    for (t = 0; t < T; t++) { s = (s * 1103515245 + 12345) % 2147483648; line = line " (" (s % 5) " w" (int(s / 7) % 37) ")" }
    print line ")" } }' >"$TMP/att.ptb"
run 0 "$LRP_BIN" reproduce --model "$TMP/att.safetensors" --data "$TMP/att.ptb" --out "$TMP/rep5"
arch="1-layer bi-LSTM, attention (A=8), dense 7 relu, 5 classes"
same "$(head -1 "$TMP/out")" "model: $TMP/att.safetensors: $arch" "the attention model's architecture first"
same "$(grep -c '^\[\(yes\|no\|n/a\)\]' "$TMP/out")" 14 "14 findings for the attention model"
has "$TMP/rep5/index.html" "<tr><th>model</th><td>$TMP/att.safetensors: $arch (E = 8, H = 6, vocabulary 37)" \
    "the page names the attention model's architecture"

# LABEL<TAB>sentence data: no leaf labels, those findings are n/a
run 0 "$LRP_BIN" reproduce --model "$DMODEL" --data "$DATA_TSV" --out "$TMP/rep4"
same "$(grep -c '^\[n/a\] \(Table 1\|negation\)' "$TMP/out")" 3 "Table 1 and negation need leaf labels"
has "$TMP/rep4/index.html" "Needs treebank data"

# errors
run 2 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst"
has "$TMP/err" "--out DIR is required"
run 2 "$LRP_BIN" reproduce --model "$DMODEL" --out "$TMP/x"
has "$TMP/err" "--data is required"
run 1 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP" --out "$TMP/x"
has "$TMP/err" "$TMP/test.txt" "a directory without test.txt"
run 1 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst" --out "$DATA"
has "$TMP/err" "is not a directory"
run 1 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst" --out "$TMP/no/such/dir"
has "$TMP/err" "cannot create the output directory $TMP/no/such/dir"
run 2 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst" --out "$TMP/x" --lines 1,a
has "$TMP/err" "--lines: 'a' is not an integer"
[ -e "$TMP/x" ] && fail "a usage error created the output directory"
run 1 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst" --out "$TMP/x" --lines 99
has "$TMP/err" "--lines: line 99"
finish
