/*
 * cmd_position.c - `lrp position`: relevance by position in the sentence, the
 * paper's Figure 4 (section 4.4). For each target class, LRP's |R| and SA's R of
 * the words of every sentence of at least N words are split over B equal intervals
 * of the sentence (word t of T covers [t/T, (t+1)/T)), summed over the sentences and
 * normalised: for the total relevance and for each encoder's own part. The
 * arithmetic: exp_position (app/experiments.h).
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "expcmd.h"
#include "app/plot.h"
#include "app/render.h"

static const char *const formats[] = {"text", "json", "csv", NULL};
static const char *const method_names[EXP_POS_METHODS] = {"lrp", "sa"};
static const char *const part_names[EXP_POS_PARTS] = {"total", "fwd", "bwd"};

static void usage(FILE *f, const expcmd *x)
{
    fprintf(f, "Usage: lrp position --data FILE [OPTIONS]\n"
               "Relevance by position in the sentence (Arras et al. 2017, Figure 4): for each\n"
               "target class, how LRP's |R| and SA's R are distributed over B equal intervals\n"
               "of the sentences, for the total relevance and for the forward (left) and\n"
               "backward (right) encoders' own parts.\n"
               "\n"
               "Options:\n"
               "  --min-length N      sentences of at least N words (default: %d)\n"
               "  --bins B            intervals (default: %d)\n"
               "  --figure FILE       also write the figure (a 3 x C grid per method) as SVG\n",
               PAPER_POSITION_MIN_LENGTH, PAPER_POSITION_BINS);
    expcmd_help(f, x, 0);
    fprintf(f, "\nEach distribution sums to 1 (docs/experiments.md). Exit status: 0 success,\n"
               "1 bad data or model, 2 usage error.\n"
               "Example: lrp position --data ../shared/data/sst/test.txt --format json\n");
}

// ----------------------------------------------------------------------------
// writers

void position_write_text(outbuf *o, const exp_position_result *r, const lrp_model *model, size_t min_length)
{
    outbuf_printf(o, "Relevance by position (Arras et al. 2017, Figure 4): %zu sentence%s of at least\n"
                     "%zu words, %zu interval%s; LRP |R|, SA R; each row sums to 1.\n",
                  r->sentences, cli_s(r->sentences), min_length, r->bins, cli_s(r->bins));
    for (int m = 0; m < EXP_POS_METHODS; m++)
        for (size_t c = 0; c < r->classes; c++) {
            outbuf_printf(o, "\n%s, target %zu (", m == EXP_POS_LRP ? "LRP" : "SA", c);
            render_terminal_text(o, lrp_model_label(model, c));
            outbuf_puts(o, "):\n");
            for (int part = 0; part < EXP_POS_PARTS; part++) {
                if (part == EXP_POS_BWD && !r->has_bwd) continue;
                outbuf_printf(o, "  %-6s", part_names[part]);
                const double *d = exp_position_dist(r, m, c, part);
                for (size_t b = 0; b < r->bins; b++) outbuf_printf(o, " %.4f", d[b]);
                outbuf_putc(o, '\n');
            }
        }
}

void position_write_json(outbuf *o, const exp_position_result *r)
{
    outbuf_printf(o, "{\"sentences\":%zu,\"bins\":%zu", r->sentences, r->bins);
    for (int m = 0; m < EXP_POS_METHODS; m++) {
        outbuf_printf(o, ",\"%s\":{", method_names[m]);
        for (size_t c = 0; c < r->classes; c++) {
            outbuf_printf(o, "%s\"%zu\":{", c ? "," : "", c);
            for (int part = 0; part < EXP_POS_PARTS; part++) {
                outbuf_printf(o, "%s\"%s\":", part ? "," : "", part_names[part]);
                render_json_doubles(o, part == EXP_POS_BWD && !r->has_bwd ? NULL : exp_position_dist(r, m, c, part),
                                    r->bins);
            }
            outbuf_putc(o, '}');
        }
        outbuf_putc(o, '}');
    }
    outbuf_puts(o, "}\n");
}

void position_write_csv(outbuf *o, const exp_position_result *r, const lrp_model *model)
{
    outbuf_puts(o, "method,target,target_label,part");
    for (size_t b = 0; b < r->bins; b++) outbuf_printf(o, ",bin_%zu", b);
    outbuf_putc(o, '\n');
    for (int m = 0; m < EXP_POS_METHODS; m++)
        for (size_t c = 0; c < r->classes; c++)
            for (int part = 0; part < EXP_POS_PARTS; part++) {
                if (part == EXP_POS_BWD && !r->has_bwd) continue;
                outbuf_printf(o, "%s,%zu,", method_names[m], c);
                expcmd_csv_field(o, lrp_model_label(model, c));
                outbuf_printf(o, ",%s", part_names[part]);
                const double *d = exp_position_dist(r, m, c, part);
                for (size_t b = 0; b < r->bins; b++) {
                    outbuf_putc(o, ',');
                    outbuf_double(o, d[b]);
                }
                outbuf_putc(o, '\n');
            }
}

void position_write_grid_svg(outbuf *o, const exp_position_result *r, const lrp_model *model, int method)
{
    size_t rows = r->has_bwd ? 3 : 2, C = r->classes, B = r->bins;
    double *v = malloc(rows * C * B * sizeof *v);
    const char **cols = malloc(C * sizeof *cols);
    if (!v || !cols) cli_die(EXIT_BAD_INPUT, "out of memory");
    for (size_t row = 0; row < rows; row++)
        for (size_t c = 0; c < C; c++) memcpy(v + (row * C + c) * B, exp_position_dist(r, method, c, (int)row), B * sizeof *v);
    for (size_t c = 0; c < C; c++) cols[c] = lrp_model_label(model, c);
    static const char *const rows_lrp[3] = {"total", "left (fwd)", "right (bwd)"};
    static const char *const colors_lrp[3] = {"#d62728", "#e377c2", "#ff7f0e"};
    static const char *const colors_sa[3] = {"#1f77b4", "#17becf", "#9467bd"};
    char title[128];
    snprintf(title, sizeof title, "%s relevance by position (%zu sentence%s)", method == EXP_POS_LRP ? "LRP |R|" : "SA",
             r->sentences, cli_s(r->sentences));
    plot_bar_grid g = {title, rows, C, rows_lrp, cols, v, B,
                       method == EXP_POS_LRP ? colors_lrp : colors_sa, "position in the sentence (intervals)", 0.0, 140, 90};
    plot_bar_grid_svg(o, &g);
    free(v);
    free(cols);
}

typedef struct svg_ctx {
    const exp_position_result *r;
    const lrp_model *model;
} svg_ctx;

void position_write_svg(outbuf *o, const exp_position_result *r, const lrp_model *model)
{
    /* the two grids one under the other; their height from the grid's layout */
    size_t rows = r->has_bwd ? 3 : 2;
    int h = 42 + (int)rows * (90 + 12) + 34, w = 96 + (int)r->classes * (140 + 12);
    outbuf_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", w,
                  EXP_POS_METHODS * h, w, EXP_POS_METHODS * h);
    for (int m = 0; m < EXP_POS_METHODS; m++) {
        outbuf_printf(o, "<g transform=\"translate(0,%d)\">\n", m * h);
        position_write_grid_svg(o, r, model, m);
        outbuf_puts(o, "</g>\n");
    }
    outbuf_puts(o, "</svg>\n");
}

static void write_svg(outbuf *o, const void *ctx)
{
    const svg_ctx *s = ctx;
    position_write_svg(o, s->r, s->model);
}

static lrp_status fill_svg(FILE *f, void *ctx, lrp_error *err) { return expcmd_fill(f, write_svg, ctx, err); }

// ----------------------------------------------------------------------------
// the command

int cmd_position(int argc, char **argv)
{
    enum { O_MIN = 256, O_BINS, O_FIGURE };
    static const struct option longopts[] = {{"min-length", required_argument, NULL, O_MIN},
                                             {"bins", required_argument, NULL, O_BINS},
                                             {"figure", required_argument, NULL, O_FIGURE},
                                             EXPCMD_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    expcmd x;
    expcmd_init(&x, formats);
    size_t min_length = PAPER_POSITION_MIN_LENGTH, bins = PAPER_POSITION_BINS;
    const char *figure = NULL;
    int c;
    while ((c = expcmd_getopt(&x, argc, argv, longopts, usage)) != -1) {
        switch (c) {
        case O_MIN: min_length = (size_t)cli_parse_long("--min-length", optarg, 1, LRP_MAX_LENGTH); break;
        case O_BINS: bins = (size_t)cli_parse_long("--bins", optarg, 1, 1000); break;
        case O_FIGURE: figure = optarg; break;
        }
    }
    expcmd_load(&x);

    exp_run run;
    expcmd_run(&x, &run, "position");
    exp_position_result r;
    lrp_error err;
    lrp_status st = exp_position(x.model, x.sentences, x.n, min_length, bins, &run, &r, &err);
    expcmd_progress_done(&x);
    if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);
    if (r.sentences == 0) cli_warn("no sentence of %s has at least %zu words", x.data_path, min_length);

    const char *fmt = expcmd_format(&x);
    if (strcmp(fmt, "json") == 0) position_write_json(cli_out(), &r);
    else if (strcmp(fmt, "csv") == 0) position_write_csv(cli_out(), &r, x.model);
    else position_write_text(cli_out(), &r, x.model, min_length);
    cli_flush_output();
    if (figure) {
        svg_ctx s = {&r, x.model};
        expcmd_write_file(figure, fill_svg, &s);
    }
    exp_position_free(&r);
    expcmd_free(&x);
    return EXIT_OK;
}
