"""The detector contract shared by every ganad method: ``BaseDetector``.

Score convention (scikit-learn's, stated once here):

* ``score_samples(X)``: higher means more normal;
* ``anomaly_score(X) = -score_samples(X)``: higher means more anomalous, the
  quantity the papers report and the metrics consume;
* ``decision_function(X) = score_samples(X) - offset_``: negative for outliers;
* ``predict(X)``: -1 for outliers, +1 for inliers.

``offset_`` is set at the end of ``fit`` so that a fraction ``contamination`` of the
training data is flagged (estimated on at most ``offset_sample_size`` training rows);
``calibrate(X)`` sets it from normal rows held out from ``fit`` instead, for models that
score their training rows as more normal than new ones.
Rows far outside the training data's range score above every training row
(``support_rule``, ``ganad.utils.support``).

``BaseDetector`` is the scikit-learn contract on numpy rows: validation, imputation,
scaling, the support rule, ``offset_``, chunked scoring and the ``explain`` plumbing; its
subclasses (the classical baselines) implement ``_fit_model(X)`` and ``_anomaly_score(X)`` on
float32 arrays of scaled rows (a batch -> a (B,) array). ``ganad.base.TorchDetector``, its
subclass under every detector with torch networks, adds what those networks need (device,
threads, generators, tensor scoring, saving); ``BASE_HYPERPARAMETERS`` are the parameters
every detector takes.

Missing values. ``impute=None`` (the default) refuses a NaN in ``X``, at fit and at scoring,
with scikit-learn's message. ``impute="median"`` or ``"mean"`` lets NaN through (an infinity
is still refused): ``fit`` stores each feature's median or mean of the training rows, NaN
ignored, as ``imputer_`` (float64, one value per feature; a feature missing in every row
is refused, named) and fills every NaN with it before scaling, in ``fit`` and in every path
that scores or maps rows (``anomaly_score``, ``explain``, ``reconstruction``...), which all
see the filled rows (``ganad.utils.impute``).

This module uses torch directly for one thing: the ``device`` parameter, which every
detector takes, accepts a ``torch.device``; the helpers it calls (seeds, fitted-state checks,
model files, ``torch.distributed``) import torch too. Under a ``torch.distributed`` process
group every rank uses rank 0's ``seed_`` and only rank 0 writes in ``save`` (data-parallel
training: ``ganad.base``).
"""

import contextlib
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, OutlierMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .data.files import plain_array_scoring
from .explanation import add_support_raise, check_contributions, if_explained
from .training import distributed
from .utils.params import Hyperparameter, current_names, declare, one_of, same_value
from .utils.impute import IMPUTATIONS, check_finite_cells, fill_missing, fit_imputer
from .utils.rng import torch_seed
from .utils.scaling import SCALINGS, apply_scaler, fit_scaler
from .utils.support import ConstantScoreWarning, InvertedScoreWarning, apply_support, far_rows, fit_support
from .utils.threads import MAX_THREADS
from .utils.validation import (FLOAT32_MAX, RANGE_TOLERANCE, DataRangeWarning, check_float32_range,
                               check_image_shape, check_network_range, plain_rows)
from .fitted_state import check_finite_state, check_offset_scores, check_scores
from .model_folder import save_model

# The parameters every detector takes (ganad.utils.params: one declaration per hyperparameter)
BASE_HYPERPARAMETERS = {
    "scaling": Hyperparameter(
        None, [StrOptions(set(SCALINGS)), None], f"{one_of(SCALINGS)} or None",
        "Per-feature scaling fitted on the training rows (``scaler_``) and applied before the model: "
        "z-scores, [-1, 1] or [0, 1]. None feeds the rows as they are."),
    "impute": Hyperparameter(
        None, [StrOptions(set(IMPUTATIONS)), None], f"{one_of(IMPUTATIONS)} or None",
        'Missing values: None refuses a NaN at fit and at scoring; "median" or "mean" fills each NaN with '
        "that statistic of the feature's training rows (``imputer_``)."),
    "contamination": Hyperparameter(
        0.1, [Interval(Real, 0, 0.5, closed="right")], "float in (0, 0.5]",
        "Fraction of the training rows that ``predict`` flags: ``offset_`` is that quantile of their scores "
        "(estimated on at most ``offset_sample_size`` rows); ``calibrate(X)`` resets it from normal rows held out "
        "from ``fit``. It sets the threshold only, never the scores."),
    "random_state": Hyperparameter(
        None, ["random_state"], "int, RandomState instance or None",
        "Seeds the model's initialisation, the minibatches and every random draw of the fit (local "
        "generators; global random states are left alone). None draws a seed, kept as ``seed_``."),
    "device": Hyperparameter(
        "auto", [str, torch.device], "str or torch.device",
        'Where the networks run: "auto" is CUDA when available, else the CPU; any ``torch.device`` string '
        'otherwise ("cpu", "cuda:1").'),
    "score_batch_size": Hyperparameter(
        4096, [Interval(Integral, 1, None, closed="left")], "int",
        "Rows scored per chunk, which bounds the memory of scoring."),
    "verbose": Hyperparameter(0, ["verbose"], "int", "Above 0, a progress bar per training phase."),
    "n_threads": Hyperparameter(
        None, [Interval(Integral, 1, MAX_THREADS, closed="both"), None], f"int in [1, {MAX_THREADS}] or None",
        "Torch intra-op threads for fit and scoring; None chooses from the network's size and the "
        "environment (``GANAD_NUM_THREADS``; see ``ganad.utils.threads``)."),
    "support_rule": Hyperparameter(
        True, ["boolean"], "bool",
        "A row beyond some feature's training range by more than 3 standard deviations scores above every "
        "training row (``support_``; ``ganad.utils.support``); on images, each channel's range pooled over "
        "its pixels."),
}


def _offset_sample(X, size, seed):
    """The training rows that set ``offset_``: all of them, or a seeded subset of ``size``.

    Scoring can be costly (a latent search per row), so on large training sets the
    contamination quantile is estimated on a random subset.
    """
    if len(X) <= size:
        return X
    return X[np.random.default_rng(seed).choice(len(X), size, replace=False)]


@declare(BASE_HYPERPARAMETERS)
class BaseDetector(OutlierMixin, BaseEstimator):
    """Base class: a scikit-learn outlier detector whose model is fitted on numpy rows.

    The contract every ganad detector keeps (the module docstring): validation, imputation,
    scaling, the support rule, ``offset_``, chunked scoring and ``explain``. Subclasses
    implement ``_fit_model(X)`` and ``_anomaly_score(X)`` on float32 arrays of scaled rows (the
    classical baselines); detectors backed by torch networks derive from
    :class:`~ganad.base.TorchDetector`.

    Every detector takes the parameters below (``BASE_HYPERPARAMETERS``), and each detector's
    page lists them with its own. All are keyword-only, and ``__init__`` only stores them: they
    are validated at ``fit``. The score convention is in the module docstring.

    Attributes
    ----------
    offset_ : float
        ``decision_function(X) = score_samples(X) - offset_``; negative values are outliers.
    calibration_rows_ : int or None
        The number of held-out rows ``calibrate`` set ``offset_`` from; None while ``offset_`` is
        ``fit``'s, from the training rows.
    n_features_in_ : int
        Number of features seen at ``fit``.
    feature_names_in_ : ndarray of shape (n_features,)
        Column names of a DataFrame seen at ``fit``; absent otherwise.
    scaler_ : tuple of ndarray or None
        ``(shift, scale)`` of ``scaling``.
    imputer_ : ndarray of shape (n_features,) or None
        The fill value of each feature, with ``impute``.
    support_ : dict or None
        The training range and margins of the support rule.
    seed_ : int
        The seed of this fit.
    """

    #: Parameters that only run the model (where, how fast, how verbosely), set the threshold's share or
    #: seed a fit (scoring reads ``seed_``): ``offset_`` holds under any value of them
    #: (``_check_threshold_parameters``).
    execution_parameters = frozenset({"contamination", "score_batch_size", "n_threads", "device", "verbose",
                                      "checkpoint_path", "checkpoint_every", "resume", "random_state"})

    image_shape = None
    savable = False  # True where the fitted state is written as tensors + JSON (TorchDetector)
    fitted_values = ()  # JSON-serialisable fitted attributes beyond the model (checked finite after fit)
    offset_sample_size = 5000  # training rows scored to set offset_ (fewer where scoring is costly)

    def fit(self, X, y=None):
        """Fit on normal (or mostly normal) data ``X`` of shape (n_samples, n_features).

        A fit that raises leaves the detector unfitted: the previous fitted state is
        removed first (before the parameters are checked), and a fit whose networks, fitted
        tensors or ``offset_`` end up non-finite raises ``TrainingDivergedError`` and keeps nothing.
        """
        self._forget_fit()
        try:
            return self._validated_fit(X)
        except BaseException:
            self._forget_fit()
            raise

    @_fit_context(prefer_skip_nested_validation=True)
    def _validated_fit(self, X):
        """``_fit`` once scikit-learn has checked the parameters (``_parameter_constraints``)."""
        return self._fit(X)

    def _fit(self, X):
        X = self._training_rows(X)
        self.imputer_ = fit_imputer(X, self.impute, getattr(self, "feature_names_in_", None))
        X = fill_missing(X, self.imputer_)
        check_float32_range(X)
        self._set_run_state(X.shape[1])
        self.scaler_ = fit_scaler(X, self.scaling)
        X_scaled = apply_scaler(X, self.scaler_)
        check_network_range(X_scaled, scaled=self.scaler_ is not None)
        self._check_output_range(X_scaled)
        sample = _offset_sample(X_scaled, self.offset_sample_size, self.seed_)
        with self._fit_threads():
            self._fit_model(self._model_input(X_scaled))
            check_finite_state(self)
            train_scores = self._method_scores(sample)
        check_offset_scores(train_scores)
        self._check_constant_scores(train_scores, sample)
        self.support_ = None
        if self.support_rule:
            self.support_ = {**fit_support(X_scaled, self.image_shape_), "score": float(train_scores.max())}
        self.calibration_rows_ = None
        self.offset_ = self._fit_offset(-train_scores)
        self._hold_threshold_parameters()
        check_finite_state(self)
        self._check_far_rows(X)
        return self

    def _training_rows(self, X):
        """``X`` validated as training rows: 2-D numbers, two rows or more, finite (NaN allowed
        when imputing); sets ``n_features_in_`` (and ``feature_names_in_``)."""
        X = validate_data(self, plain_rows(X), dtype=[np.float64, np.float32], ensure_min_samples=2,
                          ensure_all_finite=False)
        check_finite_cells(X, self.impute, getattr(self, "feature_names_in_", None))
        return X

    def _set_run_state(self, n_features):
        """``image_shape_`` checked against ``n_features``, and ``seed_``: what the model is built from."""
        self.image_shape_ = check_image_shape(self.image_shape, n_features)
        self.seed_ = distributed.broadcast_object(torch_seed(self.random_state))  # data-parallel: rank 0's

    def _check_constant_scores(self, train_scores, X):
        """Warn (``ConstantScoreWarning``) when the training rows ``X`` differ but all score the same: the
        model does not resolve them (e.g. features on a scale of 1e-9, unscaled), and no row can rank above
        another inside their range. Data-parallel: rank 0 alone warns."""
        if np.ptp(train_scores) == 0 and np.ptp(X, axis=0).any() and distributed.is_main_process():
            warnings.warn(f"{type(self).__name__} scores all {len(X)} training rows the same "
                          f"({float(train_scores[0]):.6g}) although they differ: its scores cannot rank such rows. "
                          f"If the features' scale is far from 1 (their largest spread here is "
                          f"{float(np.ptp(X, axis=0).max()):.3g}), scale them (scaling='standard').",
                          ConstantScoreWarning, stacklevel=3)

    def _check_output_range(self, X):
        """Warn (``DataRangeWarning``) when ganad's generator or decoder ends in tanh (images; rows with
        ``output_activation="tanh"``) and the unscaled training data ``X`` lie well outside [-1, 1]: images of
        0-255 pixels were reconstructed as brightness (a probe: digits at AUROC 0.56 against 0.99 in [-1, 1])."""
        makes_data = {"generator_", "decoder_"} & set(getattr(self, "network_names", ()))
        bounded = self.image_shape_ is not None or getattr(self, "output_activation", None) == "tanh"
        if (self.scaler_ is None and makes_data and bounded and getattr(self, "generator", None) is None
                and X.size and np.abs(X).max() > 1 + RANGE_TOLERANCE and distributed.is_main_process()):
            warnings.warn(f"{type(self).__name__}'s networks output values in [-1, 1] (tanh), but the training data, "
                          f"unscaled (scaling=None), lie in [{float(X.min()):.3g}, {float(X.max()):.3g}]: what they "
                          "cannot reach, e.g. the brightness of 0-255 pixels, would dominate the scores. Rescale "
                          "the data to [-1, 1] (x / 127.5 - 1 for 0-255 pixels) or pass scaling='minmax'.",
                          DataRangeWarning, stacklevel=3)

    def _check_far_rows(self, X):
        """Warn (``InvertedScoreWarning``) when rows 10 standard deviations from the training data
        in every feature score as inliers: the detector's scores may be inverted away from the data.
        Data-parallel: every rank fits the same model, and rank 0 alone warns."""
        far = np.clip(far_rows(X, seed=self.seed_), -FLOAT32_MAX, FLOAT32_MAX)
        with self._scoring_threads(), plain_array_scoring():  # far rows are built in X's column order
            n_inliers = int((self._score_rows(far) <= -self.offset_).sum())  # a NaN score is no inlier
        if n_inliers and distributed.is_main_process():
            warnings.warn(f"{type(self).__name__} scores {n_inliers} of {len(far)} rows lying 10 standard "
                          "deviations from the training data (in every feature) as inliers: its scores may rank "
                          "data unlike the training rows as normal", InvertedScoreWarning, stacklevel=3)

    def _fit_threads(self):
        """The context ``fit`` runs the model in: none here (numpy and scikit-learn keep their own
        threads); ``TorchDetector`` sets torch's."""
        return contextlib.nullcontext()

    def _scoring_threads(self):
        """The context scoring and ``explain`` run the model in: none here, torch's threads in ``TorchDetector``."""
        return contextlib.nullcontext()

    def _forget_fit(self):
        """Remove every fitted attribute (public names ending in ``_``) and the parameters ``offset_`` held."""
        for name in [name for name in vars(self) if name.endswith("_") and not name.startswith("_")]:
            delattr(self, name)
        vars(self).pop("_offset_parameters", None)

    def set_params(self, **params):
        """scikit-learn's ``set_params``; a parameter's former name (the changelog's) still works, with a FutureWarning."""
        return super().set_params(**current_names(type(self), params))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self.impute is not None
        return tags

    def __sklearn_is_fitted__(self):
        """Fitted only once ``fit`` completed (``offset_`` is set last)."""
        return hasattr(self, "offset_")

    def _fit_offset(self, train_scores):
        return float(np.percentile(train_scores, 100.0 * self.contamination))

    def score_samples(self, X):
        """Normality score of each row of ``X`` (higher = more normal)."""
        return -self.anomaly_score(X)

    def anomaly_score(self, X):
        """Anomaly score of each row of ``X`` (higher = more anomalous), as the papers report.

        Parameters are validated again here (``set_params`` after ``fit`` bypasses ``fit``'s
        check), and a NaN score is never returned: ``ValueError`` names how many rows had one.
        """
        check_is_fitted(self)
        self._validate_params()
        with self._scoring_threads():
            return check_scores(self._score_rows(X))

    def _scoring_input(self, X):
        """``X`` validated against the fitted shape, NaN filled (``imputer_``), within float32 range before and
        after scaling (a feature of tiny training spread can scale a finite value past it), and scaled."""
        X = validate_data(self, plain_rows(X), dtype=[np.float64, np.float32], reset=False, ensure_all_finite=False)
        check_finite_cells(X, self.imputer_, getattr(self, "feature_names_in_", None))
        X = fill_missing(X, self.imputer_)
        check_float32_range(X)
        X = apply_scaler(X, self.scaler_)
        check_float32_range(X, "after scaling by the training rows' spread")
        return X

    def _score_rows(self, X):
        """The anomaly scores of the user's rows ``X``: validated and scaled (``_scoring_input``), scored
        chunk by chunk (``_method_scores``), then the support rule (``ganad.utils.support``)."""
        X = self._scoring_input(X)
        scores = self._method_scores(X)
        if self.support_ is None:
            return scores
        return apply_support(scores, X, self.support_, self.support_["score"])

    def _method_scores(self, X):
        """The method's own scores of the scaled rows ``X``, chunk by chunk."""
        # One preallocated output: a list of per-chunk arrays fragments the heap between
        # the chunks' activation buffers and makes memory grow with the number of rows.
        scores = np.empty(len(X), dtype=np.float64)
        for start in range(0, len(X), self.score_batch_size):
            scores[start:start + self.score_batch_size] = self._score_chunk(X[start:start + self.score_batch_size])
        return scores

    def _score_chunk(self, X):
        """The method's scores of one chunk of scaled rows, float64."""
        return self._model_output(self._anomaly_score(self._model_input(X)))

    def _model_input(self, X):
        """Scaled rows as ``_fit_model``, ``_anomaly_score`` and ``_feature_terms`` take them: float32."""
        return np.ascontiguousarray(X, dtype=np.float32)

    def _model_output(self, values):
        """What the model returned (scores, feature terms), as a float64 array."""
        return np.asarray(values, dtype=np.float64)

    def decision_function(self, X):
        """``score_samples(X) - offset_``: negative values are outliers.

        ``ValueError`` when a parameter that changes the scores was set after ``fit`` (``set_params``):
        ``offset_`` is a quantile of the scores under the earlier value, and would flag some other share.
        """
        self._check_threshold_parameters("decision_function and predict")  # unfitted: score_samples says so
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """+1 for inliers, -1 for outliers."""
        return np.where(self.decision_function(X) < 0, -1, 1)

    def calibrate(self, X):
        """Set ``offset_`` from normal rows that ``fit`` did not see, so that ``predict`` flags about
        ``contamination`` of new normal rows; returns self.

        ``fit`` sets ``offset_`` from the training rows' own scores. A model that scores its training
        rows as more normal than new rows of the same data (a density, an energy or a critic fitted on a
        few hundred rows) then flags far more than ``contamination`` of new normal rows, up to all of
        them (benchmarks README, "``false_alarms.py``"). ``calibrate`` sets ``offset_`` to the
        ``contamination`` quantile of the scores of ``X`` instead, as the detector scores them (support
        rule included). The scores, ``score_samples`` and every ranking stay as they are; only
        ``decision_function`` and ``predict`` move. Where ``offset_`` does not come from a quantile
        (``WGANCritic(contamination="range")``, §5.1's interval), it stays.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Normal rows held out from ``fit``: two or more, and at least ``1 / contamination`` for the
            quantile to rest on more than the most extreme row.
        """
        check_is_fitted(self)
        scores = self.anomaly_score(X)
        if len(scores) < 2:
            raise ValueError(f"calibrate needs at least 2 normal rows, got {len(scores)}")
        if self._offset_is_quantile():
            offset = self._fit_offset(-scores)
            if not np.isfinite(offset):
                raise ValueError(f"calibrate: the contamination quantile of the rows' scores is {offset}, not a "
                                 "threshold (infinite scores); offset_ is left as it was")
            self.offset_, self.calibration_rows_ = offset, len(scores)
            self._hold_threshold_parameters()
        return self

    def _threshold_parameters(self):
        """The parameters ``offset_`` depends on: all but the ``execution_parameters``."""
        return {k: v for k, v in self.get_params(deep=False).items() if k not in self.execution_parameters}

    def _hold_threshold_parameters(self):
        """Note the parameters ``offset_`` was just set under (``fit``, ``calibrate``, a model file's load)."""
        self._offset_parameters = self._threshold_parameters()

    def _check_threshold_parameters(self, action):
        """``ValueError`` naming the parameters changed since ``offset_`` was set, if any (``action``: what
        is refused)."""
        held = getattr(self, "_offset_parameters", {})
        changed = [k for k, v in self._threshold_parameters().items() if k in held and not same_value(v, held[k])]
        if changed:
            name = changed[0]
            raise ValueError(f"{type(self).__name__}: {action} refused: {', '.join(changed)} changed after fit "
                             f"({name}: {held[name]!r} -> {getattr(self, name)!r}), so the parameters no longer "
                             "describe the fitted model, and offset_, the threshold, was set from the scores under "
                             "the earlier value. Refit, call calibrate(X) with normal rows, or set it back.")

    def _offset_is_quantile(self):
        """Whether ``offset_`` is the ``contamination`` quantile of scores (``calibrate`` moves it)."""
        return True

    def save(self, path):
        """Write the fitted model to the folder ``path`` (safetensors + JSON); return its path.

        A detector whose fitted state cannot be written so (``savable`` False, as for the
        classical baselines' scikit-learn models) raises ``ValueError``. In a data-parallel fit only rank 0 writes (every rank holds the same model); the
        other ranks write nothing and return None.
        """
        if not distributed.is_main_process():
            return None
        return save_model(self, path)

    def _fit_model(self, X):
        raise NotImplementedError

    def _anomaly_score(self, X):
        raise NotImplementedError

    @if_explained
    def explain(self, X):
        """Per-feature contributions to each row's anomaly score: which features made it anomalous.

        Offered where the score is a residual of the input or of a latent search (the table
        in ``ganad.explanation``, and each detector's README); elsewhere
        ``hasattr(detector, "explain")`` is False and the attribute raises ``AttributeError``
        saying why. ``X`` is validated, scaled, chunked (``score_batch_size``) and threaded
        as ``anomaly_score`` does it, and latent searches run once, as for scoring.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to explain; images as flat C*H*W rows, as for ``fit``.

        Returns
        -------
        contributions : ndarray of shape (n_samples, n_features), float64
            In score units and in the original feature order (for images, reshape with
            ``image_shape``): the detector's per-feature terms of the residual in the
            scaled space (``scaler_``), e.g. ``(x_j - G(E(x))_j)^2 / n_features`` where the
            score is a mean squared error. ``anomaly_score(X) - contributions.sum(axis=1)``
            is the part of the score with no per-feature form: 0 where the score is exactly
            a sum over features, a documented term elsewhere (BiGAN's and AnoGAN's feature
            terms, VAE's KL). Where the support rule (``ganad.utils.support``) raised a
            row's score, the raise is added to the feature farthest outside its training
            range.

        Raises
        ------
        ValueError
            If ``X`` has the wrong number of features or non-finite values (NaN allowed, and
            filled, with ``impute``), or a row's contributions are NaN.
        """
        check_is_fitted(self)
        self._validate_params()
        with self._scoring_threads():
            X = self._scoring_input(X)
            terms = np.empty(X.shape, dtype=np.float64)
            remainder = np.empty(len(X), dtype=np.float64)
            for start in range(0, len(X), self.score_batch_size):
                rows = slice(start, start + self.score_batch_size)
                terms[rows], remainder[rows] = self._explain_chunk(X[rows])
        if self.support_ is not None:
            terms = add_support_raise(terms, terms.sum(axis=1) + remainder, X, self.support_)
        return check_contributions(terms)

    def _explain_chunk(self, X):
        terms, remainder = self._feature_terms(self._model_input(X))
        terms = self._model_output(terms)
        return terms.reshape(len(terms), -1), self._model_output(remainder)  # images: (B, C*H*W)

    def _why_not_explained(self):
        """Why ``explain`` is not offered, a sentence; None where it is. Detectors whose score is a
        residual return None and implement ``_feature_terms``."""
        return "its anomaly score is not built from residuals of the input features"

    def _feature_terms(self, X):
        """``(terms (B, n_features), remainder (B,))`` of a batch, score = terms.sum(1) + remainder."""
        raise NotImplementedError
