"""Build lrp_rnn: the extension lrp_rnn._core (src/core.c) linked with the project's
static library, which is built here by CMake from the repository this directory is
in (target lrp_static, position-independent, without tests and benchmarks), and the
shipped model copied into the package.

    /usr/bin/python3 -m venv --system-site-packages .venv
    .venv/bin/pip install --no-build-isolation ./python

Environment: LRP_BUILD_DIR the CMake build directory (default: under setuptools'
build_temp); LRP_CMAKE_ARGS more CMake arguments (e.g. -DLRP_NATIVE=OFF for a
library that runs on other machines than this one); JOBS parallel compile jobs;
LRP_WERROR=1 turns the extension's warnings into errors (make test sets it);
LRP_SANITIZE=1 builds the library and the extension with AddressSanitizer and
UndefinedBehaviorSanitizer (make test-python-san: Python then runs with the
sanitizer runtimes preloaded).
"""

import glob
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MODEL = ROOT / "models" / "sst5-bilstm.safetensors"


def _need_repository():
    if not (ROOT / "include" / "lrp.h").is_file() or not (ROOT / "CMakeLists.txt").is_file():
        sys.exit(f"lrp_rnn: {ROOT} is not the lrp-rnn repository: build the package from python/ "
                 "of a clone (pip install --no-build-isolation ./python)")


def _artifact(build: Path, target: str) -> Path:
    """The file CMake makes for `target`, from the CMake file API's reply."""
    replies = sorted(glob.glob(str(build / ".cmake" / "api" / "v1" / "reply" / "index-*.json")))
    if not replies:
        sys.exit(f"lrp_rnn: CMake wrote no file-API reply in {build}")
    reply = build / ".cmake" / "api" / "v1" / "reply"
    index = json.loads(Path(replies[-1]).read_text())
    model = json.loads((reply / index["reply"]["codemodel-v2"]["jsonFile"]).read_text())
    for t in model["configurations"][0]["targets"]:
        if t["name"] == target:
            info = json.loads((reply / t["jsonFile"]).read_text())
            return build / info["artifacts"][0]["path"]
    sys.exit(f"lrp_rnn: the CMake project has no target {target}")


class BuildExt(build_ext):
    """Builds liblrp.a with CMake first, then the extension against it."""

    def run(self):
        _need_repository()
        if not shutil.which("cmake"):
            sys.exit("lrp_rnn: cmake is needed to build the library (apt-get install cmake gcc make libcjson-dev)")
        build = Path(os.environ.get("LRP_BUILD_DIR") or Path(self.build_temp) / "liblrp").resolve()
        query = build / ".cmake" / "api" / "v1" / "query"
        query.mkdir(parents=True, exist_ok=True)
        (query / "codemodel-v2").touch()
        kind = ["-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DLRP_SANITIZE=ON"] if SANITIZE else ["-DCMAKE_BUILD_TYPE=Release"]
        subprocess.check_call(["cmake", "-S", str(ROOT), "-B", str(build), *kind,
                               "-DLRP_BUILD_TESTS=OFF", "-DLRP_BUILD_BENCH=OFF",
                               "-DCMAKE_POSITION_INDEPENDENT_CODE=ON",
                               *shlex.split(os.environ.get("LRP_CMAKE_ARGS", ""))])
        jobs = os.environ.get("JOBS") or str(os.cpu_count() or 2)
        subprocess.check_call(["cmake", "--build", str(build), "--target", "lrp_static", "--parallel", jobs])
        library = _artifact(build, "lrp_static")

        import numpy

        for ext in self.extensions:
            ext.include_dirs += [str(ROOT / "include"), numpy.get_include()]
            ext.extra_objects = [str(library)]
        # one small file: always compiled, so that flags (LRP_SANITIZE) never mix
        # between builds that share setuptools' build directory
        self.force = True
        super().run()


class BuildPy(build_py):
    """Copies the shipped model into the package (lrp_rnn/data/)."""

    def run(self):
        super().run()
        _need_repository()
        if MODEL.is_file():
            data = Path(self.build_lib) / "lrp_rnn" / "data"
            data.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(MODEL, data / MODEL.name)


WARNINGS = ["-Wall", "-Wextra"] + (["-Werror"] if os.environ.get("LRP_WERROR") == "1" else [])
SANITIZE = os.environ.get("LRP_SANITIZE") == "1"
SANITIZERS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"] if SANITIZE else []

setup(
    ext_modules=[Extension(
        "lrp_rnn._core",
        sources=["src/core.c"],
        extra_compile_args=["-std=c11", *WARNINGS, "-fno-fast-math", *SANITIZERS],
        libraries=["cjson", "m", "pthread"],
        # the library's symbols stay inside the extension
        extra_link_args=["-Wl,--exclude-libs,ALL", *SANITIZERS[:1]],
    )],
    cmdclass={"build_ext": BuildExt, "build_py": BuildPy},
)
