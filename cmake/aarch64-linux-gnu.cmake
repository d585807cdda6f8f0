# Cross build for 64-bit ARM Linux on a Debian machine, its tests run under qemu-user:
#   apt-get install gcc-aarch64-linux-gnu qemu-user, and the arm64 C library and cJSON
#   (dpkg --add-architecture arm64; apt-get update; apt-get install libc6:arm64 libcjson-dev:arm64;
#   the programs run under qemu-aarch64 with them: its -L with the cross-compiler's own C library
#   hangs at the first thread)
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DLRP_NATIVE=OFF
# (`make test-aarch64` does all of it but the packages.)
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
# libraries and headers from Debian's multiarch directories (/usr/lib/aarch64-linux-gnu)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# how the tests run the programs: every ctest command and, through LRP_EMULATOR, the
# command tests' runs of lrp and the test tool
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
