# Ferry: the two set-up commands are `make run` and `make test` (see README.md).
JOBS ?= 2
RELEASE_DIR := build/release
TEST_DIR := build/test

.PHONY: deps build run test bench clean

deps:
	@scripts/install-deps.sh

build: deps
	JOBS=$(JOBS) scripts/build-release.sh $(RELEASE_DIR)

run: build
	scripts/run-samples.sh $(RELEASE_DIR)/engine/ferry

test: deps
	scripts/npm-deps.sh
	scripts/sample-certs.sh samples/var/tls
	cmake -S . -B $(TEST_DIR) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DFERRY_SANITIZE=ON -DFERRY_BENCH=OFF -DFERRY_UNITY=ON >/dev/null
	cmake --build $(TEST_DIR) -j$(JOBS)
	cd $(TEST_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 300

bench: build
	scripts/bench.sh $(RELEASE_DIR)

clean:
	rm -rf build
