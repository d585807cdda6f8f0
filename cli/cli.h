/*
 * cli.h - helpers shared by the `lrp` subcommands: errors and exit codes, the
 * model path, number parsing, terminal colour and progress.
 *
 * Exit codes: 0 success, 1 bad input or model, 2 usage. Messages go to standard
 * error as "lrp <command>: <message>".
 */
#ifndef LRP_CLI_H
#define LRP_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "app/outbuf.h"
#include "lrp.h"

enum { EXIT_OK = 0, EXIT_BAD_INPUT = 1, EXIT_USAGE = 2 };

/* Name of the running subcommand for messages ("explain"); set by main. */
void cli_set_command(const char *name);

/* Print "lrp <cmd>: message" and exit with `code`. */
_Noreturn void cli_die(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A usage error: message, then "Try 'lrp <cmd> --help'.", exit 2. */
_Noreturn void cli_usage(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* The usage error of an option getopt_long did not know (call it at once): the
 * option as written, "-5" for a short one. `sentences`: the command takes sentences as
 * arguments, and the message says how to give one that starts with '-'. */
_Noreturn void cli_unknown_option(char *const *argv, int sentences);

/* Print "lrp <cmd>: message" (no exit): an error the command goes on after, such as
 * one bad input line; the command still exits non-zero at the end. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Print "lrp <cmd>: message" (no exit), for a person at a terminal. */
void cli_note(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Print "lrp <cmd>: warning: message" (no exit). */
void cli_warn(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* The buffered writer of standard output (app/outbuf.h), for everything a command
 * writes there but its --help. Call it first on the main thread: what it holds when the
 * process exits from that thread (cli_die, a return from main) is still written. */
outbuf *cli_out(void);

/* Hand what cli_out holds to standard output and flush it; exit 1 with the system's
 * reason ("cannot write the output: No space left on device") when it could not be
 * written, now or before. */
void cli_flush_output(void);

/* "s" after a count other than 1: "%zu sentence%s", n, cli_s(n). */
static inline const char *cli_s(size_t n) { return n == 1 ? "" : "s"; }

/* Exit code for a library status: 1 for input, model and I/O problems, 2 for arguments. */
int cli_exit_code(lrp_status st);

/* The model path: `option` if given, else $LRP_MODEL, else the installed default (beside
 * the installed binary: BINDIR/../share/lrp-rnn/, else under the configured prefix),
 * else models/sst5-bilstm.safetensors of the source tree, else of the current directory. */
const char *cli_model_path(const char *option);

/* Load the model named by cli_model_path(option), with the model options taken by
 * cli_load_option, or exit 1 with a message that says which path was tried and how
 * to get a model. */
lrp_model *cli_load_model(const char *option);

/* Options that say how to read a model (lrp_load_options), for every command that
 * loads one: add CLI_LOAD_LONGOPTS to its getopt_long table, hand every option code
 * it does not know itself to cli_load_option, and print cli_load_options_help in its
 * --help. */
enum {
    CLI_O_VOCAB = 0x1000,
    CLI_O_LABELS,
    CLI_O_UNK,
    CLI_O_LOWERCASE,
    CLI_O_PREFIX_EMBEDDING,
    CLI_O_PREFIX_LSTM,
    CLI_O_PREFIX_CLASSIFIER,
    CLI_O_PREFIX_RNN,
    CLI_O_PREFIX_ATTENTION,
    CLI_O_PREFIX_DENSE,
    CLI_O_POOLING,
    CLI_O_ACTIVATION
};
#define CLI_LOAD_LONGOPTS                                                                          \
    {"vocab", required_argument, NULL, CLI_O_VOCAB},                                               \
        {"labels", required_argument, NULL, CLI_O_LABELS},                                         \
        {"unk", required_argument, NULL, CLI_O_UNK},                                               \
        {"lowercase", required_argument, NULL, CLI_O_LOWERCASE},                                   \
        {"prefix-embedding", required_argument, NULL, CLI_O_PREFIX_EMBEDDING},                     \
        {"prefix-lstm", required_argument, NULL, CLI_O_PREFIX_LSTM},                               \
        {"prefix-classifier", required_argument, NULL, CLI_O_PREFIX_CLASSIFIER},                   \
        {"prefix-rnn", required_argument, NULL, CLI_O_PREFIX_RNN},                                 \
        {"prefix-attention", required_argument, NULL, CLI_O_PREFIX_ATTENTION},                     \
        {"prefix-dense", required_argument, NULL, CLI_O_PREFIX_DENSE},                             \
        {"pooling", required_argument, NULL, CLI_O_POOLING},                                       \
        {"activation", required_argument, NULL, CLI_O_ACTIVATION}

/* Take option code c with its value when it is one of CLI_LOAD_LONGOPTS (returns 1;
 * exits 2 on a bad value), else return 0. */
int cli_load_option(int c, const char *value);

/* The help lines of those options. */
void cli_load_options_help(FILE *f);

/* Parse numbers from option values, or exit 2 naming the option. */
double cli_parse_double(const char *option, const char *value);
long cli_parse_long(const char *option, const char *value, long min, long max);

/* Colours on this stream? Only on a terminal, never when NO_COLOR is set (non-empty)
 * or TERM is "dumb". */
int cli_use_color(FILE *f);

/* The columns of the terminal f is, 0 when it is none or does not say. */
size_t cli_terminal_width(FILE *f);

/* Seconds on a monotonic clock. */
double cli_now(void);

/* Progress on standard error, drawn only when it is a terminal, at most ~10 times a
 * second; nothing at all otherwise (logs stay clean). */
typedef struct cli_progress {
    const char *label;
    size_t total;
    int enabled;
    double start, last;
} cli_progress;

void cli_progress_start(cli_progress *p, const char *label, size_t total);
void cli_progress_update(cli_progress *p, size_t done);
void cli_progress_finish(cli_progress *p);

#endif /* LRP_CLI_H */
