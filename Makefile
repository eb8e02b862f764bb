# Tidings: `make run` starts a server, `make test` runs the whole suite.
# Both first install the system libraries the build links (Debian/Ubuntu, via apt).

SWIFT    ?= swift
DATA_DIR ?= ./data
HOST     ?= 127.0.0.1
PORT     ?= 8080
APT_PACKAGES := libsqlite3-dev libsystemd-dev pkg-config systemd

.PHONY: deps build run test clean

deps:
	@missing=""; \
	for package in $(APT_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
		$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

run: build
	$(SWIFT) run --skip-build tidings serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build

# Benchmarks (Benchmarks/README.md, results in BENCHMARKS.md): release build in .build-release,
# fresh data directories, nginx + Nchan for the comparison. 9 minutes on a quiet machine, up to
# ~19 when other work keeps it busy, plus the release build (incremental ~1 min, cold 10-25 min).
# `make bench BENCH_ARGS=--quick` is a two-minute smoke run of the harness.
.PHONY: bench
bench: deps
	bash Benchmarks/run.sh $(BENCH_ARGS)
