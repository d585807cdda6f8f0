/*
 * cmd_info.c - `lrp info [FILE]`: what a model file holds (how it was read, the
 * architecture in one line, sizes, layers, directions, head, dense layers, classes,
 * vocabulary, unknown word, lowercasing, output bias, number of parameters), as text
 * or JSON. Loading the file checks all of it.
 */
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "core/model.h"
#include "app/render.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: lrp info [OPTIONS] [FILE]\n"
            "Describe a model file: how it was read (lrp-rnn, or which tensors of a PyTorch\n"
            "state_dict), the architecture in one line, sizes, layers, directions, cell,\n"
            "head, dense layers, classes and their labels, vocabulary, unknown word,\n"
            "lowercasing, output bias, number of parameters.\n"
            "Loading the file checks every tensor and value.\n"
            "\n"
            "Options:\n"
            "  --model FILE        the model file, as FILE (default: $LRP_MODEL, else\n"
            "                      %s)\n"
            "  --format FORMAT     text or json (default: text)\n"
            "  -h, --help          show this help\n"
            "\n",
            cli_model_path(NULL));
    cli_load_options_help(f);
    fprintf(f, "\nExit status: 0 success, 1 missing or bad model file, 2 usage error.\n");
}

/* a row "name           value": the value as terminal text (control characters as ?) */
static void row(const char *name, const char *value)
{
    outbuf *o = cli_out();
    outbuf_printf(o, "%-15s", name);
    render_terminal_text(o, value);
}

static void write_text(const char *path, long long bytes, const lrp_model *m, const lrp_model_info *in)
{
    outbuf *o = cli_out();
    const char *unk = in->unk_id >= 0 ? lrp_model_word(m, (size_t)in->unk_id) : NULL;
    row("file", path);
    if (bytes >= 0) outbuf_printf(o, " (%lld bytes)\n", bytes);
    else outbuf_printf(o, " (not a regular file)\n");
    row("read as", lrp_model_source(m));
    outbuf_printf(o, "\narchitecture   %s\n", lrp_model_describe(m));
    outbuf_printf(o, "vocabulary     %zu words\n", in->vocab_size);
    row("unknown word", unk ? unk : "(none: unknown words are an error)");
    outbuf_putc(o, '\n');
    outbuf_printf(o, "lowercase      %s\n", in->lowercase ? "yes" : "no");
    outbuf_printf(o, "embedding      %zu\n", in->embed_dim);
    outbuf_printf(o, "hidden         %zu per direction\n", in->hidden_dim);
    outbuf_printf(o, "layers         %zu\n", in->layers);
    outbuf_printf(o, "directions     %zu (%s)\n", in->directions, in->directions == 2 ? "bidirectional" : "forward only");
    outbuf_printf(o, "cell           %s\n", strcmp(in->cell, "gru") == 0 ? "GRU" : "LSTM");
    if (in->attention_dim) outbuf_printf(o, "head           attention, A = %zu\n", in->attention_dim);
    else outbuf_printf(o, "head           %s\n", strcmp(in->pooling, "last") == 0 ? "last states" : in->pooling);
    outbuf_printf(o, "dense layers   ");
    for (size_t k = 0; k < in->n_dense; k++) outbuf_printf(o, "%s%zu", k ? ", " : "", in->dense_sizes[k]);
    if (in->n_dense) outbuf_printf(o, " (%s)\n", in->activation);
    else outbuf_printf(o, "none\n");
    outbuf_printf(o, "classes        %zu\n", in->classes);
    for (size_t c = 0; c < in->classes; c++) {
        outbuf_printf(o, "  %2zu  ", c);
        render_terminal_text(o, lrp_model_label(m, c));
        outbuf_putc(o, '\n');
    }
    outbuf_printf(o, "output bias    %s\n", in->has_output_bias ? "yes" : "no");
    outbuf_printf(o, "parameters     %zu\n", m->layout.total);
}

static void write_json(const char *path, long long bytes, const lrp_model *m, const lrp_model_info *in)
{
    outbuf *o = cli_out();
    outbuf_printf(o, "{\"file\":");
    render_json_string(o, path);
    outbuf_printf(o, ",\"source\":");
    render_json_string(o, lrp_model_source(m));
    outbuf_printf(o, ",\"bytes\":");
    if (bytes >= 0) outbuf_printf(o, "%lld", bytes);
    else outbuf_printf(o, "null");
    outbuf_printf(o, ",\"architecture\":");
    render_json_string(o, lrp_model_describe(m));
    outbuf_printf(o, ",\"vocab_size\":%zu,\"embed_dim\":%zu,\"hidden_dim\":%zu,\"layers\":%zu,"
                     "\"directions\":%zu,\"cell\":\"%s\",\"pooling\":\"%s\",\"attention_dim\":%zu,\"dense\":[",
                  in->vocab_size, in->embed_dim, in->hidden_dim, in->layers, in->directions, in->cell, in->pooling,
                  in->attention_dim);
    for (size_t k = 0; k < in->n_dense; k++) outbuf_printf(o, "%s%zu", k ? "," : "", in->dense_sizes[k]);
    outbuf_printf(o, "],\"activation\":\"%s\",\"classes\":%zu,\"labels\":[", in->activation, in->classes);
    for (size_t c = 0; c < in->classes; c++) {
        if (c) outbuf_putc(o, ',');
        render_json_string(o, lrp_model_label(m, c));
    }
    outbuf_printf(o, "],\"unk\":");
    if (in->unk_id >= 0) render_json_string(o, lrp_model_word(m, (size_t)in->unk_id));
    else outbuf_printf(o, "null");
    outbuf_printf(o, ",\"lowercase\":%s,\"output_bias\":%s,\"parameters\":%zu}\n", in->lowercase ? "true" : "false",
                  in->has_output_bias ? "true" : "false", m->layout.total);
}

int cmd_info(int argc, char **argv)
{
    enum { O_MODEL = 256, O_FORMAT };
    static const struct option longopts[] = {{"model", required_argument, NULL, O_MODEL},
                                             {"format", required_argument, NULL, O_FORMAT},
                                             {"help", no_argument, NULL, 'h'},
                                             CLI_LOAD_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    const char *model_path = NULL;
    int json = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case O_MODEL: model_path = optarg; break;
        case O_FORMAT:
            if (strcmp(optarg, "text") == 0) json = 0;
            else if (strcmp(optarg, "json") == 0) json = 1;
            else cli_usage("--format: unknown format '%s' (text, json)", optarg);
            break;
        case 'h': usage(stdout); return EXIT_OK;
        case ':': cli_usage("option '%s' needs a value", argv[optind - 1]);
        default:
            if (!cli_load_option(c, optarg)) cli_unknown_option(argv, 0);
        }
    }
    if (argc - optind > 1) cli_usage("one model file at a time, got %d", argc - optind);
    if (argc - optind == 1) {
        if (model_path) cli_usage("give the model as FILE or as --model FILE, not both");
        model_path = argv[optind];
    }

    const char *path = cli_model_path(model_path);
    lrp_model *m = cli_load_model(model_path);
    lrp_model_info info;
    lrp_model_get_info(m, &info);
    struct stat st;
    /* a pipe or a device has no size to show */
    long long bytes = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    if (json) write_json(path, bytes, m, &info);
    else write_text(path, bytes, m, &info);
    lrp_model_free(m);
    cli_flush_output();
    return EXIT_OK;
}
