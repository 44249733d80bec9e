"""Install PyTorch and torchvision into this Python, the build that suits this machine, and say which it was.

    python scripts/install_torch.py [--build auto|cpu|pypi] [-c constraints.txt]

auto (the default) takes PyTorch's CPU-only build on Linux without an NVIDIA GPU (about 0.2 GB to
download instead of about 3 GB: PyPI's Linux build carries CUDA's libraries) and PyPI's build
elsewhere (on Windows and macOS that one is CPU-only anyway; with an NVIDIA GPU it is the one that
uses it). When the CPU-only index cannot be reached, it installs PyPI's build and says so.
The versions are the ranges in requirements.txt. Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

CPU_INDEX = "https://download.pytorch.org/whl/cpu"
REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"


def torch_requirements(path: Path = REQUIREMENTS) -> list[str]:
    """The torch and torchvision lines of requirements.txt, as pip reads them."""
    lines = [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    wanted = [line for line in lines if re.match(r"(torch|torchvision)\s*([<>=!~;]|$)", line)]
    if not wanted:
        raise SystemExit(f"{path} names no torch or torchvision")
    return wanted


def has_nvidia_gpu() -> bool:
    return Path("/proc/driver/nvidia").exists() or shutil.which("nvidia-smi") is not None


def choose(build: str) -> str:
    if build != "auto":
        return build
    return "cpu" if platform.system() == "Linux" and not has_nvidia_gpu() else "pypi"


def reachable(url: str, timeout: float = 10) -> str | None:
    """None when the index answers; otherwise why not, in a few words."""
    try:
        with urllib.request.urlopen(f"{url}/torch/", timeout=timeout):
            return None
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return str(reason) or type(exc).__name__


def pip_install(specs: list[str], extra: list[str]) -> None:
    quiet = [] if sys.stdout.isatty() else ["--quiet"]  # in a terminal, pip's progress bar shows it is working
    command = [sys.executable, "-m", "pip", "install", *quiet, *extra, *specs]
    print("+", " ".join(command), flush=True)
    if subprocess.run(command).returncode != 0:
        raise SystemExit("pip could not install PyTorch (its message is above). Check the network and the disk "
                         "(PyPI's Linux build needs about 5 GB), then run the same command again; "
                         "SETUP.md's troubleshooting table lists the usual causes.")


def describe() -> str:
    """What was installed, read from the installed torch itself."""
    code = ("import torch, torchvision; cuda = torch.version.cuda; "
            "print(torch.__version__, torchvision.__version__, cuda or '')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        return "torch does not import: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    torch_version, vision_version, *cuda = done.stdout.split()
    kind = f"PyPI's build, with CUDA {cuda[0]}'s libraries" if cuda else "a CPU-only build"
    return f"torch {torch_version} and torchvision {vision_version}: {kind}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", choices=["auto", "cpu", "pypi"], default=os.environ.get("TORCH_BUILD") or "auto")
    parser.add_argument("-c", "--constraint", action="append", default=[], help="a pip constraints file (the CI lock)")
    args = parser.parse_args(argv)
    specs = torch_requirements()
    extra = [arg for path in args.constraint for arg in ("-c", path)]
    build = choose(args.build)
    if build == "cpu":
        why_not = reachable(CPU_INDEX)
        if why_not is None:
            print(f"Installing PyTorch's CPU-only build from {CPU_INDEX} (about 0.2 GB; a minute or two).", flush=True)
            pip_install(specs, extra + ["--index-url", CPU_INDEX])
            print(f"Installed {describe()}.")
            return 0
        print(f"PyTorch's CPU-only index ({CPU_INDEX}) cannot be reached ({why_not}); "
              "installing PyPI's build instead (on Linux about 3 GB to download, 5 GB on disk: on a slow link this "
              "takes many minutes; leave it running).", flush=True)
    else:
        print("Installing PyTorch from PyPI (on a slow link this takes several minutes; leave it running).", flush=True)
    pip_install(specs, extra)
    print(f"Installed {describe()}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
