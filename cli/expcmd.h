/*
 * expcmd.h - what the experiment commands (`lrp heatmaps`, `top-words`,
 * `deletion`, `position`, `reproduce`) share: the options --model, --data, --format,
 * --threads and --seed (plus the model-reading options), reading and encoding the
 * labelled data, progress on a terminal, writing a file atomically, and each
 * experiment's writers, which `lrp reproduce` calls for its CSV files and figures.
 *
 * The arithmetic is the applications' (app/experiments.h); this layer only parses,
 * prints and writes files.
 */
#ifndef LRP_CLI_EXPCMD_H
#define LRP_CLI_EXPCMD_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "app/dataset.h"
#include "app/experiments.h"
#include "app/paper.h"
#include "io/fileio.h"

/* Option codes of the shared options; add EXPCMD_LONGOPTS to a getopt_long table. */
enum { XO_MODEL = 0x2000, XO_DATA, XO_FORMAT, XO_THREADS, XO_SEED };
#define EXPCMD_LONGOPTS                                                                            \
    {"model", required_argument, NULL, XO_MODEL}, {"data", required_argument, NULL, XO_DATA},      \
        {"format", required_argument, NULL, XO_FORMAT},                                            \
        {"threads", required_argument, NULL, XO_THREADS},                                         \
        {"seed", required_argument, NULL, XO_SEED}, {"help", no_argument, NULL, 'h'},             \
        CLI_LOAD_LONGOPTS

typedef struct expcmd {
    /* options */
    const char *model_path;
    const char *data_path;
    const char *const *formats; /* the command's formats, NULL-terminated; formats[0] is the default */
    const char *data_help;      /* --help's lines for --data, or NULL for the usual ones */
    int format;                 /* index into formats */
    int threads;
    uint64_t seed;
    /* loaded by expcmd_load */
    lrp_model *model;
    lrp_model_info info;
    ds_corpus corpus;
    size_t n;                   /* sentences */
    exp_sentence *sentences;    /* [n] views into ids */
    size_t total_words;         /* sum of T */
    size_t *offset;             /* [n] first word of sentence i in ids, words */
    int32_t *ids;               /* [total_words] */
    const char **words;         /* [total_words] the corpus's tokens */
    unsigned char *unknown;     /* [total_words] nonzero: read as the unknown word */
    size_t n_unknown;           /* words read as the unknown word */
    /* progress */
    cli_progress progress;
} expcmd;

/* Defaults: format formats[0], all cores, seed 1. */
void expcmd_init(expcmd *x, const char *const *formats);

/* Take a shared option (returns 1), or a model-reading option (returns 1), else 0.
 * Exits 2 on a bad value. */
int expcmd_option(expcmd *x, int c, const char *value);

/* Every experiment command's option loop (getopt_long over longopts, which holds
 * EXPCMD_LONGOPTS):
 *     while ((c = expcmd_getopt(&x, argc, argv, longopts, usage)) != -1) switch (c) { ... }
 * Returns the code of the next option that is the command's own (optarg holds its value),
 * or -1 after the last option. Takes the shared options itself; --help prints usage on
 * standard output and exits 0; a missing value, an unknown option, or an argument left
 * after the options exits 2. */
int expcmd_getopt(expcmd *x, int argc, char **argv, const struct option *longopts,
                  void (*usage)(FILE *f, const expcmd *x));

/* The help lines of the shared options. */
void expcmd_help(FILE *f, const expcmd *x, int with_seed);

/* Load the model, then read and encode --data (required: exit 2 without it).
 * Exits 1 naming the file and line when the data cannot be read. */
void expcmd_load(expcmd *x);

/* The name of the chosen format. */
const char *expcmd_format(const expcmd *x);

/* Leaf labels of sentence i (NULL for LABEL<TAB>sentence data). */
const int *expcmd_word_labels(const expcmd *x, size_t i);

/* The sentence holding word occurrence k (an index into ids and words), and the
 * occurrence's own treebank leaf label (-1 for LABEL<TAB>sentence data). */
size_t expcmd_sentence_of(const expcmd *x, size_t occurrence);
int expcmd_leaf_label(const expcmd *x, size_t occurrence);

/* An exp_run with the command's threads and progress on standard error (a terminal
 * only), labelled `label`. */
void expcmd_run(expcmd *x, exp_run *run, const char *label);
void expcmd_progress_done(expcmd *x);

void expcmd_free(expcmd *x);

/* Write path atomically with fill, or exit 1 naming the path. */
void expcmd_write_file(const char *path, lrp_write_fn fill, void *ctx);

/* The whole text of a file, written by one of the writers below. */
typedef void (*expcmd_writer)(outbuf *o, const void *ctx);

/* The body of an lrp_write_fn: write(o, ctx) through a buffered writer over f, flushed;
 * LRP_ERR_IO with the system's reason when f could not be written, LRP_ERR_NOMEM when
 * there is no memory for the writer. */
lrp_status expcmd_fill(FILE *f, expcmd_writer write, const void *ctx, lrp_error *err);

/* A CSV field: quoted when it has a comma, quote, or line break. */
void expcmd_csv_field(outbuf *o, const char *s);

// ----------------------------------------------------------------------------
// the experiments' writers (cmd_<name>.c), shared with `lrp reproduce`

/* lrp deletion */
void deletion_write_text(outbuf *o, const exp_deletion_result *r, size_t min_length);
void deletion_write_json(outbuf *o, const exp_deletion_result *r);
void deletion_write_csv(outbuf *o, const exp_deletion_result *r);
void deletion_write_svg(outbuf *o, const exp_deletion_result *r); /* both panels, side by side */
/* one panel's chart (0 correct, 1 false), for inlining */
void deletion_write_panel_svg(outbuf *o, const exp_deletion_result *r, int panel);

/* lrp position */
void position_write_text(outbuf *o, const exp_position_result *r, const lrp_model *model, size_t min_length);
void position_write_json(outbuf *o, const exp_position_result *r);
void position_write_csv(outbuf *o, const exp_position_result *r, const lrp_model *model);
void position_write_svg(outbuf *o, const exp_position_result *r, const lrp_model *model); /* both methods */
void position_write_grid_svg(outbuf *o, const exp_position_result *r, const lrp_model *model, int method);

/* lrp top-words: the k most and least relevant words for a class, by LRP and SA */
enum { TW_LRP = 0, TW_SA = 1 };
enum { TW_MOST = 0, TW_LEAST = 1 };
typedef struct top_words {
    int target;
    size_t k;
    exp_aggregate aggregate;
    size_t min_count;
    size_t occurrences;     /* word occurrences ranked */
    exp_ranked *list[2][2]; /* [TW_LRP, TW_SA][TW_MOST, TW_LEAST] with n[..][..] entries */
    size_t n[2][2];
} top_words;
/* Explain every sentence for tw->target by LRP and SA and rank (tw's settings filled
 * by the caller); exits 1 on failure. */
void top_words_compute(const expcmd *x, const exp_run *run, top_words *tw);
void top_words_free(top_words *tw);
void top_words_write_text(outbuf *o, const expcmd *x, const top_words *tw);
void top_words_write_json(outbuf *o, const expcmd *x, const top_words *tw);
void top_words_write_csv(outbuf *o, const expcmd *x, const top_words *tw);

/* lrp heatmaps: sentences explained by LRP and SA for their true class */
typedef struct heatmaps {
    size_t n;
    size_t *index;   /* [n] sentences of the data */
    lrp_result *res; /* [n] explanations[0] LRP, [1] SA, for the true class */
} heatmaps;
/* The paper's 21 lines of the SST test set (Figures 1 and 2), in its order. */
extern const size_t heatmaps_paper_lines[PAPER_HEATMAP_LINES];
/* --lines LIST as line numbers (exit 2 on a malformed list; call before or after
 * expcmd_load), then as sentence indexes (exit 1 on a line without a sentence; frees
 * the array first). "paper" is resolved by heatmaps_resolve_lines. */
size_t *heatmaps_parse_lines(const char *list, size_t *n);
void heatmaps_resolve_lines(const expcmd *x, size_t *idx, size_t n);
/* Sentence index of data line `line`, or (size_t)-1 when no sentence is on it. */
size_t heatmaps_find_line(const expcmd *x, size_t line);
void heatmaps_compute(const expcmd *x, const exp_run *run, const size_t *index, size_t n, heatmaps *h);
void heatmaps_free(heatmaps *h);
/* The table of the figures (true, predicted, number, SA heatmap, LRP heatmap), an HTML
 * <table> for a page whose CSS is render_html_begin's. */
void heatmaps_write_html_table(outbuf *o, const expcmd *x, const heatmaps *h);
/* The same as a LaTeX tabular (needs \usepackage{xcolor}). */
void heatmaps_write_latex(outbuf *o, const expcmd *x, const heatmaps *h);

#endif /* LRP_CLI_EXPCMD_H */
