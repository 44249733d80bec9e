"""A folder that sets up the course on laptops in a room without internet.

    python scripts/offline_kit.py [FOLDER] [--no-wheels]      (make offline-kit writes offline-kit/)

The folder holds the wheels of every package a learner needs, for the platform and Python that build it
(``pip download``), the helpers package as a wheel, FashionMNIST's four files, the learners' copy of the notebooks, the slides
(when built) and INSTALL.md with the one-line install. Copy it onto a USB stick or a shared drive.
``--no-wheels`` leaves out the third-party wheels (everything else is still written), for a quick check.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from helpers.data import FILES, load_fashion_mnist, prepare_fashion_mnist  # noqa: E402

INSTALL_LINE = "python -m pip install --no-index --find-links wheels -r requirements.txt"


def learner_requirements() -> list[str]:
    """The packages in requirements.txt (the learner's; the tests' tools are in requirements-dev.txt), and helpers."""
    lines = [line.split(" #")[0].strip() for line in (REPO / "requirements.txt").read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")] + ["helpers"]


def write_data(kit: Path) -> Path:
    raw, source = prepare_fashion_mnist(REPO / "data")
    target = kit / "data" / "FashionMNIST" / "raw"
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(raw / name, target / name)
    train, test, _ = load_fashion_mnist(kit / "data", download=False)  # checks every file's size and header
    print(f"data: {len(train):,} training and {len(test):,} test images from {source}")
    return target


def write_wheels(kit: Path, third_party: bool = True) -> Path:
    wheels = kit / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(wheels), str(REPO)], check=True)
    if third_party:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(wheels),
                        *learner_requirements()[:-1]], check=True)
    return wheels


def write_course(kit: Path) -> None:
    # the learners' copy: no speaker notes, checks, saved answers or solutions (scripts/learner_copy.py)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import learner_copy

    learner_copy.write(kit / "notebooks")
    for name in ("README.md", "README.zh-CN.md", "INSTRUCTORS.md"):
        if (REPO / name).exists():
            shutil.copyfile(REPO / name, kit / name)
    if (REPO / "slides").is_dir():
        shutil.copytree(REPO / "slides", kit / "slides", dirs_exist_ok=True)
    (kit / "requirements.txt").write_text("\n".join(learner_requirements()) + "\n")
    (kit / "INSTALL.md").write_text(f"""# Setting up without internet

On a laptop with Python {sys.version_info.major}.{sys.version_info.minor} ({sys.platform}, like the machine \
that built this folder), in this folder:

```bash
{INSTALL_LINE}
jupyter lab notebooks/
```

(A virtual environment first keeps it apart from the rest: `python -m venv .venv`, then
`source .venv/bin/activate`, or `.venv\\Scripts\\activate` on Windows.) The data is already in `data/`,
where the notebooks look for it. Check the set-up with `python -m helpers doctor`.

## 离线安装

在本文件夹中运行上面两行命令；数据已在 `data/` 中。用 `python -m helpers doctor` 检查环境。
""")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv: list[str]) -> int:
    third_party = "--no-wheels" not in argv
    args = [a for a in argv if not a.startswith("--")]
    kit = Path(args[0] if args else REPO / "offline-kit").resolve()
    kit.mkdir(parents=True, exist_ok=True)
    write_data(kit)
    write_course(kit)
    wheels = write_wheels(kit, third_party)
    print(f"wheels: {len(list(wheels.glob('*.whl')))} files, {folder_size(wheels) / 2**20:,.0f} MB")
    print(f"{kit}: {folder_size(kit) / 2**20:,.0f} MB in all. Learners, in that folder: {INSTALL_LINE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
