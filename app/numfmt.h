/*
 * numfmt.h - doubles and floats as the shortest decimal text that reads back as the same
 * number (strtod, strtof), without the C library's printf.
 *
 * The digits: among the decimals that round to v (to nearest, ties to even, as strtod and
 * strtof read), those with the fewest significant digits, and of these the one closest to v.
 * (Two equally close ones would need a tie to even; it cannot happen for doubles and floats.)
 * The algorithm is of the Schubfach family: v = c 2^q is scaled by a 126-bit approximation
 * of a power of ten (app/numfmt_table.h, written and proven sufficient by
 * tools/gen_numfmt_table.py), the two multiples of 10^k around v and the multiple of
 * 10^(k+1) in v's rounding interval, if any, are the only candidates.
 *
 * The spelling is printf's %.17g apart from the number of digits (so that outputs written
 * with %.17g before change only in how many digits they show): X = the decimal exponent of
 * the first digit; plain decimal when -5 < X < 17 ("0.0001", "123.25", "10000000000000000"),
 * else d.ddd with an exponent of at least two digits ("1e-05", "1.2345678901234568e+20",
 * "5e-324"); no trailing zeros, no trailing point; "0" and "-0"; "nan", "inf", "-inf" for
 * the non-finite values (which JSON has no spelling for: callers there must not pass them).
 * Floats follow the same rule, with their own shortest digits (at most 9).
 *
 * Pure functions, no state, any thread.
 */
#ifndef LRP_NUMFMT_H
#define LRP_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* The room numfmt_* need at buf: the texts have 24 characters at most
 * ("-2.2250738585072014e-308"), but fixed-size copies write further. No NUL is written. */
#define NUMFMT_MAX 40

/* v written to buf (not NUL-terminated); returns the number of characters, <= 24. */
size_t numfmt_double(char buf[NUMFMT_MAX], double v);
/* v written to buf (not NUL-terminated); returns the number of characters, <= 18
 * ("-70954797000000000"). */
size_t numfmt_float(char buf[NUMFMT_MAX], float v);

// ----------------------------------------------------------------------------
// the parts, for the tests

/* The table entry for 10^p, p in [numfmt_pow10_min(), numfmt_pow10_max()]:
 * g = hi 2^64 + lo = floor(10^p 2^-e) + 1 with 2^125 <= g - 1 < 2^126; *e is returned. */
int numfmt_pow10_min(void);
int numfmt_pow10_max(void);
void numfmt_pow10(int p, uint64_t *hi, uint64_t *lo, int *e);

/* floor(q log10 2), floor(q log10 2 + log10 3/4), floor(p log2 10), for |q| <= 1100 and
 * |p| <= 400 (the ranges the formulas are exact on include these). */
int numfmt_floor_log10_pow2(int q);
int numfmt_floor_log10_three_quarters_pow2(int q);
int numfmt_floor_log2_pow10(int p);

#endif /* LRP_NUMFMT_H */
