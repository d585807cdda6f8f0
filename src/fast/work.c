/*
 * work.c - a thread's workspace (fast_work): one large block that grows as batches
 * need, never shrinks, and holds every array of every sentence of the batch.
 */
#include "fast/work.h"

#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "fast/lstm.h"

void S(fast_work_init)(S(fast_work) *w) { memset(w, 0, sizeof *w); }

void S(fast_work_free)(S(fast_work) *w)
{
    free(w->sent);
    free(w->order);
    free(w->pv);
    free(w->pv2);
    free(w->pv3);
    free(w->po);
    free(w->po2);
    free(w->dscores);
    free(w->targets);
    lrp_free_large(w->mem, w->cap_mem * sizeof(REAL));
    memset(w, 0, sizeof *w);
}

/* The arrays of one sentence of T words, in the order they lie in the block, each
 * rounded up to whole tiles (with mem NULL only counts: real.h's take). dpre is not
 * here: it lies after every sentence's arrays (fast_work_reserve). */
static size_t sent_layout(const S(fast_pack) *p, size_t T, REAL *mem, S(fast_sent) *se)
{
    const model_shape *sh = &p->shape;
    const size_t Y = sh->D * sh->H, below = sh->L - 1; /* layers whose outputs feed another */
    size_t at = 0;
    se->x = take(mem, &at, round_up(T * sh->E));
    se->y = take(mem, &at, round_up(below * T * Y));
    se->cache = take(mem, &at, sh->L * sh->D * round_up(fast_lstm_cache_size(p, T)));
    se->top = take(mem, &at, round_up(Y));
    se->scores = take(mem, &at, round_up(sh->C));
    se->sig = take(mem, &at, round_up(T * Y));
    se->dx[0] = take(mem, &at, round_up(below ? T * p->INmax : 0));
    se->dx[1] = take(mem, &at, round_up(below ? T * p->INmax : 0));
    se->gx[0] = take(mem, &at, round_up(T * sh->E));
    se->gx[1] = take(mem, &at, round_up(T * sh->E));
    se->tmp = take(mem, &at, round_up(S(fast_lstm_tmp_size)(p)));
    return at;
}

/* The pointer arrays and per-sentence records for n sentences. */
static lrp_status reserve_records(const S(fast_pack) *p, S(fast_work) *w, size_t n, lrp_error *err)
{
    if (n <= w->cap_n) return LRP_OK;
    size_t cap = n < 16 ? 16 : n;
    S(fast_work) nw = *w;
    nw.sent = realloc(w->sent, cap * sizeof *nw.sent);
    if (nw.sent) w->sent = nw.sent;
    nw.order = realloc(w->order, cap * sizeof *nw.order);
    if (nw.order) w->order = nw.order;
    nw.pv = realloc(w->pv, cap * sizeof *nw.pv);
    if (nw.pv) w->pv = nw.pv;
    nw.pv2 = realloc(w->pv2, cap * sizeof *nw.pv2);
    if (nw.pv2) w->pv2 = nw.pv2;
    nw.pv3 = realloc(w->pv3, cap * sizeof *nw.pv3);
    if (nw.pv3) w->pv3 = nw.pv3;
    nw.po = realloc(w->po, cap * sizeof *nw.po);
    if (nw.po) w->po = nw.po;
    nw.po2 = realloc(w->po2, cap * sizeof *nw.po2);
    if (nw.po2) w->po2 = nw.po2;
    nw.dscores = realloc(w->dscores, cap * p->shape.C * sizeof *nw.dscores);
    if (nw.dscores) w->dscores = nw.dscores;
    nw.targets = realloc(w->targets, cap * sizeof *nw.targets);
    if (nw.targets) w->targets = nw.targets;
    if (!nw.targets || !nw.sent || !nw.order || !nw.pv || !nw.pv2 || !nw.pv3 || !nw.po || !nw.po2 ||
        !nw.dscores)
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a batch of %zu sentences", n);
    w->cap_n = cap;
    return LRP_OK;
}

lrp_status S(fast_work_reserve)(const S(fast_pack) *p, S(fast_work) *w, size_t n,
                                const lrp_sentence *sentences, lrp_error *err)
{
    lrp_status status = reserve_records(p, w, n, err);
    if (status != LRP_OK) return status;
    size_t total = 0;
    for (size_t b = 0; b < n; b++)
    {
        S(fast_sent) count;
        total += sent_layout(p, sentences[b].length, NULL, &count) + round_up(sentences[b].length * p->Gp);
    }
    if (total > w->cap_mem) {
        size_t cap = total + total / 2;
        lrp_free_large(w->mem, w->cap_mem * sizeof(REAL));
        w->cap_mem = 0;
        /* megabytes, of which the batches touch what their lengths need */
        w->mem = lrp_alloc_large(cap * sizeof(REAL));
        if (!w->mem)
            return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a batch of %zu sentences", n);
        w->cap_mem = cap;
    }
    REAL *q = w->mem;
    w->n = n;
    w->Tmax = 0;
    for (size_t b = 0; b < n; b++) {
        S(fast_sent) *se = &w->sent[b];
        const size_t T = sentences[b].length;
        se->T = T;
        se->ids = sentences[b].ids;
        se->deleted = sentences[b].deleted;
        if (T > w->Tmax) w->Tmax = T;
        q += sent_layout(p, T, q, se);
        se->rest = 0.0;
    }
    /* after every sentence's arrays, so that a forward pass and LRP touch none of it */
    for (size_t b = 0; b < n; b++) {
        w->sent[b].dpre = q;
        q += round_up(sentences[b].length * p->Gp);
    }
    /* longest first, ties in the caller's order: at step s the sentences still
     * running are a prefix of `order` */
    for (size_t b = 0; b < n; b++) {
        size_t i = b;
        while (i > 0 && w->sent[w->order[i - 1]].T < sentences[b].length) {
            w->order[i] = w->order[i - 1];
            i--;
        }
        w->order[i] = b;
    }
    return LRP_OK;
}
