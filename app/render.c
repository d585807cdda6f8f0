/*
 * render.c - heatmaps of explained sentences and the escaping and number
 * formatting of the output formats (render.h). Writes only to the caller's FILE*.
 *
 * T = number of words of a sentence.
 */
#include "app/render.h"

#include <math.h>
#include <string.h>

// ----------------------------------------------------------------------------
// colours

render_kind render_kind_of(lrp_method method)
{
    return method == LRP_METHOD_SA ? RENDER_POSITIVE : RENDER_SIGNED;
}

double render_norm(const double *relevance, size_t T, render_kind kind)
{
    double norm = 0.0;
    for (size_t t = 0; t < T; t++) {
        double r = relevance[t];
        if (!isfinite(r)) continue;
        double v = kind == RENDER_SIGNED ? fabs(r) : r;
        if (v > norm) norm = v;
    }
    return norm;
}

static unsigned char channel(double x)
{
    /* x in [0, 1]; round to nearest */
    return (unsigned char)lround(255.0 * x);
}

render_rgb render_color(double r, double norm, render_kind kind)
{
    render_rgb white = {255, 255, 255};
    if (!(norm > 0.0) || !isfinite(r) || !isfinite(norm)) return white;
    if (kind == RENDER_POSITIVE && r < 0.0) return white;
    double a = fabs(r) / norm;
    if (a > 1.0) a = 1.0;
    /* the bwr map: white -> red for positive, white -> blue for negative */
    unsigned char fade = channel(1.0 - a);
    render_rgb c = r >= 0.0 ? (render_rgb){255, fade, fade} : (render_rgb){fade, fade, 255};
    return c;
}

/* sRGB channel to linear light (WCAG 2 relative luminance) */
static double linear(unsigned char v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

render_rgb render_text_color(render_rgb bg)
{
    double L = 0.2126 * linear(bg.r) + 0.7152 * linear(bg.g) + 0.0722 * linear(bg.b);
    /* contrast with black (L + 0.05) / 0.05 vs with white 1.05 / (L + 0.05): equal at
     * L = sqrt(1.05 * 0.05) - 0.05 ~= 0.179 */
    render_rgb black = {0, 0, 0}, white = {255, 255, 255};
    return L > 0.179 ? black : white;
}

// ----------------------------------------------------------------------------
// heatmaps

double render_heatmap_norm(const render_heatmap *h)
{
    return h->norm > 0.0 ? h->norm : render_norm(h->relevance, h->T, h->kind);
}

static int is_unknown(const render_heatmap *h, size_t t) { return h->unknown && h->unknown[t]; }

size_t render_text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0u) != 0x80u;
    return w;
}

void render_heatmap_ansi(FILE *f, const render_heatmap *h) { render_heatmap_ansi_wrap(f, h, 0, 0, 0); }

void render_heatmap_ansi_wrap(FILE *f, const render_heatmap *h, size_t col, size_t width, size_t indent)
{
    double norm = render_heatmap_norm(h);
    for (size_t t = 0; t < h->T; t++) {
        render_rgb bg = render_color(h->relevance[t], norm, h->kind);
        render_rgb fg = render_text_color(bg);
        const size_t cell = render_text_width(h->words[t]) + 2; /* " word " */
        if (t && width && col + 1 + cell > width && col > indent) {
            fprintf(f, "\n%*s", (int)indent, ""); /* outside any colour: the word before is reset */
            col = indent;
        } else if (t) {
            fputc(' ', f);
            col++;
        }
        col += cell;
        fprintf(f, "\033[48;2;%u;%u;%um\033[38;2;%u;%u;%um", bg.r, bg.g, bg.b, fg.r, fg.g, fg.b);
        /* underline the word only, not its padding */
        fputs(is_unknown(h, t) ? " \033[4m" : " ", f);
        render_terminal_text(f, h->words[t]);
        fputs(is_unknown(h, t) ? "\033[24m \033[0m" : " \033[0m", f);
    }
}

void render_heatmap_html(FILE *f, const render_heatmap *h, const char *tooltip)
{
    double norm = render_heatmap_norm(h);
    for (size_t t = 0; t < h->T; t++) {
        render_rgb bg = render_color(h->relevance[t], norm, h->kind);
        render_rgb fg = render_text_color(bg);
        if (t) fputc(' ', f);
        fprintf(f, "<span class=\"w%s\" style=\"background:#%02x%02x%02x;color:#%02x%02x%02x\" title=\"",
                is_unknown(h, t) ? " unk" : "", bg.r, bg.g, bg.b, fg.r, fg.g, fg.b);
        if (tooltip) {
            render_html_text(f, tooltip);
            fputs(": ", f);
        }
        fprintf(f, "%.6g", h->relevance[t]);
        if (is_unknown(h, t)) fputs(" (unknown word)", f);
        fputs("\">", f);
        render_html_text(f, h->words[t]);
        fputs("</span>", f);
    }
}

void render_heatmap_latex(FILE *f, const render_heatmap *h)
{
    double norm = render_heatmap_norm(h);
    for (size_t t = 0; t < h->T; t++) {
        render_rgb bg = render_color(h->relevance[t], norm, h->kind);
        render_rgb fg = render_text_color(bg);
        if (t) fputc(' ', f);
        fprintf(f, "\\colorbox[RGB]{%u,%u,%u}{\\strut ", bg.r, bg.g, bg.b);
        if (fg.r) fputs("\\color{white}", f);
        if (is_unknown(h, t)) fputs("\\underline{", f);
        render_latex_text(f, h->words[t]);
        if (is_unknown(h, t)) fputc('}', f);
        fputc('}', f);
    }
}

// ----------------------------------------------------------------------------
// HTML page

/* a CSS linear-gradient over the colour scale of `kind`: -1..1 (signed) or 0..1 (positive) */
static void css_gradient(FILE *f, render_kind kind)
{
    const int n = 8;
    double lo = kind == RENDER_SIGNED ? -1.0 : 0.0;
    fputs("linear-gradient(to right", f);
    for (int k = 0; k <= n; k++) {
        render_rgb c = render_color(lo + (1.0 - lo) * k / n, 1.0, kind);
        fprintf(f, ",#%02x%02x%02x", c.r, c.g, c.b);
    }
    fputc(')', f);
}

void render_html_begin(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    render_html_text(f, title ? title : "");
    fputs("</title>\n<style>\n"
          "body{font-family:sans-serif;margin:2em;background:#fff;color:#000}\n"
          ".sentence{margin:1.2em 0;padding-bottom:.6em;border-bottom:1px solid #ddd}\n"
          ".meta{color:#444;font-size:90%;margin-bottom:.3em}\n"
          ".row{margin:.25em 0;line-height:2}\n"
          ".method{display:inline-block;min-width:14em;color:#444;font-size:90%}\n"
          ".w{padding:.1em .25em;border-radius:3px;white-space:pre}\n"
          ".unk{text-decoration:underline dotted}\n"
          ".error{color:#a00}\n"
          ".legend{font-size:90%;color:#444;margin-bottom:1.5em}\n"
          ".bar{display:inline-block;width:12em;height:1em;vertical-align:middle;"
          "border:1px solid #999;margin:0 .5em}\n"
          "</style>\n</head>\n<body>\n<h1>",
          f);
    render_html_text(f, title ? title : "");
    fputs("</h1>\n<div class=\"legend\">\n<div>LRP, LRP_cons, GI: negative<span class=\"bar\" "
          "style=\"background:",
          f);
    css_gradient(f, RENDER_SIGNED);
    fputs("\"></span>positive (intensity: |R| / largest |R| in the sentence)</div>\n"
          "<div>SA: 0<span class=\"bar\" style=\"background:",
          f);
    css_gradient(f, RENDER_POSITIVE);
    fputs("\"></span>largest R in the sentence</div>\n"
          "<div>Hover over a word for its relevance; <span class=\"unk\">dotted underline</span>: "
          "a word not in the vocabulary, read as the unknown word.</div>\n</div>\n",
          f);
}

void render_html_end(FILE *f) { fputs("</body>\n</html>\n", f); }

// ----------------------------------------------------------------------------
// escaping

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if the bytes there are not
 * one (bad lead byte, missing continuation, overlong form, surrogate, > U+10FFFF). */
static size_t utf8_sequence(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t n;
    unsigned long cp;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07u;
    else return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0u) != 0x80u) return 0; /* also stops at the NUL */
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void render_json_string(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    fputc('"', f);
    while (*s) {
        unsigned char c = *s;
        size_t n = utf8_sequence(s);
        if (n == 0) {
            fputs("\\ufffd", f);
            s++;
            continue;
        }
        if (n > 1) {
            fwrite(s, 1, n, f);
            s += n;
            continue;
        }
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20 || c == 0x7F) fprintf(f, "\\u%04x", c);
            else fputc(c, f);
        }
        s++;
    }
    fputc('"', f);
}

void render_terminal_text(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    for (; *s; s++) {
        if (*s < 0x20 || *s == 0x7F) {
            fputc('?', f);
        } else if (*s == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F) { /* U+0080..U+009F */
            fputc('?', f);
            s++;
        } else {
            fputc(*s, f);
        }
    }
}

void render_html_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

void render_latex_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '#': case '$': case '%': case '&': case '_': case '{': case '}':
            fputc('\\', f);
            fputc(*s, f);
            break;
        case '\\': fputs("\\textbackslash{}", f); break;
        case '~': fputs("\\textasciitilde{}", f); break;
        case '^': fputs("\\textasciicircum{}", f); break;
        case '<': fputs("\\textless{}", f); break;
        case '>': fputs("\\textgreater{}", f); break;
        case '|': fputs("\\textbar{}", f); break;
        case '"': fputs("\\textquotedbl{}", f); break;
        case '-':
            /* "--" would print as a dash; `` and '' are left to print as the quotes they stand for */
            fputc('-', f);
            if (s[1] == '-') fputs("{}", f);
            break;
        default: fputc(*s, f);
        }
    }
}

// ----------------------------------------------------------------------------
// numbers

const char *render_format_double(char buf[RENDER_DOUBLE_CHARS], double x)
{
    if (isnan(x)) strcpy(buf, "nan");
    else if (isinf(x)) strcpy(buf, x > 0 ? "inf" : "-inf");
    else snprintf(buf, RENDER_DOUBLE_CHARS, "%.17g", x);
    return buf;
}

void render_json_double(FILE *f, double x)
{
    if (!isfinite(x)) {
        fputs("null", f);
        return;
    }
    char buf[RENDER_DOUBLE_CHARS];
    fputs(render_format_double(buf, x), f);
}

void render_json_doubles(FILE *f, const double *x, size_t n)
{
    if (!x) {
        fputs("null", f);
        return;
    }
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i) fputc(',', f);
        render_json_double(f, x[i]);
    }
    fputc(']', f);
}
