/*
 * cmd_reproduce.c - `lrp reproduce`: every experiment of the paper's section 4 on one
 * data set, written to a directory as one self-contained report (index.html: SVG
 * charts inline, no scripts, no external files) with the numbers behind each figure
 * as CSV files beside it, and a table of the paper's findings, each with the number
 * that measures it for this model and whether it holds.
 *
 * The same computations as `lrp heatmaps`, `top-words`, `deletion`, `position`, and
 * `evaluate` (app/evaluate.h), with their defaults; the files are the same bytes for
 * the same model, data and seed, whatever the thread count (no dates, no timings).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "core/common.h"
#include "app/evaluate.h"
#include "expcmd.h"
#include "app/render.h"

static const char *const formats[] = {"text", "json", NULL};

static void usage(FILE *f, const expcmd *x)
{
    fprintf(f, "Usage: lrp reproduce --data DIR|FILE --out DIR [OPTIONS]\n"
               "Run the paper's experiments (Arras et al. 2017, section 4) and write a report:\n"
               "OUT/index.html (self-contained: accuracy, heatmaps, representative words, word\n"
               "deletion, relevance by position, and the paper's findings with our numbers), and\n"
               "the numbers behind each part as CSV files beside it. --data DIR reads\n"
               "DIR/test.txt. The model's architecture and the findings table also go to\n"
               "standard output.\n"
               "\n"
               "Options:\n"
               "  --out DIR           the report's directory (created if missing; its files are\n"
               "                      replaced together at the end: a failed run leaves the\n"
               "                      previous report as it was)\n"
               "  --lines LIST        the heatmaps' lines (as lrp heatmaps; default: 'paper'\n"
               "                      when the data has the paper's lines, else the first %d\n"
               "                      sentences)\n",
               PAPER_HEATMAP_LINES);
    expcmd_help(f, x, 1);
    fprintf(f, "\n--format: what goes to standard output, as text or one JSON object.\n"
               "Settings are the paper's: Table 1 for class 4, negation for class 0, deletion\n"
               "of up to %d words in sentences of at least %d with %d random runs, position in\n"
               "%d intervals of sentences of at least %d words (docs/experiments.md).\n"
               "Exit status: 0 success, 1 bad data, model or output directory, 2 usage error.\n"
               "Example: lrp reproduce --data ../shared/data/sst --out report\n",
               PAPER_DELETION_MAX_WORDS, PAPER_DELETION_MIN_LENGTH, PAPER_DELETION_RANDOM_RUNS, PAPER_POSITION_BINS,
               PAPER_POSITION_MIN_LENGTH);
}

// ----------------------------------------------------------------------------
// the findings

enum { HOLDS_NO = 0, HOLDS_YES = 1, HOLDS_NA = -1 };

typedef struct finding {
    const char *section;
    const char *paper;   /* the paper's finding */
    char measure[200];   /* what measures it */
    char ours[400];      /* our numbers */
    int holds;
} finding;

enum { MAX_FINDINGS = 16, MAX_CLASSES = 64 };

typedef struct report {
    expcmd *x;
    const char *data_path, *out_dir;
    uint64_t seed;
    /* results */
    eval_result ev;
    heatmaps hm;
    top_words tw;
    exp_negation neg;
    int has_leaf_labels;
    exp_deletion_result del;
    exp_position_result pos;
    double second_half[EXP_POS_METHODS][MAX_CLASSES];
    double rough[EXP_POS_METHODS][MAX_CLASSES][2];
    size_t C;           /* classes shown: min(C, MAX_CLASSES) */
    finding f[MAX_FINDINGS];
    size_t nf;
} report;

static const char *holds_name(int h) { return h == HOLDS_YES ? "yes" : h == HOLDS_NO ? "no" : "n/a"; }

/* a finding's texts, in the order of every table of findings (CSV, HTML, JSON), before "holds" */
enum { FINDING_TEXTS = 4 };
static const char *const finding_text_names[FINDING_TEXTS] = {"section", "paper", "measure", "ours"};

static void finding_texts(const finding *g, const char *text[FINDING_TEXTS])
{
    text[0] = g->section;
    text[1] = g->paper;
    text[2] = g->measure;
    text[3] = g->ours;
}

static finding *add_finding(report *r, const char *section, const char *paper)
{
    finding *f = &r->f[r->nf++];
    f->section = section;
    f->paper = paper;
    f->measure[0] = f->ours[0] = '\0';
    f->holds = HOLDS_NA;
    return f;
}

/* Append to f->ours at *at (what has been written so far, as snprintf counts it); 0 when
 * the text no longer fits (it is cut there) and the caller stops appending. */
static int ours_add(finding *f, size_t *at, const char *fmt, ...) LRP_PRINTF(3, 4);
static int ours_add(finding *f, size_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *at += (size_t)vsnprintf(f->ours + *at, sizeof f->ours - *at, fmt, ap);
    va_end(ap);
    return *at < sizeof f->ours;
}

/* positive / negative leaf labels for a five-class model: above / below neutral (2) */
static size_t share(const report *r, const exp_ranked *list, size_t n, int positive)
{
    size_t c = 0;
    for (size_t k = 0; k < n; k++) {
        int l = expcmd_leaf_label(r->x, list[k].occurrence);
        c += positive ? l > 2 : (l >= 0 && l < 2);
    }
    return c;
}

static void findings(report *r)
{
    const expcmd *x = r->x;
    const int five = x->info.classes == 5;
    finding *f;

    /* accuracy */
    f = add_finding(r, "accuracy", "The model reaches " PAPER_ACCURACY_TEXT " fine-grained accuracy on the test sentences.");
    snprintf(f->measure, sizeof f->measure, "fine-grained accuracy (%zu sentence%s)", r->ev.n, cli_s(r->ev.n));
    snprintf(f->ours, sizeof f->ours, "%.1f%% (%zu/%zu)", 100.0 * eval_accuracy(&r->ev), r->ev.correct, r->ev.n);
    f->holds = eval_accuracy(&r->ev) >= PAPER_ACCURACY ? HOLDS_YES : HOLDS_NO;
    f = add_finding(r, "accuracy",
                    "The model reaches " PAPER_BINARY_ACCURACY_TEXT " binary accuracy (positive vs. negative, neutral left out).");
    snprintf(f->measure, sizeof f->measure, "binary accuracy, %s", EVAL_BINARY_RULE);
    if (r->ev.has_binary) {
        snprintf(f->ours, sizeof f->ours, "%.1f%% (%zu/%zu)", 100.0 * eval_binary_accuracy(&r->ev), r->ev.binary_correct,
                 r->ev.binary_n);
        f->holds = eval_binary_accuracy(&r->ev) >= PAPER_BINARY_ACCURACY ? HOLDS_YES : HOLDS_NO;
    } else {
        snprintf(f->ours, sizeof f->ours, "only for five-class models");
    }

    /* deletion: the central finding, then each panel against every other method */
    const size_t K = r->del.max_deletions;
    {
        const exp_deletion_panel *pc = &r->del.correct, *pf = &r->del.false_;
        f = add_finding(r, "deletion", "The central finding: deleting words by LRP relevance changes more decisions than "
                                       "by SA relevance or at random, on both panels.");
        snprintf(f->measure, sizeof f->measure, "accuracy after k = %zu deletions: initially correct panel (lower: more "
                                                "changed), initially false panel (higher: more changed)", K);
        snprintf(f->ours, sizeof f->ours, "correct: LRP %.3f, SA %.3f, random %.3f; false: LRP %.3f, SA %.3f, random %.3f",
                 pc->accuracy[EXP_DEL_LRP][K], pc->accuracy[EXP_DEL_SA][K], pc->accuracy[EXP_DEL_RANDOM][K],
                 pf->accuracy[EXP_DEL_LRP][K], pf->accuracy[EXP_DEL_SA][K], pf->accuracy[EXP_DEL_RANDOM][K]);
        if (pc->n && pf->n)
            f->holds = pc->accuracy[EXP_DEL_LRP][K] < pc->accuracy[EXP_DEL_SA][K] &&
                               pc->accuracy[EXP_DEL_LRP][K] < pc->accuracy[EXP_DEL_RANDOM][K] &&
                               pf->accuracy[EXP_DEL_LRP][K] > pf->accuracy[EXP_DEL_SA][K] &&
                               pf->accuracy[EXP_DEL_LRP][K] > pf->accuracy[EXP_DEL_RANDOM][K]
                           ? HOLDS_YES
                           : HOLDS_NO;
    }
    for (int panel = 0; panel < 2; panel++) {
        const exp_deletion_panel *p = panel ? &r->del.false_ : &r->del.correct;
        double a[EXP_DEL_VARIANTS];
        for (int v = 0; v < EXP_DEL_VARIANTS; v++) a[v] = p->accuracy[v][K];
        f = add_finding(r, "deletion", panel ? "Initially false sentences: deleting words in increasing order of LRP "
                                               "relevance raises the accuracy more than SA, GI and random deletion."
                                             : "Initially correct sentences: deleting words in decreasing order of LRP "
                                               "relevance lowers the accuracy more than SA, GI and random deletion.");
        snprintf(f->measure, sizeof f->measure, "accuracy after k = %zu deletion%s, initially %s panel (%zu sentence%s)",
                 K, cli_s(K), panel ? "false" : "correct", p->n, cli_s(p->n));
        snprintf(f->ours, sizeof f->ours, "LRP %.3f; SA %.3f; GI %.3f; random %.3f (std %.3f)", a[EXP_DEL_LRP], a[EXP_DEL_SA],
                 a[EXP_DEL_GI], a[EXP_DEL_RANDOM], p->random_std[K]);
        if (p->n) {
            int ok = 1;
            size_t at = strlen(f->ours);
            for (int v = EXP_DEL_SA; v <= EXP_DEL_RANDOM; v++) {
                int ahead = panel ? a[EXP_DEL_LRP] > a[v] : a[EXP_DEL_LRP] < a[v];
                ok &= ahead;
                if (!ours_add(f, &at, "%s %s %s", v == EXP_DEL_SA ? ". LRP ahead of" : ",",
                              v == EXP_DEL_SA ? "SA" : v == EXP_DEL_GI ? "GI" : "random", ahead ? "yes" : "no"))
                    break;
            }
            f->holds = ok ? HOLDS_YES : HOLDS_NO;
        }
    }
    f = add_finding(r, "deletion", "LRP does at least as well as LRP_cons (\"performs almost as good ... the latter "
                                   "yields slightly superior results\").");
    snprintf(f->measure, sizeof f->measure, "accuracy after k = %zu deletions, LRP vs. LRP_cons, both panels", K);
    snprintf(f->ours, sizeof f->ours, "correct panel: LRP %.3f, LRP_cons %.3f (lower is better); false panel: LRP %.3f, "
                                      "LRP_cons %.3f (higher is better)",
             r->del.correct.accuracy[EXP_DEL_LRP][K], r->del.correct.accuracy[EXP_DEL_LRP_CONS][K],
             r->del.false_.accuracy[EXP_DEL_LRP][K], r->del.false_.accuracy[EXP_DEL_LRP_CONS][K]);
    if (r->del.correct.n && r->del.false_.n)
        f->holds = r->del.correct.accuracy[EXP_DEL_LRP][K] <= r->del.correct.accuracy[EXP_DEL_LRP_CONS][K] &&
                           r->del.false_.accuracy[EXP_DEL_LRP][K] >= r->del.false_.accuracy[EXP_DEL_LRP_CONS][K]
                       ? HOLDS_YES
                       : HOLDS_NO;
    f = add_finding(r, "deletion", "On initially false sentences SA does worse than random deletion.");
    snprintf(f->measure, sizeof f->measure, "accuracy after k = %zu deletions, initially false panel", K);
    snprintf(f->ours, sizeof f->ours, "SA %.3f; random %.3f (std %.3f)", r->del.false_.accuracy[EXP_DEL_SA][K],
             r->del.false_.accuracy[EXP_DEL_RANDOM][K], r->del.false_.random_std[K]);
    if (r->del.false_.n)
        f->holds = r->del.false_.accuracy[EXP_DEL_SA][K] < r->del.false_.accuracy[EXP_DEL_RANDOM][K] ? HOLDS_YES : HOLDS_NO;

    /* Table 1 */
    for (int l = 0; l < 2; l++) {
        f = add_finding(r, "Table 1", l ? "LRP's least relevant words for \"very positive\" express a negative sentiment; "
                                          "SA's are stop words."
                                        : "LRP's most relevant words for \"very positive\" express a positive sentiment; "
                                          "SA's are not necessarily positive.");
        snprintf(f->measure, sizeof f->measure, "share of the %s-%zu words (target %d) whose own treebank leaf label is %s",
                 l ? "bottom" : "top", r->tw.k, r->tw.target, l ? "negative (0, 1)" : "positive (3, 4)");
        if (five && r->has_leaf_labels) {
            size_t a = share(r, r->tw.list[TW_LRP][l], r->tw.n[TW_LRP][l], !l), b = share(r, r->tw.list[TW_SA][l], r->tw.n[TW_SA][l], !l);
            snprintf(f->ours, sizeof f->ours, "LRP %zu/%zu; SA %zu/%zu", a, r->tw.n[TW_LRP][l], b, r->tw.n[TW_SA][l]);
            f->holds = a > b ? HOLDS_YES : HOLDS_NO;
        } else {
            snprintf(f->ours, sizeof f->ours, "needs treebank data (leaf labels) and a five-class model");
        }
    }

    /* negation */
    f = add_finding(r, "negation", "For target \"very negative\", LRP gives negators negative relevance when a negative "
                                   "word follows, positive relevance when a positive word follows.");
    snprintf(f->measure, sizeof f->measure, "mean LRP relevance (target 0) of not, n't, no, never, neither, nor, by the "
                                            "leaf label of the next non-neutral word");
    if (five && r->has_leaf_labels && r->neg.n_neg && r->neg.n_pos) {
        double mn = r->neg.sum_neg / (double)r->neg.n_neg, mp = r->neg.sum_pos / (double)r->neg.n_pos;
        snprintf(f->ours, sizeof f->ours, "before a negative word %+.4f (%zu negators); before a positive word %+.4f (%zu)", mn,
                 r->neg.n_neg, mp, r->neg.n_pos);
        f->holds = mn < 0 && mp > 0 ? HOLDS_YES : HOLDS_NO;
    } else {
        snprintf(f->ours, sizeof f->ours, "needs treebank data, a five-class model and negators before both kinds of word");
    }

    /* position */
    static const char *const mnames[EXP_POS_METHODS] = {"LRP", "SA"};
    for (int m = 0; m < EXP_POS_METHODS; m++) {
        f = add_finding(r, "position", "Most of the relevance lies in the second half of the sentence, for every target "
                                       "class except neutral (almost symmetric).");
        snprintf(f->measure, sizeof f->measure, "%s: share of the total relevance in the second half, per target class "
                                                "(%zu sentence%s)", mnames[m], r->pos.sentences, cli_s(r->pos.sentences));
        int ok = r->pos.sentences > 0 && five;
        size_t at = 0;
        for (size_t c = 0; c < r->C; c++) {
            double s = r->second_half[m][c];
            if (!ours_add(f, &at, "%s%zu: %.3f", c ? "; " : "", c, s)) break;
            if (five && c != 2) ok &= s > 0.5;
            if (five && c != 2) ok &= fabs(r->second_half[m][2] - 0.5) < fabs(s - 0.5);
        }
        f->holds = r->pos.sentences && five ? (ok ? HOLDS_YES : HOLDS_NO) : HOLDS_NA;
    }
    for (int m = 0; m < EXP_POS_METHODS; m++) {
        f = add_finding(r, "position", "The left (forward) encoder's relevance is smoother over the sentence than the "
                                       "right (backward) encoder's.");
        snprintf(f->measure, sizeof f->measure, "%s: sum of |differences| between neighbouring intervals, forward vs. "
                                                "backward encoder, per target class (lower: smoother)", mnames[m]);
        size_t at = 0, smoother = 0;
        for (size_t c = 0; c < r->C; c++) {
            if (!ours_add(f, &at, "%s%zu: %.3f vs %.3f", c ? "; " : "", c, r->rough[m][c][0], r->rough[m][c][1]))
                break;
            smoother += r->rough[m][c][0] < r->rough[m][c][1];
        }
        if (at < sizeof f->ours) ours_add(f, &at, " (forward smoother for %zu of %zu)", smoother, r->C);
        if (r->pos.sentences && r->pos.has_bwd) f->holds = 2 * smoother > r->C ? HOLDS_YES : HOLDS_NO;
    }
}

// ----------------------------------------------------------------------------
// files

typedef enum file_kind {
    F_ACCURACY, F_CONFUSION, F_HEATMAPS, F_TOP_WORDS, F_NEGATION, F_DELETION, F_POSITION, F_POSITION_SUMMARY,
    F_FINDINGS, F_DELETION_SVG, F_POSITION_SVG, F_HEATMAPS_TEX, F_INDEX
} file_kind;

typedef struct file_job {
    const report *r;
    file_kind kind;
} file_job;

static void write_accuracy_csv(outbuf *o, const report *r)
{
    outbuf_puts(o, "measure,correct,sentences,accuracy\n");
    outbuf_printf(o, "fine-grained,%zu,%zu,", r->ev.correct, r->ev.n);
    outbuf_double(o, eval_accuracy(&r->ev));
    outbuf_putc(o, '\n');
    if (r->ev.has_binary) {
        outbuf_printf(o, "binary,%zu,%zu,", r->ev.binary_correct, r->ev.binary_n);
        outbuf_double(o, eval_binary_accuracy(&r->ev));
        outbuf_putc(o, '\n');
    }
}

static void write_confusion_csv(outbuf *o, const report *r)
{
    outbuf_puts(o, "true");
    for (size_t c = 0; c < r->ev.C; c++) outbuf_printf(o, ",predicted_%zu", c);
    outbuf_putc(o, '\n');
    for (size_t t = 0; t < r->ev.C; t++) {
        outbuf_printf(o, "%zu", t);
        for (size_t c = 0; c < r->ev.C; c++) outbuf_printf(o, ",%zu", r->ev.confusion[t * r->ev.C + c]);
        outbuf_putc(o, '\n');
    }
}

static void write_heatmaps_csv(outbuf *o, const report *r)
{
    const expcmd *x = r->x;
    outbuf_puts(o, "number,line,position,token,true,predicted,sa,lrp\n");
    for (size_t k = 0; k < r->hm.n; k++) {
        size_t i = r->hm.index[k];
        for (size_t t = 0; t < x->sentences[i].T; t++) {
            outbuf_printf(o, "%zu,%zu,%zu,", k + 1, x->corpus.sentences[i].line, t);
            expcmd_csv_field(o, x->words[x->offset[i] + t]);
            outbuf_printf(o, ",%d,%d,", x->sentences[i].label, r->hm.res[k].predicted);
            outbuf_double(o, r->hm.res[k].explanations[1].relevance[t]);
            outbuf_putc(o, ',');
            outbuf_double(o, r->hm.res[k].explanations[0].relevance[t]);
            outbuf_putc(o, '\n');
        }
    }
}

static void write_negation_csv(outbuf *o, const report *r)
{
    const exp_negation *g = &r->neg;
    const struct {
        const char *rule, *label;
        size_t n;
        double sum;
    } rows[4] = {{"first_non_neutral", "negative", g->n_neg, g->sum_neg},
                 {"first_non_neutral", "positive", g->n_pos, g->sum_pos},
                 {"next_word", "negative", g->n_neg_next, g->sum_neg_next},
                 {"next_word", "positive", g->n_pos_next, g->sum_pos_next}};
    outbuf_puts(o, "deciding_word,label,negators,mean_lrp_relevance\n");
    for (int k = 0; k < 4; k++) {
        outbuf_printf(o, "%s,%s,%zu,", rows[k].rule, rows[k].label, rows[k].n);
        outbuf_double(o, rows[k].n ? rows[k].sum / (double)rows[k].n : NAN);
        outbuf_putc(o, '\n');
    }
}

static void write_position_summary_csv(outbuf *o, const report *r)
{
    static const char *const mnames[EXP_POS_METHODS] = {"lrp", "sa"};
    outbuf_puts(o, "method,target,target_label,second_half,roughness_fwd,roughness_bwd\n");
    for (int m = 0; m < EXP_POS_METHODS; m++)
        for (size_t c = 0; c < r->C; c++) {
            outbuf_printf(o, "%s,%zu,", mnames[m], c);
            expcmd_csv_field(o, lrp_model_label(r->x->model, c));
            outbuf_putc(o, ',');
            outbuf_double(o, r->second_half[m][c]);
            outbuf_putc(o, ',');
            outbuf_double(o, r->rough[m][c][0]);
            outbuf_putc(o, ',');
            if (r->pos.has_bwd) outbuf_double(o, r->rough[m][c][1]);
            outbuf_putc(o, '\n');
        }
}

static void write_findings_csv(outbuf *o, const report *r)
{
    outbuf_puts(o, "section,paper,measure,ours,holds\n");
    for (size_t k = 0; k < r->nf; k++) {
        const char *text[FINDING_TEXTS];
        finding_texts(&r->f[k], text);
        for (int j = 0; j < FINDING_TEXTS; j++) {
            expcmd_csv_field(o, text[j]);
            outbuf_putc(o, ',');
        }
        outbuf_printf(o, "%s\n", holds_name(r->f[k].holds));
    }
}

// ----------------------------------------------------------------------------
// index.html

static void h(outbuf *o, const char *s) { render_html_text(o, s); }

/* a table cell <tag>s</tag>, s escaped */
static void cell(outbuf *o, const char *tag, const char *s)
{
    outbuf_printf(o, "<%s>", tag);
    h(o, s);
    outbuf_printf(o, "</%s>", tag);
}

static void csv_link(outbuf *o, const char *name, const char *what)
{
    outbuf_printf(o, "<p class=\"csv\">The numbers: <a href=\"%s\">%s</a> (%s).</p>\n", name, name, what);
}

static void html_findings(outbuf *o, const report *r)
{
    outbuf_puts(o, "<table class=\"findings\">\n<tr><th>part</th><th>the paper's finding</th><th>measured by</th><th>this model"
                   "</th><th>holds</th></tr>\n");
    for (size_t k = 0; k < r->nf; k++) {
        const char *text[FINDING_TEXTS];
        const char *holds = holds_name(r->f[k].holds);
        finding_texts(&r->f[k], text);
        outbuf_puts(o, "<tr>");
        for (int j = 0; j < FINDING_TEXTS; j++) cell(o, "td", text[j]);
        outbuf_printf(o, "<td class=\"%s\">%s</td></tr>\n", holds, holds);
    }
    outbuf_puts(o, "</table>\n");
}

/* html_accuracy .. html_position: each part's numbers, written after its heading and quote (parts[]) */
static void html_accuracy(outbuf *o, const report *r)
{
    const expcmd *x = r->x;
    outbuf_printf(o, "<p>Fine-grained: <b>%.1f%%</b> (%zu of %zu sentence%s).", 100.0 * eval_accuracy(&r->ev), r->ev.correct,
                  r->ev.n, cli_s(r->ev.n));
    if (r->ev.has_binary)
        outbuf_printf(o, " Binary: <b>%.1f%%</b> (%zu of %zu non-neutral sentence%s; %s &mdash; the paper does not say how it "
                         "collapsed the classes).",
                      100.0 * eval_binary_accuracy(&r->ev), r->ev.binary_correct, r->ev.binary_n, cli_s(r->ev.binary_n),
                      EVAL_BINARY_RULE);
    outbuf_puts(o, "</p>\n<table class=\"num\">\n<tr><th>true \\ predicted</th>");
    for (size_t c = 0; c < r->ev.C; c++) cell(o, "th", lrp_model_label(x->model, c));
    outbuf_puts(o, "</tr>\n");
    for (size_t t = 0; t < r->ev.C; t++) {
        outbuf_puts(o, "<tr>");
        cell(o, "th", lrp_model_label(x->model, t));
        for (size_t c = 0; c < r->ev.C; c++) outbuf_printf(o, "<td>%zu</td>", r->ev.confusion[t * r->ev.C + c]);
        outbuf_puts(o, "</tr>\n");
    }
    outbuf_puts(o, "</table>\n");
    csv_link(o, "accuracy.csv", "accuracies");
    csv_link(o, "confusion.csv", "the confusion matrix, rows the true class");
}

static void html_heatmaps(outbuf *o, const report *r)
{
    outbuf_puts(o, "<p>Relevance for the true class. Hover over a word for its relevance.</p>\n");
    heatmaps_write_html_table(o, r->x, &r->hm);
    csv_link(o, "heatmaps.csv", "every word's SA and LRP relevance");
    outbuf_puts(o, "<p class=\"csv\">The table as LaTeX: <a href=\"heatmaps.tex\">heatmaps.tex</a>.</p>\n");

    outbuf_puts(o, "<h3 id=\"negation\">Negation</h3>\n");
    outbuf_puts(o, "<p>Over the whole data, for target very negative: the mean LRP relevance of each negator (not, n't, no, "
                   "never, neither, nor), grouped by the treebank leaf label of the first non-neutral word after it (the "
                   "finding's measure), and, for comparison, of the word right after it.</p>\n");
    if (r->has_leaf_labels) {
        const exp_negation *g = &r->neg;
        outbuf_printf(o, "<table class=\"num\"><tr><th>the word deciding</th><th>its label</th><th>negators</th>"
                         "<th>mean LRP relevance</th></tr>\n"
                         "<tr><td>first non-neutral word after</td><td>negative (0, 1)</td><td>%zu</td><td>%+.4f</td></tr>\n"
                         "<tr><td>first non-neutral word after</td><td>positive (3, 4)</td><td>%zu</td><td>%+.4f</td></tr>\n"
                         "<tr><td>the next word</td><td>negative (0, 1)</td><td>%zu</td><td>%+.4f</td></tr>\n"
                         "<tr><td>the next word</td><td>positive (3, 4)</td><td>%zu</td><td>%+.4f</td></tr></table>\n",
                      g->n_neg, g->n_neg ? g->sum_neg / (double)g->n_neg : NAN, g->n_pos,
                      g->n_pos ? g->sum_pos / (double)g->n_pos : NAN, g->n_neg_next,
                      g->n_neg_next ? g->sum_neg_next / (double)g->n_neg_next : NAN, g->n_pos_next,
                      g->n_pos_next ? g->sum_pos_next / (double)g->n_pos_next : NAN);
    }
    else
        outbuf_puts(o, "<p>Needs treebank data (each word's own label).</p>\n");
    csv_link(o, "negation.csv", "the two groups");
}

static void html_top_words(outbuf *o, const report *r)
{
    static const char *const paper[4][PAPER_TOP_WORDS] = {
        {"broken-down", "wall", "execution", "lackadaisical", "milestone", "unreality", "soldier", "mournfully", "insight",
         "disorienting"},
        {"into", "what", "that", "a", "do", "of", "all", "ca", "in", "'s"},
        {"funnier", "charm", "polished", "gorgeous", "excellent", "screen", "honest", "wall", "confidence", "perfectly"},
        {"wrong", "n't", "forgettable", "shame", "little", "predictable", "overblown", "trying", "lacking", "nonsense"}};
    static const int order[4][2] = {{TW_SA, TW_MOST}, {TW_SA, TW_LEAST}, {TW_LRP, TW_MOST}, {TW_LRP, TW_LEAST}};
    const expcmd *x = r->x;
    outbuf_printf(o, "<p>Target class %d (", r->tw.target);
    h(o, lrp_model_label(x->model, (size_t)r->tw.target));
    outbuf_printf(o, "), %zu word occurrences ranked; the first %zu distinct words. Colour: the word's own treebank leaf "
                     "label at that occurrence (<span class=\"lp\">positive</span>, <span class=\"ln\">negative</span>, "
                     "neutral).</p>\n<div class=\"row\">\n",
                  r->tw.occurrences, r->tw.k);
    for (int table = 0; table < 2; table++) {
        outbuf_printf(o, "<table class=\"words\"><caption>%s</caption>\n<tr><th></th><th>SA most</th><th>SA least</th>"
                         "<th>LRP most</th><th>LRP least</th></tr>\n",
                      table ? "the paper (" PAPER_STR(PAPER_TEST_SENTENCES) " test sentences, its model)" : "this model");
        size_t rows = table ? PAPER_TOP_WORDS : 0;
        if (!table)
            for (int c = 0; c < 4; c++)
                if (r->tw.n[order[c][0]][order[c][1]] > rows) rows = r->tw.n[order[c][0]][order[c][1]];
        for (size_t k = 0; k < rows; k++) {
            outbuf_printf(o, "<tr><td>%zu</td>", k + 1);
            for (int c = 0; c < 4; c++) {
                if (table) {
                    cell(o, "td", paper[c][k]);
                    continue;
                }
                int m = order[c][0], l = order[c][1];
                if (k >= r->tw.n[m][l]) {
                    outbuf_puts(o, "<td></td>");
                    continue;
                }
                const exp_ranked *e = &r->tw.list[m][l][k];
                int lab = expcmd_leaf_label(x, e->occurrence);
                outbuf_printf(o, "<td class=\"%s\" title=\"%.4g\">", lab > 2 ? "lp" : (lab >= 0 && lab < 2 ? "ln" : ""), e->value);
                h(o, e->word);
                outbuf_puts(o, "</td>");
            }
            outbuf_puts(o, "</tr>\n");
        }
        outbuf_puts(o, "</table>\n");
    }
    outbuf_puts(o, "</div>\n");
    csv_link(o, "top_words.csv", "each listed word with its relevance, count, line and leaf label");
}

static void html_deletion(outbuf *o, const report *r)
{
    outbuf_printf(o, "<p>%zu sentence%s of at least 10 words; relevance for the true class on the original sentence; a word "
                     "is deleted by zeroing its embedding; ties by position. Random: mean over %zu run%s (seed %llu), the band "
                     "&plusmn; one standard deviation.</p>\n<div class=\"row\">\n",
                  r->del.sentences, cli_s(r->del.sentences), r->del.random_runs, cli_s(r->del.random_runs),
                  (unsigned long long)r->seed);
    for (int panel = 0; panel < 2; panel++) {
        outbuf_puts(o, "<figure>");
        deletion_write_panel_svg(o, &r->del, panel);
        outbuf_puts(o, "</figure>\n");
    }
    outbuf_puts(o, "</div>\n<table class=\"num\"><tr><th>panel</th><th>k</th><th>LRP</th><th>LRP_cons</th><th>SA</th><th>GI</th>"
                   "<th>random</th><th>std</th></tr>\n");
    for (int panel = 0; panel < 2; panel++) {
        const exp_deletion_panel *p = panel ? &r->del.false_ : &r->del.correct;
        for (size_t k = 0; k <= r->del.max_deletions; k++) {
            outbuf_printf(o, "<tr><td>%s (%zu)</td><td>%zu</td>", panel ? "false" : "correct", p->n, k);
            for (int v = 0; v < EXP_DEL_VARIANTS; v++) outbuf_printf(o, "<td>%.3f</td>", p->accuracy[v][k]);
            outbuf_printf(o, "<td>%.3f</td></tr>\n", p->random_std[k]);
        }
    }
    outbuf_puts(o, "</table>\n");
    csv_link(o, "deletion.csv", "both panels, k = 0..5");
}

static void html_position(outbuf *o, const report *r)
{
    const expcmd *x = r->x;
    outbuf_printf(o, "<p>%zu sentence%s of at least 19 words, 10 equal intervals; LRP |R|, SA R; each distribution sums to 1. "
                     "Left encoder: forward; right encoder: backward. Hover over a bar for its value.</p>\n",
                  r->pos.sentences, cli_s(r->pos.sentences));
    for (int m = 0; m < EXP_POS_METHODS; m++) {
        outbuf_puts(o, "<figure>");
        position_write_grid_svg(o, &r->pos, x->model, m);
        outbuf_puts(o, "</figure>\n");
    }
    outbuf_puts(o, "<table class=\"num\"><tr><th>method</th><th>target</th><th>second half</th><th>roughness fwd</th>"
                   "<th>roughness bwd</th></tr>\n");
    for (int m = 0; m < EXP_POS_METHODS; m++)
        for (size_t c = 0; c < r->C; c++) {
            outbuf_printf(o, "<tr><td>%s</td><td>", m == EXP_POS_LRP ? "LRP" : "SA");
            h(o, lrp_model_label(x->model, c));
            outbuf_printf(o, "</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>\n", r->second_half[m][c], r->rough[m][c][0],
                          r->rough[m][c][1]);
        }
    outbuf_puts(o, "</table>\n");
    csv_link(o, "position.csv", "every distribution");
    csv_link(o, "position_summary.csv", "share in the second half, roughness of each encoder's distribution");
}

/* the parts of index.html after the findings, in order: each one's heading, the paper's words
 * that it reproduces, and the function writing our numbers below them */
static const struct report_part {
    const char *id, *title, *paper;
    void (*write)(outbuf *o, const report *r);
} parts[] = {
    {"accuracy", "1. Accuracy",
     "On five-class sentiment prediction of full sentences (very negative, negative, neutral, positive, very "
     "positive) the model achieves 46.3% accuracy, and for binary classification (positive vs. negative, "
     "ignoring neutral sentences) the test accuracy is 82.9%.",
     html_accuracy},
    {"heatmaps", "2. Heatmaps (Figures 1 and 2)",
     "SA does not clearly distinguish between words speaking for or against the target class. [...] On the "
     "contrary, LRP can discern more reliably between words addressing a negative sentiment, such as waste (1), "
     "horrible (3), disaster (6), repetitive (9) (highlighted in red), or difficult (19) (highlighted in blue), "
     "from words indicating a positive opinion, like funny (2), suspenseful (2), romantic (5), thrilling (5) "
     "(highlighted in blue). [...] when negators like n't or not are followed by words indicating a negative "
     "sentiment like waste (1) or horrible (3), they are marked by a negatively signed relevance (blue "
     "colored), while when the subsequent words express a positive impression like worth (12), surprises "
     "(14), funny (16) or good (18), they get a positively signed relevance (red colored).",
     html_heatmaps},
    {"table1", "3. Representative words (Table 1)",
     "From the SA word lists, we observe that the highest SA relevances mainly point to words with a strong "
     "semantic meaning, but not necessarily expressing a positive sentiment [...] while the lowest SA relevances "
     "correspond to stop words. On the contrary, the extremal LRP relevances are more reliable: the highest "
     "relevances indicate words expressing a positive sentiment, while the lowest relevances are attributed to "
     "words defining a negative sentiment.",
     html_top_words},
    {"deletion", "4. Word deletion (Figure 3)",
     "These results show that, in both considered cases, deleting words in decreasing or increasing order of "
     "their LRP relevance has the most pertinent effect [...]. While the LRP variant with relevance conservation "
     "LRP_cons performs almost as good as standard LRP, the latter yields slightly superior results [...]. "
     "Finally, when deleting words in increasing order of their relevance value starting with initially falsely "
     "classified sentences, we observe that SA performs even worse than random deletion.",
     html_deletion},
    {"position", "5. Relevance by position (Figure 4)",
     "Interestingly, the relevance distributions are not symmetric w.r.t. to the sentence middle, and the major "
     "part of the relevance is attributed to the second half of the sentences, except for the target class "
     "\"neutral\", where the most relevance is attributed to the last computational time steps of the left or "
     "the right encoder, resulting in an almost symmetric distribution of the total relevance for that class. "
     "[...] the relevances of the left encoder tend to be more smooth than those of the right encoder.",
     html_position},
};

static void write_index(outbuf *o, const report *r)
{
    const expcmd *x = r->x;
    render_html_begin(o, "Explaining RNN predictions: the paper's experiments, reproduced");
    outbuf_puts(o, "<style>\n"
                   "body{max-width:1200px}\n"
                   "h2{margin-top:2em;border-bottom:2px solid #ccc}\n"
                   "table{border-collapse:collapse;margin:.8em 0}\n"
                   "td,th{padding:.25em .6em;border-bottom:1px solid #e5e5e5;text-align:left;vertical-align:top}\n"
                   ".num td{text-align:right}\n"
                   ".findings td.yes{background:#d9f2d9;font-weight:bold}\n"
                   ".findings td.no{background:#f8d7d7;font-weight:bold}\n"
                   ".findings td.n\\/a{color:#777}\n"
                   "blockquote.paper{border-left:4px solid #999;margin:1em 0;padding:.3em 1em;color:#333;background:#f7f7f7}\n"
                   ".row{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start}\n"
                   "figure{margin:.5em 0}\n"
                   ".words caption{font-weight:bold;text-align:left}\n"
                   ".lp{color:#b00000}.ln{color:#0000b0}\n"
                   ".csv{font-size:90%;color:#444}\n"
                   "</style>\n");
    outbuf_puts(o, "<p>Arras, Montavon, M&uuml;ller, Samek (2017), <i>Explaining Recurrent Neural Network Predictions in "
                   "Sentiment Analysis</i>, section 4, run by <code>lrp reproduce</code> (lrp-rnn ");
    h(o, lrp_version());
    outbuf_puts(o, ").</p>\n<table>\n<tr><th>model</th><td>");
    h(o, cli_model_path(x->model_path));
    outbuf_puts(o, ": ");
    h(o, lrp_model_describe(x->model));
    outbuf_printf(o, " (E = %zu, H = %zu, vocabulary %zu)</td></tr>\n<tr><th>data</th><td>", x->info.embed_dim,
                  x->info.hidden_dim, x->info.vocab_size);
    h(o, r->data_path);
    outbuf_printf(o, " (%zu sentence%s, %zu word%s, %zu read as the unknown word)</td></tr>\n<tr><th>settings</th><td>LRP "
                     "&epsilon; = 0.001 (bias factor 0; LRP_cons: 1); random seed %llu; results do not depend on the thread "
                     "count</td></tr>\n</table>\n",
                  x->n, cli_s(x->n), x->total_words, cli_s(x->total_words), x->n_unknown, (unsigned long long)r->seed);
    outbuf_puts(o, "<h2 id=\"findings\">The paper's findings, measured on this model</h2>\n");
    html_findings(o, r);
    csv_link(o, "findings.csv", "this table");
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        const struct report_part *p = &parts[k];
        outbuf_printf(o, "<h2 id=\"%s\">%s</h2>\n<blockquote class=\"paper\"><b>The paper:</b> ", p->id, p->title);
        h(o, p->paper);
        outbuf_puts(o, "</blockquote>\n");
        p->write(o, r);
    }
    outbuf_puts(o, "<h2 id=\"choices\">Choices where the paper is ambiguous</h2>\n<ul>\n"
                   "<li>Binary accuracy: ");
    h(o, EVAL_BINARY_RULE);
    outbuf_puts(o, ".</li>\n"
                   "<li>Table 1: word occurrences ranked by relevance, the first k distinct words listed; ties by position in "
                   "the data.</li>\n"
                   "<li>Negation: a negator's group is the leaf label of the first later word that is not neutral; negators "
                   "with none are not counted.</li>\n"
                   "<li>Deletion: a deleted word's embedding is zeroed; ties in relevance by position (earlier first); "
                   "random orders from splitmix64 seeded by (seed, sentence, run); the population standard deviation.</li>\n"
                   "<li>Position: word t of T covers [t/T, (t+1)/T), split over the intervals by exact overlap; relevances "
                   "summed over the sentences, then normalised once. Each encoder's distribution uses its own relevance (SA: "
                   "the squared norm of the gradient through that encoder).</li>\n"
                   "<li>Whether a finding holds: a strict comparison of the numbers shown, without a significance test.</li>\n"
                   "</ul>\n<p>Every choice, in full: docs/experiments.md of lrp-rnn.</p>\n");
    render_html_end(o);
}

static void write_file(outbuf *o, const void *ctx)
{
    const file_job *j = ctx;
    const report *r = j->r;
    switch (j->kind) {
    case F_ACCURACY: write_accuracy_csv(o, r); break;
    case F_CONFUSION: write_confusion_csv(o, r); break;
    case F_HEATMAPS: write_heatmaps_csv(o, r); break;
    case F_TOP_WORDS: top_words_write_csv(o, r->x, &r->tw); break;
    case F_NEGATION: write_negation_csv(o, r); break;
    case F_DELETION: deletion_write_csv(o, &r->del); break;
    case F_POSITION: position_write_csv(o, &r->pos, r->x->model); break;
    case F_POSITION_SUMMARY: write_position_summary_csv(o, r); break;
    case F_FINDINGS: write_findings_csv(o, r); break;
    case F_DELETION_SVG: deletion_write_svg(o, &r->del); break;
    case F_POSITION_SVG: position_write_svg(o, &r->pos, r->x->model); break;
    case F_HEATMAPS_TEX: heatmaps_write_latex(o, r->x, &r->hm); break;
    case F_INDEX: write_index(o, r); break;
    }
}

static lrp_status fill(FILE *f, void *ctx, lrp_error *err) { return expcmd_fill(f, write_file, ctx, err); }

/* Fill a report file in a temporary file (lrp_write_prepare); exits 1 after discarding
 * the n files prepared before it when it fails. */
static void prepare_file(const report *r, const char *name, file_kind kind, lrp_pending *done, size_t n,
                         lrp_pending *p)
{
    size_t len = strlen(r->out_dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (!path) cli_die(EXIT_BAD_INPUT, "out of memory");
    snprintf(path, len, "%s/%s", r->out_dir, name);
    file_job j = {r, kind};
    lrp_error err;
    if (lrp_write_prepare(p, path, fill, &j, &err) != LRP_OK) {
        for (size_t k = 0; k < n; k++) lrp_write_discard(&done[k]);
        cli_die(EXIT_BAD_INPUT, "%s (the report in %s is left as it was)", err.message, r->out_dir);
    }
    free(path);
}

// ----------------------------------------------------------------------------
// the command

static void print_findings(const report *r, int json)
{
    outbuf *o = cli_out();
    if (json) {
        outbuf_puts(o, "{\"model\":");
        render_json_string(o, cli_model_path(r->x->model_path));
        outbuf_puts(o, ",\"architecture\":");
        render_json_string(o, lrp_model_describe(r->x->model));
        outbuf_puts(o, ",\"findings\":[");
        for (size_t k = 0; k < r->nf; k++) {
            const char *text[FINDING_TEXTS];
            const int holds = r->f[k].holds;
            finding_texts(&r->f[k], text);
            outbuf_puts(o, k ? ",{" : "{");
            for (int j = 0; j < FINDING_TEXTS; j++) {
                outbuf_printf(o, "%s\"%s\":", j ? "," : "", finding_text_names[j]);
                render_json_string(o, text[j]);
            }
            outbuf_printf(o, ",\"holds\":%s}", holds == HOLDS_NA ? "null" : holds ? "true" : "false");
        }
        outbuf_puts(o, "],\"report\":");
        size_t len = strlen(r->out_dir) + 12;
        char *p = malloc(len);
        if (!p) cli_die(EXIT_BAD_INPUT, "out of memory");
        snprintf(p, len, "%s/index.html", r->out_dir);
        render_json_string(o, p);
        free(p);
        outbuf_puts(o, "}\n");
        return;
    }
    outbuf_puts(o, "model: ");
    render_terminal_text(o, cli_model_path(r->x->model_path));
    outbuf_puts(o, ": ");
    render_terminal_text(o, lrp_model_describe(r->x->model));
    outbuf_putc(o, '\n');
    for (size_t k = 0; k < r->nf; k++) {
        const finding *g = &r->f[k];
        char tag[8];
        snprintf(tag, sizeof tag, "[%s]", holds_name(g->holds));
        outbuf_printf(o, "%-5s %-9s ", tag, g->section);
        render_terminal_text(o, g->paper);
        outbuf_printf(o, "\n%16s", "");
        render_terminal_text(o, g->measure);
        outbuf_printf(o, ": ");
        render_terminal_text(o, g->ours);
        outbuf_putc(o, '\n');
    }
    outbuf_printf(o, "report: ");
    render_terminal_text(o, r->out_dir);
    outbuf_printf(o, "/index.html\n");
}

/* --data DIR -> DIR/test.txt; a file as it is */
static char *data_file(const char *data)
{
    struct stat st;
    size_t len = strlen(data) + 16;
    char *p = malloc(len);
    if (!p) cli_die(EXIT_BAD_INPUT, "out of memory");
    if (strcmp(data, "-") != 0 && stat(data, &st) == 0 && S_ISDIR(st.st_mode)) snprintf(p, len, "%s/test.txt", data);
    else snprintf(p, len, "%s", data);
    return p;
}

static void make_out_dir(const char *dir)
{
    struct stat st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        cli_die(EXIT_BAD_INPUT, "cannot create the output directory %s: %s", dir, strerror(errno));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) cli_die(EXIT_BAD_INPUT, "--out %s is not a directory", dir);
}

int cmd_reproduce(int argc, char **argv)
{
    enum { O_OUT = 256, O_LINES };
    static const struct option longopts[] = {{"out", required_argument, NULL, O_OUT},
                                             {"lines", required_argument, NULL, O_LINES},
                                             EXPCMD_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    expcmd x;
    expcmd_init(&x, formats);
    x.data_help = "  --data DIR|FILE     a directory holding test.txt (such as ../shared/data/sst),\n"
                  "                      or a file of labelled sentences: treebank trees or\n"
                  "                      LABEL<TAB>sentence lines (required)\n";
    const char *out = NULL, *lines = NULL;
    int c;
    while ((c = expcmd_getopt(&x, argc, argv, longopts, usage)) != -1) {
        switch (c) {
        case O_OUT: out = optarg; break;
        case O_LINES: lines = optarg; break;
        }
    }
    if (!out) cli_usage("--out DIR is required: the directory of the report");
    if (!x.data_path)
        cli_usage("--data is required: a directory holding test.txt (such as ../shared/data/sst), or a file");
    size_t n_lines = 0, *idx = NULL;
    if (lines) idx = heatmaps_parse_lines(lines, &n_lines);
    free(idx);
    char *data = data_file(x.data_path);
    x.data_path = data;
    expcmd_load(&x);
    make_out_dir(out);

    report *r = calloc(1, sizeof *r);
    if (!r) cli_die(EXIT_BAD_INPUT, "out of memory");
    r->x = &x;
    r->data_path = data;
    r->out_dir = out;
    r->seed = x.seed;
    r->has_leaf_labels = x.corpus.sentences[0].word_labels != NULL;
    r->C = x.info.classes < MAX_CLASSES ? x.info.classes : MAX_CLASSES;
    lrp_error err;
    lrp_status st;
    exp_run run;

    /* 1. accuracy (evaluate.h) */
    expcmd_run(&x, &run, "accuracy");
    {
        lrp_sentence *views = malloc(x.n * sizeof *views);
        int *labels = malloc(x.n * sizeof *labels);
        if (!views || !labels) cli_die(EXIT_BAD_INPUT, "out of memory");
        for (size_t i = 0; i < x.n; i++) {
            views[i] = (lrp_sentence){x.sentences[i].ids, x.sentences[i].T, NULL};
            labels[i] = x.sentences[i].label;
        }
        st = eval_sentences(x.model, views, labels, x.n, x.threads, NULL, &r->ev, &err);
        free(views);
        free(labels);
        if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);
    }

    /* 2. heatmaps: the paper's lines when the data has them, else the first 21 sentences */
    expcmd_run(&x, &run, "heatmaps");
    if (lines) {
        idx = heatmaps_parse_lines(lines, &n_lines);
        heatmaps_resolve_lines(&x, idx, n_lines);
    } else {
        idx = malloc(PAPER_HEATMAP_LINES * sizeof *idx);
        if (!idx) cli_die(EXIT_BAD_INPUT, "out of memory");
        int paper = x.n == PAPER_TEST_SENTENCES;
        for (size_t k = 0; k < PAPER_HEATMAP_LINES && paper; k++)
            paper = (idx[k] = heatmaps_find_line(&x, heatmaps_paper_lines[k])) != (size_t)-1;
        n_lines = paper ? PAPER_HEATMAP_LINES : (x.n < PAPER_HEATMAP_LINES ? x.n : PAPER_HEATMAP_LINES);
        if (!paper)
            for (size_t k = 0; k < n_lines; k++) idx[k] = k;
    }
    heatmaps_compute(&x, &run, idx, n_lines, &r->hm);
    free(idx);

    /* 3. Table 1, for the last class (very positive) */
    expcmd_run(&x, &run, "top words");
    r->tw.target = (int)x.info.classes - 1;
    r->tw.k = PAPER_TOP_WORDS;
    r->tw.aggregate = EXP_AGG_OCCURRENCE;
    r->tw.min_count = 1;
    top_words_compute(&x, &run, &r->tw);

    /* 4. negation, for the first class (very negative) */
    if (r->has_leaf_labels) {
        expcmd_run(&x, &run, "negation");
        double *rel = malloc(x.total_words * sizeof *rel);
        if (!rel) cli_die(EXIT_BAD_INPUT, "out of memory");
        st = exp_word_relevance(x.model, x.sentences, x.n, 0, LRP_METHOD_LRP, &run, rel, &err);
        if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);
        for (size_t i = 0; i < x.n; i++)
            exp_negation_add(&r->neg, x.words + x.offset[i], expcmd_word_labels(&x, i), rel + x.offset[i], x.sentences[i].T,
                             (int)x.info.classes / 2);
        free(rel);
    }

    /* 5. deletion */
    expcmd_run(&x, &run, "deletion");
    exp_deletion_options dopt;
    exp_deletion_options_init(&dopt);
    dopt.seed = x.seed;
    st = exp_deletion(x.model, x.sentences, x.n, &dopt, &run, &r->del, &err);
    if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);

    /* 6. position */
    expcmd_run(&x, &run, "position");
    st = exp_position(x.model, x.sentences, x.n, PAPER_POSITION_MIN_LENGTH, PAPER_POSITION_BINS, &run, &r->pos, &err);
    if (st != LRP_OK) cli_die(cli_exit_code(st), "%s", err.message);
    for (int m = 0; m < EXP_POS_METHODS; m++)
        for (size_t cl = 0; cl < r->C; cl++) {
            r->second_half[m][cl] = exp_second_half(exp_position_dist(&r->pos, m, cl, EXP_POS_TOTAL), r->pos.bins);
            r->rough[m][cl][0] = exp_roughness(exp_position_dist(&r->pos, m, cl, EXP_POS_FWD), r->pos.bins);
            r->rough[m][cl][1] = r->pos.has_bwd ? exp_roughness(exp_position_dist(&r->pos, m, cl, EXP_POS_BWD), r->pos.bins) : NAN;
        }
    expcmd_progress_done(&x);

    /* 7. the findings and the files */
    findings(r);
    static const struct {
        const char *name;
        file_kind kind;
    } files[] = {{"accuracy.csv", F_ACCURACY},   {"confusion.csv", F_CONFUSION},
                 {"heatmaps.csv", F_HEATMAPS},   {"top_words.csv", F_TOP_WORDS},
                 {"negation.csv", F_NEGATION},   {"deletion.csv", F_DELETION},
                 {"position.csv", F_POSITION},   {"position_summary.csv", F_POSITION_SUMMARY},
                 {"findings.csv", F_FINDINGS},   {"deletion.svg", F_DELETION_SVG},
                 {"position.svg", F_POSITION_SVG}, {"heatmaps.tex", F_HEATMAPS_TEX},
                 {"index.html", F_INDEX}};
    /* every file is filled first, then all are renamed into place: a failure leaves the
     * old report whole, never a mix of old and new files */
    enum { N_FILES = sizeof files / sizeof files[0] };
    lrp_pending pending[N_FILES];
    for (size_t k = 0; k < N_FILES; k++) prepare_file(r, files[k].name, files[k].kind, pending, k, &pending[k]);
    for (size_t k = 0; k < N_FILES; k++)
        if (lrp_write_commit(&pending[k], &err) != LRP_OK) {
            for (size_t j = k + 1; j < N_FILES; j++) lrp_write_discard(&pending[j]);
            cli_die(EXIT_BAD_INPUT, "%s (the report in %s is incomplete: %zu of its %d files were replaced)",
                    err.message, out, k, (int)N_FILES);
        }
    print_findings(r, strcmp(expcmd_format(&x), "json") == 0);
    cli_flush_output();

    eval_result_free(&r->ev);
    heatmaps_free(&r->hm);
    top_words_free(&r->tw);
    exp_deletion_free(&r->del);
    exp_position_free(&r->pos);
    free(r);
    expcmd_free(&x);
    free(data);
    return EXIT_OK;
}
