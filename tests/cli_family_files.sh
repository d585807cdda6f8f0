# The model family's files through the command: lrp info names the architecture (text and
# JSON) of PyTorch state_dicts (nn.GRU, pooling, attention, dense layers, with the options
# --pooling, --prefix-dense, --prefix-attention, --prefix-rnn, --activation) and of lrp-rnn
# files written from the general golden fixtures; lrp convert round trips every
# architecture (PyTorch -> ours -> ours: the same bytes, the same architecture); bad
# options exit 2 and bad files 1, with the reason.
. "$(dirname "$0")/testlib.sh"

P=$LRP_TEST_DATA/pytorch
G=$LRP_TEST_DATA/golden/general
GSIDE=(--vocab "$P/gru-deep-vocab.txt" --labels "$P/gru-deep-labels.txt" --unk "<unk>" --pooling mean)

# info: the architecture in one line, and its parts
run 0 "$LRP_BIN" info "$P/gru-attn.safetensors"
has "$TMP/out" "architecture   1-layer bi-GRU, attention (A=7), dense 6 tanh, 3 classes"
has "$TMP/out" "read as        PyTorch state_dict: embedding emb.weight, GRU at gru (1 layer, bidirectional, bias_ih and bias_hh), attention at attn (A = 7), dense hidden (tanh), classifier out.weight + out.bias"
has "$TMP/out" "cell           GRU"
has "$TMP/out" "head           attention, A = 7"
has "$TMP/out" "dense layers   6 (tanh)"
run 0 "$LRP_BIN" info --format json "${GSIDE[@]}" "$P/gru-deep.safetensors"
flat "$TMP/out" >"$TMP/f"
same "$(value "$TMP/f" 0.architecture)" "2-layer bi-GRU, mean pooling, 3 classes" "gru-deep: architecture"
same "$(value "$TMP/f" 0.cell):$(value "$TMP/f" 0.pooling):$(value "$TMP/f" 0.attention_dim)" "gru:mean:0" "gru-deep: kinds"
same "$(value "$TMP/f" 0.dense):$(value "$TMP/f" 0.activation)" "[]:relu" "gru-deep: no dense layers"
run 0 "$LRP_BIN" info --format json --prefix-dense fc1,fc2 "$P/lstm-attn.safetensors"
flat "$TMP/out" >"$TMP/f"
same "$(value "$TMP/f" 0.architecture)" "2-layer bi-LSTM, attention (A=5), dense 8,6 relu, 2 classes" "lstm-attn: architecture"
same "$(value "$TMP/f" 0.dense.0),$(value "$TMP/f" 0.dense.1):$(value "$TMP/f" 0.attention_dim)" "8,6:5" "lstm-attn: sizes"
has "$TMP/f" "vector.bias ignored"
run 0 "$LRP_BIN" info "$MODEL"
has "$TMP/out" "architecture   1-layer bi-LSTM, last states, 5 classes"
has "$TMP/out" "head           last states"
has "$TMP/out" "dense layers   none"
run 0 "$LRP_BIN" info --format json "$MODEL"
flat "$TMP/out" >"$TMP/f"
same "$(value "$TMP/f" 0.cell):$(value "$TMP/f" 0.pooling):$(value "$TMP/f" 0.dense):$(value "$TMP/f" 0.activation)" \
    "lstm:last:[]:relu" "the test model's kinds"

# the options, right and wrong
run 0 "$LRP_BIN" info --prefix-rnn encoder.gru --pooling max "$P/gru-bi.safetensors"
has "$TMP/out" "architecture   1-layer bi-GRU, max pooling, 4 classes"
run 2 "$LRP_BIN" info --prefix-rnn encoder.gru --prefix-lstm encoder.lstm "$P/gru-bi.safetensors"
has "$TMP/err" "two names for the one recurrent module"
run 2 "$LRP_BIN" info --pooling sum "$P/gru-bi.safetensors"
has "$TMP/err" "--pooling: 'sum' is not last, mean, max or attention"
run 2 "$LRP_BIN" info --activation gelu "$P/gru-bi.safetensors"
has "$TMP/err" "--activation: 'gelu' is not relu or tanh"
run 2 "$LRP_BIN" info --pooling mean "$P/gru-attn.safetensors"
has "$TMP/err" 'an attention module is named ("attn"), but the pooling is "mean"'
run 1 "$LRP_BIN" info "$P/lstm-attn.safetensors"
has "$TMP/err" "unexpected tensor fc1.bias [8]"
has "$TMP/err" "--prefix-dense"
run 1 "$LRP_BIN" info --prefix-dense fc2,fc1 "$P/lstm-attn.safetensors"
has "$TMP/err" "fc2.weight: shape [6, 8], expected [M, 6] (dense layer 0 reads the head's D*H = 6 values"
run 2 "$LRP_BIN" info --prefix-dense fc1,fc1 "$P/lstm-attn.safetensors"
has "$TMP/err" "fc1 named twice"
run 0 "$LRP_BIN" info --prefix-dense fc1,fc2 --prefix-attention pool --activation relu "$P/lstm-attn.safetensors"
run 1 "$LRP_BIN" info --prefix-dense fc1,fc2 --prefix-attention attn "$P/lstm-attn.safetensors"
has "$TMP/err" 'no tensor "attn.proj.weight" (attention module path "attn" given)'
run 2 "$LRP_BIN" info --pooling mean "$MODEL"
has "$TMP/err" "pooling option \"mean\": this lrp-rnn file's head is \"last\""
run 0 "$LRP_BIN" info --pooling last --activation tanh "$MODEL"

# convert: PyTorch -> lrp-rnn -> lrp-rnn gives the same bytes and the same architecture
convert_twice() { # NAME ARGS...: the fixture NAME converted with ARGS, then converted again
    local name=$1
    shift
    run 0 "$LRP_BIN" info "$@" "$P/$name.safetensors"
    grep '^architecture' "$TMP/out" >"$TMP/arch-$name"
    run 0 "$LRP_BIN" convert "$@" "$P/$name.safetensors" "$TMP/$name-a.safetensors"
    has "$TMP/err" "lrp convert: wrote $TMP/$name-a.safetensors (lrp-rnn, "
    has "$TMP/err" "$(cut -c16- "$TMP/arch-$name"); "
    run 0 "$LRP_BIN" convert "$TMP/$name-a.safetensors" "$TMP/$name-b.safetensors"
    CHECKS=$((CHECKS + 1))
    cmp -s "$TMP/$name-a.safetensors" "$TMP/$name-b.safetensors" || fail "$name: converted twice, other bytes"
    run 0 "$LRP_BIN" info "$TMP/$name-b.safetensors"
    has "$TMP/out" "$(cat "$TMP/arch-$name")"
    has "$TMP/out" "read as        lrp-rnn"
}
convert_twice gru-uni
convert_twice gru-bi
convert_twice gru-deep "${GSIDE[@]}"
convert_twice gru-attn
convert_twice lstm-attn --prefix-dense fc1,fc2
# a float32 GRU's two biases stay apart: nothing to round, F32 is kept
run 0 "$LRP_BIN" convert "${GSIDE[@]}" "$P/gru-deep.safetensors" "$TMP/gd.safetensors"
has "$TMP/err" "(lrp-rnn, F32)"
# an F32 copy of a float64 model, and back
run 0 "$LRP_BIN" convert --dtype f32 "$P/gru-attn.safetensors" "$TMP/ga32.safetensors"
has "$TMP/err" "(lrp-rnn, F32)"
run 0 "$LRP_BIN" convert --dtype f64 "$TMP/ga32.safetensors" "$TMP/ga64.safetensors"
run 0 "$LRP_BIN" convert "$TMP/ga64.safetensors" "$TMP/ga32b.safetensors"
has "$TMP/err" "(lrp-rnn, F32)"
CHECKS=$((CHECKS + 1))
cmp -s "$TMP/ga32.safetensors" "$TMP/ga32b.safetensors" || fail "gru-attn: F32 -> F64 -> F32, other bytes"

# the general golden fixtures' models, written by lrp_model_save: their architecture,
# and convert writes the same bytes again
while IFS=: read -r name arch; do
    "$LRP_TESTTOOL" model "$TMP/$name.safetensors" --general "$G/$name.json" || fail "cannot write $name"
    run 0 "$LRP_BIN" info "$TMP/$name.safetensors"
    has "$TMP/out" "architecture   $arch"
    run 0 "$LRP_BIN" convert "$TMP/$name.safetensors" "$TMP/$name-c.safetensors"
    has "$TMP/err" "(lrp-rnn, F64): $arch;"
    CHECKS=$((CHECKS + 1))
    cmp -s "$TMP/$name.safetensors" "$TMP/$name-c.safetensors" || fail "$name: convert changed the bytes"
done <<'EOF'
gru-bi-last:1-layer bi-GRU, last states, 4 classes
gru-uni-2layer-mean:2-layer GRU, mean pooling, 3 classes
gru-bi-attention-tanh:2-layer bi-GRU, attention (A=8), dense 6,5 tanh, 2 classes
lstm-bi-2layer-max:2-layer bi-LSTM, max pooling, 5 classes
lstm-bi-attention-relu:1-layer bi-LSTM, attention (A=8), dense 7 relu, 5 classes
EOF

# a broken family file: the message names the problem, exit 1
"$LRP_TESTTOOL" model "$TMP/gba.safetensors" --general "$G/gru-bi-attention-tanh.json" || fail "cannot write gba"
LC_ALL=C sed 's/"dense":"6,5"/"dense":"6,4"/' "$TMP/gba.safetensors" >"$TMP/bad.safetensors"
run 1 "$LRP_BIN" info "$TMP/bad.safetensors"
has "$TMP/err" 'dense.l1.weight: shape [5, 6], expected [4, 6] (metadata "dense" = "6,4")'
LC_ALL=C sed 's/"cell":"gru"/"cell":"rnn"/' "$TMP/gba.safetensors" >"$TMP/bad.safetensors"
run 1 "$LRP_BIN" info "$TMP/bad.safetensors"
has "$TMP/err" '__metadata__.cell is "rnn", expected "lstm" or "gru"'
finish
