# lrp explain --format latex: a \colorbox snippet for xcolor, colours from the
# relevance (full red / blue at the sentence's largest |R|), every special character
# escaped, unknown words underlined.
. "$(dirname "$0")/testlib.sh"

run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,sa --target 4 --format latex \
    '# $ % & _ { } ~ ^ \ < > | " -- a&b x_y café zzz' "it 's good"
L=$TMP/out
cp "$L" "$TMP/tex"
L=$TMP/tex
has "$L" '\usepackage{xcolor}' "the snippet says what it needs"
same "$(grep -c '^{\\setlength{\\fboxsep}{1pt}\\noindent \\colorbox\[RGB\]' "$L")" 4 "one box line per sentence and method"
same "$(grep -c '^% argument 1: lrp for very positive (4)' "$L")" 1 "comment naming method and target"

# white text on dark boxes: drop the colour command for the comparisons below
line=$(grep -m1 '\\colorbox' "$L" | sed 's/\\color{white}//g')
for esc in '{\strut \#}' '{\strut \$}' '{\strut \%}' '{\strut \&}' '{\strut \_}' '{\strut \{}' '{\strut \}}' \
    '{\strut \textasciitilde{}}' '{\strut \textasciicircum{}}' '{\strut \textbackslash{}}' \
    '{\strut \textless{}}' '{\strut \textgreater{}}' '{\strut \textbar{}}' '{\strut \textquotedbl{}}' \
    '{\strut -{}-}' '{\strut a\&b}' '{\strut x\_y}' '{\strut café}'; do
    case "$line" in *"$esc"*) : ;; *) fail "latex: '$esc' not found" ;; esac
    CHECKS=$((CHECKS + 1))
done
case "$line" in *'\underline{zzz}'*) : ;; *) fail "latex: unknown word not underlined" ;; esac
# outside the commands, no unescaped special character is left: strip every command
# and escape, then nothing special may remain
rest=$(echo "$line" | sed -e 's/^{\\setlength{\\fboxsep}{1pt}\\noindent //' -e 's/\\par}$//' \
    -e 's/\\colorbox\[RGB\]{[0-9]*,[0-9]*,[0-9]*}{\\strut //g' -e 's/\\underline{//g' \
    -e 's/\\text[a-z]*{}//g' -e 's/\\[#$%&_{}]//g' -e 's/-{}-//g' -e 's/[{}]//g')
case "$rest" in *[#\$%\&_~^\\]*) fail "unescaped special character left in: $rest" ;; esac
# the largest |R| of each heatmap is at full intensity; SA red only
lrp_line=$(sed -n '/lrp for/{n;p;q}' "$L")
case "$lrp_line" in *'{255,0,0}'* | *'{0,0,255}'*) : ;; *) fail "latex: no full-intensity LRP word" ;; esac
sa_line=$(sed -n '/sa for/{n;p;q}' "$L")
case "$sa_line" in *'{255,0,0}'*) : ;; *) fail "latex: SA maximum not full red" ;; esac
echo "$sa_line" | grep -Eq '\{([0-9]|[0-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4]),[0-9]+,255\}' &&
    fail "latex: SA has a blue box"
CHECKS=$((CHECKS + 4))

finish
