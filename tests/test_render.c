/*
 * test_render.c - heatmap colours (the paper's red/blue map, SA red only), the three
 * heatmap writers, escaping for JSON, HTML and LaTeX, and doubles that round-trip.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/render.h"
#include "testutil.h"

static int same_rgb(render_rgb a, int r, int g, int b) { return a.r == r && a.g == g && a.b == b; }

#define CHECK_RGB(got, R, G, B, what)                                                              \
    TU_CHECK(same_rgb((got), (R), (G), (B)), "%s: got (%d,%d,%d), expected (%d,%d,%d)", (what),    \
             (got).r, (got).g, (got).b, (R), (G), (B))

static void test_colors(void)
{
    CHECK_RGB(render_color(0.0, 2.0, RENDER_SIGNED), 255, 255, 255, "zero is white");
    CHECK_RGB(render_color(2.0, 2.0, RENDER_SIGNED), 255, 0, 0, "largest positive is red");
    CHECK_RGB(render_color(-2.0, 2.0, RENDER_SIGNED), 0, 0, 255, "largest negative is blue");
    CHECK_RGB(render_color(1.0, 2.0, RENDER_SIGNED), 255, 128, 128, "half positive");
    CHECK_RGB(render_color(-0.5, 2.0, RENDER_SIGNED), 191, 191, 255, "quarter negative");
    CHECK_RGB(render_color(5.0, 2.0, RENDER_SIGNED), 255, 0, 0, "clipped above the normaliser");
    CHECK_RGB(render_color(1.0, 0.0, RENDER_SIGNED), 255, 255, 255, "no normaliser: white");
    CHECK_RGB(render_color(NAN, 1.0, RENDER_SIGNED), 255, 255, 255, "NaN: white");
    CHECK_RGB(render_color(3.0, 3.0, RENDER_POSITIVE), 255, 0, 0, "SA maximum is red");
    CHECK_RGB(render_color(-3.0, 3.0, RENDER_POSITIVE), 255, 255, 255, "SA: never blue");

    double r[4] = {0.5, -3.0, NAN, 1.0};
    TU_CHECK(render_norm(r, 4, RENDER_SIGNED) == 3.0, "signed norm is max |R| (NaN ignored)");
    TU_CHECK(render_norm(r, 4, RENDER_POSITIVE) == 1.0, "positive norm is max R");
    TU_CHECK(render_kind_of(LRP_METHOD_SA) == RENDER_POSITIVE && render_kind_of(LRP_METHOD_LRP) == RENDER_SIGNED &&
                 render_kind_of(LRP_METHOD_GI) == RENDER_SIGNED,
             "colour scheme per method");

    /* text colour: readable on the colour it is drawn on */
    CHECK_RGB(render_text_color((render_rgb){255, 255, 255}), 0, 0, 0, "text on white");
    CHECK_RGB(render_text_color((render_rgb){0, 0, 255}), 255, 255, 255, "text on blue");
    CHECK_RGB(render_text_color((render_rgb){255, 0, 0}), 0, 0, 0, "text on red");
    CHECK_RGB(render_text_color((render_rgb){40, 40, 40}), 255, 255, 255, "text on dark grey");
}

static void test_heatmaps(void)
{
    const char *words[3] = {"good", "<b>", "x_y"};
    double rel[3] = {2.0, -1.0, 0.0};
    unsigned char unk[3] = {0, 1, 0};
    render_heatmap h = {3, words, rel, unk, RENDER_SIGNED, 0.0};
    TU_CHECK(render_heatmap_norm(&h) == 2.0, "heatmap normaliser");

    tu_capture c;
    tu_capture_open(&c);
    render_heatmap_ansi(c.o, &h);
    char *s = tu_capture_close(&c);
    TU_CHECK(strstr(s, "\033[48;2;255;0;0m\033[38;2;0;0;0m good \033[0m") != NULL, "ansi red word: %s", s);
    TU_CHECK(strstr(s, "\033[48;2;128;128;255m") && strstr(s, "\033[4m<b>\033[24m"),
             "ansi: half blue, unknown underlined");
    TU_CHECK(strstr(s, "\033[48;2;255;255;255m\033[38;2;0;0;0m x_y \033[0m") != NULL, "ansi white word");
    TU_CHECK(s[strlen(s) - 1] == 'm' && strchr(s, '\n') == NULL, "ansi: no newline, ends reset");
    free(s);

    tu_capture_open(&c);
    render_heatmap_html(c.o, &h, "lrp for \"positive\"");
    s = tu_capture_close(&c);
    TU_CHECK(strstr(s, "<span class=\"w\" style=\"background:#ff0000;color:#000000\" "
                       "title=\"lrp for &quot;positive&quot;: 2\">good</span>") != NULL,
             "html word with tooltip: %s", s);
    TU_CHECK(strstr(s, "class=\"w unk\"") && strstr(s, ">&lt;b&gt;</span>") && strstr(s, "-1 (unknown word)"),
             "html unknown word escaped and marked: %s", s);
    free(s);

    tu_capture_open(&c);
    render_heatmap_latex(c.o, &h);
    s = tu_capture_close(&c);
    TU_CHECK(strcmp(s, "\\colorbox[RGB]{255,0,0}{\\strut good} "
                       "\\colorbox[RGB]{128,128,255}{\\strut \\underline{\\textless{}b\\textgreater{}}} "
                       "\\colorbox[RGB]{255,255,255}{\\strut x\\_y}") == 0,
             "latex heatmap: %s", s);
    free(s);

    /* SA: red only, normalised by the maximum */
    double sa[2] = {0.25, 1.0};
    render_heatmap hs = {2, words, sa, NULL, RENDER_POSITIVE, 0.0};
    tu_capture_open(&c);
    render_heatmap_latex(c.o, &hs);
    s = tu_capture_close(&c);
    TU_CHECK(strcmp(s, "\\colorbox[RGB]{255,191,191}{\\strut good} "
                       "\\colorbox[RGB]{255,0,0}{\\strut \\textless{}b\\textgreater{}}") == 0,
             "latex SA heatmap: %s", s);
    free(s);

    tu_capture_open(&c);
    render_html_begin(c.o, "a <title>");
    outbuf_puts(c.o, "BODY");
    render_html_end(c.o);
    s = tu_capture_close(&c);
    TU_CHECK(strncmp(s, "<!DOCTYPE html>", 15) == 0 && strstr(s, "<style>") && strstr(s, "a &lt;title&gt;") &&
                 strstr(s, "BODY") && strstr(s, "</html>\n") && !strstr(s, "<link") && !strstr(s, "<script"),
             "html page: self-contained, escaped title");
    free(s);
}

static char *json_of(const char *str)
{
    tu_capture c;
    tu_capture_open(&c);
    render_json_string(c.o, str);
    return tu_capture_close(&c);
}

static void test_escaping(void)
{
    /* valid UTF-8 survives a JSON round trip through cJSON */
    const char *samples[] = {"plain", "quote \" backslash \\ slash /", "tab\tnew\nline\r", "\x01\x1f\x7f",
                             "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", ""};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char *s = json_of(samples[i]);
        cJSON *j = cJSON_Parse(s);
        TU_CHECK(cJSON_IsString(j) && strcmp(j->valuestring, samples[i]) == 0, "json round trip of sample %zu: %s",
                 i, s);
        TU_CHECK(strchr(s, '\n') == NULL && strchr(s, '\t') == NULL, "json: no raw control characters: %s", s);
        cJSON_Delete(j);
        free(s);
    }
    /* invalid UTF-8 (lone continuation, overlong, surrogate, truncated) becomes U+FFFD */
    const char *bad[] = {("a\x80" "b"), "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\xf5\x80\x80\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *s = json_of(bad[i]);
        cJSON *j = cJSON_Parse(s);
        TU_CHECK(j && strstr(s, "\\ufffd") && strchr(s, 0x80) == NULL && strchr(s, 0xed) == NULL,
                 "invalid UTF-8 sample %zu replaced: %s", i, s);
        cJSON_Delete(j);
        free(s);
    }

    tu_capture c;
    tu_capture_open(&c);
    render_terminal_text(c.o, "a\033]0;x\007b\x7f\xc2\x9b" "2J caf\xc3\xa9");
    char *t = tu_capture_close(&c);
    TU_CHECK(strcmp(t, "a?]0;x?b??2J caf\xc3\xa9") == 0, "terminal text defuses control characters: %s", t);
    free(t);
    char msg[] = "a\033]0;x\007b\x7f\xc2\x9b" "2J caf\xc3\xa9\xc2";
    render_terminal_defuse(msg);
    TU_CHECK(strcmp(msg, "a?]0;x?b??2J caf\xc3\xa9\xc2") == 0, "defused in place: %s", msg);

    tu_capture_open(&c);
    render_html_text(c.o, "<a href=\"x\">&'</a>");
    char *s = tu_capture_close(&c);
    TU_CHECK(strcmp(s, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;") == 0, "html escape: %s", s);
    free(s);

    tu_capture_open(&c);
    render_latex_text(c.o, "#$%&_{}\\~^<>|\" -- `` '' \\/ a-b");
    s = tu_capture_close(&c);
    TU_CHECK(strcmp(s, "\\#\\$\\%\\&\\_\\{\\}\\textbackslash{}\\textasciitilde{}\\textasciicircum{}"
                       "\\textless{}\\textgreater{}\\textbar{}\\textquotedbl{} -{}- `` '' \\textbackslash{}/ a-b") == 0,
             "latex escape: %s", s);
    free(s);
}

/* n doubles as render_json_doubles writes them */
static char *json_doubles_of(const double *v, size_t n)
{
    tu_capture c;
    if (!tu_capture_open(&c)) return NULL;
    render_json_doubles(c.o, v, n);
    return tu_capture_close(&c);
}

static int test_doubles(void)
{
    /* the shortest text that reads back, in %.17g's spelling; null where JSON has none */
    double v[] = {0.1, -0.0, 1.5, 1e-5, 1e16, 1e17, 5e-324, -1.7976931348623157e308, INFINITY, NAN, -2.0};
    char *s = json_doubles_of(v, sizeof v / sizeof v[0]);
    TU_CHECK(s && strcmp(s, "[0.1,-0,1.5,1e-05,10000000000000000,1e+17,5e-324,"
                            "-1.7976931348623157e+308,null,null,-2]") == 0,
             "json doubles: %s", s ? s : "(none)");
    free(s);
    /* every double reads back bit for bit, across magnitudes and signs */
    enum { N = 20000 };
    double *x = malloc(N * sizeof *x);
    TU_REQUIRE(x, "out of memory");
    unsigned long long state = 42;
    for (int i = 0; i < N; i++) x[i] = (2.0 * tu_uniform(&state) - 1.0) * pow(10.0, floor(-300.0 + 600.0 * tu_uniform(&state)));
    s = json_doubles_of(x, N);
    TU_REQUIRE(s, "no output");
    cJSON *j = cJSON_Parse(s);
    int bad = !cJSON_IsArray(j) || cJSON_GetArraySize(j) != N;
    const char *p = s + 1;
    for (int i = 0; i < N && !bad; i++) {
        char *end;
        double y = strtod(p, &end);
        if (memcmp(&x[i], &y, sizeof y) != 0 && bad++ < 3) fprintf(stderr, "no round trip: %.17g -> %.*s\n", x[i], (int)(end - p), p);
        p = end + 1;
    }
    TU_CHECK(bad == 0, "%d doubles did not round-trip (or the array is not JSON)", bad);
    cJSON_Delete(j);
    free(s);
    free(x);
    return 0;
}

int main(void)
{
    test_colors();
    test_heatmaps();
    test_escaping();
    (void)test_doubles(); /* returns early (a counted failure) when it cannot go on */
    return tu_finish();
}
