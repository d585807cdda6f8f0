/*
 * cmd_predict.c - `lrp predict`: class scores, probabilities and the predicted label
 * of each sentence, as text, JSON Lines or TSV (docs/cli.md). Same input options as
 * `lrp explain`; the forward passes run over the threads in chunks.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "input.h"
#include "app/render.h"
#include "run.h"

typedef enum out_format { FMT_TEXT = 0, FMT_JSON, FMT_TSV } out_format;

typedef struct predict_ctx {
    const lrp_model *model;
    size_t C;
    out_format format;
    outbuf *out; /* standard output */
} predict_ctx;

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: lrp predict [OPTIONS] [SENTENCE...]\n"
            "Class scores, probabilities and the predicted label of each sentence.\n"
            "Sentences come from the arguments, else one per line from standard input.\n"
            "\n"
            "Options:\n"
            "  --model FILE        model file (default: $LRP_MODEL, else %s)\n"
            "  --format FORMAT     text, json (JSON Lines) or tsv (default: text)\n"
            "  --pretokenized      the text is tokens separated by spaces or tabs, taken as\n"
            "                      they are (default: raw English text, tokenized)\n"
            "  --input FORMAT      text (a sentence per line), tsv (LABEL<TAB>sentence) or\n"
            "                      ptb (treebank trees); tsv and ptb add the true class\n"
            "                      (default: text)\n"
            "  --threads N         threads, 0 = all cores (default: 0, here %d)\n"
            "  -h, --help          show this help\n"
            "\n",
            cli_model_path(NULL), lrp_default_threads());
    cli_load_options_help(f);
    fprintf(f,
            "\n"
            "A bad line (as for explain: empty, invalid UTF-8, longer than %d words or %zu\n"
            "MiB, ...) is reported on standard error with its line number and the command\n"
            "goes on. A sentence that starts with '-' goes after '--':\n"
            "lrp predict -- '-5 stars'.\n"
            "Exit status: 0 success, 1 a bad line, input or model, 2 usage error.\n"
            "Example: echo 'A gorgeous, witty film.' | lrp predict --format json\n",
            LRP_MAX_LENGTH, DS_MAX_LINE >> 20);
}

static void write_item(void *ctx, const input_reader *r, const input_item *it, const lrp_result *res)
{
    const predict_ctx *x = ctx;
    outbuf *o = x->out;
    if (!res) {
        if (x->format == FMT_JSON) run_json_error(o, it);
        return;
    }
    const char *label = lrp_model_label(x->model, (size_t)res->predicted);
    switch (x->format) {
    case FMT_TEXT:
        /* labels come from the model file: control characters defused on the terminal */
        outbuf_printf(o, "%s %zu: ", input_unit(r), it->line);
        render_terminal_text(o, label);
        outbuf_printf(o, " (%d, p = %.4f)", res->predicted, res->probabilities[res->predicted]);
        if (it->label >= 0) {
            outbuf_puts(o, ", true ");
            render_terminal_text(o, lrp_model_label(x->model, (size_t)it->label));
            outbuf_printf(o, " (%d)", it->label);
        }
        outbuf_puts(o, "\n ");
        for (size_t c = 0; c < x->C; c++) {
            outbuf_putc(o, ' ');
            render_terminal_text(o, lrp_model_label(x->model, c));
            outbuf_printf(o, " %.4f%s", res->probabilities[c], c + 1 < x->C ? ";" : "\n");
        }
        break;
    case FMT_JSON:
        outbuf_putc(o, '{');
        run_json_prediction(o, x->model, it, res);
        outbuf_puts(o, "}\n");
        break;
    case FMT_TSV:
        outbuf_u64(o, it->line);
        outbuf_putc(o, '\t');
        outbuf_i64(o, res->predicted);
        outbuf_putc(o, '\t');
        run_tsv_field(o, label);
        outbuf_putc(o, '\t');
        if (it->label >= 0) {
            outbuf_i64(o, it->label);
            outbuf_putc(o, '\t');
            run_tsv_field(o, lrp_model_label(x->model, (size_t)it->label));
        } else {
            outbuf_putc(o, '\t');
        }
        for (size_t c = 0; c < x->C; c++) {
            outbuf_putc(o, '\t');
            outbuf_double(o, res->scores[c]);
        }
        for (size_t c = 0; c < x->C; c++) {
            outbuf_putc(o, '\t');
            outbuf_double(o, res->probabilities[c]);
        }
        outbuf_putc(o, '\n');
        break;
    }
}

static void tsv_header(outbuf *o, const predict_ctx *x)
{
    outbuf_puts(o, "line\tpredicted\tlabel\ttrue\ttrue_label");
    for (int pass = 0; pass < 2; pass++)
        for (size_t c = 0; c < x->C; c++) {
            outbuf_printf(o, "\t%s:", pass == 0 ? "score" : "probability");
            run_tsv_field(o, lrp_model_label(x->model, c));
        }
    outbuf_putc(o, '\n');
}

int cmd_predict(int argc, char **argv)
{
    enum { O_MODEL = 256, O_FORMAT };
    static const struct option longopts[] = {
        {"model", required_argument, NULL, O_MODEL}, {"format", required_argument, NULL, O_FORMAT},
        {"help", no_argument, NULL, 'h'},            INPUT_LONGOPTS,
        CLI_LOAD_LONGOPTS,                           {NULL, 0, NULL, 0}};
    const char *model_path = NULL;
    predict_ctx x = {0};
    input_options in = {0, INPUT_TEXT, 0};
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case O_MODEL: model_path = optarg; break;
        case O_FORMAT:
            if (strcmp(optarg, "text") == 0) x.format = FMT_TEXT;
            else if (strcmp(optarg, "json") == 0) x.format = FMT_JSON;
            else if (strcmp(optarg, "tsv") == 0) x.format = FMT_TSV;
            else cli_usage("--format: unknown format '%s' (text, json, tsv)", optarg);
            break;
        case 'h': usage(stdout); return EXIT_OK;
        case ':': cli_usage("option '%s' needs a value", argv[optind - 1]);
        default:
            if (!input_option(c, optarg, &in) && !cli_load_option(c, optarg))
                cli_unknown_option(argv, 1);
        }
    }

    lrp_model *model = cli_load_model(model_path);
    lrp_model_info info;
    lrp_model_get_info(model, &info);
    x.model = model;
    x.C = info.classes;
    x.out = cli_out();
    if (x.format == FMT_TSV) tsv_header(x.out, &x);

    lrp_options o;
    lrp_options_init(&o);
    o.methods = 0; /* scores only */
    input_reader r;
    input_open(&r, model, in.format, in.pretokenized, argv + optind, (size_t)(argc - optind), STDIN_FILENO);
    size_t bad = run_all(&r, &o, in.threads, write_item, &x);
    const char *unit = input_unit(&r);
    input_close(&r);

    cli_flush_output();
    if (bad) cli_error("%zu bad %s%s", bad, unit, bad == 1 ? "" : "s");
    lrp_model_free(model);
    return bad ? EXIT_BAD_INPUT : EXIT_OK;
}
