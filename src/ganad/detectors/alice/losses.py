"""The adversarial objectives of BiGAN/EGBAD, ALAD and RCGAN, written as losses of logits.

With ``log D = -softplus(-logit)`` and ``log(1 - D) = -softplus(logit)``:

* D_xz (ALI/BiGAN, RCGAN Eq. 2; with the penalty term, Eq. 4) minimises
  ``-E_q[log D(x, E(x))] - E_p[log(1 - D(G(z), z))] - E_t[log(1 - D(t, E(t)))]``;
* D_xx and D_zz (cycle consistency, Eq. 3 and 9; ALAD's D_zz) minimise
  ``-E[log D(a, a)] - E[log(1 - D(a, a~))]`` -- ``training.losses.discriminator_loss``;
* the encoder and generator minimise the same terms with the labels flipped (the
  non-saturating form of the reference code, ALAD ``alad/run.py`` and EGBAD
  ``bigan/run_kdd.py``): ``-log D(G(z), z) - log(1 - D(x, E(x))) - log D(t, E(t))`` for
  D_xz and ``-log D(a, a~)`` for D_xx and D_zz (``training.losses.generator_loss`` with
  ``saturating=False``). The reference code's generator loss also adds
  ``-log(1 - D_xx(x, x))``, which does not depend on E or G and is left out.
"""

import torch.nn.functional as F

from ...training.losses import discriminator_loss


def joint_discriminator_loss(encoder_logits, generator_logits, penalty_logits=None):
    """D_xz's loss: Eq. 2, plus Eq. 4's penalty term ``-E_t[log(1 - D(t, E(t)))]`` when given.

    ``encoder_logits`` are D_xz(x, E(x)) on data, ``generator_logits`` D_xz(G(z), z) on prior
    samples and ``penalty_logits`` D_xz(t, E(t)) on samples of the penalty distribution t(x).
    """
    loss = discriminator_loss(encoder_logits, generator_logits)
    if penalty_logits is not None:
        loss = loss + F.softplus(penalty_logits).mean()
    return loss


def joint_generator_loss(encoder_logits, generator_logits, penalty_logits=None):
    """The encoder's and generator's side of Eq. 2 (and 4), labels flipped.

    ``-E_p[log D(G(z), z)]`` trains G, ``-E_q[log(1 - D(x, E(x)))]`` and, with the penalty,
    ``-E_t[log D(t, E(t))]`` train E: Eq. 4 minimises over E and G, so E plays against the
    penalty term too.
    """
    loss = F.softplus(-generator_logits).mean() + F.softplus(encoder_logits).mean()
    if penalty_logits is not None:
        loss = loss + F.softplus(-penalty_logits).mean()
    return loss
