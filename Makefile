# The two commands of the README:
#   make demo   build (Release), generate sample S3 access logs, convert them, query them
#   make test   build and run the test suite
# Both install what is missing first (scripts/bootstrap.sh: Debian packages, DuckDB from npm).
# Others: make build | bench | bench-formats | fuzz | clean | format | tidy

BUILD := build/release
SILT := $(BUILD)/silt
DEMO := demo-out
JOBS ?= 2

.PHONY: all bootstrap build demo test bench bench-formats bench-s3 bench-tables fuzz clean format tidy

all: build

bootstrap:
	@bash scripts/bootstrap.sh

build: bootstrap
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

test: build
	@ctest --preset release

demo: build
	@bash scripts/demo.sh $(SILT) $(DEMO)

bench: build
	@bash bench/run_bench.sh

bench-formats: build
	@bash bench/run_bench_formats.sh

bench-s3: build
	@bash bench/run_bench_s3.sh

bench-tables: build
	@bash bench/run_bench_tables.sh

fuzz:
	@bash scripts/fuzz.sh

clean:
	rm -rf build $(DEMO)

format:
	@find src bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

tidy: build
	@find src -name '*.cc' ! -name '*_test.cc' | xargs clang-tidy -p $(BUILD) --quiet
