"""The reconstruction error shared by every reconstruction-based score and loss."""


def reconstruction_error(x, x_hat):
    """Per-sample mean squared error over every feature: (B, ...) -> (B,).

    The score of Haloui et al. 2018 (§5.2-5.3, Fig. 15 and 22) and ADGAN's DCAE (§4.2).
    """
    return (x - x_hat).pow(2).flatten(1).mean(dim=1)
