"""List the public surface of a released ``juniper-cascor-client`` wheel as JSON facts.

The wheel's modules are parsed, never imported, so nothing of the release runs and its
dependencies need not be installed. For every module the output holds its public names; for
each one its kind and:

- constants: the Python type and the value (tuples, lists, sets and frozensets tagged with
  their type, so ``(1, 2)`` and ``[1, 2]`` stay distinct);
- functions: the parameters (name, kind, default as written in the source), ``async`` and
  ``generator`` (the body yields);
- classes: the base classes, every method (with the members of base classes defined in the same
  module), properties, and the public attributes that ``__init__`` sets on ``self``.

A module with ``__all__`` exports exactly those names (re-exported ones are marked with the
module they come from); otherwise its public names are the top-level definitions and
assignments without a leading underscore (imports are not counted). Run from the workspace
root, with the wheel downloaded by ``pip download juniper-cascor-client==0.8.0 --no-deps``::

    uv run python tools/upstream_names.py juniper_cascor_client-0.8.0-py3-none-any.whl \\
        --output packages/client/tests/data/upstream-0.8-surface.json
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

DEFAULT_OUTPUT = Path("packages/client/tests/data/upstream-0.8-surface.json")
WHEEL_NAME = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)-")

_KINDS = {
    "posonlyargs": "POSITIONAL_ONLY",
    "args": "POSITIONAL_OR_KEYWORD",
    "kwonlyargs": "KEYWORD_ONLY",
}
_CONTAINERS: dict[str, type[Any]] = {
    "tuple": tuple,
    "list": list,
    "set": set,
    "frozenset": frozenset,
    "dict": dict,
}


class NotLiteralError(ValueError):
    """An assigned value that is not built from literals and known constants."""


def evaluate(node: ast.expr, known: dict[str, Any]) -> Any:
    """The value of a literal expression; names resolve to constants assigned before it.

    Raises:
        NotLiteralError: for anything else (calls other than the built-in containers,
            attribute access, comprehensions...).
    """
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in known:
        return known[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -evaluate(node.operand, known)
    if isinstance(node, ast.Tuple):
        return tuple(evaluate(item, known) for item in node.elts)
    if isinstance(node, ast.List):
        return [evaluate(item, known) for item in node.elts]
    if isinstance(node, ast.Set):
        return {evaluate(item, known) for item in node.elts}
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {
            evaluate(key, known): evaluate(value, known)
            for key, value in zip(node.keys, node.values, strict=True)
            if key is not None
        }
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _CONTAINERS
        and len(node.args) <= 1
        and not node.keywords
    ):
        container = _CONTAINERS[node.func.id]
        return container(evaluate(node.args[0], known)) if node.args else container()
    raise NotLiteralError(ast.unparse(node))


def encode(value: Any) -> Any:
    """``value`` as JSON, containers tagged with their type (set members sorted)."""
    if isinstance(value, tuple | list):
        return {"type": type(value).__name__, "items": [encode(item) for item in value]}
    if isinstance(value, set | frozenset):
        items = sorted(value, key=repr)
        return {"type": type(value).__name__, "items": [encode(item) for item in items]}
    if isinstance(value, dict):
        return {
            "type": "dict",
            "items": [[encode(key), encode(item)] for key, item in value.items()],
        }
    return value


def parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[dict[str, Any]]:
    """The parameters of ``function`` in order, with their kinds and written defaults."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: dict[str, ast.expr] = dict(
        zip(
            [a.arg for a in positional[len(positional) - len(arguments.defaults) :]],
            arguments.defaults,
            strict=True,
        )
    )
    for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if default is not None:
            defaults[argument.arg] = default
    result: list[dict[str, Any]] = []
    for group in ("posonlyargs", "args"):
        result.extend(_parameter(a, _KINDS[group], defaults) for a in getattr(arguments, group))
    if arguments.vararg is not None:
        result.append({"name": arguments.vararg.arg, "kind": "VAR_POSITIONAL"})
    result.extend(_parameter(a, "KEYWORD_ONLY", defaults) for a in arguments.kwonlyargs)
    if arguments.kwarg is not None:
        result.append({"name": arguments.kwarg.arg, "kind": "VAR_KEYWORD"})
    return result


def _parameter(argument: ast.arg, kind: str, defaults: dict[str, ast.expr]) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": argument.arg, "kind": kind}
    if argument.arg in defaults:
        entry["default"] = ast.unparse(defaults[argument.arg])
    return entry


def function_facts(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Any]:
    """Kind, ``async`` and parameters of a function or method."""
    decorators = [ast.unparse(d) for d in function.decorator_list]
    kind = "property" if "property" in decorators else "function"
    if "staticmethod" in decorators:
        kind = "staticmethod"
    elif "classmethod" in decorators:
        kind = "classmethod"
    return {
        "kind": kind,
        "async": isinstance(function, ast.AsyncFunctionDef),
        "generator": _yields(function),
        "parameters": parameters(function),
    }


def _yields(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether ``function`` itself (not a function nested in it) contains ``yield``."""
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Yield | ast.YieldFrom):
            return True
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            pending.extend(ast.iter_child_nodes(node))
    return False


def _init_attributes(init: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(init):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                and not target.attr.startswith("_")
            ):
                names.add(target.attr)
    return names


def class_facts(node: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> dict[str, Any]:
    """Bases, methods (own and inherited from classes of the module) and ``__init__`` attributes.

    A method defined in the class wins over one of the same name in a base, as in Python.
    """
    methods: dict[str, Any] = {}
    attributes: set[str] = set()
    for owner in reversed(_lineage(node, classes)):
        for item in owner.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                methods[item.name] = function_facts(item)
                if item.name == "__init__":
                    attributes |= _init_attributes(item)
    return {
        "kind": "class",
        "bases": [ast.unparse(base) for base in node.bases],
        "methods": dict(sorted(methods.items())),
        "attributes": sorted(attributes),
    }


def _lineage(node: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[ast.ClassDef]:
    """``node`` and its bases defined in the same module, nearest first (depth first)."""
    found = [node]
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in classes:
            found.extend(c for c in _lineage(classes[base.id], classes) if c not in found)
    return found


def _is_logger(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "getLogger"
    )


def module_facts(source: str, module: str) -> dict[str, Any]:
    """The public names of one module, with their facts."""
    tree = ast.parse(source)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    imported: dict[str, str] = {}
    known: dict[str, Any] = {}
    names: dict[str, Any] = {}
    exported: list[str] | None = None
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                imported[alias.asname or alias.name] = node.module
        elif isinstance(node, ast.ClassDef):
            names[node.name] = class_facts(node, classes)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names[node.name] = function_facts(node)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not isinstance(target, ast.Name):
                    continue
                if target.id == "__all__":
                    exported = list(evaluate(node.value, known))
                    continue
                names[target.id] = _assignment(node.value, known, target.id)
    if exported is None:
        public = {n: f for n, f in names.items() if not n.startswith("_")}
    else:
        public = {
            name: names.get(name) or {"kind": "reexport", "from": imported[name]}
            for name in exported
        }
    return {"module": module, "names": dict(sorted(public.items()))}


def _assignment(value: ast.expr, known: dict[str, Any], name: str) -> dict[str, Any]:
    if _is_logger(value):
        return {"kind": "logger"}
    try:
        constant = evaluate(value, known)
    except NotLiteralError:
        return {"kind": "object"}
    known[name] = constant
    return {"kind": "constant", "type": type(constant).__name__, "value": encode(constant)}


def wheel_facts(wheel: Path) -> dict[str, Any]:
    """Every module of the wheel's top-level package, by dotted name.

    Raises:
        ValueError: when the file name is not a wheel's.
    """
    match = WHEEL_NAME.match(wheel.name)
    if match is None:
        raise ValueError(f"not a wheel file name: {wheel.name}")
    modules: dict[str, Any] = {}
    with zipfile.ZipFile(wheel) as archive:
        for member in sorted(archive.namelist()):
            path = PurePosixPath(member)
            if path.suffix != ".py" or ".dist-info" in path.parts[0]:
                continue
            parts = list(path.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            module = ".".join(parts)
            source = archive.read(member).decode("utf-8")
            modules[module] = module_facts(source, module)["names"]
    return {
        "distribution": match["name"].replace("_", "-"),
        "version": match["version"],
        "modules": modules,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="the released wheel (.whl)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    facts = wheel_facts(args.wheel)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(facts, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    counts = {module: len(names) for module, names in facts["modules"].items()}
    print(f"{facts['distribution']} {facts['version']}: {sum(counts.values())} names")
    for module, count in counts.items():
        print(f"  {module}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
