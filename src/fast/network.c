/*
 * network.c - the whole network for a batch of sentences (fast.h): embedding lookup,
 * the layers and directions (lstm.c or gru.c), the head (head.c), the dense layers
 * and the classifier (dense.c); forward, gradient and relevance passes as
 * core/network.c chains them. The recurrent layers advance all sentences together;
 * the head and what follows it run sentence by sentence.
 *
 * Sizes: T words, E embedding, H hidden, D directions, L layers, C classes,
 * Y = D*H features per position at a layer's output, U the classifier's input.
 */
#include <string.h>

#include "fast/dense.h"
#include "fast/head.h"
#include "fast/kernels.h"
#include "fast/work.h"

/* The blocks the sum of dense layer k (k = n_dense: the classifier) runs in: the layer
 * reading the head's [fwd; bwd] one per direction (core/dense.h). */
static size_t blocks(const model_shape *sh, size_t k) { return k == 0 ? sh->D : 1; }

/* The input of dense layer k (k = n_dense: the classifier) of a sentence. */
static const REAL *dense_input(const S(fast_sent) *se, size_t k)
{
    return k == 0 ? se->u : se->a[k - 1];
}

// ----------------------------------------------------------------------------
// forward

/* x(t) = the embedding row of word t (times the dropout mask), zeros for a deleted word
 * (net_embed) */
static void embed(const lrp_model *m, S(fast_sent) *se, const lrp_sentence *in)
{
    const size_t E = m->shape.E;
    for (size_t t = 0; t < se->T; t++) {
        REAL *x = se->x + t * E;
        if (in->deleted && in->deleted[t]) {
            memset(x, 0, E * sizeof(REAL));
        } else {
            S(model_embedding)(m, in->ids[t], x);
            if (se->keep_x)
                for (size_t k = 0; k < E; k++) x[k] *= se->keep_x[t * E + k];
        }
    }
}

/* the head's output u, the dense layers, then scores = W top + b (net_forward) */
static void classify(const S(fast_pack) *p, S(fast_work) *w, S(fast_sent) *se)
{
    const model_shape *sh = &p->shape;
    const size_t Y = sh->D * sh->H;
    S(fast_head_forward)(p, w, se);
    if (se->keep_top)
        for (size_t i = 0; i < Y; i++) se->u[i] *= se->keep_top[i];
    for (size_t k = 0; k < sh->n_dense; k++) {
        S(fast_dense_forward)(p->dense_w[k], p->dense_b[k], sh->dense[k], model_dense_input(sh, k),
                              blocks(sh, k), dense_input(se, k), se->z[k]);
        S(fast_dense_activate)(sh->activation, sh->dense[k], se->z[k], se->a[k]);
    }
    S(fast_dense_forward)(p->wout, p->bout, sh->C, p->U, blocks(sh, sh->n_dense), se->top, se->scores);
}

lrp_status S(fast_forward_masked)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w,
                                  size_t n, const lrp_sentence *sentences,
                                  const REAL *const *keep_x, const REAL *const *keep_top,
                                  lrp_error *err)
{
    const model_shape *sh = &p->shape;
    lrp_status status = S(fast_work_reserve)(p, w, n, sentences, err);
    if (status != LRP_OK) return status;
    for (size_t b = 0; b < n; b++) {
        S(fast_sent) *se = &w->sent[b];
        se->keep_x = keep_x ? keep_x[b] : NULL;
        se->keep_top = keep_top ? keep_top[b] : NULL;
        embed(m, se, &sentences[b]);
    }
    for (size_t l = 0; l < sh->L; l++)
        for (size_t d = 0; d < sh->D; d++) {
            if (sh->cell == CELL_GRU) S(fast_gru_forward)(p, w, l, d);
            else S(fast_lstm_forward)(p, w, l, d);
        }
    for (size_t b = 0; b < n; b++) classify(p, w, &w->sent[b]);
    return LRP_OK;
}

lrp_status S(fast_forward)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, size_t n,
                           const lrp_sentence *sentences, lrp_error *err)
{
    return S(fast_forward_masked)(p, m, w, n, sentences, NULL, NULL, err);
}

// ----------------------------------------------------------------------------
// backward passes: one shape for gradient and relevance (core/network.c). `sig`
// holds the signal at the current layer's outputs (T, Y); each direction turns its
// slice into a signal at the layer's inputs (dir_out); above the first layer the
// directions' input signals add up to the signal at the layer below's outputs.

/* Signal at the inputs of layer l (l >= 1) from both directions, into sig. */
static void sum_directions(const model_shape *sh, S(fast_sent) *se)
{
    const size_t n = se->T * sh->D * sh->H;
    for (size_t i = 0; i < n; i++) se->sig[i] = sh->D == 2 ? se->dx[0][i] + se->dx[1][i] : se->dx[0][i];
}

/* From the scores back to the top layer's outputs (net_backward): the classifier, each
 * dense layer (a = act(z), z = W a' + b), the dropout mask, the head; when grad is not
 * NULL, every parameter gradient of those into that flat array (fast_backward's). */
static void classify_backward(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, S(fast_sent) *se,
                              const REAL *ds, double *grad)
{
    const model_shape *sh = &p->shape;
    const param_layout *L = &m->layout;
    const size_t Y = sh->D * sh->H, base = L->wx[0][0];
    S(top_tmp) t;
    top_tmp_at(p, se->tmp, &t);
    REAL *dv = t.v0, *dz = t.v1;
    S(fast_dense_backward)(p->wout, sh->C, p->U, se->top, ds, dv, grad ? grad + (L->wout - base) : NULL,
                           grad && sh->has_bias ? grad + (L->bout - base) : NULL);
    for (size_t k = sh->n_dense; k-- > 0;) {
        S(fast_dense_activate_backward)(sh->activation, sh->dense[k], se->a[k], dv, dz);
        S(fast_dense_backward)(p->dense_w[k], sh->dense[k], model_dense_input(sh, k), dense_input(se, k), dz,
                               dv, grad ? grad + (L->dense_w[k] - base) : NULL,
                               grad ? grad + (L->dense_b[k] - base) : NULL);
    }
    /* u = head * keep_top: the gradient at the head is the one at u times the mask */
    if (se->keep_top)
        for (size_t i = 0; i < Y; i++) dv[i] *= se->keep_top[i];
    S(fast_head_backward)(p, m, w, se, dv, grad);
}

void S(fast_backward_grouped)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w,
                              const REAL *dscores, size_t n_groups, const size_t *first,
                              double *const *dense)
{
    const model_shape *sh = &p->shape;
    if (!dscores) dscores = w->dscores;
    for (size_t g = 0, b = 0; b < w->n; b++) {
        while (b >= first[g + 1]) g++; /* b's group */
        classify_backward(p, m, w, &w->sent[b], dscores + b * sh->C, dense ? dense[g] : NULL);
    }
    for (size_t l = sh->L; l-- > 0;) {
        for (size_t d = 0; d < sh->D; d++) {
            if (sh->cell == CELL_GRU) S(fast_gru_backward)(p, m, w, l, d, n_groups, first, dense);
            else S(fast_lstm_backward)(p, m, w, l, d, n_groups, first, dense);
        }
        if (l > 0)
            for (size_t b = 0; b < w->n; b++) sum_directions(sh, &w->sent[b]);
    }
}

void S(fast_backward)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w,
                      const REAL *dscores, double *dense)
{
    const size_t first[2] = {0, w->n};
    double *const one[1] = {dense};
    S(fast_backward_grouped)(p, m, w, dscores, 1, first, dense ? one : NULL);
}

void S(fast_embedding_grad)(const S(fast_pack) *p, const S(fast_work) *w, size_t b, size_t t,
                            double *row)
{
    const S(fast_sent) *se = &w->sent[b];
    const size_t E = p->shape.E, D = p->shape.D;
    /* a deleted word's embedding was replaced by zeros: nothing flows to it */
    if (se->deleted && se->deleted[t]) {
        memset(row, 0, E * sizeof *row);
        return;
    }
    const REAL *a = se->gx[0] + t * E, *c = se->gx[1] + t * E;
    for (size_t k = 0; k < E; k++) row[k] = D == 2 ? (double)a[k] + (double)c[k] : (double)a[k];
    /* x = e * keep_x */
    if (se->keep_x)
        for (size_t k = 0; k < E; k++) row[k] *= (double)se->keep_x[t * E + k];
}

// ----------------------------------------------------------------------------
// LRP

/* From R = f_c at the target output (0 elsewhere) back to the top layer's outputs
 * (net_lrp): the classifier's epsilon rule with N = U (= 2H for the paper's model: both
 * encoders' last states, as the reference code), then each dense layer (R passes
 * through the activation, the epsilon rule at z = W a + b with N = its input size),
 * then the head. */
static void classify_lrp(const S(fast_pack) *p, S(fast_work) *w, S(fast_sent) *se, int target, const REAL *row,
                         REAL eps, REAL delta)
{
    const model_shape *sh = &p->shape;
    S(top_tmp) t;
    top_tmp_at(p, se->tmp, &t);
    REAL *Rv = t.v0, *Rs = t.v1;
    if (row) { /* a contrast: R = g at the neuron g = w' top + b' */
        REAL g;
        S(fast_dense_forward)(row, row + p->U, 1, p->U, blocks(sh, sh->n_dense), se->top, &g);
        S(fast_dense_lrp_one)(row, row + p->U, p->U, se->top, 0, g, eps, delta, Rv);
    } else {
        S(fast_dense_lrp_one)(p->wout, p->bout, p->U, se->top, (size_t)target, se->scores[target], eps, delta, Rv);
    }
    for (size_t k = sh->n_dense; k-- > 0;) {
        memcpy(Rs, Rv, sh->dense[k] * sizeof(REAL)); /* through the activation */
        S(fast_dense_lrp)(p->dense_w[k], p->dense_b[k], sh->dense[k], model_dense_input(sh, k),
                          dense_input(se, k), se->z[k], Rs, eps, delta, Rv, t.r);
    }
    S(fast_head_lrp)(p, w, se, Rv, eps, delta, t.r, t.share);
}

void S(fast_lrp)(const S(fast_pack) *p, S(fast_work) *w, const int *targets, const REAL *rows, double eps,
                 double delta)
{
    const model_shape *sh = &p->shape;
    const REAL e = (REAL)eps, dl = (REAL)delta;
    for (size_t b = 0; b < w->n; b++) {
        classify_lrp(p, w, &w->sent[b], targets[b], rows ? rows + b * (p->U + 1) : NULL, e, dl);
        w->sent[b].rest = 0.0;
    }
    for (size_t l = sh->L; l-- > 0;) {
        for (size_t d = 0; d < sh->D; d++) {
            if (sh->cell == CELL_GRU) S(fast_gru_lrp)(p, w, l, d, e, dl);
            else S(fast_lstm_lrp)(p, w, l, d, e, dl);
        }
        /* upper layer's input [h_fwd(t); h_bwd(t)] is the layer below's output */
        if (l > 0)
            for (size_t b = 0; b < w->n; b++) sum_directions(sh, &w->sent[b]);
    }
}
