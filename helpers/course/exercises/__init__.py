"""Self-checks for the notebooks' exercises: each says whether an answer works and, if not, gives a hint.

One module per notebook (``optimizer`` holds 04_optimizer's checks); ``checking`` holds what they share.
A notebook imports its checks from here: ``from helpers.course.exercises import check_sgd_step``.
"""

from .capstone import CAPSTONE_CHECKS, CAPSTONE_LR, check_capstone  # noqa: F401
from .checking import NotAttempted, Outcome, Verdict, exercise, verdicts  # noqa: F401
from .cifar10 import check_conv_params, check_flat_features  # noqa: F401
from .clipping_accumulation import check_accumulated_step, check_clip_grad_norm  # noqa: F401
from .craft import check_early_stopping, check_snapshot  # noqa: F401
from .data import check_batch_count, check_mean_pixel  # noqa: F401
from .distributed import check_scaled_lr, check_shard  # noqa: F401
from .full_loop import check_fair_loss, check_train_step  # noqa: F401
from .loss import check_accuracy, check_cross_entropy  # noqa: F401
from .lr_finder import check_range_rates, check_smoothing  # noqa: F401
from .mistakes import check_count_correct, check_epoch_mean  # noqa: F401
from .model import check_parameter_guess, check_predict  # noqa: F401
from .optimizer import check_momentum_step, check_sgd_step  # noqa: F401
from .optimizers import ADAM_EPS, check_adam, check_adamw  # noqa: F401
from .playground import check_fast_run, check_learning_rate_limit  # noqa: F401
from .plotting import check_best_epoch, check_diagnosis, mystery_runs  # noqa: F401
from .schedules import check_cosine, check_step_schedule  # noqa: F401
from .sweeps import check_log_uniform, check_rungs  # noqa: F401
