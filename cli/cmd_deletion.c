/*
 * cmd_deletion.c - `lrp deletion`: the word deletion experiment of the paper's
 * Figure 3 (section 4.3). Relevances for the true class on the original sentences;
 * words deleted (embedding zeroed) in decreasing relevance order on initially
 * correct sentences and increasing order on initially false ones; the fraction
 * classified correctly after k = 0..K deletions for lrp, lrp-cons, sa, gi and random
 * (mean and std over the runs). The arithmetic: exp_deletion (app/experiments.h).
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

/* colours of the variants, as in the other figures: LRP red, SA blue */
static const char *const variant_colors[EXP_DEL_VARIANTS] = {"#d62728", "#ff9896", "#1f77b4", "#2ca02c", "#7f7f7f"};

static void usage(FILE *f, const expcmd *x)
{
    fprintf(f, "Usage: lrp deletion --data FILE [OPTIONS]\n"
               "The word deletion experiment (Arras et al. 2017, Figure 3): how fast deleting the\n"
               "most relevant words (initially correct sentences) or the least relevant words\n"
               "(initially false sentences) changes the classifier's decision, for LRP, LRP_cons,\n"
               "SA, GI and random deletion. Relevance is computed once, for the true class, on\n"
               "the original sentence; a word is deleted by zeroing its embedding; ties in\n"
               "relevance are broken by position, earlier first.\n"
               "\n"
               "Options:\n"
               "  --min-length N      sentences of at least N words (default: %d)\n"
               "  --max-deletions K   delete up to K words (default: %d)\n"
               "  --random-runs R     runs of random deletion, averaged (default: %d)\n"
               "  --figure FILE       also write the figure (both panels) as SVG\n",
               PAPER_DELETION_MIN_LENGTH, PAPER_DELETION_MAX_WORDS, PAPER_DELETION_RANDOM_RUNS);
    expcmd_help(f, x, 1);
    fprintf(f, "\nOutput: for each panel and k = 0..K, the fraction of the panel's sentences\n"
               "classified correctly after k deletions (docs/experiments.md).\n"
               "Exit status: 0 success, 1 bad data or model, 2 usage error.\n"
               "Example: lrp deletion --data ../shared/data/sst/test.txt --format json\n");
}

// ----------------------------------------------------------------------------
// writers

static const char *panel_name(int panel) { return panel ? "false" : "correct"; }

static void num(outbuf *o, double v)
{
    if (isfinite(v)) outbuf_printf(o, "%8.4f", v);
    else outbuf_printf(o, "%8s", "n/a");
}

void deletion_write_text(outbuf *o, const exp_deletion_result *r, size_t min_length)
{
    outbuf_printf(o, "Word deletion (Arras et al. 2017, Figure 3): %zu sentence%s of at least %zu words,\n"
                     "relevance for the true class; random: mean (std) over %zu run%s.\n",
                  r->sentences, cli_s(r->sentences), min_length, r->random_runs, cli_s(r->random_runs));
    for (int panel = 0; panel < 2; panel++) {
        const exp_deletion_panel *p = panel ? &r->false_ : &r->correct;
        outbuf_printf(o, "\ninitially %s: %zu sentence%s, words deleted in %s order of relevance\n"
                         "fraction classified correctly after k deletions:\n%3s",
                      panel ? "falsely classified" : "correctly classified", p->n, cli_s(p->n),
                      panel ? "increasing" : "decreasing", "k");
        for (int v = 0; v < EXP_DEL_VARIANTS; v++) outbuf_printf(o, "%10s", exp_deletion_name(v));
        outbuf_printf(o, "%10s\n", "(std)");
        for (size_t k = 0; k <= r->max_deletions; k++) {
            outbuf_printf(o, "%3zu", k);
            for (int v = 0; v < EXP_DEL_VARIANTS; v++) {
                outbuf_puts(o, "  ");
                num(o, p->accuracy[v][k]);
            }
            outbuf_puts(o, "  ");
            num(o, p->random_std[k]);
            outbuf_putc(o, '\n');
        }
    }
}

void deletion_write_json(outbuf *o, const exp_deletion_result *r)
{
    size_t K1 = r->max_deletions + 1;
    outbuf_printf(o, "{\"sentences\":%zu,\"max_deletions\":%zu", r->sentences, r->max_deletions);
    for (int panel = 0; panel < 2; panel++) {
        const exp_deletion_panel *p = panel ? &r->false_ : &r->correct;
        outbuf_printf(o, ",\"%s\":{\"n\":%zu,\"accuracy\":{", panel_name(panel), p->n);
        for (int v = 0; v < EXP_DEL_VARIANTS; v++) {
            outbuf_printf(o, "%s\"%s\":", v ? "," : "", exp_deletion_name(v));
            render_json_doubles(o, p->accuracy[v], K1);
        }
        outbuf_puts(o, "},\"random_std\":");
        render_json_doubles(o, p->random_std, K1);
        outbuf_putc(o, '}');
    }
    outbuf_puts(o, "}\n");
}

void deletion_write_csv(outbuf *o, const exp_deletion_result *r)
{
    outbuf_puts(o, "panel,n,k");
    for (int v = 0; v < EXP_DEL_VARIANTS; v++) outbuf_printf(o, ",%s", exp_deletion_name(v));
    outbuf_puts(o, ",random_std\n");
    for (int panel = 0; panel < 2; panel++) {
        const exp_deletion_panel *p = panel ? &r->false_ : &r->correct;
        for (size_t k = 0; k <= r->max_deletions; k++) {
            outbuf_printf(o, "%s,%zu,%zu", panel_name(panel), p->n, k);
            for (int v = 0; v < EXP_DEL_VARIANTS; v++) {
                outbuf_putc(o, ',');
                outbuf_double(o, p->accuracy[v][k]);
            }
            outbuf_putc(o, ',');
            outbuf_double(o, p->random_std[k]);
            outbuf_putc(o, '\n');
        }
    }
}

void deletion_write_panel_svg(outbuf *o, const exp_deletion_result *r, int panel)
{
    const exp_deletion_panel *p = panel ? &r->false_ : &r->correct;
    size_t K1 = r->max_deletions + 1;
    double *x = malloc(K1 * sizeof *x);
    if (!x) cli_die(EXIT_BAD_INPUT, "out of memory");
    for (size_t k = 0; k < K1; k++) x[k] = (double)k;
    plot_series s[EXP_DEL_VARIANTS];
    static const char *const legend[EXP_DEL_VARIANTS] = {"LRP", "LRP_cons", "SA", "GI", "random"};
    for (int v = 0; v < EXP_DEL_VARIANTS; v++)
        s[v] = (plot_series){legend[v], p->accuracy[v], v == EXP_DEL_RANDOM ? p->random_std : NULL, variant_colors[v],
                             v == EXP_DEL_LRP_CONS || v == EXP_DEL_RANDOM};
    char title[160];
    snprintf(title, sizeof title, "initially %s (%zu sentence%s)", panel ? "false" : "correct", p->n, cli_s(p->n));
    /* the correct panel falls from 1, the false one rises from 0: its y axis up to the
     * largest value (rounded up to a tenth) so that the curves can be told apart */
    double ymax = 1.0;
    if (panel) {
        double top = 0.0;
        for (int v = 0; v < EXP_DEL_VARIANTS; v++)
            for (size_t k = 0; k < K1; k++) {
                double y = p->accuracy[v][k] + (v == EXP_DEL_RANDOM && isfinite(p->random_std[k]) ? p->random_std[k] : 0.0);
                if (isfinite(y) && y > top) top = y;
            }
        ymax = ceil(top * 10.0 - 1e-9) / 10.0;
        if (ymax < 0.1) ymax = 0.1;
        if (ymax > 1.0) ymax = 1.0;
    }
    plot_lines c = {title, panel ? "k words deleted, increasing relevance" : "k words deleted, decreasing relevance",
                    "accuracy", x, K1, s, EXP_DEL_VARIANTS, 0.0, ymax, 420, 300};
    plot_lines_svg(o, &c);
    free(x);
}

void deletion_write_svg(outbuf *o, const exp_deletion_result *r)
{
    outbuf_puts(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"840\" height=\"300\" viewBox=\"0 0 840 300\">\n");
    for (int panel = 0; panel < 2; panel++) {
        outbuf_printf(o, "<g transform=\"translate(%d,0)\">\n", panel * 420);
        deletion_write_panel_svg(o, r, panel);
        outbuf_puts(o, "</g>\n");
    }
    outbuf_puts(o, "</svg>\n");
}

static void write_svg(outbuf *o, const void *r) { deletion_write_svg(o, r); }

static lrp_status fill_svg(FILE *f, void *ctx, lrp_error *err) { return expcmd_fill(f, write_svg, ctx, err); }

// ----------------------------------------------------------------------------
// the command

int cmd_deletion(int argc, char **argv)
{
    enum { O_MIN = 256, O_MAXDEL, O_RUNS, O_FIGURE };
    static const struct option longopts[] = {
        {"min-length", required_argument, NULL, O_MIN}, {"max-deletions", required_argument, NULL, O_MAXDEL},
        {"random-runs", required_argument, NULL, O_RUNS}, {"figure", required_argument, NULL, O_FIGURE},
        EXPCMD_LONGOPTS, {NULL, 0, NULL, 0}};
    expcmd x;
    expcmd_init(&x, formats);
    exp_deletion_options o;
    exp_deletion_options_init(&o);
    const char *figure = NULL;
    int c;
    while ((c = expcmd_getopt(&x, argc, argv, longopts, usage)) != -1) {
        switch (c) {
        case O_MIN: o.min_length = (size_t)cli_parse_long("--min-length", optarg, 1, LRP_MAX_LENGTH); break;
        case O_MAXDEL: o.max_deletions = (size_t)cli_parse_long("--max-deletions", optarg, 0, 1000); break;
        case O_RUNS: o.random_runs = (size_t)cli_parse_long("--random-runs", optarg, 1, 10000); break;
        case O_FIGURE: figure = optarg; break;
        }
    }
    o.seed = x.seed;
    expcmd_load(&x);

    exp_run run;
    expcmd_run(&x, &run, "deletion");
    exp_deletion_result r;
    lrp_error err;
    lrp_status st = exp_deletion(x.model, x.sentences, x.n, &o, &run, &r, &err);
    expcmd_progress_done(&x);
    if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);
    if (r.sentences == 0) cli_warn("no sentence of %s has at least %zu words", x.data_path, o.min_length);

    const char *fmt = expcmd_format(&x);
    if (strcmp(fmt, "json") == 0) deletion_write_json(cli_out(), &r);
    else if (strcmp(fmt, "csv") == 0) deletion_write_csv(cli_out(), &r);
    else deletion_write_text(cli_out(), &r, o.min_length);
    cli_flush_output();
    if (figure) expcmd_write_file(figure, fill_svg, &r);
    exp_deletion_free(&r);
    expcmd_free(&x);
    return EXIT_OK;
}
