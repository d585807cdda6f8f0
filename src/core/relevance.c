/*
 * relevance.c - the epsilon rule's per-neuron ratios and shared term (relevance.h).
 */
#include "core/relevance.h"

double lrp_eps_ratios(size_t n, const double *z, const double *R, const double *b, double eps,
                      double delta, double N, double *r)
{
    double shared = 0.0;
    for (size_t j = 0; j < n; j++) {
        double s = eps * lrp_sign(z[j]);
        r[j] = R[j] / (z[j] + s);
        shared += ((b ? b[j] : 0.0) + s) * r[j];
    }
    return delta * shared / N;
}
