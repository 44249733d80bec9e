"""The translation catalogs of helpers: gettext PO files, compiled to the MO files Python's gettext reads.

    python scripts/catalog.py check     every message in the code has an entry: none missing, untranslated,
                                        fuzzy, or with fields that differ from the English (exit 1 otherwise)
    python scripts/catalog.py update    add the code's new messages to each PO file, untranslated, and mark
                                        entries whose English left the code as obsolete
    python scripts/catalog.py compile   write each PO file's MO file beside it

A message is the English text itself (the msgid): ``tr("The loss {what} at {where}...", what=...)`` in the
code, ``trn(singular, plural, count, ...)`` where a count is printed. Messages chosen at run time (a status
name, a rule's text) are listed with ``N_("...")`` where they are defined, so that extraction finds them.
Open a PO file with any translator's tool (Poedit, Weblate, Lokalize) or a text editor; run ``update``
after changing the code's messages and ``compile`` after changing a translation.
"""

from __future__ import annotations

import ast
import io
import string
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HELPERS = REPO / "helpers"
LOCALE = HELPERS / "course" / "locale"
DOMAIN = "helpers"
LANGUAGES = {"zh_CN": "Simplified Chinese"}


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


# Scripts a notebook runs whose output the learner reads (15 shows what train_ddp.py prints under torchrun).
SCRIPTS_WITH_MESSAGES = [REPO / "scripts" / "train_ddp.py"]


def extract(root: Path = HELPERS) -> dict[str | tuple[str, str], list[str]]:
    """Every message in helpers' code: msgid (or (singular, plural)) -> where it appears."""
    found: dict = {}
    scripts = SCRIPTS_WITH_MESSAGES if root == HELPERS else []
    for path in sorted(root.rglob("*.py")) + scripts:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = f"{path.relative_to(REPO)}"
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            texts = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            if name in ("tr", "N_", "NotAttempted") and texts[:1] and texts[0] is not None:
                found.setdefault(texts[0], []).append(f"{where}:{node.lineno}")
            elif name == "trn" and len(texts) >= 2 and None not in texts[:2]:
                found.setdefault((texts[0], texts[1]), []).append(f"{where}:{node.lineno}")
            elif name == "exercise":  # the check's "not attempted" line names what to do first
                for keyword in node.keywords:
                    if keyword.arg == "todo" and isinstance(keyword.value, ast.Constant):
                        found.setdefault(keyword.value.value, []).append(f"{where}:{node.lineno}")
    return found


def fields(template: str) -> list[tuple[str, str, str]]:
    return sorted((name, spec, conv or "") for _, name, spec, conv in string.Formatter().parse(template) if name)


def read(language: str):
    from babel.messages.pofile import read_po

    with open(po_path(language), "rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


def write(catalog, language: str) -> None:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    catalog.msgid_bugs_address = "the course's issue tracker"
    catalog.last_translator = "the course's translators"
    catalog.revision_date = catalog.creation_date
    write_po(out, catalog, width=100, sort_output=False, include_previous=True)
    po_path(language).write_bytes(out.getvalue())


def compiled(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def problems(language: str) -> list[str]:
    """What is wrong with a language's catalog against the code and its compiled file, one line each."""
    catalog = read(language)
    said = []
    code = extract()
    entries = {m.id: m for m in catalog if m.id}
    for msgid, places in code.items():
        entry = entries.get(msgid)
        shown = msgid if isinstance(msgid, str) else msgid[0]
        if entry is None:
            said.append(f"missing: {shown!r} ({places[0]})")
            continue
        strings = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
        if not all(strings):
            said.append(f"untranslated: {shown!r}")
        elif entry.fuzzy:
            said.append(f"fuzzy (check the translation, then remove the flag): {shown!r}")
        else:
            english = [msgid] if isinstance(msgid, str) else list(msgid)
            for text in strings:
                if fields(text) != fields(english[0]) and fields(text) != fields(english[-1]):
                    said.append(f"fields differ: {shown!r} has {fields(english[0])}, the translation {fields(text)}")
    for msgid in entries:
        if msgid not in code:
            said.append(f"not in the code any more (run update): {msgid if isinstance(msgid, str) else msgid[0]!r}")
    mo = po_path(language).with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != compiled(catalog):
        said.append(f"{mo.name} is not compiled from the PO file (run compile)")
    return said


def _locations(places: list[str]) -> list[tuple[str, int]]:
    return [(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places]


def update(language: str) -> int:
    catalog = read(language)
    code = extract()
    added = 0
    for msgid, places in code.items():
        if msgid in catalog:
            catalog[msgid].locations = _locations(places)
        else:
            catalog.add(msgid, string="" if isinstance(msgid, str) else ("",), locations=_locations(places))
            added += 1
    for message in list(catalog):
        if message.id and message.id not in code:
            catalog.obsolete[message.id] = message
            catalog.delete(message.id)
    write(catalog, language)
    return added


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "check":
        said = [f"{language}: {line}" for language in LANGUAGES for line in problems(language)]
        print("\n".join(said) or f"the catalogs ({', '.join(LANGUAGES)}) are complete and compiled")
        return 1 if said else 0
    if command == "update":
        for language in LANGUAGES:
            print(f"{language}: {update(language)} new messages to translate in {po_path(language).relative_to(REPO)}")
        return 0
    if command == "compile":
        for language in LANGUAGES:
            po_path(language).with_suffix(".mo").write_bytes(compiled(read(language)))
            print(f"compiled {po_path(language).with_suffix('.mo').relative_to(REPO)}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
