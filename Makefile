# Two commands on a fresh machine: `make build`, then `make test`.
# The venv's Python: the system's /usr/bin/python3 where it is 3.11 or newer and can
# make a venv (Debian's is built with PGO and LTO, and ran a 10,000-article build in
# ~10% less CPU than a plain source build of 3.11.7 such as pyenv's), else python3.
# `make PY=python3.12 build` chooses another.
SYSTEM_PY := /usr/bin/python3
PY      ?= $(shell $(SYSTEM_PY) -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $(SYSTEM_PY) || echo python3)
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
CONFIG  ?= site.yml
OUT     ?= public

.PHONY: build test serve clean browser bench check

# BASE_URL=https://user.github.io/repo/ publishes under another address than site.yml's.
build: $(STAMP)
	$(BIN)/sitegen build --config $(CONFIG) --out $(OUT) $(if $(BASE_URL),--base-url $(BASE_URL))

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

# The bundled site must build and pass `sitegen check` before the suite runs.
test: $(STAMP) browser
	$(BIN)/sitegen build --config $(CONFIG) --out $(OUT)
	$(BIN)/sitegen check --config $(CONFIG) --out $(OUT)
	$(BIN)/python -m pytest -q

serve: $(STAMP)
	$(BIN)/sitegen serve --config $(CONFIG) --out $(OUT)

check: build
	$(BIN)/sitegen check --config $(CONFIG) --out $(OUT)

bench: $(STAMP)
	$(BIN)/python bench/build_bench.py

clean:
	rm -rf $(OUT) $(OUT).old-* .$(OUT).staging-* .sitegen-cache bench/out
