/*
 * test_outbuf.c - the buffered writer (app/outbuf.h): the bytes it gives a FILE for a long
 * mix of every kind of piece (characters, strings, bytes with a NUL, integers to the extremes,
 * doubles, floats, printf texts, pieces as large as its buffer and larger), in order with what the FILE
 * had before and with other writes after a flush; the sticky error of a full device
 * (/dev/full: ENOSPC, "No space left on device"), at a flush and at a drain in the middle;
 * nothing written after a failed write (a file limited to 64 kB, whose limit is lifted
 * after the failure).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "app/numfmt.h"
#include "app/outbuf.h"
#include "testutil.h"

/* A long mix of pieces, to the writer and by hand to `want`. */
static int test_writer_bytes(void)
{
    tu_capture cap;
    FILE *f = tu_capture_open(&cap);
    TU_REQUIRE(f, "no memory stream");
    outbuf *o = malloc(sizeof *o);
    size_t want_cap = 1 << 20, want_len = 0;
    char *want = malloc(want_cap);
    TU_REQUIRE(o && want, "out of memory");
    fputs("before;", f); /* what the FILE had first comes first */
    memcpy(want, "before;", 7);
    want_len = 7;
    outbuf_init(o, f);
    unsigned long long state = 5;
    static char big_piece[3 * OUTBUF_SIZE / 2];
    for (size_t i = 0; i < sizeof big_piece; i++) big_piece[i] = (char)('a' + i % 26);
    char piece[64];
    for (int i = 0; i < 60000; i++) {
        size_t n;
        uint64_t r = tu_random_u64(&state);
        switch (r % 9) {
        case 0:
            outbuf_putc(o, ',');
            piece[0] = ',';
            n = 1;
            break;
        case 1:
            outbuf_puts(o, "\"word\":");
            n = (size_t)snprintf(piece, sizeof piece, "\"word\":");
            break;
        case 2: {
            uint64_t b = tu_random_u64(&state);
            double v;
            memcpy(&v, &b, sizeof v);
            outbuf_double(o, v);
            n = numfmt_double(piece, v);
            break;
        }
        case 3: {
            float v = (float)(tu_uniform(&state) - 0.5) * 1e-3f;
            outbuf_float(o, v);
            n = numfmt_float(piece, v);
            break;
        }
        case 4: {
            uint64_t v = tu_random_u64(&state) >> (r >> 8) % 64;
            outbuf_u64(o, v);
            n = (size_t)snprintf(piece, sizeof piece, "%" PRIu64, v);
            break;
        }
        case 5: {
            int64_t v = (int64_t)tu_random_u64(&state) >> (r >> 8) % 64;
            outbuf_i64(o, v);
            n = (size_t)snprintf(piece, sizeof piece, "%" PRId64, v);
            break;
        }
        case 6:
            outbuf_write(o, "bytes\0in", 8);
            memcpy(piece, "bytes\0in", 8);
            n = 8;
            break;
        case 7: { /* printf's conversions, padded, rounded */
            double v = tu_uniform(&state) - 0.5;
            int w = (int)(r >> 8) % 12;
            outbuf_printf(o, "%-6s|%.4f|%*.6g|%*s", "ab", v, w, v * 1e6, w, "");
            n = (size_t)snprintf(piece, sizeof piece, "%-6s|%.4f|%*.6g|%*s", "ab", v, w, v * 1e6, w, "");
            break;
        }
        default: /* now and then a piece as large as the buffer or larger */
            n = r % 997 == 0 ? sizeof big_piece : r % 991 == 0 ? OUTBUF_SIZE : 0;
            outbuf_write(o, big_piece, n);
            break;
        }
        if (want_len + n + sizeof big_piece > want_cap) {
            want_cap *= 2;
            want = realloc(want, want_cap);
            TU_REQUIRE(want, "out of memory");
        }
        memcpy(want + want_len, n > sizeof piece ? big_piece : piece, n);
        want_len += n;
    }
    /* printf texts of the buffer's size and beyond, from wherever the buffer is */
    static char text[2 * OUTBUF_SIZE + 2];
    const size_t text_sizes[] = {OUTBUF_SIZE - 1, OUTBUF_SIZE, OUTBUF_SIZE + 1, 2 * OUTBUF_SIZE + 1};
    for (size_t k = 0; k < sizeof text_sizes / sizeof text_sizes[0]; k++) {
        size_t n = text_sizes[k];
        for (size_t i = 0; i < n; i++) text[i] = (char)('A' + (i + k) % 26);
        text[n] = '\0';
        outbuf_putc(o, '<');
        outbuf_printf(o, "%s", text);
        if (want_len + n + 2 > want_cap) {
            want_cap = 2 * (want_len + n + 2);
            want = realloc(want, want_cap);
            TU_REQUIRE(want, "out of memory");
        }
        want[want_len++] = '<';
        memcpy(want + want_len, text, n);
        want_len += n;
    }
    outbuf_i64(o, INT64_MIN);
    outbuf_u64(o, UINT64_MAX);
    outbuf_u64(o, 0);
    const char *tail = "-9223372036854775808184467440737095516150";
    memcpy(want + want_len, tail, strlen(tail));
    want_len += strlen(tail);
    TU_CHECK(outbuf_flush(o) == 0, "flush failed: %s", strerror(outbuf_error(o)));
    fputs(";after;", f); /* in order after a flush, and the writer goes on after that */
    outbuf_puts(o, "again");
    TU_CHECK(outbuf_flush(o) == 0, "second flush failed");
    memcpy(want + want_len, ";after;again", 12);
    want_len += 12;
    char *got = tu_capture_close(&cap);
    TU_REQUIRE(got, "no output captured");
    size_t at = 0;
    while (at < want_len && at < cap.len && got[at] == want[at]) at++;
    TU_CHECK(cap.len == want_len && at == want_len,
             "the writer gave %zu bytes, expected %zu; the first difference at byte %zu", cap.len,
             want_len, at);
    printf("writer: %zu bytes in the expected order\n", want_len);
    free(got);
    free(want);
    free(o);
    return 0;
}

/* A full device: the reason reaches the caller, once, whatever follows. */
static int test_writer_errors(void)
{
    outbuf *o = malloc(sizeof *o);
    TU_REQUIRE(o, "out of memory");
    FILE *f = fopen("/dev/full", "w");
    TU_REQUIRE(f, "cannot open /dev/full: %s (the error test needs it)", strerror(errno));
    outbuf_init(o, f);
    outbuf_puts(o, "short");
    TU_CHECK(outbuf_error(o) == 0, "an error before anything reached the device");
    int err = outbuf_flush(o);
    TU_CHECK(err == ENOSPC, "flush to /dev/full gave %d (%s), expected ENOSPC", err, strerror(err));
    TU_CHECK(strstr(strerror(err), "No space left") != NULL, "reason: \"%s\"", strerror(err));
    fclose(f);

    /* the error at a drain in the middle: sticky, what follows is dropped, nothing breaks */
    f = fopen("/dev/full", "w");
    TU_REQUIRE(f, "cannot open /dev/full: %s", strerror(errno));
    outbuf_init(o, f);
    for (int i = 0; i < 100000; i++) {
        outbuf_double(o, i * 0.001);
        outbuf_putc(o, '\n');
    }
    TU_CHECK(outbuf_error(o) == ENOSPC, "after 600 kB to /dev/full the error is %d, expected ENOSPC",
             outbuf_error(o));
    TU_CHECK(o->len < OUTBUF_SIZE, "the buffer grew past its size");
    errno = 0;
    outbuf_puts(o, "more");
    TU_CHECK(outbuf_flush(o) == ENOSPC, "the first error is not kept");
    fclose(f);
    printf("writer to /dev/full: \"cannot write the output: %s\"\n", strerror(ENOSPC));
    free(o);
    return 0;
}

/* A file that may hold 64 kB (RLIMIT_FSIZE): the second drain fails with EFBIG; then the
 * limit goes, so that anything the writer still sent would land in the file. */
static int test_writer_sticky(void)
{
    outbuf *o = malloc(sizeof *o);
    TU_REQUIRE(o, "out of memory");
    char path[600];
    snprintf(path, sizeof path, "%s/limited", tu_tmpdir());
    FILE *f = fopen(path, "w");
    TU_REQUIRE(f, "cannot create %s: %s", path, strerror(errno));
    struct rlimit old, lim;
    TU_REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0, "getrlimit: %s", strerror(errno));
    lim = old;
    lim.rlim_cur = OUTBUF_SIZE;
    signal(SIGXFSZ, SIG_IGN); /* the write fails with EFBIG instead of ending the process */
    TU_REQUIRE(setrlimit(RLIMIT_FSIZE, &lim) == 0, "setrlimit: %s", strerror(errno));
    outbuf_init(o, f);
    for (int i = 0; i < 3 * OUTBUF_SIZE; i++) outbuf_putc(o, 'x'); /* two drains: ok, failed */
    int err = outbuf_error(o);
    TU_REQUIRE(setrlimit(RLIMIT_FSIZE, &old) == 0, "setrlimit: %s", strerror(errno));
    TU_CHECK(err == EFBIG, "error %d (%s) beyond the size limit, expected EFBIG", err, strerror(err));
    outbuf_write(o, "after", 5);
    static char big_piece[2 * OUTBUF_SIZE];
    outbuf_write(o, big_piece, sizeof big_piece);
    TU_CHECK(outbuf_flush(o) == EFBIG, "the first error is not kept");
    fclose(f);
    struct stat st;
    TU_CHECK(stat(path, &st) == 0 && st.st_size == OUTBUF_SIZE,
             "the file has %lld bytes, expected %d: the writer went on after the error",
             (long long)st.st_size, OUTBUF_SIZE);
    remove(path);
    free(o);
    return 0;
}

int main(void)
{
    (void)test_writer_bytes(); /* each returns early (a counted failure) when it cannot go on */
    (void)test_writer_errors();
    (void)test_writer_sticky();
    return tu_finish();
}
