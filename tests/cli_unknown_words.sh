# Unknown words: with an unk word they are read as it and marked in every format;
# without one the line fails naming them, and the other lines go on.
. "$(dirname "$0")/testlib.sh"

S="a zzz movie qqq"
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --format json "$S" "a <unk> movie <unk>"
flat "$TMP/out" >"$TMP/f"
F=$TMP/f
same "$(value "$F" 0.tokens.1)" zzz "the unknown word as written"
same "$(value "$F" 0.unknown.1):$(value "$F" 0.unknown.3)" "true:true" "unknown words marked"
same "$(value "$F" 0.unknown.0):$(value "$F" 0.unknown.2)" "false:false" "known words not marked"
same "$(value "$F" 1.unknown.1)" false "the unk word itself is a known word"
# read as the unk word: the same numbers as the sentence written with <unk>
CHECKS=$((CHECKS + 1))
diff <(grep -e '\.scores\.' -e '\.relevance' "$F" | grep '^0\.' | sed 's/^0//') \
    <(grep -e '\.scores\.' -e '\.relevance' "$F" | grep '^1\.' | sed 's/^1//') >/dev/null ||
    fail "an unknown word is not read as <unk>"

run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized "$S"
has "$TMP/out" "zzz*" "text columns"
has "$TMP/out" "*: not in the vocabulary" "text legend"
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --format tsv "$S"
same "$(cut -f3,4 "$TMP/out" | tr '\t\n' ':,')" "token:unknown,a:0,zzz:1,movie:0,qqq:1," "tsv unknown column"
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --format html "$S"
same "$(grep -o 'class="w unk"[^>]*>[a-z]*<' "$TMP/out" | grep -o '>[a-z]*<' | tr -d '<>' | tr '\n' ,)" "zzz,qqq," \
    "html unknown words"
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --format latex "$S"
same "$(grep -o 'underline{[a-z]*}' "$TMP/out" | tr '\n' ,)" "underline{zzz},underline{qqq}," "latex unknown words"
run 0 "$LRP_BIN" predict --model "$MODEL" --pretokenized --format json "$S"
flat "$TMP/out" | grep -q '^0\.unknown\.1=true$' || fail "predict json marks unknown words"
CHECKS=$((CHECKS + 1))

# lowercase model: "GOOD" is "good", not unknown
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --format json "GOOD Movie"
flat "$TMP/out" >"$F"
same "$(value "$F" 0.tokens.0):$(value "$F" 0.unknown.0)" "good:false" "lowercased"

# without an unk word: the line fails naming the words, the others are explained
printf 'a good movie\na zzz movie qqq\nbad film\n' >"$TMP/in"
for fmt in json text tsv; do
    run 1 "$LRP_BIN" explain --model "$MODEL_NOUNK" --pretokenized --format $fmt <"$TMP/in"
    has "$TMP/err" "line 2:" "$fmt: the bad line"
    has "$TMP/err" "zzz" "$fmt: names the unknown word"
    has "$TMP/err" "qqq" "$fmt: names every unknown word"
    hasnt "$TMP/err" "line 1:" "$fmt"
    has "$TMP/out" "film" "$fmt: the line after is explained"
done
run 1 "$LRP_BIN" explain --model "$MODEL_NOUNK" --pretokenized --format json <"$TMP/in"
flat "$TMP/out" >"$F"
has "$F" "1.error=" "json error object"
same "$(value "$F" 2.tokens.1)" film "json: the line after"
run 1 "$LRP_BIN" predict --model "$MODEL_NOUNK" --pretokenized <"$TMP/in"
has "$TMP/err" "zzz" "predict names the unknown word"

finish
