"""A folder that sets up the course on laptops in a room without internet, one platform or several.

    python scripts/offline_kit.py [FOLDER] [--platforms P ...] [--pythons 3.11 ...] [--extras scale] [--no-wheels]

(``make offline-kit`` writes offline-kit/; ``make offline-kit PLATFORMS="win_amd64 macosx_arm64 macosx_x86_64
linux_x86_64" PYTHONS="3.11 3.12" RAY=1`` passes those on.)

The folder holds, for each platform, ``wheels/<platform>/`` with a wheel of every package a learner needs,
for each Python version asked for, and the helpers package as a wheel; FashionMNIST's four files; the
learners' copy of the notebooks; the READMEs, SETUP.md, the handout and the glossary; and INSTALL.md, with
the steps for each platform and what each folder holds. Copy it onto a USB stick or a shared drive. The
instructor's material (INSTRUCTORS.md, the slides with their speaker notes) stays out: it holds the answers.

- ``--platforms``: any of the keys of PLATFORMS below. Default: this machine's platform only.
- ``--pythons``: default, this machine's Python with the default platform, and with ``--platforms`` every
  version the series supports (SUPPORTED_PYTHONS). A platform whose packages stop below a version leaves
  it out and says so (Intel Macs: PyTorch 2.2, their last, has wheels up to Python 3.12).
- ``--extras scale``: Ray Tune too (helpers[scale], for 16_sweeps), installed by its own line.
- ``--no-wheels``: only the helpers wheel in each platform's folder (everything else is still written),
  for a quick check.

Each download is ``pip download --only-binary=:all: --platform TAG ... --python-version V --implementation cp``.
pip evaluates environment markers (``platform_system == "Linux"``, ``python_version < "3.11"``) for the
machine it runs on, not for ``--platform``: from Linux, a Windows kit would ask for CUDA's libraries (which have
no Windows wheels) and miss what only Windows needs (pywinpty, colorama). So pip runs here with the target's
marker values (PIP_FOR_TARGET). Then each Python's install is resolved from its folder alone, as a learner's is.
PyTorch's CPU-only build comes from its own index for Linux when that index answers; otherwise the Linux
folder gets PyPI's build, with CUDA's libraries (about 3 GB), and the output and INSTALL.md say so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from install_torch import CPU_INDEX, reachable  # noqa: E402

from helpers import load_fashion_mnist  # noqa: E402
from helpers.course.offline import FILES, prepare_fashion_mnist  # noqa: E402

SUPPORTED_PYTHONS = ("3.10", "3.11", "3.12", "3.13")  # requires-python >=3.10; SETUP.md: 3.10 to 3.13
NOTEBOOKS = "notebooks"  # the learners' copy, one folder per edition (en, zh-CN); data/ sits beside it


@dataclass(frozen=True)
class Platform:
    key: str  # the folder name under wheels/
    title: str  # INSTALL.md's section heading
    tags: tuple[str, ...]  # pip's --platform values (pip adds older macOS versions itself, not older glibcs)
    markers: dict[str, str]  # PEP 508 marker values of such a machine
    activate: str  # the command that activates .venv there
    make_venv: str  # the command that makes .venv there
    needs: str  # the oldest OS the wheels run on, for INSTALL.md
    max_python: str | None = None  # the newest Python its packages have wheels for, when that is below ours
    why_max: str = ""
    scale_pins: tuple[str, ...] = ()  # extra lines for Ray's requirements there
    notes: tuple[str, ...] = field(default_factory=tuple)


_UNIX = dict(make_venv="python3 -m venv .venv", activate="source .venv/bin/activate")
# glibc 2.28 (Debian 10, Ubuntu 20.04, RHEL 8) and every older manylinux tag: pip does not expand these itself.
_MANYLINUX = tuple(f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)) + ("manylinux2014_x86_64",)

PLATFORMS = {p.key: p for p in (
    Platform("win_amd64", "Windows (64-bit)", ("win_amd64",),
             dict(os_name="nt", sys_platform="win32", platform_system="Windows", platform_machine="AMD64",
                  platform_release="10", platform_version="10.0.19045"),
             activate=r".venv\Scripts\activate", make_venv="python -m venv .venv", needs="Windows 10 or 11",
             notes=("In PowerShell, if activating is refused (*running scripts is disabled on this system*), run "
                    "`Set-ExecutionPolicy -Scope CurrentUser RemoteSigned` once, or use the Command Prompt "
                    "(`cmd`) instead. If `python` opens the Microsoft Store, use `py` in its place.",)),
    # macOS 12: Ray's wheels need it; pip also takes every wheel for 11.0 and the universal2 ones.
    Platform("macosx_arm64", "macOS on Apple silicon (M1 and later)", ("macosx_12_0_arm64",),
             dict(os_name="posix", sys_platform="darwin", platform_system="Darwin", platform_machine="arm64",
                  platform_release="21.6.0", platform_version="Darwin Kernel Version 21.6.0"),
             needs="macOS 12 (Monterey) or newer", **_UNIX),
    Platform("macosx_x86_64", "macOS on Intel", ("macosx_12_0_x86_64",),
             dict(os_name="posix", sys_platform="darwin", platform_system="Darwin", platform_machine="x86_64",
                  platform_release="21.6.0", platform_version="Darwin Kernel Version 21.6.0"),
             needs="macOS 12 (Monterey) or newer", max_python="3.12",
             why_max="PyTorch 2.2, the last release with wheels for Intel Macs, has them up to Python 3.12",
             # requirements.txt keeps NumPy below 2 here; the pyarrow that Ray Tune reads results with needs 2 from 21 on
             scale_pins=('pyarrow<21; platform_system == "Darwin" and platform_machine == "x86_64"',),
             notes=("PyTorch here is 2.2 with torchvision 0.17 and NumPy 1.26: the last release with wheels "
                    "for Intel Macs, the floor the series is tested at.",),
             **_UNIX),
    Platform("linux_x86_64", "Linux (x86-64)", _MANYLINUX,
             dict(os_name="posix", sys_platform="linux", platform_system="Linux", platform_machine="x86_64",
                  platform_release="6.1.0", platform_version="#1 SMP"),
             needs="glibc 2.28 or newer (Debian 10, Ubuntu 20.04, Fedora 29, RHEL 8 or newer)", **_UNIX),
)}

# pip's own resolver, with the marker values of the target machine instead of this one's (see the docstring).
# argv: the markers as JSON, then pip's arguments.
PIP_FOR_TARGET = """\
import json, runpy, sys
from pip._vendor.packaging import markers
target = json.loads(sys.argv.pop(1))
here = markers.default_environment
markers.default_environment = lambda: {**here(), **target}
sys.argv[0] = "pip"
runpy.run_module("pip", run_name="__main__", alter_sys=True)
"""


def host_platform() -> str:
    machine = platform.machine().lower()
    key = {("linux", "x86_64"): "linux_x86_64", ("linux", "amd64"): "linux_x86_64",
           ("darwin", "arm64"): "macosx_arm64", ("darwin", "x86_64"): "macosx_x86_64",
           ("win32", "amd64"): "win_amd64", ("win32", "x86_64"): "win_amd64"}.get((sys.platform, machine))
    if key is None:
        raise SystemExit(f"This machine ({sys.platform}, {machine}) is none of the kit's platforms "
                         f"({', '.join(PLATFORMS)}): name one or more with --platforms.")
    return key


def install_line(key: str, requirements: str = "requirements.txt") -> str:
    return f"python -m pip install --no-index --find-links wheels/{key} -r {requirements}"


INSTALL_LINE = install_line("<platform>")  # as INSTALL.md shows it, one folder per platform


def learner_requirements() -> list[str]:
    """The packages in requirements.txt (the learner's; the tests' tools are in requirements-dev.txt), and helpers."""
    lines = [line.split(" #")[0].strip() for line in (REPO / "requirements.txt").read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")] + ["helpers"]


def extra_requirements(extra: str) -> list[str]:
    """The requirements of one of pyproject.toml's optional-dependencies."""
    text = (REPO / "pyproject.toml").read_text()
    try:
        import tomllib
    except ImportError:  # Python 3.10: the extras are one line each
        found = re.search(rf"^{re.escape(extra)}\s*=\s*\[([^#\n]*)\]", text, re.M)
        wanted = re.findall(r'"([^"]+)"', found.group(1)) if found else None
    else:
        wanted = tomllib.loads(text)["project"].get("optional-dependencies", {}).get(extra)
    if not wanted:
        raise SystemExit(f"pyproject.toml has no optional-dependencies named {extra!r}")
    return wanted


def scale_requirements() -> list[str]:
    pins = [pin for p in PLATFORMS.values() for pin in p.scale_pins]
    return extra_requirements("scale") + pins


def pythons_for(key: str, pythons: list[str]) -> tuple[list[str], list[str]]:
    """The versions this platform gets, and those it cannot."""
    cap = PLATFORMS[key].max_python
    if cap is None:
        return list(pythons), []
    as_tuple = lambda v: tuple(int(part) for part in v.split("."))  # noqa: E731
    return ([v for v in pythons if as_tuple(v) <= as_tuple(cap)], [v for v in pythons if as_tuple(v) > as_tuple(cap)])


def target_markers(key: str, python: str) -> dict[str, str]:
    full = python if python.count(".") >= 2 else f"{python}.0"
    return {"implementation_name": "cpython", "platform_python_implementation": "CPython",
            "implementation_version": full, "python_full_version": full,
            "python_version": ".".join(python.split(".")[:2]), **PLATFORMS[key].markers}


def _for_target(key: str, python: str) -> tuple[list[str], list[str]]:
    """pip run with the target's markers, and the options that pick the target's wheels."""
    tags = [arg for tag in PLATFORMS[key].tags for arg in ("--platform", tag)]
    return ([sys.executable, "-c", PIP_FOR_TARGET, json.dumps(target_markers(key, python))],
            ["--only-binary=:all:", *tags, "--python-version", python, "--implementation", "cp"])


def download_command(key: str, python: str, dest: Path, requirements: list[str], cpu_index: bool = False,
                     quiet: bool = True) -> list[str]:
    """The command that downloads requirements' wheels, dependencies included, for one platform and Python."""
    pip, target = _for_target(key, python)
    # On Linux, PyTorch's CPU-only wheels (2.x.y+cpu) outrank PyPI's 2.x.y, so pip takes them from the extra index.
    index = ["--extra-index-url", CPU_INDEX] if cpu_index and key.startswith("linux") else []
    return [*pip, "download", *(["--quiet"] if quiet else []), *target, *index, "--dest", str(dest), *requirements]


def check_command(key: str, python: str, wheels: Path, requirement_files: list[Path]) -> list[str]:
    """The command that resolves a learner's install from the folder alone, as on such a laptop, installing nothing."""
    pip, target = _for_target(key, python)
    files = [arg for path in requirement_files for arg in ("-r", str(path))]
    return [*pip, "install", "--dry-run", "--quiet", "--ignore-installed", "--no-index", "--find-links", str(wheels),
            *target, "--target", str(Path(tempfile.gettempdir()) / "offline-kit-check"), *files]


def download(key: str, python: str, dest: Path, requirements: list[str], cpu_index: bool = False) -> bool:
    dest.mkdir(parents=True, exist_ok=True)
    command = download_command(key, python, dest, requirements, cpu_index, quiet=not sys.stdout.isatty())
    return subprocess.run(command).returncode == 0


def installs_offline(key: str, python: str, wheels: Path, requirement_files: list[Path]) -> bool:
    """Does the folder hold every wheel the install needs? pip without this machine's configuration (its index,
    find-links or constraints), so that nothing but the folder can answer."""
    env = {name: value for name, value in os.environ.items() if not name.upper().startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return subprocess.run(check_command(key, python, wheels, requirement_files), env=env).returncode == 0


def helpers_wheel() -> Path:
    built = Path(tempfile.mkdtemp(prefix="helpers-wheel-"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(built), str(REPO)], check=True)
    (wheel,) = built.glob("helpers-*.whl")
    return wheel


def write_data(kit: Path) -> Path:
    raw, source = prepare_fashion_mnist(REPO / "data")
    target = kit / "data" / "FashionMNIST" / "raw"
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(raw / name, target / name)
    train, test, _ = load_fashion_mnist(kit / "data", download=False)  # checks every file's size and header
    print(f"data: {len(train):,} training and {len(test):,} test images from {source}")
    return target


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def human(size: int) -> str:
    return f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:,.0f} MB"


@dataclass
class Served:
    """What one platform's folder holds, for INSTALL.md."""
    key: str
    pythons: list[str]
    size: int = 0
    torch: str = ""  # which PyTorch build, read from the files
    scale: list[str] = field(default_factory=list)  # the Pythons Ray Tune's wheels are there for
    missing: list[str] = field(default_factory=list)  # "Python 3.13 (why)"


def describe_torch(wheels: Path) -> str:
    names = sorted(p.name for p in wheels.glob("torch-*.whl"))
    if not names:
        return ""
    versions = sorted({name.split("-")[1] for name in names}, key=lambda v: [int(x) for x in re.findall(r"\d+", v)])
    listed = "PyTorch " + ", ".join(versions)
    if any("+cpu" in v for v in versions):
        return f"{listed}: the CPU-only build"
    if any(wheels.glob("nvidia_*.whl")):
        return f"{listed}: PyPI's build, with CUDA's libraries (it runs on a CPU as well)"
    extra = {"win_amd64": ", CPU-only", "macosx_arm64": ", which also uses the Mac's GPU (mps)"}.get(wheels.name, "")
    return f"{listed}: PyPI's build{extra}"


CHECKED = ("Each Python listed was checked when the kit was built: pip found every wheel its install needs in "
           "that folder alone.\n\n")


def install_text(served: list[Served], scale: bool = False, cpu_index_problem: str | None = None,
                 checked: bool = True) -> str:
    """INSTALL.md: what the kit serves, then each platform's steps in the order they must be done."""
    rows = "\n".join(f"| {PLATFORMS[s.key].title} | `wheels/{s.key}/` | {', '.join(s.pythons) or 'none'} | "
                     f"{human(s.size)} | {s.torch or '(no third-party wheels)'} |" for s in served)
    parts = [f"""# Setting up without internet

This kit serves these laptops. Find yours, then follow its section from the top.

| laptop | folder | Python | size | PyTorch |
| --- | --- | --- | --- | --- |
{rows}

{CHECKED if checked else ""}Which Python do you have? `python --version` (on macOS and Linux `python3 --version`). It must be one the
table lists for your laptop; if it is not, install one of those first (python.org has installers that
work offline once downloaded). Mac: Apple menu > About This Mac shows *Chip Apple M…* (Apple silicon) or
*Processor … Intel* (Intel).
"""]
    if cpu_index_problem and any(s.key.startswith("linux") for s in served):
        parts.append(f"""
**Linux: PyPI's PyTorch.** PyTorch's CPU-only index ({CPU_INDEX}) could not be reached when this kit was
built ({cpu_index_problem}), so the Linux folder holds PyPI's build with CUDA's libraries: several GB to
copy and about 5 GB once installed. It runs on a CPU all the same.
""")
    for s in served:
        p = PLATFORMS[s.key]
        folder = f"wheels/{s.key}"
        other = f" (or, to save time, everything but the other platforms' folders in `wheels/`: yours is `{folder}/`)"
        steps = [
            f"**Copy the whole kit folder to your laptop first**{other}, for example into your home or Documents "
            "folder, and work in the copy: not on the USB stick or the shared drive, which is slow, may be "
            "read-only, and is gone when it is unplugged. Open a terminal in the copied folder"
            + (" (in Explorer: right-click the folder > *Open in Terminal*)." if s.key.startswith("win")
               else " (on a Mac: right-click the folder in Finder > *New Terminal at Folder*)."
               if s.key.startswith("macosx") else "."),
            f"**Make a virtual environment and activate it:** `{p.make_venv}`, then `{p.activate}`. The "
            "prompt now starts with `(.venv)`; every later step runs in it.",
            f"**Install from your platform's folder, without the network:** `{install_line(s.key)}`",
            "**Check the set-up:** `python -m helpers doctor`. Every line should say `OK`.",
            f"**Open the course:** `jupyter lab {NOTEBOOKS}/en/` (the Simplified Chinese edition: "
            f"`jupyter lab {NOTEBOOKS}/zh-CN/`), then `01_data.ipynb`. The data is already in `data/`, where the "
            "notebooks look for it.",
        ]
        if s.scale:
            partly = f" (Python {', '.join(s.scale)} only)" if s.scale != s.pythons else ""
            steps.insert(3, f"**Only for 16_sweeps, Ray Tune{partly}:** "
                            f"`{install_line(s.key, 'requirements-scale.txt')}`")
        numbered = "\n".join(f"{i}. {step}" for i, step in enumerate(steps, 1))
        served_pythons = ", ".join(s.pythons) or "none"
        extra = "".join(f"\n{note}\n" for note in p.notes)
        missing = "".join(f"\nNot in this folder: {m}.\n" for m in s.missing)
        if scale and s.pythons and not s.scale:
            missing += "\nRay Tune (16_sweeps) is not in this folder: its wheels could not be fetched for it.\n"
        parts.append(f"""
## {p.title}

`{folder}/`: Python {served_pythons}; {human(s.size)}; {p.needs}. {s.torch + '.' if s.torch else ''}

{numbered}
{extra}{missing}""")
    parts.append(f"""
## 离线安装

1. 先把整个文件夹复制到自己的电脑上（不要直接在 U 盘上运行），在复制后的文件夹中打开终端。
2. 创建并激活虚拟环境：Windows 用 `python -m venv .venv` 和 `.venv\\Scripts\\activate`；macOS 和 Linux 用
   `python3 -m venv .venv` 和 `source .venv/bin/activate`。
3. 从对应平台的文件夹安装（上表列出各平台的文件夹和 Python 版本）：
   `python -m pip install --no-index --find-links wheels/<平台> -r requirements.txt`
4. 用 `python -m helpers doctor` 检查环境。
5. `jupyter lab {NOTEBOOKS}/zh-CN/`，打开 `01_data.zh-CN.ipynb`；数据已在 `data/` 中。
""")
    return "".join(parts)


# What a learner reads beside the notebooks; INSTRUCTORS.md and the slides (speaker notes with the answers) stay out.
LEARNER_DOCS = ("README.md", "README.zh-CN.md", "SETUP.md", "HANDOUT.md", "GLOSSARY.md")


def write_course(kit: Path, scale: bool = False) -> None:
    # the learners' copy: no speaker notes, checks, saved answers or solutions (scripts/learner_copy.py)
    import learner_copy

    learner_copy.write(kit / NOTEBOOKS)
    for name in LEARNER_DOCS:
        if (REPO / name).exists():
            shutil.copyfile(REPO / name, kit / name)
    (kit / "requirements.txt").write_text("\n".join(learner_requirements()) + "\n")
    if scale:
        (kit / "requirements-scale.txt").write_text("\n".join(scale_requirements()) + "\n")


def fill_folder(kit: Path, key: str, pythons: list[str], scale: bool, cpu_index: bool) -> tuple[Served, list[str]]:
    """One platform's third-party wheels, for each Python, then each learner's install checked against the folder."""
    folder = kit / "wheels" / key
    ok_pythons, too_new = pythons_for(key, pythons)
    entry = Served(key, [], missing=[f"Python {v} ({PLATFORMS[key].why_max})" for v in too_new])
    for v in too_new:
        print(f"{key}: no Python {v}: {PLATFORMS[key].why_max}.", flush=True)
    failed = []
    learner = learner_requirements()[:-1]
    for v in ok_pythons:
        print(f"{key}, Python {v}: downloading...", flush=True)
        if download(key, v, folder, learner + (scale_requirements() if scale else []), cpu_index):
            entry.pythons.append(v)
            entry.scale += [v] if scale else []
        elif scale and download(key, v, folder, learner, cpu_index):
            entry.pythons.append(v)  # everything but Ray
            failed.append(f"{key}, Python {v}: Ray Tune")
        else:
            entry.missing.append(f"Python {v} (its wheels could not be fetched when the kit was built)")
            failed.append(f"{key}, Python {v}")
    for v in list(entry.pythons):  # each install as a learner runs it, resolved from the folder alone
        files = [kit / "requirements.txt"] + ([kit / "requirements-scale.txt"] if v in entry.scale else [])
        if not installs_offline(key, v, folder, files):
            entry.pythons.remove(v)
            entry.scale = [w for w in entry.scale if w != v]
            entry.missing.append(f"Python {v} (the folder lacked a wheel its install needs when the kit was built)")
            failed.append(f"{key}, Python {v}: the folder lacks a wheel the install needs")
    return entry, failed


def write_wheels(kit: Path, keys: list[str], pythons: list[str], third_party: bool = True,
                 scale: bool = False) -> tuple[list[Served], str | None, list[str]]:
    """Each platform's folder; returns what each holds, why the CPU-only index was not used, and what failed."""
    wheel = helpers_wheel()
    cpu_problem = reachable(CPU_INDEX, timeout=5) if third_party and any(k.startswith("linux") for k in keys) else None
    if cpu_problem:
        print(f"PyTorch's CPU-only index ({CPU_INDEX}) cannot be reached ({cpu_problem}): the Linux folder gets "
              "PyPI's build instead, with CUDA's libraries (about 3 GB more; INSTALL.md says so).", flush=True)
    served, failed = [], []
    for key in keys:
        start = time.perf_counter()
        folder = kit / "wheels" / key
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(wheel, folder / wheel.name)
        if third_party:
            entry, missed = fill_folder(kit, key, pythons, scale, cpu_index=cpu_problem is None)
            failed += missed
        else:
            entry = Served(key, pythons_for(key, pythons)[0])
        entry.size = folder_size(folder)
        entry.torch = describe_torch(folder)
        print(f"{key}: Python {', '.join(entry.pythons) or 'none'}"
              + (f" (Ray Tune: {', '.join(entry.scale) or 'none'})" if scale and third_party else "")
              + f"; {len(list(folder.glob('*.whl')))} wheels, {human(entry.size)}, {time.perf_counter() - start:.0f} s"
              + (f"; {entry.torch}" if entry.torch else ""), flush=True)
        served.append(entry)
    shutil.rmtree(wheel.parent, ignore_errors=True)
    return served, cpu_problem, failed


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO / "offline-kit"))
    parser.add_argument("--platforms", nargs="+", choices=list(PLATFORMS), metavar="PLATFORM",
                        help=f"any of: {', '.join(PLATFORMS)} (default: this machine's)")
    parser.add_argument("--pythons", nargs="+", metavar="X.Y",
                        help="default: this machine's Python with the default platform, else "
                             + " ".join(SUPPORTED_PYTHONS))
    parser.add_argument("--extras", nargs="+", choices=["scale"], default=[], help="scale: Ray Tune, for 16_sweeps")
    parser.add_argument("--no-wheels", action="store_true", help="leave out the third-party wheels")
    args = parser.parse_args(argv)
    for v in args.pythons or []:
        if not re.fullmatch(r"3\.\d+", v):
            parser.error(f"--pythons takes versions such as 3.11, not {v!r}")
    if args.pythons is None:
        args.pythons = list(SUPPORTED_PYTHONS) if args.platforms else [f"{sys.version_info[0]}.{sys.version_info[1]}"]
    args.platforms = list(dict.fromkeys(args.platforms or [host_platform()]))
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    kit = Path(args.folder).resolve()
    kit.mkdir(parents=True, exist_ok=True)
    scale = "scale" in args.extras
    start = time.perf_counter()
    write_data(kit)
    write_course(kit, scale)
    served, cpu_problem, failed = write_wheels(kit, args.platforms, args.pythons, not args.no_wheels, scale)
    (kit / "INSTALL.md").write_text(install_text(served, scale, cpu_problem, checked=not args.no_wheels),
                                    encoding="utf-8")
    print(f"{kit}: {human(folder_size(kit))} in all, {time.perf_counter() - start:.0f} s. Learners follow INSTALL.md; "
          f"the install line: {INSTALL_LINE}")
    if failed:
        print("Could not be served: " + "; ".join(failed) + " (pip's message is above each).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
