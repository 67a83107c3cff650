# Two commands on a fresh machine: `make run` and `make test`. `make help` lists all.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Python 3.10 (Rasa 3.6 needs 3.8-3.10): the first of these that really is 3.10.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: help install run chat train test bench lint clean purge

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is needed (Rasa 3.6 supports 3.8-3.10). Install python3.10 and retry."; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.0"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(PY) -m pip check
	@touch $@

install: $(VENV)/.installed ## install everything into .venv

train: install ## check the data and train the model if it changed
	$(PY) -m bot train

run: train ## install, train if needed, and start the assistant (terminal chat, or Telegram with TELEGRAM_BOT_TOKEN)
	$(PY) -m bot run

purge: install ## delete stored data older than RETENTION_DAYS (the running bot also does it daily)
	$(PY) -m bot purge

test: train ## install, train once, run the whole test suite
	$(PY) -m pytest

bench: train ## measure latency, training time, memory and start-up (prints a table)
	$(PY) -m bench.core

lint: install ## ruff and mypy
	$(VENV)/bin/ruff check bot actions tests bench
	$(VENV)/bin/mypy bot actions

clean: ## remove the virtual environment, models and local data
	rm -rf $(VENV) models var
