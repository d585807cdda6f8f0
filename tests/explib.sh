# explib.sh - sourced by the experiment commands' tests (cli_heatmaps.sh, cli_deletion.sh,
# ...) after testlib.sh; not a test itself. Writes labelled data over the test model's
# vocabulary:
#   $DATA      40 treebank lines (flat trees: root label, each leaf with its own label:
#              good/funny 3, bad/boring/waste 1, the rest 2), 3 to 24 words each
#   $DATA_TSV  the same sentences as LABEL<TAB>sentence lines
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
