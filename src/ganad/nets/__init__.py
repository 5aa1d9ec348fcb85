"""Pure ``torch.nn`` modules: generators, critics/discriminators, encoders, priors."""

from .dcgan import DCGANConfig, DCGANCritic, DCGANEncoder, DCGANGenerator
from .freeze import eval_mode, frozen
from .mlp import MLPConfig, MLPCritic, MLPEncoder, MLPGenerator
from .prior import LatentPrior

__all__ = [
    "DCGANConfig",
    "DCGANCritic",
    "DCGANEncoder",
    "DCGANGenerator",
    "LatentPrior",
    "MLPConfig",
    "MLPCritic",
    "MLPEncoder",
    "MLPGenerator",
    "eval_mode",
    "frozen",
]
