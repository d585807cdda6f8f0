# Thin wrapper around CMake. `make` builds, `make test` builds and runs every test
# three times: an optimised build, one under AddressSanitizer + UndefinedBehaviorSanitizer,
# and a portable one (no -march=native); then the Python package's tests.
#   make                 build build/lrp, the library and the tests
#   make test            all tests: optimised, sanitized (SANITIZE=0 skips it), and
#                        optimised without -march=native (PORTABLE=0 skips it): the
#                        vector code's plain 16-byte form, no FMA; the Python tests
#                        (PYTHON_TESTS=0 skips them)
#   make python          a venv in build/python-venv with the package lrp_rnn installed
#   make test-python     make python, then pytest on python/tests (test-python-san: the
#                        same with the extension and the library under ASan + UBSan)
#   make install         install to PREFIX (default /usr/local)
#   make fuzz            run every fuzzer for FUZZ_SECONDS each (needs clang)
#   make bench           build and run the benchmarks (bench/bench_*.c, bench/bench_*.sh,
#                        bench/bench_python.py)
#   make portable        build without -march=native
#   make test-aarch64    cross build for 64-bit ARM Linux and every test under qemu-user
#                        (needs the packages cmake/aarch64-linux-gnu.cmake names)
#   make posix           build the library, the applications and the command with nothing
#                        beyond POSIX.1-2008 (LRP_POSIX_ONLY: what macOS and the BSDs offer)
BUILD ?= build
SAN_BUILD ?= build-san
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SANITIZE ?= 1
PORTABLE ?= 1
PYTHON_TESTS ?= 1
# Debian's python (numpy, pytest and torch from Debian's packages); the venv sees them
PYTHON ?= /usr/bin/python3
PY_VENV := $(BUILD)/python-venv
FUZZ_SECONDS ?= 30
CMAKE_FLAGS ?=

.PHONY: all build test test-fast test-san test-portable test-aarch64 posix python test-python \
        test-python-san install fuzz bench portable clean

all: build

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

$(SAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLRP_SANITIZE=ON -DLRP_BUILD_BENCH=OFF $(CMAKE_FLAGS)

test-san: $(SAN_BUILD)/CMakeCache.txt
	cmake --build $(SAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(SAN_BUILD) --output-on-failure -j $(JOBS)

test-portable: portable
	ctest --test-dir $(BUILD)-portable --output-on-failure -j $(JOBS)

# the package as the README installs it: a venv that sees Debian's numpy, pytest and
# torch, pip without a package index; the library's CMake build in $(BUILD)/python-lib
python: build
	@test -x $(PY_VENV)/bin/python || $(PYTHON) -m venv --system-site-packages $(PY_VENV)
	LRP_BUILD_DIR=$(abspath $(BUILD))/python-lib LRP_WERROR=1 JOBS=$(JOBS) \
	  $(PY_VENV)/bin/pip install --quiet --no-build-isolation --no-index ./python

# -rs: every skipped test is listed with its reason
test-python: python
	LRP_BIN=$(abspath $(BUILD))/lrp $(PY_VENV)/bin/python -m pytest -p no:cacheprovider -q -rs python/tests

# the same tests with the extension and the library under ASan + UBSan: Python itself
# is not instrumented, so the sanitizer runtimes are preloaded; leaks are not checked
# (the interpreter keeps memory until exit by design)
PY_SAN_VENV := $(SAN_BUILD)/python-venv
test-python-san: build
	@test -x $(PY_SAN_VENV)/bin/python || $(PYTHON) -m venv --system-site-packages $(PY_SAN_VENV)
	LRP_BUILD_DIR=$(abspath $(SAN_BUILD))/python-lib LRP_SANITIZE=1 LRP_WERROR=1 JOBS=$(JOBS) \
	  $(PY_SAN_VENV)/bin/pip install --quiet --no-build-isolation --no-index ./python
	LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)" \
	  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LRP_BIN=$(abspath $(BUILD))/lrp $(PY_SAN_VENV)/bin/python -m pytest -p no:cacheprovider -q -rs python/tests

TEST_BUILDS := test-fast
ifneq ($(SANITIZE),0)
TEST_BUILDS += test-san
endif
ifneq ($(PORTABLE),0)
TEST_BUILDS += test-portable
endif
ifneq ($(PYTHON_TESTS),0)
TEST_BUILDS += test-python
ifneq ($(SANITIZE),0)
TEST_BUILDS += test-python-san
endif
endif
test: $(TEST_BUILDS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

fuzz:
	fuzz/run.sh $(FUZZ_SECONDS)

bench: build python
	@for b in $(BUILD)/bench/bench_*; do if [ -x "$$b" ]; then "$$b" || exit 1; echo; fi; done
	@for s in bench/bench_*.sh; do if [ -x "$$s" ]; then BUILD=$(BUILD) "$$s" || exit 1; fi; done
	BUILD=$(BUILD) $(PY_VENV)/bin/python bench/bench_python.py

$(BUILD)-portable/CMakeCache.txt:
	cmake -S . -B $(BUILD)-portable -DCMAKE_BUILD_TYPE=Release -DLRP_NATIVE=OFF $(CMAKE_FLAGS)

portable: $(BUILD)-portable/CMakeCache.txt
	cmake --build $(BUILD)-portable -j $(JOBS)

$(BUILD)-aarch64/CMakeCache.txt:
	cmake -S . -B $(BUILD)-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DCMAKE_BUILD_TYPE=Release \
	  -DLRP_NATIVE=OFF -DLRP_BUILD_BENCH=OFF $(CMAKE_FLAGS)

test-aarch64: $(BUILD)-aarch64/CMakeCache.txt
	cmake --build $(BUILD)-aarch64 -j $(JOBS)
	ctest --test-dir $(BUILD)-aarch64 --output-on-failure -j $(JOBS) --timeout 1200

$(BUILD)-posix/CMakeCache.txt:
	cmake -S . -B $(BUILD)-posix -DCMAKE_BUILD_TYPE=Release -DLRP_POSIX_ONLY=ON -DLRP_BUILD_TESTS=OFF \
	  -DLRP_BUILD_BENCH=OFF $(CMAKE_FLAGS)

posix: $(BUILD)-posix/CMakeCache.txt
	cmake --build $(BUILD)-posix -j $(JOBS)

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(BUILD)-portable $(BUILD)-aarch64 $(BUILD)-posix python/build \
	  python/lrp_rnn.egg-info
