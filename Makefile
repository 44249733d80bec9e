# make lab        set everything up, then open the series in JupyterLab (EDITION=zh-CN: the Simplified Chinese one)
# make setup      the course's .venv alone (PyTorch, requirements.txt, helpers), without opening anything
# make test       set everything up, then run every test (unit tests, every notebook, the English ones twice, the browser test)
# make test-fast  the unit tests alone, in under 30 s (make test runs the slow ones too)
# make test-floor the unit tests and 01-06 in a second venv with the oldest supported versions (.venv-floor)
# make kernel     register the course's Python as the Jupyter kernel "Python (fashion-optim)", for other front ends
# make slides     reveal.js decks of 01-09 in slides/ (see INSTRUCTORS.md)
# make book       the series as a website in build/book/ that opens from disk (index.html)
# make learner-copy  the notebooks without speaker notes, checks, saved answers or solutions, in learner/
#                 (a notebook already there is kept: it may hold a learner's work)
# make lab-learner  the learners' copy, opened in JupyterLab (what learners open at a workshop)
# make offline-kit  a folder with the wheels, the data and the notebooks for a room without internet
#
# TORCH_BUILD=auto|cpu|pypi chooses PyTorch's build (scripts/install_torch.py): auto takes the CPU-only build on
# Linux without an NVIDIA GPU, PyPI's elsewhere. PYTHON=/path/to/python3.11 chooses the interpreter. Both act when
# .venv is made: to change either later, delete .venv first.

VENV   := .venv
BIN    := $(VENV)/bin
DATA   := data
TORCH_BUILD ?= auto
LOCK   := requirements-lock.txt
# Each edition of the series has a folder of its own in notebooks/: en (the default) or zh-CN.
EDITION ?= en
FLOOR  := .venv-floor
# JupyterLab refuses to run as root unless told; CI and some containers are root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

# A venv whose pip no longer runs (half-made, or its Python removed) is made again: forget what it had.
ifneq ($(wildcard $(VENV)/.installed*),)
ifneq ($(shell $(BIN)/python -m pip --version >/dev/null 2>&1 && echo ok),ok)
$(shell rm -f $(VENV)/.installed $(VENV)/.installed-dev)
endif
endif

# The notebooks run twice: as they come, and again on a second numeric path that stands for another
# learner's machine: MKL's conservative kernels, ATen without AVX2/AVX-512, one thread. Every float
# changes a little there, so a checked cell passes both runs only if it prints what any machine prints.
# The second run leaves out the zh-CN twins: their code is the English notebooks' (tests/test_zh_cn.py). Its one
# thread per process leaves a core idle, so it runs two notebooks at a time (pytest-xdist, one notebook per worker).
NBVAL := --nbval-lax --nbval-current-env --nbval-cell-timeout=600 --nbval-sanitize-with tests/nbval_sanitize.cfg -p tests.nbval_skip
SECOND_NUMERIC_PATH := MKL_CBWR=COMPATIBLE ATEN_CPU_CAPABILITY=default OMP_NUM_THREADS=1
ENGLISH_NOTEBOOKS := $(wildcard notebooks/en/*.ipynb)

.PHONY: lab lab-learner edition test test-fast test-floor setup setup-dev kernel lock data browser fonts lint benchmark clean slides offline-kit workshop scale learner-copy book

lab: edition setup data fonts
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/$(EDITION)/

# An edition the series does not have is refused before anything is installed.
edition:
	@test -d notebooks/$(EDITION) || { echo "EDITION must be en or zh-CN, got '$(EDITION)': e.g. make lab EDITION=zh-CN" >&2; exit 2; }

# At a workshop, learners open their copy: the notebooks without speaker notes, checks or saved answers.
lab-learner: edition setup data fonts learner-copy
	$(BIN)/jupyter lab $(LAB_FLAGS) learner/$(EDITION)/

test: setup-dev data browser fonts workshop scale lint
	$(BIN)/python -m pytest tests notebooks $(NBVAL) -v
	@echo "--- the English notebooks again, on the second numeric path: $(SECOND_NUMERIC_PATH)"
	$(SECOND_NUMERIC_PATH) $(BIN)/python -m pytest $(ENGLISH_NOTEBOOKS) $(NBVAL) -n 2 --dist loadfile -v

test-fast: setup-dev
	$(BIN)/python -m pytest tests -m "not slow and not data" -q

# The oldest versions the series supports (requirements-floor.txt, Ray's included) in a venv of their own:
# the unit tests and 01-06.
FLOOR_NOTEBOOKS := $(wildcard notebooks/en/0[1-6]_*.ipynb)
test-floor: data
	$(call install,$(FLOOR),requirements-dev.txt,-c requirements-floor.txt,-e ".[scale]")
	$(FLOOR)/bin/python -m helpers doctor --root $(DATA)
	$(FLOOR)/bin/python -m pytest tests -m "not slow" -q
	$(FLOOR)/bin/python -m pytest $(FLOOR_NOTEBOOKS) $(NBVAL)

# $(call install,VENV,REQUIREMENTS,CONSTRAINTS,HELPERS): a working venv, PyTorch's build for this machine, the
# requirements, then helpers itself (HELPERS: its pip arguments, e.g. --no-deps -e .).
define install
	bash scripts/make_venv.sh $(1)
	$(1)/bin/python -m pip install --quiet --upgrade pip
	$(1)/bin/python scripts/install_torch.py --build $(TORCH_BUILD) $(3)
	$(1)/bin/python -m pip install --quiet -r $(2) $(3)
	$(1)/bin/python -m pip install --quiet $(3) $(4)
endef

# The learners' set-up: the ranges in requirements.txt, PyTorch's build chosen for this machine.
setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml scripts/install_torch.py
	$(call install,$(VENV),requirements.txt,,--no-deps -e .)
	touch $@

# The tests' set-up: the learners' packages and the test tools, at the exact versions of the lock (as CI runs them).
setup-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(LOCK) pyproject.toml scripts/install_torch.py
	$(call install,$(VENV),requirements-dev.txt,-c $(LOCK),--no-deps -e .)
	touch $(VENV)/.installed $@

# Write the lock from the set-up that passed make test (run after make test, commit the file).
lock: setup-dev workshop scale
	{ echo "# Exact versions for make test and CI (pip install -c): make lock writes it from a set-up that passed."; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e '; } > $(LOCK)

kernel: setup
	$(BIN)/python -m ipykernel install --user --name fashion-optim --display-name "Python (fashion-optim)"

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
workshop: setup-dev
	$(BIN)/python -m pip install --quiet -e ".[workshop]" -c $(LOCK)
	bash scripts/system-packages.sh npm

# Ray Tune, for 16_sweeps (an optional extra, helpers[scale]); 15_distributed needs only PyTorch.
scale: setup-dev
	$(BIN)/python -m pip install --quiet -e ".[scale]" -c $(LOCK)

slides: workshop
	$(BIN)/python scripts/slides.py build

# The learners' copy: the notebooks without speaker notes, checks, saved answers or solutions (in learner/).
learner-copy: setup
	$(BIN)/python scripts/learner_copy.py learner

# The series as a website, from the learners' copy with its saved outputs (nothing runs): build/book/index.html,
# which opens from disk without network (scripts/book.py, book/conf.py).
book: setup-dev
	$(BIN)/python scripts/book.py build/book

# A mixed room: PLATFORMS="win_amd64 macosx_arm64 macosx_x86_64 linux_x86_64" (default: this machine's),
# PYTHONS="3.11 3.12" (default: this Python, or 3.10-3.13 with PLATFORMS), RAY=1 adds Ray Tune (16_sweeps).
offline-kit: setup data
	$(BIN)/python scripts/offline_kit.py offline-kit$(if $(PLATFORMS), --platforms $(PLATFORMS))$(if $(PYTHONS), --pythons $(PYTHONS))$(if $(filter 1,$(RAY)), --extras scale)

lint: setup-dev
	$(BIN)/ruff check helpers tests benchmarks notebooks scripts

benchmark: setup-dev data
	$(BIN)/python benchmarks/epoch_time.py
	$(BIN)/python benchmarks/ddp_epoch_time.py

clean:
	rm -rf $(VENV) $(FLOOR) test-output slides offline-kit learner build/book build/book-work
