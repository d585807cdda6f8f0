/*
 * work.h - a thread's workspace for a batch (fast_work, fast_tmpl.h) in the
 * precision of real.h: room for every sentence's arrays, and where each lies.
 */
#ifndef LRP_FAST_WORK_H
#define LRP_FAST_WORK_H

#include "fast/gru.h"
#include "fast/lstm.h"
#include "fast/real.h"

/* Room for n sentences of these lengths (LRP_ERR_NOMEM); points every sentence's arrays
 * and orders the sentences longest first (w->order). */
lrp_status S(fast_work_reserve)(const S(fast_pack) *p, S(fast_work) *w, size_t n,
                                const lrp_sentence *sentences, lrp_error *err);

/* Sentences still running at step s: a prefix of w->order. */
static inline size_t active(const S(fast_work) *w, size_t s)
{
    size_t na = 0;
    while (na < w->n && w->sent[w->order[na]].T > s) na++;
    return na;
}

/* Does layer l write its outputs by position into se->y? Every layer below the top, and
 * the top one when the head reads its states (every head but last). */
static inline int keeps_outputs(const S(fast_pack) *p, size_t l)
{
    return l + 1 < p->shape.L || p->shape.pooling != POOL_LAST;
}

/* Outputs by position ((T, Y), row stride Y) of layer l of a sentence (keeps_outputs). */
static inline REAL *layer_output(const S(fast_pack) *p, const S(fast_sent) *se, size_t l)
{
    return se->y + l * se->T * p->shape.D * p->shape.H;
}

/* Input of layer l of a sentence, and its row stride. */
static inline const REAL *layer_input(const S(fast_pack) *p, const S(fast_sent) *se, size_t l,
                                      size_t *ld)
{
    *ld = l == 0 ? p->shape.E : p->shape.D * p->shape.H;
    return l == 0 ? se->x : layer_output(p, se, l - 1);
}

/* Where a backward pass of direction d of layer l writes its signal at the layer's
 * inputs: the first layer's gx[d], else dx[d]. */
static inline REAL *dir_out(S(fast_sent) *se, size_t l, size_t d) { return l == 0 ? se->gx[d] : se->dx[d]; }

/* REALs of one direction's cache of T steps, for the model's cell. */
static inline size_t cache_size(const S(fast_pack) *p, size_t T)
{
    return p->shape.cell == CELL_GRU ? fast_gru_cache_size(p, T) : fast_lstm_cache_size(p, T);
}

/* The cache of layer l, direction d of a sentence: the (L, D) caches lie one after the
 * other in se->cache, each cache_size rounded up to whole tiles (se->cache_stride). */
static inline REAL *cache_base(const S(fast_pack) *p, const S(fast_sent) *se, size_t l, size_t d)
{
    return se->cache + (l * p->shape.D + d) * se->cache_stride;
}

/* The hidden states (T+1, Hp) by step of that cache (row 0 = h(0)). */
static inline const REAL *cache_states(const S(fast_pack) *p, const S(fast_sent) *se, size_t l, size_t d)
{
    REAL *base = cache_base(p, se, l, d);
    return p->shape.cell == CELL_GRU ? fast_gru_cache_at(p, base, se->T).h
                                     : fast_lstm_cache_at(p, base, se->T).h;
}

/* For the parameter gradients of direction d of layer l over the sentences [b0, b1)
 * (kernels.h's outer_sum): w->pv[b] = se->dpre, w->pv2[b] = the input at step 0,
 * w->pv3[b] = h(0); returns the input's stride from one step to the next (negative for
 * a direction that reads the words backwards). */
static inline ptrdiff_t step_inputs(const S(fast_pack) *p, S(fast_work) *w, size_t l, size_t d, size_t b0,
                                    size_t b1)
{
    size_t ld = 0;
    for (size_t b = b0; b < b1; b++) {
        const S(fast_sent) *se = &w->sent[b];
        w->pv[b] = se->dpre;
        w->pv2[b] = layer_input(p, se, l, &ld) + rnn_pos((int)d, se->T, 0) * ld;
        w->pv3[b] = cache_states(p, se, l, d);
    }
    return d ? -(ptrdiff_t)ld : (ptrdiff_t)ld;
}

/* The longest vector between the head and the scores (Y, every M_k, C), in whole tiles. */
static inline size_t top_vector(const S(fast_pack) *p)
{
    const model_shape *sh = &p->shape;
    size_t n = sh->D * sh->H > sh->C ? sh->D * sh->H : sh->C;
    for (size_t k = 0; k < sh->n_dense; k++) n = sh->dense[k] > n ? sh->dense[k] : n;
    return round_up(n);
}

/* A sentence's scratch (fast_sent.tmp) in the passes of the head, the dense layers and
 * the classifier (network.c), which run while no recurrent pass does. */
typedef struct S(top_tmp) {
    REAL *v0, *v1;   /* (top_vector) signals between the layers */
    REAL *r, *share; /* (top_vector) epsilon-rule ratios and shares */
} S(top_tmp);

static inline size_t top_tmp_at(const S(fast_pack) *p, REAL *tmp, S(top_tmp) *t)
{
    const size_t n = top_vector(p);
    size_t at = 0;
    t->v0 = take(tmp, &at, n);
    t->v1 = take(tmp, &at, n);
    t->r = take(tmp, &at, n);
    t->share = take(tmp, &at, n);
    return at;
}

#endif /* LRP_FAST_WORK_H */
