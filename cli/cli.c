/*
 * cli.c - helpers shared by the `lrp` subcommands (cli.h).
 */
#define _XOPEN_SOURCE 700 /* realpath: POSIX.1-2008, XSI */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "app/render.h"
#include "core/model.h"

#ifndef LRP_DEFAULT_MODEL_INSTALLED
#define LRP_DEFAULT_MODEL_INSTALLED ""
#endif
#ifndef LRP_DEFAULT_MODEL_FROM_BIN
#define LRP_DEFAULT_MODEL_FROM_BIN ""
#endif
#ifndef LRP_SOURCE_DIR
#define LRP_SOURCE_DIR "."
#endif
#define DEFAULT_MODEL_REL "models/sst5-bilstm.safetensors"

static const char *command = NULL;

void cli_set_command(const char *name) { command = name; }

/* "lrp <cmd>: <what><message>": the message often quotes input (a file name, a model's
 * strings, a line), so control characters are written as '?' (render_terminal_text),
 * never sent to the terminal. */
static void vprefix(const char *what, const char *fmt, va_list ap)
{
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    render_terminal_defuse(msg);
    fprintf(stderr, "lrp%s%s: %s%s\n", command ? " " : "", command ? command : "", what, msg);
}

void cli_die(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprefix("", fmt, ap);
    va_end(ap);
    exit(code);
}

void cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprefix("", fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'lrp%s%s --help'.\n", command ? " " : "", command ? command : "");
    exit(EXIT_USAGE);
}

void cli_unknown_option(char *const *argv, int sentences)
{
    /* the word of argv: getopt sets optopt for a short option and has not moved past
     * its word unless the option was its last letter; a long option's word is done */
    const char *word = argv[optind - 1];
    if (optopt && argv[optind] && argv[optind][0] == '-' && strchr(argv[optind] + 1, optopt)) word = argv[optind];
    char opt[4] = {'-', (char)optopt, '\0', '\0'};
    if (sentences && strchr(word, ' '))
        cli_usage("unknown option '%s' in '%s': a sentence that starts with '-' goes after '--', as in "
                  "lrp %s -- '%s'", optopt ? opt : word, word, command ? command : "explain", word);
    cli_usage("unknown option '%s'", optopt ? opt : word);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprefix("", fmt, ap);
    va_end(ap);
}

void cli_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprefix("", fmt, ap);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprefix("warning: ", fmt, ap);
    va_end(ap);
}

// ----------------------------------------------------------------------------
// standard output

/* The writer of standard output, made at the first cli_out (on the main thread); what it
 * holds when the process exits from that thread is handed to stdout, which exit flushes. */
static outbuf *out_writer;
static pthread_t out_thread;

static void out_at_exit(void)
{
    if (out_writer && pthread_equal(pthread_self(), out_thread)) outbuf_drain(out_writer);
}

outbuf *cli_out(void)
{
    if (!out_writer) {
        static outbuf writer;
        outbuf_init(&writer, stdout);
        out_writer = &writer;
        out_thread = pthread_self();
        atexit(out_at_exit);
    }
    return out_writer;
}

void cli_flush_output(void)
{
    int e = outbuf_flush(cli_out());
    if (e == 0) return;
    cli_die(EXIT_BAD_INPUT, "cannot write the output: %s", strerror(e));
}

int cli_exit_code(lrp_status st)
{
    if (st == LRP_OK) return EXIT_OK;
    return st == LRP_ERR_ARGUMENT ? EXIT_USAGE : EXIT_BAD_INPUT;
}

// ----------------------------------------------------------------------------
// model

/* The installed model beside this binary (BINDIR/../share/lrp-rnn/...): wherever the
 * files were installed, whatever prefix was configured. "" when unknown. */
static const char *model_beside_binary(char *buf, size_t len)
{
#if defined(__linux__)
    char exe[4096];
    ssize_t n = LRP_DEFAULT_MODEL_FROM_BIN[0] ? readlink("/proc/self/exe", exe, sizeof exe - 1) : -1;
    if (n > 0 && (size_t)n < sizeof exe - 1) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        size_t dir = slash ? (size_t)(slash - exe) + 1 : 0, rel = strlen(LRP_DEFAULT_MODEL_FROM_BIN);
        if (slash && dir + rel < len) {
            memcpy(buf, exe, dir); /* with its '/' */
            memcpy(buf + dir, LRP_DEFAULT_MODEL_FROM_BIN, rel + 1);
            return buf;
        }
    }
#endif
    (void)len;
    buf[0] = '\0';
    return buf;
}

const char *cli_model_path(const char *option)
{
    static char buf[4096], beside[4096];
    if (option && option[0]) return option;
    const char *env = getenv("LRP_MODEL");
    if (env && env[0]) return env;
    if (model_beside_binary(beside, sizeof beside)[0] && access(beside, R_OK) == 0) {
        char *real = realpath(beside, NULL); /* without the bin/../ */
        if (real && strlen(real) < sizeof beside) strcpy(beside, real);
        free(real);
        return beside;
    }
    if (LRP_DEFAULT_MODEL_INSTALLED[0] && access(LRP_DEFAULT_MODEL_INSTALLED, R_OK) == 0)
        return LRP_DEFAULT_MODEL_INSTALLED;
    snprintf(buf, sizeof buf, "%s/%s", LRP_SOURCE_DIR, DEFAULT_MODEL_REL);
    if (access(buf, R_OK) == 0) return buf;
    return DEFAULT_MODEL_REL;
}

/* Set by cli_load_option while the command line is read; one command per process. */
static lrp_load_options load_options = {.lowercase = -1};

int cli_load_option(int c, const char *value)
{
    lrp_load_options *o = &load_options;
    switch (c) {
    case CLI_O_VOCAB: o->vocab_path = value; return 1;
    case CLI_O_LABELS: o->labels_path = value; return 1;
    case CLI_O_UNK: o->unk = value; return 1;
    case CLI_O_LOWERCASE:
        if (strcmp(value, "true") == 0) o->lowercase = 1;
        else if (strcmp(value, "false") == 0) o->lowercase = 0;
        else cli_usage("--lowercase: '%s' is not true or false", value);
        return 1;
    case CLI_O_PREFIX_EMBEDDING: o->embedding_prefix = value; return 1;
    case CLI_O_PREFIX_LSTM: o->lstm_prefix = value; return 1;
    case CLI_O_PREFIX_CLASSIFIER: o->classifier_prefix = value; return 1;
    case CLI_O_PREFIX_RNN: o->rnn_prefix = value; return 1;
    case CLI_O_PREFIX_ATTENTION: o->attention_prefix = value; return 1;
    case CLI_O_PREFIX_DENSE: o->dense_prefixes = value; return 1;
    case CLI_O_POOLING:
        if (model_pooling_parse(value) < 0)
            cli_usage("--pooling: '%s' is not last, mean, max or attention", value);
        o->pooling = value;
        return 1;
    case CLI_O_ACTIVATION:
        if (model_activation_parse(value) < 0) cli_usage("--activation: '%s' is not relu or tanh", value);
        o->activation = value;
        return 1;
    default: return 0;
    }
}

void cli_load_options_help(FILE *f)
{
    fputs("Reading the model (PyTorch state_dicts, or to replace what a file says;\n"
          "docs/pytorch.md):\n"
          "  --vocab FILE        the vocabulary, one word per line, line k = word id k\n"
          "                      (default: the file's \"vocab\")\n"
          "  --labels FILE       the class names, one per line, in score order (default:\n"
          "                      the file's \"labels\")\n"
          "  --unk WORD          the word standing for unknown words, '' for none\n"
          "                      (default: the file's \"unk\", else none)\n"
          "  --lowercase true|false  lowercase the input words (default: the file's\n"
          "                      \"lowercase\"; a PyTorch file without it: true when no\n"
          "                      vocabulary word has a capital letter)\n"
          "  --prefix-embedding PATH\n"
          "  --prefix-rnn PATH\n"
          "  --prefix-lstm PATH  (the same as --prefix-rnn)\n"
          "  --prefix-attention PATH\n"
          "  --prefix-classifier PATH\n"
          "                      module path of that part of a PyTorch state_dict, as in\n"
          "                      its tensor names, e.g. encoder.lstm ('' for the top level)\n"
          "                      (default: found from the tensor names and shapes; an\n"
          "                      attention module has PATH.proj and PATH.vector)\n"
          "  --prefix-dense LIST the dense layers between the head and the classifier,\n"
          "                      their module paths in order, e.g. fc1,fc2 (default: the\n"
          "                      file's \"dense_modules\", else none)\n"
          "  --pooling HEAD      last, mean, max or attention: what the classifier (or\n"
          "                      the first dense layer) reads (default: the file's\n"
          "                      \"pooling\", else attention when there is an attention\n"
          "                      module, else last: each direction's final state)\n"
          "  --activation F      relu or tanh, of the dense layers (default: the file's\n"
          "                      \"activation\", else relu)\n",
          f);
}

lrp_model *cli_load_model(const char *option)
{
    const char *path = cli_model_path(option);
    lrp_model *m = NULL;
    lrp_error err;
    lrp_status st = lrp_model_load_ex(&m, path, &load_options, &err);
    if (st == LRP_OK) return m;
    int is_default = !(option && option[0]) && !(getenv("LRP_MODEL") && getenv("LRP_MODEL")[0]);
    if (is_default && access(path, F_OK) != 0)
        cli_die(EXIT_BAD_INPUT,
                "the default model %s is missing. Train it with 'lrp train --data DIR --out %s' "
                "(docs/training.md), or name a model with --model FILE or LRP_MODEL.",
                path, DEFAULT_MODEL_REL);
    cli_die(cli_exit_code(st), "%s", err.message);
}

// ----------------------------------------------------------------------------
// numbers

double cli_parse_double(const char *option, const char *value)
{
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (end == value || *end != '\0' || errno == ERANGE || !isfinite(v))
        cli_usage("%s: '%s' is not a number", option, value);
    return v;
}

long cli_parse_long(const char *option, const char *value, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (end == value || *end != '\0' || errno == ERANGE)
        cli_usage("%s: '%s' is not an integer", option, value);
    if (v < min || v > max) cli_usage("%s: %ld is outside [%ld, %ld]", option, v, min, max);
    return v;
}

// ----------------------------------------------------------------------------
// terminal

int cli_use_color(FILE *f)
{
    const char *no = getenv("NO_COLOR");
    if (no && no[0]) return 0;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0) return 0;
    return isatty(fileno(f));
}

size_t cli_terminal_width(FILE *f)
{
    struct winsize ws;
    if (ioctl(fileno(f), TIOCGWINSZ, &ws) != 0) return 0;
    return ws.ws_col;
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void progress_draw(cli_progress *p, size_t done)
{
    const int width = 30;
    double frac = p->total ? (double)done / (double)p->total : 0.0;
    if (frac > 1.0) frac = 1.0;
    int fill = (int)(frac * width);
    double el = cli_now() - p->start;
    double eta = frac > 0 ? el * (1.0 - frac) / frac : 0.0;
    fprintf(stderr, "\r%s [%.*s%*s] %3.0f%%  %zu/%zu  %.0fs elapsed, ~%.0fs left \033[K",
            p->label, fill, "##############################", width - fill, "", 100.0 * frac, done,
            p->total, el, eta);
    fflush(stderr);
}

void cli_progress_start(cli_progress *p, const char *label, size_t total)
{
    p->label = label;
    p->total = total;
    p->enabled = isatty(fileno(stderr));
    p->start = p->last = cli_now();
    if (p->enabled) progress_draw(p, 0);
}

void cli_progress_update(cli_progress *p, size_t done)
{
    if (!p->enabled) return;
    double now = cli_now();
    if (now - p->last < 0.1 && done < p->total) return;
    p->last = now;
    progress_draw(p, done);
}

void cli_progress_finish(cli_progress *p)
{
    if (!p->enabled) return;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
}
