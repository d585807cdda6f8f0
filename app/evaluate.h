/*
 * evaluate.h - sentence-level accuracy of a model on labelled sentences: the
 * fine-grained accuracy over all C classes, the confusion matrix and, for
 * five-class models, the binary accuracy on the non-neutral sentences.
 * Used by `lrp evaluate`, the trainer (dev accuracy each epoch) and the
 * experiments. Internal; not installed.
 *
 * Binary rule (the paper does not say how it collapsed the classes; this is our
 * choice, and reports name it): for a sentence whose true label is not 2
 * (neutral), the truth is positive iff label >= 3, and the prediction is positive
 * iff p(3) + p(4) > p(0) + p(1) with p the softmax of the scores. Only for C = 5.
 */
#ifndef LRP_EVALUATE_H
#define LRP_EVALUATE_H

#include <stddef.h>

#include "app/dataset.h"
#include "lrp.h"

#define EVAL_BINARY_RULE "positive iff p(3) + p(4) > p(0) + p(1); neutral (2) sentences left out"

typedef struct eval_result {
    size_t C;               /* classes */
    size_t n;               /* sentences */
    size_t correct;         /* argmax == label */
    size_t *confusion;      /* [C*C] owned: confusion[true*C + predicted] */
    int has_binary;         /* C == 5 */
    size_t binary_n;        /* sentences with label != 2 */
    size_t binary_correct;
    size_t unknown_words;   /* tokens not in the vocabulary, read as the unk word */
} eval_result;

/* Accuracy over n sentences given as word ids (labels[i] in [0, C)). Scores are
 * computed over `threads` threads (0 = all cores); the result does not depend on
 * the thread count. predicted (n entries) receives each argmax when not NULL.
 * Fills *out (release with eval_result_free). */
lrp_status eval_sentences(const lrp_model *m, const lrp_sentence *sentences, const int *labels,
                          size_t n, int threads, int *predicted, eval_result *out, lrp_error *err);

/* The same for a corpus read with dataset.h (tokens mapped with lrp_encode: words
 * not in the vocabulary read as the unk word, and fail naming the sentence's line
 * when the model has none). Labels must lie in [0, C). */
lrp_status eval_corpus(const lrp_model *m, const ds_corpus *corpus, int threads, int *predicted,
                       eval_result *out, lrp_error *err);

/* correct / n, and binary_correct / binary_n (0 when empty). */
double eval_accuracy(const eval_result *r);
double eval_binary_accuracy(const eval_result *r);

void eval_result_free(eval_result *r);

#endif /* LRP_EVALUATE_H */
