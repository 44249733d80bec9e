import torch

from helpers import plot_history, plot_images
from helpers.training import History


def make(label, n=3, partial=False):
    h = History(label=label)
    for i in range(n):
        h.epoch.append(i + 1)
        h.train_loss.append(1.0 / (i + 1))
        h.test_loss.append(1.1 / (i + 1))
        h.train_acc.append(0.5 + 0.1 * i)
        h.test_acc.append(0.45 + 0.1 * i)
    if partial:
        h.partial.extend([(n + 0.5, 0.2, 0.8)])
    return h


def test_one_history_gives_loss_and_accuracy_side_by_side():
    fig = plot_history(make("a"))
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_xlabel() == "Epoch" and "loss" in loss_ax.get_ylabel().lower()
    assert "%" in acc_ax.get_ylabel()
    assert [line.get_label() for line in loss_ax.get_lines()] == ["a: train", "a: test"]
    assert list(acc_ax.get_lines()[0].get_ydata()) == [50.0, 60.0, 70.0]  # shown in percent
    assert acc_ax.get_ylim()[1] <= 100


def test_several_histories_are_overlaid_with_their_labels():
    fig = plot_history([make("SGD"), make("Adam", 2)])
    (legend,) = fig.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["SGD", "Adam", "train", "test"]
    colors = {line.get_color() for line in fig.axes[0].get_lines()}
    assert len(colors) == 2


def test_dict_histories_and_redrawing_on_the_same_figure():
    fig = plot_history(make("a").as_dict())
    same = plot_history([make("a"), make("b")], fig=fig, fade_all_but_last=True)
    assert same is fig and len(fig.axes) == 2 and len(fig.legends) == 1
    alphas = [line.get_alpha() for line in fig.axes[0].get_lines()]
    assert alphas[2:] == [1.0, 1.0] and alphas[0] == alphas[1] and 0.5 <= alphas[0] < 1  # lighter, still readable


def test_an_epoch_in_progress_is_drawn_dotted():
    fig = plot_history(make("a", partial=True))
    dotted = [line for line in fig.axes[0].get_lines() if line.get_linestyle() == ":"]
    assert len(dotted) == 1 and list(dotted[0].get_xdata()) == [3, 3.5]


def test_image_grid_titles_name_classes_and_mark_wrong_guesses():
    images = torch.rand(4, 1, 28, 28)
    fig = plot_images(images, [0, 1, 2, 3], ["a", "b", "c", "d"], predictions=[0, 1, 3, 3], ncols=2)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["a", "b", "d\n(is c)", "d"]
