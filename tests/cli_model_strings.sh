# A model's strings never reach the terminal raw: a label with an escape sequence, a
# NUL escape that would cut a string short, a metadata key given twice are each
# rejected with a message (exit 1), and messages quoting input (a file name) show
# control characters as '?'. The files are a test model with its header edited in
# place (perl, same length, so the header length holds).
. "$(dirname "$0")/testlib.sh"

ESC=$(printf '\033')
# edited FROM TO: the test model with FROM replaced by TO (of the same length) in its header
edited() {
    cp "$MODEL" "$TMP/edited.safetensors"
    perl -0777 -pi -e "s/\Q$1\E/$2/" "$TMP/edited.safetensors"
    CHECKS=$((CHECKS + 1))
    cmp -s "$MODEL" "$TMP/edited.safetensors" && fail "the edit $1 -> $2 changed nothing"
    same "$(wc -c <"$TMP/edited.safetensors")" "$(wc -c <"$MODEL")" "the edit keeps the length"
}
no_escape() { # FILE WHAT
    CHECKS=$((CHECKS + 1))
    if grep -q "$ESC" "$1"; then fail "$2: an escape character reached the output"; fi
}

# "\u001b[2J" (clear the screen) in the first label
edited 'very negative' '\\u001b[2Jnega'
run 1 "$LRP_BIN" info "$TMP/edited.safetensors"
has "$TMP/err" "control character U+001B" "info: an escape in a label"
no_escape "$TMP/out" "info: stdout"
no_escape "$TMP/err" "info: stderr"
run 1 "$LRP_BIN" explain --model "$TMP/edited.safetensors" --target 0 "a good movie"
has "$TMP/err" "control character U+001B" "explain: an escape in a label"
no_escape "$TMP/out" "explain: stdout"
# "\u0000" would cut the last label to "very po"
edited 'very positive' 'very po\\u0000'
run 1 "$LRP_BIN" info "$TMP/edited.safetensors"
has "$TMP/err" '\u0000 (a NUL character) in a string' "a NUL escape"
# a metadata key twice: "layers" becomes a second "format"
edited '"layers":"1"' '"format":"1"'
run 1 "$LRP_BIN" info "$TMP/edited.safetensors"
has "$TMP/err" '"format" appears twice' "a key twice"

# a message quoting a file name with an escape sequence
run 1 "$LRP_BIN" info "$TMP/x${ESC}[2Jy.safetensors"
has "$TMP/err" "x?[2Jy.safetensors" "the name with its escape as ?"
no_escape "$TMP/err" "a file name in a message"

# the unedited model still loads and its labels print as they are
run 0 "$LRP_BIN" info "$MODEL"
has "$TMP/out" "very negative" "labels"
finish
