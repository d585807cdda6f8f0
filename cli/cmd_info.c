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
    printf("%-15s", name);
    render_terminal_text(stdout, value);
}

static void write_text(const char *path, long long bytes, const lrp_model *m, const lrp_model_info *in)
{
    const char *unk = in->unk_id >= 0 ? lrp_model_word(m, (size_t)in->unk_id) : NULL;
    row("file", path);
    if (bytes >= 0) printf(" (%lld bytes)\n", bytes);
    else printf(" (not a regular file)\n");
    row("read as", lrp_model_source(m));
    printf("\narchitecture   %s\n", lrp_model_describe(m));
    printf("vocabulary     %zu words\n", in->vocab_size);
    row("unknown word", unk ? unk : "(none: unknown words are an error)");
    putchar('\n');
    printf("lowercase      %s\n", in->lowercase ? "yes" : "no");
    printf("embedding      %zu\n", in->embed_dim);
    printf("hidden         %zu per direction\n", in->hidden_dim);
    printf("layers         %zu\n", in->layers);
    printf("directions     %zu (%s)\n", in->directions, in->directions == 2 ? "bidirectional" : "forward only");
    printf("cell           %s\n", strcmp(in->cell, "gru") == 0 ? "GRU" : "LSTM");
    if (in->attention_dim) printf("head           attention, A = %zu\n", in->attention_dim);
    else printf("head           %s\n", strcmp(in->pooling, "last") == 0 ? "last states" : in->pooling);
    printf("dense layers   ");
    for (size_t k = 0; k < in->n_dense; k++) printf("%s%zu", k ? ", " : "", in->dense_sizes[k]);
    if (in->n_dense) printf(" (%s)\n", in->activation);
    else printf("none\n");
    printf("classes        %zu\n", in->classes);
    for (size_t c = 0; c < in->classes; c++) {
        printf("  %2zu  ", c);
        render_terminal_text(stdout, lrp_model_label(m, c));
        putchar('\n');
    }
    printf("output bias    %s\n", in->has_output_bias ? "yes" : "no");
    printf("parameters     %zu\n", m->layout.total);
}

static void write_json(const char *path, long long bytes, const lrp_model *m, const lrp_model_info *in)
{
    printf("{\"file\":");
    render_json_string(stdout, path);
    printf(",\"source\":");
    render_json_string(stdout, lrp_model_source(m));
    printf(",\"bytes\":");
    if (bytes >= 0) printf("%lld", bytes);
    else printf("null");
    printf(",\"architecture\":");
    render_json_string(stdout, lrp_model_describe(m));
    printf(",\"vocab_size\":%zu,\"embed_dim\":%zu,\"hidden_dim\":%zu,\"layers\":%zu,"
           "\"directions\":%zu,\"cell\":\"%s\",\"pooling\":\"%s\",\"attention_dim\":%zu,\"dense\":[",
           in->vocab_size, in->embed_dim, in->hidden_dim, in->layers, in->directions, in->cell, in->pooling,
           in->attention_dim);
    for (size_t k = 0; k < in->n_dense; k++) printf("%s%zu", k ? "," : "", in->dense_sizes[k]);
    printf("],\"activation\":\"%s\",\"classes\":%zu,\"labels\":[", in->activation, in->classes);
    for (size_t c = 0; c < in->classes; c++) {
        if (c) putchar(',');
        render_json_string(stdout, lrp_model_label(m, c));
    }
    printf("],\"unk\":");
    if (in->unk_id >= 0) render_json_string(stdout, lrp_model_word(m, (size_t)in->unk_id));
    else printf("null");
    printf(",\"lowercase\":%s,\"output_bias\":%s,\"parameters\":%zu}\n", in->lowercase ? "true" : "false",
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
