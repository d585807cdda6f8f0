/*
 * words.c - word relevance from the relevance or gradient at the first layer's input
 * (paper, sec. 4): the one place where it is computed, for the fast path in both
 * precisions and for the reference path (core/explain.c, float64).
 *
 * LRP: the relevance vector of word t's embedding summed over the embedding
 * dimensions; the two encoders' parts add up exactly (relevance = fwd + bwd). SA: the
 * squared norm of the whole gradient (not the sum of the encoders' squared norms);
 * fwd and bwd are those of each encoder's part of the gradient. GI: gradient . x; IG
 * the same with the gradient averaged over the path.
 * Every sum in float64, in the order q = 0..E-1.
 */
#include "fast/real.h"

/* out[t] = sum of row t of a (T, E) array, each in the order q = 0..E-1; four rows
 * at a time, so that four independent chains of additions run side by side. */
static void row_sums(const REAL *a, size_t T, size_t E, double *out)
{
    size_t t = 0;
    for (; t + 4 <= T; t += 4) {
        const REAL *r = a + t * E;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (size_t q = 0; q < E; q++) {
            s0 += (double)r[q];
            s1 += (double)r[E + q];
            s2 += (double)r[2 * E + q];
            s3 += (double)r[3 * E + q];
        }
        out[t] = s0;
        out[t + 1] = s1;
        out[t + 2] = s2;
        out[t + 3] = s3;
    }
    for (; t < T; t++) {
        double acc = 0.0;
        for (size_t q = 0; q < E; q++) acc += (double)a[t * E + q];
        out[t] = acc;
    }
}

void S(fast_words)(lrp_method method, size_t T, size_t E, size_t D, const REAL *const gx[2],
                   const REAL *x, double *rel, double *rel_fwd, double *rel_bwd)
{
    if (method == LRP_METHOD_LRP || method == LRP_METHOD_LRP_CONS) {
        /* each encoder's row sums, then their sum */
        row_sums(gx[0], T, E, rel_fwd);
        if (D == 2) row_sums(gx[1], T, E, rel_bwd);
        for (size_t t = 0; t < T; t++) rel[t] = rel_fwd[t] + (D == 2 ? rel_bwd[t] : 0.0);
        return;
    }
    for (size_t t = 0; t < T; t++) {
        const REAL *gf = gx[0] + t * E, *gb = D == 2 ? gx[1] + t * E : NULL, *xt = x + t * E;
        double tot = 0.0, fwd = 0.0, bwd = 0.0;
        for (size_t q = 0; q < E; q++) {
            double f = (double)gf[q], g = D == 2 ? f + (double)gb[q] : f;
            if (method == LRP_METHOD_SA) {
                tot += g * g; /* ||d f_c / d x_t||^2 */
                fwd += f * f;
                if (D == 2) bwd += (double)gb[q] * (double)gb[q];
            } else { /* GI, IG */
                fwd += f * (double)xt[q]; /* d f_c / d x_t . x_t */
                if (D == 2) bwd += (double)gb[q] * (double)xt[q];
            }
        }
        if (method != LRP_METHOD_SA) tot = fwd + bwd;
        rel[t] = tot;
        rel_fwd[t] = fwd;
        if (D == 2) rel_bwd[t] = bwd;
    }
}
