VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXTRAS_STAMP := $(VENV)/.installed-extras
DOCS_STAMP := $(VENV)/.installed-docs
SPHINX := $(VENV)/bin/sphinx-build -W --keep-going -d docs/_build/doctrees

.PHONY: demo test install clean docs docs-clean

$(PY):
	python3 -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

# the optional extras whose tests skip without them (compare: PyOD, for PyODAdapter's equality tests;
# parquet: pyarrow; cvxpy: RCGAN's Theorem 1 toy, tests/detectors/test_theorem1.py; dask: tests/integration/test_dask.py;
# onnx: tests/test_onnx_export.py)
$(EXTRAS_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[test,compare,parquet,cvxpy,dask,onnx]"
	touch $(EXTRAS_STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/ganad demo --out demo_output

test: $(EXTRAS_STAMP)
	$(PY) -m pytest -m "not slow"

# the quick inner loop: the suite without the tests marked long (over ~1.5 s on one core);
# `make test` stays the full run (README, "Testing")
.PHONY: test-quick
test-quick: $(EXTRAS_STAMP)
	$(PY) -m pytest -m "not slow and not long"

# the documentation site (docs/index.rst, "Building this site"): API reference, paper pages,
# the gallery (examples/plot_*.py, executed) and the docstrings' doctests; warnings are errors
$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[docs]"
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(SPHINX) -b html docs docs/_build/html
	$(SPHINX) -b doctest docs docs/_build/doctest

docs-clean:
	rm -rf docs/_build docs/generated docs/auto_examples

clean:
	rm -rf $(VENV) demo_output
