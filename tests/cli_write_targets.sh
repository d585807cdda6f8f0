# What the command's writes replace (lrp_write_atomic): a FIFO, a character device and
# /dev/stdout are written where they are, a symbolic link's target is replaced and the
# link kept, a chmod 600 model stays 600; the figure of `lrp position` pipes through
# /dev/stdout. Device nodes and links are made in the test's own directory.
. "$(dirname "$0")/testlib.sh"
. "$(dirname "$0")/explib.sh"

run 0 "$LRP_BIN" convert "$MODEL" "$TMP/plain.safetensors"

# a FIFO: the reader gets the model, the FIFO stays a FIFO
mkfifo "$TMP/fifo"
timeout 30 cat "$TMP/fifo" >"$TMP/from-fifo" &
reader=$!
run 0 timeout 30 "$LRP_BIN" convert "$MODEL" "$TMP/fifo"
CHECKS=$((CHECKS + 1))
if [ -p "$TMP/fifo" ]; then
    wait $reader
    cmp -s "$TMP/from-fifo" "$TMP/plain.safetensors" || fail "the FIFO's reader got something else"
else
    kill $reader 2>/dev/null
    fail "the FIFO was replaced"
fi

# a symbolic link: its target is replaced, the link stays
"$LRP_TESTTOOL" model "$TMP/v3.safetensors" --seed 3 || fail "cannot write a model"
ln -s v3.safetensors "$TMP/current.safetensors"
run 0 "$LRP_BIN" convert "$MODEL" "$TMP/current.safetensors"
CHECKS=$((CHECKS + 2))
[ -L "$TMP/current.safetensors" ] || fail "the symlink became a regular file"
cmp -s "$TMP/v3.safetensors" "$TMP/plain.safetensors" || fail "the symlink's target was left unchanged"

# the mode of the file replaced
cp "$MODEL" "$TMP/private.safetensors"
chmod 600 "$TMP/private.safetensors"
run 0 "$LRP_BIN" convert "$MODEL" "$TMP/private.safetensors"
same "$(stat -c %a "$TMP/private.safetensors")" 600 "a chmod 600 model after convert"

# a character device (a copy of /dev/null, in the test's directory): needs root
if mknod "$TMP/null" c 1 3 2>/dev/null; then
    run 0 "$LRP_BIN" convert "$MODEL" "$TMP/null"
    CHECKS=$((CHECKS + 1))
    [ -c "$TMP/null" ] || fail "the character device was replaced by a regular file"
    ls "$TMP"/null.tmp.* >/dev/null 2>&1 && fail "a temporary file is left"
else
    echo "not root: the character device is not tested"
fi

# an SVG through standard output; /dev/stdout only once /dev/fd/1 works (a build that
# renamed over it would replace the system's /dev/stdout when run as root)
figure() { # PATH
    "$LRP_BIN" position --model "$MODEL" --data "$DATA" --min-length 10 --format csv --figure "$1" |
        grep -c '</svg>'
}
run 0 "$LRP_BIN" position --model "$MODEL" --data "$DATA" --min-length 10 --format csv --figure "$TMP/fig.svg"
svgs=$(grep -c '</svg>' "$TMP/fig.svg")
same "$(figure /dev/fd/1)" "$svgs" "position --figure /dev/fd/1 | grep"
if [ "$FAILS" -eq 0 ]; then
    same "$(figure /dev/stdout)" "$svgs" "position --figure /dev/stdout | grep"
    CHECKS=$((CHECKS + 1))
    [ -L /dev/stdout ] || fail "/dev/stdout is no longer a link"
fi
# into a file through the shell's redirection: the SVG and the CSV both arrive
"$LRP_BIN" position --model "$MODEL" --data "$DATA" --min-length 10 --format csv --figure /dev/fd/1 \
    >"$TMP/both" 2>"$TMP/err"
has "$TMP/both" "</svg>" "the SVG in the redirected file"
has "$TMP/both" "method,target" "the CSV in the redirected file"

# a report that fails while it is written leaves the old report whole, not a mix
mkdir "$TMP/sst"
cp "$DATA" "$TMP/sst/test.txt"
run 0 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst" --out "$TMP/rep" --seed 1
cp -r "$TMP/rep" "$TMP/rep-old"
rm "$TMP/rep/position.csv"
mkdir "$TMP/rep/position.csv" # a file the report cannot replace, after deletion.csv
run 1 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst" --out "$TMP/rep" --seed 2
has "$TMP/err" "position.csv" "the message names the file"
for f in accuracy.csv heatmaps.csv deletion.csv findings.csv index.html; do
    CHECKS=$((CHECKS + 1))
    cmp -s "$TMP/rep/$f" "$TMP/rep-old/$f" || fail "a failed report replaced $f"
done
same "$(ls "$TMP/rep" | wc -l)" 13 "no temporary file left by the failed report"
rmdir "$TMP/rep/position.csv"
run 0 "$LRP_BIN" reproduce --model "$DMODEL" --data "$TMP/sst" --out "$TMP/rep" --seed 2
CHECKS=$((CHECKS + 1))
cmp -s "$TMP/rep/deletion.csv" "$TMP/rep-old/deletion.csv" && fail "--seed 2 did not change deletion.csv"

# train: an output that cannot be written fails before anything is trained (or read)
mkdir "$TMP/tr"
printf '(3 (3 good) (2 film))\n(1 (1 bad) (2 film))\n(2 (2 a) (2 plot))\n' >"$TMP/tr/train.txt"
printf '(3 (3 good) (2 plot))\n(1 (1 bad) (2 plot))\n' >"$TMP/tr/dev.txt"
TOPTS="--embed 4 --hidden 3 --epochs 1 --threads 1"
run 1 "$LRP_BIN" train --data "$TMP/tr" --out "$TMP/no/such/dir/m.safetensors" $TOPTS
has "$TMP/err" "no/such/dir" "the unwritable output is named"
same "$(wc -c <"$TMP/out")" 0 "nothing trained before an unwritable output fails"
run 1 "$LRP_BIN" train --data "$TMP/tr" --out "$TMP/tr" $TOPTS
has "$TMP/err" "is a directory" "a directory as output"
same "$(wc -c <"$TMP/out")" 0 "nothing trained before a directory as output fails"
# ... and a FIFO is written where it is; the run reports the model it wrote
mkfifo "$TMP/train-fifo"
timeout 60 cat "$TMP/train-fifo" >"$TMP/from-train-fifo" &
reader=$!
run 0 timeout 60 "$LRP_BIN" train --data "$TMP/tr" --out "$TMP/train-fifo" $TOPTS
has "$TMP/out" "dev      fine-grained" "train through a FIFO: the written model evaluated"
CHECKS=$((CHECKS + 1))
if [ -p "$TMP/train-fifo" ]; then
    wait $reader
    run 0 "$LRP_BIN" info "$TMP/from-train-fifo"
else
    kill $reader 2>/dev/null
    fail "train replaced the FIFO"
fi

finish
