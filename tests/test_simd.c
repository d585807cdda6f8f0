/*
 * test_simd.c - the vector activations of simd.h against the C library: tanh, the
 * four LSTM gates (sigmoid, tanh) and the GRU's two sigmoids in float64 and float32,
 * over a dense grid
 * of inputs, the far tails and signed zeros. Tolerances: float64 a few ulp (the
 * batched float64 path must agree with the reference to ~1e-13); float32 a few
 * 1e-7, far below the 1e-3 that the float32 path promises for word relevances.
 * Properties: tanh odd, |tanh| <= 1 and sigmoids in [0, 1] (the gates within an
 * ulp or two), lanes independent (each lane's value does not depend on its neighbours).
 */
#include <math.h>
#include <stdio.h>

#include "fast/simd.h"
#include "testutil.h"

/* inputs: a dense grid on [-40, 40], the tails, zeros */
static size_t inputs(double *x, size_t cap)
{
    size_t n = 0;
    const double far[] = {-1e4, -710, -300, -100, -50, 50, 100, 300, 710, 1e4, 1e-30, -1e-30, 1e-8, -1e-8, 0.0, -0.0};
    for (size_t k = 0; k < sizeof far / sizeof far[0] && n < cap; k++) x[n++] = far[k];
    for (double v = -40.0; v <= 40.0 && n < cap; v += 1.0 / 512) x[n++] = v;
    return n;
}

static double sigm(double z) { return 1.0 / (1.0 + exp(-z)); }

/* worst error of one activation over the inputs: |got - want| / (atol + rtol |want|) */
typedef struct worst {
    double ratio, x, got, want;
} worst;

static void note(worst *w, double x, double got, double want, double atol, double rtol)
{
    double r = fabs(got - want) / (atol + rtol * fabs(want));
    if (!(r <= w->ratio)) *w = (worst){r, x, got, want}; /* NaN counts as worst */
}

static void report(const char *what, const worst *w)
{
    printf("%-32s worst %.3g of the tolerance (x = %.9g)\n", what, w->ratio, w->x);
    TU_CHECK(w->ratio <= 1.0, "%s: at x = %.17g got %.17g, want %.17g (%.3g of the tolerance)", what, w->x,
             w->got, w->want, w->ratio);
}

static void test_double(const double *x, size_t n)
{
    /* a few ulp; the sigmoid's exp(-z) is capped at exp(300): below e^-300, an
     * absolute error under 1e-130 (simd.h) */
    const double atol = 1e-129, rtol = 1.5e-15;
    worst wt = {0}, wi = {0}, wg = {0}, ws = {0};
    int odd = 1, bounded = 1;
    for (size_t k = 0; k + VD_W <= n; k += VD_W) {
        vd z = vd_load(x + k), i, f, o, g, r, u;
        vd t = vd_tanh(z), tn = vd_tanh(-z);
        vd_lstm_gates(z, -z, z, z, &i, &f, &o, &g);
        vd_sigm2(z, -z, &r, &u);
        for (size_t l = 0; l < VD_W; l++) {
            const double v = x[k + l];
            note(&wt, v, t[l], tanh(v), atol, rtol);
            note(&wi, v, i[l], sigm(v), atol, rtol);
            note(&wi, -v, f[l], sigm(-v), atol, rtol);
            note(&ws, v, r[l], sigm(v), atol, rtol);
            note(&ws, -v, u[l], sigm(-v), atol, rtol);
            bounded &= r[l] >= 0.0 && r[l] <= 1.0 && u[l] >= 0.0 && u[l] <= 1.0;
            note(&wg, v, g[l], tanh(v), atol, rtol);
            odd &= tn[l] == -t[l];
            /* the gates' tanh may round an ulp beyond -1 (a product of two reciprocals) */
            const double one = 1.0 + 0x1p-51;
            bounded &= fabs(t[l]) <= 1.0 && fabs(g[l]) <= one && i[l] >= 0.0 && i[l] <= 1.0 && o[l] >= 0.0 &&
                       o[l] <= 1.0;
        }
    }
    report("double tanh", &wt);
    report("double sigmoid gate", &wi);
    report("double tanh gate", &wg);
    report("double GRU sigmoid pair", &ws);
    TU_CHECK(odd, "double tanh is not odd");
    TU_CHECK(bounded, "double activations leave their range");
}

static void test_float(const double *x, size_t n)
{
    /* absolute: the sigmoid's tails go to 0 and 1; relative: tanh near 0 */
    const double atol = 5e-7, rtol = 5e-7;
    worst wt = {0}, wi = {0}, wg = {0}, ws = {0};
    int odd = 1, bounded = 1;
    float xf[VF_W];
    for (size_t k = 0; k + VF_W <= n; k += VF_W) {
        for (size_t l = 0; l < VF_W; l++) xf[l] = (float)x[k + l];
        vf z = vf_load(xf), i, f, o, g, r, u;
        vf t = vf_tanh(z), tn = vf_tanh(-z);
        vf_lstm_gates(z, -z, z, z, &i, &f, &o, &g);
        vf_sigm2(z, -z, &r, &u);
        for (int l = 0; l < VF_W; l++) {
            const double v = xf[l]; /* the float input, exactly */
            note(&wt, v, t[l], tanh(v), 0.0, rtol);
            note(&wi, v, i[l], sigm(v), atol, 0.0);
            note(&wi, -v, f[l], sigm(-v), atol, 0.0);
            note(&ws, v, r[l], sigm(v), atol, 0.0);
            note(&ws, -v, u[l], sigm(-v), atol, 0.0);
            note(&wg, v, g[l], tanh(v), 0.0, rtol);
            odd &= tn[l] == -t[l];
            /* the float gates may round an ulp or two beyond their range */
            const float one = 1.0f + 0x1p-22f;
            bounded &= fabsf(t[l]) <= one && fabsf(g[l]) <= one && i[l] >= 0.0f && i[l] <= one &&
                       o[l] >= 0.0f && o[l] <= one && r[l] >= 0.0f && r[l] <= one && u[l] >= 0.0f && u[l] <= one;
        }
    }
    report("float tanh (relative)", &wt);
    report("float sigmoid gate (absolute)", &wi);
    report("float tanh gate (relative)", &wg);
    report("float GRU sigmoid pair (absolute)", &ws);
    TU_CHECK(odd, "float tanh is not odd");
    TU_CHECK(bounded, "float activations leave their range");
}

/* A lane's value does not depend on the other lanes: one input in every lane
 * position among different neighbours gives the same bits. */
static void test_lanes(void)
{
    const double probe = 0.734375;
    double ref_d = 0.0;
    float ref_f = 0.0f;
    int same = 1;
    for (int pos = 0; pos < VF_W; pos++) {
        double xd[VD_W];
        float xf[VF_W];
        for (int l = 0; l < VD_W; l++) xd[l] = l == pos % VD_W ? probe : 3.0 * l - 7.5;
        for (int l = 0; l < VF_W; l++) xf[l] = l == pos ? (float)probe : 2.5f * (float)l - 11.0f;
        vd td = vd_tanh(vd_load(xd));
        vf tf = vf_tanh(vf_load(xf));
        if (pos == 0) {
            ref_d = td[0];
            ref_f = tf[0];
        }
        same &= td[pos % VD_W] == ref_d && tf[pos] == ref_f;
    }
    TU_CHECK(same, "a lane's tanh depends on its neighbours");
}

int main(void)
{
    enum { CAP = 42000 };
    static double x[CAP];
    size_t n = inputs(x, CAP);
    n -= n % VF_W; /* whole vectors */
    printf("%s; %zu inputs\n", simd_name(), n);
    test_double(x, n);
    test_float(x, n);
    test_lanes();
    return tu_finish();
}
