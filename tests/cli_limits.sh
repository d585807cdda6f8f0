# Bounded memory on endless or huge input (docs/cli.md, Limits): /dev/zero and
# /dev/urandom as the model, a side file or data fail at once, with a message about
# what they are; a model from a stream is read up to the end of the data its header
# declares; an input line over 4 MiB is skipped with a message as soon as it is that
# long, in constant memory, and a line of too many words costs memory for 10000 of
# them; long sentences are explained in bounded memory; `train --batch` takes memory
# for the phrases there are. Peak memory is measured (getrusage, by lrp_testtool
# maxrss) against a bound; under AddressSanitizer, whose shadow memory and quarantine
# change it, and under an emulator (a cross build's qemu-user, whose own memory and
# address space reservations are measured), only the messages are checked. Every command
# runs under a 2 GB guard (ulimit -v, not under AddressSanitizer or an emulator) and a
# 60 s timeout (300 s emulated).
. "$(dirname "$0")/testlib.sh"

SAN=${LRP_SANITIZE:-0}
LIMIT=60
[ "$SAN" = 1 ] && echo "AddressSanitizer build: peak memory is not checked"
if [ "${LRP_EMULATED:-0}" = 1 ]; then
    echo "emulated (qemu-user): peak memory is not checked"
    SAN=1
    LIMIT=300
fi

# guarded COMMAND...: run COMMAND with at most 2 GB of address space and LIMIT seconds
guarded() {
    if [ "$SAN" = 1 ]; then
        timeout $LIMIT "$@"
    else
        (ulimit -v 2000000 && exec timeout $LIMIT "$@")
    fi
}
# peak CODE KB WHAT COMMAND...: run COMMAND (exit CODE expected) and check its peak memory
peak() {
    local code=$1 kb=$2 what=$3
    shift 3
    run "$code" guarded "$LRP_TESTTOOL" maxrss "$TMP/rss" "$@"
    [ "$SAN" = 1 ] && return
    local got
    got=$(cat "$TMP/rss" 2>/dev/null || echo 0)
    CHECKS=$((CHECKS + 1))
    [ "$got" -gt 0 ] && [ "$got" -le "$kb" ] || fail "$what: peak memory $got kB, more than $kb kB"
}

# the model: judged by its first bytes
peak 1 20000 "info /dev/zero" "$LRP_BIN" info /dev/zero
has "$TMP/err" "header is not valid JSON" "/dev/zero as model: an empty header"
peak 1 20000 "explain --model /dev/zero" "$LRP_BIN" explain --model /dev/zero "a good movie"
has "$TMP/err" "header is not valid JSON" "explain --model /dev/zero"
peak 1 20000 "info /dev/urandom" "$LRP_BIN" info /dev/urandom
has "$TMP/err" "header length" "/dev/urandom as model: an impossible header length"
# from a stream, the declared bytes and no more: what follows is never read
run 0 guarded bash -c "cat '$MODEL' /dev/zero | '$LRP_BIN' info --format json /dev/stdin"
has "$TMP/out" '"vocab_size":46' "a model followed by an endless stream"

# side files: at most 100 MB, found while reading
for opt in --vocab --labels; do
    peak 1 400000 "$opt /dev/zero" "$LRP_BIN" info $opt /dev/zero "$MODEL"
    has "$TMP/err" "larger than the limit of 104857600 bytes" "$opt /dev/zero"
done
"$LRP_TESTTOOL" words "$MODEL" >"$TMP/words"
run 0 "$LRP_BIN" info --vocab "$TMP/words" "$MODEL"

# explain: a line over 4 MiB is skipped, named, in constant memory; the next one is read
peak 1 64000 "explain < 300 MB of zeros" "$LRP_BIN" explain --model "$MODEL" < <(head -c 300000000 /dev/zero)
has "$TMP/err" "line 1: the line is longer than the limit of 4194304 bytes: skipped" "/dev/zero as input"
peak 1 64000 "a 100 MB line of 50 M words" "$LRP_BIN" explain --model "$MODEL" --format json \
    < <(yes a | head -c 100000000 | tr '\n' ' '; echo; echo "a good movie")
has "$TMP/err" "line 1: the line is longer than the limit" "a 100 MB line"
flat "$TMP/out" >"$TMP/flat"
has "$TMP/flat" "0.error=the line is longer than the limit of 4194304 bytes: skipped" "its JSON error object"
same "$(value "$TMP/flat" 1.tokens.1)" good "the line after it is explained"
# ... and reported as soon as it is too long, not when (if ever) it ends
rm -f "$TMP/in"
mkfifo "$TMP/in"
"$LRP_BIN" explain --model "$MODEL" --format json <"$TMP/in" >"$TMP/out" 2>"$TMP/err" &
pid=$!
exec 3>"$TMP/in"
head -c 5000000 /dev/zero | tr '\0' a >&3
reported=0
for _ in $(seq 1 200); do
    grep -q "line 1: the line is longer" "$TMP/err" && { reported=1; break; }
    sleep 0.1
done
printf 'aaa\na good movie\n' >&3
exec 3>&-
wait $pid
same "$?" 1 "explain after a long line: exit status"
same "$reported" 1 "a line is reported as too long while it goes on"
same "$(grep -c '"tokens"' "$TMP/out")" 1 "the line after the long one is explained"

# a line of 2 M words under 4 MiB: too long, and only 10000 of its words are kept
{ yes a | head -c 4000000 | tr '\n' ' '; echo; } >"$TMP/words2m"
peak 1 40000 "a line of 2 M words" "$LRP_BIN" explain --model "$MODEL" --pretokenized <"$TMP/words2m"
has "$TMP/err" "line 1: sentence of 2000000 words is too long" "2 M words"
peak 1 40000 "a line of 2 M words, tokenized" "$LRP_BIN" explain --model "$MODEL" <"$TMP/words2m"
has "$TMP/err" "line 1: sentence of 2000000 words is too long" "2 M words, tokenized"
sed 's/^/2\t/' "$TMP/words2m" >"$TMP/words2m.tsv"
peak 1 40000 "a TSV line of 2 M words" "$LRP_BIN" explain --model "$MODEL" --input tsv <"$TMP/words2m.tsv"
has "$TMP/err" "line 1: 2000000 words, more than the 10000 a sentence may have" "2 M words, TSV"
rm -f "$TMP/words2m" "$TMP/words2m.tsv"

# sentences of 10000 words: a thread's workspace holds few of them at a time
awk 'BEGIN { for (l = 0; l < 8; l++) { for (i = 0; i < 10000; i++) printf "%s%s", i ? " " : "", "good"; print "" } }' \
    >"$TMP/long8"
peak 0 70000 "8 sentences of 10000 words" "$LRP_BIN" explain --model "$MODEL" --pretokenized --method lrp,sa \
    --format null --threads 2 <"$TMP/long8"

# data files: a line over 4 MiB or more than 64 MiB of data stops the command at once
peak 1 20000 "evaluate --data /dev/zero" "$LRP_BIN" evaluate --model "$MODEL" --data /dev/zero
has "$TMP/err" "/dev/zero:1: the line is longer than the limit of 4194304 bytes" "evaluate --data /dev/zero"
peak 1 20000 "evaluate --data /dev/urandom" "$LRP_BIN" evaluate --model "$MODEL" --data /dev/urandom
has "$TMP/err" "/dev/urandom:1:" "evaluate --data /dev/urandom: the first line named"
yes "(3 (2 it) (3 (3 good) (2 film)))" | head -c 70000000 >"$TMP/big.ptb"
peak 1 600000 "evaluate on 70 MB of data" "$LRP_BIN" evaluate --model "$MODEL" --data "$TMP/big.ptb"
has "$TMP/err" "larger than the limit of 67108864 bytes of data" "evaluate on 70 MB"
rm -f "$TMP/big.ptb"
peak 1 20000 "heatmaps --data /dev/zero" "$LRP_BIN" heatmaps --model "$MODEL" --data /dev/zero
has "$TMP/err" "/dev/zero:1: the line is longer than the limit" "heatmaps --data /dev/zero"
mkdir "$TMP/zero"
ln -s /dev/zero "$TMP/zero/train.txt"
printf '(3 (3 good) (2 film))\n' >"$TMP/zero/dev.txt"
peak 1 20000 "train on /dev/zero" "$LRP_BIN" train --data "$TMP/zero" --out "$TMP/z.safetensors"
has "$TMP/err" "train.txt:1: the line is longer than the limit" "train on /dev/zero"

# train --batch: memory for the phrases there are, not for the batch asked; the largest
# batch is 1024, and the message names the option
mkdir "$TMP/tr"
awk 'BEGIN { split("good bad film plot", w, " "); for (l = 0; l < 3; l++) { printf "%d\t", l % 2;
             for (i = 0; i < 300; i++) printf "%s%s", i ? " " : "", w[1 + (i * 7 + l) % 4]; print "" } }' \
    >"$TMP/tr/train.txt"
cp "$TMP/tr/train.txt" "$TMP/tr/dev.txt"
peak 0 100000 "train --batch 1024 on 3 phrases" "$LRP_BIN" train --data "$TMP/tr" --out "$TMP/b.safetensors" \
    --classes no,yes --epochs 1 --batch 1024 --threads 2
run 2 "$LRP_BIN" train --data "$TMP/tr" --out "$TMP/b.safetensors" --batch 1025
has "$TMP/err" "--batch: 1025 is outside [1, 1024]" "--batch over the maximum"

finish
