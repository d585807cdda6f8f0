/*
 * lstm.c - one LSTM direction of one layer for every sentence of a batch: the
 * forward, gradient and relevance passes of core/lstm.c, in the same order and with
 * the same equations (see there for the derivations); the comments here are about
 * the batching. At each step the sentences still running (a prefix of w->order,
 * work.h) make one matrix product (kernels.h) per weight matrix.
 *
 * Sizes: T words, IN inputs, H hidden units and Hp padded, G = 4H gate rows in the
 * order i, f, o, g, Gp = 4Hp packed, INp = IN padded (fast.h), Y = D*H.
 */
#include "fast/lstm.h"

#include <string.h>

#include "core/lstm.h"
#include "fast/kernels.h"
#include "fast/work.h"

/* vectors of units whose gates are computed side by side; Hp is a multiple of
 * COLS = FAST_R vectors, so FAST_R must be a multiple of it */
#define GATE_U 2
_Static_assert(FAST_R % GATE_U == 0, "GATE_U must divide FAST_R");

/* the cache of layer l, direction d of a sentence */
static inline S(fast_lstm_cache) cache_at(const S(fast_pack) *p, const S(fast_sent) *se, size_t l, size_t d)
{
    return fast_lstm_cache_at(p, cache_base(p, se, l, d), se->T);
}

// ----------------------------------------------------------------------------
// a sentence's scratch (fast_sent.tmp) in each pass: one layout function each
// (real.h's take), which points the fields and returns the REALs it takes

/* forward: this step's gate pre-activations */
typedef struct fwd_tmp {
    REAL *pre; /* (Gp) U x(t) + b + W h(t-1) */
} fwd_tmp;

static size_t fwd_tmp_at(const S(fast_pack) *p, REAL *tmp, fwd_tmp *t)
{
    size_t at = 0;
    t->pre = take(tmp, &at, p->Gp);
    return at;
}

/* gradient backward */
typedef struct bwd_tmp {
    REAL *dpre; /* (Gp) gradient at the gate pre-activations (when not kept in fast_sent.dpre) */
    REAL *dhn;  /* (Hp) gradient reaching h(t-1) through the recurrence */
    REAL *dcn;  /* (Hp) gradient reaching c(t-1) */
    REAL *dxt;  /* (INp) gradient at x(t) */
} bwd_tmp;

static size_t bwd_tmp_at(const S(fast_pack) *p, REAL *tmp, bwd_tmp *t)
{
    size_t at = 0;
    t->dpre = take(tmp, &at, p->Gp);
    t->dhn = take(tmp, &at, p->Hp);
    t->dcn = take(tmp, &at, p->Hp);
    t->dxt = take(tmp, &at, round_up(p->INmax));
    return at;
}

/* relevance backward */
typedef struct lrp_tmp {
    REAL *Rc;    /* (Hp) relevance of c(t) */
    REAL *Rhn;   /* (Hp) relevance reaching h(t-1) */
    REAL *Rcn;   /* (Hp) relevance reaching c(t-1) */
    REAL *Rg;    /* (Hp) relevance of the cell candidate g */
    REAL *rc;    /* (Hp) ratios of the cell sum */
    REAL *rg;    /* (Hp) ratios of the g pre-activation */
    REAL *acch;  /* (Hp) W_g^T rg */
    REAL *share; /* (1, a tile) the g layer's bias/stabiliser share */
    REAL *accx;  /* (INp) U_g^T rg */
} lrp_tmp;

static size_t lrp_tmp_at(const S(fast_pack) *p, REAL *tmp, lrp_tmp *t)
{
    const size_t Hp = p->Hp;
    size_t at = 0;
    t->Rc = take(tmp, &at, Hp);
    t->Rhn = take(tmp, &at, Hp);
    t->Rcn = take(tmp, &at, Hp);
    t->Rg = take(tmp, &at, Hp);
    t->rc = take(tmp, &at, Hp);
    t->rg = take(tmp, &at, Hp);
    t->acch = take(tmp, &at, Hp);
    t->share = take(tmp, &at, COLS);
    t->accx = take(tmp, &at, round_up(p->INmax));
    return at;
}

size_t S(fast_lstm_tmp_size)(const S(fast_pack) *p)
{
    fwd_tmp f;
    bwd_tmp g;
    lrp_tmp l;
    return max3(fwd_tmp_at(p, NULL, &f), bwd_tmp_at(p, NULL, &g), lrp_tmp_at(p, NULL, &l));
}

// ----------------------------------------------------------------------------
// forward

void S(fast_lstm_forward)(const S(fast_pack) *p, S(fast_work) *w, size_t l, size_t d)
{
    const S(fast_dir) *q = &p->dir[l][d];
    const size_t H = p->shape.H, Hp = p->Hp, Gp = p->Gp, Y = p->shape.D * H;
    for (size_t b = 0; b < w->n; b++) {
        S(fast_lstm_cache) k = cache_at(p, &w->sent[b], l, d);
        memset(k.c, 0, Hp * sizeof(REAL)); /* c(0) = 0 */
        memset(k.h, 0, Hp * sizeof(REAL)); /* h(0) = 0 */
    }
    for (size_t s = 0; s < w->Tmax; s++) {
        const size_t na = active(w, s);
        for (size_t i = 0; i < na; i++) {
            const S(fast_sent) *se = &w->sent[w->order[i]];
            S(fast_lstm_cache) k = cache_at(p, se, l, d);
            fwd_tmp t;
            fwd_tmp_at(p, se->tmp, &t);
            size_t ld;
            const REAL *in = layer_input(p, se, l, &ld);
            w->pv[i] = in + rnn_pos((int)d, se->T, s) * ld; /* x(t) */
            w->pv2[i] = k.h + s * Hp;                        /* h(t-1) */
            w->po[i] = t.pre;
        }
        /* pre = U x(t) + b + W h(t-1), all sentences at once */
        vecmat(q->in, q->wxT, Gp, Gp, na, w->pv, w->po, NULL, 0);
        vecmat(H, q->whT, Gp, Gp, na, w->pv2, w->po, q->b, 1);
        for (size_t i = 0; i < na; i++) {
            const S(fast_sent) *se = &w->sent[w->order[i]];
            S(fast_lstm_cache) k = cache_at(p, se, l, d);
            fwd_tmp t;
            fwd_tmp_at(p, se->tmp, &t);
            const REAL *pre = t.pre, *cp = k.c + s * Hp;
            REAL *act = k.act + s * Gp, *c = k.c + (s + 1) * Hp, *h = k.h + (s + 1) * Hp;
            REAL *tc = k.tc + s * Hp;
            /* GATE_U vectors of units at a time, each stage for all of them before the
             * next: their long chains of dependent operations (exp, reciprocal, then
             * tanh of the new cell) run side by side instead of one after another. */
            for (size_t j0 = 0; j0 < Hp; j0 += GATE_U * VEC_W) {
                VEC gi[GATE_U], gf[GATE_U], go[GATE_U], gg[GATE_U], cj[GATE_U], tj[GATE_U];
                for (size_t u = 0, j = j0; u < GATE_U; u++, j += VEC_W)
                    VEC_LSTM_GATES(VEC_LOAD(pre + GATE_I * Hp + j), VEC_LOAD(pre + GATE_F * Hp + j),
                                   VEC_LOAD(pre + GATE_O * Hp + j), VEC_LOAD(pre + GATE_G * Hp + j),
                                   &gi[u], &gf[u], &go[u], &gg[u]);
                /* c(t) = f * c(t-1) + i * g */
                for (size_t u = 0, j = j0; u < GATE_U; u++, j += VEC_W)
                    cj[u] = gf[u] * VEC_LOAD(cp + j) + gi[u] * gg[u];
                for (size_t u = 0; u < GATE_U; u++) tj[u] = VEC_TANH(cj[u]);
                for (size_t u = 0, j = j0; u < GATE_U; u++, j += VEC_W) {
                    VEC_STORE(act + GATE_I * Hp + j, gi[u]);
                    VEC_STORE(act + GATE_F * Hp + j, gf[u]);
                    VEC_STORE(act + GATE_O * Hp + j, go[u]);
                    VEC_STORE(act + GATE_G * Hp + j, gg[u]);
                    VEC_STORE(k.preg + s * Hp + j, VEC_LOAD(pre + GATE_G * Hp + j));
                    VEC_STORE(c + j, cj[u]);
                    VEC_STORE(tc + j, tj[u]);
                    VEC_STORE(h + j, go[u] * tj[u]); /* h(t) = o * tanh(c(t)) */
                }
            }
            if (keeps_outputs(p, l))
                memcpy(layer_output(p, se, l) + rnn_pos((int)d, se->T, s) * Y + d * H, h, H * sizeof(REAL));
        }
    }
}

// ----------------------------------------------------------------------------
// gradient backward (backpropagation through time)

/* After the backward pass of direction d of layer l with dpre kept for every step:
 * dU += sum dpre x^T, dW += sum dpre h(t-1)^T, db += sum dpre over the sentences
 * [b0, b1), into the gradient array dense (fast_backward's layout). */
static void param_grads(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, size_t l,
                        size_t d, size_t b0, size_t b1, double *dense)
{
    const size_t H = p->shape.H, Hp = p->Hp, Gp = p->Gp, G = GATE_COUNT * H, IN = p->dir[l][d].in;
    const size_t base = m->layout.wx[0][0];
    double *gwx = dense + (m->layout.wx[l][d] - base), *gwh = dense + (m->layout.wh[l][d] - base);
    double *gb = dense + (m->layout.b[l][d] - base);
    const ptrdiff_t xs = step_inputs(p, w, l, d, b0, b1);
    outer_sum(w, b0, b1, G, H, Hp, Gp, IN, gwx, w->pv2, xs);
    outer_sum(w, b0, b1, G, H, Hp, Gp, H, gwh, w->pv3, (ptrdiff_t)Hp);
    bias_sum(w, b0, b1, G, H, Hp, Gp, gb);
}

void S(fast_lstm_backward)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, size_t l,
                           size_t d, size_t n_groups, const size_t *first, double *const *dense)
{
    const S(fast_dir) *q = &p->dir[l][d];
    const size_t IN = q->in, INp = q->inp, H = p->shape.H, Hp = p->Hp, Gp = p->Gp, Y = p->shape.D * H;
    for (size_t b = 0; b < w->n; b++) {
        bwd_tmp t;
        bwd_tmp_at(p, w->sent[b].tmp, &t);
        memset(t.dpre, 0, Gp * sizeof(REAL));
        memset(t.dhn, 0, Hp * sizeof(REAL));
        memset(t.dcn, 0, Hp * sizeof(REAL));
    }
    for (size_t s = w->Tmax; s-- > 0;) {
        const size_t na = active(w, s);
        for (size_t i = 0; i < na; i++) {
            S(fast_sent) *se = &w->sent[w->order[i]];
            S(fast_lstm_cache) k = cache_at(p, se, l, d);
            bwd_tmp t;
            bwd_tmp_at(p, se->tmp, &t);
            /* dpre: kept for every step when the parameter gradients are wanted */
            REAL *dpre = dense ? se->dpre + s * Gp : t.dpre;
            REAL *dhn = t.dhn, *dcn = t.dcn;
            const REAL *dht = se->sig + rnn_pos((int)d, se->T, s) * Y + d * H;
            const REAL *cp = k.c + s * Hp, *act = k.act + s * Gp, *tc = k.tc + s * Hp;
            const REAL *gi = act + GATE_I * Hp, *gf = act + GATE_F * Hp;
            const REAL *go = act + GATE_O * Hp, *gg = act + GATE_G * Hp;
            for (size_t j = 0; j < H; j++) {
                REAL dh = dht[j] + dhn[j];
                /* h = o * tanh(c) */
                REAL dc = dcn[j] + dh * go[j] * (1 - tc[j] * tc[j]);
                REAL d_o = dh * tc[j];
                /* c = f * c(t-1) + i * g */
                REAL di = dc * gg[j], dg = dc * gi[j], df = dc * cp[j];
                dcn[j] = dc * gf[j];
                /* through the activations: sigm' = a (1 - a), tanh' = 1 - a^2 */
                dpre[GATE_I * Hp + j] = di * gi[j] * (1 - gi[j]);
                dpre[GATE_F * Hp + j] = df * gf[j] * (1 - gf[j]);
                dpre[GATE_O * Hp + j] = d_o * go[j] * (1 - go[j]);
                dpre[GATE_G * Hp + j] = dg * (1 - gg[j] * gg[j]);
            }
            if (dense) /* the padding rows (zero in tmp) */
                for (size_t g = 0; g < GATE_COUNT; g++)
                    for (size_t j = H; j < Hp; j++) dpre[g * Hp + j] = 0;
            w->pv[i] = dpre;
            w->po[i] = t.dxt;
            w->po2[i] = dhn;
        }
        /* pre = U x + b + W h(t-1): dx = U^T dpre, dh(t-1) = W^T dpre */
        vecmat(Gp, q->wx, INp, INp, na, w->pv, w->po, NULL, 0);
        vecmat(Gp, q->wh, Hp, Hp, na, w->pv, w->po2, NULL, 0);
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

/* One step of lstm_lrp for one sentence, up to the ratios rg of the g gate's
 * pre-activation; returns the stabiliser/bias share of that layer. t.Rcn is updated
 * in place. */
static REAL lrp_cell(size_t H, size_t IN, const REAL *restrict Rht, const REAL *restrict cp,
                     const REAL *restrict c, const REAL *restrict gi, const REAL *restrict gf,
                     const REAL *restrict gg, const REAL *restrict preg, const REAL *restrict bg,
                     REAL eps, REAL delta, const lrp_tmp *t)
{
    REAL *restrict Rc = t->Rc, *restrict Rcn = t->Rcn, *restrict Rg = t->Rg;
    REAL *restrict rc = t->rc, *restrict rg = t->rg;
    const REAL *restrict Rhn = t->Rhn;
    /* h(t) = o * tanh(c(t)): c(t) takes all of R_h(t) */
    FOR_VEC(j, m, H) vstore(Rc + j, vload(Rcn + j, m) + vload(Rht + j, m) + vload(Rhn + j, m), m);
    /* c(t) = f * c(t-1) + i * g: identity-weight layer over 2H entries */
    REAL sh = eps_ratios(H, c, Rc, NULL, eps, delta, (REAL)(2 * H), rc);
    const VEC shv = VEC_SET1(sh);
    FOR_VEC(j, m, H) {
        const VEC r = vload(rc + j, m);
        vstore(Rcn + j, vload(gf + j, m) * vload(cp + j, m) * r + shv, m);
        vstore(Rg + j, vload(gi + j, m) * vload(gg + j, m) * r + shv, m);
    }
    /* g = tanh(U_g x + W_g h(t-1) + b_g): epsilon rule, N = IN + H */
    return eps_ratios(H, preg, Rg, bg, eps, delta, (REAL)(IN + H), rg);
}

void S(fast_lstm_lrp)(const S(fast_pack) *p, S(fast_work) *w, size_t l, size_t d, REAL eps,
                      REAL delta)
{
    const S(fast_dir) *q = &p->dir[l][d];
    const size_t IN = q->in, INp = q->inp, H = p->shape.H, Hp = p->Hp, Gp = p->Gp, Y = p->shape.D * H;
    const REAL *ug = q->wx + GATE_G * Hp * INp; /* (H, INp) rows of U_g */
    const REAL *wg = q->wh + GATE_G * Hp * Hp;  /* (H, Hp) rows of W_g */
    const REAL *bg = q->b + GATE_G * Hp;
    for (size_t b = 0; b < w->n; b++) {
        lrp_tmp t;
        lrp_tmp_at(p, w->sent[b].tmp, &t);
        REAL *const zero[] = {t.Rc, t.Rhn, t.Rcn, t.Rg, t.rc, t.rg, t.acch};
        for (size_t z = 0; z < sizeof zero / sizeof zero[0]; z++) memset(zero[z], 0, Hp * sizeof(REAL));
    }
    for (size_t s = w->Tmax; s-- > 0;) {
        const size_t na = active(w, s);
        for (size_t i = 0; i < na; i++) {
            S(fast_sent) *se = &w->sent[w->order[i]];
            S(fast_lstm_cache) k = cache_at(p, se, l, d);
            lrp_tmp t;
            lrp_tmp_at(p, se->tmp, &t);
            const REAL *Rht = se->sig + rnn_pos((int)d, se->T, s) * Y + d * H;
            const REAL *cp = k.c + s * Hp, *c = k.c + (s + 1) * Hp;
            const REAL *act = k.act + s * Gp;
            const REAL *gi = act + GATE_I * Hp, *gf = act + GATE_F * Hp, *gg = act + GATE_G * Hp;
            t.share[0] = lrp_cell(H, IN, Rht, cp, c, gi, gf, gg, k.preg + s * Hp, bg, eps, delta, &t);
            w->pv[i] = t.rg;
            w->po[i] = t.accx;
            w->po2[i] = t.acch;
        }
        /* U_g^T rg and W_g^T rg for all sentences at once */
        vecmat(H, ug, INp, INp, na, w->pv, w->po, NULL, 0);
        vecmat(H, wg, Hp, Hp, na, w->pv, w->po2, NULL, 0);
        for (size_t i = 0; i < na; i++) {
            S(fast_sent) *se = &w->sent[w->order[i]];
            lrp_tmp t;
            lrp_tmp_at(p, se->tmp, &t);
            const size_t pos = rnn_pos((int)d, se->T, s);
            size_t ld;
            const REAL *xt = layer_input(p, se, l, &ld) + pos * ld;
            const REAL *hp = cache_at(p, se, l, d).h + s * Hp;
            /* R_x(t) = x(t) U_g^T rg + share, R_h(t-1) = h(t-1) W_g^T rg + share */
            mul_add(IN, xt, t.accx, t.share[0], dir_out(se, l, d) + pos * IN);
            mul_add(H, hp, t.acch, t.share[0], t.Rhn);
        }
    }
    /* what reached h(0) and c(0) */
    for (size_t b = 0; b < w->n; b++) {
        lrp_tmp t;
        lrp_tmp_at(p, w->sent[b].tmp, &t);
        REAL rest = 0;
        for (size_t j = 0; j < H; j++) rest += t.Rhn[j] + t.Rcn[j];
        w->sent[b].rest += (double)rest;
    }
}
