/*
 * pack.c - the model's weights packed for the fast path (fast_pack), in the
 * precision of real.h: for each direction of each layer, U and W transposed (a gate
 * row per column, for the forward products of kernels.h) and as they are with padded
 * rows (for U^T d, W^T d and the LRP of the g gate), gate blocks of H rows padded to
 * Hp with zero rows.
 */
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "fast/real.h"

static size_t pack_size(const model_shape *sh, size_t Hp, size_t Gp)
{
    size_t total = sh->C * sh->D * sh->H + sh->C;
    for (size_t l = 0; l < sh->L; l++) {
        size_t in = model_layer_input(sh, l), inp = round_up(in);
        total += sh->D * (in * Gp + sh->H * Gp + Gp + Gp * inp + Gp * Hp);
    }
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
    const size_t H = sh->H, Hp = p->Hp, Gp = p->Gp, G = GATE_COUNT * H, Y = sh->D * H, C = sh->C;
    for (size_t l = 0; l < sh->L; l++)
        for (size_t d = 0; d < sh->D; d++) {
            S(fast_dir) *q = &p->dir[l][d];
            pack_rows(m->params, L->wx[l][d], G, q->in, lo, hi, H, Hp, q->wxT, Gp, q->wx, q->inp);
            pack_rows(m->params, L->wh[l][d], G, H, lo, hi, H, Hp, q->whT, Gp, q->wh, Hp);
            pack_rows(m->params, L->b[l][d], G, 1, lo, hi, H, Hp, q->b, 0, NULL, 0);
        }
    pack_rows(m->params, L->wout, C, Y, lo, hi, C, C, NULL, 0, p->wout, Y);
    if (sh->has_bias) pack_rows(m->params, L->bout, C, 1, lo, hi, C, C, NULL, 0, p->bout, 1);
}

void S(fast_pack_update)(S(fast_pack) *p, const lrp_model *m)
{
    memset(p->mem_, 0, pack_size(&m->shape, p->Hp, p->Gp) * sizeof(REAL));
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
    p->Gp = GATE_COUNT * p->Hp;
    size_t total = pack_size(sh, p->Hp, p->Gp);
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
            dir->wx = q; q += p->Gp * dir->inp;
            dir->wh = q; q += p->Gp * p->Hp;
        }
    p->wout = q; q += sh->C * sh->D * sh->H;
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
