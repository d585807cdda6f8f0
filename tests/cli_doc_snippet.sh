# The numpy snippet of docs/model-format.md ("Writing a file with numpy"), run as printed
# there with Debian's python and numpy: it writes tiny.safetensors and
# tiny-gru.safetensors, the same bytes as the committed tests/data/models/doc-snippet*.
# safetensors (which test_model_io loads), and lrp reads them. Skipped without numpy.
. "$(dirname "$0")/testlib.sh"

PY=/usr/bin/python3
"$PY" -c 'import numpy' 2>/dev/null || { echo "no $PY with numpy: skipped"; exit 77; }
DOC=${LRP_SOURCE_DIR:-.}/docs/model-format.md
awk '/^## Writing a file with numpy/ { f = 1 } f && /^```python/ { p = 1; next } p && /^```/ { exit } p' \
    "$DOC" >"$TMP/snippet.py"
[ -s "$TMP/snippet.py" ] || fail "no python block under 'Writing a file with numpy' in $DOC"
(cd "$TMP" && "$PY" snippet.py) || fail "the snippet fails"
for pair in tiny:doc-snippet tiny-gru:doc-snippet-gru; do
    CHECKS=$((CHECKS + 1))
    cmp -s "$TMP/${pair%%:*}.safetensors" "$LRP_TEST_DATA/models/${pair#*:}.safetensors" ||
        fail "${pair%%:*}.safetensors differs from tests/data/models/${pair#*:}.safetensors"
done
run 0 "$LRP_BIN" info "$TMP/tiny-gru.safetensors"
has "$TMP/out" "architecture   1-layer bi-GRU, attention (A=3), dense 4 tanh, 2 classes"
run 0 "$LRP_BIN" info "$TMP/tiny.safetensors"
has "$TMP/out" "architecture   1-layer bi-LSTM, last states, 2 classes"
finish
