# Bad input lines: empty or blank, invalid UTF-8, a NUL byte, too long; each is
# reported with its line number, the others explained, the exit status 1. Long but
# valid lines work. Windows line ends are accepted.
. "$(dirname "$0")/testlib.sh"

{
    echo "a good movie"          # 1
    echo ""                      # 2 empty
    printf ' \t \n'              # 3 blank
    printf 'a \xc3\x28 movie\n'  # 4 invalid UTF-8 (bad continuation)
    printf 'a \xed\xa0\x80\n'    # 5 invalid UTF-8 (surrogate)
    printf 'a \xc0\xaf\n'        # 6 invalid UTF-8 (overlong)
    printf 'a \x00 movie\n'      # 7 NUL byte
    echo "bad film"              # 8
    printf 'funny\r\n'           # 9 CRLF line end
} >"$TMP/in"
for fmt in json text tsv html latex null; do
    for tok in "" --pretokenized; do
        run 1 "$LRP_BIN" explain --model "$MODEL" $tok --format $fmt <"$TMP/in"
        for l in 2 3 4 5 6 7; do has "$TMP/err" "lrp explain: line $l:" "$fmt $tok: stderr"; done
        for l in 1 8 9; do hasnt "$TMP/err" "line $l:" "$fmt $tok: stderr"; done
        has "$TMP/err" "6 bad lines" "$fmt $tok: summary"
    done
done
run 1 "$LRP_BIN" explain --model "$MODEL" --format json <"$TMP/in"
flat "$TMP/out" >"$TMP/f"
F=$TMP/f
same "$(grep -c '\.line=' "$F")" 9 "one JSON object per line"
same "$(grep -c '\.error=' "$F")" 6 "six error objects"
has "$F" "1.error=empty sentence" "empty line"
has "$F" "2.error=empty sentence" "blank line"
has "$F" "6.error=the line contains a NUL byte" "NUL"
same "$(value "$F" 8.tokens.0)" funny "CRLF: the carriage return is not part of the word"
same "$(value "$F" 8.unknown.0)" false "CRLF: the word is known"
hasnt "$TMP/err" "funny" "CRLF line"
run 1 "$LRP_BIN" predict --model "$MODEL" --format json <"$TMP/in"
same "$(grep -c '"error"' "$TMP/out")" 6 "predict: six error objects"

# standard input that cannot be read (a directory): exit 1 with the reason
run 1 "$LRP_BIN" explain --model "$MODEL" <"$TMP"
has "$TMP/err" "reading standard input" "unreadable input"

# too long: LRP_MAX_LENGTH (10000) words work, one more fails with a message
yes good | head -10000 | paste -sd' ' >"$TMP/long"
yes good | head -10001 | paste -sd' ' >>"$TMP/long"
echo "bad film" >>"$TMP/long"
run 1 "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,sa --format tsv <"$TMP/long"
has "$TMP/err" "line 2: sentence of 10001 words is too long" "too long"
hasnt "$TMP/err" "line 1:" "10000 words are fine"
same "$(grep -c "^1	" "$TMP/out")" 10000 "10000 rows for the 10000-word line"
same "$(grep -c "^3	" "$TMP/out")" 2 "the line after the long one"
# a very long line of one megabyte-long word: read as unknown, no crash
head -c 1000000 /dev/zero | tr '\0' x >"$TMP/huge"
echo >>"$TMP/huge"
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --format json <"$TMP/huge"
flat "$TMP/out" >"$F"
same "$(value "$F" 0.unknown.0)" true "the huge word is unknown"
same "$(value "$F" 0.tokens.0 | wc -c)" 1000001 "the huge word is printed whole"

finish
