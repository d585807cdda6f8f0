# Bounded memory on endless or huge input: /dev/zero and /dev/urandom as the model or a
# side file fail at once, with a message about what they are, under a memory limit
# (ulimit -v; skipped under AddressSanitizer, which reserves terabytes of address space);
# a model from a stream is read up to the end of the data its header declares.
. "$(dirname "$0")/testlib.sh"

# limited KB COMMAND...: run COMMAND with at most KB kilobytes of address space and 60 s
limited() {
    local kb=$1
    shift
    if [ "${LRP_SANITIZE:-0}" = 1 ]; then
        timeout 60 "$@"
    else
        (ulimit -v "$kb" && exec timeout 60 "$@")
    fi
}
[ "${LRP_SANITIZE:-0}" = 1 ] && echo "AddressSanitizer build: memory limits not applied (the messages are checked)"
MEM=400000 # KB: the command, its threads' stacks and a small model

# the model: judged by its first bytes
run 1 limited $MEM "$LRP_BIN" info /dev/zero
has "$TMP/err" "header is not valid JSON" "/dev/zero as model: an empty header"
run 1 limited $MEM "$LRP_BIN" explain --model /dev/zero "a good movie"
has "$TMP/err" "header is not valid JSON" "explain --model /dev/zero"
run 1 limited $MEM "$LRP_BIN" info /dev/urandom
has "$TMP/err" "header length" "/dev/urandom as model: an impossible header length"
# from a stream, the declared bytes and no more: what follows is never read
run 0 limited $MEM bash -c "cat '$MODEL' /dev/zero | '$LRP_BIN' info --format json /dev/stdin"
has "$TMP/out" '"vocab_size":46' "a model followed by an endless stream"

# side files: at most 100 MB, found while reading
for opt in --vocab --labels; do
    run 1 limited $MEM "$LRP_BIN" info $opt /dev/zero "$MODEL"
    has "$TMP/err" "larger than the limit of 104857600 bytes" "$opt /dev/zero"
done
"$LRP_TESTTOOL" words "$MODEL" >"$TMP/words"
run 0 limited $MEM "$LRP_BIN" info --vocab "$TMP/words" "$MODEL"

finish
