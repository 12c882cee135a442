# Two entry points: `make demo` runs the example site, `make test` runs the test suite.
# Both create .venv with the Python found as $(PYTHON) and install into it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: demo test test-django42 bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo-installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[rest]'
	touch $@

$(VENV)/.test-installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[rest,test,browser]'
	touch $@

demo: $(VENV)/.demo-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_setup
	@echo "Serving http://127.0.0.1:$(PORT)/ : log in as demo / demo, then press Connect Instagram."
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.test-installed
	$(BIN)/python -m pytest

# The oldest supported Django (4.2 LTS) in a venv of its own; `make test` uses the newest.
VENV42 := .venv-django42

$(VENV42)/.test-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV42)
	$(VENV42)/bin/python -m pip install --quiet --upgrade pip
	$(VENV42)/bin/python -m pip install --quiet 'Django>=4.2,<5.0' -e '.[rest,test]'
	touch $@

test-django42: $(VENV42)/.test-installed
	$(VENV42)/bin/python -m pytest -m "not browser"

bench: $(VENV)/.test-installed
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(VENV42) example.sqlite3 .pytest_cache
