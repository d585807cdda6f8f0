/*
 * test_fileio.c - what lrp_write_atomic replaces, and how: a regular file through a
 * temporary file renamed over it (mode and owner kept, nothing left behind on
 * failure, no named temporary file while it is filled), the final target of a
 * symbolic link (the link stays), a FIFO, a character device and /proc's names of
 * open files (/dev/stdout) written where they are; hard links split as documented;
 * two files prepared and committed or discarded together.
 */
#define _GNU_SOURCE /* O_TMPFILE, makedev */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/fileio.h"
#include "testutil.h"

static char dir[600];

/* dir/name into buf */
static const char *at(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
    return buf;
}

typedef struct job {
    const char *text;
    int fail;          /* return an error after writing */
    int named_seen;    /* entries of dir whose name holds ".tmp." while filling */
} job;

static int count_temp_names(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) n += strstr(e->d_name, ".tmp.") != NULL;
    if (d) closedir(d);
    return n;
}

static lrp_status fill(FILE *f, void *ctx, lrp_error *err)
{
    job *j = ctx;
    fputs(j->text, f);
    fflush(f);
    j->named_seen = count_temp_names();
    if (j->fail) {
        snprintf(err->message, sizeof err->message, "asked to fail");
        err->status = LRP_ERR_INPUT;
        return LRP_ERR_INPUT;
    }
    return LRP_OK;
}

static lrp_status write_text(const char *path, const char *text)
{
    job j = {text, 0, 0};
    lrp_error err;
    lrp_status st = lrp_write_atomic(path, fill, &j, &err);
    if (st != LRP_OK) fprintf(stderr, "    (%s)\n", err.message);
    return st;
}

static int has_text(const char *path, const char *text)
{
    char *got = tu_read_file(path, NULL);
    int ok = got && strcmp(got, text) == 0;
    free(got);
    return ok;
}

static void put_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    chmod(path, mode);
}

static int unnamed_supported(void)
{
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_WRONLY, 0600);
    if (fd >= 0) close(fd);
    return fd >= 0 && access("/proc/self/fd", X_OK) == 0;
#else
    return 0;
#endif
}

static void test_regular(void)
{
    char p[700];
    at(p, sizeof p, "new.txt");
    mode_t mask = umask(022);
    TU_CHECK(write_text(p, "one\n") == LRP_OK && has_text(p, "one\n"), "a new file");
    struct stat sb;
    TU_CHECK(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0644, "a new file: mode %o, expected 644 (umask 022)",
             (unsigned)(sb.st_mode & 0777));
    umask(mask);

    /* chmod 600 stays 600 */
    at(p, sizeof p, "private.safetensors");
    put_file(p, "old", 0600);
    TU_CHECK(write_text(p, "new") == LRP_OK && has_text(p, "new"), "replacing a file");
    TU_CHECK(stat(p, &sb) == 0 && (sb.st_mode & 07777) == 0600, "a chmod 600 file comes back %o",
             (unsigned)(sb.st_mode & 07777));
    put_file(p, "old", 0750);
    TU_CHECK(write_text(p, "new") == LRP_OK && stat(p, &sb) == 0 && (sb.st_mode & 07777) == 0750,
             "a chmod 750 file comes back %o", (unsigned)(sb.st_mode & 07777));

    /* a failing fill leaves the file as it was, and no temporary file */
    job j = {"partial", 1, 0};
    lrp_error err;
    TU_CHECK(lrp_write_atomic(p, fill, &j, &err) == LRP_ERR_INPUT, "a failing fill fails");
    TU_CHECK(has_text(p, "new"), "a failed write changed the file");
    TU_CHECK(count_temp_names() == 0, "a failed write left a temporary file");

    /* while the file is filled, no named temporary file exists: a process killed then
     * (a second Ctrl-C) leaves nothing behind */
    if (unnamed_supported()) {
        j = (job){"filled", 0, -1};
        TU_CHECK(lrp_write_atomic(p, fill, &j, &err) == LRP_OK, "write: %s", err.message);
        TU_CHECK(j.named_seen == 0, "%d named temporary file(s) while filling", j.named_seen);
    } else {
        printf("no O_TMPFILE in %s: the unnamed temporary file is not checked\n", dir);
    }
    TU_CHECK(count_temp_names() == 0, "a temporary file is left");

    /* a directory is refused, naming it */
    at(p, sizeof p, "sub");
    mkdir(p, 0755);
    j = (job){"x", 0, 0};
    TU_CHECK(lrp_write_atomic(p, fill, &j, &err) == LRP_ERR_IO && strstr(err.message, "is a directory"),
             "a directory: %s", err.message);
}

static void test_symlinks(void)
{
    char target[700], link[700], link2[700], p[700];
    at(target, sizeof target, "v3.safetensors");
    at(link, sizeof link, "current.safetensors");
    put_file(target, "v3", 0640);
    TU_CHECK(symlink("v3.safetensors", link) == 0, "symlink: %s", strerror(errno));
    TU_CHECK(write_text(link, "v4") == LRP_OK, "writing through a symlink");
    struct stat sb;
    TU_CHECK(lstat(link, &sb) == 0 && S_ISLNK(sb.st_mode), "the symlink is no longer a link");
    TU_CHECK(has_text(target, "v4"), "the symlink's target was not replaced");
    TU_CHECK(stat(target, &sb) == 0 && (sb.st_mode & 0777) == 0640, "the target's mode %o, expected 640",
             (unsigned)(sb.st_mode & 0777));

    /* a chain of links, one relative to a subdirectory, and an absolute one */
    at(p, sizeof p, "d");
    mkdir(p, 0755);
    at(link2, sizeof link2, "d/link");
    TU_CHECK(symlink("../current.safetensors", link2) == 0, "symlink: %s", strerror(errno));
    at(p, sizeof p, "abs");
    TU_CHECK(symlink(link2, p) == 0, "symlink: %s", strerror(errno));
    TU_CHECK(write_text(p, "v5") == LRP_OK && has_text(target, "v5"), "a chain of links");
    TU_CHECK(lstat(link2, &sb) == 0 && S_ISLNK(sb.st_mode) && lstat(link, &sb) == 0 && S_ISLNK(sb.st_mode),
             "a link of the chain was replaced");

    /* a dangling link: its target is created */
    at(link, sizeof link, "dangling");
    TU_CHECK(symlink("created.txt", link) == 0, "symlink: %s", strerror(errno));
    TU_CHECK(write_text(link, "made") == LRP_OK && has_text(at(p, sizeof p, "created.txt"), "made"),
             "a dangling link's target");
    TU_CHECK(lstat(link, &sb) == 0 && S_ISLNK(sb.st_mode), "the dangling link was replaced");

    /* a loop of links fails with a message */
    at(link, sizeof link, "loop1");
    at(link2, sizeof link2, "loop2");
    TU_CHECK(symlink("loop2", link) == 0 && symlink("loop1", link2) == 0, "symlink: %s", strerror(errno));
    job j = {"x", 0, 0};
    lrp_error err;
    TU_CHECK(lrp_write_atomic(link, fill, &j, &err) == LRP_ERR_IO && strstr(err.message, "loop1"),
             "a loop of links: %s", err.message);
}

static void test_hard_links(void)
{
    /* documented: the name written gets the new content, the other names keep the old */
    char a[700], b[700];
    at(a, sizeof a, "hard-a");
    at(b, sizeof b, "hard-b");
    put_file(a, "old", 0644);
    TU_CHECK(link(a, b) == 0, "link: %s", strerror(errno));
    TU_CHECK(write_text(a, "new") == LRP_OK && has_text(a, "new") && has_text(b, "old"),
             "a hard-linked file: the name written is replaced, the other keeps the old content");
}

static void test_fifo(void)
{
    char fifo[700], out[700];
    at(fifo, sizeof fifo, "pipe");
    at(out, sizeof out, "pipe.out");
    TU_CHECK(mkfifo(fifo, 0644) == 0, "mkfifo: %s", strerror(errno));
    pid_t child = fork();
    if (child == 0) { /* the reader: copy the FIFO into a file */
        alarm(20); /* never wait for ever */
        FILE *in = fopen(fifo, "rb"), *to = fopen(out, "wb");
        int c;
        while (in && to && (c = fgetc(in)) != EOF) fputc(c, to);
        _exit(in && to && fclose(to) == 0 ? 0 : 1);
    }
    TU_CHECK(write_text(fifo, "through a FIFO\n") == LRP_OK, "writing a FIFO");
    struct stat sb;
    int is_fifo = lstat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode);
    if (!is_fifo) kill(child, SIGKILL); /* replaced: the reader would wait for ever */
    int status = 1;
    waitpid(child, &status, 0);
    TU_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the FIFO's reader failed");
    TU_CHECK(has_text(out, "through a FIFO\n"), "the FIFO's reader got something else");
    TU_CHECK(is_fifo, "the FIFO was replaced by a %s", S_ISREG(sb.st_mode) ? "regular file" : "something else");
    TU_CHECK(count_temp_names() == 0, "a temporary file is left");
}

static void test_device(void)
{
    char dev[700];
    at(dev, sizeof dev, "null");
    if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) != 0) {
        printf("mknod: %s: the character device (a copy of /dev/null) is not tested (needs root)\n",
               strerror(errno));
        return;
    }
    TU_CHECK(write_text(dev, "into the void") == LRP_OK, "writing a character device");
    struct stat sb;
    TU_CHECK(lstat(dev, &sb) == 0 && S_ISCHR(sb.st_mode) && major(sb.st_rdev) == 1 && minor(sb.st_rdev) == 3,
             "the character device was replaced");
    TU_CHECK(count_temp_names() == 0, "a temporary file is left");
}

/* /dev/stdout and /dev/fd/N: the open file, at its offset */
static void test_proc_names(void)
{
    int fds[2];
    TU_CHECK(pipe(fds) == 0, "pipe: %s", strerror(errno));
    char name[64];
    snprintf(name, sizeof name, "/dev/fd/%d", fds[1]);
    TU_CHECK(write_text(name, "via /dev/fd") == LRP_OK, "writing %s", name);
    snprintf(name, sizeof name, "/proc/self/fd/%d", fds[1]);
    TU_CHECK(write_text(name, ", via /proc") == LRP_OK, "writing %s", name);
    close(fds[1]);
    char buf[64] = "";
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    TU_CHECK(strcmp(buf, "via /dev/fd, via /proc") == 0, "the pipe read '%s'", buf);

    /* a regular file open for appending keeps what it holds, and its offset */
    char p[700];
    at(p, sizeof p, "appended");
    put_file(p, "first ", 0644);
    int fd = open(p, O_WRONLY | O_APPEND);
    snprintf(name, sizeof name, "/dev/fd/%d", fd);
    TU_CHECK(write_text(name, "second") == LRP_OK, "writing %s", name);
    close(fd);
    TU_CHECK(has_text(p, "first second"), "a file open for appending was truncated or replaced");

    /* standard output itself, when it is a pipe; only when /dev/fd/N was written where
     * it is: a write that renamed over names in /dev would replace the system's
     * /dev/stdout (as root) */
    if (tu_failures) {
        printf("/dev/stdout is not tried: writing /dev/fd/N failed\n");
        return;
    }
    fflush(stdout);
    int saved = dup(1);
    TU_CHECK(pipe(fds) == 0 && dup2(fds[1], 1) == 1, "pipe: %s", strerror(errno));
    lrp_status st = write_text("/dev/stdout", "to standard output");
    dup2(saved, 1);
    close(saved);
    close(fds[1]);
    n = read(fds[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    TU_CHECK(st == LRP_OK && strcmp(buf, "to standard output") == 0, "/dev/stdout read '%s'", buf);
}

static void test_prepare_commit(void)
{
    char a[700], b[700];
    at(a, sizeof a, "report-a");
    at(b, sizeof b, "report-b");
    put_file(a, "old a", 0644);
    put_file(b, "old b", 0644);
    job ja = {"new a", 0, 0}, jb = {"new b", 0, 0};
    lrp_pending pa, pb;
    lrp_error err;
    TU_CHECK(lrp_write_prepare(&pa, a, fill, &ja, &err) == LRP_OK, "prepare: %s", err.message);
    TU_CHECK(lrp_write_prepare(&pb, b, fill, &jb, &err) == LRP_OK, "prepare: %s", err.message);
    TU_CHECK(has_text(a, "old a") && has_text(b, "old b"), "prepared files are in place before the commit");
    lrp_write_discard(&pa);
    lrp_write_discard(&pb);
    TU_CHECK(has_text(a, "old a") && has_text(b, "old b") && count_temp_names() == 0,
             "discarded files changed something");
    TU_CHECK(lrp_write_prepare(&pa, a, fill, &ja, &err) == LRP_OK, "prepare: %s", err.message);
    TU_CHECK(lrp_write_prepare(&pb, b, fill, &jb, &err) == LRP_OK, "prepare: %s", err.message);
    TU_CHECK(lrp_write_commit(&pa, &err) == LRP_OK && lrp_write_commit(&pb, &err) == LRP_OK, "commit: %s",
             err.message);
    TU_CHECK(has_text(a, "new a") && has_text(b, "new b") && count_temp_names() == 0, "committed files");
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    snprintf(dir, sizeof dir, "%s/fileio", tu_tmpdir());
    if (mkdir(dir, 0755) != 0) {
        perror(dir);
        return 1;
    }
    test_regular();
    test_symlinks();
    test_hard_links();
    test_fifo();
    test_device();
    test_proc_names();
    test_prepare_commit();
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tu_tmpdir());
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tu_tmpdir());
    return tu_finish();
}
