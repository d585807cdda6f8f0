/*
 * test_tokenize.c - hand-written cases for every rule of the tokenizer
 * (lrp_tokenize), the text checks (invalid UTF-8, NUL, control characters), the
 * pretokenized splitter (lrp_split_tokens), lrp_encode with and without an unk
 * word, and very long input (10 MB lines of the shapes that could make a
 * scanner quadratic).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/model.h"
#include "testutil.h"

/* The tokens joined by single spaces (tokens never hold an ASCII space). */
static char *joined(const lrp_tokens *t) { return tu_join(t->tokens, t->count); }

typedef struct tcase {
    const char *text;
    int lowercase;
    const char *want; /* tokens joined by spaces */
} tcase;

static void check_cases(const char *rule, const tcase *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        lrp_tokens t;
        lrp_error err;
        lrp_status st = lrp_tokenize(cases[i].text, strlen(cases[i].text), cases[i].lowercase, &t, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        if (st != LRP_OK) continue;
        char *got = joined(&t);
        TU_CHECK(strcmp(got, cases[i].want) == 0, "%s: [%s]\n    got  [%s]\n    want [%s]", rule,
                 cases[i].text, got, cases[i].want);
        free(got);
        lrp_tokens_free(&t);
        TU_CHECK(t.count == 0 && t.tokens == NULL, "lrp_tokens_free leaves an empty list");
    }
}

#define CASES(rule, ...)                                                                           \
    do {                                                                                           \
        static const tcase c_[] = {__VA_ARGS__};                                                   \
        check_cases(rule, c_, sizeof c_ / sizeof *c_);                                             \
    } while (0)

// ----------------------------------------------------------------------------
// rules

static void test_rules(void)
{
    CASES("the issue's example",
          {"Don't waste your money.", 1, "do n't waste your money ."},
          {"Don't waste your money.", 0, "Do n't waste your money ."});
    CASES("n't",
          {"can't", 0, "ca n't"}, {"won't", 0, "wo n't"}, {"Ain't", 0, "Ai n't"},
          {"DON'T", 0, "DO N'T"}, {"DON'T", 1, "do n't"}, {"doesn't", 0, "does n't"},
          {"couldn't've", 0, "could n't 've"}, {"n't", 0, "n't"});
    CASES("clitics",
          {"It's they're we've I'll he'd I'm", 0, "It 's they 're we 've I 'll he 'd I 'm"},
          {"IT'S", 0, "IT 'S"}, {"O'Fallon's", 0, "O'Fallon 's"}, {"the 1990's", 0, "the 1990 's"},
          {"he'd've", 0, "he 'd 've"}, {"let's", 0, "let 's"});
    CASES("cannot", {"I cannot", 0, "I can not"}, {"Cannot", 1, "can not"},
          {"cannot's", 0, "can not 's"});
    CASES("clitics only after a letter or digit",
          {"Do/n't", 0, "Do\\/n't"}, {"ab.n't", 0, "ab.n't"}, {"R&n't", 0, "R&n't"},
          {"x-'s", 0, "x - 's"});
    CASES("inner apostrophes stay",
          {"O'Neill y'all o'clock d'etre L'Avventura hors-d'oeuvre C'mon rock'n'roll", 0,
           "O'Neill y'all o'clock d'etre L'Avventura hors-d'oeuvre C'mon rock'n'roll"});
    CASES("apostrophe words",
          {"rock 'n' roll", 0, "rock 'n' roll"}, {"nice 'n safe", 0, "nice 'n safe"},
          {"kill 'em all", 0, "kill 'em all"}, {"'til dawn", 0, "'til dawn"},
          {"the '70s, '53 and '90s", 0, "the '70s , '53 and '90s"},
          {"good ol' boys", 0, "good ol' boys"}, {"'cause", 0, "'cause"});
    CASES("trailing apostrophe",
          {"Achilles' heel", 0, "Achilles ' heel"}, {"cryin' out loud", 0, "cryin ' out loud"},
          {"the kids'.", 0, "the kids ' ."});
    CASES("single quotes",
          {"the 'small' movie", 0, "the ` small ' movie"},
          {"yell 'Safe!'", 0, "yell ` Safe ! '"},
          {"'worse than expected,' but", 0, "` worse than expected , ' but"},
          {"'Tis", 0, "` Tis"}, {"`x'", 0, "` x '"}, {"a ' b", 0, "a ' b"});
    CASES("double quotes",
          {"\"Girl in Bar #3.\"", 0, "`` Girl in Bar # 3 . ''"},
          {"He said \"hi\" to me", 0, "He said `` hi '' to me"},
          {"(\"x\")", 0, "-LRB- `` x '' -RRB-"},
          {"a \" b", 0, "a '' b"},
          {"\xE2\x80\x9Cx\xE2\x80\x9D", 0, "`` x ''"},   /* “x” */
          {"\xC2\xABx\xC2\xBB", 0, "`` x ''"},           /* «x» */
          {"``x''", 0, "`` x ''"});
    CASES("curly apostrophes",
          {"Don\xE2\x80\x99t", 1, "do n't"},
          {"Soderbergh\xE2\x80\x99s \xE2\x80\x98Solaris\xE2\x80\x99", 0, "Soderbergh 's ` Solaris '"},
          {"O\xE2\x80\x99Neill \xE2\x80\x99""70s", 0, "O'Neill '70s"});
    CASES("brackets",
          {"(and who knew?)", 1, "-lrb- and who knew ? -rrb-"},
          {"(and who knew?)", 0, "-LRB- and who knew ? -RRB-"},
          {"[x] {y}", 0, "-LRB- x -RRB- -LRB- y -RRB-"},
          {"(T)here's", 0, "-LRB- T -RRB- here 's"});
    CASES("slash and star",
          {"writer/director and/or 9/11", 0, "writer\\/director and\\/or 9\\/11"},
          {"and / or", 0, "and \\/ or"}, {"/", 0, "\\/"},
          {"M*A*S*H", 0, "M \\* A \\* S \\* H"}, {"a***", 0, "a \\*\\*\\*"},
          {"writer\\/director \\*\\*", 0, "writer\\/director \\*\\*"});
    CASES("ellipsis and dashes",
          {"but... it", 0, "but ... it"}, {"wait\xE2\x80\xA6", 0, "wait ..."},
          {"no..", 0, "no ..."}, {". . .", 0, ". . ."},
          {"hits--a few", 0, "hits -- a few"}, {"a\xE2\x80\x94" "b", 0, "a -- b"},
          {"a \xE2\x80\x93 b", 0, "a -- b"}, {"word---word", 0, "word -- word"},
          {"a - b", 0, "a - b"}, {"-- but", 0, "-- but"});
    CASES("hyphens",
          {"well-drawn must-see coming-of-age", 0, "well-drawn must-see coming-of-age"},
          {"anti- and pro-war", 0, "anti- and pro-war"},
          {"black-&-white", 0, "black - & - white"},
          {"-word", 0, "- word"});
    CASES("numbers",
          {"$9.50", 0, "$ 9.50"}, {"20,000 and 1.8", 0, "20,000 and 1.8"}, {"10:30", 0, "10:30"},
          {"100%", 0, "100 %"}, {"-5 and .5", 0, "-5 and .5"}, {"3,and", 0, "3 , and"},
          {"in 1975.", 0, "in 1975 ."}, {"8\xC2\xA0" "1/2", 0, "8\xC2\xA0" "1\\/2"},
          {"8 1/2", 0, "8 1\\/2"}, {"#9", 0, "# 9"});
    CASES("abbreviations",
          {"Mr. Deeds", 0, "Mr. Deeds"}, {"U.S. viewers", 0, "U.S. viewers"},
          {"about E.T.", 0, "about E.T."}, {"In a word: No.", 0, "In a word : No. ."},
          {"No. 9", 0, "No. 9"}, {"injuries, etc.", 0, "injuries , etc. ."},
          {"(Gang, etc.), the", 0, "-LRB- Gang , etc. -RRB- , the"},
          {"Mulholland Dr.", 0, "Mulholland Dr."}, {"J. K. Rowling", 0, "J. K. Rowling"},
          {"to a T.", 0, "to a T."}, {"the end.", 0, "the end ."},
          {"Scotland, PA. blurs", 0, "Scotland , PA. blurs"}, {"a wash.", 0, "a wash ."},
          {"Seattle, Wash. and", 0, "Seattle , Wash. and"}, {"feel ill.", 0, "feel ill ."},
          {"mr. smith vs. mrs. jones, pa.", 0, "mr. smith vs. mrs. jones , pa. ."},
          {"feardotcom.com.", 0, "feardotcom.com ."}, {"i.e. this", 0, "i.e. this"},
          {"Warner Bros.", 1, "warner bros. ."}, {"etc...", 0, "etc ..."},
          {"E.T", 0, "E.T"});
    CASES("punctuation",
          {"Really?!?", 0, "Really ?!?"}, {"Yes!", 0, "Yes !"}, {"a, b; c: d", 0, "a , b ; c : d"},
          {"B+", 0, "B +"}, {"S&M and R&B", 0, "S&M and R&B"}, {"Lovely & Amazing", 0, "Lovely & Amazing"},
          {"a=b", 0, "a = b"}, {"\xE2\x82\xAC" "5", 0, "\xE2\x82\xAC 5"}, {"x@y.com", 0, "x@y.com"});
    CASES("words kept whole", {"gonna wanna gotta", 0, "gonna wanna gotta"});
    CASES("non-ASCII letters",
          {"Caf\xC3\xA9 na\xC3\xAFve Ch\xC3\xA2teau", 1, "caf\xC3\xA9 na\xC3\xAFve ch\xC3\xA2teau"},
          {"\xC3\x80\xC3\x89\xC3\x8E \xC5\xB8 \xC5\x81\xC3\xB3" "d\xC5\xBA", 1,
           "\xC3\xA0\xC3\xA9\xC3\xAE \xC3\xBF \xC5\x82\xC3\xB3" "d\xC5\xBA"},          /* ÀÉÎ Ÿ Łódź */
          {"\xCE\x91\xCE\x92\xCE\x93 \xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", 1,
           "\xCE\xB1\xCE\xB2\xCE\xB3 \xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"}, /* ΑΒΓ Привет */
          {"\xC3\x97 \xC4\xB0", 1, "\xC3\x97 \xC4\xB0"}, /* × and İ stay */
          {"fun\xF0\x9F\x98\x80!", 0, "fun\xF0\x9F\x98\x80 !"});
    CASES("spaces",
          {"  a\tb\n\r c\v\fd  ", 0, "a b c d"}, {"a\xC2\xA0" "b\xE2\x80\x83" "c\xC2\x85" "d", 0, "a b c d"},
          {"\xEF\xBB\xBFhi", 0, "hi"}, {"", 0, ""}, {"   \t ", 0, ""});
    CASES("treebank text reads back as itself",
          {"do n't ca n't it 's -LRB- x -RRB- `` y '' ` z ' \\/ \\*\\* etc. . '70s 'n' -- ...", 0,
           "do n't ca n't it 's -LRB- x -RRB- `` y '' ` z ' \\/ \\*\\* etc. . '70s 'n' -- ..."},
          {"-lrb- a -rrb-", 1, "-lrb- a -rrb-"}, {"-LSB- a -RSB-", 1, "-lsb- a -rsb-"});
}

// ----------------------------------------------------------------------------
// text checks

typedef struct bad_case {
    const char *text;
    size_t len;
    size_t offset; /* byte offset the message must name */
    const char *what;
} bad_case;

static void test_bad_text(void)
{
    static const bad_case cases[] = {
        {"ab\xC0\xAF", 4, 2, "overlong"},            /* 2-byte overlong '/' */
        {"\xE0\x80\xAF", 3, 0, "overlong"},          /* 3-byte overlong */
        {"x\xF0\x80\x80\xAF", 5, 1, "overlong"},     /* 4-byte overlong */
        {"\xED\xA0\x80", 3, 0, "surrogate"},         /* U+D800 */
        {"a \xED\xBF\xBF", 5, 2, "surrogate"},       /* U+DFFF */
        {"\xF4\x90\x80\x80", 4, 0, "U+10FFFF"},      /* U+110000 */
        {"\xF5\x80\x80\x80", 4, 0, "never used"},
        {"ok \xFF", 4, 3, "never used"},
        {"abc\xE2\x82", 5, 3, "truncated"},          /* cut by the end */
        {"\xE2\x28\xA1", 3, 0, "truncated"},         /* cut by an ASCII byte */
        {"caf\xC3", 4, 3, "truncated"},
        {"\x80", 1, 0, "continuation"},
        {"ab\0cd", 5, 2, "NUL"},
        {"a\x1b[31m", 6, 1, "U+001B"},
        {"del\x7f", 4, 3, "U+007F"},
        {"x\xC2\x80", 3, 1, "U+0080"},               /* C1 control */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const bad_case *c = &cases[i];
        char at[48];
        snprintf(at, sizeof at, "at byte %zu", c->offset);
        for (int split = 0; split < 2; split++) {
            lrp_tokens t = {7, (char **)&t}; /* garbage: must be reset */
            lrp_error err;
            lrp_status st = split ? lrp_split_tokens(c->text, c->len, 0, &t, &err)
                                  : lrp_tokenize(c->text, c->len, 1, &t, &err);
            TU_CHECK_STATUS(st, LRP_ERR_INPUT, err);
            TU_CHECK(strstr(err.message, at) && strstr(err.message, c->what),
                     "case %zu: message \"%s\" should name \"%s\" and \"%s\"", i, err.message, at,
                     c->what);
            TU_CHECK(t.count == 0 && t.tokens == NULL, "case %zu: no tokens on failure", i);
        }
    }
    /* every valid boundary is accepted: U+0080 (after C1), U+07FF, U+0800, U+FFFF,
     * U+10000, U+10FFFF, U+D7FF, U+E000; tab is a separator */
    static const char ok[] = "\xC2\xA9 \xDF\xBF \xE0\xA0\x80 \xEF\xBF\xBF \xF0\x90\x80\x80 "
                             "\xF4\x8F\xBF\xBF \xED\x9F\xBF \xEE\x80\x80\tz";
    lrp_tokens t;
    lrp_error err;
    lrp_status st = lrp_tokenize(ok, strlen(ok), 0, &t, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    TU_CHECK(st != LRP_OK || t.count == 9, "boundary code points: %zu tokens, expected 9", t.count);
    lrp_tokens_free(&t);

    /* NULL arguments */
    st = lrp_tokenize("x", 1, 0, NULL, &err);
    TU_CHECK_STATUS(st, LRP_ERR_ARGUMENT, err);
    st = lrp_tokenize(NULL, 3, 0, &t, &err);
    TU_CHECK_STATUS(st, LRP_ERR_ARGUMENT, err);
    st = lrp_tokenize(NULL, 0, 0, &t, NULL);
    TU_CHECK(st == LRP_OK && t.count == 0, "NULL text of length 0 is the empty text");
    st = lrp_split_tokens(NULL, 1, 0, &t, &err);
    TU_CHECK_STATUS(st, LRP_ERR_ARGUMENT, err);
    lrp_tokens_free(NULL);
}

// ----------------------------------------------------------------------------
// pretokenized

static void test_split(void)
{
    static const struct {
        const char *text;
        int lowercase;
        const char *want;
    } cases[] = {
        {"do n't  waste\tyour money .", 0, "do n't waste your money ."},
        {"(x) Don't", 0, "(x) Don't"},               /* taken as they are */
        {"-LRB- ABC D\xC3\xA9J\xC3\x80 -RRB-", 1, "-lrb- abc d\xC3\xa9j\xC3\xA0 -rrb-"},
        {"\t \r\n", 0, ""},
        {"a\xC2\xA0" "b", 0, "a\xC2\xA0" "b"},       /* only ASCII spaces and tabs separate */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        lrp_tokens t;
        lrp_error err;
        lrp_status st = lrp_split_tokens(cases[i].text, strlen(cases[i].text), cases[i].lowercase, &t, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        char *got = joined(&t);
        TU_CHECK(strcmp(got, cases[i].want) == 0, "split [%s]: got [%s], want [%s]", cases[i].text, got,
                 cases[i].want);
        free(got);
        lrp_tokens_free(&t);
    }
}

// ----------------------------------------------------------------------------
// encode

static void test_encode(void)
{
    lrp_model *m = tu_random_model(6, 2, 2, 2, 1, 2, 0, 0.1, 1);
    TU_CHECK(m != NULL, "random model");
    if (!m) return;
    lrp_tokens t;
    lrp_error err;
    const char *text = "w1 zzz w2 yy w3 a b c d e";
    lrp_status st = lrp_split_tokens(text, strlen(text), 0, &t, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    int32_t ids[10];
    unsigned char unknown[10];

    /* no unk word: fails naming the first five unknown words and the count */
    st = lrp_encode(m, &t, ids, unknown, &err);
    TU_CHECK_STATUS(st, LRP_ERR_INPUT, err);
    TU_CHECK(ids[0] == 1 && ids[1] == -1 && unknown[0] == 0 && unknown[1] == 1,
             "without unk: ids %d %d, unknown %d %d", ids[0], ids[1], unknown[0], unknown[1]);
    TU_CHECK(strstr(err.message, "7 unknown words") && strstr(err.message, "\"zzz\", \"yy\", \"a\", \"b\", \"c\"") &&
                 strstr(err.message, "and 2 more") && !strstr(err.message, "\"d\""),
             "message \"%s\"", err.message);
    lrp_tokens one = {1, t.tokens + 1};
    st = lrp_encode(m, &one, ids, NULL, &err);
    TU_CHECK(st == LRP_ERR_INPUT && strstr(err.message, "1 unknown word and") &&
                 strstr(err.message, "\"zzz\"") && !strstr(err.message, "more"),
             "one unknown word: \"%s\"", err.message);

    /* with an unk word: mapped to it and marked */
    TU_CHECK_STATUS(model_set_unk(m, "w0", &err), LRP_OK, err);
    st = lrp_encode(m, &t, ids, unknown, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    static const int32_t want_ids[10] = {1, 0, 2, 0, 3, 0, 0, 0, 0, 0};
    static const unsigned char want_unk[10] = {0, 1, 0, 1, 0, 1, 1, 1, 1, 1};
    for (size_t i = 0; i < 10; i++)
        TU_CHECK(ids[i] == want_ids[i] && unknown[i] == want_unk[i], "token %zu (%s): id %d unknown %d",
                 i, t.tokens[i], ids[i], unknown[i]);
    st = lrp_encode(m, &t, ids, NULL, &err); /* unknown may be NULL */
    TU_CHECK_STATUS(st, LRP_OK, err);
    lrp_tokens none = {0, NULL};
    st = lrp_encode(m, &none, NULL, NULL, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    st = lrp_encode(m, &t, NULL, NULL, &err);
    TU_CHECK_STATUS(st, LRP_ERR_ARGUMENT, err);
    st = lrp_encode(NULL, &t, ids, NULL, &err);
    TU_CHECK_STATUS(st, LRP_ERR_ARGUMENT, err);
    lrp_tokens_free(&t);
    lrp_model_free(m);
}

// ----------------------------------------------------------------------------
// long input: each shape once, 10 MB (2 MB for those of one token per byte, to
// spare memory); a quadratic scanner would not finish

static void test_long(void)
{
    static const struct {
        const char *unit;       /* repeated to N bytes */
        size_t tokens_per_unit; /* 0: the line gives `fixed` tokens */
        size_t fixed;
        size_t mb;              /* bytes of text, in MB */
    } shapes[] = {
        {"word, ", 2, 0, 10}, /* many tokens */
        {"a-", 0, 1, 10},     /* one hyphenated word (its final hyphen kept) */
        {"A.", 0, 1, 10},     /* one acronym, final period kept */
        {"a'", 0, 2, 10},     /* a word of inner apostrophes, then a closing quote */
        {"x/", 0, 2, 10},     /* the same with slashes */
        {"?!", 0, 1, 10},     /* one run */
        {"--", 0, 1, 10},
        {"..", 0, 1, 10},
        {"''", 1, 0, 2},      /* closing quotes */
        {"((", 2, 0, 2},      /* brackets, one token each byte */
    };
    char *text = malloc((10u << 20) + 1);
    for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
        size_t u = strlen(shapes[k].unit), n = (shapes[k].mb << 20) / u * u;
        for (size_t i = 0; i < n; i += u) memcpy(text + i, shapes[k].unit, u);
        text[n] = '\0';
        clock_t t0 = clock();
        lrp_tokens t;
        lrp_error err;
        lrp_status st = lrp_tokenize(text, n, 1, &t, &err);
        double sec = (double)(clock() - t0) / CLOCKS_PER_SEC;
        TU_CHECK_STATUS(st, LRP_OK, err);
        size_t want = shapes[k].tokens_per_unit ? n / u * shapes[k].tokens_per_unit : shapes[k].fixed;
        TU_CHECK(st != LRP_OK || t.count == want, "%zu bytes of \"%s\": %zu tokens, expected %zu", n,
                 shapes[k].unit, t.count, want);
        printf("%.1f MB of \"%s\": %zu tokens in %.2f s\n", (double)n / 1048576.0, shapes[k].unit, t.count, sec);
        lrp_tokens_free(&t);
    }
    free(text);
}

int main(void)
{
    test_rules();
    test_bad_text();
    test_split();
    test_encode();
    test_long();
    return tu_finish();
}
