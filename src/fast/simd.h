/*
 * simd.h - short vectors of doubles and floats for the batched kernels
 * (src/fast), written with the GCC/clang vector extensions so that one source
 * builds everywhere: 64-byte vectors with AVX-512, 32 bytes with AVX, 16 bytes
 * otherwise (SSE2, or plain scalar code on other targets: the compiler splits the
 * vectors). Fused multiply-add only where the target has it (__FMA__ or
 * __AVX512F__), else a multiply and an add.
 *
 * Every operation here acts on each lane alone, in the same order for every lane:
 * a lane's result never depends on what the other lanes hold. The batched kernels
 * rely on this for their bitwise reproducibility.
 *
 * exp, expm1, tanh, the LSTM gates (sigmoids and tanh) and the GRU's pair of sigmoids
 * are vector versions: range reduction by ln 2
 * (Cody-Waite), then a Taylor polynomial of expm1 on |r| <= ln2/2 (degree 14 for
 * double, 9 for float, evaluated by Estrin's scheme). They agree with the C library to a few ulp; they are
 * not bitwise equal to it, which is why the batched float64 path is tested
 * against the reference (lstm.c) with a tolerance, not for identity.
 */
#ifndef LRP_SIMD_H
#define LRP_SIMD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__AVX512F__) || defined(__FMA__)
#include <immintrin.h>
#endif

#if defined(__AVX512F__)
#define SIMD_BYTES 64
#elif defined(__AVX__)
#define SIMD_BYTES 32
#else
#define SIMD_BYTES 16
#endif

#define VD_W (SIMD_BYTES / 8) /* doubles per vector */
#define VF_W (SIMD_BYTES / 4) /* floats per vector */

typedef double vd __attribute__((vector_size(SIMD_BYTES)));
typedef int64_t vdi __attribute__((vector_size(SIMD_BYTES)));
typedef double vd_u __attribute__((vector_size(SIMD_BYTES), aligned(8), may_alias));
typedef float vf __attribute__((vector_size(SIMD_BYTES)));
typedef int32_t vfi __attribute__((vector_size(SIMD_BYTES)));
typedef float vf_u __attribute__((vector_size(SIMD_BYTES), aligned(4), may_alias));

/* Name of the vector code compiled in, for benchmarks. */
static inline const char *simd_name(void)
{
#if defined(__AVX512F__)
    return "AVX-512 (8 doubles, 16 floats), FMA";
#elif defined(__AVX__) && defined(__FMA__)
    return "AVX2 (4 doubles, 8 floats), FMA";
#elif defined(__AVX__)
    return "AVX (4 doubles, 8 floats), no FMA";
#else
    return "16-byte vectors (2 doubles, 4 floats), no FMA";
#endif
}

// ----------------------------------------------------------------------------
// double

static inline vd vd_load(const double *p) { return *(const vd_u *)p; }
static inline void vd_store(double *p, vd v) { *(vd_u *)p = v; }
/* the first n (< VD_W) values at p, the other lanes 0; and the first n lanes back to p
 * (nothing read or written past p + n) */
static inline vd vd_load_n(const double *p, size_t n)
{
#if defined(__AVX512F__)
    return (vd)_mm512_maskz_loadu_pd((__mmask8)((1u << n) - 1), p);
#else
    vd v = {0};
    memcpy(&v, p, n * sizeof *p);
    return v;
#endif
}
static inline void vd_store_n(double *p, vd v, size_t n)
{
#if defined(__AVX512F__)
    _mm512_mask_storeu_pd(p, (__mmask8)((1u << n) - 1), (__m512d)v);
#else
    memcpy(p, &v, n * sizeof *p);
#endif
}
/* every lane x (a plain broadcast: not 0 + x, which would cost an add and turn -0 into +0) */
static inline vd vd_set1(double x)
{
#if SIMD_BYTES == 64
    return (vd){x, x, x, x, x, x, x, x};
#elif SIMD_BYTES == 32
    return (vd){x, x, x, x};
#else
    return (vd){x, x};
#endif
}

/* a * b + c, fused where the target has FMA */
static inline vd vd_fma(vd a, vd b, vd c)
{
#if defined(__AVX512F__)
    return (vd)_mm512_fmadd_pd((__m512d)a, (__m512d)b, (__m512d)c);
#elif defined(__FMA__) && SIMD_BYTES == 32
    return (vd)_mm256_fmadd_pd((__m256d)a, (__m256d)b, (__m256d)c);
#else
    return a * b + c;
#endif
}

/* lanes of a where mask is set (all ones), else of b */
static inline vd vd_select(vdi mask, vd a, vd b) { return (vd)(((vdi)a & mask) | ((vdi)b & ~mask)); }
/* a < b ? a : b and a > b ? a : b lane by lane (one instruction with AVX-512) */
#if defined(__AVX512F__)
static inline vd vd_min(vd a, vd b) { return (vd)_mm512_min_pd((__m512d)a, (__m512d)b); }
static inline vd vd_max(vd a, vd b) { return (vd)_mm512_max_pd((__m512d)a, (__m512d)b); }
#else
static inline vd vd_min(vd a, vd b) { return vd_select(a < b, a, b); }
static inline vd vd_max(vd a, vd b) { return vd_select(a > b, a, b); }
#endif

/* 1 / x for 1 <= |x| < 2^1000 (the activations' denominators): with AVX-512 a 14-bit
 * estimate refined by two Newton steps (error a few ulp; a division costs as much as
 * ten of those operations), else a division. */
static inline vd vd_recip(vd x)
{
#if defined(__AVX512F__)
    vd y = (vd)_mm512_rcp14_pd((__m512d)x);
    y = vd_fma(y, vd_fma(-x, y, vd_set1(1.0)), y);
    return vd_fma(y, vd_fma(-x, y, vd_set1(1.0)), y);
#else
    return 1.0 / x;
#endif
}
static inline vd vd_abs(vd a) { return (vd)((vdi)a & INT64_MAX); }

/* expm1 of r, |r| <= ln2/2: Taylor to degree 14 (next term < 5e-18 relative),
 * r * P(r) with P evaluated by Estrin's scheme (the same operations as Horner's, but
 * a dependency chain of 5 steps instead of 13: these are latency-bound loops). */
static inline vd vd_expm1_small(vd r)
{
#define C_(k) vd_set1(1.0 / (k))
    vd r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    /* P(r) = sum_i r^i / (i+1)!, i = 0..13 */
    vd q0 = vd_fma(C_(2.0), r, C_(1.0)), q1 = vd_fma(C_(24.0), r, C_(6.0));
    vd q2 = vd_fma(C_(720.0), r, C_(120.0)), q3 = vd_fma(C_(40320.0), r, C_(5040.0));
    vd q4 = vd_fma(C_(3628800.0), r, C_(362880.0)), q5 = vd_fma(C_(479001600.0), r, C_(39916800.0));
    vd q6 = vd_fma(C_(87178291200.0), r, C_(6227020800.0));
    vd s0 = vd_fma(q1, r2, q0), s1 = vd_fma(q3, r2, q2), s2 = vd_fma(q5, r2, q4);
    vd t0 = vd_fma(s1, r4, s0), t1 = vd_fma(q6, r4, s2);
#undef C_
    return vd_fma(t1, r8, t0) * r;
}

/* x = k ln2 + r: returns r, sets *k (an integer). x must lie in [-708, 708]. */
static inline vd vd_reduce(vd x, vd *k)
{
    const double shifter = 0x1.8p52; /* adding it rounds to an integer in the low bits */
    vd t = vd_fma(x, vd_set1(0x1.71547652b82fep0), vd_set1(shifter)); /* x / ln2 + shifter */
    *k = t - shifter;
    vd r = x - *k * 0x1.62e42fee00000p-1; /* ln2 high part (fdlibm): k * hi is exact */
    return r - *k * 0x1.a39ef35793c76p-33; /* ln2 low part */
}

/* x 2^k for an integer k in [-1022, 1023] (exact: no rounding in that range) */
static inline vd vd_ldexp(vd x, vd k)
{
#if defined(__AVX512F__)
    return (vd)_mm512_scalef_pd((__m512d)x, (__m512d)k);
#else
    return x * (vd)(((vdi)(k + 0x1.8p52) - (vdi)vd_set1(0x1.8p52) + 1023) << 52);
#endif
}

static inline vd vd_exp(vd x)
{
    x = vd_max(vd_min(x, vd_set1(708.0)), vd_set1(-708.0));
    vd k, r = vd_reduce(x, &k);
    return vd_ldexp(vd_expm1_small(r) + 1.0, k);
}


/* tanh z = e / (e + 2) with e = expm1(2|z|), sign restored; |z| >= 20 gives +-1 */
static inline vd vd_tanh(vd z)
{
    vd a = vd_min(vd_abs(z), vd_set1(20.0));
    vd k, r = vd_reduce(a + a, &k), s = vd_ldexp(vd_set1(1.0), k);
    vd e = s * vd_expm1_small(r) + (s - 1.0);
    vd t = e * vd_recip(e + 2.0);
    return vd_select(z < 0, -t, t);
}

/* The four LSTM gates from their pre-activations: i, f, o = sigm, g = tanh, with
 * two reciprocals instead of four: 1/a and 1/b from q = 1/(a b) as b q and a q. The sigmoids' exp(-z) is capped at
 * exp(300) so that the products stay finite (sigm(z) for z < -300 is then e^-300
 * instead of smaller: an absolute error below 1e-130). */
static inline void vd_lstm_gates(vd zi, vd zf, vd zo, vd zg, vd *i, vd *f, vd *o, vd *g)
{
    const vd cap = vd_set1(300.0);
    vd di = 1.0 + vd_exp(vd_min(-zi, cap)), df = 1.0 + vd_exp(vd_min(-zf, cap));
    vd dO = 1.0 + vd_exp(vd_min(-zo, cap));
    vd a = vd_min(vd_abs(zg), vd_set1(20.0)), k, r = vd_reduce(a + a, &k), s = vd_ldexp(vd_set1(1.0), k);
    vd e = s * vd_expm1_small(r) + (s - 1.0), dg = e + 2.0; /* tanh |zg| = e / dg */
    vd q = vd_recip(di * df);
    *i = df * q;
    *f = di * q;
    q = vd_recip(dO * dg);
    *o = dg * q;
    vd t = e * (dO * q);
    *g = vd_select(zg < 0, -t, t);
}

/* Two sigmoids (the GRU's r and z gates) with one reciprocal, as vd_lstm_gates does:
 * 1/a and 1/b from q = 1/(a b); exp(-z) capped at exp(300) as there. */
static inline void vd_sigm2(vd za, vd zb, vd *a, vd *b)
{
    const vd cap = vd_set1(300.0);
    vd da = 1.0 + vd_exp(vd_min(-za, cap)), db = 1.0 + vd_exp(vd_min(-zb, cap));
    vd q = vd_recip(da * db);
    *a = db * q;
    *b = da * q;
}

// ----------------------------------------------------------------------------
// float

static inline vf vf_load(const float *p) { return *(const vf_u *)p; }
static inline void vf_store(float *p, vf v) { *(vf_u *)p = v; }
static inline vf vf_load_n(const float *p, size_t n)
{
#if defined(__AVX512F__)
    return (vf)_mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1), p);
#else
    vf v = {0};
    memcpy(&v, p, n * sizeof *p);
    return v;
#endif
}
static inline void vf_store_n(float *p, vf v, size_t n)
{
#if defined(__AVX512F__)
    _mm512_mask_storeu_ps(p, (__mmask16)((1u << n) - 1), (__m512)v);
#else
    memcpy(p, &v, n * sizeof *p);
#endif
}
static inline vf vf_set1(float x)
{
#if SIMD_BYTES == 64
    return (vf){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x};
#elif SIMD_BYTES == 32
    return (vf){x, x, x, x, x, x, x, x};
#else
    return (vf){x, x, x, x};
#endif
}

static inline vf vf_fma(vf a, vf b, vf c)
{
#if defined(__AVX512F__)
    return (vf)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c);
#elif defined(__FMA__) && SIMD_BYTES == 32
    return (vf)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
#else
    return a * b + c;
#endif
}

static inline vf vf_select(vfi mask, vf a, vf b) { return (vf)(((vfi)a & mask) | ((vfi)b & ~mask)); }
#if defined(__AVX512F__)
static inline vf vf_min(vf a, vf b) { return (vf)_mm512_min_ps((__m512)a, (__m512)b); }
static inline vf vf_max(vf a, vf b) { return (vf)_mm512_max_ps((__m512)a, (__m512)b); }
#else
static inline vf vf_min(vf a, vf b) { return vf_select(a < b, a, b); }
static inline vf vf_max(vf a, vf b) { return vf_select(a > b, a, b); }
#endif

/* as vd_recip: one Newton step on the 14-bit estimate */
static inline vf vf_recip(vf x)
{
#if defined(__AVX512F__)
    vf y = (vf)_mm512_rcp14_ps((__m512)x);
    return vf_fma(y, vf_fma(-x, y, vf_set1(1.0f)), y);
#else
    return 1.0f / x;
#endif
}
static inline vf vf_abs(vf a) { return (vf)((vfi)a & INT32_MAX); }

/* expm1 of r, |r| <= ln2/2: Taylor to degree 7 (the next term is below 1.4e-8 of
 * the result: under a fifth of float's unit in the last place), Estrin's scheme */
static inline vf vf_expm1_small(vf r)
{
#define C_(k) vf_set1(1.0f / (k))
    vf r2 = r * r, r4 = r2 * r2;
    vf q0 = vf_fma(C_(2.0f), r, C_(1.0f)), q1 = vf_fma(C_(24.0f), r, C_(6.0f));
    vf q2 = vf_fma(C_(720.0f), r, C_(120.0f));
    vf s0 = vf_fma(q1, r2, q0), s1 = vf_fma(C_(5040.0f), r2, q2);
#undef C_
    return vf_fma(s1, r4, s0) * r;
}

/* as vd_reduce, for x in [-87, 87] */
static inline vf vf_reduce(vf x, vf *k)
{
    const float shifter = 0x1.8p23f;
    vf t = vf_fma(x, vf_set1(0x1.715476p0f), vf_set1(shifter));
    *k = t - shifter;
    vf r = x - *k * 0x1.62e4p-1f;    /* ln2 high part, few bits: k * hi exact */
    return r - *k * 0x1.7f7d1cp-20f; /* ln2 low part */
}

/* x 2^k for an integer k in [-126, 127] */
static inline vf vf_ldexp(vf x, vf k)
{
#if defined(__AVX512F__)
    return (vf)_mm512_scalef_ps((__m512)x, (__m512)k);
#else
    return x * (vf)(((vfi)(k + 0x1.8p23f) - (vfi)vf_set1(0x1.8p23f) + 127) << 23);
#endif
}

static inline vf vf_exp(vf x)
{
    x = vf_max(vf_min(x, vf_set1(87.0f)), vf_set1(-87.0f));
    vf k, r = vf_reduce(x, &k);
    return vf_ldexp(vf_expm1_small(r) + 1.0f, k);
}


static inline vf vf_tanh(vf z)
{
    vf a = vf_min(vf_abs(z), vf_set1(10.0f));
    vf k, r = vf_reduce(a + a, &k), s = vf_ldexp(vf_set1(1.0f), k);
    vf e = s * vf_expm1_small(r) + (s - 1.0f);
    vf t = e * vf_recip(e + 2.0f);
    return vf_select(z < 0, -t, t);
}

/* as vd_lstm_gates; exp(-z) capped at exp(40) */
static inline void vf_lstm_gates(vf zi, vf zf, vf zo, vf zg, vf *i, vf *f, vf *o, vf *g)
{
    const vf cap = vf_set1(40.0f);
    vf di = 1.0f + vf_exp(vf_min(-zi, cap)), df = 1.0f + vf_exp(vf_min(-zf, cap));
    vf dO = 1.0f + vf_exp(vf_min(-zo, cap));
    vf a = vf_min(vf_abs(zg), vf_set1(10.0f)), k, r = vf_reduce(a + a, &k), s = vf_ldexp(vf_set1(1.0f), k);
    vf e = s * vf_expm1_small(r) + (s - 1.0f), dg = e + 2.0f;
    vf q = vf_recip(di * df);
    *i = df * q;
    *f = di * q;
    q = vf_recip(dO * dg);
    *o = dg * q;
    vf t = e * (dO * q);
    *g = vf_select(zg < 0, -t, t);
}

/* as vd_sigm2; exp(-z) capped at exp(40) */
static inline void vf_sigm2(vf za, vf zb, vf *a, vf *b)
{
    const vf cap = vf_set1(40.0f);
    vf da = 1.0f + vf_exp(vf_min(-za, cap)), db = 1.0f + vf_exp(vf_min(-zb, cap));
    vf q = vf_recip(da * db);
    *a = db * q;
    *b = da * q;
}

#endif /* LRP_SIMD_H */
