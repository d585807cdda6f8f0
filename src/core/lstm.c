/*
 * lstm.c - one LSTM direction: forward, gradient backward and relevance backward,
 * side by side so that each can be read against the same forward equations
 * (Arras et al. 2017, Appendix; rules of section 2.2). Plain loops: this is the
 * float64 reference every faster path is checked against.
 *
 * Sizes: T words, IN inputs, H hidden units, G = 4H gate rows (order i, f, o, g).
 */
#include "core/lstm.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "core/relevance.h"

static inline double sigm(double z) { return 1.0 / (1.0 + exp(-z)); }

size_t lstm_cache_size(size_t T, size_t H)
{
    size_t G = 4 * H;
    return T * G * 2 + (T + 1) * H * 2 + T * H;
}

void lstm_cache_init(lstm_cache *k, double *mem, size_t T, size_t H)
{
    size_t G = 4 * H;
    k->pre = mem;
    k->act = k->pre + T * G;
    k->c = k->act + T * G;
    k->h = k->c + (T + 1) * H;
    k->tc = k->h + (T + 1) * H;
    memset(k->c, 0, H * sizeof(double)); /* c(0) = 0 */
    memset(k->h, 0, H * sizeof(double)); /* h(0) = 0 */
}

size_t lstm_scratch_size(size_t in, size_t H) { return 6 * H + (in > H ? in : H); }

// ----------------------------------------------------------------------------
// forward

/* From the gate pre-activations of one step to the new states: the activations, then
 * c(t) = f * c(t-1) + i * g and h(t) = o * tanh(c(t)). */
static void cell(size_t H, const double *pre, const double *cp, double *act, double *c, double *h,
                 double *tc)
{
    const size_t G = 4 * H;
    for (size_t r = 0; r < GATE_G * H; r++) act[r] = sigm(pre[r]);
    for (size_t r = GATE_G * H; r < G; r++) act[r] = tanh(pre[r]);

    const double *gi = act + GATE_I * H, *gf = act + GATE_F * H;
    const double *go = act + GATE_O * H, *gg = act + GATE_G * H;
    for (size_t j = 0; j < H; j++) {
        c[j] = gf[j] * cp[j] + gi[j] * gg[j]; /* c(t) = f * c(t-1) + i * g */
        tc[j] = tanh(c[j]);
        h[j] = go[j] * tc[j];                 /* h(t) = o * tanh(c(t)) */
    }
}

void lstm_forward(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
                  lstm_cache *k)
{
    const size_t IN = w->in, H = w->H, G = 4 * H;
    for (size_t s = 0; s < T; s++) {
        const double *xt = x + rnn_pos(reverse, T, s) * ldx; /* (IN) */
        const double *hp = k->h + s * H, *cp = k->c + s * H;  /* h(t-1), c(t-1) */
        double *pre = k->pre + s * G, *act = k->act + s * G;
        double *c = k->c + (s + 1) * H, *h = k->h + (s + 1) * H, *tc = k->tc + s * H;

        /* pre = U x(t) + b + W h(t-1), one row per gate unit */
        for (size_t r = 0; r < G; r++) {
            const double *u = w->wx + r * IN, *v = w->wh + r * H;
            double zx = 0.0, zh = 0.0;
            for (size_t k2 = 0; k2 < IN; k2++) zx += u[k2] * xt[k2];
            for (size_t k2 = 0; k2 < H; k2++) zh += v[k2] * hp[k2];
            pre[r] = zx + w->b[r] + zh;
        }
        cell(H, pre, cp, act, c, h, tc);
    }
}

// ----------------------------------------------------------------------------
// gradient backward (backpropagation through time)

/* One step back through the cell: from the gradient at h(t) (dht from above plus dhn
 * through the recurrence) and at c(t) (dcn) to the gate pre-activations (dpre, G);
 * dcn becomes the gradient at c(t-1). */
static void gate_grads(size_t H, const double *dht, const double *act, const double *cp,
                       const double *tc, const double *dhn, double *dcn, double *dpre)
{
    const double *gi = act + GATE_I * H, *gf = act + GATE_F * H;
    const double *go = act + GATE_O * H, *gg = act + GATE_G * H;
    for (size_t j = 0; j < H; j++) {
        double dh = dht[j] + dhn[j];
        /* h = o * tanh(c) */
        double dc = dcn[j] + dh * go[j] * (1.0 - tc[j] * tc[j]);
        double d_o = dh * tc[j];
        /* c = f * c(t-1) + i * g */
        double di = dc * gg[j], dg = dc * gi[j], df = dc * cp[j];
        dcn[j] = dc * gf[j];
        /* through the activations: sigm' = a (1 - a), tanh' = 1 - a^2 */
        dpre[GATE_I * H + j] = di * gi[j] * (1.0 - gi[j]);
        dpre[GATE_F * H + j] = df * gf[j] * (1.0 - gf[j]);
        dpre[GATE_O * H + j] = d_o * go[j] * (1.0 - go[j]);
        dpre[GATE_G * H + j] = dg * (1.0 - gg[j] * gg[j]);
    }
}

void lstm_backward(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
                   const lstm_cache *k, const double *dh_in, size_t lddh, double *dx, size_t lddx,
                   rnn_grads *g, double *scratch)
{
    const size_t IN = w->in, H = w->H, G = 4 * H;
    double *dpre = scratch;       /* (G) gradient at the gate pre-activations */
    double *dhn = dpre + G;       /* (H) gradient reaching h(t-1) through the recurrence */
    double *dcn = dhn + H;        /* (H) gradient reaching c(t-1) */
    memset(dhn, 0, 2 * H * sizeof(double));

    for (size_t s = T; s-- > 0;) {
        const size_t p = rnn_pos(reverse, T, s);
        const double *xt = x + p * ldx, *dht = dh_in + p * lddh;
        const double *hp = k->h + s * H, *cp = k->c + s * H;
        const double *act = k->act + s * G, *tc = k->tc + s * H;
        gate_grads(H, dht, act, cp, tc, dhn, dcn, dpre);
        /* pre = U x + b + W h(t-1): dx = U^T dpre, dh(t-1) = W^T dpre */
        double *dxt = dx + p * lddx;
        memset(dxt, 0, IN * sizeof(double));
        memset(dhn, 0, H * sizeof(double));
        for (size_t r = 0; r < G; r++) {
            const double *u = w->wx + r * IN, *v = w->wh + r * H;
            const double d = dpre[r];
            for (size_t k2 = 0; k2 < IN; k2++) dxt[k2] += u[k2] * d;
            for (size_t k2 = 0; k2 < H; k2++) dhn[k2] += v[k2] * d;
        }
        if (g) {
            for (size_t r = 0; r < G; r++) {
                double *gu = g->wx + r * IN, *gv = g->wh + r * H;
                const double d = dpre[r];
                for (size_t k2 = 0; k2 < IN; k2++) gu[k2] += d * xt[k2];
                for (size_t k2 = 0; k2 < H; k2++) gv[k2] += d * hp[k2];
                g->b[r] += d;
            }
        }
    }
}

// ----------------------------------------------------------------------------
// relevance backward (LRP)

double lstm_lrp(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
                const lstm_cache *k, const double *Rh_in, size_t ldrh, double eps, double delta,
                double *Rx, size_t ldrx, double *scratch)
{
    const size_t IN = w->in, H = w->H, G = 4 * H;
    double *Rc = scratch;        /* (H) relevance of c(t) */
    double *Rhn = Rc + H;        /* (H) relevance reaching h(t-1) */
    double *Rcn = Rhn + H;       /* (H) relevance reaching c(t-1) */
    double *Rg = Rcn + H;        /* (H) relevance of the cell candidate g */
    double *rc = Rg + H;         /* (H) ratios R / (z + eps sign z) of the cell sum */
    double *rg = rc + H;         /* (H) ratios of the g pre-activation */
    double *acc = rg + H;        /* (max(IN, H)) column sums W^T rg */
    memset(Rhn, 0, 2 * H * sizeof(double));

    const double *ug = w->wx + GATE_G * H * IN; /* (H, IN) rows of U_g */
    const double *wg = w->wh + GATE_G * H * H;  /* (H, H) rows of W_g */
    const double *bg = w->b + GATE_G * H;       /* (H) */

    for (size_t s = T; s-- > 0;) {
        const size_t p = rnn_pos(reverse, T, s);
        const double *xt = x + p * ldx, *Rht = Rh_in + p * ldrh;
        const double *hp = k->h + s * H, *cp = k->c + s * H, *c = k->c + (s + 1) * H;
        const double *pre = k->pre + s * G, *act = k->act + s * G;
        const double *gi = act + GATE_I * H, *gf = act + GATE_F * H, *gg = act + GATE_G * H;

        /* Forward: h(t) = o * tanh(c(t)). Gate * source: the source c(t) takes all of
         * R_h(t), the gate o none (sec. 2.2, multiplicative interactions). */
        for (size_t j = 0; j < H; j++) Rc[j] = Rcn[j] + Rht[j] + Rhn[j];

        /* Forward: c(t) = f * c(t-1) + i * g. As the reference code does, this sum is
         * an epsilon-rule layer with identity weights from all 2H entries of
         * [f * c(t-1); i * g] to c(t): N = 2H, so with delta = 1 the stabiliser share
         * eps sign(c_j) / 2H of every c(t)[j] goes to all 2H entries, not only to the
         * two that make c(t)[j]. Then each product is gate * source: c(t-1) takes the
         * relevance of f * c(t-1), and g that of i * g. */
        double share = lrp_eps_ratios(H, c, Rc, NULL, eps, delta, (double)(2 * H), rc);
        for (size_t j = 0; j < H; j++) {
            Rcn[j] = gf[j] * cp[j] * rc[j] + share;
            Rg[j] = gi[j] * gg[j] * rc[j] + share;
        }

        /* Forward: g = tanh(U_g x(t) + W_g h(t-1) + b_g). The activation passes
         * relevance unchanged; the epsilon rule acts on the pre-activation with its
         * N = IN + H inputs [x(t); h(t-1)]. */
        share = lrp_eps_ratios(H, pre + GATE_G * H, Rg, bg, eps, delta, (double)(IN + H), rg);
        memset(acc, 0, IN * sizeof(double));
        for (size_t j = 0; j < H; j++)
            for (size_t k2 = 0; k2 < IN; k2++) acc[k2] += ug[j * IN + k2] * rg[j];
        double *Rxt = Rx + p * ldrx;
        for (size_t k2 = 0; k2 < IN; k2++) Rxt[k2] = xt[k2] * acc[k2] + share;

        memset(acc, 0, H * sizeof(double));
        for (size_t j = 0; j < H; j++)
            for (size_t k2 = 0; k2 < H; k2++) acc[k2] += wg[j * H + k2] * rg[j];
        for (size_t k2 = 0; k2 < H; k2++) Rhn[k2] = hp[k2] * acc[k2] + share;
    }

    /* what reached h(0) and c(0) */
    double rest = 0.0;
    for (size_t j = 0; j < H; j++) rest += Rhn[j] + Rcn[j];
    return rest;
}
