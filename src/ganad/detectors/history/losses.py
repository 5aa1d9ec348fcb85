"""The loss of D_TV (Chatillon & Ballester 2020, §3.3, Eq. 9-10), as pure functions.

D_TV should be about -1 on normal data and +1 on anomalies: the bound -1 <= D <= 1 of the
Total Variation dual (Eq. 6-7) is enforced softly by ``lambda * d(D(x), [-1, 1])^2``
(Eq. 9), not by a tanh, so that gradients do not vanish.
"""

import torch


def distance_to_interval(values):
    """``d(v, [-1, 1]) = max(|v| - 1, 0)``, elementwise."""
    return (values.abs() - 1).clamp_min(0)


def tv_loss(d_data, d_hist, *, bound_weight):
    """Eq. 10: ``E_data[D] - E_hist[D] + lambda * E_mix[d(D(x), [-1, 1])^2]``; returns ``(loss, logs)``.

    ``d_data`` and ``d_hist`` are D_TV's outputs on equally many samples of P_data and
    P_G_hist, so their union is a sample of the mixture ``(P_data + P_G_hist) / 2``.
    ``E_hist[D] - E_data[D]`` is the objective of Eq. 7 (twice the Total Variation
    distance when ``|D| <= 1`` is optimal).
    """
    total_variation = d_hist.mean() - d_data.mean()
    penalty = bound_weight * distance_to_interval(torch.cat([d_data, d_hist])).pow(2).mean()
    loss = penalty - total_variation
    return loss, {"tv_loss": loss.detach(), "tv_objective": total_variation.detach(),
                  "bound_penalty": penalty.detach()}
