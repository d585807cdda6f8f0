/*
 * train_loop.c - the training loop (train_run, train.h): every thread runs it (SPMD)
 * and meets the others at a barrier; per minibatch the threads take the shards' phrase
 * groups as they become free (train_batch_grad), then each sums the shards' gradients
 * in shard order for its share of the parameters and updates them (Adam or Adagrad);
 * after each epoch thread 0 evaluates the parameters as stored on the dev sentences,
 * saves the best model and decides whether to stop.
 *
 * The barrier is a mutex and a condition variable: POSIX barriers are an option that
 * macOS's C library does not offer. Sizes: train_internal.h.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/train_internal.h"
#include "core/common.h"
#include "io/fileio.h"
#include "io/model_io.h"

/* Adam (Kingma and Ba 2015): the moments' decay rates beta1, beta2, their complements
 * written as the decimal numbers they are meant to be (in floating point 1 - 0.9 is
 * 0.09999999999999998, not 0.1), and the epsilon added to sqrt(v hat). */
static const double ADAM_BETA1 = 0.9, ADAM_BETA2 = 0.999;
static const double ADAM_1_MINUS_BETA1 = 0.1, ADAM_1_MINUS_BETA2 = 0.001;
static const double ADAM_EPS = 1e-8;
/* Adagrad (Duchi et al. 2011): the epsilon added to the root of the squares' sum. */
static const double ADAGRAD_EPS = 1e-8;

// ----------------------------------------------------------------------------
// a barrier from a mutex and a condition variable

typedef struct train_barrier {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t count;   /* threads that meet */
    size_t waiting; /* threads arrived in this round */
    uint64_t round; /* rounds completed: a waiter leaves when it changes */
} train_barrier;

/* 0 when the system cannot make one. */
static int barrier_init(train_barrier *b, size_t count)
{
    if (pthread_mutex_init(&b->mu, NULL) != 0) return 0;
    if (pthread_cond_init(&b->cv, NULL) != 0) {
        pthread_mutex_destroy(&b->mu);
        return 0;
    }
    b->count = count;
    b->waiting = 0;
    b->round = 0;
    return 1;
}

static void barrier_destroy(train_barrier *b)
{
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
}

/* Wait until all count threads have called it; what each wrote before is then seen
 * by all (the mutex orders it). */
static void barrier_wait(train_barrier *b)
{
    pthread_mutex_lock(&b->mu);
    const uint64_t round = b->round;
    if (++b->waiting == b->count) {
        b->waiting = 0;
        b->round++;
        pthread_cond_broadcast(&b->cv);
    } else {
        while (b->round == round) pthread_cond_wait(&b->cv, &b->mu); /* wakeups can be spurious */
    }
    pthread_mutex_unlock(&b->mu);
}

// ----------------------------------------------------------------------------
// the trainer's state

/* Why the training stops. */
typedef enum train_stop {
    TRAIN_CONTINUE = 0,
    TRAIN_STOP_ASKED,   /* a callback asked (Ctrl-C in `lrp train`) */
    TRAIN_STOP_FAILED,  /* an error: the trainer's err holds it */
    TRAIN_STOP_PATIENCE /* patience epochs without a better dev accuracy */
} train_stop;

typedef struct trainer {
    const train_data *d;
    const train_options *o;
    const train_callbacks *cb;
    const char *out_path;
    lrp_model *m;          /* parameters being trained (float64) */
    lrp_model *snap;       /* the parameters as stored (dtype), for dev and saving */
    fast_pack_d *pack;     /* m's parameters packed for the kernels, after every update */
    size_t P, base, DP;    /* all parameters, first dense one, number of dense ones */
    double *g;             /* [P] gradient of the current batch */
    double *s1, *s2;       /* [P] optimiser state: Adam m and v; Adagrad sum of squares in s2 */
    uint32_t *order;       /* [n_phrases] this epoch's order */
    unsigned char *seen;   /* [V] embedding row already updated in this batch */
    train_shard shards[TRAIN_SHARDS];
    size_t cap_tokens;
    size_t nthreads;
    size_t grab;              /* shards a thread takes at once, as one batch of the kernels */
    atomic_size_t next_shard; /* the next shard of the batch to compute: threads take
                                 shards as they become free (the result does not depend
                                 on who computes a shard, nor with which others) */
    train_barrier bar;
    /* shared state, written by thread 0 between barriers */
    size_t epoch, step;
    double lr;
    /* Two flags, because a flag read after a barrier must not be written before the
     * next one: stop is written during a minibatch (between its two barriers),
     * stop_epoch in end_epoch (after the minibatches' barriers, before the epoch's). */
    train_stop stop, stop_epoch;
    size_t since_best;
    double best_dev;
    char *best_bytes;      /* the file last written, as written (read back at the end) */
    size_t best_size;
    train_summary *sum;
    lrp_error err;
    double t_start;
    /* start gate: the threads wait until every one is created (or the count is cut) */
    pthread_mutex_t gate_mu;
    pthread_cond_t gate_cv;
    int gate_open;
} trainer;

typedef struct thread_arg {
    trainer *tr;
    size_t tid;
    train_batch w;
} thread_arg;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// ----------------------------------------------------------------------------
// a minibatch: the shards' gradients, their sum, the update

/* Gradient of shards [k0, k1) of the minibatch order[begin, begin + n) (shard k:
 * order[begin + n k / TRAIN_SHARDS, begin + n (k + 1) / TRAIN_SHARDS)), as one batch
 * whose shards sum their gradients apart. */
static void run_shards(trainer *tr, thread_arg *a, size_t k0, size_t k1, size_t begin, size_t n, double scale)
{
    const train_data *d = tr->d;
    const uint64_t ekey = train_key(train_key(tr->o->seed, TRAIN_STREAM_PHRASE), tr->epoch);
    size_t first[TRAIN_SHARDS + 1], b = 0;
    for (size_t k = k0; k < k1; k++) {
        train_shard *sh = &tr->shards[k]; /* sh->dense is zero: calloc'ed, then cleared by reduce_update */
        const size_t lo = begin + n * k / TRAIN_SHARDS, hi = begin + n * (k + 1) / TRAIN_SHARDS;
        sh->n_tok = 0;
        sh->loss = 0.0;
        sh->correct = 0;
        sh->n = hi - lo;
        sh->st = LRP_OK;
        first[k - k0] = b;
        for (size_t i = lo; i < hi; i++, b++) {
            const size_t p = tr->order[i], T = d->offset[p + 1] - d->offset[p];
            a->w.phr[b] = (lrp_sentence){d->ids + d->offset[p], T, NULL};
            a->w.label[b] = d->label[p];
            a->w.nz[b] = (phrase_noise){tr->o->dropout, tr->o->unk_rate, d->rare, train_key(ekey, p)};
        }
    }
    first[k1 - k0] = b;
    if (b == 0) return;
    lrp_error err;
    lrp_status st = train_batch_grad(tr->m, tr->pack, &a->w, k1 - k0, first, scale, &tr->shards[k0], &err);
    if (st != LRP_OK)
        for (size_t k = k0; k < k1; k++) {
            tr->shards[k].st = st;
            tr->shards[k].err = err;
        }
}

/* Update parameters [at, at + n) from their gradients grad[0..n) plus the L2 term:
 * plain loops over flat arrays, so that they vectorise (sqrt needs no errno here: its
 * argument is never negative, and the file is compiled with -fno-math-errno).
 * c1, c2: Adam's bias corrections 1 - beta1^step, 1 - beta2^step. */
static void update_range(const trainer *tr, size_t at, size_t n, const double *grad, double c1, double c2)
{
    double *restrict p = tr->m->params + at, *restrict s1 = tr->s1 + at, *restrict s2 = tr->s2 + at;
    const double lr = tr->lr, l2 = tr->o->l2;
    if (tr->o->optimizer == TRAIN_ADAM) {
        /* m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, p -= lr mhat / (sqrt(vhat) + eps) */
        for (size_t i = 0; i < n; i++) {
            const double gi = grad[i] + l2 * p[i];
            const double m = ADAM_BETA1 * s1[i] + ADAM_1_MINUS_BETA1 * gi;
            const double v = ADAM_BETA2 * s2[i] + ADAM_1_MINUS_BETA2 * gi * gi;
            s1[i] = m;
            s2[i] = v;
            p[i] -= lr * (m / c1) / (sqrt(v / c2) + ADAM_EPS);
        }
    } else {
        /* Adagrad: a += g^2, p -= lr g / (sqrt(a) + eps) */
        for (size_t i = 0; i < n; i++) {
            const double gi = grad[i] + l2 * p[i];
            const double a = s2[i] + gi * gi;
            s2[i] = a;
            p[i] -= lr * gi / (sqrt(a) + ADAGRAD_EPS);
        }
    }
}

/* Sum the shards' gradients in shard order and update this thread's share: dense
 * parameters [lo, hi) and the embedding rows with id % nthreads == tid. */
static void reduce_update(trainer *tr, size_t tid)
{
    const size_t DP = tr->DP, nt = tr->nthreads, E = tr->m->shape.E;
    const size_t lo = DP * tid / nt, hi = DP * (tid + 1) / nt;
    const double c1 = 1.0 - pow(ADAM_BETA1, (double)tr->step), c2 = 1.0 - pow(ADAM_BETA2, (double)tr->step);
    double *g = tr->g + tr->base;
    /* each shard's slice is cleared as it is read, for the next batch */
    memcpy(g + lo, tr->shards[0].dense + lo, (hi - lo) * sizeof(double));
    memset(tr->shards[0].dense + lo, 0, (hi - lo) * sizeof(double));
    for (size_t k = 1; k < TRAIN_SHARDS; k++) {
        double *src = tr->shards[k].dense;
        for (size_t i = lo; i < hi; i++) {
            g[i] += src[i];
            src[i] = 0.0;
        }
    }
    update_range(tr, tr->base + lo, hi - lo, g + lo, c1, c2);
    /* the packed copies of the parameters this thread changed */
    fast_pack_update_range_d(tr->pack, tr->m, tr->base + lo, tr->base + hi);

    /* embedding rows: accumulate in (shard, token) order, then update each touched row once */
    double *ge = tr->g + tr->m->layout.emb;
    for (size_t k = 0; k < TRAIN_SHARDS; k++) {
        const train_shard *sh = &tr->shards[k];
        for (size_t t = 0; t < sh->n_tok; t++) {
            const size_t id = (size_t)sh->tok[t];
            if (id % nt != tid) continue;
            double *row = ge + id * E;
            const double *src = sh->demb + t * E;
            for (size_t j = 0; j < E; j++) row[j] += src[j];
        }
    }
    for (size_t k = 0; k < TRAIN_SHARDS; k++) {
        const train_shard *sh = &tr->shards[k];
        for (size_t t = 0; t < sh->n_tok; t++) {
            const size_t id = (size_t)sh->tok[t];
            if (id % nt != tid || tr->seen[id]) continue;
            tr->seen[id] = 1; /* each row once per batch */
            update_range(tr, tr->m->layout.emb + id * E, E, ge + id * E, c1, c2);
        }
    }
    for (size_t k = 0; k < TRAIN_SHARDS; k++) {
        const train_shard *sh = &tr->shards[k];
        for (size_t t = 0; t < sh->n_tok; t++) {
            const size_t id = (size_t)sh->tok[t];
            if (id % nt != tid) continue;
            memset(ge + id * E, 0, E * sizeof(double));
            tr->seen[id] = 0;
        }
    }
}

// ----------------------------------------------------------------------------
// after an epoch: dev accuracy, saving, stopping

typedef struct bytes_job {
    const char *data;
    size_t size;
} bytes_job;

static lrp_status fill_bytes(FILE *f, void *ctx, lrp_error *err)
{
    const bytes_job *b = ctx;
    if (fwrite(b->data, 1, b->size, f) != b->size)
        return lrp_fail(err, LRP_ERR_IO, "%s", strerror(errno ? errno : EIO));
    return LRP_OK;
}

/* Write the stored parameters to out_path, and keep the bytes written: the model
 * evaluated at the end is this run's, whatever else writes out_path meanwhile. */
static lrp_status save_best(trainer *tr)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *mf = open_memstream(&buf, &size);
    lrp_status st = mf ? model_write(tr->snap, mf, tr->o->dtype, LRP_FILE_GATE_ORDER, &tr->err)
                       : lrp_fail(&tr->err, LRP_ERR_NOMEM, "out of memory for the model's bytes");
    if (mf && fclose(mf) != 0 && st == LRP_OK)
        st = lrp_fail(&tr->err, LRP_ERR_NOMEM, "out of memory for the model's bytes");
    bytes_job job = {buf, size};
    if (st == LRP_OK) st = lrp_write_atomic(tr->out_path, fill_bytes, &job, &tr->err);
    if (st != LRP_OK) {
        free(buf);
        return st;
    }
    free(tr->best_bytes);
    tr->best_bytes = buf;
    tr->best_size = size;
    return LRP_OK;
}

/* Thread 0, after an epoch: the stored parameters, dev accuracy, saving, callback. */
static void end_epoch(trainer *tr, double loss, size_t correct, double seconds)
{
    const train_data *d = tr->d;
    train_epoch_stats es;
    memset(&es, 0, sizeof es);
    es.epoch = tr->epoch;
    es.loss = loss / (double)d->n_phrases;
    es.train_accuracy = (double)correct / (double)d->n_phrases;
    es.lr = tr->lr;
    es.seconds = seconds;
    es.phrases_per_second = seconds > 0 ? (double)d->n_phrases / seconds : 0.0;
    const size_t P = tr->P;
    for (size_t i = 0; i < P; i++)
        tr->snap->params[i] = tr->o->dtype == LRP_F32 ? (double)(float)tr->m->params[i] : tr->m->params[i];
    lrp_status st = model_check_finite(tr->snap, &tr->err);
    if (st == LRP_OK) st = model_prepare(tr->snap, &tr->err);
    if (st == LRP_OK)
        st = eval_sentences(tr->snap, d->dev, d->dev_label, d->n_dev, (int)tr->nthreads, NULL, &es.dev,
                            &tr->err);
    if (st == LRP_OK) {
        double acc = eval_accuracy(&es.dev);
        if (tr->sum->best_epoch == 0 || acc > tr->best_dev) {
            st = save_best(tr);
            tr->best_dev = acc;
            tr->sum->best_epoch = tr->epoch;
            tr->since_best = 0;
            es.best = 1;
        } else {
            tr->since_best++;
        }
    }
    if (st != LRP_OK) {
        tr->stop_epoch = TRAIN_STOP_FAILED;
        eval_result_free(&es.dev);
        return;
    }
    tr->sum->epochs = tr->epoch;
    es.elapsed = now_seconds() - tr->t_start;
    if (tr->cb && tr->cb->epoch && tr->cb->epoch(tr->cb->ctx, &es)) tr->stop_epoch = TRAIN_STOP_ASKED;
    if (tr->o->patience && tr->since_best >= tr->o->patience && !tr->stop_epoch)
        tr->stop_epoch = TRAIN_STOP_PATIENCE;
    eval_result_free(&es.dev);
}

// ----------------------------------------------------------------------------
// the loop

/* Thread 0, before an epoch: its learning rate and its order of the phrases
 * (Fisher-Yates from the epoch's stream). */
static void begin_epoch(trainer *tr, size_t epoch)
{
    const train_options *o = tr->o;
    const size_t N = tr->d->n_phrases;
    tr->epoch = epoch;
    tr->lr = o->lr * pow(o->lr_decay, (double)(epoch - 1));
    train_rng r = {train_key(train_key(o->seed, TRAIN_STREAM_SHUFFLE), epoch), 0};
    for (size_t i = 0; i < N; i++) tr->order[i] = (uint32_t)i;
    for (size_t i = N; i > 1; i--) {
        size_t j = (size_t)(train_rng_uniform(&r) * (double)i);
        uint32_t t = tr->order[i - 1];
        tr->order[i - 1] = tr->order[j];
        tr->order[j] = t;
    }
}

/* Thread 0, after a minibatch's update: its loss and accuracy into the epoch's, the
 * first failure of a shard, the callback. */
static void end_batch(trainer *tr, size_t epoch, size_t done, double *loss, size_t *correct)
{
    atomic_store(&tr->next_shard, 0); /* every thread has left the shard loop */
    for (size_t k = 0; k < TRAIN_SHARDS; k++) {
        *loss += tr->shards[k].loss;
        *correct += tr->shards[k].correct;
        if (tr->shards[k].st != LRP_OK && !tr->stop) {
            tr->err = tr->shards[k].err;
            tr->stop = TRAIN_STOP_FAILED;
        }
    }
    if (!tr->stop && tr->cb && tr->cb->batch && tr->cb->batch(tr->cb->ctx, epoch, done, tr->d->n_phrases))
        tr->stop = TRAIN_STOP_ASKED;
}

static void *train_thread(void *arg)
{
    thread_arg *a = arg;
    trainer *tr = a->tr;
    const train_options *o = tr->o;
    const size_t tid = a->tid, N = tr->d->n_phrases, B = o->batch;
    pthread_mutex_lock(&tr->gate_mu);
    while (!tr->gate_open) pthread_cond_wait(&tr->gate_cv, &tr->gate_mu);
    pthread_mutex_unlock(&tr->gate_mu);
    if (tid >= tr->nthreads) return NULL; /* not needed: a later thread could not start */
    for (size_t epoch = 1; epoch <= o->epochs; epoch++) {
        double t0 = 0.0, loss = 0.0;
        size_t correct = 0;
        if (tid == 0) {
            begin_epoch(tr, epoch);
            t0 = now_seconds();
        }
        barrier_wait(&tr->bar);
        for (size_t begin = 0; begin < N; begin += B) {
            const size_t n = N - begin < B ? N - begin : B;
            for (size_t k; (k = atomic_fetch_add(&tr->next_shard, tr->grab)) < TRAIN_SHARDS;)
                run_shards(tr, a, k, k + tr->grab < TRAIN_SHARDS ? k + tr->grab : TRAIN_SHARDS, begin, n,
                           1.0 / (double)n);
            if (tid == 0) tr->step++;
            barrier_wait(&tr->bar);
            reduce_update(tr, tid);
            if (tid == 0) end_batch(tr, epoch, begin + n, &loss, &correct);
            barrier_wait(&tr->bar);
            if (tr->stop) return NULL;
        }
        if (tid == 0) end_epoch(tr, loss, correct, now_seconds() - t0);
        barrier_wait(&tr->bar);
        if (tr->stop_epoch) return NULL;
    }
    return NULL;
}

// ----------------------------------------------------------------------------
// the run

void train_summary_free(train_summary *s)
{
    if (!s) return;
    eval_result_free(&s->dev);
    eval_result_free(&s->test);
    memset(s, 0, sizeof *s);
}

/* About how many bytes the minibatches' workspaces take per phrase of a batch and word
 * of the longest phrase: TRAIN_BATCH_BYTES_PER_WORD, measured at the paper's sizes,
 * scaled by what is kept per word (the input, and the gate rows of every layer and
 * direction): an estimate, for a message. */
static double batch_bytes_per_word(const model_shape *s)
{
    const double paper = 60.0 + 2.0 * 4.0 * 60.0; /* E + L D G: E = H = 60, one bi-LSTM layer */
    const double here = (double)s->E + (double)(s->L * s->D * model_gates(s) * s->H);
    return TRAIN_BATCH_BYTES_PER_WORD * here / paper;
}

/* Out of memory for the minibatches' workspaces: say what takes the memory. */
static lrp_status batch_nomem(lrp_error *err, const model_shape *s, size_t B, size_t T)
{
    return lrp_fail(err, LRP_ERR_NOMEM,
                    "out of memory for minibatches of %zu phrases of up to %zu words (about %.0f MB per "
                    "phrase of a batch): choose a smaller batch (--batch)",
                    B, T, (double)T * batch_bytes_per_word(s) / 1e6);
}

/* The trainer's buffers, model and threads' workspaces for a run. */
static lrp_status trainer_init(trainer *tr, thread_arg **args, size_t *n_args, lrp_error *err)
{
    const train_data *d = tr->d;
    const train_options *o = tr->o;
    const size_t B = o->batch < d->n_phrases ? o->batch : d->n_phrases;
    const size_t per_shard = (B + TRAIN_SHARDS - 1) / TRAIN_SHARDS;
    lrp_status st = train_model_init(d, o, &tr->m, err);
    if (st == LRP_OK) st = train_model_init(d, o, &tr->snap, err);
    if (st != LRP_OK) return st;
    const param_layout *L = &tr->m->layout;
    tr->P = L->total;
    tr->base = L->wx[0][0];
    tr->DP = L->emb - tr->base; /* the dense parameters come before the embedding */
    /* the most words a shard can hold: its share of a batch, each a longest phrase (no
     * batch holds more phrases than the data has) */
    tr->cap_tokens = per_shard * d->max_length;
    tr->g = calloc(tr->P, sizeof *tr->g);
    tr->s1 = calloc(tr->P, sizeof *tr->s1);
    tr->s2 = calloc(tr->P, sizeof *tr->s2);
    tr->order = malloc(d->n_phrases * sizeof *tr->order);
    tr->seen = calloc(d->V, 1);
    *args = calloc(tr->nthreads, sizeof **args);
    int ok = tr->g && tr->s1 && tr->s2 && tr->order && tr->seen && *args, ok_batch = 1;
    for (size_t k = 0; k < TRAIN_SHARDS && ok && ok_batch; k++) {
        train_shard *sh = &tr->shards[k];
        sh->dense = calloc(tr->DP, sizeof(double));
        sh->demb = malloc(tr->cap_tokens * o->embed * sizeof(double));
        sh->tok = malloc(tr->cap_tokens * sizeof *sh->tok);
        ok = sh->dense != NULL;
        ok_batch = sh->demb && sh->tok;
    }
    if (!ok) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the trainer's buffers");
    if (!ok_batch) return batch_nomem(err, &tr->m->shape, B, d->max_length);
    st = fast_pack_create_d(&tr->pack, tr->m, err);
    /* a thread takes its share of the shards as one batch of the kernels (the larger
     * the batch, the better they do; docs/training.md) */
    tr->grab = TRAIN_SHARDS / tr->nthreads;
    for (size_t t = 0; t < tr->nthreads && st == LRP_OK; t++, (*n_args)++) {
        (*args)[t].tr = tr;
        (*args)[t].tid = t;
        st = train_batch_init(&(*args)[t].w, tr->m, tr->pack, tr->grab * per_shard, d->max_length, err);
        if (st == LRP_ERR_NOMEM) st = batch_nomem(err, &tr->m->shape, B, d->max_length);
    }
    return st;
}

static void trainer_free(trainer *tr, thread_arg *args, size_t n_args)
{
    for (size_t t = 0; t < n_args; t++) train_batch_free(&args[t].w);
    free(args);
    for (size_t k = 0; k < TRAIN_SHARDS; k++) {
        free(tr->shards[k].dense);
        free(tr->shards[k].demb);
        free(tr->shards[k].tok);
    }
    fast_pack_free_d(tr->pack);
    free(tr->g);
    free(tr->s1);
    free(tr->s2);
    free(tr->order);
    free(tr->seen);
    lrp_model_free(tr->m);
    lrp_model_free(tr->snap);
    free(tr->best_bytes);
}

/* Start the threads, then fix the count to those that started (the result does not
 * depend on it) before they pass the gate; thread 0 is the caller's. */
static lrp_status run_threads(trainer *tr, thread_arg *args, lrp_error *err)
{
    lrp_status st = LRP_OK;
    pthread_mutex_init(&tr->gate_mu, NULL);
    pthread_cond_init(&tr->gate_cv, NULL);
    pthread_t tid[TRAIN_SHARDS];
    size_t started = 1;
    for (; started < tr->nthreads; started++)
        if (pthread_create(&tid[started], NULL, train_thread, &args[started]) != 0) break;
    pthread_mutex_lock(&tr->gate_mu);
    tr->nthreads = started;
    if (!barrier_init(&tr->bar, started)) {
        st = lrp_fail(err, LRP_ERR_NOMEM, "cannot create a barrier for %zu threads", started);
        tr->nthreads = 0; /* every thread returns at the gate */
    }
    tr->gate_open = 1;
    pthread_cond_broadcast(&tr->gate_cv);
    pthread_mutex_unlock(&tr->gate_mu);
    if (st == LRP_OK) train_thread(&args[0]);
    for (size_t t = 1; t < started; t++) pthread_join(tid[t], NULL);
    if (st == LRP_OK) barrier_destroy(&tr->bar);
    pthread_cond_destroy(&tr->gate_cv);
    pthread_mutex_destroy(&tr->gate_mu);
    return st;
}

lrp_status train_run(const train_data *d, const train_options *o, const char *out_path,
                     const train_callbacks *cb, train_summary *sum, lrp_error *err)
{
    if (!d || !o || !out_path || !sum)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "data, options, output path and summary must not be NULL");
    memset(sum, 0, sizeof *sum);
    lrp_status st = train_options_check(o, err);
    if (st != LRP_OK) return st;
    if (d->n_phrases == 0 || d->n_dev == 0)
        return lrp_fail(err, LRP_ERR_INPUT, "no training phrases or no dev sentences");
    /* the first write comes after an epoch: a path that cannot be written fails now */
    st = lrp_write_check(out_path, err);
    if (st != LRP_OK) return st;

    trainer tr;
    memset(&tr, 0, sizeof tr);
    atomic_init(&tr.next_shard, 0);
    tr.d = d;
    tr.o = o;
    tr.cb = cb;
    tr.out_path = out_path;
    tr.sum = sum;
    tr.t_start = now_seconds();
    const size_t nt = o->threads == 0 ? (size_t)lrp_default_threads() : (size_t)o->threads;
    tr.nthreads = nt > TRAIN_SHARDS ? TRAIN_SHARDS : nt;
    thread_arg *args = NULL;
    size_t n_args = 0;
    st = trainer_init(&tr, &args, &n_args, err);
    if (st == LRP_OK) st = run_threads(&tr, args, err);
    const train_stop stop = tr.stop ? tr.stop : tr.stop_epoch;
    if (st == LRP_OK && stop == TRAIN_STOP_FAILED) st = lrp_fail(err, tr.err.status, "%s", tr.err.message);
    sum->stopped = stop == TRAIN_STOP_ASKED;

    /* the written model, read back from the bytes written */
    if (st == LRP_OK && sum->best_epoch > 0) {
        lrp_model *best = NULL;
        st = lrp_model_load_memory(&best, tr.best_bytes, tr.best_size, err);
        if (st == LRP_OK)
            st = eval_sentences(best, d->dev, d->dev_label, d->n_dev, (int)tr.nthreads, NULL, &sum->dev, err);
        if (st == LRP_OK && d->n_test)
            st = eval_sentences(best, d->test, d->test_label, d->n_test, (int)tr.nthreads, NULL, &sum->test,
                                err);
        lrp_model_free(best);
    }
    sum->seconds = now_seconds() - tr.t_start;
    trainer_free(&tr, args, n_args);
    if (st != LRP_OK) train_summary_free(sum);
    return st;
}
