# Model files: missing, empty, garbage, truncated, a directory, NaN weights: exit 1
# and a message naming the file or the problem, never a crash; $LRP_MODEL and
# --model choose the model; a float32 model file loads.
. "$(dirname "$0")/testlib.sh"

check_bad_model() { # FILE WHAT
    for cmd in "explain" "predict" "info"; do
        if [ $cmd = info ]; then
            run 1 "$LRP_BIN" info "$1"
        else
            run 1 "$LRP_BIN" $cmd --model "$1" "a good movie"
        fi
        CHECKS=$((CHECKS + 1))
        [ -s "$TMP/err" ] || fail "$cmd, $2: no message"
        same "$(wc -c <"$TMP/out")" 0 "$cmd, $2: nothing on stdout"
    done
}

check_bad_model "$TMP/missing.safetensors" "missing file"
has "$TMP/err" "missing.safetensors" "missing file message"
: >"$TMP/empty.safetensors"
check_bad_model "$TMP/empty.safetensors" "empty file"
head -c 4096 /dev/urandom >"$TMP/garbage.safetensors"
check_bad_model "$TMP/garbage.safetensors" "random bytes"
printf 'not a model at all\n' >"$TMP/text.safetensors"
check_bad_model "$TMP/text.safetensors" "text file"
size=$(wc -c <"$MODEL")
for keep in 4 8 16 $((size / 2)) $((size - 1)); do
    head -c $keep "$MODEL" >"$TMP/truncated.safetensors"
    check_bad_model "$TMP/truncated.safetensors" "truncated to $keep bytes"
done
mkdir "$TMP/dir.safetensors"
check_bad_model "$TMP/dir.safetensors" "a directory"
# NaN in the last tensor's data (the file ends with tensor data)
cp "$MODEL" "$TMP/nan.safetensors"
printf '\x00\x00\x00\x00\x00\x00\xf8\x7f' | dd of="$TMP/nan.safetensors" bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null
check_bad_model "$TMP/nan.safetensors" "NaN weight"

# the model comes from --model, else $LRP_MODEL
run 0 env LRP_MODEL="$MODEL" "$LRP_BIN" explain "a good movie"
run 1 env LRP_MODEL="$TMP/missing.safetensors" "$LRP_BIN" explain "a good movie"
has "$TMP/err" "missing.safetensors" "LRP_MODEL is used"
run 0 env LRP_MODEL="$TMP/missing.safetensors" "$LRP_BIN" explain --model "$MODEL" "a good movie"
# without either, the default model: when it is absent the message says how to get one
(cd "$TMP" && "$LRP_BIN" info >"$TMP/out" 2>"$TMP/err")
case $? in
0) echo "a default model is installed: its absence is not tested" ;;
1) has "$TMP/err" "default model" "missing default model"
   has "$TMP/err" "--model" "the message names --model" ;;
*) fail "lrp info without a model: unexpected exit status" ;;
esac

# a model that is not a regular file (a pipe: read, not mapped) gives the same answers;
# truncated through a pipe, it fails as a truncated file does
run 0 "$LRP_BIN" explain --model "$MODEL" --format json "a good movie"
cp "$TMP/out" "$TMP/mapped.json"
run 0 "$LRP_BIN" explain --model <(cat "$MODEL") --format json "a good movie"
same "$(cat "$TMP/out")" "$(cat "$TMP/mapped.json")" "model from a pipe"
run 0 "$LRP_BIN" info --format json <(cat "$MODEL")
has "$TMP/out" '"bytes":null' "lrp info: no size for a pipe"
run 1 "$LRP_BIN" explain --model <(head -c $((size / 2)) "$MODEL") "a good movie"
has "$TMP/err" "truncated" "truncated model from a pipe"

# float32 files load and explain
"$LRP_TESTTOOL" model "$TMP/f32.safetensors" --float32 || fail "cannot write a float32 model"
run 0 "$LRP_BIN" explain --model "$TMP/f32.safetensors" --format json "a good movie"
run 0 "$LRP_BIN" info "$TMP/f32.safetensors"

finish
