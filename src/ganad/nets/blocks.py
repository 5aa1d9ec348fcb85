"""Building blocks of the networks: a fully connected stack and a DCGAN-style convolutional encoder.

Every network of ``ganad`` that is a chain of Linear layers or of stride-2 convolutions is
built here, so that each is written once. The blocks create their layers in order (so a
seeded initialisation draws the same weights) and return flat ``nn.Sequential``s whose
state-dict keys are their layer indices; unpacking one into a larger ``nn.Sequential``
(``nn.Sequential(*linear_stack(...), nn.Tanh())``) keeps that numbering.
"""

from torch import nn


def linear_stack(widths, activation=nn.ReLU, *, last_activation=False, dropout=0.0, bias=True):
    """Linear layers through ``widths``, with an activation (and dropout) between them.

    Parameters
    ----------
    widths : sequence of int
        Input width, hidden widths, output width: ``len(widths) - 1`` Linear layers,
        (B, widths[0]) -> (B, widths[-1]).
    activation : callable, default=torch.nn.ReLU
        Makes one activation module, called once per activation
        (``functools.partial(nn.LeakyReLU, 0.2)``, ``nn.Tanh``...).
    last_activation : bool, default=False
        Also follow the last Linear layer with the activation (and dropout); by default the
        output is linear.
    dropout : float, default=0.0
        A ``nn.Dropout(dropout)`` after each activation, when positive.
    bias : bool, default=True
        Whether the Linear layers have a bias.

    Returns
    -------
    torch.nn.Sequential
        Linear, activation[, Dropout], Linear, ... in that order.

    Examples
    --------
    >>> from torch import nn
    >>> linear_stack([2, 8, 1])
    Sequential(
      (0): Linear(in_features=2, out_features=8, bias=True)
      (1): ReLU()
      (2): Linear(in_features=8, out_features=1, bias=True)
    )
    >>> len(linear_stack([4, 8, 8], nn.Tanh, last_activation=True, dropout=0.5))
    6
    """
    layers = []
    n_layers = len(widths) - 1
    for index, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(fan_in, fan_out, bias=bias))
        if last_activation or index < n_layers - 1:
            layers.append(activation())
            if dropout:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def conv_downsample(config):
    """Stride-2 4x4 convolutions from an image to a flat feature vector, and that vector's width.

    One stage per halving of the image side (``config.stages``), ``config.width * 2**stage``
    channels at stage ``stage``, LeakyReLU(0.2) after each, BatchNorm after all but the first
    when ``config.critic_batch_norm`` (DCGAN's discriminator, Radford et al. 2016).

    Parameters
    ----------
    config : ganad.nets.DCGANConfig
        ``image_shape`` (C, H, W), ``width``, ``critic_batch_norm``.

    Returns
    -------
    body : torch.nn.Sequential
        x (B, C, H, W) -> (B, n_flat), the convolutions then ``nn.Flatten``.
    n_flat : int
        The number of features of the flat output.
    """
    n_stages = config.stages[1]
    layers = []
    channels = config.image_shape[0]
    for stage in range(n_stages):
        out = config.width * 2**stage
        layers.append(nn.Conv2d(channels, out, 4, stride=2, padding=1))
        if config.critic_batch_norm and stage > 0:
            layers.append(nn.BatchNorm2d(out))
        layers.append(nn.LeakyReLU(0.2))
        channels = out
    spatial = config.image_shape[1] // 2**n_stages
    return nn.Sequential(*layers, nn.Flatten()), channels * spatial * spatial


def conv_encoder(config, n_out):
    """x (B, C, H, W) -> (B, n_out): ``conv_downsample(config)`` then one Linear layer.

    The Linear layer on the last feature map stands in for the final valid convolution of
    the reference encoders (GANomaly, ALAD), which is the same map.

    Returns
    -------
    torch.nn.Sequential
        ``Sequential(body, Linear(n_flat, n_out))``: state-dict keys ``0.<layer>...`` and ``1.*``.

    Examples
    --------
    >>> import torch
    >>> from ganad.nets import DCGANConfig
    >>> encoder = conv_encoder(DCGANConfig(image_shape=(1, 28, 28), width=8), 16)
    >>> encoder(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 16])
    """
    body, n_flat = conv_downsample(config)  # (B, n_flat)
    return nn.Sequential(body, nn.Linear(n_flat, n_out))
