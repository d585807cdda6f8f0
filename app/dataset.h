/*
 * dataset.h - labelled sentences read from a file, in either of two formats:
 *
 *   ptb   the Stanford Sentiment Treebank's trees, one per line, binarised, every
 *         node labelled: (3 (2 it) (4 (4 (2 's) (4 good)) (2 .)))
 *   tsv   LABEL<TAB>sentence lines; LABEL is a class index or a label name; the
 *         sentence is raw text (tokenized with lrp_tokenize) unless pretokenized.
 *
 * Used by the trainer (every phrase of the training trees), `lrp evaluate`, the
 * experiments, and `lrp explain --input ptb|tsv`. Internal; not installed.
 */
#ifndef LRP_DATASET_H
#define LRP_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "lrp.h"

/* A node of a tree: the words [begin, end) and the node's label. */
typedef struct ds_span {
    uint32_t begin, end;
    int label;
} ds_span;

typedef struct ds_sentence {
    size_t length;       /* number of words (tokens), >= 1 */
    char **words;        /* [length] treebank tokens, lowercased if asked; -LRB- -> -lrb- when lowercased */
    int label;           /* the sentence's class (root label / TSV label) */
    int *word_labels;    /* [length] the leaves' own labels (ptb), NULL for tsv */
    size_t n_spans;      /* ptb: every node, leaves and root included, root first; tsv: 0 */
    ds_span *spans;
    size_t line;         /* 1-based line number in the file */
} ds_sentence;

typedef struct ds_corpus {
    size_t n;
    ds_sentence *sentences;
    void *arena_;        /* private */
} ds_corpus;

typedef enum ds_format { DS_AUTO = 0, DS_PTB, DS_TSV } ds_format;

typedef struct ds_options {
    ds_format format;          /* DS_AUTO: a line starting with '(' is ptb, else tsv */
    int lowercase;
    int pretokenized;          /* tsv: split on spaces/tabs instead of lrp_tokenize */
    const char *const *labels; /* [n_labels] class names for tsv labels given by name (may be NULL) */
    size_t n_labels;           /* number of classes: labels must lie in [0, n_labels);
                                  0 = any label >= 0 (no names) */
} ds_options;

/* Parse one line (without its newline; a trailing CR is ignored) into out, which
 * owns one block: release it with ds_sentence_free (never for a sentence of a
 * corpus). out->line is 0. Errors are LRP_ERR_INPUT and read "column N: ..."
 * (N the 1-based byte column) with what was expected, or name a sentence of more
 * than LRP_MAX_LENGTH words (the words after those are counted, not kept). Blank
 * lines are an error.
 * Any nesting depth is read (no recursion); nodes may have any number of
 * children. The line is checked as text first (text.h): invalid UTF-8, NUL
 * bytes and control characters other than tab and line breaks are errors. */
lrp_status ds_parse_line(const char *line, size_t len, const ds_options *o, ds_sentence *out,
                         lrp_error *err);
void ds_sentence_free(ds_sentence *s);

/* A line parser that keeps its buffers from line to line: ds_parse_line for a
 * stream of lines without the allocations of each call. Zero it to start
 * (ds_parser p = {0}); release with ds_parser_free. */
typedef struct ds_parser {
    void *builder_;
} ds_parser;

lrp_status ds_parser_parse(ds_parser *p, const char *line, size_t len, const ds_options *o,
                           ds_sentence *out, lrp_error *err);
void ds_parser_free(ds_parser *p);

/* Limits of the data read: the longest line (bytes, without its line break), and the
 * largest data file ds_read takes (its sentences are all kept: about 5 bytes of memory
 * per byte of a treebank file, up to 15 for a file of one-word lines such as "(2 a)",
 * so at most about 1 GB). A sentence has at most LRP_MAX_LENGTH words. */
#define DS_MAX_LINE ((size_t)4 << 20)
#define DS_MAX_FILE ((size_t)64 << 20)

/* Lines of a file descriptor, read in parts: memory for one line of at most `max`
 * bytes and one read, whatever the input (an endless line is not kept). */
typedef struct ds_lines {
    int fd;
    size_t max;             /* the longest line kept */
    size_t number;          /* lines returned so far, too long ones included */
    size_t bytes;           /* bytes of the lines returned so far, line breaks included */
    char *buf;              /* [cap] bytes read, buf[begin, end) not yet returned */
    size_t cap, begin, end;
    int eof;
    int skipping;           /* dropping the rest of a line that was too long */
} ds_lines;

enum { DS_LINE_END = 0, DS_LINE = 1, DS_LINE_TOO_LONG = 2, DS_LINE_ERROR = -1 };

void ds_lines_open(ds_lines *r, int fd, size_t max);
/* The next line, without its '\n' (a '\r' before it is left), valid until the next
 * call: DS_LINE. DS_LINE_TOO_LONG as soon as more than max bytes come without a line
 * break: the line counts (r->number) but is not returned, and the next call first
 * drops the rest of it (in constant memory: a line from /dev/zero never ends).
 * DS_LINE_END at the end, DS_LINE_ERROR on a read error (errno) or out of memory
 * (errno ENOMEM). */
int ds_lines_next(ds_lines *r, const char **text, size_t *len);
void ds_lines_close(ds_lines *r);

/* Read every non-blank line of a file ("-" = standard input): LF or CRLF line
 * ends, a final newline or not, a UTF-8 byte-order mark at the start. Errors carry
 * "path:line: " in front ("test.txt:12: column 40: expected ')' ..."); a line over
 * DS_MAX_LINE bytes or a file over DS_MAX_FILE is an error as soon as it is read that
 * far; LRP_ERR_IO when the file cannot be opened or read. The sentences live in the
 * corpus's arena until ds_free. */
lrp_status ds_read(const char *path, const ds_options *o, ds_corpus *out, lrp_error *err);
void ds_free(ds_corpus *c);

#endif /* LRP_DATASET_H */
