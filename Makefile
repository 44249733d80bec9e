# make lab   set everything up, then open the series in JupyterLab
# make test  set everything up, then run every test (unit tests, every notebook, the browser test)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DATA   := data
# JupyterLab refuses to run as root unless told; CI and some containers are root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test setup data browser lint benchmark clean

lab: setup data
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/

test: setup data browser lint
	$(BIN)/python -m pytest tests notebooks \
		--nbval-lax --nbval-current-env --nbval-cell-timeout=600 \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -v

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# The dataset: Debian's package where it can be installed, else the files already here, else a download.
data: setup
	bash scripts/system-packages.sh dataset
	$(BIN)/python -m helpers --root $(DATA)

browser:
	bash scripts/system-packages.sh browser

lint: setup
	$(BIN)/ruff check helpers tests benchmarks notebooks

benchmark: setup data
	$(BIN)/python benchmarks/epoch_time.py

clean:
	rm -rf $(VENV) test-output
