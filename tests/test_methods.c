/*
 * test_methods.c - the methods researchers compare LRP with (issue 15) on architectures
 * across the model family (random models):
 *
 *   occlusion, occlusion-prob: each word's value is, bit for bit, the full sentence's
 *     score (probability) of the target minus the one an independent forward pass gives
 *     for the sentence with that word's embedding zeroed (lrp_explain with no method and
 *     the word deleted), in float64 and float32, for sentences that already delete
 *     words, and for a sentence long enough that its occluded copies run in several
 *     batches; the reference path (explain_reference) within 1e-12; batch = single.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/explain_internal.h"
#include "core/model.h"
#include "core/rand.h"
#include "testutil.h"

enum { NSHAPES = 6, NSENT = 6 };

static const char *shape_name[NSHAPES] = {
    "1-layer bi-LSTM, last (the paper's)", "2-layer GRU, mean, dense 4 relu", "3-layer LSTM, max, dense 3+4 tanh",
    "1-layer bi-GRU, attention",           "2-layer bi-LSTM, attention, dense 5 relu",
    "3-layer bi-GRU, last, dense 3+3 tanh"};

static model_shape shape_of(size_t k)
{
    static const struct {
        int cell;
        size_t L, D;
        model_pooling pool;
        size_t nd;
        size_t dense[2];
        int act;
    } a[NSHAPES] = {{CELL_LSTM, 1, 2, POOL_LAST, 0, {0, 0}, 0},     {CELL_GRU, 2, 1, POOL_MEAN, 1, {4, 0}, 0},
                    {CELL_LSTM, 3, 1, POOL_MAX, 2, {3, 4}, 1},      {CELL_GRU, 1, 2, POOL_ATTENTION, 0, {0, 0}, 0},
                    {CELL_LSTM, 2, 2, POOL_ATTENTION, 1, {5, 0}, 0}, {CELL_GRU, 3, 2, POOL_LAST, 2, {3, 3}, 1}};
    model_shape s = {.V = 31, .E = 6, .H = 4 + k % 2, .C = 3 + k % 3, .L = a[k].L, .D = a[k].D};
    s.cell = (model_cell)a[k].cell;
    s.pooling = a[k].pool;
    s.A = a[k].pool == POOL_ATTENTION ? 3 : 0;
    s.n_dense = a[k].nd;
    for (size_t i = 0; i < a[k].nd; i++) s.dense[i] = a[k].dense[i];
    s.activation = (model_activation)a[k].act;
    s.has_bias = (int)(k % 2 == 0);
    return s;
}

/* n random sentences of 1..12 words (one of 300 when long is set), some deleting words */
typedef struct sentences {
    lrp_sentence s[NSENT];
    int32_t ids[NSENT][300];
    unsigned char del[NSENT][300];
} sentences;

static void random_sentences(sentences *set, size_t V, int long_one, uint64_t *rng)
{
    for (size_t i = 0; i < NSENT; i++) {
        size_t T = long_one && i == 1 ? 300 : 1 + (size_t)(rand_unit(splitmix64(rng)) * 12.0);
        for (size_t t = 0; t < T; t++) {
            set->ids[i][t] = (int32_t)(rand_unit(splitmix64(rng)) * (double)V);
            set->del[i][t] = i % 3 == 2 && rand_unit(splitmix64(rng)) < 0.3;
        }
        set->s[i] = (lrp_sentence){set->ids[i], T, i % 3 == 2 ? set->del[i] : NULL};
    }
}

/* the predicted class and every class */
static void all_targets(size_t C, int *targets, lrp_options *o)
{
    targets[0] = LRP_TARGET_PREDICTED;
    for (size_t c = 0; c < C; c++) targets[1 + c] = (int)c;
    o->targets = targets;
    o->n_targets = 1 + C;
}

// ----------------------------------------------------------------------------
// occlusion

/* Every occlusion value of r against independent forward passes, bit for bit. */
static void check_occlusion_bits(const char *name, const lrp_model *m, const lrp_sentence *s, const lrp_options *o,
                                 const lrp_result *r)
{
    const size_t T = s->length, C = r->classes;
    lrp_options fwd = *o;
    fwd.methods = 0; /* scores only: one forward pass */
    fwd.n_targets = 0;
    unsigned char *mask = malloc(T);
    lrp_result full, one;
    lrp_error err;
    TU_CHECK_STATUS(lrp_explain(m, s, &fwd, &full, &err), LRP_OK, err);
    TU_CHECK(tu_same_doubles(full.scores, r->scores, C), "%s T=%zu: the scores differ from a forward pass", name, T);
    size_t bad = 0;
    for (size_t t = 0; t < T; t++) {
        for (size_t u = 0; u < T; u++) mask[u] = u == t || (s->deleted && s->deleted[u]);
        lrp_sentence st = {s->ids, T, mask};
        if (lrp_explain(m, &st, &fwd, &one, &err) != LRP_OK) {
            bad++;
            continue;
        }
        for (size_t k = 0; k < r->n_explanations; k++) {
            const lrp_explanation *x = &r->explanations[k];
            const size_t c = (size_t)x->target;
            double want;
            if (x->method == LRP_METHOD_OCCLUSION) want = full.scores[c] - one.scores[c];
            else if (x->method == LRP_METHOD_OCCLUSION_PROB) want = full.probabilities[c] - one.probabilities[c];
            else continue;
            /* a word the sentence deletes already changes nothing: exactly 0 */
            if (s->deleted && s->deleted[t] && want != 0.0) want = NAN;
            if (memcmp(&want, &x->relevance[t], sizeof want) != 0 && bad++ < 3)
                tu_fail_at(__FILE__, __LINE__, "%s T=%zu %s word %zu class %zu: %.17g, independent passes %.17g", name,
                           T, lrp_method_name(x->method), t, c, x->relevance[t], want);
        }
        lrp_result_free(&one);
    }
    tu_checks++;
    if (bad) tu_fail_at(__FILE__, __LINE__, "%s T=%zu: %zu occlusion values differ from forward passes", name, T, bad);
    for (size_t k = 0; k < r->n_explanations; k++) {
        const lrp_explanation *x = &r->explanations[k];
        if (!explain_is_occlusion(x->method)) continue;
        int zero = x->rest == 0.0;
        for (size_t t = 0; t < T; t++) zero &= x->relevance_fwd[t] == 0.0 && (!x->relevance_bwd || x->relevance_bwd[t] == 0.0);
        TU_CHECK(zero, "%s: occlusion's encoder parts and rest are not zero", name);
    }
    lrp_result_free(&full);
    free(mask);
}

static void check_occlusion(size_t k, uint64_t *rng)
{
    const model_shape sh = shape_of(k);
    const char *name = shape_name[k];
    lrp_model *m = tu_random_model_shape(&sh, 0.6, 1500 + k);
    sentences set;
    random_sentences(&set, sh.V, k == 0, rng);
    int targets[1 + 8];
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHOD_BIT(LRP_METHOD_LRP) | LRP_METHOD_BIT(LRP_METHOD_OCCLUSION) |
                LRP_METHOD_BIT(LRP_METHOD_OCCLUSION_PROB);
    all_targets(sh.C, targets, &o);
    lrp_error err;
    for (int prec = 0; prec < 2; prec++) {
        o.precision = prec ? LRP_F32 : LRP_F64;
        lrp_result single[NSENT], batch[NSENT];
        for (size_t i = 0; i < NSENT; i++) {
            TU_CHECK_STATUS(lrp_explain(m, &set.s[i], &o, &single[i], &err), LRP_OK, err);
            check_occlusion_bits(name, m, &set.s[i], &o, &single[i]);
            if (prec == 0) {
                /* the reference path: T plain forward passes */
                lrp_result ref;
                TU_CHECK_STATUS(explain_reference(m, &set.s[i], &o, &ref, &err), LRP_OK, err);
                for (size_t e = 0; e < ref.n_explanations; e++) {
                    const lrp_explanation *a = &single[i].explanations[e], *b = &ref.explanations[e];
                    TU_CHECK(a->method == b->method && a->target == b->target, "%s: explanation %zu", name, e);
                    char what[96];
                    snprintf(what, sizeof what, "%s T=%zu %s: fast vs reference", name, set.s[i].length,
                             lrp_method_name(b->method));
                    double scale = 0.0;
                    for (size_t t = 0; t < set.s[i].length; t++) scale = fmax(scale, fabs(b->relevance[t]));
                    TU_CLOSE(what, a->relevance, b->relevance, set.s[i].length, 1e-12 * fmax(1.0, scale), 0.0);
                }
                lrp_result_free(&ref);
            }
        }
        TU_CHECK_STATUS(lrp_explain_batch(m, set.s, NSENT, &o, 2, batch, &err), LRP_OK, err);
        for (size_t i = 0; i < NSENT; i++) {
            TU_CHECK(tu_same_result(&single[i], &batch[i], sh.E), "%s sentence %zu: batch != single (%s)", name, i,
                     prec ? "f32" : "f64");
            lrp_result_free(&single[i]);
            lrp_result_free(&batch[i]);
        }
    }
    lrp_model_free(m);
}

int main(void)
{
    uint64_t rng = 15;
    for (size_t k = 0; k < NSHAPES; k++) check_occlusion(k, &rng);

    /* a method bit beyond the last method is an argument error */
    lrp_model *m = tu_random_model(10, 4, 3, 2, 1, 2, 1, 0.5, 7);
    int32_t ids[2] = {1, 2};
    lrp_sentence s = {ids, 2, NULL};
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHOD_BIT(LRP_METHOD_COUNT);
    lrp_result r;
    lrp_error err;
    TU_CHECK_STATUS(lrp_explain(m, &s, &o, &r, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK(lrp_method_parse("occlusion") == LRP_METHOD_OCCLUSION &&
                 lrp_method_parse("occlusion-prob") == LRP_METHOD_OCCLUSION_PROB,
             "method names");
    lrp_model_free(m);
    return tu_finish();
}
