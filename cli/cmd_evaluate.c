/*
 * cmd_evaluate.c - `lrp evaluate`: sentence-level fine-grained accuracy, binary
 * accuracy on the non-neutral sentences (five-class models) and the confusion
 * matrix of a model on a labelled file (treebank trees or LABEL<TAB>sentence lines),
 * as text or one JSON object (docs/cli.md). The numbers come from evaluate.h.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "app/dataset.h"
#include "app/evaluate.h"
#include "app/render.h"
#include "run.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: lrp evaluate [OPTIONS] --data FILE\n"
            "Accuracy of a model on labelled sentences: fine-grained (all classes), binary\n"
            "on the non-neutral sentences (five-class models: %s),\n"
            "and the confusion matrix.\n"
            "\n"
            "Options:\n"
            "  --data FILE         labelled sentences ('-' = standard input): treebank trees\n"
            "                      (a line starting with '(') or LABEL<TAB>sentence lines,\n"
            "                      LABEL a label name or class index; blank lines are\n"
            "                      skipped (required; no default)\n"
            "  --pretokenized      LABEL<TAB>sentence: the sentence is tokens separated by\n"
            "                      spaces or tabs, taken as they are (default: raw text,\n"
            "                      tokenized)\n"
            "  --model FILE        model file (default: $LRP_MODEL, else %s)\n"
            "  --format FORMAT     text or json (one JSON object) (default: text)\n"
            "  --threads N         threads, 0 = all cores (default: 0, here %d)\n"
            "  -h, --help          show this help\n"
            "\n",
            EVAL_BINARY_RULE, cli_model_path(NULL), lrp_default_threads());
    cli_load_options_help(f);
    fprintf(f,
            "\n"
            "Exit status: 0 success, 1 bad data file or model, 2 usage error.\n"
            "Example: lrp evaluate --data ../shared/data/sst/test.txt\n");
}

static void write_text(const char *path, const lrp_model *m, const eval_result *r)
{
    outbuf *o = cli_out();
    outbuf_printf(o, "data           %s (%zu sentence%s", path, r->n, cli_s(r->n));
    if (r->unknown_words)
        outbuf_printf(o, ", %zu unknown word%s read as the unk word", r->unknown_words, cli_s(r->unknown_words));
    outbuf_printf(o, ")\n");
    outbuf_printf(o, "fine-grained   %.4f (%zu/%zu)\n", eval_accuracy(r), r->correct, r->n);
    if (r->has_binary)
        outbuf_printf(o, "binary         %.4f (%zu/%zu non-neutral sentence%s; %s)\n", eval_binary_accuracy(r),
                      r->binary_correct, r->binary_n, cli_s(r->binary_n), EVAL_BINARY_RULE);
    else
        outbuf_printf(o, "binary         (only for five-class models)\n");
    outbuf_printf(o, "confusion      rows: true class, columns: predicted class\n");
    int w = 1; /* label column width: the longest label, at most 20 columns */
    for (size_t c = 0; c < r->C; c++) {
        size_t len = run_text_width(lrp_model_label(m, c));
        if ((int)len > w) w = len > 20 ? 20 : (int)len;
    }
    outbuf_printf(o, "     %*s", w, "");
    for (size_t c = 0; c < r->C; c++) outbuf_printf(o, " %7zu", c);
    outbuf_printf(o, "\n");
    for (size_t t = 0; t < r->C; t++) {
        const char *label = lrp_model_label(m, t);
        outbuf_printf(o, "  %2zu ", t);
        /* labels come from the model file: control characters defused on the terminal */
        render_terminal_text(o, label);
        outbuf_printf(o, "%*s", w - (int)(run_text_width(label) > (size_t)w ? (size_t)w : run_text_width(label)), "");
        for (size_t c = 0; c < r->C; c++) outbuf_printf(o, " %7zu", r->confusion[t * r->C + c]);
        outbuf_printf(o, "\n");
    }
}

static void write_json(const char *path, const lrp_model *m, const eval_result *r)
{
    outbuf *o = cli_out();
    outbuf_printf(o, "{\"data\":");
    render_json_string(o, path);
    outbuf_printf(o, ",\"sentences\":%zu,\"unknown_words\":%zu,\"correct\":%zu,\"accuracy\":", r->n,
                  r->unknown_words, r->correct);
    render_json_double(o, eval_accuracy(r));
    if (r->has_binary) {
        outbuf_printf(o, ",\"binary_sentences\":%zu,\"binary_correct\":%zu,\"binary_accuracy\":", r->binary_n,
                      r->binary_correct);
        render_json_double(o, eval_binary_accuracy(r));
        outbuf_puts(o, ",\"binary_rule\":\"" EVAL_BINARY_RULE "\"");
    } else
        outbuf_printf(o, ",\"binary_sentences\":null,\"binary_correct\":null,\"binary_accuracy\":null");
    outbuf_printf(o, ",\"labels\":[");
    for (size_t c = 0; c < r->C; c++) {
        if (c) outbuf_putc(o, ',');
        render_json_string(o, lrp_model_label(m, c));
    }
    outbuf_printf(o, "],\"confusion\":[");
    for (size_t t = 0; t < r->C; t++) {
        outbuf_printf(o, "%s[", t ? "," : "");
        for (size_t c = 0; c < r->C; c++) outbuf_printf(o, "%s%zu", c ? "," : "", r->confusion[t * r->C + c]);
        outbuf_printf(o, "]");
    }
    outbuf_printf(o, "]}\n");
}

int cmd_evaluate(int argc, char **argv)
{
    enum { O_MODEL = 256, O_DATA, O_FORMAT, O_PRETOK, O_THREADS };
    static const struct option longopts[] = {
        {"model", required_argument, NULL, O_MODEL},     {"data", required_argument, NULL, O_DATA},
        {"format", required_argument, NULL, O_FORMAT},   {"pretokenized", no_argument, NULL, O_PRETOK},
        {"threads", required_argument, NULL, O_THREADS}, {"help", no_argument, NULL, 'h'},
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    const char *model_path = NULL, *data = NULL;
    int json = 0, pretokenized = 0, threads = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case O_MODEL: model_path = optarg; break;
        case O_DATA: data = optarg; break;
        case O_FORMAT:
            if (strcmp(optarg, "text") == 0) json = 0;
            else if (strcmp(optarg, "json") == 0) json = 1;
            else cli_usage("--format: unknown format '%s' (text, json)", optarg);
            break;
        case O_PRETOK: pretokenized = 1; break;
        case O_THREADS: threads = (int)cli_parse_long("--threads", optarg, 0, 1024); break;
        case 'h': usage(stdout); return EXIT_OK;
        case ':': cli_usage("option '%s' needs a value", argv[optind - 1]);
        default:
            if (!cli_load_option(c, optarg)) cli_unknown_option(argv, 0);
        }
    }
    if (optind < argc) cli_usage("unexpected argument '%s' (the data is --data FILE)", argv[optind]);
    if (!data) cli_usage("--data FILE is required");

    lrp_model *model = cli_load_model(model_path);
    lrp_model_info info;
    lrp_model_get_info(model, &info);
    const char **labels = malloc(info.classes * sizeof *labels);
    if (!labels) cli_die(EXIT_BAD_INPUT, "out of memory");
    for (size_t k = 0; k < info.classes; k++) labels[k] = lrp_model_label(model, k);
    ds_options o = {.format = DS_AUTO, .lowercase = info.lowercase, .pretokenized = pretokenized,
                    .labels = labels, .n_labels = info.classes};
    ds_corpus corpus;
    lrp_error err;
    lrp_status st = ds_read(data, &o, &corpus, &err);
    if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);
    if (corpus.n == 0) cli_die(EXIT_BAD_INPUT, "%s: no sentences", data);
    eval_result r;
    st = eval_corpus(model, &corpus, threads, NULL, &r, &err);
    if (st != LRP_OK) cli_die(cli_exit_code(st), "%s: %s", data, err.message);
    if (json) write_json(data, model, &r);
    else write_text(data, model, &r);
    eval_result_free(&r);
    ds_free(&corpus);
    free(labels);
    lrp_model_free(model);
    cli_flush_output();
    return EXIT_OK;
}
