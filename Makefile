# Two commands on a fresh machine: `make build`, then `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
CONFIG  ?= site.yml
OUT     ?= public

.PHONY: build test serve clean browser bench check

build: $(STAMP)
	$(BIN)/sitegen build --config $(CONFIG) --out $(OUT)

# Reinstall when the project's declared dependencies change.
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# Browser tests use Debian's Chromium; never `playwright install` (it downloads).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

serve: build
	$(BIN)/sitegen serve --out $(OUT)

bench: $(STAMP)
	$(BIN)/python bench/build_bench.py

clean:
	rm -rf $(OUT) $(OUT).old-* .$(OUT).staging-* .sitegen-cache bench/out
