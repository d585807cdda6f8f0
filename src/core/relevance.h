/*
 * relevance.h - the LRP rules of Arras et al. (2017), section 2.2, as the paper's
 * reference code applies them (github.com/ArrasL/LRP_for_LSTM, lrp_linear).
 *
 * Weighted connections z_j = sum_i z_i w_ij + b_j (epsilon rule, eq. in sec. 2.2):
 *
 *   R_i = sum_j  ( z_i w_ij + delta (b_j + eps sign(z_j)) / N ) / ( z_j + eps sign(z_j) )  R_j
 *
 * with sign(0) = +1 and N the number of lower-layer neurons z_j is connected to.
 * Departure from the printed equation, following the reference code: delta also
 * multiplies the stabiliser's share eps sign(z_j) / N, so with delta = 0 (LRP) the
 * numerator is z_i w_ij alone and the stabiliser's relevance is absorbed; with
 * delta = 1 (LRP_cons) bias and stabiliser are spread evenly and sum_i R_i = sum_j R_j.
 *
 * Because the bias/stabiliser share does not depend on i, every rule below is
 * computed as R_i = z_i * sum_j w_ij r_j + share, with r_j = R_j / (z_j + eps sign z_j)
 * and share = delta * sum_j (b_j + eps sign(z_j)) r_j / N.
 *
 * Multiplicative connections z_j = gate * source: the source takes all the
 * relevance, the gate none (R_g = 0, R_s = R_j). This rule needs no code: the
 * LSTM passes hand relevance straight to the source (lstm.c).
 */
#ifndef LRP_RELEVANCE_H
#define LRP_RELEVANCE_H

#include <stddef.h>

/* sign as the paper defines it: +1 for z >= 0, -1 otherwise. */
static inline double lrp_sign(double z) { return z >= 0.0 ? 1.0 : -1.0; }

/* For upper-layer neurons j = 0..n-1 with values z[j], incoming relevance R[j] and
 * biases b[j] (NULL: zero): writes r[j] = R[j] / (z[j] + eps sign z[j]) and returns
 * the shared term delta * sum_j (b[j] + eps sign z[j]) r[j] / N that every
 * lower-layer neuron connected to all of them receives. */
double lrp_eps_ratios(size_t n, const double *z, const double *R, const double *b, double eps,
                      double delta, double N, double *r);

#endif /* LRP_RELEVANCE_H */
