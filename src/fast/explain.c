/*
 * explain.c - explain_one (core/explain.c) for a batch on the fast path: one forward
 * pass, then for each target the LRP passes and one gradient for SA and GI, and the
 * public results filled from them; Integrated Gradients' and occlusion's passes over
 * copies of each sentence last.
 */
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/explain_internal.h"
#include "fast/real.h"

/* Words in one batch of copies of a sentence (occlusion's T, Integrated Gradients' M + 1):
 * copies of a sentence of T words go in batches of COPY_WORDS / T copies (at least one),
 * which keeps the workspace linear in T (a batch's bits do not depend on its size). */
#define COPY_WORDS 8192

/* Copies of a T-word sentence per batch, at most `want`. */
static size_t copies_per_batch(size_t T, size_t want)
{
    const size_t k = COPY_WORDS / T > 0 ? COPY_WORDS / T : 1;
    return k < want ? k : want;
}

/* Occlusion of sentence s, whose result r has its scores, probabilities and every
 * explanation's target: the T copies with word t's embedding zeroed (with the words s
 * already deletes), forward in batches in w2, each copy's scores into r's occlusion
 * explanations (explain_occlusion_word, the reference's arithmetic). */
static lrp_status occlusion(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w2, const lrp_sentence *s,
                            const lrp_options *o, lrp_result *r, lrp_error *err)
{
    const size_t T = s->length, C = p->shape.C;
    const size_t chunk = copies_per_batch(T, T);
    unsigned char *mask = malloc(chunk * T);
    lrp_sentence *copy = malloc(chunk * sizeof *copy);
    double *scores = malloc(2 * C * sizeof *scores);
    lrp_status st = mask && copy && scores ? LRP_OK
                                           : lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the occlusion of a "
                                                                          "%zu-word sentence", T);
    for (size_t t0 = 0; st == LRP_OK && t0 < T; t0 += chunk) {
        const size_t nc = T - t0 < chunk ? T - t0 : chunk;
        for (size_t j = 0; j < nc; j++) {
            unsigned char *mj = mask + j * T;
            for (size_t u = 0; u < T; u++) mj[u] = u == t0 + j || (s->deleted && s->deleted[u]);
            copy[j] = (lrp_sentence){s->ids, T, mj};
        }
        st = S(fast_forward)(p, m, w2, nc, copy, err);
        for (size_t j = 0; st == LRP_OK && j < nc; j++) {
            for (size_t c = 0; c < C; c++) scores[c] = (double)w2->sent[j].scores[c];
            explain_occlusion_word(o, r, t0 + j, scores, scores + C);
        }
    }
    free(mask);
    free(copy);
    free(scores);
    return st;
}

/* Integrated Gradients of sentence b (checked s, result r with its scores and targets):
 * for each IG explanation, M + 1 copies of the sentence with the embeddings times alpha_k
 * (the midpoint rule's points, then the baseline alpha = 0) forward and backward in
 * batches in w2 (keep_x masks), the gradients summed in float64 in the order of k and
 * averaged into w's gx of the sentence; then the word relevance as GI's. */
static lrp_status integrated_gradients(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, S(fast_work) *w2,
                                       size_t b, const lrp_sentence *s, const lrp_options *o, lrp_result *r,
                                       lrp_error *err)
{
    const model_shape *sh = &p->shape;
    const size_t T = s->length, E = sh->E, D = sh->D, C = sh->C, M = explain_ig_steps(o);
    const size_t chunk = copies_per_batch(T, M + 1);
    REAL *keep = malloc(chunk * T * E * sizeof *keep);
    const REAL **keeps = malloc(chunk * sizeof *keeps);
    lrp_sentence *copy = malloc(chunk * sizeof *copy);
    double *acc = malloc((2 * T * E + 2 * C) * sizeof *acc);
    lrp_status st = keep && keeps && copy && acc ? LRP_OK
                                                 : lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the integrated "
                                                                                "gradients of a %zu-word sentence", T);
    double *v = acc + 2 * T * E, *base = v + C;
    for (size_t e = 0; st == LRP_OK && e < r->n_explanations; e++) {
        lrp_explanation *x = &r->explanations[e];
        if (x->method != LRP_METHOD_IG) continue;
        explain_contrast_seed(o, C, x->target, v);
        memset(acc, 0, 2 * T * E * sizeof *acc);
        for (size_t k0 = 0; st == LRP_OK && k0 <= M; k0 += chunk) {
            const size_t nc = M + 1 - k0 < chunk ? M + 1 - k0 : chunk;
            for (size_t j = 0; j < nc; j++) {
                const REAL alpha = (REAL)(k0 + j < M ? explain_ig_alpha(k0 + j, M) : 0.0);
                for (size_t i = 0; i < T * E; i++) keep[j * T * E + i] = alpha;
                keeps[j] = keep + j * T * E;
                copy[j] = *s;
            }
            st = S(fast_forward_masked)(p, m, w2, nc, copy, keeps, NULL, err);
            if (st != LRP_OK) break;
            for (size_t j = 0; j < nc; j++)
                for (size_t c = 0; c < C; c++) w2->dscores[j * C + c] = (REAL)v[c];
            S(fast_backward)(p, m, w2, NULL, NULL);
            for (size_t j = 0; j < nc; j++) {
                const S(fast_sent) *se = &w2->sent[j];
                if (k0 + j == M) { /* the baseline */
                    for (size_t c = 0; c < C; c++) base[c] = (double)se->scores[c];
                    continue;
                }
                for (size_t d = 0; d < D; d++)
                    for (size_t i = 0; i < T * E; i++) acc[d * T * E + i] += (double)se->gx[d][i];
            }
        }
        if (st != LRP_OK) break;
        S(fast_sent) *se = &w->sent[b];
        double *dims[2] = {x->dims_fwd, x->dims_bwd};
        for (size_t d = 0; d < D; d++)
            for (size_t i = 0; i < T * E; i++) {
                const double avg = acc[d * T * E + i] / (double)M;
                se->gx[d][i] = (REAL)avg;
                if (dims[d]) dims[d][i] = avg;
            }
        const REAL *const gx[2] = {se->gx[0], se->gx[1]};
        S(fast_words)(LRP_METHOD_IG, T, E, D, gx, se->x, x->relevance, x->relevance_fwd, x->relevance_bwd);
        explain_ig_completeness(o, r, x, base);
    }
    free(keep);
    free(keeps);
    free(copy);
    free(acc);
    return st;
}

lrp_status S(fast_explain)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, S(fast_work) *w2,
                           size_t n, const lrp_sentence *sentences, const lrp_options *o,
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
    /* a contrast: each sentence's extra output neuron (U + 1) for LRP, and v (C) for the
     * gradient seed, computed in float64 (core/explain.c) */
    const int contrast = o->contrast != LRP_CONTRAST_NONE;
    const size_t U = p->U;
    REAL *rows = contrast ? malloc(n * (U + 1) * sizeof *rows) : NULL;
    double *v = contrast ? malloc((U + 1 > C ? U + 1 : C) * sizeof *v) : NULL;
    if (contrast && (!rows || !v)) {
        free(rows);
        free(v);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the contrasts of %zu sentences", n);
    }
    const size_t nt = o->n_targets ? o->n_targets : 1;
    size_t e = 0; /* index of the explanation being filled, the same in every result */
    for (size_t i = 0; i < nt; i++) {
        for (size_t b = 0; b < n; b++) {
            int target = o->n_targets ? o->targets[i] : LRP_TARGET_PREDICTED;
            w->targets[b] = target == LRP_TARGET_PREDICTED ? out[b]->predicted : target;
            if (!contrast) continue;
            explain_contrast_row(m, o, w->targets[b], v);
            for (size_t q = 0; q <= U; q++) rows[b * (U + 1) + q] = (REAL)v[q];
        }
        int have_grad = 0;
        for (int k = 0; k < LRP_METHOD_COUNT; k++) {
            if (!(o->methods & LRP_METHOD_BIT(k))) continue;
            const int lrp = k == LRP_METHOD_LRP || k == LRP_METHOD_LRP_CONS;
            if (explain_is_occlusion((lrp_method)k) || k == LRP_METHOD_IG) { /* below */
                for (size_t b = 0; b < n; b++) out[b]->explanations[e].target = w->targets[b];
                e++;
                continue;
            }
            if (lrp) {
                S(fast_lrp)(p, w, w->targets, rows, o->eps, k == LRP_METHOD_LRP ? 0.0 : 1.0);
            } else if (!have_grad) {
                /* one gradient per target serves SA and GI: of f_c, or of g = sum_k v_k f_k */
                memset(w->dscores, 0, n * C * sizeof(REAL));
                for (size_t b = 0; b < n; b++) {
                    if (!contrast) {
                        w->dscores[b * C + (size_t)w->targets[b]] = 1;
                        continue;
                    }
                    explain_contrast_seed(o, C, w->targets[b], v);
                    for (size_t c = 0; c < C; c++) w->dscores[b * C + c] = (REAL)v[c];
                }
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
    if (o->methods & LRP_METHOD_BIT(LRP_METHOD_IG))
        for (size_t b = 0; status == LRP_OK && b < n; b++)
            status = integrated_gradients(p, m, w, w2, b, &sentences[b], o, out[b], err);
    if (o->methods & EXPLAIN_OCCLUSION_BITS)
        for (size_t b = 0; status == LRP_OK && b < n; b++) status = occlusion(p, m, w2, &sentences[b], o, out[b], err);
    free(rows);
    free(v);
    return status;
}
