/*
 * render.c - heatmaps of explained sentences and the escaping and number
 * formatting of the output formats (render.h). Writes only to the caller's writer.
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

void render_heatmap_ansi(outbuf *o, const render_heatmap *h) { render_heatmap_ansi_wrap(o, h, 0, 0, 0); }

void render_heatmap_ansi_wrap(outbuf *o, const render_heatmap *h, size_t col, size_t width, size_t indent)
{
    double norm = render_heatmap_norm(h);
    for (size_t t = 0; t < h->T; t++) {
        render_rgb bg = render_color(h->relevance[t], norm, h->kind);
        render_rgb fg = render_text_color(bg);
        const size_t cell = render_text_width(h->words[t]) + 2; /* " word " */
        if (t && width && col + 1 + cell > width && col > indent) {
            outbuf_printf(o, "\n%*s", (int)indent, ""); /* outside any colour: the word before is reset */
            col = indent;
        } else if (t) {
            outbuf_putc(o, ' ');
            col++;
        }
        col += cell;
        outbuf_printf(o, "\033[48;2;%u;%u;%um\033[38;2;%u;%u;%um", bg.r, bg.g, bg.b, fg.r, fg.g, fg.b);
        /* underline the word only, not its padding */
        outbuf_puts(o, is_unknown(h, t) ? " \033[4m" : " ");
        render_terminal_text(o, h->words[t]);
        outbuf_puts(o, is_unknown(h, t) ? "\033[24m \033[0m" : " \033[0m");
    }
}

/* c as six lowercase hexadecimal digits (printf's %02x%02x%02x) */
static void hex_rgb(outbuf *o, render_rgb c)
{
    static const char digit[] = "0123456789abcdef";
    char *p = outbuf_reserve(o, 6);
    const unsigned char v[3] = {c.r, c.g, c.b};
    for (int k = 0; k < 3; k++) {
        p[2 * k] = digit[v[k] >> 4];
        p[2 * k + 1] = digit[v[k] & 15];
    }
    o->len += 6;
}

void render_heatmap_html(outbuf *o, const render_heatmap *h, const char *tooltip)
{
    double norm = render_heatmap_norm(h);
    for (size_t t = 0; t < h->T; t++) {
        render_rgb bg = render_color(h->relevance[t], norm, h->kind);
        render_rgb fg = render_text_color(bg);
        if (t) outbuf_putc(o, ' ');
        outbuf_puts(o, is_unknown(h, t) ? "<span class=\"w unk\" style=\"background:#"
                                        : "<span class=\"w\" style=\"background:#");
        hex_rgb(o, bg);
        outbuf_puts(o, ";color:#");
        hex_rgb(o, fg);
        outbuf_puts(o, "\" title=\"");
        if (tooltip) {
            render_html_text(o, tooltip);
            outbuf_puts(o, ": ");
        }
        outbuf_printf(o, "%.6g", h->relevance[t]);
        if (is_unknown(h, t)) outbuf_puts(o, " (unknown word)");
        outbuf_puts(o, "\">");
        render_html_text(o, h->words[t]);
        outbuf_puts(o, "</span>");
    }
}

void render_heatmap_latex(outbuf *o, const render_heatmap *h)
{
    double norm = render_heatmap_norm(h);
    for (size_t t = 0; t < h->T; t++) {
        render_rgb bg = render_color(h->relevance[t], norm, h->kind);
        render_rgb fg = render_text_color(bg);
        if (t) outbuf_putc(o, ' ');
        outbuf_printf(o, "\\colorbox[RGB]{%u,%u,%u}{\\strut ", bg.r, bg.g, bg.b);
        if (fg.r) outbuf_puts(o, "\\color{white}");
        if (is_unknown(h, t)) outbuf_puts(o, "\\underline{");
        render_latex_text(o, h->words[t]);
        if (is_unknown(h, t)) outbuf_putc(o, '}');
        outbuf_putc(o, '}');
    }
}

// ----------------------------------------------------------------------------
// HTML page

/* a CSS linear-gradient over the colour scale of `kind`: -1..1 (signed) or 0..1 (positive) */
static void css_gradient(outbuf *o, render_kind kind)
{
    const int n = 8;
    double lo = kind == RENDER_SIGNED ? -1.0 : 0.0;
    outbuf_puts(o, "linear-gradient(to right");
    for (int k = 0; k <= n; k++) {
        render_rgb c = render_color(lo + (1.0 - lo) * k / n, 1.0, kind);
        outbuf_puts(o, ",#");
        hex_rgb(o, c);
    }
    outbuf_putc(o, ')');
}

void render_html_begin(outbuf *o, const char *title)
{
    outbuf_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    render_html_text(o, title ? title : "");
    outbuf_puts(o, "</title>\n<style>\n"
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
                   "</style>\n</head>\n<body>\n<h1>");
    render_html_text(o, title ? title : "");
    outbuf_puts(o, "</h1>\n<div class=\"legend\">\n<div>LRP, LRP_cons, GI: negative<span class=\"bar\" "
                   "style=\"background:");
    css_gradient(o, RENDER_SIGNED);
    outbuf_puts(o, "\"></span>positive (intensity: |R| / largest |R| in the sentence)</div>\n"
                   "<div>SA: 0<span class=\"bar\" style=\"background:");
    css_gradient(o, RENDER_POSITIVE);
    outbuf_puts(o, "\"></span>largest R in the sentence</div>\n"
                   "<div>Hover over a word for its relevance; <span class=\"unk\">dotted underline</span>: "
                   "a word not in the vocabulary, read as the unknown word.</div>\n</div>\n");
}

void render_html_end(outbuf *o) { outbuf_puts(o, "</body>\n</html>\n"); }

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

void render_json_string(outbuf *o, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    outbuf_putc(o, '"');
    while (*s) {
        unsigned char c = *s;
        size_t n = utf8_sequence(s);
        if (n == 0) {
            outbuf_puts(o, "\\ufffd");
            s++;
            continue;
        }
        if (n > 1) {
            outbuf_write(o, s, n);
            s += n;
            continue;
        }
        switch (c) {
        case '"': outbuf_puts(o, "\\\""); break;
        case '\\': outbuf_puts(o, "\\\\"); break;
        case '\n': outbuf_puts(o, "\\n"); break;
        case '\r': outbuf_puts(o, "\\r"); break;
        case '\t': outbuf_puts(o, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7F) outbuf_printf(o, "\\u%04x", c);
            else outbuf_putc(o, (char)c);
        }
        s++;
    }
    outbuf_putc(o, '"');
}

/* The bytes of a control character at s: 1 (C0, DEL), 2 (C1: U+0080..U+009F), else 0. */
static size_t control_bytes(const unsigned char *s)
{
    if (*s < 0x20 || *s == 0x7F) return 1;
    return s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F ? 2 : 0;
}

void render_terminal_text(outbuf *o, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        size_t n = control_bytes(s);
        outbuf_putc(o, n ? '?' : (char)*s);
        s += n ? n : 1;
    }
}

void render_terminal_defuse(char *str)
{
    unsigned char *s = (unsigned char *)str, *d = s;
    while (*s) {
        size_t n = control_bytes(s);
        *d++ = n ? '?' : *s;
        s += n ? n : 1;
    }
    *d = '\0';
}

void render_html_text(outbuf *o, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': outbuf_puts(o, "&amp;"); break;
        case '<': outbuf_puts(o, "&lt;"); break;
        case '>': outbuf_puts(o, "&gt;"); break;
        case '"': outbuf_puts(o, "&quot;"); break;
        case '\'': outbuf_puts(o, "&#39;"); break;
        default: outbuf_putc(o, *s);
        }
    }
}

void render_latex_text(outbuf *o, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '#': case '$': case '%': case '&': case '_': case '{': case '}':
            outbuf_putc(o, '\\');
            outbuf_putc(o, *s);
            break;
        case '\\': outbuf_puts(o, "\\textbackslash{}"); break;
        case '~': outbuf_puts(o, "\\textasciitilde{}"); break;
        case '^': outbuf_puts(o, "\\textasciicircum{}"); break;
        case '<': outbuf_puts(o, "\\textless{}"); break;
        case '>': outbuf_puts(o, "\\textgreater{}"); break;
        case '|': outbuf_puts(o, "\\textbar{}"); break;
        case '"': outbuf_puts(o, "\\textquotedbl{}"); break;
        case '-':
            /* "--" would print as a dash; `` and '' are left to print as the quotes they stand for */
            outbuf_putc(o, '-');
            if (s[1] == '-') outbuf_puts(o, "{}");
            break;
        default: outbuf_putc(o, *s);
        }
    }
}

// ----------------------------------------------------------------------------
// numbers

void render_json_double(outbuf *o, double x)
{
    if (isfinite(x)) outbuf_double(o, x);
    else outbuf_puts(o, "null");
}

void render_json_doubles(outbuf *o, const double *x, size_t n)
{
    if (!x) {
        outbuf_puts(o, "null");
        return;
    }
    outbuf_putc(o, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) outbuf_putc(o, ',');
        render_json_double(o, x[i]);
    }
    outbuf_putc(o, ']');
}
