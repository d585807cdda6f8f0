"""Bad input raises the right exception with a message that names the problem: the
library's message for what the library checks, a TypeError for wrong Python types.
Never a crash, never a result made of garbage."""

import numpy as np
import pytest

import lrp_rnn

InputError, ArgumentError, FormatError = lrp_rnn.InputError, lrp_rnn.ArgumentError, lrp_rnn.FormatError


@pytest.fixture(scope="module")
def bi1(data_dir):
    return data_dir / "pytorch" / "bi1.safetensors"


def test_classes():
    assert issubclass(lrp_rnn.FileError, OSError) and issubclass(lrp_rnn.InputError, ValueError)
    assert issubclass(lrp_rnn.NumericError, ArithmeticError) and issubclass(lrp_rnn.OutOfMemoryError, MemoryError)
    for cls in (lrp_rnn.FileError, FormatError, InputError, ArgumentError, lrp_rnn.OutOfMemoryError,
                lrp_rnn.NumericError):
        assert issubclass(cls, lrp_rnn.Error)
    assert lrp_rnn.NumericError.status == "numeric"


@pytest.mark.parametrize("inputs, kw, message", [
    (123, {}, "inputs: expected a str"),
    ({"a": 1}, {}, "inputs: expected a str"),
    ([1, 2, 3], {}, "pass word ids as a numpy integer array"),
    (["fine", 3], {}, "sentence 1: expected a str, got int"),
    ([["a", 2]], {"tokenized": True}, "sentence 0: expected a token \\(str\\), got int"),
    ([{"a"}], {"tokenized": True}, "sentence 0: expected a list of tokens"),
    (np.array([1.0, 2.0]), {}, "word ids must be a numpy integer array, got numpy.ndarray of numpy.float64"),
    (np.array([True]), {}, "word ids must be a numpy integer array"),
    (np.array([1, 2], dtype=">i4" if np.little_endian else "<i4"), {}, "native byte order"),
    ("a", {"methods": (1,)}, "methods: expected names"),
    ("a", {"target": True}, "a bool is not a class"),
    ("a", {"target": 1.5}, "target: expected 'pred'"),
    ("a", {"threads": "2"}, ""),
    ("a", {"deleted": [0]}, "deleted must be a numpy bool array"),
    ("a", {"eps": "x"}, ""),
])
def test_wrong_types(shipped, inputs, kw, message):
    with pytest.raises((TypeError, ValueError), match=message) as e:
        shipped.explain(inputs, **kw)
    assert not isinstance(e.value, lrp_rnn.Error) or "eps" in kw


@pytest.mark.parametrize("inputs, kw, cls, message", [
    ("", {}, InputError, "^empty sentence: nothing to explain$"),
    ("  \t ", {}, InputError, "^empty sentence"),
    (["ok", "", "fine"], {}, InputError, "^sentence 1: empty sentence"),
    ([[]], {"tokenized": True}, InputError, "^sentence 0: empty sentence"),
    (np.array([], dtype=np.int32), {}, InputError, "^empty sentence"),
    (" ".join(["a"] * 10001), {}, InputError, "10001 words is too long: at most 10000"),
    ("a\x00b", {}, InputError, "NUL byte at byte 1"),
    ("a\x01b", {}, InputError, "control character U\\+0001"),
    ("a\ud800b", {}, InputError, "lone surrogate"),
    ([["a b"]], {"tokenized": True}, InputError, "token 0 contains white space"),
    ([["a", ""]], {"tokenized": True}, InputError, "token 1 is empty"),
    (np.array([3, 19539]), {}, InputError, r"word 1: id 19539 outside the vocabulary \[0, 19539\)"),
    (np.array([-1]), {}, InputError, "id -1 outside"),
    (np.array([2**40]), {}, InputError, "id 1099511627776 outside"),
    (np.array([2**63 + 1], dtype=np.uint64), {}, InputError, "id 9223372036854775809 outside"),
    (np.array([1, 30000], dtype=np.int16)[::-1], {}, InputError, "word 0: id 30000 outside"),
    (np.array([5, -7], dtype=np.int8), {}, InputError, "word 1: id -7 outside"),
    ([np.array([[1, 2]])], {}, InputError, "sentence 0: word ids must be a 1-D array"),
    ("a", {"target": "nope"}, ArgumentError, "target 'nope' is neither pred, all"),
    ("a", {"target": "pred,nope"}, ArgumentError, "target 'nope'"),
    ("a", {"target": 5}, ArgumentError, "target class 5 out of range: the model has 5 classes"),
    ("a", {"target": -1}, ArgumentError, "target -1"),
    ("a", {"target": "true"}, ArgumentError, "one per sentence"),
    (["a", "b"], {"target": [1]}, ArgumentError, "1 targets for 2 sentences"),
    ("a", {"methods": "lrp,foo"}, ArgumentError, "unknown method 'foo'"),
    ("a", {"methods": ()}, ArgumentError, "no method"),
    ("a", {"precision": "f16"}, ArgumentError, "unknown precision"),
    ("a", {"eps": 0.0}, ArgumentError, "eps must be a positive finite number, got 0"),
    ("a", {"eps": float("nan")}, ArgumentError, "eps must be a positive finite number, got nan"),
    ("a", {"threads": -1}, ArgumentError, "threads must be >= 0"),
    ("a b", {"deleted": np.array([True])}, InputError, "one entry per word: 1 dimensions, 1 entries, 2 words"),
    (["a", "b"], {"deleted": [None]}, ArgumentError, "one mask"),
])
def test_bad_input(shipped, inputs, kw, cls, message):
    with pytest.raises(cls, match=message):
        shipped.explain(inputs, **kw)


def test_predict_bad_input(shipped):
    with pytest.raises(InputError, match="sentence 2: empty sentence"):
        shipped.predict(["a", "b", ""])
    with pytest.raises(TypeError):
        shipped.predict(3.5)


def test_unknown_words_without_unk(bi1):
    model = lrp_rnn.load(bi1, unk="")
    assert model.info["unk"] is None
    with pytest.raises(InputError, match='sentence 1: 2 unknown words and the model has no unk word: "zz", "yy"'):
        model.explain(["w1", "w1 zz yy"], tokenized=True)
    # with the unk word they are read as it, and marked
    e = lrp_rnn.load(bi1).explain("w1 zz", tokenized=True)
    assert e.unknown.tolist() == [False, True] and e.tokens == ["w1", "zz"] and e.ids[1] == 0


def numpy_state(V=6, E=3, H=2, C=2):
    rng = np.random.default_rng(1)
    return {"emb.weight": rng.normal(size=(V, E)), "lstm.weight_ih_l0": rng.normal(size=(4 * H, E)),
            "lstm.weight_hh_l0": rng.normal(size=(4 * H, H)), "fc.weight": rng.normal(size=(C, H)),
            "fc.bias": np.zeros(C)}


VOCAB6 = ["<unk>", "a", "b", "c", "d", "e"]


def test_state_dict_of_numpy_arrays():
    model = lrp_rnn.from_torch(numpy_state(), vocab=VOCAB6, labels=["no", "yes"], unk="<unk>")
    assert model.info["directions"] == 1 and model.explain("a b c")["lrp"].shape == (3,)


@pytest.mark.parametrize("change, cls, message", [
    (lambda s: s.pop("fc.weight"), FormatError, "no classifier found"),
    (lambda s: s.update({"lstm.weight_hh_l0": np.zeros((8, 3))}), FormatError, r"lstm.weight_hh_l0"),
    (lambda s: s["lstm.weight_ih_l0"].__setitem__((5, 1), np.nan), FormatError,
     r"lstm.weight_ih_l0.*\[5, 1\]"),
    (lambda s: s["emb.weight"].__setitem__((2, 0), np.inf), FormatError, r"emb.weight.*\[2, 0\]"),
    (lambda s: s.update({"x.weight": np.zeros((3, 3))}), FormatError, "unexpected tensor x.weight"),
    (lambda s: s.update({"lstm.weight_ih_l0": s["lstm.weight_ih_l0"].astype(np.int64)}), FormatError,
     "dtype I64"),
    (lambda s: s.update({"fc.bias": [0.0, 0.0]}), TypeError, "'fc.bias': expected a torch.Tensor or a numpy array"),
    (lambda s: s.update({"fc.bias": np.array(["a", "b"])}), TypeError, "no safetensors name"),
])
def test_malformed_state_dict(change, cls, message):
    state = numpy_state()
    change(state)
    with pytest.raises(cls, match=message):
        lrp_rnn.from_torch(state, vocab=VOCAB6, labels=["no", "yes"])


def test_from_torch_arguments():
    with pytest.raises(TypeError, match="expected an nn.Module or a state_dict"):
        lrp_rnn.from_torch(42, vocab=VOCAB6, labels=["no", "yes"])
    with pytest.raises(FormatError, match="vocabulary has 5 words"):
        lrp_rnn.from_torch(numpy_state(), vocab=VOCAB6[:5], labels=["no", "yes"])
    with pytest.raises(FormatError, match='duplicate word "a"'):
        lrp_rnn.from_torch(numpy_state(), vocab=["a"] * 6, labels=["no", "yes"])
    with pytest.raises(ArgumentError, match="vocab: entry 1 contains a line break"):
        lrp_rnn.from_torch(numpy_state(), vocab=["<unk>", "a\nb", "c", "d", "e", "f"], labels=["no", "yes"])
    with pytest.raises(TypeError, match="labels: entry 0 is int"):
        lrp_rnn.from_torch(numpy_state(), vocab=VOCAB6, labels=[0, 1])
    with pytest.raises(TypeError, match="vocab: expected a list of str or a file path"):
        lrp_rnn.from_torch(numpy_state(), vocab=b"abc", labels=["no", "yes"])


def test_bad_model_files(bi1, tmp_path):
    with pytest.raises(lrp_rnn.FileError, match="No such file"):
        lrp_rnn.load(tmp_path / "missing.safetensors")
    with pytest.raises(lrp_rnn.FileError, match="is a directory"):
        lrp_rnn.load(tmp_path)
    data = bi1.read_bytes()
    for n in (0, 7, 8, 100, len(data) // 2, len(data) - 1):
        cut = tmp_path / "cut.safetensors"
        cut.write_bytes(data[:n])
        with pytest.raises(FormatError):
            lrp_rnn.load(cut)
        with pytest.raises(FormatError):
            lrp_rnn.loads(data[:n])
        # lists to put in the metadata of a file that is no model: the library's message, with the path
        with pytest.raises(FormatError, match=f"^{cut}: "):
            lrp_rnn.load(cut, vocab=["a"])
    with pytest.raises(FormatError, match="vocabulary has 2 words"):
        lrp_rnn.load(bi1, vocab=["a", "b"])
    with pytest.raises(FormatError, match='unk: the word "nope" is not in the vocabulary'):
        lrp_rnn.load(bi1, unk="nope")
    with pytest.raises(ArgumentError, match="are for PyTorch state_dicts"):
        lrp_rnn.load(bi1.parents[1] / "models" / "doc-snippet.safetensors", prefix_lstm="x")
    with pytest.raises(lrp_rnn.FileError, match="no/vocab.txt"):
        lrp_rnn.load(bi1, vocab=tmp_path / "no" / "vocab.txt")
    with pytest.raises(ValueError, match="null"):
        lrp_rnn.load(bi1, unk="a\x00b")
