# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MIRROR ?= $(wildcard ../shared/corpus/mirror)
INGEST_ARGS := $(if $(MIRROR),--mirror $(MIRROR),--fetch)

.PHONY: install run ingest test lint eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	# torch first, pinned to the CPU build, or pip pulls a multi-GB CUDA build
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev,llm,bench]'

ingest: install
	$(BIN)/python ingest.py $(INGEST_ARGS)

run: ingest
	$(BIN)/python app.py

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

eval:
	$(BIN)/python -m assistant.eval ../shared/eval/dev.jsonl --k 10

# the side-by-side comparison, ingestion against the raw encode rate, runtimes, scale (~30 min)
bench: install
	$(BIN)/python -m assistant.bench all --mirror ../shared/corpus/mirror --server \
		--json BENCHMARKS.json --markdown BENCHMARKS.md

clean:
	rm -rf .data corpus/cache
