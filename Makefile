SHELL := /bin/bash
# The two commands of README.md, and a few helpers. CMake does the building.
BUILD ?= build
ASAN_BUILD ?= build-asan
BENCH_BUILD ?= build-bench
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local

.PHONY: all setup build demo test asan tsan bench fuzz-smoke format check-format check-layers install clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/Makefile: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: setup
	@[ -f $(BUILD)/CMakeCache.txt ] || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The main job: what the tool can show so far.
demo: build
	$(BUILD)/glasstls explain

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: setup
	@[ -f $(ASAN_BUILD)/CMakeCache.txt ] || cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DGLS_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -LE interop

# ThreadSanitizer: the library and the test where threads share configs (tests/threads).
TSAN_BUILD ?= build-tsan
tsan: setup
	@[ -f $(TSAN_BUILD)/CMakeCache.txt ] || cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DGLS_TSAN=ON -DGLS_BUILD_BENCH=OFF >/dev/null
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target test_threads_share
	cd $(TSAN_BUILD) && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -L threads

# Benchmarks against OpenSSL (a Release build of their own; not tests): prints
# Markdown tables and a summary against the performance goals, in under a minute.
bench: setup
	@[ -f $(BENCH_BUILD)/CMakeCache.txt ] || cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DGLS_BUILD_TESTS=OFF -DGLS_BUILD_BENCH=ON >/dev/null
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target bench_handshake bench_bulk bench_memory bench_pq >/dev/null
	@bash bench/run.sh $(BENCH_BUILD)

# Each libFuzzer target for FUZZ_SECONDS, from the committed seeds (new finds go to a
# temporary directory). A crash stops with the input that caused it.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 15
FUZZ_TARGETS ?= server client msg hs_server hs_client record decrypt
fuzz-smoke: setup
	@[ -f $(FUZZ_BUILD)/CMakeCache.txt ] || cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DGLS_FUZZ=ON -DGLS_BUILD_TESTS=OFF -DGLS_BUILD_BENCH=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  work=$$(mktemp -d); \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $$work tests/fuzz/corpus/$$t 2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY|crash" ; \
	  st=$${PIPESTATUS[0]}; rm -rf $$work; [ $$st -eq 0 ] || exit 1; \
	done

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

check-format:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

check-layers:
	bash scripts/check-layers.sh

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD)
