"""Models: loading (:func:`load`, :func:`loads`, :func:`from_torch`,
:func:`default_model`) and explaining (:class:`Model`)."""

from __future__ import annotations

import operator
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core, _safetensors
from ._errors import ArgumentError, Error, FileError
from ._explanation import Explanation, Explanations

__all__ = ["Model", "load", "loads", "from_torch", "default_model"]

PathLike = Union[str, "os.PathLike[str]"]
#: a vocabulary or label list, or the path of a file with one entry per line
Names = Union[Sequence[str], PathLike]
#: what explain and predict read: see Model.explain
Inputs = Any
#: a class to explain: "pred", a class index, a label, "all", several of them
#: (a tuple, or a comma-separated str as on the command line)
TargetSpec = Union[str, int, Tuple[Union[str, int], ...]]

_PRECISIONS = {"float64": False, "f64": False, "float32": True, "f32": True}


# ----------------------------------------------------------------------------
# loading

def _is_path(x: Any) -> bool:
    return isinstance(x, (str, os.PathLike))


def _joined(kind: str, items: Sequence[str], sep: str, expected: str) -> str:
    """A list of str joined by sep, which none of them may contain (TypeError for
    anything but a list of str, naming what was expected)."""
    if isinstance(items, (bytes, bytearray)) or not isinstance(items, Sequence):
        raise TypeError(f"{kind}: expected {expected}, got {type(items).__name__}")
    sep_name = "a line break" if sep == "\n" else repr(sep)
    for i, n in enumerate(items):
        if not isinstance(n, str):
            raise TypeError(f"{kind}: entry {i} is {type(n).__name__}, not str")
        if sep in n:
            raise ArgumentError(f"{kind}: entry {i} contains {sep_name}: {n!r}")
    return sep.join(items)


def _names(kind: str, names: Sequence[str]) -> str:
    """A list of names as the metadata value (joined by newlines)."""
    return _joined(kind, names, "\n", "a list of str or a file path")


#: the keyword arguments of load, loads and from_torch (the library's lrp_load_options)
_LOAD_OPTIONS = ("vocab", "labels", "unk", "lowercase", "prefix_embedding", "prefix_rnn", "prefix_lstm",
                 "prefix_attention", "prefix_dense", "prefix_classifier", "pooling", "activation")
#: a list of module paths, or one str of them separated by commas
Paths = Union[str, Sequence[str]]


def _module_paths(paths: Optional[Paths]) -> Optional[str]:
    """prefix_dense as the library reads it: paths separated by commas ("" for none)."""
    if paths is None or isinstance(paths, str):
        return paths
    return _joined("prefix_dense", paths, ",", "a list of module paths (str) or one str of them separated by commas")


def _options(args: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """From the keyword arguments of load, loads or from_torch (by name, _LOAD_OPTIONS):
    the library's load options (paths, unk, lowercase, module paths, pooling,
    activation) and the metadata keys that replace the file's (vocabulary and labels
    given as lists)."""
    opts: Dict[str, Any] = {k: args[k] for k in _LOAD_OPTIONS[2:]}
    lowercase = args["lowercase"]
    opts["lowercase"] = -1 if lowercase is None else int(bool(lowercase))
    opts["prefix_dense"] = _module_paths(args["prefix_dense"])
    meta: Dict[str, str] = {}
    for key in ("vocab", "labels"):
        value = args[key]
        if value is None:
            opts[key] = None
        elif _is_path(value):
            opts[key] = os.fspath(value)
        else:
            opts[key] = None
            meta[key] = _names(key, value)
    return opts, meta


def load(path: PathLike, *, vocab: Optional[Names] = None, labels: Optional[Names] = None,
         unk: Optional[str] = None, lowercase: Optional[bool] = None, prefix_embedding: Optional[str] = None,
         prefix_rnn: Optional[str] = None, prefix_lstm: Optional[str] = None,
         prefix_attention: Optional[str] = None, prefix_dense: Optional[Paths] = None,
         prefix_classifier: Optional[str] = None, pooling: Optional[str] = None,
         activation: Optional[str] = None) -> "Model":
    """Load a model file: this project's format or a PyTorch state_dict saved as
    safetensors (docs/model-format.md, docs/pytorch.md). Every tensor, shape and value
    is checked.

    The options replace what the file says, as on the command line (``lrp explain
    --vocab FILE ...``): ``vocab`` and ``labels`` as lists of str or as files with
    one entry per line; ``unk`` the word standing for unknown words (``""``: none);
    ``lowercase`` whether to lowercase the input words.

    For a PyTorch state_dict (docs/pytorch.md), each None meaning what the file's
    metadata says, else the default (module paths for a file in this project's format
    are an :class:`ArgumentError`; its pooling and activation are its own, which the
    options may only repeat):

    - ``prefix_embedding``, ``prefix_rnn`` (the ``nn.LSTM`` or ``nn.GRU``;
      ``prefix_lstm`` is another name for it), ``prefix_attention`` (the attention
      module: its ``proj`` and ``vector``), ``prefix_classifier``: the module path of
      that part (``""`` for the top level) when the search by names and shapes cannot
      decide (the command's ``--prefix-*`` options, which the library's messages name);
    - ``prefix_dense``: the dense layers between the head and the classifier, in
      order, as a list of module paths or one str of them separated by commas
      (``["fc1", "fc2"]`` or ``"fc1,fc2"``; ``[]``: none); dense layers are never
      found without it (their order cannot be told from the tensors);
    - ``pooling``: the head, ``"last"`` (each direction's final state), ``"mean"``,
      ``"max"`` or ``"attention"`` (default: attention when an attention module is
      found, else last);
    - ``activation``: the dense layers', ``"relu"`` (default) or ``"tanh"``.

    With ``vocab`` or ``labels`` as lists the file is read into memory and they are
    put into its metadata there (the loaded model then holds a copy of every tensor;
    otherwise a float32 embedding is used where it lies in the file, mapped).

    Raises :class:`FileError` (missing, unreadable), :class:`FormatError` (malformed
    file, a model the library cannot explain, vocabulary or labels that do not fit
    it), :class:`ArgumentError` (an unknown pooling or activation, a module path the
    file does not have the parts for)."""
    opts, meta = _options(locals())
    if not meta:
        return Model(_core.load(os.fspath(path), **opts))
    # lists go into the file's metadata, in memory
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return Model(_core.load(os.fspath(path), **opts))  # the library's message
    rewritten = _safetensors.with_metadata(data, meta)
    try:
        # when the header cannot be rewritten the library names what is wrong with it
        return Model(_core.loads(data if rewritten is None else rewritten, **opts))
    except Error as e:
        # read from memory: the message names the file as a load from the file would
        if str(e).startswith(os.fspath(path) + ": "):
            raise
        raise type(e)(f"{os.fspath(path)}: {e}") from None


def loads(data: bytes, *, vocab: Optional[Names] = None, labels: Optional[Names] = None,
          unk: Optional[str] = None, lowercase: Optional[bool] = None, prefix_embedding: Optional[str] = None,
          prefix_rnn: Optional[str] = None, prefix_lstm: Optional[str] = None,
          prefix_attention: Optional[str] = None, prefix_dense: Optional[Paths] = None,
          prefix_classifier: Optional[str] = None, pooling: Optional[str] = None,
          activation: Optional[str] = None) -> "Model":
    """:func:`load` from the bytes of a model file (any bytes-like object; not kept)."""
    opts, meta = _options(locals())
    if meta:
        data = _safetensors.with_metadata(bytes(data), meta) or data
    return Model(_core.loads(data, **opts))


def _tensor(name: str, value: Any) -> _safetensors.Tensor:
    if isinstance(value, np.ndarray):
        return value
    torch = type(value).__module__.startswith("torch") and __import__("torch")
    if not torch or not isinstance(value, torch.Tensor):
        raise TypeError(f"state_dict entry {name!r}: expected a torch.Tensor or a numpy array, "
                        f"got {type(value).__name__}")
    t = value.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: its bytes as they are
        return (t.view(torch.int16).numpy().astype("<i2").tobytes(), "BF16", tuple(t.shape))
    return t.numpy()


def from_torch(module_or_state_dict: Any, *, vocab: Names, labels: Names, unk: Optional[str] = None,
               lowercase: Optional[bool] = None, prefix_embedding: Optional[str] = None,
               prefix_rnn: Optional[str] = None, prefix_lstm: Optional[str] = None,
               prefix_attention: Optional[str] = None, prefix_dense: Optional[Paths] = None,
               prefix_classifier: Optional[str] = None, pooling: Optional[str] = None,
               activation: Optional[str] = None) -> "Model":
    """A model from a live PyTorch module or its ``state_dict``, with no file: the
    tensors are written as safetensors in memory and read by the library's memory
    loader, which finds the parts as it does in a file (docs/pytorch.md) and checks
    every value.

    The module: an ``nn.Embedding``; an ``nn.LSTM`` or ``nn.GRU`` (one or two
    directions, any number of layers; found by its tensor names); a head over the top
    layer's states: the final states (``pooling="last"``, the default), their mean or
    maximum (``pooling="mean"``, ``"max"``: these have no parameters, so say them), or
    an attention module with an ``nn.Linear`` named ``proj`` and one named ``vector``
    (found by those names; it makes the pooling ``"attention"``); zero or more dense
    layers, named in order by ``prefix_dense`` (``["hidden"]``) with their
    ``activation`` (``"relu"`` or ``"tanh"``); then the classifier, an ``nn.Linear``.

    A state_dict may also hold numpy arrays. ``vocab`` (word id k = entry k) and
    ``labels`` (in the order of the classifier's outputs) are lists or files; the
    other options are those of :func:`load`. Raises :class:`FormatError` with the
    library's message when the module is not one the library can explain (an
    ``nn.RNN``, an LSTM with ``proj_size``, a tensor of no part named, ...)."""
    opts, meta = _options(locals())
    state = module_or_state_dict
    if hasattr(state, "state_dict") and callable(state.state_dict):
        state = state.state_dict()
    if not isinstance(state, Mapping):
        raise TypeError(f"expected an nn.Module or a state_dict (a mapping of names to tensors), "
                        f"got {type(module_or_state_dict).__name__}")
    tensors = {str(name): _tensor(str(name), value) for name, value in state.items()}
    return Model(_core.loads(_safetensors.dumps(tensors, {"format": "pt", **meta}), **opts))


def default_model() -> "Model":
    """The model shipped with lrp-rnn: a bi-LSTM trained on the Stanford Sentiment
    Treebank, five classes (docs/training.md)."""
    here = Path(__file__).resolve().parent
    for path in (here / "data" / "sst5-bilstm.safetensors",        # installed
                 here.parents[1] / "models" / "sst5-bilstm.safetensors"):  # the source tree
        if path.is_file():
            return load(path)
    raise FileError(f"the shipped model is not installed: no {here / 'data' / 'sst5-bilstm.safetensors'}")


# ----------------------------------------------------------------------------
# the model

class Model:
    """A loaded model, read-only: any number of Python threads may use it at once.

    Made by :func:`load`, :func:`loads`, :func:`from_torch` or :func:`default_model`."""

    __slots__ = ("_core", "_info")

    def __init__(self, core: Any) -> None:
        self._core = core
        self._info = core.info()

    @property
    def info(self) -> Dict[str, Any]:
        """What the model is (the keys of ``lrp info --format json`` but ``file``,
        ``bytes`` and ``parameters``, with the same values; and ``unk_id``):

        - ``architecture``: the model in one line, e.g. ``"2-layer bi-GRU, attention
          (A=64), dense 64 relu, 5 classes"``;
        - ``cell`` (``"lstm"`` or ``"gru"``), ``layers``, ``directions`` (1 or 2),
          ``vocab_size``, ``embed_dim``, ``hidden_dim`` (per direction), ``classes``;
        - ``pooling``, the head over the top layer's states: ``"last"`` (each
          direction's final state), ``"mean"``, ``"max"`` or ``"attention"``;
          ``attention_dim`` the attention scorer's size (0 without attention);
        - ``dense``: the sizes of the dense layers between the head and the classifier,
          in order (``[]`` for none), ``activation`` theirs (``"relu"`` or ``"tanh"``;
          ``"relu"`` without dense layers); ``output_bias``: the classifier has a bias;
        - ``lowercase``, ``unk`` (the unknown word or None), ``unk_id``, ``labels``;
        - ``source``: how the file was read, e.g. which tensors of a PyTorch state_dict."""
        return {k: list(v) if isinstance(v, list) else v for k, v in self._info.items()}

    @property
    def vocab(self) -> Tuple[str, ...]:
        """The vocabulary: word id k is ``vocab[k]``."""
        return self._core.words()

    @property
    def labels(self) -> Tuple[str, ...]:
        """The class names, in the order of the scores."""
        return self._core.labels()

    def save(self, path: PathLike, dtype: str = "float32") -> None:
        """Write the model in this project's format, atomically (a temporary file
        renamed over ``path``). ``dtype``: ``"float32"`` (rounds each parameter) or
        ``"float64"`` (every parameter bit for bit)."""
        if dtype not in _PRECISIONS:
            raise ArgumentError(f"dtype: unknown dtype {dtype!r} (float32, float64)")
        self._core.save(os.fspath(path), not _PRECISIONS[dtype])

    def tokenize(self, text: str, *, tokenized: bool = False) -> List[str]:
        """The words ``explain`` reads from ``text``: the treebank's tokens (or, with
        ``tokenized=True``, the text split at white space), lowercased if the model
        asks for it."""
        return self._core.tokenize(text, tokenized)

    def __repr__(self) -> str:
        i = self._info
        return (f"<lrp_rnn.Model {i['architecture']}: vocabulary {i['vocab_size']}, E {i['embed_dim']}, "
                f"H {i['hidden_dim']}, read as {i['source']!r}>")

    # ------------------------------------------------------------------------
    # arguments

    def _inputs(self, inputs: Inputs, tokenized: bool) -> Tuple[str, list, bool]:
        """(mode, items, single): what the C part reads, and whether one sentence was given."""
        if isinstance(inputs, str):
            return ("pretokenized" if tokenized else "text"), [inputs], True
        if isinstance(inputs, np.ndarray):
            if inputs.ndim == 2:
                return "ids", list(inputs), False
            return "ids", [inputs], True
        if not isinstance(inputs, (list, tuple)):
            raise TypeError(f"inputs: expected a str, a list of str, a list of token lists "
                            f"(tokenized=True) or numpy arrays of word ids, got {type(inputs).__name__}")
        items = list(inputs)
        first = items[0] if items else None
        if isinstance(first, np.ndarray):
            return "ids", items, False
        if isinstance(first, (int, np.integer)):
            raise TypeError("inputs: a list of int; pass word ids as a numpy integer array, "
                            "e.g. numpy.array(ids)")
        return ("tokens" if tokenized else "text"), items, False

    def _contrast(self, contrast: Any) -> Tuple[int, int]:
        # (lrp_contrast, c2): none 0, a class 1, the others 2
        if contrast is None:
            return 0, 0
        if isinstance(contrast, str) and contrast == "others":
            return 2, 0
        c = -1
        if isinstance(contrast, str):
            c = self._core.label_index(contrast)
        elif isinstance(contrast, (int, np.integer)) and not isinstance(contrast, bool):
            c = int(contrast) if 0 <= contrast < len(self.labels) else -1
        if c < 0:
            raise ArgumentError(f"contrast must be None, 'others' or a class (a label or 0..{len(self.labels) - 1}), "
                                f"got {contrast!r}")
        return 1, c

    def _target(self, spec: Any) -> Tuple[int, ...]:
        """One sentence's targets as class indexes (-1: the predicted class)."""
        if isinstance(spec, tuple):
            return tuple(t for s in spec for t in self._target(s))
        if isinstance(spec, str):
            whole = self._core.label_index(spec)  # a label that contains a comma too
            if whole >= 0:
                return (whole,)
            out: List[int] = []
            for tok in spec.split(","):
                if tok == "pred":
                    out.append(-1)
                elif tok == "all":
                    out.extend(range(len(self.labels)))
                elif tok == "true":
                    raise ArgumentError("target 'true': give the true classes as a list, one per sentence")
                else:
                    c = self._core.label_index(tok)
                    if c < 0:
                        raise ArgumentError(f"target {tok!r} is neither pred, all, a class index in "
                                            f"[0, {len(self.labels)}) nor a label of the model "
                                            f"({', '.join(self.labels)})")
                    out.append(c)
            return tuple(out)
        if isinstance(spec, bool):
            raise TypeError("target: a bool is not a class")
        try:
            c = operator.index(spec)
        except TypeError:
            raise TypeError(f"target: expected 'pred', 'all', a class index, a label, a tuple of these "
                            f"or a list of them per sentence, got {type(spec).__name__}") from None
        if c < 0:
            raise ArgumentError(f"target {c}: a class index is in [0, {len(self.labels)})")
        return (c,)

    def _groups(self, target: Any, n: int) -> List[Tuple[Tuple[int, ...], Optional[List[int]]]]:
        """Batches: the sentences that share a target list, with that list."""
        if not isinstance(target, (list, np.ndarray)):
            return [(self._target(target), None)]
        per = list(target)
        if len(per) != n:
            raise ArgumentError(f"target: a list gives one target per sentence: {len(per)} targets "
                                f"for {n} sentences")
        groups: Dict[Tuple[int, ...], List[int]] = {}
        for i, spec in enumerate(per):
            groups.setdefault(self._target(spec), []).append(i)
        if len(groups) == 1:
            return [(next(iter(groups)), None)]
        return list(groups.items())

    @staticmethod
    def _methods(methods: Union[str, Sequence[str]]) -> int:
        names = methods.split(",") if isinstance(methods, str) else list(methods)
        bits = 0
        for m in names:
            if not isinstance(m, str):
                raise TypeError(f"methods: expected names (str), got {type(m).__name__}")
            if m not in _core.METHODS:
                raise ArgumentError(f"unknown method {m!r} ({', '.join(_core.METHODS)})")
            bits |= 1 << _core.METHODS.index(m)
        if not bits:
            raise ArgumentError(f"methods: no method given ({', '.join(_core.METHODS)})")
        return bits

    @staticmethod
    def _precision(precision: str) -> bool:
        if precision not in _PRECISIONS:
            raise ArgumentError(f"precision: unknown precision {precision!r} (float64, float32)")
        return _PRECISIONS[precision]

    @staticmethod
    def _threads(threads: int) -> int:
        if isinstance(threads, bool):
            raise TypeError("threads: expected an int")
        return operator.index(threads)

    @staticmethod
    def _deleted(deleted: Any, n: int, single: bool) -> Optional[list]:
        if deleted is None:
            return None
        per = [deleted] if single else list(deleted)
        if len(per) != n:
            raise ArgumentError(f"deleted: one mask (or None) per sentence: {len(per)} for {n} sentences")
        # a list of bools becomes a bool array; anything else must be one (checked in C)
        return [None if d is None else np.asarray(d) for d in per]

    # ------------------------------------------------------------------------
    # explaining

    def explain(self, inputs: Inputs, *, methods: Union[str, Sequence[str]] = ("lrp",),
                target: Union[TargetSpec, Sequence[TargetSpec]] = "pred", eps: float = 0.001,
                precision: str = "float64", tokenized: bool = False, threads: int = 0,
                deleted: Any = None, per_dimension: bool = False, contrast: Union[None, int, str] = None,
                ig_steps: int = 64) -> Union[Explanation, Explanations]:
        """Explain the classifier's decision on each sentence: the relevance of each word
        for a target class, by each method.

        ``inputs``, one sentence or several (a list; the result is then a list):

        - a str: raw English text, tokenized as the treebank was; with
          ``tokenized=True``, tokens separated by white space, taken as they are;
        - a list of such str, one per sentence; with ``tokenized=True`` also lists of
          tokens (``[["a", "fine", "film"], ...]``), one per sentence;
        - a 1-D numpy integer array of word ids, a list of them, or a 2-D array (one
          sentence per row).

        A list always means several sentences, and gives a list of results.

        Words are lowercased when the model asks for it; a word not in the vocabulary
        is read as the model's unknown word and marked in ``unknown``.

        ``methods``: among ``"lrp"`` (epsilon rule, bias factor 0), ``"lrp-cons"`` (bias
        factor 1: relevances plus ``rest`` add up to the score), ``"sa"`` (squared
        gradient), ``"gi"`` (gradient x input), ``"occlusion"`` and ``"occlusion-prob"``
        (the score or probability lost when the word's embedding is zeroed), ``"ig"``
        (Integrated Gradients, 64 steps; docs/methods.md); a tuple or a comma-separated
        str. The explanations come in the order lrp, lrp-cons, sa, gi, occlusion,
        occlusion-prob, ig.

        ``target``: ``"pred"`` (the predicted class), a class index, a label,
        ``"all"``, several of these as a tuple or a comma-separated str (targets come
        first in the explanations, in the order given), or a list with one of these
        per sentence (for instance each sentence's true class).

        ``eps``: the stabiliser of the epsilon rule, > 0. ``precision``:
        ``"float64"`` (the reference) or ``"float32"`` (about twice as fast; word
        relevances within 1e-3 of float64 relative to the sentence's largest).
        ``threads``: 0 = all cores; the results are the same bits for any number.
        ``deleted``: a numpy bool mask per sentence (a list of them, or None for a
        sentence) whose True words have their embedding set to zero (the paper's
        deletion experiment). ``per_dimension``: also give the relevance (LRP) or the
        gradient (SA, GI) of every embedding dimension per encoder
        (:attr:`Attribution.dims_fwd`, ``dims_bwd``). ``contrast``: None (explain f_c),
        a class (index or label) c2 to explain f_c - f_c2, or ``"others"`` for f_c - the
        mean of the other classes' scores, with every method (docs/methods.md);
        recorded in :attr:`Attribution.contrast`. ``ig_steps``: the points of ``"ig"``'s
        midpoint rule, 1 to 100000 (:attr:`Attribution.completeness` says how far the
        relevances are from f_c(x) - f_c(0)).

        All sentences sharing a target list are one batch on the library's threads,
        computed with the GIL released. Raises :class:`InputError` naming the
        sentence (its position in ``inputs``) for an empty sentence, text that is not
        valid, unknown words without an unknown word in the model, a word id outside
        the vocabulary or a sentence over 10000 words; :class:`ArgumentError` for bad
        options; :class:`NumericError` when a result overflowed (extreme weights, or
        float32); :class:`TypeError` for inputs of the wrong type."""
        mode, items, single = self._inputs(inputs, tokenized)
        bits = self._methods(methods)
        groups = self._groups(target, len(items))
        f32 = self._precision(precision)
        masks = self._deleted(deleted, len(items), single)
        kind, c2 = self._contrast(contrast)
        if isinstance(ig_steps, bool) or not isinstance(ig_steps, (int, np.integer)) or not 1 <= ig_steps <= 100000:
            raise ArgumentError(f"ig_steps must be an integer from 1 to 100000, got {ig_steps!r}")
        out = self._core.explain(mode, items, masks, groups, bits, float(eps), f32, bool(per_dimension),
                                 self._threads(threads), single, kind, c2, int(ig_steps))
        return out[0] if single else Explanations(out)

    def predict(self, inputs: Inputs, *, tokenized: bool = False, precision: str = "float64",
                threads: int = 0, probabilities: bool = False) -> np.ndarray:
        """The class scores f(x) of each sentence, [n, C] float64 (one row for a single
        sentence); with ``probabilities=True`` their softmax. ``inputs``, the
        options and the errors as for :meth:`explain`."""
        mode, items, single = self._inputs(inputs, tokenized)
        scores, probs = self._core.predict(mode, items, self._precision(precision), self._threads(threads), single)
        return probs if probabilities else scores
