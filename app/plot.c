/*
 * plot.c - line charts and bar grids as SVG (plot.h).
 */
#include "app/plot.h"

#include <math.h>
#include <string.h>

#include "app/render.h"

size_t plot_ticks(double lo, double hi, size_t max_ticks, double *ticks)
{
    if (!(isfinite(lo) && isfinite(hi)) || max_ticks == 0) return 0;
    if (hi < lo) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi == lo || max_ticks == 1) {
        ticks[0] = lo;
        return 1;
    }
    double raw = (hi - lo) / (double)(max_ticks - 1);
    double p = pow(10.0, floor(log10(raw)));
    static const double steps[] = {1.0, 2.0, 5.0, 10.0};
    for (size_t s = 0; s < 4; s++) {
        double step = steps[s] * p;
        double first = ceil(lo / step - 1e-9);
        size_t n = 0;
        for (double k = first; k * step <= hi + 1e-9 * step && n <= max_ticks; k += 1.0) n++;
        if (n <= max_ticks) {
            for (size_t i = 0; i < n; i++) {
                double v = (first + (double)i) * step;
                ticks[i] = fabs(v) < 1e-12 * step ? 0.0 : v; /* no "-0" */
            }
            return n;
        }
    }
    ticks[0] = lo;
    ticks[1] = hi;
    return 2;
}

/* digits after the point that a tick step needs */
static int tick_decimals(const double *ticks, size_t n)
{
    if (n < 2) return 2;
    double step = fabs(ticks[1] - ticks[0]);
    int d = (int)ceil(-log10(step) - 1e-9);
    return d < 0 ? 0 : (d > 6 ? 6 : d);
}

static void text(outbuf *o, double x, double y, const char *anchor, const char *extra, const char *s)
{
    outbuf_printf(o, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\"%s%s>", x, y, anchor, extra ? " " : "",
                  extra ? extra : "");
    render_html_text(o, s ? s : "");
    outbuf_puts(o, "</text>\n");
}

static void svg_begin(outbuf *o, int w, int h, const char *title)
{
    outbuf_printf(o,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "font-family=\"sans-serif\" font-size=\"11\" role=\"img\">\n<title>",
            w, h, w, h);
    render_html_text(o, title ? title : "");
    outbuf_printf(o, "</title>\n<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w, h);
}

// ----------------------------------------------------------------------------
// line charts

void plot_lines_svg(outbuf *o, const plot_lines *c)
{
    const int W = c->width > 0 ? c->width : 420, H = c->height > 0 ? c->height : 300;
    const double ml = 52, mr = 96, mt = c->title ? 26 : 10, mb = 40;
    const double pw = W - ml - mr, ph = H - mt - mb;

    /* ranges */
    double x0 = c->n ? c->x[0] : 0.0, x1 = c->n ? c->x[c->n - 1] : 1.0;
    if (!(x1 > x0)) x1 = x0 + 1.0;
    double y0 = c->ymin, y1 = c->ymax;
    if (!(y0 < y1)) {
        y0 = INFINITY, y1 = -INFINITY;
        for (size_t s = 0; s < c->n_series; s++)
            for (size_t i = 0; i < c->n; i++) {
                double e = c->series[s].err && isfinite(c->series[s].err[i]) ? c->series[s].err[i] : 0.0;
                double v = c->series[s].y[i];
                if (!isfinite(v)) continue;
                if (v - e < y0) y0 = v - e;
                if (v + e > y1) y1 = v + e;
            }
        if (!(y0 <= y1)) y0 = 0.0, y1 = 1.0;
        if (y0 == y1) y0 -= 0.5, y1 += 0.5;
        double pad = 0.05 * (y1 - y0);
        y0 -= pad, y1 += pad;
    }
#define PX(v) (ml + ((v) - x0) / (x1 - x0) * pw)
#define PY(v) (mt + ph - ((v) - y0) / (y1 - y0) * ph)

    svg_begin(o, W, H, c->title);
    if (c->title) text(o, ml + pw / 2, 16, "middle", "font-weight=\"bold\"", c->title);

    /* grid, ticks and their labels */
    double ticks[16];
    char buf[64];
    size_t nt = plot_ticks(y0, y1, 6, ticks);
    int dec = tick_decimals(ticks, nt);
    for (size_t i = 0; i < nt; i++) {
        double y = PY(ticks[i]);
        outbuf_printf(o, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#e5e5e5\"/>\n", ml, y, ml + pw, y);
        snprintf(buf, sizeof buf, "%.*f", dec, ticks[i]);
        text(o, ml - 5, y + 4, "end", NULL, buf);
    }
    nt = plot_ticks(x0, x1, c->n >= 2 && c->n < 11 ? c->n : 11, ticks);
    dec = tick_decimals(ticks, nt);
    for (size_t i = 0; i < nt; i++) {
        double x = PX(ticks[i]);
        outbuf_printf(o, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#000000\"/>\n", x, mt + ph, x,
                      mt + ph + 4);
        snprintf(buf, sizeof buf, "%.*f", dec, ticks[i]);
        text(o, x, mt + ph + 15, "middle", NULL, buf);
    }
    outbuf_printf(o, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"#000000\"/>\n", ml,
                  mt, pw, ph);
    if (c->xlabel) text(o, ml + pw / 2, H - 8, "middle", NULL, c->xlabel);
    if (c->ylabel) {
        snprintf(buf, sizeof buf, "transform=\"rotate(-90 %.2f %.2f)\"", 13.0, mt + ph / 2);
        text(o, 13, mt + ph / 2, "middle", buf, c->ylabel);
    }

    /* series: band, line (broken at non-finite values), markers */
    for (size_t s = 0; s < c->n_series; s++) {
        const plot_series *se = &c->series[s];
        const char *col = se->color ? se->color : "#333333";
        if (se->err) {
            size_t i = 0;
            while (i < c->n) {
                while (i < c->n && !(isfinite(se->y[i]) && isfinite(se->err[i]))) i++;
                size_t j = i;
                while (j < c->n && isfinite(se->y[j]) && isfinite(se->err[j])) j++;
                if (j > i) {
                    outbuf_printf(o, "<polygon fill=\"%s\" fill-opacity=\"0.2\" stroke=\"none\" points=\"", col);
                    for (size_t k = i; k < j; k++) outbuf_printf(o, "%.2f,%.2f ", PX(c->x[k]), PY(se->y[k] + se->err[k]));
                    for (size_t k = j; k-- > i;) outbuf_printf(o, "%.2f,%.2f ", PX(c->x[k]), PY(se->y[k] - se->err[k]));
                    outbuf_puts(o, "\"/>\n");
                }
                i = j;
            }
        }
        size_t i = 0;
        while (i < c->n) {
            while (i < c->n && !isfinite(se->y[i])) i++;
            size_t j = i;
            while (j < c->n && isfinite(se->y[j])) j++;
            if (j > i) {
                outbuf_printf(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", col,
                              se->dashed ? " stroke-dasharray=\"5,3\"" : "");
                for (size_t k = i; k < j; k++) outbuf_printf(o, "%.2f,%.2f%s", PX(c->x[k]), PY(se->y[k]), k + 1 < j ? " " : "");
                outbuf_puts(o, "\"/>\n");
            }
            i = j;
        }
        for (size_t k = 0; k < c->n; k++)
            if (isfinite(se->y[k]))
                outbuf_printf(o, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\"/>\n", PX(c->x[k]), PY(se->y[k]), col);
    }

    /* legend, right of the plot */
    for (size_t s = 0; s < c->n_series; s++) {
        const plot_series *se = &c->series[s];
        double y = mt + 10 + 16.0 * (double)s, x = ml + pw + 8;
        outbuf_printf(o, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", x,
                      y, x + 18, y, se->color ? se->color : "#333333", se->dashed ? " stroke-dasharray=\"5,3\"" : "");
        text(o, x + 22, y + 4, "start", NULL, se->name);
    }
    outbuf_puts(o, "</svg>\n");
#undef PX
#undef PY
}

// ----------------------------------------------------------------------------
// bar grids

void plot_bar_grid_svg(outbuf *o, const plot_bar_grid *g)
{
    const int pw = g->panel_width > 0 ? g->panel_width : 150, ph = g->panel_height > 0 ? g->panel_height : 100;
    const double ml = 96, mt = (g->title ? 26 : 6) + 16, mb = g->xlabel ? 34 : 18, gap = 12;
    const double W = ml + (double)g->cols * (pw + gap), H = mt + (double)g->rows * (ph + gap) + mb;
    const size_t nb = g->n_bars;

    double ymax = g->ymax;
    if (!(ymax > 0)) {
        ymax = 0.0;
        for (size_t i = 0; i < g->rows * g->cols * nb; i++)
            if (isfinite(g->values[i]) && g->values[i] > ymax) ymax = g->values[i];
        if (!(ymax > 0)) ymax = 1.0;
        ymax *= 1.05;
    }
    double ticks[8];
    size_t nt = plot_ticks(0.0, ymax, 3, ticks);
    int dec = tick_decimals(ticks, nt);
    char buf[64];

    svg_begin(o, (int)ceil(W), (int)ceil(H), g->title);
    if (g->title) text(o, W / 2, 16, "middle", "font-weight=\"bold\"", g->title);
    for (size_t c = 0; c < g->cols; c++)
        text(o, ml + (double)c * (pw + gap) + pw / 2.0, mt - 5, "middle", NULL, g->col_names ? g->col_names[c] : "");
    for (size_t r = 0; r < g->rows; r++) {
        double top = mt + (double)r * (ph + gap);
        text(o, ml - 30, top + ph / 2.0 + 4, "end", NULL, g->row_names ? g->row_names[r] : "");
        const char *col = g->row_colors && g->row_colors[r] ? g->row_colors[r] : "#777777";
        for (size_t c = 0; c < g->cols; c++) {
            double left = ml + (double)c * (pw + gap);
            outbuf_printf(o, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999999\"/>\n",
                          left, top, pw, ph);
            const double *v = g->values + (r * g->cols + c) * nb;
            double bw = nb ? (double)pw / (double)nb : 0.0;
            for (size_t b = 0; b < nb; b++) {
                if (!isfinite(v[b])) continue;
                double h = (v[b] < 0 ? 0 : (v[b] > ymax ? ymax : v[b])) / ymax * ph;
                outbuf_printf(o, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>", left + (double)b * bw + 1,
                              top + ph - h, bw - 2 > 0.5 ? bw - 2 : 0.5, h, col);
                snprintf(buf, sizeof buf, "%zu: %.4f", b, v[b]);
                render_html_text(o, buf);
                outbuf_puts(o, "</title></rect>\n");
            }
            if (c == 0)
                for (size_t i = 0; i < nt; i++) {
                    double y = top + ph - ticks[i] / ymax * ph;
                    outbuf_printf(o, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#000000\"/>\n", left - 4, y,
                                  left, y);
                    snprintf(buf, sizeof buf, "%.*f", dec, ticks[i]);
                    text(o, left - 6, y + 4, "end", NULL, buf);
                }
        }
    }
    if (g->xlabel) text(o, ml + ((double)g->cols * (pw + gap) - gap) / 2, H - 10, "middle", NULL, g->xlabel);
    outbuf_puts(o, "</svg>\n");
}
