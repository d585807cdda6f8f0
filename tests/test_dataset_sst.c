/*
 * test_dataset_sst.c - the facts of ../shared/data/sst/README.md and issue 3
 * checked through the data reader (skipped when the data is absent):
 *   - 8544 / 1101 / 2210 sentences in train / dev / test;
 *   - 1849 test sentences with at least 10 words, 1104 with at least 19;
 *   - every tree binarised (2T - 1 nodes) with consistent spans: the root covers
 *     [0, T), each node's children partition it, leaves are one word and carry
 *     the word's label; labels in 0..4;
 *   - 156,817 distinct lowercased phrases (node spans) in the training set;
 *   - 19,538 distinct lowercased words over the three files;
 *   - the paper's 21 heatmap lines of test.txt: 18 very negative, then 3 very
 *     positive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dataset.h"
#include "core/hash.h"
#include "testutil.h"

// ----------------------------------------------------------------------------
// a set of strings (the project's hash table, core/hash.h)

typedef struct strset {
    hash_table index;
    char **keys; /* [n] copies */
    size_t n, cap;
} strset;

static void need(const void *p)
{
    if (!p) {
        fprintf(stderr, "test_dataset_sst: out of memory\n");
        exit(1);
    }
}

/* Insert s (copied) unless present. */
static void strset_add(strset *set, const char *s)
{
    if (set->n == set->cap) {
        set->cap = set->cap ? 2 * set->cap : 1024;
        set->keys = realloc(set->keys, set->cap * sizeof *set->keys);
        need(set->keys);
    }
    need(hash_table_reserve(&set->index, set->n + 1, hash_string_entry, set->keys) ? set : NULL);
    int added;
    hash_table_put(&set->index, hash_string(s), s, hash_string_match, set->keys, &added);
    if (!added) return;
    size_t len = strlen(s);
    need(set->keys[set->n] = malloc(len + 1));
    memcpy(set->keys[set->n++], s, len + 1);
}

static void strset_free(strset *set)
{
    for (size_t i = 0; i < set->n; i++) free(set->keys[i]);
    free(set->keys);
    hash_table_free(&set->index);
}

// ----------------------------------------------------------------------------

/* Spans of one tree: binarised and consistent. Returns 1 if so (else says why). */
static int check_spans(const ds_sentence *s, const char *file)
{
    size_t T = s->length;
    if (s->n_spans != 2 * T - 1 || s->spans[0].begin != 0 || s->spans[0].end != T) {
        tu_fail_at(__FILE__, __LINE__, "%s:%zu: %zu nodes for %zu words, root [%u, %u)", file, s->line,
                   s->n_spans, T, s->spans[0].begin, s->spans[0].end);
        return 0;
    }
    /* walk the pre-order: a stack of open nodes, each with where its next child must begin */
    size_t *stack = malloc(s->n_spans * sizeof *stack), *next = malloc(s->n_spans * sizeof *next);
    size_t depth = 0;
    int ok = 1;
    for (size_t k = 0; k < s->n_spans && ok; k++) {
        const ds_span *sp = &s->spans[k];
        while (depth && next[depth - 1] == s->spans[stack[depth - 1]].end) depth--; /* complete */
        ok = sp->begin < sp->end && sp->end <= T && sp->label >= 0 && sp->label <= 4;
        if (ok && depth) ok = sp->begin == next[depth - 1] && sp->end <= s->spans[stack[depth - 1]].end;
        if (ok && depth) next[depth - 1] = sp->end;
        /* a leaf is a one-word node followed by no child of it */
        int leaf = sp->end - sp->begin == 1 &&
                   (k + 1 == s->n_spans || s->spans[k + 1].begin >= sp->end || s->spans[k + 1].end > sp->end);
        if (ok && leaf) ok = s->word_labels[sp->begin] == sp->label;
        stack[depth] = k;
        next[depth++] = leaf ? sp->end : sp->begin; /* a leaf is complete at once */
        if (!ok)
            tu_fail_at(__FILE__, __LINE__, "%s:%zu: node %zu [%u, %u) label %d: outside its parent, not after its sibling, or not its word's label",
                       file, s->line, k, sp->begin, sp->end, sp->label);
    }
    while (ok && depth && next[depth - 1] == s->spans[stack[depth - 1]].end) depth--;
    if (ok && depth) {
        tu_fail_at(__FILE__, __LINE__, "%s:%zu: %zu nodes not covered by their children", file, s->line,
                   depth);
        ok = 0;
    }
    free(stack);
    free(next);
    return ok;
}

static int read_file(const char *dir, const char *file, ds_corpus *c)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    ds_options o = {.format = DS_PTB, .lowercase = 1, .n_labels = 5};
    lrp_error err;
    lrp_status st = ds_read(path, &o, c, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    return st == LRP_OK;
}

int main(void)
{
    const char *dir = tu_sst_dir();
    if (!dir) {
        printf("SST data not found (set LRP_SST_DIR): skipped\n");
        return TU_SKIP;
    }
    static const char *const files[3] = {"train.txt", "dev.txt", "test.txt"};
    static const size_t sizes[3] = {8544, 1101, 2210};
    ds_corpus c[3];
    for (int f = 0; f < 3; f++) TU_REQUIRE(read_file(dir, files[f], &c[f]), "cannot read %s", files[f]);

    strset words = {0}, phrases = {0};
    size_t bad_trees = 0;
    char *buf = NULL;
    size_t cap = 0;
    for (int f = 0; f < 3; f++) {
        TU_CHECK(c[f].n == sizes[f], "%s: %zu sentences, expected %zu", files[f], c[f].n, sizes[f]);
        for (size_t i = 0; i < c[f].n; i++) {
            const ds_sentence *s = &c[f].sentences[i];
            if (!check_spans(s, files[f])) bad_trees++;
            for (size_t w = 0; w < s->length; w++) strset_add(&words, s->words[w]);
            if (f != 0) continue;
            /* issue 3: each node's word span, lowercased, duplicates once */
            for (size_t k = 0; k < s->n_spans; k++) {
                size_t need = 1;
                for (uint32_t w = s->spans[k].begin; w < s->spans[k].end; w++) need += strlen(s->words[w]) + 1;
                if (need > cap) buf = realloc(buf, cap = 2 * need);
                char *p = buf;
                for (uint32_t w = s->spans[k].begin; w < s->spans[k].end; w++)
                    p += sprintf(p, "%s%s", w > s->spans[k].begin ? " " : "", s->words[w]);
                strset_add(&phrases, buf);
            }
        }
    }
    free(buf);
    TU_CHECK(bad_trees == 0, "%zu trees with inconsistent spans", bad_trees);

    size_t ge10 = 0, ge19 = 0;
    for (size_t i = 0; i < c[2].n; i++) {
        ge10 += c[2].sentences[i].length >= 10;
        ge19 += c[2].sentences[i].length >= 19;
    }
    TU_CHECK(ge10 == 1849, "%zu test sentences with >= 10 words, expected 1849", ge10);
    TU_CHECK(ge19 == 1104, "%zu test sentences with >= 19 words, expected 1104", ge19);
    TU_CHECK(phrases.n == 156817, "%zu distinct lowercased training phrases, expected 156817", phrases.n);
    TU_CHECK(words.n == 19538, "%zu distinct lowercased words, expected 19538", words.n);
    printf("sentences %zu / %zu / %zu; test >= 10 words: %zu, >= 19: %zu; distinct training phrases: "
           "%zu; distinct words: %zu\n",
           c[0].n, c[1].n, c[2].n, ge10, ge19, phrases.n, words.n);

    static const size_t heatmap_lines[21] = {2089, 1322, 1486, 1417, 841,  2193, 1451,
                                             2197, 1605, 1543, 1956, 1966, 1842, 645,
                                             1166, 1724, 1675, 1898, 851,  736,  860};
    for (size_t k = 0; k < 21 && c[2].n == 2210; k++) {
        const ds_sentence *s = &c[2].sentences[heatmap_lines[k] - 1];
        int want = k < 18 ? 0 : 4;
        TU_CHECK(s->line == heatmap_lines[k] && s->label == want, "test.txt:%zu: label %d, expected %d",
                 s->line, s->label, want);
    }
    strset_free(&words);
    strset_free(&phrases);
    for (int f = 0; f < 3; f++) ds_free(&c[f]);
    return tu_finish();
}
