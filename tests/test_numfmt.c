/*
 * test_numfmt.c - shortest round-trip formatting (app/numfmt.h).
 *
 * The table: every power of ten of app/numfmt_table.h and the floor(log) formulas against
 * exact big-integer arithmetic written here.
 *
 * Each number v (doubles and floats) is checked for
 *   spelling    %g's rule (numfmt.h): plain when -5 < X < 17, else d.ddde+XX, no trailing zeros;
 *   round trip  strtod (strtof) of the text gives v's bits, -0 and subnormals included;
 *   %.17g       strtod of "%.17g" (floats: strtof of "%.9g") gives the same number;
 *   shortest    with n significant digits, neither (n-1)-digit decimal next to the text
 *               reads back as v;
 *   closest     the text is the nearest n-digit decimal to v (printf's "%.*e", exact in
 *               glibc), or, when that one does not read back, its neighbour.
 * over families: uniform random bit patterns (every exponent), subnormals (the 10000
 * smallest and random ones), powers of ten and their neighbours, the largest and smallest
 * values, integers near 2^53 (2^24), the edge of every binade, the decimals m 10^j that lie
 * exactly halfway between two doubles (the shortest text of the even neighbour is one end of
 * its rounding interval), and relevance-like values (normal, scaled by 10^-4 .. 10).
 *
 * Counts: 1,000,000 random doubles and 500,000 random floats besides the families; a tenth
 * of them under the sanitizers or an emulator (tu_slow_build). `test_numfmt --all-floats` checks every one
 * of the 2^32 floats (round trip and spelling; %.9g, shortest and closest for every 16th), on
 * 2 threads: a one-off, not part of ctest.

 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/numfmt.h"
#include "testutil.h"

// ----------------------------------------------------------------------------
// exact integers, for the table: little-endian 32-bit limbs

enum { BIG_LIMBS = 64 }; /* 2048 bits: 10^400 2^128 and 2^1100 2^128 fit */

typedef struct big {
    uint32_t w[BIG_LIMBS];
} big;

static big big_u128(uint64_t hi, uint64_t lo)
{
    big b = {{0}};
    b.w[0] = (uint32_t)lo;
    b.w[1] = (uint32_t)(lo >> 32);
    b.w[2] = (uint32_t)hi;
    b.w[3] = (uint32_t)(hi >> 32);
    return b;
}

/* b 10^n */
static void big_mul_pow10(big *b, int n)
{
    for (int i = 0; i < n; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < BIG_LIMBS; j++) {
            uint64_t x = (uint64_t)b->w[j] * 10 + carry;
            b->w[j] = (uint32_t)x;
            carry = x >> 32;
        }
        if (carry) abort(); /* BIG_LIMBS too small: a defect of this test */
    }
}

/* b 2^n */
static void big_shl(big *b, int n)
{
    int limbs = n / 32, bits = n % 32;
    for (int j = BIG_LIMBS - 1 - limbs; j < BIG_LIMBS; j++)
        if (b->w[j]) abort(); /* BIG_LIMBS too small: a defect of this test */
    for (int j = BIG_LIMBS - 1; j >= 0; j--) {
        uint64_t hi = j - limbs >= 0 ? b->w[j - limbs] : 0;
        uint64_t lo = j - limbs - 1 >= 0 ? b->w[j - limbs - 1] : 0;
        b->w[j] = (uint32_t)(bits ? (hi << bits | lo >> (32 - bits)) : hi);
    }
}

static int big_cmp(const big *a, const big *b)
{
    for (int j = BIG_LIMBS - 1; j >= 0; j--)
        if (a->w[j] != b->w[j]) return a->w[j] < b->w[j] ? -1 : 1;
    return 0;
}

/* The sign of a 2^a2 10^a10 - b 2^b2 10^b10, for a, b < 2^128 given as hi, lo. */
static int cmp_scaled(uint64_t a_hi, uint64_t a_lo, int a2, int a10, uint64_t b_hi, uint64_t b_lo,
                      int b2, int b10)
{
    big a = big_u128(a_hi, a_lo), b = big_u128(b_hi, b_lo);
    if (a2 > b2) big_shl(&a, a2 - b2);
    else big_shl(&b, b2 - a2);
    if (a10 > b10) big_mul_pow10(&a, a10 - b10);
    else big_mul_pow10(&b, b10 - a10);
    return big_cmp(&a, &b);
}

static void test_table(void)
{
    /* floor(q log10 2) = k: 10^k <= 2^q < 10^(k+1) */
    for (int q = -1100; q <= 1100; q++) {
        int k = numfmt_floor_log10_pow2(q);
        TU_CHECK(cmp_scaled(0, 1, 0, k, 0, 1, q, 0) <= 0 && cmp_scaled(0, 1, q, 0, 0, 1, 0, k + 1) < 0,
                 "floor(log10 2^%d) = %d is wrong", q, k);
        /* floor(log10 (3/4) 2^q) = k: 4 10^k <= 3 2^q < 4 10^(k+1) */
        k = numfmt_floor_log10_three_quarters_pow2(q);
        TU_CHECK(cmp_scaled(0, 4, 0, k, 0, 3, q, 0) <= 0 && cmp_scaled(0, 3, q, 0, 0, 4, 0, k + 1) < 0,
                 "floor(log10 3/4 2^%d) = %d is wrong", q, k);
    }
    /* floor(p log2 10) = e: 2^e <= 10^p < 2^(e+1) */
    for (int p = -400; p <= 400; p++) {
        int e = numfmt_floor_log2_pow10(p);
        TU_CHECK(cmp_scaled(0, 1, e, 0, 0, 1, 0, p) <= 0 && cmp_scaled(0, 1, 0, p, 0, 1, e + 1, 0) < 0,
                 "floor(log2 10^%d) = %d is wrong", p, e);
    }
    /* g = floor(10^p 2^-e) + 1 with 2^125 <= g - 1 < 2^126: (g - 1) 2^e <= 10^p < g 2^e */
    TU_CHECK(numfmt_pow10_min() == -292 && numfmt_pow10_max() == 324,
             "table for 10^%d .. 10^%d, expected 10^-292 .. 10^324 (doubles: 10^-k for k from "
             "floor(log10 2^-1074) = -324 to floor(log10 2^971) = 292)",
             numfmt_pow10_min(), numfmt_pow10_max());
    for (int p = numfmt_pow10_min(); p <= numfmt_pow10_max(); p++) {
        uint64_t hi, lo;
        int e;
        numfmt_pow10(p, &hi, &lo, &e);
        uint64_t m_hi = hi - (lo == 0), m_lo = lo - 1; /* g - 1 */
        TU_CHECK(m_hi >> 61 == 1, "10^%d: g - 1 = 0x%016" PRIx64 "%016" PRIx64 " is not of 126 bits", p,
                 m_hi, m_lo);
        TU_CHECK(cmp_scaled(m_hi, m_lo, e, 0, 0, 1, 0, p) <= 0 && cmp_scaled(0, 1, 0, p, hi, lo, e, 0) < 0,
                 "10^%d: g = 0x%016" PRIx64 "%016" PRIx64 " is not floor(10^p 2^%d) + 1", p, hi, lo, -e);
    }
}

// ----------------------------------------------------------------------------
// decimals as text

/* A decimal in normal form: significant digits without trailing zeros, and the exponent X
 * of the first: 0.d1d2... 10^(X+1). */
typedef struct dec {
    char digits[40];
    int n, x;
} dec;

/* "d.ddde+XX" from printf's %e -> dec; returns 0 on anything else. */
static int parse_e(const char *s, dec *d)
{
    d->n = 0;
    if (*s < '1' || *s > '9') return 0;
    d->digits[d->n++] = *s++;
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9' && d->n < 39) d->digits[d->n++] = *s++;
    }
    if (*s++ != 'e') return 0;
    char *end;
    d->x = (int)strtol(s, &end, 10);
    if (*end) return 0;
    while (d->n > 1 && d->digits[d->n - 1] == '0') d->n--;
    d->digits[d->n] = 0;
    return 1;
}

/* numfmt's text (without sign) -> dec, checking %g's spelling; returns 0 with why in
 * *why when the spelling is wrong. */
static int parse_ours(const char *s, dec *d, const char **why)
{
    const char *p = s;
    int x_first = 0, seen_point = 0, seen_digit = 0;
    d->n = 0;
    d->x = 0;
    if (p[0] == '0' && p[1] == '.') { /* 0.000ddd */
        p += 2;
        seen_point = 1;
        x_first = -1;
        while (*p == '0') p++, x_first--;
        if (x_first < -4) return *why = "too many leading zeros for a plain number", 0;
    } else if (p[0] == '0') {
        return *why = "leading zero", 0;
    }
    for (; *p && *p != 'e'; p++) {
        if (*p == '.') {
            if (seen_point || !seen_digit) return *why = "misplaced point", 0;
            seen_point = 1;
            continue;
        }
        if (*p < '0' || *p > '9' || d->n >= 39) return *why = "not a digit", 0;
        if (!seen_digit && !seen_point) x_first = -1;
        if (!seen_point) x_first++;
        seen_digit = 1;
        d->digits[d->n++] = *p;
    }
    if (!seen_digit) return *why = "no digits", 0;
    if (p[-1] == '.') return *why = "trailing point", 0;
    if (seen_point && p[-1] == '0') return *why = "trailing zero after the point", 0;
    int trailing = 0;
    while (d->n > 1 && d->digits[d->n - 1] == '0') d->n--, trailing++;
    d->digits[d->n] = 0;
    if (*p == 'e') {
        if (s[1] != '.' && s[1] != 'e') return *why = "exponent form with more than one digit before the point", 0;
        if (trailing) return *why = "trailing zero before the exponent", 0;
        p++;
        if (*p != '+' && *p != '-') return *why = "exponent without sign", 0;
        if (strlen(p + 1) < 2 || (strlen(p + 1) > 2 && p[1] == '0')) return *why = "exponent not of two digits at least", 0;
        char *end;
        long e = strtol(p, &end, 10);
        if (*end) return *why = "junk after the exponent", 0;
        d->x = (int)e;
        if (d->x > -5 && d->x < 17) return *why = "exponent form for -5 < X < 17", 0;
    } else {
        d->x = x_first;
        if (d->x <= -5 || d->x >= 17) return *why = "plain form outside -5 < X < 17", 0;
    }
    return 1;
}

static int dec_equal(const dec *a, const dec *b)
{
    return a->x == b->x && strcmp(a->digits, b->digits) == 0;
}

/* |v| to n significant digits, rounded to nearest (glibc's printf is exact). */
static void round_e(double v, int n, dec *d)
{
    char s[64];
    snprintf(s, sizeof s, "%.*e", n - 1, fabs(v));
    if (!parse_e(s, d)) abort();
}

/* d cut to n digits (n <= d->n), plus dir (+1, 0, -1) units in the n-th digit, normalised. */
static void dec_step(const dec *d, int n, int dir, dec *out)
{
    *out = *d;
    for (int i = d->n; i < n; i++) out->digits[i] = '0';
    out->n = n;
    int i = n - 1;
    if (dir > 0) {
        while (i >= 0 && out->digits[i] == '9') out->digits[i--] = '0';
        if (i >= 0) out->digits[i]++;
        else { /* 99..9 + 1 = 10..0 */
            out->digits[0] = '1';
            out->x++;
        }
    } else if (dir < 0) {
        while (i >= 0 && out->digits[i] == '0') out->digits[i--] = '9';
        if (i < 0) abort(); /* d was 0: never, a decimal here has a digit 1..9 first */
        out->digits[i]--;
        if (out->digits[0] == '0') { /* 10..0 - 1 = 9..9, one digit less before the point */
            memmove(out->digits, out->digits + 1, (size_t)n - 1);
            out->digits[n - 1] = '9';
            out->x--;
        }
    }
    while (out->n > 1 && out->digits[out->n - 1] == '0') out->n--;
    out->digits[out->n] = 0;
}

static void dec_text(const dec *d, char *s, size_t size)
{
    snprintf(s, size, "%c%s%se%d", d->digits[0], d->n > 1 ? "." : "", d->digits + 1, d->x);
}

// ----------------------------------------------------------------------------
// one number

typedef struct checker {
    long checked, failed, full;
    long farther; /* shortest texts that are not the nearest decimal of their length */
} checker;

static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static int same_float(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Does the decimal read back as |v| (float: as (float)|v|)? */
static int reads_back(const dec *d, double v, int is_float)
{
    char s[64];
    dec_text(d, s, sizeof s);
    return is_float ? same_float(strtof(s, NULL), (float)fabs(v)) : same_double(strtod(s, NULL), fabs(v));
}

/* Report a failure of v (at most 20 lines in all). */
static void failed(checker *c, const char *what, double v, int is_float, const char *text)
{
    c->failed++;
    if (c->failed <= 20)
        TU_CHECK(0, "%s %.17g (%a): \"%s\": %s", is_float ? "float" : "double", v, v, text, what);
    else tu_failures++;
}

/* Everything numfmt promises about the text of v (is_float: v is a float's value); without
 * full only the round trip and the spelling. */
static void check_number(checker *c, double v, int is_float, int full)
{
    char text[NUMFMT_MAX + 1];
    size_t len = is_float ? numfmt_float(text, (float)v) : numfmt_double(text, v);
    text[len] = 0;
    c->checked++;
    if (len > (is_float ? 18u : 24u)) return failed(c, "longer than promised", v, is_float, text);
    if (isnan(v)) {
        if (strcmp(text, "nan") != 0) failed(c, "expected nan", v, is_float, text);
        return;
    }
    if (isinf(v)) {
        if (strcmp(text, v > 0 ? "inf" : "-inf") != 0) failed(c, "expected inf", v, is_float, text);
        return;
    }
    /* round trip, bit for bit */
    char *end;
    int rt = is_float ? same_float(strtof(text, &end), (float)v) : same_double(strtod(text, &end), v);
    if (!rt || *end) return failed(c, "does not read back as the same bits", v, is_float, text);
    if (v == 0) {
        if (strcmp(text, signbit(v) ? "-0" : "0") != 0) failed(c, "zero spelt wrong", v, is_float, text);
        return;
    }
    if ((text[0] == '-') != (v < 0)) return failed(c, "sign", v, is_float, text);
    dec ours;
    const char *why = "";
    if (!parse_ours(text + (v < 0), &ours, &why)) return failed(c, why, v, is_float, text);
    if (!full) return;
    c->full++;
    /* the value printf's %.17g (%.9g) gives */
    char g[40];
    snprintf(g, sizeof g, is_float ? "%.9g" : "%.17g", v);
    if (is_float ? !same_float(strtof(g, NULL), (float)v) : !same_double(strtod(g, NULL), v))
        return failed(c, is_float ? "not the value of %.9g" : "not the value of %.17g", v, is_float, text);
    /* shortest: with n digits, the two (n-1)-digit decimals around the text do not read
     * back (when one between the text and v did, the nearer of these two to the text would:
     * the decimals that read back form an interval holding the text and v) */
    int n = ours.n;
    char s[64], why2[128];
    dec cut;
    for (int dir = 0; dir <= 1 && n > 1; dir++) {
        dec_step(&ours, n - 1, dir, &cut);
        if (reads_back(&cut, v, is_float)) {
            dec_text(&cut, s, sizeof s);
            snprintf(why2, sizeof why2, "not the shortest: %s reads back too", s);
            return failed(c, why2, v, is_float, text);
        }
    }
    /* closest: the nearest n-digit decimal to v, unless it does not read back; then the
     * text is its neighbour (on v's other side: one on the same side, farther than it, would
     * have it between itself and v, so it would read back) */
    dec near, below, above;
    round_e(v, n, &near);
    if (dec_equal(&ours, &near)) return;
    c->farther++;
    if (reads_back(&near, v, is_float)) {
        dec_text(&near, s, sizeof s);
        snprintf(why2, sizeof why2, "not the closest: %s reads back and is nearer", s);
        return failed(c, why2, v, is_float, text);
    }
    dec_step(&near, n, -1, &below);
    dec_step(&near, n, +1, &above);
    if (!dec_equal(&ours, &below) && !dec_equal(&ours, &above))
        failed(c, "not next to the nearest decimal of its length", v, is_float, text);
}

// ----------------------------------------------------------------------------
// the families

static double from_bits(uint64_t b)
{
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

static float from_bits_f(uint32_t b)
{
    float v;
    memcpy(&v, &b, sizeof v);
    return v;
}

/* v and its `around` neighbours on each side, both signs (is_float: v is a float). */
static void check_around(checker *c, double v, int is_float, int around)
{
    for (int s = 0; s < 2; s++)
        for (int d = -around; d <= around; d++) {
            double w = s ? -v : v;
            if (is_float) {
                float wf = (float)w;
                uint32_t b;
                memcpy(&b, &wf, sizeof b);
                check_number(c, from_bits_f(b + (uint32_t)d), 1, 1);
            } else {
                uint64_t b;
                memcpy(&b, &w, sizeof b);
                check_number(c, from_bits(b + (uint64_t)(int64_t)d), 0, 1);
            }
        }
}

/* Standard normal (Box-Muller). */
static double normal(unsigned long long *state)
{
    double u = tu_uniform(state), w = tu_uniform(state);
    return sqrt(-2.0 * log(1.0 - u)) * cos(6.283185307179586 * w);
}

/* The decimals m 10^(s-1), m odd, of the binade of ulp 2^s (2^(P-1+s) <= m 10^(s-1) <
 * 2^(P+s)) lie halfway between two neighbours: check the number strtod reads them as (the
 * even neighbour, for which this end of its rounding interval reads back) and both its
 * neighbours. Returns how many texts were that end, m 10^(s-1) itself. */
static long check_halfway(checker *c, int P, int per_binade)
{
    int is_float = P == 24;
    long ends = 0;
    for (int s = 1; s < 64; s++) {
        double lo = ldexp(1.0, P - 1 + s) / pow(10.0, s - 1), hi = 2 * lo;
        double m0 = ceil(lo);
        for (int i = 0; i < per_binade; i++) {
            double m = m0 + 2 * i + (fmod(m0, 2.0) == 0);
            if (m >= hi) break;
            char half[64], text[NUMFMT_MAX + 1];
            snprintf(half, sizeof half, "%.0fe%d", m, s - 1);
            double v = is_float ? strtof(half, NULL) : strtod(half, NULL);
            check_around(c, v, is_float, 1);
            text[is_float ? numfmt_float(text, (float)v) : numfmt_double(text, v)] = 0;
            dec want, got;
            const char *why;
            snprintf(half, sizeof half, "%.*e", (int)log10(m), m * pow(10.0, s - 1));
            if (parse_e(half, &want) && parse_ours(text, &got, &why) && dec_equal(&want, &got)) ends++;
        }
    }
    return ends;
}

static void test_doubles(long n_random)
{
    checker c = {0};
    unsigned long long state = 17;
    for (long i = 0; i < n_random; i++) { /* every exponent */
        double v = from_bits(tu_random_u64(&state));
        check_number(&c, v, 0, 1);
    }
    for (uint64_t t = 1; t <= 10000; t++) check_number(&c, from_bits(t), 0, 1); /* subnormals */
    for (long i = 0; i < n_random / 20; i++)
        check_number(&c, from_bits(tu_random_u64(&state) & ((UINT64_C(1) << 52) - 1)), 0, 1);
    for (int p = -325; p <= 309; p++) { /* powers of ten */
        char s[16];
        snprintf(s, sizeof s, "1e%d", p);
        check_around(&c, strtod(s, NULL), 0, 3);
    }
    for (int be = 1; be < 2047; be++) check_around(&c, from_bits((uint64_t)be << 52), 0, 2); /* binade edges */
    check_around(&c, DBL_MAX, 0, 5);
    check_around(&c, DBL_MIN, 0, 5);
    check_around(&c, DBL_TRUE_MIN, 0, 5);
    for (int d = -100000; d <= 100000; d++) check_number(&c, 9007199254740992.0 + 2.0 * d, 0, 1);
    for (long i = 0; i < n_random / 20; i++) /* integers from 2^53 to 2^64 */
        check_number(&c, (double)(tu_random_u64(&state) >> (tu_random_u64(&state) % 11)), 0, 1);
    long ends = check_halfway(&c, 53, 50);
    for (long i = 0; i < n_random / 4; i++) /* relevance-like */
        check_number(&c, normal(&state) * pow(10.0, -4 + 5 * tu_uniform(&state)), 0, 1);
    check_number(&c, NAN, 0, 0);
    check_number(&c, -NAN, 0, 0);
    check_number(&c, INFINITY, 0, 0);
    check_number(&c, -INFINITY, 0, 0);
    printf("doubles: %ld checked (%ld for shortest and closest), %ld failed; %ld shortest texts "
           "that are not the nearest decimal of their length, %ld an end of the rounding interval\n",
           c.checked, c.full, c.failed, c.farther, ends);
    TU_CHECK(ends > 0 && c.farther > 0, "the families miss the cases they are for");
}

static void test_floats(long n_random)
{
    checker c = {0};
    unsigned long long state = 29;
    for (long i = 0; i < n_random; i++)
        check_number(&c, from_bits_f((uint32_t)tu_random_u64(&state)), 1, 1);
    for (uint32_t t = 1; t <= 10000; t++) check_number(&c, from_bits_f(t), 1, 1);
    for (long i = 0; i < n_random / 20; i++)
        check_number(&c, from_bits_f((uint32_t)tu_random_u64(&state) & ((1u << 23) - 1)), 1, 1);
    for (int p = -46; p <= 39; p++) {
        char s[16];
        snprintf(s, sizeof s, "1e%d", p);
        check_around(&c, strtof(s, NULL), 1, 3);
    }
    for (uint32_t be = 1; be < 255; be++) check_around(&c, from_bits_f(be << 23), 1, 2);
    check_around(&c, FLT_MAX, 1, 5);
    check_around(&c, FLT_MIN, 1, 5);
    check_around(&c, FLT_TRUE_MIN, 1, 5);
    for (int d = -100000; d <= 100000; d++) check_number(&c, 16777216.0 + 2.0 * d, 1, 1);
    long ends = check_halfway(&c, 24, 50);
    for (long i = 0; i < n_random / 4; i++)
        check_number(&c, (float)(normal(&state) * pow(10.0, -4 + 5 * tu_uniform(&state))), 1, 1);
    check_number(&c, (float)NAN, 1, 0);
    check_number(&c, (float)INFINITY, 1, 0);
    check_number(&c, -(float)INFINITY, 1, 0);
    printf("floats: %ld checked (%ld for shortest and closest), %ld failed; %ld shortest texts "
           "that are not the nearest decimal of their length, %ld an end of the rounding interval\n",
           c.checked, c.full, c.failed, c.farther, ends);
    TU_CHECK(ends > 0 && c.farther > 0, "the float families miss the cases they are for");
}

// ----------------------------------------------------------------------------
// texts known in advance

static void expect_double(double v, const char *want)
{
    char buf[NUMFMT_MAX + 1];
    buf[numfmt_double(buf, v)] = 0;
    TU_CHECK(strcmp(buf, want) == 0, "numfmt_double(%a) = \"%s\", expected \"%s\"", v, buf, want);
}

static void expect_float(float v, const char *want)
{
    char buf[NUMFMT_MAX + 1];
    buf[numfmt_float(buf, v)] = 0;
    TU_CHECK(strcmp(buf, want) == 0, "numfmt_float(%a) = \"%s\", expected \"%s\"", (double)v, buf, want);
}

static void test_known(void)
{
    expect_double(0.0, "0");
    expect_double(-0.0, "-0");
    expect_double(1.0, "1");
    expect_double(-1.5, "-1.5");
    expect_double(0.1, "0.1");
    expect_double(0.3, "0.3");
    expect_double(1.0 / 3, "0.3333333333333333");
    expect_double(2.0 / 3, "0.6666666666666666");
    expect_double(123.25, "123.25");
    expect_double(100.0, "100");
    expect_double(0.0001, "0.0001");
    expect_double(0.00012345, "0.00012345");
    expect_double(1e-05, "1e-05");
    expect_double(1.5e-05, "1.5e-05");
    expect_double(1e16, "10000000000000000");
    expect_double(1.2345678901234567e16, "12345678901234568");
    expect_double(1e17, "1e+17");
    expect_double(1.2345678901234568e+20, "1.2345678901234568e+20");
    expect_double(1e23, "1e+23");
    expect_double(1e100, "1e+100");
    expect_double(DBL_MAX, "1.7976931348623157e+308");
    expect_double(-DBL_MAX, "-1.7976931348623157e+308");
    expect_double(DBL_MIN, "2.2250738585072014e-308");
    expect_double(DBL_MIN - DBL_TRUE_MIN, "2.225073858507201e-308");
    expect_double(DBL_TRUE_MIN, "5e-324");
    expect_double(2 * DBL_TRUE_MIN, "1e-323");
    expect_double(3 * DBL_TRUE_MIN, "1.5e-323");
    expect_double(20 * DBL_TRUE_MIN, "1e-322");
    expect_double(9007199254740992.0, "9007199254740992");
    expect_double(9223372036854775808.0, "9.223372036854776e+18");
    /* halfway: 9.5e21 is the lower end of the interval of the double above it (even
     * significand: the end reads back), not of the one below */
    expect_double(9500000000000001048576.0, "9.5e+21");
    expect_double(9499999999999998951424.0, "9.499999999999999e+21");
    expect_double(49999999999999995805696.0, "5e+22");
    expect_double(50000000000000004194304.0, "5.0000000000000004e+22");
    expect_double(NAN, "nan");
    expect_double(INFINITY, "inf");
    expect_double(-INFINITY, "-inf");

    expect_float(0.0f, "0");
    expect_float(-0.0f, "-0");
    expect_float(0.1f, "0.1");
    expect_float(1.0f / 3, "0.33333334");
    expect_float(1e10f, "10000000000");
    expect_float(1e17f, "1e+17");
    expect_float(16777216.0f, "16777216");
    expect_float(FLT_MAX, "3.4028235e+38");
    expect_float(FLT_MIN, "1.1754944e-38");
    expect_float(FLT_TRUE_MIN, "1e-45");
    expect_float(2 * FLT_TRUE_MIN, "3e-45");
    expect_float(7 * FLT_TRUE_MIN, "1e-44");
    expect_float(3355445e1f, "33554450"); /* halfway: 33554448 has the end 33554450 */
    expect_float(33554452.0f, "33554452");
    expect_float(9000000000.0f, "9000000000");
    expect_float(-7.0954797e16f, "-70954797000000000"); /* the longest float text */
    expect_float(-(float)INFINITY, "-inf");
}

// ----------------------------------------------------------------------------
// every float (a one-off: --all-floats)

typedef struct all_job {
    uint64_t from, to;
    checker c;
} all_job;

static void *all_worker(void *arg)
{
    all_job *j = arg;
    for (uint64_t b = j->from; b < j->to; b++)
        check_number(&j->c, from_bits_f((uint32_t)b), 1, b % 16 == 0);
    return NULL;
}

static int all_floats(void)
{
    enum { THREADS = 2 };
    all_job jobs[THREADS];
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (all_job){(uint64_t)i << 32 >> 1, (uint64_t)(i + 1) << 32 >> 1, {0}};
        if (pthread_create(&th[i], NULL, all_worker, &jobs[i]) != 0) return 1;
    }
    checker c = {0};
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        c.checked += jobs[i].c.checked;
        c.full += jobs[i].c.full;
        c.failed += jobs[i].c.failed;
    }
    printf("all floats: %ld checked (%ld for shortest and closest), %ld failed\n", c.checked, c.full,
           c.failed);
    return c.failed != 0 || c.checked != (1L << 32);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--all-floats") == 0) return all_floats();
    long scale = tu_slow_build() ? 10 : 1;
    long n_doubles = 1000000 / scale, n_floats = 500000 / scale;
    printf("%ld random doubles and %ld random floats besides the families%s\n", n_doubles, n_floats,
           scale > 1 ? " (a tenth: sanitizers or an emulator)" : "");
    test_table();
    test_known();
    test_doubles(n_doubles);
    test_floats(n_floats);
    return tu_finish();
}
