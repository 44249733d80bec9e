"""Restart and run every notebook (or the ones named), then save it with its outputs.

What is saved: outputs and execution counts 1..N. What is not: widget state and the run's
timing metadata, which would change on every run.

What the learner sees is set here too (``learner_view``): the cell that answers a "Predict first"
prompt is saved with its output folded (JupyterLab unfolds it when the learner runs the cell), and a
cell tagged ``test-only`` (asserts that keep the prose's claims true under the test suite) is saved
with its source folded and left out of the slides.

    .venv/bin/python scripts/refresh_notebooks.py [notebooks/en/01_data.ipynb ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from editions import notebooks  # noqa: E402  (each edition's folder)

PROMPTS = ("**Predict first:**", "**先预测：**")
TEST_ONLY = "test-only"


def learner_view(nb) -> None:
    """Fold what the learner should not read yet: predictions' answers and the notebook's own checks."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and any(p in cell.source for p in PROMPTS):
            answer = next((c for c in nb.cells[i + 1:] if c.cell_type == "code"), None)
            if answer is not None:
                answer.metadata.setdefault("jupyter", {})["outputs_hidden"] = True
        if TEST_ONLY in cell.metadata.get("tags", []):
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            cell.metadata["slideshow"] = {"slide_type": "skip"}


def merge_streams(cell) -> None:
    """One output for each run of prints to the same stream, as JupyterLab shows and saves them."""
    merged = []
    for out in cell.outputs:
        if (out.output_type == "stream" and merged and merged[-1].output_type == "stream"
                and merged[-1].name == out.name):
            merged[-1].text += out.text
        else:
            merged.append(out)
    cell.outputs = merged


def refresh(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   store_widget_state=False, record_timing=False).execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    learner_view(nb)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            merge_streams(cell)
            for out in cell.outputs:
                out.get("metadata", {}).pop("transient", None)
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> None:
    # By default every notebook and its zh-CN twin, except CIFAR-10's, saved without outputs (see README).
    paths = [Path(a) for a in argv] or [p for p in notebooks() if not p.name.startswith("14_cifar10")]
    for path in paths:
        print(f"{path.name}: ran in {refresh(path):.0f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
