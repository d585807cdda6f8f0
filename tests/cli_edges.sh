# Edges of the command: output to a full disk (--help, --version, a command) fails with
# the reason; `lrp help [COMMAND]`; a sentence that starts with '-'; counts of one
# ("1 sentence"); long labels named whole; --target and TSV labels when a class is named
# like an index or a keyword; on a terminal, explain says it reads standard input and
# breaks a long heatmap between words, outside the colours.
. "$(dirname "$0")/testlib.sh"

# standard output on a full disk
if [ -w /dev/full ]; then
    for args in "--help" "--version" "help explain" "explain --help" "position --help" \
        "explain --model $MODEL a_good_movie" "info $MODEL"; do
        CHECKS=$((CHECKS + 1))
        "$LRP_BIN" $args >/dev/full 2>"$TMP/err"
        code=$?
        [ $code -eq 1 ] || fail "lrp $args > /dev/full: exit $code, expected 1"
        has "$TMP/err" "cannot write the output: No space left on device" "lrp $args > /dev/full"
    done
else
    echo "no /dev/full: a full disk is not tested"
fi

# lrp help, lrp help COMMAND
run 0 "$LRP_BIN" help
has "$TMP/out" "Usage: lrp COMMAND" "lrp help"
run 0 "$LRP_BIN" help predict
has "$TMP/out" "Usage: lrp predict" "lrp help predict"
run 2 "$LRP_BIN" help nosuch
has "$TMP/err" "unknown command 'nosuch'" "lrp help nosuch"

# a sentence that starts with '-'
run 2 "$LRP_BIN" explain --model "$MODEL" "-5 stars"
has "$TMP/err" "unknown option '-5' in '-5 stars'" "the option named"
has "$TMP/err" "lrp explain -- '-5 stars'" "the way out said"
run 0 "$LRP_BIN" explain --model "$MODEL" -- "-5 stars"

# counts of one
printf '3\ta good movie\n' >"$TMP/one.tsv"
run 0 "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/one.tsv"
has "$TMP/out" "(1 sentence)" "evaluate: one sentence"
hasnt "$TMP/out" "1 sentences" "evaluate: no '1 sentences'"

# a label too large, named whole
printf '99999999999999999999\ta good movie\n' >"$TMP/big.tsv"
run 1 "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/big.tsv"
has "$TMP/err" "label 99999999999999999999 out of range" "the whole label"
printf '(99999999999999999999 (2 a) (2 movie))\n' >"$TMP/big.ptb"
run 1 "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/big.ptb"
has "$TMP/err" "label 99999999999999999999 out of range" "the whole tree label"

# classes named like an index and a keyword: a name wins over an index, a keyword
# (pred, true, all) over a name
printf 'zero\none\ntwo\n1\nall\n' >"$TMP/labels"
L="--model $MODEL --labels $TMP/labels --format json --method lrp"
run 0 "$LRP_BIN" explain $L --target 1 "a good movie"
flat "$TMP/out" >"$TMP/flat"
same "$(value "$TMP/flat" 0.explanations.0.target)" 3 "--target 1: the class named 1"
run 0 "$LRP_BIN" explain $L --target all "a good movie"
flat "$TMP/out" >"$TMP/flat"
same "$(grep -c '\.target=' "$TMP/flat")" 5 "--target all: every class, though one is named all"
run 0 "$LRP_BIN" explain $L --target 4 "a good movie"
flat "$TMP/out" >"$TMP/flat"
same "$(value "$TMP/flat" 0.explanations.0.target)" 4 "--target 4: the class named all, by its index"
printf '1\ta good movie\n' | "$LRP_BIN" explain $L --input tsv --target true >"$TMP/out" 2>"$TMP/err"
flat "$TMP/out" >"$TMP/flat"
same "$(value "$TMP/flat" 0.true)" 3 "a TSV label 1: the class named 1, as --target reads it"

# a terminal: the note on standard input, heatmaps broken between words at its width
if command -v script >/dev/null 2>&1 && script -qc true /dev/null >/dev/null 2>&1; then
    printf 'a good movie\n\004' | TERM=xterm script -qc "$(printf '%q ' "$LRP_BIN" explain --model "$MODEL")" \
        /dev/null >"$TMP/tty" 2>&1
    has "$TMP/tty" "reading sentences from standard input" "the note on a terminal"
    long="it 's a good movie , not a bad film , and funny and good and not boring , the film is good , your money"
    TERM=xterm script -qc "stty cols 50; $(printf '%q ' "$LRP_BIN" explain --model "$MODEL" --method lrp,sa "$long")" \
        /dev/null >"$TMP/tty" 2>&1
    # visible width of each heatmap line: the escape sequences and the carriage return removed
    wide=$(grep $'\033\\[48;2' "$TMP/tty" | sed $'s/\033\\[[0-9;]*m//g; s/\r$//' | awk 'length > 50' | wc -l)
    same "$wide" 0 "no heatmap line wider than the terminal"
    lines=$(grep -c $'\033\\[48;2' "$TMP/tty")
    CHECKS=$((CHECKS + 1))
    [ "$lines" -ge 4 ] || fail "the long heatmaps were not broken into lines ($lines lines)"
    open=$(grep $'\033\\[48;2' "$TMP/tty" | sed 's/\r$//' | grep -cv $'\033\\[0m$')
    same "$open" 0 "every heatmap line ends with the colours reset"
else
    echo "script(1) not available: terminal checks skipped"
fi
finish
