"""The lesson's multilayer perceptron."""

from __future__ import annotations

import torch
from torch import nn

from .course.i18n import tr


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
        if x.dim() < 2 or x[0].numel() != self.input_size:  # + a clear message instead of an error deep inside
            raise ValueError(self._shape_message(x))
        x = self.flatten(x)  # [batch, 1, 28, 28] -> [batch, 784]
        return self.linear_relu_stack(x)  # [batch, num_classes] logits

    def _shape_message(self, x: torch.Tensor) -> str:
        said = tr("NeuralNetwork expects a batch of images, shape [batch, 1, 28, 28] for FashionMNIST "
                  "({size:,} values per image), but got shape {shape}. ", size=self.input_size, shape=list(x.shape))
        if x.numel() == self.input_size:
            return said + tr("One image needs a batch dimension in front: model(x.unsqueeze(0)).")
        return said + tr("Feed it images of the expected shape, or build NeuralNetwork(input_size=...) with the "
                         "number of values in one of your images.")


def count_parameters(model: nn.Module) -> int:
    """Return how many numbers the optimizer can change in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class SmallCNN(nn.Module):
    """Two convolution blocks, then two linear layers: for colour images such as CIFAR-10's [3, 32, 32].

    Each block is a 3x3 convolution (padding 1 keeps the side), ReLU, and a 2x2 max-pool that halves the
    side: 32 -> 16 -> 8, so the first linear layer sees 64 channels of 8x8. ``widths`` sets the number of
    filters in the two blocks; ``batch_norm`` puts a ``BatchNorm2d`` after each convolution.
    """

    def __init__(self, channels: int = 3, side: int = 32, num_classes: int = 10, widths: tuple[int, int] = (32, 64),
                 batch_norm: bool = False):
        super().__init__()
        first, second = widths

        def block(c_in: int, c_out: int) -> list[nn.Module]:
            norm = [nn.BatchNorm2d(c_out)] if batch_norm else []
            return [nn.Conv2d(c_in, c_out, kernel_size=3, padding=1), *norm, nn.ReLU(), nn.MaxPool2d(2)]

        self.features = nn.Sequential(*block(channels, first), *block(first, second))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(second * (side // 4) ** 2, 128), nn.ReLU(), nn.Linear(128, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))  # [batch, num_classes] logits
