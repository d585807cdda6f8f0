/*
 * explain.c - the public explain API: options, checks at the boundary, methods and
 * targets over one shared forward pass, word-level aggregation, batches.
 *
 * Word relevance (sec. 4): the relevance vector of word t's embedding is summed over
 * the embedding dimensions. For LRP the two encoders' parts add up exactly:
 * relevance = relevance_fwd + relevance_bwd. SA is the squared norm of the whole
 * gradient (not the sum of the encoders' squared norms); GI = gradient . x.
 * Occlusion: the score (or probability) of the sentence minus that of the sentence
 * with word t's embedding zeroed, one forward pass per word. docs/methods.md has every
 * equation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/explain_internal.h"
#include "core/network.h"

static const char *const method_names[LRP_METHOD_COUNT] = {"lrp", "lrp-cons", "sa", "gi", "occlusion",
                                                            "occlusion-prob", "ig"};

const char *lrp_method_name(lrp_method m)
{
    return (unsigned)m < LRP_METHOD_COUNT ? method_names[m] : "?";
}

int lrp_method_parse(const char *name)
{
    for (int m = 0; m < LRP_METHOD_COUNT; m++)
        if (name && strcmp(name, method_names[m]) == 0) return m;
    return -1;
}

void lrp_options_init(lrp_options *o)
{
    memset(o, 0, sizeof *o);
    o->methods = LRP_METHOD_BIT(LRP_METHOD_LRP);
    o->eps = 0.001;
    o->precision = LRP_F64;
}

// ----------------------------------------------------------------------------
// checks at the boundary

lrp_status explain_check_model(const lrp_model *m, lrp_error *err)
{
    if (!m->prepared)
        return lrp_fail(err, LRP_ERR_ARGUMENT,
                        "the model has no packed weights: call model_prepare after setting its parameters");
    return LRP_OK;
}

lrp_status explain_check_options(const lrp_model *m, const lrp_options *o, lrp_error *err)
{
    lrp_status st = explain_check_model(m, err);
    if (st != LRP_OK) return st;
    if (!o) return lrp_fail(err, LRP_ERR_ARGUMENT, "options must not be NULL");
    if (o->methods & ~LRP_METHODS_EVERY)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown method bits 0x%x", o->methods);
    if (!(o->eps > 0.0) || !isfinite(o->eps))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "eps must be a positive finite number, got %g", o->eps);
    if (o->precision != LRP_F64 && o->precision != LRP_F32)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown precision %d", (int)o->precision);
    if (o->contrast != LRP_CONTRAST_NONE && o->contrast != LRP_CONTRAST_CLASS && o->contrast != LRP_CONTRAST_OTHERS)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown contrast %d", (int)o->contrast);
    if (o->contrast == LRP_CONTRAST_CLASS && (o->contrast_class < 0 || (size_t)o->contrast_class >= m->shape.C))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "contrast class %d out of range: the model has %zu classes (0..%zu)",
                        o->contrast_class, m->shape.C, m->shape.C - 1);
    if (o->contrast == LRP_CONTRAST_OTHERS && m->shape.C < 2)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "contrast with the other classes needs two classes or more");
    if (o->ig_steps > LRP_IG_MAX_STEPS)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "ig_steps is %zu: at most %d steps", o->ig_steps, LRP_IG_MAX_STEPS);
    if (o->n_targets && !o->targets)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "n_targets is %zu but targets is NULL", o->n_targets);
    for (size_t i = 0; i < o->n_targets; i++) {
        int t = o->targets[i];
        if (t != LRP_TARGET_PREDICTED && (t < 0 || (size_t)t >= m->shape.C))
            return lrp_fail(err, LRP_ERR_ARGUMENT, "target class %d out of range: the model has %zu classes (0..%zu)",
                            t, m->shape.C, m->shape.C - 1);
    }
    return LRP_OK;
}

lrp_status explain_check_sentence(const lrp_model *m, const lrp_sentence *s, lrp_error *err)
{
    if (!s) return lrp_fail(err, LRP_ERR_ARGUMENT, "sentence must not be NULL");
    if (s->length == 0) return lrp_fail(err, LRP_ERR_INPUT, "empty sentence: nothing to explain");
    if (s->length > LRP_MAX_LENGTH)
        return lrp_fail(err, LRP_ERR_INPUT,
                        "sentence of %zu words is too long: at most %d words per sentence",
                        s->length, LRP_MAX_LENGTH);
    if (!s->ids) return lrp_fail(err, LRP_ERR_ARGUMENT, "sentence ids must not be NULL");
    for (size_t t = 0; t < s->length; t++)
        if (s->ids[t] < 0 || (size_t)s->ids[t] >= m->shape.V)
            return lrp_fail(err, LRP_ERR_INPUT, "word %zu: id %ld outside the vocabulary [0, %zu)", t,
                            (long)s->ids[t], m->shape.V);
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// results

static size_t count_methods(unsigned methods)
{
    size_t n = 0;
    for (int k = 0; k < LRP_METHOD_COUNT; k++) n += (methods >> k) & 1u;
    return n;
}

lrp_status explain_result_alloc(const lrp_model *m, const lrp_options *o, size_t T, lrp_result *out,
                                lrp_error *err)
{
    const model_shape *s = &m->shape;
    memset(out, 0, sizeof *out);
    size_t nt = o->n_targets ? o->n_targets : 1;
    size_t ne = nt * count_methods(o->methods);
    size_t per = T * (1 + s->D) + (o->per_dimension ? s->D * T * s->E : 0);
    size_t doubles = 2 * s->C + ne * per;
    size_t bytes = ne * sizeof(lrp_explanation) + doubles * sizeof(double);
    char *mem = calloc(1, bytes ? bytes : 1);
    if (!mem) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the results of a %zu-word sentence", T);
    out->memory_ = mem;
    out->explanations = ne ? (lrp_explanation *)mem : NULL;
    double *p = (double *)(mem + ne * sizeof(lrp_explanation));
    out->length = T;
    out->classes = s->C;
    out->scores = p; p += s->C;
    out->probabilities = p; p += s->C;
    out->n_explanations = ne;
    size_t e = 0;
    for (size_t i = 0; i < nt; i++) {
        for (int k = 0; k < LRP_METHOD_COUNT; k++) {
            if (!(o->methods & LRP_METHOD_BIT(k))) continue;
            lrp_explanation *x = &out->explanations[e++];
            x->method = (lrp_method)k;
            x->contrast = o->contrast;
            x->contrast_class = o->contrast == LRP_CONTRAST_CLASS ? o->contrast_class : -1;
            x->relevance = p; p += T;
            x->relevance_fwd = p; p += T;
            if (s->D == 2) { x->relevance_bwd = p; p += T; }
            if (o->per_dimension) {
                x->dims_fwd = p; p += T * s->E;
                if (s->D == 2) { x->dims_bwd = p; p += T * s->E; }
            }
        }
    }
    return LRP_OK;
}

/* The first of n values that is not finite, or -1. */
static long first_non_finite(const double *x, size_t n)
{
    for (size_t i = 0; x && i < n; i++)
        if (!isfinite(x[i])) return (long)i;
    return -1;
}

static lrp_status not_finite(lrp_error *err, const lrp_options *o, const char *what, double v)
{
    return lrp_fail(err, LRP_ERR_NUMERIC,
                    "%s is %g: the computation overflowed (the model's weights or the input are too "
                    "large for %s)",
                    what, v, o && o->precision == LRP_F32 ? "float32, which ends at 3.4e38; float64 goes further"
                                                          : "float64");
}

lrp_status explain_check_result(const lrp_model *m, const lrp_result *r, const lrp_options *o, lrp_error *err)
{
    char what[96];
    long i = first_non_finite(r->scores, r->classes);
    if (i >= 0) {
        snprintf(what, sizeof what, "the score of class %ld", i);
        return not_finite(err, o, what, r->scores[i]);
    }
    if ((i = first_non_finite(r->probabilities, r->classes)) >= 0) {
        snprintf(what, sizeof what, "the probability of class %ld", i);
        return not_finite(err, o, what, r->probabilities[i]);
    }
    const size_t T = r->length, E = m->shape.E;
    static const char *const name[5] = {"relevance", "forward relevance", "backward relevance",
                                        "forward per-dimension value", "backward per-dimension value"};
    for (size_t k = 0; k < r->n_explanations; k++) {
        const lrp_explanation *e = &r->explanations[k];
        const double *part[5] = {e->relevance, e->relevance_fwd, e->relevance_bwd, e->dims_fwd, e->dims_bwd};
        for (int p = 0; p < 5; p++) {
            const size_t per = p < 3 ? 1 : E; /* values per word */
            if ((i = first_non_finite(part[p], T * per)) < 0) continue;
            snprintf(what, sizeof what, "the %s %s of word %ld for class %d", lrp_method_name(e->method), name[p],
                     i / (long)per, e->target);
            return not_finite(err, o, what, part[p][i]);
        }
        if (!isfinite(e->completeness)) {
            snprintf(what, sizeof what, "the ig completeness for class %d", e->target);
            return not_finite(err, o, what, e->completeness);
        }
        if (!isfinite(e->rest)) {
            snprintf(what, sizeof what, "the %s rest for class %d", lrp_method_name(e->method), e->target);
            return not_finite(err, o, what, e->rest);
        }
    }
    return LRP_OK;
}

void lrp_result_free(lrp_result *r)
{
    if (!r) return;
    free(r->memory_);
    memset(r, 0, sizeof *r);
}

// ----------------------------------------------------------------------------
// one sentence, given a workspace

void explain_softmax(size_t C, const double *z, double *p, int *argmax)
{
    size_t best = 0;
    for (size_t c = 1; c < C; c++)
        if (z[c] > z[best]) best = c;
    double sum = 0.0;
    for (size_t c = 0; c < C; c++) sum += (p[c] = exp(z[c] - z[best]));
    for (size_t c = 0; c < C; c++) p[c] /= sum;
    *argmax = (int)best;
}

/* Per-dimension buffers for one explanation: the result's own arrays when it keeps
 * them, else the workspace's scratch (T, E) pair. */
static void dims_target(const lrp_explanation *x, double *scratch[2], double *dst[2])
{
    dst[0] = x->dims_fwd ? x->dims_fwd : scratch[0];
    dst[1] = x->dims_bwd ? x->dims_bwd : scratch[1];
}

int explain_is_occlusion(lrp_method k) { return k == LRP_METHOD_OCCLUSION || k == LRP_METHOD_OCCLUSION_PROB; }

// ----------------------------------------------------------------------------
// contrastive targets: g = f_c - f_c2, or f_c - the mean of the other classes' f_k

double explain_contrast(const lrp_options *o, size_t C, int c, const double *f, size_t stride)
{
    const double fc = f[(size_t)c * stride];
    if (o->contrast == LRP_CONTRAST_CLASS) return fc - f[(size_t)o->contrast_class * stride];
    if (o->contrast != LRP_CONTRAST_OTHERS) return fc;
    double others = 0.0;
    for (size_t k = 0; k < C; k++)
        if (k != (size_t)c) others += f[k * stride];
    return fc - others / (double)(C - 1);
}

void explain_contrast_seed(const lrp_options *o, size_t C, int c, double *v)
{
    for (size_t k = 0; k < C; k++) v[k] = o->contrast == LRP_CONTRAST_OTHERS ? -1.0 / (double)(C - 1) : 0.0;
    v[c] = 1.0;
    if (o->contrast == LRP_CONTRAST_CLASS) v[o->contrast_class] -= 1.0; /* c2 = c: g = 0, v = 0 */
}

void explain_contrast_row(const lrp_model *m, const lrp_options *o, int c, double *row)
{
    const size_t C = m->shape.C, U = model_dense_input(&m->shape, m->shape.n_dense);
    for (size_t i = 0; i < U; i++) row[i] = explain_contrast(o, C, c, m->wout + i, U);
    row[U] = m->bout ? explain_contrast(o, C, c, m->bout, 1) : 0.0;
}

size_t explain_ig_steps(const lrp_options *o) { return o->ig_steps ? o->ig_steps : LRP_IG_DEFAULT_STEPS; }

double explain_ig_alpha(size_t k, size_t M) { return ((double)k + 0.5) / (double)M; }

void explain_ig_completeness(const lrp_options *o, const lrp_result *r, lrp_explanation *x, const double *base)
{
    const double diff = explain_contrast(o, r->classes, x->target, r->scores, 1) -
                        explain_contrast(o, r->classes, x->target, base, 1);
    double sum = 0.0;
    for (size_t t = 0; t < r->length; t++) sum += x->relevance[t];
    x->completeness = fabs(sum - diff) / fmax(fabs(diff), 1e-12);
}

/* Integrated Gradients on the reference path, after the other gradient methods (each
 * forward pass here overwrites the workspace): for each IG explanation the M points
 * of the midpoint rule, then the baseline, then the sentence again (its x). grad, acc:
 * two (T, E) arrays each. */
static void ig_reference(const lrp_model *m, const lrp_sentence *sent, const lrp_options *o, net_workspace *ws,
                         double *grad[2], double *acc[2], lrp_result *out)
{
    const model_shape *s = &m->shape;
    const size_t T = sent->length, E = s->E, D = s->D, M = explain_ig_steps(o);
    for (size_t e = 0; e < out->n_explanations; e++) {
        lrp_explanation *x = &out->explanations[e];
        if (x->method != LRP_METHOD_IG) continue;
        for (size_t d = 0; d < D; d++) memset(acc[d], 0, T * E * sizeof(double));
        for (size_t k = 0; k < M; k++) {
            net_forward_scaled(m, sent->ids, sent->deleted, explain_ig_alpha(k, M), T, ws);
            explain_contrast_seed(o, s->C, x->target, ws->dscores);
            net_backward(m, ws, ws->dscores, grad, NULL);
            for (size_t d = 0; d < D; d++)
                for (size_t i = 0; i < T * E; i++) acc[d][i] += grad[d][i];
        }
        for (size_t d = 0; d < D; d++)
            for (size_t i = 0; i < T * E; i++) acc[d][i] /= (double)M;
        if (x->dims_fwd) memcpy(x->dims_fwd, acc[0], T * E * sizeof(double));
        if (x->dims_bwd) memcpy(x->dims_bwd, acc[1], T * E * sizeof(double));
        net_forward_scaled(m, sent->ids, sent->deleted, 0.0, T, ws);
        memcpy(ws->vec[0], ws->scores, s->C * sizeof(double)); /* the baseline's scores */
        net_forward(m, sent->ids, sent->deleted, T, ws);
        const double *g[2] = {acc[0], acc[1]};
        fast_words_d(LRP_METHOD_IG, T, E, D, g, ws->x, x->relevance, x->relevance_fwd, x->relevance_bwd);
        explain_ig_completeness(o, out, x, ws->vec[0]);
    }
}

void explain_occlusion_word(const lrp_options *o, const lrp_result *r, size_t t, const double *scores, double *p)
{
    int argmax;
    const size_t C = r->classes;
    explain_softmax(C, scores, p, &argmax);
    for (size_t k = 0; k < r->n_explanations; k++) {
        lrp_explanation *x = &r->explanations[k];
        const int c = x->target;
        if (x->method == LRP_METHOD_OCCLUSION)
            x->relevance[t] = explain_contrast(o, C, c, r->scores, 1) - explain_contrast(o, C, c, scores, 1);
        else if (x->method == LRP_METHOD_OCCLUSION_PROB)
            x->relevance[t] = explain_contrast(o, C, c, r->probabilities, 1) - explain_contrast(o, C, c, p, 1);
    }
}

/* Occlusion on the reference path: after every other method (each forward pass here
 * overwrites the workspace), the sentence with word t's embedding zeroed, for each t.
 * mask: T bytes of scratch. */
static void occlusion_reference(const lrp_model *m, const lrp_sentence *sent, const lrp_options *o,
                                net_workspace *ws, unsigned char *mask, lrp_result *out)
{
    const size_t T = sent->length;
    for (size_t t = 0; t < T; t++) {
        for (size_t u = 0; u < T; u++) mask[u] = u == t || (sent->deleted && sent->deleted[u]);
        net_forward(m, sent->ids, mask, T, ws);
        explain_occlusion_word(o, out, t, ws->scores, ws->vec[0]); /* vec[0]: C doubles or more */
    }
}

void explain_one(const lrp_model *m, const lrp_sentence *sent, const lrp_options *o,
                 net_workspace *ws, double *scratch[4], lrp_result *out)
{
    const model_shape *s = &m->shape;
    const size_t T = sent->length, E = s->E, D = s->D;
    net_forward(m, sent->ids, sent->deleted, T, ws);
    memcpy(out->scores, ws->scores, s->C * sizeof(double));
    explain_softmax(s->C, out->scores, out->probabilities, &out->predicted);

    size_t nt = o->n_targets ? o->n_targets : 1;
    lrp_explanation *x = out->explanations;
    for (size_t i = 0; i < nt; i++) {
        int target = o->n_targets ? o->targets[i] : LRP_TARGET_PREDICTED;
        if (target == LRP_TARGET_PREDICTED) target = out->predicted;
        int have_grad = 0;
        double *grad[2] = {scratch[0], scratch[1]}; /* gradient kept for SA and GI */
        for (int k = 0; k < LRP_METHOD_COUNT; k++) {
            if (!(o->methods & LRP_METHOD_BIT(k))) continue;
            x->target = target;
            if (explain_is_occlusion((lrp_method)k) || k == LRP_METHOD_IG) { /* below */
                x++;
                continue;
            }
            const double *g[2] = {grad[0], grad[1]}; /* what the word relevance sums */
            if (k == LRP_METHOD_LRP || k == LRP_METHOD_LRP_CONS) {
                double *dst[2];
                dims_target(x, scratch + 2, dst);
                double delta = k == LRP_METHOD_LRP ? 0.0 : 1.0;
                /* a contrast: an extra output neuron, its weights and bias in ws->row */
                if (o->contrast != LRP_CONTRAST_NONE) explain_contrast_row(m, o, target, ws->row);
                x->rest = net_lrp(m, ws, target, o->contrast != LRP_CONTRAST_NONE ? ws->row : NULL, o->eps, delta,
                                  dst);
                g[0] = dst[0];
                g[1] = dst[1];
            } else {
                if (!have_grad && o->contrast == LRP_CONTRAST_NONE) {
                    net_gradient(m, ws, target, grad);
                    have_grad = 1;
                } else if (!have_grad) { /* the gradient of g = sum_k v_k f_k */
                    explain_contrast_seed(o, s->C, target, ws->dscores);
                    net_backward(m, ws, ws->dscores, grad, NULL);
                    have_grad = 1;
                }
                if (x->dims_fwd) memcpy(x->dims_fwd, grad[0], T * E * sizeof(double));
                if (x->dims_bwd) memcpy(x->dims_bwd, grad[1], T * E * sizeof(double));
                x->rest = 0.0;
            }
            /* word relevance: the fast path's own function (fast/words.c), in float64 */
            fast_words_d((lrp_method)k, T, E, D, g, ws->x, x->relevance, x->relevance_fwd,
                         x->relevance_bwd);
            x++;
        }
    }
    if (o->methods & LRP_METHOD_BIT(LRP_METHOD_IG)) ig_reference(m, sent, o, ws, scratch, scratch + 2, out);
    /* scratch[3] holds cap * E doubles, at least T bytes */
    if (o->methods & EXPLAIN_OCCLUSION_BITS) occlusion_reference(m, sent, o, ws, (unsigned char *)scratch[3], out);
}

// ----------------------------------------------------------------------------
// public entry points

lrp_status explain_scratch_init(explain_scratch *sc, const lrp_model *m, size_t cap, lrp_error *err)
{
    memset(sc, 0, sizeof *sc);
    lrp_status st = net_workspace_init(&sc->ws, m, cap, err);
    if (st != LRP_OK) return st;
    sc->dims_mem = malloc(4 * (cap ? cap : 1) * m->shape.E * sizeof(double));
    if (!sc->dims_mem) {
        net_workspace_free(&sc->ws);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a workspace of %zu words", cap);
    }
    for (int i = 0; i < 4; i++) sc->dims[i] = sc->dims_mem + (size_t)i * cap * m->shape.E;
    return LRP_OK;
}

void explain_scratch_free(explain_scratch *sc)
{
    net_workspace_free(&sc->ws);
    free(sc->dims_mem);
    memset(sc, 0, sizeof *sc);
}

/* Checks of one call and its empty result. */
static lrp_status begin_one(const lrp_model *m, const lrp_sentence *sent, const lrp_options *o,
                            lrp_result *out, lrp_error *err)
{
    if (!out) return lrp_fail(err, LRP_ERR_ARGUMENT, "out must not be NULL");
    memset(out, 0, sizeof *out);
    if (!m) return lrp_fail(err, LRP_ERR_ARGUMENT, "model must not be NULL");
    lrp_status st = explain_check_options(m, o, err);
    if (st == LRP_OK) st = explain_check_sentence(m, sent, err);
    if (st == LRP_OK) st = explain_result_alloc(m, o, sent->length, out, err);
    return st;
}

lrp_status explain_reference(const lrp_model *m, const lrp_sentence *sent, const lrp_options *o,
                             lrp_result *out, lrp_error *err)
{
    lrp_status st = begin_one(m, sent, o, out, err);
    if (st != LRP_OK) return st;
    explain_scratch sc;
    st = explain_scratch_init(&sc, m, sent->length, err);
    if (st == LRP_OK) explain_one(m, sent, o, &sc.ws, sc.dims, out);
    explain_scratch_free(&sc);
    if (st != LRP_OK) lrp_result_free(out);
    return st;
}

/* The public calls take the fast path: the same bits as lrp_explain_batch. */
lrp_status lrp_explain(const lrp_model *m, const lrp_sentence *sent, const lrp_options *o,
                       lrp_result *out, lrp_error *err)
{
    lrp_status st = begin_one(m, sent, o, out, err);
    if (st != LRP_OK) return st;
    explain_work w;
    explain_work_init(&w);
    lrp_result *outs[1] = {out};
    st = explain_fast(m, &w, 1, sent, o, outs, err);
    if (st == LRP_OK) st = explain_check_result(m, out, o, err);
    explain_work_free(&w);
    if (st != LRP_OK) lrp_result_free(out);
    return st;
}

// ----------------------------------------------------------------------------
// the fast path, by precision

void explain_work_init(explain_work *w)
{
    fast_work_init_d(&w->d);
    fast_work_init_f(&w->f);
    fast_work_init_d(&w->d2);
    fast_work_init_f(&w->f2);
}

void explain_work_free(explain_work *w)
{
    fast_work_free_d(&w->d);
    fast_work_free_f(&w->f);
    fast_work_free_d(&w->d2);
    fast_work_free_f(&w->f2);
}

lrp_status explain_fast(const lrp_model *m, explain_work *w, size_t n, const lrp_sentence *sentences,
                        const lrp_options *o, lrp_result *const *out, lrp_error *err)
{
    if (o->precision == LRP_F32) {
        const fast_pack_f *p = model_pack_f(m, err);
        return p ? fast_explain_f(p, m, &w->f, &w->f2, n, sentences, o, out, err) : LRP_ERR_NOMEM;
    }
    const fast_pack_d *p = model_pack_d(m, err);
    return p ? fast_explain_d(p, m, &w->d, &w->d2, n, sentences, o, out, err) : LRP_ERR_NOMEM;
}

lrp_status lrp_predict(const lrp_model *m, const lrp_sentence *sent, double *scores, lrp_error *err)
{
    if (!m || !scores) return lrp_fail(err, LRP_ERR_ARGUMENT, "model and scores must not be NULL");
    lrp_status st = explain_check_model(m, err);
    if (st == LRP_OK) st = explain_check_sentence(m, sent, err);
    if (st != LRP_OK) return st;
    fast_work_d w;
    fast_work_init_d(&w);
    const fast_pack_d *pack = model_pack_d(m, err);
    st = pack ? fast_forward_d(pack, m, &w, 1, sent, err) : LRP_ERR_NOMEM;
    for (size_t c = 0; st == LRP_OK && c < m->shape.C; c++) {
        scores[c] = w.sent[0].scores[c];
        if (!isfinite(scores[c])) {
            char what[48];
            snprintf(what, sizeof what, "the score of class %zu", c);
            st = not_finite(err, NULL, what, scores[c]);
        }
    }
    fast_work_free_d(&w);
    return st;
}
