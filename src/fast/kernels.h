/*
 * kernels.h - the fast path's arithmetic shared by its layer files, for the
 * precision of real.h: the matrix kernels (a row vector times a matrix for many
 * sentences at once; sums of outer products for parameter gradients) and the vector
 * forms of the epsilon rule's loops. Static inline: each layer file gets its own
 * copy, inlined where it is hot.
 *
 * Every lane of every vector does the operations the scalar loop did for its index,
 * in the same order, so a sentence's results do not depend on the others (fast.h).
 */
#ifndef LRP_FAST_KERNELS_H
#define LRP_FAST_KERNELS_H

#include <string.h>

#include "core/model.h"
#include "fast/real.h"

// ----------------------------------------------------------------------------
// a row vector times a matrix, for many sentences at once

/* One register tile: columns [col, col + COLS) of out_j = v_j M for the nb
 * sentences j (M: K rows, row stride ldm). mode 0: out = v M; mode 1:
 * out = (out + add) + v M (add may be NULL). Each lane sums k = 0..K-1 in order,
 * starting from zero: its value does not depend on nb or on the other sentences. */
static inline __attribute__((always_inline)) void tile(size_t K, const REAL *M, size_t ldm,
                                                       size_t col, const int nb,
                                                       const REAL *const *v, REAL *const *out,
                                                       const REAL *add, int mode)
{
    VEC acc[FAST_NB][FAST_R];
    for (int j = 0; j < nb; j++)
        for (int i = 0; i < FAST_R; i++) acc[j][i] = VEC_SET1(0);
    const REAL *mk = M + col;
    for (size_t k = 0; k < K; k++, mk += ldm) {
        VEC w[FAST_R];
        for (int i = 0; i < FAST_R; i++) w[i] = VEC_LOAD(mk + i * VEC_W);
        for (int j = 0; j < nb; j++) {
            VEC x = VEC_SET1(v[j][k]);
            for (int i = 0; i < FAST_R; i++) acc[j][i] = VEC_FMA(w[i], x, acc[j][i]);
        }
    }
    for (int j = 0; j < nb; j++)
        for (int i = 0; i < FAST_R; i++) {
            REAL *o = out[j] + col + i * VEC_W;
            VEC r = acc[j][i];
            if (mode) {
                VEC base = VEC_LOAD(o);
                if (add) base = base + VEC_LOAD(add + col + i * VEC_W);
                r = base + r;
            }
            VEC_STORE(o, r);
        }
}

/* out_j[0..N) (=, or += as tile's mode) v_j[0..K) M for j < nb; N a multiple of
 * COLS. A tile of M's columns stays in L1 while every sentence passes over it. */
static inline void vecmat(size_t K, const REAL *M, size_t ldm, size_t N, size_t nb,
                          const REAL *const *v, REAL *const *out, const REAL *add, int mode)
{
    for (size_t col = 0; col < N; col += COLS)
        for (size_t b = 0; b < nb; b += FAST_NB) {
            size_t m = nb - b < FAST_NB ? nb - b : FAST_NB;
            const REAL *const *vb = v + b;
            REAL *const *ob = out + b;
            switch (m) {
#if FAST_NB >= 8
            case 8: tile(K, M, ldm, col, 8, vb, ob, add, mode); break;
            case 7: tile(K, M, ldm, col, 7, vb, ob, add, mode); break;
#endif
#if FAST_NB >= 6
            case 6: tile(K, M, ldm, col, 6, vb, ob, add, mode); break;
            case 5: tile(K, M, ldm, col, 5, vb, ob, add, mode); break;
#endif
            case 4: tile(K, M, ldm, col, 4, vb, ob, add, mode); break;
            case 3: tile(K, M, ldm, col, 3, vb, ob, add, mode); break;
            case 2: tile(K, M, ldm, col, 2, vb, ob, add, mode); break;
            default: tile(K, M, ldm, col, 1, vb, ob, add, mode); break;
            }
        }
}

// ----------------------------------------------------------------------------
// sums of outer products (parameter gradients, accumulated in float64)

/* VD_W values from p as float64 */
static inline vd load_vd(const REAL *p)
{
    if (sizeof(REAL) == sizeof(double)) return vd_load((const double *)(const void *)p); /* as they are */
    double t[VD_W];
    for (int k = 0; k < VD_W; k++) t[k] = (double)p[k];
    return vd_load(t);
}

/* Register blocks of outer_sum: RB gate rows x CV vectors of columns; RB * CV
 * accumulators, CV vectors of v and a broadcast: 21 of AVX-512's 32 registers. */
enum { OUTER_RB = 4, OUTER_CV = VD_W >= 8 ? 4 : 2, OUTER_CB = OUTER_CV * VD_W };

/* outer_sum's rows r0 .. r0 + rb - 1 (rb <= OUTER_RB, a constant where it is called) */
static inline __attribute__((always_inline)) void outer_rows(const S(fast_work) *w, size_t b0, size_t b1,
                                                             size_t r0, const size_t rb, size_t H,
                                                             size_t Hp, size_t ds, size_t n, double *out,
                                                             const REAL *const *v, ptrdiff_t vs)
{
    enum { RB = OUTER_RB, CV = OUTER_CV, CB = OUTER_CB };
    size_t rp[RB];
    for (size_t i = 0; i < rb; i++) rp[i] = (r0 + i) / H * Hp + (r0 + i) % H;
    for (size_t c0 = 0; c0 < n; c0 += CB) {
        const size_t nc = n - c0 < CB ? n - c0 : CB;
        /* whole vectors of out are loaded and stored as they are, the last part one
         * through a copy */
        vd acc[RB][CV];
        for (size_t i = 0; i < rb; i++)
            for (size_t k = 0; k < CV; k++) {
                const double *o = out + (r0 + i) * n + c0 + k * VD_W;
                if ((k + 1) * VD_W <= nc) {
                    acc[i][k] = vd_load(o);
                } else {
                    double t[VD_W] = {0};
                    if (k * VD_W < nc) memcpy(t, o, (nc - k * VD_W) * sizeof(double));
                    acc[i][k] = vd_load(t);
                }
            }
        for (size_t b = b0; b < b1; b++) {
            const REAL *d = w->pv[b], *vb = v[b] + c0;
            for (size_t s = 0; s < w->sent[b].T; s++, d += ds, vb += vs) {
                vd x[CV];
                for (size_t k = 0; k < CV; k++) x[k] = load_vd(vb + k * VD_W);
                for (size_t i = 0; i < rb; i++) {
                    const vd c = vd_set1((double)d[rp[i]]);
                    for (size_t k = 0; k < CV; k++) acc[i][k] = vd_fma(x[k], c, acc[i][k]);
                }
            }
        }
        for (size_t i = 0; i < rb; i++)
            for (size_t k = 0; k < CV; k++) {
                double *o = out + (r0 + i) * n + c0 + k * VD_W;
                if ((k + 1) * VD_W <= nc) {
                    vd_store(o, acc[i][k]);
                } else if (k * VD_W < nc) {
                    double t[VD_W];
                    vd_store(t, acc[i][k]);
                    memcpy(o, t, (nc - k * VD_W) * sizeof(double));
                }
            }
    }
}

/* out ((G, n), gate row r at r * n) += sum over the sentences b0 <= b < b1 (in order)
 * and their steps s (in processing order) of d_b(s) v_b(s)^T, where
 * d_b(s) = w->pv[b] + s * ds (gate row r packed at (r / H) * Hp + r % H) and
 * v_b(s) = v[b] + s * vs. A tile of OUTER_RB gate rows x OUTER_CB columns stays in
 * registers while the steps stream by (the last G mod OUTER_RB rows one at a time); each
 * sum runs in that fixed order (fused multiply-adds where the target has them). The last
 * tile of a row may read up to OUTER_CB - 1 values past v_b(s)'s n (inside the workspace)
 * into lanes that are never stored. */
static inline void outer_sum(const S(fast_work) *w, size_t b0, size_t b1, size_t G, size_t H,
                             size_t Hp, size_t ds, size_t n, double *out, const REAL *const *v,
                             ptrdiff_t vs)
{
    size_t r0 = 0;
    for (; r0 + OUTER_RB <= G; r0 += OUTER_RB) outer_rows(w, b0, b1, r0, OUTER_RB, H, Hp, ds, n, out, v, vs);
    for (; r0 < G; r0++) outer_rows(w, b0, b1, r0, 1, H, Hp, ds, n, out, v, vs);
}

/* out[r] += sum over the sentences b0 <= b < b1 (in order) and their steps s of
 * d_b(s)[rp(r)] for r < G (outer_sum's d_b(s) and packing): a bias's gradient. */
static inline void bias_sum(const S(fast_work) *w, size_t b0, size_t b1, size_t G, size_t H, size_t Hp,
                            size_t ds, double *out)
{
    for (size_t r = 0; r < G; r++) {
        const size_t rp = r / H * Hp + r % H;
        double acc = out[r];
        for (size_t b = b0; b < b1; b++)
            for (size_t s = 0; s < w->sent[b].T; s++) acc += (double)w->pv[b][s * ds + rp];
        out[r] = acc;
    }
}

// ----------------------------------------------------------------------------
// the epsilon rule's loops as vector loops

/* Vector loops over n values: whole vectors, then a part vector for the last
 * m = n mod VEC_W values (lanes past them read as 0, never stored). Every lane does
 * the operations the scalar loop did for its index, so the results are those bits. */
static inline VEC vload(const REAL *p, size_t m) { return m == VEC_W ? VEC_LOAD(p) : VEC_LOAD_N(p, m); }
static inline void vstore(REAL *p, VEC v, size_t m)
{
    if (m == VEC_W) VEC_STORE(p, v);
    else VEC_STORE_N(p, v, m);
}
#define FOR_VEC(j, m, n)                                                                           \
    for (size_t j = 0, m = (n) < VEC_W ? (n) : VEC_W; j < (n);                                     \
         j += VEC_W, m = (n) - j < VEC_W ? (n) - j : VEC_W)

/* z + (z >= 0 ? eps : -eps), lane by lane */
static inline VEC stabilised(VEC z, VEC eps) { return z + VEC_SELECT(z >= VEC_SET1(0), eps, -eps); }

/* lrp_eps_ratios (core/relevance.c) in this precision, same order; with delta = 0 the
 * shared term is zero and not summed. */
static inline REAL eps_ratios(size_t n, const REAL *restrict z, const REAL *restrict R,
                              const REAL *restrict b, REAL eps, REAL delta, REAL N,
                              REAL *restrict r)
{
    const VEC e = VEC_SET1(eps);
    FOR_VEC(j, m, n) vstore(r + j, vload(R + j, m) / stabilised(vload(z + j, m), e), m);
    if (delta == 0) return 0;
    REAL shared = 0;
    for (size_t j = 0; j < n; j++) shared += ((b ? b[j] : 0) + (z[j] >= 0 ? eps : -eps)) * r[j];
    return delta * shared / N;
}

/* eps_ratios for one neuron (the same operations, the same bits): r = R / (z + eps sign z)
 * and the share delta (b + eps sign z) r / N. */
static inline REAL eps_ratio1(REAL z, REAL R, REAL b, REAL eps, REAL delta, REAL N, REAL *r)
{
    const REAL s = z >= 0 ? eps : -eps;
    *r = R / (z + s);
    if (delta == 0) return 0;
    REAL shared = 0;
    shared += (b + s) * *r; /* as eps_ratios' sum: 0 + x, never -0 */
    return delta * shared / N;
}

/* out = a * b + c, elementwise (the input relevance of an epsilon-rule layer) */
static inline void mul_add(size_t n, const REAL *restrict a, const REAL *restrict b, REAL c,
                           REAL *restrict out)
{
    const VEC cv = VEC_SET1(c);
    FOR_VEC(k, m, n) vstore(out + k, vload(a + k, m) * vload(b + k, m) + cv, m);
}

/* out += a * b + c, elementwise (relevance collected from a second layer) */
static inline void add_mul_add(size_t n, const REAL *restrict a, const REAL *restrict b, REAL c,
                               REAL *restrict out)
{
    const VEC cv = VEC_SET1(c);
    FOR_VEC(k, m, n) vstore(out + k, vload(out + k, m) + (vload(a + k, m) * vload(b + k, m) + cv), m);
}

#endif /* LRP_FAST_KERNELS_H */
