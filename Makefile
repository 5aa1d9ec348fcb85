VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXTRAS_STAMP := $(VENV)/.installed-extras

.PHONY: demo test install clean

$(PY):
	python3 -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

# the optional extras whose tests skip without them (compare: PyOD, for PyODAdapter's equality tests;
# parquet: pyarrow)
$(EXTRAS_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[test,compare,parquet]"
	touch $(EXTRAS_STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/ganad demo --out demo_output

test: $(EXTRAS_STAMP)
	$(PY) -m pytest -m "not slow"

clean:
	rm -rf $(VENV) demo_output
