/*
 * numfmt.c - shortest round-trip decimal text of doubles and floats (numfmt.h).
 *
 * A finite v > 0 is c 2^q (c the integer significand, P = 53 or 24 bits). The decimals that
 * read back as v fill its rounding interval R = [v - 2^(q-1), v + 2^(q-1)], or
 * [v - 2^(q-2), v + 2^(q-1)] at the lower edge of a binade (c = 2^(P-1) above the subnormals),
 * with both ends in R when c is even (ties go to the even significand) and out when odd.
 * In units of 2^(q-2) the ends and v are the integers cbl = 4c - 2 (or 4c - 1), cbr = 4c + 2
 * and cb = 4c.
 *
 * Choose k = floor(log10 |R|), |R| = 2^q (or 3/4 2^q): 10^k <= |R| < 10^(k+1). Then
 * - R holds at least one of s 10^k <= v < t 10^k, t = s + 1 (they are 10^k apart);
 * - R holds at most one multiple of 10^(k+1); when it holds one it has the fewest significant
 *   digits of all (every other candidate is a non-multiple m of 10^k within 10 of it, so it
 *   has as many digits or more; as many only when the multiple is 10 10^k and m <= 9, which
 *   needs v < 10 10^k, so s < 10: that case is left to the next rule);
 * - otherwise all candidates in R are multiples of 10^k between two multiples of 10 10^k, of
 *   one length: the shortest closest is s or t, whichever is in R, the closer if both.
 * All comparisons are made on u = v 10^-k scaled by 4 (vb, vbl, vbr: 4v, 4 v_left, 4 v_right
 * times 10^-k), each known as floor(w) with the lowest bit set when w is not an integer
 * ("round to odd"), which keeps every comparison with a multiple of 2 exact.
 *
 * rop() gets that from g = floor(10^-k 2^-E) + 1 (app/numfmt_table.h): see
 * tools/gen_numfmt_table.py for why 126 bits of g are enough for every double and 64 for
 * every float.
 *
 * Size letters: c significand, q binary exponent, k decimal exponent of the grid, p = -k the
 * power of the table entry, f, e the result f 10^e (f without trailing zeros).
 */
#include "app/numfmt.h"

#include <string.h>

#include "app/numfmt_table.h"

// ----------------------------------------------------------------------------
// integer helpers

/* floor(n / 2^s) for negative n too (>> of a negative value is implementation-defined). */
static inline int64_t floor_shift(int64_t n, int s)
{
    return n >= 0 ? n >> s : -((-n - 1) >> s) - 1;
}

int numfmt_floor_log10_pow2(int q)
{
    return (int)floor_shift((int64_t)q * 661971961083, 41);
}

int numfmt_floor_log10_three_quarters_pow2(int q)
{
    return (int)floor_shift((int64_t)q * 661971961083 - 274743187321, 41);
}

int numfmt_floor_log2_pow10(int p)
{
    return (int)floor_shift((int64_t)p * 913124641741, 38);
}

/* The full product a b = *hi 2^64 + *lo. */
static inline void mul_64x64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
#if defined(__SIZEOF_INT128__)
    unsigned __int128 p = (unsigned __int128)a * b;
    *hi = (uint64_t)(p >> 64);
    *lo = (uint64_t)p;
#else
    uint64_t a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    *lo = (mid << 32) | (p00 & 0xffffffff);
#endif
}

int numfmt_pow10_min(void)
{
    return NUMFMT_P_MIN;
}

int numfmt_pow10_max(void)
{
    return NUMFMT_P_MAX;
}

void numfmt_pow10(int p, uint64_t *hi, uint64_t *lo, int *e)
{
    *hi = NUMFMT_POW10[p - NUMFMT_P_MIN][0];
    *lo = NUMFMT_POW10[p - NUMFMT_P_MIN][1];
    *e = numfmt_floor_log2_pow10(p) - 125;
}

// ----------------------------------------------------------------------------
// the shortest decimal: f 10^e

typedef struct decimal {
    uint64_t f; /* significand, no trailing zeros (17 digits at most) */
    int e;      /* decimal exponent of its last digit */
} decimal;

/* Round to odd for doubles: w = x g / 2^126 (x < 2^59) as floor(w), its lowest bit set when w
 * is not an integer. The product x g exceeds the exact one by less than x < 2^59, so the bits
 * below 2^59 are dropped: the sticky bit comes from bits 59..125 (2^-67 of w and up). */
static inline uint64_t rop_d(uint64_t g1, uint64_t g0, uint64_t x)
{
    uint64_t p0_hi, p0_lo, p1_hi, p1_lo;
    mul_64x64(x, g0, &p0_hi, &p0_lo);
    mul_64x64(x, g1, &p1_hi, &p1_lo);
    uint64_t w1 = p1_lo + p0_hi;        /* bits 64..127 of x g */
    uint64_t w2 = p1_hi + (w1 < p0_hi); /* bits 128.. */
    uint64_t sticky = (w1 & ((UINT64_C(1) << 62) - 1)) | p0_lo >> 59;
    return (w2 << 2 | w1 >> 62) | (sticky != 0);
}

/* The same for floats: w = x g / 2^64 (x < 2^30, g of 64 bits), the sticky bit from bits
 * 30..63 of x g (2^-34 of w and up). */
static inline uint64_t rop_f(uint64_t g, uint64_t x)
{
    uint64_t hi, lo;
    mul_64x64(x, g, &hi, &lo);
    return hi | (lo >> 30 != 0);
}

/* f 10^e without f's trailing zeros (16 at most: f < 10^17). */
static inline decimal strip_zeros(uint64_t f, int e)
{
    if (f % 10 != 0) return (decimal){f, e}; /* most of the time */
    if (f % 10000000000000000 == 0) f /= 10000000000000000, e += 16;
    if (f % 100000000 == 0) f /= 100000000, e += 8;
    if (f % 10000 == 0) f /= 10000, e += 4;
    if (f % 100 == 0) f /= 100, e += 2;
    if (f % 10 == 0) f /= 10, e += 1;
    return (decimal){f, e};
}

/* The choice among the candidates (file comment), from vb, vbl, vbr and whether R is open.
 * Written as selections rather than branches: which rule applies is a coin toss for random
 * input, and a mispredicted branch costs more than computing all three. */
static inline decimal choose(uint64_t vb, uint64_t vbl, uint64_t vbr, uint64_t open, int k)
{
    uint64_t s = vb >> 2, t = s + 1;
    /* both s and t in R: the closer; vb is 4u rounded to odd, 2(s + t) is 4u at the midpoint */
    uint64_t mid = 2 * (s + t);
    uint64_t f = vb < mid || (vb == mid && s % 2 == 0) ? s : t;
    int u_in = vbl + open <= s << 2, w_in = (t << 2) + open <= vbr;
    f = u_in == w_in ? f : u_in ? s : t;
    /* the multiple of 10 10^k in R, if any, has fewer digits (s >= 10: see the file comment) */
    uint64_t sp10 = 10 * (s / 10), tp10 = sp10 + 10;
    int up_in = vbl + open <= sp10 << 2, wp_in = (tp10 << 2) + open <= vbr;
    f = up_in == wp_in || s < 10 ? f : up_in ? sp10 : tp10;
    return strip_zeros(f, k);
}

/* v = c 2^q > 0, edge when c = 2^(P-1) above the subnormals; float: P = 24, else 53. */
static inline decimal shortest(uint64_t c, int q, int edge, int is_float)
{
    uint64_t cb = c << 2, cbr = cb + 2, cbl = edge ? cb - 1 : cb - 2;
    int k = edge ? numfmt_floor_log10_three_quarters_pow2(q) : numfmt_floor_log10_pow2(q);
    int h = q + numfmt_floor_log2_pow10(-k) + 1; /* 1..4 (tools/gen_numfmt_table.py) */
    const uint64_t *g = NUMFMT_POW10[-k - NUMFMT_P_MIN];
    if (is_float) {
        /* floor(10^-k 2^-(E+62)) + 1: the upper 64 bits of g - 1, plus one */
        uint64_t g_hi = g[0] - (g[1] == 0), g_lo = g[1] - 1;
        uint64_t g64 = (g_hi << 2 | g_lo >> 62) + 1;
        return choose(rop_f(g64, cb << h), rop_f(g64, cbl << h), rop_f(g64, cbr << h), c & 1, k);
    }
    return choose(rop_d(g[0], g[1], cb << h), rop_d(g[0], g[1], cbl << h),
                  rop_d(g[0], g[1], cbr << h), c & 1, k);
}

// ----------------------------------------------------------------------------
// spelling

static const char DIGIT_PAIRS[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                  "8081828384858687888990919293949596979899";

static const uint64_t POW10[20] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
                                   1000000000, 10000000000, 100000000000, 1000000000000,
                                   10000000000000, 100000000000000, 1000000000000000,
                                   10000000000000000, 100000000000000000, 1000000000000000000,
                                   10000000000000000000u};

/* The number of decimal digits of f > 0. */
static inline int count_digits(uint64_t f)
{
#if defined(__GNUC__)
    int bits = 64 - __builtin_clzll(f);
#else
    int bits = 0;
    for (uint64_t g = f; g; g >>= 1) bits++;
#endif
    int t = bits * 1233 >> 12; /* floor(log10 2^bits), the digits of f or one less */
    return t + (f >= POW10[t]);
}

/* The 8 digits of v < 10^8, leading zeros included, at p. */
static inline void write_8(char *p, uint32_t v)
{
    uint32_t a = v / 10000, b = v % 10000;
    memcpy(p, DIGIT_PAIRS + 2 * (a / 100), 2);
    memcpy(p + 2, DIGIT_PAIRS + 2 * (a % 100), 2);
    memcpy(p + 4, DIGIT_PAIRS + 2 * (b / 100), 2);
    memcpy(p + 6, DIGIT_PAIRS + 2 * (b % 100), 2);
}

/* The n digits of f (n = count_digits(f)) at p. */
static inline void write_digits(char *p, uint64_t f, int n)
{
    char *end = p + n;
    while (f >= 100000000) {
        end -= 8;
        write_8(end, (uint32_t)(f % 100000000));
        f /= 100000000;
    }
    uint32_t r = (uint32_t)f;
    while (r >= 100) {
        end -= 2;
        memcpy(end, DIGIT_PAIRS + 2 * (r % 100), 2);
        r /= 100;
    }
    if (r >= 10) memcpy(end - 2, DIGIT_PAIRS + 2 * r, 2);
    else end[-1] = (char)('0' + r);
}

/* f 10^e (f > 0, no trailing zeros), with sign, to out in %g's spelling (numfmt.h). Fixed-size
 * copies reach past the text's end: to out + 34 at most (the "-" and 17 digits, then 16). */
static size_t spell(char *out, int negative, decimal d)
{
    int n = count_digits(d.f);
    int x = d.e + n - 1; /* decimal exponent of the first digit */
    char *o = out + negative;
    out[0] = '-';
    if (x > -5 && x < 17) {
        if (d.e >= 0) { /* an integer: the digits, then e zeros (x < 17: 17 characters at most) */
            write_digits(o, d.f, n);
            memcpy(o + n, "0000000000000000", 16);
            return (size_t)(negative + x + 1);
        }
        if (x >= 0) { /* x + 1 digits, the point, the rest (16 at most) moved one further */
            write_digits(o, d.f, n);
            char tail[16];
            memcpy(tail, o + x + 1, 16);
            memcpy(o + x + 2, tail, 16);
            o[x + 1] = '.';
            return (size_t)(negative + n + 1);
        }
        /* "0.", -x - 1 zeros (3 at most), the digits */
        memcpy(o, "0.000", 5);
        write_digits(o + 1 - x, d.f, n);
        return (size_t)(negative + 1 - x + n);
    }
    /* d.ddde+XX: the digits one further, the first moved before the point */
    write_digits(o + 1, d.f, n);
    o[0] = o[1];
    o[1] = '.';
    o += n > 1 ? n + 1 : 1;
    *o++ = 'e';
    *o++ = x < 0 ? '-' : '+';
    unsigned ax = (unsigned)(x < 0 ? -x : x);
    if (ax >= 100) {
        *o++ = (char)('0' + ax / 100);
        ax %= 100;
    }
    memcpy(o, DIGIT_PAIRS + 2 * ax, 2);
    return (size_t)(o + 2 - out);
}

static size_t spell_special(char *out, int negative, int zero, int nan)
{
    const char *s = nan ? "nan" : zero ? (negative ? "-0" : "0") : (negative ? "-inf" : "inf");
    size_t n = strlen(s);
    memcpy(out, s, n);
    return n;
}

// ----------------------------------------------------------------------------
// the entry points

/* The number with IEEE 754 binary bits `bits`: M stored significand bits, W exponent bits. */
static inline size_t format_bits(char *buf, uint64_t bits, int M, int W)
{
    int negative = (int)(bits >> (M + W));
    int be_max = (1 << W) - 1;
    int be = (int)(bits >> M) & be_max;               /* biased exponent */
    uint64_t t = bits & ((UINT64_C(1) << M) - 1);     /* stored significand */
    int q_min = 1 - (be_max >> 1) - M;                /* -1074, -149 */
    int is_float = M == 23;
    if (be == be_max) return spell_special(buf, negative, 0, t != 0);
    if (be == 0 && t == 0) return spell_special(buf, negative, 1, 0);
    if (be == 0) return spell(buf, negative, shortest(t, q_min, 0, is_float));
    uint64_t c = t | UINT64_C(1) << M;
    int q = be - 1 + q_min;
    /* an integer below 2^(M+1) is its own shortest decimal (R is narrower than 1) */
    if (q < 0 && q > -M - 1 && (c & ((UINT64_C(1) << -q) - 1)) == 0)
        return spell(buf, negative, strip_zeros(c >> -q, 0));
    return spell(buf, negative, shortest(c, q, t == 0 && be > 1, is_float));
}

size_t numfmt_double(char buf[NUMFMT_MAX], double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return format_bits(buf, bits, 52, 11);
}

size_t numfmt_float(char buf[NUMFMT_MAX], float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    return format_bits(buf, bits, 23, 8);
}
