/*
 * testutil.h - small helpers for the test programs: checks that record failures
 * and say why, tolerance comparisons that print the worst element, fixtures.
 * A test program ends with `return tu_finish();`, which is nonzero when any check failed.
 */
#ifndef LRP_TESTUTIL_H
#define LRP_TESTUTIL_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "app/outbuf.h"
#include "lrp.h"

/* The methods of LRP_METHODS_ALL (the paper's four: lrp, lrp-cons, sa, gi), in enum order. */
#define TU_PAPER_METHODS 4

/* Exit code that ctest reports as "skipped" (data not available). */
#define TU_SKIP 77

extern int tu_failures;
extern int tu_checks;

void tu_fail_at(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#define TU_CHECK(cond, ...)                                                                        \
    do {                                                                                           \
        tu_checks++;                                                                               \
        if (!(cond)) tu_fail_at(__FILE__, __LINE__, __VA_ARGS__);                                  \
    } while (0)

/* Stop the test now when a precondition fails (nothing later can be meaningful). */
#define TU_REQUIRE(cond, ...)                                                                      \
    do {                                                                                           \
        tu_checks++;                                                                               \
        if (!(cond)) {                                                                             \
            tu_fail_at(__FILE__, __LINE__, __VA_ARGS__);                                           \
            return tu_finish();                                                                    \
        }                                                                                          \
    } while (0)

/* Expect status `want` from an lrp call; prints err's message otherwise. */
#define TU_CHECK_STATUS(got, want, err)                                                            \
    TU_CHECK((got) == (want), "status %s (%s), expected %s", lrp_status_string(got),               \
             (err).message, lrp_status_string(want))

/* |got - want| <= atol + rtol |want| elementwise. Prints the largest absolute and
 * relative errors and the worst index; returns 1 when within tolerance. */
int tu_close_at(const char *file, int line, const char *what, const double *got,
                const double *want, size_t n, double atol, double rtol);
#define TU_CLOSE(what, got, want, n, atol, rtol)                                                   \
    tu_close_at(__FILE__, __LINE__, (what), (got), (want), (n), (atol), (rtol))

/* The same n doubles bit for bit (both NULL counts as the same)? */
int tu_same_doubles(const double *a, const double *b, size_t n);
/* Two results the same bit for bit: sizes, scores, probabilities, and every
 * explanation's method, target, rest, word relevances and per-dimension values (E: the
 * embedding size)? */
int tu_same_result(const lrp_result *a, const lrp_result *b, size_t E);

/* The largest |difference| of two explanations' word relevances, encoders' parts,
 * per-dimension values (which both must have) and rest (T words, E embedding size, D
 * directions). */
double tu_explanation_difference(const lrp_explanation *x, const lrp_explanation *y, size_t T, size_t E, size_t D);

/* Summary line and exit code: 0 when every check passed. */
int tu_finish(void);

/* A slow build: under the sanitizers (LRP_SANITIZE=1) or an emulator (LRP_EMULATED=1, a
 * cross build's tests under qemu-user): long tests check a sample there, and say so. */
int tu_slow_build(void);

/* Directory of committed test data (LRP_TEST_DATA, set by ctest). */
const char *tu_data_dir(void);
/* SST directory: LRP_SST_DIR, else ../shared/data/sst next to the source tree; NULL if absent. */
const char *tu_sst_dir(void);

/* Output of a writer as a string: tu_capture_open gives a memory stream to write to,
 * directly (f) or through a buffered writer over it (o: app/outbuf.h), NULL when it
 * cannot; tu_capture_close flushes o, closes f and returns what was written
 * (NUL-terminated, malloc'd). */
typedef struct tu_capture {
    FILE *f;
    outbuf *o;
    char *buf;
    size_t len;
} tu_capture;
FILE *tu_capture_open(tu_capture *c);
char *tu_capture_close(tu_capture *c);

/* The n words joined by single spaces, in a malloc'd string. */
char *tu_join(char *const *words, size_t n);

/* Read a whole file (NUL-terminated); NULL on failure. *len may be NULL. */
char *tu_read_file(const char *path, size_t *len);
/* Parse a JSON file; NULL on failure (message printed). */
cJSON *tu_load_json(const char *path);
/* Array of numbers -> doubles (n written to *n); NULL if not an array of numbers. */
double *tu_json_doubles(const cJSON *array, size_t *n);
/* Array of arrays of numbers, flattened row-major. */
double *tu_json_matrix(const cJSON *array, size_t *rows, size_t *cols);

/* One case of a golden fixture: its sentence ("ids", the positions in "delete") and the
 * model's "scores". tu_golden_case_free releases what tu_golden_case_read allocates. */
typedef struct tu_golden_case {
    size_t T, n_deleted, n_scores;
    int32_t *ids;           /* [T] */
    unsigned char *deleted; /* [T] 1 at the deleted positions */
    double *scores;         /* [n_scores] */
} tu_golden_case;
void tu_golden_case_read(const cJSON *kase, tu_golden_case *g);
void tu_golden_case_free(tu_golden_case *g);
/* The case as an lrp_sentence: no deletion mask when nothing is deleted. */
lrp_sentence tu_golden_sentence(const tu_golden_case *g);
/* The options that explain a case as its "targets" say: the paper's four methods, each
 * target's class (into *classes, malloc'd: the caller frees it), the targets' eps,
 * per-dimension relevances. */
lrp_options tu_golden_options(const cJSON *targets, int **classes);

/* The bytes model_write produces for m in dtype with the file gate order `order`
 * (malloc'd, *n bytes); NULL on failure (message printed). */
unsigned char *tu_model_bytes(const lrp_model *m, lrp_dtype dtype, const char *order, size_t *n);

/* A float64 model built from a golden fixture's "model" object (vocabulary w0..w{V-1},
 * labels "very negative" .. for C = 5, else c0..). NULL on failure (message printed). */
lrp_model *tu_model_from_golden(const cJSON *model);

/* A float64 model from a general golden fixture (tests/data/golden/general: "config" and
 * "tensors" under this project's names; vocabulary w0.., labels c0..). NULL on failure
 * (message printed). */
lrp_model *tu_model_from_general(const cJSON *root);

/* A safetensors file in memory (malloc'd, *n bytes): __metadata__ meta (not NULL), then
 * the tensors in order, each values[rows * cols] (cols = 1 for rank 1) stored as F64
 * (F32 when f32), little-endian, the header padded to 8 bytes. */
typedef struct tu_named {
    char name[64];
    size_t rank, rows, cols;
    double *values; /* owned by the caller */
    int f32;
} tu_named;
unsigned char *tu_safetensors_bytes(const cJSON *meta, const tu_named *t, size_t n, size_t *len);

/* A general golden fixture as the model file a numpy user would write from it: its
 * "metadata" (gate_order replaced by gru_order, a permutation of rzn, for a GRU when
 * not NULL, its blocks permuted so), format, vocabulary w0.. and labels as
 * tu_model_from_general names them, lowercase false; its tensors under their names, the
 * classifier's weight split into classifier.weight_fwd and _bwd when split. NULL on
 * failure (message printed). */
unsigned char *tu_general_bytes(const cJSON *root, const char *gru_order, int split, size_t *len);

/* A random model of any shape of the family, weights uniform in [-scale, scale] from
 * seed; vocabulary w0.., labels c0... */
struct model_shape;
lrp_model *tu_random_model_shape(const struct model_shape *shape, double scale, unsigned long long seed);

/* A random model with the given sizes and gate order, weights uniform in
 * [-scale, scale], from a fixed seed; vocabulary w0.., labels c0... */
lrp_model *tu_random_model(size_t V, size_t E, size_t H, size_t C, size_t L, size_t D,
                           int has_bias, double scale, unsigned long long seed);

/* The largest |a[i] - b[i]| (NaN when one is NaN). */
double tu_max_abs_diff(const double *a, const double *b, size_t n);

/* o[key] as a string (NULL when absent or not a string), as an integer (-1 then). */
const char *tu_json_string(const cJSON *o, const char *key);
long tu_json_long(const cJSON *o, const char *key);

/* The PyTorch fixture tests/data/pytorch/<name>.json, its directory into dir; NULL
 * after a failed check. */
cJSON *tu_torch_fixture(const char *name, char *dir, size_t len);

/* The model of a PyTorch fixture (tests/data/pytorch/<name>.json as fx, in dir) loaded
 * as the fixture says: its side files and unk, and the load options in its "options"
 * (pooling, dense_prefixes, attention_prefix, activation); checked to have the
 * fixture's sizes, layers, directions, output bias, lowercasing, unk and a PyTorch
 * source. NULL after a failed check. */
lrp_model *tu_load_torch_fixture(const cJSON *fx, const char *dir, const char *name);

/* Deterministic uniform numbers in [0, 1) (splitmix64, core/rand.h); tu_random_u64 all 64 bits
 * of one draw. */
unsigned long long tu_random_u64(unsigned long long *state);
double tu_uniform(unsigned long long *state);

/* A fresh temporary directory (mkdtemp under TMPDIR) for this test. */
const char *tu_tmpdir(void);

/* DIR/NAME opened for writing ("wb"); the program exits when it cannot be. */
FILE *tu_open_write(const char *dir, const char *name);

/* A small treebank for training tests: right-branching trees of 3 to 7 words, each word
 * positive (good, great, fine, superb), negative (bad, awful, dull, boring) or neutral;
 * each node labelled 3, 1 or 2 by the sign of its span's polar words. Written as
 * train.txt, dev.txt and test.txt (n_train, n_dev, n_test sentences from seeds 1, 2, 3)
 * into the directory tu_tmpdir()/name, which is returned (a static buffer). */
const char *tu_write_treebank(const char *name, size_t n_train, size_t n_dev, size_t n_test);

/* The trainer's objective for one phrase by the reference passes (core/network.h, one
 * sentence at a time, no vector code): returns -log softmax(f(ids))_y and adds its
 * gradient with respect to every parameter (m->layout, the embedding's rows through
 * both encoders) into grad. NaN when out of memory. */
double tu_reference_loss_grad(const lrp_model *m, const int32_t *ids, size_t T, int y, double *grad);

#endif /* LRP_TESTUTIL_H */
