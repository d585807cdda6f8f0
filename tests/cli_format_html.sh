# lrp explain --format html: one self-contained page (inline CSS, no scripts or
# external resources), every word as a coloured span with its relevance as tooltip,
# special characters escaped, unknown words marked, a legend, bad lines noted.
. "$(dirname "$0")/testlib.sh"

printf '%s\n' "it 's a good movie ." "" "< & > \" zzz" >"$TMP/in"
run 1 "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,sa --format html <"$TMP/in"
H=$TMP/out
cp "$H" "$TMP/page"
H=$TMP/page
run 1 "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,sa --format json <"$TMP/in"
flat "$TMP/out" >"$TMP/flat"
F=$TMP/flat

same "$(head -1 "$H")" "<!DOCTYPE html>" "page start"
same "$(tail -1 "$H")" "</html>" "page end"
same "$(grep -c '<html' "$H")" 1 "one page for the whole input"
has "$H" '<meta charset="utf-8">'
has "$H" "<style>"
for bad in "<script" "<link" "src=" "http://" "https://" "@import"; do hasnt "$H" "$bad" "self-contained page"; done
has "$H" 'class="legend"' "legend"
has "$H" "linear-gradient(to right,#0000ff" "legend: blue to red"

# every word of sentence 1, with a tooltip giving method, target and relevance (6 digits)
label=$(value "$F" 0.label)
i=0
for w in it "&#39;s" a good movie .; do
    r=$(printf '%.6g' "$(value "$F" 0.explanations.0.relevance.$i)")
    has "$H" "title=\"lrp for $label: $r\">$w</span>" "lrp tooltip of word $i"
    r=$(printf '%.6g' "$(value "$F" 0.explanations.1.relevance.$i)")
    has "$H" "title=\"sa for $label: $r\">$w</span>" "sa tooltip of word $i"
    i=$((i + 1))
done
# the strongest LRP word is pure red or pure blue; SA's maximum pure red, and SA is never blue
grep -o '<span class="w[^>]*title="lrp for[^>]*>' "$H" | head -6 >"$TMP/lrp"
if ! grep -q 'background:#ff0000' "$TMP/lrp" && ! grep -q 'background:#0000ff' "$TMP/lrp"; then
    fail "no full-intensity LRP word"
fi
grep -o '<span class="w[^>]*title="sa for[^>]*>' "$H" >"$TMP/sa"
has "$TMP/sa" 'background:#ff0000' "SA maximum"
same "$(grep -c 'background:#[0-9a-f]\{4\}ff;' "$TMP/sa")" 0 "SA spans that are blue"

# escaping and unknown words
has "$H" ">&lt;</span>" "escaped <"
has "$H" ">&amp;</span>" "escaped &"
has "$H" ">&quot;</span>" "escaped quote"
has "$H" 'class="w unk"' "unknown word class"
has "$H" '(unknown word)">zzz</span>' "unknown word tooltip"
# the bad line is noted in place
has "$H" '<div class="sentence error">line 2: empty sentence' "bad line in the page"

finish
