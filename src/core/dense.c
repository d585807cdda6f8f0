/*
 * dense.c - fully connected layers (dense.h), plain loops.
 */
#include "core/dense.h"

#include <math.h>
#include <string.h>

#include "core/relevance.h"

// ----------------------------------------------------------------------------
// forward

void dense_forward(const double *W, const double *b, size_t n_out, size_t n_in, size_t blocks,
                   const double *a, double *z)
{
    const size_t nb = n_in / blocks;
    for (size_t o = 0; o < n_out; o++) {
        const double *w = W + o * n_in;
        double acc = 0.0;
        for (size_t k = 0; k < blocks; k++) {
            double part = 0.0;
            for (size_t i = k * nb; i < (k + 1) * nb; i++) part += w[i] * a[i];
            acc += part;
        }
        z[o] = acc + (b ? b[o] : 0.0);
    }
}

void dense_activate(model_activation act, size_t n, const double *z, double *y)
{
    for (size_t i = 0; i < n; i++) y[i] = act == ACT_RELU ? (z[i] > 0.0 ? z[i] : 0.0) : tanh(z[i]);
}

// ----------------------------------------------------------------------------
// gradient backward

void dense_activate_backward(model_activation act, size_t n, const double *y, const double *dy,
                             double *dz)
{
    /* relu' = 1 where z > 0 (y > 0), tanh' = 1 - y^2 */
    for (size_t i = 0; i < n; i++) dz[i] = act == ACT_RELU ? (y[i] > 0.0 ? dy[i] : 0.0) : dy[i] * (1.0 - y[i] * y[i]);
}

void dense_backward(const double *W, size_t n_out, size_t n_in, const double *a, const double *dz,
                    double *da, double *gW, double *gb)
{
    memset(da, 0, n_in * sizeof(double));
    for (size_t o = 0; o < n_out; o++) {
        const double *w = W + o * n_in;
        for (size_t i = 0; i < n_in; i++) da[i] += w[i] * dz[o];
        if (gW)
            for (size_t i = 0; i < n_in; i++) gW[o * n_in + i] += dz[o] * a[i];
        if (gb) gb[o] += dz[o];
    }
}

// ----------------------------------------------------------------------------
// relevance backward (LRP)

void dense_lrp(const double *W, const double *b, size_t n_out, size_t n_in, const double *a,
               const double *z, const double *Rz, double eps, double delta, double *Ra,
               double *scratch)
{
    /* R_i = a_i sum_j w_ji r_j + delta sum_j (b_j + eps sign z_j) r_j / N */
    double *r = scratch; /* (n_out) */
    const double share = lrp_eps_ratios(n_out, z, Rz, b, eps, delta, (double)n_in, r);
    memset(Ra, 0, n_in * sizeof(double));
    for (size_t o = 0; o < n_out; o++) {
        const double *w = W + o * n_in;
        for (size_t i = 0; i < n_in; i++) Ra[i] += w[i] * r[o];
    }
    for (size_t i = 0; i < n_in; i++) Ra[i] = a[i] * Ra[i] + share;
}
