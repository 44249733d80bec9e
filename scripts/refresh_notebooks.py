"""Restart and run every notebook (or the ones named), then save it with its outputs.

What is saved: outputs and execution counts 1..N. What is not: widget state and the run's
timing metadata, which would change on every run.

    .venv/bin/python scripts/refresh_notebooks.py [notebooks/01_data.ipynb ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def refresh(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   store_widget_state=False, record_timing=False).execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            for out in cell.outputs:
                out.get("metadata", {}).pop("transient", None)
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> None:
    # By default every notebook and its zh-CN twin, except CIFAR-10's, saved without outputs (see README).
    paths = [Path(a) for a in argv] or sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
                                              if not p.name.startswith("14_cifar10"))
    for path in paths:
        print(f"{path.name}: ran in {refresh(path):.0f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
