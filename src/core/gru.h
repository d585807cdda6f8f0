/*
 * gru.h - one GRU direction of one layer over a whole sentence: forward pass,
 * gradient backward pass and relevance (LRP) backward pass, sharing the cache the
 * forward pass fills. PyTorch's nn.GRU, with its two biases kept apart:
 *
 *   r = sigm(Wx_r x(t) + bx_r + Wh_r h(t-1) + bh_r)
 *   z = sigm(Wx_z x(t) + bx_z + Wh_z h(t-1) + bh_z)
 *   s = Wh_n h(t-1) + bh_n
 *   a = Wx_n x(t) + bx_n + r * s,   n = tanh(a)
 *   h(t) = z * h(t-1) + (1 - z) * n                 h(0) = 0
 *
 * LRP (../shared/golden/general/README.md, in the style of the LSTM cell of the
 * paper's reference code, core/lstm.h): the sum h(t) = z * h(t-1) + (1 - z) * n is an
 * identity layer over the 2H entries [z * h(t-1); (1 - z) * n] (N = 2H, no bias);
 * z * h(t-1) gives all its relevance to h(t-1), (1 - z) * n all to n (signal take
 * all); n = tanh(a) passes it to a; a is one epsilon-rule layer over [x(t); h(t-1)]
 * with r folded into the recurrent weights (r held constant): weights Wx_n and
 * r * Wh_n, bias bx_n + r * bh_n, N = IN + H. h(t-1) collects both parts; the gates
 * r and z get nothing.
 *
 * Sizes: T words, IN input features, H hidden units, G = 3H stacked gate rows in the
 * order r, z, n (model.h). As lstm.h: inputs and outputs by the word's original
 * position p, the cache by processing step s, p = reverse ? T-1-s : s.
 */
#ifndef LRP_GRU_H
#define LRP_GRU_H

#include <stddef.h>

#include "core/model.h"

/* What the forward pass keeps for the backward passes, by step s. */
typedef struct gru_cache {
    double *px;  /* (T, G) Wx x(t) + bx */
    double *ph;  /* (T, G) Wh h(t-1) + bh (the n block is s) */
    double *act; /* (T, G) r, z, n */
    double *a;   /* (T, H) pre-activation of n: px_n + r * s */
    double *h;   /* (T+1, H) hidden states, row 0 is h(0) = 0 */
} gru_cache;

/* Doubles needed for a cache of T steps with H hidden units. */
size_t gru_cache_size(size_t T, size_t H);
/* Point the cache's arrays into mem (gru_cache_size(T, H) doubles); zeroes h(0). */
void gru_cache_init(gru_cache *cache, double *mem, size_t T, size_t H);

/* Doubles of scratch the backward passes need. */
size_t gru_scratch_size(size_t in, size_t H);

/* Forward pass. x: (T, in) by original position, row stride ldx. Fills cache. */
void gru_forward(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
                 gru_cache *cache);

/* Gradient backward pass: as lstm_backward (lstm.h); g (NULL: none) gets the parameter
 * gradients added, bh included. scratch: gru_scratch_size(in, H) doubles. */
void gru_backward(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
                  const gru_cache *cache, const double *dh, size_t lddh, double *dx, size_t lddx,
                  rnn_grads *g, double *scratch);

/* Relevance backward pass: as lstm_lrp; returns the relevance that reaches h(0). */
double gru_lrp(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
               const gru_cache *cache, const double *Rh, size_t ldrh, double eps, double delta,
               double *Rx, size_t ldrx, double *scratch);

#endif /* LRP_GRU_H */
