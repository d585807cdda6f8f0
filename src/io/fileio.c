/*
 * fileio.c - whole-file reading and atomic writing (fileio.h).
 */
/* LRP_POSIX_ONLY (the build's option): nothing but POSIX.1-2008, as on macOS and the BSDs */
#ifndef LRP_POSIX_ONLY
#define _GNU_SOURCE /* open's O_TMPFILE (Linux) */
#else
#define _XOPEN_SOURCE 700 /* realpath: POSIX.1-2008, XSI */
#endif
#include "io/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/common.h"

// ----------------------------------------------------------------------------
// reading

/* Make room for `need` bytes (and a NUL) in v, keeping the `have` bytes read: at least
 * twice as much as before, so that a stream read in parts is copied O(1) times a byte. */
static int grow(lrp_file_view *v, size_t have, size_t need)
{
    if (need < v->cap_) return 1;
    size_t cap = need + 1;
    if (v->cap_ && cap < 2 * v->cap_ && v->cap_ <= SIZE_MAX / 2) cap = 2 * v->cap_;
    unsigned char *p = lrp_alloc_large_filled(cap);
    if (!p) return 0;
    if (have) memcpy(p, v->data, have);
    lrp_free_large(v->data, v->cap_);
    v->data = p;
    v->cap_ = cap;
    return 1;
}

/* Did the file change between two fstat calls (truncated, rewritten)? */
static int changed(const struct stat *a, const struct stat *b)
{
    return a->st_size != b->st_size || a->st_ino != b->st_ino || a->st_dev != b->st_dev ||
           a->st_mtim.tv_sec != b->st_mtim.tv_sec || a->st_mtim.tv_nsec != b->st_mtim.tv_nsec;
}

lrp_status lrp_file_view_open(lrp_file_view *v, const char *path, lrp_size_fn size_of, void *ctx,
                              lrp_error *err)
{
    memset(v, 0, sizeof *v);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return lrp_fail(err, LRP_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat before, after;
    if (fstat(fd, &before) != 0) {
        int e = errno;
        close(fd);
        return lrp_fail(err, LRP_ERR_IO, "%s: %s", path, strerror(e));
    }
    if (S_ISDIR(before.st_mode)) {
        close(fd);
        return lrp_fail(err, LRP_ERR_IO, "%s: is a directory, not a file", path);
    }
    /* a regular file's size is known (and a first guess only for files such as those
     * of /proc, which say 0); a pipe, a FIFO or a device has none */
    const int regular = S_ISREG(before.st_mode);
    const size_t known = regular && (unsigned long long)before.st_size < SIZE_MAX ? (size_t)before.st_size : SIZE_MAX;
    size_t have = 0, need = 0;
    lrp_status st = LRP_OK;
    for (int eof = 0;;) {
        st = size_of(ctx, v->data, have, known, &need, err);
        if (st != LRP_OK || need <= have || eof) break;
        /* without a known size, memory grows with the bytes that come, not with what
         * the first ones claim */
        size_t upto = need;
        if (known == SIZE_MAX) {
            size_t step = have > ((size_t)1 << 20) ? have : (size_t)1 << 20;
            if (need - have > step) upto = have + step;
        }
        if (!grow(v, have, upto)) {
            st = lrp_fail(err, LRP_ERR_NOMEM, "%s: out of memory reading %zu bytes", path, upto);
            break;
        }
        while (have < upto) {
            ssize_t got = read(fd, v->data + have, upto - have);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) st = lrp_fail(err, LRP_ERR_IO, "%s: %s", path, strerror(errno));
            if (got <= 0) {
                eof = 1; /* checked by size_of once more */
                break;
            }
            have += (size_t)got;
        }
        if (st != LRP_OK) break;
    }
    /* a regular file is a private copy once read: no later change reaches it, and a
     * change while it was read is an error, not a mix of two files */
    if (st == LRP_OK && regular && (fstat(fd, &after) != 0 || changed(&before, &after)))
        st = lrp_fail(err, LRP_ERR_IO, "%s: the file changed while it was read; try again", path);
    close(fd);
    if (st != LRP_OK) {
        lrp_file_view_close(v);
        return st;
    }
    if (!v->data && !grow(v, 0, 0)) return lrp_fail(err, LRP_ERR_NOMEM, "%s: out of memory", path);
    v->data[have] = '\0';
    v->size = have;
    return LRP_OK;
}

/* Everything up to the end of the file, failing once more than *(size_t *)ctx bytes. */
static lrp_status until_end(void *ctx, const unsigned char *data, size_t have, size_t known, size_t *need,
                            lrp_error *err)
{
    (void)data;
    const size_t max = *(const size_t *)ctx;
    if (have > max || (known != SIZE_MAX && known > max))
        return lrp_fail(err, LRP_ERR_FORMAT, "larger than the limit of %zu bytes", max);
    size_t more = known != SIZE_MAX && known > have ? known - have : (size_t)1 << 16;
    *need = have + (more < max + 1 - have ? more : max + 1 - have);
    return LRP_OK;
}

lrp_status lrp_read_file(lrp_file_view *v, const char *path, size_t max, lrp_error *err)
{
    lrp_error inner;
    lrp_status st = lrp_file_view_open(v, path, until_end, &max, &inner);
    if (st == LRP_ERR_FORMAT) return lrp_fail(err, st, "%s: %s", path, inner.message);
    if (st != LRP_OK) return lrp_fail(err, st, "%s", inner.message);
    return LRP_OK;
}

void lrp_file_view_close(lrp_file_view *v)
{
    if (!v) return;
    lrp_free_large(v->data, v->cap_);
    memset(v, 0, sizeof *v);
}

// ----------------------------------------------------------------------------
// atomic writing

/* Symbolic links followed before a write gives up (as the kernel's ELOOP). */
enum { MAX_LINKS = 40 };

/* "dir/name" of `path`'s directory and `name` (malloc'ed); the link target `name`
 * as it is when absolute. NULL when out of memory. */
static char *join_link(const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    size_t dir = name[0] == '/' || !slash ? 0 : (size_t)(slash - path) + 1;
    char *out = malloc(dir + strlen(name) + 1);
    if (!out) return NULL;
    memcpy(out, path, dir);
    strcpy(out + dir, name);
    return out;
}

/* The open file descriptor a /proc link stands for: "/proc/<our pid>/fd/N" -> N; else -1. */
static int proc_fd(const char *dir, const char *name)
{
    char mine[64];
    snprintf(mine, sizeof mine, "/proc/%ld/fd", (long)getpid());
    if (strcmp(dir, mine) != 0 || !*name || strspn(name, "0123456789") != strlen(name) || strlen(name) > 9)
        return -1;
    return atoi(name);
}

/* Is the link p in /proc (directly, or through /dev/fd -> /proc/self/fd)? Such links
 * name open files, not paths ("pipe:[1234]"): returns 1 and sets *fdno to the file
 * descriptor when the link is one of ours, else -1. */
static int in_proc(const char *p, int *fdno)
{
    const char *slash = strrchr(p, '/');
    char *dir = slash ? strndup(p, slash == p ? 1 : (size_t)(slash - p)) : strdup(".");
    char *real = dir ? realpath(dir, NULL) : NULL;
    int yes = real && strncmp(real, "/proc/", 6) == 0;
    if (yes) *fdno = proc_fd(real, slash ? slash + 1 : p);
    free(dir);
    free(real);
    return yes;
}

/* What a write to `path` replaces. *target (malloc'ed) is the path to replace: path
 * itself, or the final target of the symbolic links path starts with (which need not
 * exist yet). *direct is set when the target is not a regular file (a device, a FIFO, a
 * socket) or is named through /proc (/dev/stdout is /proc/self/fd/1): such a file is
 * written where it is, and *fdno is the file descriptor of ours it names, if any (-1).
 * *old is the target's lstat when it exists (old->st_nlink == 0 when not). */
static lrp_status resolve_target(const char *path, char **target, int *direct, int *fdno,
                                 struct stat *old, lrp_error *err)
{
    *direct = 0;
    *fdno = -1;
    memset(old, 0, sizeof *old);
    char *p = strdup(path);
    if (!p) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    for (int hops = 0;; hops++) {
        if (lstat(p, old) != 0) {
            int e = errno;
            memset(old, 0, sizeof *old);
            if (e == ENOENT) break; /* a new file (its directory is checked when it is created) */
            free(p);
            return lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path, strerror(e));
        }
        if (!S_ISLNK(old->st_mode)) {
            if (S_ISDIR(old->st_mode)) {
                free(p);
                return lrp_fail(err, LRP_ERR_IO, "cannot write %s: is a directory", path);
            }
            *direct = !S_ISREG(old->st_mode);
            break;
        }
        if (in_proc(p, fdno)) {
            *direct = 1;
            break;
        }
        char link[4096];
        ssize_t n = hops < MAX_LINKS ? readlink(p, link, sizeof link - 1) : -1;
        if (n < 0 || (size_t)n >= sizeof link - 1) {
            int e = hops >= MAX_LINKS ? ELOOP : n < 0 ? errno : ENAMETOOLONG;
            free(p);
            return lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path, strerror(e));
        }
        link[n] = '\0';
        char *next = join_link(p, link);
        free(p);
        if (!next) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
        p = next;
    }
    *target = p;
    return LRP_OK;
}

/* fsync the directory holding path, so that the rename survives a crash. Best
 * effort: some file systems refuse to sync directories. */
static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir) snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else return;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    (void)fsync(fd);
    close(fd);
}

/* An unnamed file in the directory of `target` (O_TMPFILE, Linux): nothing is left
 * behind whatever happens to the process before it is linked in. -1 when the system or
 * the file system has none (errno EOPNOTSUPP, EISDIR, EINVAL), or /proc, through which
 * it is linked, is missing; any other failure is the directory's (errno). */
static int open_unnamed(const char *target)
{
#if defined(O_TMPFILE) && defined(AT_SYMLINK_FOLLOW)
    if (access("/proc/self/fd", X_OK) != 0) {
        errno = EOPNOTSUPP;
        return -1;
    }
    const char *slash = strrchr(target, '/');
    char *dir = slash ? strndup(target, slash == target ? 1 : (size_t)(slash - target)) : strdup(".");
    if (!dir) {
        errno = ENOMEM;
        return -1;
    }
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    int e = errno;
    free(dir);
    errno = e;
    return fd;
#else
    (void)target;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

static int unnamed_unsupported(int e) { return e == EOPNOTSUPP || e == EISDIR || e == EINVAL; }

/* A free name "target.tmp.<pid>.<k>" into p->tmp for the temporary file: created
 * (O_EXCL) when create, else only made (linkat creates it). A counter in case another
 * thread of this process writes the same path. */
static int temp_name(lrp_pending *p, size_t len, int k)
{
    return snprintf(p->tmp, len, "%s.tmp.%ld.%d", p->target, (long)getpid(), k) > 0;
}

/* Resolve path into p and open what is written: the file itself when it is written
 * where it is (check_only: only whether it may be written), else a temporary file in
 * its directory with the mode and owner of the file it replaces. */
static lrp_status open_target(lrp_pending *p, const char *path, int check_only, lrp_error *err)
{
    memset(p, 0, sizeof *p);
    p->fd = -1;
    struct stat old;
    int fdno;
    lrp_status st = resolve_target(path, &p->target, &p->direct, &fdno, &old, err);
    if (st != LRP_OK) return st;
    p->path = strdup(path);
    size_t len = strlen(p->target) + 64;
    p->tmp = malloc(len);
    if (!p->path || !p->tmp) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    p->tmp[0] = '\0';
    if (p->direct) {
        /* a device, a FIFO, /dev/stdout: written where it is, never renamed over; a
         * file descriptor of ours named through /proc is written as it is open (a
         * shell's `> file` or `>> file` keeps its offset). Opening a FIFO waits for its
         * reader: a check does not open it. */
        if (check_only) {
            if (fdno < 0 && access(path, W_OK) != 0)
                return lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
            return LRP_OK;
        }
        p->fd = fdno >= 0 ? fcntl(fdno, F_DUPFD_CLOEXEC, 0) : open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
        if (p->fd < 0) return lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        return LRP_OK;
    }
    p->fd = open_unnamed(p->target);
    if (p->fd < 0 && !unnamed_unsupported(errno))
        return lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    for (int k = 0; p->fd < 0 && k < 100; k++) {
        temp_name(p, len, k);
        p->fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (p->fd >= 0) break;
        p->tmp[0] = '\0';
        if (errno != EEXIST)
            return lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s (creating a temporary file beside it)", path,
                            strerror(errno));
    }
    if (p->fd < 0) return lrp_fail(err, LRP_ERR_IO, "cannot write %s: no free temporary name", path);
    /* the replaced file's owner (when allowed) and mode; a new file's mode is 0666
     * less the umask */
    if (old.st_nlink > 0) {
        (void)fchown(p->fd, old.st_uid, old.st_gid); /* before fchmod: it may clear set-id bits */
        (void)fchmod(p->fd, old.st_mode & 07777);
    }
    return LRP_OK;
}

lrp_status lrp_write_check(const char *path, lrp_error *err)
{
    lrp_pending p;
    lrp_status st = open_target(&p, path, 1, err);
    lrp_write_discard(&p);
    return st;
}

lrp_status lrp_write_prepare(lrp_pending *p, const char *path, lrp_write_fn fill, void *ctx,
                             lrp_error *err)
{
    lrp_status st = open_target(p, path, 0, err);
    if (st != LRP_OK) {
        lrp_write_discard(p);
        return st;
    }

    int fd2 = dup(p->fd);
    FILE *f = fd2 >= 0 ? fdopen(fd2, "wb") : NULL;
    if (!f) {
        st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        if (fd2 >= 0) close(fd2);
        lrp_write_discard(p);
        return st;
    }
    errno = 0;
    lrp_error inner;
    st = fill(f, ctx, &inner);
    if (st == LRP_ERR_IO) st = lrp_fail(err, st, "cannot write %s: %s", path, inner.message);
    else if (st != LRP_OK) st = lrp_fail(err, st, "%s", inner.message);
    if (st == LRP_OK && (fflush(f) != 0 || ferror(f)))
        st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
    if (fclose(f) != 0 && st == LRP_OK)
        st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    /* a pipe or a terminal has nothing to sync */
    if (st == LRP_OK && fsync(p->fd) != 0 && !(p->direct && (errno == EINVAL || errno == EROFS)))
        st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    if (st != LRP_OK) lrp_write_discard(p);
    return st;
}

/* Give the unnamed file p->fd the name p->tmp (a free one). */
static int link_unnamed(lrp_pending *p, size_t len)
{
#if defined(O_TMPFILE) && defined(AT_SYMLINK_FOLLOW)
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", p->fd);
    for (int k = 0; k < 100; k++) {
        temp_name(p, len, k);
        if (linkat(AT_FDCWD, self, AT_FDCWD, p->tmp, AT_SYMLINK_FOLLOW) == 0) return 1;
        if (errno != EEXIST) break;
    }
    int e = errno;
    p->tmp[0] = '\0';
    errno = e;
    return 0;
#else
    (void)p;
    (void)len;
    errno = EOPNOTSUPP;
    return 0;
#endif
}

lrp_status lrp_write_commit(lrp_pending *p, lrp_error *err)
{
    lrp_status st = LRP_OK;
    if (p->direct) {
        if (close(p->fd) != 0) st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", p->path, strerror(errno));
        p->fd = -1;
    } else {
        size_t len = strlen(p->target) + 64;
        if (!p->tmp[0] && !link_unnamed(p, len))
            st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s (linking the temporary file)", p->path,
                          strerror(errno));
        if (st == LRP_OK && rename(p->tmp, p->target) != 0)
            st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s (renaming %s)", p->path, strerror(errno),
                          p->tmp);
        if (st == LRP_OK) {
            p->tmp[0] = '\0'; /* it is the file now */
            sync_parent(p->target);
        }
    }
    lrp_write_discard(p);
    return st;
}

void lrp_write_discard(lrp_pending *p)
{
    if (!p) return;
    if (p->fd >= 0) close(p->fd);
    if (p->tmp && p->tmp[0]) unlink(p->tmp);
    free(p->path);
    free(p->target);
    free(p->tmp);
    memset(p, 0, sizeof *p);
    p->fd = -1;
}

lrp_status lrp_write_atomic(const char *path, lrp_write_fn fill, void *ctx, lrp_error *err)
{
    lrp_pending p;
    lrp_status st = lrp_write_prepare(&p, path, fill, ctx, err);
    if (st != LRP_OK) return st;
    return lrp_write_commit(&p, err);
}
