/*
 * expcmd.c - options, data and files shared by the experiment commands
 * (expcmd.h).
 */
#include "expcmd.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"

void expcmd_init(expcmd *x, const char *const *formats)
{
    memset(x, 0, sizeof *x);
    x->formats = formats;
    x->seed = 1;
}

const char *expcmd_format(const expcmd *x) { return x->formats[x->format]; }

int expcmd_option(expcmd *x, int c, const char *value)
{
    switch (c) {
    case XO_MODEL: x->model_path = value; return 1;
    case XO_DATA: x->data_path = value; return 1;
    case XO_FORMAT: {
        int k = 0;
        while (x->formats[k] && strcmp(value, x->formats[k]) != 0) k++;
        if (!x->formats[k]) {
            char list[256] = "";
            for (int j = 0; x->formats[j]; j++) {
                strncat(list, j ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, x->formats[j], sizeof list - strlen(list) - 1);
            }
            cli_usage("--format: unknown format '%s' (%s)", value, list);
        }
        x->format = k;
        return 1;
    }
    case XO_THREADS: x->threads = (int)cli_parse_long("--threads", value, 0, 1024); return 1;
    case XO_SEED: x->seed = (uint64_t)cli_parse_long("--seed", value, 0, 0x7fffffffL); return 1;
    default: return cli_load_option(c, value);
    }
}

int expcmd_getopt(expcmd *x, int argc, char **argv, const struct option *longopts,
                  void (*usage)(FILE *f, const expcmd *x))
{
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":h", longopts, NULL);
        if (c == -1) {
            if (optind < argc) cli_usage("unexpected argument '%s'", argv[optind]);
            return -1;
        }
        if (c == 'h') {
            usage(stdout, x);
            cli_flush_output(); /* --help to a full disk is an error too */
            exit(EXIT_OK);
        }
        if (c == ':') cli_usage("option '%s' needs a value", argv[optind - 1]);
        if (c == '?') cli_unknown_option(argv, 0);
        if (!expcmd_option(x, c, optarg)) return c;
    }
}

void expcmd_help(FILE *f, const expcmd *x, int with_seed)
{
    fprintf(f, "  --model FILE        model file (default: $LRP_MODEL, else %s)\n", cli_model_path(NULL));
    fputs(x->data_help ? x->data_help
                       : "  --data FILE         labelled sentences: a treebank file such as\n"
                         "                      ../shared/data/sst/test.txt (one tree per line), or\n"
                         "                      LABEL<TAB>sentence lines (LABEL a class index or name,\n"
                         "                      the sentence raw text); - for standard input (required)\n",
          f);
    fputs("  --format FORMAT     ", f);
    for (int k = 0; x->formats[k]; k++) fprintf(f, "%s%s", k ? (x->formats[k + 1] ? ", " : " or ") : "", x->formats[k]);
    fprintf(f, " (default: %s)\n", x->formats[0]);
    fprintf(f, "  --threads N         threads, 0 = all cores (default: 0, here %d); the output\n"
               "                      does not depend on it\n",
            lrp_default_threads());
    if (with_seed) fprintf(f, "  --seed N            seed of the random deletions (default: 1)\n");
    fprintf(f, "  -h, --help          show this help\n\n");
    cli_load_options_help(f);
}

void expcmd_load(expcmd *x)
{
    if (!x->data_path)
        cli_usage("--data FILE is required: a treebank file such as ../shared/data/sst/test.txt, or "
                  "LABEL<TAB>sentence lines");
    x->model = cli_load_model(x->model_path);
    lrp_model_get_info(x->model, &x->info);

    const char **labels = malloc(x->info.classes * sizeof *labels);
    if (!labels) cli_die(EXIT_BAD_INPUT, "out of memory");
    for (size_t c = 0; c < x->info.classes; c++) labels[c] = lrp_model_label(x->model, c);
    ds_options o = {DS_AUTO, x->info.lowercase, 0, labels, x->info.classes};
    lrp_error err;
    lrp_status st = ds_read(x->data_path, &o, &x->corpus, &err);
    free(labels);
    if (st != LRP_OK) cli_die(EXIT_BAD_INPUT, "%s", err.message);
    x->n = x->corpus.n;
    if (x->n == 0) cli_die(EXIT_BAD_INPUT, "%s: no sentences", x->data_path);

    for (size_t i = 0; i < x->n; i++) x->total_words += x->corpus.sentences[i].length;
    x->sentences = calloc(x->n, sizeof *x->sentences);
    x->offset = calloc(x->n, sizeof *x->offset);
    x->ids = calloc(x->total_words, sizeof *x->ids);
    x->words = calloc(x->total_words, sizeof *x->words);
    unsigned char *unknown = x->unknown = calloc(x->total_words, 1);
    if (!x->sentences || !x->offset || !x->ids || !x->words || !unknown) cli_die(EXIT_BAD_INPUT, "out of memory");
    size_t at = 0;
    for (size_t i = 0; i < x->n; i++) {
        const ds_sentence *s = &x->corpus.sentences[i];
        /* ds_read has rejected sentences of more than LRP_MAX_LENGTH words */
        lrp_tokens tok = {s->length, s->words};
        if (lrp_encode(x->model, &tok, x->ids + at, unknown + at, &err) != LRP_OK) {
            cli_die(EXIT_BAD_INPUT, "%s:%zu: %s", x->data_path, s->line, err.message);
        }
        for (size_t t = 0; t < s->length; t++) {
            x->words[at + t] = s->words[t];
            x->n_unknown += unknown[at + t] != 0;
        }
        x->offset[i] = at;
        x->sentences[i] = (exp_sentence){x->ids + at, s->length, s->label};
        at += s->length;
    }
}

size_t expcmd_sentence_of(const expcmd *x, size_t occurrence)
{
    size_t lo = 0, hi = x->n; /* the last sentence whose offset is <= occurrence */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->offset[mid] <= occurrence) lo = mid;
        else hi = mid;
    }
    return lo;
}

int expcmd_leaf_label(const expcmd *x, size_t occurrence)
{
    size_t i = expcmd_sentence_of(x, occurrence);
    const int *labels = x->corpus.sentences[i].word_labels;
    return labels ? labels[occurrence - x->offset[i]] : -1;
}

const int *expcmd_word_labels(const expcmd *x, size_t i) { return x->corpus.sentences[i].word_labels; }

static void progress_cb(void *ctx, size_t done, size_t total)
{
    expcmd *x = ctx;
    x->progress.total = total;
    cli_progress_update(&x->progress, done);
}

void expcmd_run(expcmd *x, exp_run *run, const char *label)
{
    exp_run_init(run);
    run->threads = x->threads;
    run->progress = progress_cb;
    run->progress_ctx = x;
    cli_progress_start(&x->progress, label, 1);
}

void expcmd_progress_done(expcmd *x) { cli_progress_finish(&x->progress); }

void expcmd_free(expcmd *x)
{
    free(x->sentences);
    free(x->offset);
    free(x->ids);
    free(x->words);
    free(x->unknown);
    ds_free(&x->corpus);
    lrp_model_free(x->model);
    memset(x, 0, sizeof *x);
}

void expcmd_write_file(const char *path, lrp_write_fn fill, void *ctx)
{
    lrp_error err;
    if (lrp_write_atomic(path, fill, ctx, &err) != LRP_OK) cli_die(EXIT_BAD_INPUT, "%s", err.message);
}

lrp_status expcmd_fill(FILE *f, expcmd_writer write, const void *ctx, lrp_error *err)
{
    outbuf *o = malloc(sizeof *o);
    if (!o) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    outbuf_init(o, f);
    write(o, ctx);
    int e = outbuf_flush(o);
    free(o);
    return e ? lrp_fail(err, LRP_ERR_IO, "%s", strerror(e)) : LRP_OK;
}

void expcmd_csv_field(outbuf *o, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        outbuf_puts(o, s);
        return;
    }
    outbuf_putc(o, '"');
    for (; *s; s++) {
        if (*s == '"') outbuf_putc(o, '"');
        outbuf_putc(o, *s);
    }
    outbuf_putc(o, '"');
}
