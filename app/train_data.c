/*
 * train_data.c - the trainer's data preparation (train_data_load, train.h): read the
 * three corpora, build the vocabulary, collect the distinct training phrases with
 * their labels, encode the dev and test sentences. Each step is one function below,
 * in that order; the words and phrases are told apart by the project's hash table
 * (core/hash.h).
 *
 * "Raw" word indexes number every distinct word of the three files in order of first
 * occurrence (train, dev, test); raw_to_id maps them to the model's vocabulary (UNK_WORD
 * = 0 for the words left out). Phrases are told apart by their raw words, so that two
 * phrases differing only in words left out of the vocabulary stay two.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/train_internal.h"
#include "core/common.h"
#include "core/hash.h"

static const char *const SST_LABELS[5] = {"very negative", "negative", "neutral", "positive",
                                          "very positive"};
static const char *const FILE_NAMES[3] = {"train.txt", "dev.txt", "test.txt"};
enum { CORPUS_TRAIN = 0, CORPUS_DEV = 1, CORPUS_TEST = 2 };

// ----------------------------------------------------------------------------
// the distinct words of the corpora (raw indexes) and their training counts

typedef struct word_table {
    hash_table index;
    const char **keys; /* [cap] the words, in the corpora's memory */
    size_t *count;     /* [cap] occurrences in train.txt */
    size_t cap;
} word_table;

/* Raw index of word w, added when new; -1 when out of memory. */
static long word_put(word_table *t, const char *w)
{
    if (t->index.n == t->cap) {
        const size_t cap = t->cap ? 2 * t->cap : 4096;
        const char **keys = realloc(t->keys, cap * sizeof *keys);
        if (!keys) return -1;
        t->keys = keys;
        size_t *count = realloc(t->count, cap * sizeof *count);
        if (!count) return -1;
        t->count = count;
        t->cap = cap;
    }
    if (!hash_table_reserve(&t->index, t->index.n + 1, hash_string_entry, t->keys)) return -1;
    int added;
    const size_t e = hash_table_put(&t->index, hash_string(w), w, hash_string_match, t->keys, &added);
    if (added) {
        t->keys[e] = w;
        t->count[e] = 0;
    }
    return (long)e;
}

/* Raw index of a word of the corpora (always present once collect_words has run). */
static size_t word_raw(const word_table *t, const char *w)
{
    return (size_t)hash_table_find(&t->index, hash_string(w), w, hash_string_match, t->keys);
}

static void word_table_free(word_table *t)
{
    hash_table_free(&t->index);
    free(t->keys);
    free(t->count);
    memset(t, 0, sizeof *t);
}

// ----------------------------------------------------------------------------
// the distinct phrases, as sequences of raw word indexes

typedef struct phrase_table {
    hash_table index;
    int32_t *ids;      /* [n_ids] the phrases' words, phrase after phrase */
    size_t n_ids, cap_ids;
    size_t *offset;    /* [index.n + 1] phrase p is ids[offset[p], offset[p + 1]) */
    size_t cap;        /* phrases offset has room for */
} phrase_table;

/* A phrase looked for: T word indexes. */
typedef struct phrase_key {
    const int32_t *w;
    size_t T;
} phrase_key;

static int phrase_match(const void *owner, size_t p, const void *key)
{
    const phrase_table *t = owner;
    const phrase_key *k = key;
    const size_t T = t->offset[p + 1] - t->offset[p];
    return T == k->T && memcmp(t->ids + t->offset[p], k->w, T * sizeof *k->w) == 0;
}

static uint64_t phrase_hash(const int32_t *w, size_t T) { return hash_bytes(w, T * sizeof *w); }

static uint64_t phrase_entry_hash(const void *owner, size_t p)
{
    const phrase_table *t = owner;
    return phrase_hash(t->ids + t->offset[p], t->offset[p + 1] - t->offset[p]);
}

/* Index of the phrase w[0..T), added when new; -1 when out of memory. */
static long phrase_put(phrase_table *t, const int32_t *w, size_t T)
{
    if (t->index.n + 1 > t->cap) { /* offset[index.n + 1] is written */
        const size_t cap = t->cap ? 2 * t->cap : 4096;
        size_t *offset = realloc(t->offset, (cap + 1) * sizeof *offset);
        if (!offset) return -1;
        if (!t->offset) offset[0] = 0;
        t->offset = offset;
        t->cap = cap;
    }
    if (t->cap_ids - t->n_ids < T) {
        size_t cap = t->cap_ids ? t->cap_ids : 65536;
        while (cap - t->n_ids < T) cap *= 2;
        int32_t *ids = realloc(t->ids, cap * sizeof *ids);
        if (!ids) return -1;
        t->ids = ids;
        t->cap_ids = cap;
    }
    if (!hash_table_reserve(&t->index, t->index.n + 1, phrase_entry_hash, t)) return -1;
    const phrase_key key = {w, T};
    int added;
    const size_t p = hash_table_put(&t->index, phrase_hash(w, T), &key, phrase_match, t, &added);
    if (added) {
        memcpy(t->ids + t->n_ids, w, T * sizeof *w);
        t->n_ids += T;
        t->offset[p + 1] = t->n_ids;
    }
    return (long)p;
}

static void phrase_table_free(phrase_table *t)
{
    hash_table_free(&t->index);
    free(t->ids);
    free(t->offset);
    memset(t, 0, sizeof *t);
}

// ----------------------------------------------------------------------------
// the steps

void train_data_free(train_data *d)
{
    if (!d) return;
    free(d->words);
    free(d->rare);
    free(d->labels);
    free(d->ids);
    free(d->offset);
    free(d->label);
    free(d->dev);
    free(d->test);
    free(d->dev_label);
    free(d->test_label);
    free(d->sent_ids_);
    for (int k = 0; k < 3; k++) ds_free(&d->corpora_[k]);
    memset(d, 0, sizeof *d);
}

/* The class names, then DIR/train.txt, DIR/dev.txt and, when it exists, DIR/test.txt. */
static lrp_status read_corpora(const char *dir, const train_options *o, train_data *d, lrp_error *err)
{
    d->C = o->labels ? o->n_labels : 5;
    d->labels = malloc(d->C * sizeof *d->labels);
    if (!d->labels) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < d->C; c++) d->labels[c] = o->labels ? o->labels[c] : SST_LABELS[c];

    ds_options dso = {.format = DS_AUTO, .lowercase = 1, .pretokenized = o->pretokenized,
                      .labels = (const char *const *)d->labels, .n_labels = d->C};
    lrp_status st = LRP_OK;
    for (int k = CORPUS_TRAIN; k <= CORPUS_TEST && st == LRP_OK; k++) {
        size_t len = strlen(dir) + strlen(FILE_NAMES[k]) + 2;
        char *path = malloc(len);
        if (!path) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
        snprintf(path, len, "%s/%s", dir, FILE_NAMES[k]);
        if (k != CORPUS_TEST || access(path, F_OK) == 0) { /* test.txt is optional */
            st = ds_read(path, &dso, &d->corpora_[k], err);
            if (st == LRP_OK && k != CORPUS_TEST && d->corpora_[k].n == 0)
                st = lrp_fail(err, LRP_ERR_INPUT, "%s: no sentences", path);
        }
        free(path);
    }
    d->n_train_sentences = d->corpora_[CORPUS_TRAIN].n;
    d->n_dev = d->corpora_[CORPUS_DEV].n;
    d->n_test = d->corpora_[CORPUS_TEST].n;
    return st;
}

/* Every word of the three files in order of first occurrence, with its training
 * count; the longest sentence (d->max_length) and the number of words of all
 * sentences (*n_words). A sentence longer than LRP_MAX_LENGTH is an error. */
static lrp_status collect_words(train_data *d, word_table *words, size_t *n_words, lrp_error *err)
{
    *n_words = 0;
    for (int k = CORPUS_TRAIN; k <= CORPUS_TEST; k++) {
        const ds_corpus *c = &d->corpora_[k];
        for (size_t i = 0; i < c->n; i++) {
            const ds_sentence *s = &c->sentences[i];
            if (s->length > LRP_MAX_LENGTH)
                return lrp_fail(err, LRP_ERR_INPUT, "%s line %zu: %zu words, more than the %d a sentence may have",
                                FILE_NAMES[k], s->line, s->length, LRP_MAX_LENGTH);
            if (s->length > d->max_length) d->max_length = s->length;
            *n_words += s->length;
            for (size_t t = 0; t < s->length; t++) {
                long w = word_put(words, s->words[t]);
                if (w < 0) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the vocabulary");
                if (k == CORPUS_TRAIN) words->count[w]++;
            }
        }
    }
    return LRP_OK;
}

/* The model's vocabulary: UNK_WORD, then the words kept (all, or the training words
 * seen min_count times; a text's own UNK_WORD is UNK_WORD); raw_to_id[raw] = its id. */
static lrp_status build_vocabulary(train_data *d, const train_options *o, const word_table *words,
                                   long *raw_to_id, lrp_error *err)
{
    const size_t n = words->index.n;
    d->words = malloc((n + 1) * sizeof *d->words);
    d->rare = calloc(n + 1, sizeof *d->rare);
    if (!d->words || !d->rare) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the vocabulary");
    d->words[0] = UNK_WORD;
    d->V = 1;
    for (size_t w = 0; w < n; w++) {
        int keep = o->vocab == TRAIN_VOCAB_ALL ? 1 : words->count[w] >= o->min_count;
        if (strcmp(words->keys[w], UNK_WORD) == 0) keep = 0;
        raw_to_id[w] = keep ? (long)d->V : 0;
        if (keep) {
            d->rare[d->V] = words->count[w] == 1;
            d->words[d->V++] = words->keys[w];
        }
    }
    return LRP_OK;
}

/* Every node of every training tree (a TSV line: the sentence) as a phrase of raw
 * words; each occurrence's (phrase, label) appended to *occ (2 values each). */
static lrp_status collect_phrases(const train_data *d, const word_table *words, phrase_table *pt,
                                  uint32_t **occ, size_t *n_occ, lrp_error *err)
{
    const ds_corpus *train = &d->corpora_[CORPUS_TRAIN];
    size_t cap_occ = 0;
    int32_t *buf = malloc((d->max_length ? d->max_length : 1) * sizeof *buf);
    if (!buf) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    lrp_status st = LRP_OK;
    for (size_t i = 0; i < train->n && st == LRP_OK; i++) {
        const ds_sentence *s = &train->sentences[i];
        for (size_t t = 0; t < s->length; t++) buf[t] = (int32_t)word_raw(words, s->words[t]);
        const ds_span whole = {0, (uint32_t)s->length, s->label};
        const size_t n_spans = s->n_spans ? s->n_spans : 1;
        for (size_t k = 0; k < n_spans; k++) {
            const ds_span *sp = s->n_spans ? &s->spans[k] : &whole;
            long p = phrase_put(pt, buf + sp->begin, sp->end - sp->begin);
            if (p >= 0 && *n_occ + 2 > cap_occ) {
                size_t cap = cap_occ ? cap_occ * 2 : 65536;
                uint32_t *grown = realloc(*occ, cap * sizeof *grown);
                if (grown) {
                    *occ = grown;
                    cap_occ = cap;
                } else {
                    p = -1;
                }
            }
            if (p < 0) {
                st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the phrases");
                break;
            }
            (*occ)[(*n_occ)++] = (uint32_t)p;
            (*occ)[(*n_occ)++] = (uint32_t)sp->label;
        }
    }
    free(buf);
    return st;
}

/* The phrases in the model's ids, each with its most frequent label (ties: the first
 * seen among the most frequent). */
static lrp_status label_phrases(train_data *d, const phrase_table *pt, const uint32_t *occ, size_t n_occ,
                                const long *raw_to_id, lrp_error *err)
{
    const size_t n = pt->index.n, C = d->C;
    d->n_phrases = n;
    d->n_tokens = pt->n_ids;
    uint32_t *counts = calloc(n * C, sizeof *counts);
    d->label = malloc((n ? n : 1) * sizeof *d->label);
    d->ids = malloc((pt->n_ids ? pt->n_ids : 1) * sizeof *d->ids);
    d->offset = malloc((n + 1) * sizeof *d->offset);
    if (!counts || !d->label || !d->ids || !d->offset) {
        free(counts);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the phrases");
    }
    for (size_t k = 0; k < n_occ; k += 2) counts[(size_t)occ[k] * C + occ[k + 1]]++;
    for (size_t p = 0; p < n; p++) d->label[p] = -1;
    for (size_t k = 0; k < n_occ; k += 2) {
        const size_t p = occ[k];
        if (d->label[p] >= 0) continue;
        uint32_t best = 0;
        for (size_t c = 0; c < C; c++)
            if (counts[p * C + c] > best) best = counts[p * C + c];
        if (counts[p * C + occ[k + 1]] == best) d->label[p] = (int)occ[k + 1];
    }
    for (size_t i = 0; i < pt->n_ids; i++) d->ids[i] = (int32_t)raw_to_id[pt->ids[i]];
    if (n) memcpy(d->offset, pt->offset, (n + 1) * sizeof *d->offset);
    else d->offset[0] = 0;
    free(counts);
    return LRP_OK;
}

/* Sentences of a corpus as word ids, written from *at on, and their root labels. */
static lrp_status encode_sentences(const ds_corpus *c, const word_table *words, const long *raw_to_id,
                                   int32_t **at, lrp_sentence **out, int **labels, lrp_error *err)
{
    *out = malloc((c->n ? c->n : 1) * sizeof **out);
    *labels = malloc((c->n ? c->n : 1) * sizeof **labels);
    if (!*out || !*labels) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for %zu sentences", c->n);
    for (size_t i = 0; i < c->n; i++) {
        const ds_sentence *s = &c->sentences[i];
        int32_t *ids = *at;
        for (size_t t = 0; t < s->length; t++) ids[t] = (int32_t)raw_to_id[word_raw(words, s->words[t])];
        (*out)[i] = (lrp_sentence){ids, s->length, NULL};
        (*labels)[i] = s->label;
        *at += s->length;
    }
    return LRP_OK;
}

lrp_status train_data_load(const char *dir, const train_options *o, train_data *d, lrp_error *err)
{
    memset(d, 0, sizeof *d);
    if (!dir || !o) return lrp_fail(err, LRP_ERR_ARGUMENT, "data directory and options must not be NULL");
    lrp_status st = train_options_check(o, err);
    if (st == LRP_OK) st = read_corpora(dir, o, d, err);

    word_table words = {0};
    phrase_table pt = {0};
    long *raw_to_id = NULL;
    uint32_t *occ = NULL; /* (phrase, label) of every node, in reading order */
    size_t n_words = 0, n_occ = 0;
    if (st == LRP_OK) st = collect_words(d, &words, &n_words, err);
    if (st == LRP_OK) {
        raw_to_id = malloc((words.index.n ? words.index.n : 1) * sizeof *raw_to_id);
        if (!raw_to_id) st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the vocabulary");
    }
    if (st == LRP_OK) st = build_vocabulary(d, o, &words, raw_to_id, err);
    if (st == LRP_OK) st = collect_phrases(d, &words, &pt, &occ, &n_occ, err);
    if (st == LRP_OK) st = label_phrases(d, &pt, occ, n_occ, raw_to_id, err);
    if (st == LRP_OK) {
        d->sent_ids_ = malloc((n_words ? n_words : 1) * sizeof *d->sent_ids_);
        if (!d->sent_ids_) st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    }
    int32_t *at = d->sent_ids_;
    if (st == LRP_OK)
        st = encode_sentences(&d->corpora_[CORPUS_DEV], &words, raw_to_id, &at, &d->dev, &d->dev_label, err);
    if (st == LRP_OK)
        st = encode_sentences(&d->corpora_[CORPUS_TEST], &words, raw_to_id, &at, &d->test, &d->test_label, err);

    free(occ);
    free(raw_to_id);
    phrase_table_free(&pt);
    word_table_free(&words);
    if (st != LRP_OK) train_data_free(d);
    return st;
}
