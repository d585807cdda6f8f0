"""docs/python.md as a new user runs it: every ```python block in order, in one
namespace, in an empty directory; a ```text block right after a Python block is the
output it must print (numbers within 2 % or 0.02, the rest exactly, so that a
processor that rounds torch's training differently in the last bits still agrees)."""

import contextlib
import io
import re

import pytest

from conftest import ROOT

BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
NUMBER = re.compile(r"-?\d+\.?\d*(?:e-?\d+)?")


def blocks():
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer((ROOT / "docs" / "python.md").read_text())]


def same_output(got: str, want: str) -> bool:
    g, w = got.split(), want.split()
    if len(g) != len(w):
        return False
    for a, b in zip(g, w):
        na, nb = NUMBER.fullmatch(a.strip("[](),")), NUMBER.fullmatch(b.strip("[](),"))
        if na and nb:
            x, y = float(na.group()), float(nb.group())
            if abs(x - y) > max(0.02, 0.02 * abs(y)):
                return False
        elif a != b:
            return False
    return True


def test_walk_through(tmp_path, monkeypatch):
    pytest.importorskip("torch", reason="python3-torch is not installed: the walk-through trains a PyTorch model")
    monkeypatch.chdir(tmp_path)
    found = blocks()
    python = [k for k, (lang, _) in enumerate(found) if lang == "python"]
    assert len(python) >= 8, "docs/python.md: the walk-through's blocks"
    namespace = {"__name__": "__walkthrough__"}
    for k in python:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(found[k][1], f"docs/python.md block {k}", "exec"), namespace)
        if k + 1 < len(found) and found[k + 1][0] == "text":
            want = found[k + 1][1]
            assert same_output(out.getvalue(), want), \
                f"docs/python.md block {k} printed:\n{out.getvalue()}\nthe page shows:\n{want}"
    assert (tmp_path / "heatmaps.html").read_text().startswith("<!DOCTYPE html>")


def test_install_command_is_the_readme_s():
    """The page and the README give the same install command."""
    sh = [code for lang, code in blocks() if lang == "sh"]
    assert sh and "pip install --no-build-isolation ./python" in sh[0]
    assert sh[0].strip() in (ROOT / "README.md").read_text()
