/*
 * lrp_testtool.c - a helper for the command's tests (tests/cli_*.sh), so that the
 * scripts need no committed binary, no Python and no jq:
 *
 *   lrp_testtool model OUT [--no-unk] [--cased] [--float32] [--seed N] [--scale X]
 *                          [--classifier W]
 *       a random bi-LSTM (E = 6, H = 5, the five SST classes, output bias, weights
 *       uniform in [-X, X], X = 0.8 unless --scale says otherwise; with --classifier
 *       the classifier's weights W for classes 0, 2, 4 and -W for 1, 3, its biases W) over a
 *       vocabulary of treebank tokens, including the characters that HTML, LaTeX,
 *       JSON and TSV must escape; unknown word "<unk>" unless --no-unk; lowercase
 *       unless --cased
 *   lrp_testtool model OUT --golden FIXTURE.json
 *       the float64 model of a golden fixture (vocabulary w0.., tests/data/golden)
 *   lrp_testtool model OUT --general FIXTURE.json
 *       the float64 model of a general golden fixture (GRU, heads, dense layers;
 *       tests/data/golden/general), written by lrp_model_save
 *   lrp_testtool words MODEL | labels MODEL
 *       the model's vocabulary or class names, one per line (side files for the
 *       --vocab and --labels options)
 *   lrp_testtool maxrss FILE COMMAND [ARGS...]
 *       runs COMMAND (standard input, output and error passed on), writes its peak
 *       resident memory in kB (getrusage) to FILE, and exits as COMMAND did (128 + N
 *       when killed by signal N)
 *   lrp_testtool json < LINES
 *       parses JSON Lines with cJSON and prints one "path=value" line per scalar,
 *       the path starting with the 0-based line index: 0.tokens.1=good,
 *       0.explanations.0.rest=0.0123 (numbers with 17 digits, true/false/null as
 *       words). Exits 1 naming the first line that is not one valid JSON value.
 *
 * Exits 0 on success, 1 with a message otherwise, 2 on bad usage.
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/model.h"
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
    fprintf(stderr, "lrp_testtool: %s%s%s\n", what, err ? ": " : "", err ? err->message : "");
    return 1;
}

// ----------------------------------------------------------------------------
// model

static int make_model(int argc, char **argv)
{
    const char *out = argv[0], *golden = NULL, *general = NULL;
    int unk = 1, lowercase = 1;
    lrp_dtype dtype = LRP_F64;
    unsigned long long seed = 20170907;
    double scale = 0.8, classifier = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-unk") == 0) unk = 0;
        else if (strcmp(argv[i], "--classifier") == 0 && i + 1 < argc) classifier = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) scale = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--cased") == 0) lowercase = 0;
        else if (strcmp(argv[i], "--float32") == 0) dtype = LRP_F32;
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--golden") == 0 && i + 1 < argc) golden = argv[++i];
        else if (strcmp(argv[i], "--general") == 0 && i + 1 < argc) general = argv[++i];
        else return fail("unknown argument", NULL);
    }

    lrp_error err;
    lrp_model *m = NULL;
    if (golden || general) {
        cJSON *root = tu_load_json(golden ? golden : general);
        if (!root) return fail("cannot read the fixture", NULL);
        m = golden ? tu_model_from_golden(cJSON_GetObjectItem(root, "model")) : tu_model_from_general(root);
        cJSON_Delete(root);
        if (!m) return fail("cannot build the golden model", NULL);
    } else {
        const size_t V = sizeof vocabulary / sizeof vocabulary[0], C = 5;
        m = tu_random_model(V, 6, 5, C, 1, 2, 1, scale, seed);
        if (!m) return fail("cannot build the random model", NULL);
        if (model_set_vocab(m, vocabulary, V, &err) != LRP_OK ||
            model_set_labels(m, sst_labels, C, &err) != LRP_OK ||
            model_set_unk(m, unk ? "<unk>" : NULL, &err) != LRP_OK) {
            lrp_model_free(m);
            return fail("naming the model", &err);
        }
        m->lowercase = lowercase;
        /* the classifier's weights X (class 0, 2, 4) or -X (class 1, 3), its biases X */
        const size_t Y = m->shape.D * m->shape.H;
        for (size_t c = 0; classifier != 0 && c < C; c++) {
            for (size_t k = 0; k < Y; k++) m->params[m->layout.wout + c * Y + k] = c % 2 ? -classifier : classifier;
            m->params[m->layout.bout + c] = classifier;
        }
    }
    lrp_status st = lrp_model_save(m, out, dtype, &err);
    lrp_model_free(m);
    return st == LRP_OK ? 0 : fail(out, &err);
}

// ----------------------------------------------------------------------------
// json

static void flatten(const cJSON *j, char *path, size_t len)
{
    size_t at = strlen(path);
    if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
        int k = 0;
        const cJSON *child;
        cJSON_ArrayForEach(child, j)
        {
            if (cJSON_IsObject(j)) snprintf(path + at, len - at, ".%s", child->string);
            else snprintf(path + at, len - at, ".%d", k);
            flatten(child, path, len);
            k++;
        }
        if (k == 0) printf("%s=%s\n", path, cJSON_IsObject(j) ? "{}" : "[]");
        path[at] = '\0';
        return;
    }
    if (cJSON_IsString(j)) printf("%s=%s\n", path, j->valuestring);
    else if (cJSON_IsNumber(j)) printf("%s=%.17g\n", path, j->valuedouble);
    else if (cJSON_IsTrue(j)) printf("%s=true\n", path);
    else if (cJSON_IsFalse(j)) printf("%s=false\n", path);
    else printf("%s=null\n", path);
}

static int flatten_lines(void)
{
    char *line = NULL;
    size_t cap = 0, index = 0;
    ssize_t n;
    int status = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        const char *end = NULL;
        cJSON *j = cJSON_ParseWithOpts(line, &end, 0);
        /* one value, then only the newline */
        if (!j || strspn(end, " \r\n") != strlen(end)) {
            fprintf(stderr, "lrp_testtool json: line %zu is not one JSON value: %.200s\n", index + 1, line);
            status = 1;
        } else {
            char path[4096];
            snprintf(path, sizeof path, "%zu", index);
            flatten(j, path, sizeof path);
        }
        cJSON_Delete(j);
        index++;
    }
    free(line);
    return status;
}

static int print_names(const char *path, int labels)
{
    lrp_model *m;
    lrp_error err;
    if (lrp_model_load(&m, path, &err) != LRP_OK) return fail("cannot load the model", &err);
    lrp_model_info in;
    lrp_model_get_info(m, &in);
    for (size_t i = 0; i < (labels ? in.classes : in.vocab_size); i++)
        printf("%s\n", labels ? lrp_model_label(m, i) : lrp_model_word(m, i));
    lrp_model_free(m);
    return 0;
}

static int maxrss(const char *file, char **cmd)
{
    pid_t pid = fork();
    if (pid < 0) return fail("fork failed", NULL);
    if (pid == 0) {
        execvp(cmd[0], cmd);
        fprintf(stderr, "lrp_testtool: cannot run %s\n", cmd[0]);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid) return fail("wait4 failed", NULL);
    FILE *f = fopen(file, "w");
    if (!f) return fail("cannot write the maxrss file", NULL);
    fprintf(f, "%ld\n", (long)ru.ru_maxrss); /* kB on Linux */
    fclose(f);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "maxrss") == 0) return maxrss(argv[2], argv + 3);
    if (argc >= 3 && strcmp(argv[1], "model") == 0) return make_model(argc - 2, argv + 2);
    if (argc == 3 && strcmp(argv[1], "words") == 0) return print_names(argv[2], 0);
    if (argc == 3 && strcmp(argv[1], "labels") == 0) return print_names(argv[2], 1);
    if (argc == 2 && strcmp(argv[1], "json") == 0) return flatten_lines();
    fprintf(stderr, "usage: lrp_testtool model OUT [--no-unk] [--cased] [--float32] [--seed N] [--scale X] "
                    "[--classifier W]\n"
                    "       lrp_testtool model OUT --golden FIXTURE.json | --general FIXTURE.json\n"
                    "       lrp_testtool words MODEL | labels MODEL\n"
                    "       lrp_testtool maxrss FILE COMMAND [ARGS...]\n"
                    "       lrp_testtool json < JSON_LINES\n");
    return 2;
}
