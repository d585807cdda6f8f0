# A model file changed in place under a running `lrp explain` (a float32 model, whose
# embedding the command keeps as the file's floats): truncated, or overwritten by cp
# with another model of the same size, the command goes on with the model it loaded,
# never a SIGBUS, never a mix of the two files.
. "$(dirname "$0")/testlib.sh"

"$LRP_TESTTOOL" model "$TMP/m.safetensors" --float32 || fail "cannot write a model"
"$LRP_TESTTOOL" model "$TMP/other.safetensors" --float32 --seed 99 || fail "cannot write a model"
same "$(wc -c <"$TMP/m.safetensors")" "$(wc -c <"$TMP/other.safetensors")" "two models of one size"
cp "$TMP/m.safetensors" "$TMP/orig.safetensors"
sentence="it 's a good movie ."

# wait_lines FILE N: until FILE has N lines (at most 20 s)
wait_lines() {
    for _ in $(seq 1 200); do
        [ "$(wc -l <"$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# stream CHANGE: explain one sentence, change the model file with CHANGE, explain it again
stream() {
    cp "$TMP/orig.safetensors" "$TMP/m.safetensors"
    rm -f "$TMP/in"
    mkfifo "$TMP/in"
    "$LRP_BIN" explain --model "$TMP/m.safetensors" --pretokenized --format json --method lrp,sa \
        <"$TMP/in" >"$TMP/out" 2>"$TMP/err" &
    local pid=$!
    exec 3>"$TMP/in"
    echo "$sentence" >&3
    wait_lines "$TMP/out" 1 || fail "$1: no answer to the first line"
    eval "$1"
    echo "$sentence" >&3
    exec 3>&-
    wait $pid
    local code=$?
    same "$code" 0 "$1: exit status (135: killed by SIGBUS)"
    same "$(wc -l <"$TMP/out")" 2 "$1: two answers"
    sed -n 1p "$TMP/out" >"$TMP/first"
    sed -n 2p "$TMP/out" | sed 's/"line":2/"line":1/' >"$TMP/second"
    CHECKS=$((CHECKS + 1))
    cmp -s "$TMP/first" "$TMP/second" || fail "$1: the second answer is not the loaded model's"
}

stream ': >"$TMP/m.safetensors"'
stream 'cp "$TMP/other.safetensors" "$TMP/m.safetensors"'
# the other model gives another answer (so that the check above can fail)
run 0 "$LRP_BIN" explain --model "$TMP/orig.safetensors" --pretokenized --format json --method lrp,sa "$sentence"
cp "$TMP/out" "$TMP/orig.json"
run 0 "$LRP_BIN" explain --model "$TMP/other.safetensors" --pretokenized --format json --method lrp,sa "$sentence"
CHECKS=$((CHECKS + 1))
cmp -s "$TMP/out" "$TMP/orig.json" && fail "the two models give the same answer"

finish
