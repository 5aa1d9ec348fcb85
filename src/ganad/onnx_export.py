"""ONNX export of a fitted single-pass detector, for deployment without ganad or torch.

``export_onnx(detector, path)`` writes one ONNX graph from the raw rows to the anomaly
score, ``anomaly_score(X)`` as the detector computes it:

* input ``X``: float32 rows of shape (n, n_features), the batch axis dynamic, in the
  columns' fit order;
* the imputer fill (``imputer_``: NaN -> the feature's value), the scaler
  (``(x - shift) / scale`` in float64, as ``scaler_`` is applied), the reshape to
  ``image_shape_`` for image detectors;
* the detector's own ``_anomaly_score(batch)`` on float32 (critic range folds included,
  as they are part of it);
* the support rule (``support_``, ``ganad.utils.support``) in float64;
* output ``anomaly_score``: float64, shape (n,).

What the graph does not do: ``anomaly_score`` validates its input and refuses infinities
(and NaN without ``impute``), values beyond the float32 range and NaN scores; the graph
computes whatever such rows give. Validate rows before feeding them.

Only detectors whose score is one forward computation export. A latent search
(WGANInversion, AnoGAN, ADGAN), random draws at scoring (VAE with ``n_score_samples`` > 0),
a gradient of the network (DSEBM with ``score_type="reconstruction"``), a Cholesky
factorisation the exporter cannot translate (DAGMM) or a scikit-learn model (KDE, OCSVM,
IForest, GMM) is refused with a ``ValueError`` saying why. Exported: HistoryAD, WGANCritic,
WGANEncoder, DCAE, VAE (``n_score_samples=0``), Deep SVDD, DSEBM (``score_type="energy"``),
BiGAN, ALAD, RCGAN (both ``score_type``), GANomaly.

Needs the optional packages ``onnx`` and ``onnxscript`` (``pip install 'ganad[onnx]'``);
``onnxruntime`` runs the result.
"""

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from .utils.optional import import_optional
from .utils.params import is_count

OPSET = 18  # >= 17, and the opset torch's dynamo exporter writes natively

# Registry class names whose score needs more than one forward pass, and why.
SEARCH_BASED = {
    "WGANInversion": "its score is a latent search (gradient descent on z per row, Haloui et al. §5.2)",
    "AnoGAN": "its score is a latent search (gradient descent on z per row, Schlegl et al. 2017)",
    "ADGAN": "its score is a latent search over several seeds (Deecke et al. 2018, Algorithm 1)",
}


def why_not_exportable(detector):
    """Why ``detector``'s score cannot be exported as one ONNX graph, a sentence; None where it can."""
    name = type(detector).__name__
    if name in SEARCH_BASED:
        return f"{name} is not exported to ONNX: {SEARCH_BASED[name]}, not one forward computation"
    if not getattr(detector, "network_names", ()):
        return f"{name} is not exported to ONNX: its score is a scikit-learn model, not a torch network"
    if getattr(detector, "n_score_samples", 0):
        return (f"{name} with n_score_samples={detector.n_score_samples} is not exported to ONNX: its score "
                "averages random draws of z; set n_score_samples=0 (the deterministic score D(mu(x)))")
    if name == "DAGMM":
        return ("DAGMM is not exported to ONNX: its sample energy factorises the mixture's covariances "
                "(torch.linalg.cholesky_ex), which torch's ONNX exporter does not translate")
    if getattr(detector, "score_type", None) == "reconstruction" and name == "DSEBM":
        return ("DSEBM with score_type='reconstruction' is not exported to ONNX: its score needs the energy's "
                "gradient dE/dx; score_type='energy' exports")
    return None


class ScoringGraph(torch.nn.Module):
    """Raw float32 rows (B, n_features) -> float64 anomaly scores (B,) of a fitted detector.

    Composes the fitted attributes around the detector's own ``_anomaly_score``, so no
    score formula is written twice.
    """

    def __init__(self, detector):
        super().__init__()
        self.detector = detector
        self.image_shape = detector.image_shape_
        for name in detector.network_names:  # registered, so that export sees their weights
            self.add_module(name.rstrip("_"), getattr(detector, name))
        imputer = detector.imputer_
        self.register_buffer("fill", None if imputer is None else torch.as_tensor(imputer, dtype=torch.float32))
        scaler = detector.scaler_
        self.register_buffer("shift", None if scaler is None else torch.as_tensor(scaler["shift"], dtype=torch.float64))
        self.register_buffer("scale", None if scaler is None else torch.as_tensor(scaler["scale"], dtype=torch.float64))
        support = detector.support_
        for key in ("low", "high", "margin"):
            self.register_buffer(key, None if support is None else torch.as_tensor(support[key], dtype=torch.float64))
        self.train_max = None if support is None else float(support["score"])

    def forward(self, x):  # x: (B, n_features) float32
        if self.fill is not None:
            x = torch.where(torch.isnan(x), self.fill, x)  # imputer_, in the input's float32 as fill_missing
        x = x.double()
        if self.shift is not None:
            x = (x - self.shift) / self.scale  # apply_scaler, float64
        batch = x.float()
        if self.image_shape is not None:
            batch = batch.reshape(-1, *self.image_shape)  # (B, C, H, W)
        scores = self.detector._anomaly_score(batch).double()  # (B,)
        if self.low is None:
            return scores
        beyond = torch.maximum(self.low - x, x - self.high)  # (B, n_features), ganad.utils.support.excess
        far = torch.clamp(beyond / self.margin, min=0.0).amax(dim=1) - 1.0  # e(x) - 1
        raised = torch.where(scores.isnan(), self.train_max + far, torch.maximum(scores, self.train_max + far))
        return torch.where(far > 0, raised, scores)  # np.fmax's NaN rule: ganad.utils.support.apply_support


def export_onnx(detector, path, *, opset=OPSET):
    """Write ``detector``'s ``anomaly_score`` as an ONNX model to ``path``.

    Parameters
    ----------
    detector : fitted ganad detector
        A single-pass detector (see the module docstring).
    path : str or path-like
        The ``.onnx`` file to write.
    opset : int, default=18
        ONNX opset, at least 17.

    Returns
    -------
    path : str
        The file written. Its graph has input ``X`` (float32, (n, n_features)) and output
        ``anomaly_score`` (float64, (n,)).

    Raises
    ------
    ValueError
        If the detector's score is not one forward computation, ``opset`` is not an integer of 17 or
        more, or torch's exporter cannot write the graph at ``opset`` (it writes 18, and converts
        to other opsets where it can: 17 fails with some detectors).
    ImportError
        If ``onnx`` or ``onnxscript`` is not installed.
    """
    reason = why_not_exportable(detector)
    if reason is not None:
        raise ValueError(reason)
    check_is_fitted(detector)
    if not is_count(opset, 17):
        raise ValueError(f"opset must be an integer, at least 17; got {opset!r}")
    onnx = import_optional("onnx", "onnx", "ONNX export")
    import_optional("onnxscript", "onnx", "ONNX export")
    if opset > onnx.defs.onnx_opset_version():  # torch's converter would log a traceback, then write 18
        raise ValueError(f"opset {opset} is beyond the installed onnx {onnx.__version__}'s latest, "
                         f"{onnx.defs.onnx_opset_version()}; ask for an opset it writes, such as {OPSET}")
    graph = ScoringGraph(detector).cpu().eval()
    networks = [getattr(detector, name) for name in detector.network_names]
    modes = [network.training for network in networks]
    device = detector.device_
    example = torch.zeros(2, detector.n_features_in_, dtype=torch.float32)
    try:
        _move(detector, networks, torch.device("cpu"))
        for network in networks:
            network.eval()
        with torch.no_grad():
            program = torch.onnx.export(
                graph, (example,), input_names=["X"], output_names=["anomaly_score"], opset_version=opset,
                dynamic_shapes={"x": {0: torch.export.Dim("n", min=1)}}, dynamo=True, verbose=False)
        _check_opset(program.model_proto, opset)
        program.save(str(path))
    finally:
        _move(detector, networks, device)
        for network, mode in zip(networks, modes):
            network.train(mode)
    return str(path)


def _move(detector, networks, device):
    """The detector's networks and ``fitted_tensors`` (Deep SVDD's centre) to ``device``, and ``device_``."""
    detector.device_ = device
    for network in networks:
        network.to(device)
    for name in detector.fitted_tensors:
        setattr(detector, name, getattr(detector, name).to(device))


def _check_opset(model, opset):
    """Refuse a graph written at another opset than asked: torch's exporter writes 18 and converts to the asked
    opset, keeping 18 (with a log line only) where the conversion fails."""
    written = next(entry.version for entry in model.opset_import if entry.domain in ("", "ai.onnx"))
    if written != opset:
        raise ValueError(f"torch's ONNX exporter could not write opset {opset} (its graph has opset {written}); "
                         f"ask for an opset it writes, such as {OPSET}")


def onnx_scores(path, X):
    """The scores of the float32 rows ``X`` by the ONNX model at ``path``, with onnxruntime (float64)."""
    onnxruntime = import_optional("onnxruntime", "onnx", "running an ONNX model")
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["anomaly_score"], {"X": np.ascontiguousarray(X, dtype=np.float32)})[0]


__all__ = ["OPSET", "ScoringGraph", "export_onnx", "onnx_scores", "why_not_exportable"]
