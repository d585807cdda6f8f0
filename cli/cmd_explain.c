/*
 * cmd_explain.c - `lrp explain`: word relevances of sentences by LRP, LRP_cons, SA,
 * GI, occlusion and Integrated Gradients, for the predicted, true or given classes, written as a terminal heatmap,
 * plain columns, JSON Lines, TSV, an HTML page or LaTeX. docs/cli.md is the
 * reference of every format.
 *
 * Sizes: T words of a sentence, C classes.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "input.h"
#include "app/render.h"
#include "run.h"

typedef enum out_format { FMT_TEXT = 0, FMT_JSON, FMT_TSV, FMT_HTML, FMT_LATEX, FMT_NULL } out_format;
static const char *const format_names[] = {"text", "json", "tsv", "html", "latex", "null"};
enum { N_FORMATS = sizeof format_names / sizeof format_names[0] };

/* One entry of --target as the user wrote it; "all" is expanded to every class. */
typedef struct target_spec {
    int target;     /* LRP_TARGET_PREDICTED, RUN_TARGET_TRUE or a class index */
    char name[24];  /* TSV column suffix: "pred", "true" or the class index */
} target_spec;

typedef struct explain_ctx {
    const lrp_model *model;
    lrp_model_info info;
    unsigned methods;
    target_spec *specs;     /* [n_specs] */
    size_t n_specs;
    out_format format;
    int color;              /* text format: heatmap (terminal) or plain columns */
    size_t width;           /* the terminal's columns, 0 when unknown */
    outbuf *out;            /* standard output */
} explain_ctx;

// ----------------------------------------------------------------------------
// help

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: lrp explain [OPTIONS] [SENTENCE...]\n"
            "Explain a classifier's predictions: the relevance of each word for a class.\n"
            "Sentences come from the arguments, else one per line from standard input\n"
            "(streamed in chunks of %d to %d lines).\n"
            "\n"
            "Options:\n"
            "  --model FILE        model file (default: $LRP_MODEL, else %s)\n"
            "  --method LIST       comma-separated methods among lrp, lrp-cons, sa, gi,\n"
            "                      occlusion, occlusion-prob, ig (default: lrp); written\n"
            "                      in that order; every equation: docs/methods.md\n"
            "  --ig-steps M        ig: points of the midpoint rule on the path from the\n"
            "                      all-zero embeddings, 1 to %d (default: %d)\n"
            "  --target LIST       comma-separated classes to explain: pred (the predicted\n"
            "                      class), true (the line's true class: needs --input tsv or\n"
            "                      ptb), all (every class), a label name or a class index\n"
            "                      (a name wins) (default: pred)\n"
            "  --format FORMAT     text, json, tsv, html, latex or null (default: text)\n"
            "                      text: a heatmap on a terminal, plain columns otherwise or\n"
            "                      when NO_COLOR is set; json: JSON Lines, one object per\n"
            "                      line; null: compute, print nothing (for timing)\n"
            "  --contrast C2       explain f_c - f_C2 (C2: a label or a class index), or with\n"
            "                      'others' f_c - the mean of the other classes' scores, for\n"
            "                      every method (LRP: an extra output neuron w_c - w_C2)\n"
            "                      (default: f_c alone)\n"
            "  --eps X             stabiliser of the LRP epsilon rule, > 0 (default: 0.001)\n"
            "  --pretokenized      the text is tokens separated by spaces or tabs, taken as\n"
            "                      they are (default: raw English text, tokenized)\n"
            "  --input FORMAT      text (a sentence per line), tsv (LABEL<TAB>sentence) or\n"
            "                      ptb (treebank trees, label of the root) (default: text)\n"
            "  --precision P       f64 (the reference, default) or f32 (float32: about\n"
            "                      twice as fast; word relevances within 1e-3 of f64,\n"
            "                      relative to the sentence's largest, docs/performance.md)\n"
            "  --threads N         threads, 0 = all cores (default: 0, here %d); the output\n"
            "                      is the same bytes for any N\n"
            "  -h, --help          show this help\n"
            "\n",
            INPUT_CHUNK, INPUT_CHUNK_MAX, cli_model_path(NULL), LRP_IG_MAX_STEPS, LRP_IG_DEFAULT_STEPS,
            lrp_default_threads());
    cli_load_options_help(f);
    fprintf(f,
            "\n"
            "Words not in the vocabulary are read as the model's unknown word and marked\n"
            "in every format; without an unknown word such a line fails. A bad line (empty,\n"
            "invalid UTF-8, unknown words, bad label, longer than %d words or %zu MiB) is\n"
            "reported on standard error with its line number, and the command goes on with\n"
            "the next. Limits and memory: docs/cli.md.\n"
            "A sentence that starts with '-' goes after '--': lrp explain -- '-5 stars'.\n"
            "Exit status: 0 success, 1 a bad line, input or model, 2 usage error.\n"
            "Example: lrp explain --method lrp,sa \"Don't waste your money.\"\n",
            LRP_MAX_LENGTH, DS_MAX_LINE >> 20);
}

// ----------------------------------------------------------------------------
// options

static unsigned parse_methods(const char *list)
{
    unsigned methods = 0;
    char *copy = strdup(list), *save = NULL;
    if (!copy) cli_die(EXIT_BAD_INPUT, "out of memory");
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int m = lrp_method_parse(tok);
        if (m < 0) cli_usage("--method: unknown method '%s' (lrp, lrp-cons, sa, gi, occlusion, occlusion-prob, ig)", tok);
        methods |= LRP_METHOD_BIT(m);
    }
    free(copy);
    if (!methods) cli_usage("--method: no method in '%s'", list);
    return methods;
}

static void add_spec(explain_ctx *x, int target, const char *name)
{
    target_spec *more = realloc(x->specs, (x->n_specs + 1) * sizeof *more);
    if (!more) cli_die(EXIT_BAD_INPUT, "out of memory");
    x->specs = more;
    x->specs[x->n_specs].target = target;
    snprintf(x->specs[x->n_specs].name, sizeof x->specs[0].name, "%s", name);
    x->n_specs++;
}

/* --target LIST against the model's classes: pred, true and all are always those
 * words; any other item is a label name of the model, else a class index
 * (lrp_model_label_index). A label that itself contains a comma is recognised when it
 * is the whole list. */
static void parse_targets(explain_ctx *x, const char *list, int labelled)
{
    char name[24];
    int keyword = strcmp(list, "pred") == 0 || strcmp(list, "true") == 0 || strcmp(list, "all") == 0;
    int whole = keyword ? -1 : lrp_model_label_index(x->model, list);
    if (whole >= 0) {
        snprintf(name, sizeof name, "%d", whole);
        add_spec(x, whole, name);
        return;
    }
    char *copy = strdup(list), *save = NULL;
    if (!copy) cli_die(EXIT_BAD_INPUT, "out of memory");
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "pred") == 0) {
            add_spec(x, LRP_TARGET_PREDICTED, "pred");
        } else if (strcmp(tok, "true") == 0) {
            if (!labelled)
                cli_usage("--target true needs labelled input: --input tsv or --input ptb");
            add_spec(x, RUN_TARGET_TRUE, "true");
        } else if (strcmp(tok, "all") == 0) {
            for (size_t c = 0; c < x->info.classes; c++) {
                snprintf(name, sizeof name, "%zu", c);
                add_spec(x, (int)c, name);
            }
        } else {
            int c = lrp_model_label_index(x->model, tok);
            if (c < 0)
                cli_usage("--target: '%s' is neither pred, true, all, a class index in [0, %zu) "
                          "nor a label of the model (see 'lrp info')",
                          tok, x->info.classes);
            snprintf(name, sizeof name, "%d", c);
            add_spec(x, c, name);
        }
    }
    free(copy);
    if (!x->n_specs) cli_usage("--target: no class in '%s'", list);
}

// ----------------------------------------------------------------------------
// text: heatmap on a terminal, plain columns elsewhere

static const char *label_of(const explain_ctx *x, int c) { return lrp_model_label(x->model, (size_t)c); }

static int is_lrp(lrp_method m) { return m == LRP_METHOD_LRP || m == LRP_METHOD_LRP_CONS; }

/* Does the method give each first-layer encoder's part (relevance_fwd, relevance_bwd)? */
static int split_by_encoder(lrp_method m) { return m <= LRP_METHOD_GI || m == LRP_METHOD_IG; }

/* tokens and labels on the terminal: control characters defused */
static void put(outbuf *o, const char *s) { render_terminal_text(o, s); }

/* "lrp:3": the column of an explanation in the plain text format */
static size_t column_name(char *buf, size_t len, const lrp_explanation *e)
{
    return (size_t)snprintf(buf, len, "%s:%d", lrp_method_name(e->method), e->target);
}

static void text_header(outbuf *o, const explain_ctx *x, const input_reader *r, const input_item *it,
                        const lrp_result *res)
{
    outbuf_printf(o, "%s %zu: predicted ", input_unit(r), it->line);
    put(o, label_of(x, res->predicted));
    outbuf_printf(o, " (%d, p = %.4f)", res->predicted, res->probabilities[res->predicted]);
    if (it->label >= 0) {
        outbuf_printf(o, ", true ");
        put(o, label_of(x, it->label));
        outbuf_printf(o, " (%d)", it->label);
    }
    const lrp_explanation *e = res->n_explanations ? &res->explanations[0] : NULL;
    if (e && e->contrast == LRP_CONTRAST_OTHERS) outbuf_puts(o, "; each class against the mean of the others");
    if (e && e->contrast == LRP_CONTRAST_CLASS) {
        outbuf_puts(o, "; each class against ");
        put(o, label_of(x, e->contrast_class));
        outbuf_printf(o, " (%d)", e->contrast_class);
    }
    outbuf_putc(o, '\n');
}

static void write_heatmaps(outbuf *o, const explain_ctx *x, const input_reader *r, const input_item *it,
                           const lrp_result *res)
{
    text_header(o, x, r, it, res);
    size_t wl = 0;
    for (size_t k = 0; k < res->n_explanations; k++) {
        size_t w = run_text_width(label_of(x, res->explanations[k].target));
        if (w > wl) wl = w;
    }
    for (size_t k = 0; k < res->n_explanations; k++) {
        const lrp_explanation *e = &res->explanations[k];
        const char *label = label_of(x, e->target);
        outbuf_printf(o, "  %-8s ", lrp_method_name(e->method));
        put(o, label);
        outbuf_printf(o, "%*s  ", (int)(wl - run_text_width(label)), "");
        render_heatmap h = {it->T, (const char *const *)it->words, e->relevance, it->unknown,
                            render_kind_of(e->method), 0.0};
        const size_t col = 2 + 8 + 1 + wl + 2; /* continuation lines start under the first word */
        render_heatmap_ansi_wrap(o, &h, col, x->width, col);
        outbuf_putc(o, '\n');
    }
    int any = 0;
    for (size_t t = 0; t < it->T; t++)
        if (it->unknown[t]) {
            outbuf_printf(o, "%s", any++ ? " " : "  underlined, not in the vocabulary: ");
            put(o, it->words[t]);
        }
    if (any) outbuf_putc(o, '\n');
    outbuf_putc(o, '\n');
}

/* n spaces */
static void pad(outbuf *o, size_t n)
{
    while (n--) outbuf_putc(o, ' ');
}

/* Room for "%.6g" of any double: 13 characters at most ("-2.22507e-308") and the NUL. */
enum { CELL = 16 };

static void write_columns(outbuf *o, const explain_ctx *x, const input_reader *r, const input_item *it,
                          const lrp_result *res)
{
    text_header(o, x, r, it, res);
    const size_t n = res->n_explanations, T = it->T;
    char head[64], num[32];
    int any_lrp = 0, any_unknown = 0;
    /* column widths: tokens (with a * for unknown words), then each method:target */
    size_t wt = 6; /* "(rest)" */
    for (size_t t = 0; t < T; t++) {
        size_t w = run_text_width(it->words[t]) + (it->unknown[t] ? 1 : 0);
        if (w > wt) wt = w;
        any_unknown |= it->unknown[t];
    }
    /* each relevance formatted once: cell[k T + t], len[k T + t] characters */
    const size_t cells = n * T > 0 ? n * T : 1;
    size_t *wc = calloc(n ? n : 1, sizeof *wc);
    char *cell = malloc(cells * CELL);
    unsigned char *len = malloc(cells);
    if (!wc || !cell || !len) cli_die(EXIT_BAD_INPUT, "out of memory");
    for (size_t k = 0; k < n; k++) {
        const lrp_explanation *e = &res->explanations[k];
        any_lrp |= is_lrp(e->method);
        wc[k] = column_name(head, sizeof head, e);
        for (size_t t = 0; t < T; t++) {
            len[k * T + t] = (unsigned char)snprintf(cell + (k * T + t) * CELL, CELL, "%.6g", e->relevance[t]);
            if (len[k * T + t] > wc[k]) wc[k] = len[k * T + t];
        }
        size_t w = (size_t)snprintf(num, sizeof num, "%.6g", e->rest);
        if (is_lrp(e->method) && w > wc[k]) wc[k] = w;
    }
    outbuf_printf(o, "%-*s", (int)wt, "token");
    for (size_t k = 0; k < n; k++) {
        column_name(head, sizeof head, &res->explanations[k]);
        outbuf_printf(o, "  %*s", (int)wc[k], head);
    }
    outbuf_putc(o, '\n');
    for (size_t t = 0; t < T; t++) {
        /* pad by display width: printf's %-*s counts bytes */
        put(o, it->words[t]);
        if (it->unknown[t]) outbuf_putc(o, '*');
        pad(o, wt - run_text_width(it->words[t]) - (it->unknown[t] ? 1 : 0));
        for (size_t k = 0; k < n; k++) {
            pad(o, 2 + wc[k] - len[k * T + t]);
            outbuf_write(o, cell + (k * T + t) * CELL, len[k * T + t]);
        }
        outbuf_putc(o, '\n');
    }
    if (any_lrp) {
        outbuf_printf(o, "%-*s", (int)wt, "(rest)");
        for (size_t k = 0; k < n; k++) {
            const lrp_explanation *e = &res->explanations[k];
            if (is_lrp(e->method)) outbuf_printf(o, "  %*.6g", (int)wc[k], e->rest);
            else outbuf_printf(o, "  %*s", (int)wc[k], "-");
        }
        outbuf_putc(o, '\n');
    }
    outbuf_puts(o, "classes:");
    for (size_t k = 0; k < n; k++) {
        int c = res->explanations[k].target, seen = 0;
        for (size_t j = 0; j < k; j++) seen |= res->explanations[j].target == c;
        if (seen) continue;
        outbuf_printf(o, "%s %d = ", k ? "," : "", c);
        put(o, label_of(x, c));
    }
    outbuf_putc(o, '\n');
    if (any_unknown) outbuf_puts(o, "*: not in the vocabulary, read as the unknown word\n");
    if (any_lrp) outbuf_puts(o, "(rest): relevance that reached the initial states h0, c0\n");
    outbuf_putc(o, '\n');
    free(wc);
    free(cell);
    free(len);
}

// ----------------------------------------------------------------------------
// json, tsv, html, latex

static void write_json(outbuf *o, const explain_ctx *x, const input_item *it, const lrp_result *res)
{
    outbuf_putc(o, '{');
    run_json_prediction(o, x->model, it, res);
    outbuf_puts(o, ",\"explanations\":[");
    for (size_t k = 0; k < res->n_explanations; k++) {
        const lrp_explanation *e = &res->explanations[k];
        outbuf_puts(o, k ? ",{\"method\":\"" : "{\"method\":\"");
        outbuf_puts(o, lrp_method_name(e->method));
        outbuf_puts(o, "\",\"target\":");
        outbuf_i64(o, e->target);
        outbuf_puts(o, ",\"target_label\":");
        render_json_string(o, label_of(x, e->target));
        if (e->contrast == LRP_CONTRAST_OTHERS) {
            outbuf_puts(o, ",\"contrast\":\"others\"");
        } else if (e->contrast == LRP_CONTRAST_CLASS) {
            outbuf_puts(o, ",\"contrast\":");
            outbuf_i64(o, e->contrast_class);
            outbuf_puts(o, ",\"contrast_label\":");
            render_json_string(o, label_of(x, e->contrast_class));
        }
        outbuf_puts(o, ",\"relevance\":");
        render_json_doubles(o, e->relevance, it->T);
        if (split_by_encoder(e->method)) { /* occlusion has one value per word, no parts */
            outbuf_puts(o, ",\"relevance_fwd\":");
            render_json_doubles(o, e->relevance_fwd, it->T);
            if (e->relevance_bwd) {
                outbuf_puts(o, ",\"relevance_bwd\":");
                render_json_doubles(o, e->relevance_bwd, it->T);
            }
        }
        if (e->method == LRP_METHOD_IG) {
            outbuf_puts(o, ",\"completeness\":");
            render_json_double(o, e->completeness);
        }
        if (is_lrp(e->method)) {
            outbuf_puts(o, ",\"rest\":");
            render_json_double(o, e->rest);
        }
        outbuf_putc(o, '}');
    }
    outbuf_puts(o, "]}\n");
}

static void tsv_header(outbuf *o, const explain_ctx *x)
{
    outbuf_puts(o, "line\tposition\ttoken\tunknown\tpredicted\ttrue");
    for (size_t s = 0; s < x->n_specs; s++)
        for (int m = 0; m < LRP_METHOD_COUNT; m++)
            if (x->methods & LRP_METHOD_BIT(m))
                outbuf_printf(o, "\t%s:%s", lrp_method_name((lrp_method)m), x->specs[s].name);
    outbuf_putc(o, '\n');
}

static void write_tsv(outbuf *o, const input_item *it, const lrp_result *res)
{
    for (size_t t = 0; t < it->T; t++) {
        outbuf_u64(o, it->line);
        outbuf_putc(o, '\t');
        outbuf_u64(o, t);
        outbuf_putc(o, '\t');
        run_tsv_field(o, it->words[t]);
        outbuf_puts(o, it->unknown[t] ? "\t1\t" : "\t0\t");
        outbuf_i64(o, res->predicted);
        outbuf_putc(o, '\t');
        if (it->label >= 0) outbuf_i64(o, it->label);
        for (size_t k = 0; k < res->n_explanations; k++) {
            outbuf_putc(o, '\t');
            outbuf_double(o, res->explanations[k].relevance[t]);
        }
        outbuf_putc(o, '\n');
    }
}

static void write_html(outbuf *o, const explain_ctx *x, const input_reader *r, const input_item *it,
                       const lrp_result *res)
{
    if (!res) {
        outbuf_printf(o, "<div class=\"sentence error\">%s %zu: ", input_unit(r), it->line);
        render_html_text(o, it->message);
        outbuf_puts(o, "</div>\n");
        return;
    }
    outbuf_printf(o, "<div class=\"sentence\">\n<div class=\"meta\">%s %zu &middot; predicted <b>", input_unit(r),
                  it->line);
    render_html_text(o, label_of(x, res->predicted));
    outbuf_printf(o, "</b> (p = %.4f)", res->probabilities[res->predicted]);
    if (it->label >= 0) {
        outbuf_puts(o, " &middot; true <b>");
        render_html_text(o, label_of(x, it->label));
        outbuf_puts(o, "</b>");
    }
    outbuf_puts(o, "</div>\n");
    for (size_t k = 0; k < res->n_explanations; k++) {
        const lrp_explanation *e = &res->explanations[k];
        char tip[160];
        snprintf(tip, sizeof tip, "%s for %s", lrp_method_name(e->method), label_of(x, e->target));
        outbuf_puts(o, "<div class=\"row\"><span class=\"method\">");
        render_html_text(o, tip);
        outbuf_puts(o, "</span>");
        render_heatmap h = {it->T, (const char *const *)it->words, e->relevance, it->unknown,
                            render_kind_of(e->method), 0.0};
        render_heatmap_html(o, &h, tip);
        outbuf_puts(o, "</div>\n");
    }
    outbuf_puts(o, "</div>\n");
}

static void write_latex(outbuf *o, const explain_ctx *x, const input_reader *r, const input_item *it,
                        const lrp_result *res)
{
    for (size_t k = 0; k < res->n_explanations; k++) {
        const lrp_explanation *e = &res->explanations[k];
        /* comments end at the newline, and labels and tokens have none */
        outbuf_printf(o, "%% %s %zu: %s for %s (%d); predicted %s (%d)", input_unit(r), it->line,
                      lrp_method_name(e->method), label_of(x, e->target), e->target, label_of(x, res->predicted),
                      res->predicted);
        if (it->label >= 0) outbuf_printf(o, "; true %s (%d)", label_of(x, it->label), it->label);
        outbuf_printf(o, "\n{\\setlength{\\fboxsep}{1pt}\\noindent ");
        render_heatmap h = {it->T, (const char *const *)it->words, e->relevance, it->unknown,
                            render_kind_of(e->method), 0.0};
        render_heatmap_latex(o, &h);
        outbuf_printf(o, "\\par}\n\n");
    }
}

static void write_item(void *ctx, const input_reader *r, const input_item *it, const lrp_result *res)
{
    const explain_ctx *x = ctx;
    outbuf *o = x->out;
    if (x->format == FMT_JSON && !res) run_json_error(o, it);
    if (x->format == FMT_HTML) write_html(o, x, r, it, res);
    if (!res) return; /* the other formats: the message on stderr is all */
    switch (x->format) {
    case FMT_TEXT:
        if (x->color) write_heatmaps(o, x, r, it, res);
        else write_columns(o, x, r, it, res);
        break;
    case FMT_JSON: write_json(o, x, it, res); break;
    case FMT_TSV: write_tsv(o, it, res); break;
    case FMT_LATEX: write_latex(o, x, r, it, res); break;
    case FMT_HTML:
    case FMT_NULL: break;
    }
}

// ----------------------------------------------------------------------------
// the command

int cmd_explain(int argc, char **argv)
{
    enum { O_MODEL = 256, O_METHOD, O_TARGET, O_FORMAT, O_EPS, O_PRECISION, O_CONTRAST, O_IG_STEPS };
    static const struct option longopts[] = {
        {"model", required_argument, NULL, O_MODEL},   {"method", required_argument, NULL, O_METHOD},
        {"target", required_argument, NULL, O_TARGET}, {"format", required_argument, NULL, O_FORMAT},
        {"eps", required_argument, NULL, O_EPS},       {"precision", required_argument, NULL, O_PRECISION},
        {"contrast", required_argument, NULL, O_CONTRAST}, {"ig-steps", required_argument, NULL, O_IG_STEPS},
        {"help", no_argument, NULL, 'h'},              INPUT_LONGOPTS,
        CLI_LOAD_LONGOPTS,                             {NULL, 0, NULL, 0}};
    const char *model_path = NULL, *target_list = "pred", *contrast = NULL;
    explain_ctx x = {0};
    x.methods = LRP_METHOD_BIT(LRP_METHOD_LRP);
    x.format = FMT_TEXT;
    lrp_options o;
    lrp_options_init(&o);
    input_options in = {0, INPUT_TEXT, 0};
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case O_MODEL: model_path = optarg; break;
        case O_METHOD: x.methods = parse_methods(optarg); break;
        case O_TARGET: target_list = optarg; break;
        case O_CONTRAST: contrast = optarg; break;
        case O_IG_STEPS: o.ig_steps = (size_t)cli_parse_long("--ig-steps", optarg, 1, LRP_IG_MAX_STEPS); break;
        case O_FORMAT: {
            int k = 0;
            while (k < N_FORMATS && strcmp(optarg, format_names[k]) != 0) k++;
            if (k == N_FORMATS) cli_usage("--format: unknown format '%s' (text, json, tsv, html, latex, null)", optarg);
            x.format = (out_format)k;
            break;
        }
        case O_EPS:
            o.eps = cli_parse_double("--eps", optarg);
            if (!(o.eps > 0.0)) cli_usage("--eps: must be > 0, got %s", optarg);
            break;
        case O_PRECISION:
            if (strcmp(optarg, "f64") == 0) o.precision = LRP_F64;
            else if (strcmp(optarg, "f32") == 0) o.precision = LRP_F32;
            else cli_usage("--precision: unknown precision '%s' (f64, f32)", optarg);
            break;
        case 'h': usage(stdout); return EXIT_OK;
        case ':': cli_usage("option '%s' needs a value", argv[optind - 1]);
        default:
            if (!input_option(c, optarg, &in) && !cli_load_option(c, optarg))
                cli_unknown_option(argv, 1);
        }
    }

    lrp_model *model = cli_load_model(model_path);
    x.model = model;
    lrp_model_get_info(x.model, &x.info);
    parse_targets(&x, target_list, in.format != INPUT_TEXT);
    if (contrast && strcmp(contrast, "others") == 0) {
        o.contrast = LRP_CONTRAST_OTHERS;
        if (x.info.classes < 2) cli_usage("--contrast others: the model has one class");
    } else if (contrast) {
        o.contrast = LRP_CONTRAST_CLASS;
        o.contrast_class = lrp_model_label_index(x.model, contrast);
        if (o.contrast_class < 0)
            cli_usage("--contrast: '%s' is neither 'others' nor a class of the model (a label or 0..%zu)", contrast,
                      x.info.classes - 1);
    }
    x.color = x.format == FMT_TEXT && cli_use_color(stdout);
    x.width = x.color ? cli_terminal_width(stdout) : 0;

    int *targets = malloc(x.n_specs * sizeof *targets);
    if (!targets) cli_die(EXIT_BAD_INPUT, "out of memory");
    for (size_t s = 0; s < x.n_specs; s++) targets[s] = x.specs[s].target;
    o.methods = x.methods;
    o.targets = targets;
    o.n_targets = x.n_specs;

    x.out = cli_out();
    if (x.format == FMT_TSV) tsv_header(x.out, &x);
    if (x.format == FMT_HTML) render_html_begin(x.out, "lrp explain");
    if (x.format == FMT_LATEX)
        outbuf_puts(x.out, "% lrp explain: word heatmaps; needs \\usepackage{xcolor}. Red: relevance for the "
                           "class, blue: against it (SA: red only).\n\n");

    input_reader r;
    input_open(&r, x.model, in.format, in.pretokenized, argv + optind, (size_t)(argc - optind), STDIN_FILENO);
    size_t bad = run_all(&r, &o, in.threads, write_item, &x);
    const char *unit = input_unit(&r);
    input_close(&r);

    if (x.format == FMT_HTML) render_html_end(x.out);
    cli_flush_output();
    if (bad) cli_error("%zu bad %s%s", bad, unit, bad == 1 ? "" : "s");
    free(targets);
    free(x.specs);
    lrp_model_free(model);
    return bad ? EXIT_BAD_INPUT : EXIT_OK;
}
