/*
 * bench_lookup.c - the vocabulary lookup (lrp_model_lookup, the hash table of
 * core/hash.h) that turns every word of every explained sentence into its id: time
 * per word for the words of the SST test sentences as `lrp explain` reads them
 * (lowercased; almost all in the vocabulary), for every vocabulary word once, and for
 * words absent from it (each vocabulary word with "#" appended).
 *
 * Prints the machine, then nanoseconds per lookup, the best of --repeat runs (default
 * 7) of enough passes to take about 0.2 s each, or of --passes N passes (fixed work,
 * for counting instructions with valgrind --tool=callgrind on a busy machine). Model: --model FILE (default
 * models/sst5-bilstm.safetensors); data: LRP_SST_DIR (default ../shared/data/sst next
 * to the source); without the data, the text row is left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dataset.h"
#include "bench_common.h"
#include "core/model.h"

#ifndef LRP_SOURCE_DIR
#define LRP_SOURCE_DIR "."
#endif

/* Nanoseconds per lookup of the n words, best of `repeat` runs; *found: how many
 * were in the vocabulary. */
static double time_lookups(const lrp_model *m, const char *const *words, size_t n, size_t repeat,
                           size_t fixed_passes, size_t *found)
{
    size_t passes = fixed_passes ? fixed_passes : 1;
    double best = 0.0;
    volatile long sink = 0;
    for (size_t r = 0; r < repeat; r++) {
        size_t hits = 0;
        double t0 = bench_now();
        for (size_t p = 0; p < passes; p++)
            for (size_t i = 0; i < n; i++) {
                long id = lrp_model_lookup(m, words[i]);
                hits += id >= 0;
                sink += id;
            }
        double t = bench_now() - t0, ns = 1e9 * t / (double)(passes * n);
        if (r == 0 || ns < best) best = ns;
        *found = hits / passes;
        if (r == 0 && !fixed_passes && t < 0.2) passes = (size_t)(0.2 / (t > 1e-6 ? t : 1e-6)) + 1; /* the first run sizes the rest */
    }
    (void)sink;
    return best;
}

int main(int argc, char **argv)
{
    const char *model = LRP_SOURCE_DIR "/models/sst5-bilstm.safetensors";
    size_t repeat = 7, passes = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) model = argv[++i];
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = (size_t)atol(argv[++i]);
        else if (strcmp(argv[i], "--passes") == 0 && i + 1 < argc) passes = (size_t)atol(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_lookup [--model FILE] [--repeat N] [--passes N]\n");
            return 2;
        }
    }
    if (repeat < 2) repeat = 2;
    lrp_model *m = NULL;
    lrp_error err;
    if (lrp_model_load(&m, model, &err) != LRP_OK) {
        fprintf(stderr, "bench_lookup: %s\n", err.message);
        return 1;
    }
    bench_machine_facts();
    const size_t V = m->shape.V;
    printf("model: %s, vocabulary %zu words\n", model, V);
    printf("%-40s %10s %10s %12s\n", "words", "lookups", "found", "ns/lookup");

    /* the test sentences' words */
    const char *env = getenv("LRP_SST_DIR");
    char path[1100];
    snprintf(path, sizeof path, "%s/test.txt", env && env[0] ? env : LRP_SOURCE_DIR "/../shared/data/sst");
    ds_options o = {.format = DS_AUTO, .lowercase = 1};
    ds_corpus c;
    if (ds_read(path, &o, &c, &err) == LRP_OK) {
        size_t n = 0, at = 0, found;
        for (size_t i = 0; i < c.n; i++) n += c.sentences[i].length;
        const char **text = malloc((n ? n : 1) * sizeof *text);
        for (size_t i = 0; text && i < c.n; i++)
            for (size_t t = 0; t < c.sentences[i].length; t++) text[at++] = c.sentences[i].words[t];
        if (text) {
            double ns = time_lookups(m, text, n, repeat, passes, &found);
            printf("%-40s %10zu %10zu %12.1f\n", "SST test sentences, lowercased", n, found, ns);
        }
        free(text);
        ds_free(&c);
    } else {
        printf("(no SST test set at %s: %s)\n", path, err.message);
    }

    /* every vocabulary word, and each with "#" appended (absent) */
    size_t found;
    double ns = time_lookups(m, (const char *const *)m->words, V, repeat, passes, &found);
    printf("%-40s %10zu %10zu %12.1f\n", "every vocabulary word", V, found, ns);
    char **absent = malloc(V * sizeof *absent);
    size_t made = 0;
    for (; absent && made < V; made++) {
        size_t len = strlen(m->words[made]);
        if (!(absent[made] = malloc(len + 2))) break;
        memcpy(absent[made], m->words[made], len);
        memcpy(absent[made] + len, "#", 2);
    }
    if (absent && made == V) {
        ns = time_lookups(m, (const char *const *)absent, V, repeat, passes, &found);
        printf("%-40s %10zu %10zu %12.1f\n", "absent words (vocabulary word + \"#\")", V, found, ns);
    }
    for (size_t i = 0; i < made; i++) free(absent[i]);
    free(absent);
    lrp_model_free(m);
    return 0;
}
