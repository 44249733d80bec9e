# make lab        set everything up, then open the series in JupyterLab
# make test       set everything up, then run every test (unit tests, every notebook, the English ones twice, the browser test)
# make test-fast  the unit tests alone, in well under a minute
# make slides     reveal.js decks of the core notebooks in slides/ (see INSTRUCTORS.md)
# make offline-kit  a folder with the wheels, the data and the notebooks for a room without internet

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DATA   := data
# JupyterLab refuses to run as root unless told; CI and some containers are root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

# The notebooks run twice: as they come, and again on a second numeric path that stands for another
# learner's machine: MKL's conservative kernels, ATen without AVX2/AVX-512, one thread. Every float
# changes a little there, so a checked cell passes both runs only if it prints what any machine prints.
# The second run leaves out the zh-CN twins: their code is the English notebooks' (tests/test_zh_cn.py).
NBVAL := --nbval-lax --nbval-current-env --nbval-cell-timeout=600 --nbval-sanitize-with tests/nbval_sanitize.cfg -p tests.nbval_skip
SECOND_NUMERIC_PATH := MKL_CBWR=COMPATIBLE ATEN_CPU_CAPABILITY=default OMP_NUM_THREADS=1
ENGLISH_NOTEBOOKS := $(filter-out %.zh-CN.ipynb,$(wildcard notebooks/*.ipynb))

.PHONY: lab test test-fast setup data browser fonts lint benchmark clean slides offline-kit workshop scale

lab: setup data fonts
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/

test: setup data browser fonts workshop scale lint
	$(BIN)/python -m pytest tests notebooks $(NBVAL) -v
	@echo "--- the English notebooks again, on the second numeric path: $(SECOND_NUMERIC_PATH)"
	$(SECOND_NUMERIC_PATH) $(BIN)/python -m pytest $(ENGLISH_NOTEBOOKS) $(NBVAL) -v

test-fast: setup data
	$(BIN)/python -m pytest tests -m "not slow" -q

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

# A font with Chinese characters for the zh-CN edition's plots: Debian's fonts-noto-cjk where apt can install it.
fonts:
	bash scripts/system-packages.sh fonts

# jupyterlab-rise: present a notebook as live slides in JupyterLab (an optional extra, helpers[workshop]).
workshop: setup
	$(BIN)/python -m pip install --quiet -e ".[workshop]"
	bash scripts/system-packages.sh npm

# Ray Tune, for 16_sweeps (an optional extra, helpers[scale]); 15_distributed needs only PyTorch.
scale: setup
	$(BIN)/python -m pip install --quiet -e ".[scale]"

slides: workshop
	$(BIN)/python scripts/slides.py build

offline-kit: setup data slides
	$(BIN)/python scripts/offline_kit.py offline-kit

lint: setup
	$(BIN)/ruff check helpers tests benchmarks notebooks scripts

benchmark: setup data
	$(BIN)/python benchmarks/epoch_time.py
	$(BIN)/python benchmarks/ddp_epoch_time.py

clean:
	rm -rf $(VENV) test-output slides offline-kit
