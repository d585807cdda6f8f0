# lrp train on architectures other than the paper's (docs/training.md): a bi-GRU on its
# last states, a bi-LSTM with attention and a dense layer, a 2-layer forward GRU with
# max pooling and tanh dense layers. For each: the architecture in the model line, one
# line per epoch, the written model loads, `lrp evaluate` gives the dev accuracy the
# run reported, `lrp explain` explains with it, and 1 and 2 threads write the same bytes.
. "$(dirname "$0")/testlib.sh"

D=$TMP/sst
treebank_dir "$D"
OPTS="--embed 6 --hidden 5 --batch 8 --lr 0.01 --lr-decay 1 --patience 0 --epochs 2"

check() { # NAME "DESCRIPTION" PARAMETERS OPTIONS...: PARAMETERS, the model's count (V = 14, E = 6, H = 5, C = 5)
    local name=$1 want=$2 params=$3
    shift 3
    run 0 "$LRP_BIN" train --data "$D" --out "$TMP/$name.safetensors" $OPTS --threads 2 "$@"
    has "$TMP/out" "embedding 6, $want, 5 classes" "$name: the architecture in the model line"
    [ -s "$TMP/$name.safetensors" ] || return 0 # failed: said above, the rest would only repeat it
    same "$(grep -c '^epoch ' "$TMP/out")" 2 "$name: one line per epoch"
    local dev
    dev=$(sed -n 's/^dev      fine-grained \([0-9.]*\) .*/\1/p' "$TMP/out")
    run 0 "$LRP_BIN" info --model "$TMP/$name.safetensors"
    same "$(awk '$1 == "parameters" { print $2 }' "$TMP/out")" "$params" "$name: the written model's parameters"
    run 0 "$LRP_BIN" evaluate --model "$TMP/$name.safetensors" --data "$D/dev.txt" --format json
    flat "$TMP/out" >"$TMP/eval"
    same "$(printf '%.4f' "$(value "$TMP/eval" 0.accuracy)")" "$dev" "$name: lrp evaluate gives the reported dev accuracy"
    run 0 "$LRP_BIN" explain --model "$TMP/$name.safetensors" --method lrp,sa "A great film, not a boring plot."
    run 0 "$LRP_BIN" train --data "$D" --out "$TMP/$name-1.safetensors" $OPTS --threads 1 "$@"
    CHECKS=$((CHECKS + 1))
    cmp -s "$TMP/$name.safetensors" "$TMP/$name-1.safetensors" || fail "$name: 1 and 2 threads give different files"
}

# parameters: GRU direction 3H(E + H) + 6H, LSTM 4H(E + H) + 4H, attention A(2H) + 2A,
# dense M(in) + M, classifier C U, embedding V E
check gru "1-layer bi-GRU of 5 units per direction, last states" 524 --cell gru
check attention "1-layer bi-LSTM of 5 units per direction, attention (A=4), dense 6 relu" 708 \
    --pooling attention --attention 4 --dense 6
check gru-max "2-layer GRU of 5 units, max pooling, dense 6,4 tanh" 543 \
    --cell gru --layers 2 --directions 1 --pooling max --dense 6,4 --activation tanh

finish
