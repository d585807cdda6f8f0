/*
 * outbuf.h - a buffered writer for output made of many small pieces (numbers, separators,
 * words): characters, strings, bytes, integers, doubles and floats (numfmt.h's spelling) go
 * into a 64 kB buffer with no call into stdio, which receives the buffer in one fwrite when it
 * fills and at outbuf_flush. Text that needs printf's own conversions (numbers rounded for a
 * person: "%.4f", "%.6g"; padding: "%-8s") goes in with outbuf_printf, formatted into the
 * buffer by vsnprintf.
 *
 * Contract with other writers of the same FILE: the writer owns the FILE's output between
 * outbuf_init and outbuf_flush. What the FILE received before outbuf_init comes first; after
 * outbuf_flush the FILE may be written by other means (fprintf, fputs), and the writer may
 * go on after that, in order. Writing to the FILE by other means while bytes wait in the
 * writer puts them out of order: flush first. The FILE stays the caller's (never closed).
 *
 * Errors are sticky: the first failed write records errno (EIO if the C library left it
 * 0), everything after it is dropped, and outbuf_flush returns it, for a message such as
 * "cannot write the output: %s" with strerror. The writer neither prints nor exits.
 *
 * One writer, one thread. The struct holds its buffer: allocate it where 64 kB fits
 * (static, or malloc; not a small thread stack).
 */
#ifndef LRP_OUTBUF_H
#define LRP_OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app/numfmt.h"

#define OUTBUF_SIZE 65536

typedef struct outbuf {
    FILE *f;
    size_t len;  /* bytes waiting in buf */
    int err;     /* errno of the first failed write; 0 while none */
    char buf[OUTBUF_SIZE];
} outbuf;

/* Start writing to f (not owned), with nothing waiting and no error. */
void outbuf_init(outbuf *o, FILE *f);

/* Hand what waits to the FILE and flush the FILE; returns 0, or the sticky errno. */
int outbuf_flush(outbuf *o);

/* The sticky errno (0 while every write succeeded). */
static inline int outbuf_error(const outbuf *o)
{
    return o->err;
}

/* Hand the buffer to the FILE (no fflush); the slow path of the puts below. */
void outbuf_drain(outbuf *o);

/* n bytes of p (any n: pieces larger than the buffer go to the FILE directly). */
void outbuf_write(outbuf *o, const void *p, size_t n);

/* The NUL-terminated string s, without its NUL. */
void outbuf_puts(outbuf *o, const char *s);

static inline void outbuf_putc(outbuf *o, char c)
{
    if (o->len == OUTBUF_SIZE) outbuf_drain(o);
    o->buf[o->len++] = c;
}

/* Room for `need` (<= OUTBUF_SIZE) more bytes at o->buf + o->len. */
static inline char *outbuf_reserve(outbuf *o, size_t need)
{
    if (OUTBUF_SIZE - o->len < need) outbuf_drain(o);
    return o->buf + o->len;
}

/* v as numfmt_double writes it ("nan", "inf", "-inf" included: JSON callers check first). */
static inline void outbuf_double(outbuf *o, double v)
{
    o->len += numfmt_double(outbuf_reserve(o, NUMFMT_MAX), v);
}

/* v as numfmt_float writes it. */
static inline void outbuf_float(outbuf *o, float v)
{
    o->len += numfmt_float(outbuf_reserve(o, NUMFMT_MAX), v);
}

/* printf's text of fmt and the arguments (vsnprintf into the buffer; a text larger than the
 * buffer goes to the FILE directly). A failed conversion (an encoding error) is an error
 * of the writer (EILSEQ). */
void outbuf_printf(outbuf *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Integers in decimal, "-" for negative values. */
void outbuf_u64(outbuf *o, uint64_t v);
void outbuf_i64(outbuf *o, int64_t v);

#endif /* LRP_OUTBUF_H */
