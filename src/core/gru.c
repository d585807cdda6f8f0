/*
 * gru.c - one GRU direction: forward, gradient backward and relevance backward, side
 * by side so that each can be read against the same forward equations (gru.h). Plain
 * loops: the float64 reference that the fast path (fast/gru.c) is checked against.
 *
 * Sizes: T words, IN inputs, H hidden units, G = 3H gate rows (order r, z, n).
 */
#include "core/gru.h"

#include <math.h>
#include <string.h>

#include "core/relevance.h"

static inline double sigm(double z) { return 1.0 / (1.0 + exp(-z)); }

size_t gru_cache_size(size_t T, size_t H)
{
    const size_t G = 3 * H;
    return 3 * T * G + T * H + (T + 1) * H;
}

void gru_cache_init(gru_cache *k, double *mem, size_t T, size_t H)
{
    const size_t G = 3 * H;
    k->px = mem;
    k->ph = k->px + T * G;
    k->act = k->ph + T * G;
    k->a = k->act + T * G;
    k->h = k->a + T * H;
    memset(k->h, 0, H * sizeof(double)); /* h(0) = 0 */
}

/* the backward pass takes 2G + 2H = 8H, the relevance pass 7H + max(IN, H) */
size_t gru_scratch_size(size_t in, size_t H) { return 8 * H + (in > H ? in : H); }

// ----------------------------------------------------------------------------
// forward

void gru_forward(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
                 gru_cache *k)
{
    const size_t IN = w->in, H = w->H, G = 3 * H;
    for (size_t s = 0; s < T; s++) {
        const double *xt = x + rnn_pos(reverse, T, s) * ldx; /* (IN) */
        const double *hp = k->h + s * H;                      /* h(t-1) */
        double *px = k->px + s * G, *ph = k->ph + s * G, *act = k->act + s * G;
        double *a = k->a + s * H, *h = k->h + (s + 1) * H;

        /* px = Wx x(t) + bx, ph = Wh h(t-1) + bh, one row per gate unit */
        for (size_t r = 0; r < G; r++) {
            const double *u = w->wx + r * IN, *v = w->wh + r * H;
            double zx = 0.0, zh = 0.0;
            for (size_t q = 0; q < IN; q++) zx += u[q] * xt[q];
            for (size_t q = 0; q < H; q++) zh += v[q] * hp[q];
            px[r] = zx + w->b[r];
            ph[r] = zh + w->bh[r];
        }
        double *gr = act + GRU_R * H, *gz = act + GRU_Z * H, *gn = act + GRU_N * H;
        for (size_t j = 0; j < H; j++) {
            gr[j] = sigm(px[GRU_R * H + j] + ph[GRU_R * H + j]);
            gz[j] = sigm(px[GRU_Z * H + j] + ph[GRU_Z * H + j]);
            a[j] = px[GRU_N * H + j] + gr[j] * ph[GRU_N * H + j]; /* a = Wx_n x + bx_n + r * s */
            gn[j] = tanh(a[j]);
            h[j] = gz[j] * hp[j] + (1.0 - gz[j]) * gn[j];          /* h = z h(t-1) + (1 - z) n */
        }
    }
}

// ----------------------------------------------------------------------------
// gradient backward (backpropagation through time)

void gru_backward(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
                  const gru_cache *k, const double *dh_in, size_t lddh, double *dx, size_t lddx,
                  rnn_grads *g, double *scratch)
{
    const size_t IN = w->in, H = w->H, G = 3 * H;
    double *dpx = scratch;  /* (G) gradient at px: r, z pre-activations and a */
    double *dph = dpx + G;  /* (G) gradient at ph: r, z pre-activations and s */
    double *dhn = dph + G;  /* (H) gradient reaching h(t-1) */
    double *dhz = dhn + H;  /* (H) its part through z * h(t-1) */
    memset(dhn, 0, H * sizeof(double));

    for (size_t s = T; s-- > 0;) {
        const size_t p = rnn_pos(reverse, T, s);
        const double *xt = x + p * ldx, *dht = dh_in + p * lddh;
        const double *hp = k->h + s * H, *ph = k->ph + s * G, *act = k->act + s * G;
        const double *gr = act + GRU_R * H, *gz = act + GRU_Z * H, *gn = act + GRU_N * H;
        for (size_t j = 0; j < H; j++) {
            double dh = dht[j] + dhn[j];
            /* h = z h(t-1) + (1 - z) n */
            double dz = dh * (hp[j] - gn[j]), dn = dh * (1.0 - gz[j]);
            dhz[j] = dh * gz[j];
            /* n = tanh(a), a = px_n + r * s */
            double da = dn * (1.0 - gn[j] * gn[j]);
            double dr = da * ph[GRU_N * H + j];
            /* through the sigmoids: sigm' = a (1 - a) */
            double dzr = dr * gr[j] * (1.0 - gr[j]), dzz = dz * gz[j] * (1.0 - gz[j]);
            dpx[GRU_R * H + j] = dzr;
            dpx[GRU_Z * H + j] = dzz;
            dpx[GRU_N * H + j] = da;
            dph[GRU_R * H + j] = dzr;
            dph[GRU_Z * H + j] = dzz;
            dph[GRU_N * H + j] = da * gr[j]; /* d s */
        }
        /* px = Wx x + bx: dx = Wx^T dpx; ph = Wh h(t-1) + bh: dh(t-1) = Wh^T dph + dhz */
        double *dxt = dx + p * lddx;
        memset(dxt, 0, IN * sizeof(double));
        memcpy(dhn, dhz, H * sizeof(double));
        for (size_t r = 0; r < G; r++) {
            const double *u = w->wx + r * IN, *v = w->wh + r * H;
            for (size_t q = 0; q < IN; q++) dxt[q] += u[q] * dpx[r];
            for (size_t q = 0; q < H; q++) dhn[q] += v[q] * dph[r];
        }
        if (g) {
            for (size_t r = 0; r < G; r++) {
                double *gu = g->wx + r * IN, *gv = g->wh + r * H;
                for (size_t q = 0; q < IN; q++) gu[q] += dpx[r] * xt[q];
                for (size_t q = 0; q < H; q++) gv[q] += dph[r] * hp[q];
                g->b[r] += dpx[r];
                g->bh[r] += dph[r];
            }
        }
    }
}

// ----------------------------------------------------------------------------
// relevance backward (LRP)

double gru_lrp(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
               const gru_cache *k, const double *Rh_in, size_t ldrh, double eps, double delta,
               double *Rx, size_t ldrx, double *scratch)
{
    const size_t IN = w->in, H = w->H, G = 3 * H;
    double *Rh = scratch;   /* (H) relevance of h(t) */
    double *Rhn = Rh + H;   /* (H) relevance reaching h(t-1) */
    double *Rn = Rhn + H;   /* (H) relevance of n, then of a */
    double *rh = Rn + H;    /* (H) ratios of the sum h(t) */
    double *ra = rh + H;    /* (H) ratios of a */
    double *rra = ra + H;   /* (H) r * ratios of a: the recurrent weights' factor */
    double *b = rra + H;    /* (H) bias of a: bx_n + r * bh_n */
    double *acc = b + H;    /* (max(IN, H)) column sums */
    memset(Rhn, 0, H * sizeof(double));

    const double *uxn = w->wx + GRU_N * H * IN; /* (H, IN) rows of Wx_n */
    const double *whn = w->wh + GRU_N * H * H;  /* (H, H) rows of Wh_n */

    for (size_t s = T; s-- > 0;) {
        const size_t p = rnn_pos(reverse, T, s);
        const double *xt = x + p * ldx, *Rht = Rh_in + p * ldrh;
        const double *hp = k->h + s * H, *h = k->h + (s + 1) * H, *a = k->a + s * H;
        const double *act = k->act + s * G;
        const double *gr = act + GRU_R * H, *gz = act + GRU_Z * H, *gn = act + GRU_N * H;

        /* relevance of h(t): from above and through the recurrence */
        for (size_t j = 0; j < H; j++) Rh[j] = Rht[j] + Rhn[j];

        /* Forward: h(t) = z * h(t-1) + (1 - z) * n, an identity layer over the 2H
         * entries [z * h(t-1); (1 - z) * n] (N = 2H, no bias), as the LSTM's cell sum.
         * z * h(t-1) gives all its relevance to h(t-1), (1 - z) * n all to n. */
        double share = lrp_eps_ratios(H, h, Rh, NULL, eps, delta, (double)(2 * H), rh);
        for (size_t j = 0; j < H; j++) {
            Rhn[j] = gz[j] * hp[j] * rh[j] + share;
            Rn[j] = (1.0 - gz[j]) * gn[j] * rh[j] + share;
        }

        /* Forward: n = tanh(a), a = Wx_n x(t) + (r * Wh_n) h(t-1) + (bx_n + r * bh_n).
         * The activation passes relevance unchanged; the epsilon rule acts on a with its
         * N = IN + H inputs [x(t); h(t-1)], r folded into the recurrent weights. */
        for (size_t j = 0; j < H; j++) b[j] = w->b[GRU_N * H + j] + gr[j] * w->bh[GRU_N * H + j];
        share = lrp_eps_ratios(H, a, Rn, b, eps, delta, (double)(IN + H), ra);
        memset(acc, 0, IN * sizeof(double));
        for (size_t j = 0; j < H; j++)
            for (size_t q = 0; q < IN; q++) acc[q] += uxn[j * IN + q] * ra[j];
        double *Rxt = Rx + p * ldrx;
        for (size_t q = 0; q < IN; q++) Rxt[q] = xt[q] * acc[q] + share;

        for (size_t j = 0; j < H; j++) rra[j] = gr[j] * ra[j];
        memset(acc, 0, H * sizeof(double));
        for (size_t j = 0; j < H; j++)
            for (size_t q = 0; q < H; q++) acc[q] += whn[j * H + q] * rra[j];
        /* h(t-1) collects both parts */
        for (size_t q = 0; q < H; q++) Rhn[q] += hp[q] * acc[q] + share;
    }

    /* what reached h(0) */
    double rest = 0.0;
    for (size_t j = 0; j < H; j++) rest += Rhn[j];
    return rest;
}
