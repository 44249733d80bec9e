"""What the playground needs from the notebook's kernel, kept out of panel.py: an interrupt (the stop button of
the notebook, or Ctrl-C) heard while a run trains in a thread, and the cores left to that thread."""

from __future__ import annotations

import ctypes
import signal

# A kernel interrupt while a notebook's cells are idle: ipykernel ignores SIGINT then, and puts its own
# handler back after every message it handles, so the training thread asks the kernel's event loop to
# (re)install this one while a run is under way; with no run under way it does what was there before.
TRAINING: set = set()  # the panels training now
_previous_handler = signal.SIG_IGN


def _on_interrupt(signum, frame):
    if TRAINING:
        for panel in list(TRAINING):
            panel.interrupted = True
            panel.stop()
    elif callable(_previous_handler):
        _previous_handler(signum, frame)


def listen_for_interrupts() -> None:
    global _previous_handler
    current = signal.getsignal(signal.SIGINT)
    if current is not _on_interrupt:
        _previous_handler = current
        signal.signal(signal.SIGINT, _on_interrupt)


def free_idle_openmp_workers() -> bool:
    """Free the calling thread's idle OpenMP workers, so that the training thread's have the cores.

    With GNU OpenMP (PyTorch's on Linux) each thread that has run parallel code keeps its own workers.
    Once they outnumber the cores, every worker stops spinning between parallel regions and each small
    matrix product pays to wake them: training in a second thread measured about 20% slower. OpenMP 5's
    ``omp_pause_resource_all`` frees the caller's workers (they come back when it next needs them).
    Elsewhere this does nothing. Returns whether it freed them.
    """
    try:
        with open("/proc/self/maps") as maps:
            path = next(line.split()[-1] for line in maps if "/libgomp" in line)
        return ctypes.CDLL(path).omp_pause_resource_all(1) == 0  # 1: omp_pause_soft
    except (OSError, StopIteration, AttributeError):
        return False
