#!/usr/bin/python3
"""gen_numfmt_table.py - the powers of ten of app/numfmt.c, and the proof that they are enough.

    /usr/bin/python3 tools/gen_numfmt_table.py            writes app/numfmt_table.h
    /usr/bin/python3 tools/gen_numfmt_table.py --check    fails unless app/numfmt_table.h is
                                                          what this script writes

numfmt.c turns a double v = c 2^q into decimal digits by multiplying with an approximation
of 10^-k (k = floor(log10 2^q), or floor(log10 (3/4) 2^q) at the lower edge of a binade).
For p = -k in [P_MIN, P_MAX] the table holds

    g_p = floor(10^p 2^-E_p) + 1,   E_p = floor(p log2 10) - 125,   so 2^125 < g_p <= 2^126,

as g_p = hi 2^64 + lo (hi < 2^62). Floats use the upper 64 bits, floor(10^p 2^-(E_p + 62)) + 1,
derived from the same entry.

Everything numfmt.c relies on is checked here with exact integer arithmetic, and the script
stops with an error when anything fails:

1. the integer formulas numfmt.c uses for floor(q log10 2), floor(q log10 2 + log10 3/4) and
   floor(p log2 10), over every q and p that occur;
2. the shift h = q + floor(p log2 10) + 1 is in [1, 4] (so y 2^h < 2^59 for doubles, 2^30 for floats);
3. the proof of exactness. numfmt.c computes, for y in {4c - 2, 4c - 1, 4c, 4c + 2} (the lower
   bound, the value and the upper bound of the rounding interval, in units of 2^(q-2)),
   w = y 2^q 10^-k as floor(w) and a sticky bit "w is not an integer". From the rounded-up g
   it has x g / 2^S exactly (x = y 2^h < 2^59, S = 59 for doubles; x < 2^30, S = 30 for floats),
   which exceeds X = w 2^(126-S) (floats w 2^(64-S)) by less than one: floor(w) and the sticky bit
   read from floor(x g / 2^S) are exact when w is an integer (then X is one), and when w lies at
   least 2^-67 (floats 2^-34) away from every integer. This script shows that the second holds
   for every non-integer w that occurs: the smallest distance of z beta (beta = 2 2^q 10^-k,
   y = 2z even) to an integer over 1 <= z <= Z is attained at a convergent denominator of beta
   that is <= Z (best approximations of the second kind are convergents); when beta's
   denominator D is <= Z the non-zero distances are multiples of 1/D. The three values of the
   lower edge of a binade (y = 4c - 1 is odd) are checked one by one.
"""
import math
import sys
from fractions import Fraction
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "app" / "numfmt_table.h"

# (name, significand bits P, smallest q, largest q, resolution of the sticky bit, bits of y 2^h)
FORMATS = [("double", 53, -1074, 971, 67, 59), ("float", 24, -149, 104, 34, 30)]

# numfmt.c's integer formulas: floor(q log10 2) = (q A) >> 41, floor(q log10 2 + log10 3/4) =
# (q A - B) >> 41, floor(p log2 10) = (p C) >> 38 (>> rounds towards minus infinity).
A, B, C = 661971961083, 274743187321, 913124641741


def floor_log(base, v):
    """floor(log_base v) of a rational v > 0, exactly: the k with base^k <= v < base^(k+1)."""
    v = Fraction(v)
    k = (v.numerator.bit_length() - v.denominator.bit_length()) // base.bit_length()  # near
    while Fraction(base) ** k > v:
        k -= 1
    while Fraction(base) ** (k + 1) <= v:
        k += 1
    return k


def floor_log10_pow2(q):
    return floor_log(10, Fraction(2) ** q)


def floor_log10_3q_pow2(q):
    return floor_log(10, Fraction(3, 4) * Fraction(2) ** q)


def floor_log2_pow10(p):
    return floor_log(2, Fraction(10) ** p)


def fail(msg):
    sys.exit("gen_numfmt_table.py: " + msg)


def min_distance(beta, Z):
    """A lower bound of the distance of z beta to the nearest integer, over 1 <= z <= Z where
    z beta is not an integer (beta > 0 rational), attained when beta's denominator D > Z."""
    D = beta.denominator
    if D <= Z:
        return Fraction(1, D)  # z beta is a multiple of 1/D
    # the convergents h/k of beta with k <= Z; no z beta is an integer (D > Z)
    best = Fraction(1)
    num, den = beta.numerator, beta.denominator
    h_prev, h_cur, k_prev, k_cur = 0, 1, 1, 0
    while den:
        a = num // den
        num, den = den, num - a * den
        h_prev, h_cur = h_cur, a * h_cur + h_prev
        k_prev, k_cur = k_cur, a * k_cur + k_prev
        if k_cur > Z:
            break
        best = min(best, min_distance_one(k_cur * beta))
    return best


def table_range():
    ps = set()
    for _, P, qmin, qmax, _, _ in FORMATS:
        for q in range(qmin, qmax + 1):
            ps.add(-floor_log10_pow2(q))
            if q > qmin:
                ps.add(-floor_log10_3q_pow2(q))
    return min(ps), max(ps)


def check(pmin, pmax):
    for p in range(pmin, pmax + 1):
        if (p * C) >> 38 != floor_log2_pow10(p):
            fail(f"floor(p log2 10) formula wrong at p = {p}")
    for name, P, qmin, qmax, res, xbits in FORMATS:
        worst = None
        for q in range(qmin, qmax + 1):
            shapes = [("regular", floor_log10_pow2(q))]
            if q > qmin:
                shapes.append(("edge", floor_log10_3q_pow2(q)))
            for shape, k in shapes:
                want = (q * A) >> 41 if shape == "regular" else (q * A - B) >> 41
                if want != k:
                    fail(f"{name}: floor(log10) formula wrong at q = {q} ({shape})")
                h = q + floor_log2_pow10(-k) + 1
                if not 1 <= h <= 4:
                    fail(f"{name}: shift h = {h} out of [1, 4] at q = {q}")
                w = Fraction(2) ** q * Fraction(10) ** (-k)  # w = y * this
                if shape == "regular":
                    cmin = 1 if q == qmin else 2 ** (P - 1)
                    ymax = 4 * (2 ** P - 1) + 2
                    if ymax << h >= 2 ** xbits:
                        fail(f"{name}: y 2^h does not fit in {xbits} bits at q = {q}")
                    d = min_distance(2 * w, ymax // 2)
                else:
                    c = 2 ** (P - 1)
                    d = min(min_distance_one(y * w) for y in (4 * c - 1, 4 * c, 4 * c + 2))
                if d < Fraction(1, 2 ** res):
                    fail(f"{name}: q = {q} ({shape}): w comes within {float(d):.3g} of an "
                         f"integer, closer than the sticky bit's 2^-{res}")
                if worst is None or d < worst[0]:
                    worst = (d, q, shape)
        d, q, shape = worst
        print(f"{name}: every non-integer w is at least 2^{math.log2(d):.2f} from an integer "
              f"(closest at q = {q}, {shape}); needed: 2^-{res}", file=sys.stderr)


def min_distance_one(v):
    f = v - (v.numerator // v.denominator)
    return Fraction(1) if f == 0 else min(f, 1 - f)


def table(pmin, pmax):
    rows = []
    for p in range(pmin, pmax + 1):
        e = floor_log2_pow10(p) - 125
        G = Fraction(10) ** p / Fraction(2) ** e
        g = G.numerator // G.denominator + 1
        if not 2 ** 125 < g < 2 ** 126 or ((g - 1) >> 62) + 1 >= 2 ** 64:
            fail(f"g out of range at p = {p}")
        rows.append(f"    {{0x{g >> 64:016x}, 0x{g & (2 ** 64 - 1):016x}}}, /* {p} */")
    return rows


def render():
    pmin, pmax = table_range()
    check(pmin, pmax)
    lines = [
        "/* numfmt_table.h - written by tools/gen_numfmt_table.py; do not edit.",
        " *",
        " * NUMFMT_POW10[p - NUMFMT_P_MIN] = {hi, lo}: g_p = hi 2^64 + lo = floor(10^p 2^-E_p) + 1,",
        " * E_p = floor(p log2 10) - 125, for p in [NUMFMT_P_MIN, NUMFMT_P_MAX]. */",
        f"#define NUMFMT_P_MIN ({pmin})",
        f"#define NUMFMT_P_MAX {pmax}",
        "static const uint64_t NUMFMT_POW10[][2] = {",
        *table(pmin, pmax),
        "};",
        "",
    ]
    return "\n".join(lines)


def main():
    text = render()
    if sys.argv[1:] == ["--check"]:
        if OUT.read_text() != text:
            fail(f"{OUT} differs from what this script writes")
        print(f"{OUT} is up to date", file=sys.stderr)
    elif sys.argv[1:]:
        fail("usage: gen_numfmt_table.py [--check]")
    else:
        OUT.write_text(text)
        print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
