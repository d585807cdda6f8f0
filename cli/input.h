/*
 * input.h - the sentences of `lrp explain` and `lrp predict`: from the command's
 * arguments, else streamed from standard input, read in chunks so that a corpus of
 * any size runs in constant memory (one chunk at a time). A chunk ends after
 * INPUT_CHUNK lines, or earlier when no more input is waiting: a fast producer
 * (a file) gives full chunks for the threads, a slow one (a person typing, `tail -f`)
 * gets each line's answer without waiting for more lines.
 *
 * A line is raw text (tokenized), tokens (--pretokenized), LABEL<TAB>sentence
 * (--input tsv) or a treebank tree (--input ptb). Each line becomes one input_item:
 * either its words, ids and unknown marks, or the message naming what is wrong with
 * it (empty, invalid UTF-8, unknown words without an unk word, a bad label, too
 * long), so that the command reports it and goes on with the next line.
 */
#ifndef LRP_CLI_INPUT_H
#define LRP_CLI_INPUT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "app/dataset.h"
#include "lrp.h"

/* Lines per chunk: the first chunk at most INPUT_CHUNK, so that the threads start
 * soon; the next ones at most INPUT_CHUNK_MAX, enough to sort many sentences of
 * equal length into each batch and to keep every thread busy between the chunks'
 * ends, small enough for constant memory. A chunk ends after INPUT_CHUNK_HURRY lines
 * when the consumer is already waiting for it (input_reader.hurry). */
enum { INPUT_CHUNK = 256, INPUT_CHUNK_MAX = 2048, INPUT_CHUNK_HURRY = 64 };
/* A chunk also ends once its lines hold this many words (the treebank's 2048 lines hold
 * about 40000): with lines of up to LRP_MAX_LENGTH words, a chunk's memory stays
 * bounded (docs/cli.md, Limits). */
enum { INPUT_CHUNK_WORDS = 1 << 16 };

typedef enum input_format { INPUT_TEXT = 0, INPUT_TSV, INPUT_PTB } input_format;

/* "text", "tsv", "ptb" -> format; -1 for anything else. */
int input_parse_format(const char *name);

/* The options of the commands that read sentences (explain, predict): add
 * INPUT_LONGOPTS to the getopt_long table and hand the option codes the command
 * does not know itself to input_option. */
typedef struct input_options {
    int pretokenized;    /* --pretokenized */
    input_format format; /* --input FORMAT */
    int threads;         /* --threads N, 0 = all cores */
} input_options;

enum { INPUT_O_PRETOKENIZED = 0x1100, INPUT_O_FORMAT, INPUT_O_THREADS };
#define INPUT_LONGOPTS                                                                             \
    {"pretokenized", no_argument, NULL, INPUT_O_PRETOKENIZED},                                     \
        {"input", required_argument, NULL, INPUT_O_FORMAT},                                        \
        {"threads", required_argument, NULL, INPUT_O_THREADS}

/* Take option code c with its value when it is one of INPUT_LONGOPTS (returns 1;
 * exits 2 on a bad value), else return 0. */
int input_option(int c, const char *value, input_options *o);

typedef struct input_item {
    size_t line;            /* 1-based line number, or argument number for arguments */
    int ok;                 /* parsed: the fields below are set */
    char *message;          /* when !ok: what is wrong with the line (owned; input_item_fail) */
    size_t T;               /* number of words, 1..LRP_MAX_LENGTH */
    char **words;           /* [T] tokens (owned through tokens or tree) */
    int32_t *ids;           /* [T] word ids */
    unsigned char *unknown; /* [T] nonzero: not in the vocabulary, read as the unk word */
    int label;              /* true class (tsv, ptb), -1 when the input has none */
    /* private: owners of words */
    lrp_tokens tokens_;
    ds_sentence tree_;
    int from_dataset_;
} input_item;

typedef struct input_reader {
    const lrp_model *model;
    input_format format;
    int pretokenized;
    char **args;            /* sentences given as arguments, or NULL: read `in` */
    size_t n_args, next_arg;
    ds_lines lines;         /* the input when there are no arguments */
    const atomic_int *hurry; /* NULL, or set while the chunk being read is waited for */
    ds_options ds;
    ds_parser parser;       /* its buffers, kept from line to line */
    const char **labels;    /* [C] the model's class names, for tsv labels given by name */
} input_reader;

/* Read from the n_args arguments when n_args > 0, else from the file descriptor fd.
 * Exits 1 when out of memory. */
void input_open(input_reader *r, const lrp_model *model, input_format format, int pretokenized,
                char **args, size_t n_args, int fd);

/* Read and parse up to `cap` lines into items[0..n) (fewer when no more input is waiting
 * yet, or from INPUT_CHUNK_HURRY lines on when *r->hurry is set); returns n, 0 at the
 * end of the input. Items must be empty (zeroed, or released
 * with input_item_clear). Exits 1 on a read error. */
size_t input_read(input_reader *r, input_item *items, size_t cap);

void input_item_clear(input_item *item);

/* Mark the item bad with this message (copied; exits 1 when out of memory). */
void input_item_fail(input_item *item, const char *message);
void input_close(input_reader *r);

/* What an item's number counts: "line" (standard input) or "argument". */
const char *input_unit(const input_reader *r);

#endif /* LRP_CLI_INPUT_H */
