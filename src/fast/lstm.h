/*
 * lstm.h - one LSTM direction of one layer for every sentence of a batch (fast path,
 * in the precision of real.h): the passes of core/lstm.h, batched. Internal to
 * src/fast.
 */
#ifndef LRP_FAST_LSTM_H
#define LRP_FAST_LSTM_H

#include "fast/real.h"

/* What the forward pass keeps for direction d of layer l of a sentence, by step s (as
 * core/lstm.h's lstm_cache, padded rows). */
typedef struct S(fast_lstm_cache) {
    REAL *preg; /* (T, Hp) pre-activation of the g gate (for LRP) */
    REAL *act;  /* (T, Gp) activations: sigm for i, f, o; tanh for g */
    REAL *c;    /* (T+1, Hp) cell states, row 0 = c(0) */
    REAL *h;    /* (T+1, Hp) hidden states, row 0 = h(0) */
    REAL *tc;   /* (T, Hp) tanh(c) after step s */
} S(fast_lstm_cache);

/* REALs of one cache of T steps: preg, act, c, h, tc */
static inline size_t fast_lstm_cache_size(const S(fast_pack) *p, size_t T)
{
    return T * p->Gp + 4 * T * p->Hp + 2 * p->Hp;
}

/* The arrays of a cache of T steps at base (work.h's cache_base). */
static inline S(fast_lstm_cache) fast_lstm_cache_at(const S(fast_pack) *p, REAL *base, size_t T)
{
    const size_t Gp = p->Gp, Hp = p->Hp;
    S(fast_lstm_cache) k;
    k.preg = base;
    k.act = k.preg + T * Hp;
    k.c = k.act + T * Gp;
    k.h = k.c + (T + 1) * Hp;
    k.tc = k.h + (T + 1) * Hp;
    return k;
}

/* REALs of the per-sentence scratch (fast_sent.tmp) that the passes below need. */
size_t S(fast_lstm_tmp_size)(const S(fast_pack) *p);

/* lstm_forward for every sentence of the batch, step by step; also writes the layer's
 * outputs by position into y (layers below the top). */
void S(fast_lstm_forward)(const S(fast_pack) *p, S(fast_work) *w, size_t l, size_t d);

/* lstm_backward for every sentence, from the signal in sig to dir_out (work.h); dense:
 * NULL or fast_backward_grouped's gradient arrays, one per group of sentences (first). */
void S(fast_lstm_backward)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, size_t l,
                           size_t d, size_t n_groups, const size_t *first, double *const *dense);

/* lstm_lrp for every sentence, from the relevance in sig to dir_out; adds what reaches
 * the initial states to each sentence's rest. */
void S(fast_lstm_lrp)(const S(fast_pack) *p, S(fast_work) *w, size_t l, size_t d, REAL eps,
                      REAL delta);

#endif /* LRP_FAST_LSTM_H */
