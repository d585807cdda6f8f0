/*
 * lrp_testmodel.c - writes small models for the command's tests (tests/cli_*.sh),
 * so the scripts need no committed binary and no Python:
 *
 *   lrp_testmodel OUT [--no-unk] [--cased] [--float32] [--seed N]
 *       a random bi-LSTM (E = 6, H = 5, the five SST classes, output bias) over a
 *       vocabulary of treebank tokens, including the characters that HTML, LaTeX,
 *       JSON and TSV must escape; unknown word "<unk>" unless --no-unk; lowercase
 *       unless --cased
 *   lrp_testmodel OUT --golden FIXTURE.json
 *       the float64 model of a golden fixture (vocabulary w0.., tests/data/golden)
 *
 * Prints nothing on success; exits 1 with a message otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "testutil.h"

/* Treebank tokens: words, punctuation, clitics, brackets, quotes, escaped / and *,
 * characters special to the output formats, and UTF-8. */
static const char *const vocabulary[] = {
    "<unk>", "it",   "'s",    "a",      "good",  "bad",   "movie", "film",  "not",   "n't",
    "do",    "waste", "your", "money",  ".",     ",",     "the",   "is",    "and",   "funny",
    "boring", "``",  "''",    "-lrb-",  "-rrb-", "\\/",   "\\*",   "&",     "%",     "$",
    "#",     "_",    "{",     "}",      "~",     "^",     "<",     ">",     "\"",    "a&b",
    "x_y",   "caf\xc3\xa9", "na\xc3\xafve", "--", "|", "\\"};
static const char *const sst_labels[] = {"very negative", "negative", "neutral", "positive",
                                         "very positive"};

static int fail(const char *what, const lrp_error *err)
{
    fprintf(stderr, "lrp_testmodel: %s%s%s\n", what, err ? ": " : "", err ? err->message : "");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: lrp_testmodel OUT [--no-unk] [--cased] [--float32] [--seed N] | "
                        "OUT --golden FIXTURE.json\n");
        return 2;
    }
    const char *out = argv[1], *golden = NULL;
    int unk = 1, lowercase = 1;
    lrp_dtype dtype = LRP_F64;
    unsigned long long seed = 20170907;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--no-unk") == 0) unk = 0;
        else if (strcmp(argv[i], "--cased") == 0) lowercase = 0;
        else if (strcmp(argv[i], "--float32") == 0) dtype = LRP_F32;
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--golden") == 0 && i + 1 < argc) golden = argv[++i];
        else return fail("unknown argument", NULL);
    }

    lrp_error err;
    lrp_model *m = NULL;
    if (golden) {
        cJSON *root = tu_load_json(golden);
        if (!root) return fail("cannot read the fixture", NULL);
        m = tu_model_from_golden(cJSON_GetObjectItem(root, "model"));
        cJSON_Delete(root);
        if (!m) return fail("cannot build the golden model", NULL);
    } else {
        const size_t V = sizeof vocabulary / sizeof vocabulary[0], C = 5;
        m = tu_random_model(V, 6, 5, C, 1, 2, 1, 0.8, seed);
        if (!m) return fail("cannot build the random model", NULL);
        if (model_set_vocab(m, vocabulary, V, &err) != LRP_OK ||
            model_set_labels(m, sst_labels, C, &err) != LRP_OK ||
            model_set_unk(m, unk ? "<unk>" : NULL, &err) != LRP_OK) {
            lrp_model_free(m);
            return fail("naming the model", &err);
        }
        m->lowercase = lowercase;
    }
    lrp_status st = lrp_model_save(m, out, dtype, &err);
    lrp_model_free(m);
    return st == LRP_OK ? 0 : fail(out, &err);
}
