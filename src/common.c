/*
 * common.c - error reporting and large allocations shared by the library.
 */
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE (Linux) */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *lrp_alloc_large(size_t n)
{
    const size_t huge = (size_t)2 << 20;
    if (n < 2 * huge) return calloc(1, n ? n : 1);
    size_t rounded = (n + huge - 1) / huge * huge;
    void *p = NULL;
    if (posix_memalign(&p, huge, rounded) != 0) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, rounded, MADV_HUGEPAGE); /* advice: nothing to do when refused */
#endif
    memset(p, 0, n);
    return p;
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
