"""``python -m helpers doctor``: check the set-up a learner needs, one line each, with OK or the fix."""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import urllib.request
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

WIDGET_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
MIN_PYTHON = (3, 10)  # as in pyproject.toml's requires-python
INSTALL = "pip install -r requirements.txt (from the repository's folder, in the environment you use)"


class Check(NamedTuple):
    ok: bool
    what: str
    detail: str  # the version or place when ok, the fix when not


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _major(version: str) -> int:
    return int(re.match(r"\d+", version).group())


def check_python() -> Check:
    here = platform.python_version()
    if sys.version_info[:2] >= MIN_PYTHON:
        return Check(True, "Python", here)
    return Check(False, "Python", f"{here} is too old: install Python 3.10 or newer (3.11 is tested).")


def check_torch() -> Check:
    try:
        import torch
    except Exception as exc:  # not installed, or a broken install: both need the same fix
        return Check(False, "torch", f"cannot be imported ({type(exc).__name__}: {exc}). {INSTALL}")
    return Check(True, "torch", torch.__version__)


def check_torchvision() -> Check:
    try:
        import torchvision
        from torchvision import datasets  # noqa: F401  (fails when torchvision was built for another torch)
    except Exception as exc:
        return Check(False, "torchvision",
                     f"cannot be imported ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}). "
                     f"It must be built for the installed torch: install both together, as pinned in requirements.txt.")
    return Check(True, "torchvision", torchvision.__version__)


def check_package(package: str, name: str, major: int) -> Check:
    version = _version(package)
    if version is None:
        return Check(False, name, f"not installed. {INSTALL}")
    if _major(version) < major:
        return Check(False, name, f"{version} is too old: pip install '{package}>={major}'")
    return Check(True, name, version)


def check_device() -> Check:
    from .training import get_device

    device = get_device()
    note = {"cuda": "an NVIDIA GPU", "mps": "Apple's GPU"}.get(device.type, "no GPU; the series is sized for a CPU")
    return Check(True, "device", f"{device} ({note})")


def check_data(root: str | os.PathLike) -> Check:
    from .data import DataError, prepare_fashion_mnist

    try:
        raw, source = prepare_fashion_mnist(root)
    except DataError as exc:
        return Check(False, "FashionMNIST", str(exc))
    shown = "already extracted" if source == str(raw) else f"taken from {source}"
    return Check(True, "FashionMNIST", f"in {raw} ({shown})")


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
    what = "widgets in JupyterLab"
    fix = ("pip install 'ipywidgets>=8' in the environment JupyterLab runs from (it brings jupyterlab_widgets), "
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
            return Check(False, what, f"the JupyterLab at {where} does not load {WIDGET_EXTENSION}: {fix}")
        return Check(True, what, f"the running JupyterLab loads {WIDGET_EXTENSION}")
    try:
        from jupyter_core.paths import jupyter_path

        folders = [Path(p) / WIDGET_EXTENSION for p in jupyter_path("labextensions")]
    except ImportError:
        folders = []
    if any((f / "package.json").exists() for f in folders):
        return Check(True, what, f"{WIDGET_EXTENSION} is installed for a JupyterLab started from this environment")
    return Check(False, what, f"{WIDGET_EXTENSION} is not installed here: {fix}")


def run_checks(root: str | os.PathLike = "data") -> list[Check]:
    """Return every check, in the order a learner would fix them."""
    return [
        check_python(),
        check_torch(),
        check_torchvision(),
        check_package("ipywidgets", "ipywidgets", 8),
        check_package("jupyterlab", "JupyterLab", 4),
        check_widget_extension(),
        check_device(),
        check_data(root),
    ]


def doctor(root: str | os.PathLike = "data") -> bool:
    """Print one line per check, OK or what to do; return True when every check passed."""
    checks = run_checks(root)
    width = max(len(c.what) for c in checks)
    for c in checks:
        lines = c.detail.splitlines() or [""]
        print(f"{'OK ' if c.ok else 'FIX'}  {c.what:<{width}}  {lines[0]}")
        for more in lines[1:]:
            print(f"     {'':<{width}}  {more}")
    passed = all(c.ok for c in checks)
    print("All set." if passed else "Fix the lines marked FIX, then run this again.")
    return passed


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m helpers doctor", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="data", help="folder that gets FashionMNIST/raw/ (default: data)")
    args = parser.parse_args(argv)
    return 0 if doctor(args.root) else 1
