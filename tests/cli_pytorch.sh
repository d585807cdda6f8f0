# PyTorch state_dicts through the command: lrp info says which tensors were read;
# predict and explain on them match torch's scores (tests/data/pytorch/*.json);
# the model options (--vocab, --labels, --unk, --lowercase, --prefix-*); lrp convert
# writes an lrp-rnn file that gives the same output; bad files and options fail
# with exit 1 or 2 and a message that says what was found and expected.
. "$(dirname "$0")/testlib.sh"

P=$LRP_TEST_DATA/pytorch
SIDE=(--vocab "$P/deep-vocab.txt" --labels "$P/deep-labels.txt" --unk "<unk>")

# info: what was read
run 0 "$LRP_BIN" info "$P/bi2.safetensors"
has "$TMP/out" "read as        PyTorch state_dict: embedding emb.weight, LSTM at encoder.lstm (2 layers, bidirectional, bias_ih + bias_hh summed), classifier classifier.weight + classifier.bias"
has "$TMP/out" "layers         2"
has "$TMP/out" "unknown word   <unk>"
has "$TMP/out" "lowercase      no"
run 0 "$LRP_BIN" info --format json "${SIDE[@]}" "$P/deep.safetensors"
flat "$TMP/out" >"$TMP/f"
has "$TMP/f" "0.source=PyTorch state_dict: embedding embed.weight, LSTM at rnn (3 layers, unidirectional, no biases), classifier head.weight (no bias)"
same "$(value "$TMP/f" 0.lowercase)" true "deep: lowercase inferred from the vocabulary"
same "$(value "$TMP/f" 0.output_bias)" false "deep: no output bias"

# scores of the fixture sentences against torch's (1e-10), through the command
for name in bi1 bi2 uni deep; do
    flat "$P/$name.json" >"$TMP/fx"
    args=()
    [ "$name" = deep ] && args=("${SIDE[@]}")
    for s in 0 1 2 3; do
        grep "^0\.sentences\.$s\.tokens\." "$TMP/fx" | cut -d= -f2- | paste -sd' ' - >>"$TMP/in-$name"
    done
    run 0 "$LRP_BIN" predict --format json --pretokenized --model "$P/$name.safetensors" "${args[@]}" <"$TMP/in-$name"
    flat "$TMP/out" >"$TMP/pred"
    for s in 0 1 2 3; do
        for c in 0 1; do
            got=$(value "$TMP/pred" $s.scores.$c)
            want=$(value "$TMP/fx" 0.sentences.$s.scores.$c)
            [ -n "$got" ] && [ -n "$want" ] || fail "$name sentence $s score $c: missing"
            near "$got" "$want" 1e-10 "$name sentence $s score $c"
        done
    done
done

# lowercasing: deep infers it; --lowercase false makes W1 unknown
run 0 "$LRP_BIN" explain --format json --model "$P/deep.safetensors" "${SIDE[@]}" "W1 w2"
flat "$TMP/out" >"$TMP/f"
same "$(value "$TMP/f" 0.unknown.0)" false "W1 lowercased"
run 0 "$LRP_BIN" explain --format json --model "$P/deep.safetensors" "${SIDE[@]}" --lowercase false "W1 w2"
flat "$TMP/out" >"$TMP/f"
same "$(value "$TMP/f" 0.unknown.0)" true "--lowercase false: W1 unknown"
run 1 "$LRP_BIN" explain --model "$P/deep.safetensors" "${SIDE[@]}" --unk "" "foo w2"
has "$TMP/err" "foo" "--unk '': an unknown word fails"

# module paths: given right, they load; given wrong, the message names them
run 0 "$LRP_BIN" predict --model "$P/bi2.safetensors" --prefix-embedding emb --prefix-lstm encoder.lstm \
    --prefix-classifier classifier. "w1 w2"
run 1 "$LRP_BIN" predict --model "$P/bi2.safetensors" --prefix-lstm encoder "w1 w2"
has "$TMP/err" 'no tensor "encoder.weight_ih_l0"'
run 2 "$LRP_BIN" predict --model "$MODEL" --prefix-lstm lstm "a good movie"
has "$TMP/err" "are for PyTorch state_dicts"
run 2 "$LRP_BIN" predict --model "$P/bi1.safetensors" --lowercase yes "w1"
has "$TMP/err" "--lowercase: 'yes' is not true or false"

# no vocabulary anywhere; side files that do not fit
run 1 "$LRP_BIN" info "$P/deep.safetensors"
has "$TMP/err" 'no "vocab"'
has "$TMP/err" "--vocab FILE"
head -n 3 "$P/deep-vocab.txt" >"$TMP/short.txt"
run 1 "$LRP_BIN" info --vocab "$TMP/short.txt" --labels "$P/deep-labels.txt" "$P/deep.safetensors"
has "$TMP/err" "the embedding embed.weight is [15, 3], but the vocabulary has 3 words"
run 1 "$LRP_BIN" info "${SIDE[@]}" --labels "$TMP/missing.txt" "$P/deep.safetensors"
has "$TMP/err" "labels file $TMP/missing.txt"

# a model that is not nn.Embedding + nn.LSTM + nn.Linear: a GRU's shapes
# (bi1's header edited in place: weight_hh_l0 declared [18, 8], the same number of values)
LC_ALL=C sed 's/"lstm.weight_hh_l0": {"dtype": "F64", "shape": \[24, 6\]/"lstm.weight_hh_l0": {"dtype": "F64", "shape": [18, 8]/' \
    "$P/bi1.safetensors" >"$TMP/gru.safetensors"
run 1 "$LRP_BIN" info "$TMP/gru.safetensors"
has "$TMP/err" "lstm.weight_hh_l0: shape [18, 8]"
has "$TMP/err" "expected an nn.LSTM"

# convert: what was read on stderr; the lrp-rnn file gives the same output, byte for byte
run 0 "$LRP_BIN" convert "$P/bi2.safetensors" "$TMP/bi2.safetensors"
has "$TMP/err" "lrp convert: $P/bi2.safetensors: PyTorch state_dict: embedding emb.weight"
has "$TMP/err" "(lrp-rnn, F64)"
same "$(wc -c <"$TMP/out")" 0 "convert: nothing on stdout"
run 0 "$LRP_BIN" info --format json "$TMP/bi2.safetensors"
flat "$TMP/out" >"$TMP/f"
same "$(value "$TMP/f" 0.source)" lrp-rnn "converted file is lrp-rnn"
"$LRP_BIN" explain --format json --method lrp,lrp-cons,sa,gi --target all --pretokenized --model "$P/bi2.safetensors" \
    <"$TMP/in-bi2" >"$TMP/a" 2>&1 || fail "explain on the PyTorch file"
"$LRP_BIN" explain --format json --method lrp,lrp-cons,sa,gi --target all --pretokenized --model "$TMP/bi2.safetensors" \
    <"$TMP/in-bi2" >"$TMP/b" 2>&1 || fail "explain on the converted file"
same "$(grep -c '"explanations"' "$TMP/a")" 4 "explain on the PyTorch file: 4 lines"
same "$(md5sum <"$TMP/a")" "$(md5sum <"$TMP/b")" "converted model explains the same bytes"
# float32 weights are stored as F32 without rounding; --dtype forces a type
run 0 "$LRP_BIN" convert "${SIDE[@]}" "$P/deep.safetensors" "$TMP/deep.safetensors"
has "$TMP/err" "(lrp-rnn, F32)"
run 0 "$LRP_BIN" convert --dtype f64 "${SIDE[@]}" "$P/deep.safetensors" "$TMP/deep64.safetensors"
has "$TMP/err" "(lrp-rnn, F64)"
"$LRP_BIN" predict --format json --pretokenized --model "$TMP/deep.safetensors" <"$TMP/in-deep" >"$TMP/a"
"$LRP_BIN" predict --format json --pretokenized --model "$TMP/deep64.safetensors" <"$TMP/in-deep" >"$TMP/b"
same "$(grep -c '"scores"' "$TMP/a")" 4 "predict on the F32 conversion: 4 lines"
same "$(md5sum <"$TMP/a")" "$(md5sum <"$TMP/b")" "F32 and F64 conversions of float32 weights agree"
# usage and failures
run 2 "$LRP_BIN" convert "$P/bi2.safetensors"
has "$TMP/err" "expected IN and OUT"
run 2 "$LRP_BIN" convert --dtype f16 "$P/bi2.safetensors" "$TMP/x.safetensors"
run 1 "$LRP_BIN" convert "$P/bi2.safetensors" "$TMP/no/such/dir/x.safetensors"
has "$TMP/err" "$TMP/no/such/dir/x.safetensors"
run 1 "$LRP_BIN" convert "$P/deep.safetensors" "$TMP/x.safetensors"
[ -e "$TMP/x.safetensors" ] && fail "a failed convert left a file"

finish
