/*
 * model.c - the in-memory model: parameter layout, vocabulary and labels, and the
 * public getters. Reading and writing files is in model_io.c.
 */
#include "core/model.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "fast/fast.h"
#include "text/text.h"

// ----------------------------------------------------------------------------
// parameter layout

static const char *const cell_names[] = {"lstm", "gru"};
static const char *const pooling_names[] = {"last", "mean", "max", "attention"};
static const char *const activation_names[] = {"relu", "tanh"};

const char *model_cell_name(model_cell c) { return (unsigned)c < 2 ? cell_names[c] : "?"; }
const char *model_pooling_name(model_pooling p) { return (unsigned)p < 4 ? pooling_names[p] : "?"; }
const char *model_activation_name(model_activation a) { return (unsigned)a < 2 ? activation_names[a] : "?"; }

static int name_index(const char *name, const char *const *names, int n)
{
    for (int k = 0; name && k < n; k++)
        if (strcmp(name, names[k]) == 0) return k;
    return -1;
}
int model_cell_parse(const char *name) { return name_index(name, cell_names, 2); }
int model_pooling_parse(const char *name) { return name_index(name, pooling_names, 4); }
int model_activation_parse(const char *name) { return name_index(name, activation_names, 2); }

lrp_status param_layout_init(param_layout *layout, const model_shape *s, lrp_error *err)
{
    if (s->V == 0 || s->E == 0 || s->H == 0 || s->C == 0 || s->L == 0)
        return lrp_fail(err, LRP_ERR_ARGUMENT,
                        "model sizes must be positive (V=%zu E=%zu H=%zu C=%zu layers=%zu)",
                        s->V, s->E, s->H, s->C, s->L);
    if (s->D != 1 && s->D != 2)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "directions must be 1 or 2, got %zu", s->D);
    if (s->L > LRP_MAX_LAYERS)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "at most %d stacked layers are supported, got %zu",
                        LRP_MAX_LAYERS, s->L);
    if (s->V > INT32_MAX)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "vocabulary of %zu words is too large", s->V);
    if (s->cell != CELL_LSTM && s->cell != CELL_GRU)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown cell %d", (int)s->cell);
    if ((unsigned)s->pooling > POOL_ATTENTION)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown pooling %d", (int)s->pooling);
    if (s->activation != ACT_RELU && s->activation != ACT_TANH)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown activation %d", (int)s->activation);
    if ((s->pooling == POOL_ATTENTION) != (s->A > 0))
        return lrp_fail(err, LRP_ERR_ARGUMENT,
                        s->A ? "an attention size (%zu) without attention pooling"
                             : "attention pooling needs a positive attention size (got %zu)",
                        s->A);
    if (s->n_dense > LRP_MAX_DENSE)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "at most %d dense layers are supported, got %zu",
                        LRP_MAX_DENSE, s->n_dense);
    for (size_t k = 0; k < s->n_dense; k++)
        if (s->dense[k] == 0)
            return lrp_fail(err, LRP_ERR_ARGUMENT, "dense layer %zu has size 0", k);

    memset(layout, 0, sizeof *layout);
    size_t at = 0, n;
    int ok = 1;
#define TAKE(field, a, b)                                                                  \
    do {                                                                                   \
        ok = ok && lrp_mul_size((a), (b), &n);                                             \
        (field) = at;                                                                      \
        ok = ok && lrp_add_size(at, n, &at);                                               \
    } while (0)
    size_t G = 0, Y = 0;
    ok = lrp_mul_size(model_gates(s), s->H, &G) && lrp_mul_size(s->D, s->H, &Y);
    for (size_t l = 0; l < s->L; l++) {
        for (size_t d = 0; d < s->D; d++) {
            TAKE(layout->wx[l][d], G, model_layer_input(s, l));
            TAKE(layout->wh[l][d], G, s->H);
            TAKE(layout->b[l][d], G, 1);
            if (s->cell == CELL_GRU) TAKE(layout->bh[l][d], G, 1);
        }
    }
    if (s->pooling == POOL_ATTENTION) {
        TAKE(layout->att_w, s->A, Y);
        TAKE(layout->att_b, s->A, 1);
        TAKE(layout->att_v, s->A, 1);
    }
    for (size_t k = 0; k < s->n_dense; k++) {
        TAKE(layout->dense_w[k], s->dense[k], model_dense_input(s, k));
        TAKE(layout->dense_b[k], s->dense[k], 1);
    }
    TAKE(layout->wout, s->C, model_dense_input(s, s->n_dense));
    if (s->has_bias) TAKE(layout->bout, s->C, 1);
    TAKE(layout->emb, s->V, s->E);
#undef TAKE
    size_t bytes;
    if (!ok || !lrp_mul_size(at, sizeof(double), &bytes))
        return lrp_fail(err, LRP_ERR_NOMEM, "model sizes overflow (V=%zu E=%zu H=%zu C=%zu)",
                        s->V, s->E, s->H, s->C);
    layout->total = at;
    return LRP_OK;
}

size_t model_tensors(const model_shape *s, const param_layout *p, model_tensor *v)
{
    static const char *const dir[2] = {"fwd", "bwd"};
    const size_t G = model_gates(s) * s->H, Y = s->D * s->H;
    size_t n = 0;
#define TENSOR(rank_, rows_, cols_, offset_, block_, ...)                                          \
    do {                                                                                           \
        snprintf(v[n].name, sizeof v[n].name, __VA_ARGS__);                                        \
        v[n].rank = (rank_);                                                                       \
        v[n].rows = (rows_);                                                                       \
        v[n].cols = (cols_);                                                                       \
        v[n].offset = p ? (offset_) : 0;                                                           \
        v[n].block = (block_);                                                                     \
        n++;                                                                                       \
    } while (0)
    TENSOR(2, s->V, s->E, p->emb, 0, "embedding");
    for (size_t l = 0; l < s->L; l++) {
        const size_t in = model_layer_input(s, l);
        for (size_t d = 0; d < s->D; d++) {
            char prefix[40];
            if (s->L == 1) snprintf(prefix, sizeof prefix, "encoder.%s", dir[d]);
            else snprintf(prefix, sizeof prefix, "encoder.l%zu.%s", l, dir[d]);
            TENSOR(2, G, in, p->wx[l][d], s->H, "%s.weight_x", prefix);
            TENSOR(2, G, s->H, p->wh[l][d], s->H, "%s.weight_h", prefix);
            if (s->cell == CELL_GRU) {
                TENSOR(1, G, 1, p->b[l][d], s->H, "%s.bias_x", prefix);
                TENSOR(1, G, 1, p->bh[l][d], s->H, "%s.bias_h", prefix);
            } else {
                TENSOR(1, G, 1, p->b[l][d], s->H, "%s.bias", prefix);
            }
        }
    }
    if (s->pooling == POOL_ATTENTION) {
        TENSOR(2, s->A, Y, p->att_w, 0, "attention.weight");
        TENSOR(1, s->A, 1, p->att_b, 0, "attention.bias");
        TENSOR(1, s->A, 1, p->att_v, 0, "attention.vector");
    }
    for (size_t k = 0; k < s->n_dense; k++) {
        TENSOR(2, s->dense[k], model_dense_input(s, k), p->dense_w[k], 0, "dense.l%zu.weight", k);
        TENSOR(1, s->dense[k], 1, p->dense_b[k], 0, "dense.l%zu.bias", k);
    }
    TENSOR(2, s->C, model_dense_input(s, s->n_dense), p->wout, 0, "classifier.weight");
    if (s->has_bias) TENSOR(1, s->C, 1, p->bout, 0, "classifier.bias");
#undef TENSOR
    return n;
}

// ----------------------------------------------------------------------------
// gate order

lrp_status model_parse_gates(model_cell cell, const char *order, int gate[GATE_COUNT], lrp_error *err)
{
    /* the letters, indexed by internal block (GATE_*, GRU_*) */
    const char *letters = cell == CELL_GRU ? LRP_GRU_GATE_ORDER : LRP_INTERNAL_GATE_ORDER;
    const char *expected = cell == CELL_GRU
                               ? "a permutation of the three letters rzn of a GRU's gate blocks "
                                 "(\"rzn\": PyTorch's nn.GRU)"
                               : "a permutation of the four letters igfo (\"igfo\" reference code, "
                                 "\"ifgo\" PyTorch)";
    const size_t n = strlen(letters);
    unsigned seen = 0;
    if (!order || strlen(order) != n)
        return lrp_fail(err, LRP_ERR_FORMAT, "gate_order \"%.16s\": expected %s", order ? order : "",
                        expected);
    for (size_t k = 0; k < n; k++) {
        const char *at = order[k] ? memchr(letters, order[k], n) : NULL;
        const int g = at ? (int)(at - letters) : -1;
        if (g < 0 || (seen & (1u << g)))
            return lrp_fail(err, LRP_ERR_FORMAT, "gate_order \"%.16s\": expected %s", order, expected);
        seen |= 1u << g;
        gate[k] = g;
    }
    return LRP_OK;
}

lrp_status model_parse_gate_order(const char *order, int gate[GATE_COUNT], lrp_error *err)
{
    return model_parse_gates(CELL_LSTM, order, gate, err);
}

// ----------------------------------------------------------------------------
// the architecture in one line

const char *model_describe(const model_shape *s, char *buf, size_t len)
{
    size_t at = 0;
    if (len == 0) return buf;
    buf[0] = '\0';
    lrp_append(buf, len, &at, "%zu-layer %s%s", s->L, s->D == 2 ? "bi-" : "", s->cell == CELL_GRU ? "GRU" : "LSTM");
    if (s->pooling == POOL_ATTENTION) lrp_append(buf, len, &at, ", attention (A=%zu)", s->A);
    else lrp_append(buf, len, &at, s->pooling == POOL_LAST ? ", last states" : ", %s pooling",
                    model_pooling_name(s->pooling));
    for (size_t k = 0; k < s->n_dense; k++) lrp_append(buf, len, &at, "%s%zu", k ? "," : ", dense ", s->dense[k]);
    if (s->n_dense) lrp_append(buf, len, &at, " %s", model_activation_name(s->activation));
    lrp_append(buf, len, &at, ", %zu class%s", s->C, s->C == 1 ? "" : "es");
    return buf;
}

// ----------------------------------------------------------------------------
// creation and release

static void point_views(lrp_model *m)
{
    const model_shape *s = &m->shape;
    const param_layout *p = &m->layout;
    m->emb = m->emb_kind == MODEL_EMB_F64 ? m->params + p->emb : NULL;
    for (size_t l = 0; l < s->L; l++) {
        for (size_t d = 0; d < s->D; d++) {
            rnn_weights *w = &m->rnn[l][d];
            w->in = model_layer_input(s, l);
            w->H = s->H;
            w->wx = m->params + p->wx[l][d];
            w->wh = m->params + p->wh[l][d];
            w->b = m->params + p->b[l][d];
            w->bh = s->cell == CELL_GRU ? m->params + p->bh[l][d] : NULL;
        }
    }
    if (s->pooling == POOL_ATTENTION) {
        m->att_w = m->params + p->att_w;
        m->att_b = m->params + p->att_b;
        m->att_v = m->params + p->att_v;
    }
    for (size_t k = 0; k < s->n_dense; k++) {
        m->dense_w[k] = m->params + p->dense_w[k];
        m->dense_b[k] = m->params + p->dense_b[k];
    }
    m->wout = m->params + p->wout;
    m->bout = s->has_bias ? m->params + p->bout : NULL;
}

lrp_status model_create(lrp_model **out, const model_shape *shape, lrp_error *err)
{
    return model_create_ex(out, shape, MODEL_EMB_F64, err);
}

lrp_status model_create_ex(lrp_model **out, const model_shape *shape, model_emb_kind kind,
                           lrp_error *err)
{
    *out = NULL;
    param_layout layout;
    lrp_status st = param_layout_init(&layout, shape, err);
    if (st != LRP_OK) return st;
    lrp_model *m = calloc(1, sizeof *m);
    if (!m) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory allocating the model");
    m->shape = *shape;
    m->layout = layout;
    m->unk = -1;
    m->emb_kind = kind;
    if (pthread_mutex_init(&m->pack_mu, NULL) != 0) {
        free(m);
        return lrp_fail(err, LRP_ERR_NOMEM, "cannot create the model's lock");
    }
    /* the layout checked the products */
    const size_t n32 = kind == MODEL_EMB_F32 ? layout.total - layout.emb : 0;
    m->params = lrp_alloc_large(model_stored(m) * sizeof(double));
    m->emb32 = m->emb32_owned = n32 ? lrp_alloc_large(n32 * sizeof(float)) : NULL;
    if (!m->params || (n32 && !m->emb32)) {
        lrp_free_large(m->params, model_stored(m) * sizeof(double));
        lrp_free_large(m->emb32_owned, n32 * sizeof(float));
        pthread_mutex_destroy(&m->pack_mu);
        free(m);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory allocating %zu parameters",
                        layout.total);
    }
    point_views(m);
    model_describe(shape, m->description, sizeof m->description);
    *out = m;
    return LRP_OK;
}

lrp_status model_prepare(lrp_model *m, lrp_error *err)
{
    (void)err;
    m->prepared = 1;
    if (m->pack_d) fast_pack_update_d(m->pack_d, m);
    if (m->pack_f) fast_pack_update_f(m->pack_f, m);
    return LRP_OK;
}

/* The model's pack in one precision, made under its lock when there is none yet.
 * The model is shared read-only; its packs are a cache, filled once. */
#define MODEL_PACK(S)                                                                          \
    const struct fast_pack_##S *model_pack_##S(const lrp_model *cm, lrp_error *err)              \
    {                                                                                          \
        lrp_model *m = (lrp_model *)cm; /* allocated mutable: model_create_ex */               \
        struct fast_pack_##S *p = atomic_load_explicit(&m->pack_##S, memory_order_acquire);      \
        if (p) return p;                                                                       \
        pthread_mutex_lock(&m->pack_mu);                                                       \
        p = atomic_load_explicit(&m->pack_##S, memory_order_relaxed);                          \
        if (!p && fast_pack_create_##S(&p, m, err) == LRP_OK)                                    \
            atomic_store_explicit(&m->pack_##S, p, memory_order_release);                      \
        pthread_mutex_unlock(&m->pack_mu);                                                     \
        return p;                                                                              \
    }
MODEL_PACK(d)
MODEL_PACK(f)
#undef MODEL_PACK

void lrp_model_free(lrp_model *m)
{
    if (!m) return;
    fast_pack_free_d(m->pack_d);
    fast_pack_free_f(m->pack_f);
    pthread_mutex_destroy(&m->pack_mu);
    lrp_free_large(m->params, model_stored(m) * sizeof(double));
    lrp_free_large(m->emb32_owned, (m->layout.total - m->layout.emb) * sizeof(float));
    lrp_file_view_close(&m->file);
    free(m->words); /* one block each: copy_strings */
    free(m->labels);
    hash_table_free(&m->vocab_index);
    free(m);
}

// ----------------------------------------------------------------------------
// vocabulary: the words in m->words, their ids by core/hash.h

static long lookup(const lrp_model *m, const char *word)
{
    return hash_table_find(&m->vocab_index, hash_string(word), word, hash_string_match, m->words);
}

/* n strings in one block: the pointers, then the text. NULL when out of memory. */
static char **copy_strings(const char *const *src, size_t n)
{
    size_t bytes = 0;
    int ok = lrp_mul_size(n ? n : 1, sizeof(char *), &bytes);
    for (size_t i = 0; ok && i < n; i++) ok = lrp_add_size(bytes, strlen(src[i]) + 1, &bytes);
    char **dst = ok ? malloc(bytes) : NULL;
    if (!dst) return NULL;
    char *at = (char *)(dst + (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(src[i]);
        memcpy(at, src[i], len + 1);
        dst[i] = at;
        at += len + 1;
    }
    return dst;
}

lrp_status model_set_vocab(lrp_model *m, const char *const *words, size_t n, lrp_error *err)
{
    if (n != m->shape.V)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "vocab: %zu words, but embedding has %zu rows", n, m->shape.V);
    hash_table index;
    hash_table_init(&index);
    char **copy = copy_strings(words, n);
    if (!copy || !hash_table_reserve(&index, n, hash_string_entry, copy)) {
        free(copy);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a vocabulary of %zu words", n);
    }
    lrp_status st = LRP_OK;
    for (size_t id = 0; id < n && st == LRP_OK; id++) {
        const char *w = copy[id];
        if (w[0] == '\0') {
            st = lrp_fail(err, LRP_ERR_FORMAT, "vocab: word %zu is empty", id);
            break;
        }
        const char *c = text_control(w, TEXT_ALLOW_TAB); /* a tab is no harm: words never hold one */
        if (c && (*c == '\n' || *c == '\r')) {
            st = lrp_fail(err, LRP_ERR_FORMAT, "vocab: word %zu contains a line break", id);
            break;
        }
        if (c) {
            st = lrp_fail(err, LRP_ERR_FORMAT, "vocab: word %zu contains the control character U+%04X", id,
                          text_control_code(c));
            break;
        }
        int added;
        const size_t first = hash_table_put(&index, hash_string(w), w, hash_string_match, copy, &added);
        if (!added)
            st = lrp_fail(err, LRP_ERR_FORMAT, "vocab: duplicate word \"%.80s\" at lines %zu and %zu", w,
                          first + 1, id + 1);
    }
    if (st != LRP_OK) {
        hash_table_free(&index);
        free(copy);
        return st;
    }
    free(m->words);
    hash_table_free(&m->vocab_index);
    m->words = copy;
    m->vocab_index = index;
    return LRP_OK;
}

lrp_status model_set_labels(lrp_model *m, const char *const *labels, size_t n, lrp_error *err)
{
    if (n != m->shape.C)
        return lrp_fail(err, LRP_ERR_FORMAT, "labels: %zu names, but the classifier has %zu classes",
                        n, m->shape.C);
    for (size_t i = 0; i < n; i++) {
        if (labels[i][0] == '\0')
            return lrp_fail(err, LRP_ERR_FORMAT, "labels: class %zu has an empty name", i);
        const char *c = text_control(labels[i], TEXT_ALLOW_TAB);
        if (c)
            return lrp_fail(err, LRP_ERR_FORMAT, "labels: the name of class %zu contains the control character U+%04X",
                            i, text_control_code(c));
        for (size_t j = 0; j < i; j++)
            if (strcmp(labels[i], labels[j]) == 0)
                return lrp_fail(err, LRP_ERR_FORMAT, "labels: duplicate name \"%.80s\" (classes %zu and %zu)",
                                labels[i], j, i);
    }
    char **copy = copy_strings(labels, n);
    if (!copy) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for %zu labels", n);
    free(m->labels);
    m->labels = copy;
    return LRP_OK;
}

lrp_status model_set_unk(lrp_model *m, const char *word, lrp_error *err)
{
    if (!word || !word[0]) {
        m->unk = -1;
        return LRP_OK;
    }
    long id = lookup(m, word);
    if (id < 0)
        return lrp_fail(err, LRP_ERR_FORMAT, "unk: the word \"%.80s\" is not in the vocabulary", word);
    m->unk = id;
    return LRP_OK;
}

const char *model_param_name(const lrp_model *m, size_t i, char *buf, size_t len)
{
    model_tensor v[MODEL_MAX_TENSORS];
    const size_t n = model_tensors(&m->shape, &m->layout, v);
    /* every tensor is contiguous in the layout: the one holding i */
    for (size_t k = 0; k < n; k++)
        if (i >= v[k].offset && i - v[k].offset < v[k].rows * v[k].cols) {
            snprintf(buf, len, "%s", v[k].name);
            return buf;
        }
    snprintf(buf, len, "?");
    return buf;
}

lrp_status model_check_finite(const lrp_model *m, lrp_error *err)
{
    for (size_t i = 0; i < m->layout.total; i++) {
        const double v = model_param(m, i);
        if (!isfinite(v)) {
            char name[64];
            return lrp_fail(err, LRP_ERR_FORMAT, "%s: non-finite value (%g) at element %zu",
                            model_param_name(m, i, name, sizeof name), v, i);
        }
    }
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// public getters

void lrp_model_get_info(const lrp_model *m, lrp_model_info *info)
{
    info->vocab_size = m->shape.V;
    info->embed_dim = m->shape.E;
    info->hidden_dim = m->shape.H;
    info->classes = m->shape.C;
    info->layers = m->shape.L;
    info->directions = m->shape.D;
    info->has_output_bias = m->shape.has_bias;
    info->lowercase = m->lowercase;
    info->unk_id = m->unk;
    info->cell = model_cell_name(m->shape.cell);
    info->pooling = model_pooling_name(m->shape.pooling);
    info->attention_dim = m->shape.A;
    info->n_dense = m->shape.n_dense;
    info->dense_sizes = m->shape.n_dense ? m->shape.dense : NULL;
    info->activation = model_activation_name(m->shape.activation);
}

const char *lrp_model_describe(const lrp_model *m)
{
    return m ? m->description : "";
}

const char *lrp_model_word(const lrp_model *m, size_t id)
{
    return (m->words && id < m->shape.V) ? m->words[id] : NULL;
}

const char *lrp_model_label(const lrp_model *m, size_t c)
{
    return (m->labels && c < m->shape.C) ? m->labels[c] : NULL;
}

long lrp_model_lookup(const lrp_model *m, const char *word)
{
    return word ? lookup(m, word) : -1;
}

int lrp_model_label_index(const lrp_model *m, const char *label)
{
    if (!label || !label[0]) return -1;
    for (size_t c = 0; c < m->shape.C; c++)
        if (m->labels && strcmp(m->labels[c], label) == 0) return (int)c;
    char *end;
    long v = strtol(label, &end, 10);
    if (*end == '\0' && label[0] >= '0' && label[0] <= '9' && v >= 0 && (size_t)v < m->shape.C)
        return (int)v;
    return -1;
}
