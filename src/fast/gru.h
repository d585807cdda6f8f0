/*
 * gru.h - one GRU direction of one layer for every sentence of a batch (fast path, in
 * the precision of real.h): the passes of core/gru.h, batched. Internal to src/fast.
 */
#ifndef LRP_FAST_GRU_H
#define LRP_FAST_GRU_H

#include "fast/real.h"

/* What the forward pass keeps for direction d of layer l of a sentence, by step s (as
 * core/gru.h's gru_cache, padded rows; of px and ph only what the backward passes read). */
typedef struct S(fast_gru_cache) {
    REAL *act; /* (T, Gp) activations r, z, n */
    REAL *a;   /* (T, Hp) pre-activation of n: px_n + r * s */
    REAL *s;   /* (T, Hp) s = Wh_n h(t-1) + bh_n */
    REAL *h;   /* (T+1, Hp) hidden states, row 0 = h(0) */
} S(fast_gru_cache);

/* REALs of one cache of T steps: act, a, s, h */
static inline size_t fast_gru_cache_size(const S(fast_pack) *p, size_t T)
{
    return T * p->Gp + 3 * T * p->Hp + p->Hp;
}

/* The arrays of a cache of T steps at base (work.h's cache_base). */
static inline S(fast_gru_cache) fast_gru_cache_at(const S(fast_pack) *p, REAL *base, size_t T)
{
    S(fast_gru_cache) k;
    k.act = base;
    k.a = k.act + T * p->Gp;
    k.s = k.a + T * p->Hp;
    k.h = k.s + T * p->Hp;
    return k;
}

/* REALs of the per-sentence scratch (fast_sent.tmp) that the passes below need. */
size_t S(fast_gru_tmp_size)(const S(fast_pack) *p);

/* gru_forward for every sentence of the batch, step by step; also writes the layer's
 * outputs by position into y (work.h, keeps_outputs). */
void S(fast_gru_forward)(const S(fast_pack) *p, S(fast_work) *w, size_t l, size_t d);

/* gru_backward for every sentence, from the signal in sig to dir_out (work.h); dense:
 * NULL or fast_backward_grouped's gradient arrays, one per group of sentences (first). */
void S(fast_gru_backward)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, size_t l,
                          size_t d, size_t n_groups, const size_t *first, double *const *dense);

/* gru_lrp for every sentence, from the relevance in sig to dir_out; adds what reaches
 * the initial states to each sentence's rest. */
void S(fast_gru_lrp)(const S(fast_pack) *p, S(fast_work) *w, size_t l, size_t d, REAL eps,
                     REAL delta);

#endif /* LRP_FAST_GRU_H */
