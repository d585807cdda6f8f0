/*
 * network.c - embedding, stacked (bi)LSTM layers and the linear classifier on one
 * sentence: forward, gradient and relevance passes (network.h).
 *
 * Sizes: T words, E embedding, H hidden, D directions, L layers, C classes,
 * Y = D*H features per position at a layer's output.
 */
#include "core/network.h"

#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/relevance.h"

static size_t max_input(const model_shape *s) { return s->L > 1 && s->D * s->H > s->E ? s->D * s->H : s->E; }

lrp_status net_workspace_init(net_workspace *ws, const lrp_model *m, size_t cap, lrp_error *err)
{
    const model_shape *s = &m->shape;
    const size_t Y = s->D * s->H, IN = max_input(s);
    memset(ws, 0, sizeof *ws);
    if (cap == 0) cap = 1;
    /* sizes are small multiples of cap * model sizes, checked by the caller's length limit */
    size_t total = cap * s->E + s->L * cap * Y + Y + s->C + cap * Y + 2 * cap * IN +
                   lstm_scratch_size(IN, s->H) + s->L * s->D * lstm_cache_size(cap, s->H);
    double *mem = malloc(total * sizeof(double));
    if (!mem)
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a workspace of %zu words", cap);
    ws->mem_ = mem;
    ws->cap = cap;
    double *p = mem;
    ws->x = p; p += cap * s->E;
    for (size_t l = 0; l < s->L; l++) { ws->y[l] = p; p += cap * Y; }
    ws->top = p; p += Y;
    ws->scores = p; p += s->C;
    ws->sig = p; p += cap * Y;
    ws->dx[0] = p; p += cap * IN;
    ws->dx[1] = p; p += cap * IN;
    ws->scratch = p; p += lstm_scratch_size(IN, s->H);
    for (size_t l = 0; l < s->L; l++)
        for (size_t d = 0; d < s->D; d++) {
            lstm_cache_init(&ws->cache[l][d], p, cap, s->H);
            p += lstm_cache_size(cap, s->H);
        }
    return LRP_OK;
}

void net_workspace_free(net_workspace *ws)
{
    free(ws->mem_);
    memset(ws, 0, sizeof *ws);
}

/* Input of layer l and its row stride. */
static const double *layer_input(const lrp_model *m, const net_workspace *ws, size_t l, size_t *ld)
{
    *ld = l == 0 ? m->shape.E : m->shape.D * m->shape.H;
    return l == 0 ? ws->x : ws->y[l - 1];
}

// ----------------------------------------------------------------------------
// forward

/* ws->x from the ids */
static void net_embed(const lrp_model *m, const int32_t *ids, const unsigned char *deleted, size_t T,
               net_workspace *ws)
{
    const size_t E = m->shape.E;
    /* embedding lookup; a deleted word's embedding is set to zero (sec. 4.3) */
    for (size_t t = 0; t < T; t++) {
        if (deleted && deleted[t]) memset(ws->x + t * E, 0, E * sizeof(double));
        else model_embedding_d(m, ids[t], ws->x + t * E);
    }
}

/* the LSTM layers over ws->x (T <= ws->cap), and ws->top */
static void net_encode(const lrp_model *m, size_t T, net_workspace *ws)
{
    const model_shape *s = &m->shape;
    const size_t H = s->H, D = s->D, Y = D * H;
    ws->T = T;
    for (size_t l = 0; l < s->L; l++) {
        size_t ld;
        const double *in = layer_input(m, ws, l, &ld);
        for (size_t d = 0; d < D; d++) {
            lstm_cache *k = &ws->cache[l][d];
            lstm_forward(&m->lstm[l][d], (int)d, T, in, ld, k);
            /* outputs by position: step s of direction d read position lstm_pos(d, T, s) */
            for (size_t st = 0; st < T; st++)
                memcpy(ws->y[l] + lstm_pos((int)d, T, st) * Y + d * H, k->h + (st + 1) * H,
                       H * sizeof(double));
        }
    }
    /* classifier input: each top-layer direction's last state (row T of its cache) */
    for (size_t d = 0; d < D; d++)
        memcpy(ws->top + d * H, ws->cache[s->L - 1][d].h + T * H, H * sizeof(double));
}

/* scores (C) = W top + b */
static void net_classify(const lrp_model *m, const double *top, double *scores)
{
    const model_shape *s = &m->shape;
    const size_t H = s->H, D = s->D, Y = D * H;
    for (size_t c = 0; c < s->C; c++) {
        const double *w = m->wout + c * Y;
        double z = 0.0;
        for (size_t d = 0; d < D; d++) {
            double zd = 0.0;
            for (size_t j = 0; j < H; j++) zd += w[d * H + j] * top[d * H + j];
            z += zd;
        }
        scores[c] = z + (m->bout ? m->bout[c] : 0.0);
    }
}

void net_forward(const lrp_model *m, const int32_t *ids, const unsigned char *deleted, size_t T,
                 net_workspace *ws)
{
    net_embed(m, ids, deleted, T, ws);
    net_encode(m, T, ws);
    net_classify(m, ws->top, ws->scores);
}

// ----------------------------------------------------------------------------
// backward passes: one shape for gradient and relevance. `sig` holds the signal at
// the current layer's outputs (T, Y); each direction turns its slice into a signal
// at the layer's inputs (dx[d]); above the first layer the directions' input
// signals add up to the signal at the layer below's outputs.

/* Place a signal on the classifier input (Y values) at the top layer's outputs:
 * the forward direction's last state is position T-1, the backward one's position 0. */
static void seed_top(const model_shape *s, size_t T, const double *top_signal, double *sig)
{
    const size_t H = s->H, Y = s->D * H;
    memset(sig, 0, T * Y * sizeof(double));
    memcpy(sig + (T - 1) * Y, top_signal, H * sizeof(double));
    if (s->D == 2) memcpy(sig + H, top_signal + H, H * sizeof(double));
}

/* Signal at the inputs of layer l (l >= 1) from both directions, into sig. */
static void sum_directions(const model_shape *s, size_t T, double *const dx[2], double *sig)
{
    const size_t Y = s->D * s->H;
    for (size_t i = 0; i < T * Y; i++) sig[i] = s->D == 2 ? dx[0][i] + dx[1][i] : dx[0][i];
}

void net_classify_backward(const lrp_model *m, const double *top, const double *dscores,
                           double *dtop, double *dwout, double *dbout)
{
    const model_shape *s = &m->shape;
    const size_t Y = s->D * s->H;
    /* scores_c = W_c . top + b_c: d top = W^T d scores, d W_c = d scores_c top, d b = d scores */
    memset(dtop, 0, Y * sizeof(double));
    for (size_t c = 0; c < s->C; c++) {
        const double *w = m->wout + c * Y;
        const double d = dscores[c];
        for (size_t i = 0; i < Y; i++) dtop[i] += w[i] * d;
        if (dwout)
            for (size_t i = 0; i < Y; i++) dwout[c * Y + i] += d * top[i];
        if (dbout) dbout[c] += d;
    }
}

void net_backward(const lrp_model *m, net_workspace *ws, const double *dtop, double *gx[2],
                  lstm_grads g[][2])
{
    const model_shape *s = &m->shape;
    const size_t T = ws->T, H = s->H, Y = s->D * H;
    seed_top(s, T, dtop, ws->sig);
    for (size_t l = s->L; l-- > 0;) {
        size_t ld;
        const double *in = layer_input(m, ws, l, &ld);
        for (size_t d = 0; d < s->D; d++) {
            double *out = l == 0 ? gx[d] : ws->dx[d];
            lstm_backward(&m->lstm[l][d], (int)d, T, in, ld, &ws->cache[l][d], ws->sig + d * H, Y, out,
                          ld, g ? &g[l][d] : NULL, ws->scratch);
        }
        if (l > 0) sum_directions(s, T, ws->dx, ws->sig);
    }
}

void net_gradient(const lrp_model *m, net_workspace *ws, int target, double *gx[2])
{
    /* f_c = W_c . top + b_c: d f_c / d top = W_c */
    net_backward(m, ws, m->wout + (size_t)target * m->shape.D * m->shape.H, gx, NULL);
}

double net_lrp(const lrp_model *m, net_workspace *ws, int target, double eps, double delta,
               double *Rx[2])
{
    const model_shape *s = &m->shape;
    const size_t T = ws->T, H = s->H, Y = s->D * H;
    const double *w = m->wout + (size_t)target * Y;
    const double fc = ws->scores[target], bc = m->bout ? m->bout[target] : 0.0;

    /* Output layer f_c = sum_i top_i W_ci + b_c, relevance R = f_c at the target and
     * 0 elsewhere, so only f_c sends messages. Epsilon rule with N = Y (= 2H for a
     * bidirectional model: both encoders' last states, as the reference code). With
     * delta = 1 the bias share b_c / N is spread too, so sum_i R_i = f_c. */
    double r;
    double share = lrp_eps_ratios(1, &fc, &fc, &bc, eps, delta, (double)Y, &r);
    double *Rtop = ws->dx[0]; /* Y values, free until the first layer's pass */
    for (size_t i = 0; i < Y; i++) Rtop[i] = ws->top[i] * w[i] * r + share;
    seed_top(s, T, Rtop, ws->sig);

    double rest = 0.0;
    for (size_t l = s->L; l-- > 0;) {
        size_t ld;
        const double *in = layer_input(m, ws, l, &ld);
        for (size_t d = 0; d < s->D; d++) {
            double *out = l == 0 ? Rx[d] : ws->dx[d];
            rest += lstm_lrp(&m->lstm[l][d], (int)d, T, in, ld, &ws->cache[l][d], ws->sig + d * H,
                             Y, eps, delta, out, ld, ws->scratch);
        }
        /* Upper layer's input [h_fwd(t); h_bwd(t)] is the layer below's output: the
         * relevance of each input entry flows back to the hidden state it copies. */
        if (l > 0) sum_directions(s, T, ws->dx, ws->sig);
    }
    return rest;
}
