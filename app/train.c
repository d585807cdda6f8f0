/*
 * train.c - the trainer (train.h): data preparation (vocabulary, distinct phrases),
 * initialisation, the forward pass and gradient of a shard of phrases as one batch of
 * the batched kernels (src/fast, float64, with the dropout masks as their hooks),
 * minibatches over threads with a fixed reduction order, Adagrad / Adam, dev
 * evaluation and atomic saving.
 *
 * Sizes: V vocabulary, E embedding, H hidden, G = 4H, Y = 2H classifier inputs,
 * C classes, T words of a phrase, B phrases per minibatch, P parameters; the "dense"
 * parameters are all but the embedding (the LSTM and the classifier, which follow
 * the embedding in the layout), DP of them.
 */
#include "app/train.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/common.h"
#include "io/fileio.h"
#include "fast/fast.h"
#include "core/model.h"
#include "io/model_io.h"

static const char *const SST_LABELS[5] = {"very negative", "negative", "neutral", "positive",
                                          "very positive"};

void train_options_init(train_options *o)
{
    memset(o, 0, sizeof *o);
    o->embed = 60;
    o->hidden = 60;
    o->epochs = 6;
    o->patience = 2;
    o->batch = 32;
    o->optimizer = TRAIN_ADAM;
    o->lr = 0.003;
    o->lr_decay = 1.0;
    o->dropout = 0.5;
    o->l2 = 0.0;
    o->embed_init = 0.1;
    o->unk_rate = 0.1;
    o->vocab = TRAIN_VOCAB_ALL;
    o->min_count = 1;
    o->seed = 1;
    o->threads = 0;
    o->dtype = LRP_F32;
}

lrp_status train_options_check(const train_options *o, lrp_error *err)
{
    if (!o) return lrp_fail(err, LRP_ERR_ARGUMENT, "train options must not be NULL");
    if (o->embed == 0 || o->embed > 100000 || o->hidden == 0 || o->hidden > 100000)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "embedding and hidden sizes must lie in 1..100000");
    if (o->epochs == 0) return lrp_fail(err, LRP_ERR_ARGUMENT, "epochs must be at least 1");
    if (o->batch == 0 || o->batch > TRAIN_MAX_BATCH)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "batch must lie in 1..%d", TRAIN_MAX_BATCH);
    if (!(o->lr > 0) || !isfinite(o->lr))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "the learning rate must be positive, got %g", o->lr);
    if (!(o->lr_decay > 0 && o->lr_decay <= 1))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "lr decay must lie in (0, 1], got %g", o->lr_decay);
    if (!(o->dropout >= 0 && o->dropout < 1))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "dropout must lie in [0, 1), got %g", o->dropout);
    if (!(o->l2 >= 0) || !isfinite(o->l2))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "l2 must be >= 0, got %g", o->l2);
    if (!(o->embed_init > 0) || !isfinite(o->embed_init))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "embed init must be positive, got %g", o->embed_init);
    if (!(o->unk_rate >= 0 && o->unk_rate <= 1))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unk rate must lie in [0, 1], got %g", o->unk_rate);
    if (o->optimizer != TRAIN_ADAGRAD && o->optimizer != TRAIN_ADAM)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown optimizer %d", (int)o->optimizer);
    if (o->vocab != TRAIN_VOCAB_ALL && o->vocab != TRAIN_VOCAB_TRAIN)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown vocabulary choice %d", (int)o->vocab);
    if (o->min_count == 0) return lrp_fail(err, LRP_ERR_ARGUMENT, "min count must be at least 1");
    if (o->threads < 0) return lrp_fail(err, LRP_ERR_ARGUMENT, "threads must be >= 0");
    if (o->dtype != LRP_F32 && o->dtype != LRP_F64)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown storage type %d", (int)o->dtype);
    if (o->labels && o->n_labels < 2)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "at least two classes are needed, got %zu", o->n_labels);
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// random numbers: every draw is a function of (seed, purpose, indexes), so no
// draw depends on which thread makes it

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t key2(uint64_t a, uint64_t b) { return mix64(mix64(a) ^ (b * 0xd1342543de82ef95ull)); }

/* Uniform in [0, 1) from a 64-bit value. */
static double u01(uint64_t x) { return (double)(x >> 11) * 0x1.0p-53; }

/* A sequential stream (initialisation, shuffling). */
typedef struct rng {
    uint64_t key, n;
} rng;
static double rng_uniform(rng *r) { return u01(key2(r->key, r->n++)); }
static double rng_normal(rng *r)
{
    /* Box-Muller; 1 - u is in (0, 1] */
    double u = 1.0 - rng_uniform(r), v = rng_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

enum { STREAM_INIT = 1, STREAM_SHUFFLE = 2, STREAM_PHRASE = 3 };
enum { DRAW_EMBED = 1, DRAW_TOP = 2, DRAW_UNK = 3 };

// ----------------------------------------------------------------------------
// data: a string -> index table over the corpora's words, and one over phrases

typedef struct strtab {
    const char **keys; /* [n] */
    uint32_t *slots;   /* index + 1, 0 = empty */
    size_t n, cap, mask;
} strtab;

static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ull;
    return mix64(h);
}

static int strtab_grow(strtab *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    const char **keys = realloc(t->keys, cap * sizeof *keys);
    if (!keys) return 0;
    t->keys = keys;
    uint32_t *slots = calloc(cap * 2, sizeof *slots);
    if (!slots) return 0;
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    t->mask = cap * 2 - 1;
    for (size_t i = 0; i < t->n; i++) {
        size_t h = hash_bytes(t->keys[i], strlen(t->keys[i])) & t->mask;
        while (t->slots[h]) h = (h + 1) & t->mask;
        t->slots[h] = (uint32_t)(i + 1);
    }
    return 1;
}

/* Index of s, added when new (*added = 1); -1 when out of memory. */
static long strtab_put(strtab *t, const char *s, int *added)
{
    *added = 0;
    if (t->n >= t->cap && !strtab_grow(t)) return -1;
    size_t h = hash_bytes(s, strlen(s)) & t->mask;
    for (; t->slots[h]; h = (h + 1) & t->mask)
        if (strcmp(t->keys[t->slots[h] - 1], s) == 0) return (long)t->slots[h] - 1;
    t->keys[t->n] = s;
    t->slots[h] = (uint32_t)(t->n + 1);
    *added = 1;
    return (long)t->n++;
}

static void strtab_free(strtab *t)
{
    free(t->keys);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* Distinct phrases as sequences of word indexes. */
typedef struct phrasetab {
    int32_t *ids;      /* [n_ids] */
    size_t n_ids, cap_ids;
    size_t *offset;    /* [n + 1] */
    uint32_t *slots;   /* phrase + 1 */
    size_t n, cap, mask;
} phrasetab;

static uint64_t phrase_hash(const int32_t *w, size_t T) { return hash_bytes(w, T * sizeof *w); }

static int phrasetab_grow(phrasetab *t)
{
    size_t cap = t->cap ? t->cap * 2 : 4096;
    size_t *offset = realloc(t->offset, (cap + 1) * sizeof *offset);
    if (!offset) return 0;
    t->offset = offset;
    if (t->n == 0) t->offset[0] = 0;
    uint32_t *slots = calloc(cap * 2, sizeof *slots);
    if (!slots) return 0;
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    t->mask = cap * 2 - 1;
    for (size_t i = 0; i < t->n; i++) {
        size_t h = phrase_hash(t->ids + t->offset[i], t->offset[i + 1] - t->offset[i]) & t->mask;
        while (t->slots[h]) h = (h + 1) & t->mask;
        t->slots[h] = (uint32_t)(i + 1);
    }
    return 1;
}

/* Index of the phrase w[0..T), added when new; -1 when out of memory. */
static long phrasetab_put(phrasetab *t, const int32_t *w, size_t T)
{
    if (t->n >= t->cap && !phrasetab_grow(t)) return -1;
    size_t h = phrase_hash(w, T) & t->mask;
    for (; t->slots[h]; h = (h + 1) & t->mask) {
        size_t p = t->slots[h] - 1, len = t->offset[p + 1] - t->offset[p];
        if (len == T && memcmp(t->ids + t->offset[p], w, T * sizeof *w) == 0) return (long)p;
    }
    if (t->cap_ids - t->n_ids < T) {
        size_t cap = t->cap_ids ? t->cap_ids : 65536;
        while (cap - t->n_ids < T) cap *= 2;
        int32_t *ids = realloc(t->ids, cap * sizeof *ids);
        if (!ids) return -1;
        t->ids = ids;
        t->cap_ids = cap;
    }
    memcpy(t->ids + t->n_ids, w, T * sizeof *w);
    t->n_ids += T;
    t->offset[t->n + 1] = t->n_ids;
    t->slots[h] = (uint32_t)(t->n + 1);
    return (long)t->n++;
}

static void phrasetab_free(phrasetab *t)
{
    free(t->ids);
    free(t->offset);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

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

/* Sentences of a corpus as word ids (root labels); ids from the word table. */
static lrp_status sentences_of(const ds_corpus *c, const long *raw_to_id, const strtab *words,
                               int32_t **at, lrp_sentence **out, int **labels, lrp_error *err)
{
    *out = malloc((c->n ? c->n : 1) * sizeof **out);
    *labels = malloc((c->n ? c->n : 1) * sizeof **labels);
    if (!*out || !*labels) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for %zu sentences", c->n);
    for (size_t i = 0; i < c->n; i++) {
        const ds_sentence *s = &c->sentences[i];
        int32_t *ids = *at;
        for (size_t t = 0; t < s->length; t++) {
            int added;
            long raw = strtab_put((strtab *)words, s->words[t], &added); /* always present */
            ids[t] = (int32_t)raw_to_id[raw];
        }
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
    if (st != LRP_OK) return st;

    d->C = o->labels ? o->n_labels : 5;
    d->labels = malloc(d->C * sizeof *d->labels);
    if (!d->labels) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < d->C; c++) d->labels[c] = o->labels ? o->labels[c] : SST_LABELS[c];

    /* the three files */
    static const char *const names[3] = {"train.txt", "dev.txt", "test.txt"};
    ds_options dso = {.format = DS_AUTO, .lowercase = 1, .pretokenized = o->pretokenized,
                      .labels = (const char *const *)d->labels, .n_labels = d->C};
    for (int k = 0; k < 3 && st == LRP_OK; k++) {
        size_t len = strlen(dir) + strlen(names[k]) + 2;
        char *path = malloc(len);
        if (!path) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
        snprintf(path, len, "%s/%s", dir, names[k]);
        if (k < 2 || access(path, F_OK) == 0) { /* test.txt is optional */
            st = ds_read(path, &dso, &d->corpora_[k], err);
            if (st == LRP_OK && k < 2 && d->corpora_[k].n == 0)
                st = lrp_fail(err, LRP_ERR_INPUT, "%s: no sentences", path);
        }
        free(path);
    }
    if (st != LRP_OK) {
        train_data_free(d);
        return st;
    }
    const ds_corpus *train = &d->corpora_[0];
    d->n_train_sentences = train->n;
    d->n_dev = d->corpora_[1].n;
    d->n_test = d->corpora_[2].n;

    /* every word of the three files, in order of first occurrence; training counts */
    strtab words = {0};
    size_t n_words_total = 0, *count = NULL, cap_count = 0;
    for (int k = 0; k < 3 && st == LRP_OK; k++) {
        const ds_corpus *c = &d->corpora_[k];
        for (size_t i = 0; i < c->n && st == LRP_OK; i++) {
            const ds_sentence *s = &c->sentences[i];
            if (s->length > LRP_MAX_LENGTH) {
                st = lrp_fail(err, LRP_ERR_INPUT, "%s line %zu: %zu words, more than the %d a sentence may have",
                              names[k], s->line, s->length, LRP_MAX_LENGTH);
                break;
            }
            if (s->length > d->max_length) d->max_length = s->length;
            n_words_total += s->length;
            for (size_t t = 0; t < s->length; t++) {
                int added;
                long w = strtab_put(&words, s->words[t], &added);
                if (w < 0 || (size_t)w >= cap_count) {
                    size_t cap = cap_count ? cap_count * 2 : 4096;
                    size_t *nc = w < 0 ? NULL : realloc(count, cap * sizeof *nc);
                    if (!nc) {
                        st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the vocabulary");
                        break;
                    }
                    memset(nc + cap_count, 0, (cap - cap_count) * sizeof *nc);
                    count = nc;
                    cap_count = cap;
                }
                if (k == 0) count[w]++;
            }
        }
    }

    /* the model's vocabulary: UNK_WORD, then the words kept */
    long *raw_to_id = NULL;
    if (st == LRP_OK) {
        raw_to_id = malloc((words.n ? words.n : 1) * sizeof *raw_to_id);
        d->words = malloc((words.n + 1) * sizeof *d->words);
        d->rare = calloc(words.n + 1, sizeof *d->rare);
        if (!raw_to_id || !d->words || !d->rare)
            st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the vocabulary");
    }
    if (st == LRP_OK) {
        d->words[0] = UNK_WORD;
        d->V = 1;
        for (size_t w = 0; w < words.n; w++) {
            int keep = o->vocab == TRAIN_VOCAB_ALL ? 1 : count[w] >= o->min_count;
            if (strcmp(words.keys[w], UNK_WORD) == 0) keep = 0; /* the text's own "<unk>" */
            raw_to_id[w] = keep ? (long)d->V : 0;
            if (keep) {
                d->rare[d->V] = count[w] == 1;
                d->words[d->V++] = words.keys[w];
            }
        }
    }

    /* distinct training phrases (by their lowercased words), most frequent label */
    phrasetab pt = {0};
    size_t n_occ = 0, cap_occ = 0;
    uint32_t *occ = NULL; /* (phrase, label) of every node, in reading order */
    int32_t *buf = malloc((d->max_length ? d->max_length : 1) * sizeof *buf);
    if (st == LRP_OK && !buf) st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < train->n && st == LRP_OK; i++) {
        const ds_sentence *s = &train->sentences[i];
        for (size_t t = 0; t < s->length; t++) {
            int added;
            buf[t] = (int32_t)strtab_put(&words, s->words[t], &added);
        }
        ds_span whole = {0, (uint32_t)s->length, s->label};
        size_t n_spans = s->n_spans ? s->n_spans : 1;
        for (size_t k = 0; k < n_spans; k++) {
            const ds_span *sp = s->n_spans ? &s->spans[k] : &whole;
            long p = phrasetab_put(&pt, buf + sp->begin, sp->end - sp->begin);
            if (p < 0 || n_occ + 2 > cap_occ) {
                size_t cap = cap_occ ? cap_occ * 2 : 65536;
                uint32_t *no = p < 0 ? NULL : realloc(occ, cap * sizeof *no);
                if (!no) {
                    st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the phrases");
                    break;
                }
                occ = no;
                cap_occ = cap;
            }
            occ[n_occ++] = (uint32_t)p;
            occ[n_occ++] = (uint32_t)sp->label;
        }
    }
    uint32_t *counts = NULL;
    if (st == LRP_OK) {
        d->n_phrases = pt.n;
        d->n_tokens = pt.n_ids;
        counts = calloc(pt.n * d->C, sizeof *counts);
        d->label = malloc((pt.n ? pt.n : 1) * sizeof *d->label);
        d->ids = malloc((pt.n_ids ? pt.n_ids : 1) * sizeof *d->ids);
        d->offset = malloc((pt.n + 1) * sizeof *d->offset);
        if (!counts || !d->label || !d->ids || !d->offset)
            st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the phrases");
    }
    if (st == LRP_OK) {
        for (size_t k = 0; k < n_occ; k += 2) counts[(size_t)occ[k] * d->C + occ[k + 1]]++;
        for (size_t p = 0; p < pt.n; p++) d->label[p] = -1;
        /* the first label seen among the most frequent ones */
        for (size_t k = 0; k < n_occ; k += 2) {
            size_t p = occ[k];
            if (d->label[p] >= 0) continue;
            uint32_t best = 0;
            for (size_t c = 0; c < d->C; c++)
                if (counts[p * d->C + c] > best) best = counts[p * d->C + c];
            if (counts[p * d->C + occ[k + 1]] == best) d->label[p] = (int)occ[k + 1];
        }
        for (size_t i = 0; i < pt.n_ids; i++) d->ids[i] = (int32_t)raw_to_id[pt.ids[i]];
        memcpy(d->offset, pt.offset, (pt.n + 1) * sizeof *d->offset);
    }

    /* dev and test sentences */
    if (st == LRP_OK) {
        d->sent_ids_ = malloc((n_words_total ? n_words_total : 1) * sizeof *d->sent_ids_);
        if (!d->sent_ids_) st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    }
    int32_t *at = d->sent_ids_;
    if (st == LRP_OK)
        st = sentences_of(&d->corpora_[1], raw_to_id, &words, &at, &d->dev, &d->dev_label, err);
    if (st == LRP_OK)
        st = sentences_of(&d->corpora_[2], raw_to_id, &words, &at, &d->test, &d->test_label, err);

    free(buf);
    free(occ);
    free(counts);
    free(count);
    free(raw_to_id);
    phrasetab_free(&pt);
    strtab_free(&words);
    if (st != LRP_OK) train_data_free(d);
    return st;
}

// ----------------------------------------------------------------------------
// model initialisation

lrp_status train_model_init(const train_data *d, const train_options *o, lrp_model **out,
                            lrp_error *err)
{
    *out = NULL;
    model_shape shape = {.V = d->V, .E = o->embed, .H = o->hidden, .C = d->C, .L = 1, .D = 2,
                         .has_bias = 0};
    lrp_model *m;
    lrp_status st = model_create(&m, &shape, err);
    if (st != LRP_OK) return st;
    st = model_set_vocab(m, d->words, d->V, err);
    if (st == LRP_OK) st = model_set_labels(m, d->labels, d->C, err);
    if (st == LRP_OK) st = model_set_unk(m, UNK_WORD, err);
    if (st != LRP_OK) {
        lrp_model_free(m);
        return st;
    }
    m->lowercase = 1;

    const param_layout *L = &m->layout;
    const size_t E = shape.E, H = shape.H, G = 4 * H, Y = 2 * H;
    rng r = {key2(o->seed, STREAM_INIT), 0};
    double *p = m->params;
    for (size_t i = 0; i < shape.V * E; i++) p[L->emb + i] = o->embed_init * rng_normal(&r);
    const double a = 1.0 / sqrt((double)H), ao = 1.0 / sqrt((double)Y);
    for (size_t d2 = 0; d2 < 2; d2++) {
        for (size_t i = 0; i < G * E; i++) p[L->wx[0][d2] + i] = a * (2.0 * rng_uniform(&r) - 1.0);
        for (size_t i = 0; i < G * H; i++) p[L->wh[0][d2] + i] = a * (2.0 * rng_uniform(&r) - 1.0);
        for (size_t i = 0; i < G; i++) {
            double b1 = a * (2.0 * rng_uniform(&r) - 1.0), b2 = a * (2.0 * rng_uniform(&r) - 1.0);
            p[L->b[0][d2] + i] = b1 + b2;
        }
    }
    for (size_t i = 0; i < shape.C * Y; i++) p[L->wout + i] = ao * (2.0 * rng_uniform(&r) - 1.0);
    *out = m;
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// a batch of phrases: forward, loss, gradient (the batched kernels, src/fast)

/* Dropout and unk replacement of one phrase in one epoch (p = 0: none). */
typedef struct phrase_noise {
    double p;              /* dropout rate */
    double unk_rate;
    const uint32_t *rare;  /* [V] or NULL */
    uint64_t key;          /* key2(key2(seed, epoch), phrase) */
} phrase_noise;

static double noise_u(const phrase_noise *n, uint64_t draw, size_t i)
{
    return u01(key2(n->key ^ (draw << 56), i));
}

/* The gradient of a group of phrases (a shard of a minibatch): where batch_grad
 * writes it. */
typedef struct shard {
    double *dense;         /* [DP] gradient of the dense parameters (added to) */
    double *demb;          /* (cap_tokens, E) one embedding gradient row per word */
    int32_t *tok;          /* [cap_tokens] the rows' word ids */
    size_t n_tok;          /* rows written */
    double loss;           /* sum of the phrases' losses */
    size_t correct, n;     /* phrases classified right, phrases */
    lrp_status st;         /* of its batch_grad; err says why when not LRP_OK */
    lrp_error err;
} shard;

/* Per-thread buffers of batch_grad: the batch's phrases (filled by the caller), the
 * inputs after the noise, and the batched kernels' workspace. */
typedef struct batch_work {
    lrp_sentence *phr;      /* [cap_n] the phrases as read (caller) */
    int *label;             /* [cap_n] (caller) */
    phrase_noise *nz;       /* [cap_n] (caller) */
    lrp_sentence *sent;     /* [cap_n] after unk replacement */
    int32_t *ids;           /* (cap_tokens) */
    double *keep_x;         /* (cap_tokens, E) dropout scale of each input entry (0 or 1/(1-p)) */
    double *keep_top;       /* (cap_n, Y) */
    const double **px, **ptop; /* [cap_n] each phrase's masks, NULL without dropout */
    double *dscores;        /* (cap_n, C) */
    size_t cap_n, cap_tokens;
    fast_work_d w;
} batch_work;

static void batch_work_free(batch_work *bw)
{
    free(bw->phr);
    free(bw->label);
    free(bw->nz);
    free(bw->sent);
    free(bw->ids);
    free(bw->keep_x);
    free(bw->keep_top);
    free(bw->px);
    free(bw->ptop);
    free(bw->dscores);
    fast_work_free_d(&bw->w);
    memset(bw, 0, sizeof *bw);
}

/* Buffers for batches of up to cap_n phrases of up to Tmax words; the kernels'
 * workspace is sized for the largest such batch here, so that no batch of the
 * training needs more memory. */
static lrp_status batch_work_init(batch_work *bw, const lrp_model *m, const fast_pack_d *pack, size_t cap_n,
                                  size_t Tmax, lrp_error *err)
{
    memset(bw, 0, sizeof *bw);
    fast_work_init_d(&bw->w);
    const size_t E = m->shape.E, Y = m->shape.D * m->shape.H, C = m->shape.C, cap_t = cap_n * Tmax;
    bw->cap_n = cap_n;
    bw->cap_tokens = cap_t;
    bw->phr = malloc(cap_n * sizeof *bw->phr);
    bw->label = malloc(cap_n * sizeof *bw->label);
    bw->nz = malloc(cap_n * sizeof *bw->nz);
    bw->sent = malloc(cap_n * sizeof *bw->sent);
    bw->ids = calloc(cap_t, sizeof *bw->ids);
    bw->keep_x = malloc(cap_t * E * sizeof *bw->keep_x);
    bw->keep_top = malloc(cap_n * Y * sizeof *bw->keep_top);
    bw->px = malloc(cap_n * sizeof *bw->px);
    bw->ptop = malloc(cap_n * sizeof *bw->ptop);
    bw->dscores = malloc(cap_n * C * sizeof *bw->dscores);
    if (!bw->phr || !bw->label || !bw->nz || !bw->sent || !bw->ids || !bw->keep_x || !bw->keep_top ||
        !bw->px || !bw->ptop || !bw->dscores) {
        batch_work_free(bw);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a training workspace");
    }
    /* the largest batch: cap_n phrases of Tmax words (word 0) */
    for (size_t b = 0; b < cap_n; b++) bw->sent[b] = (lrp_sentence){bw->ids, Tmax, NULL};
    lrp_status st = fast_forward_d(pack, m, &bw->w, cap_n, bw->sent, err);
    if (st != LRP_OK) batch_work_free(bw);
    return st;
}

/* Forward and backward of bw's phrases as one batch, each with its noise, in groups:
 * group g is phrases first[g] <= b < first[g + 1] and its gradient goes to out[g]
 * (its own bits whatever the other groups: fast_backward_grouped): ADDS the gradient of
 * the dense parameters (the layout from layout.wx[0][0] to layout.emb) to out[g].dense, writes the
 * gradient of each word's embedding row, phrase after phrase, to out[g].demb and the
 * row's word id (after unk replacement) to out[g].tok; the loss gradient is scaled by
 * `scale` (1/B for a batch mean). Adds the phrases' losses -log p_y to out[g].loss and
 * the number whose argmax is y to out[g].correct. n_groups <= TRAIN_SHARDS. */
static lrp_status batch_grad(const lrp_model *m, const fast_pack_d *pack, batch_work *bw, size_t n_groups,
                             const size_t *first, double scale, shard *out, lrp_error *err)
{
    const model_shape *s = &m->shape;
    const size_t E = s->E, Y = s->D * s->H, C = s->C, n = first[n_groups];

    /* input: unk replacement of rare words; dropout on every embedding entry and on
     * the classifier input (the kernels apply the masks) */
    size_t at = 0;
    for (size_t b = 0; b < n; b++) {
        const phrase_noise *nz = &bw->nz[b];
        const size_t T = bw->phr[b].length;
        int32_t *ids = bw->ids + at;
        for (size_t t = 0; t < T; t++) {
            int32_t id = bw->phr[b].ids[t];
            if (nz->rare && nz->unk_rate > 0 && nz->rare[id] && noise_u(nz, DRAW_UNK, t) < nz->unk_rate)
                id = (int32_t)m->unk;
            ids[t] = id;
        }
        bw->sent[b] = (lrp_sentence){ids, T, NULL};
        bw->px[b] = bw->ptop[b] = NULL;
        if (nz->p > 0) {
            const double keep = 1.0 / (1.0 - nz->p);
            double *kx = bw->keep_x + at * E, *kt = bw->keep_top + b * Y;
            for (size_t i = 0; i < T * E; i++) kx[i] = noise_u(nz, DRAW_EMBED, i) < nz->p ? 0.0 : keep;
            for (size_t i = 0; i < Y; i++) kt[i] = noise_u(nz, DRAW_TOP, i) < nz->p ? 0.0 : keep;
            bw->px[b] = kx;
            bw->ptop[b] = kt;
        }
        at += T;
    }
    lrp_status st = fast_forward_masked_d(pack, m, &bw->w, n, bw->sent, bw->px, bw->ptop, err);
    if (st != LRP_OK) return st;

    /* softmax cross-entropy: loss = log sum exp(f) - f_y, d loss / d f = p - onehot(y) */
    for (size_t g = 0, b = 0; b < n; b++) {
        while (b >= first[g + 1]) g++; /* b's group */
        const double *f = bw->w.sent[b].scores;
        const int y = bw->label[b];
        double mx = f[0];
        int arg = 0;
        for (size_t c = 1; c < C; c++)
            if (f[c] > mx) {
                mx = f[c];
                arg = (int)c;
            }
        double z = 0.0;
        for (size_t c = 0; c < C; c++) z += exp(f[c] - mx);
        out[g].loss += log(z) + mx - f[y];
        out[g].correct += arg == y;
        for (size_t c = 0; c < C; c++)
            bw->dscores[b * C + c] = scale * (exp(f[c] - mx) / z - (c == (size_t)y));
    }

    /* backward: classifier, dropout, LSTM layers, dropout, embedding rows */
    double *dense[TRAIN_SHARDS];
    for (size_t g = 0; g < n_groups; g++) dense[g] = out[g].dense;
    fast_backward_grouped_d(pack, m, &bw->w, bw->dscores, n_groups, first, dense);
    at = 0;
    for (size_t g = 0; g < n_groups; g++) {
        shard *o = &out[g];
        o->n_tok = 0;
        for (size_t b = first[g]; b < first[g + 1]; b++)
            for (size_t t = 0; t < bw->sent[b].length; t++, at++, o->n_tok++) {
                fast_embedding_grad_d(pack, &bw->w, b, t, o->demb + o->n_tok * E);
                o->tok[o->n_tok] = bw->ids[at];
            }
    }
    return LRP_OK;
}

double train_loss_grad(const lrp_model *m, size_t n, const lrp_sentence *phrases, const int *labels,
                       double *grad)
{
    const size_t E = m->shape.E;
    size_t words = 0, Tmax = 0;
    for (size_t b = 0; b < n; b++) {
        words += phrases[b].length;
        if (phrases[b].length > Tmax) Tmax = phrases[b].length;
    }
    fast_pack_d *pack = NULL;
    batch_work bw;
    if (fast_pack_create_d(&pack, m, NULL) != LRP_OK) return NAN;
    if (batch_work_init(&bw, m, pack, n, Tmax, NULL) != LRP_OK) {
        fast_pack_free_d(pack);
        return NAN;
    }
    shard out = {.dense = grad + m->layout.wx[0][0]};
    out.demb = malloc(words * E * sizeof *out.demb);
    out.tok = malloc(words * sizeof *out.tok);
    for (size_t b = 0; b < n; b++) {
        bw.phr[b] = phrases[b];
        bw.label[b] = labels[b];
        bw.nz[b] = (phrase_noise){0};
    }
    const size_t first[2] = {0, n};
    double loss = NAN;
    if (out.demb && out.tok && batch_grad(m, pack, &bw, 1, first, 1.0, &out, NULL) == LRP_OK) {
        loss = out.loss;
        for (size_t i = 0; i < words; i++)
            for (size_t k = 0; k < E; k++)
                grad[m->layout.emb + (size_t)out.tok[i] * E + k] += out.demb[i * E + k];
    }
    free(out.demb);
    free(out.tok);
    batch_work_free(&bw);
    fast_pack_free_d(pack);
    return loss;
}

// ----------------------------------------------------------------------------
// the training loop: every thread runs it (SPMD) and meets the others at barriers

typedef struct trainer {
    const train_data *d;
    const train_options *o;
    const train_callbacks *cb;
    const char *out_path;
    lrp_model *m;          /* parameters being trained (float64) */
    lrp_model *snap;       /* the parameters as stored (dtype), for dev and saving */
    fast_pack_d *pack;       /* m's parameters packed for the kernels, after every update */
    size_t P, base, DP;    /* all parameters, first dense one, number of dense ones */
    double *g;             /* [P] gradient of the current batch */
    double *s1, *s2;       /* [P] optimiser state: Adam m and v; Adagrad sum of squares in s2 */
    uint32_t *order;       /* [n_phrases] this epoch's order */
    unsigned char *seen;   /* [V] embedding row already updated in this batch */
    shard shards[TRAIN_SHARDS];
    size_t cap_tokens;
    size_t nthreads;
    size_t grab;              /* shards a thread takes at once, as one batch of the kernels */
    atomic_size_t next_shard; /* the next shard of the batch to compute: threads take
                                 shards as they become free (the result does not depend
                                 on who computes a shard, nor with which others) */
    pthread_barrier_t bar;
    /* shared state, written by thread 0 between barriers */
    size_t epoch, step;
    double lr;
    /* 1: stop (callback), 2: failure (err holds it), 3: patience exhausted. Two flags,
     * because a flag read after a barrier must not be written before the next one:
     * stop is written during a minibatch (between its two barriers), stop_epoch in
     * end_epoch (after the minibatches' barriers, before the epoch's barrier). */
    int stop, stop_epoch;
    size_t since_best;
    double best_dev;
    char *best_bytes;      /* the file last written, as written (read back at the end) */
    size_t best_size;
    train_summary *sum;
    lrp_error err;
    double t_start;
    /* start gate: the threads wait until every one is created (or the count is cut) */
    pthread_mutex_t gate_mu;
    pthread_cond_t gate_cv;
    int gate_open;
} trainer;

typedef struct thread_arg {
    trainer *tr;
    size_t tid;
    batch_work w;
} thread_arg;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Gradient of shards [k0, k1) of the minibatch order[begin, begin + n) (shard k:
 * order[begin + n k / TRAIN_SHARDS, begin + n (k + 1) / TRAIN_SHARDS)), as one batch
 * whose shards sum their gradients apart. */
static void run_shards(trainer *tr, thread_arg *a, size_t k0, size_t k1, size_t begin, size_t n, double scale)
{
    const train_data *d = tr->d;
    const uint64_t ekey = key2(key2(tr->o->seed, STREAM_PHRASE), tr->epoch);
    size_t first[TRAIN_SHARDS + 1], b = 0;
    for (size_t k = k0; k < k1; k++) {
        shard *sh = &tr->shards[k]; /* sh->dense is zero: calloc'ed, then cleared by reduce_update */
        const size_t lo = begin + n * k / TRAIN_SHARDS, hi = begin + n * (k + 1) / TRAIN_SHARDS;
        sh->n_tok = 0;
        sh->loss = 0.0;
        sh->correct = 0;
        sh->n = hi - lo;
        sh->st = LRP_OK;
        first[k - k0] = b;
        for (size_t i = lo; i < hi; i++, b++) {
            const size_t p = tr->order[i], T = d->offset[p + 1] - d->offset[p];
            a->w.phr[b] = (lrp_sentence){d->ids + d->offset[p], T, NULL};
            a->w.label[b] = d->label[p];
            a->w.nz[b] = (phrase_noise){tr->o->dropout, tr->o->unk_rate, d->rare, key2(ekey, p)};
        }
    }
    first[k1 - k0] = b;
    if (b == 0) return;
    lrp_error err;
    lrp_status st = batch_grad(tr->m, tr->pack, &a->w, k1 - k0, first, scale, &tr->shards[k0], &err);
    if (st != LRP_OK)
        for (size_t k = k0; k < k1; k++) {
            tr->shards[k].st = st;
            tr->shards[k].err = err;
        }
}

/* Update parameters [at, at + n) from their gradients grad[0..n) plus the L2 term:
 * plain loops over flat arrays, so that they vectorise (sqrt needs no errno here: its
 * argument is never negative, and the file is compiled with -fno-math-errno). */
static void update_range(const trainer *tr, size_t at, size_t n, const double *grad, double c1, double c2)
{
    double *restrict p = tr->m->params + at, *restrict s1 = tr->s1 + at, *restrict s2 = tr->s2 + at;
    const double lr = tr->lr, l2 = tr->o->l2;
    if (tr->o->optimizer == TRAIN_ADAM) {
        /* m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, p -= lr mhat / (sqrt(vhat) + eps) */
        for (size_t i = 0; i < n; i++) {
            const double gi = grad[i] + l2 * p[i];
            const double m = 0.9 * s1[i] + 0.1 * gi, v = 0.999 * s2[i] + 0.001 * gi * gi;
            s1[i] = m;
            s2[i] = v;
            p[i] -= lr * (m / c1) / (sqrt(v / c2) + 1e-8);
        }
    } else {
        /* Adagrad: a += g^2, p -= lr g / (sqrt(a) + eps) */
        for (size_t i = 0; i < n; i++) {
            const double gi = grad[i] + l2 * p[i];
            const double a = s2[i] + gi * gi;
            s2[i] = a;
            p[i] -= lr * gi / (sqrt(a) + 1e-8);
        }
    }
}

/* Sum the shards' gradients in shard order and update this thread's share: dense
 * parameters [lo, hi) and the embedding rows with id % nthreads == tid. */
static void reduce_update(trainer *tr, size_t tid)
{
    const size_t DP = tr->DP, nt = tr->nthreads, E = tr->m->shape.E;
    const size_t lo = DP * tid / nt, hi = DP * (tid + 1) / nt;
    const double c1 = 1.0 - pow(0.9, (double)tr->step), c2 = 1.0 - pow(0.999, (double)tr->step);
    double *g = tr->g + tr->base;
    /* each shard's slice is cleared as it is read, for the next batch */
    memcpy(g + lo, tr->shards[0].dense + lo, (hi - lo) * sizeof(double));
    memset(tr->shards[0].dense + lo, 0, (hi - lo) * sizeof(double));
    for (size_t k = 1; k < TRAIN_SHARDS; k++) {
        double *src = tr->shards[k].dense;
        for (size_t i = lo; i < hi; i++) {
            g[i] += src[i];
            src[i] = 0.0;
        }
    }
    update_range(tr, tr->base + lo, hi - lo, g + lo, c1, c2);
    /* the packed copies of the parameters this thread changed */
    fast_pack_update_range_d(tr->pack, tr->m, tr->base + lo, tr->base + hi);

    /* embedding rows: accumulate in (shard, token) order, then update each touched row once */
    double *ge = tr->g + tr->m->layout.emb;
    for (size_t k = 0; k < TRAIN_SHARDS; k++) {
        const shard *sh = &tr->shards[k];
        for (size_t t = 0; t < sh->n_tok; t++) {
            const size_t id = (size_t)sh->tok[t];
            if (id % nt != tid) continue;
            double *row = ge + id * E;
            const double *src = sh->demb + t * E;
            for (size_t j = 0; j < E; j++) row[j] += src[j];
        }
    }
    for (size_t k = 0; k < TRAIN_SHARDS; k++) {
        const shard *sh = &tr->shards[k];
        for (size_t t = 0; t < sh->n_tok; t++) {
            const size_t id = (size_t)sh->tok[t];
            if (id % nt != tid || tr->seen[id]) continue;
            tr->seen[id] = 1; /* each row once per batch */
            update_range(tr, tr->m->layout.emb + id * E, E, ge + id * E, c1, c2);
        }
    }
    for (size_t k = 0; k < TRAIN_SHARDS; k++) {
        const shard *sh = &tr->shards[k];
        for (size_t t = 0; t < sh->n_tok; t++) {
            const size_t id = (size_t)sh->tok[t];
            if (id % nt != tid) continue;
            memset(ge + id * E, 0, E * sizeof(double));
            tr->seen[id] = 0;
        }
    }
}

typedef struct bytes_job {
    const char *data;
    size_t size;
} bytes_job;

static lrp_status fill_bytes(FILE *f, void *ctx, lrp_error *err)
{
    const bytes_job *b = ctx;
    if (fwrite(b->data, 1, b->size, f) != b->size)
        return lrp_fail(err, LRP_ERR_IO, "%s", strerror(errno ? errno : EIO));
    return LRP_OK;
}

/* Write the stored parameters to out_path, and keep the bytes written: the model
 * evaluated at the end is this run's, whatever else writes out_path meanwhile. */
static lrp_status save_best(trainer *tr)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *mf = open_memstream(&buf, &size);
    lrp_status st = mf ? model_write(tr->snap, mf, tr->o->dtype, LRP_FILE_GATE_ORDER, &tr->err)
                       : lrp_fail(&tr->err, LRP_ERR_NOMEM, "out of memory for the model's bytes");
    if (mf && fclose(mf) != 0 && st == LRP_OK)
        st = lrp_fail(&tr->err, LRP_ERR_NOMEM, "out of memory for the model's bytes");
    bytes_job job = {buf, size};
    if (st == LRP_OK) st = lrp_write_atomic(tr->out_path, fill_bytes, &job, &tr->err);
    if (st != LRP_OK) {
        free(buf);
        return st;
    }
    free(tr->best_bytes);
    tr->best_bytes = buf;
    tr->best_size = size;
    return LRP_OK;
}

/* Thread 0, after an epoch: the stored parameters, dev accuracy, saving, callback. */
static void end_epoch(trainer *tr, double loss, size_t correct, double seconds)
{
    const train_data *d = tr->d;
    train_epoch_stats es;
    memset(&es, 0, sizeof es);
    es.epoch = tr->epoch;
    es.loss = loss / (double)d->n_phrases;
    es.train_accuracy = (double)correct / (double)d->n_phrases;
    es.lr = tr->lr;
    es.seconds = seconds;
    es.phrases_per_second = seconds > 0 ? (double)d->n_phrases / seconds : 0.0;
    const size_t P = tr->P;
    for (size_t i = 0; i < P; i++)
        tr->snap->params[i] = tr->o->dtype == LRP_F32 ? (double)(float)tr->m->params[i] : tr->m->params[i];
    lrp_status st = model_check_finite(tr->snap, &tr->err);
    if (st == LRP_OK) st = model_prepare(tr->snap, &tr->err);
    if (st == LRP_OK)
        st = eval_sentences(tr->snap, d->dev, d->dev_label, d->n_dev, (int)tr->nthreads, NULL, &es.dev,
                            &tr->err);
    if (st == LRP_OK) {
        double acc = eval_accuracy(&es.dev);
        if (tr->sum->best_epoch == 0 || acc > tr->best_dev) {
            st = save_best(tr);
            tr->best_dev = acc;
            tr->sum->best_epoch = tr->epoch;
            tr->since_best = 0;
            es.best = 1;
        } else {
            tr->since_best++;
        }
    }
    if (st != LRP_OK) {
        tr->stop_epoch = 2;
        eval_result_free(&es.dev);
        return;
    }
    tr->sum->epochs = tr->epoch;
    es.elapsed = now_seconds() - tr->t_start;
    if (tr->cb && tr->cb->epoch && tr->cb->epoch(tr->cb->ctx, &es)) tr->stop_epoch = 1;
    if (tr->o->patience && tr->since_best >= tr->o->patience && !tr->stop_epoch) tr->stop_epoch = 3;
    eval_result_free(&es.dev);
}

static void *train_thread(void *arg)
{
    thread_arg *a = arg;
    trainer *tr = a->tr;
    const train_data *d = tr->d;
    const train_options *o = tr->o;
    const size_t tid = a->tid, N = d->n_phrases, B = o->batch;
    pthread_mutex_lock(&tr->gate_mu);
    while (!tr->gate_open) pthread_cond_wait(&tr->gate_cv, &tr->gate_mu);
    pthread_mutex_unlock(&tr->gate_mu);
    if (tid >= tr->nthreads) return NULL; /* not needed: a later thread could not start */
    for (size_t epoch = 1; epoch <= o->epochs; epoch++) {
        double t0 = 0.0, loss = 0.0;
        size_t correct = 0;
        if (tid == 0) {
            tr->epoch = epoch;
            tr->lr = o->lr * pow(o->lr_decay, (double)(epoch - 1));
            /* Fisher-Yates from this epoch's stream */
            rng r = {key2(key2(o->seed, STREAM_SHUFFLE), epoch), 0};
            for (size_t i = 0; i < N; i++) tr->order[i] = (uint32_t)i;
            for (size_t i = N; i > 1; i--) {
                size_t j = (size_t)(rng_uniform(&r) * (double)i);
                uint32_t t = tr->order[i - 1];
                tr->order[i - 1] = tr->order[j];
                tr->order[j] = t;
            }
            t0 = now_seconds();
        }
        pthread_barrier_wait(&tr->bar);
        for (size_t begin = 0; begin < N; begin += B) {
            const size_t n = N - begin < B ? N - begin : B;
            for (size_t k; (k = atomic_fetch_add(&tr->next_shard, tr->grab)) < TRAIN_SHARDS;)
                run_shards(tr, a, k, k + tr->grab < TRAIN_SHARDS ? k + tr->grab : TRAIN_SHARDS, begin, n,
                           1.0 / (double)n);
            if (tid == 0) tr->step++;
            pthread_barrier_wait(&tr->bar);
            reduce_update(tr, tid);
            if (tid == 0) {
                atomic_store(&tr->next_shard, 0); /* every thread has left the loop above */
                for (size_t k = 0; k < TRAIN_SHARDS; k++) {
                    loss += tr->shards[k].loss;
                    correct += tr->shards[k].correct;
                    if (tr->shards[k].st != LRP_OK && !tr->stop) {
                        tr->err = tr->shards[k].err;
                        tr->stop = 2;
                    }
                }
                if (!tr->stop && tr->cb && tr->cb->batch && tr->cb->batch(tr->cb->ctx, epoch, begin + n, N))
                    tr->stop = 1;
            }
            pthread_barrier_wait(&tr->bar);
            if (tr->stop) return NULL;
        }
        if (tid == 0) end_epoch(tr, loss, correct, now_seconds() - t0);
        pthread_barrier_wait(&tr->bar);
        if (tr->stop_epoch) return NULL;
    }
    return NULL;
}

void train_summary_free(train_summary *s)
{
    if (!s) return;
    eval_result_free(&s->dev);
    eval_result_free(&s->test);
    memset(s, 0, sizeof *s);
}

/* Out of memory for the minibatches' workspaces: say what takes the memory. */
static lrp_status batch_nomem(lrp_error *err, size_t B, size_t T)
{
    return lrp_fail(err, LRP_ERR_NOMEM,
                    "out of memory for minibatches of %zu phrases of up to %zu words (about %.0f MB per "
                    "phrase of a batch): choose a smaller batch (--batch)",
                    B, T, (double)T * TRAIN_BATCH_BYTES_PER_WORD / 1e6);
}

lrp_status train_run(const train_data *d, const train_options *o, const char *out_path,
                     const train_callbacks *cb, train_summary *sum, lrp_error *err)
{
    if (!d || !o || !out_path || !sum)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "data, options, output path and summary must not be NULL");
    memset(sum, 0, sizeof *sum);
    lrp_status st = train_options_check(o, err);
    if (st != LRP_OK) return st;
    if (d->n_phrases == 0 || d->n_dev == 0)
        return lrp_fail(err, LRP_ERR_INPUT, "no training phrases or no dev sentences");
    /* the first write comes after an epoch: a path that cannot be written fails now */
    st = lrp_write_check(out_path, err);
    if (st != LRP_OK) return st;

    trainer tr;
    memset(&tr, 0, sizeof tr);
    atomic_init(&tr.next_shard, 0);
    tr.d = d;
    tr.o = o;
    tr.cb = cb;
    tr.out_path = out_path;
    tr.sum = sum;
    tr.t_start = now_seconds();
    size_t nt = o->threads == 0 ? (size_t)lrp_default_threads() : (size_t)o->threads;
    tr.nthreads = nt > TRAIN_SHARDS ? TRAIN_SHARDS : nt;

    const size_t B = o->batch < d->n_phrases ? o->batch : d->n_phrases;
    const size_t per_shard = (B + TRAIN_SHARDS - 1) / TRAIN_SHARDS;
    st = train_model_init(d, o, &tr.m, err);
    if (st == LRP_OK) st = train_model_init(d, o, &tr.snap, err);
    thread_arg *args = NULL;
    size_t n_args = 0;
    if (st == LRP_OK) {
        const param_layout *L = &tr.m->layout;
        tr.P = L->total;
        tr.base = L->wx[0][0];
        tr.DP = L->emb - tr.base; /* the dense parameters come before the embedding */
        /* the most words a shard can hold: its share of a batch, each a longest phrase
         * (no batch holds more phrases than the data has) */
        tr.cap_tokens = per_shard * d->max_length;
        tr.g = calloc(tr.P, sizeof *tr.g);
        tr.s1 = calloc(tr.P, sizeof *tr.s1);
        tr.s2 = calloc(tr.P, sizeof *tr.s2);
        tr.order = malloc(d->n_phrases * sizeof *tr.order);
        tr.seen = calloc(d->V, 1);
        args = calloc(tr.nthreads, sizeof *args);
        int ok = tr.g && tr.s1 && tr.s2 && tr.order && tr.seen && args, ok_batch = 1;
        for (size_t k = 0; k < TRAIN_SHARDS && ok && ok_batch; k++) {
            shard *sh = &tr.shards[k];
            sh->dense = calloc(tr.DP, sizeof(double));
            sh->demb = malloc(tr.cap_tokens * o->embed * sizeof(double));
            sh->tok = malloc(tr.cap_tokens * sizeof *sh->tok);
            ok = sh->dense != NULL;
            ok_batch = sh->demb && sh->tok;
        }
        if (!ok) st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the trainer's buffers");
        else if (!ok_batch) st = batch_nomem(err, B, d->max_length);
    }
    if (st == LRP_OK) st = fast_pack_create_d(&tr.pack, tr.m, err);
    /* a thread takes its share of the shards as one batch of the kernels (the larger
     * the batch, the better they do; taking 2 at a time on 2 threads to share the work
     * out more evenly was no faster) */
    tr.grab = TRAIN_SHARDS / tr.nthreads;
    for (size_t t = 0; t < tr.nthreads && st == LRP_OK; t++, n_args++) {
        args[t].tr = &tr;
        args[t].tid = t;
        st = batch_work_init(&args[t].w, tr.m, tr.pack, tr.grab * per_shard, d->max_length, err);
        if (st == LRP_ERR_NOMEM) st = batch_nomem(err, B, d->max_length);
    }
    if (st == LRP_OK) {
        /* Start the threads, then fix the count to those that started (the result does
         * not depend on it) before they pass the gate. */
        pthread_mutex_init(&tr.gate_mu, NULL);
        pthread_cond_init(&tr.gate_cv, NULL);
        pthread_t tid[TRAIN_SHARDS];
        size_t started = 1;
        for (; started < tr.nthreads; started++)
            if (pthread_create(&tid[started], NULL, train_thread, &args[started]) != 0) break;
        pthread_mutex_lock(&tr.gate_mu);
        tr.nthreads = started;
        if (pthread_barrier_init(&tr.bar, NULL, (unsigned)started) != 0) {
            st = lrp_fail(err, LRP_ERR_NOMEM, "cannot create a barrier for %zu threads", started);
            tr.nthreads = 0; /* every thread returns at the gate */
        }
        tr.gate_open = 1;
        pthread_cond_broadcast(&tr.gate_cv);
        pthread_mutex_unlock(&tr.gate_mu);
        if (st == LRP_OK) train_thread(&args[0]);
        for (size_t t = 1; t < started; t++) pthread_join(tid[t], NULL);
        if (st == LRP_OK) pthread_barrier_destroy(&tr.bar);
        pthread_cond_destroy(&tr.gate_cv);
        pthread_mutex_destroy(&tr.gate_mu);
    }
    const int stop = tr.stop ? tr.stop : tr.stop_epoch;
    if (st == LRP_OK && stop == 2) st = lrp_fail(err, tr.err.status, "%s", tr.err.message);
    sum->stopped = stop == 1;

    /* the written model, read back from the bytes written */
    if (st == LRP_OK && sum->best_epoch > 0) {
        lrp_model *best = NULL;
        st = lrp_model_load_memory(&best, tr.best_bytes, tr.best_size, err);
        if (st == LRP_OK)
            st = eval_sentences(best, d->dev, d->dev_label, d->n_dev, (int)tr.nthreads, NULL, &sum->dev, err);
        if (st == LRP_OK && d->n_test)
            st = eval_sentences(best, d->test, d->test_label, d->n_test, (int)tr.nthreads, NULL,
                                &sum->test, err);
        lrp_model_free(best);
    }
    sum->seconds = now_seconds() - tr.t_start;

    for (size_t t = 0; t < n_args; t++) batch_work_free(&args[t].w);
    free(args);
    for (size_t k = 0; k < TRAIN_SHARDS; k++) {
        free(tr.shards[k].dense);
        free(tr.shards[k].demb);
        free(tr.shards[k].tok);
    }
    fast_pack_free_d(tr.pack);
    free(tr.g);
    free(tr.s1);
    free(tr.s2);
    free(tr.order);
    free(tr.seen);
    lrp_model_free(tr.m);
    lrp_model_free(tr.snap);
    free(tr.best_bytes);
    if (st != LRP_OK) train_summary_free(sum);
    return st;
}
