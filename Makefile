# The README's two commands: `make main` (the main job) and `make test`.
.PHONY: all setup build native ts lint format test main bench clean

all: build

setup:
	bash scripts/setup.sh

native: setup
	@if [ ! -f build/Release/nasforge.node ] || [ -n "$$(find native binding.gyp scripts/torch-config.mjs -newer build/Release/nasforge.node 2>/dev/null)" ]; then \
	  npm run build:native --silent; fi

ts: setup
	npx tsc -p tsconfig.json
	chmod +x dist/src/cli/main.js

build: native ts

# Biome lints and checks the formatting of every TypeScript file (biome.json); `make format`
# rewrites them in its format.
lint: setup
	npx biome check .

format: setup
	npx biome format --write .

# The test files (*.test.js; helpers beside them are not tests). One libtorch thread per test process: the suite checks correctness, not speed, and some tests
# run several worker processes at once; OpenMP threads of busy processes fighting over 2 cores
# made a float64 gradient check take minutes instead of seconds. NASFORGE_THREADS overrides it.
test: build lint
	NASFORGE_THREADS=$${NASFORGE_THREADS:-1} node --test --test-concurrency=1 $$(find dist/test -name '*.test.js' | sort)

# The main job: a search on Fashion-MNIST (aging evolution over NAS-Bench-201 cells, proxy
# training, 2 worker processes on the SQLite default), its leaderboard and best genotype, then
# the best cell retrained at a larger stack and its test accuracy. About 10 minutes on 2 cores.
# Re-running continues the study in runs/main (delete that folder to search again).
MAIN_STORAGE ?= sqlite:runs/main/nasforge.db
RETRAIN_FLAGS ?= --epochs 4 --lr 0.1 --channels 16 --limit 10000 --threads 1
main: build
	node dist/src/cli/main.js search --config examples/fmnist-evolution.yaml --storage $(MAIN_STORAGE) --workers 2
	node dist/src/cli/main.js retrain --study fmnist-evolution --storage $(MAIN_STORAGE) $(RETRAIN_FLAGS)

bench: build
	node dist/bench/engine/run.js

clean:
	rm -rf build dist
