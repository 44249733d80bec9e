"""The lesson's multilayer perceptron."""

from __future__ import annotations

import torch
from torch import nn


class NeuralNetwork(nn.Module):
    """Flatten, then 784-512-ReLU-512-ReLU-10: one score (logit) per class."""

    def __init__(self, input_size: int = 28 * 28, num_classes: int = 10, hidden: int = 512):
        super().__init__()
        self.input_size = input_size
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(input_size, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.flatten(x)  # [batch, 1, 28, 28] -> [batch, 784]
        if x.dim() != 2 or x.shape[1] != self.input_size:
            raise ValueError(
                f"NeuralNetwork expected a batch of images with {self.input_size:,} values each "
                f"(FashionMNIST: [batch, 1, 28, 28]) but got shape {list(x.shape) if x.dim() != 2 else '[...]'} "
                f"with {x.shape[-1] if x.dim() else 0:,} values per image. Feed it images of the expected shape, "
                f"or build NeuralNetwork(input_size=...) with the product of your image's shape."
            )
        return self.linear_relu_stack(x)  # [batch, num_classes] logits


def count_parameters(model: nn.Module) -> int:
    """Return how many numbers the optimizer can change in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
