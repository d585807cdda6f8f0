/*
 * batch.c - explain many sentences over a pool of threads. The sentences are
 * ordered by length (longest first, ties in input order) and cut into chunks of
 * BATCH_CHUNK (8: one register tile of the kernels; a thread's workspace, which
 * every activation of its chunk fills, then stays near the size of a core's L2
 * cache; other sizes measured: docs/performance.md), fewer for long sentences
 * (BATCH_WORDS);
 * a thread takes the next chunk and
 * explains it as one batch of the
 * fast path (explain_fast: the sentences of a chunk advance together, step by
 * step). Each thread owns its workspace and writes only the results of its
 * chunks, so no locks are needed, and a sentence's result does not depend on its
 * chunk's other sentences: the output is the same bits whatever the thread count,
 * and the same as one lrp_explain call per sentence.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/common.h"
#include "core/explain_internal.h"

typedef struct length_index {
    size_t length, index;
} length_index;

/* A chunk has at most BATCH_CHUNK sentences and, unless it is one sentence, at most
 * BATCH_WORDS words counted as its longest sentence's length times its size: a
 * thread's workspace, which holds every activation of its chunk, stays bounded for
 * sentences of any length (up to LRP_MAX_LENGTH), and the treebank's sentences (56
 * words at most) fill whole chunks. */
enum { BATCH_CHUNK = 8, BATCH_WORDS = 8192, MAX_THREADS = 256 };

struct lrp_explainer {
    const lrp_model *model;
    size_t threads;
    explain_work *work;     /* [threads] */
    length_index *order;    /* [cap] */
    size_t *starts;         /* [cap + 1] */
    size_t cap;
};

typedef struct batch_job {
    const lrp_model *model;
    const lrp_sentence *sentences;
    const lrp_options *options;
    lrp_result *out;
    const length_index *order; /* [n] sentences, longest first */
    const size_t *starts;   /* [chunks + 1] chunk k is order[starts[k], starts[k + 1]) */
    size_t chunks;
    atomic_size_t next;     /* next chunk to take */
    atomic_int failed;      /* a thread's batch failed (its workspace: memory) */
    lrp_error fail_err;     /* the first such failure's message (under bad_mu) */
    /* the first sentence (in input order, whatever the threads) whose result is not
     * finite: every chunk is still computed, so that it is the same one every run */
    pthread_mutex_t bad_mu;
    size_t bad;             /* its index, n when none */
    lrp_error bad_err;
} batch_job;

typedef struct batch_thread {
    batch_job *job;
    explain_work *work;
} batch_thread;

static void *batch_worker(void *arg)
{
    batch_job *job = ((batch_thread *)arg)->job;
    explain_work *w = ((batch_thread *)arg)->work;
    lrp_sentence chunk[BATCH_CHUNK];
    lrp_result *res[BATCH_CHUNK];
    for (;;) {
        size_t k = atomic_fetch_add(&job->next, 1);
        if (k >= job->chunks) break;
        size_t begin = job->starts[k], m = job->starts[k + 1] - begin;
        for (size_t i = 0; i < m; i++) {
            chunk[i] = job->sentences[job->order[begin + i].index];
            res[i] = &job->out[job->order[begin + i].index];
        }
        lrp_error fe;
        if (explain_fast(job->model, w, m, chunk, job->options, res, &fe) != LRP_OK) {
            pthread_mutex_lock(&job->bad_mu);
            if (!atomic_load(&job->failed)) job->fail_err = fe;
            atomic_store(&job->failed, 1);
            pthread_mutex_unlock(&job->bad_mu);
            atomic_store(&job->next, job->chunks);
            break;
        }
        for (size_t i = 0; i < m; i++) {
            lrp_error e;
            size_t index = job->order[begin + i].index;
            if (explain_check_result(job->model, res[i], job->options, &e) == LRP_OK) continue;
            pthread_mutex_lock(&job->bad_mu);
            if (index < job->bad) {
                job->bad = index;
                job->bad_err = e;
            }
            pthread_mutex_unlock(&job->bad_mu);
        }
    }
    return NULL;
}

/* Cut n sentences ordered longest first into chunks: starts[0..chunks]. */
static size_t cut_chunks(const length_index *order, size_t n, size_t *starts)
{
    size_t k = 0;
    for (size_t begin = 0; begin < n; k++) {
        size_t m = BATCH_WORDS / order[begin].length; /* order[begin] is the chunk's longest */
        m = m < 1 ? 1 : m > BATCH_CHUNK ? BATCH_CHUNK : m;
        starts[k] = begin;
        begin += m < n - begin ? m : n - begin;
    }
    starts[k] = n;
    return k;
}

/* Longest first; equal lengths in input order (a total order: the same for every run). */
static int by_length(const void *a, const void *b)
{
    const length_index *x = a, *y = b;
    if (x->length != y->length) return x->length > y->length ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

int lrp_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (n > MAX_THREADS ? MAX_THREADS : (int)n);
}

lrp_status lrp_explainer_new(lrp_explainer **out, const lrp_model *m, int threads, lrp_error *err)
{
    if (!out) return lrp_fail(err, LRP_ERR_ARGUMENT, "out must not be NULL");
    *out = NULL;
    if (!m) return lrp_fail(err, LRP_ERR_ARGUMENT, "model must not be NULL");
    if (threads < 0) return lrp_fail(err, LRP_ERR_ARGUMENT, "threads must be >= 0, got %d", threads);
    lrp_status st = explain_check_model(m, err);
    if (st != LRP_OK) return st;
    size_t nt = threads == 0 ? (size_t)lrp_default_threads() : (size_t)threads;
    if (nt > MAX_THREADS) nt = MAX_THREADS;
    lrp_explainer *ex = calloc(1, sizeof *ex);
    explain_work *work = calloc(nt, sizeof *work);
    if (!ex || !work) {
        free(ex);
        free(work);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for an explainer of %zu threads", nt);
    }
    for (size_t t = 0; t < nt; t++) explain_work_init(&work[t]);
    ex->model = m;
    ex->threads = nt;
    ex->work = work;
    *out = ex;
    return LRP_OK;
}

void lrp_explainer_free(lrp_explainer *ex)
{
    if (!ex) return;
    for (size_t t = 0; t < ex->threads; t++) explain_work_free(&ex->work[t]);
    free(ex->work);
    free(ex->order);
    free(ex->starts);
    free(ex);
}

lrp_status lrp_explainer_run(lrp_explainer *ex, const lrp_sentence *sentences, size_t n,
                             const lrp_options *o, lrp_result *out, lrp_error *err)
{
    if (!ex || (n && (!sentences || !out)))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "explainer, sentences and out must not be NULL");
    const lrp_model *m = ex->model;
    for (size_t i = 0; i < n; i++) memset(&out[i], 0, sizeof out[i]);
    lrp_status st = explain_check_options(m, o, err);
    if (st != LRP_OK) return st;
    /* every sentence is checked before any work starts, so the error is the first bad one */
    for (size_t i = 0; i < n; i++) {
        lrp_error e;
        if (explain_check_sentence(m, &sentences[i], &e) != LRP_OK)
            return lrp_fail(err, e.status, "sentence %zu: %s", i, e.message);
    }
    for (size_t i = 0; i < n && st == LRP_OK; i++)
        st = explain_result_alloc(m, o, sentences[i].length, &out[i], err);
    if (st == LRP_OK && n > ex->cap) {
        length_index *more = realloc(ex->order, n * sizeof *more);
        if (more) ex->order = more;
        size_t *starts = more ? realloc(ex->starts, (n + 1) * sizeof *starts) : NULL;
        if (starts) ex->starts = starts;
        if (more && starts) ex->cap = n;
        else st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory ordering %zu sentences", n);
    }
    if (st == LRP_OK && n > 0) {
        for (size_t i = 0; i < n; i++) ex->order[i] = (length_index){sentences[i].length, i};
        qsort(ex->order, n, sizeof *ex->order, by_length);

        batch_job job = {.model = m, .sentences = sentences, .options = o, .out = out,
                         .order = ex->order, .starts = ex->starts};
        job.chunks = cut_chunks(ex->order, n, ex->starts);
        atomic_init(&job.next, 0);
        atomic_init(&job.failed, 0);
        job.bad = n;
        pthread_mutex_init(&job.bad_mu, NULL);
        size_t nt = ex->threads;
        if (nt > job.chunks) nt = job.chunks;
        pthread_t tid[MAX_THREADS];
        batch_thread arg[MAX_THREADS];
        size_t started = 0;
        for (size_t t = 0; t < nt; t++) arg[t] = (batch_thread){&job, &ex->work[t]};
        for (size_t t = 1; t < nt; t++, started++)
            if (pthread_create(&tid[t], NULL, batch_worker, &arg[t]) != 0) break;
        if (nt > 0) batch_worker(&arg[0]); /* the calling thread works too */
        for (size_t t = 1; t <= started; t++) pthread_join(tid[t], NULL);
        if (atomic_load(&job.failed))
            st = lrp_fail(err, job.fail_err.status, "%s", job.fail_err.message);
        else if (job.bad < n)
            st = lrp_fail(err, LRP_ERR_NUMERIC, "sentence %zu: %s", job.bad, job.bad_err.message);
        pthread_mutex_destroy(&job.bad_mu);
    }
    if (st != LRP_OK)
        for (size_t i = 0; i < n; i++) lrp_result_free(&out[i]);
    return st;
}

lrp_status lrp_explain_batch(const lrp_model *m, const lrp_sentence *sentences, size_t n,
                             const lrp_options *o, int threads, lrp_result *out, lrp_error *err)
{
    if (!m || (n && (!sentences || !out)))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "model, sentences and out must not be NULL");
    if (threads < 0) return lrp_fail(err, LRP_ERR_ARGUMENT, "threads must be >= 0, got %d", threads);
    for (size_t i = 0; i < n; i++) memset(&out[i], 0, sizeof out[i]);
    /* fewer threads than chunks: no workspace is allocated for nothing */
    size_t chunks = (n + BATCH_CHUNK - 1) / BATCH_CHUNK;
    if (threads == 0) threads = lrp_default_threads();
    if ((size_t)threads > chunks) threads = chunks ? (int)chunks : 1;
    lrp_explainer *ex;
    lrp_status st = lrp_explainer_new(&ex, m, threads, err);
    if (st != LRP_OK) return st;
    st = lrp_explainer_run(ex, sentences, n, o, out, err);
    lrp_explainer_free(ex);
    return st;
}
