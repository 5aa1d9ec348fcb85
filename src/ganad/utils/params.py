"""Declare each hyperparameter once; get sklearn's ``__init__``, constraints and docs from it.

scikit-learn reads an estimator's parameters from the signature of ``__init__``, and its
``__init__`` may only store them. Detectors here share some twenty GAN training parameters;
rather than repeat them in every class, each family declares a dict of
:class:`Hyperparameter` (default, constraints, numpydoc type, meaning) and the class decorator
:func:`declare` builds from it, in one place:

- an ``__init__`` that stores exactly those keyword-only arguments and exposes them through
  ``__signature__`` (what ``inspect.signature`` -- and so ``get_params``, ``clone`` and
  ``help`` -- reads);
- ``_parameter_constraints``, which sklearn's ``_fit_context`` validates at ``fit``;
- the numpydoc "Parameters" section of the class docstring, one entry per parameter with its
  type, default and meaning, so that ``help(ganad.ADGAN)`` and the API pages list them all.

A subclass that changes a default, a constraint or the wording of a meaning says so with
:func:`override`, keeping the parameter declared once; a family that takes some parameters
of a shared table (``ganad.detectors.hyperparameters``) takes them with :func:`pick`.
"""

import dataclasses
import inspect
import re
import textwrap
import warnings
from numbers import Integral

import numpy as np

#: numpydoc sections that may follow "Parameters" in a class docstring, in numpydoc's order
_LATER_SECTIONS = ("Attributes", "Methods", "Warnings", "See Also", "Notes", "References", "Examples")


@dataclasses.dataclass(frozen=True)
class Hyperparameter:
    """One estimator hyperparameter: its default, its constraints, its numpydoc type and meaning.

    Parameters
    ----------
    default : object
        The value ``__init__`` stores when the argument is not given.
    constraints : list
        scikit-learn parameter constraints (``sklearn.utils._param_validation``), checked at ``fit``.
    type : str
        The numpydoc type, e.g. ``"int"`` or ``'{"wgan-gp", "wgan-clip"}'``.
    doc : str
        What it means, as the body of its numpydoc entry (sentences; wrapped when rendered).

    Examples
    --------
    >>> from numbers import Integral
    >>> from sklearn.utils._param_validation import Interval
    >>> p = Hyperparameter(64, [Interval(Integral, 2, None, closed="left")], "int", "Minibatch size.")
    >>> print(p.entry("batch_size"))
    batch_size : int, default=64
        Minibatch size.
    """

    default: object
    constraints: list
    type: str
    doc: str

    def entry(self, name):
        """The numpydoc entry of this parameter under ``name``, unindented.

        Each paragraph of ``doc`` (paragraphs are separated by a blank line) is wrapped on its own.
        """
        paragraphs = [" ".join(text.split()) for text in re.split(r"\n\s*\n", self.doc.strip())]
        body = "\n\n".join(textwrap.fill(text, width=92, initial_indent="    ", subsequent_indent="    ")
                           for text in paragraphs)
        return f"{name} : {self.type}, default={_show(self.default)}\n{body}"


def override(params, **changes):
    """``params`` with some parameters' fields replaced: ``name={"default": ..., ...}``.

    Examples
    --------
    >>> p = {"latent_dim": Hyperparameter(2, [int], "int", "Size of z.")}
    >>> override(p, latent_dim={"default": 100})["latent_dim"].default
    100
    """
    unknown = sorted(set(changes) - set(params))
    if unknown:
        raise KeyError(f"override of undeclared parameters {unknown}")
    return {name: dataclasses.replace(p, **changes.get(name, {})) for name, p in params.items()}


def pick(params, *names, **changes):
    """The parameters ``names`` of ``params``, in that order, with ``override``'s ``changes``.

    For a family that takes some of another table's parameters, with its own defaults or docs.

    Examples
    --------
    >>> p = {"latent_dim": Hyperparameter(2, [int], "int", "Size of z."),
    ...      "hidden": Hyperparameter((8,), [tuple], "tuple of int", "Widths.")}
    >>> picked = pick(p, "hidden", hidden={"default": (4, 4)})
    >>> list(picked), picked["hidden"].default
    (['hidden'], (4, 4))
    """
    missing = [name for name in names if name not in params]
    if missing:
        raise KeyError(f"pick of undeclared parameters {missing}")
    return override({name: params[name] for name in names}, **changes)


def one_of(options):
    """The numpydoc type of a string parameter taking one of ``options``: ``{"a", "b"}``.

    >>> print(one_of(("normal", "uniform")))
    {"normal", "uniform"}
    """
    return "{" + ", ".join(f'"{option}"' for option in options) + "}"


def declare(params, *, renamed=None):
    """Class decorator: ``__init__``, ``_parameter_constraints`` and the docstring's Parameters from ``params``.

    ``params`` maps each hyperparameter's name to its :class:`Hyperparameter`, in the order of the
    signature. The class keeps them as ``hyperparameters``. Its docstring's "Parameters" section
    is replaced by (or, when it has none, inserted before "Attributes" or the first later section
    as) the rendered entries. ``renamed`` maps a former name to its :class:`Renamed`: the
    constructor and ``set_params`` still take the former name, with a ``FutureWarning``, until
    that release (the class keeps them as ``renamed_parameters``).
    """
    renamed = dict(renamed or {})
    for old, rename in renamed.items():
        if rename.new not in params or old in params:
            raise KeyError(f"renamed parameter {old!r} -> {rename.new!r}: the new name must be declared, the old not")

    def decorate(cls):
        cls.__init__ = keyword_init({name: p.default for name, p in params.items()}, renamed)
        cls._parameter_constraints = {name: list(p.constraints) for name, p in params.items()}
        cls.hyperparameters = dict(params)
        cls.renamed_parameters = renamed
        if cls.__doc__:
            cls.__doc__ = with_parameters(cls.__doc__, params)
        return cls

    return decorate


@dataclasses.dataclass(frozen=True)
class Renamed:
    """A hyperparameter's new name, and the release until which its former name is still accepted."""

    new: str
    until: str


def current_names(cls, params, *, warn=True):
    """``params`` with every former name of ``cls``'s ``renamed_parameters`` replaced by its new name.

    With ``warn``, each former name given warns (``FutureWarning``); giving a name and its former
    name together is a ``TypeError``. Model files keep the names they were saved with, so
    loading one maps them with ``warn=False``.
    """
    renamed = getattr(cls, "renamed_parameters", {})
    params = dict(params)
    for old in sorted(set(params) & set(renamed)):
        new, until = renamed[old].new, renamed[old].until
        if new in params:
            raise TypeError(f"{cls.__name__}: give {new!r} only; {old!r} is its former name")
        if warn:
            warnings.warn(f"{cls.__name__}: the parameter {old!r} is now {new!r}; the former name is accepted "
                          f"until ganad {until}", FutureWarning, stacklevel=3)
        params[new] = params.pop(old)
    return params


def same_value(a, b):
    """Whether two parameter or fitted values are the same: a list and a tuple of equal items are; arrays by
    shape and value; dicts (a fitted scaler) key by key."""
    a, b = (tuple(v) if isinstance(v, list) else v for v in (a, b))
    if a is b:
        return True
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() \
            and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return a is not None and b is not None and bool(np.array_equal(a, b))
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def is_count(value, minimum=1):
    """Whether ``value`` is an integer (not a bool) of at least ``minimum``: sizes, counts and chunk lengths."""
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= minimum


def keyword_init(defaults, renamed=None):
    """An ``__init__(self, *, **defaults)`` that only stores its arguments (former names of ``renamed`` mapped)."""

    def __init__(self, **params):
        if renamed:
            params = current_names(type(self), params)
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


def with_parameters(docstring, params):
    """``docstring`` (cleaned) with its numpydoc Parameters section rendered from ``params``."""
    lines = inspect.cleandoc(docstring).splitlines()
    headers = {_header(lines, i): i for i in range(len(lines) - 1) if _header(lines, i)}
    section = ["Parameters", "----------"] + "\n".join(p.entry(n) for n, p in params.items()).splitlines() + [""]
    if "Parameters" in headers:
        start = headers["Parameters"]
        later = [i for name, i in headers.items() if i > start]
        end = min(later) if later else len(lines)
        lines[start:end] = section
    else:
        later = [headers[name] for name in _LATER_SECTIONS if name in headers]
        at = min(later) if later else len(lines)
        if at == len(lines) and lines and lines[-1]:
            section = [""] + section
        lines[at:at] = section
    return "\n".join(lines).rstrip() + "\n"


def _header(lines, i):
    """The section name when line ``i`` is a numpydoc header (a name underlined with dashes), else None."""
    name, rule = lines[i].strip(), lines[i + 1].strip()
    if name and rule and set(rule) == {"-"} and len(rule) == len(name):
        return name
    return None


def _show(value):
    """A default as numpydoc writes it: strings in double quotes, the rest as Python shows them."""
    return f'"{value}"' if isinstance(value, str) else repr(value)
