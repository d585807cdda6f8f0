/*
 * bench_numfmt.c - how fast numbers become text: numfmt (app/numfmt.h) against the C
 * library's snprintf, and the buffered writer (app/outbuf.h) against fprintf.
 *
 * Prints the machine, then nanoseconds per number (best of --repeat runs over N numbers):
 *
 *   doubles   numfmt_double   snprintf "%.17g"
 *   floats    numfmt_float    snprintf "%.9g"   snprintf "%.17g"
 *
 * on two kinds of numbers each: uniform random bit patterns (every exponent; NaN and Inf
 * left out) and relevance-like values (standard normal times 10^U(-4, 1), the range of
 * word relevances), and the mean length of the text. Then the writer: each number and a
 * comma to /dev/null through outbuf_double against fprintf(f, "%.17g,"), in ns per number
 * and MB/s of text.
 *
 * Options: --n N (default 1000000), --repeat R (default 5), --quick (N = 200000, R = 3).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "app/numfmt.h"
#include "app/outbuf.h"
#include "core/rand.h"

/* the project's splitmix64 (src/core/rand.h): the numbers are the same on every run */
static double uniform01(uint64_t *s) { return rand_unit(splitmix64(s)); }

/* the two kinds of numbers: 0 uniform bits (finite), 1 relevance-like */
static void fill(double *x, float *xf, size_t n, int kind)
{
    uint64_t s = 42;
    for (size_t i = 0; i < n; i++) {
        if (kind == 0) {
            uint64_t b;
            double v;
            do {
                b = splitmix64(&s);
                memcpy(&v, &b, sizeof v);
            } while (!isfinite(v));
            uint32_t bf;
            float f;
            do {
                bf = (uint32_t)splitmix64(&s);
                memcpy(&f, &bf, sizeof f);
            } while (!isfinite(f));
            x[i] = v;
            xf[i] = f;
        } else {
            double u = uniform01(&s), w = uniform01(&s);
            double z = sqrt(-2.0 * log(1.0 - u)) * cos(6.283185307179586 * w);
            x[i] = z * pow(10.0, -4.0 + 5.0 * uniform01(&s));
            xf[i] = (float)x[i];
        }
    }
}

enum { NUMFMT_D, PRINTF_D, NUMFMT_F, PRINTF_F9, PRINTF_F17, N_WAYS };
static const char *const WAY_NAME[N_WAYS] = {"numfmt_double", "snprintf %.17g", "numfmt_float",
                                             "snprintf %.9g", "snprintf %.17g"};

/* ns per number for one way, best of repeat; *chars the mean text length */
static double time_way(int way, const double *x, const float *xf, size_t n, int repeat, double *chars)
{
    char buf[NUMFMT_MAX + 8];
    double best = INFINITY;
    for (int r = 0; r < repeat; r++) {
        size_t total = 0;
        double t = bench_now();
        for (size_t i = 0; i < n; i++) {
            switch (way) {
            case NUMFMT_D: total += numfmt_double(buf, x[i]); break;
            case PRINTF_D: total += (size_t)snprintf(buf, sizeof buf, "%.17g", x[i]); break;
            case NUMFMT_F: total += numfmt_float(buf, xf[i]); break;
            case PRINTF_F9: total += (size_t)snprintf(buf, sizeof buf, "%.9g", (double)xf[i]); break;
            default: total += (size_t)snprintf(buf, sizeof buf, "%.17g", (double)xf[i]); break;
            }
        }
        t = bench_now() - t;
        if (t < best) best = t;
        *chars = (double)total / (double)n;
    }
    return 1e9 * best / (double)n;
}

/* Each number and a comma to /dev/null: ns per number, *mb_s the text rate. */
static double time_writer(int use_outbuf, const double *x, size_t n, int repeat, double *mb_s)
{
    FILE *f = fopen("/dev/null", "w");
    outbuf *o = malloc(sizeof *o);
    if (!f || !o) {
        fprintf(stderr, "bench_numfmt: cannot open /dev/null or allocate\n");
        exit(1);
    }
    double best = INFINITY;
    for (int r = 0; r < repeat; r++) {
        size_t bytes = 0;
        double t = bench_now();
        if (use_outbuf) {
            outbuf_init(o, f);
            for (size_t i = 0; i < n; i++) {
                size_t len0 = o->len;
                outbuf_double(o, x[i]);
                outbuf_putc(o, ',');
                bytes += o->len > len0 ? o->len - len0 : 0;
            }
            if (outbuf_flush(o) != 0) fprintf(stderr, "bench_numfmt: writing to /dev/null failed\n");
        } else {
            for (size_t i = 0; i < n; i++) {
                int k = fprintf(f, "%.17g,", x[i]);
                bytes += k > 0 ? (size_t)k : 0;
            }
            fflush(f);
        }
        t = bench_now() - t;
        if (t < best) {
            best = t;
            *mb_s = (double)bytes / t / 1e6;
        }
    }
    free(o);
    fclose(f);
    return 1e9 * best / (double)n;
}

int main(int argc, char **argv)
{
    size_t n = 1000000;
    int repeat = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) n = 200000, repeat = 3;
        else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc) n = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_numfmt [--quick] [--n N] [--repeat R]\n");
            return 2;
        }
    }
    if (n == 0 || repeat < 1) {
        fprintf(stderr, "bench_numfmt: N and R must be positive\n");
        return 2;
    }
    bench_machine_facts();
    printf("settings: %zu numbers per kind, best of %d runs, one thread\n", n, repeat);
    double *x = malloc(n * sizeof *x);
    float *xf = malloc(n * sizeof *xf);
    if (!x || !xf) {
        fprintf(stderr, "bench_numfmt: out of memory\n");
        return 1;
    }
    static const char *const KIND[2] = {"uniform random bits", "relevance-like (N(0,1) 10^U(-4,1))"};
    for (int kind = 0; kind < 2; kind++) {
        fill(x, xf, n, kind);
        printf("\n%s\n%-26s %10s %12s %10s\n", KIND[kind], "", "ns/number", "mean chars", "vs numfmt");
        double base = 0;
        for (int way = 0; way < N_WAYS; way++) {
            double chars, ns = time_way(way, x, xf, n, repeat, &chars);
            if (way == NUMFMT_D || way == NUMFMT_F) base = ns;
            printf("%-7s %-18s %10.1f %12.1f %9.1fx\n", way < NUMFMT_F ? "double" : "float", WAY_NAME[way], ns,
                   chars, ns / base);
        }
    }
    /* the writer, on relevance-like doubles (x holds them now) */
    printf("\nwriting \"number,\" to /dev/null, relevance-like doubles\n%-26s %10s %12s\n", "", "ns/number",
           "MB/s");
    double mb_a, mb_b;
    double ns_a = time_writer(1, x, n, repeat, &mb_a);
    double ns_b = time_writer(0, x, n, repeat, &mb_b);
    printf("%-26s %10.1f %12.0f\n", "outbuf_double + putc", ns_a, mb_a);
    printf("%-26s %10.1f %12.0f\n", "fprintf %.17g,", ns_b, mb_b);
    free(x);
    free(xf);
    return 0;
}
