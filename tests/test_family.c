/*
 * test_family.c - properties of every architecture of the model family (core/model.h)
 * on random models: cell (LSTM, GRU) x directions (1, 2) x layers (1..3) x head (last,
 * mean, max, attention) x dense layers (0..2) x activation (relu, tanh) x classifier
 * bias, all 576 of them, H = 3..5 (so that a GRU's 3H gate rows are not always a
 * multiple of the kernels' blocks), sentences of 1, 2, 7 (with deleted words), 30 and,
 * on every third architecture (every combination but activation and bias has one), 300
 * words:
 *   - the reference: LRP_cons conserves f_c: sum of the word relevances + rest = f_c,
 *     to 1e-10 x max(1, |f_c|) plus the rounding of a sum of terms of their size
 *     (1e-13 x sum_t |R_t|: random models with long or deep stacks give relevances up to
 *     1e14 x |f_c| that cancel); the encoders' parts add up to the word relevance; the
 *     gradient (SA's per-dimension values) equals central finite differences of f_c in
 *     the embedding to 1e-6 (relative to max(1, |g|)); the parameter gradients
 *     (net_backward) equal finite differences for every tensor;
 *   - the library (the fast path) equals the reference in float64 within 1e-12 x
 *     max(1, the explanation's largest |value|) for every method: scores, word
 *     relevance, each encoder's part, the per-dimension values and rest; float32 word
 *     relevance within 1e-3 of the largest |R|; a batch equals one sentence at a time
 *     bit for bit (lrp_explain_batch on 1, 2 and 7 threads, both precisions), and
 *     lrp_predict gives lrp_explain's scores (float64). Where an
 *     explanation is ill-conditioned, no implementation can meet those bounds: each
 *     tolerance then adds what the explanation's measured sensitivity allows (sens: how
 *     far the reference moves when every parameter is perturbed by a relative 1e-9;
 *     float64 may add 1e-4 sens (perturbations of 1e-13, a thousand ulps), float32 1e4
 *     sens (1e-5, a hundred float32 ulps)); float64 values beyond float32's range
 *     (FLT_MAX) are not compared with float32, which overflows there (the library does not
 *     say so yet); the program counts those explanations, which must stay rare;
 *   - the trainer's kernels: fast_backward's flat parameter gradient and
 *     fast_embedding_grad equal the reference's net_backward for every tensor (float64,
 *     1e-12 relative to max(1, |g|)), and, with dropout masks (which the reference does
 *     not have), central finite differences of the fast path's own scores.
 * The finite differences of parameters run on every ninth architecture. Under the
 * sanitizers (LRP_SANITIZE=1) only every seventh architecture runs (the 300-word
 * sentence on every third of those): the program says so.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/explain_internal.h"
#include "core/network.h"
#include "fast/fast.h"
#include "testutil.h"

enum { NSENT = 5, MAXT = 300 };
static const size_t lengths[NSENT] = {1, 2, 7, 30, 300};

static unsigned long long rng = 12345;

static size_t below(size_t n) { return (size_t)(tu_uniform(&rng) * (double)n); }

static const char *describe(const model_shape *s, char *buf, size_t n)
{
    snprintf(buf, n, "%s D=%zu L=%zu %s A=%zu dense=%zu(%s) bias=%d E=%zu H=%zu C=%zu",
             model_cell_name(s->cell), s->D, s->L, model_pooling_name(s->pooling), s->A, s->n_dense,
             model_activation_name(s->activation), s->has_bias, s->E, s->H, s->C);
    return buf;
}

/* The sentences of one model: lengths[], deleted words in the third. */
typedef struct sentences {
    size_t n;
    lrp_sentence s[NSENT];
    int32_t ids[NSENT][MAXT];
    unsigned char del[NSENT][MAXT];
} sentences;

static void random_sentences(size_t V, size_t n, sentences *set)
{
    set->n = n;
    for (size_t i = 0; i < n; i++) {
        const size_t T = lengths[i];
        for (size_t t = 0; t < T; t++) {
            set->ids[i][t] = (int32_t)below(V);
            set->del[i][t] = i == 2 && tu_uniform(&rng) < 0.2;
        }
        set->s[i] = (lrp_sentence){set->ids[i], T, i == 2 ? set->del[i] : NULL};
    }
}

/* f_c of the reference for the current parameters */
static double score(const lrp_model *m, net_workspace *ws, const lrp_sentence *s, int c)
{
    net_forward(m, s->ids, s->deleted, s->length, ws);
    return ws->scores[c];
}

// ----------------------------------------------------------------------------
// the reference

/* Conservation, the encoders' parts, the gradient against finite differences in the
 * embedding; with fd_params, every tensor's parameter gradient too. */
static void check_reference(const char *name, lrp_model *m, const lrp_sentence *sent, int target,
                            const lrp_result *ref, int fd_params)
{
    const model_shape *s = &m->shape;
    const size_t T = sent->length, E = s->E, D = s->D;
    const double fc = ref->scores[target];
    const lrp_explanation *cons = &ref->explanations[LRP_METHOD_LRP_CONS];
    double sum = cons->rest, size = fabs(cons->rest);
    for (size_t t = 0; t < T; t++) {
        sum += cons->relevance[t];
        size += fabs(cons->relevance[t]);
    }
    TU_CHECK(fabs(sum - fc) <= 1e-10 * fmax(1.0, fabs(fc)) + 1e-13 * size,
             "%s T=%zu: lrp-cons sum + rest %.17g, f_c %.17g (sum of |R| %.3g)", name, T, sum, fc, size);
    for (int k = 0; k < 2; k++) {
        const lrp_explanation *x = &ref->explanations[k];
        for (size_t t = 0; t < T; t++) {
            double parts = x->relevance_fwd[t] + (D == 2 ? x->relevance_bwd[t] : 0.0);
            TU_CHECK(parts == x->relevance[t], "%s T=%zu: fwd + bwd != relevance", name, T);
        }
    }
    net_workspace ws;
    lrp_error err;
    if (net_workspace_init(&ws, m, T, &err) != LRP_OK) {
        TU_CHECK(0, "workspace: %s", err.message);
        return;
    }
    /* gradient against central differences in the embedding rows of 8 random words */
    const lrp_explanation *sa = &ref->explanations[LRP_METHOD_SA];
    const int32_t *ids = sent->ids;
    double worst = 0.0;
    for (size_t probe = 0; probe < 8; probe++) {
        const size_t t = below(T), q = below(E);
        if (sent->deleted && sent->deleted[t]) continue;
        {
            /* the embedding row is shared by every occurrence of the word */
            double g = 0.0;
            for (size_t u = 0; u < T; u++)
                if (ids[u] == ids[t] && !(sent->deleted && sent->deleted[u]))
                    g += sa->dims_fwd[u * E + q] + (D == 2 ? sa->dims_bwd[u * E + q] : 0.0);
            double *p = m->params + m->layout.emb + (size_t)ids[t] * E + q, keep = *p, h = 1e-6;
            *p = keep + h;
            double up = score(m, &ws, sent, target);
            *p = keep - h;
            double down = score(m, &ws, sent, target);
            *p = keep;
            double fd = (up - down) / (2 * h), e = fabs(fd - g) / fmax(1.0, fabs(g));
            if (e > worst) worst = e;
        }
    }
    TU_CHECK(worst <= 1e-6, "%s T=%zu: gradient vs finite differences: %.3g", name, T, worst);

    /* parameter gradients of the reference (every tensor, a few entries each) */
    if (fd_params) {
        const size_t n = m->layout.emb;
        double *grad = calloc(n, sizeof *grad), *ds = calloc(s->C, sizeof *ds);
        double *gx[2] = {malloc(T * E * sizeof(double)), malloc(T * E * sizeof(double))};
        net_forward(m, ids, sent->deleted, T, &ws);
        ds[target] = 1.0;
        net_backward(m, &ws, ds, gx, grad);
        model_tensor v[MODEL_MAX_TENSORS];
        size_t nv = model_tensors(s, &m->layout, v);
        for (size_t i = 1; i < nv; i++) { /* every tensor but the embedding */
            double tw = 0.0;
            for (int r = 0; r < 3; r++) {
                size_t at = v[i].offset + below(v[i].rows * v[i].cols);
                double keep = m->params[at], h = 1e-6;
                m->params[at] = keep + h;
                double up = score(m, &ws, sent, target);
                m->params[at] = keep - h;
                double down = score(m, &ws, sent, target);
                m->params[at] = keep;
                double fd = (up - down) / (2 * h), e = fabs(fd - grad[at]) / fmax(1.0, fabs(grad[at]));
                if (e > tw) tw = e;
            }
            TU_CHECK(tw <= 1e-6, "%s: parameter gradient of %s vs finite differences: %.3g", name, v[i].name, tw);
        }
        free(grad);
        free(ds);
        free(gx[0]);
        free(gx[1]);
    }
    net_workspace_free(&ws);
}

// ----------------------------------------------------------------------------
// the library against the reference

/* The largest |value| of an explanation: word relevance, encoders' parts, per-dimension
 * values, rest (E: embedding size, D: directions). */
static double largest(const lrp_explanation *x, size_t T, size_t E, size_t D)
{
    double big = fabs(x->rest);
    for (size_t t = 0; t < T; t++) big = fmax(big, fmax(fabs(x->relevance[t]), fabs(x->relevance_fwd[t])));
    for (size_t t = 0; D == 2 && t < T; t++) big = fmax(big, fabs(x->relevance_bwd[t]));
    for (size_t i = 0; i < T * E; i++) big = fmax(big, fabs(x->dims_fwd[i]));
    for (size_t i = 0; D == 2 && i < T * E; i++) big = fmax(big, fabs(x->dims_bwd[i]));
    return big;
}

/* How many explanations needed their sensitivity in a tolerance (ill-conditioned), of all */
static size_t n_explanations, n_ill[2];
/* float64 explanations beyond float32's range */
static size_t n_beyond;

/* float64: every value within 1e-12 x max(1, the explanation's largest |value|), plus
 * 1e-4 x its sensitivity sens[k] */
static void check_fast(const char *name, const lrp_result *fast, const lrp_result *ref, const double *sens,
                       size_t E, size_t D)
{
    const size_t T = ref->length;
    char what[300];
    snprintf(what, sizeof what, "%s T=%zu fast scores", name, T);
    TU_CLOSE(what, fast->scores, ref->scores, ref->classes, 1e-12, 1e-12);
    for (size_t k = 0; k < ref->n_explanations; k++) {
        const lrp_explanation *x = &fast->explanations[k], *y = &ref->explanations[k];
        const double strict = 1e-12 * fmax(1.0, largest(y, T, E, D)), tol = strict + 1e-4 * sens[k];
        n_explanations++;
        n_ill[0] += tu_explanation_difference(x, y, T, E, D) > strict;
        snprintf(what, sizeof what, "%s T=%zu fast %s", name, T, lrp_method_name(y->method));
        TU_CLOSE(what, x->relevance, y->relevance, T, tol, 0);
        TU_CLOSE(what, x->relevance_fwd, y->relevance_fwd, T, tol, 0);
        if (D == 2) TU_CLOSE(what, x->relevance_bwd, y->relevance_bwd, T, tol, 0);
        TU_CLOSE(what, x->dims_fwd, y->dims_fwd, T * E, tol, 0);
        if (D == 2) TU_CLOSE(what, x->dims_bwd, y->dims_bwd, T * E, tol, 0);
        TU_CLOSE(what, &x->rest, &y->rest, 1, tol, 0);
    }
}

/* float32: each method's word relevance within 1e-3 of its largest |R| (float64), plus
 * 1e4 x its sensitivity sens[k] */
static void check_f32(const char *name, const lrp_result *r32, const lrp_result *r64, const double *sens,
                      double *worst)
{
    const size_t T = r64->length;
    char what[300];
    for (size_t k = 0; k < r64->n_explanations; k++) {
        const lrp_explanation *a = &r32->explanations[k], *b = &r64->explanations[k];
        double big = 0.0, dev = 0.0;
        for (size_t t = 0; t < T; t++) {
            big = fmax(big, fabs(b->relevance[t]));
            dev = fmax(dev, fabs(a->relevance[t] - b->relevance[t]));
        }
        if (big > FLT_MAX) { /* float32 cannot hold it: it overflows, as it must */
            n_beyond++;
            continue;
        }
        const double strict = 1e-3 * big;
        if (dev <= strict && big > 0 && dev / big > worst[b->method]) worst[b->method] = dev / big;
        n_ill[1] += !(dev <= strict);
        snprintf(what, sizeof what, "%s T=%zu float32 %s", name, T, lrp_method_name(b->method));
        TU_CLOSE(what, a->relevance, b->relevance, T, strict + 1e4 * sens[k], 0);
    }
}

/* sens[k]: the largest |change| of explanation k's values when every parameter of the
 * model is multiplied by 1 + 1e-9 u, u uniform in [-1, 1] (the reference, float64) */
static void sensitivity(const model_shape *s, unsigned long long seed, const lrp_sentence *sent,
                        const lrp_options *o, const lrp_result *ref, double *sens)
{
    lrp_model *m = tu_random_model_shape(s, 0.5, seed);
    lrp_result moved;
    lrp_error err;
    TU_CHECK(m != NULL, "perturbed model");
    for (size_t i = 0; m && i < m->layout.total; i++) m->params[i] *= 1.0 + 1e-9 * (2.0 * tu_uniform(&rng) - 1.0);
    lrp_status st = m ? explain_reference(m, sent, o, &moved, &err) : LRP_ERR_NOMEM;
    TU_CHECK_STATUS(st, LRP_OK, err);
    for (size_t k = 0; k < ref->n_explanations; k++)
        sens[k] = st == LRP_OK ? tu_explanation_difference(&moved.explanations[k], &ref->explanations[k],
                                                           sent->length, s->E, s->D)
                               : 0.0;
    if (st == LRP_OK) lrp_result_free(&moved);
    lrp_model_free(m);
}

/* lrp_explain_batch on 1, 2 and 7 threads = one lrp_explain per sentence, bit for bit */
static void check_batch(const char *name, const lrp_model *m, const sentences *set, lrp_dtype precision)
{
    const model_shape *s = &m->shape;
    int targets[2] = {LRP_TARGET_PREDICTED, (int)s->C - 1};
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHODS_ALL;
    o.per_dimension = 1;
    o.precision = precision;
    o.targets = targets;
    o.n_targets = 2;
    lrp_error err;
    lrp_result one[NSENT], many[NSENT];
    size_t overflowed = 0; /* float32 sentences whose results are not finite (issue 16: an error) */
    for (size_t i = 0; i < set->n; i++) {
        lrp_status st = lrp_explain(m, &set->s[i], &o, &one[i], &err);
        if (st == LRP_ERR_NUMERIC && precision == LRP_F32) {
            overflowed++;
            continue;
        }
        TU_CHECK_STATUS(st, LRP_OK, err);
        double scores[16];
        TU_CHECK_STATUS(lrp_predict(m, &set->s[i], scores, &err), LRP_OK, err);
        if (precision == LRP_F64)
            TU_CHECK(tu_same_doubles(scores, one[i].scores, s->C), "%s: lrp_predict's scores differ from lrp_explain's",
                     name);
    }
    const int threads[] = {1, 2, 7};
    for (size_t k = 0; k < 3; k++) {
        lrp_status st = lrp_explain_batch(m, set->s, set->n, &o, threads[k], many, &err);
        if (overflowed) { /* the batch fails as a whole, as one sentence at a time did */
            TU_CHECK_STATUS(st, LRP_ERR_NUMERIC, err);
            if (st == LRP_OK)
                for (size_t i = 0; i < set->n; i++) lrp_result_free(&many[i]);
            continue;
        }
        TU_CHECK_STATUS(st, LRP_OK, err);
        if (st != LRP_OK) continue;
        size_t bad = 0;
        for (size_t i = 0; i < set->n; i++) {
            bad += !tu_same_result(&one[i], &many[i], s->E);
            lrp_result_free(&many[i]);
        }
        TU_CHECK(bad == 0, "%s, %s, %d threads: %zu of %zu batch results differ from one-sentence calls", name,
                 precision == LRP_F64 ? "f64" : "f32", threads[k], bad, set->n);
    }
    for (size_t i = 0; i < set->n; i++) lrp_result_free(&one[i]);
}

// ----------------------------------------------------------------------------
// the trainer's kernels

/* fast_backward's flat parameter gradient and fast_embedding_grad against the
 * reference's net_backward, for the objective sum_c ds[c] scores[c] (every class) */
static void check_fast_grad(const char *name, lrp_model *m, const lrp_sentence *sent)
{
    const model_shape *s = &m->shape;
    const size_t T = sent->length, E = s->E, base = m->layout.wx[0][0], n = m->layout.emb - base;
    double ds[16];
    for (size_t c = 0; c < s->C; c++) ds[c] = 2.0 * tu_uniform(&rng) - 1.0;
    /* the reference */
    net_workspace ws;
    lrp_error err;
    if (net_workspace_init(&ws, m, T, &err) != LRP_OK) {
        TU_CHECK(0, "workspace: %s", err.message);
        return;
    }
    double *ref = calloc(m->layout.emb, sizeof *ref), *fast = calloc(n, sizeof *fast);
    double *gx[2] = {malloc(T * E * sizeof(double)), malloc(T * E * sizeof(double))};
    double *row = malloc(E * sizeof *row), *want = malloc(E * sizeof *want);
    net_forward(m, sent->ids, sent->deleted, T, &ws);
    net_backward(m, &ws, ds, gx, ref);
    /* the fast path, from a non-zero start (it adds) */
    for (size_t i = 0; i < n; i++) fast[i] = 0.25;
    fast_work_d w;
    fast_work_init_d(&w);
    const fast_pack_d *p = model_pack_d(m, &err);
    lrp_status st = p ? fast_forward_d(p, m, &w, 1, sent, &err) : LRP_ERR_NOMEM;
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st == LRP_OK) {
        fast_backward_d(p, m, &w, ds, fast);
        model_tensor v[MODEL_MAX_TENSORS];
        const size_t nv = model_tensors(s, &m->layout, v);
        for (size_t i = 1; i < nv; i++) {
            double worst = 0.0;
            size_t at = 0;
            for (size_t k = 0; k < v[i].rows * v[i].cols; k++) {
                const size_t j = v[i].offset + k;
                const double e = fabs((fast[j - base] - 0.25) - ref[j]) / fmax(1.0, fabs(ref[j]));
                if (e > worst) {
                    worst = e;
                    at = k;
                }
            }
            TU_CHECK(worst <= 1e-12, "%s T=%zu: fast_backward's gradient of %s[%zu] vs the reference: %.3g", name, T,
                     v[i].name, at, worst);
        }
        double worst = 0.0;
        for (size_t t = 0; t < T; t++) {
            fast_embedding_grad_d(p, &w, 0, t, row);
            for (size_t q = 0; q < E; q++) {
                const int del = sent->deleted && sent->deleted[t];
                want[q] = del ? 0.0 : gx[0][t * E + q] + (s->D == 2 ? gx[1][t * E + q] : 0.0);
                worst = fmax(worst, fabs(row[q] - want[q]) / fmax(1.0, fabs(want[q])));
            }
        }
        TU_CHECK(worst <= 1e-12, "%s T=%zu: fast_embedding_grad vs the reference: %.3g", name, T, worst);
    }
    fast_work_free_d(&w);
    net_workspace_free(&ws);
    free(ref);
    free(fast);
    free(gx[0]);
    free(gx[1]);
    free(row);
    free(want);
}

/* sum_c ds[c] scores[c] of the fast path with the masks */
static double masked_objective(lrp_model *m, fast_work_d *w, const lrp_sentence *sent, const double *kx,
                               const double *kt, const double *ds)
{
    const double *px[1] = {kx}, *pt[1] = {kt};
    lrp_error err;
    const fast_pack_d *p = model_pack_d(m, &err);
    lrp_status st = p ? fast_forward_masked_d(p, m, w, 1, sent, px, pt, &err) : LRP_ERR_NOMEM;
    TU_CHECK_STATUS(st, LRP_OK, err);
    double f = 0.0;
    for (size_t c = 0; st == LRP_OK && c < m->shape.C; c++) f += ds[c] * w->sent[0].scores[c];
    return f;
}

/* With dropout masks on the input and the head's output: fast_backward's gradient of
 * every tensor (a few entries each) and of the embedding against central differences */
static void check_masked_grad(const char *name, lrp_model *m, const lrp_sentence *sent)
{
    const model_shape *s = &m->shape;
    const size_t T = sent->length, E = s->E, Y = s->D * s->H, base = m->layout.wx[0][0];
    double *kx = malloc(T * E * sizeof *kx), *kt = malloc(Y * sizeof *kt), ds[16];
    for (size_t i = 0; i < T * E; i++) kx[i] = tu_uniform(&rng) < 0.3 ? 0.0 : 1.0 / 0.7;
    for (size_t i = 0; i < Y; i++) kt[i] = tu_uniform(&rng) < 0.3 ? 0.0 : 1.0 / 0.7;
    for (size_t c = 0; c < s->C; c++) ds[c] = (double)(c + 1);
    double *grad = calloc(m->layout.total, sizeof *grad), *row = malloc(E * sizeof *row);
    fast_work_d w;
    fast_work_init_d(&w);
    masked_objective(m, &w, sent, kx, kt, ds);
    fast_backward_d(model_pack_d(m, NULL), m, &w, ds, grad + base);
    for (size_t t = 0; t < T; t++) {
        fast_embedding_grad_d(model_pack_d(m, NULL), &w, 0, t, row);
        for (size_t q = 0; q < E; q++) grad[m->layout.emb + (size_t)sent->ids[t] * E + q] += row[q];
    }
    model_tensor v[MODEL_MAX_TENSORS];
    const size_t nv = model_tensors(s, &m->layout, v);
    for (size_t i = 0; i < nv; i++) {
        double worst = 0.0;
        for (int r = 0; r < 2; r++) {
            /* the embedding: rows of the sentence's words */
            size_t at = i == 0 ? m->layout.emb + (size_t)sent->ids[below(T)] * E + below(E)
                               : v[i].offset + below(v[i].rows * v[i].cols);
            double keep = m->params[at], h = 1e-6, f[2];
            for (int sgn = 0; sgn < 2; sgn++) {
                m->params[at] = keep + (sgn ? -h : h);
                model_prepare(m, NULL);
                f[sgn] = masked_objective(m, &w, sent, kx, kt, ds);
            }
            m->params[at] = keep;
            const double fd = (f[0] - f[1]) / (2 * h);
            worst = fmax(worst, fabs(fd - grad[at]) / fmax(1.0, fabs(fd)));
        }
        TU_CHECK(worst <= 1e-6, "%s: with masks, fast_backward's gradient of %s vs finite differences: %.3g", name,
                 v[i].name, worst);
    }
    model_prepare(m, NULL);
    fast_work_free_d(&w);
    free(kx);
    free(kt);
    free(grad);
    free(row);
}

// ----------------------------------------------------------------------------

/* every check on one model */
static void check_model(const model_shape *s, unsigned long long seed, int fd_params, size_t nsent, double *worst32)
{
    char name[200];
    describe(s, name, sizeof name);
    lrp_model *m = tu_random_model_shape(s, 0.5, seed);
    TU_CHECK(m != NULL, "%s: cannot build", name);
    if (!m) return;
    sentences *set = malloc(sizeof *set);
    random_sentences(s->V, nsent, set);
    for (size_t i = 0; i < set->n; i++) {
        const lrp_sentence *sent = &set->s[i];
        const size_t T = sent->length;
        lrp_options o;
        lrp_options_init(&o);
        o.methods = LRP_METHODS_ALL;
        o.per_dimension = 1;
        int target = (int)below(s->C);
        o.targets = &target;
        o.n_targets = 1;
        lrp_result ref, fast, r32;
        lrp_error err;
        lrp_status st = explain_reference(m, sent, &o, &ref, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        if (st != LRP_OK) continue;
        check_reference(name, m, sent, target, &ref, fd_params && T == 7);
        double sens[LRP_METHOD_COUNT];
        sensitivity(s, seed, sent, &o, &ref, sens);
        st = lrp_explain(m, sent, &o, &fast, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        if (st == LRP_OK) {
            check_fast(name, &fast, &ref, sens, s->E, s->D);
            lrp_result_free(&fast);
        }
        o.precision = LRP_F32;
        st = lrp_explain(m, sent, &o, &r32, &err);
        if (st == LRP_ERR_NUMERIC) {
            /* float32 overflowed: an error, never a NaN in a result (issue 16), and only
             * where float64's values come near float32's end (products on the way
             * overflow first) */
            double big = 0.0;
            for (size_t k = 0; k < ref.n_explanations; k++)
                big = fmax(big, largest(&ref.explanations[k], T, s->E, s->D));
            TU_CHECK(big > 1e30, "%s T=%zu: float32 not finite (%s) where float64's largest value is %.3g", name, T,
                     err.message, big);
            n_beyond++;
        } else {
            TU_CHECK_STATUS(st, LRP_OK, err);
        }
        if (st == LRP_OK) {
            check_f32(name, &r32, &ref, sens, worst32);
            lrp_result_free(&r32);
        }
        lrp_result_free(&ref);
        if (T == 7 || T == 300) check_fast_grad(name, m, sent);
        if (fd_params && T == 7) check_masked_grad(name, m, sent);
    }
    check_batch(name, m, set, LRP_F64);
    check_batch(name, m, set, LRP_F32);
    free(set);
    lrp_model_free(m);
}

int main(void)
{
    const char *san = getenv("LRP_SANITIZE");
    const int sanitized = san && strcmp(san, "1") == 0;
    const size_t step = sanitized ? 7 : 1; /* architectures */
    if (sanitized)
        printf("sanitizers: every %zuth architecture only\n", step);
    const model_pooling heads[] = {POOL_LAST, POOL_MEAN, POOL_MAX, POOL_ATTENTION};
    double worst32[LRP_METHOD_COUNT] = {0};
    size_t n = 0, run = 0;
    for (int cell = 0; cell < 2; cell++)
        for (size_t D = 1; D <= 2; D++)
            for (size_t L = 1; L <= 3; L++)
                for (int h = 0; h < 4; h++)
                    for (size_t nd = 0; nd <= 2; nd++)
                        for (int act = 0; act < 2; act++)
                            for (int bias = 0; bias < 2; bias++, n++) {
                                if (n % step) continue;
                                model_shape s = {.V = 23, .E = 5, .H = 3 + n % 3, .C = 3, .L = L, .D = D};
                                s.cell = (model_cell)cell;
                                s.pooling = heads[h];
                                s.A = heads[h] == POOL_ATTENTION ? 2 + n % 4 : 0;
                                s.n_dense = nd;
                                for (size_t k = 0; k < nd; k++) s.dense[k] = 3 + (n + k) % 3;
                                s.activation = (model_activation)act;
                                s.has_bias = bias;
                                const size_t nsent = run % 3 ? NSENT - 1 : NSENT;
                                check_model(&s, 100 + (unsigned long long)n, n % 9 == 0, nsent, worst32);
                                run++;
                            }
    printf("%zu of %zu architectures; float32 vs float64 where within 1e-3, largest |dR| / max|R|: lrp %.3g, "
           "lrp-cons %.3g, sa %.3g, gi %.3g\n",
           run, n, worst32[0], worst32[1], worst32[2], worst32[3]);
    printf("ill-conditioned (tolerance from the measured sensitivity): float64 %zu, float32 %zu of %zu "
           "explanations; %zu beyond float32's range in float64 (not compared)\n",
           n_ill[0], n_ill[1], n_explanations, n_beyond);
    /* a handful, not a habit: the strict bounds must hold almost everywhere */
    TU_CHECK(n_ill[0] + n_ill[1] + n_beyond <= n_explanations / 200,
             "%zu + %zu + %zu of %zu explanations ill-conditioned", n_ill[0], n_ill[1], n_beyond, n_explanations);
    return tu_finish();
}
