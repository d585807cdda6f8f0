# Exit codes: 0 success, 1 bad input or model, 2 usage; messages on stderr only,
# each naming the problem.
. "$(dirname "$0")/testlib.sh"

for cmd in explain predict; do
    run 0 "$LRP_BIN" $cmd --model "$MODEL" "a good movie"
    same "$(wc -c <"$TMP/err")" 0 "$cmd: nothing on stderr on success"
    run 0 "$LRP_BIN" $cmd --model "$MODEL" </dev/null
    run 1 "$LRP_BIN" $cmd --model "$MODEL" "a good movie" ""
    has "$TMP/err" "argument 2: empty sentence" "$cmd: bad argument named"
    run 1 "$LRP_BIN" $cmd --model "$MODEL_NOUNK" "a zzz movie"
    run 1 "$LRP_BIN" $cmd --model "$TMP/missing.safetensors" "a good movie"
    has "$TMP/err" "missing.safetensors" "$cmd: the missing model file is named"
    same "$(wc -c <"$TMP/out")" 0 "$cmd: nothing on stdout for a missing model"

    # usage errors: exit 2, "Try 'lrp CMD --help'"
    run 2 "$LRP_BIN" $cmd --model "$MODEL" --no-such-option "x"
    has "$TMP/err" "unknown option '--no-such-option'" "$cmd"
    has "$TMP/err" "Try 'lrp $cmd --help'." "$cmd"
    run 2 "$LRP_BIN" $cmd --model "$MODEL" --format yaml "x"
    has "$TMP/err" "--format: unknown format 'yaml'" "$cmd"
    run 2 "$LRP_BIN" $cmd --model "$MODEL" --input csv "x"
    has "$TMP/err" "--input: unknown input format 'csv'" "$cmd"
    for t in -1 abc 1025 ""; do
        run 2 "$LRP_BIN" $cmd --model "$MODEL" --threads "$t" "x"
        has "$TMP/err" "--threads" "$cmd --threads '$t'"
    done
    run 2 "$LRP_BIN" $cmd --model
    has "$TMP/err" "needs a value" "$cmd --model without a value"
    # usage is checked before the model is loaded
    run 2 "$LRP_BIN" $cmd --model "$TMP/missing.safetensors" --format yaml "x"
done

run 2 "$LRP_BIN" explain --model "$MODEL" --method lrp,shap "x"
has "$TMP/err" "--method: unknown method 'shap'"
run 2 "$LRP_BIN" explain --model "$MODEL" --method , "x"
for e in 0 -0.1 abc nan inf 1e999; do
    run 2 "$LRP_BIN" explain --model "$MODEL" --eps "$e" "x"
    has "$TMP/err" "--eps" "--eps '$e'"
done
run 2 "$LRP_BIN" explain --model "$MODEL" --target 5 "x"
has "$TMP/err" "--target: '5'"
run 2 "$LRP_BIN" explain --model "$MODEL" --target "slightly positive" "x"
run 2 "$LRP_BIN" explain --model "$MODEL" --target true "x"
has "$TMP/err" "--target true needs labelled input"
run 0 "$LRP_BIN" explain --model "$MODEL" --target "very positive,0,pred" "x"
run 0 "$LRP_BIN" explain --model "$MODEL" --eps 1e-6 --threads 3 "x"

run 2 "$LRP_BIN" info --model "$MODEL" "$MODEL"
run 2 "$LRP_BIN" info "$MODEL" "$MODEL"
run 2 "$LRP_BIN" info --format xml "$MODEL"
run 1 "$LRP_BIN" info "$TMP/missing.safetensors"
run 0 "$LRP_BIN" info "$MODEL"

run 2 "$LRP_BIN"
run 2 "$LRP_BIN" frobnicate
has "$TMP/err" "unknown command 'frobnicate'"
run 0 "$LRP_BIN" --version
has "$TMP/out" "lrp "

finish
