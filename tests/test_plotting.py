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


def seeded(label, accs):
    h = History(label=label)
    for i, a in enumerate(accs):
        h.epoch.append(i + 1)
        h.val_loss.append(1.0 - a)
        h.val_acc.append(a)
    return h


def test_plot_seeds_draws_the_mean_and_a_band_from_the_lowest_seed_to_the_highest():
    import matplotlib.pyplot as plt

    from helpers import plot_seeds

    groups = {
        "lr 0.1": [seeded("s0", [0.6, 0.7, 0.8]), seeded("s1", [0.5, 0.7, 0.9]), seeded("s2", [0.7, 0.7, 0.7])],
        "lr 1": [seeded("s0", [0.2]), seeded("s1", []), seeded("s2", [0.1, 0.3])],   # s1 diverged at once
        "lr 3": [seeded("s0", []), seeded("s1", [])],
    }
    fig = plot_seeds(groups)
    loss_ax, acc_ax = fig.axes
    assert "Validation" in acc_ax.get_title()
    mean = acc_ax.get_lines()[0]
    assert list(mean.get_xdata()) == [1, 2, 3]
    assert [round(v, 6) for v in mean.get_ydata()] == [60.0, 70.0, 80.0]
    band = acc_ax.collections[0].get_paths()[0].vertices[:, 1]
    assert round(band.min(), 6) == 50.0 and round(band.max(), 6) == 90.0
    second = acc_ax.get_lines()[1]   # lr 1: epoch 1 from two seeds, epoch 2 from the one that got there
    assert list(second.get_xdata()) == [1, 2] and [round(v, 6) for v in second.get_ydata()] == [15.0, 30.0]
    labels = [t.get_text() for t in loss_ax.get_legend().get_texts()]
    assert labels == ["lr 0.1 (mean of 3 seeds)", "lr 1 (mean of 2 of 3 seeds)", "lr 3: every seed diverged"]
    plt.close(fig)
