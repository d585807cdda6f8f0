/*
 * experiments.h - the arithmetic of the paper's experiments (Arras et al. 2017,
 * section 4), for `lrp heatmaps`, `lrp top-words`, `lrp deletion`, `lrp position`
 * and `lrp reproduce`. Internal (not installed). docs/experiments.md states every
 * choice made where the paper is ambiguous.
 *
 *   ranking      Table 1: word occurrences ranked by relevance, first k distinct
 *                words, or words ranked by mean relevance (exp_rank_words)
 *   deletion     Figure 3: words deleted (embedding zeroed) in decreasing relevance
 *                order on initially correct sentences, increasing on false ones,
 *                ties by position; random orders from a seeded generator that
 *                depends only on (seed, sentence, run) (exp_deletion)
 *   position     Figure 4: word t of T covers [t/T, (t+1)/T); its relevance is split
 *                over B equal intervals in proportion to overlap (exp_position)
 *
 * Every explanation goes through lrp_explain_batch, and every sum runs in data
 * order, so results are the same bytes whatever the thread count. Like the rest of
 * the library nothing here prints or exits; progress goes to a caller's callback.
 *
 * Sizes: T words of a sentence, N sentences, K deletions, R random runs, B bins,
 * C classes.
 */
#ifndef LRP_EXPERIMENTS_H
#define LRP_EXPERIMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "lrp.h"

/* A labelled sentence as the experiments take it (a view: the caller owns ids). */
typedef struct exp_sentence {
    const int32_t *ids; /* [T] word ids */
    size_t T;
    int label;          /* true class in [0, C) */
} exp_sentence;

/* Called now and then with the work done so far out of total (arbitrary units). */
typedef void (*exp_progress_fn)(void *ctx, size_t done, size_t total);

/* Settings every driver takes. */
typedef struct exp_run {
    int threads;              /* for lrp_explain_batch, 0 = all cores */
    double eps;               /* LRP stabiliser (0.001 as in the paper) */
    exp_progress_fn progress; /* may be NULL */
    void *progress_ctx;
} exp_run;

void exp_run_init(exp_run *run);

// ----------------------------------------------------------------------------
// explanations of many sentences

/* Explain sentences[0..n) with `methods` for each sentence's TRUE class: one
 * lrp_explain_batch call per class over the sentences of that class, results put
 * back in input order (out[i] for sentences[i], one target, methods in enum order).
 * On failure every out[i] is empty. */
lrp_status exp_explain_true(const lrp_model *model, const exp_sentence *sentences, size_t n,
                            unsigned methods, const exp_run *run, lrp_result *out, lrp_error *err);

/* Word relevance of every word of every sentence for class `target` (a class index,
 * or EXP_TARGET_TRUE for each sentence's true class) by one method, concatenated in
 * data order: out has sum of T entries. */
#define EXP_TARGET_TRUE (-2)
lrp_status exp_word_relevance(const lrp_model *model, const exp_sentence *sentences, size_t n,
                              int target, lrp_method method, const exp_run *run, double *out,
                              lrp_error *err);

// ----------------------------------------------------------------------------
// ranking words (Table 1)

typedef struct exp_ranked {
    const char *word;  /* points into the caller's words */
    double value;      /* the occurrence's relevance, or the word's mean relevance */
    size_t count;      /* occurrences of the word over the data */
    size_t occurrence; /* index of the listed occurrence (occurrences), or of the word's
                          first occurrence (mean) */
} exp_ranked;

typedef enum exp_aggregate {
    EXP_AGG_OCCURRENCE = 0, /* rank occurrences, list the first k distinct words */
    EXP_AGG_MEAN = 1        /* rank words seen at least min_count times by mean relevance */
} exp_aggregate;

/* The k most (least = 0) or least (least = 1) relevant words of n occurrences
 * words[i] with relevance values[i], in data order. Ties: the earlier occurrence
 * first (mean: the word seen first). out has room for k entries; *n_out <= k. */
lrp_status exp_rank_words(const char *const *words, const double *values, size_t n, size_t k,
                          int least, exp_aggregate aggregate, size_t min_count, exp_ranked *out,
                          size_t *n_out, lrp_error *err);

// ----------------------------------------------------------------------------
// word deletion (Figure 3)

/* Positions 0..T-1 ordered by relevance r: decreasing when the sentence was
 * initially classified correctly, increasing when falsely; ties (and NaN, which
 * goes last) broken by position, earlier first. order has T entries. */
void exp_deletion_order(const double *r, size_t T, int initially_correct, size_t *order);

/* A uniformly random order of positions 0..T-1 (the first entries suffice) from a
 * generator that depends only on (seed, sentence, run): the same whatever the
 * thread count or the order in which sentences are visited. */
void exp_random_order(uint64_t seed, uint64_t sentence, uint64_t run, size_t T, size_t *order);

/* Mean and population standard deviation (divided by n) of x[0..n); NaN when n = 0. */
void exp_mean_std(const double *x, size_t n, double *mean, double *std);

/* The variants of the deletion experiment, in output order. */
enum {
    EXP_DEL_LRP = 0, EXP_DEL_LRP_CONS, EXP_DEL_SA, EXP_DEL_GI, EXP_DEL_RANDOM, EXP_DEL_VARIANTS
};
const char *exp_deletion_name(int variant); /* "lrp", "lrp-cons", "sa", "gi", "random" */

typedef struct exp_deletion_options {
    size_t min_length;    /* sentences of at least this many words (10) */
    size_t max_deletions; /* K (5) */
    size_t random_runs;   /* R (10), >= 1 */
    uint64_t seed;
} exp_deletion_options;

void exp_deletion_options_init(exp_deletion_options *o);

typedef struct exp_deletion_panel {
    size_t n;                                 /* sentences in the panel */
    double *accuracy[EXP_DEL_VARIANTS];       /* [K+1] fraction classified correctly after k
                                                 deletions; random: mean over the runs; NaN
                                                 when n = 0 */
    double *random_std;                       /* [K+1] population std over the runs */
    double *random_runs;                      /* [R*(K+1)] each run's accuracy, run-major */
} exp_deletion_panel;

typedef struct exp_deletion_result {
    size_t sentences;     /* N: sentences with at least min_length words */
    size_t max_deletions; /* K */
    size_t random_runs;   /* R */
    exp_deletion_panel correct, false_;
    void *memory_;        /* private */
} exp_deletion_result;

/* Relevances by lrp, lrp-cons, sa and gi for the true class on the original
 * sentences; then, for k = 1..K, the first min(k, T) words of each order deleted
 * (lrp_sentence.deleted) and the sentence predicted again. Sentences shorter than
 * min_length are left out. Release with exp_deletion_free. */
lrp_status exp_deletion(const lrp_model *model, const exp_sentence *sentences, size_t n,
                        const exp_deletion_options *o, const exp_run *run,
                        exp_deletion_result *out, lrp_error *err);
void exp_deletion_free(exp_deletion_result *r);

// ----------------------------------------------------------------------------
// relevance by position (Figure 4)

/* Add weight w[t] of each word t of T into B equal intervals of [0, 1): word t
 * covers [t/T, (t+1)/T) and gives each interval the fraction of its own width that
 * falls into it (exact integer arithmetic: word t is [tB, (t+1)B), interval b is
 * [bT, (b+1)T) in units of 1/(TB)). `absolute`: add |w[t]|. bins accumulates. */
void exp_position_add(double *bins, size_t B, const double *w, size_t T, int absolute);

/* x /= sum(x) when the sum is positive (else left as it is). */
void exp_normalise(double *x, size_t n);

/* Share of a distribution in the second half of [0, 1) (a middle interval of an odd
 * B counts half), and the sum of |x[b+1] - x[b]| (lower: smoother). */
double exp_second_half(const double *x, size_t B);
double exp_roughness(const double *x, size_t B);

enum { EXP_POS_TOTAL = 0, EXP_POS_FWD, EXP_POS_BWD, EXP_POS_PARTS };
enum { EXP_POS_LRP = 0, EXP_POS_SA, EXP_POS_METHODS };

typedef struct exp_position_result {
    size_t sentences; /* N: sentences with at least min_length words */
    size_t bins;      /* B */
    size_t classes;   /* C */
    int has_bwd;      /* bidirectional model: the bwd distributions are meaningful */
    double *dist;     /* [EXP_POS_METHODS][C][EXP_POS_PARTS][B], each normalised to sum 1
                         (left at 0 when nothing was added) */
} exp_position_result;

/* The distribution for method (EXP_POS_LRP, EXP_POS_SA), target c, part. */
const double *exp_position_dist(const exp_position_result *r, int method, size_t c, int part);

/* For each target class: LRP |R| (total |R_fwd + R_bwd|, and each encoder's own
 * |R_fwd|, |R_bwd|) and SA R (the squared norm of the whole gradient, and of the
 * gradient through each encoder alone), summed over the sentences of at least
 * min_length words, then normalised once. Release with exp_position_free. */
lrp_status exp_position(const lrp_model *model, const exp_sentence *sentences, size_t n,
                        size_t min_length, size_t B, const exp_run *run,
                        exp_position_result *out, lrp_error *err);
void exp_position_free(exp_position_result *r);

// ----------------------------------------------------------------------------
// negation (section 4.1)

/* Is the lowercased token a negator: not, n't, no, never, neither, nor. */
int exp_is_negator(const char *word);

typedef struct exp_negation {
    double sum_neg, sum_pos; /* relevance of negators followed by a negative / positive word */
    size_t n_neg, n_pos;
    /* the same when only the word right after the negator decides (a neutral one: not counted) */
    double sum_neg_next, sum_pos_next;
    size_t n_neg_next, n_pos_next;
} exp_negation;

/* Add one sentence: for each negator at t, the first later word whose own leaf label
 * is not neutral (labels below `neutral` are negative, above it positive) decides
 * the group; negators with no such word are not counted. The *_next fields: the word
 * at t + 1 alone decides. */
void exp_negation_add(exp_negation *acc, const char *const *words, const int *word_labels,
                      const double *relevance, size_t T, int neutral);

#endif /* LRP_EXPERIMENTS_H */
