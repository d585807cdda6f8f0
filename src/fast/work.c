/*
 * work.c - a thread's workspace (fast_work): one large block that grows as batches
 * need, never shrinks, and holds every array of every sentence of the batch.
 */
#include "fast/work.h"

#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "fast/head.h"

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
    free(w->prow);
    free(w->orow);
    free(w->dscores);
    free(w->targets);
    lrp_free_large(w->mem, w->cap_mem * sizeof(REAL));
    memset(w, 0, sizeof *w);
}

/* REALs of a sentence's scratch: the largest of the recurrent passes' and those above them */
static size_t tmp_size(const S(fast_pack) *p)
{
    S(top_tmp) t;
    const size_t cell = p->shape.cell == CELL_GRU ? S(fast_gru_tmp_size)(p) : S(fast_lstm_tmp_size)(p);
    const size_t top = top_tmp_at(p, NULL, &t);
    return cell > top ? cell : top;
}

/* REALs of a sentence's dpre: one direction's gradient at the gate pre-activations by
 * step (fast_sent.dpre) */
static size_t dpre_size(const S(fast_pack) *p, size_t T)
{
    return round_up(T * p->Gp * (p->shape.cell == CELL_GRU ? 2 : 1));
}

/* The arrays of one sentence of T words, in the order they lie in the block, each
 * rounded up to whole tiles (with mem NULL only counts: real.h's take). dpre is not
 * here: it lies after every sentence's arrays (fast_work_reserve). */
static size_t sent_layout(const S(fast_pack) *p, size_t T, REAL *mem, S(fast_sent) *se)
{
    const model_shape *sh = &p->shape;
    const size_t Y = sh->D * sh->H, below = sh->L - 1; /* layers whose outputs feed another */
    const size_t kept = below + (keeps_outputs(p, sh->L - 1) ? 1 : 0); /* and the head */
    const int att = sh->pooling == POOL_ATTENTION;
    size_t at = 0;
    se->x = take(mem, &at, round_up(T * sh->E));
    se->y = take(mem, &at, round_up(kept * T * Y));
    se->cache_stride = round_up(cache_size(p, T));
    se->cache = take(mem, &at, sh->L * sh->D * se->cache_stride);
    se->u = take(mem, &at, round_up(Y));
    se->att_k = take(mem, &at, att ? T * p->Ap : 0);
    se->alpha = take(mem, &at, att ? round_up(T) : 0);
    se->hs = take(mem, &at, round_up(S(fast_head_scratch_size)(p, T)));
    for (size_t k = 0; k < sh->n_dense; k++) {
        se->z[k] = take(mem, &at, round_up(sh->dense[k]));
        se->a[k] = take(mem, &at, round_up(sh->dense[k]));
    }
    se->top = sh->n_dense ? se->a[sh->n_dense - 1] : se->u;
    se->scores = take(mem, &at, round_up(sh->C));
    se->sig = take(mem, &at, round_up(T * Y));
    se->dx[0] = take(mem, &at, round_up(below ? T * p->INmax : 0));
    se->dx[1] = take(mem, &at, round_up(below ? T * p->INmax : 0));
    se->gx[0] = take(mem, &at, round_up(T * sh->E));
    se->gx[1] = take(mem, &at, round_up(T * sh->E));
    se->tmp = take(mem, &at, round_up(tmp_size(p)));
    return at;
}

/* Pointer arrays over the positions of sentences of up to Tmax words. */
static lrp_status reserve_rows(S(fast_work) *w, size_t Tmax, lrp_error *err)
{
    if (Tmax <= w->cap_rows) return LRP_OK;
    const REAL **prow = realloc(w->prow, Tmax * sizeof *prow);
    if (prow) w->prow = prow;
    REAL **orow = realloc(w->orow, Tmax * sizeof *orow);
    if (orow) w->orow = orow;
    if (!prow || !orow)
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a sentence of %zu words", Tmax);
    w->cap_rows = Tmax;
    return LRP_OK;
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
    size_t total = 0, Tmax = 0;
    for (size_t b = 0; b < n; b++) {
        S(fast_sent) count;
        total += sent_layout(p, sentences[b].length, NULL, &count) + dpre_size(p, sentences[b].length);
        if (sentences[b].length > Tmax) Tmax = sentences[b].length;
    }
    if (p->shape.pooling == POOL_ATTENTION) status = reserve_rows(w, Tmax, err);
    if (status != LRP_OK) return status;
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
        q += dpre_size(p, sentences[b].length);
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
