/*
 * common.c - error reporting shared by the library.
 */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>

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
