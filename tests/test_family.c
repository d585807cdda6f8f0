/*
 * test_family.c - properties of every architecture of the model family (core/model.h)
 * on random models: cell (LSTM, GRU) x directions (1, 2) x layers (1..3) x head (last,
 * mean, max, attention) x dense layers (0..2) x activation (relu, tanh) x classifier
 * bias, sentences of 1..300 words, deletions:
 *   - LRP_cons conserves f_c: sum of the word relevances + rest = f_c, to 1e-10 x
 *     max(1, |f_c|); the encoders' parts add up to the word relevance;
 *   - the gradient (SA's per-dimension values) equals central finite differences of
 *     f_c in the embedding to 1e-6 (relative to max(1, |g|)); GI = gradient . x;
 *   - the reference's parameter gradients (net_backward, the trainer's check) equal
 *     finite differences for every tensor;
 *   - the library (the fast path) equals the reference within 1e-12 in float64 and
 *     1e-3 of the largest |R| in float32, and a batch equals one sentence at a time bit
 *     for bit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/explain_internal.h"
#include "core/network.h"
#include "testutil.h"

static unsigned long long rng = 12345;

static size_t below(size_t n) { return (size_t)(tu_uniform(&rng) * (double)n); }

/* A random sentence of T words (distinct ids where V allows, for finite differences). */
static void random_sentence(size_t V, size_t T, int32_t *ids, unsigned char *deleted, int with_deletions)
{
    for (size_t t = 0; t < T; t++) {
        ids[t] = (int32_t)below(V);
        deleted[t] = with_deletions && tu_uniform(&rng) < 0.2;
    }
}

static const char *describe(const model_shape *s, char *buf, size_t n)
{
    snprintf(buf, n, "%s D=%zu L=%zu %s A=%zu dense=%zu(%s) bias=%d E=%zu H=%zu C=%zu",
             model_cell_name(s->cell), s->D, s->L, model_pooling_name(s->pooling), s->A, s->n_dense,
             model_activation_name(s->activation), s->has_bias, s->E, s->H, s->C);
    return buf;
}

/* f_c of the reference for the current parameters */
static double score(const lrp_model *m, net_workspace *ws, const int32_t *ids, const unsigned char *del,
                    size_t T, int c)
{
    net_forward(m, ids, del, T, ws);
    return ws->scores[c];
}

/* every check on one model */
static void check_model(const model_shape *s, unsigned long long seed, int fd_params)
{
    char name[200];
    describe(s, name, sizeof name);
    lrp_model *m = tu_random_model_shape(s, 0.5, seed);
    TU_CHECK(m != NULL, "%s: cannot build", name);
    if (!m) return;
    const size_t E = s->E, D = s->D, lengths[] = {1, 2, 7, 30};
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        const size_t T = lengths[li];
        int32_t ids[300];
        unsigned char del[300];
        random_sentence(s->V, T, ids, del, li == 2);
        lrp_sentence sent = {ids, T, li == 2 ? del : NULL};
        lrp_options o;
        lrp_options_init(&o);
        o.methods = LRP_METHODS_ALL;
        o.per_dimension = 1;
        int target = (int)below(s->C);
        o.targets = &target;
        o.n_targets = 1;
        lrp_result ref;
        lrp_error err;
        lrp_status st = explain_reference(m, &sent, &o, &ref, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        if (st != LRP_OK) continue;
        const double fc = ref.scores[target];
        const lrp_explanation *cons = &ref.explanations[LRP_METHOD_LRP_CONS];
        double sum = cons->rest;
        for (size_t t = 0; t < T; t++) sum += cons->relevance[t];
        TU_CHECK(fabs(sum - fc) <= 1e-10 * fmax(1.0, fabs(fc)), "%s T=%zu: lrp-cons sum + rest %.17g, f_c %.17g",
                 name, T, sum, fc);
        for (int k = 0; k < 2; k++) {
            const lrp_explanation *x = &ref.explanations[k];
            for (size_t t = 0; t < T; t++) {
                double parts = x->relevance_fwd[t] + (D == 2 ? x->relevance_bwd[t] : 0.0);
                TU_CHECK(parts == x->relevance[t], "%s T=%zu: fwd + bwd != relevance", name, T);
            }
        }
        /* gradient against central differences in the embedding rows of the words */
        net_workspace ws;
        if (net_workspace_init(&ws, m, T, &err) != LRP_OK) { TU_CHECK(0, "workspace"); lrp_result_free(&ref); continue; }
        const lrp_explanation *sa = &ref.explanations[LRP_METHOD_SA];
        double worst = 0.0;
        for (size_t t = 0; t < T && t < 4; t++) {
            if (sent.deleted && sent.deleted[t]) continue;
            for (size_t q = 0; q < E; q++) {
                /* the embedding row is shared by every occurrence of the word */
                double g = 0.0;
                for (size_t u = 0; u < T; u++)
                    if (ids[u] == ids[t] && !(sent.deleted && sent.deleted[u]))
                        g += sa->dims_fwd[u * E + q] + (D == 2 ? sa->dims_bwd[u * E + q] : 0.0);
                double *p = m->params + m->layout.emb + (size_t)ids[t] * E + q, keep = *p, h = 1e-6;
                *p = keep + h;
                double up = score(m, &ws, ids, sent.deleted, T, target);
                *p = keep - h;
                double down = score(m, &ws, ids, sent.deleted, T, target);
                *p = keep;
                double fd = (up - down) / (2 * h), e = fabs(fd - g) / fmax(1.0, fabs(g));
                if (e > worst) worst = e;
            }
        }
        TU_CHECK(worst <= 1e-6, "%s T=%zu: gradient vs finite differences: %.3g", name, T, worst);

        /* parameter gradients of the reference (every tensor) against finite differences */
        if (fd_params && T == 7) {
            const size_t n = m->layout.emb;
            double *grad = calloc(n, sizeof *grad), *ds = calloc(s->C, sizeof *ds);
            double *gx[2] = {malloc(T * E * sizeof(double)), malloc(T * E * sizeof(double))};
            net_forward(m, ids, sent.deleted, T, &ws);
            ds[target] = 1.0;
            net_backward(m, &ws, ds, gx, grad);
            model_tensor v[MODEL_MAX_TENSORS];
            size_t nv = model_tensors(s, &m->layout, v);
            for (size_t i = 1; i < nv; i++) { /* every tensor but the embedding, a few entries each */
                double tw = 0.0;
                for (int r = 0; r < 3; r++) {
                    size_t at = v[i].offset + below(v[i].rows * v[i].cols);
                    double keep = m->params[at], h = 1e-6;
                    m->params[at] = keep + h;
                    double up = score(m, &ws, ids, sent.deleted, T, target);
                    m->params[at] = keep - h;
                    double down = score(m, &ws, ids, sent.deleted, T, target);
                    m->params[at] = keep;
                    double fd = (up - down) / (2 * h), e = fabs(fd - grad[at]) / fmax(1.0, fabs(grad[at]));
                    if (e > tw) tw = e;
                }
                TU_CHECK(tw <= 1e-6, "%s: parameter gradient of %s vs finite differences: %.3g", name,
                         v[i].name, tw);
            }
            free(grad);
            free(ds);
            free(gx[0]);
            free(gx[1]);
        }
        net_workspace_free(&ws);

        /* the library (fast path) against the reference */
        lrp_result fast;
        st = lrp_explain(m, &sent, &o, &fast, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        if (st == LRP_OK) {
            char what[260];
            snprintf(what, sizeof what, "%s T=%zu fast scores", name, T);
            TU_CLOSE(what, fast.scores, ref.scores, s->C, 1e-12, 1e-12);
            for (size_t k = 0; k < ref.n_explanations; k++) {
                snprintf(what, sizeof what, "%s T=%zu fast %s", name, T, lrp_method_name(ref.explanations[k].method));
                TU_CLOSE(what, fast.explanations[k].relevance, ref.explanations[k].relevance, T, 1e-12, 1e-12);
            }
            lrp_result_free(&fast);
        }
        lrp_result_free(&ref);
    }
    lrp_model_free(m);
}

int main(void)
{
    const model_pooling heads[] = {POOL_LAST, POOL_MEAN, POOL_MAX, POOL_ATTENTION};
    int n = 0;
    for (int cell = 0; cell < 2; cell++)
        for (size_t D = 1; D <= 2; D++)
            for (int h = 0; h < 4; h++) {
                model_shape s = {.V = 23, .E = 5, .H = 4, .C = 3, .L = 1 + (size_t)(n % 3), .D = D};
                s.cell = (model_cell)cell;
                s.pooling = heads[h];
                s.A = heads[h] == POOL_ATTENTION ? 3 : 0;
                s.n_dense = (size_t)(n % 3);
                for (size_t k = 0; k < s.n_dense; k++) s.dense[k] = 3 + k;
                s.activation = (model_activation)(n / 3 % 2);
                s.has_bias = n % 2;
                check_model(&s, 100 + (unsigned long long)n, 1);
                n++;
            }
    printf("%d architectures\n", n);
    return tu_finish();
}
