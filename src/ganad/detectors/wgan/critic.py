"""Anomaly detection with the WGAN critic (Haloui et al. 2018, §5.1, Fig. 13).

The critic f_w is trained to be high on real data and low on generated data. The paper
defines a confidence interval, "the interval between the minimum and the maximum value of
the output on the training dataset", and flags "every point outside" it. The score puts
that two-sided rule into the ranking (``ganad.scoring.critic_range``): inside the training
range ``anomaly_score(x) = -f_w(x)``; below it likewise; above it ``-min + (f_w(x) - max)``,
so a row beyond either end scores above every training row. (Before, the score was the
one-sided ``-f_w(x)``, and rows far from the data, where the critic extrapolates above its
training maximum, ranked as the most normal of all.)

``contamination="range"`` (the default) thresholds at the training minimum
(``offset_ = min f_w(X_train)``), which with this score flags exactly the rows outside the
interval; ``outside_training_range(X)`` returns the same flags from the critic directly.
A number for ``contamination`` flags that fraction of the training data instead.
"""

from numbers import Real

from sklearn.utils._param_validation import Interval, StrOptions

from ...scoring.critic_range import range_score, training_range, with_slack
from ...utils.params import keyword_init
from .gan import GAN_CONSTRAINTS, GAN_PARAMETERS, GANDetector


class WGANCritic(GANDetector):
    """Scores samples by the trained critic's output within its training range (§5.1).

    Also takes the GAN phase's parameters (``gan``, ``latent_dim``, ``hidden``, ``n_epochs``...),
    documented on :class:`~ganad.detectors.wgan.gan.GANDetector`, and the parameters shared by
    every detector (``scaling``, ``impute``, ``random_state``, ``device``...), documented on
    :class:`~ganad.base.BaseGANDetector`; the signature above gives every default.

    Parameters
    ----------
    contamination : "range" or float in (0, 0.5], default="range"
        "range": the paper's rule, ``predict`` flags the rows whose critic output leaves the
        [min, max] of the training rows' outputs. A number flags that fraction of the training
        rows instead, as for every detector.

    Attributes
    ----------
    critic_range_ : tuple of float
        (min, max) of the critic's output on the training rows.

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

    __init__ = keyword_init({**GAN_PARAMETERS, "contamination": "range"})
    _parameter_constraints = {
        **GAN_CONSTRAINTS,
        "contamination": [Interval(Real, 0, 0.5, closed="right"), StrOptions({"range"})],
    }
    fitted_values = ("critic_range_",)

    def _fit_scorer(self, X):
        self.critic_range_ = training_range(self._in_chunks(self.critic_, X))

    def _anomaly_score(self, X):
        return range_score(self.critic_(X), self.critic_range_)

    def _why_not_explained(self):
        return "its score is the critic's output (§5.1), a value of the whole row, not a residual per input feature"

    def _fit_offset(self, train_scores):
        if self.contamination == "range":
            low = self.critic_range_[0]
            return low - with_slack(low)
        return super()._fit_offset(train_scores)

    def outside_training_range(self, X):
        """The paper's rule (§5.1): True where f_w(x) leaves [min, max] of the training data."""
        values = self.critic_output(X)
        low, high = self.critic_range_
        return (values < low) | (values > high)
