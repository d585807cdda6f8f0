/*
 * work.h - a thread's workspace for a batch (fast_work, fast_tmpl.h) in the
 * precision of real.h: room for every sentence's arrays, and where each lies.
 */
#ifndef LRP_FAST_WORK_H
#define LRP_FAST_WORK_H

#include "core/lstm.h"
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

/* Input of layer l of a sentence, and its row stride. */
static inline const REAL *layer_input(const S(fast_pack) *p, const S(fast_sent) *se, size_t l,
                                      size_t *ld)
{
    const size_t Y = p->shape.D * p->shape.H;
    *ld = l == 0 ? p->shape.E : Y;
    return l == 0 ? se->x : se->y + (l - 1) * se->T * Y;
}

/* Where a backward pass of direction d of layer l writes its signal at the layer's
 * inputs: the first layer's gx[d], else dx[d]. */
static inline REAL *dir_out(S(fast_sent) *se, size_t l, size_t d) { return l == 0 ? se->gx[d] : se->dx[d]; }

#endif /* LRP_FAST_WORK_H */
