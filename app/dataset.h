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
 * (N the 1-based byte column) with what was expected. Blank lines are an error.
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

/* Read every non-blank line of a file ("-" = standard input): LF or CRLF line
 * ends, a final newline or not, a UTF-8 byte-order mark at the start. Errors carry
 * "path:line: " in front ("test.txt:12: column 40: expected ')' ..."); LRP_ERR_IO
 * when the file cannot be opened or read. The sentences live in the corpus's
 * arena until ds_free. */
lrp_status ds_read(const char *path, const ds_options *o, ds_corpus *out, lrp_error *err);
void ds_free(ds_corpus *c);

#endif /* LRP_DATASET_H */
