# lrp explain --format json: one object per input line with every documented field,
# values consistent with each other (argmax, softmax, conservation, fwd + bwd), floats
# printed with 17 significant digits, bad lines as {"line","error"} objects.
. "$(dirname "$0")/testlib.sh"

run 0 "$LRP_BIN" explain --model "$MODEL" --format json --pretokenized --method lrp,lrp-cons,sa,gi \
    --target pred,0 "it 's a good movie ." "zzz good"
cp "$TMP/out" "$TMP/raw"
flat "$TMP/raw" >"$TMP/flat" || fail "output is not JSON Lines"
same "$(wc -l <"$TMP/raw")" 2 "one line per sentence"
F=$TMP/flat

# tokens, unknown marks, line numbers
same "$(value "$F" 0.line)" 1 "line of the first sentence"
same "$(value "$F" 1.line)" 2 "line of the second sentence"
same "$(grep -c '^0\.tokens\.' "$F")" 6 "six tokens"
same "$(value "$F" 0.tokens.1)" "'s" "token 1"
same "$(value "$F" 0.tokens.5)" "." "token 5"
same "$(grep -c '^0\.unknown\..*=false$' "$F")" 6 "no unknown word in sentence 1"
same "$(value "$F" 1.tokens.0)" "zzz" "an unknown word is printed as written"
same "$(value "$F" 1.unknown.0)" "true" "an unknown word is marked"
same "$(value "$F" 1.unknown.1)" "false" "a known word is not marked"
hasnt "$F" "0.true=" "no true class without labelled input"

# scores and probabilities: 5 classes, softmax sums to 1, predicted = argmax, label its name
same "$(grep -c '^0\.scores\.' "$F")" 5 "five scores"
near "$(grep '^0\.probabilities\.' "$F" | cut -d= -f2 | awk '{ s += $1 } END { printf "%.17g", s }')" 1 1e-12 \
    "probabilities sum"
argmax=$(grep '^0\.scores\.' "$F" | sed 's/^0\.scores\.//' | sort -t= -k2 -g | tail -1 | cut -d= -f1)
same "$(value "$F" 0.predicted)" "$argmax" "predicted is the argmax of the scores"
labels=("very negative" "negative" "neutral" "positive" "very positive")
same "$(value "$F" 0.label)" "${labels[$argmax]}" "label is the predicted class's name"

# explanations: targets in the order given, methods in the order lrp, lrp-cons, sa, gi
same "$(grep -c '^0\.explanations\.[0-9]*\.method=' "$F")" 8 "2 targets x 4 methods"
methods=(lrp lrp-cons sa gi lrp lrp-cons sa gi)
for k in 0 1 2 3 4 5 6 7; do
    same "$(value "$F" "0.explanations.$k.method")" "${methods[$k]}" "method of explanation $k"
    target=$argmax
    [ "$k" -ge 4 ] && target=0
    same "$(value "$F" "0.explanations.$k.target")" "$target" "target of explanation $k"
    same "$(value "$F" "0.explanations.$k.target_label")" "${labels[$target]}" "target_label of explanation $k"
    same "$(grep -c "^0\.explanations\.$k\.relevance\." "$F")" 6 "relevance length of explanation $k"
    same "$(grep -c "^0\.explanations\.$k\.relevance_fwd\." "$F")" 6 "relevance_fwd of explanation $k"
    same "$(grep -c "^0\.explanations\.$k\.relevance_bwd\." "$F")" 6 "relevance_bwd of explanation $k"
done
# rest only for the LRP methods
for k in 0 1 4 5; do has "$F" "0.explanations.$k.rest=" "lrp explanation $k"; done
for k in 2 3 6 7; do hasnt "$F" "0.explanations.$k.rest=" "sa/gi explanation $k"; done

sum_of() { grep "^0\.explanations\.$1\.$2\." "$F" | cut -d= -f2 | awk '{ s += $1 } END { printf "%.17g", s }'; }
# LRP and GI: the encoders' parts add up to the word relevance
for k in 0 1 3; do
    for t in 0 1 2 3 4 5; do
        r=$(value "$F" "0.explanations.$k.relevance.$t")
        f=$(value "$F" "0.explanations.$k.relevance_fwd.$t")
        b=$(value "$F" "0.explanations.$k.relevance_bwd.$t")
        near "$(awk -v f="$f" -v b="$b" 'BEGIN { printf "%.17g", f + b }')" "$r" 1e-12 "explanation $k word $t: fwd + bwd"
    done
done
# LRP_cons conserves the target's score: sum(relevance) + rest = f_c
for k in 1 5; do
    c=$(value "$F" "0.explanations.$k.target")
    total=$(awk -v s="$(sum_of $k relevance)" -v r="$(value "$F" "0.explanations.$k.rest")" 'BEGIN { printf "%.17g", s + r }')
    near "$total" "$(value "$F" "0.scores.$c")" 1e-10 "lrp-cons explanation $k conserves f_c"
done
# SA is a squared norm: never negative
same "$(grep '^0\.explanations\.2\.relevance\.' "$F" | grep -c '=-')" 0 "SA relevance >= 0"

# numbers are the shortest text that reads back as the value they hold, in %.17g's
# spelling (checked against printf's correctly rounded %.*e), and the raw text holds the
# same digits that the flattener prints after parsing them
ok "every number of the raw JSON is the shortest closest text of its value" "$LRP_TESTTOOL" shortest json "$TMP/raw"
scores=$(grep '^0\.scores\.' "$F" | cut -d= -f2 | paste -sd, -)
has "$TMP/raw" "\"scores\":[$scores]" "raw JSON"
# fewer than 17 digits where fewer read back: the relevances are not all of 17
digits=$(grep '^0\.explanations\.[0-9]*\.relevance\.' "$F" | cut -d= -f2 | sed 's/e.*//; s/[-.]//g; s/^0*//' |
    awk '{ if (length($0) < m || !m) m = length($0) } END { print (m < 17) }')
same "$digits" 1 "some relevance shorter than 17 significant digits"

# bad lines keep their place as {"line": N, "error": message} objects, exit status 1
printf 'good movie\n\n\xff\xfe bad\nbad movie\n' >"$TMP/in"
run 1 "$LRP_BIN" explain --model "$MODEL" --format json <"$TMP/in"
flat "$TMP/out" >"$F" || fail "output with bad lines is not JSON Lines"
same "$(wc -l <"$TMP/out")" 4 "one object per input line, bad ones included"
same "$(value "$F" 1.line)" 2 "error object line"
has "$F" "1.error=empty sentence" "the empty line's error"
same "$(value "$F" 2.line)" 3 "invalid UTF-8 line"
has "$F" "2.error=" "the invalid line's error"
hasnt "$F" "1.tokens" "no tokens for a bad line"
same "$(value "$F" 3.line)" 4 "the line after the bad ones"
same "$(value "$F" 3.tokens.0)" bad "the line after the bad ones is explained"
has "$TMP/err" "line 2:" "stderr"
has "$TMP/err" "line 3:" "stderr"

# labelled input adds the true class
printf 'very positive\tgood movie\n1\tbad movie\n' >"$TMP/in"
run 0 "$LRP_BIN" explain --model "$MODEL" --format json --input tsv <"$TMP/in"
flat "$TMP/out" >"$F"
same "$(value "$F" 0.true)" 4 "true class by name"
same "$(value "$F" 0.true_label)" "very positive" "true_label"
same "$(value "$F" 1.true)" 1 "true class by index"
same "$(value "$F" 1.true_label)" "negative" "true_label by index"

# occlusion: one value per word (no encoder parts, no rest). With every class as target,
# the scores with word t deleted are scores - occlusion(t), and their softmax gives
# occlusion-prob(t): p_c - softmax(scores - occlusion(t))_c
run 0 "$LRP_BIN" explain --model "$MODEL" --format json --pretokenized --method occlusion,occlusion-prob \
    --target all "it 's a good movie ."
flat "$TMP/out" >"$F" || fail "occlusion output is not JSON Lines"
same "$(value "$F" 0.explanations.0.method)" occlusion "method occlusion"
same "$(value "$F" 0.explanations.1.method)" occlusion-prob "method occlusion-prob"
same "$(grep -c '^0\.explanations\.0\.relevance\.' "$F")" 6 "an occlusion value per word"
hasnt "$F" "0.explanations.0.relevance_fwd" "occlusion has no encoder parts"
hasnt "$F" "0.explanations.1.rest=" "occlusion-prob has no rest"
for t in 0 3 5; do
    for c in 0 2 4; do
        want=$(for k in 0 1 2 3 4; do
            echo "$(value "$F" "0.scores.$k") $(value "$F" "0.explanations.$((2 * k)).relevance.$t")"
        done | awk -v c="$c" -v p="$(value "$F" "0.probabilities.$c")" \
            '{ z[NR - 1] = $1 - $2 } END { s = 0; for (k = 0; k < NR; k++) s += exp(z[k]); printf "%.17g", p - exp(z[c]) / s }')
        near "$(value "$F" "0.explanations.$((2 * c + 1)).relevance.$t")" "$want" 1e-12 "occlusion-prob word $t class $c"
    done
done

# --contrast: recorded in every explanation; lrp-cons conserves f_c - f_c2 and
# f_c - the others' mean
run 0 "$LRP_BIN" explain --model "$MODEL" --format json --pretokenized --method lrp-cons,gi --contrast negative \
    --target 3 "it 's a good movie ."
flat "$TMP/out" >"$F" || fail "contrast output is not JSON Lines"
same "$(value "$F" 0.explanations.0.contrast)" 1 "the contrast class"
same "$(value "$F" 0.explanations.1.contrast_label)" negative "the contrast's label"
g=$(awk -v a="$(value "$F" 0.scores.3)" -v b="$(value "$F" 0.scores.1)" 'BEGIN { printf "%.17g", a - b }')
near "$(awk -v r="$(value "$F" 0.explanations.0.rest)" '{ s += $1 } END { printf "%.17g", s + r }' \
    < <(grep '^0\.explanations\.0\.relevance\.' "$F" | cut -d= -f2))" "$g" 1e-10 "lrp-cons conserves f_3 - f_1"
run 0 "$LRP_BIN" explain --model "$MODEL" --format json --pretokenized --method lrp-cons --contrast others \
    "it 's a good movie ."
flat "$TMP/out" >"$F"
same "$(value "$F" 0.explanations.0.contrast)" others "contrast others"
pred=$(value "$F" 0.predicted)
g=$(grep '^0\.scores\.' "$F" | sed 's/^0\.scores\.//' |
    awk -F= -v c="$pred" '{ if ($1 == c) fc = $2; else { s += $2; n++ } } END { printf "%.17g", fc - s / n }')
near "$(awk -v r="$(value "$F" 0.explanations.0.rest)" '{ s += $1 } END { printf "%.17g", s + r }' \
    < <(grep '^0\.explanations\.0\.relevance\.' "$F" | cut -d= -f2))" "$g" 1e-10 "lrp-cons conserves f_c - mean"
run 0 "$LRP_BIN" explain --model "$MODEL" --format json "good"
flat "$TMP/out" >"$F"
hasnt "$F" "0.explanations.0.contrast" "no contrast field without --contrast"
run 2 "$LRP_BIN" explain --model "$MODEL" --contrast nine "good"
has "$TMP/err" "--contrast: 'nine' is neither 'others' nor a class" "a bad contrast is a usage error"

# ig: completeness recorded, small at 256 steps, larger at 2; encoder parts add up
for M in 2 256; do
    run 0 "$LRP_BIN" explain --model "$MODEL" --format json --pretokenized --method ig --ig-steps $M \
        "it 's a good movie ."
    flat "$TMP/out" >"$F"
    same "$(value "$F" 0.explanations.0.method)" ig "method ig"
    eval "c$M=$(value "$F" 0.explanations.0.completeness)"
done
awk -v a="$c256" -v b="$c2" 'BEGIN { exit !(a < 0.01 && a < b) }' ||
    fail "ig completeness: $c2 at 2 steps, $c256 at 256"
CHECKS=$((CHECKS + 1))
r=$(value "$F" 0.explanations.0.relevance.3)
near "$(awk -v f="$(value "$F" 0.explanations.0.relevance_fwd.3)" -v b="$(value "$F" 0.explanations.0.relevance_bwd.3)" \
    'BEGIN { printf "%.17g", f + b }')" "$r" 1e-12 "ig: fwd + bwd"
hasnt "$F" "0.explanations.0.rest=" "ig has no rest"
run 2 "$LRP_BIN" explain --model "$MODEL" --method ig --ig-steps 0 "good"
run 2 "$LRP_BIN" explain --model "$MODEL" --method ig --ig-steps 100001 "good"

finish
