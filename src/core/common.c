/*
 * common.c - error reporting and large allocations shared by the library.
 */
/* LRP_POSIX_ONLY (the build's option): nothing but POSIX.1-2008, as on macOS and the BSDs */
#ifndef LRP_POSIX_ONLY
#define _DEFAULT_SOURCE /* madvise's MADV_NOHUGEPAGE (Linux) */
#endif
#include "core/common.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Blocks from LARGE_MIN bytes on are mappings of their own. */
#define LARGE_MIN ((size_t)4 << 20)

void *lrp_alloc_large(size_t n)
{
#if defined(MAP_ANONYMOUS) && defined(MADV_NOHUGEPAGE)
    if (n >= LARGE_MIN) {
        /* fresh pages are zero, and nothing touches them before their user does */
        void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return NULL;
        /* 4 kB pages (docs/performance.md: 2 MB pages were slower and less steady to
         * fault in); advice only, nothing to do when refused */
        madvise(p, n, MADV_NOHUGEPAGE);
        return p;
    }
#endif
    return calloc(1, n ? n : 1);
}

void *lrp_alloc_large_filled(size_t n)
{
#if defined(MAP_ANONYMOUS) && defined(MADV_NOHUGEPAGE) && defined(MAP_POPULATE)
    if (n >= LARGE_MIN) {
        void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        return p == MAP_FAILED ? NULL : p;
    }
#endif
    return lrp_alloc_large(n);
}

void lrp_free_large(void *p, size_t n)
{
    if (!p) return;
#if defined(MAP_ANONYMOUS) && defined(MADV_NOHUGEPAGE)
    if (n >= LARGE_MIN) {
        munmap(p, n);
        return;
    }
#else
    (void)n;
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

int lrp_append(char *buf, size_t cap, size_t *at, const char *fmt, ...)
{
    if (cap == 0 || *at >= cap) return 0;
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(buf + *at, cap - *at, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap - *at) {
        *at = cap - 1;
        return 0;
    }
    *at += (size_t)n;
    return 1;
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
    case LRP_ERR_NUMERIC: return "not finite";
    }
    return "unknown status";
}

const char *lrp_version(void) { return LRP_VERSION; }
