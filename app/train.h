/*
 * train.h - train a classifier of the model family (core/model.h) from random
 * initialisation: word embeddings, L stacked recurrent layers (LSTM or GRU, one or two
 * directions), a head over the top layer's states (last, mean, max or attention),
 * dense layers (relu or tanh) and a linear classifier without bias; softmax
 * cross-entropy over every distinct phrase of the training trees, model selection by
 * dev sentence accuracy. The defaults train the paper's classifier (Arras et al. 2017,
 * sec. 3): one bidirectional LSTM layer, the classifier on [h_fwd(T); h_bwd(1)].
 * Internal; used by `lrp train` and the tests. Never prints: progress goes through
 * callbacks, which can also stop the training. The code: train_internal.h.
 *
 * Data (train_data_load): DIR/train.txt, DIR/dev.txt and, if present, DIR/test.txt,
 * each treebank trees or LABEL<TAB>sentence lines (dataset.h), lowercased.
 *   - Phrases: every node of every training tree (its word span and label),
 *     sentences included; a TSV line is one phrase. Duplicates (same lowercased
 *     words) are kept once, with their most frequent label (ties: the first seen).
 *   - Vocabulary: word 0 is UNK_WORD; then, in order of first occurrence in train,
 *     dev, test, every word of the three files (TRAIN_VOCAB_ALL; words seen only in
 *     dev or test keep their random initial embedding: no label leaks), or the
 *     training words seen at least min_count times (TRAIN_VOCAB_TRAIN; the others
 *     read as UNK_WORD).
 *   - UNK_WORD learns from training words seen once, each occurrence read as
 *     UNK_WORD with probability unk_rate (drawn anew each epoch).
 *
 * Optimisation: minibatches of `batch` phrases in an order shuffled every epoch;
 * each batch is cut into TRAIN_SHARDS fixed shards, every shard's gradient is summed
 * in phrase order into its own buffer and the shards are added in shard order, and
 * every random number (initialisation, shuffle, dropout masks, unk replacement) is a
 * function of the seed, the epoch and the phrase: the trained model's bytes depend
 * on the seed and the options, not on the thread count. A shard's phrases run as one
 * batch of the batched kernels (fast/fast.h), whose sums over the batch run in a
 * fixed order.
 */
#ifndef LRP_TRAIN_H
#define LRP_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "app/dataset.h"
#include "app/evaluate.h"
#include "lrp.h"
#include "core/model.h"

#define UNK_WORD "<unk>"
/* Shards per minibatch: the most threads that help; fixed so that results do not
 * depend on the thread count. */
#define TRAIN_SHARDS 8
/* The largest minibatch: the workspaces hold every activation of a batch's phrases,
 * about TRAIN_BATCH_BYTES_PER_WORD bytes per phrase and word of the longest phrase at
 * the paper's sizes (E = H = 60, one bidirectional LSTM layer; docs/cli.md), 0.5 GB for
 * a batch of 1024 treebank phrases; more for larger models. */
#define TRAIN_MAX_BATCH 1024
#define TRAIN_BATCH_BYTES_PER_WORD 9000.0

typedef enum train_optimizer { TRAIN_ADAGRAD = 0, TRAIN_ADAM = 1 } train_optimizer;
typedef enum train_vocab { TRAIN_VOCAB_ALL = 0, TRAIN_VOCAB_TRAIN = 1 } train_vocab;

typedef struct train_options {
    size_t embed;               /* E (60) */
    size_t hidden;              /* H per direction (60) */
    /* the architecture (core/model.h; the defaults: the paper's) */
    model_cell cell;            /* CELL_LSTM or CELL_GRU (CELL_LSTM) */
    size_t layers;              /* L stacked recurrent layers, 1..LRP_MAX_LAYERS (1) */
    size_t directions;          /* D: 1 forward only, 2 bidirectional (2) */
    model_pooling pooling;      /* the head over the top layer's states (POOL_LAST) */
    size_t attention;           /* A, the attention scorer's size, with POOL_ATTENTION only;
                                   0 = the hidden size (0) */
    size_t n_dense;             /* dense layers between the head and the classifier (0) */
    size_t dense[LRP_MAX_DENSE]; /* their sizes */
    model_activation activation; /* of the dense layers (ACT_RELU) */
    size_t epochs;              /* at most this many passes over the phrases (6) */
    size_t patience;            /* stop after this many epochs without a better dev
                                   accuracy; 0 = never (2) */
    size_t batch;               /* phrases per minibatch, 1..TRAIN_MAX_BATCH (32); the
                                   memory is for min(batch, phrases) */
    train_optimizer optimizer;  /* (TRAIN_ADAM) */
    double lr;                  /* learning rate (0.003) */
    double lr_decay;            /* the rate is multiplied by this after each epoch (1) */
    double dropout;             /* on the embeddings and on the head's output, the input of
                                   the dense layers or the classifier (0.5) */
    double l2;                  /* L2 penalty l2/2 |w|^2 on every weight; embedding rows
                                   only when their word is in the batch (0) */
    double embed_init;          /* embeddings start normal with this deviation (0.1) */
    double unk_rate;            /* see above (0.1) */
    train_vocab vocab;          /* (TRAIN_VOCAB_ALL) */
    size_t min_count;           /* TRAIN_VOCAB_TRAIN: training words seen this often (1) */
    uint64_t seed;              /* (1) */
    int threads;                /* 0 = all cores (0) */
    int pretokenized;           /* TSV sentences are tokens separated by spaces (0) */
    const char *const *labels;  /* [n_labels] class names; NULL = the treebank's five */
    size_t n_labels;
    lrp_dtype dtype;            /* storage of the saved model (LRP_F32) */
} train_options;

/* The defaults above: the settings that made the shipped model (docs/training.md). */
void train_options_init(train_options *o);

/* Check the options (sizes > 0, rates in range, an architecture of the family);
 * LRP_ERR_ARGUMENT naming the first bad one. */
lrp_status train_options_check(const train_options *o, lrp_error *err);

/* The model's shape from checked options, for V words and C classes. */
model_shape train_model_shape(const train_options *o, size_t V, size_t C);

typedef struct train_data {
    size_t V;                   /* vocabulary size, UNK_WORD included */
    const char **words;         /* [V] (into the corpora) */
    uint32_t *rare;             /* [V] 1: a training word seen once (unk replacement) */
    size_t C;
    const char **labels;        /* [C] */
    size_t n_phrases, n_tokens; /* distinct training phrases, their words */
    int32_t *ids;               /* [n_tokens] phrase words, phrase after phrase */
    size_t *offset;             /* [n_phrases + 1] phrase p is ids[offset[p], offset[p+1]) */
    int *label;                 /* [n_phrases] */
    size_t n_train_sentences;
    size_t n_dev, n_test;       /* sentences (n_test = 0 without test.txt) */
    lrp_sentence *dev, *test;   /* word ids (views into dev_ids, test_ids) */
    int *dev_label, *test_label;
    size_t max_length;          /* longest phrase or sentence */
    ds_corpus corpora_[3];
    int32_t *sent_ids_;
} train_data;

/* Read and prepare DIR's files as described above. Errors name the file and line
 * (dataset.h), a missing file (LRP_ERR_IO), an empty training or dev file and a
 * sentence longer than LRP_MAX_LENGTH (LRP_ERR_INPUT). */
lrp_status train_data_load(const char *dir, const train_options *o, train_data *out, lrp_error *err);
void train_data_free(train_data *d);

typedef struct train_epoch_stats {
    size_t epoch;               /* 1-based */
    double loss;                /* mean cross-entropy over the epoch's phrases (with dropout) */
    double train_accuracy;      /* phrases classified right during the epoch (with dropout) */
    eval_result dev;            /* dev sentences, with the parameters as stored (dtype) */
    int best;                   /* the best dev accuracy so far: the model was written */
    double lr;                  /* the rate used in this epoch */
    double seconds;             /* this epoch's training, without the dev evaluation */
    double phrases_per_second;
    double elapsed;             /* since train_run started */
} train_epoch_stats;

/* Each callback may be NULL; a nonzero return stops the training after the current
 * minibatch (the best model written so far stays as it is). */
typedef struct train_callbacks {
    int (*batch)(void *ctx, size_t epoch, size_t done, size_t total); /* after each minibatch */
    int (*epoch)(void *ctx, const train_epoch_stats *stats);          /* after each epoch */
    void *ctx;
} train_callbacks;

typedef struct train_summary {
    size_t epochs;              /* epochs finished */
    size_t best_epoch;          /* 0: no epoch finished, nothing was written */
    int stopped;                /* a callback stopped the training */
    double seconds;             /* whole run */
    eval_result dev, test;      /* the written model, read back from the bytes written to
                                   out_path (another process writing out_path meanwhile
                                   changes nothing here; test empty without test.txt);
                                   release with train_summary_free */
} train_summary;

/* Train on d, writing the best model so far to out_path (atomically: the file is
 * always a complete model) each time the dev accuracy improves. A path that cannot be
 * written (lrp_write_check) fails before the training starts. */
lrp_status train_run(const train_data *d, const train_options *o, const char *out_path,
                     const train_callbacks *cb, train_summary *summary, lrp_error *err);
void train_summary_free(train_summary *s);

/* A model with o's architecture and sizes, d's vocabulary and labels, and parameters
 * initialised from o->seed as train_run starts (docs/training.md): embeddings
 * normal(0, embed_init); as PyTorch initialises its modules, the recurrent layers'
 * weights and biases uniform in +-1/sqrt(H) (an LSTM's one bias the sum of two such
 * draws, PyTorch's bias_ih + bias_hh), the attention, dense and classifier weights and
 * biases uniform in +-1/sqrt(their input size), the attention vector in +-1/sqrt(A). */
lrp_status train_model_init(const train_data *d, const train_options *o, lrp_model **out,
                            lrp_error *err);

/* The training objective of n phrases without dropout, run as one batch: *loss = the
 * sum of their -log softmax(f(x))_y, and its gradient with respect to every parameter
 * is added into grad (m->layout.total doubles, the parameters' layout). The code the
 * trainer runs on a shard (the batched kernels of fast/fast.h), exposed for the tests.
 * LRP_ERR_NOMEM, or the kernels' refusal of an architecture (train_internal.h). */
lrp_status train_loss_grad(const lrp_model *m, size_t n, const lrp_sentence *phrases, const int *labels,
                           double *loss, double *grad, lrp_error *err);

#endif /* LRP_TRAIN_H */
