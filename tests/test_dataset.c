/*
 * test_dataset.c - the data reader (dataset.h) on hand-made lines and files:
 * trees (words, labels, spans in pre-order), LABEL<TAB>sentence lines (index or
 * name, tokenized or pretokenized), and every kind of malformed input, each of
 * which must give LRP_ERR_INPUT with the column and what was expected: blank
 * lines, unbalanced parentheses, missing or out-of-range labels, a node with
 * both a word and subtrees, invalid UTF-8, NUL bytes, very deep nesting. Files:
 * CRLF, blank lines, no final newline, a byte-order mark, "path:line:" in
 * messages, missing files, standard input.
 */
#include <stdlib.h>
#include <string.h>

#include "app/dataset.h"
#include "testutil.h"

static const char *const SST_LABELS[5] = {"very negative", "negative", "neutral", "positive",
                                          "very positive"};

static ds_options options(ds_format format, int lowercase)
{
    ds_options o = {.format = format, .lowercase = lowercase, .labels = SST_LABELS, .n_labels = 5};
    return o;
}

static char *words_of(const ds_sentence *s) { return tu_join(s->words, s->length); }

// ----------------------------------------------------------------------------
// trees

static void test_tree(void)
{
    ds_options o = options(DS_AUTO, 0);
    ds_sentence s;
    lrp_error err;
    const char *line = "(3 (2 it) (4 (4 (2 's) (4 good)) (2 .)))";
    lrp_status st = ds_parse_line(line, strlen(line), &o, &s, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st != LRP_OK) return;
    char *w = words_of(&s);
    TU_CHECK(strcmp(w, "it 's good .") == 0, "words \"%s\"", w);
    free(w);
    TU_CHECK(s.label == 3 && s.length == 4 && s.n_spans == 7, "label %d, length %zu, spans %zu", s.label,
             s.length, s.n_spans);
    static const int leaf[4] = {2, 2, 4, 2};
    for (size_t i = 0; i < 4 && s.word_labels; i++)
        TU_CHECK(s.word_labels[i] == leaf[i], "word %zu label %d, expected %d", i, s.word_labels[i], leaf[i]);
    static const ds_span want[7] = {{0, 4, 3}, {0, 1, 2}, {1, 4, 4}, {1, 3, 4}, {1, 2, 2}, {2, 3, 4}, {3, 4, 2}};
    for (size_t i = 0; i < 7 && i < s.n_spans; i++)
        TU_CHECK(s.spans[i].begin == want[i].begin && s.spans[i].end == want[i].end &&
                     s.spans[i].label == want[i].label,
                 "span %zu: [%u, %u) %d, expected [%u, %u) %d", i, s.spans[i].begin, s.spans[i].end,
                 s.spans[i].label, want[i].begin, want[i].end, want[i].label);
    ds_sentence_free(&s);
    ds_sentence_free(&s); /* safe twice: the first call empties it */

    static const struct {
        const char *line;
        int lowercase;
        size_t n_labels;
        const char *words;
        int label;
        size_t n_spans;
    } ok[] = {
        {"(2 (2 -LRB-) (1 Foo\\/Bar))", 1, 5, "-lrb- foo\\/bar", 2, 3},   /* lowercased words */
        {"(2 (2 -LRB-) (1 Foo))", 0, 5, "-LRB- Foo", 2, 3},
        {"  (4 great)  \r", 0, 5, "great", 4, 1},                       /* spaces, a CR */
        {"(0\t(1 a)\t(2  b ) )", 0, 5, "a b", 0, 3},                    /* tabs, extra spaces */
        {"(2(2 a)(2 b))", 0, 5, "a b", 2, 3},                           /* no space before '(' */
        {"(2 (2 a) (2 b) (2 c))", 0, 5, "a b c", 2, 4},                 /* not binary: accepted */
        {"(2 (3 a))", 0, 5, "a", 2, 2},                                 /* unary */
        {"(17 (9 x) (12 y))", 0, 0, "x y", 17, 3},                      /* n_labels 0: no bound */
        {"(1 (1 Caf\xC3\xA9) (1 \xC3\x89T\xC3\x89))", 1, 5, "caf\xC3\xA9 \xC3\xA9t\xC3\xA9", 1, 3},
    };
    ds_parser parser = {0}; /* the same lines through one parser */
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) {
        o.lowercase = ok[k].lowercase;
        o.n_labels = ok[k].n_labels;
        for (int via = 0; via < 2; via++) {
            st = via ? ds_parser_parse(&parser, ok[k].line, strlen(ok[k].line), &o, &s, &err)
                     : ds_parse_line(ok[k].line, strlen(ok[k].line), &o, &s, &err);
            TU_CHECK_STATUS(st, LRP_OK, err);
            if (st != LRP_OK) continue;
            w = words_of(&s);
            TU_CHECK(strcmp(w, ok[k].words) == 0 && s.label == ok[k].label && s.n_spans == ok[k].n_spans,
                     "[%s]%s: words \"%s\" label %d spans %zu, expected \"%s\" %d %zu", ok[k].line,
                     via ? " (ds_parser)" : "", w, s.label, s.n_spans, ok[k].words, ok[k].label, ok[k].n_spans);
            free(w);
            ds_sentence_free(&s);
        }
    }
    ds_parser_free(&parser);
}

// ----------------------------------------------------------------------------
// malformed lines

typedef struct bad_line {
    ds_format format;
    const char *line;
    size_t len;       /* 0: strlen */
    const char *want; /* the message must contain this */
} bad_line;

static void check_bad(const bad_line *b, size_t n)
{
    ds_options o = options(DS_AUTO, 0);
    ds_parser parser = {0}; /* one for every line, a good line after each bad one */
    for (size_t k = 0; k < n; k++) {
        o.format = b[k].format;
        ds_sentence s;
        lrp_error err, err2;
        size_t len = b[k].len ? b[k].len : strlen(b[k].line);
        lrp_status st = ds_parse_line(b[k].line, len, &o, &s, &err);
        TU_CHECK_STATUS(st, LRP_ERR_INPUT, err);
        TU_CHECK(strstr(err.message, b[k].want) != NULL, "[%.60s]: message \"%s\" should contain \"%s\"",
                 b[k].line, err.message, b[k].want);
        TU_CHECK(s.words == NULL && s.length == 0, "[%.60s]: no sentence on failure", b[k].line);
        st = ds_parser_parse(&parser, b[k].line, len, &o, &s, &err2);
        TU_CHECK(st == LRP_ERR_INPUT && strcmp(err.message, err2.message) == 0 && s.words == NULL,
                 "[%.60s]: ds_parser_parse: \"%s\", ds_parse_line: \"%s\"", b[k].line, err2.message, err.message);
        const char *good = "(1 (2 a) (3 (4 b) (0 c)))";
        o.format = DS_AUTO;
        st = ds_parser_parse(&parser, good, strlen(good), &o, &s, &err2);
        TU_CHECK_STATUS(st, LRP_OK, err2);
        char *w = st == LRP_OK ? words_of(&s) : NULL;
        TU_CHECK(w && strcmp(w, "a b c") == 0 && s.n_spans == 5 && s.spans[3].begin == 1 && s.spans[3].end == 2,
                 "[%.60s]: the good line after it reads \"%s\"", b[k].line, w ? w : "");
        free(w);
        ds_sentence_free(&s);
    }
    ds_parser_free(&parser);
    ds_parser_free(&parser); /* safe twice */
}

static void test_malformed(void)
{
    static const bad_line bad[] = {
        {DS_AUTO, "", 0, "empty line"},
        {DS_AUTO, " \t \r", 0, "empty line"},
        {DS_AUTO, "(2 a", 0, "column 5: expected ')' after the word \"a\", found the end of the line"},
        {DS_AUTO, "(2 (2 a)", 0, "column 9: unbalanced parentheses: 1 node still open (expected ')')"},
        {DS_AUTO, "(2 (2 (2 a)", 0, "2 nodes still open"},
        {DS_AUTO, "(2 a))", 0, "column 6: unexpected ')' after the end of the tree"},
        {DS_AUTO, "(2 a) (3 b)", 0, "column 7: unexpected '(' after the end of the tree"},
        {DS_AUTO, "(x a)", 0, "column 2: expected a label (0..4) after '(', found 'x'"},
        {DS_AUTO, "( 2 a)", 0, "column 2: expected a label"},
        {DS_AUTO, "(-1 a)", 0, "column 2: expected a label"},
        {DS_AUTO, "(2 (7 a) (2 b))", 0, "column 5: label 7 out of range (expected 0..4)"},
        {DS_AUTO, "(99999999999999999999 a)", 0, "out of range"},
        {DS_AUTO, "(2a)", 0, "column 3: expected a space after the label 2, found 'a'"},
        {DS_AUTO, "(2 )", 0, "column 4: expected a word or '(' after the label 2, found ')'"},
        {DS_AUTO, "(2", 0, "expected a word or '(' after the label 2, found the end of the line"},
        {DS_AUTO, "(", 0, "column 2: expected a label"},
        {DS_AUTO, "(2 (2 a) b)", 0, "column 10: expected '(' or ')', found 'b'"},
        {DS_AUTO, "(2 a b)", 0, "column 6: expected ')' after the word \"a\", found 'b'"},
        {DS_AUTO, "(2 a(2 b))", 0, "expected ')' after the word \"a\", found '('"},
        {DS_PTB, "2 a", 0, "column 1: expected '(' to open a tree, found '2'"},
        {DS_AUTO, "(2 caf\xC3)", 0, "column 7: invalid UTF-8: truncated"},
        {DS_AUTO, "(2 a\xC0\xAF)", 0, "column 5: invalid UTF-8: overlong"},
        {DS_AUTO, "(2 a\0b)", 7, "column 5: NUL byte"},
        {DS_AUTO, "(2 a\x01)", 0, "column 5: control character U+0001"},
        /* tsv */
        {DS_AUTO, "good movie", 0, "column 1: expected LABEL<TAB>sentence or a tree, found no tab"},
        {DS_TSV, "(2 a)", 0, "found no tab"},
        {DS_TSV, "\tgood", 0, "column 1: expected a label"},
        {DS_TSV, "  \tgood", 0, "expected a label"},
        {DS_TSV, "9\tgood", 0, "column 1: label 9 out of range (expected 0..4)"},
        {DS_TSV, "99999999999999999999\tgood", 0, "out of range"},
        {DS_TSV, "great\tgood", 0, "unknown label \"great\" (expected 0..4 or one of \"very negative\", "
                                    "\"negative\", \"neutral\", \"positive\", \"very positive\")"},
        {DS_TSV, "2\t   ", 0, "column 3: empty sentence after the label"},
        {DS_TSV, "2\t", 0, "empty sentence"},
        {DS_TSV, "2\tbad \xFF", 0, "column 7: invalid UTF-8"},
    };
    check_bad(bad, sizeof bad / sizeof *bad);

    /* NULL arguments */
    ds_options o = options(DS_AUTO, 0);
    ds_sentence s;
    lrp_error err;
    TU_CHECK_STATUS(ds_parse_line("(2 a)", 5, NULL, &s, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(ds_parse_line(NULL, 5, &o, &s, &err), LRP_ERR_ARGUMENT, err);
    TU_CHECK_STATUS(ds_parse_line("(2 a)", 5, &o, NULL, &err), LRP_ERR_ARGUMENT, err);
    ds_sentence_free(NULL);
}

/* Nesting as deep as a line can hold: no recursion, so no stack overflow. */
static void test_deep(void)
{
    const size_t D = 1000000;
    char *line = malloc(4 * D + 16), *p = line;
    for (size_t i = 0; i < D; i++) p += sprintf(p, "(1 ");
    p += sprintf(p, "(3 a)");
    for (size_t i = 0; i < D; i++) *p++ = ')';
    ds_options o = options(DS_PTB, 0);
    ds_sentence s;
    lrp_error err;
    lrp_status st = ds_parse_line(line, (size_t)(p - line), &o, &s, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    TU_CHECK(st != LRP_OK || (s.length == 1 && s.n_spans == D + 1 && s.spans[D].label == 3 &&
                              s.spans[D - 1].end == 1),
             "deep tree: length %zu spans %zu", s.length, s.n_spans);
    ds_sentence_free(&s);
    st = ds_parse_line(line, (size_t)(p - line) - 1, &o, &s, &err); /* one ')' short */
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "1 node still open"), "deep, unbalanced: %s",
             err.message);
    st = ds_parse_line(line, 3 * D, &o, &s, &err); /* only opening nodes */
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "expected a word or '('"), "deep, cut: %s",
             err.message);
    free(line);
}

// ----------------------------------------------------------------------------
// tsv

static void test_tsv(void)
{
    static const struct {
        const char *line;
        int lowercase, pretokenized;
        const char *words;
        int label;
    } ok[] = {
        {"3\tIt's good.", 1, 0, "it 's good .", 3},
        {"positive\tA (fine) film", 0, 0, "A -LRB- fine -RRB- film", 3},
        {"very negative\tbad", 0, 0, "bad", 0},
        {"  2 \t x ", 0, 0, "x", 2},
        {"4\tdo n't (x)  Bye", 1, 1, "do n't (x) bye", 4},
        {"1\tDon't\r", 0, 0, "Do n't", 1},
    };
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) {
        ds_options o = options(DS_AUTO, ok[k].lowercase);
        o.pretokenized = ok[k].pretokenized;
        ds_sentence s;
        lrp_error err;
        lrp_status st = ds_parse_line(ok[k].line, strlen(ok[k].line), &o, &s, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        if (st != LRP_OK) continue;
        char *w = words_of(&s);
        TU_CHECK(strcmp(w, ok[k].words) == 0 && s.label == ok[k].label && s.word_labels == NULL &&
                     s.n_spans == 0 && s.spans == NULL,
                 "[%s]: words \"%s\" label %d, expected \"%s\" %d", ok[k].line, w, s.label, ok[k].words,
                 ok[k].label);
        free(w);
        ds_sentence_free(&s);
    }
}

// ----------------------------------------------------------------------------
// files

static const char *write_file(const char *name, const char *bytes, size_t len)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", tu_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f) return NULL;
    fwrite(bytes, 1, len, f);
    fclose(f);
    return path;
}

static void test_files(void)
{
    static const char mixed[] = "\xEF\xBB\xBF(3 (2 It) (3 works))\r\n"
                                "\r\n"
                                "   \n"
                                "2\tA plain line.\r\n"
                                "\n"
                                "(1 (1 Bad) (2 end))"; /* no final newline */
    const char *path = write_file("mixed.txt", mixed, sizeof mixed - 1);
    TU_CHECK(path != NULL, "cannot write a temporary file");
    if (!path) return;
    ds_options o = options(DS_AUTO, 1);
    ds_corpus c;
    lrp_error err;
    lrp_status st = ds_read(path, &o, &c, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st == LRP_OK) {
        TU_CHECK(c.n == 3, "%zu sentences, expected 3", c.n);
        static const size_t lines[3] = {1, 4, 6};
        static const int labels[3] = {3, 2, 1};
        static const char *const words[3] = {"it works", "a plain line .", "bad end"};
        for (size_t i = 0; i < c.n && i < 3; i++) {
            char *w = words_of(&c.sentences[i]);
            TU_CHECK(c.sentences[i].line == lines[i] && c.sentences[i].label == labels[i] &&
                         strcmp(w, words[i]) == 0,
                     "sentence %zu: line %zu label %d \"%s\"", i, c.sentences[i].line,
                     c.sentences[i].label, w);
            free(w);
        }
        ds_free(&c);
    }
    ds_free(&c); /* safe twice */

    /* standard input */
    FILE *in = freopen(path, "rb", stdin);
    TU_CHECK(in != NULL, "freopen");
    if (in) {
        st = ds_read("-", &o, &c, &err);
        TU_CHECK(st == LRP_OK && c.n == 3, "stdin: %s, %zu sentences", err.message, c.n);
        ds_free(&c);
    }

    /* errors carry path:line: column */
    static const char bad[] = "(2 ok)\n\n(2 (2 a) (9 b))\n";
    path = write_file("bad.txt", bad, sizeof bad - 1);
    st = ds_read(path, &o, &c, &err);
    char want[1100];
    snprintf(want, sizeof want, "%s:3: column 11: label 9 out of range (expected 0..4)", path);
    TU_CHECK(st == LRP_ERR_INPUT && strcmp(err.message, want) == 0, "message \"%s\", expected \"%s\"",
             err.message, want);
    TU_CHECK(c.n == 0 && c.sentences == NULL, "no corpus on failure");

    static const char nul[] = "(2 ok)\n(2 a\0b)\n";
    path = write_file("nul.txt", nul, sizeof nul - 1);
    st = ds_read(path, &o, &c, &err);
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "nul.txt:2: column 5: NUL byte"), "NUL: %s",
             err.message);

    path = write_file("empty.txt", "", 0);
    st = ds_read(path, &o, &c, &err);
    TU_CHECK(st == LRP_OK && c.n == 0, "an empty file is an empty corpus: %s", err.message);
    ds_free(&c);

    st = ds_read("/nonexistent/sst.txt", &o, &c, &err);
    TU_CHECK(st == LRP_ERR_IO && strstr(err.message, "/nonexistent/sst.txt: cannot open"), "missing: %s",
             err.message);
    st = ds_read(tu_tmpdir(), &o, &c, &err);
    TU_CHECK(st == LRP_ERR_IO, "a directory: %s", err.message);
    TU_CHECK_STATUS(ds_read(NULL, &o, &c, &err), LRP_ERR_ARGUMENT, err);
}

int main(void)
{
    test_tree();
    test_malformed();
    test_deep();
    test_tsv();
    test_files();
    return tu_finish();
}
