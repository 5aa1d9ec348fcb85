"""Anomaly detection with the WGAN critic (Haloui et al. 2018, §5.1, Fig. 13).

The critic f_w is trained to be high on real data and low on generated data, so the
normality score is the critic output itself: ``score_samples(x) = f_w(x)`` and
``anomaly_score(x) = -f_w(x)``.

The paper flags "every point outside the confidence interval [...] between the minimum
and the maximum value of the output on the training dataset". ``contamination="range"``
(the default) thresholds at that minimum (``offset_ = min f_w(X_train)``). Deviation:
the upper end of the interval cannot be part of a threshold on one monotone score; on
the ring no test point exceeded it in our runs. The paper's two-sided rule is kept as
``outside_training_range(X)``. A number for ``contamination`` flags that fraction of
the training data instead.
"""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ...utils.params import keyword_init
from .gan import GAN_CONSTRAINTS, GAN_PARAMETERS, GANDetector


# float32 results differ in the last bits with the batch size; this slack keeps the
# training minimum itself an inlier whatever chunks it is scored in.
FLOAT32_SLACK = 8 * float(np.finfo(np.float32).eps)


class WGANCritic(GANDetector):
    """Scores samples by the trained critic's output (higher = more like the training data).

    Parameters are those of the GAN phase (see ``ganad.detectors.wgan.gan``) and
    ``contamination``: ``"range"`` for the paper's training-range rule, or a fraction.
    """

    __init__ = keyword_init({**GAN_PARAMETERS, "contamination": "range"})
    _parameter_constraints = {
        **GAN_CONSTRAINTS,
        "contamination": [Interval(Real, 0, 0.5, closed="right"), StrOptions({"range"})],
    }
    fitted_values = ("critic_range_",)

    def _fit_scorer(self, X):
        values = self._in_chunks(self.critic_, X)
        self.critic_range_ = (float(values.min()), float(values.max()))

    def _anomaly_score(self, X):
        return -self.critic_(X)

    def _fit_offset(self, train_scores):
        if self.contamination == "range":
            low = self.critic_range_[0]
            return low - FLOAT32_SLACK * max(1.0, abs(low))
        return super()._fit_offset(train_scores)

    def outside_training_range(self, X):
        """The paper's rule (§5.1): True where f_w(x) leaves [min, max] of the training data."""
        values = self.critic_output(X)
        low, high = self.critic_range_
        return (values < low) | (values > high)
