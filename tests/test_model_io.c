/*
 * test_model_io.c - the model file written and read back: round trips of random
 * models of every kind the engine holds (bidirectional, unidirectional, stacked,
 * with and without classifier bias) in F64 (bit-identical) and F32 (float-rounded);
 * the golden fixtures saved, loaded and explained reproduce the golden values
 * (1e-12); gate orders igfo and ifgo; deterministic bytes; files written by numpy
 * (tests/data/models, see make_fixtures.py there); save failures. The loader's
 * rejections are in test_model_io_errors.c.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/explain_internal.h"
#include "core/model.h"
#include "io/model_io.h"
#include "io/safetensors.h"
#include "testutil.h"

// ----------------------------------------------------------------------------
// helpers

static lrp_model *load_bytes(const unsigned char *b, size_t n)
{
    lrp_model *m = NULL;
    lrp_error err;
    lrp_status st = lrp_model_load_memory(&m, b, n, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    return m;
}

static void path_in_tmp(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tu_tmpdir(), name);
}

/* Same shape, vocabulary, labels, unk and lowercase; parameters equal after
 * rounding through `dtype` (F64: bit-identical). */
static void check_same_model(const char *tag, const lrp_model *a, const lrp_model *b, lrp_dtype dtype)
{
    const model_shape *x = &a->shape, *y = &b->shape;
    int same = x->V == y->V && x->E == y->E && x->H == y->H && x->C == y->C && x->L == y->L &&
               x->D == y->D && x->has_bias == y->has_bias && x->cell == y->cell && x->pooling == y->pooling &&
               x->A == y->A && x->n_dense == y->n_dense && x->activation == y->activation &&
               memcmp(x->dense, y->dense, sizeof x->dense) == 0;
    TU_CHECK(same, "%s: shapes differ (%s; %s)", tag, lrp_model_describe(a), lrp_model_describe(b));
    if (!same) return;
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < a->layout.total; i++) {
        double want = dtype == LRP_F64 ? model_param(a, i) : (double)(float)model_param(a, i);
        double got = model_param(b, i);
        if (memcmp(&want, &got, sizeof want) != 0 && bad++ == 0) first = i;
    }
    char name[64];
    TU_CHECK(bad == 0, "%s: %zu parameters differ, first %s [%zu]: %.17g vs %.17g", tag, bad,
             model_param_name(a, first, name, sizeof name), first, model_param(a, first),
             model_param(b, first));
    for (size_t i = 0; i < a->shape.V; i++)
        if (strcmp(a->words[i], b->words[i]) != 0) {
            TU_CHECK(0, "%s: word %zu \"%s\" vs \"%s\"", tag, i, a->words[i], b->words[i]);
            break;
        }
    for (size_t c = 0; c < a->shape.C; c++)
        TU_CHECK(strcmp(a->labels[c], b->labels[c]) == 0, "%s: label %zu", tag, c);
    TU_CHECK(a->unk == b->unk, "%s: unk %ld vs %ld", tag, a->unk, b->unk);
    TU_CHECK(a->lowercase == b->lowercase, "%s: lowercase", tag);
    for (size_t i = 0; i < a->shape.V; i++) /* the lookup table works on the loaded model */
        if (lrp_model_lookup(b, a->words[i]) != (long)i) {
            TU_CHECK(0, "%s: lookup of \"%s\"", tag, a->words[i]);
            break;
        }
}

/* A random model with words that exercise JSON escaping and UTF-8. */
static lrp_model *odd_words_model(size_t V, size_t L, size_t D, int bias, unsigned long long seed)
{
    lrp_model *m = tu_random_model(V, 3, 4, 3, L, D, bias, 0.5, seed);
    if (!m) return NULL;
    static const char *special[] = {"\"quoted\"", "back\\slash", "tab\there", "caf\xc3\xa9",
                                    "\xe2\x80\x9csmart\xe2\x80\x9d", "<unk>", "-lrb-", "\\/", "n't"};
    size_t ns = sizeof special / sizeof *special;
    const char **words = malloc(V * sizeof *words);
    char (*buf)[24] = malloc(V * sizeof *buf);
    for (size_t i = 0; i < V; i++) {
        snprintf(buf[i], sizeof buf[i], "w%zu", i);
        words[i] = i < ns ? special[i] : buf[i];
    }
    const char *labels[3] = {"neg", "neu tral", "p\xc3\xb6s"};
    lrp_error err;
    int ok = model_set_vocab(m, words, V, &err) == LRP_OK &&
             model_set_labels(m, labels, 3, &err) == LRP_OK && model_set_unk(m, "<unk>", &err) == LRP_OK;
    TU_CHECK(ok, "naming the model: %s", err.message);
    m->lowercase = 1;
    free(words);
    free(buf);
    return m;
}

// ----------------------------------------------------------------------------
// round trips

/* Every word's scores and relevances, both precisions, all methods, the last class. */
static void explain_all(const lrp_model *m, lrp_dtype precision, lrp_result *out)
{
    const size_t V = m->shape.V;
    int32_t *ids = malloc(V * sizeof *ids);
    for (size_t i = 0; i < V; i++) ids[i] = (int32_t)(V - 1 - i);
    lrp_sentence s = {ids, V, NULL};
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHOD_BIT(LRP_METHOD_LRP) | LRP_METHOD_BIT(LRP_METHOD_LRP_CONS) | LRP_METHOD_BIT(LRP_METHOD_SA) |
                LRP_METHOD_BIT(LRP_METHOD_GI);
    const int target = (int)m->shape.C - 1;
    o.targets = &target;
    o.n_targets = 1;
    o.precision = precision;
    lrp_error err;
    TU_CHECK_STATUS(lrp_explain(m, &s, &o, out, &err), LRP_OK, err);
    free(ids);
}

/* A model whose embedding is kept in float32 (b, read from an F32 file) explains
 * with the same bits as the same values held in float64 (b written as F64 and read
 * back). */
static void check_same_as_f64(const char *tag, const lrp_model *b)
{
    size_t n = 0;
    unsigned char *bytes = tu_model_bytes(b, LRP_F64, LRP_FILE_GATE_ORDER, &n);
    lrp_model *c = NULL;
    lrp_error err;
    TU_CHECK(bytes != NULL, "%s: cannot write as F64", tag);
    if (bytes) TU_CHECK_STATUS(lrp_model_load_memory(&c, bytes, n, &err), LRP_OK, err);
    free(bytes);
    if (!c) return;
    TU_CHECK(c->emb && !c->emb32, "%s: an F64 file's embedding is not in params", tag);
    for (int p = LRP_F32; p <= LRP_F64; p++) {
        lrp_result x, y;
        explain_all(b, (lrp_dtype)p, &x);
        explain_all(c, (lrp_dtype)p, &y);
        int same = x.n_explanations == y.n_explanations && memcmp(x.scores, y.scores, x.classes * sizeof(double)) == 0;
        for (size_t e = 0; same && e < x.n_explanations; e++)
            same = memcmp(x.explanations[e].relevance, y.explanations[e].relevance, x.length * sizeof(double)) == 0 &&
                   memcmp(&x.explanations[e].rest, &y.explanations[e].rest, sizeof(double)) == 0;
        TU_CHECK(same, "%s: %s explanations differ between a float32 and a float64 embedding of the same values",
                 tag, p == LRP_F64 ? "f64" : "f32");
        lrp_result_free(&x);
        lrp_result_free(&y);
    }
    lrp_model_free(c);
}

/* b (NULL: not loaded) keeps a float32 copy of m's embedding, rounded, and explains
 * as float64 does; then b is freed. */
static void check_copy(const char *tag, const char *how, const lrp_model *m, lrp_model *b)
{
    if (!b) return;
    char what[160];
    snprintf(what, sizeof what, "%s, %s", tag, how);
    TU_CHECK(b->emb_kind == MODEL_EMB_F32 && b->emb32 == b->emb32_owned, "%s: not a float32 copy", what);
    check_same_model(what, m, b, LRP_F32);
    check_same_as_f64(what, b);
    lrp_model_free(b);
}

/* The F32 file at path, read from memory (the embedding copied: the caller's
 * bytes may go), and with one more byte of header (its floats misaligned in the
 * file: copied too): the same values as m rounded, the same explanations. */
static void check_f32_copies(const char *tag, const char *path, const lrp_model *m)
{
    size_t n = 0;
    char *bytes = tu_read_file(path, &n);
    TU_CHECK(bytes && n > 8, "%s: cannot read %s", tag, path);
    if (!bytes || n <= 8) return;
    lrp_model *b = NULL;
    lrp_error err;
    TU_CHECK_STATUS(lrp_model_load_memory(&b, bytes, n, &err), LRP_OK, err);
    check_copy(tag, "from memory", m, b);

    /* header length + 1, a space after the JSON: the data starts one byte later */
    uint64_t h = 0;
    for (int k = 7; k >= 0; k--) h = h << 8 | (unsigned char)bytes[k];
    char *odd = malloc(n + 1);
    for (int k = 0; k < 8; k++) odd[k] = (char)((h + 1) >> (8 * k) & 0xff);
    memcpy(odd + 8, bytes + 8, (size_t)h);
    odd[8 + h] = ' ';
    memcpy(odd + 9 + h, bytes + 8 + h, n - 8 - (size_t)h);
    char odd_path[620];
    snprintf(odd_path, sizeof odd_path, "%s.odd", path);
    FILE *f = fopen(odd_path, "wb");
    TU_CHECK(f && fwrite(odd, 1, n + 1, f) == n + 1 && fclose(f) == 0, "%s: cannot write %s", tag, odd_path);
    b = NULL;
    TU_CHECK_STATUS(lrp_model_load(&b, odd_path, &err), LRP_OK, err);
    check_copy(tag, "misaligned", m, b);
    free(odd);
    free(bytes);
}

/* A model whose embedding lies in its mapped file keeps working, with the same
 * results, when another model is saved over that path (lrp_model_save renames a new
 * file over the old one, which stays mapped). */
static void test_replaced_while_loaded(void)
{
    lrp_model *a = odd_words_model(12, 1, 2, 1, 7), *b = odd_words_model(12, 1, 2, 1, 8);
    TU_CHECK(a && b, "models");
    if (!a || !b) return;
    char path[600];
    snprintf(path, sizeof path, "%s/replaced.safetensors", tu_tmpdir());
    lrp_error err;
    TU_CHECK_STATUS(lrp_model_save(a, path, LRP_F32, &err), LRP_OK, err);
    lrp_model *m = NULL;
    TU_CHECK_STATUS(lrp_model_load(&m, path, &err), LRP_OK, err);
    if (m) {
        TU_CHECK(m->emb_kind == MODEL_EMB_F32_FILE, "the embedding is not used in the file");
        lrp_result before, after;
        explain_all(m, LRP_F64, &before);
        TU_CHECK_STATUS(lrp_model_save(b, path, LRP_F32, &err), LRP_OK, err);
        explain_all(m, LRP_F64, &after);
        int same = memcmp(before.scores, after.scores, before.classes * sizeof(double)) == 0;
        for (size_t e = 0; same && e < before.n_explanations; e++)
            same = memcmp(before.explanations[e].relevance, after.explanations[e].relevance,
                          before.length * sizeof(double)) == 0;
        TU_CHECK(same, "a model changed when another was saved over its file");
        lrp_result_free(&before);
        lrp_result_free(&after);
    }
    lrp_model_free(m);
    lrp_model_free(a);
    lrp_model_free(b);
}

static void test_round_trips(void)
{
    struct { size_t V, L, D; int bias; } cfg[] = {
        {12, 1, 2, 0}, {12, 1, 2, 1}, {10, 1, 1, 0}, {11, 2, 2, 1}, {9, 3, 1, 1}, {10, 2, 1, 0},
    };
    for (size_t k = 0; k < sizeof cfg / sizeof *cfg; k++) {
        lrp_model *m = odd_words_model(cfg[k].V, cfg[k].L, cfg[k].D, cfg[k].bias, 100 + k);
        TU_CHECK(m != NULL, "model");
        if (!m) continue;
        for (int dt = LRP_F32; dt <= LRP_F64; dt++) {
            char tag[96], path[600];
            snprintf(tag, sizeof tag, "L=%zu D=%zu bias=%d %s", cfg[k].L, cfg[k].D, cfg[k].bias,
                     dt == LRP_F64 ? "F64" : "F32");
            snprintf(path, sizeof path, "%s/rt-%zu-%d.safetensors", tu_tmpdir(), k, dt);
            lrp_error err;
            lrp_status st = lrp_model_save(m, path, (lrp_dtype)dt, &err);
            TU_CHECK_STATUS(st, LRP_OK, err);
            lrp_model *b = NULL;
            st = lrp_model_load(&b, path, &err);
            TU_CHECK_STATUS(st, LRP_OK, err);
            if (b) check_same_model(tag, m, b, (lrp_dtype)dt);

            /* F32 values are float-rounded, so they really were stored as F32 */
            if (b && dt == LRP_F32) {
                int rounded = 0;
                for (size_t i = 0; i < m->layout.total; i++) rounded |= model_param(b, i) != m->params[i];
                TU_CHECK(rounded, "%s: no value changed by F32 storage", tag);
                TU_CHECK(b->emb_kind == MODEL_EMB_F32_FILE && b->emb32 && !b->emb,
                         "%s: the F32 embedding is not used where it lies in the file", tag);
                check_same_as_f64(tag, b);
                check_f32_copies(tag, path, m);
            }
            if (b && dt == LRP_F64) TU_CHECK(b->emb && !b->emb32, "%s: the F64 embedding is not in params", tag);
            /* load -> save gives the same bytes again */
            if (b) {
                size_t n1 = 0, n2 = 0;
                unsigned char *b1 = tu_model_bytes(m, (lrp_dtype)dt, LRP_FILE_GATE_ORDER, &n1);
                unsigned char *b2 = tu_model_bytes(b, (lrp_dtype)dt, LRP_FILE_GATE_ORDER, &n2);
                TU_CHECK(b1 && b2 && n1 == n2 && memcmp(b1, b2, n1) == 0,
                         "%s: saving the loaded model gives other bytes", tag);
                free(b1);
                free(b2);
            }
            lrp_model_free(b);
        }
        lrp_model_free(m);
    }
}

static void test_info_after_load(void)
{
    lrp_model *m = odd_words_model(10, 2, 1, 1, 7);
    size_t n;
    unsigned char *bytes = m ? tu_model_bytes(m, LRP_F64, "igfo", &n) : NULL;
    lrp_model *b = bytes ? load_bytes(bytes, n) : NULL;
    if (b) {
        lrp_model_info info;
        lrp_model_get_info(b, &info);
        TU_CHECK(info.vocab_size == 10 && info.embed_dim == 3 && info.hidden_dim == 4 &&
                     info.classes == 3 && info.layers == 2 && info.directions == 1 &&
                     info.has_output_bias == 1 && info.lowercase == 1 && info.unk_id == 5,
                 "info after load: V=%zu E=%zu H=%zu C=%zu L=%zu D=%zu bias=%d lc=%d unk=%ld",
                 info.vocab_size, info.embed_dim, info.hidden_dim, info.classes, info.layers,
                 info.directions, info.has_output_bias, info.lowercase, info.unk_id);
        TU_CHECK(strcmp(lrp_model_word(b, 3), "caf\xc3\xa9") == 0, "UTF-8 word");
        TU_CHECK(strcmp(lrp_model_label(b, 1), "neu tral") == 0, "label with a space");
    }
    free(bytes);
    lrp_model_free(b);
    lrp_model_free(m);
}

// ----------------------------------------------------------------------------
// the model family

/* A random model of shape s named as odd_words_model's. */
static lrp_model *family_model(model_shape s, unsigned long long seed)
{
    s.V = 12;
    s.E = 3;
    s.C = 3;
    lrp_model *m = tu_random_model_shape(&s, 0.5, seed);
    lrp_error err;
    if (m && model_set_unk(m, "w2", &err) != LRP_OK) TU_CHECK(0, "unk: %s", err.message);
    return m;
}

/* Which metadata keys and classifier names the file has. */
static void check_written_keys(const char *tag, const lrp_model *m, const unsigned char *b, size_t n)
{
    st_file f;
    lrp_error err;
    if (st_parse(&f, b, n, &err) != LRP_OK) {
        TU_CHECK(0, "%s: st_parse: %s", tag, err.message);
        return;
    }
    const model_shape *s = &m->shape;
    const char *cell = st_metadata(&f, "cell"), *pooling = st_metadata(&f, "pooling"),
               *dense = st_metadata(&f, "dense"), *act = st_metadata(&f, "activation"),
               *order = st_metadata(&f, "gate_order");
    /* keys only when not the defaults: the paper's model is written as before them */
    TU_CHECK((cell != NULL) == (s->cell == CELL_GRU) && (!cell || strcmp(cell, "gru") == 0), "%s: cell key %s", tag,
             cell ? cell : "(none)");
    TU_CHECK((pooling != NULL) == (s->pooling != POOL_LAST) &&
                 (!pooling || strcmp(pooling, model_pooling_name(s->pooling)) == 0),
             "%s: pooling key %s", tag, pooling ? pooling : "(none)");
    TU_CHECK((dense != NULL) == (s->n_dense > 0), "%s: dense key %s", tag, dense ? dense : "(none)");
    TU_CHECK((act != NULL) == (s->n_dense > 0 && s->activation == ACT_TANH), "%s: activation key %s", tag,
             act ? act : "(none)");
    TU_CHECK(order && strcmp(order, s->cell == CELL_GRU ? "rzn" : "ifgo") == 0, "%s: gate_order %s", tag,
             order ? order : "(none)");
    const int split = st_find(&f, "classifier.weight_fwd") != NULL, whole = st_find(&f, "classifier.weight") != NULL;
    TU_CHECK(split == model_is_paper(s) && whole == !model_is_paper(s),
             "%s: classifier written %s (the paper's model split, the others whole)", tag,
             split ? "split" : "whole");
    st_free(&f);
}

/* Every kind of the family written and read back: the same parameters (F64 bit for
 * bit, F32 rounded), kinds, names; the keys that are not the defaults; the same bytes
 * when the loaded model is written again. */
static void test_family_round_trips(void)
{
    static const struct {
        model_cell cell;
        size_t L, D;
        model_pooling pooling;
        size_t A, n_dense, dense[2];
        model_activation activation;
        int bias;
    } cfg[] = {
        {CELL_GRU, 1, 2, POOL_LAST, 0, 0, {0}, ACT_RELU, 1},
        {CELL_GRU, 2, 1, POOL_MEAN, 0, 1, {5}, ACT_TANH, 1},
        {CELL_LSTM, 2, 2, POOL_MAX, 0, 0, {0}, ACT_RELU, 0},
        {CELL_LSTM, 1, 2, POOL_ATTENTION, 3, 2, {4, 3}, ACT_RELU, 1},
        {CELL_GRU, 3, 2, POOL_ATTENTION, 2, 1, {2}, ACT_TANH, 0},
        {CELL_LSTM, 1, 1, POOL_LAST, 0, 1, {6}, ACT_TANH, 1},
        {CELL_LSTM, 1, 2, POOL_LAST, 0, 0, {0}, ACT_RELU, 1}, /* the paper's */
    };
    for (size_t k = 0; k < sizeof cfg / sizeof *cfg; k++) {
        model_shape s = {.H = 4, .L = cfg[k].L, .D = cfg[k].D, .has_bias = cfg[k].bias, .cell = cfg[k].cell,
                         .pooling = cfg[k].pooling, .A = cfg[k].A, .n_dense = cfg[k].n_dense,
                         .activation = cfg[k].activation};
        memcpy(s.dense, cfg[k].dense, sizeof cfg[k].dense);
        lrp_model *m = family_model(s, 300 + k);
        TU_CHECK(m != NULL, "family model %zu", k);
        if (!m) continue;
        for (int dt = LRP_F32; dt <= LRP_F64; dt++) {
            char tag[160];
            snprintf(tag, sizeof tag, "%s (bias %d) %s", lrp_model_describe(m), cfg[k].bias,
                     dt == LRP_F64 ? "F64" : "F32");
            size_t n1 = 0, n2 = 0;
            unsigned char *b1 = tu_model_bytes(m, (lrp_dtype)dt, NULL, &n1);
            TU_CHECK(b1 != NULL, "%s: not written", tag);
            if (!b1) continue;
            check_written_keys(tag, m, b1, n1);
            lrp_model *b = load_bytes(b1, n1);
            if (b) {
                check_same_model(tag, m, b, (lrp_dtype)dt);
                TU_CHECK(strcmp(lrp_model_describe(b), lrp_model_describe(m)) == 0, "%s: read back as %s", tag,
                         lrp_model_describe(b));
                unsigned char *b2 = tu_model_bytes(b, (lrp_dtype)dt, NULL, &n2);
                TU_CHECK(b2 && n1 == n2 && memcmp(b1, b2, n1) == 0, "%s: the loaded model is written otherwise", tag);
                free(b2);
            }
            lrp_model_free(b);
            free(b1);
        }
        lrp_model_free(m);
    }
}

/* lrp_model_get_info and lrp_model_describe of the family's kinds. */
static void test_family_info(void)
{
    model_shape s = {.H = 4, .L = 2, .D = 2, .has_bias = 1, .cell = CELL_GRU, .pooling = POOL_ATTENTION, .A = 5,
                     .n_dense = 2, .dense = {7, 6}, .activation = ACT_TANH};
    lrp_model *m = family_model(s, 7);
    if (!m) return;
    lrp_model_info in;
    lrp_model_get_info(m, &in);
    TU_CHECK(strcmp(in.cell, "gru") == 0 && strcmp(in.pooling, "attention") == 0 && in.attention_dim == 5 &&
                 in.n_dense == 2 && in.dense_sizes && in.dense_sizes[0] == 7 && in.dense_sizes[1] == 6 &&
                 strcmp(in.activation, "tanh") == 0,
             "family info: %s %s A=%zu dense %zu %s", in.cell, in.pooling, in.attention_dim, in.n_dense, in.activation);
    TU_CHECK(strcmp(lrp_model_describe(m), "2-layer bi-GRU, attention (A=5), dense 7,6 tanh, 3 classes") == 0,
             "describe: %s", lrp_model_describe(m));
    lrp_model_free(m);
    s = (model_shape){.H = 4, .L = 1, .D = 1, .pooling = POOL_MEAN};
    m = family_model(s, 8);
    if (!m) return;
    lrp_model_get_info(m, &in);
    TU_CHECK(strcmp(in.cell, "lstm") == 0 && strcmp(in.pooling, "mean") == 0 && in.attention_dim == 0 &&
                 in.n_dense == 0 && in.dense_sizes == NULL && strcmp(in.activation, "relu") == 0,
             "uni mean info");
    TU_CHECK(strcmp(lrp_model_describe(m), "1-layer LSTM, mean pooling, 3 classes") == 0, "describe: %s",
             lrp_model_describe(m));
    lrp_model_free(m);
    TU_CHECK(strcmp(lrp_model_describe(NULL), "") == 0, "describe(NULL)");
}

/* A GRU's gate blocks in any order of rzn: written so (model_save_gate_order) and read back. */
static void test_gru_gate_orders(void)
{
    model_shape s = {.H = 3, .L = 2, .D = 2, .has_bias = 1, .cell = CELL_GRU};
    lrp_model *m = family_model(s, 11);
    if (!m) return;
    const char *orders[] = {"rzn", "nzr", "zrn", "rnz", "ifgo" /* an LSTM's: the internal rzn */};
    unsigned char *first = NULL;
    size_t n0 = 0;
    for (size_t k = 0; k < sizeof orders / sizeof *orders; k++) {
        size_t n;
        unsigned char *b = tu_model_bytes(m, LRP_F64, orders[k], &n);
        TU_CHECK(b != NULL, "GRU gate order %s: not written", orders[k]);
        if (!b) continue;
        st_file f;
        lrp_error err;
        if (st_parse(&f, b, n, &err) == LRP_OK) {
            const char *said = st_metadata(&f, "gate_order");
            const char *want = k == 4 ? "rzn" : orders[k];
            TU_CHECK(said && strcmp(said, want) == 0, "GRU gate order %s: file says %s", orders[k], said);
            /* the file's block 0 is the gate the order names first */
            const st_tensor *t = st_find(&f, "encoder.l1.bwd.weight_h");
            double row[3];
            st_read_f64(t, 0, 3, row);
            const size_t g = (size_t)(strchr(LRP_GRU_GATE_ORDER, want[0]) - LRP_GRU_GATE_ORDER);
            TU_CHECK(memcmp(row, m->rnn[1][1].wh + g * 3 * 3, sizeof row) == 0, "GRU gate order %s: block 0", orders[k]);
            st_free(&f);
        }
        lrp_model *l = load_bytes(b, n);
        if (l) check_same_model(orders[k], m, l, LRP_F64);
        lrp_model_free(l);
        if (k == 0) {
            first = b;
            n0 = n;
        } else {
            TU_CHECK(k == 4 ? n == n0 && memcmp(b, first, n) == 0 : memcmp(b, first, n < n0 ? n : n0) != 0,
                     "GRU gate order %s: bytes", orders[k]);
            free(b);
        }
    }
    free(first);
    lrp_error err;
    char path[600];
    path_in_tmp(path, sizeof path, "gru-order.safetensors");
    TU_CHECK_STATUS(model_save_gate_order(m, path, LRP_F64, "rzx", &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK(strstr(err.message, "permutation of the three letters rzn"), "bad GRU order: %s", err.message);
    lrp_model_free(m);
}

/* The general golden fixtures as files written from them (tu_general_bytes, as a numpy
 * user would): the same parameters as the fixture's model bit for bit, also with a
 * GRU's blocks in another order and the classifier split where no dense layer is; the
 * reference reproduces the golden scores of every case. */
static void test_general_files(void)
{
    static const char *const names[] = {"gru-bi-last", "gru-uni-2layer-mean", "gru-bi-attention-tanh",
                                        "lstm-bi-2layer-max", "lstm-bi-attention-relu"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/golden/general/%s.json", tu_data_dir(), names[k]);
        cJSON *root = tu_load_json(path);
        lrp_model *want = root ? tu_model_from_general(root) : NULL;
        TU_CHECK(want != NULL, "%s: fixture", names[k]);
        if (!want) {
            cJSON_Delete(root);
            continue;
        }
        const int gru = want->shape.cell == CELL_GRU, dense = want->shape.n_dense > 0;
        const struct { const char *order; int split; } ways[] = {{NULL, 0}, {"nrz", 0}, {NULL, 1}, {"znr", 1}};
        for (size_t w = 0; w < 4; w++) {
            if ((ways[w].order && !gru) || (ways[w].split && dense)) continue;
            char tag[160];
            snprintf(tag, sizeof tag, "%s file (GRU order %s%s)", names[k], ways[w].order ? ways[w].order : "rzn",
                     ways[w].split ? ", classifier split" : "");
            size_t n;
            unsigned char *b = tu_general_bytes(root, ways[w].order, ways[w].split, &n);
            lrp_model *m = b ? load_bytes(b, n) : NULL;
            free(b);
            if (!m) continue;
            check_same_model(tag, want, m, LRP_F64);
            const cJSON *kase;
            int ncase = 0;
            cJSON_ArrayForEach(kase, cJSON_GetObjectItem(root, "cases"))
            {
                tu_golden_case g;
                tu_golden_case_read(kase, &g);
                lrp_sentence sent = tu_golden_sentence(&g);
                lrp_options o;
                lrp_options_init(&o);
                o.methods = 0;
                lrp_result r;
                lrp_error err;
                lrp_status st = explain_reference(m, &sent, &o, &r, &err);
                TU_CHECK_STATUS(st, LRP_OK, err);
                char what[200];
                snprintf(what, sizeof what, "%s case %d scores", tag, ncase++);
                if (st == LRP_OK) {
                    TU_CLOSE(what, r.scores, g.scores, g.n_scores, 1e-12, 0);
                    lrp_result_free(&r);
                }
                tu_golden_case_free(&g);
            }
            lrp_model_free(m);
        }
        lrp_model_free(want);
        cJSON_Delete(root);
    }
}

// ----------------------------------------------------------------------------
// determinism and layout

static void check_container(const char *tag, const unsigned char *b, size_t n, size_t data_bytes)
{
    TU_CHECK(b && n >= 8, "%s: no file", tag);
    if (!b || n < 8) return;
    unsigned long long hl = 0;
    for (int k = 7; k >= 0; k--) hl = hl << 8 | b[k];
    TU_CHECK(hl % 8 == 0, "%s: header length %llu not a multiple of 8", tag, hl);
    TU_CHECK(n == 8 + hl + data_bytes, "%s: %zu bytes, header %llu, data %zu", tag, n, hl, data_bytes);
    TU_CHECK(b[8] == '{', "%s: header starts with {", tag);
}

static void test_deterministic_bytes(void)
{
    lrp_model *m = tu_random_model(30, 5, 6, 4, 1, 2, 1, 0.3, 42);
    char p1[600], p2[600];
    path_in_tmp(p1, sizeof p1, "det1.safetensors");
    path_in_tmp(p2, sizeof p2, "det2.safetensors");
    lrp_error err;
    TU_CHECK_STATUS(lrp_model_save(m, p1, LRP_F64, &err), LRP_OK, err);
    TU_CHECK_STATUS(lrp_model_save(m, p2, LRP_F64, &err), LRP_OK, err);
    size_t n1 = 0, n2 = 0;
    char *b1 = tu_read_file(p1, &n1), *b2 = tu_read_file(p2, &n2);
    TU_CHECK(b1 && b2 && n1 == n2 && memcmp(b1, b2, n1) == 0, "two saves differ (%zu vs %zu bytes)",
             n1, n2);

    /* the container as documented: 8-byte length, header padded to 8 (data aligned),
     * size = 8 + header + parameters x value size */
    size_t n32;
    unsigned char *b32 = tu_model_bytes(m, LRP_F32, "ifgo", &n32);
    check_container("F64 file", (unsigned char *)b1, n1, m->layout.total * 8);
    check_container("F32 file", b32, n32, m->layout.total * 4);
    TU_CHECK(b1 && strstr(b1 + 8, "\"format\":\"lrp-rnn\"") && strstr(b1 + 8, "\"gate_order\":\"ifgo\"") &&
                 strstr(b1 + 8, "\"format_version\":\"1\""),
             "metadata keys in the header");
    free(b32);

    /* no temporary file is left behind */
    DIR *d = opendir(tu_tmpdir());
    struct dirent *e;
    int leftovers = 0;
    while (d && (e = readdir(d)) != NULL) leftovers += strstr(e->d_name, ".tmp.") != NULL;
    if (d) closedir(d);
    TU_CHECK(leftovers == 0, "%d temporary files left in %s", leftovers, tu_tmpdir());
    free(b1);
    free(b2);
    lrp_model_free(m);
}

// ----------------------------------------------------------------------------
// gate orders

/* Explanations of a few sentences: scores and every method's relevance, bitwise. */
static void check_same_explanations(const char *tag, const lrp_model *a, const lrp_model *b)
{
    lrp_model_info info;
    lrp_model_get_info(a, &info);
    unsigned long long seed = 9;
    for (int s = 0; s < 4; s++) {
        int32_t ids[17];
        size_t T = 1 + (size_t)s * 5;
        for (size_t t = 0; t < T; t++) ids[t] = (int32_t)(tu_uniform(&seed) * (double)info.vocab_size);
        lrp_sentence sent = {ids, T, NULL};
        lrp_options o;
        lrp_options_init(&o);
        o.methods = LRP_METHODS_ALL;
        lrp_result ra, rb;
        lrp_error err;
        lrp_status sa = lrp_explain(a, &sent, &o, &ra, &err);
        TU_CHECK_STATUS(sa, LRP_OK, err);
        lrp_status sb = lrp_explain(b, &sent, &o, &rb, &err);
        TU_CHECK_STATUS(sb, LRP_OK, err);
        if (sa == LRP_OK && sb == LRP_OK) {
            int same = memcmp(ra.scores, rb.scores, info.classes * sizeof(double)) == 0;
            for (size_t k = 0; k < ra.n_explanations; k++)
                same = same && memcmp(ra.explanations[k].relevance, rb.explanations[k].relevance,
                                      T * sizeof(double)) == 0 &&
                       ra.explanations[k].rest == rb.explanations[k].rest;
            TU_CHECK(same, "%s: sentence %d explained differently", tag, s);
        }
        if (sa == LRP_OK) lrp_result_free(&ra);
        if (sb == LRP_OK) lrp_result_free(&rb);
    }
}

static void test_gate_orders(void)
{
    lrp_model *m = tu_random_model(20, 4, 3, 5, 1, 2, 0, 0.8, 5);
    size_t n1 = 0, n2 = 0;
    unsigned char *igfo = tu_model_bytes(m, LRP_F64, "igfo", &n1), *ifgo = tu_model_bytes(m, LRP_F64, "ifgo", &n2);
    TU_CHECK(igfo && ifgo, "writing both gate orders");
    if (!igfo || !ifgo) return;
    TU_CHECK(n1 == n2 && memcmp(igfo, ifgo, n1) != 0, "the two gate orders give different bytes");

    /* the files really hold the blocks where their gate_order says: the f block
     * is block 2 in igfo and block 1 in ifgo (and the model's own block GATE_F) */
    st_file a, b;
    lrp_error err;
    int parsed = st_parse(&a, igfo, n1, &err) == LRP_OK && st_parse(&b, ifgo, n2, &err) == LRP_OK;
    TU_CHECK(parsed, "st_parse: %s", err.message);
    if (!parsed) return;
    const size_t H = 3, E = 4;
    const st_tensor *ta = st_find(&a, "encoder.bwd.weight_x"), *tb = st_find(&b, "encoder.bwd.weight_x");
    double fa[12], fb[12];
    st_read_f64(ta, 2 * H * E, H * E, fa);
    st_read_f64(tb, 1 * H * E, H * E, fb);
    TU_CHECK(memcmp(fa, fb, sizeof fa) == 0, "f block of igfo file != f block of ifgo file");
    TU_CHECK(memcmp(fa, m->rnn[0][1].wx + GATE_F * H * E, sizeof fa) == 0,
             "f block in the file != the model's forget gate rows");
    st_free(&a);
    st_free(&b);

    lrp_model *la = load_bytes(igfo, n1), *lb = load_bytes(ifgo, n2);
    if (la && lb) {
        check_same_model("igfo", m, la, LRP_F64);
        check_same_model("ifgo", m, lb, LRP_F64);
        check_same_explanations("igfo vs ifgo", la, lb);
    }
    /* every permutation reads back to the same model */
    const char *orders[] = {"gifo", "oigf", "fogi", "ofgi"};
    for (size_t k = 0; k < 4; k++) {
        size_t n;
        unsigned char *bytes = tu_model_bytes(m, LRP_F64, orders[k], &n);
        lrp_model *l = bytes ? load_bytes(bytes, n) : NULL;
        if (l) check_same_model(orders[k], m, l, LRP_F64);
        lrp_model_free(l);
        free(bytes);
    }
    lrp_model_free(la);
    lrp_model_free(lb);
    free(igfo);
    free(ifgo);
    lrp_model_free(m);
}

// ----------------------------------------------------------------------------
// golden fixtures through a file

static void compare_golden(const char *tag, const lrp_model *m, const cJSON *root)
{
    const cJSON *kase;
    int ncase = 0;
    cJSON_ArrayForEach(kase, cJSON_GetObjectItem(root, "cases"))
    {
        tu_golden_case g;
        tu_golden_case_read(kase, &g);
        const size_t T = g.T;
        const cJSON *target;
        cJSON_ArrayForEach(target, cJSON_GetObjectItem(kase, "targets"))
        {
            int c = (int)cJSON_GetObjectItem(target, "class")->valuedouble;
            lrp_options o;
            lrp_options_init(&o);
            o.methods = LRP_METHODS_ALL;
            o.targets = &c;
            o.n_targets = 1;
            o.eps = cJSON_GetObjectItem(target, "eps")->valuedouble;
            lrp_sentence s = tu_golden_sentence(&g);
            lrp_result r;
            lrp_error err;
            lrp_status st = lrp_explain(m, &s, &o, &r, &err);
            TU_CHECK_STATUS(st, LRP_OK, err);
            if (st != LRP_OK) continue;
            char what[160];
            snprintf(what, sizeof what, "%s case %d class %d scores", tag, ncase, c);
            TU_CLOSE(what, r.scores, g.scores, g.n_scores, 1e-12, 0);
            const char *keys[2] = {"lrp", "lrp_cons"};
            for (int k = 0; k < 2; k++) {
                const cJSON *want = cJSON_GetObjectItem(target, keys[k]);
                size_t n;
                double *words = tu_json_doubles(cJSON_GetObjectItem(want, "words"), &n);
                double rest = cJSON_GetObjectItem(want, "rest")->valuedouble;
                snprintf(what, sizeof what, "%s case %d class %d %s words", tag, ncase, c, keys[k]);
                TU_CLOSE(what, r.explanations[k].relevance, words, T, 1e-12, 0);
                snprintf(what, sizeof what, "%s case %d class %d %s rest", tag, ncase, c, keys[k]);
                TU_CLOSE(what, &r.explanations[k].rest, &rest, 1, 1e-12, 0);
                free(words);
            }
            size_t n;
            double *sa = tu_json_doubles(cJSON_GetObjectItem(target, "sa_words"), &n);
            double *gi = tu_json_doubles(cJSON_GetObjectItem(target, "gi_words"), &n);
            snprintf(what, sizeof what, "%s case %d class %d sa", tag, ncase, c);
            TU_CLOSE(what, r.explanations[LRP_METHOD_SA].relevance, sa, T, 1e-12, 0);
            snprintf(what, sizeof what, "%s case %d class %d gi", tag, ncase, c);
            TU_CLOSE(what, r.explanations[LRP_METHOD_GI].relevance, gi, T, 1e-12, 0);
            free(sa);
            free(gi);
            lrp_result_free(&r);
        }
        tu_golden_case_free(&g);
        ncase++;
    }
    TU_CHECK(ncase > 0, "%s: no cases", tag);
}

static void test_golden_through_file(const char *name)
{
    char path[1024], out[600];
    snprintf(path, sizeof path, "%s/golden/%s", tu_data_dir(), name);
    cJSON *root = tu_load_json(path);
    TU_CHECK(root != NULL, "cannot load %s", path);
    if (!root) return;
    lrp_model *m = tu_model_from_golden(cJSON_GetObjectItem(root, "model"));
    snprintf(out, sizeof out, "%s/%s.safetensors", tu_tmpdir(), name);
    lrp_error err;
    lrp_model *b = NULL;
    TU_CHECK_STATUS(lrp_model_save(m, out, LRP_F64, &err), LRP_OK, err);
    TU_CHECK_STATUS(lrp_model_load(&b, out, &err), LRP_OK, err);
    if (b) {
        check_same_model(name, m, b, LRP_F64);
        compare_golden(name, b, root);
    }
    lrp_model_free(b);
    lrp_model_free(m);
    cJSON_Delete(root);
}

// ----------------------------------------------------------------------------
// files written by numpy (tests/data/models/make_fixtures.py)

/* numpy-igfo.safetensors: V=5 E=3 H=2 C=3, gate_order igfo, mixed F32/F64, with
 * classifier bias; element [r, c] of tensor number k (in the order below) is
 * 100 k + 10 r + c, so that the test knows every value without numpy. */
static void test_numpy_fixture(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/models/numpy-igfo.safetensors", tu_data_dir());
    lrp_model *m = NULL;
    lrp_error err;
    lrp_status st = lrp_model_load(&m, path, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (!m) return;
    const size_t V = 5, E = 3, H = 2, C = 3;
    TU_CHECK(m->shape.V == V && m->shape.E == E && m->shape.H == H && m->shape.C == C &&
                 m->shape.L == 1 && m->shape.D == 2 && m->shape.has_bias,
             "numpy fixture shape");
    TU_CHECK(m->lowercase == 0 && m->unk == 0 && strcmp(m->words[4], "\xc3\xa9t\xc3\xa9") == 0 &&
                 strcmp(m->labels[2], "positive") == 0,
             "numpy fixture metadata");
    /* file block k holds gate "igfo"[k]; internal block g holds "ifog"[g] */
    const char *file = "igfo", *internal = LRP_INTERNAL_GATE_ORDER;
    size_t bad = 0;
    for (size_t d = 0; d < 2; d++) {
        const rnn_weights *w = &m->rnn[0][d];
        size_t k0 = 1 + 3 * d; /* weight_x, weight_h, bias of this direction */
        for (size_t g = 0; g < 4; g++) {
            size_t blk = (size_t)(strchr(file, internal[g]) - file);
            for (size_t j = 0; j < H; j++) {
                size_t fr = blk * H + j, ir = g * H + j;
                for (size_t c = 0; c < E; c++) bad += w->wx[ir * E + c] != 100.0 * (double)k0 + 10.0 * (double)fr + (double)c;
                for (size_t c = 0; c < H; c++) bad += w->wh[ir * H + c] != 100.0 * (double)(k0 + 1) + 10.0 * (double)fr + (double)c;
                bad += w->b[ir] != 100.0 * (double)(k0 + 2) + 10.0 * (double)fr;
            }
        }
    }
    for (size_t c = 0; c < C; c++)
        for (size_t j = 0; j < H; j++) {
            bad += m->wout[c * 2 * H + j] != 700.0 + 10.0 * (double)c + (double)j;
            bad += m->wout[c * 2 * H + H + j] != 800.0 + 10.0 * (double)c + (double)j;
        }
    for (size_t c = 0; c < C; c++) bad += m->bout[c] != 900.0 + 10.0 * (double)c;
    for (size_t i = 0; i < V * E; i++)
        bad += model_param(m, m->layout.emb + i) != 10.0 * (double)(i / E) + (double)(i % E);
    TU_CHECK(bad == 0, "numpy fixture: %zu values not where the gate order puts them", bad);
    lrp_model_free(m);

    /* the snippet of docs/model-format.md, as run */
    snprintf(path, sizeof path, "%s/models/doc-snippet.safetensors", tu_data_dir());
    st = lrp_model_load(&m, path, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (m) {
        TU_CHECK(m->shape.V == 4 && m->shape.E == 3 && m->shape.H == 2 && m->shape.C == 2 &&
                     m->unk == 0 && m->lowercase == 1 && lrp_model_lookup(m, "movie") == 3,
                 "doc snippet model");
        lrp_model_free(m);
    }
    snprintf(path, sizeof path, "%s/models/doc-snippet-gru.safetensors", tu_data_dir());
    st = lrp_model_load(&m, path, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (m) {
        TU_CHECK(strcmp(lrp_model_describe(m), "1-layer bi-GRU, attention (A=3), dense 4 tanh, 2 classes") == 0 &&
                     m->shape.E == 3 && m->shape.H == 2 && m->shape.has_bias && m->unk == 0,
                 "doc snippet GRU model: %s", lrp_model_describe(m));
        /* its two GRU biases are apart and every value finite, none zero */
        size_t zeros = 0;
        for (size_t i = 0; i < m->layout.total; i++) zeros += model_param(m, i) == 0.0;
        TU_CHECK(zeros == 0 && m->rnn[0][1].b[0] != m->rnn[0][1].bh[0], "doc snippet GRU values");
        lrp_model_free(m);
    }
}

// ----------------------------------------------------------------------------
// saving failures

static void test_save_failures(void)
{
    lrp_model *m = tu_random_model(6, 2, 2, 2, 1, 2, 0, 0.5, 3);
    lrp_error err;
    char path[700];
    snprintf(path, sizeof path, "%s/no/such/dir/model.safetensors", tu_tmpdir());
    lrp_status st = lrp_model_save(m, path, LRP_F64, &err);
    TU_CHECK_STATUS(st, LRP_ERR_IO, err);
    TU_CHECK(strstr(err.message, path) && strstr(err.message, strerror(ENOENT)),
             "missing directory message: %s", err.message);

    /* a model the loader would reject is not written, and the old file stays */
    path_in_tmp(path, sizeof path, "keep.safetensors");
    TU_CHECK_STATUS(lrp_model_save(m, path, LRP_F64, &err), LRP_OK, err);
    size_t n0, n1;
    char *before = tu_read_file(path, &n0);
    m->params[m->layout.wh[0][1] + 3] = NAN;
    st = lrp_model_save(m, path, LRP_F64, &err);
    TU_CHECK_STATUS(st, LRP_ERR_ARGUMENT, err);
    TU_CHECK(strstr(err.message, "encoder.bwd.weight_h") && strstr(err.message, "non-finite"),
             "NaN save message: %s", err.message);
    m->params[m->layout.wh[0][1] + 3] = 1e300;
    st = lrp_model_save(m, path, LRP_F32, &err);
    TU_CHECK_STATUS(st, LRP_ERR_ARGUMENT, err);
    TU_CHECK(strstr(err.message, "F32") && strstr(err.message, "float range"), "F32 range message: %s",
             err.message);
    TU_CHECK_STATUS(lrp_model_save(m, path, 7, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(model_save_gate_order(m, path, LRP_F64, "ifgx", &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK(strstr(err.message, "gate_order"), "bad gate order message: %s", err.message);
    char *after = tu_read_file(path, &n1);
    TU_CHECK(before && after && n0 == n1 && memcmp(before, after, n0) == 0,
             "a failed save changed the existing file");
    free(before);
    free(after);

    /* a directory in the way: the rename fails, nothing is left behind */
    m->params[m->layout.wh[0][1] + 3] = 0.25;
    st = lrp_model_save(m, tu_tmpdir(), LRP_F64, &err);
    TU_CHECK_STATUS(st, LRP_ERR_IO, err);
    TU_CHECK(strstr(err.message, tu_tmpdir()) != NULL, "directory as save path: %s", err.message);
    TU_CHECK_STATUS(lrp_model_save(NULL, path, LRP_F64, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(lrp_model_save(m, NULL, LRP_F64, &err), LRP_ERR_ARGUMENT, err);
    lrp_model_free(m);
}

int main(void)
{
    test_round_trips();
    test_replaced_while_loaded();
    test_info_after_load();
    test_deterministic_bytes();
    test_gate_orders();
    test_golden_through_file("public-tiny.json");
    test_golden_through_file("public-medium.json");
    test_numpy_fixture();
    test_save_failures();
    test_family_round_trips();
    test_family_info();
    test_gru_gate_orders();
    test_general_files();
    return tu_finish();
}
