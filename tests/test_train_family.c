/*
 * test_train_family.c - the trainer on every architecture of the model family
 * (core/model.h): LSTM and GRU cells, one and two directions, 1 to 3 layers, the last,
 * mean, max and attention heads, 0 to 2 dense layers with relu or tanh, with and
 * without a classifier bias (the trainer's models have none; the gradient code is
 * checked with one too). For each architecture of ARCHS:
 *
 *   - the initial model (train_model_init): every tensor drawn within its bound
 *     (docs/training.md), none all zero, the embedding's deviation about embed_init,
 *     the same parameters for the same seed and others for another;
 *   - the reference passes' loss gradient against central finite differences for
 *     every tensor (the harness and the objective, independent of the fast path);
 *   - the trainer's loss and gradient of a batch (the batched kernels, lengths 1..40,
 *     sizes that fill no whole vector) against the reference passes and against
 *     one-phrase batches, and against finite differences for every tensor
 *     (train_check.h);
 *   - a short training of a bi-GRU (last states) and of a bi-LSTM with attention and a
 *     dense layer on a small treebank: the loss falls, the dev accuracy rises well
 *     above chance, the written model loads with its architecture, and 1, 2 and 3
 *     threads give the same bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/train.h"
#include "core/model.h"
#include "testutil.h"
#include "train_check.h"

typedef struct arch {
    const char *name;
    model_cell cell;
    size_t L, D;
    model_pooling pooling;
    size_t A, n_dense, dense[2];
    model_activation activation;
    int has_bias;
} arch;

/* Every factor in at least two architectures (each cell with each head, 1 to 3 layers,
 * one and two directions, 0 to 2 dense layers of either activation, a classifier bias). */
static const arch ARCHS[] = {
    {"bi-GRU, last", CELL_GRU, 1, 2, POOL_LAST, 0, 0, {0}, ACT_RELU, 0},
    {"bi-LSTM, attention, dense relu", CELL_LSTM, 1, 2, POOL_ATTENTION, 3, 1, {3}, ACT_RELU, 0},
    {"2-layer GRU, mean, dense relu", CELL_GRU, 2, 1, POOL_MEAN, 0, 1, {3}, ACT_RELU, 0},
    {"2-layer bi-LSTM, max, dense 3,2 tanh", CELL_LSTM, 2, 2, POOL_MAX, 0, 2, {3, 2}, ACT_TANH, 0},
    {"3-layer bi-GRU, attention", CELL_GRU, 3, 2, POOL_ATTENTION, 2, 0, {0}, ACT_RELU, 0},
    {"LSTM, mean", CELL_LSTM, 1, 1, POOL_MEAN, 0, 0, {0}, ACT_RELU, 0},
    {"GRU, max, dense 3,2 relu", CELL_GRU, 1, 1, POOL_MAX, 0, 2, {3, 2}, ACT_RELU, 0},
    {"bi-LSTM, last, dense tanh, classifier bias", CELL_LSTM, 1, 2, POOL_LAST, 0, 1, {3}, ACT_TANH, 1},
    {"3-layer LSTM, attention, dense tanh", CELL_LSTM, 3, 1, POOL_ATTENTION, 3, 1, {2}, ACT_TANH, 0},
    {"bi-GRU, mean, dense 3,2 tanh, classifier bias", CELL_GRU, 1, 2, POOL_MEAN, 0, 2, {3, 2}, ACT_TANH, 1},
};
#define N_ARCHS (sizeof ARCHS / sizeof ARCHS[0])

static model_shape arch_shape(const arch *a, size_t V, size_t E, size_t H, size_t C)
{
    model_shape s = {.V = V, .E = E, .H = H, .C = C, .L = a->L, .D = a->D, .has_bias = a->has_bias,
                     .cell = a->cell, .pooling = a->pooling, .A = a->A, .n_dense = a->n_dense,
                     .activation = a->activation};
    for (size_t k = 0; k < a->n_dense; k++) s.dense[k] = a->dense[k];
    return s;
}

/* The trainer's options for an architecture (no classifier bias: the trainer has none). */
static void arch_options(const arch *a, train_options *o)
{
    o->cell = a->cell;
    o->layers = a->L;
    o->directions = a->D;
    o->pooling = a->pooling;
    o->attention = a->A;
    o->n_dense = a->n_dense;
    for (size_t k = 0; k < a->n_dense; k++) o->dense[k] = a->dense[k];
    o->activation = a->activation;
}

// ----------------------------------------------------------------------------
// initialisation

/* A vocabulary of V words and C classes for train_model_init. */
static void fake_data(train_data *d, size_t V, const char **words, const char **labels)
{
    static char names[64][8];
    memset(d, 0, sizeof *d);
    words[0] = UNK_WORD;
    for (size_t w = 1; w < V; w++) {
        snprintf(names[w], sizeof names[w], "w%zu", w);
        words[w] = names[w];
    }
    labels[0] = "no";
    labels[1] = "yes";
    labels[2] = "maybe";
    d->V = V;
    d->words = words;
    d->C = 3;
    d->labels = labels;
}

static void check_init(const arch *a)
{
    const size_t V = 60, E = 8, H = 5;
    const char *words[60], *labels[3];
    train_data d;
    fake_data(&d, V, words, labels);
    train_options o;
    train_options_init(&o);
    arch_options(a, &o);
    o.embed = E;
    o.hidden = H;
    o.seed = 7;
    lrp_model *m = NULL, *same = NULL, *other = NULL;
    lrp_error err;
    TU_CHECK_STATUS(train_model_init(&d, &o, &m, &err), LRP_OK, err);
    TU_CHECK_STATUS(train_model_init(&d, &o, &same, &err), LRP_OK, err);
    o.seed = 8;
    TU_CHECK_STATUS(train_model_init(&d, &o, &other, &err), LRP_OK, err);
    if (!m || !same || !other) goto done;
    const model_shape *s = &m->shape;
    TU_CHECK(s->cell == a->cell && s->L == a->L && s->D == a->D && s->pooling == a->pooling && s->A == a->A &&
                 s->n_dense == a->n_dense && s->activation == a->activation && s->has_bias == 0,
             "%s: the model's shape is not the options'", a->name);
    const size_t P = m->layout.total;
    TU_CHECK(memcmp(m->params, same->params, P * sizeof *m->params) == 0, "%s: the same seed gives other parameters",
             a->name);
    TU_CHECK(memcmp(m->params, other->params, P * sizeof *m->params) != 0, "%s: another seed gives the same parameters",
             a->name);
    model_tensor t[MODEL_MAX_TENSORS];
    const size_t nt = model_tensors(s, &m->layout, t);
    const size_t Y = s->D * s->H;
    for (size_t k = 0; k < nt; k++) {
        const double *p = m->params + t[k].offset;
        const size_t n = t[k].rows * t[k].cols;
        double bound; /* docs/training.md, Initialisation */
        if (t[k].offset == m->layout.emb) bound = INFINITY;
        else if (t[k].offset < (s->pooling == POOL_ATTENTION ? m->layout.att_w : s->n_dense ? m->layout.dense_w[0]
                                                                                            : m->layout.wout))
            bound = (s->cell == CELL_LSTM && t[k].rank == 1 ? 2.0 : 1.0) / sqrt((double)H); /* an LSTM bias: two draws */
        else if (s->pooling == POOL_ATTENTION && t[k].offset == m->layout.att_v) bound = 1.0 / sqrt((double)s->A);
        else if (s->pooling == POOL_ATTENTION && t[k].offset < m->layout.att_v) bound = 1.0 / sqrt((double)Y);
        else if (t[k].rank == 2) bound = 1.0 / sqrt((double)t[k].cols);
        else bound = 1.0 / sqrt((double)t[k - 1].cols); /* a bias: its weight's input size */
        double largest = 0.0, sum2 = 0.0;
        for (size_t i = 0; i < n; i++) {
            largest = fabs(p[i]) > largest ? fabs(p[i]) : largest;
            sum2 += p[i] * p[i];
        }
        TU_CHECK(largest > 0, "%s: %s is all zero", a->name, t[k].name);
        TU_CHECK(largest <= bound, "%s: %s has %g, beyond its bound %g", a->name, t[k].name, largest, bound);
        if (bound == INFINITY) {
            const double dev = sqrt(sum2 / (double)n); /* 480 normal draws: within 10% */
            TU_CHECK(fabs(dev - o.embed_init) < 0.1 * o.embed_init, "%s: embedding deviation %g, expected %g", a->name,
                     dev, o.embed_init);
        } else if (n >= 16) {
            TU_CHECK(largest > 0.5 * bound, "%s: %s reaches %g of its bound %g only", a->name, t[k].name, largest, bound);
        }
    }
done:
    lrp_model_free(m);
    lrp_model_free(same);
    lrp_model_free(other);
}

// ----------------------------------------------------------------------------
// gradients

static void check_gradients(const arch *a, size_t index)
{
    /* finite differences on a tiny model: two phrases, a word in both, words 0 and 3 in neither */
    model_shape s = arch_shape(a, 7, 3, 4, 3);
    lrp_model *m = tu_random_model_shape(&s, 0.6, 11 + index);
    if (!m) {
        TU_CHECK(0, "%s: cannot make a random model", a->name);
        return;
    }
    const int32_t ids[] = {1, 4, 2, 6, 4, 5, 4};
    const lrp_sentence phr[2] = {{ids, 5, NULL}, {ids + 5, 2, NULL}};
    const int y[2] = {2, 0};
    tc_finite_differences(m, 2, phr, y, TC_REFERENCE, a->name);
    if (tc_finite_differences(m, 2, phr, y, TC_TRAINER, a->name)) printf("%s: gradients checked\n", a->name);
    lrp_model_free(m);

    /* the batched trainer against the reference: lengths 1..40, sizes that fill no vector */
    s = arch_shape(a, 50, 11, 13, 5);
    if (s.A) s.A = 7;
    for (size_t k = 0; k < s.n_dense; k++) s.dense[k] = 9 - 2 * k;
    m = tu_random_model_shape(&s, 0.5, 5 + index);
    if (!m) {
        TU_CHECK(0, "%s: cannot make a random model", a->name);
        return;
    }
    tc_against_reference(m, 99 + index, a->name);
    lrp_model_free(m);
}

// ----------------------------------------------------------------------------
// training

static void check_training(const char *dir, const arch *a, const char *file)
{
    train_options o;
    train_options_init(&o);
    arch_options(a, &o);
    o.embed = 8;
    o.hidden = 8;
    if (o.attention) o.attention = 6;
    for (size_t k = 0; k < o.n_dense; k++) o.dense[k] = 8;
    o.epochs = 6;
    o.batch = 8;
    o.lr = 0.01;
    o.dropout = 0.1;
    o.patience = 0;
    o.threads = 2;
    tc_log log = {0};
    size_t len;
    unsigned char *bytes = tc_train_file(dir, &o, file, &len, &log);
    free(bytes);
    if (!bytes) return;
    TU_CHECK(log.n == o.epochs, "%s: %zu epochs logged, expected %zu", a->name, log.n, o.epochs);
    if (log.n < 2) return;
    printf("%s: loss %.4f -> %.4f, dev accuracy %.3f -> %.3f\n", a->name, log.loss[0], log.loss[log.n - 1],
           log.dev[0], log.dev[log.n - 1]);
    TU_CHECK(log.loss[log.n - 1] < 0.8 * log.loss[0], "%s: loss %g -> %g does not fall", a->name, log.loss[0],
             log.loss[log.n - 1]);
    double best = 0;
    for (size_t i = 0; i < log.n; i++) best = log.dev[i] > best ? log.dev[i] : best;
    TU_CHECK(best > 0.6, "%s: best dev accuracy %.3f is not well above chance", a->name, best);

    /* the written model has the architecture it was trained with */
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", tu_tmpdir(), file);
    lrp_model *m = NULL;
    lrp_error err;
    TU_CHECK_STATUS(lrp_model_load(&m, path, &err), LRP_OK, err);
    if (m) {
        const model_shape *s = &m->shape;
        TU_CHECK(s->cell == o.cell && s->L == o.layers && s->D == o.directions && s->pooling == o.pooling &&
                     s->A == o.attention && s->n_dense == o.n_dense && (!s->n_dense || s->dense[0] == o.dense[0]) &&
                     (!s->n_dense || s->activation == o.activation) && s->has_bias == 0,
                 "%s: the written model has another architecture", a->name);
        lrp_model_free(m);
    }

    /* the same bytes on 1, 2 and 3 threads */
    o.epochs = 1;
    size_t l1, l2, l3;
    unsigned char *b1 = tc_train_file(dir, &o, "t1.safetensors", &l1, NULL);
    o.threads = 1;
    unsigned char *b2 = tc_train_file(dir, &o, "t2.safetensors", &l2, NULL);
    o.threads = 3;
    unsigned char *b3 = tc_train_file(dir, &o, "t3.safetensors", &l3, NULL);
    TU_CHECK(b1 && b2 && l1 == l2 && memcmp(b1, b2, l1) == 0, "%s: 1 and 2 threads give different models", a->name);
    TU_CHECK(b1 && b3 && l1 == l3 && memcmp(b1, b3, l1) == 0, "%s: 2 and 3 threads give different models", a->name);
    free(b1);
    free(b2);
    free(b3);
}

// ----------------------------------------------------------------------------
// bad options

static void check_options(void)
{
    train_options o;
    lrp_error err;
    train_options_init(&o);
    o.cell = (model_cell)7;
    TU_CHECK(train_options_check(&o, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "cell"), "cell 7: %s", err.message);
    train_options_init(&o);
    o.layers = 0;
    TU_CHECK(train_options_check(&o, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "layers"), "layers 0: %s",
             err.message);
    o.layers = LRP_MAX_LAYERS + 1;
    TU_CHECK(train_options_check(&o, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "layers"), "layers 17: %s",
             err.message);
    train_options_init(&o);
    o.directions = 3;
    TU_CHECK(train_options_check(&o, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "directions"), "directions 3: %s",
             err.message);
    train_options_init(&o);
    o.pooling = (model_pooling)9;
    TU_CHECK(train_options_check(&o, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "pooling"), "pooling 9: %s",
             err.message);
    train_options_init(&o);
    o.attention = 5; /* without attention pooling */
    TU_CHECK(train_options_check(&o, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "attention pooling"),
             "attention without attention pooling: %s", err.message);
    train_options_init(&o);
    o.n_dense = LRP_MAX_DENSE + 1;
    TU_CHECK(train_options_check(&o, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "dense"), "9 dense layers: %s",
             err.message);
    train_options_init(&o);
    o.n_dense = 2;
    o.dense[0] = 4;
    o.dense[1] = 0;
    TU_CHECK(train_options_check(&o, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "dense"), "a dense layer of 0: %s",
             err.message);
    train_options_init(&o);
    o.activation = (model_activation)5;
    TU_CHECK(train_options_check(&o, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "activation"),
             "activation 5: %s", err.message);
    /* attention pooling without a size: the hidden size */
    train_options_init(&o);
    o.pooling = POOL_ATTENTION;
    TU_CHECK_STATUS(train_options_check(&o, &err), LRP_OK, err);
    model_shape s = train_model_shape(&o, 10, 3);
    TU_CHECK(s.A == o.hidden, "attention size %zu by default, expected the hidden size %zu", s.A, o.hidden);
}

int main(void)
{
    check_options();
    for (size_t k = 0; k < N_ARCHS; k++) {
        check_init(&ARCHS[k]);
        check_gradients(&ARCHS[k], k);
    }
    const char *dir = tu_write_treebank("sst", 240, 60, 60);
    check_training(dir, &ARCHS[0], "gru.safetensors");
    check_training(dir, &ARCHS[1], "attention.safetensors");
    return tu_finish();
}
