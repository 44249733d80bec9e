"""The language helpers speak: English by default, Simplified Chinese after ``set_language("zh-CN")``.

Every message, label and title that a learner reads passes through ``tr`` (or ``trn``, where a count is
printed): the English text is the msgid of a gettext catalog, its ``{name}`` fields are filled from keyword
arguments, and the chosen language's compiled catalog gives the translation (or the English, where it has
none). ``scripts/catalog.py`` checks, updates and compiles the catalogs. Plots in Chinese need a font with
CJK glyphs; ``set_language`` picks one that is installed.
"""

from __future__ import annotations

import functools
import gettext
import os
import warnings
from pathlib import Path

LANGUAGES = ("en", "zh-CN")
LOCALE = Path(__file__).with_name("locale")  # gettext catalogs: zh_CN/LC_MESSAGES/helpers.po, compiled to .mo
# set_language writes the choice here too, for a script a notebook starts to read (15's train_ddp.py under torchrun).
ENV_VAR = "HELPERS_LANGUAGE"
_current = "en"

# Fonts with Simplified Chinese glyphs, by the name matplotlib knows them: Debian/Ubuntu's fonts-noto-cjk,
# Adobe's Source Han, macOS's PingFang and Heiti, Windows' Microsoft YaHei and SimHei, WenQuanYi.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "PingFang SC", "Heiti SC", "STHeiti", "Microsoft YaHei", "SimHei", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Arial Unicode MS")


def language() -> str:
    """Return the language helpers speaks now: "en" or "zh-CN"."""
    return _current


def set_language(code: str) -> None:
    """Make helpers print and draw in ``code``: "en" (the default) or "zh-CN"."""
    global _current
    if code not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(map(repr, LANGUAGES))}, got {code!r}.")
    _current = os.environ[ENV_VAR] = code
    if code == "zh-CN":
        use_cjk_font()


def N_(text: str) -> str:
    """Mark ``text`` as a message to translate where it is shown, not here (a status, a column, a rule)."""
    return text


@functools.lru_cache(maxsize=None)  # noqa: UP033  (Python 3.8 lacks functools.cache; the set-up check runs there)
def _translation() -> gettext.NullTranslations:
    """The compiled Simplified Chinese catalog (locale/zh_CN/LC_MESSAGES/helpers.mo), read once."""
    return gettext.translation("helpers", localedir=LOCALE, languages=["zh_CN"])


def translated(text: str, code: str) -> str:
    """Return the message ``text`` as language ``code`` shows it, whatever language helpers speaks now."""
    return _translation().gettext(text) if code == "zh-CN" else text


def tr(text: str, /, **values) -> str:
    """Return ``text`` in the current language, with its ``{name}`` fields filled from ``values``."""
    template = translated(text, _current)
    return template.format(**values) if values else template


def trn(singular: str, plural: str, count: int, /, **values) -> str:
    """Like ``tr``, for a message about ``count`` things: the singular or plural form the language asks for."""
    if _current == "zh-CN":
        template = _translation().ngettext(singular, plural, count)
    else:
        template = singular if count == 1 else plural
    return template.format(**values) if values else template


def cjk_font() -> str | None:
    """Return the first installed font from ``CJK_FONTS``, or None.

    matplotlib lists the fonts it found when its cache was built; a font installed since (say, by
    ``make lab``) is looked for on disk and added.
    """
    from matplotlib import font_manager

    def known():
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in installed), None)

    if known() is None:
        for path in font_manager.findSystemFonts():
            if any(part in path.lower() for part in ("cjk", "sourcehan", "wqy", "wenquanyi", "pingfang", "msyh",
                                                     "simhei")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # a file matplotlib cannot read: try the next
                    continue
    return known()


def use_cjk_font() -> str | None:
    """Put an installed CJK font first in matplotlib's sans-serif list; warn, naming the fix, if there is none.

    Without matplotlib it does nothing: the set-up check speaks Chinese before the packages are installed."""
    try:
        import matplotlib
    except ImportError:
        return None
    name = cjk_font()
    if name is None:
        warnings.warn(tr("No font with Chinese characters was found, so Chinese text in plots shows as boxes. "
                         "On Debian or Ubuntu: sudo apt-get install fonts-noto-cjk, then restart the kernel. "
                         "macOS and Windows have one already (PingFang SC, Microsoft YaHei)."), stacklevel=2)
        return None
    families = [f for f in matplotlib.rcParams["font.sans-serif"] if f != name]
    matplotlib.rcParams["font.sans-serif"] = [name, *families]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False  # CJK fonts often lack the Unicode minus sign
    return name
