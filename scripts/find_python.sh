#!/usr/bin/env bash
# Print the command of a Python the series can use (3.10 or newer), or say how to get one and fail.
# PYTHON=... picks one; otherwise the first of python3.11 (the tested one), 3.12, 3.10, 3.13, python3, python on PATH.
set -u
version_of() {  # "3 11" for a working interpreter, nothing for a missing or broken one
  "$1" -c 'import sys; print(*sys.version_info[:2])' 2>/dev/null
}
ok() { local v; v=$(version_of "$1") || return 1; [ -n "$v" ] || return 1; set -- $v; [ "$1" -gt 3 ] || { [ "$1" -eq 3 ] && [ "$2" -ge 10 ]; }; }

if [ -n "${PYTHON:-}" ]; then candidates=("$PYTHON"); else
  candidates=(python3.11 python3.12 python3.10 python3.13 python3 python)  # the tested one first
fi
seen=""
for py in "${candidates[@]}"; do
  command -v "$py" >/dev/null 2>&1 || continue
  if ok "$py"; then command -v "$py"; exit 0; fi
  v=$("$py" --version 2>&1); v=${v%%$'\n'*}
  seen="$seen  $(command -v "$py"): ${v:-does not run}"$'\n'
done

{
  echo "No Python 3.10 or newer found; the series needs one (3.11 is what it is tested with)."
  [ -n "$seen" ] && printf 'Found:\n%s' "$seen"
  case "$(uname -s 2>/dev/null)" in
    Darwin) echo "Install 3.11 on macOS: brew install python@3.11 (Homebrew), or the macOS installer from python.org." ;;
    Linux)  echo "Install 3.11 on Linux: sudo apt install python3.11 python3.11-venv (Debian 12, Ubuntu 22.04;"
            echo "  Ubuntu 20.04: the deadsnakes PPA), sudo dnf install python3.11 (Fedora), or conda (SETUP.md)." ;;
    *)      echo "Install 3.11 on Windows: winget install Python.Python.3.11, or the installer from python.org." ;;
  esac
  echo "Then run make again, or name it: make lab PYTHON=/path/to/python3.11"
} >&2
exit 1
