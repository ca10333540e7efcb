# Thin wrapper around CMake. `make` builds Release into build/, programs in build/bin/.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
SANITIZE ?=
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

ifneq ($(SANITIZE),)
  BUILD_DIR := build-sanitize
  BUILD_TYPE := Debug
endif

.PHONY: all build deps test unit integration demo setcap clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DBP_SANITIZE=$(SANITIZE) $(CMAKE_FLAGS)

build: $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Every test, unit and integration, through ctest. Integration tests need root (they skip otherwise).
test: deps build
	cd $(BUILD_DIR) && ctest --output-on-failure

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit

integration: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L integration

# A few pings against the loopback default target.
demo: deps build
	$(BUILD_DIR)/bin/ping -c 4 -i 0.5 127.0.0.1

# File capability for running without sudo: permitted only; the programs raise it themselves.
setcap: build
	setcap cap_net_raw+p $(BUILD_DIR)/bin/ping
	@getcap $(BUILD_DIR)/bin/ping

clean:
	rm -rf build build-sanitize
