/*
 * network.c - the whole network for a batch of sentences (fast.h): embedding lookup,
 * the layers and directions (lstm.c), the classifier on the top layer's last states;
 * forward, gradient and relevance passes as core/network.c chains them.
 *
 * Sizes: T words, E embedding, H hidden, D directions, L layers, C classes,
 * Y = D*H features per position at a layer's output.
 */
#include <string.h>

#include "fast/kernels.h"
#include "fast/lstm.h"
#include "fast/work.h"

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

/* scores = W top + b (net_classify): each direction's block summed apart, then added */
static void classify(const S(fast_pack) *p, S(fast_sent) *se)
{
    const model_shape *sh = &p->shape;
    const size_t H = sh->H, D = sh->D, Y = D * H;
    for (size_t c = 0; c < sh->C; c++) {
        const REAL *wc = p->wout + c * Y;
        REAL z = 0;
        for (size_t d = 0; d < D; d++) {
            REAL zd = 0;
            for (size_t j = 0; j < H; j++) zd += wc[d * H + j] * se->top[d * H + j];
            z += zd;
        }
        se->scores[c] = z + p->bout[c];
    }
}

lrp_status S(fast_forward_masked)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w,
                                  size_t n, const lrp_sentence *sentences,
                                  const REAL *const *keep_x, const REAL *const *keep_top,
                                  lrp_error *err)
{
    const model_shape *sh = &p->shape;
    const size_t H = sh->H, D = sh->D, Y = D * H;
    lrp_status status = S(fast_work_reserve)(p, w, n, sentences, err);
    if (status != LRP_OK) return status;
    for (size_t b = 0; b < n; b++) {
        S(fast_sent) *se = &w->sent[b];
        se->keep_x = keep_x ? keep_x[b] : NULL;
        se->keep_top = keep_top ? keep_top[b] : NULL;
        embed(m, se, &sentences[b]);
    }
    for (size_t l = 0; l < sh->L; l++)
        for (size_t d = 0; d < D; d++) S(fast_lstm_forward)(p, w, l, d);
    for (size_t b = 0; b < n; b++) {
        S(fast_sent) *se = &w->sent[b];
        /* classifier input: each top-layer direction's last state (row T of its cache) */
        for (size_t d = 0; d < D; d++)
            memcpy(se->top + d * H, fast_lstm_cache_at(p, se, sh->L - 1, d).h + se->T * p->Hp,
                   H * sizeof(REAL));
        if (se->keep_top)
            for (size_t i = 0; i < Y; i++) se->top[i] *= se->keep_top[i];
        classify(p, se);
    }
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

/* Place a signal on the classifier input (Y values) at the top layer's outputs: the
 * forward direction's last state is position T-1, the backward one's position 0. */
static void seed_top(const model_shape *sh, S(fast_sent) *se, const REAL *top_signal)
{
    const size_t H = sh->H, Y = sh->D * H, T = se->T;
    memset(se->sig, 0, T * Y * sizeof(REAL));
    memcpy(se->sig + (T - 1) * Y, top_signal, H * sizeof(REAL));
    if (sh->D == 2) memcpy(se->sig + H, top_signal + H, H * sizeof(REAL));
}

/* Signal at the inputs of layer l (l >= 1) from both directions, into sig. */
static void sum_directions(const model_shape *sh, S(fast_sent) *se)
{
    const size_t n = se->T * sh->D * sh->H;
    for (size_t i = 0; i < n; i++) se->sig[i] = sh->D == 2 ? se->dx[0][i] + se->dx[1][i] : se->dx[0][i];
}

/* scores = W top + b backwards (net_classify_backward): dtop = W^T dscores, and when
 * grad is not NULL, dW += dscores top^T, db += dscores into that gradient array. */
static void classify_backward(const S(fast_pack) *p, const lrp_model *m, const S(fast_sent) *se,
                              const REAL *ds, REAL *dtop, double *grad)
{
    const model_shape *sh = &p->shape;
    const size_t Y = sh->D * sh->H, C = sh->C, base = m->layout.wx[0][0];
    for (size_t i = 0; i < Y; i++) {
        REAL acc = 0;
        for (size_t c = 0; c < C; c++) acc += ds[c] * p->wout[c * Y + i];
        dtop[i] = acc; /* exactly W_c for a one-hot dscores */
    }
    /* top = h * keep_top: the gradient at h is the one at top times the mask */
    if (se->keep_top)
        for (size_t i = 0; i < Y; i++) dtop[i] *= se->keep_top[i];
    if (grad)
        for (size_t c = 0; c < C; c++) {
            for (size_t i = 0; i < Y; i++)
                grad[m->layout.wout - base + c * Y + i] += (double)ds[c] * (double)se->top[i];
            if (sh->has_bias) grad[m->layout.bout - base + c] += (double)ds[c];
        }
}

void S(fast_backward_grouped)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w,
                              const REAL *dscores, size_t n_groups, const size_t *first,
                              double *const *dense)
{
    const model_shape *sh = &p->shape;
    if (!dscores) dscores = w->dscores;
    for (size_t g = 0, b = 0; b < w->n; b++) {
        while (b >= first[g + 1]) g++; /* b's group */
        S(fast_sent) *se = &w->sent[b];
        REAL *dtop = se->tmp; /* Y values, free until the top layer's pass */
        classify_backward(p, m, se, dscores + b * sh->C, dtop, dense ? dense[g] : NULL);
        seed_top(sh, se, dtop);
    }
    for (size_t l = sh->L; l-- > 0;) {
        for (size_t d = 0; d < sh->D; d++) S(fast_lstm_backward)(p, m, w, l, d, n_groups, first, dense);
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

/* Output layer f_c = sum_i top_i W_ci + b_c with R = f_c at the target (net_lrp):
 * epsilon rule with N = Y, into Rtop (Y). */
static void classify_lrp(const S(fast_pack) *p, const S(fast_sent) *se, int target, REAL eps,
                         REAL delta, REAL *Rtop)
{
    const size_t Y = p->shape.D * p->shape.H;
    const REAL *wc = p->wout + (size_t)target * Y;
    const REAL fc = se->scores[target], bc = p->bout[target];
    REAL r;
    REAL share = eps_ratio1(fc, fc, bc, eps, delta, (REAL)Y, &r);
    for (size_t i = 0; i < Y; i++) Rtop[i] = se->top[i] * wc[i] * r + share;
}

void S(fast_lrp)(const S(fast_pack) *p, S(fast_work) *w, const int *targets, double eps,
                 double delta)
{
    const model_shape *sh = &p->shape;
    const REAL e = (REAL)eps, dl = (REAL)delta;
    for (size_t b = 0; b < w->n; b++) {
        S(fast_sent) *se = &w->sent[b];
        REAL *Rtop = se->tmp; /* Y values, free until the top layer's pass */
        classify_lrp(p, se, targets[b], e, dl, Rtop);
        seed_top(sh, se, Rtop);
        se->rest = 0.0;
    }
    for (size_t l = sh->L; l-- > 0;) {
        for (size_t d = 0; d < sh->D; d++) S(fast_lstm_lrp)(p, w, l, d, e, dl);
        /* upper layer's input [h_fwd(t); h_bwd(t)] is the layer below's output */
        if (l > 0)
            for (size_t b = 0; b < w->n; b++) sum_directions(sh, &w->sent[b]);
    }
}
