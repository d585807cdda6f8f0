# lrp explain --format text: plain aligned columns when standard output is not a
# terminal (values equal to the JSON output's at 6 digits), a 24-bit colour heatmap
# on a terminal (forced with `script`), and no colour with NO_COLOR or TERM=dumb.
. "$(dirname "$0")/testlib.sh"

S="it 's a good movie ."
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,sa,lrp-cons --target pred,1 "$S" "zzz good"
cp "$TMP/out" "$TMP/text"
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,sa,lrp-cons --target pred,1 --format json "$S" "zzz good"
flat "$TMP/out" >"$TMP/flat"
F=$TMP/flat
T=$TMP/text
pred=$(value "$F" 0.predicted)
label=$(value "$F" 0.label)

hasnt "$T" $'\033' "plain text"
has "$T" "argument 1: predicted $label ($pred, p = " "header"
# the column header: token, then method:class in target-major, method order
header=$(grep -m1 '^token ' "$T" | tr -s ' ')
same "$header" "token lrp:$pred lrp-cons:$pred sa:$pred lrp:1 lrp-cons:1 sa:1" "column header"
# one row per token, its numbers the JSON values at 6 significant digits
i=0
for w in it "'s" a good movie .; do
    row=$(grep -m1 -F -- "$w " "$T" | awk -v w="$w" '$1 == w')
    [ -n "$row" ] || fail "no row for token '$w'"
    for k in 0 1 2 3 4 5; do
        want=$(printf '%.6g' "$(value "$F" "0.explanations.$k.relevance.$i")")
        got=$(echo "$row" | awk -v c=$((k + 2)) '{ print $c }')
        same "$got" "$want" "text column $k of token '$w'"
    done
    i=$((i + 1))
done
# rest row: LRP methods have one, SA a dash
rest=$(grep -m1 '^(rest)' "$T" | tr -s ' ')
same "$(echo "$rest" | awk '{ print $4 }')" "-" "rest of SA"
same "$(echo "$rest" | awk '{ print $3 }')" "$(printf '%.6g' "$(value "$F" 0.explanations.1.rest)")" "rest of lrp-cons"
# the columns are aligned: every row of a block has the same width
width=$(sed -n '/^argument 1/,/^(rest)/p' "$T" | sed 1d | awk '{ print length($0) }' | sort -u | wc -l)
same "$width" 1 "aligned columns"
# unknown words marked with *, and explained below
has "$T" "zzz*" "text of the sentence with an unknown word"
has "$T" "*: not in the vocabulary" "legend of the unknown mark"
has "$T" "classes: $pred = $label, 1 = negative" "classes legend"

# control characters from the input never reach the terminal (the tokenizer rejects
# them; were one to pass, it would be shown as ?)
"$LRP_BIN" explain --model "$MODEL" --pretokenized "$(printf 'a \033]0;pwned\007 movie')" >"$TMP/out" 2>"$TMP/err"
hasnt "$TMP/out" $'\033' "stdout for a token with an escape sequence"
hasnt "$TMP/err" $'\033' "stderr for a token with an escape sequence"

# terminal: a heatmap in 24-bit colours (script gives the command a pseudo-terminal)
if command -v script >/dev/null 2>&1 && script -qc true /dev/null >/dev/null 2>&1; then
    cmd=$(printf '%q ' "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,sa --target 1 "$S" "zzz good")
    TERM=xterm script -qc "$cmd" /dev/null >"$TMP/tty" 2>&1
    has "$TMP/tty" $'\033[48;2;' "terminal output: 24-bit background"
    has "$TMP/tty" $'\033[38;2;' "terminal output: explicit text colour"
    has "$TMP/tty" $'\033[4mzzz' "terminal output: unknown word underlined"
    has "$TMP/tty" "predicted $label" "terminal output header"
    # the word with the largest |LRP| is pure red or pure blue; SA's largest is pure red
    has "$TMP/tty" $'\033[48;2;255;0;0m' "terminal output: full red"
    sa_line=$(grep -a '^  sa ' "$TMP/tty" | head -1)
    case "$sa_line" in *$'48;2;0;0;255m'*) fail "SA is red only, found blue" ;; esac
    case "$sa_line" in *$'48;2;255;0;0m'*) : ;; *) fail "SA line without its full-red maximum" ;; esac
    hasnt "$TMP/tty" "token " "no columns on a terminal"
    bad=$(printf '%q ' "$LRP_BIN" explain --model "$MODEL" --pretokenized "$(printf 'a \033]0;pwned\007 movie')")
    TERM=xterm script -qc "$bad" /dev/null >"$TMP/tty" 2>&1
    hasnt "$TMP/tty" $'\033]0' "terminal: the input's escape sequence is defused"

    NO_COLOR=1 TERM=xterm script -qc "$cmd" /dev/null >"$TMP/tty" 2>&1
    hasnt "$TMP/tty" $'\033[' "NO_COLOR: no escape sequences"
    has "$TMP/tty" "token " "NO_COLOR: columns"
    TERM=dumb script -qc "$cmd" /dev/null >"$TMP/tty" 2>&1
    hasnt "$TMP/tty" $'\033[' "TERM=dumb: no escape sequences"
else
    echo "script(1) not available: terminal checks skipped"
fi

finish
