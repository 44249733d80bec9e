"""The learners' set-up: the package lists, the choice of PyTorch build, the traps the Makefile catches,
the set-up check outside the course's Python, and the browser-only paths (Colab, Codespaces, Binder)."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)

sys.path.insert(0, str(REPO / "scripts"))
import install_torch  # noqa: E402


def requirement_names(path: Path) -> dict[str, str]:
    """name -> the line, for every requirement in a pip requirements file (not following -r)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name = re.match(r"[A-Za-z0-9_.\-]+", line).group().lower()
            found.setdefault(name, line)
    return found


# ------------------------------------------------------------------ the package lists

# import name -> the distribution that provides it
DISTRIBUTION = {"PIL": "pillow", "IPython": "ipykernel", "jupyter_core": "jupyterlab", "jupyter_server": "jupyterlab",
                "jupyter_client": "ipykernel"}
OPTIONAL = {"ray"}  # helpers[scale]: the notebook and helpers.sweeps say how to install it
TOOLS = {"pytest", "nbval", "playwright", "ruff", "psutil"}


def third_party_imports() -> set[str]:
    sources = [p.read_text(encoding="utf-8") for p in (REPO / "helpers").rglob("*.py")]
    for nb in (REPO / "notebooks").rglob("*.ipynb"):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                lines = "".join(cell["source"]).splitlines()
                sources.append("\n".join(ln for ln in lines if not ln.lstrip().startswith(("%", "!"))))
    names = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "helpers"}


def test_every_import_of_helpers_and_the_notebooks_is_a_learner_requirement():
    declared = set(requirement_names(REPO / "requirements.txt"))
    missing = {n for n in third_party_imports() - OPTIONAL if DISTRIBUTION.get(n, n).lower() not in declared}
    assert not missing, f"imported but not in requirements.txt: {sorted(missing)}"
    unused = declared - {DISTRIBUTION.get(n, n).lower() for n in third_party_imports()} - {"jupyterlab", "ipykernel"}
    assert not unused, f"in requirements.txt but never imported: {sorted(unused)}"


def test_test_tools_are_not_the_learners_and_the_dev_file_brings_both():
    assert not TOOLS & set(requirement_names(REPO / "requirements.txt"))
    dev = (REPO / "requirements-dev.txt").read_text(encoding="utf-8")
    assert "-r requirements.txt" in dev and TOOLS <= set(requirement_names(REPO / "requirements-dev.txt"))


def test_learners_get_ranges_whose_floor_is_the_one_test_floor_installs():
    floor = {name: line.split("==")[1] for name, line in requirement_names(REPO / "requirements-floor.txt").items()}
    for name, line in requirement_names(REPO / "requirements.txt").items():
        assert "==" not in line.split(";")[0], f"{line}: learners get a range, CI pins the lock"
        low = re.search(r">=\s*([\d.]+)", line)
        assert low, f"{line}: no floor"
        assert floor[name].startswith(low.group(1)) or floor[name] == low.group(1), (name, floor[name], low.group(1))
    assert floor["torch"].startswith("2.2") and floor["torchvision"].startswith("0.17")  # the last Intel-Mac pair


def test_ci_installs_exact_versions_from_the_lock():
    lock = requirement_names(REPO / "requirements-lock.txt")
    assert all("==" in line for line in lock.values())
    for name in [*requirement_names(REPO / "requirements.txt"), *TOOLS]:
        assert name in lock, f"{name} is not pinned in requirements-lock.txt"

def test_make_setup_dev_installs_every_step_under_the_lock(tmp_path):
    dry = subprocess.run(["make", "-n", "setup-dev", f"VENV={tmp_path / 'v'}"], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    installs = [ln for ln in dry.stdout.splitlines() if "install_torch.py" in ln or "pip install" in ln]
    steps = [ln for ln in installs if "--upgrade pip" not in ln]
    assert len(steps) == 3 and all("-c requirements-lock.txt" in ln for ln in steps), installs
    assert any("-r requirements-dev.txt" in ln for ln in steps) and any("--no-deps -e ." in ln for ln in steps)


def test_the_package_s_own_dependencies_admit_colab_and_the_floor():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = {re.match(r"[A-Za-z0-9_.\-]+", d).group().lower(): d for d in project["dependencies"]}
    assert deps["ipywidgets"] == "ipywidgets>=7.7" and deps["torch"] == "torch>=2.2"
    assert "ray[tune]>=2.41" in project["optional-dependencies"]["scale"]


def test_one_version_everywhere():
    import helpers

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "helpers.__version__"}
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M)
    assert released and released[0] == helpers.__version__
    assert f'version: "{helpers.__version__}"' in (REPO / "CITATION.cff").read_text(encoding="utf-8")
    for name in ("LICENSE", "NOTICE", "CODE_OF_CONDUCT.md", "SETUP.md"):
        assert (REPO / name).stat().st_size > 500, name


# ------------------------------------------------------------------ which PyTorch build

def test_torch_lines_come_from_requirements():
    assert install_torch.torch_requirements() == ["torch>=2.2", "torchvision>=0.17"]


@pytest.mark.parametrize("system, gpu, build", [("Linux", False, "cpu"), ("Linux", True, "pypi"),
                                                ("Darwin", False, "pypi"), ("Windows", False, "pypi")])
def test_auto_takes_the_cpu_build_on_linux_without_an_nvidia_gpu(monkeypatch, system, gpu, build):
    monkeypatch.setattr(install_torch.platform, "system", lambda: system)
    monkeypatch.setattr(install_torch, "has_nvidia_gpu", lambda: gpu)
    assert install_torch.choose("auto") == build
    assert install_torch.choose("pypi") == "pypi" and install_torch.choose("cpu") == "cpu"


@pytest.fixture
def pip_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(install_torch, "pip_install", lambda specs, extra: calls.append((specs, extra)))
    monkeypatch.setattr(install_torch, "describe", lambda: "torch 9.9 and torchvision 0.9: a CPU-only build")
    return calls


def test_an_unreachable_cpu_index_falls_back_to_pypi_and_says_so(monkeypatch, pip_calls, capsys):
    monkeypatch.setattr(install_torch, "reachable", lambda url, timeout=10: "Name or service not known")
    assert install_torch.main(["--build", "cpu", "-c", "requirements-lock.txt"]) == 0
    out = capsys.readouterr().out
    assert "cannot be reached (Name or service not known); installing PyPI's build instead" in out
    assert pip_calls == [(["torch>=2.2", "torchvision>=0.17"], ["-c", "requirements-lock.txt"])]
    assert "Installed torch 9.9" in out


def test_a_reachable_cpu_index_is_used(monkeypatch, pip_calls, capsys):
    monkeypatch.setattr(install_torch, "reachable", lambda url, timeout=10: None)
    install_torch.main(["--build", "cpu"])
    assert pip_calls == [(["torch>=2.2", "torchvision>=0.17"], ["--index-url", install_torch.CPU_INDEX])]
    assert "CPU-only build" in capsys.readouterr().out


def test_pypi_is_asked_for_by_name(pip_calls, capsys):
    install_torch.main(["--build", "pypi"])
    assert pip_calls == [(["torch>=2.2", "torchvision>=0.17"], [])] and "from PyPI" in capsys.readouterr().out


def test_the_index_probe_reports_why_not(tmp_path):
    assert install_torch.reachable(tmp_path.as_uri()) is not None  # no torch/ folder there: an answer, not a hang


# ------------------------------------------------------------------ the traps the Makefile catches

def fake_python(folder: Path, version: str, name: str = "python3") -> Path:
    """An executable that answers like an old Python: 'Python X.Y.Z', and 'X Y' to the -c probe."""
    folder.mkdir(parents=True, exist_ok=True)
    major, minor = version.split(".")[:2]
    path = folder / name
    path.write_text(f'#!/bin/sh\ncase "$1" in -c) echo "{major} {minor}";; *) echo "Python {version}";; esac\n')
    path.chmod(0o755)
    return path


def run_script(args, path_dirs, **env):
    return subprocess.run(["/bin/bash", *args], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={"PATH": os.pathsep.join(map(str, path_dirs)), "HOME": os.environ.get("HOME", "/"),
                               **env})


def test_an_old_python_on_path_is_refused_with_how_to_install_3_11(tmp_path):
    bin_ = tmp_path / "bin"
    fake_python(bin_, "3.9.6")
    (bin_ / "uname").symlink_to("/bin/uname") if Path("/bin/uname").exists() else None
    done = run_script(["scripts/find_python.sh"], [bin_])
    assert done.returncode == 1 and done.stdout == ""
    assert "No Python 3.10 or newer found" in done.stderr and "Python 3.9.6" in done.stderr
    assert "python3.11" in done.stderr and "make lab PYTHON=" in done.stderr


def test_make_setup_stops_at_an_old_python_before_installing_anything(tmp_path):
    old = fake_python(tmp_path / "bin", "3.9.6")
    done = subprocess.run(["make", "setup", f"VENV={tmp_path / 'venv'}", f"PYTHON={old}"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "No Python 3.10 or newer found" in done.stderr
    assert "pip install" not in done.stdout and not (tmp_path / "venv").exists()


def test_python_named_by_hand_is_checked_too(tmp_path):
    old = fake_python(tmp_path, "3.9.6")
    assert run_script(["scripts/find_python.sh"], ["/usr/bin", "/bin"], PYTHON=str(old)).returncode == 1
    done = run_script(["scripts/find_python.sh"], ["/usr/bin", "/bin"], PYTHON=sys.executable)
    assert done.returncode == 0 and done.stdout.strip() == sys.executable


@pytest.mark.slow  # makes a venv: a few seconds
def test_a_venv_without_pip_is_made_again(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    assert subprocess.run([venv / "bin/python", "-m", "pip", "--version"], capture_output=True).returncode != 0
    base = Path(sys._base_executable)  # the Python this venv was made from
    done = run_script(["scripts/make_venv.sh", str(venv)], [base.parent, "/usr/bin", "/bin"], PYTHON=str(base))
    assert done.returncode == 0, done.stderr
    assert "half-made" in done.stdout and "Made " in done.stdout
    assert subprocess.run([venv / "bin/python", "-m", "pip", "--version"], capture_output=True).returncode == 0


def test_a_python_without_the_venv_module_names_the_debian_package(tmp_path):
    broken = tmp_path / "python3"
    broken.write_text('#!/bin/sh\ncase "$1" in\n -c) case "$2" in *%d.%d*) echo 3.11;; *) echo "3 11";; esac;;\n'
                      ' -m) echo "The virtual environment was not created successfully because ensurepip is not'
                      ' available." >&2; mkdir -p "$3/bin"; exit 1;;\n *) echo "Python 3.11.2";;\nesac\n')
    broken.chmod(0o755)
    done = run_script(["scripts/make_venv.sh", str(tmp_path / "venv")], ["/usr/bin", "/bin"], PYTHON=str(broken))
    assert done.returncode == 1 and "sudo apt install python3.11-venv" in done.stderr
    assert not (tmp_path / "venv").exists()  # no half-made venv left behind for the next run to trip on


def test_no_fc_list_is_not_reported_as_no_chinese_font(tmp_path):
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "uname").write_text("#!/bin/sh\necho Linux\n")
    (bin_ / "uname").chmod(0o755)
    done = run_script(["scripts/system-packages.sh", "fonts"], [bin_])
    assert done.returncode == 0 and "were not checked" in done.stdout and "no font" not in done.stdout
    (bin_ / "uname").write_text("#!/bin/sh\necho Darwin\n")
    done = run_script(["scripts/system-packages.sh", "fonts"], [bin_])
    assert done.returncode == 0 and done.stdout == ""  # macOS ships PingFang SC


# ------------------------------------------------------------------ Codespaces and Binder

def test_the_devcontainer_runs_the_setup_with_the_cpu_build_and_forwards_jupyterlab():
    config = json.loads((REPO / ".devcontainer/devcontainer.json").read_text(encoding="utf-8"))
    assert "python:1-3.11" in config["image"] and 8888 in config["forwardPorts"]
    command = config["postCreateCommand"].split()
    assert command[:1] == ["make"] and "TORCH_BUILD=cpu" in command and {"setup", "data"} <= set(command)
    dry = subprocess.run(["make", "-n", *command[1:]], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    assert "install_torch.py --build cpu" in dry.stdout or "ipykernel install" in dry.stdout  # done already here
    assert config["customizations"]["vscode"]["settings"]["python.defaultInterpreterPath"].endswith(".venv/bin/python")


def test_binder_builds_python_3_11_with_the_cpu_build_and_the_data():
    assert (REPO / "binder/runtime.txt").read_text().strip() == "python-3.11"
    lines = (REPO / "binder/requirements.txt").read_text().splitlines()
    assert f"--extra-index-url {install_torch.CPU_INDEX}" in lines and "-r ../requirements.txt" in lines
    post = REPO / "binder/postBuild"
    assert os.access(post, os.X_OK)
    assert subprocess.run(["bash", "-n", str(post)]).returncode == 0
    commands = [ln for ln in post.read_text().splitlines() if ln.strip() and not ln.startswith(("#", "set "))]
    assert [c.split("#")[0].split() for c in commands] == [
        ["python", "-m", "pip", "install", "--no-deps", "-e", "."], ["python", "-m", "helpers", "--root", "data"]]
