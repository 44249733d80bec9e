"""How fast the training panel is, measured side by side with bare training in one Jupyter kernel.

(a) bare: ``train_run`` for 5 epochs with no callback, no drawing, in the kernel's main thread;
(b) panel: the Train button's path: the same run in the panel's background thread while the
    kernel stays free for clicks, redrawing the curves and the progress bar as it goes.

It prints both times, their ratio, and how long after pressing Train the first point appears.
Rounds alternate (a) and (b). A shared virtual machine can run a third slower for a minute, so
b/a is the median over rounds of each round's ratio: (a) and (b) of one round run minutes apart
at most, under the same load.

    python benchmarks/playground_speed.py [--rounds 7] [--epochs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

REPO = Path(__file__).resolve().parents[1]

SETUP = """
import time
from helpers import load_fashion_mnist, split_train_val
from helpers.panel import RunSettings, TrainingPanel, train_run
data = load_fashion_mnist({root!r})
train, val = split_train_val(data.train)
train_run(RunSettings(epochs=1), train, val)  # warm up
"""

BARE = """
start = time.perf_counter()
h = train_run(RunSettings(lr=0.1, epochs={epochs}), train, val)
print(time.perf_counter() - start, h.val_acc[-1])
"""

PANEL_START = """
panel = TrainingPanel(train, val)
panel.epochs.value = {epochs}
drawn = []
panel.plot.observe(lambda change: drawn.append(time.perf_counter()), names="value")
time.sleep(0.6)  # as a person would: the panel is on screen before the click
pressed = time.perf_counter()
panel.train_button.click()
"""

PANEL_RESULT = """
print(panel.runs[0].seconds, drawn[0] - pressed, panel.runs[0].history.val_acc[-1], len(drawn))
"""


def run(kc, code: str, timeout: float = 600) -> str:
    out = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise RuntimeError(msg["content"]["ename"] + ": " + msg["content"]["evalue"])

    kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    return "".join(out).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(REPO))
    try:
        run(kc, SETUP.format(root=str(REPO / "data")))
        bare, panel, first = [], [], []
        for r in range(args.rounds):
            seconds, acc = run(kc, BARE.format(epochs=args.epochs)).split()
            bare.append(float(seconds))
            run(kc, PANEL_START.format(epochs=args.epochs))
            while run(kc, "print(panel.running)") == "True":  # each check is a short cell; training goes on
                time.sleep(0.5)
            seconds, to_first, panel_acc, draws = run(kc, PANEL_RESULT).split()
            panel.append(float(seconds))
            first.append(float(to_first))
            print(f"round {r + 1}: bare {bare[-1]:.1f} s (val acc {float(acc):.3f}), panel {panel[-1]:.1f} s "
                  f"(val acc {float(panel_acc):.3f}, {draws} redraws), b/a {panel[-1] / bare[-1]:.2f}, "
                  f"first point after {first[-1]:.2f} s",
                  flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    b, p = statistics.median(bare), statistics.median(panel)
    ratio = statistics.median(p_ / b_ for b_, p_ in zip(bare, panel))
    print(f"\n{args.epochs} epochs on the full training set, median of {args.rounds} rounds:")
    print(f"  (a) bare train_run:                 {b:6.1f} s")
    print(f"  (b) panel, live curves and buttons: {p:6.1f} s")
    print(f"  b/a = {ratio:.2f}  (median of the rounds' ratios: the cost of live curves and of staying responsive)")
    print(f"  first point on the curves at most {max(first):.2f} s after pressing Train "
          f"({max(first) / (b / args.epochs):.2f} of an epoch)")


if __name__ == "__main__":
    main()
