"""Declare an estimator's hyperparameters once and get sklearn's ``__init__`` from it.

scikit-learn reads an estimator's parameters from the signature of ``__init__``,
and its ``__init__`` may only store them. Detectors here share some twenty GAN
training parameters; rather than repeat them in every class, each detector declares
a dict of defaults and ``keyword_init`` builds an ``__init__`` that stores exactly
those keyword-only arguments and exposes them through ``__signature__`` (what
``inspect.signature`` -- and so ``get_params``, ``clone`` and ``help`` -- reads).
"""

import inspect


def keyword_init(defaults):
    """An ``__init__(self, *, **defaults)`` that only stores its arguments."""

    def __init__(self, **params):
        unknown = sorted(set(params) - set(defaults))
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments {unknown}")
        for name, default in defaults.items():
            setattr(self, name, params.get(name, default))

    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    __init__.__signature__ = inspect.Signature(
        [self_param] + [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d) for n, d in defaults.items()]
    )
    return __init__
