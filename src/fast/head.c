/*
 * head.c - the head over the top layer's states for one sentence (head.h): the
 * forward, gradient and relevance passes of core/head.c, in the same order and with
 * the same equations (see there for the rules). Vector lanes hold values of one
 * sentence: the entries j of u, or the attention units a of one position.
 *
 * Sizes: T words, H hidden, D directions, Y = D*H values per position and Yp padded,
 * A attention units and Ap padded (fast.h).
 */
#include "fast/head.h"

#include <math.h>
#include <string.h>

#include "fast/kernels.h"
#include "fast/work.h"

/* attention's scratch in se->hs during its gradient pass: one layout function */
typedef struct att_tmp {
    REAL *de; /* (T) gradient at the scores e_t */
    REAL *dk; /* (T, Ap) gradient at the pre-activations W y(t) + b */
    REAL *dy; /* (T, Yp) gradient at y(t) */
} att_tmp;

static size_t att_tmp_at(const S(fast_pack) *p, size_t T, REAL *hs, att_tmp *t)
{
    size_t at = 0;
    t->de = take(hs, &at, round_up(T));
    t->dk = take(hs, &at, T * p->Ap);
    t->dy = take(hs, &at, T * p->Yp);
    return at;
}

size_t S(fast_head_scratch_size)(const S(fast_pack) *p, size_t T)
{
    att_tmp t;
    return p->shape.pooling == POOL_ATTENTION ? att_tmp_at(p, T, NULL, &t) : 0;
}

/* The top layer's outputs by position (T, Y). */
static const REAL *states(const S(fast_pack) *p, const S(fast_sent) *se)
{
    return layer_output(p, se, p->shape.L - 1);
}

/* Place a signal on u (Y values) at the first t where y(t)_j reaches the maximum over t
 * (a strict comparison keeps the first), zeros elsewhere: the states `max` takes. */
static void seed_max(const S(fast_pack) *p, S(fast_sent) *se, const REAL *du)
{
    const size_t Y = p->shape.D * p->shape.H, T = se->T;
    const REAL *y = states(p, se);
    memset(se->sig, 0, T * Y * sizeof(REAL));
    for (size_t j = 0; j < Y; j++) {
        size_t best = 0;
        for (size_t t = 1; t < T; t++)
            if (y[t * Y + j] > y[best * Y + j]) best = t;
        se->sig[best * Y + j] = du[j];
    }
}

/* Place a signal on u (Y values) at the states `last` copies: the forward direction's
 * last state is position T-1, the backward one's position 0. */
static void seed_last(const model_shape *sh, S(fast_sent) *se, const REAL *du)
{
    const size_t H = sh->H, Y = sh->D * H, T = se->T;
    memset(se->sig, 0, T * Y * sizeof(REAL));
    memcpy(se->sig + (T - 1) * Y, du, H * sizeof(REAL));
    if (sh->D == 2) memcpy(se->sig + H, du + H, H * sizeof(REAL));
}

// ----------------------------------------------------------------------------
// forward

void S(fast_head_forward)(const S(fast_pack) *p, S(fast_work) *w, S(fast_sent) *se)
{
    const model_shape *sh = &p->shape;
    const size_t H = sh->H, Y = sh->D * H, T = se->T, A = sh->A, Ap = p->Ap;
    REAL *u = se->u;
    switch (sh->pooling) {
    case POOL_LAST: /* each top-layer direction's last state (row T of its cache) */
        for (size_t d = 0; d < sh->D; d++)
            memcpy(u + d * H, cache_states(p, se, sh->L - 1, d) + T * p->Hp, H * sizeof(REAL));
        break;
    case POOL_MEAN: {
        const REAL *y = states(p, se);
        const VEC n = VEC_SET1((REAL)T);
        FOR_VEC(j, m, Y) {
            VEC acc = VEC_SET1(0);
            for (size_t t = 0; t < T; t++) acc = acc + vload(y + t * Y + j, m);
            vstore(u + j, acc / n, m);
        }
        break;
    }
    case POOL_MAX: {
        const REAL *y = states(p, se);
        FOR_VEC(j, m, Y) {
            VEC best = vload(y + j, m);
            for (size_t t = 1; t < T; t++) {
                const VEC v = vload(y + t * Y + j, m);
                best = VEC_SELECT(v > best, v, best);
            }
            vstore(u + j, best, m);
        }
        break;
    }
    case POOL_ATTENTION: {
        /* k(t) = tanh(W y(t) + b) for every position at once, e_t = v . k(t) */
        const REAL *y = states(p, se);
        for (size_t t = 0; t < T; t++) {
            w->prow[t] = y + t * Y;
            w->orow[t] = se->att_k + t * Ap;
        }
        vecmat(Y, p->att_wT, Ap, Ap, T, w->prow, w->orow, NULL, 0);
        REAL *e = se->alpha, emax = 0;
        for (size_t t = 0; t < T; t++) {
            REAL *kt = se->att_k + t * Ap, et = 0;
            for (size_t a = 0; a < Ap; a += VEC_W)
                VEC_STORE(kt + a, VEC_TANH(VEC_LOAD(kt + a) + VEC_LOAD(p->att_b + a)));
            for (size_t a = 0; a < A; a++) et += p->att_v[a] * kt[a];
            e[t] = et;
            if (t == 0 || et > emax) emax = et;
        }
        /* alpha = softmax(e) */
        REAL sum = 0;
        for (size_t t = 0; t < T; t++) sum += (e[t] = REAL_EXP(e[t] - emax));
        for (size_t t = 0; t < T; t++) e[t] /= sum;
        /* u = sum_t alpha_t y(t) */
        FOR_VEC(j, m, Y) {
            VEC acc = VEC_SET1(0);
            for (size_t t = 0; t < T; t++) acc = acc + VEC_SET1(se->alpha[t]) * vload(y + t * Y + j, m);
            vstore(u + j, acc, m);
        }
        break;
    }
    }
}

// ----------------------------------------------------------------------------
// gradient backward

void S(fast_head_backward)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, S(fast_sent) *se,
                           const REAL *du, double *grad)
{
    const model_shape *sh = &p->shape;
    const size_t Y = sh->D * sh->H, T = se->T, A = sh->A, Ap = p->Ap, Yp = p->Yp;
    REAL *dy = se->sig;
    switch (sh->pooling) {
    case POOL_LAST:
        seed_last(sh, se, du);
        break;
    case POOL_MEAN: {
        const VEC n = VEC_SET1((REAL)T);
        FOR_VEC(j, mm, Y) {
            const VEC g = vload(du + j, mm) / n;
            for (size_t t = 0; t < T; t++) vstore(dy + t * Y + j, g, mm);
        }
        break;
    }
    case POOL_MAX:
        seed_max(p, se, du);
        break;
    case POOL_ATTENTION: {
        /* u = sum_t alpha_t y(t): d y(t) = alpha_t du, d alpha_t = du . y(t) */
        const REAL *y = states(p, se), *alpha = se->alpha;
        att_tmp k;
        att_tmp_at(p, T, se->hs, &k);
        REAL dot = 0;
        for (size_t t = 0; t < T; t++) {
            REAL *dyt = k.dy + t * Yp, g = 0;
            const VEC at = VEC_SET1(alpha[t]);
            FOR_VEC(j, mm, Y) vstore(dyt + j, at * vload(du + j, mm), mm);
            for (size_t j = Y; j < Yp; j++) dyt[j] = 0;
            for (size_t j = 0; j < Y; j++) g += du[j] * y[t * Y + j];
            k.de[t] = g;
            dot += alpha[t] * g;
        }
        /* alpha = softmax(e): d e_t = alpha_t (d alpha_t - sum_s alpha_s d alpha_s) */
        for (size_t t = 0; t < T; t++) k.de[t] = alpha[t] * (k.de[t] - dot);
        /* e_t = v . k(t), k(t) = tanh(pre): d pre = de_t v (1 - k^2) (0 in the padding) */
        for (size_t t = 0; t < T; t++) {
            const REAL *kt = se->att_k + t * Ap;
            REAL *dkt = k.dk + t * Ap;
            const VEC de = VEC_SET1(k.de[t]), one = VEC_SET1(1);
            for (size_t a = 0; a < Ap; a += VEC_W) {
                const VEC ka = VEC_LOAD(kt + a);
                VEC_STORE(dkt + a, de * VEC_LOAD(p->att_v + a) * (one - ka * ka));
            }
            w->prow[t] = dkt;
            w->orow[t] = k.dy + t * Yp;
        }
        /* pre = W y(t) + b: d y(t) += W^T d pre, every position at once */
        vecmat(A, p->att_w, Yp, Yp, T, w->prow, w->orow, NULL, 1);
        for (size_t t = 0; t < T; t++) memcpy(dy + t * Y, k.dy + t * Yp, Y * sizeof(REAL));
        if (grad) {
            const size_t base = m->layout.wx[0][0];
            double *gw = grad + (m->layout.att_w - base), *gb = grad + (m->layout.att_b - base);
            double *gv = grad + (m->layout.att_v - base);
            for (size_t t = 0; t < T; t++) {
                const REAL *kt = se->att_k + t * Ap, *dkt = k.dk + t * Ap, *yt = y + t * Y;
                for (size_t a = 0; a < A; a++) {
                    const double g = (double)dkt[a];
                    for (size_t j = 0; j < Y; j++) gw[a * Y + j] += g * (double)yt[j];
                    gb[a] += g;
                    gv[a] += (double)k.de[t] * (double)kt[a];
                }
            }
        }
        break;
    }
    }
}

// ----------------------------------------------------------------------------
// relevance backward (LRP)

void S(fast_head_lrp)(const S(fast_pack) *p, S(fast_work) *w, S(fast_sent) *se, const REAL *Ru, REAL eps,
                      REAL delta, REAL *r, REAL *share)
{
    (void)w;
    const model_shape *sh = &p->shape;
    const size_t Y = sh->D * sh->H, T = se->T;
    REAL *Ry = se->sig;
    switch (sh->pooling) {
    case POOL_LAST: /* the states it copies take all */
        seed_last(sh, se, Ru);
        break;
    case POOL_MAX: /* all to the first maximum */
        seed_max(p, se, Ru);
        break;
    case POOL_MEAN:
    case POOL_ATTENTION: {
        /* u_j = sum_t w_t y(t)_j, w_t = 1/T or alpha_t (held constant): the epsilon rule
         * over the T inputs of u_j, no bias, N = T */
        const REAL *y = states(p, se);
        for (size_t j = 0; j < Y; j++) share[j] = eps_ratio1(se->u[j], Ru[j], 0, eps, delta, (REAL)T, &r[j]);
        const VEC mean = VEC_SET1(1 / (REAL)T);
        for (size_t t = 0; t < T; t++) {
            const VEC wt = sh->pooling == POOL_MEAN ? mean : VEC_SET1(se->alpha[t]);
            FOR_VEC(j, mm, Y) {
                const VEC v = wt * vload(y + t * Y + j, mm) * vload(r + j, mm) + vload(share + j, mm);
                vstore(Ry + t * Y + j, v, mm);
            }
        }
        break;
    }
    }
}
