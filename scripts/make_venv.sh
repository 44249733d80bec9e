#!/usr/bin/env bash
# Make the virtual environment (default .venv) with a Python 3.10 or newer, or make a half-made one again.
#   bash scripts/make_venv.sh [FOLDER]        PYTHON=... picks the interpreter (see find_python.sh)
set -uo pipefail
venv=${1:-.venv}
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
  exit 0
fi
if [ -e "$venv" ]; then
  echo "$venv is half-made (its Python has no working pip: often a venv made before python3-venv was installed)."
  echo "Making it again."
  rm -rf "$venv"
fi
py=$(bash "$here/find_python.sh") || exit 1
log=$(mktemp)
if ! "$py" -m venv "$venv" >"$log" 2>&1 || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
  cat "$log" >&2
  rm -rf "$venv" "$log"
  echo "Could not make a virtual environment in $venv with $py." >&2
  minor=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo 3)
  echo "On Debian or Ubuntu this means the venv module is missing: sudo apt install python$minor-venv" >&2
  echo "(or python3-venv), then run make again. Elsewhere: reinstall Python from python.org or Homebrew." >&2
  exit 1
fi
rm -f "$log"
echo "Made $venv with $("$venv/bin/python" --version) ($py)."
