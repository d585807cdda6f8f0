# --help of every command: exit 0, usage on stdout, and every option the help lists
# is accepted by the command (and every option the command accepts is listed),
# with its default written out.
. "$(dirname "$0")/testlib.sh"

run 0 "$LRP_BIN" --help
for cmd in explain predict info convert evaluate train; do
    has "$TMP/out" "$cmd" "lrp --help lists $cmd"
done

for cmd in explain predict info convert evaluate train; do
    run 0 "$LRP_BIN" $cmd --help
    cp "$TMP/out" "$TMP/help-$cmd"
    has "$TMP/help-$cmd" "Usage: lrp $cmd" "$cmd --help"
    same "$(wc -c <"$TMP/err")" 0 "$cmd --help: nothing on stderr"
    run 0 "$LRP_BIN" $cmd -h
    run 0 "$LRP_BIN" help $cmd
    # every option line names its default (--help, and flags without a value, excepted)
    grep -E '^  --[a-z]+ [A-Z]' "$TMP/help-$cmd" | awk '{ print $1 }' >"$TMP/opts-$cmd"
    [ -s "$TMP/opts-$cmd" ] || fail "$cmd --help lists no option"
    while read -r opt; do
        block=$(sed -n "/^  $opt /,/^  --/p" "$TMP/help-$cmd" | sed '$d')
        [ -n "$block" ] || block=$(grep -A4 -- "^  $opt " "$TMP/help-$cmd")
        case "$block" in *default*) : ;; *) fail "$cmd --help: $opt has no default" ;; esac
        CHECKS=$((CHECKS + 1))
    done <"$TMP/opts-$cmd"
done

# the documented options are accepted (a value that is valid for each)
"$LRP_TESTTOOL" words "$MODEL" >"$TMP/words.txt" && "$LRP_TESTTOOL" labels "$MODEL" >"$TMP/labels.txt" ||
    fail "cannot list the test model's words and labels"
declare -A valid=([--model]="$MODEL" [--method]=lrp,sa [--target]=pred [--format]=json [--eps]=0.01
    [--input]=text [--threads]=1 [--precision]=f32 [--vocab]="$TMP/words.txt" [--labels]="$TMP/labels.txt" [--unk]="<unk>"
    [--pooling]=last [--activation]=relu [--contrast]=others)
for cmd in explain predict; do
    while read -r opt; do
        run 0 "$LRP_BIN" $cmd --model "$MODEL" "$opt" "${valid[$opt]}" "a good movie"
    done <"$TMP/opts-$cmd"
    grep -q -- '--pretokenized' "$TMP/help-$cmd" || fail "$cmd --help does not list --pretokenized"
    run 0 "$LRP_BIN" $cmd --model "$MODEL" --pretokenized "a good movie"
done
run 0 "$LRP_BIN" info --model "$MODEL" --format json
# options the commands accept all appear in their help
for opt in --model --method --target --format --eps --pretokenized --input --precision --threads --contrast --ig-steps; do
    has "$TMP/help-explain" "  $opt" "explain --help"
done
for opt in --model --format --pretokenized --input --threads; do has "$TMP/help-predict" "  $opt" "predict --help"; done
for opt in --model --format; do has "$TMP/help-info" "  $opt" "info --help"; done
for opt in --model --data --format --pretokenized --threads; do has "$TMP/help-evaluate" "  $opt" "evaluate --help"; done
for opt in --data --out --embed --hidden --cell --layers --directions --pooling --attention --dense --activation \
    --epochs --patience --batch --optimizer --lr --lr-decay --dropout --l2 \
    --embed-init --unk-rate --vocab --min-count --classes --pretokenized --dtype --seed --threads; do
    has "$TMP/help-train" "  $opt" "train --help"
done
# the model options are in the help of every command that loads a model
for cmd in explain predict info convert evaluate; do
    for opt in --vocab --labels --unk --lowercase --prefix-embedding --prefix-lstm --prefix-classifier \
        --prefix-rnn --prefix-attention --prefix-dense --pooling --activation; do
        has "$TMP/help-$cmd" "  $opt" "$cmd --help"
    done
    run 0 "$LRP_BIN" $cmd --lowercase true --help
done
has "$TMP/help-convert" "  --dtype TYPE" "convert --help"
# the defaults the help states are the defaults the code uses
has "$TMP/help-explain" "(default: lrp)"
has "$TMP/help-explain" "(default: pred)"
has "$TMP/help-explain" "(default: 0.001)"
run 0 "$LRP_BIN" explain --model "$MODEL" --format json "a good movie"
flat "$TMP/out" >"$TMP/f1"
run 0 "$LRP_BIN" explain --model "$MODEL" --format json --method lrp --target pred --eps 0.001 --input text "a good movie"
flat "$TMP/out" >"$TMP/f2"
same "$(md5sum <"$TMP/f1")" "$(md5sum <"$TMP/f2")" "explicit defaults give the default output"
same "$(grep -c '\.method=' "$TMP/f1")" 1 "one method by default"
same "$(value "$TMP/f1" 0.explanations.0.target)" "$(value "$TMP/f1" 0.predicted)" "predicted target by default"

finish
