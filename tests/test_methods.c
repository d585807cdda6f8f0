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
 *   contrastive targets (--contrast C2|others): lrp-cons conserves g = f_c - f_c2 (or
 *     f_c - the others' mean) to 1e-10; LRP equals plain LRP of the same model whose
 *     class c row is replaced by the extra output neuron (w_c - w_c2, b_c - b_c2); GI's
 *     and IG's gradients and occlusion are the differences of the plain ones (linearity);
 *     fast = reference 1e-12, batch = single; bad contrasts are argument errors.
 *   Integrated Gradients: the completeness error falls as M grows (4, 16, 64, 256) and
 *     is under 1% at M = 256, on random models of every architecture above and on the
 *     shipped model, with and without a contrast; with M = 1 it is twice GI of the model
 *     with halved embeddings (the midpoint rule); fast = reference 1e-12; batch = single.
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

// ----------------------------------------------------------------------------
// contrastive targets

/* the largest |value| of a word relevance array */
static double largest(const double *x, size_t n)
{
    double big = 0.0;
    for (size_t i = 0; i < n; i++) big = fmax(big, fabs(x[i]));
    return big;
}

/* g's weights: v_c = 1, v_c2 = -1, or v_k = -1/(C-1) for the others */
static void contrast_weights(lrp_contrast kind, int c2, size_t C, int c, double *v)
{
    for (size_t k = 0; k < C; k++) v[k] = kind == LRP_CONTRAST_OTHERS ? -1.0 / (double)(C - 1) : 0.0;
    v[c] = 1.0;
    if (kind == LRP_CONTRAST_CLASS) v[c2] -= 1.0;
}

/* one sentence, one contrast: r (fast) against the reference, plain explanations of
 * every class (plain: [target-major over classes 0..C-1] x 6 methods, per dimension)
 * and the model whose row c is the contrast's neuron */
static void check_contrast_sentence(const char *name, const model_shape *sh, const lrp_model *m, unsigned long long seed,
                                    const lrp_sentence *s, lrp_options *o, const lrp_result *plain)
{
    const size_t T = s->length, E = sh->E, C = sh->C, D = sh->D;
    const size_t NM = LRP_METHOD_COUNT; /* methods per target in plain (every method) */
    lrp_error err;
    lrp_result r, ref;
    TU_CHECK_STATUS(lrp_explain(m, s, o, &r, &err), LRP_OK, err);
    TU_CHECK_STATUS(explain_reference(m, s, o, &ref, &err), LRP_OK, err);
    const int c = r.explanations[0].target;
    double v[16], want[300], dims[2][300 * 8];
    contrast_weights(o->contrast, o->contrast_class, C, c, v);
    double g = 0.0;
    for (size_t k = 0; k < C; k++) g += v[k] * r.scores[k];
    char what[160];
    for (size_t e = 0; e < r.n_explanations; e++) {
        const lrp_explanation *x = &r.explanations[e], *y = &ref.explanations[e];
        const char *mn = lrp_method_name(x->method);
        TU_CHECK(x->contrast == o->contrast &&
                     x->contrast_class == (o->contrast == LRP_CONTRAST_CLASS ? o->contrast_class : -1),
                 "%s: the explanation records its contrast", name);
        snprintf(what, sizeof what, "%s T=%zu contrast %d/%d %s: fast vs reference", name, T, (int)o->contrast,
                 o->contrast_class, mn);
        TU_CLOSE(what, x->relevance, y->relevance, T, 1e-12 * fmax(1.0, largest(y->relevance, T)), 0.0);
        if (x->method == LRP_METHOD_LRP_CONS) {
            double sum = x->rest;
            for (size_t t = 0; t < T; t++) sum += x->relevance[t];
            TU_CHECK(fabs(sum - g) <= 1e-10 * fmax(1.0, largest(x->relevance, T)),
                     "%s T=%zu: lrp-cons with a contrast sums to %.17g, g = %.17g", name, T, sum, g);
        }
        const int grad = x->method == LRP_METHOD_GI || x->method == LRP_METHOD_IG;
        if (grad || x->method == LRP_METHOD_OCCLUSION || x->method == LRP_METHOD_OCCLUSION_PROB) {
            /* linear in the seed: the plain explanations' combination */
            for (size_t t = 0; t < T; t++) want[t] = 0.0;
            for (size_t q = 0; q < T * E; q++) dims[0][q] = dims[1][q] = 0.0;
            for (size_t k = 0; k < C; k++) {
                const lrp_explanation *pk = &plain->explanations[k * NM + (size_t)x->method];
                for (size_t t = 0; t < T; t++) want[t] += v[k] * pk->relevance[t];
                for (size_t q = 0; grad && q < T * E; q++) {
                    dims[0][q] += v[k] * pk->dims_fwd[q];
                    if (D == 2) dims[1][q] += v[k] * pk->dims_bwd[q];
                }
            }
            snprintf(what, sizeof what, "%s T=%zu %s of the contrast vs the plain ones' combination", name, T, mn);
            TU_CLOSE(what, x->relevance, want, T, 1e-12 * fmax(1.0, largest(want, T)), 0.0);
            if (grad) {
                snprintf(what, sizeof what, "%s T=%zu %s: the gradient of g", name, T, mn);
                TU_CLOSE(what, x->dims_fwd, dims[0], T * E, 1e-12 * fmax(1.0, largest(dims[0], T * E)), 0.0);
                if (D == 2) TU_CLOSE(what, x->dims_bwd, dims[1], T * E, 1e-12 * fmax(1.0, largest(dims[1], T * E)), 0.0);
            }
        }
    }
    /* LRP: the extra output neuron, as row c of a model of its own */
    lrp_model *mc = tu_random_model_shape(sh, 0.6, seed);
    const size_t U = model_dense_input(sh, sh->n_dense);
    double *W = mc->params + mc->layout.wout, *b = sh->has_bias ? mc->params + mc->layout.bout : NULL;
    for (size_t i = 0; i < U; i++) {
        double acc = 0.0;
        for (size_t k = 0; k < C; k++) acc = o->contrast == LRP_CONTRAST_OTHERS && k != (size_t)c ? acc + W[k * U + i] : acc;
        W[(size_t)c * U + i] = o->contrast == LRP_CONTRAST_OTHERS ? W[(size_t)c * U + i] - acc / (double)(C - 1)
                                                                  : W[(size_t)c * U + i] - W[(size_t)o->contrast_class * U + i];
    }
    if (b) {
        double acc = 0.0;
        for (size_t k = 0; k < C; k++) acc = k != (size_t)c ? acc + b[k] : acc;
        b[c] = o->contrast == LRP_CONTRAST_OTHERS ? b[c] - acc / (double)(C - 1) : b[c] - b[o->contrast_class];
    }
    TU_CHECK_STATUS(model_prepare(mc, &err), LRP_OK, err);
    lrp_options oc = *o;
    oc.contrast = LRP_CONTRAST_NONE;
    int tc = c;
    oc.targets = &tc;
    oc.n_targets = 1;
    lrp_result rc;
    if (c != o->contrast_class || o->contrast == LRP_CONTRAST_OTHERS) {
        TU_CHECK_STATUS(explain_reference(mc, s, &oc, &rc, &err), LRP_OK, err);
        for (size_t e = 0; e < 2; e++) {
            snprintf(what, sizeof what, "%s T=%zu %s: contrast vs the model with the extra neuron", name, T,
                     lrp_method_name(ref.explanations[e].method));
            TU_CLOSE(what, ref.explanations[e].relevance, rc.explanations[e].relevance, T,
                     1e-12 * fmax(1.0, largest(rc.explanations[e].relevance, T)), 0.0);
        }
        lrp_result_free(&rc);
    }
    lrp_model_free(mc);
    lrp_result_free(&r);
    lrp_result_free(&ref);
}

static void check_contrast(size_t k, uint64_t *rng)
{
    const model_shape sh = shape_of(k);
    const char *name = shape_name[k];
    const unsigned long long seed = 1500 + k;
    lrp_model *m = tu_random_model_shape(&sh, 0.6, seed);
    sentences set;
    random_sentences(&set, sh.V, 0, rng);
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHODS_EVERY;
    o.per_dimension = 1;
    int every[8];
    for (size_t c = 0; c < sh.C; c++) every[c] = (int)c;
    lrp_error err;
    for (size_t i = 0; i < NSENT; i++) {
        const lrp_sentence *s = &set.s[i];
        lrp_options po = o;
        po.targets = every;
        po.n_targets = sh.C;
        lrp_result plain;
        TU_CHECK_STATUS(lrp_explain(m, s, &po, &plain, &err), LRP_OK, err);
        int target = (int)(i % sh.C);
        lrp_options co = o;
        co.targets = &target;
        co.n_targets = 1;
        co.contrast = LRP_CONTRAST_CLASS;
        co.contrast_class = (int)((i + 1 + i / 3) % sh.C); /* sometimes the target itself: g = 0 */
        check_contrast_sentence(name, &sh, m, seed, s, &co, &plain);
        co.contrast = LRP_CONTRAST_OTHERS;
        check_contrast_sentence(name, &sh, m, seed, s, &co, &plain);
        lrp_result_free(&plain);
    }
    /* batch = single, the predicted class against the others */
    lrp_options bo = o;
    bo.contrast = LRP_CONTRAST_OTHERS;
    lrp_result single[NSENT], batch[NSENT];
    TU_CHECK_STATUS(lrp_explain_batch(m, set.s, NSENT, &bo, 2, batch, &err), LRP_OK, err);
    for (size_t i = 0; i < NSENT; i++) {
        TU_CHECK_STATUS(lrp_explain(m, &set.s[i], &bo, &single[i], &err), LRP_OK, err);
        TU_CHECK(tu_same_result(&single[i], &batch[i], sh.E), "%s sentence %zu: contrast batch != single", name, i);
        lrp_result_free(&single[i]);
        lrp_result_free(&batch[i]);
    }
    lrp_model_free(m);
}

// ----------------------------------------------------------------------------
// Integrated Gradients

/* completeness at M = 4, 16, 64, 256 for one sentence and target: falls, < 1% at 256 */
static void check_ig_completeness(const char *name, const lrp_model *m, const lrp_sentence *s, const lrp_options *base,
                                  double *worst)
{
    static const size_t steps[4] = {4, 16, 64, 256};
    double c[4];
    lrp_error err;
    for (int i = 0; i < 4; i++) {
        lrp_options o = *base;
        o.methods = LRP_METHOD_BIT(LRP_METHOD_IG);
        o.ig_steps = steps[i];
        lrp_result r;
        c[i] = NAN;
        TU_CHECK_STATUS(lrp_explain(m, s, &o, &r, &err), LRP_OK, err);
        if (r.n_explanations) c[i] = r.explanations[0].completeness;
        lrp_result_free(&r);
    }
    /* falls, until it reaches rounding (1e-9 of the difference explained) */
    for (int i = 1; i < 4; i++)
        TU_CHECK(c[i] < c[i - 1] || c[i] < 1e-9, "%s T=%zu contrast %d: completeness %.3g at M=%zu, %.3g at M=%zu", name,
                 s->length, (int)base->contrast, c[i - 1], steps[i - 1], c[i], steps[i]);
    TU_CHECK(c[3] < 0.01, "%s T=%zu: completeness %.3g at M=256", name, s->length, c[3]);
    if (c[3] > *worst) *worst = c[3];
}

static void check_ig(size_t k, uint64_t *rng, double *worst)
{
    const model_shape sh = shape_of(k);
    const char *name = shape_name[k];
    lrp_model *m = tu_random_model_shape(&sh, 0.6, 1500 + k);
    sentences set;
    random_sentences(&set, sh.V, 0, rng);
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHOD_BIT(LRP_METHOD_GI) | LRP_METHOD_BIT(LRP_METHOD_IG);
    o.ig_steps = 8;
    o.per_dimension = 1;
    int targets[1 + 8];
    all_targets(sh.C, targets, &o);
    lrp_error err;
    for (size_t i = 0; i < NSENT; i++) {
        lrp_result r, ref;
        TU_CHECK_STATUS(lrp_explain(m, &set.s[i], &o, &r, &err), LRP_OK, err);
        TU_CHECK_STATUS(explain_reference(m, &set.s[i], &o, &ref, &err), LRP_OK, err);
        for (size_t e = 0; e < r.n_explanations; e++) {
            const lrp_explanation *a = &r.explanations[e], *b = &ref.explanations[e];
            char what[128];
            const size_t T = set.s[i].length;
            snprintf(what, sizeof what, "%s T=%zu %s: fast vs reference", name, T, lrp_method_name(b->method));
            TU_CLOSE(what, a->relevance, b->relevance, T, 1e-12 * fmax(1.0, largest(b->relevance, T)), 0.0);
            TU_CLOSE(what, a->dims_fwd, b->dims_fwd, T * sh.E, 1e-12 * fmax(1.0, largest(b->dims_fwd, T * sh.E)), 0.0);
            TU_CHECK(fabs(a->completeness - b->completeness) <= 1e-9 * fmax(1.0, b->completeness),
                     "%s: completeness %.17g, reference %.17g", what, a->completeness, b->completeness);
            if (b->method != LRP_METHOD_IG) TU_CHECK(a->completeness == 0.0, "%s: completeness of gi", name);
        }
        lrp_result_free(&r);
        lrp_result_free(&ref);
        lrp_options po;
        lrp_options_init(&po);
        check_ig_completeness(name, m, &set.s[i], &po, worst);
        po.contrast = LRP_CONTRAST_OTHERS;
        check_ig_completeness(name, m, &set.s[i], &po, worst);
    }
    /* the quadrature: with M = 1, the midpoint alpha = 1/2: IG = 2 GI of the model whose
     * embeddings are halved */
    lrp_model *half = tu_random_model_shape(&sh, 0.6, 1500 + k);
    for (size_t i = 0; i < sh.V * sh.E; i++) half->params[half->layout.emb + i] *= 0.5;
    TU_CHECK_STATUS(model_prepare(half, &err), LRP_OK, err);
    for (size_t i = 0; i < NSENT; i++) {
        lrp_options o1 = o;
        o1.ig_steps = 1;
        o1.per_dimension = 0;
        lrp_result r1, rh;
        TU_CHECK_STATUS(lrp_explain(m, &set.s[i], &o1, &r1, &err), LRP_OK, err);
        TU_CHECK_STATUS(lrp_explain(half, &set.s[i], &o1, &rh, &err), LRP_OK, err);
        const size_t T = set.s[i].length;
        for (size_t e = 0; e + 1 < r1.n_explanations; e += 2) {
            double want[300];
            for (size_t t = 0; t < T; t++) want[t] = 2.0 * rh.explanations[e].relevance[t]; /* gi */
            char what[96];
            snprintf(what, sizeof what, "%s T=%zu: ig with M = 1 vs 2 gi at x / 2", name, T);
            TU_CLOSE(what, r1.explanations[e + 1].relevance, want, T, 1e-12 * fmax(1.0, largest(want, T)), 0.0);
        }
        lrp_result_free(&r1);
        lrp_result_free(&rh);
    }
    lrp_model_free(half);
    for (int prec = 0; prec < 2; prec++) {
        o.precision = prec ? LRP_F32 : LRP_F64;
        lrp_result single[NSENT], batch[NSENT];
        TU_CHECK_STATUS(lrp_explain_batch(m, set.s, NSENT, &o, 2, batch, &err), LRP_OK, err);
        for (size_t i = 0; i < NSENT; i++) {
            TU_CHECK_STATUS(lrp_explain(m, &set.s[i], &o, &single[i], &err), LRP_OK, err);
            TU_CHECK(tu_same_result(&single[i], &batch[i], sh.E) &&
                         single[i].explanations[1].completeness == batch[i].explanations[1].completeness,
                     "%s sentence %zu: ig batch != single", name, i);
            lrp_result_free(&single[i]);
            lrp_result_free(&batch[i]);
        }
    }
    lrp_model_free(m);
}

/* the shipped model on a few sentences, the predicted class and against the others */
static void check_ig_shipped(double *worst)
{
    static const char *const text[] = {"Don't waste your money.", "a good movie , but far too long",
                                       "The acting is superb and the story moving, although the ending drags.",
                                       "terrible", "It is neither as funny nor as clever as it thinks it is."};
    const char *src = getenv("LRP_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/models/sst5-bilstm.safetensors", src ? src : ".");
    lrp_model *m;
    lrp_error err;
    if (lrp_model_load(&m, path, &err) != LRP_OK) {
        TU_CHECK(0, "the shipped model: %s", err.message);
        return;
    }
    lrp_model_info info;
    lrp_model_get_info(m, &info);
    for (size_t i = 0; i < sizeof text / sizeof *text; i++) {
        lrp_tokens tok;
        TU_CHECK_STATUS(lrp_tokenize(text[i], strlen(text[i]), info.lowercase, &tok, &err), LRP_OK, err);
        int32_t ids[64];
        TU_CHECK_STATUS(lrp_encode(m, &tok, ids, NULL, &err), LRP_OK, err);
        lrp_sentence s = {ids, tok.count, NULL};
        lrp_options o;
        lrp_options_init(&o);
        check_ig_completeness("shipped model", m, &s, &o, worst);
        o.contrast = LRP_CONTRAST_OTHERS;
        check_ig_completeness("shipped model", m, &s, &o, worst);
        lrp_tokens_free(&tok);
    }
    lrp_model_free(m);
}

int main(void)
{
    uint64_t rng = 15;
    for (size_t k = 0; k < NSHAPES; k++) check_occlusion(k, &rng);
    for (size_t k = 0; k < NSHAPES; k++) check_contrast(k, &rng);
    double worst_random = 0.0, worst_shipped = 0.0;
    for (size_t k = 0; k < NSHAPES; k++) check_ig(k, &rng, &worst_random);
    check_ig_shipped(&worst_shipped);
    printf("ig completeness at M = 256, the largest: random models %.3g, the shipped model %.3g\n", worst_random,
           worst_shipped);

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
    lrp_options_init(&o);
    o.contrast = LRP_CONTRAST_CLASS;
    o.contrast_class = 2; /* two classes */
    TU_CHECK_STATUS(lrp_explain(m, &s, &o, &r, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK(strstr(err.message, "contrast class 2 out of range"), "message: %s", err.message);
    o.contrast_class = -1;
    TU_CHECK_STATUS(lrp_explain(m, &s, &o, &r, &err), LRP_ERR_ARGUMENT, err);
    o.contrast = (lrp_contrast)7;
    TU_CHECK_STATUS(lrp_explain(m, &s, &o, &r, &err), LRP_ERR_ARGUMENT, err);
    lrp_options_init(&o);
    o.ig_steps = LRP_IG_MAX_STEPS + 1;
    TU_CHECK_STATUS(lrp_explain(m, &s, &o, &r, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK(lrp_method_parse("occlusion") == LRP_METHOD_OCCLUSION &&
                 lrp_method_parse("occlusion-prob") == LRP_METHOD_OCCLUSION_PROB,
             "method names");
    lrp_model_free(m);
    return tu_finish();
}
