"""What every exercise check shares: the decorator that handles "not attempted yet", prints the verdict and
records it, and the small helpers the checks build their hints with."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import NamedTuple

import torch
from torch import nn

from ..i18n import N_, tr


class Verdict:
    """True when the answer works; shows nothing in a notebook, since the check already printed why."""

    def __init__(self, ok: bool):
        self.ok = ok

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"Verdict({self.ok})"

    def _ipython_display_(self) -> None:
        pass


class Outcome(NamedTuple):
    """What a check found: whether the answer works, the praise if it does, the hint if not."""

    ok: bool
    praise: str
    hint: str


class NotAttempted(Exception):
    """Raised inside a check while there is nothing to grade yet; the message says what to do first."""


# Every verdict a check gives in this kernel, in order, as (check's name, "passes" | "not yet" | "not attempted"):
# ``python -m helpers progress`` re-runs a notebook's cells and reads them from here.
_verdicts: list[tuple[str, str]] = []


def verdicts() -> list[tuple[str, str]]:
    """The checks run so far in this kernel and what each said, oldest first."""
    return list(_verdicts)


def _empty_function():
    ...


def _unwritten(answer) -> bool:
    """True for the notebook's placeholder: None, ..., or a function whose body is still only ``...``."""
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, dict):  # several answers in one dict: all must be written
        return any(_unwritten(a) for a in answer.values())
    if callable(answer):
        answer = inspect.unwrap(answer)  # a stub under @torch.no_grad() is still a stub
    code = getattr(answer, "__code__", None)
    return code is not None and code.co_code == _empty_function.__code__.co_code


def exercise(*answers: str, todo: str = N_("write the function above")):
    """Make a function that returns an ``Outcome`` into an exercise check.

    ``answers`` names the parameters that hold the learner's answers. While one is still the notebook's
    placeholder, or the check raises ``NotAttempted``, the check says so and gives no hint: the hint waits
    for an attempt. Otherwise it prints the praise or the hint (the hint of ``answer_of`` when the learner's
    code raised), records the verdict for ``progress`` under the check's own name, and returns a ``Verdict``.
    """
    def decorate(check: Callable[..., Outcome]) -> Callable[..., Verdict]:
        signature = inspect.signature(check)

        @functools.wraps(check)
        def run(*args, **kwargs) -> Verdict:
            bound = signature.bind(*args, **kwargs)
            try:
                if any(_unwritten(bound.arguments.get(name)) for name in answers):
                    raise NotAttempted(todo)
                ok, praise, hint = check(*args, **kwargs)
            except NotAttempted as waiting:
                print(tr("Not attempted yet: {todo}, then run this cell again.", todo=tr(str(waiting))))
                _verdicts.append((check.__name__, "not attempted"))
                return Verdict(False)
            except AnswerFailed as failed:  # the learner's code raised: the hint names the call and the error
                ok, praise, hint = False, "", str(failed)
            print((tr("Correct! ") + praise) if ok else (tr("Not yet. Hint: ") + hint))
            _verdicts.append((check.__name__, "passes" if ok else "not yet"))
            return Verdict(ok)

        return run

    return decorate


def report(ok: bool, praise: str, hint: str) -> Outcome:
    return Outcome(bool(ok), praise, hint)


class AnswerFailed(Exception):
    """The learner's code raised; the message is the hint, naming the call and the error."""


def answer_of(fn: Callable, *args, call: str):
    """Run the learner's ``fn(*args)`` once and return what it gives; if it raises, the check ends there with
    a hint naming ``call`` (how the notebook would write it) and the error."""
    try:
        return fn(*args)
    except Exception as exc:  # the learner's code: any error becomes a hint
        raise AnswerFailed(tr("{call} failed with {failed}.", call=call, failed=describe_failure(exc))) from exc


def describe_failure(exc: Exception) -> str:
    """How a learner's code failed, for a hint: the exception's type and message."""
    return f"{type(exc).__name__}: {exc}"


def int_list(values):
    """A learner's list (of ints, tensors or numpy ints) as plain ints to compare; unchanged if it is not one."""
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        return values


def tiny_problem(seed: int = 0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3))
    X, y = torch.randn(16, 5), torch.randint(0, 3, (16,))
    return model, X, y



def same_parameters(mine: nn.Module, ref: nn.Module, atol: float = 1e-6) -> bool:
    """Whether the learner's model and the torch.optim-stepped copy hold the same parameters, to float rounding."""
    return all(torch.allclose(a, b, atol=atol) for a, b in zip(mine.parameters(), ref.parameters()))
