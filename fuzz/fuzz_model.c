/*
 * fuzz_model.c - libFuzzer harness for the model loader (lrp_model_load_memory).
 *
 * Any bytes must give either a model or a clean error (status, message, no model),
 * never a crash, a hang or a read out of bounds. A model that loads must survive
 * a round trip: written as F64 and read back it has the same parameters, and
 * writing it again gives the same bytes (every architecture of the family: GRU cells,
 * pooling and attention heads, dense layers). It is also run on one short sentence,
 * so that odd but valid models (extreme weights, one-word vocabularies) reach the
 * engine. Violations abort, which libFuzzer and the replay test report.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrp.h"
#include "core/model.h"
#include "io/model_io.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_model: check failed: %s (line %d)\n", #cond, __LINE__);         \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* model_write into memory; the bytes (malloc'ed) and their count. */
static char *write_f64(const lrp_model *m, size_t *n)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, n);
    CHECK(f != NULL);
    lrp_error err;
    lrp_status st = model_write(m, f, LRP_F64, "igfo", &err);
    if (st != LRP_OK) fprintf(stderr, "fuzz_model: model_write: %s\n", err.message);
    CHECK(st == LRP_OK);
    CHECK(fclose(f) == 0);
    return buf;
}

static void explain_once(const lrp_model *m)
{
    lrp_model_info info;
    lrp_model_get_info(m, &info);
    int32_t ids[3] = {0, (int32_t)(info.vocab_size - 1), 0};
    lrp_sentence s = {ids, 3, NULL};
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHODS_ALL;
    lrp_result r;
    lrp_error err;
    /* extreme weights may overflow: an error, never a result that is not finite */
    lrp_status st = lrp_explain(m, &s, &o, &r, &err);
    CHECK(st == LRP_OK || (st == LRP_ERR_NUMERIC && err.message[0] && r.scores == NULL));
    lrp_result_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lrp_model *m = NULL;
    lrp_error err;
    lrp_status st = lrp_model_load_memory(&m, data, size, &err);
    if (st != LRP_OK) {
        CHECK(m == NULL);
        CHECK(err.status == st);
        CHECK(err.message[0] != '\0');
        CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
        return 0;
    }
    CHECK(m != NULL);

    size_t n1 = 0, n2 = 0;
    char *b1 = write_f64(m, &n1);
    lrp_model *back = NULL;
    st = lrp_model_load_memory(&back, b1, n1, &err);
    if (st != LRP_OK) fprintf(stderr, "fuzz_model: reloading: %s\n", err.message);
    CHECK(st == LRP_OK);
    CHECK(back->layout.total == m->layout.total);
    for (size_t i = 0; i < m->layout.total; i++) {
        double a = model_param(m, i), b = model_param(back, i);
        CHECK(memcmp(&a, &b, sizeof a) == 0);
    }
    char *b2 = write_f64(back, &n2);
    CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0);

    /* the engine on a tiny sentence; skip models whose workspace alone is large */
    if (m->layout.total < (1u << 16)) explain_once(m);

    free(b1);
    free(b2);
    lrp_model_free(back);
    lrp_model_free(m);
    return 0;
}
