/*
 * fuzz_names.c - libFuzzer harness for a model's names: the vocabulary and the labels,
 * from side files (--vocab FILE, --labels FILE: lrp_load_options) or from the
 * metadata strings of the model file.
 *
 * Input: one byte of mode, then the vocabulary text, a 0xFF byte (never part of UTF-8
 * text), the labels text. Mode bit 0: 0 = the two texts are side files (given by
 * /proc/self/fd paths of memory files), 1 = they are the file's "vocab" and "labels"
 * metadata strings (JSON-escaped by cJSON). The model's sizes follow the texts' line
 * counts, so that loading reaches the checks of the names themselves. Every input must
 * give a model or a clean error (status, message, no model); a model that loads must
 * keep the rules: V words and C labels, none empty, duplicated or holding a control
 * character other than a tab (so nothing that reaches a terminal can act on it), and
 * a round trip through model_write gives the same names.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "lrp.h"
#include "core/model.h"
#include "io/model_io.h"
#include "text/text.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_names: check failed: %s (line %d)\n", #cond, __LINE__);         \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

enum { MAX_WORDS = 4096, MAX_LABELS = 64 };

/* Lines as the loader counts them: a final line break (LF or CRLF) does not start one. */
static size_t count_lines(const char *s, size_t n)
{
    if (n && s[n - 1] == '\n') n--;
    if (n && s[n - 1] == '\r') n--;
    size_t k = 1;
    for (size_t i = 0; i < n; i++) k += s[i] == '\n';
    return k;
}

/* The bytes of a model with V words and C classes (zero weights), its names
 * placeholders; NULL when the sizes are out of reach. */
static char *model_bytes(size_t V, size_t C, size_t *n)
{
    model_shape s = {.V = V, .E = 2, .H = 1, .C = C, .L = 1, .D = 1, .has_bias = 0};
    lrp_model *m;
    lrp_error err;
    if (model_create(&m, &s, &err) != LRP_OK) return NULL;
    const char **words = malloc(V * sizeof *words), **labels = malloc(C * sizeof *labels);
    char (*wb)[16] = malloc(V * sizeof *wb), (*lb)[16] = malloc(C * sizeof *lb);
    CHECK(words && labels && wb && lb);
    for (size_t i = 0; i < V; i++) snprintf(wb[i], sizeof wb[i], "w%zu", i), words[i] = wb[i];
    for (size_t i = 0; i < C; i++) snprintf(lb[i], sizeof lb[i], "c%zu", i), labels[i] = lb[i];
    CHECK(model_set_vocab(m, words, V, &err) == LRP_OK && model_set_labels(m, labels, C, &err) == LRP_OK);
    m->lowercase = 0;
    CHECK(model_prepare(m, &err) == LRP_OK);
    char *buf = NULL;
    FILE *f = open_memstream(&buf, n);
    CHECK(f && model_write(m, f, LRP_F32, "ifgo", &err) == LRP_OK && fclose(f) == 0);
    free(words), free(labels), free(wb), free(lb);
    lrp_model_free(m);
    return buf;
}

/* The same file with its metadata "vocab" and "labels" set to the given texts. */
static char *with_names(const char *file, size_t n, const char *vocab, const char *labels, size_t *out_n)
{
    size_t hl = 0;
    for (int k = 7; k >= 0; k--) hl = (hl << 8) | (unsigned char)file[k];
    cJSON *h = cJSON_ParseWithLength(file + 8, hl);
    CHECK(h != NULL);
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(h, "__metadata__");
    CHECK(meta != NULL);
    cJSON_ReplaceItemInObjectCaseSensitive(meta, "vocab", cJSON_CreateString(vocab));
    cJSON_ReplaceItemInObjectCaseSensitive(meta, "labels", cJSON_CreateString(labels));
    char *json = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    CHECK(json != NULL);
    size_t jl = strlen(json), dn = n - 8 - hl, padded = (jl + 7) / 8 * 8;
    *out_n = 8 + padded + dn;
    char *out = malloc(*out_n);
    CHECK(out != NULL);
    for (int k = 0; k < 8; k++) out[k] = (char)(unsigned char)((uint64_t)padded >> (8 * k));
    memcpy(out + 8, json, jl);
    memset(out + 8 + jl, ' ', padded - jl);
    memcpy(out + 8 + padded, file + 8 + hl, dn);
    free(json);
    return out;
}

/* A memory file holding the text; its /proc path into path. -1 on failure. */
static int memory_file(const char *text, size_t n, char *path, size_t len)
{
    int fd = memfd_create("fuzz_names", MFD_CLOEXEC);
    if (fd < 0) return -1;
    if (write(fd, text, n) != (ssize_t)n) {
        close(fd);
        return -1;
    }
    snprintf(path, len, "/proc/self/fd/%d", fd);
    return fd;
}

/* The loaded model keeps the rules for its names. */
static void check_names(const lrp_model *m, size_t V, size_t C)
{
    lrp_model_info info;
    lrp_model_get_info(m, &info);
    CHECK(info.vocab_size == V && info.classes == C);
    for (size_t i = 0; i < V + C; i++) {
        const char *s = i < V ? lrp_model_word(m, i) : lrp_model_label(m, i - V);
        CHECK(s && s[0]);
        CHECK(text_control(s, TEXT_ALLOW_TAB) == NULL);
        CHECK(!strchr(s, '\n') && !strchr(s, '\r'));
        if (i < V) CHECK(lrp_model_lookup(m, s) == (long)i);
    }
    for (size_t i = 0; i < C; i++)
        for (size_t j = 0; j < i; j++) CHECK(strcmp(lrp_model_label(m, i), lrp_model_label(m, j)) != 0);
    /* written and read back: the same names */
    char *buf = NULL;
    size_t n = 0;
    lrp_error err;
    FILE *f = open_memstream(&buf, &n);
    CHECK(f && model_write(m, f, LRP_F32, "ifgo", &err) == LRP_OK && fclose(f) == 0);
    lrp_model *back = NULL;
    CHECK(lrp_model_load_memory(&back, buf, n, &err) == LRP_OK);
    for (size_t i = 0; i < V; i++) CHECK(strcmp(lrp_model_word(m, i), lrp_model_word(back, i)) == 0);
    for (size_t i = 0; i < C; i++) CHECK(strcmp(lrp_model_label(m, i), lrp_model_label(back, i)) == 0);
    lrp_model_free(back);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const int metadata = data[0] & 1;
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    const char *sep = memchr(text, 0xFF, n);
    size_t vn = sep ? (size_t)(sep - text) : n;
    const char *ltext = sep ? sep + 1 : "c0\nc1";
    size_t ln = sep ? n - vn - 1 : 5;
    size_t V = count_lines(text, vn), C = count_lines(ltext, ln);
    if (V > MAX_WORDS || C > MAX_LABELS) return 0;

    size_t fn;
    char *file = model_bytes(V, C, &fn);
    CHECK(file != NULL);
    lrp_model *m = NULL;
    lrp_error err;
    lrp_status st;
    if (metadata) {
        /* C strings: the texts end at a NUL (JSON cannot hold one unescaped) */
        char *v = strndup(text, vn), *l = strndup(ltext, ln);
        CHECK(v && l);
        size_t bn;
        char *bytes = with_names(file, fn, v, l, &bn);
        st = lrp_model_load_memory(&m, bytes, bn, &err);
        free(bytes);
        free(v);
        free(l);
    } else {
        char vpath[64], lpath[64];
        int vfd = memory_file(text, vn, vpath, sizeof vpath), lfd = memory_file(ltext, ln, lpath, sizeof lpath);
        if (vfd < 0 || lfd < 0) {
            if (vfd >= 0) close(vfd);
            if (lfd >= 0) close(lfd);
            free(file);
            return 0; /* no memory files here: nothing to test */
        }
        lrp_load_options o;
        lrp_load_options_init(&o);
        o.vocab_path = vpath;
        o.labels_path = lpath;
        o.unk = "";
        st = lrp_model_load_memory_ex(&m, file, fn, &o, &err);
        close(vfd);
        close(lfd);
    }
    free(file);
    if (st != LRP_OK) {
        CHECK(m == NULL);
        CHECK(err.status == st && err.message[0] != '\0');
        CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
        return 0;
    }
    check_names(m, V, C);
    lrp_model_free(m);
    return 0;
}
