"""The learners' copy of the notebooks: the lesson, without what the instructor and the test suite need.

The notebooks in ``notebooks/en`` and ``notebooks/zh-CN`` are the instructor's copy: speaker notes (slide type ``notes``), folded
``test-only`` cells of asserts, nbval's tags, the saved answers to every "Predict first" prompt and
every exercise's solution. The learners' copy keeps everything else as saved, and leaves out:

- the speaker notes and the test-only cells;
- nbval's tags (``nbval-*``, ``raises-exception``) and ``test-only``;
- the output of each cell that answers a prediction (the learner runs it to see);
- each exercise's ``<details><summary>Show a solution`` block (the check cell still gives hints).

    python scripts/learner_copy.py [OUT] [--replace]   write OUT/en/NN_topic.ipynb, OUT/zh-CN/... (default: learner/);
                                                       a notebook already there is kept unless --replace

OUT sits in the series' folder by default: the notebooks find data/ and helpers/ by looking upwards.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import editions  # noqa: E402  (each edition's folder)
from refresh_notebooks import PROMPTS, TEST_ONLY  # noqa: E402  (the markers the refresh folds)

TEST_TAGS = {TEST_ONLY, "raises-exception"}
SOLUTION = re.compile(r"<details><summary>(?:Show a solution|查看参考答案)</summary>.*?</details>\n*", re.S)


def is_notes(cell) -> bool:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"


def learner_notebook(nb):
    """Return the learners' version of an instructor's notebook (a new object; ``nb`` is left alone)."""
    nb = nbformat.reads(json.dumps(nb), as_version=4)  # a copy, with each cell's source as one string
    answers = set()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and any(p in cell.source for p in PROMPTS):
            answer = next((j for j in range(i + 1, len(nb.cells)) if nb.cells[j].cell_type == "code"), None)
            if answer is not None:
                answers.add(answer)
    kept = []
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if is_notes(cell) or TEST_ONLY in tags:
            continue
        rest = [t for t in tags if not t.startswith("nbval") and t not in TEST_TAGS]
        if rest:
            cell.metadata["tags"] = rest
        else:
            cell.metadata.pop("tags", None)
        if i in answers:
            cell.outputs, cell.execution_count = [], None
            cell.metadata.get("jupyter", {}).pop("outputs_hidden", None)
        if cell.cell_type == "markdown":
            cell.source = SOLUTION.sub("", cell.source).strip("\n")
            if not cell.source:
                continue
        kept.append(cell)
    nb.cells = kept
    return nb


def write(out: Path, notebooks: list[Path] | None = None, by_edition: bool = True,
          replace: bool = True) -> list[Path]:
    """Write the learners' copy of ``notebooks`` (default: every edition's) into out/<edition>/, or into out.

    With ``replace=False`` a notebook already there is kept as it is: it may hold a learner's work."""
    written = []
    for path in notebooks or editions.notebooks():
        target = (out / editions.edition_of(path) if by_edition else out) / path.name
        if target.exists() and not replace:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(learner_notebook(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written


def main(argv: list[str]) -> None:
    replace = "--replace" in argv
    argv = [a for a in argv if a != "--replace"]
    out = Path(argv[0]) if argv else REPO / "learner"
    written = write(out, replace=replace)
    kept = len(editions.notebooks()) - len(written)
    print(f"wrote {len(written)} notebooks to {out}/ (no speaker notes, checks, saved answers or solutions)"
          + (f"; kept the {kept} already there, which may hold a learner's work (--replace writes them afresh)"
             if kept else ""))


if __name__ == "__main__":
    main(sys.argv[1:])
