/*
 * cmd_top_words.c - `lrp top-words`: the most and least relevant words for a class
 * over a data set, by SA and LRP, the paper's Table 1 (section 4.2). Every sentence
 * is explained for the target class; word occurrences are ranked by relevance and
 * the first k distinct words listed (or, with --aggregate mean, words ranked by
 * their mean relevance over at least --min-count occurrences). The ranking:
 * exp_rank_words (app/experiments.h).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "expcmd.h"
#include "app/render.h"

static const char *const formats[] = {"text", "json", "csv", NULL};
static const char *const method_names[2] = {"lrp", "sa"};
static const char *const list_names[2] = {"most", "least"};

static void usage(FILE *f, const expcmd *x)
{
    fprintf(f, "Usage: lrp top-words --data FILE [OPTIONS]\n"
               "Representative words for a class (Arras et al. 2017, Table 1): every sentence is\n"
               "explained for the target class by SA and LRP; the word occurrences are ranked by\n"
               "relevance and the first k distinct words of each end are listed.\n"
               "\n"
               "Options:\n"
               "  --target CLASS      the class: an index or a label name (default: 4)\n"
               "  --k N               words per list (default: %d)\n"
               "  --aggregate HOW     occurrence: rank occurrences, list the first k distinct\n"
               "                      words (the paper's); mean: rank words by their mean\n"
               "                      relevance (default: occurrence)\n"
               "  --min-count N       with --aggregate mean: only words seen at least N times\n"
               "                      (default: 1)\n",
               PAPER_TOP_WORDS);
    expcmd_help(f, x, 0);
    fprintf(f, "\nTies in relevance: the earlier occurrence in the data first (docs/experiments.md).\n"
               "Exit status: 0 success, 1 bad data or model, 2 usage error.\n"
               "Example: lrp top-words --data ../shared/data/sst/test.txt --target 4 --k 10\n");
}

// ----------------------------------------------------------------------------
// computing

void top_words_compute(const expcmd *x, const exp_run *run, top_words *tw)
{
    static const lrp_method methods[2] = {LRP_METHOD_LRP, LRP_METHOD_SA};
    double *values = malloc((x->total_words ? x->total_words : 1) * sizeof *values);
    if (!values) cli_die(EXIT_BAD_INPUT, "out of memory");
    tw->occurrences = x->total_words;
    for (int m = 0; m < 2; m++) {
        lrp_error err;
        lrp_status st = exp_word_relevance(x->model, x->sentences, x->n, tw->target, methods[m], run, values, &err);
        if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);
        for (int l = 0; l < 2; l++) {
            tw->list[m][l] = calloc(tw->k ? tw->k : 1, sizeof *tw->list[m][l]);
            if (!tw->list[m][l]) cli_die(EXIT_BAD_INPUT, "out of memory");
            st = exp_rank_words(x->words, values, x->total_words, tw->k, l == TW_LEAST, tw->aggregate, tw->min_count,
                                tw->list[m][l], &tw->n[m][l], &err);
            if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);
        }
    }
    free(values);
}

void top_words_free(top_words *tw)
{
    for (int m = 0; m < 2; m++)
        for (int l = 0; l < 2; l++) free(tw->list[m][l]);
}

// ----------------------------------------------------------------------------
// writers

static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0u) != 0x80u;
    return w;
}

void top_words_write_text(outbuf *o, const expcmd *x, const top_words *tw)
{
    outbuf_printf(o, "Representative words (Arras et al. 2017, Table 1): target %d (", tw->target);
    render_terminal_text(o, lrp_model_label(x->model, (size_t)tw->target));
    outbuf_printf(o, "), %zu sentence%s, %zu word occurrence%s;\n", x->n, cli_s(x->n), tw->occurrences,
                  cli_s(tw->occurrences));
    if (tw->aggregate == EXP_AGG_MEAN)
        outbuf_printf(o, "words ranked by mean relevance over at least %zu occurrences.\n\n", tw->min_count);
    else outbuf_printf(o, "occurrences ranked by relevance, the first %zu distinct words.\n\n", tw->k);
    /* four columns: SA most, SA least, LRP most, LRP least, as the paper's table */
    static const int order[4][2] = {{TW_SA, TW_MOST}, {TW_SA, TW_LEAST}, {TW_LRP, TW_MOST}, {TW_LRP, TW_LEAST}};
    static const char *const heads[4] = {"SA most", "SA least", "LRP most", "LRP least"};
    size_t width[4], rows = 0;
    char cell[64];
    for (int c = 0; c < 4; c++) {
        int m = order[c][0], l = order[c][1];
        width[c] = strlen(heads[c]);
        if (tw->n[m][l] > rows) rows = tw->n[m][l];
        for (size_t r = 0; r < tw->n[m][l]; r++) {
            size_t w = text_width(tw->list[m][l][r].word) + (size_t)snprintf(cell, sizeof cell, " %.3g", tw->list[m][l][r].value);
            if (w > width[c]) width[c] = w;
        }
    }
    outbuf_printf(o, "%4s", "");
    for (int c = 0; c < 4; c++) outbuf_printf(o, "  %-*s", (int)width[c], heads[c]);
    outbuf_putc(o, '\n');
    for (size_t r = 0; r < rows; r++) {
        outbuf_printf(o, "%4zu", r + 1);
        for (int c = 0; c < 4; c++) {
            int m = order[c][0], l = order[c][1];
            outbuf_puts(o, "  ");
            if (r >= tw->n[m][l]) {
                outbuf_printf(o, "%*s", (int)width[c], "");
                continue;
            }
            const exp_ranked *e = &tw->list[m][l][r];
            render_terminal_text(o, e->word);
            int len = snprintf(cell, sizeof cell, " %.3g", e->value);
            outbuf_printf(o, "%s%*s", cell, (int)(width[c] - text_width(e->word) - (size_t)len), "");
        }
        outbuf_putc(o, '\n');
    }
}

static void json_list(outbuf *o, const expcmd *x, const exp_ranked *list, size_t n)
{
    outbuf_putc(o, '[');
    for (size_t r = 0; r < n; r++) {
        const exp_ranked *e = &list[r];
        outbuf_puts(o, r ? ",{\"word\":" : "{\"word\":");
        render_json_string(o, e->word);
        outbuf_puts(o, ",\"relevance\":");
        render_json_double(o, e->value);
        size_t i = expcmd_sentence_of(x, e->occurrence);
        int label = expcmd_leaf_label(x, e->occurrence);
        outbuf_printf(o, ",\"count\":%zu,\"line\":%zu,\"position\":%zu,\"leaf_label\":", e->count, x->corpus.sentences[i].line,
                      e->occurrence - x->offset[i]);
        if (label >= 0) outbuf_printf(o, "%d}", label);
        else outbuf_puts(o, "null}");
    }
    outbuf_putc(o, ']');
}

void top_words_write_json(outbuf *o, const expcmd *x, const top_words *tw)
{
    outbuf_printf(o, "{\"target\":%d,\"k\":%zu", tw->target, tw->k);
    for (int m = 0; m < 2; m++) {
        outbuf_printf(o, ",\"%s\":{", method_names[m]);
        for (int l = 0; l < 2; l++) {
            outbuf_printf(o, "%s\"%s\":", l ? "," : "", list_names[l]);
            json_list(o, x, tw->list[m][l], tw->n[m][l]);
        }
        outbuf_putc(o, '}');
    }
    outbuf_puts(o, "}\n");
}

void top_words_write_csv(outbuf *o, const expcmd *x, const top_words *tw)
{
    outbuf_puts(o, "method,list,rank,word,relevance,count,line,position,leaf_label\n");
    for (int m = 0; m < 2; m++)
        for (int l = 0; l < 2; l++)
            for (size_t r = 0; r < tw->n[m][l]; r++) {
                const exp_ranked *e = &tw->list[m][l][r];
                size_t i = expcmd_sentence_of(x, e->occurrence);
                int label = expcmd_leaf_label(x, e->occurrence);
                outbuf_printf(o, "%s,%s,%zu,", method_names[m], list_names[l], r + 1);
                expcmd_csv_field(o, e->word);
                outbuf_putc(o, ',');
                outbuf_double(o, e->value);
                outbuf_printf(o, ",%zu,%zu,%zu,", e->count, x->corpus.sentences[i].line, e->occurrence - x->offset[i]);
                if (label >= 0) outbuf_printf(o, "%d", label);
                outbuf_putc(o, '\n');
            }
}

// ----------------------------------------------------------------------------
// the command

int cmd_top_words(int argc, char **argv)
{
    enum { O_TARGET = 256, O_K, O_AGG, O_MINCOUNT };
    static const struct option longopts[] = {{"target", required_argument, NULL, O_TARGET},
                                             {"k", required_argument, NULL, O_K},
                                             {"aggregate", required_argument, NULL, O_AGG},
                                             {"min-count", required_argument, NULL, O_MINCOUNT},
                                             EXPCMD_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    expcmd x;
    expcmd_init(&x, formats);
    top_words tw;
    memset(&tw, 0, sizeof tw);
    tw.k = PAPER_TOP_WORDS;
    tw.min_count = 1;
    tw.aggregate = EXP_AGG_OCCURRENCE;
    const char *target = "4";
    int c, min_count_given = 0;
    while ((c = expcmd_getopt(&x, argc, argv, longopts, usage)) != -1) {
        switch (c) {
        case O_TARGET: target = optarg; break;
        case O_K: tw.k = (size_t)cli_parse_long("--k", optarg, 1, 100000); break;
        case O_AGG:
            if (strcmp(optarg, "occurrence") == 0) tw.aggregate = EXP_AGG_OCCURRENCE;
            else if (strcmp(optarg, "mean") == 0) tw.aggregate = EXP_AGG_MEAN;
            else cli_usage("--aggregate: '%s' is neither occurrence nor mean", optarg);
            break;
        case O_MINCOUNT:
            tw.min_count = (size_t)cli_parse_long("--min-count", optarg, 1, 1000000000L);
            min_count_given = 1;
            break;
        }
    }
    if (min_count_given && tw.aggregate != EXP_AGG_MEAN) cli_usage("--min-count goes with --aggregate mean");
    expcmd_load(&x);
    tw.target = lrp_model_label_index(x.model, target);
    if (tw.target < 0) {
        size_t C = x.info.classes;
        expcmd_free(&x);
        cli_usage("--target: '%s' is neither a class index in [0, %zu) nor a label of the model", target, C);
    }

    exp_run run;
    expcmd_run(&x, &run, "top-words");
    top_words_compute(&x, &run, &tw);
    expcmd_progress_done(&x);

    const char *fmt = expcmd_format(&x);
    if (strcmp(fmt, "json") == 0) top_words_write_json(cli_out(), &x, &tw);
    else if (strcmp(fmt, "csv") == 0) top_words_write_csv(cli_out(), &x, &tw);
    else top_words_write_text(cli_out(), &x, &tw);
    cli_flush_output();
    top_words_free(&tw);
    expcmd_free(&x);
    return EXIT_OK;
}
