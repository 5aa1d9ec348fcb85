import numpy as np
import pytest

from ganad.metrics import auprc, auroc, evaluate, precision_recall_f1_at_k, top_k_flags

Y = np.array([0, 0, 1, 1])
SCORES = np.array([0.1, 0.4, 0.35, 0.8])


def test_auroc_hand_computed():
    # anomaly/normal pairs ranked correctly: (0.35 > 0.1), (0.8 > 0.1), (0.8 > 0.4) -> 3 of 4
    assert auroc(Y, SCORES) == pytest.approx(0.75)
    assert auroc([0, 1], [1.0, 1.0]) == pytest.approx(0.5)


def test_auprc_is_average_precision():
    # descending: 0.8 (anomaly) P=1 R=.5; 0.4 (normal); 0.35 (anomaly) P=2/3 R=1
    # AP = 0.5 * 1 + 0.5 * 2/3 = 5/6 (a trapezoid under the curve would differ)
    assert auprc(Y, SCORES) == pytest.approx(5 / 6)


def test_anomaly_is_the_positive_class():
    assert auroc(Y, SCORES) + auroc(1 - Y, SCORES) == pytest.approx(1.0)
    assert auroc([0, 0, 1], [0.0, 0.1, 0.9]) == auprc([0, 0, 1], [0.0, 0.1, 0.9]) == 1.0
    assert auroc([True, False], [0.0, 1.0]) == 0.0


def test_top_k_flags_flags_the_highest_scores():
    scores = np.array([5, 0, 9, 2, 7, 1, 8, 3, 6, 4], dtype=float)
    flags = top_k_flags(scores, 20)
    np.testing.assert_array_equal(np.flatnonzero(flags), [2, 6])
    assert flags.sum() == 2 and set(np.unique(flags)) == {0, 1}
    assert top_k_flags(scores, 100).all()


def test_top_k_flags_flags_all_ties_at_the_threshold():
    np.testing.assert_array_equal(top_k_flags([1.0, 1.0, 1.0, 0.0], 25), [1, 1, 1, 0])


@pytest.mark.parametrize("k_percent", [0, -5, 100.5])
def test_top_k_flags_rejects_bad_k(k_percent):
    with pytest.raises(ValueError, match="k_percent"):
        top_k_flags([0.1, 0.2], k_percent)


def test_precision_recall_f1_at_k_hand_computed():
    scores = np.arange(10, dtype=float)
    y = np.zeros(10, dtype=int)
    y[[5, 9]] = 1
    # top 20 % = indices 8, 9: TP = 1 (9), FP = 1 (8), FN = 1 (5)
    result = precision_recall_f1_at_k(y, scores, 20)
    assert result["precision"] == pytest.approx(0.5)
    assert result["recall"] == pytest.approx(0.5)
    assert result["f1"] == pytest.approx(0.5)
    assert result["threshold"] == pytest.approx(7.2)  # 80th percentile of 0..9


def test_precision_recall_f1_at_k_unequal_values():
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    scores = np.array([0.9, 0.8, 0.1, 0.95, 0.2, 0.3, 0.05, 0.0])
    # top 50 % (threshold = median 0.25): 0.9, 0.8, 0.95, 0.3 -> TP 2, FP 2, FN 1
    result = precision_recall_f1_at_k(y, scores, 50)
    assert result["precision"] == pytest.approx(0.5)
    assert result["recall"] == pytest.approx(2 / 3)
    assert result["f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_evaluate_keys_and_values():
    assert evaluate(Y, SCORES) == {"auroc": auroc(Y, SCORES), "auprc": auprc(Y, SCORES)}
    with_k = evaluate(Y, SCORES, k_percent=50)
    at_k = precision_recall_f1_at_k(Y, SCORES, 50)
    assert set(with_k) == {"auroc", "auprc", "precision", "recall", "f1"}
    assert all(with_k[key] == at_k[key] for key in ("precision", "recall", "f1"))
    assert all(isinstance(value, float) for value in with_k.values())


@pytest.mark.parametrize("y_true, scores, message", [
    ([0, 2, 1], [0.1, 0.2, 0.3], "0 \\(normal\\) and 1"),
    ([1, 1, 1], [0.1, 0.2, 0.3], "both"),
    ([0, 1], [0.1, 0.2, 0.3], "same length"),
    ([0, 1], [0.1, np.nan], "NaN or infinite"),
    ([0, 1], [0.1, np.inf], "NaN or infinite"),
    ([0, 1], [[0.1], [0.2]], "1-D"),
    (["normal", "anomaly"], [0.1, 0.2], "0 \\(normal\\) and 1"),
])
def test_invalid_inputs_raise_value_error(y_true, scores, message):
    for metric in (auroc, auprc, evaluate):
        with pytest.raises(ValueError, match=message):
            metric(y_true, scores)
    with pytest.raises(ValueError, match=message):
        precision_recall_f1_at_k(y_true, scores, 10)
