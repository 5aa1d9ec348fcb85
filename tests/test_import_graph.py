"""The module graph of ``ganad``: no import cycle, no upward import, no private name imported.

The graph is read with ``ast`` from the files under ``src/ganad`` -- nothing is imported,
torch included. Its nodes are the modules (a package is its ``__init__``); its edges are
every import of a ``ganad`` module, wherever it stands:

* top-level imports and the lazy ones inside functions alike;
* the dynamic ones: ``importlib.import_module`` over ``ganad.catalog.METHODS``
  (``ganad.registry`` -> every detector package), the ``_EXPORTS`` tables of the lazy
  package ``__init__``s (``ganad.utils.lazy``), and any ``import_module``/``import_optional``
  of a literal ``"ganad..."`` name. Any other ``import_module`` call fails the test until
  this file is taught where its module names come from.

How an import statement becomes edges:

* ``from pkg import name`` is an edge to ``pkg.name`` when that is a module (a submodule
  import), else to ``pkg`` (``name`` is then an attribute of ``pkg``'s ``__init__``);
  ``import a.b`` and ``from a.b import x`` are edges to ``a.b``.
* Python runs a package's ``__init__`` before any module in it, so importing ``a.b.c`` is
  also an edge to each enclosing package (``a.b``) that the importer is not itself inside.
  An importer inside the package adds no such edge: the package is already being imported.
* A package ``__init__`` that imports its own submodules (``from . import sub``,
  ``from .sub import Name``, its ``_EXPORTS``) has ordinary edges ``pkg -> pkg.sub``: Python
  runs them when the package is imported. No edge is ignored, and none needs to be: by the
  two rules above, a submodule reaches its own package's ``__init__`` only by importing a
  *name* defined or re-exported there (``from . import __version__`` in ``ganad.io`` did,
  while ``ganad``'s ``__init__`` exported ``ganad.io.load_model``), and that is a real
  cycle: the name is read from a partly initialised module.

Layers, lowest first, read from the code (``LAYERS``). A module may import from its own
layer or a lower one, never from a higher one; within a layer the cycle test keeps the
order straight. ``scoring`` sits below ``training``: its functions are pure functions of
networks and tensors that never train, and the encoder phase (``training.encoder``)
minimises ``scoring.reconstruction.reconstruction_error``. ``ganad.model_folder`` (the
model format and ``save_model``) sits below ``base`` so that ``detector.save`` needs no
detector module; reading a model back (``ganad.io``) needs the registry, above them.
"""

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "ganad"

# (layer name, module prefixes); a module belongs to the layer of its longest matching prefix
LAYERS = (
    ("foundation", ("ganad._version", "ganad.errors", "ganad.catalog", "ganad.utils")),
    ("data", ("ganad.data",)),
    ("nets", ("ganad.nets",)),
    ("scoring", ("ganad.scoring",)),
    ("training", ("ganad.training",)),
    ("fitted state and model files", ("ganad.fitted_state", "ganad.explanation", "ganad.model_folder")),
    ("base", ("ganad.base_detector", "ganad.base")),  # BaseDetector (numpy rows); TorchDetector (torch networks)
    ("detectors", ("ganad.detectors",)),
    ("registry and loading", ("ganad.registry", "ganad.model_schema", "ganad.io")),
    ("evaluation and interoperability", ("ganad.metrics", "ganad.protocols", "ganad.plots", "ganad.report",
                                         "ganad.dask", "ganad.onnx_export", "ganad.adapters")),
    ("benchmarks", ("ganad.bench",)),
    ("command line", ("ganad.cli", "ganad.__main__")),
    ("package", ("ganad",)),  # the top-level __init__: lazy exports of everything
)
DYNAMIC_IMPORTERS = {"import_module", "import_optional"}
# modules whose import_module takes the name from their caller (whose table is read here)
NAME_FORWARDERS = {"ganad.utils.lazy", "ganad.utils.optional"}


def _modules():
    """``{dotted name: (path, is_package)}`` of every module under ``src/ganad``."""
    modules = {}
    for path in sorted((SOURCE / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return modules


MODULES = _modules()
TREES = {name: ast.parse(path.read_text(), filename=str(path)) for name, (path, _) in MODULES.items()}


def _absolute(importer, node):
    """The absolute module named by an ``ImportFrom`` node (relative levels resolved)."""
    if not node.level:
        return node.module
    parts = importer.split(".")
    if not MODULES[importer][1]:  # a module's level-1 base is its package
        parts = parts[:-1]
    parts = parts[:len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def _owning_module(name):
    """``name`` itself when a module, else the longest enclosing module (``pkg.attr`` -> ``pkg``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _method_modules():
    """The modules of ``ganad.catalog.METHODS`` (name -> (module, class))."""
    for node in TREES["ganad.catalog"].body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "METHODS" for t in node.targets):
            return {value.elts[0].value for value in node.value.values}
    raise AssertionError("ganad.catalog has no METHODS table")


def _module_strings(node):
    """The string constants in ``node`` that name a ganad module."""
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and n.value in MODULES}


def _dynamic_targets(name, tree):
    """Modules that ``name`` imports by name at run time, and the calls it could not resolve."""
    targets, unresolved = set(), []
    uses_methods = any(isinstance(n, ast.Name) and n.id == "METHODS" for n in ast.walk(tree))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_EXPORTS" for t in node.targets):
            targets |= _module_strings(node.value)
        if not isinstance(node, ast.Call):
            continue
        function = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if function not in DYNAMIC_IMPORTERS or not node.args:
            continue
        argument = node.args[0]
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            if argument.value.split(".")[0] == PACKAGE:
                targets.add(_owning_module(argument.value))
        elif uses_methods:  # importlib over the catalog's table
            targets |= _method_modules()
        elif name not in NAME_FORWARDERS:
            unresolved.append(f"{name}:{node.lineno}")
    return targets, unresolved


def _imports(name, tree):
    """``(imported module, imported names)`` for every static import of a ganad module in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield _owning_module(alias.name), ()
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(name, node)
            if not module or module.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                if submodule in MODULES:
                    yield submodule, ()
                else:
                    yield _owning_module(module), (alias.name,)


def _enclosing_packages(importer, target):
    """The packages around ``target`` that Python initialises first and ``importer`` is not inside."""
    parts = target.split(".")
    for end in range(1, len(parts)):
        package = ".".join(parts[:end])
        if not (importer == package or importer.startswith(package + ".")):
            yield package


def _graph():
    edges, unresolved = {name: set() for name in MODULES}, []
    for name, tree in TREES.items():
        targets = {target for target, _ in _imports(name, tree)}
        dynamic, missed = _dynamic_targets(name, tree)
        unresolved += missed
        for target in targets | dynamic:
            edges[name].add(target)
            edges[name].update(_enclosing_packages(name, target))
        edges[name].discard(name)
    return edges, unresolved


EDGES, UNRESOLVED = _graph()


def _layer(module):
    best = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or (prefix != PACKAGE and module.startswith(prefix + "."))
            if matches and (best is None or len(prefix) > len(best[1])):
                best = (index, prefix)
    return None if best is None else best[0]


def _cycles(edges):
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, components, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(edges[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return components


def _shortest_cycle(component):
    """A shortest path ``a -> ... -> a`` inside one strongly connected component, as text."""
    members = set(component)
    start = component[0]
    paths, frontier = {start: [start]}, [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in sorted(EDGES[node] & members):
                if successor == start:
                    return " -> ".join(paths[node] + [start])
                if successor not in paths:
                    paths[successor] = paths[node] + [successor]
                    following.append(successor)
        frontier = following
    raise AssertionError(f"{component} is not a cycle")


def test_the_graph_is_read_whole():
    assert "ganad.base" in MODULES and len(MODULES) > 100
    assert not UNRESOLVED, f"dynamic imports this test cannot resolve: {UNRESOLVED}"
    assert _method_modules() <= EDGES["ganad.registry"], "the registry's importlib edges are missing"
    assert "ganad.io" in EDGES["ganad"], "ganad.__init__'s lazy _EXPORTS edges are missing"
    lazy = {target for name, tree in TREES.items() for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            for target, _ in _imports(name, node)}
    assert "ganad.cli.ring_demo" in lazy, "imports inside functions are missing"


def test_no_import_cycle():
    cycles = _cycles(EDGES)
    described = [f"{_shortest_cycle(cycle)} (one of the cycles among {len(cycle)} modules)" for cycle in cycles]
    assert not cycles, "import cycles:\n" + "\n".join(described)


def test_every_module_has_a_layer():
    assert not [module for module in MODULES if _layer(module) is None], "place these modules in LAYERS"


def test_no_upward_import():
    upward = [f"{module} ({LAYERS[_layer(module)][0]}) -> {target} ({LAYERS[_layer(target)][0]})"
              for module in sorted(EDGES) for target in sorted(EDGES[module]) if _layer(target) > _layer(module)]
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def test_no_private_name_is_imported_across_modules():
    private = [f"{name} imports {target}.{imported}" for name, tree in TREES.items()
               for target, names in _imports(name, tree) for imported in names
               if imported.startswith("_") and not imported.startswith("__") and target != name]
    assert not private, "private names imported across modules (make them public where they belong):\n" + \
        "\n".join(sorted(private))
