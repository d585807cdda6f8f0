# Results that are not finite are bad lines, never output: with extreme (finite)
# weights the computation overflows (float32 sooner than float64), and each such line
# is reported with what overflowed, in every output format; exit status 1; no NaN,
# Inf or JSON null reaches the output. Commands that stop at a bad line (evaluate,
# the experiments) stop with the message.
. "$(dirname "$0")/testlib.sh"

"$LRP_TESTTOOL" model "$TMP/huge.safetensors" --scale 1e200 || fail "cannot write a model"    # SA overflows in f64, all of f32
# scores overflow: W (1 + sum h) or W (1 - sum h) with W the largest double
"$LRP_TESTTOOL" model "$TMP/scores.safetensors" --classifier 1.7976931348623157e308 || fail "cannot write a model"
printf 'a good movie\nit is bad\n' >"$TMP/in"

clean() { # FILE WHAT: no NaN, Inf or null in an output (the error notes aside)
    CHECKS=$((CHECKS + 1))
    if grep -v -e '"error":' -e 'class="sentence error"' "$1" | grep -qiE 'nan|inf|null'; then
        fail "$2: a non-finite value in the output"
    fi
}

for fmt in text json tsv html latex null; do
    for prec in f32 f64; do
        run 1 "$LRP_BIN" explain --model "$TMP/huge.safetensors" --method lrp,sa --precision $prec --format $fmt <"$TMP/in"
        has "$TMP/err" "lrp explain: line 1: " "$fmt $prec: line 1"
        has "$TMP/err" "the computation overflowed" "$fmt $prec: the reason"
        has "$TMP/err" "2 bad lines" "$fmt $prec: the summary"
        clean "$TMP/out" "$fmt $prec"
    done
done
has "$TMP/err" "too large for float64)" "float64: the precision named"
run 1 "$LRP_BIN" explain --model "$TMP/huge.safetensors" --method lrp,sa --precision f32 --format json <"$TMP/in"
flat "$TMP/out" >"$TMP/flat"
same "$(grep -c '\.error=' "$TMP/flat")" 2 "JSON: an error object for each line"
has "$TMP/flat" "float32, which ends at 3.4e38" "float32: the message says float64 goes further"

# scores that overflow: predict and explain report them; evaluate stops
for fmt in text json tsv; do
    run 1 "$LRP_BIN" predict --model "$TMP/scores.safetensors" --format $fmt <"$TMP/in"
    has "$TMP/err" "line 1: the score of class" "predict $fmt: the score named"
    clean "$TMP/out" "predict $fmt"
done
printf '3\ta good movie\n' >"$TMP/data.tsv"
run 1 "$LRP_BIN" evaluate --model "$TMP/scores.safetensors" --data "$TMP/data.tsv"
has "$TMP/err" "the computation overflowed" "evaluate"
finish
