import pytest
import torch

from helpers import NeuralNetwork, count_parameters


def test_lesson_parameter_count_layer_by_layer():
    model = NeuralNetwork()
    assert count_parameters(model) == 669_706
    sizes = [p.numel() for p in model.parameters()]
    assert sizes == [784 * 512, 512, 512 * 512, 512, 512 * 10, 10]


def test_returns_one_logit_per_class():
    out = NeuralNetwork()(torch.rand(3, 1, 28, 28))
    assert out.shape == (3, 10) and out.dtype == torch.float32


def test_input_size_is_a_parameter():
    model = NeuralNetwork(input_size=3 * 32 * 32, num_classes=10)
    assert model(torch.rand(2, 3, 32, 32)).shape == (2, 10)


def test_wrong_image_shape_says_what_was_expected():
    with pytest.raises(ValueError, match=r"\[batch, 1, 28, 28\].*784 values per image.*\[2, 3, 32, 32\].*input_size"):
        NeuralNetwork()(torch.rand(2, 3, 32, 32))


@pytest.mark.parametrize("shape", [(784,), (28, 28)])
def test_one_image_without_a_batch_dimension_gets_the_fix_not_an_index_error(shape):
    with pytest.raises(ValueError, match=r"got shape \[.*\].*x.unsqueeze\(0\)"):
        NeuralNetwork()(torch.rand(*shape))
