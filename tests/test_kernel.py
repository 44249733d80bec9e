"""The training panel inside a real Jupyter kernel: Train returns at once and the run goes on while
the kernel runs other cells; a kernel interrupt or the Stop button ends it and keeps its history."""

import time

import pytest
from jupyter_client.manager import start_new_kernel

pytestmark = pytest.mark.slow

from conftest import REPO  # noqa: E402  (one definition, in conftest.py)


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(REPO / "notebooks" / "en"))
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def run(kc, code: str, timeout: float = 120) -> str:
    out = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])

    kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    text = "".join(out)
    assert "ERROR" not in text, text
    return text.strip()


def poll(kc, code: str, until, timeout: float = 60) -> str:
    end = time.monotonic() + timeout
    while True:
        value = run(kc, code)
        if until(value) or time.monotonic() > end:
            return value
        time.sleep(0.3)


def test_train_button_leaves_the_kernel_free_and_an_interrupt_stops_the_run(kernel):
    km, kc = kernel
    assert run(kc, """
from helpers import load_fashion_mnist
from helpers.panel import TrainingPanel
train, test, classes = load_fashion_mnist("../../data")
panel = TrainingPanel(train, test)
panel.epochs.value = 30
panel.train_button.click()
print(panel.running, len(panel.runs))
""") == "True 1"
    # the cell has returned, yet the run goes on between cells: the kernel stays free
    progressed = poll(kc, "print(len(panel.runs[0].history.partial) + len(panel.runs[0].history))",
                      lambda v: int(v) > 0)
    assert int(progressed) > 0
    assert run(kc, "print(panel.running)") == "True"
    km.interrupt_kernel()
    # the run ends within a batch: the panel is free again (its last redraw done), and says why it ended
    assert poll(kc, "print(panel.running)", lambda v: v == "False", timeout=20) == "False"
    assert run(kc, "print(panel.runs[0].history.status, panel.train_button.disabled)") == "interrupted False"
    assert "Interrupted" in run(kc, "print(panel.status.value)")
    # the kernel still works normally afterwards, and an interrupt during a cell still interrupts the cell
    assert run(kc, "print(1 + 1)") == "2"


def test_stop_button_heard_while_the_kernel_is_idle(kernel):
    km, kc = kernel
    run(kc, """
panel2 = TrainingPanel(train, test)
panel2.epochs.value = 30
panel2.train_button.click()
""")
    poll(kc, "print(len(panel2.runs[0].history.partial))", lambda v: int(v) > 0)
    run(kc, "panel2.stop_button.click()")
    assert poll(kc, "print(panel2.running)", lambda v: v == "False", timeout=20) == "False"
    assert run(kc, "print(panel2.runs[0].history.status)") == "stopped"
    assert run(kc, "print(len(panel2.runs[0].history) < 30)") == "True"
