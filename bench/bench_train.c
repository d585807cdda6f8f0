/*
 * bench_train.c - training throughput of `lrp train` on the SST training phrases
 * (156,817 distinct phrases, 1.13 M words per epoch) with the paper's sizes
 * (E = H = 60, bidirectional, 5 classes), on 1 and 2 threads.
 *
 * Prints the machine (CPU, cores, compiler, load), then per thread count the
 * phrases per second, words per second and the seconds per epoch: measured over a
 * whole epoch with --full, else extrapolated from the first --phrases phrases of an
 * epoch (default 40000; the order is shuffled, so the sample is representative),
 * from the end of the first minibatch on (initialisation and the dev evaluation after
 * the epoch are not counted: about 0.3 s and 0.2 s).
 * Each figure is the best of --repeat runs (default 1). Default options of
 * `lrp train`. For comparison: PyTorch 1.13 on 2 threads of this machine takes
 * about 93 s per epoch for this model and data.
 *
 * Then the batched kernels of fast/fast.h that the trainer runs: their float64
 * forward and backward pass with parameter gradients (fast_forward_d, fast_backward_d,
 * fast_embedding_grad_d) alone, one thread, over the same phrases in batches of 32 (the
 * trainer's shards hold 4 of a minibatch of 32), without dropout, optimiser or
 * anything else the trainer does: what the rest of the trainer's step costs.
 *
 * Data: LRP_SST_DIR (default ../shared/data/sst next to the source); without it the
 * benchmark says so and exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "fast/fast.h"
#include "core/model.h"
#include "app/train.h"

#ifndef LRP_SOURCE_DIR
#define LRP_SOURCE_DIR "."
#endif

typedef struct bench_ctx {
    size_t limit;  /* stop after this many phrases (0 = the whole epoch) */
    size_t first;  /* phrases done at the first callback (the first minibatch) */
    double t_first;
    size_t done;
    double t_done;
} bench_ctx;

static int on_batch(void *ctx, size_t epoch, size_t done, size_t total)
{
    (void)epoch;
    (void)total;
    bench_ctx *b = ctx;
    if (!b->first) {
        b->first = done;
        b->t_first = bench_now();
    }
    b->done = done;
    b->t_done = bench_now();
    return b->limit && done >= b->limit;
}

int main(int argc, char **argv)
{
    size_t limit = 40000, repeat = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--full") == 0) limit = 0;
        else if (strcmp(argv[i], "--phrases") == 0 && i + 1 < argc) limit = (size_t)atol(argv[++i]);
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = (size_t)atol(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_train [--full | --phrases N] [--repeat N]\n");
            return 2;
        }
    }
    const char *env = getenv("LRP_SST_DIR");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", env && env[0] ? env : LRP_SOURCE_DIR "/../shared/data/sst");
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/train.txt", dir);
    if (access(probe, R_OK) != 0) {
        printf("bench_train: no treebank at %s (set LRP_SST_DIR): skipped\n", dir);
        return 0;
    }
    bench_machine_facts();

    train_options o;
    train_options_init(&o);
    o.epochs = 1;
    train_data d;
    lrp_error err;
    double t_load = bench_now();
    if (train_data_load(dir, &o, &d, &err) != LRP_OK) {
        fprintf(stderr, "bench_train: %s\n", err.message);
        return 1;
    }
    printf("data: %zu distinct phrases, %zu words per epoch, vocabulary %zu (read in %.2f s)\n",
           d.n_phrases, d.n_tokens, d.V, bench_now() - t_load);
    printf("model: E = %zu, H = %zu, bidirectional, %zu classes; %s, batch %zu, dropout %g, float64\n",
           o.embed, o.hidden, d.C, o.optimizer == TRAIN_ADAM ? "Adam" : "Adagrad", o.batch, o.dropout);
    if (limit) printf("measured over the first %zu phrases of an epoch, extrapolated to %zu\n", limit, d.n_phrases);
    else printf("measured over whole epochs\n");

    char out[256];
    snprintf(out, sizeof out, "/tmp/bench_train_%ld.safetensors", (long)getpid());
    printf("%8s %14s %14s %12s\n", "threads", "phrases/s", "words/s", "s/epoch");
    for (int threads = 1; threads <= 2; threads++) {
        double best = 0.0;
        for (size_t r = 0; r < repeat; r++) {
            o.threads = threads;
            bench_ctx b = {limit, 0, 0, 0, 0};
            train_callbacks cb = {on_batch, NULL, &b};
            train_summary sum;
            if (train_run(&d, &o, out, &cb, &sum, &err) != LRP_OK) {
                fprintf(stderr, "bench_train: %s\n", err.message);
                return 1;
            }
            train_summary_free(&sum);
            /* the minibatches after the first, as the epoch's own clock counts them
             * (without the initialisation and the dev evaluation) */
            double rate = (double)(b.done - b.first) / (b.t_done - b.t_first);
            if (rate > best) best = rate;
        }
        printf("%8d %14.0f %14.0f %12.1f\n", threads, best,
               best * (double)d.n_tokens / (double)d.n_phrases, (double)d.n_phrases / best);
    }
    unlink(out);

    /* the batched kernels alone: forward + backward with parameter gradients */
    lrp_model *m = NULL;
    if (train_model_init(&d, &o, &m, &err) != LRP_OK || model_prepare(m, &err) != LRP_OK) {
        fprintf(stderr, "bench_train: %s\n", err.message);
        return 1;
    }
    const size_t n_ph = limit ? (limit < d.n_phrases ? limit : d.n_phrases) : d.n_phrases, B = 32, C = d.C;
    double *grad = calloc(m->layout.total, sizeof *grad), *row = malloc(o.embed * sizeof *row);
    double *dscores = calloc(B * C, sizeof *dscores);
    lrp_sentence *batch = calloc(B, sizeof *batch);
    fast_work_d w;
    fast_work_init_d(&w);
    double best = 0.0;
    for (size_t r = 0; r < repeat; r++) {
        double t0 = bench_now();
        for (size_t begin = 0; begin < n_ph; begin += B) {
            size_t n = n_ph - begin < B ? n_ph - begin : B;
            for (size_t i = 0; i < n; i++)
                batch[i] = (lrp_sentence){d.ids + d.offset[begin + i], d.offset[begin + i + 1] - d.offset[begin + i], NULL};
            if (fast_forward_d(model_pack_d(m, NULL), m, &w, n, batch, &err) != LRP_OK) {
                fprintf(stderr, "bench_train: %s\n", err.message);
                return 1;
            }
            for (size_t i = 0; i < n * C; i++) dscores[i] = (i % C == 0 ? -1.0 : 0.25) / (double)n;
            fast_backward_d(model_pack_d(m, NULL), m, &w, dscores, grad + m->layout.wx[0][0]);
            for (size_t i = 0; i < n; i++)
                for (size_t t = 0; t < batch[i].length; t++) fast_embedding_grad_d(model_pack_d(m, NULL), &w, i, t, row);
        }
        double rate = (double)n_ph / (bench_now() - t0);
        if (rate > best) best = rate;
    }
    printf("batched kernels (fast/fast.h) alone, forward + backward + parameter gradients, 1 thread:\n");
    printf("%8d %14.0f %14.0f %12.1f\n", 1, best, best * (double)d.n_tokens / (double)d.n_phrases,
           (double)d.n_phrases / best);
    fast_work_free_d(&w);
    free(grad);
    free(row);
    free(dscores);
    free(batch);
    lrp_model_free(m);
    train_data_free(&d);
    return 0;
}
