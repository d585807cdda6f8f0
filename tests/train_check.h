/*
 * train_check.h - checks of the trainer's loss and gradient (app/train.h,
 * train_loss_grad) shared by test_train (the paper's architecture) and
 * test_train_family (every architecture of the family): against the reference passes
 * (core/network.h, tu_reference_loss_grad) and against central finite differences of
 * the loss, tensor by tensor under the model's tensor names (model_tensors), so that a
 * failure names the tensor. Each records its checks with TU_CHECK.
 */
#ifndef LRP_TRAIN_CHECK_H
#define LRP_TRAIN_CHECK_H

#include <stddef.h>

#include "app/train.h"
#include "lrp.h"

/* Where a loss and its gradient come from. */
typedef enum tc_source {
    TC_TRAINER = 0,  /* train_loss_grad: the batched kernels, the phrases as one batch */
    TC_REFERENCE = 1 /* tu_reference_loss_grad, phrase after phrase */
} tc_source;

/* The trainer's loss and gradient of six phrases of random words (from seed) of lengths
 * 1, 2, 7, 40, 3 and 13 as one batch against the sum of the reference passes' (loss to
 * 1e-12, gradient to 1e-12 absolute + 1e-10 relative) and against the sum of one-phrase
 * batches. `what` names the model in messages. Returns 0 when the trainer failed (its
 * message recorded as a failure), else 1. */
int tc_against_reference(const lrp_model *m, unsigned long long seed, const char *what);

/* The gradient of the source's summed loss over the n phrases against central finite
 * differences (step 1e-5) for every parameter (m's parameters are changed and put
 * back), per tensor: to 1e-6 absolute + 1e-5 relative, and not all zero; the rows of
 * words in no phrase exactly zero. Returns 0 when the source failed (recorded), else 1. */
int tc_finite_differences(lrp_model *m, size_t n, const lrp_sentence *phrases, const int *labels,
                          tc_source source, const char *what);

/* The losses and dev accuracies of a run's first 16 epochs (tc_train_file's log). */
typedef struct tc_log {
    double loss[16], dev[16];
    size_t n;
} tc_log;

/* Load dir's data and train with o into tu_tmpdir()/name (log: NULL, or filled after
 * each epoch); the file's bytes (*len of them, malloc'd), or NULL when the run failed
 * (its message recorded as a failure). */
unsigned char *tc_train_file(const char *dir, const train_options *o, const char *name, size_t *len, tc_log *log);

#endif /* LRP_TRAIN_CHECK_H */
