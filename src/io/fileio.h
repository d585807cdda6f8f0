/*
 * fileio.h - reading files by the sizes they declare, and atomic writing, with
 * messages that name the path and the system's reason. Internal; for the library's
 * loaders and writers (the model file, and anything else the project writes).
 */
#ifndef LRP_FILEIO_H
#define LRP_FILEIO_H

#include <stddef.h>
#include <stdio.h>

#include "lrp.h"

/* A file's bytes, read into memory: a private copy, which no later change to the file
 * reaches. Release with lrp_file_view_close. */
typedef struct lrp_file_view {
    unsigned char *data; /* [size] and a NUL the size does not count */
    size_t size;
    size_t cap_;         /* private: bytes allocated */
} lrp_file_view;

/* How much of a file to read, decided from what has been read: called with the first
 * `have` bytes (0 at first, again after each part read, and once more at the end of
 * the file); sets *need to the bytes to have read in all (have or fewer: stop). Memory
 * grows with the bytes read, never ahead of them by more than a megabyte or what has
 * come so far, when the size is not known. `known` is the file's size when it is a regular file, else SIZE_MAX (a pipe,
 * a FIFO, a device). Failing here (err) stops the reading: a file can be rejected by
 * its first bytes, whatever follows them. */
typedef lrp_status (*lrp_size_fn)(void *ctx, const unsigned char *data, size_t have, size_t known,
                                  size_t *need, lrp_error *err);

/* Read the file at path as size_of says (with ctx), or up to its end when it ends
 * first (size then says how much there was). LRP_ERR_IO naming the path and strerror,
 * also for a directory and for a regular file that changed while it was read;
 * size_of's own failures as they are. */
lrp_status lrp_file_view_open(lrp_file_view *v, const char *path, lrp_size_fn size_of, void *ctx,
                              lrp_error *err);
void lrp_file_view_close(lrp_file_view *v);

/* The whole file at path, up to `max` bytes: more is an LRP_ERR_FORMAT naming the
 * path and the limit, found as soon as the file's size (or what has been read) says
 * so, so an endless input (/dev/zero) fails after max bytes. */
lrp_status lrp_read_file(lrp_file_view *v, const char *path, size_t max, lrp_error *err);

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
