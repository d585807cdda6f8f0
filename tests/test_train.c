/*
 * test_train.c - the trainer (app/train.h):
 *
 *   - the trainer's loss and gradient of a batch of phrases (the batched kernels,
 *     lengths 1..40, sizes that fill no whole vector) agree with the sum of the
 *     reference passes' (network.c, lstm.c) per phrase, to 1e-10 relative, and with
 *     the sum of one-phrase batches (train_check.h);
 *   - the gradient of a batch of two phrases matches central finite differences for
 *     every parameter of a tiny model, reported per tensor (embedding, both
 *     directions' weight_x, weight_h and bias, classifier), to 1e-6 absolute + 1e-5
 *     relative; (the dropout masks' part: test_batch);
 *   (the paper's architecture, the trainer's default; every other architecture of the
 *   family: test_train_family.c)
 *   - phrases: every node of the trees, duplicates kept once with their most frequent
 *     label (ties: the first seen); vocabulary: <unk> first, then every word of the
 *     three files in order of first occurrence (or the training words seen
 *     --min-count times);
 *   - a short training on a small treebank written here: the loss falls and the dev
 *     accuracy rises well above chance;
 *   - two runs with the same seed give byte-identical model files, also with 1 and 3
 *     threads; another seed gives another model;
 *   - bad input: a missing directory or file, a malformed tree (named by file and
 *     line), an empty file, bad options.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "testutil.h"
#include "train_check.h"
#include "app/train.h"

// ----------------------------------------------------------------------------
// the trainer's batched gradient against the reference passes

static void check_against_reference(void)
{
    const size_t V = 50, IN = 11, H = 13; /* sizes that fill no whole vector */
    lrp_model *m = tu_random_model(V, IN, H, 5, 1, 2, 0, 0.7, 5);
    if (!m) {
        TU_CHECK(0, "cannot make a random model");
        return;
    }
    tc_against_reference(m, 99, "bi-LSTM");
    lrp_model_free(m);
}

// ----------------------------------------------------------------------------
// finite differences

static void check_gradient(void)
{
    lrp_model *m = tu_random_model(7, 3, 4, 5, 1, 2, 0, 0.6, 11);
    if (!m) {
        TU_CHECK(0, "cannot make a random model");
        return;
    }
    /* two phrases in one batch, a word in both, word 0 in neither */
    const int32_t ids[] = {1, 4, 2, 6, 4, 5, 4};
    const lrp_sentence phr[2] = {{ids, 5, NULL}, {ids + 5, 2, NULL}};
    const int y[2] = {3, 0};
    tc_finite_differences(m, 2, phr, y, TC_TRAINER, "bi-LSTM");
    lrp_model_free(m);
}

// ----------------------------------------------------------------------------
// files and options

static void write_file(const char *dir, const char *name, const char *text)
{
    FILE *f = tu_open_write(dir, name);
    fputs(text, f);
    fclose(f);
}

static void tiny_options(train_options *o)
{
    train_options_init(o);
    o->embed = 8;
    o->hidden = 8;
    o->epochs = 6;
    o->batch = 8;
    o->lr = 0.01;
    o->dropout = 0.1;
    o->lr_decay = 1.0;
    o->patience = 0;
    o->threads = 2;
}

// ----------------------------------------------------------------------------
// phrases and vocabulary

static void check_phrases(void)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/phrases", tu_tmpdir());
    char cmd[700];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    if (system(cmd) != 0) exit(1);
    /* "good film" three times: labels 4, 3, 3 -> 3; "Good" as (4 good) twice, (3 good)
     * twice -> a tie between 4 and 3, the first seen (4) wins */
    write_file(dir, "train.txt",
               "(4 (4 Good) (2 film))\n"
               "(3 (3 good) (2 film))\n"
               "(3 (4 good) (2 film))\n"
               "(1 (2 a) (1 (3 good) (1 bore)))\n");
    write_file(dir, "dev.txt", "(2 (2 a) (2 plot))\n");
    train_options o;
    train_options_init(&o);
    train_data d;
    lrp_error err;
    lrp_status st = train_data_load(dir, &o, &d, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st != LRP_OK) return;
    /* distinct phrases in reading order: "good film", "good", "film", "a good bore",
     * "a", "good bore", "bore" */
    TU_CHECK(d.n_phrases == 7, "%zu distinct phrases, expected 7", d.n_phrases);
    TU_CHECK(d.n_test == 0, "no test.txt: %zu test sentences", d.n_test);
    const char *want_words[] = {UNK_WORD, "good", "film", "a", "bore", "plot"};
    TU_CHECK(d.V == 6, "vocabulary of %zu words, expected 6", d.V);
    for (size_t i = 0; i < 6 && i < d.V; i++)
        TU_CHECK(strcmp(d.words[i], want_words[i]) == 0, "word %zu is '%s', expected '%s'", i, d.words[i],
                 want_words[i]);
    const int want_labels[] = {3, 4, 2, 1, 2, 1, 1};
    for (size_t p = 0; p < 7 && p < d.n_phrases; p++)
        TU_CHECK(d.label[p] == want_labels[p], "phrase %zu: label %d, expected %d", p, d.label[p], want_labels[p]);
    TU_CHECK(d.offset[1] - d.offset[0] == 2 && d.ids[0] == 1 && d.ids[1] == 2, "first phrase is 'good film'");
    TU_CHECK(d.rare[4] == 1 && d.rare[1] == 0, "'bore' is seen once, 'good' more often");
    TU_CHECK(d.dev[0].length == 2 && d.dev[0].ids[1] == 5, "dev words come from the vocabulary");
    train_data_free(&d);

    /* --vocab train --min-count 2: "a", "bore" and dev's "plot" become <unk> */
    o.vocab = TRAIN_VOCAB_TRAIN;
    o.min_count = 2;
    st = train_data_load(dir, &o, &d, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st != LRP_OK) return;
    TU_CHECK(d.V == 3, "vocabulary of %zu words, expected 3 (<unk>, good, film)", d.V);
    TU_CHECK(d.dev[0].ids[0] == 0 && d.dev[0].ids[1] == 0, "dev words outside the vocabulary read as <unk>");
    TU_CHECK(d.n_phrases == 7, "phrases are told apart by their words, not their ids: %zu", d.n_phrases);
    train_data_free(&d);
}

// ----------------------------------------------------------------------------
// training

static void check_training(const char *dir)
{
    train_options o;
    tiny_options(&o);
    tc_log log = {0};
    size_t len;
    unsigned char *bytes = tc_train_file(dir, &o, "a.safetensors", &len, &log);
    TU_CHECK(bytes != NULL, "no model written");
    free(bytes);
    TU_CHECK(log.n == o.epochs, "%zu epochs logged, expected %zu", log.n, o.epochs);
    if (log.n < 2) return;
    printf("loss %.4f -> %.4f, dev accuracy %.3f -> %.3f\n", log.loss[0], log.loss[log.n - 1], log.dev[0],
           log.dev[log.n - 1]);
    TU_CHECK(log.loss[log.n - 1] < 0.8 * log.loss[0], "loss %g -> %g does not fall", log.loss[0],
             log.loss[log.n - 1]);
    double best = 0;
    for (size_t i = 0; i < log.n; i++) best = log.dev[i] > best ? log.dev[i] : best;
    /* three classes occur; chance is about 1/3, the majority class well under 0.5 */
    TU_CHECK(best > 0.6, "best dev accuracy %.3f is not well above chance", best);

    /* the written model loads and reports the same dev accuracy through lrp evaluate's code */
    char path[1024];
    snprintf(path, sizeof path, "%s/a.safetensors", tu_tmpdir());
    lrp_model *m = NULL;
    lrp_error err;
    TU_CHECK_STATUS(lrp_model_load(&m, path, &err), LRP_OK, err);
    if (m) {
        TU_CHECK(m->unk >= 0 && strcmp(m->words[m->unk], UNK_WORD) == 0, "the model's unk word is %s", UNK_WORD);
        TU_CHECK(m->lowercase == 1, "the model lowercases");
        TU_CHECK(m->bout == NULL, "the classifier has no bias");
        TU_CHECK(strcmp(lrp_model_label(m, 4), "very positive") == 0, "treebank labels");
        lrp_model_free(m);
    }
}

static void check_determinism(const char *dir)
{
    train_options o;
    tiny_options(&o);
    o.epochs = 2;
    size_t la, lb, lc, ld;
    unsigned char *a = tc_train_file(dir, &o, "d1.safetensors", &la, NULL);
    unsigned char *b = tc_train_file(dir, &o, "d2.safetensors", &lb, NULL);
    o.threads = 1;
    unsigned char *c = tc_train_file(dir, &o, "d3.safetensors", &lc, NULL);
    o.threads = 3; /* shards taken 2 at a time, 8 not a multiple of 3 */
    size_t lf;
    unsigned char *f = tc_train_file(dir, &o, "d5.safetensors", &lf, NULL);
    o.threads = 2;
    o.seed = 2;
    unsigned char *e = tc_train_file(dir, &o, "d4.safetensors", &ld, NULL);
    TU_CHECK(a && b && la == lb && memcmp(a, b, la) == 0, "two runs with the same seed differ");
    TU_CHECK(a && c && la == lc && memcmp(a, c, la) == 0, "1 and 2 threads give different models");
    TU_CHECK(a && f && la == lf && memcmp(a, f, la) == 0, "2 and 3 threads give different models");
    TU_CHECK(a && e && !(la == ld && memcmp(a, e, la) == 0), "another seed gives the same model");
    free(a);
    free(b);
    free(c);
    free(e);
    free(f);
}

// ----------------------------------------------------------------------------
// bad input

static void check_errors(const char *good)
{
    train_options o;
    tiny_options(&o);
    train_data d;
    lrp_error err;
    char dir[700];

    lrp_status st = train_data_load("/nonexistent/lrp-data", &o, &d, &err);
    TU_CHECK(st == LRP_ERR_IO && strstr(err.message, "/nonexistent/lrp-data/train.txt"),
             "missing directory: %s (%s)", lrp_status_string(st), err.message);

    snprintf(dir, sizeof dir, "%s/bad", tu_tmpdir());
    char cmd[800];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    if (system(cmd) != 0) exit(1);
    write_file(dir, "train.txt", "(3 (2 it) (3 good))\n(3 (2 it) (3 good)\n");
    st = train_data_load(dir, &o, &d, &err);
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "train.txt:2:"), "malformed tree: %s (%s)",
             lrp_status_string(st), err.message);

    write_file(dir, "train.txt", "(3 (2 it) (3 good))\n");
    st = train_data_load(dir, &o, &d, &err); /* no dev.txt */
    TU_CHECK(st == LRP_ERR_IO && strstr(err.message, "dev.txt"), "missing dev.txt: %s (%s)",
             lrp_status_string(st), err.message);
    write_file(dir, "dev.txt", "\n\n");
    st = train_data_load(dir, &o, &d, &err);
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "no sentences"), "empty dev.txt: %s (%s)",
             lrp_status_string(st), err.message);
    write_file(dir, "dev.txt", "(7 (2 it) (3 good))\n");
    st = train_data_load(dir, &o, &d, &err);
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "dev.txt:1:"), "label 7 of 5 classes: %s (%s)",
             lrp_status_string(st), err.message);

    /* options */
    train_options b;
    tiny_options(&b); b.lr = 0;
    TU_CHECK(train_options_check(&b, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "learning rate"), "lr 0");
    tiny_options(&b); b.lr = NAN;
    TU_CHECK(train_options_check(&b, &err) == LRP_ERR_ARGUMENT, "lr NaN");
    tiny_options(&b); b.dropout = 1.0;
    TU_CHECK(train_options_check(&b, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "dropout"), "dropout 1");
    tiny_options(&b); b.batch = 0;
    TU_CHECK(train_options_check(&b, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "batch"), "batch 0");
    tiny_options(&b); b.epochs = 0;
    TU_CHECK(train_options_check(&b, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "epochs"), "epochs 0");
    tiny_options(&b); b.hidden = 0;
    TU_CHECK(train_options_check(&b, &err) == LRP_ERR_ARGUMENT, "hidden 0");
    tiny_options(&b); b.lr_decay = 1.5;
    TU_CHECK(train_options_check(&b, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "decay"), "decay 1.5");
    tiny_options(&b); b.unk_rate = -0.1;
    TU_CHECK(train_options_check(&b, &err) == LRP_ERR_ARGUMENT && strstr(err.message, "unk"), "unk rate");
    /* an unwritable output: the run fails and says where */
    st = train_data_load(good, &o, &d, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st == LRP_OK) {
        o.epochs = 1;
        train_summary sum;
        st = train_run(&d, &o, "/nonexistent/dir/model.safetensors", NULL, &sum, &err);
        TU_CHECK(st == LRP_ERR_IO && strstr(err.message, "/nonexistent/dir"), "unwritable output: %s (%s)",
                 lrp_status_string(st), err.message);
        train_data_free(&d);
    }
}

// ----------------------------------------------------------------------------
// the output: checked before training, the run's own model reported

static int count_batches(void *ctx, size_t epoch, size_t done, size_t total)
{
    (void)epoch, (void)done, (void)total;
    ++*(size_t *)ctx;
    return 0;
}

typedef struct clobber_ctx {
    const char *path;
    size_t correct, n; /* the saved model's dev result */
} clobber_ctx;

/* After the first epoch's save, another "process" writes something else to the path. */
static int clobber(void *ctx, const train_epoch_stats *s)
{
    clobber_ctx *x = ctx;
    if (s->best) {
        x->correct = s->dev.correct;
        x->n = s->dev.n;
    }
    FILE *f = fopen(x->path, "wb");
    if (f) {
        fputs("not a model: another run wrote here", f);
        fclose(f);
    }
    return 0;
}

static void check_output(const char *dir)
{
    train_options o;
    tiny_options(&o);
    o.epochs = 1;
    train_data d;
    lrp_error err;
    lrp_status st = train_data_load(dir, &o, &d, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st != LRP_OK) return;

    /* an output that cannot be written fails before the first minibatch */
    size_t batches = 0;
    train_callbacks cb = {count_batches, NULL, &batches};
    train_summary sum;
    char path[800];
    snprintf(path, sizeof path, "%s/missing-dir/model.safetensors", tu_tmpdir());
    st = train_run(&d, &o, path, &cb, &sum, &err);
    TU_CHECK(st == LRP_ERR_IO && strstr(err.message, "missing-dir"), "unwritable output: %s (%s)",
             lrp_status_string(st), err.message);
    TU_CHECK(batches == 0, "%zu minibatches trained before an unwritable output failed", batches);
    snprintf(path, sizeof path, "%s", tu_tmpdir());
    batches = 0;
    st = train_run(&d, &o, path, &cb, &sum, &err);
    TU_CHECK(st == LRP_ERR_IO && strstr(err.message, "directory") && batches == 0,
             "a directory as output: %s (%s), %zu minibatches", lrp_status_string(st), err.message, batches);

    /* the summary is the model this run wrote, even when the file is overwritten */
    snprintf(path, sizeof path, "%s/clobbered.safetensors", tu_tmpdir());
    clobber_ctx x = {path, 0, 0};
    train_callbacks cc = {NULL, clobber, &x};
    st = train_run(&d, &o, path, &cc, &sum, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st == LRP_OK) {
        TU_CHECK(sum.best_epoch == 1 && sum.dev.n == x.n && sum.dev.correct == x.correct,
                 "the summary's dev result %zu/%zu is not the written model's %zu/%zu", sum.dev.correct,
                 sum.dev.n, x.correct, x.n);
        train_summary_free(&sum);
    }
    train_data_free(&d);
}

int main(void)
{
    check_against_reference();
    check_gradient();
    check_phrases();
    const char *dir = tu_write_treebank("sst", 240, 60, 60);
    check_training(dir);
    check_determinism(dir);
    check_errors(dir);
    check_output(dir);
    return tu_finish();
}
