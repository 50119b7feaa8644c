# kscms: the quick start is `make site` then `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
KSCMS := $(BIN)/kscms
STAMP := $(VENV)/.installed

.PHONY: site test serve lint golden lean-table bench fuzz ci-dry clean install pyc

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# kscms's bytecode, compiled ahead: with PYTHONDONTWRITEBYTECODE set (as on many CI machines) an
# editable install would compile every module it imports again on every run (a tenth of `check --base`)
pyc: $(STAMP)
	$(BIN)/python -m compileall -q kscms

site: pyc
	$(KSCMS) check
	$(KSCMS) build --out _site

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

serve: $(STAMP)
	$(KSCMS) serve

lint: $(STAMP)
	$(BIN)/ruff check kscms tests bench
	$(BIN)/ruff format --check kscms tests bench
	$(BIN)/mypy
	$(BIN)/cog --check README.md
	bash scripts/lint-workflows

golden: $(STAMP)
	$(BIN)/python -m tests.golden

# the lean reader's table, derived from the pydantic models (after a change to a model)
lean-table: $(STAMP)
	$(BIN)/python -m kscms.model.lean_derive > kscms/model/lean_table.py.new
	mv kscms/model/lean_table.py.new kscms/model/lean_table.py
	$(BIN)/ruff format -q kscms/model/lean_table.py

bench: pyc
	bash bench/run.sh

ci-dry: $(STAMP)
	bash scripts/ci-dry

fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet atheris
	$(BIN)/python tests/fuzz/fuzz_records.py -max_total_time=$${FUZZ_SECONDS:-300}

clean:
	rm -rf _site .kscms-cache .pytest_cache .mypy_cache .ruff_cache
