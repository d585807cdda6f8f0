/*
 * dense.c - fully connected layers for one sentence (dense.h): the passes of
 * core/dense.c in the same order. Plain loops: a sentence's dense layers and
 * classifier cost about as much as one word of a recurrent layer.
 */
#include "fast/dense.h"

#include <string.h>

#include "fast/kernels.h"

// ----------------------------------------------------------------------------
// forward

void S(fast_dense_forward)(const REAL *W, const REAL *b, size_t n_out, size_t n_in, size_t blocks,
                           const REAL *a, REAL *z)
{
    const size_t nb = n_in / blocks;
    for (size_t o = 0; o < n_out; o++) {
        const REAL *wo = W + o * n_in;
        REAL acc = 0;
        for (size_t k = 0; k < blocks; k++) {
            REAL part = 0;
            for (size_t i = k * nb; i < (k + 1) * nb; i++) part += wo[i] * a[i];
            acc += part;
        }
        z[o] = acc + (b ? b[o] : 0);
    }
}

void S(fast_dense_activate)(model_activation act, size_t n, const REAL *z, REAL *y)
{
    const VEC zero = VEC_SET1(0);
    FOR_VEC(i, m, n) {
        const VEC v = vload(z + i, m);
        vstore(y + i, act == ACT_RELU ? VEC_SELECT(v > zero, v, zero) : VEC_TANH(v), m);
    }
}

// ----------------------------------------------------------------------------
// gradient backward

void S(fast_dense_activate_backward)(model_activation act, size_t n, const REAL *y, const REAL *dy,
                                     REAL *dz)
{
    /* relu' = 1 where z > 0 (y > 0), tanh' = 1 - y^2 */
    for (size_t i = 0; i < n; i++) dz[i] = act == ACT_RELU ? (y[i] > 0 ? dy[i] : 0) : dy[i] * (1 - y[i] * y[i]);
}

void S(fast_dense_backward)(const REAL *W, size_t n_out, size_t n_in, const REAL *a, const REAL *dz,
                            REAL *da, double *gW, double *gb)
{
    for (size_t i = 0; i < n_in; i++) {
        REAL acc = 0;
        for (size_t o = 0; o < n_out; o++) acc += dz[o] * W[o * n_in + i];
        da[i] = acc; /* exactly row o of W for a one-hot dz */
    }
    if (gW)
        for (size_t o = 0; o < n_out; o++) {
            for (size_t i = 0; i < n_in; i++) gW[o * n_in + i] += (double)dz[o] * (double)a[i];
            if (gb) gb[o] += (double)dz[o];
        }
}

// ----------------------------------------------------------------------------
// relevance backward (LRP)

void S(fast_dense_lrp)(const REAL *W, const REAL *b, size_t n_out, size_t n_in, const REAL *a,
                       const REAL *z, const REAL *Rz, REAL eps, REAL delta, REAL *Ra, REAL *r)
{
    /* R_i = a_i sum_j w_ji r_j + delta sum_j (b_j + eps sign z_j) r_j / N */
    const REAL share = eps_ratios(n_out, z, Rz, b, eps, delta, (REAL)n_in, r);
    memset(Ra, 0, n_in * sizeof(REAL));
    for (size_t o = 0; o < n_out; o++) {
        const REAL *wo = W + o * n_in;
        for (size_t i = 0; i < n_in; i++) Ra[i] += wo[i] * r[o];
    }
    for (size_t i = 0; i < n_in; i++) Ra[i] = a[i] * Ra[i] + share;
}

void S(fast_dense_lrp_one)(const REAL *W, const REAL *b, size_t n_in, const REAL *a, size_t c, REAL zc,
                           REAL eps, REAL delta, REAL *Ra)
{
    const REAL *wc = W + c * n_in;
    REAL r;
    const REAL share = eps_ratio1(zc, zc, b ? b[c] : 0, eps, delta, (REAL)n_in, &r);
    for (size_t i = 0; i < n_in; i++) Ra[i] = a[i] * wc[i] * r + share;
}
