"""scikit-learn's estimator checks over every registered detector."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from ganad.registry import DETECTORS

from ..conftest import QUICK_PARAMS

# Two epochs so that the generator takes steps even on the checks' small data sets.
ESTIMATORS = [cls(**{**QUICK_PARAMS[name], "random_state": 0, **({"n_epochs": 2} if "n_epochs" in QUICK_PARAMS[name] else {})})
              for name, cls in DETECTORS.items()]

FLOAT32_BATCHING = (
    "networks compute in float32 and the BLAS kernel, hence the last bit of a result, "
    "depends on the batch size; scores differ by ~1e-7 relative when scored in a subset"
)
RANGE_RULE = (
    "the default contamination='range' is the paper's rule (§5.1): the threshold is the "
    "critic's minimum on the training data, so by construction no training sample is an outlier"
)
# Checks a detector cannot pass, with the reason (parametrize_with_checks' expected_failed_checks).
# Not listed, hence checked: subset invariance of WGANInversion, WGANEncoder, DCAE, DeepSVDD, GANomaly,
# HistoryAD and ADGAN, and sample-order invariance of BiGAN, ALAD and RCGAN. They pass bit for bit with
# AVX-512, AVX2 and SSE kernels (ATEN_CPU_CAPABILITY, ONEDNN_MAX_CPU_ISA, MKL_ENABLE_INSTRUCTIONS/MKL_CBWR).
# The entries below stay non-strict: AnoGAN's subset invariance passes with the SSE kernels only.
EXPECTED_FAILURES = {
    "WGANCritic": {
        "check_methods_subset_invariance": FLOAT32_BATCHING,
        "check_outliers_train": RANGE_RULE,
        "check_outliers_fit_predict": RANGE_RULE,
    },
    **{name: {"check_methods_subset_invariance": FLOAT32_BATCHING}
       for name in ("VAE", "DAGMM", "DSEBM", "BiGAN", "ALAD", "RCGAN", "AnoGAN")},
}


def expected_failed_checks(estimator):
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
