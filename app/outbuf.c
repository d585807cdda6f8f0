/*
 * outbuf.c - the buffered writer (outbuf.h).
 */
#include "app/outbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void outbuf_init(outbuf *o, FILE *f)
{
    o->f = f;
    o->len = 0;
    o->err = 0;
}

/* Record the first error: errno of the failed call, EIO when there is none. */
static void fail(outbuf *o)
{
    if (!o->err) o->err = errno ? errno : EIO;
}

/* n bytes to the FILE, unless an earlier write failed. */
static void put_file(outbuf *o, const void *p, size_t n)
{
    if (o->err || n == 0) return;
    errno = 0;
    if (fwrite(p, 1, n, o->f) != n) fail(o);
}

void outbuf_drain(outbuf *o)
{
    put_file(o, o->buf, o->len);
    o->len = 0;
}

int outbuf_flush(outbuf *o)
{
    outbuf_drain(o);
    if (!o->err) {
        errno = 0;
        if (fflush(o->f) != 0 || ferror(o->f)) fail(o);
    }
    return o->err;
}

void outbuf_write(outbuf *o, const void *p, size_t n)
{
    if (n <= OUTBUF_SIZE - o->len) {
        memcpy(o->buf + o->len, p, n);
        o->len += n;
        return;
    }
    outbuf_drain(o);
    if (n < OUTBUF_SIZE) {
        memcpy(o->buf, p, n);
        o->len = n;
    } else {
        put_file(o, p, n);
    }
}

void outbuf_puts(outbuf *o, const char *s)
{
    outbuf_write(o, s, strlen(s));
}

void outbuf_printf(outbuf *o, const char *fmt, ...)
{
    va_list ap;
    /* vsnprintf writes a NUL after the text: it fits when it is shorter than the room */
    size_t room = OUTBUF_SIZE - o->len;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        if (!o->err) o->err = EILSEQ;
        return;
    }
    if ((size_t)n < room) {
        o->len += (size_t)n;
        return;
    }
    outbuf_drain(o);
    if ((size_t)n < OUTBUF_SIZE) {
        va_start(ap, fmt);
        vsnprintf(o->buf, OUTBUF_SIZE, fmt, ap);
        va_end(ap);
        o->len = (size_t)n;
        return;
    }
    char *text = malloc((size_t)n + 1);
    if (!text) {
        if (!o->err) o->err = ENOMEM;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(text, (size_t)n + 1, fmt, ap);
    va_end(ap);
    put_file(o, text, (size_t)n);
    free(text);
}

void outbuf_u64(outbuf *o, uint64_t v)
{
    char digits[20], *p = digits + sizeof digits;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    outbuf_write(o, p, (size_t)(digits + sizeof digits - p));
}

void outbuf_i64(outbuf *o, int64_t v)
{
    if (v < 0) {
        outbuf_putc(o, '-');
        outbuf_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        outbuf_u64(o, (uint64_t)v);
    }
}
