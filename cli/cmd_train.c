/*
 * cmd_train.c - `lrp train`: train a classifier of the model family (the paper's
 * bi-LSTM by default) on DIR/train.txt, select by DIR/dev.txt, report on DIR/test.txt
 * (docs/training.md, docs/cli.md). One line per epoch on standard output; a progress
 * bar on standard error when it is a terminal. Ctrl-C stops after the current
 * minibatch and leaves the best model written so far.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "io/fileio.h"
#include "app/train.h"

static volatile sig_atomic_t interrupted = 0;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
    signal(SIGINT, SIG_DFL); /* a second Ctrl-C ends the process at once */
}

static void usage(FILE *f)
{
    train_options o;
    train_options_init(&o);
    fprintf(f,
            "Usage: lrp train --data DIR --out FILE [OPTIONS]\n"
            "Train a recurrent classifier (embedding, stacked LSTM or GRU layers, a head over\n"
            "the top layer's states, dense layers, linear classifier without bias; by\n"
            "default the paper's: one bidirectional LSTM layer, its last states) with softmax\n"
            "cross-entropy on every distinct phrase of DIR/train.txt; keep the model with the\n"
            "best sentence accuracy on DIR/dev.txt and report it on DIR/test.txt when that\n"
            "file exists. The files hold treebank trees or LABEL<TAB>sentence lines; words\n"
            "are lowercased.\n"
            "\n"
            "Options:\n"
            "  --data DIR          directory with train.txt, dev.txt [, test.txt] (required;\n"
            "                      no default)\n"
            "  --out FILE          where the best model is written, atomically, each time\n"
            "                      the dev accuracy improves; checked before training\n"
            "                      (required; no default)\n"
            "  --embed N           embedding size (default: %zu)\n"
            "  --hidden N          hidden size of each direction of each layer (default: %zu)\n"
            "  --cell NAME         lstm or gru (PyTorch's GRU) (default: lstm)\n"
            "  --layers N          stacked recurrent layers, 1 to %d (default: %zu)\n"
            "  --directions N      1 (forward) or 2 (bidirectional) (default: %zu)\n"
            "  --pooling NAME      what the classifier reads of the top layer's states:\n"
            "                      last (each direction's last state), mean, max or\n"
            "                      attention (default: last)\n"
            "  --attention A       the attention scorer's size, with --pooling attention\n"
            "                      (default: the hidden size)\n"
            "  --dense LIST        sizes of dense layers between the head and the\n"
            "                      classifier, comma-separated, at most %d; '' for none\n"
            "                      (default: none)\n"
            "  --activation NAME   of the dense layers: relu or tanh (default: relu)\n"
            "  --epochs N          passes over the phrases (default: %zu)\n"
            "  --patience N        stop after N epochs without a better dev accuracy,\n"
            "                      0 = never (default: %zu)\n"
            "  --batch N           phrases per minibatch, 1 to %d; memory grows with it\n"
            "                      (docs/cli.md, Limits) (default: %zu)\n"
            "  --optimizer NAME    adam or adagrad (default: adam)\n"
            "  --lr X              learning rate (default: %g)\n"
            "  --lr-decay X        multiply the rate by X after each epoch (default: %g)\n"
            "  --dropout X         dropout on the embeddings and on the head's output (the\n"
            "                      dense layers' or the classifier's input) (default: %g)\n"
            "  --l2 X              L2 penalty X/2 |w|^2 (default: %g)\n"
            "  --embed-init X      deviation of the normal initial embeddings (default: %g)\n"
            "  --unk-rate X        probability that a training word seen once is read as\n"
            "                      %s, which so learns unseen words (default: %g)\n"
            "  --vocab WHICH       all: every word of the three files (words only in dev or\n"
            "                      test keep their random embedding); train: training words\n"
            "                      seen --min-count times (default: all)\n"
            "  --min-count N       with --vocab train (default: %zu)\n"
            "  --classes LIST      class names, comma-separated, in label order (default:\n"
            "                      very negative,negative,neutral,positive,very positive)\n"
            "  --pretokenized      LABEL<TAB>sentence files hold tokens separated by spaces\n"
            "                      (default: raw text, tokenized)\n"
            "  --dtype TYPE        storage of the model file: f32 or f64 (default: f32)\n"
            "  --seed N            random seed (default: %llu)\n"
            "  --threads N         threads, 0 = all cores, at most %d used (default: 0, here\n"
            "                      %d); the model does not depend on it\n"
            "  -h, --help          show this help\n"
            "\n"
            "Exit status: 0 success, 1 bad data or a failed write, 2 usage error, 130\n"
            "interrupted (Ctrl-C; FILE holds the best model so far).\n"
            "Example: lrp train --data ../shared/data/sst --out models/sst5-bilstm.safetensors\n",
            o.embed, o.hidden, LRP_MAX_LAYERS, o.layers, o.directions, LRP_MAX_DENSE, o.epochs, o.patience,
            TRAIN_MAX_BATCH, o.batch, o.lr, o.lr_decay, o.dropout, o.l2, o.embed_init, UNK_WORD, o.unk_rate,
            o.min_count, (unsigned long long)o.seed,
            TRAIN_SHARDS, lrp_default_threads());
}

typedef struct train_ctx {
    cli_progress bar;
    size_t epochs;
    int bar_on;
    char label[32];
} train_ctx;

static int on_batch(void *ctx, size_t epoch, size_t done, size_t total)
{
    train_ctx *x = ctx;
    if (!x->bar_on) {
        snprintf(x->label, sizeof x->label, "epoch %zu/%zu", epoch, x->epochs);
        cli_progress_start(&x->bar, x->label, total);
        x->bar_on = 1;
    }
    cli_progress_update(&x->bar, done);
    return interrupted;
}

static int on_epoch(void *ctx, const train_epoch_stats *s)
{
    train_ctx *x = ctx;
    if (x->bar_on) cli_progress_finish(&x->bar);
    x->bar_on = 0;
    printf("epoch %zu/%zu  loss %.4f  train %.4f  dev %.4f", s->epoch, x->epochs, s->loss,
           s->train_accuracy, eval_accuracy(&s->dev));
    if (s->dev.has_binary) printf(" (binary %.4f)", eval_binary_accuracy(&s->dev));
    printf("  lr %.3g  %.1f s  %.0f phrases/s  elapsed %.0f s%s\n", s->lr, s->seconds,
           s->phrases_per_second, s->elapsed, s->best ? "  * saved" : "");
    fflush(stdout);
    return interrupted;
}

/* Split "a,b,c" of option `option` into its items (the string is modified): at most
 * cap, none empty. */
static size_t split_list(const char *option, char *list, const char **items, size_t cap)
{
    size_t n = 0;
    for (char *p = list;;) {
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        if (!*p) cli_usage("%s: an empty item in the list", option);
        if (n == cap) cli_usage("%s: more than %zu items", option, cap);
        items[n++] = p;
        if (!comma) break;
        p = comma + 1;
    }
    return n;
}

/* --dense LIST: the dense layers' sizes ('' for none). */
static size_t parse_dense(char *list, size_t *sizes)
{
    if (!*list) return 0;
    const char *items[LRP_MAX_DENSE];
    const size_t n = split_list("--dense", list, items, LRP_MAX_DENSE);
    for (size_t k = 0; k < n; k++) sizes[k] = (size_t)cli_parse_long("--dense", items[k], 1, 100000);
    return n;
}

/* "1-layer bi-LSTM of 60 units per direction, last states" and so on. */
static void print_architecture(const train_options *o)
{
    printf("%zu-layer %s%s of %zu units%s, ", o->layers, o->directions == 2 ? "bi-" : "",
           o->cell == CELL_GRU ? "GRU" : "LSTM", o->hidden, o->directions == 2 ? " per direction" : "");
    if (o->pooling == POOL_ATTENTION) printf("attention (A=%zu)", o->attention ? o->attention : o->hidden);
    else if (o->pooling == POOL_LAST) printf("last states");
    else printf("%s pooling", model_pooling_name(o->pooling));
    if (o->n_dense) {
        printf(", dense ");
        for (size_t k = 0; k < o->n_dense; k++) printf("%s%zu", k ? "," : "", o->dense[k]);
        printf(" %s", model_activation_name(o->activation));
    }
}

int cmd_train(int argc, char **argv)
{
    enum {
        O_DATA = 256, O_OUT, O_EMBED, O_HIDDEN, O_EPOCHS, O_PATIENCE, O_BATCH, O_OPT, O_LR,
        O_DECAY, O_DROPOUT, O_L2, O_EINIT, O_UNK, O_VOCAB, O_MINCOUNT, O_CLASSES, O_PRETOK,
        O_DTYPE, O_SEED, O_THREADS, O_CELL, O_LAYERS, O_DIRECTIONS, O_POOLING, O_ATTENTION, O_DENSE,
        O_ACTIVATION
    };
    static const struct option longopts[] = {
        {"data", required_argument, NULL, O_DATA},         {"out", required_argument, NULL, O_OUT},
        {"embed", required_argument, NULL, O_EMBED},       {"hidden", required_argument, NULL, O_HIDDEN},
        {"epochs", required_argument, NULL, O_EPOCHS},     {"patience", required_argument, NULL, O_PATIENCE},
        {"batch", required_argument, NULL, O_BATCH},       {"optimizer", required_argument, NULL, O_OPT},
        {"lr", required_argument, NULL, O_LR},             {"lr-decay", required_argument, NULL, O_DECAY},
        {"dropout", required_argument, NULL, O_DROPOUT},   {"l2", required_argument, NULL, O_L2},
        {"embed-init", required_argument, NULL, O_EINIT},  {"unk-rate", required_argument, NULL, O_UNK},
        {"vocab", required_argument, NULL, O_VOCAB},       {"min-count", required_argument, NULL, O_MINCOUNT},
        {"classes", required_argument, NULL, O_CLASSES},   {"pretokenized", no_argument, NULL, O_PRETOK},
        {"dtype", required_argument, NULL, O_DTYPE},       {"seed", required_argument, NULL, O_SEED},
        {"threads", required_argument, NULL, O_THREADS},   {"cell", required_argument, NULL, O_CELL},
        {"layers", required_argument, NULL, O_LAYERS},     {"directions", required_argument, NULL, O_DIRECTIONS},
        {"pooling", required_argument, NULL, O_POOLING},   {"attention", required_argument, NULL, O_ATTENTION},
        {"dense", required_argument, NULL, O_DENSE},       {"activation", required_argument, NULL, O_ACTIVATION},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    train_options o;
    train_options_init(&o);
    const char *data = NULL, *out = NULL;
    static const char *classes[256];
    int c, k;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case O_DATA: data = optarg; break;
        case O_OUT: out = optarg; break;
        case O_EMBED: o.embed = (size_t)cli_parse_long("--embed", optarg, 1, 10000); break;
        case O_HIDDEN: o.hidden = (size_t)cli_parse_long("--hidden", optarg, 1, 10000); break;
        case O_CELL:
            if ((k = model_cell_parse(optarg)) < 0) cli_usage("--cell: unknown cell '%s' (lstm, gru)", optarg);
            o.cell = (model_cell)k;
            break;
        case O_LAYERS: o.layers = (size_t)cli_parse_long("--layers", optarg, 1, LRP_MAX_LAYERS); break;
        case O_DIRECTIONS: o.directions = (size_t)cli_parse_long("--directions", optarg, 1, 2); break;
        case O_POOLING:
            if ((k = model_pooling_parse(optarg)) < 0)
                cli_usage("--pooling: unknown pooling '%s' (last, mean, max, attention)", optarg);
            o.pooling = (model_pooling)k;
            break;
        case O_ATTENTION: o.attention = (size_t)cli_parse_long("--attention", optarg, 1, 100000); break;
        case O_DENSE: o.n_dense = parse_dense(optarg, o.dense); break;
        case O_ACTIVATION:
            if ((k = model_activation_parse(optarg)) < 0)
                cli_usage("--activation: unknown activation '%s' (relu, tanh)", optarg);
            o.activation = (model_activation)k;
            break;
        case O_EPOCHS: o.epochs = (size_t)cli_parse_long("--epochs", optarg, 1, 100000); break;
        case O_PATIENCE: o.patience = (size_t)cli_parse_long("--patience", optarg, 0, 100000); break;
        case O_BATCH: o.batch = (size_t)cli_parse_long("--batch", optarg, 1, TRAIN_MAX_BATCH); break;
        case O_OPT:
            if (strcmp(optarg, "adam") == 0) o.optimizer = TRAIN_ADAM;
            else if (strcmp(optarg, "adagrad") == 0) o.optimizer = TRAIN_ADAGRAD;
            else cli_usage("--optimizer: unknown optimizer '%s' (adam, adagrad)", optarg);
            break;
        case O_LR: o.lr = cli_parse_double("--lr", optarg); break;
        case O_DECAY: o.lr_decay = cli_parse_double("--lr-decay", optarg); break;
        case O_DROPOUT: o.dropout = cli_parse_double("--dropout", optarg); break;
        case O_L2: o.l2 = cli_parse_double("--l2", optarg); break;
        case O_EINIT: o.embed_init = cli_parse_double("--embed-init", optarg); break;
        case O_UNK: o.unk_rate = cli_parse_double("--unk-rate", optarg); break;
        case O_VOCAB:
            if (strcmp(optarg, "all") == 0) o.vocab = TRAIN_VOCAB_ALL;
            else if (strcmp(optarg, "train") == 0) o.vocab = TRAIN_VOCAB_TRAIN;
            else cli_usage("--vocab: '%s' is not all or train", optarg);
            break;
        case O_MINCOUNT: o.min_count = (size_t)cli_parse_long("--min-count", optarg, 1, 1000000000); break;
        case O_CLASSES:
            o.n_labels = split_list("--classes", optarg, classes, sizeof classes / sizeof classes[0]);
            if (o.n_labels < 2) cli_usage("--classes: at least two classes are needed");
            o.labels = classes;
            break;
        case O_PRETOK: o.pretokenized = 1; break;
        case O_DTYPE:
            if (strcmp(optarg, "f32") == 0) o.dtype = LRP_F32;
            else if (strcmp(optarg, "f64") == 0) o.dtype = LRP_F64;
            else cli_usage("--dtype: '%s' is not f32 or f64", optarg);
            break;
        case O_SEED: o.seed = (uint64_t)cli_parse_long("--seed", optarg, 0, 0x7fffffffL); break;
        case O_THREADS: o.threads = (int)cli_parse_long("--threads", optarg, 0, 1024); break;
        case 'h': usage(stdout); return EXIT_OK;
        case ':': cli_usage("option '%s' needs a value", argv[optind - 1]);
        default: cli_unknown_option(argv, 0);
        }
    }
    if (optind < argc) cli_usage("unexpected argument '%s'", argv[optind]);
    if (!data) cli_usage("--data DIR is required");
    if (!out) cli_usage("--out FILE is required");
    lrp_error err;
    lrp_status st = train_options_check(&o, &err);
    if (st != LRP_OK) cli_usage("%s", err.message);
    /* the model is first written after an epoch: find out now that it cannot be */
    if (lrp_write_check(out, &err) != LRP_OK) cli_die(EXIT_BAD_INPUT, "--out: %s", err.message);

    train_data d;
    st = train_data_load(data, &o, &d, &err);
    if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);
    size_t threads = o.threads ? (size_t)o.threads : (size_t)lrp_default_threads();
    if (threads > TRAIN_SHARDS) threads = TRAIN_SHARDS;
    printf("data     %s: %zu distinct phrase%s (%zu word%s) from %zu training sentence%s; "
           "dev %zu, test %zu sentence%s\n",
           data, d.n_phrases, cli_s(d.n_phrases), d.n_tokens, cli_s(d.n_tokens), d.n_train_sentences,
           cli_s(d.n_train_sentences), d.n_dev, d.n_test, cli_s(d.n_test));
    printf("model    vocabulary %zu (with %s), embedding %zu, ", d.V, UNK_WORD, o.embed);
    print_architecture(&o);
    printf(", %zu classes\n", d.C);
    printf("training %s lr %g (decay %g), batch %zu, dropout %g, l2 %g, embed-init %g, unk-rate %g, "
           "seed %llu, %zu threads\n",
           o.optimizer == TRAIN_ADAM ? "adam" : "adagrad", o.lr, o.lr_decay, o.batch, o.dropout, o.l2,
           o.embed_init, o.unk_rate, (unsigned long long)o.seed, threads);
    fflush(stdout);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);

    train_ctx x = {.epochs = o.epochs};
    train_callbacks cb = {on_batch, on_epoch, &x};
    train_summary sum;
    st = train_run(&d, &o, out, &cb, &sum, &err);
    if (x.bar_on) cli_progress_finish(&x.bar);
    signal(SIGINT, SIG_DFL);
    if (st != LRP_OK) {
        train_data_free(&d);
        cli_die(cli_exit_code(st), "%s", err.message);
    }
    if (sum.best_epoch == 0) {
        printf("stopped before the first epoch ended: nothing written\n");
    } else {
        printf("best     epoch %zu of %zu, written to %s (%.0f s in all)\n", sum.best_epoch, sum.epochs,
               out, sum.seconds);
        printf("dev      fine-grained %.4f (%zu/%zu)", eval_accuracy(&sum.dev), sum.dev.correct, sum.dev.n);
        if (sum.dev.has_binary)
            printf(", binary %.4f (%zu/%zu)", eval_binary_accuracy(&sum.dev), sum.dev.binary_correct,
                   sum.dev.binary_n);
        printf("\n");
        if (d.n_test) {
            printf("test     fine-grained %.4f (%zu/%zu)", eval_accuracy(&sum.test), sum.test.correct,
                   sum.test.n);
            if (sum.test.has_binary)
                printf(", binary %.4f (%zu/%zu)", eval_binary_accuracy(&sum.test), sum.test.binary_correct,
                       sum.test.binary_n);
            printf("\n");
        }
    }
    int stopped = sum.stopped;
    train_summary_free(&sum);
    train_data_free(&d);
    cli_flush_output();
    if (stopped) {
        cli_error("interrupted%s", interrupted ? " (Ctrl-C)" : "");
        return 130;
    }
    return EXIT_OK;
}
