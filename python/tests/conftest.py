"""Shared fixtures of the Python tests (run by `make test`: a venv under the build
directory with the package installed, then pytest on python/tests/).

Environment: LRP_BIN the `lrp` command (default build/lrp of the repository), for
the tests that compare with it; LRP_TEST_DATA the C tests' data (default
tests/data). A test that needs what is absent is skipped and says why (pytest -rs).
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

import lrp_rnn

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("LRP_TEST_DATA") or ROOT / "tests" / "data")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def shipped():
    return lrp_rnn.default_model()


@pytest.fixture(scope="session")
def lrp_bin() -> str:
    path = os.environ.get("LRP_BIN") or str(ROOT / "build" / "lrp")
    if not os.access(path, os.X_OK):
        pytest.skip(f"no lrp command at {path} (set LRP_BIN; make test does): the comparisons with it need it")
    return path


def run_lrp(lrp_bin: str, *args: str, stdin: str = "", check: bool = True) -> subprocess.CompletedProcess:
    """The command with `args`, `stdin` as its standard input; LRP_MODEL and NO_COLOR unset."""
    env = {k: v for k, v in os.environ.items() if k not in ("LRP_MODEL", "NO_COLOR")}
    p = subprocess.run([lrp_bin, *args], input=stdin.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env)
    if check and p.returncode != 0:
        raise AssertionError(f"lrp {' '.join(args)} exited {p.returncode}: {p.stderr.decode()}")
    return p


def json_lines(text: bytes):
    return [json.loads(line) for line in text.decode().splitlines()]
