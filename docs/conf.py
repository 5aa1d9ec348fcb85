"""Sphinx configuration of ganad's documentation: API reference, one page per paper, gallery.

Build with ``make docs`` (see ``docs/index.rst``, "Building this site").
"""

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

# The build executes the gallery and the doctests on small networks: one torch thread keeps it
# light beside other work (ganad.utils.threads reads GANAD_NUM_THREADS), and matplotlib draws
# without a display.
os.environ.setdefault("GANAD_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "agg")

import ganad  # noqa: E402  (after the environment above)

project = "ganad"
author = "the ganad developers"
copyright = "the ganad developers, BSD-3-Clause"
version = release = ganad.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "ganad_markdown",  # docs/_ext: committed Markdown (method READMEs, results tables) rendered in place
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "README.md", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.md5", "auto_examples/*.codeobj.json"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"

html_theme = "alabaster"
html_theme_options = {"description": "GAN anomaly detectors behind the scikit-learn outlier API",
                      "fixed_sidebar": True, "page_width": "1100px", "sidebar_width": "230px"}
html_static_path = ["_static"]
html_css_files = ["ganad.css"]
html_show_sourcelink = False

# API reference: autosummary writes one page per object into generated/ (not committed).
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "groupwise"}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False  # the class template lists the methods
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# Doctests: the docstrings' Examples sections (standard ">>>" blocks) run under -b doctest.
doctest_test_doctest_blocks = "default"
doctest_global_setup = "import numpy as np"

# Gallery: every examples/plot_*.py runs at build time at a small size (each under ~20 s here,
# except plot_mnist_one_class.py: about 40 s of CPU, as it trains ADGAN and ranks 200 images).
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "download_all_examples": False,
    "doc_module": ("ganad",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"ganad": None},
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
}

# ganad_markdown: paths in its directives are relative to the repository root.
ganad_markdown_root = str(ROOT)


def _skip_metadata_requests(app, what, name, obj, skip, options):
    """Hide scikit-learn's generated ``set_{method}_request`` (metadata routing), as its own
    glossary, which their docstrings link to, is not part of this site."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_requests)
