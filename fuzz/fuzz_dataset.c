/*
 * fuzz_dataset.c - libFuzzer harness for ds_parse_line, in both formats.
 *
 * Input: one byte of options, then the line.
 *   options bits 0-1: format (0 auto, 1 ptb, 2 tsv, 3 auto), bit 2: lowercase,
 *   bit 3: pretokenized, bit 4: n_labels = 0 (no bound) instead of 5,
 *   bit 5: label names given.
 * A line is either parsed or refused with LRP_ERR_INPUT and a "column N:"
 * message (or "empty line"). A parsed sentence must be well formed: at least one
 * word, none empty, labels in range; a tree's spans in pre-order, the root
 * covering every word, each node inside its parent and right after its previous
 * sibling, the leaves being the words in order with their labels. Written back
 * (a tree as a tree, a tsv line as LABEL<TAB>words, pretokenized) and parsed
 * again, it gives the same sentence.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dataset.h"

#define REQUIRE(cond, ...)                                                                         \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_dataset: " __VA_ARGS__);                                         \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static const char *const LABELS[5] = {"very negative", "negative", "neutral", "positive",
                                      "very positive"};

/* growing output buffer */
typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t m)
{
    if (b->n + m + 1 > b->cap) {
        b->cap = 2 * (b->n + m + 1);
        b->p = realloc(b->p, b->cap);
        if (!b->p) abort();
    }
    memcpy(b->p + b->n, s, m);
    b->n += m;
    b->p[b->n] = '\0';
}

static void put_label(buf *b, int label)
{
    char s[24];
    put(b, s, (size_t)snprintf(s, sizeof s, "%d", label));
}

/* Check the spans of a parsed tree; write the tree back into out. */
static void check_tree(const ds_sentence *s, size_t n_labels, buf *out)
{
    size_t T = s->length, S = s->n_spans;
    REQUIRE(S >= T && s->spans && s->word_labels, "tree: %zu spans for %zu words", S, T);
    REQUIRE(s->spans[0].begin == 0 && s->spans[0].end == T, "root [%u, %u) for %zu words",
            s->spans[0].begin, s->spans[0].end, T);
    size_t *open = malloc(S * sizeof *open), *next = malloc(S * sizeof *next), depth = 0, words = 0;
    if (!open || !next) abort();
    for (size_t k = 0; k < S; k++) {
        const ds_span *sp = &s->spans[k];
        REQUIRE(sp->begin < sp->end && sp->end <= T, "span %zu [%u, %u)", k, sp->begin, sp->end);
        REQUIRE(sp->label >= 0 && (!n_labels || (size_t)sp->label < n_labels), "span %zu label %d", k,
                sp->label);
        if (depth) {
            const ds_span *parent = &s->spans[open[depth - 1]];
            REQUIRE(sp->begin == next[depth - 1] && sp->end <= parent->end,
                    "span %zu [%u, %u) in parent [%u, %u) expected to begin at %zu", k, sp->begin, sp->end,
                    parent->begin, parent->end, next[depth - 1]);
            next[depth - 1] = sp->end;
        } else {
            REQUIRE(k == 0, "span %zu outside the root", k);
        }
        put(out, "(", 1);
        put_label(out, sp->label);
        put(out, " ", 1);
        /* a leaf: the next span in pre-order is not inside this one */
        if (k + 1 == S || s->spans[k + 1].begin >= sp->end) {
            REQUIRE(sp->end - sp->begin == 1 && sp->begin == words, "leaf %zu [%u, %u), %zu words before",
                    k, sp->begin, sp->end, words);
            REQUIRE(s->word_labels[words] == sp->label, "word %zu label %d, leaf label %d", words,
                    s->word_labels[words], sp->label);
            put(out, s->words[words], strlen(s->words[words]));
            put(out, ")", 1);
            words++;
            while (depth && s->spans[open[depth - 1]].end == words) {
                put(out, ")", 1);
                depth--;
            }
        } else {
            open[depth] = k;
            next[depth++] = sp->begin;
        }
    }
    REQUIRE(depth == 0 && words == T, "%zu nodes left open, %zu of %zu words", depth, words, T);
    free(open);
    free(next);
}

static void check_same(const ds_sentence *a, const ds_sentence *b, const char *line)
{
    REQUIRE(a->length == b->length && a->label == b->label && a->n_spans == b->n_spans,
            "written back as \"%.200s\", it reads differently", line);
    for (size_t i = 0; i < a->length; i++) {
        REQUIRE(strcmp(a->words[i], b->words[i]) == 0, "word %zu: \"%s\" then \"%s\"", i, a->words[i],
                b->words[i]);
        REQUIRE(!a->word_labels || a->word_labels[i] == b->word_labels[i], "word %zu label", i);
    }
    for (size_t k = 0; k < a->n_spans; k++)
        REQUIRE(memcmp(&a->spans[k], &b->spans[k], sizeof(ds_span)) == 0, "span %zu differs", k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned flags = data[0];
    static const ds_format formats[4] = {DS_AUTO, DS_PTB, DS_TSV, DS_AUTO};
    ds_options o = {.format = formats[flags & 3],
                    .lowercase = (flags >> 2) & 1,
                    .pretokenized = (flags >> 3) & 1,
                    .labels = (flags >> 5) & 1 ? LABELS : NULL,
                    .n_labels = (flags >> 4) & 1 ? 0 : 5};
    if (o.n_labels == 0) o.labels = NULL; /* names need a count */
    const char *line = (const char *)data + 1;
    size_t len = size - 1;

    ds_sentence s;
    lrp_error err;
    lrp_status st = ds_parse_line(line, len, &o, &s, &err);
    if (st != LRP_OK) {
        REQUIRE(st == LRP_ERR_INPUT, "status %d: %s", (int)st, err.message);
        REQUIRE(strncmp(err.message, "column ", 7) == 0 || strcmp(err.message, "empty line (expected a sentence)") == 0,
                "message without a column: %s", err.message);
        REQUIRE(s.words == NULL && s.length == 0, "a sentence left on failure");
        return 0;
    }
    REQUIRE(s.length >= 1 && s.words, "no words");
    REQUIRE(s.label >= 0 && (!o.n_labels || (size_t)s.label < o.n_labels), "label %d", s.label);
    for (size_t i = 0; i < s.length; i++) REQUIRE(s.words[i] && s.words[i][0], "word %zu empty", i);

    buf out = {0};
    ds_options again = o;
    if (s.word_labels) {
        check_tree(&s, o.n_labels, &out);
        again.format = DS_PTB;
    } else {
        REQUIRE(s.n_spans == 0 && s.spans == NULL, "tsv sentence with spans");
        put_label(&out, s.label);
        put(&out, "\t", 1);
        for (size_t i = 0; i < s.length; i++) {
            if (i) put(&out, " ", 1);
            put(&out, s.words[i], strlen(s.words[i]));
        }
        again.format = DS_TSV;
        again.pretokenized = 1;
    }
    ds_sentence t;
    st = ds_parse_line(out.p, out.n, &again, &t, &err);
    REQUIRE(st == LRP_OK, "written back as \"%.200s\": %s", out.p, err.message);
    check_same(&s, &t, out.p);
    ds_sentence_free(&t);
    free(out.p);
    ds_sentence_free(&s);
    return 0;
}
