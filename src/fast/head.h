/*
 * head.h - the head over the top layer's states (last, mean, max, attention) for one
 * sentence of a batch (fast path, in the precision of real.h): the passes of
 * core/head.h. Internal to src/fast.
 *
 * The head reads the top layer's outputs by position (work.h's layer_output; the last
 * states straight from the caches for `last`) and writes the sentence's u (Y); its
 * backward passes write the signal at those outputs into se->sig (T, Y). Attention's
 * products over a sentence's positions run as the recurrent layers' do over sentences
 * (kernels.h's vecmat, one position per row): each position's values do not depend on
 * the others.
 */
#ifndef LRP_FAST_HEAD_H
#define LRP_FAST_HEAD_H

#include "fast/real.h"

/* REALs of a sentence's se->hs for T words (0 unless the head is attention). */
size_t S(fast_head_scratch_size)(const S(fast_pack) *p, size_t T);

/* head_forward: se->u (Y) from the top layer's states. */
void S(fast_head_forward)(const S(fast_pack) *p, S(fast_work) *w, S(fast_sent) *se);

/* head_backward: from du (Y) writes (overwrites) se->sig (T, Y); when grad is not NULL
 * (fast_backward's flat gradient array, from layout.wx[0][0]), adds the attention
 * parameters' gradients to it. */
void S(fast_head_backward)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, S(fast_sent) *se,
                           const REAL *du, double *grad);

/* head_lrp: from Ru (Y) writes (overwrites) se->sig (T, Y); r and share: Y REALs of
 * scratch each. */
void S(fast_head_lrp)(const S(fast_pack) *p, S(fast_work) *w, S(fast_sent) *se, const REAL *Ru, REAL eps,
                      REAL delta, REAL *r, REAL *share);

#endif /* LRP_FAST_HEAD_H */
