"""Anomaly detection with the WGAN critic (Haloui et al. 2018, §5.1, Fig. 13).

The critic f_w is trained to be high on real data and low on generated data. The paper
defines a confidence interval, "the interval between the minimum and the maximum value of
the output on the training dataset", and flags "every point outside" it, at both ends. The
score applies that two-sided rule at every level (``ganad.scoring.interval_score``): with m
the median of the critic's training outputs and S the longer of ``max - m`` and ``m - min``,
``anomaly_score(x) = |f_w(x) - m| / S`` inside [min, max] and ``1 + (distance beyond it) / S``
outside. Every training row scores in [0, 1], a row outside the interval above 1, growing
with its distance from the interval.

Our choice, issue 13: the paper ranks nothing; it only flags. Two earlier scores were
one-sided: ``-f_w(x)`` ranked rows where the critic extrapolates above its training maximum
as the most normal of all, and ``-f_w(x)`` folded at the maximum still ranked the rows just
below the maximum as normal. On KDDCUP99 (the "normal." traffic as the anomaly class) the
critic rates the anomalies *higher* than most training rows, and the one-sided score gave an
AUROC of 0.12. Chosen on training data only (``benchmarks/defaults_validation.py``: held-out
training rows against the same rows with their features permuted), the two-sided score
raised the validation AUROC on Thyroid from 0.40 to 0.46-0.49 and on KDDCUP99 from 0.07 to
0.85-0.93, and left Arrhythmia and the 2-D sets near their one-sided values (see the README).
Each side was first measured in its own half-range (``(f_w - m) / (max - m)`` above m,
``(m - f_w) / (m - min)`` below); one training row far out on one side then shrank every
score on that side. One scale for both sides raised the mean validation AUROC over 17
validation sets from 0.689 to 0.744 (README, "Deviations").

The critic scores with its own output, so it takes a smaller gradient penalty than the paper's
10 on every tabular input (``gp_weight="auto"``: 0.1 on rows of one or two features, as
WGANEncoder and WGANInversion, 1 on wider rows, 10 on images). Chosen on training data only
(``benchmarks/defaults_validation.py``, held-out training rows against feature-permuted ones,
seed 0, each side of the median then scored in its own half-range), lambda = 10 / 1 / 0.1 gave
Thyroid 0.415 / 0.524 / 0.508, Arrhythmia 0.624 / 0.670 / 0.745, Musk 0.997 / 0.949 / 0.916,
KDDCUP99 0.686 / 0.763 / 0.820, ring 0.483 / 0.814 / 0.792, loop 0.497 / 0.758 / 0.670 and arc 0.486 / 0.456 / 0.589:
means 0.598 / 0.705 / 0.720, so 0.1 on every row input until 2026-12-07. Rechecked then with the
one-scale score on the rows of more than two features, digits given as rows included (four
tables with permuted and dilated rows, ten ``mnist8`` digits against other digits, seeds 0 and
1), with a rule written before the run (adopt 1 or 10 if the mean rises by 0.01, no pair falls
by more than 0.05 and the top recall by at most 0.02): mean validation AUROC 0.749 / 0.759 /
0.767 for lambda = 0.1 / 1 / 10; 10 drops Arrhythmia's permuted rows by 0.083, 1 by at most
0.043 (the same pair), so wider rows take 1 (README, "Defaults").

``contamination="range"`` (the default) thresholds the score at 1 (``offset_ = -1``), which
flags exactly the rows outside the interval; ``outside_training_range(X)`` returns the same
flags from the critic directly. With ``support_rule=True`` (the default) ``predict`` also
flags rows beyond some feature's training range by more than 3 standard deviations, which the
support rule scores above every training row whatever the critic's value. A number for
``contamination`` flags that fraction of the training data instead.
"""

from numbers import Real

from sklearn.utils._param_validation import Interval, StrOptions

from ...scoring.critic_range import interval_score, training_range, with_slack
from ...training.ema import WeightAverage
from ...utils.params import Hyperparameter, declare, override
from ..gan_base import GAN_HYPERPARAMETERS, PAPER_GP_WEIGHT, TOY_GP_WEIGHT, TOY_MAX_FEATURES, GANDetector

CRITIC_ROWS_GP_WEIGHT = 1.0  # gp_weight="auto" on rows of more than TOY_MAX_FEATURES features (module docstring)


@declare({**override(GAN_HYPERPARAMETERS, gp_weight={
    "doc": 'Gradient penalty weight lambda ("wgan-gp"; setting it with another ``gan`` warns). "auto": '
           f"{TOY_GP_WEIGHT} on rows of at most {TOY_MAX_FEATURES} features (Gulrajani et al.'s toy-data value), "
           f"{CRITIC_ROWS_GP_WEIGHT} on wider rows, {PAPER_GP_WEIGHT} (Algorithm 2) on images; see ``gp_weight_`` "
           "and the wgan README."}, contamination={
    "default": "range", "constraints": [Interval(Real, 0, 0.5, closed="right"), StrOptions({"range"})],
    "type": '"range" or float in (0, 0.5]',
    "doc": '"range": the paper\'s rule, ``predict`` flags the rows whose critic output leaves the [min, max] of '
           "the training rows' outputs. A number flags that fraction of the training rows instead, as for every "
           "detector."}), "ema_decay": Hyperparameter(
    0.0, [Interval(Real, 0, 1, closed="left")], "float in [0, 1)",
    "Decay of the exponential moving average of the critic's weights, updated after every critic step "
    "(``training.ema``), that scores; 0 (the default) scores with the last weights. The averages are not "
    "checkpointed: ``resume=True`` with a decay above 0 is refused. Checked on rows, not adopted (wgan "
    "README, \"The critic's weight averages on rows\").")})
class WGANCritic(GANDetector):
    """Scores samples by the trained critic's output within its training range (§5.1).

    Attributes
    ----------
    critic_range_ : tuple of float
        (min, max) of the critic's output on the training rows.
    critic_median_ : float
        The median of the critic's output on the training rows.

    See Also
    --------
    WGANInversion, WGANEncoder : The other two detectors of Haloui et al. (2018).

    Examples
    --------
    >>> from ganad import WGANCritic
    >>> from ganad.data import make_ring
    >>> X = make_ring(200, random_state=0)
    >>> detector = WGANCritic(n_epochs=1, hidden=(16, 16), random_state=0).fit(X)
    >>> detector.score_samples(X).shape
    (200,)
    >>> far = X[:3] + 10.0
    >>> detector.predict(far).tolist()
    [-1, -1, -1]
    >>> detector.outside_training_range(far).tolist()
    [True, True, True]
    """

    fitted_values = ("critic_range_", "critic_median_")
    wide_rows_gp_weight = CRITIC_ROWS_GP_WEIGHT

    def _fit_model(self, X):
        if self.ema_decay > 0 and self.resume:
            raise ValueError("WGANCritic cannot resume with ema_decay > 0: the averages of the critic's weights "
                             "are not in the checkpoint")
        self._build_networks()
        average = WeightAverage(self.critic_, self.ema_decay) if self.ema_decay > 0 else None
        self.history_ = self._train_gan(X, on_step_end=None if average is None else lambda *_: average.update())
        if average is not None:
            average.copy_to_module()
        self._fit_scorer(X)

    def _fit_scorer(self, X):
        values = self._in_chunks(self.critic_, X)
        self.critic_range_ = training_range(values)
        self.critic_median_ = float(values.median())

    def _anomaly_score(self, X):
        return interval_score(self.critic_(X), self.critic_range_, self.critic_median_)

    def _why_not_explained(self):
        return "its score is the critic's output (§5.1), a value of the whole row, not a residual per input feature"

    def _fit_offset(self, train_scores):
        if not self._offset_is_quantile():
            return -1.0 - with_slack(1.0)
        return super()._fit_offset(train_scores)

    def _offset_is_quantile(self):
        return self.contamination != "range"

    def outside_training_range(self, X):
        """The paper's rule (§5.1): True where f_w(x) leaves [min, max] of the training data."""
        values = self.critic_output(X)
        low, high = self.critic_range_
        return (values < low) | (values > high)
