# lrp train: a short training on a small treebank written here, the model it writes
# (loadable, evaluated by lrp evaluate), one line per epoch, Ctrl-C keeps the best
# model, bad data (exit 1) and bad options (exit 2).
. "$(dirname "$0")/testlib.sh"

D=$TMP/sst
treebank_dir "$D"
OPTS="--embed 6 --hidden 5 --batch 8 --lr 0.01 --lr-decay 1 --patience 0 --threads 2"

run 0 "$LRP_BIN" train --data "$D" --out "$TMP/m.safetensors" --epochs 3 $OPTS
same "$(grep -c '^epoch ' "$TMP/out")" 3 "one line per epoch"
has "$TMP/out" "epoch 1/3  loss " "epoch line"
has "$TMP/out" "* saved" "the first epoch is saved"
has "$TMP/out" "test     fine-grained " "test report"
same "$(wc -c <"$TMP/err")" 0 "nothing on stderr when it is not a terminal (no progress bar)"
run 0 "$LRP_BIN" info --model "$TMP/m.safetensors" --format json
flat "$TMP/out" >"$TMP/info"
same "$(value "$TMP/info" 0.embed_dim):$(value "$TMP/info" 0.hidden_dim):$(value "$TMP/info" 0.directions)" "6:5:2" "sizes"
same "$(value "$TMP/info" 0.unk):$(value "$TMP/info" 0.lowercase):$(value "$TMP/info" 0.output_bias)" \
    "<unk>:true:false" "unk word, lowercase, no classifier bias"
same "$(value "$TMP/info" 0.labels.4)" "very positive" "treebank labels"
run 0 "$LRP_BIN" evaluate --model "$TMP/m.safetensors" --data "$D/dev.txt"
run 0 "$LRP_BIN" explain --model "$TMP/m.safetensors" "A great film, not a boring plot."

# the same seed gives the same bytes, whatever the thread count
run 0 "$LRP_BIN" train --data "$D" --out "$TMP/m1.safetensors" --epochs 1 $OPTS
run 0 "$LRP_BIN" train --data "$D" --out "$TMP/m2.safetensors" --epochs 1 $OPTS --threads 1
CHECKS=$((CHECKS + 1))
cmp -s "$TMP/m1.safetensors" "$TMP/m2.safetensors" || fail "1 and 2 threads give different files"
# the architecture's defaults given explicitly: the paper's model, the same bytes
run 0 "$LRP_BIN" train --data "$D" --out "$TMP/m3.safetensors" --epochs 1 $OPTS --cell lstm --layers 1 \
    --directions 2 --pooling last --dense '' --activation relu
has "$TMP/out" "model    vocabulary 14 (with <unk>), embedding 6, 1-layer bi-LSTM of 5 units per direction, last states, 5 classes" \
    "the architecture in one line"
CHECKS=$((CHECKS + 1))
cmp -s "$TMP/m1.safetensors" "$TMP/m3.safetensors" || fail "the explicit defaults give another file"

# TSV data with its own classes
mkdir -p "$TMP/tsv"
printf 'yes\tgood film\nno\tbad film\nyes\tgreat\nno\tawful plot\n' >"$TMP/tsv/train.txt"
printf 'yes\tfine film\nno\tdull\n' >"$TMP/tsv/dev.txt"
run 0 "$LRP_BIN" train --data "$TMP/tsv" --out "$TMP/tsv.safetensors" --epochs 2 --classes no,yes $OPTS
has "$TMP/out" "4 distinct phrases" "a TSV line is one phrase"
run 0 "$LRP_BIN" info --model "$TMP/tsv.safetensors" --format json
flat "$TMP/out" >"$TMP/info"
same "$(value "$TMP/info" 0.classes):$(value "$TMP/info" 0.labels.1)" "2:yes" "classes from --classes"

# Ctrl-C: stops after the current minibatch, exit 130, the best model so far stays
"$LRP_BIN" train --data "$D" --out "$TMP/int.safetensors" --epochs 100000 $OPTS >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
for _ in $(seq 1 600); do
    [ -s "$TMP/int.safetensors" ] && break
    sleep 0.1
done
kill -INT $pid
wait $pid
same "$?" 130 "exit status after Ctrl-C"
has "$TMP/int.err" "interrupted" "says it was interrupted"
run 0 "$LRP_BIN" info --model "$TMP/int.safetensors"

# bad data: exit 1, named
run 1 "$LRP_BIN" train --data "$TMP/nonexistent" --out "$TMP/x.safetensors"
has "$TMP/err" "nonexistent/train.txt" "missing data directory"
mkdir -p "$TMP/bad"
cp "$D/dev.txt" "$TMP/bad/dev.txt"
printf '(3 (2 it) (3 good))\n(3 (2 it) (3 good)\n' >"$TMP/bad/train.txt"
run 1 "$LRP_BIN" train --data "$TMP/bad" --out "$TMP/x.safetensors"
has "$TMP/err" "train.txt:2:" "malformed tree named by file and line"
printf '(9 (2 it) (3 good))\n' >"$TMP/bad/train.txt"
run 1 "$LRP_BIN" train --data "$TMP/bad" --out "$TMP/x.safetensors"
has "$TMP/err" "train.txt:1:" "label outside the classes"
run 1 "$LRP_BIN" train --data "$D" --out "$TMP/no/such/dir/x.safetensors" --epochs 1 $OPTS
has "$TMP/err" "no/such/dir" "unwritable output named"
CHECKS=$((CHECKS + 1))
[ ! -e "$TMP/x.safetensors" ] || fail "a failed run left a file"

# usage errors: exit 2
run 2 "$LRP_BIN" train --out "$TMP/x.safetensors"
has "$TMP/err" "--data DIR is required" "missing --data"
run 2 "$LRP_BIN" train --data "$D"
has "$TMP/err" "--out FILE is required" "missing --out"
for bad in "--lr 0" "--lr abc" "--dropout 1" "--epochs 0" "--batch 0" "--embed 0" "--optimizer sgd" \
    "--vocab some" "--classes one" "--classes a,,b" "--lr-decay 2" "--dtype f16" "--threads -1" "--unk-rate 2" \
    "--bogus" "--cell rnn" "--layers 0" "--layers 17" "--directions 3" "--pooling avg" "--attention 0" \
    "--dense 0" "--dense 4,,2" "--dense x" "--dense 1,2,3,4,5,6,7,8,9" "--activation sigmoid"; do
    run 2 "$LRP_BIN" train --data "$D" --out "$TMP/x.safetensors" $bad
    has "$TMP/err" "Try 'lrp train --help'." "train $bad"
done
run 2 "$LRP_BIN" train --data "$D" --out "$TMP/x.safetensors" --attention 8
has "$TMP/err" "needs attention pooling" "an attention size without attention pooling"
run 2 "$LRP_BIN" train --data "$D" --out "$TMP/x.safetensors" --cell gru --cell bogus
has "$TMP/err" "--cell: unknown cell 'bogus' (lstm, gru)" "unknown cell named"
run 2 "$LRP_BIN" train --data "$D" --out "$TMP/x.safetensors" --dense 4,,2
has "$TMP/err" "--dense: an empty item in the list" "empty dense size named"
run 2 "$LRP_BIN" train --data "$D" --out "$TMP/x.safetensors" extra
run 0 "$LRP_BIN" train --help
has "$TMP/out" "Usage: lrp train" "help"

finish
