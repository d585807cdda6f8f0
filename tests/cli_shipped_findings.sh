# The paper's central findings on the shipped model (issue 4's acceptance), on the first
# lines of the treebank's test set so that the test takes seconds (docs/experiments.md
# has the numbers for the whole set): at k = 5 deletions LRP changes more decisions than
# SA and random deletion on both panels, and LRP's most relevant words for "very
# positive" are more often positive words than SA's. Needs the shipped model and the
# treebank (LRP_SST_DIR); skipped without them.
. "$(dirname "$0")/testlib.sh"

SRC=${LRP_SOURCE_DIR:-.}
M=$SRC/models/sst5-bilstm.safetensors
SST=${LRP_SST_DIR:-$SRC/../shared/data/sst}
if [ ! -f "$M" ] || [ ! -f "$SST/test.txt" ]; then
    echo "no shipped model or no treebank: skipped"
    exit 77
fi
lines=300
# the sanitizers and an emulator are several times slower
{ [ "${LRP_SANITIZE:-0}" = 1 ] || [ "${LRP_EMULATED:-0}" = 1 ]; } && lines=100
head -n $lines "$SST/test.txt" >"$TMP/test.txt"

run 0 "$LRP_BIN" deletion --model "$M" --data "$TMP/test.txt" --format json
flat "$TMP/out" >"$TMP/d"
for p in correct false; do
    lrp=$(value "$TMP/d" 0.$p.accuracy.lrp.5)
    for other in sa random; do
        o=$(value "$TMP/d" 0.$p.accuracy.$other.5)
        CHECKS=$((CHECKS + 1))
        if [ $p = correct ]; then
            awk -v a="$lrp" -v b="$o" 'BEGIN { exit !(a < b) }' || fail "correct panel, k = 5: LRP $lrp not below $other $o"
        else
            awk -v a="$lrp" -v b="$o" 'BEGIN { exit !(a > b) }' || fail "false panel, k = 5: LRP $lrp not above $other $o"
        fi
    done
done

run 0 "$LRP_BIN" top-words --model "$M" --data "$TMP/test.txt" --format json --target 4
flat "$TMP/out" >"$TMP/t"
pos() { grep "^0\.$1\.most\.[0-9]*\.leaf_label=" "$TMP/t" | cut -d= -f2 | awk '$1 >= 3 { n++ } END { print n + 0 }'; }
lrp=$(pos lrp)
sa=$(pos sa)
CHECKS=$((CHECKS + 1))
[ "$lrp" -gt "$sa" ] || fail "positive words among the top 10 for very positive: LRP $lrp, SA $sa"
finish
