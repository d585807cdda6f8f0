/*
 * common.h - small helpers shared by the library's files: error reporting and
 * overflow-checked sizes. Internal; not installed.
 */
#ifndef LRP_COMMON_H
#define LRP_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "lrp.h"

#if defined(__GNUC__)
#define LRP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LRP_PRINTF(f, a)
#endif

/* Record `status` and a formatted message in err (if not NULL); returns status,
 * so that failing paths read `return lrp_fail(err, LRP_ERR_FORMAT, "...", ...);`. */
lrp_status lrp_fail(lrp_error *err, lrp_status status, const char *fmt, ...) LRP_PRINTF(3, 4);

/* Zeroed memory of n bytes for a large array (model parameters, workspaces): from
 * 4 MB on a mapping of its own, whose pages the system zeroes when they are first
 * touched (never in a separate pass), on 4 kB pages (why: docs/performance.md,
 * "Around the kernels"); calloc below. NULL on failure. Released with
 * lrp_free_large(p, n), n the same size. */
void *lrp_alloc_large(size_t n);
void lrp_free_large(void *p, size_t n);

/* The same for an array that will be written whole at once (a file read into it):
 * its pages are made present when it is allocated (MAP_POPULATE), in one pass of the
 * kernel rather than one fault per page; not zeroed below 4 MB. Released with
 * lrp_free_large. */
void *lrp_alloc_large_filled(size_t n);

/* Append formatted text to the string buf (cap bytes) at *at, which advances; text
 * that does not fit is cut (*at = cap - 1). Returns 0 once something was cut. */
int lrp_append(char *buf, size_t cap, size_t *at, const char *fmt, ...) LRP_PRINTF(4, 5);

/* Clear err to LRP_OK with an empty message. */
void lrp_error_clear(lrp_error *err);

/* a * b into *out; returns 0 on overflow. */
static inline int lrp_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a) return 0;
    *out = a * b;
    return 1;
}

/* a + b into *out; returns 0 on overflow. */
static inline int lrp_add_size(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a) return 0;
    *out = a + b;
    return 1;
}

#endif /* LRP_COMMON_H */
