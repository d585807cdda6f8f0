/*
 * dense.h - fully connected layers: the dense layers after the head and the linear
 * classifier, forward, gradient and relevance passes side by side (the reference;
 * fast/dense.c batches them).
 *
 *   z = W a + b                 W: (n_out, n_in); b (n_out) or NULL
 *   y = act(z)                  relu or tanh (dense layers; the classifier has none)
 *
 * The sum over a layer's n_in inputs runs in `blocks` equal blocks, each summed on its
 * own and the block sums added in order: the classifier of the paper's model reads
 * [h_fwd; h_bwd] one direction at a time (blocks = D after the head, 1 after a dense
 * layer).
 *
 * LRP (sec. 2.2 and ../shared/golden/general/README.md): the epsilon rule with the
 * bias and stabiliser shared over the layer's N = n_in inputs (relevance.h); the
 * activation passes relevance unchanged.
 */
#ifndef LRP_DENSE_H
#define LRP_DENSE_H

#include <stddef.h>

#include "core/model.h"

/* z = W a + b (b may be NULL). */
void dense_forward(const double *W, const double *b, size_t n_out, size_t n_in, size_t blocks,
                   const double *a, double *z);

/* y = act(z), elementwise (y may be z). */
void dense_activate(model_activation act, size_t n, const double *z, double *y);

/* Through the activation backwards: dz = act'(z) dy, from the output y. */
void dense_activate_backward(model_activation act, size_t n, const double *y, const double *dy,
                             double *dz);

/* Gradient: writes (overwrites) da = W^T dz; when gW is not NULL adds dz a^T to it, and
 * dz to gb when gb is not NULL. */
void dense_backward(const double *W, size_t n_out, size_t n_in, const double *a, const double *dz,
                    double *da, double *gW, double *gb);

/* Relevance: from Rz (n_out) at z = W a + b (z: the forward values) writes (overwrites)
 * Ra (n_in) by the epsilon rule, N = n_in. */
void dense_lrp(const double *W, const double *b, size_t n_out, size_t n_in, const double *a,
               const double *z, const double *Rz, double eps, double delta, double *Ra,
               double *scratch);

#endif /* LRP_DENSE_H */
