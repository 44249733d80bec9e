"""Time one epoch of scripts/train_ddp.py as one process and as two, side by side, in alternating rounds.

Both runs take steps of 128 images (one process with batches of 128, two with 64 each), so they do
the same arithmetic; only how it is spread over the cores differs. One process may use every core
through its threads; torchrun gives each of two processes one thread. The epoch's seconds are what
the script prints (training only); the wall time adds starting Python, PyTorch and the process group.
The fastest round of each is reported, and the ratio between them.

    python benchmarks/ddp_epoch_time.py [--rounds 3] [--root data]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "train_ddp.py"


def run(processes: int, batch: int, root: str) -> tuple[float, float, str]:
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}",
               str(SCRIPT), "--data", root, "--epochs", "1", "--batch-size", str(batch)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"torchrun failed:\n{done.stderr[-2000:]}")
    epoch = float(re.search(r"epoch 1: .*, ([0-9.]+) s", done.stdout).group(1))
    return epoch, wall, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--root", default=str(REPO / "data"))
    args = parser.parse_args()
    best = {1: (float("inf"), float("inf")), 2: (float("inf"), float("inf"))}
    for round_ in range(1, args.rounds + 1):
        for processes, batch in ((1, 128), (2, 64)):
            epoch, wall, last = run(processes, batch, args.root)
            print(f"round {round_}: {processes} process{'es' if processes > 1 else ''} x batch {batch}: "
                  f"epoch {epoch:.1f} s, wall {wall:.1f} s, {last}", flush=True)
            best[processes] = (min(best[processes][0], epoch), min(best[processes][1], wall))
    (e1, w1), (e2, w2) = best[1], best[2]
    print(f"fastest epoch: one process {e1:.1f} s, two processes {e2:.1f} s; "
          f"two processes run the epoch at {e1 / e2:.2f}x the speed of one ({w1 / w2:.2f}x counting start-up)")


if __name__ == "__main__":
    main()
