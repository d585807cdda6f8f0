/*
 * dense.h - fully connected layers for one sentence (fast path, in the precision of
 * real.h): the dense layers after the head and the linear classifier, the passes of
 * core/dense.h with the same arguments (weights from the pack; parameter gradients
 * added in float64). Internal to src/fast.
 */
#ifndef LRP_FAST_DENSE_H
#define LRP_FAST_DENSE_H

#include "fast/real.h"

/* z = W a + b, the sum over the n_in inputs in `blocks` equal blocks (core/dense.h);
 * b may be NULL. */
void S(fast_dense_forward)(const REAL *W, const REAL *b, size_t n_out, size_t n_in, size_t blocks,
                           const REAL *a, REAL *z);

/* y = act(z), elementwise (y may be z). */
void S(fast_dense_activate)(model_activation act, size_t n, const REAL *z, REAL *y);

/* dz = act'(z) dy, from the output y. */
void S(fast_dense_activate_backward)(model_activation act, size_t n, const REAL *y, const REAL *dy,
                                     REAL *dz);

/* da = W^T dz (overwritten); when gW is not NULL adds dz a^T to it, and dz to gb when gb
 * is not NULL (float64 arrays). */
void S(fast_dense_backward)(const REAL *W, size_t n_out, size_t n_in, const REAL *a, const REAL *dz,
                            REAL *da, double *gW, double *gb);

/* Relevance from Rz (n_out) at z = W a + b (z: the forward values) into Ra (n_in), the
 * epsilon rule with N = n_in; r: n_out REALs of scratch. */
void S(fast_dense_lrp)(const REAL *W, const REAL *b, size_t n_out, size_t n_in, const REAL *a,
                       const REAL *z, const REAL *Rz, REAL eps, REAL delta, REAL *Ra, REAL *r);

/* The same when Rz is z_c at output c and 0 elsewhere (the classifier from its target):
 * only row c contributes. */
void S(fast_dense_lrp_one)(const REAL *W, const REAL *b, size_t n_in, const REAL *a, size_t c, REAL zc,
                           REAL eps, REAL delta, REAL *Ra);

#endif /* LRP_FAST_DENSE_H */
