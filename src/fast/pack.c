/*
 * pack.c - the model's weights packed for the fast path (fast_pack), in the
 * precision of real.h: for each direction of each layer, U and W transposed (a gate
 * row per column, for the forward products of kernels.h) and as they are with padded
 * rows (for U^T d, W^T d and the LRP of the g or n gate), gate blocks of H rows padded
 * to Hp with zero rows; the attention's W likewise (A rows padded to Ap); the dense
 * layers and the classifier as they are.
 */
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "fast/real.h"

static size_t pack_size(const model_shape *sh, size_t Hp, size_t Gp, size_t Yp, size_t Ap)
{
    const size_t Y = sh->D * sh->H, U = model_dense_input(sh, sh->n_dense);
    size_t total = sh->C * U + sh->C;
    for (size_t l = 0; l < sh->L; l++) {
        size_t in = model_layer_input(sh, l), inp = round_up(in);
        size_t biases = sh->cell == CELL_GRU ? 2 : 1;
        total += sh->D * (in * Gp + sh->H * Gp + biases * Gp + Gp * inp + Gp * Hp);
    }
    if (sh->pooling == POOL_ATTENTION) total += Y * Ap + sh->A * Yp + 2 * Ap;
    for (size_t k = 0; k < sh->n_dense; k++) total += sh->dense[k] * model_dense_input(sh, k) + sh->dense[k];
    return total;
}

/* Pack the entries in [lo, hi) of a (rows, n) tensor at flat offset a of src: row r
 * goes to packed row rp = (r / H) * Hp + r % H (gate blocks of H rows padded to Hp),
 * into column rp of t ((n, ldt): the transpose) and row rp of u ((rows, ldu)); t or u
 * may be NULL. */
static void pack_rows(const double *src, size_t a, size_t rows, size_t n, size_t lo, size_t hi,
                      size_t H, size_t Hp, REAL *t, size_t ldt, REAL *u, size_t ldu)
{
    const size_t end = a + rows * n;
    if (hi <= a || lo >= end) return;
    const size_t i0 = (lo > a ? lo : a) - a, i1 = (hi < end ? hi : end) - a;
    for (size_t r = i0 / n; r * n < i1; r++) {
        const size_t k0 = r * n < i0 ? i0 - r * n : 0, k1 = (r + 1) * n > i1 ? i1 - r * n : n;
        const size_t rp = r / H * Hp + r % H;
        const double *row = src + a + r * n;
        if (t)
            for (size_t k = k0; k < k1; k++) t[k * ldt + rp] = (REAL)row[k];
        if (u)
            for (size_t k = k0; k < k1; k++) u[rp * ldu + k] = (REAL)row[k];
    }
}

void S(fast_pack_update_range)(S(fast_pack) *p, const lrp_model *m, size_t lo, size_t hi)
{
    const model_shape *sh = &m->shape;
    const param_layout *L = &m->layout;
    const size_t H = sh->H, Hp = p->Hp, Gp = p->Gp, G = model_gates(sh) * H, Y = sh->D * H, C = sh->C;
    const double *w = m->params;
    for (size_t l = 0; l < sh->L; l++)
        for (size_t d = 0; d < sh->D; d++) {
            S(fast_dir) *q = &p->dir[l][d];
            pack_rows(w, L->wx[l][d], G, q->in, lo, hi, H, Hp, q->wxT, Gp, q->wx, q->inp);
            pack_rows(w, L->wh[l][d], G, H, lo, hi, H, Hp, q->whT, Gp, q->wh, Hp);
            pack_rows(w, L->b[l][d], G, 1, lo, hi, H, Hp, q->b, 0, NULL, 0);
            if (sh->cell == CELL_GRU) pack_rows(w, L->bh[l][d], G, 1, lo, hi, H, Hp, q->bh, 0, NULL, 0);
        }
    if (sh->pooling == POOL_ATTENTION) {
        const size_t A = sh->A;
        pack_rows(w, L->att_w, A, Y, lo, hi, A, A, p->att_wT, p->Ap, p->att_w, p->Yp);
        pack_rows(w, L->att_b, A, 1, lo, hi, A, A, p->att_b, 0, NULL, 0);
        pack_rows(w, L->att_v, A, 1, lo, hi, A, A, p->att_v, 0, NULL, 0);
    }
    for (size_t k = 0; k < sh->n_dense; k++) {
        const size_t M = sh->dense[k], in = model_dense_input(sh, k);
        pack_rows(w, L->dense_w[k], M, in, lo, hi, M, M, NULL, 0, p->dense_w[k], in);
        pack_rows(w, L->dense_b[k], M, 1, lo, hi, M, M, NULL, 0, p->dense_b[k], 1);
    }
    pack_rows(w, L->wout, C, p->U, lo, hi, C, C, NULL, 0, p->wout, p->U);
    if (sh->has_bias) pack_rows(w, L->bout, C, 1, lo, hi, C, C, NULL, 0, p->bout, 1);
}

void S(fast_pack_update)(S(fast_pack) *p, const lrp_model *m)
{
    memset(p->mem_, 0, pack_size(&m->shape, p->Hp, p->Gp, p->Yp, p->Ap) * sizeof(REAL));
    S(fast_pack_update_range)(p, m, 0, m->layout.total);
}

lrp_status S(fast_pack_create)(S(fast_pack) **out, const lrp_model *m, lrp_error *err)
{
    const model_shape *sh = &m->shape;
    *out = NULL;
    S(fast_pack) *p = calloc(1, sizeof *p);
    if (!p) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory packing the model");
    p->shape = *sh;
    p->Hp = round_up(sh->H);
    p->Gp = model_gates(sh) * p->Hp;
    p->Yp = round_up(sh->D * sh->H);
    p->Ap = round_up(sh->A);
    p->U = model_dense_input(sh, sh->n_dense);
    size_t total = pack_size(sh, p->Hp, p->Gp, p->Yp, p->Ap);
    p->mem_ = aligned_alloc(64, (total * sizeof(REAL) + 63) / 64 * 64);
    if (!p->mem_) {
        free(p);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory packing the model (%zu values)", total);
    }
    REAL *q = p->mem_;
    for (size_t l = 0; l < sh->L; l++)
        for (size_t d = 0; d < sh->D; d++) {
            S(fast_dir) *dir = &p->dir[l][d];
            dir->in = model_layer_input(sh, l);
            dir->inp = round_up(dir->in);
            if (dir->in > p->INmax) p->INmax = dir->in;
            dir->wxT = q; q += dir->in * p->Gp;
            dir->whT = q; q += sh->H * p->Gp;
            dir->b = q; q += p->Gp;
            if (sh->cell == CELL_GRU) { dir->bh = q; q += p->Gp; }
            dir->wx = q; q += p->Gp * dir->inp;
            dir->wh = q; q += p->Gp * p->Hp;
        }
    if (sh->pooling == POOL_ATTENTION) {
        p->att_wT = q; q += sh->D * sh->H * p->Ap;
        p->att_w = q; q += sh->A * p->Yp;
        p->att_b = q; q += p->Ap;
        p->att_v = q; q += p->Ap;
    }
    for (size_t k = 0; k < sh->n_dense; k++) {
        p->dense_w[k] = q; q += sh->dense[k] * model_dense_input(sh, k);
        p->dense_b[k] = q; q += sh->dense[k];
    }
    p->wout = q; q += sh->C * p->U;
    p->bout = q;
    S(fast_pack_update)(p, m);
    *out = p;
    return LRP_OK;
}

void S(fast_pack_free)(S(fast_pack) *p)
{
    if (!p) return;
    free(p->mem_);
    free(p);
}
