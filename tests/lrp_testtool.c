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
 *       0.explanations.0.rest=0.0123 (numbers as lrp writes them: the shortest text
 *       that reads back as the value, app/numfmt.h; true/false/null as words). Exits 1
 *       naming the first line that is not one valid JSON value.
 *   lrp_testtool same-values OLD NEW
 *       compares two outputs token by token: numbers (JSON's grammar, not part of a
 *       word) by value, as strtod reads them, bit for bit; every other byte as it is.
 *       Prints how many numbers were compared and how many are spelled differently;
 *       exits 1 at the first difference, naming its line
 *   lrp_testtool shortest json|tsv|csv FILE
 *       every number of FILE that lrp writes with numfmt (json: every number outside
 *       strings; tsv, csv: every field that is a number) is the shortest decimal that
 *       reads back as its value and the closest of those, as printf's correctly rounded
 *       %.*e finds them, in %.17g's spelling (exponent form when the first digit's
 *       exponent X is < -4 or > 16); exits 1 naming the first that is not
 *   lrp_testtool spell17 json|tsv|csv < IN > OUT
 *       writes IN with those numbers spelled as %.17g (as lrp wrote them before
 *       numfmt): the bytes an earlier lrp wrote, if the values are the same
 *
 * Exits 0 on success, 1 with a message otherwise, 2 on bad usage.
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/numfmt.h"
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
    else if (cJSON_IsNumber(j)) {
        char num[NUMFMT_MAX];
        printf("%s=%.*s\n", path, (int)numfmt_double(num, j->valuedouble), num);
    }
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

// ----------------------------------------------------------------------------
// numbers in outputs

enum { NUM_MAX = 64 }; /* longer digit strings are not taken as numbers */

static int word_byte(char c) { return isalnum((unsigned char)c) || c == '_' || c == '.'; }

/* The length of the number that starts at s[i] (JSON's grammar: -?digits[.digits]
 * [(e|E)[+-]digits]) and is no part of a word or a longer number; 0 when none. */
static size_t number_at(const char *s, size_t i, size_t n)
{
    if (i > 0 && (word_byte(s[i - 1]) || s[i - 1] == '-' || s[i - 1] == '+')) return 0;
    size_t k = i;
    if (k < n && s[k] == '-') k++;
    size_t d = k;
    while (k < n && isdigit((unsigned char)s[k])) k++;
    if (k == d) return 0;
    if (k + 1 < n && s[k] == '.' && isdigit((unsigned char)s[k + 1])) {
        k++;
        while (k < n && isdigit((unsigned char)s[k])) k++;
    }
    if (k < n && (s[k] == 'e' || s[k] == 'E')) {
        size_t e = k + 1;
        if (e < n && (s[e] == '+' || s[e] == '-')) e++;
        if (e < n && isdigit((unsigned char)s[e])) {
            k = e;
            while (k < n && isdigit((unsigned char)s[k])) k++;
        }
    }
    if (k < n && word_byte(s[k])) return 0;
    return k - i < NUM_MAX ? k - i : 0;
}

static double number_value(const char *s, size_t len)
{
    char buf[NUM_MAX];
    memcpy(buf, s, len);
    buf[len] = '\0';
    return strtod(buf, NULL);
}

static size_t line_of(const char *s, size_t at)
{
    size_t line = 1;
    for (size_t i = 0; i < at; i++) line += s[i] == '\n';
    return line;
}

static int same_values(const char *old_path, const char *new_path)
{
    size_t na, nb;
    char *a = tu_read_file(old_path, &na), *b = tu_read_file(new_path, &nb);
    if (!a || !b) {
        fprintf(stderr, "lrp_testtool same-values: cannot read %s\n", a ? new_path : old_path);
        return 1;
    }
    size_t i = 0, j = 0, numbers = 0, respelled = 0;
    int status = 0;
    while (i < na && j < nb) {
        size_t la = number_at(a, i, na), lb = number_at(b, j, nb);
        if (la && lb) {
            double x = number_value(a + i, la), y = number_value(b + j, lb);
            if (memcmp(&x, &y, sizeof x) != 0) {
                fprintf(stderr, "%s line %zu: %.*s is not %.*s (%s line %zu)\n", new_path, line_of(b, j), (int)lb, b + j,
                        (int)la, a + i, old_path, line_of(a, i));
                status = 1;
                break;
            }
            numbers++;
            respelled += la != lb || memcmp(a + i, b + j, la) != 0;
            i += la;
            j += lb;
        } else if (a[i] == b[j]) {
            i++;
            j++;
        } else {
            fprintf(stderr, "%s line %zu: byte %zu differs from %s line %zu: '%.20s' vs '%.20s'\n", new_path,
                    line_of(b, j), j, old_path, line_of(a, i), b + j, a + i);
            status = 1;
            break;
        }
    }
    if (!status && (i != na || j != nb)) {
        fprintf(stderr, "%s: %zu bytes, %s: %zu bytes; the same up to the shorter's end\n", new_path, nb, old_path, na);
        status = 1;
    }
    if (!status) printf("%s: %zu numbers of the same value (%zu spelled differently), every other byte the same\n", new_path,
                        numbers, respelled);
    free(a);
    free(b);
    return status;
}

/* Where the numbers lrp writes with numfmt are: outside the strings of JSON, or whole
 * fields of TSV or CSV. */
typedef enum number_place { IN_JSON, IN_TSV, IN_CSV } number_place;

static int parse_place(const char *name)
{
    return strcmp(name, "json") == 0 ? IN_JSON : strcmp(name, "tsv") == 0 ? IN_TSV : strcmp(name, "csv") == 0 ? IN_CSV : -1;
}

/* Call fn(ctx, s, at, len) for every number of s[0, n) in place `place`; fn returns
 * nonzero to stop. Returns the number of numbers seen. */
static size_t each_number(const char *s, size_t n, number_place place, int (*fn)(void *, const char *, size_t, size_t),
                          void *ctx)
{
    size_t count = 0;
    int in_string = 0;
    for (size_t i = 0; i < n;) {
        size_t len = 0;
        if (place == IN_JSON) {
            if (in_string) {
                if (s[i] == '\\') i++;
                else if (s[i] == '"') in_string = 0;
                i++;
                continue;
            }
            if (s[i] == '"') {
                in_string = 1;
                i++;
                continue;
            }
            len = number_at(s, i, n);
        } else {
            char sep = place == IN_TSV ? '\t' : ',';
            size_t end = i;
            while (end < n && s[end] != sep && s[end] != '\n') end++;
            len = number_at(s, i, n) == end - i ? end - i : 0;
            if (!len) {
                i = end < n ? end + 1 : end;
                continue;
            }
        }
        if (len) {
            count++;
            if (fn(ctx, s, i, len)) break;
            i += len;
        } else {
            i++;
        }
    }
    return count;
}

typedef struct shortest_ctx {
    const char *path;
    int bad;
} shortest_ctx;

/* The first failure of the text s[at, at + len) as the shortest closest spelling in
 * %.17g's form, or NULL. The text is [-]I[.F][e(+|-)EE]: digits D = IF, the first
 * nonzero one at z, the decimal exponent of that digit X = |I| - 1 - z + E. */
static const char *not_shortest(const char *s, size_t at, size_t len)
{
    const char *t = s + at, *end = t + len;
    double v = number_value(t, len);
    if (!isfinite(v)) return "not finite";
    if (*t == '-') t++;
    if (v == 0) return end - t == 1 ? NULL : "zero is spelled 0 or -0";
    const char *I = t, *F = NULL, *ex = NULL;
    size_t nI = 0, nF = 0;
    while (t < end && isdigit((unsigned char)*t)) t++, nI++;
    if (t < end && *t == '.') {
        F = ++t;
        while (t < end && isdigit((unsigned char)*t)) t++, nF++;
    }
    if (t < end) ex = t + 1; /* after the 'e' */
    char D[2 * NUM_MAX];
    memcpy(D, I, nI);
    if (nF) memcpy(D + nI, F, nF);
    size_t nD = nI + nF, z = 0;
    while (z < nD && D[z] == '0') z++;
    int X = (int)nI - 1 - (int)z + (ex ? atoi(ex) : 0);
    size_t last = nD; /* significant digits D[z, last) */
    while (last > z && D[last - 1] == '0') last--;
    /* the form */
    if (nF && F[nF - 1] == '0') return "a trailing zero after the point";
    if (F && nF == 0) return "a point without digits";
    if (ex) {
        if (nI != 1 || *I == '0') return "exponent form with other than one nonzero digit before the point";
        if ((ex[0] != '+' && ex[0] != '-') || end - ex < 3) return "the exponent is not signed with two digits or more";
    } else if (nI > 1 && *I == '0') {
        return "a leading zero";
    }
    if ((ex != NULL) != (X < -4 || X > 16)) return "not %.17g's form (an exponent iff X < -4 or X > 16)";
    /* printf's correctly rounded shortest: the fewest digits p that read back as v */
    char want[40], wd[20];
    int p;
    for (p = 1; p < 17; p++) {
        snprintf(want, sizeof want, "%.*e", p - 1, v);
        if (strtod(want, NULL) == v) break;
    }
    snprintf(want, sizeof want, "%.*e", p - 1, v);
    size_t nw = 0;
    for (const char *q = want; *q != 'e'; q++)
        if (isdigit((unsigned char)*q)) wd[nw++] = *q;
    if (last - z != nw) return "not the fewest digits that read back";
    if (memcmp(D + z, wd, nw) != 0) return "not the closest of the shortest";
    if (X != atoi(strchr(want, 'e') + 1)) return "the point or the exponent is misplaced";
    return NULL;
}

static int check_shortest(void *ctx, const char *s, size_t at, size_t len)
{
    shortest_ctx *c = ctx;
    const char *why = not_shortest(s, at, len);
    if (why && c->bad++ < 5)
        fprintf(stderr, "%s line %zu: %.*s: %s\n", c->path, line_of(s, at), (int)len, s + at, why);
    return 0;
}

static int shortest(const char *place, const char *path)
{
    int where = parse_place(place);
    size_t n;
    char *s = tu_read_file(path, &n);
    if (where < 0 || !s) {
        fprintf(stderr, "lrp_testtool shortest: %s\n", s ? "json, tsv or csv" : "cannot read the file");
        free(s);
        return 2;
    }
    shortest_ctx c = {path, 0};
    size_t count = each_number(s, n, (number_place)where, check_shortest, &c);
    if (!c.bad) printf("%s: %zu numbers, each the shortest closest text of its value\n", path, count);
    free(s);
    return c.bad ? 1 : 0;
}

typedef struct spell_ctx {
    size_t done; /* bytes of the input written */
} spell_ctx;

static int spell_one(void *ctx, const char *s, size_t at, size_t len)
{
    spell_ctx *c = ctx;
    double v = number_value(s + at, len);
    char num[NUMFMT_MAX];
    size_t k = numfmt_double(num, v);
    fwrite(s + c->done, 1, at - c->done, stdout);
    /* only what numfmt spelled (an integer as text, "007", stays) */
    if (k == len && memcmp(num, s + at, len) == 0) printf("%.17g", v);
    else fwrite(s + at, 1, len, stdout);
    c->done = at + len;
    return 0;
}

static int spell17(const char *place)
{
    int where = parse_place(place);
    if (where < 0) return 2;
    size_t cap = 1 << 20, n = 0;
    char *s = malloc(cap);
    for (size_t got; s && (got = fread(s + n, 1, cap - n, stdin)) > 0;) {
        n += got;
        if (n == cap) s = realloc(s, cap *= 2);
    }
    if (!s) return 1;
    spell_ctx c = {0};
    each_number(s, n, (number_place)where, spell_one, &c);
    fwrite(s + c.done, 1, n - c.done, stdout);
    free(s);
    return ferror(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "maxrss") == 0) return maxrss(argv[2], argv + 3);
    if (argc >= 3 && strcmp(argv[1], "model") == 0) return make_model(argc - 2, argv + 2);
    if (argc == 3 && strcmp(argv[1], "words") == 0) return print_names(argv[2], 0);
    if (argc == 3 && strcmp(argv[1], "labels") == 0) return print_names(argv[2], 1);
    if (argc == 2 && strcmp(argv[1], "json") == 0) return flatten_lines();
    if (argc == 4 && strcmp(argv[1], "same-values") == 0) return same_values(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "shortest") == 0) return shortest(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "spell17") == 0) return spell17(argv[2]);
    fprintf(stderr, "usage: lrp_testtool model OUT [--no-unk] [--cased] [--float32] [--seed N] [--scale X] "
                    "[--classifier W]\n"
                    "       lrp_testtool model OUT --golden FIXTURE.json | --general FIXTURE.json\n"
                    "       lrp_testtool words MODEL | labels MODEL\n"
                    "       lrp_testtool maxrss FILE COMMAND [ARGS...]\n"
                    "       lrp_testtool json < JSON_LINES\n"
                    "       lrp_testtool same-values OLD NEW\n"
                    "       lrp_testtool shortest json|tsv|csv FILE\n"
                    "       lrp_testtool spell17 json|tsv|csv < IN > OUT\n");
    return 2;
}
