"""A pytest plugin for the notebook runs (make test loads it with -p tests.nbval_skip).

nbval runs every notebook, except 14_cifar10 on a machine without CIFAR-10: no machine that builds the
series can download it. tests/test_cifar10.py runs that notebook's code against a stand-in instead.
"""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NEEDS_CIFAR10 = "14_cifar10.ipynb"


def pytest_collection_modifyitems(config, items):
    from helpers.course.offline import find_cifar10

    if find_cifar10(REPO / "data") is not None:
        return
    skip = pytest.mark.skip(reason="CIFAR-10 is not on this machine (see README); tests/test_cifar10.py runs "
                                   "this notebook against a stand-in")
    for item in items:
        if Path(str(item.fspath)).name.startswith(NEEDS_CIFAR10.removesuffix(".ipynb")):  # and its zh-CN twin
            item.add_marker(skip)
