/*
 * real.h - the precision of this compilation of a fast-path file. Every file of src/fast
 * is compiled twice (CMakeLists.txt): with LRP_FAST_F32 defined it works in float32
 * and its names end in _f, without it in float64 with names ending in _d.
 *
 *   REAL     double or float
 *   S(name)  name##_d or name##_f
 *   VEC      the vector type of simd.h (vd, vf), VEC_W its width in REALs, and the
 *            matching simd.h functions VEC_LOAD, VEC_STORE, VEC_LOAD_N, VEC_STORE_N,
 *            VEC_SELECT, VEC_SET1, VEC_FMA, VEC_TANH, VEC_LSTM_GATES, VEC_SIGM2
 *   REAL_EXP the C library's exp or expf (scalar: the attention's softmax)
 *   COLS     columns of a register tile (FAST_COLS_D or _F): Hp, Gp, INp, Yp and Ap
 *            are multiples of it
 */
#ifndef LRP_FAST_REAL_H
#define LRP_FAST_REAL_H

#include "fast/fast.h"

#ifdef LRP_FAST_F32
#define REAL float
#define S(name) name##_f
#define VEC vf
#define VEC_W VF_W
#define VEC_LOAD vf_load
#define VEC_STORE vf_store
#define VEC_LOAD_N vf_load_n
#define VEC_STORE_N vf_store_n
#define VEC_SELECT vf_select
#define VEC_SET1 vf_set1
#define VEC_FMA vf_fma
#define VEC_TANH vf_tanh
#define VEC_LSTM_GATES vf_lstm_gates
#define VEC_SIGM2 vf_sigm2
#define REAL_EXP expf
#define COLS FAST_COLS_F
#else
#define REAL double
#define S(name) name##_d
#define VEC vd
#define VEC_W VD_W
#define VEC_LOAD vd_load
#define VEC_STORE vd_store
#define VEC_LOAD_N vd_load_n
#define VEC_STORE_N vd_store_n
#define VEC_SELECT vd_select
#define VEC_SET1 vd_set1
#define VEC_FMA vd_fma
#define VEC_TANH vd_tanh
#define VEC_LSTM_GATES vd_lstm_gates
#define VEC_SIGM2 vd_sigm2
#define REAL_EXP exp
#define COLS FAST_COLS_D
#endif

/* the largest of three sizes (of a pass's scratch layouts) */
static inline size_t max3(size_t a, size_t b, size_t c)
{
    const size_t ab = a > b ? a : b;
    return ab > c ? ab : c;
}

/* n rounded up to a whole number of register tiles */
static inline size_t round_up(size_t n) { return (n + COLS - 1) / COLS * COLS; }

/* Layouts of scratch memory: the next n REALs at offset *at of base (NULL when base is
 * NULL: the same function then only counts). A layout is one function of `take`s
 * that points a struct's fields and returns the REALs it took. */
static inline REAL *take(REAL *base, size_t *at, size_t n)
{
    REAL *r = base ? base + *at : NULL;
    *at += n;
    return r;
}

#endif /* LRP_FAST_REAL_H */
