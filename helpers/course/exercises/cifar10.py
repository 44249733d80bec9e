"""The checks of notebook 14_cifar10."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..i18n import tr
from .checking import Outcome, answer_of, exercise, report


@exercise("flat_features")
def check_flat_features(flat_features: Callable[[int, int, int], int]) -> Outcome:
    """Check the number of values a stack of conv (padding 1) + 2x2 max-pool blocks hands to the first linear layer."""
    for side, channels, blocks in ((32, 64, 2), (28, 16, 1), (32, 8, 3), (64, 32, 4)):
        layers, width = [], 3
        for b in range(blocks):
            out = channels if b == blocks - 1 else 8
            layers += [nn.Conv2d(width, out, 3, padding=1), nn.MaxPool2d(2)]
            width = out
        want = nn.Sequential(*layers, nn.Flatten())(torch.zeros(1, 3, side, side)).shape[1]
        got = answer_of(flat_features, side, channels, blocks, call=f"flat_features({side}, {channels}, {blocks})")
        if got != want:
            return report(False, "", tr("flat_features({side}, {channels}, {blocks}) gives {got}; a real stack hands "
                                        "on {want}. Padding 1 keeps the side, each pool halves it: "
                                        "channels * (side // 2**blocks)**2.",
                                        side=side, channels=channels, blocks=blocks, got=got, want=want))
    return report(True, tr("it matches what a real stack of layers hands to the linear layer, for four shapes."), "")


@exercise("conv_params")
def check_conv_params(conv_params: Callable[[int, int, int], int]) -> Outcome:
    """Check a count of a Conv2d's parameters (weights and biases) against PyTorch's."""
    for cin, cout, k in ((3, 32, 3), (32, 64, 3), (1, 6, 5), (64, 128, 1)):
        want = sum(p.numel() for p in nn.Conv2d(cin, cout, k).parameters())
        got = answer_of(conv_params, cin, cout, k, call=f"conv_params({cin}, {cout}, {k})")
        if got != want:
            return report(False, "", tr("nn.Conv2d({cin}, {cout}, {k}) has {want:,} parameters, you give {got}. Each "
                                        "output channel has one k x k filter per input channel, plus one bias.",
                                        cin=cin, cout=cout, k=k, want=want, got=got))
    return report(True, tr("each output channel: in_channels x k x k weights and one bias."), "")
