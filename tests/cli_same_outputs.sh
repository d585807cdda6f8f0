# The outputs recorded before the tree was restructured (tests/data/same-outputs.sha256,
# written by tests/same_outputs.sh on the build of main 9fa99cb): explain (every method,
# every target, f64 and f32) and predict on the golden models and the SST test set,
# evaluate, reproduce --format json with its report, and the model `lrp train` writes
# for a seed. The same bytes, or the list of what changed.
#
# Bits depend on the arithmetic the build uses: fused multiply-adds (-march=native on a
# processor with FMA, x86-64 AVX2 or AVX-512). The portable build (no FMA) and the
# sanitizer build (other code generation for the float32 path) are skipped.
# To record anew after a change meant to alter outputs:
#   LRP_BIN=build/lrp LRP_TESTTOOL=build/tests/lrp_testtool LRP_SOURCE_DIR=. \
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
recorded=$(sed -n '1s/^# isa: //p' "$want")
if [ "$(isa)" != "$recorded" ]; then
    echo "recorded with $recorded, this processor has $(isa): skipped"
    exit 77
fi
bash "$(dirname "$0")/same_outputs.sh" "$TMP/o" >"$TMP/got" 2>"$TMP/err" || { cat "$TMP/err" >&2; fail "same_outputs.sh failed"; }
sst=${LRP_SST_DIR:-${LRP_SOURCE_DIR:-.}/../shared/data/sst}
while read -r sum name; do
    CHECKS=$((CHECKS + 1))
    got=$(awk -v n="$name" '$2 == n { print $1 }' "$TMP/got")
    if [ -z "$got" ]; then
        case $name in
        *sst* | report/*) [ -f "$sst/test.txt" ] && fail "$name was not written" ;;
        *) fail "$name was not written" ;;
        esac
    elif [ "$got" != "$sum" ]; then
        fail "$name differs from the recorded bytes"
    fi
done < <(grep -v '^#' "$want")
[ -f "$sst/test.txt" ] || echo "no SST data in $sst: its outputs were not compared"
finish
