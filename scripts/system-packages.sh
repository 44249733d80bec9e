#!/usr/bin/env bash
# Install the Debian packages a part of the series needs, when they are missing and apt can do it.
#   dataset  FashionMNIST's four files (dataset-fashion-mnist)
#   browser  Chromium, for the browser test (chromium)
#   fonts    a font with Chinese characters, for the zh-CN edition's plots (fonts-noto-cjk)
#   npm      npm, which fetches reveal.js and MathJax once for the workshop slides (npm)
set -euo pipefail
what=${1:?usage: system-packages.sh dataset|browser|fonts|npm}
case "$what" in
  dataset)
    [ -d /usr/share/datasets/fashion-mnist ] && exit 0
    [ -f data/FashionMNIST/raw/t10k-labels-idx1-ubyte ] && exit 0
    pkg=dataset-fashion-mnist ;;
  browser)
    command -v chromium >/dev/null 2>&1 && exit 0
    pkg=chromium ;;
  fonts)
    case "$(uname -s 2>/dev/null)" in Darwin|MINGW*|MSYS*|CYGWIN*) exit 0 ;; esac  # PingFang SC, Microsoft YaHei ship
    if ! command -v fc-list >/dev/null 2>&1; then
      echo "Note: fc-list (fontconfig) is not installed, so the fonts were not checked here; the zh-CN edition"
      echo "      says at run time if its plots lack a font with Chinese characters, and names the fix."
      exit 0
    fi
    fc-list 2>/dev/null | grep -qi "CJK\|Han Sans\|WenQuanYi" && exit 0
    pkg=fonts-noto-cjk ;;
  npm)
    command -v npm >/dev/null 2>&1 && exit 0
    pkg=npm ;;
  *) echo "unknown part: $what (dataset, browser, fonts or npm)" >&2; exit 2 ;;
esac

if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo="sudo -n"; }
  if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
    echo "Installing Debian's $pkg ..."
    export DEBIAN_FRONTEND=noninteractive
    if $sudo apt-get update -qq && $sudo apt-get install -y -qq "$pkg" >/dev/null; then
      exit 0
    fi
    echo "Note: apt could not install $pkg (see above); going on without it."
  fi
fi
if [ "$what" = dataset ]; then
  echo "Note: $pkg not installed (no apt, or no root); the data will be downloaded by torchvision instead."
elif [ "$what" = npm ]; then
  echo "Note: npm is not installed, so the slides cannot fetch reveal.js (python scripts/slides.py build --online"
  echo "      makes decks that load it from the internet). On Debian/Ubuntu: sudo apt-get install npm."
elif [ "$what" = fonts ]; then
  echo "Note: no font with Chinese characters installed; the zh-CN edition's plots show boxes for them."
  echo "      On Debian/Ubuntu: sudo apt-get install fonts-noto-cjk (macOS and Windows have one already)."
else
  echo "Note: Chromium is not installed, so the browser test cannot run here."
  echo "      On Debian/Ubuntu: sudo apt-get install chromium. Under CI=true the browser test then fails."
fi
