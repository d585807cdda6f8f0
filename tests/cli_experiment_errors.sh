# Bad input to the experiment commands: each gets a clear message on standard error and
# exit 1 (bad data, model or file) or 2 (usage), never a crash or a partial result.
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/explib.sh"

# the bad data files
: >"$TMP/empty.txt"
printf '(3 (2 it) (3 good))\n(4 (2 it) (3 good)\n' >"$TMP/unbalanced.txt"
printf '3\tit is good\n7\tit is bad\n' >"$TMP/badlabel.tsv"
printf 'it is good\n' >"$TMP/nolabel.txt"
printf '3\tit is zzzz good\n' >"$TMP/unknown.tsv"
{ printf '3\t'; for i in $(seq 10001); do printf 'good '; done; printf '\n'; } >"$TMP/long.tsv"
printf '3\tit is \xff good\n' >"$TMP/utf8.tsv"

COMMANDS="deletion position top-words heatmaps reproduce"
for cmd in $COMMANDS; do
    # reproduce also needs --out
    out=()
    [ "$cmd" = reproduce ] && out=(--out "$TMP/report")
    # usage errors: exit 2 with the reason and a pointer to --help
    run 2 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL"
    has "$TMP/err" "lrp $cmd: --data" "$cmd without --data"
    has "$TMP/err" "is required" "$cmd without --data"
    has "$TMP/err" "Try 'lrp $cmd --help'." "$cmd without --data"
    run 2 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$DATA" --format yaml
    has "$TMP/err" "--format: unknown format 'yaml'" "$cmd --format yaml"
    run 2 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$DATA" --threads -1
    has "$TMP/err" "--threads: -1 is outside" "$cmd --threads -1"
    run 2 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$DATA" --bogus
    has "$TMP/err" "unknown option '--bogus'" "$cmd --bogus"
    run 2 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data
    has "$TMP/err" "needs a value" "$cmd --data without a value"
    run 2 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$DATA" extra
    has "$TMP/err" "unexpected argument 'extra'" "$cmd with an argument"

    # bad data: exit 1 naming the file (and line), one case a line: model, data, what the
    # message names, and what the case is
    cases=0
    while IFS='|' read -r model data text what; do
        run 1 "$LRP_BIN" "$cmd" "${out[@]}" --model "$model" --data "$data" </dev/null
        has "$TMP/err" "$text" "$cmd $what"
        cases=$((cases + 1))
    done <<EOF
$MODEL|$TMP/missing.txt|missing.txt|on a missing file
$MODEL|$TMP|lrp $cmd: |on a directory
$MODEL|$TMP/empty.txt|empty.txt: no sentences|on an empty file
$MODEL|$TMP/unbalanced.txt|unbalanced.txt:2:|on an unbalanced tree
$MODEL|$TMP/badlabel.tsv|badlabel.tsv:2:|on a label out of range
$MODEL|$TMP/nolabel.txt|nolabel.txt:1:|on unlabelled text
$MODEL_NOUNK|$TMP/unknown.tsv|unknown.tsv:1:|unknown word without an unknown word
$MODEL_NOUNK|$TMP/unknown.tsv|zzzz|unknown word named
$TMP/nomodel.safetensors|$DATA|nomodel.safetensors|with a missing model
$MODEL|$TMP/long.tsv|long.tsv:1: 10001 words, more than the 10000|a sentence too long
$MODEL|$TMP/utf8.tsv|utf8.tsv:1:|invalid UTF-8
EOF
    same "$cases" 11 "$cmd: bad data cases run"
done

# options of one command
run 2 "$LRP_BIN" deletion --model "$MODEL" --data "$DATA" --min-length 0
has "$TMP/err" "--min-length: 0 is outside"
run 2 "$LRP_BIN" deletion --model "$MODEL" --data "$DATA" --random-runs 0
has "$TMP/err" "--random-runs: 0 is outside"
run 2 "$LRP_BIN" deletion --model "$MODEL" --data "$DATA" --max-deletions x
has "$TMP/err" "--max-deletions: 'x' is not an integer"
run 2 "$LRP_BIN" deletion --model "$MODEL" --data "$DATA" --seed -3
has "$TMP/err" "--seed: -3 is outside"
run 2 "$LRP_BIN" position --model "$MODEL" --data "$DATA" --bins 0
has "$TMP/err" "--bins: 0 is outside"
run 1 "$LRP_BIN" deletion --model "$MODEL" --data "$DATA" --figure "$TMP/no/such/dir/fig.svg"
has "$TMP/err" "no/such/dir" "figure in a missing directory"
run 1 "$LRP_BIN" position --model "$MODEL" --data "$DATA" --figure "$TMP/no/such/dir/fig.svg"
has "$TMP/err" "no/such/dir" "figure in a missing directory"
finish
