/*
 * render.h - explained sentences drawn as heatmaps, as in the paper's Figures 1
 * and 2, and the escaping and number formatting every output format needs.
 * Internal (not installed); used by `lrp explain` and `lrp heatmaps`.
 *
 * Colours (Arras et al. 2017, Fig. 1 and 2): white at zero relevance, pure red at
 * the sentence's largest positive value, pure blue at its most negative value,
 * linear in between (matplotlib's "bwr" map):
 *   RENDER_SIGNED    (LRP, LRP_cons, GI): intensity a = |R| / max_t |R_t|;
 *                    R >= 0 -> (255, 255(1-a), 255(1-a)), R < 0 -> (255(1-a), 255(1-a), 255)
 *   RENDER_POSITIVE  (SA, whose relevances are >= 0): red only, a = R / max_t R_t;
 *                    values below zero are drawn white
 *
 * Every writer goes to a caller's buffered writer (app/outbuf.h) and never prints
 * anywhere else. T is the number of words of a sentence.
 */
#ifndef LRP_RENDER_H
#define LRP_RENDER_H

#include <stddef.h>

#include "app/outbuf.h"
#include "lrp.h"

// ----------------------------------------------------------------------------
// colours

typedef struct render_rgb {
    unsigned char r, g, b;
} render_rgb;

typedef enum render_kind {
    RENDER_SIGNED = 0,  /* red positive, blue negative, normalised by the largest |R| */
    RENDER_POSITIVE = 1 /* red only, normalised by the largest R (SA) */
} render_kind;

/* The paper's colour scheme for a method: RENDER_POSITIVE for SA, else RENDER_SIGNED. */
render_kind render_kind_of(lrp_method method);

/* The normaliser of a sentence: max |R_t| (signed) or max R_t (positive) over the
 * finite values of relevance [T]; 0 when there is none above zero. */
double render_norm(const double *relevance, size_t T, render_kind kind);

/* Background colour of relevance r under normaliser norm (see the top of this file);
 * intensity clipped to [0, 1]; white when norm <= 0 or r is not finite. */
render_rgb render_color(double r, double norm, render_kind kind);

/* Black or white, whichever contrasts more with bg (WCAG relative luminance), so a
 * word stays readable whatever the terminal's or page's own background. */
render_rgb render_text_color(render_rgb bg);

// ----------------------------------------------------------------------------
// heatmaps of one sentence

typedef struct render_heatmap {
    size_t T;
    const char *const *words;     /* [T] UTF-8 tokens */
    const double *relevance;      /* [T] */
    const unsigned char *unknown; /* [T] or NULL; nonzero: not in the vocabulary (read as unk) */
    render_kind kind;
    double norm;                  /* > 0: use this normaliser; else render_norm(relevance) */
} render_heatmap;

/* The normaliser a heatmap is drawn with (h->norm, or computed). */
double render_heatmap_norm(const render_heatmap *h);

/* Terminal: each word as " word " on a 24-bit background (ESC[48;2;R;G;Bm) with a
 * black or white foreground, unknown words underlined, words separated by one
 * uncoloured space; attributes reset after each word; words through
 * render_terminal_text. No newline at the end. */
void render_heatmap_ansi(outbuf *o, const render_heatmap *h);

/* The same, starting at column `col` of a terminal `width` columns wide (0: no limit):
 * a word that would pass the last column goes on a new line, which starts at column
 * `indent`, broken after the previous word's reset. So the terminal never wraps inside
 * a coloured word: one that fills a new line with the current background would draw a
 * band across it. */
void render_heatmap_ansi_wrap(outbuf *o, const render_heatmap *h, size_t col, size_t width, size_t indent);

/* Columns that render_terminal_text takes for s (one per code point). */
size_t render_text_width(const char *s);

/* HTML: one <span class="w"> per word with inline background and text colour and
 * the relevance as tooltip (title="<tooltip>: R", R with 6 significant digits);
 * unknown words get class "w unk" and say so in the tooltip. Words are escaped,
 * separated by a space. tooltip may be NULL. No newline. */
void render_heatmap_html(outbuf *o, const render_heatmap *h, const char *tooltip);

/* LaTeX (needs \usepackage{xcolor}): \colorbox[RGB]{r,g,b}{\strut word} per word,
 * special characters escaped, unknown words underlined, separated by a space.
 * No newline. */
void render_heatmap_latex(outbuf *o, const render_heatmap *h);

/* A self-contained HTML page (inline CSS, UTF-8, a legend for both colour schemes):
 * begin writes everything up to and including <body> and the legend; the caller
 * writes the sentences; end closes the page. title is escaped. */
void render_html_begin(outbuf *o, const char *title);
void render_html_end(outbuf *o);

// ----------------------------------------------------------------------------
// escaping

/* s as a JSON string, quotes included: ", \ and control characters escaped, bytes
 * that are not valid UTF-8 replaced by U+FFFD, so the output is always valid JSON. */
void render_json_string(outbuf *o, const char *s);

/* s for a terminal: control characters (C0, DEL and the two-byte C1 range) written
 * as '?', so that text from the input or a model file cannot send commands to the
 * terminal. Every other byte as it is. */
void render_terminal_text(outbuf *o, const char *s);

/* The same rule applied to s in place (it may get shorter), for text that goes out by
 * other means (messages on standard error). */
void render_terminal_defuse(char *s);

/* s with & < > " ' as character references. */
void render_html_text(outbuf *o, const char *s);

/* s for LaTeX text mode: # $ % & _ { } escaped with a backslash; \ ~ ^ < > | " as
 * \textbackslash{} \textasciitilde{} ... (text symbols), "--" broken up so it stays
 * two hyphens. The treebank's `` and '' are left alone: TeX prints them as the
 * opening and closing quotes they stand for. */
void render_latex_text(outbuf *o, const char *s);

// ----------------------------------------------------------------------------
// numbers

/* Numbers that a program reads back (JSON, TSV, CSV) are written with outbuf_double:
 * the shortest text that reads back as exactly x (app/numfmt.h), in %.17g's spelling. */

/* x as a JSON number (outbuf_double), or null when x is not finite. */
void render_json_double(outbuf *o, double x);

/* [x0,x1,...] as JSON numbers; "null" when x is NULL. */
void render_json_doubles(outbuf *o, const double *x, size_t n);

#endif /* LRP_RENDER_H */
