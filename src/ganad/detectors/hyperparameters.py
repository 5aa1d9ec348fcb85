"""The hyperparameters that several detector families share, each declared once.

The GAN phase (``gan_base.GAN_HYPERPARAMETERS``), the ALICE detectors
(``alice.common.ALICE_HYPERPARAMETERS``), GANomaly and the deep baselines
(``baselines.deep.BASELINE_HYPERPARAMETERS``) all size a latent code, fully connected or
convolutional networks, and train for some epochs of minibatches; OC-SVM and Deep SVDD both
bound a fraction of outliers with nu. Each family takes the ones it uses with
:func:`~ganad.utils.params.pick`, stating its own default and, where it says more, its own
wording of the meaning. The defaults below are the GAN phase's where it takes the parameter.
The parameters every detector takes are ``ganad.base_detector.BASE_HYPERPARAMETERS``; checkpointing is
``ganad.training.checkpoint.CHECKPOINT_HYPERPARAMETERS``.
"""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from ..nets.prior import PRIORS
from ..training.budget import CRITIC_STEPS_PER_UPDATE, EPOCHS_CONSTRAINT, MIN_UPDATES
from ..utils.params import Hyperparameter, one_of
from ..utils.validation import IMAGE_SHAPE, WIDTHS

POSITIVE_INT = Interval(Integral, 1, None, closed="left")


def epochs_doc(paper, min_updates=None):
    """The meaning of ``n_epochs`` for a method whose ``"auto"`` trains at least ``paper`` epochs and, on a
    small data set, at least ``min_updates`` updates on rows (None: ``MIN_UPDATES``)."""
    if min_updates is None:
        minimum = (f"{MIN_UPDATES:,} updates (a GAN: {CRITIC_STEPS_PER_UPDATE * MIN_UPDATES:,} critic steps, "
                   f"{MIN_UPDATES:,} generator steps of a WGAN")
    else:
        minimum = f"{min_updates:,} updates on rows ({MIN_UPDATES:,} on images"
    return (f'Passes over the training rows. "auto": {paper}, raised on a small data set until the model '
            f"has made {minimum}; ``ganad.training.budget``); an integer is taken as it is.")


def auto_latent_dim(doc):
    """An override of ``latent_dim`` that also takes "auto": a size that depends on the input's kind
    (``resolved_latent_dim``); ``doc`` says which sizes and why."""
    return {"default": "auto", "constraints": [POSITIVE_INT, StrOptions({"auto"})], "type": 'int or "auto"',
            "doc": doc}


def resolved_latent_dim(latent_dim, image_shape, rows, images):
    """``latent_dim`` as it is, or for "auto" ``rows`` on rows and ``images`` with an ``image_shape``."""
    if latent_dim != "auto":
        return latent_dim
    return rows if image_shape is None else images


SHARED_HYPERPARAMETERS = {
    "latent_dim": Hyperparameter(
        2, [POSITIVE_INT], "int",
        "Size of the latent code z: the input of the generator (or decoder), the output of the encoder where "
        "there is one."),
    "hidden": Hyperparameter(
        (128, 128), [WIDTHS], "tuple of int",
        "Hidden layer widths of the fully connected networks (rows; unused with ``image_shape``)."),
    "prior": Hyperparameter(
        "normal", [StrOptions(set(PRIORS))], one_of(PRIORS),
        'Prior of z: N(0, I) ("normal") or U(-1, 1)^d ("uniform").'),
    "output_activation": Hyperparameter(
        None, [StrOptions({"tanh"}), None], '{"tanh"} or None',
        'Activation of the fully connected generator\'s (or decoder\'s) output: "tanh" for data in [-1, 1]; '
        "None leaves it linear."),
    "image_shape": Hyperparameter(
        None, [IMAGE_SHAPE, None], "tuple of int (C, H, W) or None",
        "Rows are flattened images of this shape, square with a side that halves to 4x4 or more (28x28, "
        "32x32, ...): DCGAN-style convolutional networks replace the fully connected ones, pixels are "
        "expected in [-1, 1], and the support rule is off."),
    "conv_width": Hyperparameter(
        64, [POSITIVE_INT], "int",
        "Channels of the convolutional networks' first stride-2 stage (a generator's or decoder's last), "
        "doubled at each further stage (``image_shape`` only)."),
    "dropout": Hyperparameter(
        0.5, [Interval(Real, 0, 1, closed="left")], "float in [0, 1)",
        "Dropout rate of the network's dropout layers, in training only."),
    "n_epochs": Hyperparameter(
        "auto", EPOCHS_CONSTRAINT, 'int or "auto"', epochs_doc("the method's own epoch count")),
    "batch_size": Hyperparameter(
        64, [Interval(Integral, 2, None, closed="left")], "int",
        "Training rows per minibatch (per process when training data-parallel)."),
    "learning_rate": Hyperparameter(
        1e-3, [Interval(Real, 0, None, closed="neither")], "float", "Adam's learning rate."),
    "nu": Hyperparameter(
        0.1, [Interval(Real, 0, 1, closed="right")], "float in (0, 1]",
        "nu, an upper bound on the fraction of training rows left outside the boundary (the nu-property of "
        "Schölkopf et al. 2001)."),
}
