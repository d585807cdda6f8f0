# The outputs recorded by tests/same_outputs.sh: explain (every method, every target, f64
# and f32) and predict on the golden models and the SST test set, evaluate, reproduce
# --format json with its report, and the model `lrp train` writes for a seed. Two
# recordings:
#   tests/data/same-outputs.sha256      the outputs as this build writes them (numbers as
#                                       the shortest text that reads back, app/numfmt.h);
#   tests/data/same-outputs-17g.sha256  the outputs of main 9fa99cb, before the numbers'
#                                       spelling changed (issue 17): every number as %.17g.
# This build's outputs must be the recorded bytes; its JSON, TSV and CSV numbers the
# shortest closest texts of their values (lrp_testtool shortest); and the same outputs with
# every number respelled as %.17g (lrp_testtool spell17) the bytes of 9fa99cb, so every
# number has the same value, bit for bit, as before the respelling, and every other byte
# is the same (SVG, HTML, LaTeX and the model files unchanged).
#
# Bits depend on the arithmetic the build uses: fused multiply-adds (-march=native on a
# processor with FMA, x86-64 AVX2 or AVX-512). The portable build (no FMA) and the
# sanitizer build (other code generation for the float32 path) are skipped.
# To record anew after a change meant to alter outputs (values, not their spelling: then
# same-outputs-17g.sha256 no longer applies, and is recorded anew the same way with
# the outputs respelled by lrp_testtool spell17):
#   LRP_BIN=$PWD/build/lrp LRP_TESTTOOL=$PWD/build/tests/lrp_testtool LRP_SOURCE_DIR=$PWD \
#     tests/same_outputs.sh /tmp/out > tests/data/same-outputs.sha256
# and put "# isa: avx2+fma" (or avx512) as its first line.
. "$(dirname "$0")/testlib.sh"

if [ "${LRP_SANITIZE:-0}" = 1 ] || [ "${LRP_NATIVE:-1}" != 1 ]; then
    echo "the recorded bytes are those of the optimised -march=native build: skipped"
    exit 77
fi
# the vector instructions the recording was made with (its first line: "# isa: ...")
isa() {
    local f
    f=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
    case " $f " in
    *" avx512f "*) echo avx512 ;;
    *" avx2 "*" fma "* | *" fma "*" avx2 "*) echo avx2+fma ;;
    *) echo other ;;
    esac
}
want=$LRP_TEST_DATA/same-outputs.sha256
before=$LRP_TEST_DATA/same-outputs-17g.sha256
recorded=$(sed -n '1s/^# isa: //p' "$want")
if [ "$(isa)" != "$recorded" ] || [ "$(sed -n '1s/^# isa: //p' "$before")" != "$recorded" ]; then
    echo "recorded with $recorded, this processor has $(isa): skipped"
    exit 77
fi
bash "$(dirname "$0")/same_outputs.sh" "$TMP/o" >"$TMP/got" 2>"$TMP/err" || { cat "$TMP/err" >&2; fail "same_outputs.sh failed"; }
sst=${LRP_SST_DIR:-${LRP_SOURCE_DIR:-.}/../shared/data/sst}

# where the numbers are that numfmt writes: JSON, TSV or CSV; nothing else was respelled
kind() {
    case $1 in
    *.json | *.jsonl) echo json ;;
    *.tsv) echo tsv ;;
    *.csv) echo csv ;;
    *) echo none ;;
    esac
}
written() {
    [ -f "$TMP/o/$1" ] && return 0
    case $1 in
    *sst* | report/*) [ -f "$sst/test.txt" ] && fail "$1 was not written" ;;
    *) fail "$1 was not written" ;;
    esac
    return 1
}
while read -r sum name; do
    CHECKS=$((CHECKS + 1))
    written "$name" || continue
    got=$(awk -v n="$name" '$2 == n { print $1 }' "$TMP/got")
    [ "$got" = "$sum" ] || fail "$name differs from the recorded bytes"
    [ "$(kind "$name")" = json ] && ok "$name: every number the shortest closest text of its value" \
        "$LRP_TESTTOOL" shortest json "$TMP/o/$name"
done < <(grep -v '^#' "$want")
while read -r sum name; do
    CHECKS=$((CHECKS + 1))
    written "$name" || continue
    k=$(kind "$name")
    if [ "$k" = none ]; then
        got=$(sha256sum <"$TMP/o/$name" | cut -d' ' -f1)
    else
        got=$("$LRP_TESTTOOL" spell17 "$k" <"$TMP/o/$name" | sha256sum | cut -d' ' -f1)
    fi
    [ "$got" = "$sum" ] || fail "$name: not the bytes of 9fa99cb once its numbers are spelled as %.17g"
done < <(grep -v '^#' "$before")
[ -f "$sst/test.txt" ] || echo "no SST data in $sst: its outputs were not compared"
finish
