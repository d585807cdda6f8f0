"""The results of :meth:`lrp_rnn.Model.explain`: one :class:`Explanation` per sentence,
with one :class:`Attribution` per target and method. The fields are those of
``lrp explain --format json`` (docs/cli.md), as numpy arrays.
"""

from __future__ import annotations

import decimal
import math
import re
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Union

import numpy as np

from . import _core, _html

__all__ = ["Attribution", "Explanation", "Explanations"]

#: the methods whose relevance has each first-layer encoder's part (JSON writes them)
_BY_ENCODER = ("lrp", "lrp-cons", "sa", "gi", "ig")


class Attribution(NamedTuple):
    """The relevance of each word of a sentence for one target class by one method.

    For ``lrp``, ``lrp-cons`` and ``gi``, ``relevance = relevance_fwd + relevance_bwd``;
    for ``sa`` it is the squared norm of the whole gradient, and ``relevance_fwd``,
    ``relevance_bwd`` the squared norms of its parts through each encoder; for
    ``occlusion`` and ``occlusion-prob`` (not split by encoder) they are zeros."""

    #: ``"lrp"``, ``"lrp-cons"``, ``"sa"``, ``"gi"``, ``"occlusion"``, ``"occlusion-prob"`` or ``"ig"``
    method: str
    #: the class explained (``"pred"`` resolved to the predicted class)
    target: int
    #: [T] float64: the relevance of each word, summed over the embedding dimensions
    relevance: np.ndarray
    #: [T] float64: the part through the first layer's forward encoder
    relevance_fwd: np.ndarray
    #: [T] float64: the part through the backward encoder, in word order; None for a
    #: unidirectional model
    relevance_bwd: Optional[np.ndarray]
    #: LRP methods: the relevance that reached the initial states h0, c0 of the
    #: encoders (``lrp-cons``: ``relevance.sum() + rest == scores[target]``); None for
    #: ``sa`` and ``gi``
    rest: Optional[float]
    #: the name of the target class
    target_label: str = ""
    #: with ``per_dimension=True``: [T, E] float64, LRP: the input relevance of each
    #: embedding dimension through the forward encoder; SA, GI: the gradient through it
    dims_fwd: Optional[np.ndarray] = None
    #: the same through the backward encoder
    dims_bwd: Optional[np.ndarray] = None
    #: ``ig`` only: \|relevance.sum() - (f_c(x) - f_c(0))\| / max(\|f_c(x) - f_c(0)\|, 1e-12)
    completeness: Optional[float] = None
    #: with a contrast: the class c2 of f_c - f_c2, or ``"others"``; else None
    contrast: Optional[Union[int, str]] = None
    #: with a contrast class: its name
    contrast_label: Optional[str] = None


def _json_number(x: float) -> str:
    """As the command writes a number (app/numfmt.h, docs/cli.md): the shortest text that
    reads back to the same double, of those the closest (Python's repr gives its digits),
    laid out as %.17g would: a plain decimal when the first digit's decimal exponent is
    from -4 to 16, else d.ddde+XX; null when not finite."""
    if not math.isfinite(x):
        return "null"
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    sign, digits, exponent = decimal.Decimal(repr(x)).as_tuple()
    d = "".join(map(str, digits)).rstrip("0")
    e = len(digits) + exponent - 1  # the first digit's decimal exponent
    if -4 <= e < 17:
        if e < 0:
            text = "0." + "0" * (-e - 1) + d
        elif len(d) <= e + 1:
            text = d + "0" * (e + 1 - len(d))
        else:
            text = d[:e + 1] + "." + d[e + 1:]
    else:
        text = d[0] + ("." + d[1:] if len(d) > 1 else "") + "e%s%02d" % ("-" if e < 0 else "+", abs(e))
    return ("-" if sign else "") + text


_JSON_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f]')
_JSON_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_string(s: str) -> str:
    # as the command writes strings: UTF-8 as it is, ", \ and control characters escaped
    return '"' + _JSON_ESCAPE.sub(lambda m: _JSON_SHORT.get(m.group(), "\\u%04x" % ord(m.group())), s) + '"'


def _json_value(v: Any) -> str:
    if isinstance(v, str):
        return _json_string(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _json_number(v)
    if isinstance(v, dict):
        return "{" + ",".join(_json_string(k) + ":" + _json_value(x) for k, x in v.items()) + "}"
    if v is None:
        return "null"
    return "[" + ",".join(_json_value(x) for x in v) + "]"


def _floats(a: np.ndarray) -> List[Optional[float]]:
    return [x if math.isfinite(x) else None for x in a.tolist()]


class Explanation:
    """One explained sentence: its words, the classifier's scores, and the word
    relevances for each target and method.

    ``explanation["lrp"]`` is the relevance by that method for the first target it
    was asked for. In a notebook an Explanation shows itself as a heatmap
    (``_repr_html_``), drawn as ``lrp explain --format html`` draws it."""

    __slots__ = ("line", "tokens", "ids", "unknown", "scores", "probabilities", "predicted", "label",
                 "explanations")

    #: 1-based position of the sentence among the inputs of its ``explain`` call, as
    #: the command numbers its input lines (JSON field ``line``)
    line: int
    #: the words as read (tokenized, lowercased as the model asks)
    tokens: List[str]
    #: [T] int32: the word ids
    ids: np.ndarray
    #: [T] bool: the word is not in the vocabulary and was read as the unknown word
    unknown: np.ndarray
    #: [C] float64: the class scores f(x)
    scores: np.ndarray
    #: [C] float64: softmax of the scores
    probabilities: np.ndarray
    #: index of the largest score (the first on ties)
    predicted: int
    #: name of the predicted class
    label: str
    #: one per target and method: targets in the order asked, methods in the order
    #: lrp, lrp-cons, sa, gi
    explanations: List[Attribution]

    def __init__(self, line: int, tokens: List[str], ids: np.ndarray, unknown: np.ndarray,
                 scores: np.ndarray, probabilities: np.ndarray, predicted: int,
                 explanations: Sequence[Attribution], labels: Sequence[str]) -> None:
        self.line = line
        self.tokens = tokens
        self.ids = ids
        self.unknown = unknown
        self.scores = scores
        self.probabilities = probabilities
        self.predicted = predicted
        self.label = labels[predicted]
        self.explanations = list(explanations)

    def __getitem__(self, method: str) -> np.ndarray:
        """The relevance by ``method`` for the first target it was asked for."""
        for a in self.explanations:
            if a.method == method:
                return a.relevance
        raise KeyError(f"no explanation by {method!r} here; methods explained: "
                       f"{', '.join(dict.fromkeys(a.method for a in self.explanations)) or 'none'}")

    def to_dict(self) -> Dict[str, Any]:
        """The JSON object of ``lrp explain --format json`` for this sentence, as Python
        values (lists of floats; a non-finite number as None)."""
        expl = []
        for a in self.explanations:
            d: Dict[str, Any] = {"method": a.method, "target": a.target, "target_label": a.target_label}
            if a.contrast is not None:
                d["contrast"] = a.contrast
            if a.contrast_label is not None:
                d["contrast_label"] = a.contrast_label
            d["relevance"] = _floats(a.relevance)
            if a.method in _BY_ENCODER:  # occlusion is not split by encoder
                d["relevance_fwd"] = _floats(a.relevance_fwd)
                if a.relevance_bwd is not None:
                    d["relevance_bwd"] = _floats(a.relevance_bwd)
            if a.completeness is not None:
                d["completeness"] = a.completeness if math.isfinite(a.completeness) else None
            if a.rest is not None:
                d["rest"] = a.rest if math.isfinite(a.rest) else None
            expl.append(d)
        return {"line": self.line, "tokens": list(self.tokens), "unknown": self.unknown.tolist(),
                "scores": _floats(self.scores), "probabilities": _floats(self.probabilities),
                "predicted": self.predicted, "label": self.label, "explanations": expl}

    def to_json(self) -> str:
        """The line ``lrp explain --format json`` writes for this sentence (without the
        newline): the same bytes, numbers as the shortest text that reads back (docs/cli.md)."""
        return _json_value(self.to_dict())

    def _repr_html_(self) -> str:
        return _html.fragment([self])

    def __repr__(self) -> str:
        words = " ".join(self.tokens)
        if len(words) > 60:
            words = words[:57] + "..."
        done = ", ".join(f"{a.method}:{a.target}" for a in self.explanations)
        return (f"<Explanation line {self.line}: {words!r} predicted {self.predicted} {self.label!r} "
                f"(p = {self.probabilities[self.predicted]:.4f}); {done or 'scores only'}>")


class Explanations(List[Explanation]):
    """The list :meth:`Model.explain` returns for several sentences: a plain list that
    also shows itself as heatmaps in a notebook."""

    def _repr_html_(self) -> str:
        return _html.fragment(list(self))

    def to_html(self, title: str = "lrp explain") -> str:
        """A self-contained HTML page of these heatmaps: the page ``lrp explain --format
        html`` writes for the same sentences read from standard input, byte for byte."""
        return _html.page(self, title)

    def to_json(self) -> str:
        """JSON Lines, one object per sentence, as ``lrp explain --format json`` writes them."""
        return "".join(e.to_json() + "\n" for e in self)


# Model.explain's results are made by the extension, as these classes
_core.set_result_types(Explanation, Attribution)
