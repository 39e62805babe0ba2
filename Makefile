# Two commands on a fresh clone: `make run` and `make test`. Both create .venv and install from
# pyproject.toml, pinned by requirements.lock (a pip constraints file), on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WAREHOUSE ?= data/warehouse
EVAL ?= ../shared/eval

export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export GX_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 90

.PHONY: install run test lint eval-articles eval-gsr eval-extraction codebook bench lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run the nightly flow on the sources of data/sources.yaml (the bundled sample corpus, offline)
run: install
	$(BIN)/newsevents run --warehouse $(WAREHOUSE)

## run the test suite
test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .

## evaluation kit (needs ../shared/eval beside the repo)
eval-articles: install
	$(BIN)/newsevents run --source $(EVAL)/articles-dev/pages --warehouse /tmp/wh-dev
	$(BIN)/python $(EVAL)/score_articles.py --warehouse /tmp/wh-dev --gold $(EVAL)/articles-dev

eval-gsr: install
	$(BIN)/python $(EVAL)/make_gsr_inputs.py $(EVAL)/plover-gsr-dev.jsonl /tmp/gsr-dev.jsonl
	$(BIN)/newsevents run --source /tmp/gsr-dev.jsonl --warehouse /tmp/wh-gsr
	$(BIN)/python $(EVAL)/score_gsr.py --warehouse /tmp/wh-gsr --gold $(EVAL)/plover-gsr-dev.jsonl

eval-extraction: install
	$(BIN)/python -m flows.eval_extraction --aeb $(EVAL)/aeb --out /tmp/aeb-preds.json
	$(BIN)/python $(EVAL)/score_extraction.py --predictions /tmp/aeb-preds.json --gold $(EVAL)/aeb

## regenerate schemas/CODEBOOK.md after changing schemas/ (a test fails when it is stale)
codebook: install
	$(BIN)/python -m schemas.codebook

## benchmarks behind data/BENCHMARKS.md (minutes; not part of the tests)
bench: install
	$(BIN)/newsevents bench pipeline --pages 1000
	$(BIN)/newsevents bench crawl --pages 1000
	$(BIN)/newsevents bench publish --events 100000
	$(BIN)/newsevents bench queries --events 10000000

## refresh the pins after changing dependencies in pyproject.toml
lock: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^newsevents' > requirements.lock

clean:
	rm -rf $(WAREHOUSE) .pytest_cache
