"""One declaration per hyperparameter (``ganad.utils.params``) and what every registered detector gets from it.

For each detector of ``ganad.registry.DETECTORS``: every ``get_params()`` key is declared, with
constraints its default satisfies and a non-empty meaning, and the class docstring (what
``help`` and the API pages show) lists it in a numpydoc Parameters section with its type and
default. The helpers themselves: ``declare`` builds a keyword-only ``__init__``, the
constraints and the section; ``override`` and ``pick`` refuse names that were never declared.
"""

import inspect
import re
from numbers import Integral

import pytest
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, validate_parameter_constraints

import ganad
from ganad.registry import DETECTORS
from ganad.utils.params import Hyperparameter, declare, one_of, override, pick

NAMES = list(DETECTORS)
ENTRY = re.compile(r"^(\w+) : (.+), default=(.+)$")

SIZE = Hyperparameter(2, [Interval(Integral, 1, None, closed="left")], "int", "Size of z.")
WIDTHS = Hyperparameter((8,), [tuple], "tuple of int",
                        "Hidden widths, one per layer.\n\nA second paragraph, wrapped on its own.")
TOY_HYPERPARAMETERS = {"latent_dim": SIZE, "hidden": WIDTHS}


def parameters_section(docstring):
    """``[(name, type, default)]`` of the entries of a numpydoc Parameters section, in order."""
    lines = inspect.cleandoc(docstring).splitlines()
    start = lines.index("Parameters")
    assert set(lines[start + 1]) == {"-"}, "Parameters is not underlined"
    entries = []
    for line, following in zip(lines[start + 2:], lines[start + 3:] + [""]):
        if line and following and set(following) == {"-"} and len(following) == len(line):
            break  # the next section's header
        match = ENTRY.match(line)
        if match:
            entries.append(match.groups())
    return entries


@declare(TOY_HYPERPARAMETERS)
class Toy(BaseEstimator):
    """A toy estimator.

    Attributes
    ----------
    fitted_ : int
        Something fitted.
    """


def test_declare_builds_a_keyword_only_init_that_only_stores():
    signature = inspect.signature(Toy)
    assert list(signature.parameters) == ["latent_dim", "hidden"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in signature.parameters.values())
    assert Toy().get_params() == {"latent_dim": 2, "hidden": (8,)}
    assert Toy(latent_dim=3).latent_dim == 3
    with pytest.raises(TypeError, match="unexpected keyword arguments"):
        Toy(size=3)
    assert Toy._parameter_constraints == {"latent_dim": SIZE.constraints, "hidden": [tuple]}
    assert Toy.hyperparameters == TOY_HYPERPARAMETERS


def test_declare_renders_the_parameters_section_before_attributes():
    doc = Toy.__doc__
    assert doc.index("Parameters\n----------") < doc.index("Attributes\n----------")
    assert parameters_section(doc) == [("latent_dim", "int", "2"), ("hidden", "tuple of int", "(8,)")]
    assert "    Hidden widths, one per layer.\n\n    A second paragraph, wrapped on its own.\n" in doc


def test_declare_renders_the_parameters_section_before_a_warnings_section():
    @declare({"latent_dim": SIZE})
    class Warned(BaseEstimator):
        """Summary.

        Warnings
        --------
        A caveat.
        """

    doc = Warned.__doc__
    assert doc.index("Parameters\n----------") < doc.index("Warnings\n--------")


def test_declare_replaces_a_written_parameters_section():
    @declare({"latent_dim": SIZE})
    class Written(BaseEstimator):
        """Summary.

        Parameters
        ----------
        stale : int, default=1
            Gone.

        Examples
        --------
        >>> 1
        1
        """

    assert parameters_section(Written.__doc__) == [("latent_dim", "int", "2")]
    assert "stale" not in Written.__doc__ and "Examples\n--------\n>>> 1" in Written.__doc__


def test_override_changes_fields_and_refuses_unknown_names():
    changed = override(TOY_HYPERPARAMETERS, latent_dim={"default": 100})
    assert changed["latent_dim"].default == 100 and changed["latent_dim"].doc == SIZE.doc
    assert TOY_HYPERPARAMETERS["latent_dim"].default == 2, "override must not change the table it reads"
    assert list(changed) == list(TOY_HYPERPARAMETERS)
    with pytest.raises(KeyError, match="latent_size"):
        override(TOY_HYPERPARAMETERS, latent_size={"default": 100})


def test_pick_takes_names_in_order_and_refuses_unknown_names():
    picked = pick(TOY_HYPERPARAMETERS, "hidden", "latent_dim", hidden={"default": (4, 4)})
    assert list(picked) == ["hidden", "latent_dim"] and picked["hidden"].default == (4, 4)
    with pytest.raises(KeyError, match="widths"):
        pick(TOY_HYPERPARAMETERS, "widths")


def test_one_of_writes_numpydoc_options():
    assert one_of(("normal", "uniform")) == '{"normal", "uniform"}'


@pytest.mark.parametrize("name", NAMES)
def test_every_parameter_is_declared_with_a_constraint_and_a_meaning(name):
    cls = DETECTORS[name]
    params = cls().get_params()
    assert set(cls.hyperparameters) == set(params)
    assert set(cls._parameter_constraints) == set(params)
    for param, declared in cls.hyperparameters.items():
        assert declared.constraints, f"{param} has no constraint"
        assert declared.doc.strip() and declared.type.strip(), f"{param} has no meaning or no type"
        assert params[param] == declared.default
    validate_parameter_constraints(cls._parameter_constraints, params, caller_name=cls.__name__)  # defaults valid


@pytest.mark.parametrize("name", NAMES)
def test_help_lists_every_parameter_with_its_type_and_default(name):
    cls = DETECTORS[name]
    entries = parameters_section(cls.__doc__)
    signature = inspect.signature(cls)
    assert [param for param, _, _ in entries] == list(signature.parameters)
    for param, kind, default in entries:
        declared = cls.hyperparameters[param]
        assert kind == declared.type
        shown = f'"{declared.default}"' if isinstance(declared.default, str) else repr(declared.default)
        assert default == shown
    assert cls.__doc__.splitlines()[0].strip(), "the summary line is kept"


@pytest.mark.parametrize("name", NAMES)
def test_numpydoc_reads_the_generated_section(name):
    docscrape = pytest.importorskip("numpydoc.docscrape")
    cls = DETECTORS[name]
    parsed = docscrape.NumpyDocString(cls.__doc__)
    assert [p.name for p in parsed["Parameters"]] == list(inspect.signature(cls).parameters)
    assert all(p.desc for p in parsed["Parameters"])


def test_adgan_help_shows_its_own_defaults():
    assert "latent_dim : int, default=256\n" in ganad.ADGAN.__doc__
    assert 'gan : {"wgan-gp", "wgan-clip", "vanilla"}, default="wgan-clip"\n' in ganad.ADGAN.__doc__
    assert 'contamination : "range" or float in (0, 0.5], default="range"\n' in ganad.WGANCritic.__doc__
