# Named shortcuts around the CMake build. `make help` lists them.
#
#   make run     install deps, build, run the main job
#   make test    install deps, build, run the whole suite (lint included)
#
# Variables: BUILD (build dir, default build), JOBS (parallel jobs),
# LIB (Liberty file for synthesis, default the shared Nangate 45 nm library).
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test lint synth bench formal formal.quick clean help

all: build

deps:
	@bash scripts/install-deps.sh

# Re-run CMake when a CMakeLists.txt or cmake/ module is newer than the
# build files: Verilator's generated file lists are part of them, and ninja
# alone cannot regenerate them when an RTL file is added to a model.
CMAKE_INPUTS := $(shell find . -path './build*' -prune -o -path ./.git -prune -o \( -name CMakeLists.txt -o -name '*.cmake' \) -print 2>/dev/null)

$(BUILD)/build.ninja: $(CMAKE_INPUTS) | deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)
	@touch $@

configure: $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

## run: the main job: LeNet-5 on the 16x32 RTL, every layer checked against golden (see README)
run: build
	./$(BUILD)/bitfusion fu-check
	./$(BUILD)/bitfusion run --net lenet5 --backend rtl --config bf16x32

## test: the whole suite through CTest (lint, golden, RTL, synthesis smoke)
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

## lint: verilator -Wall, yosys and iverilog on every RTL module
lint: deps
	bash scripts/lint.sh

## synth: Yosys + OpenSTA on the Nangate 45 nm library (results in build/synth)
synth: deps
	bash synth/run.sh

## formal: every formal check (proofs, bounded model checks, mutants; docs/verification.md); long
formal:
	bash formal/run.sh

## formal.quick: the formal subset that is also in `make test` (CTest formal.quick)
formal.quick:
	bash formal/run.sh --quick

## bench: benchmarks that print figures (array: utilization, simulation speed)
BENCH_BUILD ?= $(BUILD)-bench
bench: deps
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DBF_BENCH_ARRAY=ON $(CMAKE_FLAGS)
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target bench_array
	./$(BENCH_BUILD)/bench/array/bench_array

clean:
	rm -rf $(BUILD)

help:
	@grep -E '^## ' Makefile | sed 's/^## /  make /'
