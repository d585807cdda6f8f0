/*
 * common.c - error reporting and large allocations shared by the library.
 */
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE (Linux) */
#include "common.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Blocks from LARGE_MIN bytes on are mappings of their own, aligned to HUGE. */
#define HUGE ((size_t)2 << 20)
#define LARGE_MIN (2 * HUGE)

static size_t large_bytes(size_t n) { return (n + HUGE - 1) / HUGE * HUGE; }

void *lrp_alloc_large(size_t n, int huge_pages)
{
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    if (n >= LARGE_MIN && n <= SIZE_MAX - 2 * HUGE) {
        /* map HUGE more, then cut the head and tail so that the block starts on a
         * 2 MB boundary: fresh pages are zero, and nothing touches them before
         * their user does */
        const size_t bytes = large_bytes(n);
        unsigned char *raw = mmap(NULL, bytes + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) return NULL;
        unsigned char *p = (unsigned char *)(((uintptr_t)raw + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
        if (p > raw) munmap(raw, (size_t)(p - raw));
        if (raw + bytes + HUGE > p + bytes) munmap(p + bytes, (size_t)(raw + bytes + HUGE - (p + bytes)));
        madvise(p, bytes, huge_pages ? MADV_HUGEPAGE : MADV_NOHUGEPAGE); /* advice: nothing to do when refused */
        return p;
    }
#endif
    return calloc(1, n ? n : 1);
}

void lrp_free_large(void *p, size_t n)
{
    if (!p) return;
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    if (n >= LARGE_MIN && n <= SIZE_MAX - 2 * HUGE) {
        munmap(p, large_bytes(n));
        return;
    }
#endif
    free(p);
}

lrp_status lrp_fail(lrp_error *err, lrp_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}

void lrp_error_clear(lrp_error *err)
{
    if (err) {
        err->status = LRP_OK;
        err->message[0] = '\0';
    }
}

const char *lrp_status_string(lrp_status status)
{
    switch (status) {
    case LRP_OK: return "ok";
    case LRP_ERR_IO: return "i/o error";
    case LRP_ERR_FORMAT: return "bad model file";
    case LRP_ERR_INPUT: return "bad input";
    case LRP_ERR_ARGUMENT: return "bad argument";
    case LRP_ERR_NOMEM: return "out of memory";
    }
    return "unknown status";
}

const char *lrp_version(void) { return LRP_VERSION; }
