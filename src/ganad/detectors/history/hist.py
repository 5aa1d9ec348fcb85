"""The generator's history distribution P_G_hist and the averaged critic (Chatillon & Ballester 2020).

Eq. 3 / 13: ``P_G_hist = int_alpha^n_epochs c * G_t(P_Z) * exp(-beta t) dt``, sampled by
drawing a training time t of density ``c * 1[alpha, n_epochs](t) * exp(-beta t)`` and then
one sample of ``G_t``. With snapshots saved on a regular time grid t_1 < ... < t_K, the
time density becomes the discrete law ``p_i = exp(-beta t_i) / sum_j exp(-beta t_j)`` over
the snapshots inside ``[alpha, n_epochs]``: a Riemann sum of Eq. 13.

Experimental case 2 (§4.4): half of the generated samples come from a wider latent law
``P_Z'``; we draw each latent from ``P_Z'`` with probability 1/2, ``P_Z'`` being ``P_Z``
scaled by ``wide_scale`` (``N(0, s^2 I)`` for the normal prior, ``U(-s, s)^d`` for the
uniform one). Eq. 14 initialises D_TV with ``W = sum_i p_i W_{D_{t_i}}``.
"""

import torch

_EPS = 1e-9


def history_weights(times, *, start, decay, n_epochs):
    """``p_i`` of Eq. 13 over snapshot times ``times``: a float64 tensor summing to 1.

    ``start`` is alpha of Eq. 13 (``HistoryAD``'s ``history_start``), ``decay`` is beta
    (``history_decay``).
    """
    times = torch.as_tensor(times, dtype=torch.float64)
    inside = (times >= start - _EPS) & (times <= n_epochs + _EPS)
    if not inside.any():
        raise ValueError(f"no snapshot lies in [history_start, n_epochs] = [{start}, {n_epochs}]")
    log_weights = -decay * (times - times[inside].min())  # shifted: exp never underflows to all-zero
    weights = torch.where(inside, log_weights.exp(), torch.zeros_like(times))
    return weights / weights.sum()


def sample_latents(prior, n, *, rng, wide_scale=None):
    """``n`` latents of P_Z (case 1), or each of P_Z' with probability 1/2 (case 2, ``wide_scale``)."""
    z = prior.sample(n, generator=rng, device=rng.device)  # (n, d)
    if wide_scale is None:
        return z
    wide = torch.rand(n, 1, generator=rng, device=rng.device) < 0.5  # (n, 1)
    return torch.where(wide, z * wide_scale, z)


def sample_history(store, generator, prior, weights, n, *, rng, apply, wide_scale=None):
    """``n`` samples of P_G_hist, in i.i.d. order.

    ``generator`` is a working module that each drawn snapshot's generator state is loaded
    into; ``apply(function, tensor)`` maps a network over rows (chunked, without gradients).
    """
    snapshot = torch.multinomial(weights.to(rng.device), n, replacement=True, generator=rng)  # (n,)
    z = sample_latents(prior, n, rng=rng, wide_scale=wide_scale)
    order = torch.sort(snapshot, stable=True).indices  # (n,) draws grouped by snapshot
    counts = torch.bincount(snapshot, minlength=len(weights)).tolist()
    pieces, start = [], 0
    for index, count in enumerate(counts):
        if count:
            generator.load_state_dict(store.state(index, "generator"))
            pieces.append(apply(generator, z[order[start:start + count]]))
            start += count
    samples = torch.cat(pieces)
    out = torch.empty_like(samples)
    out[order] = samples  # back to the order of the draws
    return out


def average_state(store, name, weights):
    """Eq. 14: ``sum_i p_i W_i`` of network ``name``'s float tensors; integer buffers from the last snapshot."""
    total, dtypes = {}, {}
    for index, weight in enumerate(weights.tolist()):
        if weight == 0:
            continue
        for key, value in store.state(index, name).items():
            dtypes[key] = value.dtype
            if value.is_floating_point():
                total[key] = total.get(key, 0) + weight * value.double()
            else:
                total[key] = value
    return {key: value.to(dtypes[key]) for key, value in total.items()}


def average_output(store, name, network, weights, X, *, apply):
    """``sum_i p_i f_{t_i}(X)``: the snapshots' outputs averaged with Eq. 13's weights (Fig. 4a)."""
    total = 0
    for index, weight in enumerate(weights.tolist()):
        if weight:
            network.load_state_dict(store.state(index, name))
            total = total + weight * apply(network, X).double()
    return total
