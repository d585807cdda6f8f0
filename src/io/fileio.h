/*
 * fileio.h - whole-file reading and atomic writing, with messages that name the
 * path and the system's reason. Internal; for the library's loaders and writers
 * (the model file, and anything else the project writes).
 */
#ifndef LRP_FILEIO_H
#define LRP_FILEIO_H

#include <stddef.h>
#include <stdio.h>

#include "lrp.h"

/* Read the whole file at path into *data (malloc'ed, *size bytes, plus a NUL the
 * size does not count). LRP_ERR_IO naming the path and strerror, also for a
 * directory. */
lrp_status lrp_read_file(const char *path, unsigned char **data, size_t *size, lrp_error *err);

/* A file's bytes for reading only: mapped from the page cache when it is a regular
 * file (no copy, no zeroed buffer), else read into memory. Release with
 * lrp_file_view_close. A regular file must not be truncated while it is open. */
typedef struct lrp_file_view {
    const unsigned char *data;
    size_t size;
    int mapped_; /* private: data is a mapping, else a malloc'ed copy */
} lrp_file_view;

/* LRP_ERR_IO naming the path and strerror, also for a directory. */
lrp_status lrp_file_view_open(lrp_file_view *v, const char *path, lrp_error *err);
void lrp_file_view_close(lrp_file_view *v);

/* Writes the content of a file into f; returns LRP_OK or a failure in err. A
 * stdio write error may be left for the caller to find with ferror(f). */
typedef lrp_status (*lrp_write_fn)(FILE *f, void *ctx, lrp_error *err);

/* Write path atomically: fill a temporary file "path.tmp.<pid>.<k>" in the same
 * directory, flush and fsync it, rename it over path, then fsync the directory.
 * On any failure the temporary file is removed and path is left as it was. */
lrp_status lrp_write_atomic(const char *path, lrp_write_fn fill, void *ctx, lrp_error *err);

#endif /* LRP_FILEIO_H */
