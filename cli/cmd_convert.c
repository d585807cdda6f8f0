/*
 * cmd_convert.c - `lrp convert IN OUT`: read any model file lrp reads (a PyTorch
 * state_dict, docs/pytorch.md, or an lrp-rnn file, with the model options) and
 * write it in lrp-rnn's own format (docs/model-format.md), atomically. The file
 * written computes exactly what IN does: F32 only when every parameter is a float32
 * value (then nothing is rounded), else F64, unless --dtype says otherwise. (A
 * PyTorch LSTM's summed bias_ih + bias_hh is rarely a float32 value, so a float32
 * model with LSTM biases is written as F64 unless --dtype f32 is given; a GRU's two
 * biases stay apart, so a float32 GRU stays F32.)
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/model.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: lrp convert [OPTIONS] IN OUT\n"
            "Write the model IN in lrp-rnn's own format (docs/model-format.md) to OUT:\n"
            "a PyTorch state_dict (docs/pytorch.md) with its vocabulary and labels in one\n"
            "file, or an lrp-rnn file with other labels, vocabulary or storage type.\n"
            "Says on standard error how IN was read.\n"
            "\n"
            "Options:\n"
            "  --dtype TYPE        f32 or f64 (default: f32 when every parameter is exactly\n"
            "                      a float32, else f64, so that nothing is rounded; the sum\n"
            "                      bias_ih + bias_hh of a float32 PyTorch LSTM usually needs\n"
            "                      f64; f32 halves the file and rounds it)\n"
            "  -h, --help          show this help\n"
            "\n");
    cli_load_options_help(f);
    fprintf(f,
            "\n"
            "OUT is replaced atomically: it is complete or left as it was.\n"
            "Exit status: 0 success, 1 bad model file or write error, 2 usage error.\n"
            "Example: lrp convert --vocab vocab.txt --labels labels.txt model.safetensors "
            "out.safetensors\n");
}

/* Would F32 storage keep every parameter exactly? */
static int exact_in_f32(const lrp_model *m)
{
    for (size_t i = 0; i < model_stored(m); i++) /* a float32 embedding is */
        if ((double)(float)m->params[i] != m->params[i]) return 0;
    return 1;
}

int cmd_convert(int argc, char **argv)
{
    enum { O_DTYPE = 256 };
    static const struct option longopts[] = {{"dtype", required_argument, NULL, O_DTYPE},
                                             {"help", no_argument, NULL, 'h'},
                                             CLI_LOAD_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    int dtype = -1, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case O_DTYPE:
            if (strcmp(optarg, "f32") == 0) dtype = LRP_F32;
            else if (strcmp(optarg, "f64") == 0) dtype = LRP_F64;
            else cli_usage("--dtype: unknown type '%s' (f32, f64)", optarg);
            break;
        case 'h': usage(stdout); return EXIT_OK;
        case ':': cli_usage("option '%s' needs a value", argv[optind - 1]);
        default:
            if (!cli_load_option(c, optarg)) cli_unknown_option(argv, 0);
        }
    }
    if (argc - optind != 2) cli_usage("expected IN and OUT, got %d file name%s", argc - optind,
                                      argc - optind == 1 ? "" : "s");
    const char *in = argv[optind], *out = argv[optind + 1];

    lrp_model *m = cli_load_model(in);
    if (dtype < 0) dtype = exact_in_f32(m) ? LRP_F32 : LRP_F64;
    lrp_error err;
    lrp_status st = lrp_model_save(m, out, (lrp_dtype)dtype, &err);
    if (st != LRP_OK) {
        lrp_model_free(m);
        cli_die(cli_exit_code(st), "%s: %s", out, err.message);
    }
    lrp_model_info info;
    lrp_model_get_info(m, &info);
    fprintf(stderr, "lrp convert: %s: %s\n", in, lrp_model_source(m));
    fprintf(stderr,
            "lrp convert: wrote %s (lrp-rnn, %s): %s; %zu words, E = %zu, H = %zu, %s output bias, "
            "unknown word %s, lowercase %s\n",
            out, dtype == LRP_F32 ? "F32" : "F64", lrp_model_describe(m), info.vocab_size, info.embed_dim,
            info.hidden_dim, info.has_output_bias ? "with" : "no",
            info.unk_id >= 0 ? lrp_model_word(m, (size_t)info.unk_id) : "(none)",
            info.lowercase ? "yes" : "no");
    lrp_model_free(m);
    return EXIT_OK;
}
