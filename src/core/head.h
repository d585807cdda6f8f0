/*
 * head.h - the head over the top recurrent layer's states hcat(t) = [h_fwd(t);
 * h_bwd(t)] (Y = D*H values per position, by the word's original position): forward,
 * gradient and relevance passes side by side (the reference; fast/head.c batches it).
 *
 *   last:      u = [h_fwd(T); h_bwd(1)]  (each direction's last state: row T-1's
 *              forward half, row 0's backward half)
 *   mean:      u_j = (sum_t hcat(t)_j) / T
 *   max:       u_j = max_t hcat(t)_j
 *   attention: k(t) = tanh(W hcat(t) + b) (A), e_t = v . k(t), alpha = softmax_t(e),
 *              u_j = sum_t alpha_t hcat(t)_j
 *
 * LRP (../shared/golden/general/README.md): last passes R_u straight to the states it
 * copies; mean and attention are epsilon-rule layers where u_j has fan-in T (weights
 * 1/T, or alpha_t held constant), no bias, the stabiliser's share eps sign(u_j) / T
 * spread over its T inputs when delta = 1; the scoring network (W, b, v) gets no
 * relevance; max gives all of R_u_j to the first t reaching the maximum. The gradient
 * is exact through everything, attention weights included.
 */
#ifndef LRP_HEAD_H
#define LRP_HEAD_H

#include <stddef.h>

#include "core/model.h"

/* What the forward pass keeps (attention only). */
typedef struct head_cache {
    double *k;     /* (T, A) tanh(W hcat(t) + b) */
    double *alpha; /* (T) attention weights */
} head_cache;

/* Doubles of a cache for T words; point a cache into mem. */
size_t head_cache_size(const model_shape *s, size_t T);
void head_cache_init(head_cache *k, const model_shape *s, double *mem, size_t T);
/* Doubles of scratch the backward pass needs. */
size_t head_scratch_size(const model_shape *s, size_t T);

/* u (Y) from y ((T, Y), the top layer's outputs by position). */
void head_forward(const lrp_model *m, size_t T, const double *y, double *u, head_cache *k);

/* Gradient: from du (Y) writes (overwrites) dy (T, Y); when grad is not NULL (a flat
 * gradient array in m->layout), adds the attention parameters' gradients to it. */
void head_backward(const lrp_model *m, size_t T, const double *y, const head_cache *k,
                   const double *du, double *dy, double *grad, double *scratch);

/* Relevance: from Ru (Y) writes (overwrites) Ry (T, Y). u is head_forward's output. */
void head_lrp(const lrp_model *m, size_t T, const double *y, const double *u, const head_cache *k,
              const double *Ru, double eps, double delta, double *Ry);

#endif /* LRP_HEAD_H */
