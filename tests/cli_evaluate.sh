# lrp evaluate: accuracy, binary accuracy and confusion matrix agree with lrp predict
# on the same labelled lines; treebank and TSV input; bad data and usage errors.
. "$(dirname "$0")/testlib.sh"

cat >"$TMP/data.ptb" <<'T'
(3 (2 it) (4 (4 (2 's) (4 good)) (2 .)))
(1 (2 a) (1 (1 bad) (2 movie)))
(2 (2 the) (2 film))
(0 (2 do) (0 (0 (2 n't) (2 waste)) (2 (2 your) (2 money))))
(4 (4 good) (2 film))
(1 (2 not) (1 good))
T
# the same sentences as LABEL<TAB>tokens, labels by name and by index
printf "positive\tit 's good .\n1\ta bad movie\nneutral\tthe film\n0\tdo n't waste your money\nvery positive\tgood film\nnegative\tnot good\n" >"$TMP/data.tsv"

run 0 "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/data.ptb" --format json
flat "$TMP/out" >"$TMP/e"
run 0 "$LRP_BIN" predict --model "$MODEL" --input tsv --pretokenized --format tsv <"$TMP/data.tsv"
# columns: line predicted label true true_label scores... probabilities (5 + 5)
awk -F'\t' 'NR > 1 { n++; if ($2 == $4) c++;
    if ($4 != 2) { b++; pos = $14 + $15 > $11 + $12; if (pos == ($4 >= 3)) bc++ } }
    END { printf "%d %d %d %d\n", n, c, b, bc }' "$TMP/out" >"$TMP/want"
read -r n c b bc <"$TMP/want"
same "$(value "$TMP/e" 0.sentences)" "$n" "sentences"
same "$(value "$TMP/e" 0.correct)" "$c" "correct, as predict's argmax"
same "$(value "$TMP/e" 0.binary_sentences)" 5 "binary: the non-neutral sentences"
same "$(value "$TMP/e" 0.binary_correct)" "$bc" "binary correct, as predict's probabilities"
near "$(value "$TMP/e" 0.accuracy)" "$(awk -v c="$c" -v n="$n" 'BEGIN { printf "%.17g", c / n }')" 1e-15 "accuracy"
total=0
for t in 0 1 2 3 4; do
    for p in 0 1 2 3 4; do total=$((total + $(value "$TMP/e" 0.confusion.$t.$p))); done
done
same "$total" 6 "confusion matrix counts every sentence once"
same "$(value "$TMP/e" 0.confusion.2.$(awk -F'\t' 'NR == 4 { print $2 }' "$TMP/out"))" 1 \
    "the neutral sentence in its row and its predicted column"

# the TSV file gives the same numbers
run 0 "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/data.tsv" --pretokenized --format json
flat "$TMP/out" | grep -v '^0\.data=' >"$TMP/e2"
grep -v '^0\.data=' "$TMP/e" >"$TMP/e1"
CHECKS=$((CHECKS + 1))
diff "$TMP/e1" "$TMP/e2" >/dev/null || fail "ptb and tsv input give different numbers"
# from standard input, raw text, and the thread count changes nothing
run 0 "$LRP_BIN" evaluate --model "$MODEL" --data - --threads 1 <"$TMP/data.ptb"
cp "$TMP/out" "$TMP/t1"
run 0 "$LRP_BIN" evaluate --model "$MODEL" --data - --threads 3 <"$TMP/data.ptb"
CHECKS=$((CHECKS + 1))
cmp -s "$TMP/t1" "$TMP/out" || fail "thread count changes the output"
has "$TMP/out" "fine-grained   " "text: fine-grained line"
has "$TMP/out" "binary         " "text: binary line"
has "$TMP/out" "positive iff p(3) + p(4) > p(0) + p(1)" "text: the binary rule is named"
has "$TMP/out" "very positive" "text: confusion rows are labelled"
printf "4\tA good film!\n" | "$LRP_BIN" evaluate --model "$MODEL" --data - --format json >"$TMP/raw" 2>&1
has "$TMP/raw" '"sentences":1,' "raw text is tokenized"

# bad data: exit 1, the problem named
run 1 "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/missing.txt"
has "$TMP/err" "missing.txt" "a missing data file is named"
printf '(3 (2 it) (4 good)\n' >"$TMP/bad.ptb"
run 1 "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/bad.ptb"
has "$TMP/err" "bad.ptb:1:" "a malformed tree is named by file and line"
printf '7\tgood film\n' >"$TMP/badlabel.tsv"
run 1 "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/badlabel.tsv"
has "$TMP/err" "badlabel.tsv:1:" "a label outside the classes is named"
printf '4\tzzz film\n' >"$TMP/unk.tsv"
run 1 "$LRP_BIN" evaluate --model "$MODEL_NOUNK" --data "$TMP/unk.tsv"
has "$TMP/err" "zzz" "an unknown word without an unk word is named"
run 1 "$LRP_BIN" evaluate --model "$MODEL" --data /dev/null
has "$TMP/err" "no sentences" "an empty file"
run 1 "$LRP_BIN" evaluate --model "$TMP/missing.safetensors" --data "$TMP/data.ptb"

# usage errors: exit 2
run 2 "$LRP_BIN" evaluate --model "$MODEL"
has "$TMP/err" "--data FILE is required" "missing --data"
run 2 "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/data.ptb" --format yaml
run 2 "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/data.ptb" --threads -1
run 2 "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/data.ptb" extra
run 2 "$LRP_BIN" evaluate --model "$MODEL" --bogus
run 0 "$LRP_BIN" evaluate --help
has "$TMP/out" "Usage: lrp evaluate" "help"

finish
