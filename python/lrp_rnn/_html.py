"""Heatmaps as HTML, exactly as ``lrp explain --format html`` writes them (the C
renderer, src/render.c, and the command's writer, cli/cmd_explain.c): the same
colours, tooltips, escaping and page, so that a page made here is the same bytes as
the command's for the same sentences read from standard input (a test compares them).

Colours (Arras et al. 2017, Figures 1 and 2): white at zero, pure red at the
sentence's largest positive relevance and pure blue at its most negative one, linear
in between, intensity |R| / max |R| (SA, whose relevances are >= 0: red only,
R / max R); the text black or white, whichever contrasts more (WCAG luminance).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable, List, Sequence, Tuple

if TYPE_CHECKING:
    from ._explanation import Explanation

RGB = Tuple[int, int, int]

# the page's style sheet, rule by rule (render_html_begin)
_CSS = [
    ("body", "font-family:sans-serif;margin:2em;background:#fff;color:#000"),
    (".sentence", "margin:1.2em 0;padding-bottom:.6em;border-bottom:1px solid #ddd"),
    (".meta", "color:#444;font-size:90%;margin-bottom:.3em"),
    (".row", "margin:.25em 0;line-height:2"),
    (".method", "display:inline-block;min-width:14em;color:#444;font-size:90%"),
    (".w", "padding:.1em .25em;border-radius:3px;white-space:pre"),
    (".unk", "text-decoration:underline dotted"),
    (".error", "color:#a00"),
    (".legend", "font-size:90%;color:#444;margin-bottom:1.5em"),
    (".bar", "display:inline-block;width:12em;height:1em;vertical-align:middle;"
             "border:1px solid #999;margin:0 .5em"),
]

#: the class of the element a notebook cell's heatmaps are wrapped in
SCOPE = "lrp-rnn"


def _lround(x: float) -> int:
    """C's lround for x >= 0: halves away from zero."""
    whole = math.floor(x)
    return int(whole) + (1 if x - whole >= 0.5 else 0)


def positive_only(method: str) -> bool:
    """The colour scheme of a method: red only for SA, red and blue for the others."""
    return method == "sa"


def norm(relevance: Iterable[float], positive: bool) -> float:
    """max |R| (or max R for the positive scheme) over the finite values; 0 if none > 0."""
    n = 0.0
    for r in relevance:
        r = float(r)
        if math.isfinite(r):
            v = r if positive else abs(r)
            if v > n:
                n = v
    return n


def color(r: float, n: float, positive: bool) -> RGB:
    """Background of relevance r under normaliser n (render_color)."""
    if not (n > 0.0) or not math.isfinite(r) or not math.isfinite(n) or (positive and r < 0.0):
        return (255, 255, 255)
    a = min(abs(r) / n, 1.0)
    fade = _lround(255.0 * (1.0 - a))
    return (255, fade, fade) if r >= 0.0 else (fade, fade, 255)


def _linear(v: int) -> float:
    c = v / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def text_color(bg: RGB) -> RGB:
    """Black or white, whichever contrasts more with bg (render_text_color)."""
    lum = 0.2126 * _linear(bg[0]) + 0.7152 * _linear(bg[1]) + 0.0722 * _linear(bg[2])
    return (0, 0, 0) if lum > 0.179 else (255, 255, 255)


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def escape(s: str) -> str:
    """& < > " ' as character references (render_html_text)."""
    return s.translate(_ESCAPES)


def heatmap(words: Sequence[str], relevance: Sequence[float], unknown: Sequence[bool],
            positive: bool, tooltip: str) -> str:
    """One <span class="w"> per word, coloured, relevance in the tooltip (render_heatmap_html)."""
    n = norm(relevance, positive)
    spans = []
    for word, r, unk in zip(words, relevance, unknown):
        bg = color(float(r), n, positive)
        fg = text_color(bg)
        spans.append('<span class="w%s" style="background:#%02x%02x%02x;color:#%02x%02x%02x" '
                     'title="%s: %.6g%s">%s</span>'
                     % (" unk" if unk else "", *bg, *fg, escape(tooltip), float(r),
                        " (unknown word)" if unk else "", escape(word)))
    return " ".join(spans)


def sentence(e: "Explanation") -> str:
    """The block of one explained sentence, as the command writes it for input line
    e.line (cmd_explain.c, write_html)."""
    out = ['<div class="sentence">\n<div class="meta">line %d &middot; predicted <b>%s</b> (p = %.4f)</div>\n'
           % (e.line, escape(e.label), float(e.probabilities[e.predicted]))]
    for a in e.explanations:
        tip = "%s for %s" % (a.method, a.target_label)
        out.append('<div class="row"><span class="method">%s</span>%s</div>\n'
                   % (escape(tip), heatmap(e.tokens, a.relevance, e.unknown, positive_only(a.method), tip)))
    out.append("</div>\n")
    return "".join(out)


def _gradient(positive: bool) -> str:
    lo = 0.0 if positive else -1.0
    stops = [color(lo + (1.0 - lo) * k / 8, 1.0, positive) for k in range(9)]
    return "linear-gradient(to right" + "".join(",#%02x%02x%02x" % c for c in stops) + ")"


def _legend() -> str:
    return ('<div class="legend">\n<div>LRP, LRP_cons, GI: negative<span class="bar" style="background:'
            + _gradient(False) + '"></span>positive (intensity: |R| / largest |R| in the sentence)</div>\n'
            '<div>SA: 0<span class="bar" style="background:' + _gradient(True)
            + '"></span>largest R in the sentence</div>\n'
            '<div>Hover over a word for its relevance; <span class="unk">dotted underline</span>: '
            'a word not in the vocabulary, read as the unknown word.</div>\n</div>\n')


def page(explanations: Iterable["Explanation"], title: str = "lrp explain") -> str:
    """A self-contained page (render_html_begin, the sentences, render_html_end)."""
    css = "".join("%s{%s}\n" % rule for rule in _CSS)
    head = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>%s</title>\n'
            '<style>\n%s</style>\n</head>\n<body>\n<h1>%s</h1>\n' % (escape(title), css, escape(title)))
    return head + _legend() + "".join(sentence(e) for e in explanations) + "</body>\n</html>\n"


def fragment(explanations: List["Explanation"]) -> str:
    """The sentences' blocks for a notebook: in a <div class="lrp-rnn"> with the page's
    style sheet scoped to it, so the heatmaps look as on the page and nothing else
    in the notebook changes."""
    css = ".%s{font-family:sans-serif;padding:.3em .6em;background:#fff;color:#000}\n" % SCOPE
    css += "".join(".%s %s{%s}\n" % (SCOPE, sel, rules) for sel, rules in _CSS
                   if sel not in ("body", ".legend", ".bar"))
    return ('<div class="%s"><style>\n%s</style>\n' % (SCOPE, css)
            + "".join(sentence(e) for e in explanations) + "</div>")
