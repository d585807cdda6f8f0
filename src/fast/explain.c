/*
 * explain.c - explain_one (core/explain.c) for a batch on the fast path: one forward
 * pass, then for each target the LRP passes and one gradient for SA and GI, and the
 * public results filled from them.
 */
#include <string.h>

#include "core/explain_internal.h"
#include "fast/real.h"

lrp_status S(fast_explain)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, size_t n,
                           const lrp_sentence *sentences, const lrp_options *o,
                           lrp_result *const *out, lrp_error *err)
{
    const model_shape *sh = &p->shape;
    const size_t E = sh->E, D = sh->D, C = sh->C;
    lrp_status status = S(fast_forward)(p, m, w, n, sentences, err);
    if (status != LRP_OK) return status;
    for (size_t b = 0; b < n; b++) {
        for (size_t c = 0; c < C; c++) out[b]->scores[c] = (double)w->sent[b].scores[c];
        explain_softmax(C, out[b]->scores, out[b]->probabilities, &out[b]->predicted);
    }
    const size_t nt = o->n_targets ? o->n_targets : 1;
    size_t e = 0; /* index of the explanation being filled, the same in every result */
    for (size_t i = 0; i < nt; i++) {
        for (size_t b = 0; b < n; b++) {
            int target = o->n_targets ? o->targets[i] : LRP_TARGET_PREDICTED;
            w->targets[b] = target == LRP_TARGET_PREDICTED ? out[b]->predicted : target;
        }
        int have_grad = 0;
        for (int k = 0; k < LRP_METHOD_COUNT; k++) {
            if (!(o->methods & LRP_METHOD_BIT(k))) continue;
            const int lrp = k == LRP_METHOD_LRP || k == LRP_METHOD_LRP_CONS;
            if (lrp) {
                S(fast_lrp)(p, w, w->targets, o->eps, k == LRP_METHOD_LRP ? 0.0 : 1.0);
            } else if (!have_grad) {
                /* one gradient per target serves SA and GI */
                memset(w->dscores, 0, n * C * sizeof(REAL));
                for (size_t b = 0; b < n; b++) w->dscores[b * C + (size_t)w->targets[b]] = 1;
                S(fast_backward)(p, m, w, NULL, NULL);
                have_grad = 1;
            }
            for (size_t b = 0; b < n; b++) {
                const S(fast_sent) *se = &w->sent[b];
                lrp_explanation *x = &out[b]->explanations[e];
                const size_t T = se->T;
                x->target = w->targets[b];
                double *dims[2] = {x->dims_fwd, x->dims_bwd};
                for (size_t d = 0; d < D; d++)
                    if (dims[d])
                        for (size_t q = 0; q < T * E; q++) dims[d][q] = (double)se->gx[d][q];
                const REAL *const gx[2] = {se->gx[0], se->gx[1]};
                S(fast_words)((lrp_method)k, T, E, D, gx, se->x, x->relevance, x->relevance_fwd,
                              x->relevance_bwd);
                x->rest = lrp ? se->rest : 0.0;
            }
            e++;
        }
    }
    return LRP_OK;
}
