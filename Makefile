# Thin wrapper around CMake. `make` builds Release into build/, programs in build/bin/.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
SANITIZE ?=
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

comma := ,
ifneq ($(SANITIZE),)
  BUILD_DIR := build-sanitize-$(subst $(comma),-,$(SANITIZE))
  BUILD_TYPE := Debug
endif

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all build deps test unit integration demo bench setcap install deb clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/Makefile:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DBP_SANITIZE=$(SANITIZE) \
	  -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: $(BUILD_DIR)/Makefile
	cmake --build $(BUILD_DIR) -j $(JOBS)
	@if [ -z "$(SANITIZE)" ]; then ln -sfn $(BUILD_DIR)/bin/better_ping better_ping; fi

# Every test, unit and integration, through ctest. Integration tests need root (they skip
# otherwise) and are RUN_SERIAL, so -j runs only the unit tests and checks side by side.
# Under a sanitizer (SANITIZE=...) the packaging checks and the tests whose subject is a duration
# or another program's reading of our output are left out: they run no code path that the other
# tests do not, and they would repeat minutes of the Release run (CI runs all three builds).
SANITIZER_SKIP := ^(CheckPing|Clients/JcPing|BetterPingLoss|BetterPingJobControl|BetterPingSilence|Families/StatsWire|PrometheusIt|ListenerAbuse)\.
ifneq ($(SANITIZE),)
  CTEST_SELECT := -LE packaging -E '$(SANITIZER_SKIP)'
endif
test: deps build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_SELECT)

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit

integration: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L integration

# A few supervised pings against the loopback default target.
demo: deps build
	./better_ping -c 4 -i 0.5 127.0.0.1

# Our ping side by side with iputils ping on a network-namespace test host (root needed).
# Prints the table and writes it to docs/BENCHMARKS.md. BENCH_QUICK=1 for a short run;
# BENCH_REF=/path/to/ping to compare with another reference. Knobs: see bench/run.
BENCH_REF ?= /usr/bin/ping
bench: deps build
	bench/run --ours $(BUILD_DIR)/bin/ping --ref $(BENCH_REF) --out docs/BENCHMARKS.md

# File capability for running without sudo: permitted only; the programs raise it themselves.
setcap: build
	setcap cap_net_raw+p $(BUILD_DIR)/bin/ping $(BUILD_DIR)/bin/better_ping
	@getcap $(BUILD_DIR)/bin/ping $(BUILD_DIR)/bin/better_ping

# Installs better_ping (bin), bping (bin: the plain pinger, never named ping), watchdog
# (libexec/better_ping), the systemd unit, man pages and bash completion. The prefix is compiled
# in (better_ping finds its watchdog there), so it is set again at configure time here. Without
# DESTDIR the installed programs get cap_net_raw+p (a warning says so if that fails).
install: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BUILD_DIR) -j $(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD_DIR)

# A Debian package in build-deb/ (prefix /usr; its postinst sets the capability).
deb: deps
	cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DBP_TESTS=OFF
	cmake --build build-deb -j $(JOBS)
	cd build-deb && cpack -G DEB
	@ls build-deb/*.deb

# libFuzzer targets (tests/fuzz/) in a clang build of their own, build-fuzz/, each run for
# FUZZ_SECONDS on a copy of its seed corpus; findings stay in build-fuzz/fuzz-runs/. Fails on a crash.
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz: deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DBP_FUZZ=ON \
	  -DBP_TESTS=OFF -DBP_STATIC_CXX_RUNTIME=OFF
	cmake --build build-fuzz -j $(JOBS) --target fuzzers
	tests/fuzz/run build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build build-sanitize-* build-deb build-fuzz
	rm -f better_ping
