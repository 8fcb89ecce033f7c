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

.PHONY: all deps configure build run test check-fast test-sanitize fuzz lint synth bench bench-mnist bench-simspeed bench-conv3x3 bench-icarus soak models formal formal.quick clean help

all: build

deps:
	@bash scripts/install-deps.sh

# Re-run CMake when a CMakeLists.txt or cmake/ module is newer than the
# build files: Verilator's generated file lists are part of them, and ninja
# alone cannot regenerate them when an RTL file is added to a model.
CMAKE_INPUTS := $(shell find . -path './build*' -prune -o -path ./.git -prune -o \( -name CMakeLists.txt -o -name '*.cmake' \) -print 2>/dev/null) rtl/files.json

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

## check-fast: the C++ side only (golden, ISA, model, CLI on the golden backend): seconds, no Verilator
FAST_BUILD ?= $(BUILD)-fast
check-fast: deps
	@if [ ! -f $(FAST_BUILD)/build.ninja ]; then cmake -S . -B $(FAST_BUILD) -G Ninja -DBF_VERILATED=OFF $(CMAKE_FLAGS); fi
	cmake --build $(FAST_BUILD) -j $(JOBS)
	cd $(FAST_BUILD) && ctest --output-on-failure -j $(JOBS) -L 'golden|isa|model|cli|frontend' -LE lint

## test-sanitize: the C++ side (golden, model, CLI, tests) with ASan+UBSan, any report fatal (own build dir)
SAN_BUILD ?= $(BUILD)-asan
test-sanitize: deps
	@if [ ! -f $(SAN_BUILD)/build.ninja ]; then cmake -S . -B $(SAN_BUILD) -G Ninja -DBF_VERILATED=OFF -DBF_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS); fi
	cmake --build $(SAN_BUILD) -j $(JOBS)
	cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS) -LE 'lint|fuzz'

## fuzz: every libFuzzer target for FUZZ_TIME seconds (default 600) on a copy of its corpus; FUZZ_MERGE=1 keeps new inputs
FUZZ_TIME ?= 600
FUZZ_BUILD ?= $(BUILD)/fuzz-build
FUZZ_TARGETS ?=
fuzz: deps
	bash scripts/fuzz.sh --time $(FUZZ_TIME) --build-dir $(FUZZ_BUILD) $(if $(FUZZ_MERGE),--merge) $(FUZZ_TARGETS)

## lint: verilator -Wall, yosys and iverilog on every RTL module; C++ format (.clang-format) and RTL line length
lint: deps
	bash scripts/lint.sh
	bash scripts/format-check.sh || [ $$? -eq 77 ]

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

## bench-mnist: LeNet-5 2-bit on 1,000 MNIST images on the 16x32 RTL: accuracy framework/golden/RTL, cycles and energy vs 8-bit
bench-mnist: build
	bash bench/mnist/run.sh --cli $(BUILD)/bitfusion --work $(BUILD)/bench-mnist --jobs $(JOBS)

## bench-simspeed: device simulation speed, LeNet-5 on the bf16x32 RTL in cycles per CPU second (docs/results.md)
bench-simspeed: build
	bash bench/simspeed/run.sh --cli $(BUILD)/bitfusion

## bench-conv3x3: a compute-bound 3x3 conv (64 -> 256 channels, 16x16) on the bf16x32 RTL at every width pair: cycles, utilization (docs/results.md)
bench-conv3x3: build
	bash bench/conv3x3/run.sh --cli $(BUILD)/bitfusion

## bench-icarus: Verilator against Icarus Verilog on the same RTL and stimulus (docs/sim-speed.md)
bench-icarus: deps
	bash bench/icarus/run.sh --work $(BUILD)-bench-icarus

## soak: random layers on the bf2x2 RTL under DRAM stress and mid-layer resets, bit-exact (SOAK_CYCLES, default 10M; SOAK_SEED)
SOAK_CYCLES ?= 10000000
SOAK_SEED ?=
soak: configure
	cmake --build $(BUILD) -j $(JOBS) --target soak_ctrl
	./$(BUILD)/tests/ctrl/soak_ctrl --cycles $(SOAK_CYCLES) $(if $(SOAK_SEED),--seed $(SOAK_SEED))

## models: re-train and re-export the example models (examples/; installs PyTorch and scikit-learn)
models:
	bash examples/train_all.sh

clean:
	rm -rf $(BUILD)

help:
	@grep -E '^## ' Makefile | sed 's/^## /  make /'
