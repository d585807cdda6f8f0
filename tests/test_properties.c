/*
 * test_properties.c - properties that must hold for any model, checked on random
 * models of several shapes (E, H, C; one or two directions; one or two layers;
 * with and without a classifier bias) and sentence lengths 1 to 300:
 *
 *   - LRP_cons conserves the score: sum_t R_t + rest = f_c, to 1e-10 max(1, |f_c|);
 *   - the gradient (used by SA and GI) matches central finite differences of f_c
 *     with respect to every embedding entry of the sentence, to 1e-6 relative;
 *   - word relevance is the sum of the encoders' parts (LRP, GI) and SA and GI are
 *     the squared norm and the dot product of the gradient;
 *   - a deleted word behaves exactly as a word whose embedding is zero;
 *   - lrp_predict gives the same scores as lrp_explain.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "testutil.h"

typedef struct shape {
    size_t V, E, H, C, L, D;
    int bias;
    double scale;
} shape;

static const shape shapes[] = {
    {40, 7, 5, 5, 1, 2, 0, 1.0},   /* the tiny golden size, weights in +-1 */
    {30, 3, 8, 2, 1, 2, 1, 0.5},   /* binary classifier with a bias */
    {50, 12, 4, 3, 1, 1, 1, 0.8},  /* unidirectional */
    {40, 6, 5, 4, 2, 2, 0, 0.7},   /* two stacked bidirectional layers */
    {40, 5, 6, 3, 2, 1, 1, 0.7},   /* two stacked unidirectional layers */
    {400, 16, 10, 5, 1, 2, 0, 0.3} /* long sentences (distinct words up to 300) */
};

/* Sentence of T <= V distinct word ids (so that an embedding row belongs to one position). */
static void distinct_ids(size_t V, size_t T, int32_t *ids, unsigned long long *rng)
{
    int32_t *all = malloc(V * sizeof *all);
    for (size_t i = 0; i < V; i++) all[i] = (int32_t)i;
    for (size_t i = 0; i < T; i++) { /* first T steps of a Fisher-Yates shuffle */
        size_t j = i + (size_t)(tu_uniform(rng) * (double)(V - i));
        int32_t a = all[i];
        all[i] = all[j];
        all[j] = a;
        ids[i] = all[i];
    }
    free(all);
}

static double score(const lrp_model *m, const lrp_sentence *s, int c)
{
    double sc[16];
    lrp_error err;
    lrp_status st = lrp_predict(m, s, sc, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    return sc[c];
}

static void check_model(const shape *sh, size_t index, unsigned long long seed)
{
    lrp_model *m = tu_random_model(sh->V, sh->E, sh->H, sh->C, sh->L, sh->D, sh->bias, sh->scale, seed);
    TU_CHECK(m != NULL, "shape %zu: model", index);
    if (!m) return;
    unsigned long long rng = seed * 7919 + 1;
    const size_t lengths[] = {1, 2, 5, 19, 300};
    for (size_t li = 0; li < sizeof lengths / sizeof *lengths; li++) {
        size_t T = lengths[li];
        if (T > sh->V) continue;
        int32_t *ids = malloc(T * sizeof *ids);
        distinct_ids(sh->V, T, ids, &rng);
        int target = (int)(tu_uniform(&rng) * (double)sh->C);
        lrp_options o;
        lrp_options_init(&o);
        o.methods = LRP_METHODS_ALL;
        o.targets = &target;
        o.n_targets = 1;
        o.per_dimension = 1;
        lrp_sentence s = {ids, T, NULL};
        lrp_result r;
        lrp_error err;
        lrp_status st = lrp_explain(m, &s, &o, &r, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        if (st != LRP_OK) { free(ids); continue; }
        char what[128];
        const double fc = r.scores[target];
        const lrp_explanation *lrp = &r.explanations[LRP_METHOD_LRP];
        const lrp_explanation *cons = &r.explanations[LRP_METHOD_LRP_CONS];
        const lrp_explanation *sa = &r.explanations[LRP_METHOD_SA];
        const lrp_explanation *gi = &r.explanations[LRP_METHOD_GI];

        /* conservation of LRP_cons */
        double total = cons->rest;
        for (size_t t = 0; t < T; t++) total += cons->relevance[t];
        snprintf(what, sizeof what, "shape %zu T=%zu lrp-cons conservation (f_c=%g)", index, T, fc);
        TU_CLOSE(what, &total, &fc, 1, 1e-10 * fmax(1.0, fabs(fc)), 0);

        /* word relevance = encoders' parts, for LRP and GI */
        for (int k = 0; k < 4; k++) {
            const lrp_explanation *x = &r.explanations[k];
            if (k == LRP_METHOD_SA) continue;
            double *sum = malloc(T * sizeof *sum);
            for (size_t t = 0; t < T; t++)
                sum[t] = x->relevance_fwd[t] + (sh->D == 2 ? x->relevance_bwd[t] : 0.0);
            snprintf(what, sizeof what, "shape %zu T=%zu %s = fwd + bwd", index, T, lrp_method_name(x->method));
            TU_CLOSE(what, x->relevance, sum, T, 0, 0);
            free(sum);
        }
        TU_CHECK(sh->D == 2 || lrp->relevance_bwd == NULL, "unidirectional: no relevance_bwd");
        TU_CHECK(lrp->rest == 0.0, "lrp (delta = 0): nothing reaches h0 = c0 = 0, got rest %g", lrp->rest);

        /* gradient against central finite differences, SA and GI from it */
        const size_t E = sh->E, n = T * E;
        double *g = malloc(n * sizeof *g), *fd = malloc(n * sizeof *fd);
        double *sa_want = calloc(T, sizeof *sa_want), *gi_want = calloc(T, sizeof *gi_want);
        for (size_t i = 0; i < n; i++) g[i] = sa->dims_fwd[i] + (sh->D == 2 ? sa->dims_bwd[i] : 0.0);
        const double h = 1e-5;
        size_t step = T > 19 ? 37 : 1; /* long sentences: a spread sample of entries */
        size_t checked = 0;
        for (size_t i = 0; i < n; i++) fd[i] = g[i];
        for (size_t i = 0; i < n; i += step) {
            double *w = m->params + m->layout.emb + (size_t)ids[i / E] * E + i % E;
            double keep = *w;
            *w = keep + h;
            double up = score(m, &s, target);
            *w = keep - h;
            double down = score(m, &s, target);
            *w = keep;
            fd[i] = (up - down) / (2 * h);
            checked++;
        }
        snprintf(what, sizeof what, "shape %zu T=%zu gradient vs finite differences (%zu entries)", index, T,
                 checked);
        TU_CLOSE(what, g, fd, n, 1e-9, 1e-6);
        for (size_t t = 0; t < T; t++) {
            const double *x = m->emb + (size_t)ids[t] * E;
            for (size_t k = 0; k < E; k++) {
                sa_want[t] += g[t * E + k] * g[t * E + k];
                gi_want[t] += g[t * E + k] * x[k];
            }
        }
        snprintf(what, sizeof what, "shape %zu T=%zu sa = |grad|^2", index, T);
        TU_CLOSE(what, sa->relevance, sa_want, T, 1e-14, 1e-12);
        snprintf(what, sizeof what, "shape %zu T=%zu gi = grad . x", index, T);
        TU_CLOSE(what, gi->relevance, gi_want, T, 1e-14, 1e-12);

        /* deleting a word = a word with a zero embedding */
        if (T >= 2) {
            unsigned char *del = calloc(T, 1);
            del[T / 2] = 1;
            lrp_sentence sd = {ids, T, del};
            lrp_result rd;
            st = lrp_explain(m, &sd, &o, &rd, &err);
            TU_CHECK_STATUS(st, LRP_OK, err);
            double *row = m->params + m->layout.emb + (size_t)ids[T / 2] * E;
            double *keep = malloc(E * sizeof *keep);
            memcpy(keep, row, E * sizeof *keep);
            memset(row, 0, E * sizeof *row);
            lrp_result rz;
            lrp_status st2 = lrp_explain(m, &s, &o, &rz, &err);
            memcpy(row, keep, E * sizeof *keep);
            TU_CHECK_STATUS(st2, LRP_OK, err);
            if (st == LRP_OK && st2 == LRP_OK) {
                snprintf(what, sizeof what, "shape %zu T=%zu deleted word = zero embedding", index, T);
                TU_CLOSE(what, rd.scores, rz.scores, sh->C, 0, 0);
                for (int k = 0; k < 4; k++) TU_CLOSE(what, rd.explanations[k].relevance, rz.explanations[k].relevance, T, 0, 0);
            }
            lrp_result_free(&rd);
            lrp_result_free(&rz);
            free(del);
            free(keep);
        }
        free(g);
        free(fd);
        free(sa_want);
        free(gi_want);
        lrp_result_free(&r);
        free(ids);
    }
    lrp_model_free(m);
}

/* Bad arguments and sentences get a clear status and message, never a crash. */
static void check_bad_inputs(void)
{
    lrp_model *m = tu_random_model(10, 3, 2, 3, 1, 2, 0, 0.5, 1);
    int32_t ids[3] = {1, 2, 3};
    lrp_options o;
    lrp_options_init(&o);
    lrp_result r;
    lrp_error err;
    lrp_sentence s = {ids, 3, NULL};
    lrp_status st;

    lrp_sentence empty = {ids, 0, NULL};
    st = lrp_explain(m, &empty, &o, &r, &err);
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "empty"), "empty sentence: %s", err.message);

    int32_t bad_ids[2] = {1, 10};
    lrp_sentence bad = {bad_ids, 2, NULL};
    st = lrp_explain(m, &bad, &o, &r, &err);
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "id 10"), "id out of range: %s", err.message);
    bad_ids[1] = -1;
    st = lrp_explain(m, &bad, &o, &r, &err);
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "id -1"), "negative id: %s", err.message);

    lrp_sentence huge = {ids, (size_t)LRP_MAX_LENGTH + 1, NULL};
    st = lrp_explain(m, &huge, &o, &r, &err);
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "too long"), "too long: %s", err.message);

    o.eps = 0.0;
    st = lrp_explain(m, &s, &o, &r, &err);
    TU_CHECK(st == LRP_ERR_ARGUMENT && strstr(err.message, "eps"), "eps 0: %s", err.message);
    o.eps = NAN;
    st = lrp_explain(m, &s, &o, &r, &err);
    TU_CHECK(st == LRP_ERR_ARGUMENT, "eps NaN: %s", err.message);
    lrp_options_init(&o);

    int target = 3;
    o.targets = &target;
    o.n_targets = 1;
    st = lrp_explain(m, &s, &o, &r, &err);
    TU_CHECK(st == LRP_ERR_ARGUMENT && strstr(err.message, "out of range"), "target 3 of 3: %s", err.message);
    lrp_options_init(&o);
    o.methods = 1u << 7;
    st = lrp_explain(m, &s, &o, &r, &err);
    TU_CHECK(st == LRP_ERR_ARGUMENT, "unknown method bit: %s", err.message);
    lrp_options_init(&o);

    st = lrp_explain(m, NULL, &o, &r, &err);
    TU_CHECK(st == LRP_ERR_ARGUMENT, "NULL sentence: %s", err.message);
    st = lrp_explain(NULL, &s, &o, &r, &err);
    TU_CHECK(st == LRP_ERR_ARGUMENT, "NULL model: %s", err.message);
    st = lrp_explain(m, &s, NULL, &r, &err);
    TU_CHECK(st == LRP_ERR_ARGUMENT, "NULL options: %s", err.message);
    TU_CHECK(r.memory_ == NULL && r.explanations == NULL, "failed call leaves an empty result");
    lrp_result_free(&r); /* safe on an empty result */

    /* batch: the first bad sentence is named */
    lrp_sentence batch[3] = {s, bad, empty};
    lrp_result out[3];
    st = lrp_explain_batch(m, batch, 3, &o, 2, out, &err);
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "sentence 1"), "batch error: %s", err.message);
    for (int i = 0; i < 3; i++) TU_CHECK(out[i].memory_ == NULL, "batch failure leaves results empty");

    /* scores only */
    o.methods = 0;
    st = lrp_explain(m, &s, &o, &r, &err);
    TU_CHECK(st == LRP_OK && r.n_explanations == 0, "methods 0 gives scores only");
    double sc[3];
    TU_CHECK(lrp_predict(m, &s, sc, &err) == LRP_OK, "predict");
    TU_CLOSE("predict = explain scores", sc, r.scores, 3, 0, 0);
    double psum = r.probabilities[0] + r.probabilities[1] + r.probabilities[2];
    double one = 1.0;
    TU_CLOSE("probabilities sum to 1", &psum, &one, 1, 1e-15, 0);
    lrp_result_free(&r);
    lrp_model_free(m);
}

int main(void)
{
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) check_model(&shapes[i], i, 1000 + i);
    check_bad_inputs();
    return tu_finish();
}
