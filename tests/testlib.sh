# testlib.sh - sourced by the command tests (tests/cli_*.sh); not a test itself.
#
# Environment (set by ctest): LRP_BIN the lrp command, LRP_TESTTOOL the helper that
# writes models and flattens JSON (tests/lrp_testtool.c), LRP_TEST_DATA tests/data.
# Checks record failures with a reason and go on; `finish` exits 1 if any failed.

set -u
if [ -z "${LRP_BIN:-}" ] || [ -z "${LRP_TESTTOOL:-}" ]; then
    echo "LRP_BIN or LRP_TESTTOOL not set (run through ctest): skipped"
    exit 77
fi
LRP_TEST_DATA=${LRP_TEST_DATA:-tests/data}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lrp-cli-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
unset LRP_MODEL NO_COLOR
export LC_ALL=C

FAILS=0
CHECKS=0

fail() {
    echo "FAIL: $*" >&2
    FAILS=$((FAILS + 1))
}

# ok DESCRIPTION COMMAND...: the command must succeed (its output is discarded)
ok() {
    local what=$1
    shift
    CHECKS=$((CHECKS + 1))
    "$@" >/dev/null 2>&1 || fail "$what"
}

# run CODE COMMAND...: run, keep stdout in $TMP/out and stderr in $TMP/err, expect exit CODE
run() {
    local want=$1
    shift
    CHECKS=$((CHECKS + 1))
    "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "exit $got, expected $want: $*"
        sed 's/^/    stderr: /' "$TMP/err" | head -5 >&2
    fi
}

# has FILE TEXT [WHAT]: FILE contains the fixed string TEXT
has() {
    CHECKS=$((CHECKS + 1))
    grep -qF -- "$2" "$1" || fail "${3:-$1} does not contain '$2'"
}

# hasnt FILE TEXT [WHAT]: FILE does not contain TEXT
hasnt() {
    CHECKS=$((CHECKS + 1))
    if grep -qF -- "$2" "$1"; then fail "${3:-$1} contains '$2'"; fi
}

# same A B WHAT: two values are equal
same() {
    CHECKS=$((CHECKS + 1))
    [ "$1" = "$2" ] || fail "$3: '$1' != '$2'"
}

# flat FILE: JSON Lines in FILE flattened to path=value lines (see lrp_testtool.c)
flat() {
    "$LRP_TESTTOOL" json <"$1"
}

# value FLATFILE PATH: the value at PATH
value() {
    grep -m1 "^$2=" "$1" | cut -d= -f2-
}

# treebank N SEED: N right-branching trees of 3 to 6 positive (good, great, fine, superb),
# negative (bad, awful, dull, boring) or neutral words, each node labelled 3, 1 or 2 by
# the sign of its span's polar words (training tests)
treebank() {
    awk -v n="$1" -v seed="$2" 'BEGIN {
        srand(seed)
        split("good great fine superb", P); split("bad awful dull boring", N); split("the movie film a plot", U)
        for (i = 0; i < n; i++) {
            T = 3 + int(rand() * 4)
            for (t = 1; t <= T; t++) {
                u = rand()
                if (u < 0.3) { w[t] = P[1 + int(rand() * 4)]; p[t] = 1 }
                else if (u < 0.6) { w[t] = N[1 + int(rand() * 4)]; p[t] = -1 }
                else { w[t] = U[1 + int(rand() * 5)]; p[t] = 0 }
            }
            print tree(1, T)
        }
    }
    function lab(b, e,   s, k) { s = 0; for (k = b; k <= e; k++) s += p[k]; return s > 0 ? 3 : (s < 0 ? 1 : 2) }
    function tree(b, e) {
        if (b == e) return "(" lab(b, e) " " w[b] ")"
        return "(" lab(b, e) " " tree(b, b) " " tree(b + 1, e) ")"
    }'
}

# treebank_dir DIR: DIR/train.txt, dev.txt, test.txt of 150, 40, 40 such trees (seeds 1, 2, 3)
treebank_dir() {
    mkdir -p "$1"
    treebank 150 1 >"$1/train.txt"
    treebank 40 2 >"$1/dev.txt"
    treebank 40 3 >"$1/test.txt"
}

# near A B TOL WHAT: |A - B| <= TOL
near() {
    CHECKS=$((CHECKS + 1))
    awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }' ||
        fail "$4: $1 and $2 differ by more than $3"
}

finish() {
    if [ "$FAILS" -gt 0 ]; then
        echo "$FAILS of $CHECKS checks FAILED"
        exit 1
    fi
    echo "all $CHECKS checks passed"
    exit 0
}

# The test model (random weights, treebank vocabulary with <unk>, lowercase) and one
# without an unknown word.
MODEL=$TMP/model.safetensors
MODEL_NOUNK=$TMP/model-nounk.safetensors
"$LRP_TESTTOOL" model "$MODEL" || { echo "cannot write the test model"; exit 1; }
"$LRP_TESTTOOL" model "$MODEL_NOUNK" --no-unk || { echo "cannot write the test model"; exit 1; }
