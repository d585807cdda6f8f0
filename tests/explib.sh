# explib.sh - sourced by the experiment commands' tests (cli_heatmaps.sh, cli_deletion.sh,
# ...) after testlib.sh; not a test itself. Writes labelled data over the test model's
# vocabulary, and a second test model:
#   $DATA      40 treebank lines (flat trees: root label, each leaf with its own label:
#              good/funny 3, bad/boring/waste 1, the rest 2), 3 to 24 words each
#   $DATA_TSV  the same sentences as LABEL<TAB>sentence lines
#   $DMODEL    a test model whose decisions change with a few deletions (the default
#              one's hardly do)
# and gives the checks that these tests share (exp_*).
DATA=$TMP/data.ptb
DATA_TSV=$TMP/data.tsv
awk 'BEGIN {
    n = split("it '"'"'s a good bad movie film not n'"'"'t do waste your money . , the is and funny boring", w, " ")
    s = 12345
    for (i = 0; i < 40; i++) {
        s = (s * 1103515245 + 12345) % 2147483648; T = 3 + int(s / 2147483648 * 22)
        s = (s * 1103515245 + 12345) % 2147483648; root = int(s / 2147483648 * 5)
        tree = "(" root; text = ""
        for (t = 0; t < T; t++) {
            s = (s * 1103515245 + 12345) % 2147483648; word = w[1 + int(s / 2147483648 * n)]
            lab = (word == "good" || word == "funny") ? 3 : ((word == "bad" || word == "boring" || word == "waste") ? 1 : 2)
            tree = tree " (" lab " " word ")"; text = text (t ? " " : "") word
        }
        print tree ")" > "'"$DATA"'"
        print root "\t" text > "'"$DATA_TSV"'"
    }
}'

DMODEL=$TMP/model6.safetensors
"$LRP_TESTTOOL" model "$DMODEL" --seed 6 || fail "cannot write the model"

# exp_json OBJECTS COMMAND...: run the command (exit 0); expect OBJECTS JSON objects, one a
# line; keep them in $TMP/json and, flattened, in the file $F
exp_json() {
    local objects=$1
    shift
    run 0 "$@"
    cp "$TMP/out" "$TMP/json"
    same "$(wc -l <"$TMP/json")" "$objects" "JSON objects, one a line"
    F=$TMP/flat
    flat "$TMP/json" >"$F"
}

# exp_same_json WHAT COMMAND...: the command (exit 0) writes the same bytes as $TMP/json
exp_same_json() {
    local what=$1
    shift
    run 0 "$@"
    CHECKS=$((CHECKS + 1))
    cmp -s "$TMP/out" "$TMP/json" || fail "$what"
}

# exp_keys FLATFILE: the paths of flattened JSON, each without its last index, sorted, on
# one line
exp_keys() {
    sed 's/=.*//; s/\.[0-9]*$//' "$1" | sort -u | tr '\n' ' '
}

# exp_long MIN: the lines of $DATA_TSV whose sentence has at least MIN words
exp_long() {
    awk -F'\t' -v min="$1" 'NF { n = split($2, a, " "); if (n >= min) print }' "$DATA_TSV"
}

# exp_sentences MIN: $N, the number of sentences of at least MIN words, is what $F gives
# as 0.sentences
exp_sentences() {
    N=$(exp_long "$1" | wc -l)
    same "$(value "$F" 0.sentences)" "$N" "sentences of at least $1 words"
}

# exp_csv HEADER LINES WHAT COMMAND...: the command (exit 0) writes CSV: the header line
# HEADER, and LINES lines in all (WHAT says which)
exp_csv() {
    local header=$1 lines=$2 what=$3
    shift 3
    run 0 "$@"
    same "$(head -1 "$TMP/out")" "$header" "CSV header"
    same "$(wc -l <"$TMP/out")" "$lines" "CSV: $what"
}

# exp_figure SVGS WHAT COMMAND...: the command (exit 0) with --figure FILE writes an SVG file
# holding SVGS <svg> elements (the figure and its panels), and no temporary file is left
exp_figure() {
    local svgs=$1 what=$2
    shift 2
    run 0 "$@" --figure "$TMP/fig.svg"
    same "$(head -c 4 "$TMP/fig.svg")" "<svg" "figure is SVG"
    same "$(grep -c '<svg' "$TMP/fig.svg")" "$svgs" "figure: $what"
    same "$(ls "$TMP" | grep -c 'fig.svg.tmp')" 0 "no temporary file left"
}
