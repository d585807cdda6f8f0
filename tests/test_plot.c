/*
 * test_plot.c - the SVG charts (app/plot.h): nice ticks, a complete <svg> element
 * with escaped text, values mapped to the right pixels, gaps at non-finite values,
 * legends, bands, bar counts and heights, and the same bytes for the same data.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/plot.h"
#include "testutil.h"

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what)) n++;
    return n;
}

static char *lines_svg(const plot_lines *c)
{
    tu_capture cap;
    if (!tu_capture_open(&cap)) return NULL;
    plot_lines_svg(cap.o, c);
    return tu_capture_close(&cap);
}

static char *grid_svg(const plot_bar_grid *g)
{
    tu_capture cap;
    if (!tu_capture_open(&cap)) return NULL;
    plot_bar_grid_svg(cap.o, g);
    return tu_capture_close(&cap);
}

static void test_ticks(void)
{
    double t[16];
    size_t n = plot_ticks(0, 1, 6, t);
    TU_CHECK(n == 6 && t[0] == 0 && fabs(t[5] - 1) < 1e-12 && fabs(t[1] - 0.2) < 1e-12, "ticks of [0,1]: %zu", n);
    n = plot_ticks(0, 0.13, 3, t);
    TU_CHECK(n == 3 && fabs(t[1] - 0.05) < 1e-12 && fabs(t[2] - 0.1) < 1e-12, "ticks of [0,0.13] by 3: %zu, step %g", n,
             n > 1 ? t[1] - t[0] : 0);
    n = plot_ticks(0, 5, 6, t);
    TU_CHECK(n == 6 && t[5] == 5, "ticks of [0,5]: %zu", n);
    n = plot_ticks(-0.3, 0.3, 7, t);
    int zero = 0;
    for (size_t i = 0; i < n; i++) zero |= t[i] == 0 && !signbit(t[i]);
    TU_CHECK(n >= 3 && n <= 7 && zero, "ticks across 0 include +0");
    TU_CHECK(plot_ticks(2, 2, 5, t) == 1 && t[0] == 2, "one value, one tick");
    TU_CHECK(plot_ticks(NAN, 1, 5, t) == 0, "NaN range: no ticks");
    for (size_t m = 2; m <= 12; m++) {
        n = plot_ticks(0.0123, 0.987, m, t);
        TU_CHECK(n >= 1 && n <= m, "at most %zu ticks, got %zu", m, n);
    }
}

static void test_lines(void)
{
    double x[6] = {0, 1, 2, 3, 4, 5};
    double a[6] = {1, 0.8, 0.6, 0.4, 0.2, 0}, b[6] = {1, 0.9, NAN, 0.7, 0.6, 0.5};
    double e[6] = {0, 0.01, 0.01, 0.02, 0.02, 0.02};
    plot_series s[2] = {{"LRP & <co>", a, NULL, "#d62728", 0}, {"random", b, e, "#7f7f7f", 1}};
    plot_lines c = {"Deletion \"panel\"", "k", "accuracy", x, 6, s, 2, 0.0, 1.0, 400, 300};
    char *svg = lines_svg(&c);
    TU_CHECK(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0, "starts with <svg");
    size_t L = strlen(svg);
    TU_CHECK(L > 7 && strcmp(svg + L - 7, "</svg>\n") == 0, "ends with </svg>");
    TU_CHECK(strstr(svg, ">LRP &amp; &lt;co&gt;</text>") != NULL, "legend name escaped");
    TU_CHECK(strstr(svg, "Deletion &quot;panel&quot;") != NULL, "title escaped");
    TU_CHECK(count(svg, "<polyline") == 3, "series a: one line, b: two pieces around NaN (%zu)", count(svg, "<polyline"));
    TU_CHECK(count(svg, "<polygon") == 2, "band of b: two pieces around NaN (%zu)", count(svg, "<polygon"));
    TU_CHECK(count(svg, "<circle") == 11, "markers at the 11 finite points (%zu)", count(svg, "<circle"));
    TU_CHECK(strstr(svg, "stroke-dasharray") != NULL, "dashed series");
    TU_CHECK(strstr(svg, ">accuracy</text>") && strstr(svg, ">k</text>"), "axis labels");
    /* plot area: left 52, top 26, width 400-52-96 = 252, height 300-26-40 = 234:
     * (0, 1) at (52, 26), (5, 0) at (304, 260) */
    TU_CHECK(strstr(svg, "points=\"52.00,26.00 ") != NULL, "first point of a at the top left");
    TU_CHECK(strstr(svg, "304.00,260.00\"") != NULL, "last point of a at the bottom right");
    TU_CHECK(strstr(svg, ">0.0</text>") && strstr(svg, ">1.0</text>"), "y tick labels");
    char *again = lines_svg(&c);
    TU_CHECK(strcmp(svg, again) == 0, "same data, different bytes");
    free(again);
    free(svg);

    /* automatic range, all values equal, no points */
    double flat[6] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    plot_series one = {"flat", flat, NULL, NULL, 0};
    plot_lines c2 = {NULL, NULL, NULL, x, 6, &one, 1, 0, 0, 0, 0};
    svg = lines_svg(&c2);
    TU_CHECK(strstr(svg, "nan") == NULL && strstr(svg, "inf") == NULL, "flat data: finite coordinates");
    free(svg);
    double none[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
    one.y = none;
    svg = lines_svg(&c2);
    TU_CHECK(count(svg, "<polyline") == 0 && strstr(svg, "nan") == NULL, "no finite value: no line");
    free(svg);
}

static void test_grid(void)
{
    enum { R = 3, Cc = 2, NB = 4 };
    double v[R * Cc * NB];
    for (size_t i = 0; i < R * Cc * NB; i++) v[i] = 0.1 * (double)(i % NB);
    v[5] = NAN;
    v[3] = 0.5; /* the maximum */
    const char *rows[R] = {"total", "fwd", "bwd"}, *cols[Cc] = {"very negative", "a<b"};
    const char *colors[R] = {"#1f77b4", NULL, "#2ca02c"};
    plot_bar_grid g = {"Figure 4", R, Cc, rows, cols, v, NB, colors, "position", 0.5, 150, 100};
    char *svg = grid_svg(&g);
    TU_CHECK(strncmp(svg, "<svg", 4) == 0 && strstr(svg, "</svg>") != NULL, "an svg element");
    /* 24 values, one NaN: 23 bars (each a rect with a title), 6 panel frames, 1 background */
    TU_CHECK(count(svg, "<title>") == 1 + 23, "bars with a tooltip: %zu", count(svg, "<title>") - 1);
    TU_CHECK(count(svg, "<rect") == 1 + 6 + 23, "rects: %zu", count(svg, "<rect"));
    TU_CHECK(strstr(svg, ">a&lt;b</text>") != NULL, "column name escaped");
    TU_CHECK(strstr(svg, "height=\"100.00\" fill=\"#1f77b4\"") != NULL, "the maximum fills its panel");
    TU_CHECK(strstr(svg, "fill=\"#777777\"") != NULL, "default colour for a row without one");
    free(svg);
}

int main(void)
{
    test_ticks();
    test_lines();
    test_grid();
    return tu_finish();
}
