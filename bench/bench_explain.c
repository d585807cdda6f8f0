/*
 * bench_explain.c - how fast the library explains the 2210 SST test sentences, and
 * how far that is from the machine's peak.
 *
 * Prints the machine (CPU, cores, vector code, load), the peak measured by a
 * calibration loop of independent fused multiply-adds (per precision, 1 and 2
 * threads), then for float64 and float32, 1 and 2 threads, microseconds per
 * sentence through lrp_explain_batch for:
 *
 *   forward          scores only
 *   forward+LRP      LRP for the predicted class
 *   forward+SA       sensitivity analysis for the predicted class
 *   forward+LRP x5   LRP for each of the 5 classes
 *
 * with the FLOPs per sentence counted from the shapes (multiply-adds of the matrix
 * products as 2 FLOPs: forward 2*G*(IN+H) per word, direction and layer, G = 4H for
 * an LSTM and 3H for a GRU; LRP 2*H*(IN+H); gradient 2*G*(IN+H); an attention head
 * 2*A*Y per word forward and 2*A*Y more for the gradient; the rest, O(H) per word, is
 * not counted) and the fraction of the peak reached. Each figure is the best of
 * --repeat runs.
 *
 * Then the model family at the paper's size (E = H = 60, bidirectional, 5 classes,
 * random weights): bi-LSTM and bi-GRU with each head (last, mean, max, attention with
 * A = 64), forward+LRP and forward+SA, both precisions, 2 threads (--family-only: this
 * table alone).
 *
 * Model: models/sst5-bilstm.safetensors, else (or with --random) a random model of
 * the paper's size (E = H = 60, bidirectional, 5 classes) over the test set's
 * words. --save-model PATH writes that random model (for bench_cli.sh).
 * Data: LRP_SST_DIR (default ../shared/data/sst next to the source); without it
 * the benchmark says so and exits 0.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"
#include "app/dataset.h"
#include "lrp.h"
#include "fast/fast.h"
#include "core/model.h"
#include "fast/simd.h"

#ifndef LRP_SOURCE_DIR
#define LRP_SOURCE_DIR "."
#endif

static void die(const char *what, const lrp_error *err)
{
    fprintf(stderr, "bench_explain: %s%s%s\n", what, err ? ": " : "", err ? err->message : "");
    exit(1);
}

// ----------------------------------------------------------------------------
// the machine

/* Peak: each thread runs 12 independent chains of vector FMAs. */
typedef struct peak_job {
    int f32;
    long iters;
    double sink;
} peak_job;

static void *peak_worker(void *arg)
{
    peak_job *j = arg;
    enum { K = 12 };
    if (j->f32) {
        vf acc[K], a = vf_set1(0.999999f), b = vf_set1(1e-7f);
        for (int k = 0; k < K; k++) acc[k] = vf_set1((float)k);
        for (long i = 0; i < j->iters; i++)
            for (int k = 0; k < K; k++) acc[k] = vf_fma(acc[k], a, b);
        float s = 0;
        for (int k = 0; k < K; k++) s += acc[k][0];
        j->sink = s;
    } else {
        vd acc[K], a = vd_set1(0.999999999), b = vd_set1(1e-9);
        for (int k = 0; k < K; k++) acc[k] = vd_set1((double)k);
        for (long i = 0; i < j->iters; i++)
            for (int k = 0; k < K; k++) acc[k] = vd_fma(acc[k], a, b);
        double s = 0;
        for (int k = 0; k < K; k++) s += acc[k][0];
        j->sink = s;
    }
    return NULL;
}

/* GFLOP/s of `threads` threads (best of 3). */
static double measure_peak(int f32, int threads)
{
    const long iters = 4000000;
    const double lanes = f32 ? VF_W : VD_W;
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        peak_job jobs[2] = {{f32, iters, 0}, {f32, iters, 0}};
        pthread_t tid;
        double t0 = bench_now();
        if (threads > 1 && pthread_create(&tid, NULL, peak_worker, &jobs[1]) != 0) threads = 1;
        peak_worker(&jobs[0]);
        if (threads > 1) pthread_join(tid, NULL);
        double t = bench_now() - t0;
        double gflops = threads * (double)iters * 12 * lanes * 2 / t / 1e9;
        if (gflops > best) best = gflops;
        if (jobs[0].sink == 12345.0) printf(" "); /* keep the loop */
    }
    return best;
}

// ----------------------------------------------------------------------------
// the model and the sentences

static int cmp_words(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A random model of the paper's size over the corpus's words, with this cell and head. */
static lrp_model *random_model(const ds_corpus *c, model_cell cell, model_pooling pooling)
{
    /* distinct words: sort the pointers, then unique */
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++) n += c->sentences[i].length;
    const char **w = malloc((n + 1) * sizeof *w);
    size_t k = 0;
    w[k++] = "<unk>";
    for (size_t i = 0; i < c->n; i++)
        for (size_t t = 0; t < c->sentences[i].length; t++) w[k++] = c->sentences[i].words[t];
    qsort(w + 1, k - 1, sizeof *w, cmp_words);
    size_t V = 1;
    for (size_t i = 1; i < k; i++)
        if (V == 1 || strcmp(w[i], w[V - 1]) != 0) w[V++] = w[i];
    model_shape s = {.V = V, .E = 60, .H = 60, .C = 5, .L = 1, .D = 2, .has_bias = 1,
                     .cell = cell, .pooling = pooling, .A = pooling == POOL_ATTENTION ? 64 : 0};
    lrp_model *m;
    lrp_error err;
    if (model_create(&m, &s, &err) != LRP_OK) die("random model", &err);
    unsigned long long z = 42;
    for (size_t i = 0; i < m->layout.total; i++) {
        z = z * 6364136223846793005ull + 1442695040888963407ull;
        m->params[i] = 0.3 * (2.0 * (double)(z >> 11) / 9007199254740992.0 - 1.0);
    }
    const char *labels[5] = {"very negative", "negative", "neutral", "positive", "very positive"};
    if (model_set_vocab(m, w, V, &err) != LRP_OK || model_set_labels(m, labels, 5, &err) != LRP_OK ||
        model_set_unk(m, "<unk>", &err) != LRP_OK || model_prepare(m, &err) != LRP_OK)
        die("random model", &err);
    m->lowercase = 1;
    free(w);
    return m;
}

// ----------------------------------------------------------------------------
// the kernels

typedef struct kernel {
    const char *name;
    unsigned methods;
    int all_targets;
} kernel;

static const kernel kernels[] = {
    {"forward", 0, 0},
    {"forward+LRP", LRP_METHOD_BIT(LRP_METHOD_LRP), 0},
    {"forward+SA", LRP_METHOD_BIT(LRP_METHOD_SA), 0},
    {"forward+LRP x5", LRP_METHOD_BIT(LRP_METHOD_LRP), 1},
};

/* FLOPs per word of a kernel on a model (the matrix products, header comment) */
static double flops_per_word(const model_shape *sh, const kernel *k)
{
    double fwd = 0, lrp = 0, grad = 0;
    for (size_t l = 0; l < sh->L; l++) {
        double in = (double)model_layer_input(sh, l), H = (double)sh->H, G = (double)(model_gates(sh) * sh->H);
        fwd += (double)sh->D * 2 * G * (in + H);
        lrp += (double)sh->D * 2 * H * (in + H);
        grad += (double)sh->D * 2 * G * (in + H);
    }
    if (sh->pooling == POOL_ATTENTION) {
        fwd += 2.0 * (double)sh->A * (double)(sh->D * sh->H);
        grad += 2.0 * (double)sh->A * (double)(sh->D * sh->H);
    }
    const double targets = k->all_targets ? (double)(sh->C < 5 ? sh->C : 5) : 1.0;
    if (!k->methods) return fwd;
    return fwd + targets * (k->methods == LRP_METHOD_BIT(LRP_METHOD_SA) ? grad : lrp);
}

/* Seconds for a kernel over the n sentences: the best of `repeat` runs, or with quick
 * the sum of the best times of each group of 64 sentences (a group takes a few ms, less
 * than a scheduler's time slice: for a busy machine). */
static double time_kernel(const lrp_model *m, const lrp_sentence *s, size_t n, const kernel *k, int f32,
                          int threads, int repeat, int quick, lrp_result *out)
{
    int targets[5] = {0, 1, 2, 3, 4};
    lrp_options o;
    lrp_options_init(&o);
    o.methods = k->methods;
    o.precision = f32 ? LRP_F32 : LRP_F64;
    if (k->all_targets) {
        o.targets = targets;
        o.n_targets = m->shape.C < 5 ? m->shape.C : 5;
    }
    lrp_error err;
    const size_t group = quick ? 64 : n;
    double total = 0;
    for (size_t g = 0; g < n; g += group) {
        const size_t k2 = n - g < group ? n - g : group;
        double best = INFINITY;
        for (int r = 0; r < repeat; r++) {
            double t0 = bench_now();
            if (lrp_explain_batch(m, s + g, k2, &o, threads, out, &err) != LRP_OK) die("explain", &err);
            double dt = bench_now() - t0;
            for (size_t i = 0; i < k2; i++) lrp_result_free(&out[i]);
            if (dt < best) best = dt;
        }
        total += best;
    }
    return total;
}

/* The corpus's sentences as word ids of m (freed by sentences_free). */
static lrp_sentence *encode(const lrp_model *m, const ds_corpus *corpus, size_t *words)
{
    lrp_sentence *s = calloc(corpus->n, sizeof *s);
    lrp_error err;
    *words = 0;
    for (size_t i = 0; i < corpus->n; i++) {
        const ds_sentence *d = &corpus->sentences[i];
        lrp_tokens tok = {d->length, d->words};
        int32_t *ids = malloc(d->length * sizeof *ids);
        if (lrp_encode(m, &tok, ids, NULL, &err) != LRP_OK) die("encoding the test set", &err);
        s[i] = (lrp_sentence){ids, d->length, NULL};
        *words += d->length;
    }
    return s;
}

static void sentences_free(lrp_sentence *s, size_t n)
{
    for (size_t i = 0; i < n; i++) free((void *)s[i].ids);
    free(s);
}

static void print_row(const char *model, const char *kname, int f32, int threads, double seconds, double flops,
                      size_t n, double peak)
{
    const double gflops = flops / seconds / 1e9;
    printf("%-18s %-16s %-5s %7d %12.2f %12.3f %10.2f %8.1f%%\n", model, kname, f32 ? "f32" : "f64", threads,
           seconds / (double)n * 1e6, flops / (double)n / 1e6, gflops, 100.0 * gflops / peak);
}

static void print_header(void)
{
    printf("\n%-18s %-16s %-5s %7s %12s %12s %10s %9s\n", "model", "kernel", "prec", "threads", "us/sentence",
           "MFLOP/sent", "GFLOP/s", "of peak");
}

int main(int argc, char **argv)
{
    const char *save = NULL;
    int random = 0, repeat = 5, quick = 0, family_only = 0, methods_only = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--save-model") == 0 && i + 1 < argc) save = argv[++i];
        else if (strcmp(argv[i], "--random") == 0) random = 1;
        else if (strcmp(argv[i], "--quick") == 0) quick = 1;
        else if (strcmp(argv[i], "--family-only") == 0) family_only = 1;
        else if (strcmp(argv[i], "--methods-only") == 0) methods_only = 1;
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_explain [--random] [--quick] [--family-only] [--methods-only]\n"
                            "                     [--repeat N] [--save-model PATH]\n"
                            "  --quick: forward+LRP on 1 thread only (the family: 2 threads), best time of each\n"
                            "           group of 64 sentences (for a busy machine)\n"
                            "  --family-only: only the table of the model family (cell x head)\n"
                            "  --methods-only: only the table of every method (the predicted class, 2 threads)\n");
            return 2;
        }
    }
    if (repeat < 1) repeat = 1;
    char dir[1024], path[1200];
    const char *env = getenv("LRP_SST_DIR");
    snprintf(dir, sizeof dir, "%s", env && env[0] ? env : LRP_SOURCE_DIR "/../shared/data/sst");
    snprintf(path, sizeof path, "%s/test.txt", dir);
    FILE *probe = fopen(path, "r");
    if (!probe) {
        printf("bench_explain: skipped, no SST test set at %s (set LRP_SST_DIR)\n", path);
        return 0;
    }
    fclose(probe);

    lrp_error err;
    lrp_model *m = NULL;
    const char *model_path = LRP_SOURCE_DIR "/models/sst5-bilstm.safetensors";
    if (!random && !save) {
        probe = fopen(model_path, "rb");
        if (probe) {
            fclose(probe);
            if (lrp_model_load(&m, model_path, &err) != LRP_OK) die(model_path, &err);
        }
    }
    ds_options dso = {.format = DS_PTB, .lowercase = m ? m->lowercase : 1};
    ds_corpus corpus;
    if (ds_read(path, &dso, &corpus, &err) != LRP_OK) die("reading the test set", &err);
    const char *model_name = m ? model_path : "random, weights uniform in [-0.3, 0.3]";
    const char *row_name = m ? "shipped" : "random";
    if (!m) m = random_model(&corpus, CELL_LSTM, POOL_LAST);
    if (save) {
        if (lrp_model_save(m, save, LRP_F64, &err) != LRP_OK) die(save, &err);
        printf("wrote a random model of the paper's size to %s\n", save);
        return 0;
    }
    const size_t n = corpus.n;
    size_t words;
    lrp_sentence *s = encode(m, &corpus, &words);

    bench_machine_facts();
    const model_shape *sh = &m->shape;
    printf("model: %s (V %zu, E %zu, H %zu, C %zu, L %zu, D %zu)\n", model_name, sh->V, sh->E, sh->H,
           sh->C, sh->L, sh->D);
    printf("data: %zu sentences, %zu words (%.1f per sentence) from %s\n", n, words, (double)words / (double)n, path);

    double peak[2][2];
    for (int f32 = 0; f32 < 2; f32++)
        for (int t = 0; t < 2; t++) peak[f32][t] = measure_peak(f32, t + 1);
    printf("peak (FMA loop): float64 %.1f GFLOP/s on 1 thread, %.1f on 2; float32 %.1f on 1, %.1f on 2\n",
           peak[0][0], peak[0][1], peak[1][0], peak[1][1]);
    lrp_result *out = calloc(n, sizeof *out);
    if (!family_only) {
        /* every method alone, the predicted class, 2 threads (ig: 64 steps) */
        printf("\n%-18s %-16s %-5s %7s %12s\n", "model", "method", "prec", "threads", "us/sentence");
        for (int k = 0; k < LRP_METHOD_COUNT; k++)
            for (int f32 = 0; f32 < 2; f32++) {
                const kernel km = {lrp_method_name((lrp_method)k), LRP_METHOD_BIT(k), 0};
                const double t = time_kernel(m, s, n, &km, f32, 2, repeat, quick, out);
                printf("%-18s %-16s %-5s %7d %12.2f\n", row_name, km.name, f32 ? "f32" : "f64", 2, t / (double)n * 1e6);
            }
    }
    if (methods_only) family_only = 1; /* and nothing more */
    if (!family_only) {
        print_header();
        const size_t nk = sizeof kernels / sizeof kernels[0];
        for (size_t k = quick ? 1 : 0; k < (quick ? 2 : nk); k++)
            for (int f32 = 0; f32 < 2; f32++)
                for (int t = 1; t <= (quick ? 1 : 2); t++) {
                    double best = time_kernel(m, s, n, &kernels[k], f32, t, repeat, quick, out);
                    print_row(row_name, kernels[k].name, f32, t, best,
                              flops_per_word(sh, &kernels[k]) * (double)words, n, peak[f32][t - 1]);
                }
    }
    sentences_free(s, n);
    lrp_model_free(m);

    /* the model family at the paper's size: cell x head, 2 threads */
    if (methods_only) {
        free(out);
        ds_free(&corpus);
        return 0;
    }
    printf("\nthe model family: random models of the paper's size (E = H = 60, bidirectional, 5 classes), "
           "attention A = 64");
    print_header();
    const model_pooling heads[] = {POOL_LAST, POOL_MEAN, POOL_MAX, POOL_ATTENTION};
    for (int h = 0; h < 4; h++)
        for (int cell = 0; cell < 2; cell++) {
            lrp_model *fm = random_model(&corpus, (model_cell)cell, heads[h]);
            lrp_sentence *fs = encode(fm, &corpus, &words);
            char name[32];
            snprintf(name, sizeof name, "bi-%s %s", cell ? "GRU" : "LSTM", model_pooling_name(heads[h]));
            for (size_t k = 1; k <= 2; k++)
                for (int f32 = 0; f32 < 2; f32++) {
                    double best = time_kernel(fm, fs, n, &kernels[k], f32, 2, repeat, quick, out);
                    const double flops = flops_per_word(&fm->shape, &kernels[k]) * (double)words;
                    print_row(name, kernels[k].name, f32, 2, best, flops, n, peak[f32][1]);
                }
            sentences_free(fs, n);
            lrp_model_free(fm);
        }
    printf("\n(whole test set = %zu sentences; numpy reference: about 6.7 ms per sentence for forward+LRP on one "
           "core)\n", n);
    free(out);
    ds_free(&corpus);
    return 0;
}
