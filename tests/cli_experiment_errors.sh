# Bad input to the experiment commands: each gets a clear message on standard error and
# exit 1 (bad data, model or file) or 2 (usage), never a crash or a partial result.
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/explib.sh"

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

    # bad data: exit 1 naming the file (and line)
    run 1 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$TMP/missing.txt"
    has "$TMP/err" "missing.txt" "$cmd on a missing file"
    run 1 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$TMP"
    has "$TMP/err" "lrp $cmd: " "$cmd on a directory"
    : >"$TMP/empty.txt"
    run 1 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$TMP/empty.txt"
    has "$TMP/err" "empty.txt: no sentences" "$cmd on an empty file"
    printf '(3 (2 it) (3 good))\n(4 (2 it) (3 good)\n' >"$TMP/unbalanced.txt"
    run 1 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$TMP/unbalanced.txt"
    has "$TMP/err" "unbalanced.txt:2:" "$cmd on an unbalanced tree"
    printf '3\tit is good\n7\tit is bad\n' >"$TMP/badlabel.tsv"
    run 1 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$TMP/badlabel.tsv"
    has "$TMP/err" "badlabel.tsv:2:" "$cmd on a label out of range"
    printf 'it is good\n' >"$TMP/nolabel.txt"
    run 1 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$TMP/nolabel.txt"
    has "$TMP/err" "nolabel.txt:1:" "$cmd on unlabelled text"
    printf '3\tit is zzzz good\n' >"$TMP/unknown.tsv"
    run 1 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL_NOUNK" --data "$TMP/unknown.tsv"
    has "$TMP/err" "unknown.tsv:1:" "$cmd: unknown word without an unknown word"
    has "$TMP/err" "zzzz" "$cmd: unknown word named"
    run 1 "$LRP_BIN" "$cmd" "${out[@]}" --model "$TMP/nomodel.safetensors" --data "$DATA"
    has "$TMP/err" "nomodel.safetensors" "$cmd with a missing model"
    { printf '3\t'; for i in $(seq 10001); do printf 'good '; done; printf '\n'; } >"$TMP/long.tsv"
    run 1 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$TMP/long.tsv"
    has "$TMP/err" "long.tsv:1: 10001 words, more than the 10000" "$cmd: a sentence too long"
    printf '3\tit is \xff good\n' >"$TMP/utf8.tsv"
    run 1 "$LRP_BIN" "$cmd" "${out[@]}" --model "$MODEL" --data "$TMP/utf8.tsv"
    has "$TMP/err" "utf8.tsv:1:" "$cmd: invalid UTF-8"
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
