# --target true with labelled input: --input tsv (label by name or index) and
# --input ptb (label of the root); each line explains its own true class, equal to
# explaining that class by index; lines with a bad label fail alone.
. "$(dirname "$0")/testlib.sh"

cat >"$TMP/tsv" <<'TSV'
very positive	it 's a good movie .
0	do n't waste your money
neutral	a bad , boring film
3	funny and good
negative	the movie is not good
TSV
want=(4 0 2 3 1)
for input in tsv ptb; do
    if [ $input = ptb ]; then
        cat >"$TMP/ptb" <<'PTB'
(4 (2 it) (4 (2 's) (4 (2 a) (4 (4 good) (2 (2 movie) (2 .))))))
(0 (2 do) (0 (1 n't) (0 (0 waste) (2 (2 your) (2 money)))))
(2 (2 a) (2 (1 bad) (2 (2 ,) (1 (1 boring) (2 film)))))
(3 (3 funny) (3 (2 and) (3 good)))
(1 (2 the) (1 (2 movie) (1 (2 is) (1 (1 not) (3 good)))))
PTB
        file=$TMP/ptb
    else
        file=$TMP/tsv
    fi
    run 0 "$LRP_BIN" explain --model "$MODEL" --input $input --pretokenized --method lrp,sa --target true,pred \
        --format json --threads 2 <"$file"
    flat "$TMP/out" >"$TMP/flat-$input"
    F=$TMP/flat-$input
    for i in 0 1 2 3 4; do
        same "$(value "$F" $i.true)" "${want[$i]}" "$input line $((i + 1)): true class"
        same "$(value "$F" $i.explanations.0.target)" "${want[$i]}" "$input line $((i + 1)): lrp explains the true class"
        same "$(value "$F" $i.explanations.1.target)" "${want[$i]}" "$input line $((i + 1)): sa explains the true class"
        same "$(value "$F" $i.explanations.2.target)" "$(value "$F" $i.predicted)" "$input line $((i + 1)): then pred"
        # the same as asking for that class by index
        sentence=$(sed -n "$((i + 1))p" "$TMP/tsv" | cut -f2)
        "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,sa --target "${want[$i]}" --format json \
            "$sentence" | flat /dev/stdin >"$TMP/one"
        CHECKS=$((CHECKS + 1))
        diff <(grep '\.relevance\.' "$TMP/one" | sed 's/^0\.//') \
            <(grep "^$i\.explanations\.[01]\.relevance\." "$F" | sed "s/^$i\.//") >/dev/null ||
            fail "$input line $((i + 1)): --target true differs from --target ${want[$i]}"
    done
done
# tsv and ptb give the same tokens, so the same explanations
CHECKS=$((CHECKS + 1))
diff <(grep -v -e '\.true' "$TMP/flat-tsv") <(grep -v -e '\.true' "$TMP/flat-ptb") >/dev/null ||
    fail "tsv and ptb input explain differently"

# text output names the true class
run 0 "$LRP_BIN" explain --model "$MODEL" --input tsv --pretokenized --target true <"$TMP/tsv"
has "$TMP/out" "line 1: predicted" "text header"
has "$TMP/out" ", true very positive (4)" "text header names the true class"

# a bad label fails its line only
printf 'positive\tgood\nsuper positive\tgood\n7\tgood\nno tab here\n1\tbad\n' >"$TMP/badtsv"
run 1 "$LRP_BIN" explain --model "$MODEL" --input tsv --pretokenized --target true --format json <"$TMP/badtsv"
flat "$TMP/out" >"$TMP/f"
same "$(wc -l <"$TMP/out")" 5 "one object per line"
for i in 1 2 3; do has "$TMP/f" "$i.error=" "line $((i + 1))"; done
same "$(value "$TMP/f" 0.true)" 3 "good line before"
same "$(value "$TMP/f" 4.true)" 1 "good line after"
for l in 2 3 4; do has "$TMP/err" "line $l:" "stderr"; done
printf '(3 (2 good)\n(9 (2 good))\n' >"$TMP/badptb"
run 1 "$LRP_BIN" explain --model "$MODEL" --input ptb --target true --format json <"$TMP/badptb"
same "$(grep -c '"error"' "$TMP/out")" 2 "bad trees fail their line"

# --target true without labels is a usage error
run 2 "$LRP_BIN" explain --model "$MODEL" --target true <"$TMP/tsv"
run 2 "$LRP_BIN" explain --model "$MODEL" --target pred,true "good"

finish
