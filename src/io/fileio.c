/*
 * fileio.c - whole-file reading and atomic writing (fileio.h).
 */
#define _DEFAULT_SOURCE /* mmap's MAP_POPULATE (Linux) */
#include "io/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef MAP_POPULATE
#define LRP_MAP_POPULATE MAP_POPULATE
#else
#define LRP_MAP_POPULATE 0
#endif

#include "core/common.h"

// ----------------------------------------------------------------------------
// reading

lrp_status lrp_read_file(const char *path, unsigned char **data, size_t *size, lrp_error *err)
{
    *data = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return lrp_fail(err, LRP_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return lrp_fail(err, LRP_ERR_IO, "%s: %s", path, strerror(e));
    }
    if (S_ISDIR(sb.st_mode)) {
        close(fd);
        return lrp_fail(err, LRP_ERR_IO, "%s: is a directory, not a file", path);
    }
    /* read until end of file: the size from fstat is only a first guess (pipes,
     * files that change while we read) */
    size_t cap = S_ISREG(sb.st_mode) && sb.st_size > 0 ? (size_t)sb.st_size + 1 : 1 << 16;
    size_t n = 0;
    unsigned char *buf = malloc(cap + 1);
    lrp_status st = LRP_OK;
    for (;;) {
        if (!buf) {
            st = lrp_fail(err, LRP_ERR_NOMEM, "%s: out of memory reading %zu bytes", path, cap);
            break;
        }
        if (n == cap) {
            unsigned char *bigger = cap <= (SIZE_MAX - 1) / 2 ? realloc(buf, 2 * cap + 1) : NULL;
            if (!bigger) free(buf);
            buf = bigger;
            cap *= 2;
            continue;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            st = lrp_fail(err, LRP_ERR_IO, "%s: %s", path, strerror(errno));
            break;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    close(fd);
    if (st != LRP_OK) {
        free(buf);
        return st;
    }
    buf[n] = '\0';
    *data = buf;
    *size = n;
    return LRP_OK;
}

lrp_status lrp_file_view_open(lrp_file_view *v, const char *path, lrp_error *err)
{
    memset(v, 0, sizeof *v);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return lrp_fail(err, LRP_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat sb;
    int regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
                  (unsigned long long)sb.st_size <= SIZE_MAX;
    if (regular) {
        /* a model's megabytes straight from the page cache, faulted in at once */
        void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE | LRP_MAP_POPULATE, fd, 0);
        if (p != MAP_FAILED) {
            close(fd);
            v->data = p;
            v->size = (size_t)sb.st_size;
            v->mapped_ = 1;
            return LRP_OK;
        }
    }
    close(fd);
    /* pipes, empty or special files, or a refused mapping: read them */
    unsigned char *data;
    lrp_status st = lrp_read_file(path, &data, &v->size, err);
    if (st != LRP_OK) return st;
    v->data = data;
    return LRP_OK;
}

void lrp_file_view_close(lrp_file_view *v)
{
    if (!v) return;
    if (v->mapped_) munmap((void *)v->data, v->size);
    else free((void *)v->data);
    memset(v, 0, sizeof *v);
}

// ----------------------------------------------------------------------------
// atomic writing

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

lrp_status lrp_write_atomic(const char *path, lrp_write_fn fill, void *ctx, lrp_error *err)
{
    /* a name of our own in the same directory (rename is only atomic within one
     * file system); O_EXCL, and a counter in case another thread of this process
     * writes the same path */
    size_t len = strlen(path) + 64;
    char *tmp = malloc(len);
    if (!tmp) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    int fd = -1;
    for (int k = 0; k < 100 && fd < 0; k++) {
        snprintf(tmp, len, "%s.tmp.%ld.%d", path, (long)getpid(), k);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        lrp_status st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s (creating %s)", path,
                                 strerror(errno), tmp);
        free(tmp);
        return st;
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        lrp_status st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return st;
    }
    errno = 0;
    lrp_error inner;
    lrp_status st = fill(f, ctx, &inner);
    if (st == LRP_ERR_IO) st = lrp_fail(err, st, "cannot write %s: %s", path, inner.message);
    else if (st != LRP_OK) st = lrp_fail(err, st, "%s", inner.message);
    if (st == LRP_OK && (fflush(f) != 0 || ferror(f) || fsync(fd) != 0))
        st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path,
                      strerror(errno ? errno : EIO));
    if (fclose(f) != 0 && st == LRP_OK)
        st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    if (st == LRP_OK && rename(tmp, path) != 0)
        st = lrp_fail(err, LRP_ERR_IO, "cannot write %s: %s (renaming %s)", path, strerror(errno),
                      tmp);
    if (st != LRP_OK) unlink(tmp);
    else sync_parent(path);
    free(tmp);
    return st;
}
