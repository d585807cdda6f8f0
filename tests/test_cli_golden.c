/*
 * test_cli_golden.c - the golden values through the command (issue 2, acceptance 1):
 * for every case of the fixtures in tests/data/golden without deletions, the fixture's model
 * is written as a float64 model file and
 *
 *   $LRP_BIN explain --model F --format json --pretokenized
 *                    --method lrp,lrp-cons,sa,gi --target c1,c2 "w8 w10 w2"
 *
 * must print one JSON object whose scores, relevance, relevance_fwd,
 * relevance_bwd and rest match the fixture within 1e-12 absolute (fwd and bwd are
 * the row sums of the fixture's Rx_fwd and Rx_bwd). The JSON floats must therefore
 * round-trip. Skipped (77) when LRP_BIN is not set.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testutil.h"

static const double ATOL = 1e-12;

/* Run cmd and return its whole standard output (NUL-terminated); *status = exit code. */
static char *run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *bigger = realloc(buf, 2 * cap);
            if (!bigger) { free(buf); buf = NULL; break; }
            buf = bigger;
            cap *= 2;
        }
    }
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (buf) buf[n] = '\0';
    return buf;
}

/* row sums of a (T, E) fixture matrix */
static double *row_sums(const cJSON *matrix, size_t T)
{
    size_t r, c;
    double *v = tu_json_matrix(matrix, &r, &c);
    if (!v || r != T) { free(v); return NULL; }
    double *sum = calloc(T, sizeof *sum);
    for (size_t t = 0; t < T; t++)
        for (size_t k = 0; k < c; k++) sum[t] += v[t * c + k];
    free(v);
    return sum;
}

/* an array member of a JSON explanation as doubles, with its length checked */
static double *field(const cJSON *obj, const char *key, size_t T, const char *tag)
{
    size_t n = 0;
    double *v = tu_json_doubles(cJSON_GetObjectItemCaseSensitive(obj, key), &n);
    TU_CHECK(v && n == T, "%s: \"%s\" missing or of length %zu, expected %zu", tag, key, n, T);
    if (v && n == T) return v;
    free(v);
    return NULL;
}

/* got (parsed from the command's JSON) has the very bits of want (lrp_explain here) */
static void same_bits(const char *tag, const char *key, const double *got, const double *want, size_t n)
{
    TU_CHECK(got && want, "%s %s: no values to compare", tag, key);
    for (size_t k = 0; got && want && k < n; k++)
        if (memcmp(&got[k], &want[k], sizeof got[k]) != 0) {
            TU_CHECK(0, "%s %s[%zu]: the JSON reads back as %.17g, lrp_explain gave %.17g", tag, key, k, got[k],
                     want[k]);
            return;
        }
}

/* The command's JSON object j against lrp_explain in this process, bit for bit. */
static void check_bits(const char *tag, const cJSON *j, const lrp_model *m, const double *ids, size_t T,
                       const int *targets, size_t nt, double eps)
{
    int32_t *id = malloc(T * sizeof *id);
    TU_CHECK(id != NULL, "out of memory");
    if (!id) return;
    for (size_t t = 0; t < T; t++) id[t] = (int32_t)ids[t];
    lrp_sentence sentence = {.ids = id, .length = T, .deleted = NULL};
    lrp_options opt;
    lrp_options_init(&opt);
    opt.methods = LRP_METHODS_ALL;
    opt.targets = targets;
    opt.n_targets = nt;
    opt.eps = eps;
    lrp_result r;
    lrp_error err;
    lrp_status st = lrp_explain(m, &sentence, &opt, &r, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    free(id);
    if (st != LRP_OK) return;
    const cJSON *xs = cJSON_GetObjectItemCaseSensitive(j, "explanations");
    TU_CHECK(cJSON_GetArraySize(xs) == (int)r.n_explanations, "%s: %d explanations, lrp_explain gave %zu", tag,
             cJSON_GetArraySize(xs), r.n_explanations);
    static const char *const keys[2] = {"scores", "probabilities"};
    const double *want[2] = {r.scores, r.probabilities};
    for (int k = 0; k < 2; k++) {
        double *got = field(j, keys[k], r.classes, tag);
        same_bits(tag, keys[k], got, want[k], r.classes);
        free(got);
    }
    for (size_t i = 0; i < r.n_explanations && cJSON_GetArraySize(xs) == (int)r.n_explanations; i++) {
        const lrp_explanation *e = &r.explanations[i];
        const cJSON *x = cJSON_GetArrayItem(xs, (int)i);
        char xtag[256];
        snprintf(xtag, sizeof xtag, "%s explanation %zu (%s)", tag, i, lrp_method_name(e->method));
        static const char *const arrays[3] = {"relevance", "relevance_fwd", "relevance_bwd"};
        const double *wa[3] = {e->relevance, e->relevance_fwd, e->relevance_bwd};
        for (int k = 0; k < 3; k++) {
            if (!wa[k]) continue;
            double *got = field(x, arrays[k], T, xtag);
            same_bits(xtag, arrays[k], got, wa[k], T);
            free(got);
        }
        const cJSON *rest = cJSON_GetObjectItemCaseSensitive(x, "rest");
        if (e->method == LRP_METHOD_LRP || e->method == LRP_METHOD_LRP_CONS) {
            TU_CHECK(cJSON_IsNumber(rest), "%s: no rest", xtag);
            if (cJSON_IsNumber(rest)) same_bits(xtag, "rest", &rest->valuedouble, &e->rest, 1);
        }
    }
    lrp_result_free(&r);
}

static void compare(const char *tag, const char *key, const double *got, const double *want, size_t n)
{
    char what[256];
    snprintf(what, sizeof what, "%s %s", tag, key);
    if (got && want) TU_CLOSE(what, got, want, n, ATOL, 0);
    else TU_CHECK(0, "%s: no values to compare", what);
}

/* One explanation object against the fixture's block for its method. */
static void check_explanation(const char *tag, const cJSON *x, const cJSON *target, const char *method,
                              int cls, const char *label, size_t T)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(x, "method");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(x, "target");
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(x, "target_label");
    TU_CHECK(cJSON_IsString(m) && strcmp(m->valuestring, method) == 0, "%s: method %s, expected %s", tag,
             cJSON_IsString(m) ? m->valuestring : "?", method);
    TU_CHECK(cJSON_IsNumber(t) && t->valueint == cls, "%s: target field, expected %d", tag, cls);
    TU_CHECK(cJSON_IsString(tl) && strcmp(tl->valuestring, label) == 0, "%s: target_label, expected %s", tag,
             label);

    double *rel = field(x, "relevance", T, tag);
    double *fwd = field(x, "relevance_fwd", T, tag);
    double *bwd = field(x, "relevance_bwd", T, tag);
    const cJSON *rest = cJSON_GetObjectItemCaseSensitive(x, "rest");
    int lrp = strcmp(method, "lrp") == 0 || strcmp(method, "lrp-cons") == 0;
    if (lrp) {
        const cJSON *want = cJSON_GetObjectItem(target, strcmp(method, "lrp") == 0 ? "lrp" : "lrp_cons");
        size_t n;
        double *words = tu_json_doubles(cJSON_GetObjectItem(want, "words"), &n);
        double *wf = row_sums(cJSON_GetObjectItem(want, "Rx_fwd"), T);
        double *wb = row_sums(cJSON_GetObjectItem(want, "Rx_bwd"), T);
        compare(tag, "relevance", rel, words, T);
        compare(tag, "relevance_fwd", fwd, wf, T);
        compare(tag, "relevance_bwd", bwd, wb, T);
        double want_rest = cJSON_GetObjectItem(want, "rest")->valuedouble;
        TU_CHECK(cJSON_IsNumber(rest), "%s: no rest", tag);
        if (cJSON_IsNumber(rest)) compare(tag, "rest", &rest->valuedouble, &want_rest, 1);
        free(words);
        free(wf);
        free(wb);
    } else {
        size_t n;
        double *words = tu_json_doubles(cJSON_GetObjectItem(target, strcmp(method, "sa") == 0 ? "sa_words" : "gi_words"), &n);
        compare(tag, "relevance", rel, words, T);
        TU_CHECK(rest == NULL, "%s: rest given for %s", tag, method);
        /* GI is linear in the gradient: the two encoders' parts add up */
        if (strcmp(method, "gi") == 0 && rel && fwd && bwd) {
            double *sum = malloc(T * sizeof *sum);
            for (size_t k = 0; k < T; k++) sum[k] = fwd[k] + bwd[k];
            compare(tag, "relevance_fwd + relevance_bwd", sum, rel, T);
            free(sum);
        }
        free(words);
    }
    free(rel);
    free(fwd);
    free(bwd);
}

static int run_fixture(const char *lrp_bin, const char *name)
{
    static const char *const methods[4] = {"lrp", "lrp-cons", "sa", "gi"};
    char path[1024], model_path[1024];
    snprintf(path, sizeof path, "%s/golden/%s", tu_data_dir(), name);
    snprintf(model_path, sizeof model_path, "%s/%s.safetensors", tu_tmpdir(), name);
    cJSON *root = tu_load_json(path);
    TU_CHECK(root != NULL, "cannot load %s", path);
    if (!root) return 0;
    lrp_model *m = tu_model_from_golden(cJSON_GetObjectItem(root, "model"));
    lrp_error err;
    lrp_status st = m ? lrp_model_save(m, model_path, LRP_F64, &err) : LRP_ERR_FORMAT;
    TU_CHECK_STATUS(st, LRP_OK, err);
    int ran = 0, index = -1;
    const cJSON *kase, *cases = st == LRP_OK ? cJSON_GetObjectItem(root, "cases") : NULL;
    cJSON_ArrayForEach(kase, cases)
    {
        index++;
        if (cJSON_GetArraySize(cJSON_GetObjectItem(kase, "delete")) > 0) continue;
        size_t T, ns;
        double *ids = tu_json_doubles(cJSON_GetObjectItem(kase, "ids"), &T);
        double *scores = tu_json_doubles(cJSON_GetObjectItem(kase, "scores"), &ns);
        const cJSON *targets = cJSON_GetObjectItem(kase, "targets");
        size_t nt = (size_t)cJSON_GetArraySize(targets);

        /* the sentence "w8 w10 w2" and the target list "1,3" */
        size_t cap = 64 + 8 * T + 16 * nt + 2 * strlen(model_path) + strlen(lrp_bin);
        char *sentence = malloc(8 * T + 1), *list = malloc(16 * nt + 1), *cmd = malloc(cap + 256);
        int *classes = malloc((nt ? nt : 1) * sizeof *classes);
        TU_CHECK(sentence && list && cmd && classes, "out of memory");
        if (!sentence || !list || !cmd || !classes) {
            free(ids), free(scores), free(sentence), free(list), free(cmd), free(classes);
            break;
        }
        sentence[0] = list[0] = '\0';
        for (size_t t = 0; t < T; t++)
            sprintf(sentence + strlen(sentence), "%sw%d", t ? " " : "", (int)ids[t]);
        double eps = 0.001;
        for (size_t i = 0; i < nt; i++) {
            const cJSON *tg = cJSON_GetArrayItem(targets, (int)i);
            classes[i] = cJSON_GetObjectItem(tg, "class")->valueint;
            sprintf(list + strlen(list), "%s%d", i ? "," : "", classes[i]);
            eps = cJSON_GetObjectItem(tg, "eps")->valuedouble;
        }
        snprintf(cmd, cap + 256,
                 "'%s' explain --model '%s' --format json --pretokenized --method lrp,lrp-cons,sa,gi "
                 "--target %s --eps %.17g '%s'",
                 lrp_bin, model_path, list, eps, sentence);
        int status = -1;
        char *out = run(cmd, &status);
        char tag[160];
        snprintf(tag, sizeof tag, "%s case %d (T=%zu)", name, index, T);
        TU_CHECK(out && status == 0, "%s: '%s' exited with %d", tag, cmd, status);

        /* exactly one line, one object */
        const char *nl = out ? strchr(out, '\n') : NULL;
        TU_CHECK(nl && nl[1] == '\0', "%s: expected one JSON line, got: %.200s", tag, out ? out : "");
        cJSON *j = out ? cJSON_Parse(out) : NULL;
        TU_CHECK(j != NULL, "%s: output is not JSON: %.200s", tag, out ? out : "");
        if (j) {
            const cJSON *tokens = cJSON_GetObjectItemCaseSensitive(j, "tokens");
            TU_CHECK(cJSON_GetArraySize(tokens) == (int)T, "%s: %d tokens", tag, cJSON_GetArraySize(tokens));
            for (size_t t = 0; t < T && cJSON_GetArraySize(tokens) == (int)T; t++) {
                char w[16];
                snprintf(w, sizeof w, "w%d", (int)ids[t]);
                const cJSON *tok = cJSON_GetArrayItem(tokens, (int)t);
                TU_CHECK(cJSON_IsString(tok) && strcmp(tok->valuestring, w) == 0, "%s: token %zu", tag, t);
                TU_CHECK(cJSON_IsFalse(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "unknown"), (int)t)),
                         "%s: token %zu marked unknown", tag, t);
            }
            double *got_scores = field(j, "scores", ns, tag);
            compare(tag, "scores", got_scores, scores, ns);
            size_t best = 0;
            for (size_t c = 1; c < ns; c++)
                if (scores[c] > scores[best]) best = c;
            const cJSON *pred = cJSON_GetObjectItemCaseSensitive(j, "predicted");
            const cJSON *label = cJSON_GetObjectItemCaseSensitive(j, "label");
            TU_CHECK(cJSON_IsNumber(pred) && pred->valueint == (int)best, "%s: predicted, expected %zu", tag, best);
            TU_CHECK(cJSON_IsString(label) && m && strcmp(label->valuestring, lrp_model_label(m, best)) == 0,
                     "%s: label", tag);
            free(got_scores);

            const cJSON *xs = cJSON_GetObjectItemCaseSensitive(j, "explanations");
            TU_CHECK(cJSON_GetArraySize(xs) == (int)(4 * nt), "%s: %d explanations, expected %zu", tag,
                     cJSON_GetArraySize(xs), 4 * nt);
            for (size_t i = 0; i < nt && cJSON_GetArraySize(xs) == (int)(4 * nt); i++) {
                const cJSON *tg = cJSON_GetArrayItem(targets, (int)i);
                int cls = cJSON_GetObjectItem(tg, "class")->valueint;
                for (int k = 0; k < 4; k++) {
                    char xtag[256];
                    snprintf(xtag, sizeof xtag, "%s target %d %s", tag, cls, methods[k]);
                    check_explanation(xtag, cJSON_GetArrayItem(xs, (int)(4 * i + (size_t)k)), tg, methods[k],
                                      cls, lrp_model_label(m, (size_t)cls), T);
                }
            }
            if (m) check_bits(tag, j, m, ids, T, classes, nt, eps);
            cJSON_Delete(j);
        }
        free(classes);
        free(out);
        free(ids);
        free(scores);
        free(sentence);
        free(list);
        free(cmd);
        ran++;
    }
    printf("%s: %d cases through the command\n", name, ran);
    remove(model_path);
    lrp_model_free(m);
    cJSON_Delete(root);
    return ran;
}

int main(void)
{
    const char *lrp_bin = getenv("LRP_BIN");
    if (!lrp_bin || !lrp_bin[0]) {
        fprintf(stderr, "LRP_BIN is not set: skipped\n");
        return TU_SKIP;
    }
    int ran = run_fixture(lrp_bin, "public-tiny.json") + run_fixture(lrp_bin, "public-medium.json");
    TU_CHECK(ran >= 8, "only %d golden cases ran through the command", ran);
    return tu_finish();
}
