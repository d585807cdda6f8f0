# Standard input is streamed in chunks: output in input order, the same bytes for
# 1, 2 and 7 threads, each line explained as if alone, each chunk written as soon as
# it is done (before the input ends), --format null prints nothing.
. "$(dirname "$0")/testlib.sh"

sentences=("it 's a good movie ." "do n't waste your money" "a bad , boring film" "funny and good"
    "the movie is not good" "zzz" "caf\xc3\xa9 and na\xc3\xafve" "-lrb- it -rrb- is \\\\/ bad")
N=1100
for ((i = 0; i < N; i++)); do
    case $((i % 97)) in
    13) echo "" ;;                     # empty line
    50) printf 'bad \xff\xfe line\n' ;; # invalid UTF-8
    *) printf '%b\n' "${sentences[$((i * 7 % ${#sentences[@]}))]}" ;;
    esac
done >"$TMP/in"
bad=$(awk 'BEGIN { n = 0; for (i = 0; i < '"$N"'; i++) if (i % 97 == 13 || i % 97 == 50) n++; print n }')

for fmt in json text tsv html latex; do
    for th in 1 2 7; do
        run 1 "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,lrp-cons,sa,gi --target pred,all \
            --format $fmt --threads $th <"$TMP/in"
        cp "$TMP/out" "$TMP/$fmt-$th"
        same "$(grep -c '^lrp explain: line' "$TMP/err")" "$bad" "$fmt, $th threads: every bad line reported"
    done
    CHECKS=$((CHECKS + 2))
    cmp -s "$TMP/$fmt-1" "$TMP/$fmt-2" || fail "$fmt: 1 and 2 threads differ"
    cmp -s "$TMP/$fmt-1" "$TMP/$fmt-7" || fail "$fmt: 1 and 7 threads differ"
done

# input order: JSON line numbers are 1..N in order, one object per line
flat "$TMP/json-1" >"$TMP/flat" || fail "not JSON Lines"
same "$(grep -c '^[0-9]*\.line=' "$TMP/flat")" "$N" "one object per input line"
grep '^[0-9]*\.line=' "$TMP/flat" | awk -F'[.=]' '$1 + 1 != $3 { bad = 1 } END { exit bad }' ||
    fail "objects are not in input order"
same "$(grep -c '\.error=' "$TMP/flat")" "$bad" "error objects"

# a line explained in the stream equals the same sentence explained alone
for i in 0 1 2 299 300 1099; do
    line=$(sed -n "$((i + 1))p" "$TMP/in")
    [ -n "$line" ] || continue
    "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,lrp-cons,sa,gi --target pred,all \
        --format json -- "$line" >"$TMP/one" 2>/dev/null
    flat "$TMP/one" | grep -v '^0\.line=' | sed 's/^0\./X./' >"$TMP/one.flat"
    grep "^$i\." "$TMP/flat" | grep -v "^$i\.line=" | sed "s/^$i\./X./" >"$TMP/stream.flat"
    CHECKS=$((CHECKS + 1))
    cmp -s "$TMP/one.flat" "$TMP/stream.flat" || fail "line $((i + 1)) differs from the sentence explained alone"
done

# --format null: computes (bad lines still reported) and prints nothing
run 1 "$LRP_BIN" explain --model "$MODEL" --pretokenized --format null --threads 2 <"$TMP/in"
same "$(wc -c <"$TMP/out")" 0 "--format null prints nothing"
same "$(grep -c '^lrp explain: line' "$TMP/err")" "$bad" "--format null reports bad lines"
grep -v -e '^$' -e 'bad' "$TMP/in" >"$TMP/good"
run 0 "$LRP_BIN" explain --model "$MODEL" --pretokenized --format null <"$TMP/good"

# streaming: the first chunk (256 lines) comes out while the input is still open
# (each run writes a file of its own, created empty here: the background shell opens
# its output only once the fifo has a writer, so a reused file could still hold an
# earlier run's lines when they are counted)
mkfifo "$TMP/fifo"
: >"$TMP/partial"
"$LRP_BIN" explain --model "$MODEL" --pretokenized --format json <"$TMP/fifo" >"$TMP/partial" 2>&1 &
pid=$!
exec 3>"$TMP/fifo"
head -256 "$TMP/good" >&3
got=0
for ((k = 0; k < 300; k++)); do
    got=$(wc -l <"$TMP/partial")
    [ "$got" -ge 256 ] && break
    sleep 0.1
done
same "$got" 256 "lines out after one chunk in, input still open"
head -10 "$TMP/good" >&3
exec 3>&-
wait $pid
same "$?" 0 "exit status of the streamed run"
same "$(wc -l <"$TMP/partial")" 266 "all lines out at the end"

# a slow producer (a person typing): each line is answered before the next one comes
rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
: >"$TMP/slow"
"$LRP_BIN" predict --model "$MODEL" --pretokenized --format json <"$TMP/fifo" >"$TMP/slow" 2>&1 &
pid=$!
exec 3>"$TMP/fifo"
for n in 1 2 3; do
    echo "a good movie" >&3
    got=0
    for ((k = 0; k < 300; k++)); do
        got=$(wc -l <"$TMP/slow")
        [ "$got" -ge $n ] && break
        sleep 0.1
    done
    same "$got" $n "line $n answered while the input is still open"
done
exec 3>&-
wait $pid
same "$?" 0 "exit status of the slow run"

# the last line needs no newline; large inputs come in full chunks all the same
printf 'a good movie\nbad film' | "$LRP_BIN" predict --model "$MODEL" --format json >"$TMP/out"
same "$(flat "$TMP/out" | grep -c '\.line=')" 2 "a last line without a newline is read"

finish
