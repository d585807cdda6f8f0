/*
 * replay.c - run a fuzz harness's LLVMFuzzerTestOneInput over every file of the
 * given directories (or the given files), in name order, without libFuzzer: the
 * regression test that keeps each input a fuzzer found (ctest fuzz_replay_<name>).
 * Fails when an argument names nothing readable or a directory holds no input, so
 * that a misplaced corpus cannot pass silently; a harness reports a bad input by
 * aborting.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Run one file; 0 when it cannot be read. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            uint8_t *bigger = realloc(buf, 2 * cap);
            if (!bigger) free(buf);
            buf = bigger;
            cap *= 2;
        }
    }
    int ok = buf && !ferror(f);
    fclose(f);
    if (ok) {
        /* an exact-size copy, so that a sanitizer sees any read past the end */
        uint8_t *exact = malloc(n ? n : 1);
        memcpy(exact, buf, n);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
    }
    free(buf);
    return ok;
}

static int not_hidden(const struct dirent *e) { return e->d_name[0] != '.'; }

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 2;
    }
    size_t runs = 0;
    for (int a = 1; a < argc; a++) {
        struct stat sb;
        if (stat(argv[a], &sb) != 0) {
            fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[a]);
            return 1;
        }
        if (!S_ISDIR(sb.st_mode)) {
            if (!run_file(argv[a])) {
                fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[a]);
                return 1;
            }
            runs++;
            continue;
        }
        struct dirent **names;
        int n = scandir(argv[a], &names, not_hidden, alphasort);
        if (n <= 0) {
            fprintf(stderr, "%s: no inputs in %s\n", argv[0], argv[a]);
            return 1;
        }
        for (int i = 0; i < n; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[a], names[i]->d_name);
            if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
                if (!run_file(path)) {
                    fprintf(stderr, "%s: cannot read %s\n", argv[0], path);
                    return 1;
                }
                runs++;
            }
            free(names[i]);
        }
        free(names);
    }
    printf("%zu inputs replayed without a failure\n", runs);
    return 0;
}
