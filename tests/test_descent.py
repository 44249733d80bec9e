import matplotlib.pyplot as plt
import pytest

from helpers.descent import descent_explorer, descent_path, describe_descent


def test_descent_path_regimes():
    assert describe_descent(0.01) == "slow"
    assert describe_descent(0.3) == "converges"
    assert describe_descent(0.9) == "oscillates"
    assert describe_descent(1.1) == "diverges"
    path = descent_path(0.9, x0=4.0, steps=3)
    assert path.tolist() == pytest.approx([4.0, -3.2, 2.56, -2.048])


def test_descent_explorer_redraws_on_slider_change():
    box = descent_explorer()
    slider, image = box.children
    first = image.value
    slider.value = 1.05
    assert first[:4] == b"\x89PNG" and image.value != first
    assert plt.get_fignums() == []
