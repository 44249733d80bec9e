"""The offline kit. Fast: the pip command each platform and Python gets, the defaults, the Makefile's line and
INSTALL.md's steps. Slow: real wheels for a foreign platform from the index, and the kit's data part built here with
the helpers package installed from it into a fresh virtual environment with the network shut off (the kit's
third-party wheels, gigabytes, are left out: the fresh environment borrows those packages, read-only, from this one,
and pip must find helpers in the kit)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from conftest import REPO  # noqa: E402  (one definition, in conftest.py)

import helpers

sys.path.insert(0, str(REPO / "scripts"))

import offline_kit  # noqa: E402

NO_NETWORK = {"PIP_NO_INDEX": "1", "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
              "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "PIP_RETRIES": "0"}
ROOM = ["win_amd64", "macosx_arm64", "macosx_x86_64", "linux_x86_64"]


def _values(command: list[str], flag: str) -> list[str]:
    return [command[i + 1] for i, arg in enumerate(command) if arg == flag]


@pytest.mark.parametrize("python", ["3.10", "3.12"])
@pytest.mark.parametrize("key", ROOM)
def test_each_platform_and_python_gets_its_own_binary_only_download(key, python, tmp_path):
    dest = tmp_path / "wheels" / key
    command = offline_kit.download_command(key, python, dest, ["torch>=2.2", "numpy>=1.26"])
    assert command[:3] == [sys.executable, "-c", offline_kit.PIP_FOR_TARGET]
    pip_args = command[4:]
    assert pip_args[0] == "download" and "--only-binary=:all:" in pip_args
    assert _values(pip_args, "--python-version") == [python]
    assert _values(pip_args, "--implementation") == ["cp"]
    assert _values(pip_args, "--dest") == [str(dest)]
    assert pip_args[-2:] == ["torch>=2.2", "numpy>=1.26"]
    platforms = _values(pip_args, "--platform")
    expected = {"win_amd64": ["win_amd64"], "macosx_arm64": ["macosx_12_0_arm64"],
                "macosx_x86_64": ["macosx_12_0_x86_64"]}
    if key == "linux_x86_64":  # glibc 2.28 and every older manylinux tag, which pip does not add by itself
        assert platforms[0] == "manylinux_2_28_x86_64" and "manylinux_2_17_x86_64" in platforms
        assert platforms[-1] == "manylinux2014_x86_64"
    else:
        assert platforms == expected[key]
    # the markers pip evaluates requirements with are the target's, not this machine's
    markers = json.loads(command[3])
    assert markers["python_version"] == python
    assert (markers["sys_platform"], markers["platform_system"], markers["os_name"]) == {
        "win_amd64": ("win32", "Windows", "nt"), "macosx_arm64": ("darwin", "Darwin", "posix"),
        "macosx_x86_64": ("darwin", "Darwin", "posix"), "linux_x86_64": ("linux", "Linux", "posix")}[key]
    assert "--extra-index-url" not in pip_args  # the CPU-only index only when it answers, and only for Linux


def test_the_cpu_only_index_is_used_for_linux_only():
    for key in ROOM:
        command = offline_kit.download_command(key, "3.11", Path("w"), ["torch"], cpu_index=True)
        assert _values(command, "--extra-index-url") == ([offline_kit.CPU_INDEX] if key == "linux_x86_64" else [])


def test_intel_macs_stop_at_python_3_12():
    assert offline_kit.pythons_for("macosx_x86_64", ["3.10", "3.11", "3.12", "3.13"]) == (
        ["3.10", "3.11", "3.12"], ["3.13"])
    assert offline_kit.pythons_for("win_amd64", ["3.10", "3.13"]) == (["3.10", "3.13"], [])


def test_defaults_this_machine_alone_or_every_supported_python_for_a_room():
    here = offline_kit.parse([])
    assert here.platforms == [offline_kit.host_platform()]
    assert here.pythons == [f"{sys.version_info[0]}.{sys.version_info[1]}"]
    room = offline_kit.parse(["kit", "--platforms", *ROOM, "--extras", "scale"])
    assert room.platforms == ROOM and room.pythons == list(offline_kit.SUPPORTED_PYTHONS) == [
        "3.10", "3.11", "3.12", "3.13"]
    assert room.extras == ["scale"] and room.folder == "kit"
    assert offline_kit.parse(["--platforms", "win_amd64", "--pythons", "3.11", "3.12"]).pythons == ["3.11", "3.12"]
    with pytest.raises(SystemExit):
        offline_kit.parse(["--platforms", "win32"])


def test_ray_comes_from_pyproject_with_a_pin_for_intel_macs():
    ray = offline_kit.scale_requirements()
    assert ray[0].startswith("ray[tune]>=")
    assert any(line.startswith("pyarrow<21;") and "x86_64" in line for line in ray)


def test_the_makefile_passes_platforms_pythons_and_ray_on():
    # as a make of its own, even when the tests run under make test (a sub-make would print its directory)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    run = subprocess.run(["make", "--no-print-directory", "-n", "-o", "setup", "-o", "data", "offline-kit",
                          "PLATFORMS=win_amd64 linux_x86_64", "PYTHONS=3.11", "RAY=1"],
                         cwd=REPO, capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 0, run.stderr
    (line,) = [line for line in run.stdout.splitlines() if "offline_kit.py" in line]
    args = offline_kit.parse(line.split("offline_kit.py", 1)[1].split())
    assert (args.platforms, args.pythons, args.extras) == (["win_amd64", "linux_x86_64"], ["3.11"], ["scale"])
    plain = subprocess.run(["make", "--no-print-directory", "-n", "-o", "setup", "-o", "data", "offline-kit"],
                           cwd=REPO, capture_output=True, text=True, timeout=60, env=env).stdout
    assert plain.strip().endswith("scripts/offline_kit.py offline-kit")


def _served() -> list:
    S = offline_kit.Served
    return [S("win_amd64", ["3.11", "3.12"], 600 * 2**20, "PyTorch 2.14.1: PyPI's build, CPU-only", ["3.11", "3.12"]),
            S("macosx_arm64", ["3.11", "3.12"], 400 * 2**20, "PyTorch 2.10.0: PyPI's build", ["3.11"]),
            S("macosx_x86_64", ["3.11", "3.12"], 500 * 2**20, "PyTorch 2.2.2: PyPI's build", [],
              ["Python 3.13: no PyTorch for it"]),
            S("linux_x86_64", ["3.11", "3.12"], 4 * 2**30, "PyTorch 2.14.1: PyPI's build, with CUDA's libraries",
              ["3.11", "3.12"])]


def test_install_md_has_each_platform_s_steps_in_order():
    text = offline_kit.install_text(_served(), scale=True, cpu_index_problem="Name or service not known")
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings[:4] == [offline_kit.PLATFORMS[k].title for k in ROOM]
    sections = text.split("\n## ")[1:5]
    for key, section in zip(ROOM, sections):
        windows = key == "win_amd64"
        steps = [line for line in section.splitlines() if line[:3] in {f"{i}. " for i in range(1, 10)}]
        order = ["Copy the whole kit folder to your laptop first",
                 "python -m venv .venv" if windows else "python3 -m venv .venv",
                 r".venv\Scripts\activate" if windows else "source .venv/bin/activate",
                 offline_kit.install_line(key), "python -m helpers doctor", f"jupyter lab {offline_kit.NOTEBOOKS}/"]
        where = [next(i for i, step in enumerate(steps) if wanted in step) for wanted in order]
        assert where == sorted(where) and where[0] == 0, (key, where)
        assert "not on the USB stick" in steps[0]
        assert f"`wheels/{key}/`: Python 3.11, 3.12;" in section  # its folder, Pythons and size
        ray = offline_kit.install_line(key, "requirements-scale.txt")
        assert (ray in section) == (key != "macosx_x86_64")
    assert "| macOS on Intel | `wheels/macosx_x86_64/` | 3.11, 3.12 | 500 MB |" in text
    assert "| Linux (x86-64) | `wheels/linux_x86_64/` | 3.11, 3.12 | 4.0 GB |" in text
    assert "Python 3.11 only" in sections[1]  # Ray only for some of the folder's Pythons
    assert "Not in this folder: Python 3.13" in sections[2]
    assert "could not be reached" in text and "CUDA" in text  # said when the CPU-only index was not used
    assert "could not be reached" not in offline_kit.install_text(_served()[:3], cpu_index_problem="timed out")


def test_the_check_resolves_from_the_folder_alone(tmp_path):
    command = offline_kit.check_command("macosx_x86_64", "3.12", tmp_path / "w", [tmp_path / "requirements.txt"])
    pip_args = command[4:]
    assert pip_args[:3] == ["install", "--dry-run", "--quiet"] and "--no-index" in pip_args
    assert _values(pip_args, "--find-links") == [str(tmp_path / "w")]
    assert _values(pip_args, "--platform") == ["macosx_12_0_x86_64"] and _values(pip_args, "--python-version") == ["3.12"]
    assert _values(pip_args, "-r") == [str(tmp_path / "requirements.txt")]
    assert json.loads(command[3])["platform_machine"] == "x86_64"


@pytest.mark.slow
def test_a_foreign_platform_s_wheels_come_with_its_own_dependencies(tmp_path):
    """tqdm needs colorama on Windows only: pip run for win_amd64 from here must fetch it, for Linux not; and the
    offline check sees that the Linux folder would not do for Windows."""
    for key in ("win_amd64", "linux_x86_64"):
        assert offline_kit.download(key, "3.11", tmp_path / key, ["tqdm"])
    names = {key: sorted(p.name.split("-")[0] for p in (tmp_path / key).glob("*.whl"))
             for key in ("win_amd64", "linux_x86_64")}
    assert names == {"win_amd64": ["colorama", "tqdm"], "linux_x86_64": ["tqdm"]}
    wanted = tmp_path / "requirements.txt"
    wanted.write_text("tqdm\n")
    assert offline_kit.installs_offline("win_amd64", "3.11", tmp_path / "win_amd64", [wanted])
    assert offline_kit.installs_offline("linux_x86_64", "3.11", tmp_path / "linux_x86_64", [wanted])
    assert not offline_kit.installs_offline("win_amd64", "3.11", tmp_path / "linux_x86_64", [wanted])


def _fresh_venv(where: Path) -> Path:
    """A new venv that sees this environment's packages except helpers itself (so pip must install it)."""
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / "bin" / "python"
    # ensurepip's setuptools is older than torch asks for; this environment's newer one is borrowed instead
    subprocess.run([python, "-m", "pip", "uninstall", "--quiet", "--yes", "setuptools"], check=True)
    borrowed = where / "borrowed"
    borrowed.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(("helpers", "__editable__")) and entry.suffix != ".pth":
            (borrowed / entry.name).symlink_to(entry)
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "borrowed.pth").write_text(str(borrowed) + "\n")
    return python


@pytest.mark.slow
def test_the_kit_installs_helpers_and_serves_the_data_without_network(tmp_path):
    kit = tmp_path / "kit"
    assert offline_kit.main([str(kit), "--no-wheels"]) == 0
    here = offline_kit.host_platform()
    names = sorted(p.name for p in (kit / "data" / "FashionMNIST" / "raw").iterdir())
    assert names == sorted(offline_kit.FILES)
    assert [p.relative_to(kit / "wheels").as_posix() for p in (kit / "wheels").rglob("*")] == [
        here, f"{here}/helpers-{helpers.__version__}-py3-none-any.whl"]
    assert (kit / "notebooks" / "en" / "01_data.ipynb").exists()
    assert (kit / "notebooks" / "zh-CN" / "01_data.zh-CN.ipynb").exists()
    assert "**Notes.**" not in (kit / "notebooks" / "en" / "05_full_loop.ipynb").read_text()  # the learners' copy
    assert all((kit / name).exists() for name in ("README.md", "SETUP.md", "HANDOUT.md", "GLOSSARY.md"))
    assert not (kit / "INSTRUCTORS.md").exists() and not (kit / "slides").exists()  # they hold the answers
    requirements = (kit / "requirements.txt").read_text().splitlines()
    assert requirements[-1] == "helpers" and any(r.startswith("torch>=") for r in requirements)
    assert "pytest" not in " ".join(requirements)  # the tests' tools stay out of a learner's install
    assert offline_kit.install_line(here) in (kit / "INSTALL.md").read_text()

    python = _fresh_venv(tmp_path / "fresh")
    env = {**os.environ, **NO_NETWORK}
    env.pop("FASHION_MNIST_DIR", None)
    install = subprocess.run([str(python), *offline_kit.install_line(here).split()[1:]], cwd=kit, env=env,
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout + install.stderr
    assert "Successfully installed helpers" in install.stdout

    notebooks = kit / "notebooks" / "zh-CN"  # where a learner opens them: the data is found by looking upwards
    check = subprocess.run([str(python), "-c", (
        "import helpers, pathlib; from helpers.course.offline import prepare_fashion_mnist, DEBIAN_DIR\n"
        "import helpers.course.offline as d; d.DEBIAN_DIR = pathlib.Path('/nonexistent')  # the kit's own files, not Debian's\n"
        "print(pathlib.Path(helpers.__file__).parent.parent.name)\n"
        "DATA = helpers.series_folder() / 'data'  # as every notebook finds it\n"
        "train, test, classes = helpers.load_fashion_mnist(DATA, download=False)\n"
        "print(len(train), len(test), classes[9])")], cwd=notebooks, env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    site, sizes = check.stdout.split("\n", 1)
    assert site == "site-packages"  # the installed copy, not this repository's
    assert sizes.split() == ["60000", "10000", "Ankle", "boot"]


@pytest.mark.slow
def test_a_missing_install_is_refused_offline(tmp_path):
    python = _fresh_venv(tmp_path / "fresh")
    empty = tmp_path / "wheels"
    empty.mkdir()
    run = subprocess.run([str(python), "-m", "pip", "install", "--no-index", "--find-links", str(empty), "helpers"],
                         env={**os.environ, **NO_NETWORK}, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0 and "No matching distribution found for helpers" in run.stderr
