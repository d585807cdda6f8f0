/*
 * head.c - the head over the top layer's states: forward, gradient and relevance
 * (head.h), plain loops.
 *
 * Sizes: T words, H hidden, D directions, Y = D*H values per position, A attention.
 */
#include "core/head.h"

#include <math.h>
#include <string.h>

#include "core/relevance.h"

size_t head_cache_size(const model_shape *s, size_t T)
{
    return s->pooling == POOL_ATTENTION ? T * s->A + T : 0;
}

void head_cache_init(head_cache *k, const model_shape *s, double *mem, size_t T)
{
    k->k = mem;
    k->alpha = s->pooling == POOL_ATTENTION ? mem + T * s->A : mem;
}

size_t head_scratch_size(const model_shape *s, size_t T) { return T + s->A; }

/* The first t with y(t)_j equal to the maximum u_j. */
static size_t first_max(size_t T, size_t Y, const double *y, size_t j, double uj)
{
    size_t t = 0;
    while (t + 1 < T && y[t * Y + j] != uj) t++;
    return t;
}

// ----------------------------------------------------------------------------
// forward

void head_forward(const lrp_model *m, size_t T, const double *y, double *u, head_cache *k)
{
    const model_shape *s = &m->shape;
    const size_t H = s->H, Y = s->D * H, A = s->A;
    switch (s->pooling) {
    case POOL_LAST: /* [h_fwd(T); h_bwd(1)] */
        memcpy(u, y + (T - 1) * Y, H * sizeof(double));
        if (s->D == 2) memcpy(u + H, y + H, H * sizeof(double));
        break;
    case POOL_MEAN:
        for (size_t j = 0; j < Y; j++) {
            double acc = 0.0;
            for (size_t t = 0; t < T; t++) acc += y[t * Y + j];
            u[j] = acc / (double)T;
        }
        break;
    case POOL_MAX:
        for (size_t j = 0; j < Y; j++) {
            double best = y[j];
            for (size_t t = 1; t < T; t++)
                if (y[t * Y + j] > best) best = y[t * Y + j];
            u[j] = best;
        }
        break;
    case POOL_ATTENTION: {
        /* k(t) = tanh(W hcat(t) + b), e_t = v . k(t) */
        double *e = k->alpha, emax = -INFINITY;
        for (size_t t = 0; t < T; t++) {
            double *kt = k->k + t * A, et = 0.0;
            for (size_t a = 0; a < A; a++) {
                const double *wa = m->att_w + a * Y;
                double z = 0.0;
                for (size_t j = 0; j < Y; j++) z += wa[j] * y[t * Y + j];
                kt[a] = tanh(z + m->att_b[a]);
                et += m->att_v[a] * kt[a];
            }
            e[t] = et;
            if (et > emax) emax = et;
        }
        /* alpha = softmax(e) */
        double sum = 0.0;
        for (size_t t = 0; t < T; t++) sum += (e[t] = exp(e[t] - emax));
        for (size_t t = 0; t < T; t++) e[t] /= sum;
        for (size_t j = 0; j < Y; j++) {
            double acc = 0.0;
            for (size_t t = 0; t < T; t++) acc += k->alpha[t] * y[t * Y + j];
            u[j] = acc;
        }
        break;
    }
    }
}

// ----------------------------------------------------------------------------
// gradient backward

void head_backward(const lrp_model *m, size_t T, const double *y, const head_cache *k,
                   const double *du, double *dy, double *grad, double *scratch)
{
    const model_shape *s = &m->shape;
    const size_t H = s->H, Y = s->D * H, A = s->A;
    memset(dy, 0, T * Y * sizeof(double));
    switch (s->pooling) {
    case POOL_LAST:
        memcpy(dy + (T - 1) * Y, du, H * sizeof(double));
        if (s->D == 2) memcpy(dy + H, du + H, H * sizeof(double));
        break;
    case POOL_MEAN:
        for (size_t t = 0; t < T; t++)
            for (size_t j = 0; j < Y; j++) dy[t * Y + j] = du[j] / (double)T;
        break;
    case POOL_MAX: {
        double u;
        for (size_t j = 0; j < Y; j++) {
            u = y[j];
            for (size_t t = 1; t < T; t++)
                if (y[t * Y + j] > u) u = y[t * Y + j];
            dy[first_max(T, Y, y, j, u) * Y + j] = du[j];
        }
        break;
    }
    case POOL_ATTENTION: {
        /* u = sum_t alpha_t hcat(t): d hcat(t) = alpha_t du, d alpha_t = du . hcat(t) */
        const double *alpha = k->alpha;
        double *de = scratch, *dk = scratch + T, dot = 0.0;
        for (size_t t = 0; t < T; t++) {
            double g = 0.0;
            for (size_t j = 0; j < Y; j++) {
                dy[t * Y + j] = alpha[t] * du[j];
                g += du[j] * y[t * Y + j];
            }
            de[t] = g;
            dot += alpha[t] * g;
        }
        /* alpha = softmax(e): d e_t = alpha_t (d alpha_t - sum_s alpha_s d alpha_s) */
        for (size_t t = 0; t < T; t++) de[t] = alpha[t] * (de[t] - dot);
        const param_layout *L = &m->layout;
        for (size_t t = 0; t < T; t++) {
            const double *kt = k->k + t * A;
            /* e_t = v . k(t), k(t) = tanh(pre): d pre = de_t v (1 - k^2) */
            for (size_t a = 0; a < A; a++) dk[a] = de[t] * m->att_v[a] * (1.0 - kt[a] * kt[a]);
            for (size_t a = 0; a < A; a++) {
                const double *wa = m->att_w + a * Y;
                for (size_t j = 0; j < Y; j++) dy[t * Y + j] += wa[j] * dk[a];
            }
            if (grad) {
                for (size_t a = 0; a < A; a++) {
                    for (size_t j = 0; j < Y; j++) grad[L->att_w + a * Y + j] += dk[a] * y[t * Y + j];
                    grad[L->att_b + a] += dk[a];
                    grad[L->att_v + a] += de[t] * kt[a];
                }
            }
        }
        break;
    }
    }
}

// ----------------------------------------------------------------------------
// relevance backward (LRP)

void head_lrp(const lrp_model *m, size_t T, const double *y, const double *u, const head_cache *k,
              const double *Ru, double eps, double delta, double *Ry)
{
    const model_shape *s = &m->shape;
    const size_t H = s->H, Y = s->D * H;
    memset(Ry, 0, T * Y * sizeof(double));
    switch (s->pooling) {
    case POOL_LAST: /* the states it copies take all */
        memcpy(Ry + (T - 1) * Y, Ru, H * sizeof(double));
        if (s->D == 2) memcpy(Ry + H, Ru + H, H * sizeof(double));
        break;
    case POOL_MAX: /* all to the first maximum */
        for (size_t j = 0; j < Y; j++) Ry[first_max(T, Y, y, j, u[j]) * Y + j] = Ru[j];
        break;
    case POOL_MEAN:
    case POOL_ATTENTION:
        /* u_j = sum_t w_t hcat(t)_j, w_t = 1/T or alpha_t (held constant): the epsilon
         * rule over the T inputs of u_j, no bias, N = T */
        for (size_t j = 0; j < Y; j++) {
            double r;
            const double share = lrp_eps_ratios(1, &u[j], &Ru[j], NULL, eps, delta, (double)T, &r);
            for (size_t t = 0; t < T; t++) {
                const double wt = s->pooling == POOL_MEAN ? 1.0 / (double)T : k->alpha[t];
                Ry[t * Y + j] = wt * y[t * Y + j] * r + share;
            }
        }
        break;
    }
}
