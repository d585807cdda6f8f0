# cli_install.sh - `make install PREFIX=X` as a user would use it: install into a
# temporary prefix other than the configured one (what `make install` runs: cmake
# --install --prefix), build examples/explain_sentence.c against the installed header
# and library through the installed lrp.pc as it is (README's command), and run it on a
# model; the installed `lrp` finds the installed default model.
. "$(dirname "$0")/testlib.sh"

# the build's own C compiler (a cross compiler in a cross build), its programs run through
# the build's emulator (LRP_EMULATOR, empty natively)
CC=${LRP_CC:-cc}
EMU=${LRP_EMULATOR:-}
if [ -z "${LRP_BUILD_DIR:-}" ] || ! command -v pkg-config >/dev/null || ! command -v "$CC" >/dev/null; then
    echo "LRP_BUILD_DIR, pkg-config or $CC missing: skipped"
    exit 77
fi
prefix="$TMP/prefix"
run 0 cmake --install "$LRP_BUILD_DIR" --prefix "$prefix"
for f in bin/lrp include/lrp.h; do
    CHECKS=$((CHECKS + 1))
    [ -e "$prefix/$f" ] || fail "installed $f missing"
done
pc=$(find "$prefix" -name lrp.pc | head -1)
CHECKS=$((CHECKS + 1))
[ -n "$pc" ] || fail "no lrp.pc installed"
libdir=$(dirname "$(dirname "$pc")")

export PKG_CONFIG_PATH="$(dirname "$pc")"
# a sanitized library needs the sanitizer runtimes in the program too
san=""
[ "${LRP_SANITIZE:-0}" = 1 ] && san="-fsanitize=address,undefined"
run 0 "$CC" -std=c11 $san examples/explain_sentence.c $(pkg-config --cflags --libs lrp) -o "$TMP/explain_sentence"
model="$TMP/m.safetensors"
run 0 "$LRP_TESTTOOL" model "$model"
run 0 env LD_LIBRARY_PATH="$libdir" $EMU "$TMP/explain_sentence" "$model" "Don't waste your popcorn."
has "$TMP/out" "predicted:"
lines=$(grep -cE '^(do|n.t|waste|your|popcorn|\.) ' "$TMP/out" || true)
same "$lines" 6 "explain_sentence prints one row per token"
has "$TMP/out" "(unknown word)"
# its LRP numbers are the command's
waste=$(awk '$1 == "waste" { print $2 }' "$TMP/out")
run 0 "$LRP_BIN" explain --model "$model" --format json --method lrp "Don't waste your popcorn."
flat "$TMP/out" >"$TMP/flat"
near "$waste" "$(value "$TMP/flat" 0.explanations.0.relevance.2)" 1e-6 "example and command agree on 'waste'"
run 0 $EMU "$prefix/bin/lrp" --version
has "$TMP/out" "lrp "
# the installed default model, not the configured prefix's nor the source tree's
if [ -e "$prefix/share/lrp-rnn/sst5-bilstm.safetensors" ]; then
    run 0 env LD_LIBRARY_PATH="$libdir" $EMU "$prefix/bin/lrp" info --format json
    flat "$TMP/out" >"$TMP/info"
    same "$(value "$TMP/info" 0.file)" "$(realpath "$prefix/share/lrp-rnn/sst5-bilstm.safetensors")" "the installed lrp's model"
    run 0 $EMU "$prefix/bin/lrp" explain "a gorgeous, witty film"
else
    echo "no models/sst5-bilstm.safetensors installed: the default model is not checked"
fi
finish
