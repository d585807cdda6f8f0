/*
 * network.c - embedding, stacked recurrent layers (LSTM or GRU, one or two
 * directions), head, dense layers and the linear classifier on one sentence: forward,
 * gradient and relevance passes (network.h).
 *
 * Sizes: T words, E embedding, H hidden, D directions, L layers, C classes,
 * Y = D*H features per position at a layer's output, U the classifier's input.
 */
#include "core/network.h"

#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/dense.h"
#include "core/relevance.h"

static size_t max_input(const model_shape *s) { return s->L > 1 && s->D * s->H > s->E ? s->D * s->H : s->E; }

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* The longest vector between the head and the scores: U0, every M_k, C. */
static size_t max_vector(const model_shape *s)
{
    size_t n = max_size(s->D * s->H, s->C);
    for (size_t k = 0; k < s->n_dense; k++) n = max_size(n, s->dense[k]);
    return n;
}

static size_t cache_size(const model_shape *s, size_t T)
{
    return s->cell == CELL_GRU ? gru_cache_size(T, s->H) : lstm_cache_size(T, s->H);
}

lrp_status net_workspace_init(net_workspace *ws, const lrp_model *m, size_t cap, lrp_error *err)
{
    const model_shape *s = &m->shape;
    const size_t Y = s->D * s->H, IN = max_input(s), V = max_vector(s);
    memset(ws, 0, sizeof *ws);
    if (cap == 0) cap = 1;
    size_t scratch = max_size(s->cell == CELL_GRU ? gru_scratch_size(IN, s->H) : lstm_scratch_size(IN, s->H),
                              max_size(head_scratch_size(s, cap), V));
    size_t dense = 0;
    for (size_t k = 0; k < s->n_dense; k++) dense += 2 * s->dense[k];
    /* sizes are small multiples of cap * model sizes, checked by the caller's length limit */
    size_t total = cap * s->E + s->L * cap * Y + s->L * s->D * cache_size(s, cap) +
                   head_cache_size(s, cap) + Y + dense + 2 * s->C + (V + 1) + 2 * V + cap * Y + 2 * cap * IN + scratch;
    double *mem = malloc(total * sizeof(double));
    if (!mem)
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a workspace of %zu words", cap);
    ws->mem_ = mem;
    ws->cap = cap;
    double *p = mem;
    ws->x = p; p += cap * s->E;
    for (size_t l = 0; l < s->L; l++) { ws->y[l] = p; p += cap * Y; }
    for (size_t l = 0; l < s->L; l++)
        for (size_t d = 0; d < s->D; d++) {
            if (s->cell == CELL_GRU) gru_cache_init(&ws->cache[l][d].gru, p, cap, s->H);
            else lstm_cache_init(&ws->cache[l][d].lstm, p, cap, s->H);
            p += cache_size(s, cap);
        }
    head_cache_init(&ws->head, s, p, cap); p += head_cache_size(s, cap);
    ws->u = p; p += Y;
    for (size_t k = 0; k < s->n_dense; k++) {
        ws->z[k] = p; p += s->dense[k];
        ws->a[k] = p; p += s->dense[k];
    }
    ws->top = s->n_dense ? ws->a[s->n_dense - 1] : ws->u;
    ws->scores = p; p += s->C;
    ws->dscores = p; p += s->C;
    ws->row = p; p += V + 1; /* U <= V */
    ws->vec[0] = p; p += V;
    ws->vec[1] = p; p += V;
    ws->sig = p; p += cap * Y;
    ws->dx[0] = p; p += cap * IN;
    ws->dx[1] = p; p += cap * IN;
    ws->scratch = p;
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

/* The blocks the sum of dense layer k (k = n_dense: the classifier) runs in: the layer
 * reading the head's [fwd; bwd] one per direction (dense.h). */
static size_t blocks(const model_shape *s, size_t k) { return k == 0 ? s->D : 1; }

// ----------------------------------------------------------------------------
// forward

/* ws->x from the ids, times scale; a deleted word's embedding is set to zero (sec. 4.3) */
static void net_embed(const lrp_model *m, const int32_t *ids, const unsigned char *deleted, double scale, size_t T,
                      net_workspace *ws)
{
    const size_t E = m->shape.E;
    for (size_t t = 0; t < T; t++) {
        if (deleted && deleted[t]) memset(ws->x + t * E, 0, E * sizeof(double));
        else model_embedding_d(m, ids[t], ws->x + t * E);
        if (scale != 1.0)
            for (size_t q = 0; q < E; q++) ws->x[t * E + q] *= scale;
    }
}

/* the recurrent layers over ws->x (T <= ws->cap): each layer's outputs by position */
static void net_encode(const lrp_model *m, size_t T, net_workspace *ws)
{
    const model_shape *s = &m->shape;
    const size_t H = s->H, D = s->D, Y = D * H;
    ws->T = T;
    for (size_t l = 0; l < s->L; l++) {
        size_t ld;
        const double *in = layer_input(m, ws, l, &ld);
        for (size_t d = 0; d < D; d++) {
            net_cache *k = &ws->cache[l][d];
            const double *h; /* (T+1, H) by step, row 0 = h(0) */
            if (s->cell == CELL_GRU) {
                gru_forward(&m->rnn[l][d], (int)d, T, in, ld, &k->gru);
                h = k->gru.h;
            } else {
                lstm_forward(&m->rnn[l][d], (int)d, T, in, ld, &k->lstm);
                h = k->lstm.h;
            }
            /* outputs by position: step st of direction d read position rnn_pos(d, T, st) */
            for (size_t st = 0; st < T; st++)
                memcpy(ws->y[l] + rnn_pos((int)d, T, st) * Y + d * H, h + (st + 1) * H,
                       H * sizeof(double));
        }
    }
}

void net_forward(const lrp_model *m, const int32_t *ids, const unsigned char *deleted, size_t T,
                 net_workspace *ws)
{
    net_forward_scaled(m, ids, deleted, 1.0, T, ws);
}

void net_forward_scaled(const lrp_model *m, const int32_t *ids, const unsigned char *deleted, double scale,
                        size_t T, net_workspace *ws)
{
    const model_shape *s = &m->shape;
    net_embed(m, ids, deleted, scale, T, ws);
    net_encode(m, T, ws);
    head_forward(m, T, ws->y[s->L - 1], ws->u, &ws->head);
    const double *a = ws->u;
    for (size_t k = 0; k < s->n_dense; k++) {
        dense_forward(m->dense_w[k], m->dense_b[k], s->dense[k], model_dense_input(s, k), blocks(s, k),
                      a, ws->z[k]);
        dense_activate(s->activation, s->dense[k], ws->z[k], ws->a[k]);
        a = ws->a[k];
    }
    dense_forward(m->wout, m->bout, s->C, model_dense_input(s, s->n_dense), blocks(s, s->n_dense),
                  ws->top, ws->scores);
}

// ----------------------------------------------------------------------------
// backward passes: one shape for gradient and relevance. `sig` holds the signal at
// the current layer's outputs (T, Y); each direction turns its slice into a signal
// at the layer's inputs (dx[d]); above the first layer the directions' input
// signals add up to the signal at the layer below's outputs.

/* Signal at the inputs of layer l (l >= 1) from both directions, into sig. */
static void sum_directions(const model_shape *s, size_t T, double *const dx[2], double *sig)
{
    const size_t Y = s->D * s->H;
    for (size_t i = 0; i < T * Y; i++) sig[i] = s->D == 2 ? dx[0][i] + dx[1][i] : dx[0][i];
}

void net_backward(const lrp_model *m, net_workspace *ws, const double *dscores, double *gx[2],
                  double *grad)
{
    const model_shape *s = &m->shape;
    const param_layout *P = &m->layout;
    const size_t T = ws->T, H = s->H, Y = s->D * H;
    /* scores = W top + b, then back through each dense layer: a = act(z), z = W a' + b */
    double *dv = ws->vec[0], *dz = ws->vec[1];
    const size_t U = model_dense_input(s, s->n_dense);
    dense_backward(m->wout, s->C, U, ws->top, dscores, dv, grad ? grad + P->wout : NULL,
                   grad && s->has_bias ? grad + P->bout : NULL);
    for (size_t k = s->n_dense; k-- > 0;) {
        const size_t in = model_dense_input(s, k);
        dense_activate_backward(s->activation, s->dense[k], ws->a[k], dv, dz);
        dense_backward(m->dense_w[k], s->dense[k], in, k ? ws->a[k - 1] : ws->u, dz, dv,
                       grad ? grad + P->dense_w[k] : NULL, grad ? grad + P->dense_b[k] : NULL);
    }
    head_backward(m, T, ws->y[s->L - 1], &ws->head, dv, ws->sig, grad, ws->scratch);
    for (size_t l = s->L; l-- > 0;) {
        size_t ld;
        const double *in = layer_input(m, ws, l, &ld);
        for (size_t d = 0; d < s->D; d++) {
            double *out = l == 0 ? gx[d] : ws->dx[d];
            rnn_grads g = {0};
            if (grad)
                g = (rnn_grads){grad + P->wx[l][d], grad + P->wh[l][d], grad + P->b[l][d],
                                s->cell == CELL_GRU ? grad + P->bh[l][d] : NULL};
            if (s->cell == CELL_GRU)
                gru_backward(&m->rnn[l][d], (int)d, T, in, ld, &ws->cache[l][d].gru, ws->sig + d * H, Y,
                             out, ld, grad ? &g : NULL, ws->scratch);
            else
                lstm_backward(&m->rnn[l][d], (int)d, T, in, ld, &ws->cache[l][d].lstm, ws->sig + d * H,
                              Y, out, ld, grad ? &g : NULL, ws->scratch);
        }
        if (l > 0) sum_directions(s, T, ws->dx, ws->sig);
    }
}

void net_gradient(const lrp_model *m, net_workspace *ws, int target, double *gx[2])
{
    /* d f_c / d scores = the one-hot vector of c */
    memset(ws->dscores, 0, m->shape.C * sizeof(double));
    ws->dscores[target] = 1.0;
    net_backward(m, ws, ws->dscores, gx, NULL);
}

double net_lrp(const lrp_model *m, net_workspace *ws, int target, const double *row, double eps,
               double delta, double *Rx[2])
{
    const model_shape *s = &m->shape;
    const size_t T = ws->T, H = s->H, Y = s->D * H, C = s->C;

    /* Output layer f = W top + b, relevance R = f_c at the target and 0 elsewhere: the
     * epsilon rule with N = U (= 2H for the paper's model: both encoders' last states,
     * as the reference code). With delta = 1 the bias share b_c / N is spread too, so
     * sum_i R_i = f_c. Then each dense layer: R passes through the activation, and the
     * epsilon rule at z = W a + b, N = its input size. */
    double *Rv = ws->vec[0], *Rs = ws->vec[1];
    const size_t U = model_dense_input(s, s->n_dense);
    if (row) { /* a contrast: R = g at the neuron g = w' top + b', the epsilon rule as above */
        double g;
        dense_forward(row, row + U, 1, U, blocks(s, s->n_dense), ws->top, &g);
        dense_lrp(row, row + U, 1, U, ws->top, &g, &g, eps, delta, Rv, ws->scratch);
    } else {
        memset(Rs, 0, C * sizeof(double));
        Rs[target] = ws->scores[target];
        dense_lrp(m->wout, m->bout, C, U, ws->top, ws->scores, Rs, eps, delta, Rv, ws->scratch);
    }
    for (size_t k = s->n_dense; k-- > 0;) {
        memcpy(Rs, Rv, s->dense[k] * sizeof(double)); /* through the activation */
        dense_lrp(m->dense_w[k], m->dense_b[k], s->dense[k], model_dense_input(s, k),
                  k ? ws->a[k - 1] : ws->u, ws->z[k], Rs, eps, delta, Rv, ws->scratch);
    }
    head_lrp(m, T, ws->y[s->L - 1], ws->u, &ws->head, Rv, eps, delta, ws->sig);

    double rest = 0.0;
    for (size_t l = s->L; l-- > 0;) {
        size_t ld;
        const double *in = layer_input(m, ws, l, &ld);
        for (size_t d = 0; d < s->D; d++) {
            double *out = l == 0 ? Rx[d] : ws->dx[d];
            if (s->cell == CELL_GRU)
                rest += gru_lrp(&m->rnn[l][d], (int)d, T, in, ld, &ws->cache[l][d].gru, ws->sig + d * H,
                                Y, eps, delta, out, ld, ws->scratch);
            else
                rest += lstm_lrp(&m->rnn[l][d], (int)d, T, in, ld, &ws->cache[l][d].lstm,
                                 ws->sig + d * H, Y, eps, delta, out, ld, ws->scratch);
        }
        /* Upper layer's input [h_fwd(t); h_bwd(t)] is the layer below's output: the
         * relevance of each input entry flows back to the hidden state it copies. */
        if (l > 0) sum_directions(s, T, ws->dx, ws->sig);
    }
    return rest;
}
