"""lrp_rnn: explain recurrent text classifiers with Layer-wise Relevance Propagation.

Which words made the classifier decide? For models of an embedding, LSTM or GRU
layers (one or two directions, stacked or not), a head over their states (the last
states, mean, max or attention pooling), dense layers and a linear classifier, trained
in PyTorch or with ``lrp train``: LRP, LRP_cons, Sensitivity Analysis and Gradient x
Input, as in Arras, Montavon, Mueller, Samek (2017), computed by the C library liblrp
(float64, exact to the paper's reference code) with numpy arrays in and out.

    >>> import lrp_rnn
    >>> model = lrp_rnn.default_model()
    >>> e = model.explain("It's not horrible, just horribly mediocre.")
    >>> e.label, e["lrp"]

In a notebook an explanation shows itself as a heatmap. docs/python.md has the
walk-through and the whole API.
"""

from ._errors import (ArgumentError, Error, FileError, FormatError, InputError, NumericError,
                      OutOfMemoryError)
from . import _core
from ._explanation import Attribution, Explanation, Explanations
from ._model import Model, default_model, from_torch, load, loads

#: the version of the C library inside (``lrp_version()``)
__version__ = _core.VERSION
#: the methods, in the order explanations come in
METHODS = _core.METHODS
#: the longest sentence explained in one piece, in words
MAX_LENGTH = _core.MAX_LENGTH


def to_html(explanations, title: str = "lrp explain") -> str:
    """A self-contained HTML page of heatmaps: the bytes ``lrp explain --format html``
    writes for the same sentences read from standard input."""
    from . import _html
    if isinstance(explanations, Explanation):
        explanations = [explanations]
    return _html.page(explanations, title)


__all__ = ["load", "loads", "from_torch", "default_model", "Model", "Explanation", "Explanations",
           "Attribution", "Error", "FileError", "FormatError", "InputError", "ArgumentError",
           "OutOfMemoryError", "NumericError", "to_html", "METHODS", "MAX_LENGTH", "__version__"]
