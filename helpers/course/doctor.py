"""The set-up check: one line per item, OK or FIX with the command that fixes it.

It needs nothing but Python's standard library, so it runs where nothing else does: before PyTorch
is installed, in a kernel that is not the course's, or where helpers itself is not installed:

    python -m helpers doctor          (in the repository's folder)
    python helpers/course/doctor.py   (from anywhere, with any Python)
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import urllib.request

try:
    from importlib import metadata
except ImportError:  # Python 3.7 and older: too old to check further
    sys.exit(f"FIX  Python {platform.python_version()} is too old: the series needs 3.10 or newer "
             "(3.11 is tested). Install 3.11 (see SETUP.md), then make the environment again with it.")
from pathlib import Path
from typing import NamedTuple

if __name__ == "__main__" and sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[2])  # run as a file: its own folder is not a place for imports

from helpers.course.i18n import tr  # noqa: E402  (standard library only, like this file)

WIDGET_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
MIN_PYTHON = (3, 10)  # as in pyproject.toml's requires-python
REPO = Path(__file__).resolve().parents[2]  # the repository's folder, when helpers is used from it
KERNEL_NAME = "fashion-optim"  # the kernel `make kernel` registers for the course's .venv


class Check(NamedTuple):
    ok: bool
    what: str
    detail: str  # the version or place when ok, the fix when not


# ---------------------------------------------------------------- where we are

def _in_colab() -> bool:
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


def _course_venv() -> Path:
    return REPO / ".venv"


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _running_in(venv: Path) -> bool:
    try:
        return Path(sys.prefix).resolve() == venv.resolve()
    except OSError:
        return False


def _helpers_installed() -> bool:
    """Is helpers installed in this Python's own site-packages (not merely importable from the folder we are in)?"""
    import site
    import sysconfig

    places = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    if site.ENABLE_USER_SITE:
        places.add(site.getusersitepackages())
    return any(True for _ in metadata.distributions(name="helpers", path=sorted(places)))


def _foreign() -> bool:
    """True when the course's .venv exists but this Python, which is another, lacks helpers."""
    return _venv_python(_course_venv()).exists() and not _helpers_installed() and not _in_colab()


def install_command() -> str:
    """The one command that installs the course's packages into this Python."""
    if _foreign():
        return tr("Switch to the course's Python first (the 'interpreter' line above).")
    requirements, installer = REPO / "requirements.txt", REPO / "scripts" / "install_torch.py"
    if requirements.exists() and installer.exists():  # PyTorch's build for this machine first, then the rest
        command = (f'"{sys.executable}" "{installer}" && "{sys.executable}" -m pip install -r "{requirements}"')
        return command + ("" if os.name == "nt" else tr("   (or, with make: make setup)"))
    return f'"{sys.executable}" -m pip install torch torchvision numpy matplotlib ipywidgets'


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version.split("+")[0])[:3])


# ---------------------------------------------------------------- the checks

def check_python() -> Check:
    here = platform.python_version()
    if sys.version_info[:2] >= MIN_PYTHON:
        return Check(True, "Python", here)
    how = {"Darwin": tr("brew install python@3.11, or the installer from python.org"),
           "Windows": tr("winget install Python.Python.3.11, or the installer from python.org")}.get(
        platform.system(), tr("sudo apt install python3.11 python3.11-venv on Debian 12 or Ubuntu 22.04, the "
                              "deadsnakes PPA on Ubuntu 20.04, or conda"))
    return Check(False, "Python", tr("{here} is too old: the series needs 3.10 or newer (3.11 is tested). Install "
                                     "3.11 ({how}), then make the environment again with it (SETUP.md).",
                                     here=here, how=how))


def check_interpreter() -> Check:
    """Is this the course's Python, the one helpers is installed in? In a notebook: the kernel's interpreter."""
    what = tr("interpreter")
    here = sys.executable
    if _helpers_installed():
        return Check(True, what, here + (tr(" (the course's .venv)") if _running_in(_course_venv()) else ""))
    if _in_colab():
        return Check(True, what, f"{here} (Colab)")
    course = _venv_python(_course_venv())
    if course.exists():
        return Check(False, what, tr(
            "this is {here}, not the course's {course}. In JupyterLab: Kernel > Change Kernel… and pick "
            "'Python ({kernel})' (`make kernel` adds it), or open the series with `make lab`; in VS Code: "
            "Select Kernel > {course}.", here=here, course=course, kernel=KERNEL_NAME))
    return Check(False, what, tr("helpers is not installed for {here}: \"{here}\" -m pip install -e \"{repo}\"   "
                                 "(or make setup, in the repository's folder)", here=here, repo=REPO))


def check_torch() -> Check:
    version = _version("torch")
    if version is None:
        return Check(False, "torch", tr("not installed. {fix}", fix=install_command()))
    try:
        import torch
    except Exception as exc:  # a broken or half-finished install: the same fix
        return Check(False, "torch", tr("{version} is installed but cannot be imported ({why}). Install it again: "
                                        "{fix}", version=version, why=f"{type(exc).__name__}: {_first_line(exc)}",
                                        fix=install_command()))
    build = tr("CPU-only build") if "+cpu" in torch.__version__ else None
    return Check(True, "torch", torch.__version__ + (f" ({build})" if build else ""))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def check_torchvision() -> Check:
    torch_version, vision_version = _version("torch"), _version("torchvision")
    if vision_version is None:
        return Check(False, "torchvision", tr("not installed. {fix}", fix=install_command()))
    if torch_version is not None:
        t, v = _release(torch_version), _release(vision_version)
        # torch 2.N pairs with torchvision 0.(N+15): 2.2 with 0.17, 2.14 with 0.29.
        if len(t) >= 2 and len(v) >= 2 and t[0] == 2 and v[0] == 0 and v[1] != t[1] + 15:
            pair = f"0.{t[1] + 15}"
            cpu = " --index-url https://download.pytorch.org/whl/cpu" if "+cpu" in torch_version else ""
            return Check(False, "torchvision", tr(
                "{vision} does not go with torch {torch} (torch 2.{minor} needs torchvision {pair}): {fix}",
                vision=vision_version, torch=torch_version, minor=t[1], pair=pair,
                fix=f"\"{sys.executable}\" -m pip install \"torch=={torch_version.split('+')[0]}\" "
                    f"\"torchvision=={pair}.*\"{cpu}"))
    try:
        from torchvision import datasets  # noqa: F401  (fails when torchvision was built for another torch)
    except Exception as exc:
        return Check(False, "torchvision", tr("{version} cannot be imported ({why}). Install torch and torchvision "
                                              "again, together: {fix}", version=vision_version,
                                              why=f"{type(exc).__name__}: {_first_line(exc)}", fix=install_command()))
    return Check(True, "torchvision", vision_version)


def check_numpy() -> Check:
    version = _version("numpy")
    if version is None:
        return Check(False, "NumPy", tr("not installed. {fix}", fix=install_command()))
    torch_version = _version("torch")
    if torch_version and _release(torch_version) < (2, 3) and _release(version) >= (2,):
        return Check(False, "NumPy", tr("{version} is too new for torch {torch}, which was built before NumPy 2: {fix}",
                                        version=version, torch=torch_version,
                                        fix=f"\"{sys.executable}\" -m pip install \"numpy<2\""))
    return Check(True, "NumPy", version)


def check_package(package: str, name: str, major: int) -> Check:
    version = _version(package)
    if version is None:
        return Check(False, name, tr("not installed. {fix}", fix=install_command()))
    if _release(version)[:1] < (major,):
        return Check(False, name, tr("{version} is too old: {fix}", version=version,
                                     fix=f"\"{sys.executable}\" -m pip install '{package}>={major}'"))
    return Check(True, name, version)


def check_ipywidgets() -> Check:
    if _in_colab():  # Colab ships ipywidgets 7.7 and renders it itself; the panel works with 7.7 and 8
        version = _version("ipywidgets")
        return Check(version is not None, "ipywidgets",
                     tr("{version} (Colab's)", version=version) if version
                     else tr("not installed. {fix}", fix="%pip install 'ipywidgets>=7.7,<8'"))
    return check_package("ipywidgets", "ipywidgets", 8)


def _server_extensions(info: dict) -> list[str] | None:
    """Return the lab extensions a running Jupyter server loads, read from its page config, or None."""
    url = f"{info['url'].rstrip('/')}/lab?token={info.get('token', '')}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            page = response.read().decode("utf-8", "replace")
    except OSError:
        return None
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    if not found:
        return None
    config = json.loads(found.group(1))
    return [ext.get("name", "") for ext in config.get("federated_extensions", [])]


def check_widget_extension() -> Check:
    """Ask each running JupyterLab whether it loads the widgets extension; else look in this environment."""
    what = tr("widgets in JupyterLab")
    fix = tr("pip install 'ipywidgets>=8' in the environment JupyterLab runs from (it brings jupyterlab_widgets), "
             "restart JupyterLab and reload the browser tab.")
    try:
        from jupyter_server.serverapp import list_running_servers

        servers = [s for s in list_running_servers() if s.get("url", "").startswith("http")]
    except Exception:  # no jupyter_server here: nothing is running from this environment
        servers = []
    answered = [(s, _server_extensions(s)) for s in servers]
    answered = [(s, names) for s, names in answered if names is not None]
    if answered:
        missing = [s for s, names in answered if WIDGET_EXTENSION not in names]
        if missing:
            where = ", ".join(s["url"].split("?")[0] for s in missing)
            return Check(False, what, tr("the JupyterLab at {where} does not load {extension}: {fix}", where=where,
                                         extension=WIDGET_EXTENSION, fix=fix))
        return Check(True, what, tr("the running JupyterLab loads {extension}", extension=WIDGET_EXTENSION))
    try:
        from jupyter_core.paths import jupyter_path

        folders = [Path(p) / WIDGET_EXTENSION for p in jupyter_path("labextensions")]
    except ImportError:
        folders = []
    if any((f / "package.json").exists() for f in folders):
        return Check(True, what, tr("{extension} is installed for a JupyterLab started from this environment",
                                    extension=WIDGET_EXTENSION))
    return Check(False, what, tr("{extension} is not installed here: {fix}", extension=WIDGET_EXTENSION, fix=fix))


def _course_module(name: str):
    """Import helpers.<name>, from the repository's folder if helpers is not installed here."""
    from importlib import import_module

    try:
        return import_module(f"helpers.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != "helpers":
            raise
        sys.path.insert(0, str(REPO))
        return import_module(f"helpers.{name}")


def check_device() -> Check:
    try:
        training = _course_module("training")
    except Exception as exc:
        return Check(False, tr("device"), tr("not checked: {why} (see the lines above)", why=_first_line(exc)))
    device = training.get_device()
    note = {"cuda": tr("an NVIDIA GPU"), "mps": tr("Apple's GPU")}.get(
        device.type, tr("no GPU; the series is sized for a CPU"))
    return Check(True, tr("device"), tr("{device} ({note})", device=device, note=note))


def check_data(root: str | os.PathLike) -> Check:
    try:
        data = _course_module("course.offline")
    except Exception as exc:
        return Check(False, "FashionMNIST", tr("not checked: {why} (see the lines above)", why=_first_line(exc)))
    try:
        raw, source = data.prepare_fashion_mnist(root)
    except data.DataError as exc:
        return Check(False, "FashionMNIST", str(exc))
    shown = tr("already extracted") if source == str(raw) else tr("taken from {source}", source=source)
    return Check(True, "FashionMNIST", tr("in {raw} ({how})", raw=_as_seen_from_here(raw), how=shown))


def _as_seen_from_here(path) -> str:
    """``path`` relative to the current folder (the same on every machine), or in full on another drive."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # Windows: another drive
        return str(path)


def run_checks(root: str | os.PathLike = "data") -> list[Check]:
    """Return every check, in the order a learner would fix them."""
    checks = [check_python(), check_interpreter(), check_torch(), check_torchvision(), check_numpy(),
              check_package("matplotlib", "matplotlib", 3), check_ipywidgets()]
    if not _in_colab():  # Colab has its own front end, not JupyterLab
        checks += [check_package("jupyterlab", "JupyterLab", 4), check_widget_extension()]
    return checks + [check_device(), check_data(root)]


def _series_version() -> str:
    """helpers' version, read from its __init__.py (importing it is not needed)."""
    text = (Path(__file__).resolve().parents[1] / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    return found.group(1) if found else "?"


def _commit() -> str:
    """', commit abc1234' when the series is a git checkout, so a room can see it has one version; else ''."""
    import subprocess

    try:
        done = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    return tr(", commit {commit}", commit=done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else ""


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def doctor(root: str | os.PathLike = "data") -> bool:
    """Print one line per check, OK or what to do; return True when every check passed."""
    print(tr("Set-up check for the series, version {version}{commit} ({repo})", version=_series_version(),
             commit=_commit(), repo=REPO))
    checks = run_checks(root)
    width = max(_width(c.what) for c in checks)
    for c in checks:
        lines = c.detail.splitlines() or [""]
        print(f"{'OK ' if c.ok else 'FIX'}  {c.what}{' ' * (width - _width(c.what))}  {lines[0]}")
        for more in lines[1:]:
            print(f"     {'':<{width}}  {more}")
    passed = all(c.ok for c in checks)
    print(tr("All set.") if passed else tr("Fix the lines marked FIX, from the top, then run this again."))
    return passed


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m helpers doctor", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="data", help="folder that gets FashionMNIST/raw/ (default: data)")
    parser.add_argument("--zh-CN", dest="chinese", action="store_true", help="print in Simplified Chinese")
    args = parser.parse_args(argv)
    if args.chinese:
        from helpers.course.i18n import set_language

        set_language("zh-CN")
    return 0 if doctor(args.root) else 1


if __name__ == "__main__":  # python helpers/course/doctor.py
    raise SystemExit(main())
