/*
 * gru.c - one GRU direction of one layer for every sentence of a batch: the forward,
 * gradient and relevance passes of core/gru.c, in the same order and with the same
 * equations (see there and core/gru.h for the derivations); the comments here are
 * about the batching. As lstm.c: at each step the sentences still running (a prefix
 * of w->order, work.h) make one matrix product (kernels.h) per weight matrix.
 *
 * Sizes: T words, IN inputs, H hidden units and Hp padded, G = 3H gate rows in the
 * order r, z, n, Gp = 3Hp packed, INp = IN padded (fast.h), Y = D*H.
 */
#include "fast/gru.h"

#include <string.h>

#include "core/gru.h"
#include "fast/kernels.h"
#include "fast/work.h"

/* vectors of units whose gates are computed side by side (as lstm.c) */
#define GATE_U 2
_Static_assert(FAST_R % GATE_U == 0, "GATE_U must divide FAST_R");

/* the cache of layer l, direction d of a sentence */
static inline S(fast_gru_cache) cache_at(const S(fast_pack) *p, const S(fast_sent) *se, size_t l, size_t d)
{
    return fast_gru_cache_at(p, cache_base(p, se, l, d), se->T);
}

// ----------------------------------------------------------------------------
// a sentence's scratch (fast_sent.tmp) in each pass: one layout function each
// (real.h's take), which points the fields and returns the REALs it takes

/* forward: this step's products */
typedef struct fwd_tmp {
    REAL *px; /* (Gp) Wx x(t) (the bias b_x is added at the gates) */
    REAL *ph; /* (Gp) Wh h(t-1) (b_h likewise) */
} fwd_tmp;

static size_t fwd_tmp_at(const S(fast_pack) *p, REAL *tmp, fwd_tmp *t)
{
    size_t at = 0;
    t->px = take(tmp, &at, p->Gp);
    t->ph = take(tmp, &at, p->Gp);
    return at;
}

/* gradient backward */
typedef struct bwd_tmp {
    REAL *dpx; /* (Gp) gradient at px: r, z pre-activations and a (when not kept in fast_sent.dpre) */
    REAL *dph; /* (Gp) gradient at ph: r, z pre-activations and s (likewise) */
    REAL *dhn; /* (Hp) gradient reaching h(t-1) */
    REAL *dxt; /* (INp) gradient at x(t) */
} bwd_tmp;

static size_t bwd_tmp_at(const S(fast_pack) *p, REAL *tmp, bwd_tmp *t)
{
    size_t at = 0;
    t->dpx = take(tmp, &at, p->Gp);
    t->dph = take(tmp, &at, p->Gp);
    t->dhn = take(tmp, &at, p->Hp);
    t->dxt = take(tmp, &at, round_up(p->INmax));
    return at;
}

/* relevance backward */
typedef struct lrp_tmp {
    REAL *Rh;    /* (Hp) relevance of h(t) */
    REAL *Rhn;   /* (Hp) relevance reaching h(t-1) */
    REAL *Rn;    /* (Hp) relevance of n, then of a */
    REAL *rh;    /* (Hp) ratios of the sum h(t) */
    REAL *ra;    /* (Hp) ratios of a */
    REAL *rra;   /* (Hp) r * ratios of a: the recurrent weights' factor */
    REAL *ba;    /* (Hp) bias of a: bx_n + r * bh_n */
    REAL *acch;  /* (Hp) Wh_n^T rra */
    REAL *share; /* (1, a tile) the a layer's bias/stabiliser share */
    REAL *accx;  /* (INp) Wx_n^T ra */
} lrp_tmp;

static size_t lrp_tmp_at(const S(fast_pack) *p, REAL *tmp, lrp_tmp *t)
{
    const size_t Hp = p->Hp;
    size_t at = 0;
    t->Rh = take(tmp, &at, Hp);
    t->Rhn = take(tmp, &at, Hp);
    t->Rn = take(tmp, &at, Hp);
    t->rh = take(tmp, &at, Hp);
    t->ra = take(tmp, &at, Hp);
    t->rra = take(tmp, &at, Hp);
    t->ba = take(tmp, &at, Hp);
    t->acch = take(tmp, &at, Hp);
    t->share = take(tmp, &at, COLS);
    t->accx = take(tmp, &at, round_up(p->INmax));
    return at;
}

size_t S(fast_gru_tmp_size)(const S(fast_pack) *p)
{
    fwd_tmp f;
    bwd_tmp g;
    lrp_tmp l;
    return max3(fwd_tmp_at(p, NULL, &f), bwd_tmp_at(p, NULL, &g), lrp_tmp_at(p, NULL, &l));
}

// ----------------------------------------------------------------------------
// forward

void S(fast_gru_forward)(const S(fast_pack) *p, S(fast_work) *w, size_t l, size_t d)
{
    const S(fast_dir) *q = &p->dir[l][d];
    const size_t H = p->shape.H, Hp = p->Hp, Gp = p->Gp, Y = p->shape.D * H;
    const REAL *bx = q->b, *bh = q->bh;
    for (size_t b = 0; b < w->n; b++)
        memset(cache_at(p, &w->sent[b], l, d).h, 0, Hp * sizeof(REAL)); /* h(0) = 0 */
    for (size_t s = 0; s < w->Tmax; s++) {
        const size_t na = active(w, s);
        for (size_t i = 0; i < na; i++) {
            const S(fast_sent) *se = &w->sent[w->order[i]];
            S(fast_gru_cache) k = cache_at(p, se, l, d);
            fwd_tmp t;
            fwd_tmp_at(p, se->tmp, &t);
            size_t ld;
            const REAL *in = layer_input(p, se, l, &ld);
            w->pv[i] = in + rnn_pos((int)d, se->T, s) * ld; /* x(t) */
            w->pv2[i] = k.h + s * Hp;                        /* h(t-1) */
            w->po[i] = t.px;
            w->po2[i] = t.ph;
        }
        /* px = Wx x(t), ph = Wh h(t-1), all sentences at once */
        vecmat(q->in, q->wxT, Gp, Gp, na, w->pv, w->po, NULL, 0);
        vecmat(H, q->whT, Gp, Gp, na, w->pv2, w->po2, NULL, 0);
        for (size_t i = 0; i < na; i++) {
            const S(fast_sent) *se = &w->sent[w->order[i]];
            S(fast_gru_cache) k = cache_at(p, se, l, d);
            fwd_tmp t;
            fwd_tmp_at(p, se->tmp, &t);
            const REAL *px = t.px, *ph = t.ph, *hp = k.h + s * Hp;
            REAL *act = k.act + s * Gp, *a = k.a + s * Hp, *sv = k.s + s * Hp, *h = k.h + (s + 1) * Hp;
            /* GATE_U vectors of units at a time, each stage for all of them (lstm.c) */
            for (size_t j0 = 0; j0 < Hp; j0 += GATE_U * VEC_W) {
                VEC gr[GATE_U], gz[GATE_U], an[GATE_U], gn[GATE_U];
                for (size_t u = 0, j = j0; u < GATE_U; u++, j += VEC_W) {
                    const size_t jr = GRU_R * Hp + j, jz = GRU_Z * Hp + j;
                    /* r = sigm(px_r + bx_r + ph_r + bh_r), z likewise */
                    VEC_SIGM2((VEC_LOAD(px + jr) + VEC_LOAD(bx + jr)) + (VEC_LOAD(ph + jr) + VEC_LOAD(bh + jr)),
                              (VEC_LOAD(px + jz) + VEC_LOAD(bx + jz)) + (VEC_LOAD(ph + jz) + VEC_LOAD(bh + jz)),
                              &gr[u], &gz[u]);
                }
                for (size_t u = 0, j = j0; u < GATE_U; u++, j += VEC_W) {
                    const size_t jn = GRU_N * Hp + j;
                    /* s = Wh_n h(t-1) + bh_n, a = Wx_n x + bx_n + r * s */
                    const VEC sn = VEC_LOAD(ph + jn) + VEC_LOAD(bh + jn);
                    VEC_STORE(sv + j, sn);
                    an[u] = (VEC_LOAD(px + jn) + VEC_LOAD(bx + jn)) + gr[u] * sn;
                }
                for (size_t u = 0; u < GATE_U; u++) gn[u] = VEC_TANH(an[u]);
                for (size_t u = 0, j = j0; u < GATE_U; u++, j += VEC_W) {
                    VEC_STORE(act + GRU_R * Hp + j, gr[u]);
                    VEC_STORE(act + GRU_Z * Hp + j, gz[u]);
                    VEC_STORE(act + GRU_N * Hp + j, gn[u]);
                    VEC_STORE(a + j, an[u]);
                    /* h(t) = z * h(t-1) + (1 - z) * n */
                    VEC_STORE(h + j, gz[u] * VEC_LOAD(hp + j) + (VEC_SET1(1) - gz[u]) * gn[u]);
                }
            }
            if (keeps_outputs(p, l))
                memcpy(layer_output(p, se, l) + rnn_pos((int)d, se->T, s) * Y + d * H, h, H * sizeof(REAL));
        }
    }
}

// ----------------------------------------------------------------------------
// gradient backward (backpropagation through time)

/* After the backward pass of direction d of layer l with dpx, dph kept for every step
 * (se->dpre: step s's dpx at s * 2Gp, its dph after it): dWx += sum dpx x^T,
 * dWh += sum dph h(t-1)^T, dbx += sum dpx, dbh += sum dph over the sentences [b0, b1),
 * into the gradient array dense (fast_backward's layout). */
static void param_grads(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, size_t l,
                        size_t d, size_t b0, size_t b1, double *dense)
{
    const size_t H = p->shape.H, Hp = p->Hp, Gp = p->Gp, G = GRU_GATE_COUNT * H, IN = p->dir[l][d].in;
    const size_t base = m->layout.wx[0][0];
    double *gwx = dense + (m->layout.wx[l][d] - base), *gwh = dense + (m->layout.wh[l][d] - base);
    double *gbx = dense + (m->layout.b[l][d] - base), *gbh = dense + (m->layout.bh[l][d] - base);
    const ptrdiff_t xs = step_inputs(p, w, l, d, b0, b1);
    outer_sum(w, b0, b1, G, H, Hp, 2 * Gp, IN, gwx, w->pv2, xs);
    bias_sum(w, b0, b1, G, H, Hp, 2 * Gp, gbx);
    for (size_t b = b0; b < b1; b++) w->pv[b] = w->sent[b].dpre + Gp;
    outer_sum(w, b0, b1, G, H, Hp, 2 * Gp, H, gwh, w->pv3, (ptrdiff_t)Hp);
    bias_sum(w, b0, b1, G, H, Hp, 2 * Gp, gbh);
}

void S(fast_gru_backward)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, size_t l,
                          size_t d, size_t n_groups, const size_t *first, double *const *dense)
{
    const S(fast_dir) *q = &p->dir[l][d];
    const size_t IN = q->in, INp = q->inp, H = p->shape.H, Hp = p->Hp, Gp = p->Gp, Y = p->shape.D * H;
    for (size_t b = 0; b < w->n; b++) {
        bwd_tmp t;
        bwd_tmp_at(p, w->sent[b].tmp, &t);
        memset(t.dpx, 0, Gp * sizeof(REAL));
        memset(t.dph, 0, Gp * sizeof(REAL));
        memset(t.dhn, 0, Hp * sizeof(REAL));
    }
    for (size_t s = w->Tmax; s-- > 0;) {
        const size_t na = active(w, s);
        for (size_t i = 0; i < na; i++) {
            S(fast_sent) *se = &w->sent[w->order[i]];
            S(fast_gru_cache) k = cache_at(p, se, l, d);
            bwd_tmp t;
            bwd_tmp_at(p, se->tmp, &t);
            /* dpx, dph: kept for every step when the parameter gradients are wanted */
            REAL *dpx = dense ? se->dpre + s * 2 * Gp : t.dpx, *dph = dense ? dpx + Gp : t.dph;
            REAL *dhn = t.dhn;
            const REAL *dht = se->sig + rnn_pos((int)d, se->T, s) * Y + d * H;
            const REAL *hp = k.h + s * Hp, *sv = k.s + s * Hp, *act = k.act + s * Gp;
            const REAL *gr = act + GRU_R * Hp, *gz = act + GRU_Z * Hp, *gn = act + GRU_N * Hp;
            for (size_t j = 0; j < H; j++) {
                REAL dh = dht[j] + dhn[j];
                /* h = z h(t-1) + (1 - z) n */
                REAL dz = dh * (hp[j] - gn[j]), dn = dh * (1 - gz[j]);
                dhn[j] = dh * gz[j]; /* the part through z * h(t-1); W_h^T dph is added below */
                /* n = tanh(a), a = px_n + r * s */
                REAL da = dn * (1 - gn[j] * gn[j]);
                REAL dr = da * sv[j];
                /* through the sigmoids: sigm' = a (1 - a) */
                REAL dzr = dr * gr[j] * (1 - gr[j]), dzz = dz * gz[j] * (1 - gz[j]);
                dpx[GRU_R * Hp + j] = dzr;
                dpx[GRU_Z * Hp + j] = dzz;
                dpx[GRU_N * Hp + j] = da;
                dph[GRU_R * Hp + j] = dzr;
                dph[GRU_Z * Hp + j] = dzz;
                dph[GRU_N * Hp + j] = da * gr[j]; /* d s */
            }
            if (dense) /* the padding rows (zero in tmp) */
                for (size_t g = 0; g < GRU_GATE_COUNT; g++)
                    for (size_t j = H; j < Hp; j++) dpx[g * Hp + j] = dph[g * Hp + j] = 0;
            w->pv[i] = dpx;
            w->pv2[i] = dph;
            w->po[i] = t.dxt;
            w->po2[i] = dhn;
        }
        /* px = Wx x + bx: dx = Wx^T dpx; ph = Wh h(t-1) + bh: dh(t-1) = dhz + Wh^T dph */
        vecmat(Gp, q->wx, INp, INp, na, w->pv, w->po, NULL, 0);
        vecmat(Gp, q->wh, Hp, Hp, na, w->pv2, w->po2, NULL, 1);
        for (size_t i = 0; i < na; i++) {
            S(fast_sent) *se = &w->sent[w->order[i]];
            bwd_tmp t;
            bwd_tmp_at(p, se->tmp, &t);
            const size_t pos = rnn_pos((int)d, se->T, s);
            memcpy(dir_out(se, l, d) + pos * IN, t.dxt, IN * sizeof(REAL));
        }
    }
    if (dense)
        for (size_t g = 0; g < n_groups; g++) param_grads(p, m, w, l, d, first[g], first[g + 1], dense[g]);
}

// ----------------------------------------------------------------------------
// relevance backward (LRP)

/* One step of gru_lrp for one sentence, up to the ratios ra of a and rra = r * ra;
 * returns the stabiliser/bias share of that layer. t->Rhn becomes the part of R_h(t-1)
 * through z * h(t-1). */
static REAL lrp_cell(size_t H, size_t IN, const REAL *restrict Rht, const REAL *restrict hp,
                     const REAL *restrict h, const REAL *restrict a, const REAL *restrict gr,
                     const REAL *restrict gz, const REAL *restrict gn, const REAL *restrict bxn,
                     const REAL *restrict bhn, REAL eps, REAL delta, const lrp_tmp *t)
{
    REAL *restrict Rh = t->Rh, *restrict Rhn = t->Rhn, *restrict Rn = t->Rn, *restrict rh = t->rh;
    REAL *restrict ra = t->ra, *restrict rra = t->rra, *restrict ba = t->ba;
    /* relevance of h(t): from above and through the recurrence */
    FOR_VEC(j, m, H) vstore(Rh + j, vload(Rht + j, m) + vload(Rhn + j, m), m);
    /* h(t) = z * h(t-1) + (1 - z) * n: identity-weight layer over 2H entries */
    REAL sh = eps_ratios(H, h, Rh, NULL, eps, delta, (REAL)(2 * H), rh);
    const VEC shv = VEC_SET1(sh), one = VEC_SET1(1);
    FOR_VEC(j, m, H) {
        const VEC r = vload(rh + j, m), z = vload(gz + j, m);
        vstore(Rhn + j, z * vload(hp + j, m) * r + shv, m);
        vstore(Rn + j, (one - z) * vload(gn + j, m) * r + shv, m);
    }
    /* n = tanh(a), a = Wx_n x + (r * Wh_n) h(t-1) + (bx_n + r * bh_n): epsilon rule,
     * N = IN + H */
    FOR_VEC(j, m, H) vstore(ba + j, vload(bxn + j, m) + vload(gr + j, m) * vload(bhn + j, m), m);
    sh = eps_ratios(H, a, Rn, ba, eps, delta, (REAL)(IN + H), ra);
    FOR_VEC(j, m, H) vstore(rra + j, vload(gr + j, m) * vload(ra + j, m), m);
    return sh;
}

void S(fast_gru_lrp)(const S(fast_pack) *p, S(fast_work) *w, size_t l, size_t d, REAL eps, REAL delta)
{
    const S(fast_dir) *q = &p->dir[l][d];
    const size_t IN = q->in, INp = q->inp, H = p->shape.H, Hp = p->Hp, Gp = p->Gp, Y = p->shape.D * H;
    const REAL *uxn = q->wx + GRU_N * Hp * INp; /* (H, INp) rows of Wx_n */
    const REAL *whn = q->wh + GRU_N * Hp * Hp;  /* (H, Hp) rows of Wh_n */
    const REAL *bxn = q->b + GRU_N * Hp, *bhn = q->bh + GRU_N * Hp;
    for (size_t b = 0; b < w->n; b++) {
        lrp_tmp t;
        lrp_tmp_at(p, w->sent[b].tmp, &t);
        REAL *const zero[] = {t.Rh, t.Rhn, t.Rn, t.rh, t.ra, t.rra, t.ba, t.acch};
        for (size_t z = 0; z < sizeof zero / sizeof zero[0]; z++) memset(zero[z], 0, Hp * sizeof(REAL));
    }
    for (size_t s = w->Tmax; s-- > 0;) {
        const size_t na = active(w, s);
        for (size_t i = 0; i < na; i++) {
            S(fast_sent) *se = &w->sent[w->order[i]];
            S(fast_gru_cache) k = cache_at(p, se, l, d);
            lrp_tmp t;
            lrp_tmp_at(p, se->tmp, &t);
            const REAL *Rht = se->sig + rnn_pos((int)d, se->T, s) * Y + d * H;
            const REAL *act = k.act + s * Gp;
            t.share[0] = lrp_cell(H, IN, Rht, k.h + s * Hp, k.h + (s + 1) * Hp, k.a + s * Hp, act + GRU_R * Hp,
                                  act + GRU_Z * Hp, act + GRU_N * Hp, bxn, bhn, eps, delta, &t);
            w->pv[i] = t.ra;
            w->pv2[i] = t.rra;
            w->po[i] = t.accx;
            w->po2[i] = t.acch;
        }
        /* Wx_n^T ra and Wh_n^T (r * ra) for all sentences at once */
        vecmat(H, uxn, INp, INp, na, w->pv, w->po, NULL, 0);
        vecmat(H, whn, Hp, Hp, na, w->pv2, w->po2, NULL, 0);
        for (size_t i = 0; i < na; i++) {
            S(fast_sent) *se = &w->sent[w->order[i]];
            lrp_tmp t;
            lrp_tmp_at(p, se->tmp, &t);
            const size_t pos = rnn_pos((int)d, se->T, s);
            size_t ld;
            const REAL *xt = layer_input(p, se, l, &ld) + pos * ld;
            const REAL *hp = cache_at(p, se, l, d).h + s * Hp;
            /* R_x(t) = x(t) Wx_n^T ra + share; h(t-1) collects both parts */
            mul_add(IN, xt, t.accx, t.share[0], dir_out(se, l, d) + pos * IN);
            add_mul_add(H, hp, t.acch, t.share[0], t.Rhn);
        }
    }
    /* what reached h(0) */
    for (size_t b = 0; b < w->n; b++) {
        lrp_tmp t;
        lrp_tmp_at(p, w->sent[b].tmp, &t);
        REAL rest = 0;
        for (size_t j = 0; j < H; j++) rest += t.Rhn[j];
        w->sent[b].rest += (double)rest;
    }
}
