"""The checks of notebook 01_data."""

from __future__ import annotations

import math

from ..i18n import tr
from .checking import Outcome, exercise, report


@exercise("n_batches", "last_batch_size", todo="replace the None (or ...) above with your answer")
def check_batch_count(n_batches: int, last_batch_size: int, dataset_size: int = 60_000, batch_size: int = 256) -> Outcome:
    """Check the number of batches in an epoch and the size of the last one."""
    full, rest = divmod(dataset_size, batch_size)
    want = (full + (rest > 0), rest or batch_size)
    return report(
        (n_batches, last_batch_size) == want,
        tr("{dataset_size:,} images in batches of {batch_size} make {n_batches} batches, the last holding {last}.",
           dataset_size=dataset_size, batch_size=batch_size, n_batches=want[0], last=want[1]),
        tr("divide the dataset size by the batch size; the remainder, if any, makes one more, smaller batch."),
    )


@exercise("value", todo="replace the None (or ...) above with your answer")
def check_mean_pixel(value: float, dataset) -> Outcome:
    """Check the mean pixel value of a whole dataset."""
    want = float(dataset.images.double().mean()) if hasattr(dataset, "images") else None
    if want is None:
        total, count = 0.0, 0
        for x, _ in dataset:
            total, count = total + float(x.sum()), count + x.numel()
        want = total / count
    return report(
        math.isclose(float(value), want, abs_tol=1e-6),
        tr("the mean is {want:.4f}: most of a FashionMNIST image is black background.", want=want),
        tr("add up every batch's pixel sum and count, then divide once at the end: "
           "a mean of batch means is off when the last batch is smaller."),
    )
