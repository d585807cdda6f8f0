# liblrp.so exports exactly the functions include/lrp.h declares (LRP_API), and holds
# nothing of the applications (trainer, datasets, evaluation, experiments, renderers,
# plots: app/, a static library of the command's own).
. "$(dirname "$0")/testlib.sh"

lib=${LRP_SHARED_LIB:-}
[ -n "$lib" ] && [ -f "$lib" ] || { echo "LRP_SHARED_LIB not set or missing: skipped"; exit 77; }
command -v nm >/dev/null || { echo "no nm: skipped"; exit 77; }
header=${LRP_SOURCE_DIR:-.}/include/lrp.h

# declared: the name before the parameter list of every LRP_API declaration
tr '\n' ' ' <"$header" | grep -o 'LRP_API [^(;]*(' | sed 's/($//; s/.*[ *]//' | grep '^lrp_' | sort -u >"$TMP/declared"
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sort -u >"$TMP/exported"
CHECKS=$((CHECKS + 1))
if ! cmp -s "$TMP/declared" "$TMP/exported"; then
    fail "exported symbols differ from lrp.h's declarations (< declared only, > exported only):"
    diff "$TMP/declared" "$TMP/exported" | grep '^[<>]' | sed 's/^/    /' >&2
fi
same "$(wc -l <"$TMP/declared")" "$(wc -l <"$TMP/exported")" "as many exported as declared"
[ "$(wc -l <"$TMP/declared")" -gt 20 ] || fail "found too few declarations in $header"

# every symbol, local ones included: none from the applications
nm "$lib" | awk '{ print $NF }' | grep -E '^(train_|exp_|ds_|eval_|render_|plot_)' >"$TMP/app" || true
CHECKS=$((CHECKS + 1))
[ -s "$TMP/app" ] && fail "application code in $lib: $(head -5 "$TMP/app" | tr '\n' ' ')"
finish
