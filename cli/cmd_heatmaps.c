/*
 * cmd_heatmaps.c - `lrp heatmaps`: the paper's Figures 1 and 2 (section 4.1): chosen
 * lines of a data file as a table of true class, predicted class, number, and the
 * sentence as an SA heatmap (red only, normalised to the sentence's largest R) and an
 * LRP heatmap (red positive, blue negative, normalised to its largest |R|), both for
 * the sentence's true class. HTML and LaTeX for the figure; text, JSON Lines and CSV
 * for the numbers.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "expcmd.h"
#include "app/render.h"

static const char *const formats[] = {"text", "json", "csv", "html", "latex", NULL};

const size_t heatmaps_paper_lines[PAPER_HEATMAP_LINES] = {2089, 1322, 1486, 1417, 841, 2193, 1451, 2197, 1605, 1543, 1956,
                                         1966, 1842, 645,  1166, 1724, 1675, 1898, 851,  736,  860};

static void usage(FILE *f, const expcmd *x)
{
    fprintf(f, "Usage: lrp heatmaps --data FILE [--lines LIST] [OPTIONS]\n"
               "Heatmaps of chosen sentences (Arras et al. 2017, Figures 1 and 2): true and\n"
               "predicted class, and the sentence coloured by SA (red, normalised to the\n"
               "sentence's largest relevance) and by LRP (red for, blue against, normalised to\n"
               "its largest |relevance|), both for the sentence's true class.\n"
               "\n"
               "Options:\n"
               "  --lines LIST        comma-separated line numbers of the data file (1-based),\n"
               "                      in the order wanted, or 'paper': the paper's %d lines of\n"
               "                      the SST test set (default: every sentence)\n",
               PAPER_HEATMAP_LINES);
    expcmd_help(f, x, 0);
    fprintf(f, "\nhtml is a self-contained page, latex a tabular (needs \\usepackage{xcolor}).\n"
               "Exit status: 0 success, 1 bad data, model or a line with no sentence, 2 usage error.\n"
               "Example: lrp heatmaps --data ../shared/data/sst/test.txt --lines paper --format html\n");
}

// ----------------------------------------------------------------------------
// computing

size_t heatmaps_find_line(const expcmd *x, size_t line)
{
    size_t lo = 0, hi = x->n; /* sentences are in line order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->corpus.sentences[mid].line < line) lo = mid + 1;
        else hi = mid;
    }
    return lo < x->n && x->corpus.sentences[lo].line == line ? lo : (size_t)-1;
}

void heatmaps_compute(const expcmd *x, const exp_run *run, const size_t *index, size_t n, heatmaps *h)
{
    h->n = n;
    h->index = malloc((n ? n : 1) * sizeof *h->index);
    h->res = calloc(n ? n : 1, sizeof *h->res);
    exp_sentence *s = malloc((n ? n : 1) * sizeof *s);
    if (!h->index || !h->res || !s) cli_die(EXIT_BAD_INPUT, "out of memory");
    for (size_t k = 0; k < n; k++) {
        h->index[k] = index[k];
        s[k] = x->sentences[index[k]];
    }
    lrp_error err;
    lrp_status st = exp_explain_true(x->model, s, n, LRP_METHOD_BIT(LRP_METHOD_LRP) | LRP_METHOD_BIT(LRP_METHOD_SA), run,
                                     h->res, &err);
    free(s);
    if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);
}

void heatmaps_free(heatmaps *h)
{
    for (size_t k = 0; k < h->n; k++) lrp_result_free(&h->res[k]);
    free(h->res);
    free(h->index);
}

/* the paper's notation for the five SST classes, else the label */
static const char *notation(const expcmd *x, int c)
{
    static const char *const names[5] = {"very negative", "negative", "neutral", "positive", "very positive"};
    static const char *const short_names[5] = {"--", "-", "0", "+", "++"};
    const char *label = lrp_model_label(x->model, (size_t)c);
    if (x->info.classes == 5 && strcmp(label, names[c]) == 0) return short_names[c];
    return label;
}

static render_heatmap heatmap_of(const expcmd *x, const heatmaps *h, size_t k, int sa)
{
    size_t i = h->index[k];
    const lrp_explanation *e = &h->res[k].explanations[sa ? 1 : 0];
    render_heatmap m = {x->sentences[i].T, (const char *const *)(x->words + x->offset[i]), e->relevance,
                        x->unknown + x->offset[i], sa ? RENDER_POSITIVE : RENDER_SIGNED, 0.0};
    return m;
}

// ----------------------------------------------------------------------------
// writers

void heatmaps_write_html_table(outbuf *o, const expcmd *x, const heatmaps *h)
{
    outbuf_puts(o, "<table class=\"heatmaps\">\n<tr><th>true</th><th>predicted</th><th>N&deg;</th><th>line</th>"
                   "<th>SA (red: relevance, normalised to the sentence's maximum)</th>"
                   "<th>LRP (red: for the true class, blue: against it)</th></tr>\n");
    for (size_t k = 0; k < h->n; k++) {
        size_t i = h->index[k];
        outbuf_puts(o, "<tr><td>");
        render_html_text(o, notation(x, x->sentences[i].label));
        outbuf_puts(o, "</td><td>");
        render_html_text(o, notation(x, h->res[k].predicted));
        outbuf_printf(o, "</td><td>%zu.</td><td>%zu</td><td>", k + 1, x->corpus.sentences[i].line);
        render_heatmap sa = heatmap_of(x, h, k, 1), lrp = heatmap_of(x, h, k, 0);
        render_heatmap_html(o, &sa, "sa");
        outbuf_puts(o, "</td><td>");
        render_heatmap_html(o, &lrp, "lrp");
        outbuf_puts(o, "</td></tr>\n");
    }
    outbuf_puts(o, "</table>\n");
}

static void write_html(outbuf *o, const expcmd *x, const heatmaps *h)
{
    render_html_begin(o, "Heatmaps (Arras et al. 2017, Figures 1 and 2)");
    outbuf_puts(o, "<style>.heatmaps td,.heatmaps th{padding:.2em .5em;text-align:left;vertical-align:top;"
                   "border-bottom:1px solid #eee}</style>\n");
    if (x->info.classes == 5)
        outbuf_puts(o, "<p>Notation: -- very negative, - negative, 0 neutral, + positive, ++ very positive. "
                       "Relevance for the true class.</p>\n");
    heatmaps_write_html_table(o, x, h);
    render_html_end(o);
}

void heatmaps_write_latex(outbuf *o, const expcmd *x, const heatmaps *h)
{
    outbuf_printf(o, "%% lrp heatmaps: Arras et al. 2017, Figures 1 and 2; needs \\usepackage{xcolor}.\n"
                     "%% SA: red, normalised to the sentence's largest relevance; LRP: red for the true class,\n"
                     "%% blue against it, normalised to the largest |relevance|.\n"
                     "{\\setlength{\\fboxsep}{1pt}\n"
                     "\\begin{tabular}{llr p{0.38\\textwidth} p{0.38\\textwidth}}\n"
                     "true & predicted & N\\textsuperscript{o} & SA & LRP \\\\\n\\hline\n");
    for (size_t k = 0; k < h->n; k++) {
        size_t i = h->index[k];
        render_latex_text(o, notation(x, x->sentences[i].label));
        outbuf_puts(o, " & ");
        render_latex_text(o, notation(x, h->res[k].predicted));
        outbuf_printf(o, " & %zu. & ", k + 1);
        render_heatmap sa = heatmap_of(x, h, k, 1), lrp = heatmap_of(x, h, k, 0);
        render_heatmap_latex(o, &sa);
        outbuf_puts(o, " & ");
        render_heatmap_latex(o, &lrp);
        outbuf_printf(o, " \\\\ %% line %zu\n", x->corpus.sentences[i].line);
    }
    outbuf_printf(o, "\\end{tabular}}\n");
}

static void write_json(outbuf *o, const expcmd *x, const heatmaps *h)
{
    for (size_t k = 0; k < h->n; k++) {
        size_t i = h->index[k], T = x->sentences[i].T;
        outbuf_printf(o, "{\"line\":%zu,\"true\":%d,\"true_label\":", x->corpus.sentences[i].line,
                      x->sentences[i].label);
        render_json_string(o, lrp_model_label(x->model, (size_t)x->sentences[i].label));
        outbuf_printf(o, ",\"predicted\":%d,\"label\":", h->res[k].predicted);
        render_json_string(o, lrp_model_label(x->model, (size_t)h->res[k].predicted));
        outbuf_puts(o, ",\"tokens\":[");
        for (size_t t = 0; t < T; t++) {
            if (t) outbuf_putc(o, ',');
            render_json_string(o, x->words[x->offset[i] + t]);
        }
        outbuf_puts(o, "],\"unknown\":[");
        for (size_t t = 0; t < T; t++) {
            if (t) outbuf_putc(o, ',');
            outbuf_puts(o, x->unknown[x->offset[i] + t] ? "true" : "false");
        }
        outbuf_puts(o, "],\"sa\":");
        render_json_doubles(o, h->res[k].explanations[1].relevance, T);
        outbuf_puts(o, ",\"lrp\":");
        render_json_doubles(o, h->res[k].explanations[0].relevance, T);
        outbuf_puts(o, "}\n");
    }
}

static void write_csv(outbuf *o, const expcmd *x, const heatmaps *h)
{
    outbuf_puts(o, "line,position,token,true,predicted,sa,lrp\n");
    for (size_t k = 0; k < h->n; k++) {
        size_t i = h->index[k];
        for (size_t t = 0; t < x->sentences[i].T; t++) {
            outbuf_printf(o, "%zu,%zu,", x->corpus.sentences[i].line, t);
            expcmd_csv_field(o, x->words[x->offset[i] + t]);
            outbuf_printf(o, ",%d,%d,", x->sentences[i].label, h->res[k].predicted);
            outbuf_double(o, h->res[k].explanations[1].relevance[t]);
            outbuf_putc(o, ',');
            outbuf_double(o, h->res[k].explanations[0].relevance[t]);
            outbuf_putc(o, '\n');
        }
    }
}

static void write_text(outbuf *o, const expcmd *x, const heatmaps *h)
{
    int color = cli_use_color(stdout);
    size_t width = color ? cli_terminal_width(stdout) : 0;
    for (size_t k = 0; k < h->n; k++) {
        size_t i = h->index[k], T = x->sentences[i].T;
        outbuf_printf(o, "%zu. line %zu: true ", k + 1, x->corpus.sentences[i].line);
        render_terminal_text(o, lrp_model_label(x->model, (size_t)x->sentences[i].label));
        outbuf_puts(o, ", predicted ");
        render_terminal_text(o, lrp_model_label(x->model, (size_t)h->res[k].predicted));
        outbuf_putc(o, '\n');
        for (int sa = 1; sa >= 0; sa--) {
            outbuf_printf(o, "  %-4s", sa ? "sa" : "lrp");
            render_heatmap m = heatmap_of(x, h, k, sa);
            if (color) {
                render_heatmap_ansi_wrap(o, &m, 6, width, 6);
            } else {
                for (size_t t = 0; t < T; t++) {
                    outbuf_putc(o, ' ');
                    render_terminal_text(o, m.words[t]);
                    outbuf_printf(o, "(%.3g)", m.relevance[t]);
                }
            }
            outbuf_putc(o, '\n');
        }
    }
}

// ----------------------------------------------------------------------------
// the command

size_t *heatmaps_parse_lines(const char *list, size_t *n)
{
    size_t cap = 0, *idx = NULL;
    *n = 0;
    if (strcmp(list, "paper") == 0) {
        idx = malloc(sizeof heatmaps_paper_lines);
        if (!idx) cli_die(EXIT_BAD_INPUT, "out of memory");
        memcpy(idx, heatmaps_paper_lines, sizeof heatmaps_paper_lines);
        *n = PAPER_HEATMAP_LINES;
        return idx;
    }
    /* two passes: every item checked (exiting 2 on a bad one) before anything is allocated */
    for (int pass = 0; pass < 2; pass++) {
        const char *p = list;
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            char item[32];
            if (len == 0 || len >= sizeof item) cli_usage("--lines: '%s' is not a list of line numbers", list);
            memcpy(item, p, len);
            item[len] = '\0';
            long line = cli_parse_long("--lines", item, 1, 0x7fffffffL);
            if (pass == 1) idx[*n] = (size_t)line;
            (*n)++;
            if (!comma) break;
            p = comma + 1;
        }
        if (pass == 0) {
            cap = *n;
            *n = 0;
            idx = malloc(cap * sizeof *idx);
            if (!idx) cli_die(EXIT_BAD_INPUT, "out of memory");
        }
    }
    return idx;
}

void heatmaps_resolve_lines(const expcmd *x, size_t *idx, size_t n)
{
    int paper = n == PAPER_HEATMAP_LINES && memcmp(idx, heatmaps_paper_lines, sizeof heatmaps_paper_lines) == 0;
    for (size_t k = 0; k < n; k++) {
        size_t line = idx[k];
        idx[k] = heatmaps_find_line(x, line);
        if (idx[k] != (size_t)-1) continue;
        free(idx);
        if (paper)
            cli_die(EXIT_BAD_INPUT, "--lines paper: line %zu is not a sentence of %s (the paper's lines are of "
                    "the SST test set, test.txt)", line, x->data_path);
        cli_die(EXIT_BAD_INPUT, "--lines: line %zu of %s holds no sentence (%zu sentence%s, last on line %zu)", line,
                x->data_path, x->n, cli_s(x->n), x->corpus.sentences[x->n - 1].line);
    }
}

int cmd_heatmaps(int argc, char **argv)
{
    enum { O_LINES = 256 };
    static const struct option longopts[] = {{"lines", required_argument, NULL, O_LINES}, EXPCMD_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    expcmd x;
    expcmd_init(&x, formats);
    const char *lines = NULL;
    int c;
    while ((c = expcmd_getopt(&x, argc, argv, longopts, usage)) != -1) {
        switch (c) {
        case O_LINES: lines = optarg; break;
        }
    }
    size_t n = 0, *idx = NULL;
    if (lines) idx = heatmaps_parse_lines(lines, &n); /* usage errors before loading anything */
    expcmd_load(&x);
    if (lines) {
        heatmaps_resolve_lines(&x, idx, n);
    } else {
        n = x.n;
        idx = malloc(n * sizeof *idx);
        if (!idx) cli_die(EXIT_BAD_INPUT, "out of memory");
        for (size_t k = 0; k < n; k++) idx[k] = k;
    }

    exp_run run;
    expcmd_run(&x, &run, "heatmaps");
    heatmaps h;
    heatmaps_compute(&x, &run, idx, n, &h);
    expcmd_progress_done(&x);
    const char *fmt = expcmd_format(&x);
    if (strcmp(fmt, "html") == 0) write_html(cli_out(), &x, &h);
    else if (strcmp(fmt, "latex") == 0) heatmaps_write_latex(cli_out(), &x, &h);
    else if (strcmp(fmt, "json") == 0) write_json(cli_out(), &x, &h);
    else if (strcmp(fmt, "csv") == 0) write_csv(cli_out(), &x, &h);
    else write_text(cli_out(), &x, &h);
    cli_flush_output();
    heatmaps_free(&h);
    free(idx);
    expcmd_free(&x);
    return EXIT_OK;
}
