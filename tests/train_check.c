/*
 * train_check.c - checks of the trainer's loss and gradient (train_check.h).
 */
#include "train_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/train.h"
#include "core/model.h"
#include "testutil.h"

/* The source's summed loss of the phrases into *loss, its gradient added into grad. */
static lrp_status loss_grad(const lrp_model *m, size_t n, const lrp_sentence *phrases, const int *labels,
                            tc_source source, double *loss, double *grad, lrp_error *err)
{
    if (source == TC_TRAINER) return train_loss_grad(m, n, phrases, labels, loss, grad, err);
    *loss = 0.0;
    for (size_t b = 0; b < n; b++) *loss += tu_reference_loss_grad(m, phrases[b].ids, phrases[b].length, labels[b], grad);
    if (!isfinite(*loss)) {
        snprintf(err->message, sizeof err->message, "the reference passes are out of memory");
        return err->status = LRP_ERR_NOMEM;
    }
    return LRP_OK;
}

int tc_against_reference(const lrp_model *m, unsigned long long seed, const char *what)
{
    const size_t lengths[] = {1, 2, 7, 40, 3, 13}, n = 6, V = m->shape.V, C = m->shape.C;
    int32_t ids[66];
    lrp_sentence phrases[6];
    int labels[6];
    size_t at = 0;
    for (size_t b = 0; b < n; b++) {
        phrases[b] = (lrp_sentence){ids + at, lengths[b], NULL};
        labels[b] = (int)(b % C);
        for (size_t t = 0; t < lengths[b]; t++) ids[at++] = (int32_t)(tu_uniform(&seed) * (double)V);
    }
    const size_t P = m->layout.total;
    double *got = calloc(P, sizeof *got), *want = calloc(P, sizeof *want), *one = calloc(P, sizeof *one);
    double loss = NAN, loss_want = NAN, loss_one;
    lrp_error err;
    lrp_status st = got && want && one ? train_loss_grad(m, n, phrases, labels, &loss, got, &err) : LRP_ERR_NOMEM;
    TU_CHECK(st == LRP_OK, "%s: the trainer's loss and gradient failed: %s", what,
             st == LRP_ERR_NOMEM && !(got && want && one) ? "out of memory" : err.message);
    if (st == LRP_OK) {
        loss_grad(m, n, phrases, labels, TC_REFERENCE, &loss_want, want, &err);
        TU_CHECK(fabs(loss - loss_want) <= 1e-12 * fabs(loss_want), "%s: batch loss %.17g, reference %.17g", what,
                 loss, loss_want);
        char name[200];
        snprintf(name, sizeof name, "%.100s: batch gradient vs reference", what);
        TU_CHECK(TU_CLOSE(name, got, want, P, 1e-12, 1e-10), "%s: the batched gradient of %zu phrases differs from the reference",
                 what, n);
        /* a batch gives the sum of its phrases' gradients */
        for (size_t b = 0; b < n && st == LRP_OK; b++) st = train_loss_grad(m, 1, &phrases[b], &labels[b], &loss_one, one, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        snprintf(name, sizeof name, "%.100s: batch vs one phrase at a time", what);
        TU_CHECK(TU_CLOSE(name, got, one, P, 1e-12, 1e-10), "%s: a batch's gradient is not the sum of its phrases'", what);
    }
    free(got);
    free(want);
    free(one);
    return st == LRP_OK;
}

int tc_finite_differences(lrp_model *m, size_t n, const lrp_sentence *phrases, const int *labels,
                          tc_source source, const char *what)
{
    const size_t P = m->layout.total, E = m->shape.E, V = m->shape.V;
    const char *src = source == TC_TRAINER ? "trainer" : "reference";
    double *grad = calloc(P, sizeof *grad), *scratch = calloc(P, sizeof *scratch), *fd = calloc(P, sizeof *fd);
    unsigned char *used = calloc(V, 1);
    if (!grad || !scratch || !fd || !used) {
        TU_CHECK(0, "%s: out of memory", what);
        free(grad), free(scratch), free(fd), free(used);
        return 0;
    }
    double loss, up, down;
    lrp_error err;
    lrp_status st = loss_grad(m, n, phrases, labels, source, &loss, grad, &err);
    TU_CHECK(st == LRP_OK, "%s: the %s's loss and gradient failed: %s", what, src, err.message);
    if (st == LRP_OK) {
        TU_CHECK(isfinite(loss) && loss > 0, "%s: loss %g", what, loss);
        const double h = 1e-5;
        for (size_t i = 0; i < P; i++) {
            const double keep = m->params[i];
            m->params[i] = keep + h;
            loss_grad(m, n, phrases, labels, source, &up, scratch, &err);
            m->params[i] = keep - h;
            loss_grad(m, n, phrases, labels, source, &down, scratch, &err);
            m->params[i] = keep;
            fd[i] = (up - down) / (2 * h);
        }
        /* per tensor, so that a failure names it */
        model_tensor t[MODEL_MAX_TENSORS];
        const size_t nt = model_tensors(&m->shape, &m->layout, t);
        size_t covered = 0;
        for (size_t k = 0; k < nt; k++) {
            const size_t count = t[k].rows * t[k].cols;
            covered += count;
            double norm = 0.0;
            for (size_t i = 0; i < count; i++) norm += fabs(grad[t[k].offset + i]);
            TU_CHECK(norm > 1e-6, "%s: %s: the %s's gradient is zero", what, t[k].name, src);
            char name[200];
            snprintf(name, sizeof name, "%.100s: %.63s (%s)", what, t[k].name, src);
            TU_CHECK(TU_CLOSE(name, grad + t[k].offset, fd + t[k].offset, count, 1e-6, 1e-5),
                     "%s: %s: the %s's gradient differs from finite differences", what, t[k].name, src);
        }
        TU_CHECK(covered == P, "%s: the tensors cover %zu of %zu parameters", what, covered, P);
        /* words in no phrase get no gradient */
        for (size_t b = 0; b < n; b++)
            for (size_t i = 0; i < phrases[b].length; i++) used[phrases[b].ids[i]] = 1;
        for (size_t w = 0; w < V; w++)
            for (size_t k = 0; k < E && !used[w]; k++)
                TU_CHECK(grad[m->layout.emb + w * E + k] == 0.0, "%s: word %zu is in no phrase, its gradient is %g",
                         what, w, grad[m->layout.emb + w * E + k]);
    }
    free(grad);
    free(scratch);
    free(fd);
    free(used);
    return st == LRP_OK;
}

static int log_epoch(void *ctx, const train_epoch_stats *s)
{
    tc_log *x = ctx;
    if (x->n < 16) {
        x->loss[x->n] = s->loss;
        x->dev[x->n] = eval_accuracy(&s->dev);
        x->n++;
    }
    return 0;
}

unsigned char *tc_train_file(const char *dir, const train_options *o, const char *name, size_t *len, tc_log *log)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", tu_tmpdir(), name);
    train_data d;
    lrp_error err;
    lrp_status st = train_data_load(dir, o, &d, &err);
    TU_CHECK(st == LRP_OK, "%s: the data: %s", name, err.message);
    if (st != LRP_OK) return NULL;
    train_callbacks cb = {NULL, log_epoch, log};
    train_summary sum;
    st = train_run(&d, o, path, log ? &cb : NULL, &sum, &err);
    TU_CHECK(st == LRP_OK, "training %s: %s", name, err.message);
    if (st == LRP_OK) train_summary_free(&sum);
    train_data_free(&d);
    return st == LRP_OK ? (unsigned char *)tu_read_file(path, len) : NULL;
}
