# lrp info: the test model's sizes, layers, directions, classes and labels,
# vocabulary, unk word, lowercasing, output bias and parameter count, as text and JSON.
. "$(dirname "$0")/testlib.sh"

# the test model: V = 46, E = 6, H = 5, C = 5, 1 layer, 2 directions, output bias:
# V E + 2 (4H (E + H + 1)) + C (2H) + C = 276 + 480 + 50 + 5
params=811
run 0 "$LRP_BIN" info --format json "$MODEL"
flat "$TMP/out" >"$TMP/f"
F=$TMP/f
same "$(wc -l <"$TMP/out")" 1 "one JSON line"
same "$(value "$F" 0.file)" "$MODEL" "file"
same "$(value "$F" 0.bytes)" "$(wc -c <"$MODEL")" "bytes"
same "$(value "$F" 0.vocab_size)" 46 "vocab_size"
same "$(value "$F" 0.embed_dim)" 6 "embed_dim"
same "$(value "$F" 0.hidden_dim)" 5 "hidden_dim"
same "$(value "$F" 0.layers)" 1 "layers"
same "$(value "$F" 0.directions)" 2 "directions"
same "$(value "$F" 0.classes)" 5 "classes"
same "$(grep '^0\.labels\.' "$F" | cut -d= -f2 | paste -sd, -)" "very negative,negative,neutral,positive,very positive" "labels"
same "$(value "$F" 0.unk)" "<unk>" "unk"
same "$(value "$F" 0.lowercase)" true "lowercase"
same "$(value "$F" 0.output_bias)" true "output_bias"
same "$(value "$F" 0.parameters)" $params "parameters"
same "$(value "$F" 0.source)" lrp-rnn "source"

run 0 "$LRP_BIN" info --format json --model "$MODEL_NOUNK"
flat "$TMP/out" >"$F"
same "$(value "$F" 0.unk)" null "no unk word"

run 0 "$LRP_BIN" info "$MODEL"
T=$TMP/out
has "$T" "vocabulary     46 words"
has "$T" "unknown word   <unk>"
has "$T" "lowercase      yes"
has "$T" "embedding      6"
has "$T" "hidden         5 per direction"
has "$T" "layers         1"
has "$T" "directions     2 (bidirectional)"
has "$T" "classes        5"
has "$T" "   4  very positive"
has "$T" "output bias    yes"
has "$T" "parameters     $params"
has "$T" "read as        lrp-rnn"
run 0 "$LRP_BIN" info --model "$MODEL_NOUNK"
has "$TMP/out" "unknown word   (none" "no unk word in text"

# the golden fixture's model: V = 12, E = 7, H = 5, no output bias, no unk
"$LRP_TESTTOOL" model "$TMP/golden.safetensors" --golden "$LRP_TEST_DATA/golden/public-tiny.json" ||
    fail "cannot write the golden model"
run 0 "$LRP_BIN" info --format json "$TMP/golden.safetensors"
flat "$TMP/out" >"$F"
same "$(value "$F" 0.vocab_size):$(value "$F" 0.embed_dim):$(value "$F" 0.hidden_dim)" "12:7:5" "golden sizes"
same "$(value "$F" 0.output_bias)" false "golden: no bias"
same "$(value "$F" 0.parameters)" $((12 * 7 + 2 * 20 * (7 + 5 + 1) + 5 * 10)) "golden parameters"

finish
