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

/* Write path atomically: fill a temporary file in the path's directory, flush and
 * fsync it, rename it over path, then fsync the directory. On any failure path is left
 * as it was and the temporary file is removed.
 *   - The temporary file is unnamed while it is filled (O_TMPFILE, where the system and
 *     the file system have it), so a process killed meanwhile leaves nothing behind; it
 *     is named "path.tmp.<pid>.<k>" only for the moment of the rename (elsewhere, from
 *     its creation).
 *   - A symbolic link is followed: its final target is replaced (in the target's
 *     directory) and the link stays a link; a dangling link's target is created.
 *   - A path that exists and is not a regular file (a device such as /dev/null, a FIFO,
 *     a socket) or that names an open file through /proc (/dev/stdout, /dev/fd/N) is
 *     opened and written where it is, never renamed over: such a write is not atomic.
 *   - The replaced file's permission bits are kept, and its owner and group as far as
 *     the process may set them; a new file gets 0666 less the umask. A file with other
 *     hard links is replaced under this name only: the other names keep the old
 *     content (as with any rename). */
lrp_status lrp_write_atomic(const char *path, lrp_write_fn fill, void *ctx, lrp_error *err);

/* Could path be written now? What lrp_write_atomic does up to filling, undone: the
 * directory takes a temporary file, a device or FIFO is writable (not opened). For a
 * long computation that writes its result at the end: fail before it starts. */
lrp_status lrp_write_check(const char *path, lrp_error *err);

/* The same in two steps, for several files that should change together (a report):
 * lrp_write_prepare fills and syncs the temporary file, lrp_write_commit renames it
 * into place, lrp_write_discard drops it (path unchanged). A path written directly (a
 * device, a FIFO) is written by lrp_write_prepare already. After either call, commit
 * or discard once; a failed prepare has discarded by itself. */
typedef struct lrp_pending {
    char *path;   /* as given, for messages */
    char *target; /* the file replaced: path, or a symbolic link's final target */
    char *tmp;    /* the temporary file's name, "" while it has none (O_TMPFILE) */
    int fd;       /* the temporary file, or the file written directly; -1 when none */
    int direct;   /* written where it is: not a regular file */
} lrp_pending;

lrp_status lrp_write_prepare(lrp_pending *p, const char *path, lrp_write_fn fill, void *ctx,
                             lrp_error *err);
lrp_status lrp_write_commit(lrp_pending *p, lrp_error *err);
void lrp_write_discard(lrp_pending *p);

#endif /* LRP_FILEIO_H */
