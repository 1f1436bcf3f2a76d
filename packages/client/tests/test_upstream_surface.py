"""The public surface of juniper-cascor-client 0.8.0 is all here, with compatible signatures.

``data/upstream-0.8-surface.json`` lists, for every module of the released 0.8.0 wheel, its
public names with their facts (constant values, class methods with their parameters, the
attributes ``__init__`` sets); ``tools/upstream_names.py`` generated it from the wheel. Each
test below checks one kind of fact against our modules:

- every module imports and has every public name;
- every constant has the upstream value and type;
- every method of the upstream classes exists on ours, with the same kind (method, property,
  coroutine), and accepts every call the upstream signature accepts (same positions and
  keywords, defaults where upstream had them, nothing newly required);
- every attribute the upstream ``__init__`` sets exists on our instances.

The few upstream names left out on purpose are listed in ``NOT_PROVIDED`` with the reason.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SURFACE = json.loads((Path(__file__).parent / "data" / "upstream-0.8-surface.json").read_text())
MODULES: dict[str, dict[str, Any]] = SURFACE["modules"]

NOT_PROVIDED = {
    "juniper_cascor_client.testing.scenarios": (
        "the 0.8 fake's synthetic curves and topologies; the fake server trains a real network "
        "and its scenarios live in juniper_cascor_fake_server.scenarios"
    ),
    "juniper_cascor_client.testing.fake_client.STATE_TRANSITIONS": (
        "the 0.8 fake's own state table; FakeCascorClient follows the server's state machine"
    ),
    "juniper_cascor_client.__version__": "our own version (checked in test_package)",
}
"""Upstream modules or names (``module.name``) deliberately not provided, with the reason."""

CONSUMER_PRIVATE_METHODS = frozenset({"_request", "_get", "_post", "_patch", "_delete"})
"""Private REST methods consumers call (the dashboard posts through ``_post``)."""

SPECIAL_METHODS = frozenset(
    {"__init__", "__enter__", "__exit__", "__aenter__", "__aexit__", "__aiter__"}
)

CLASS_UNDER_TEST = {
    "juniper_cascor_client.testing.fake_ws_client.FakeCascorTrainingStream": (
        "juniper_cascor_client.testing.fake_ws_client",
        "CannedTrainingStream",
    ),
}
"""Where the behaviour of an upstream class lives when the name builds another class: the
0.8 call forms of ``FakeCascorTrainingStream(...)`` build a ``CannedTrainingStream``."""


def _provided(module: str, name: str | None = None) -> bool:
    return module not in NOT_PROVIDED and (name is None or f"{module}.{name}" not in NOT_PROVIDED)


def _names(*kinds: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for module, names in MODULES.items():
        for name, facts in names.items():
            if facts["kind"] in kinds and _provided(module, name):
                yield module, name, facts


def _decode(value: Any) -> Any:
    """A value of the surface file as Python (containers are tagged with their type)."""
    if not isinstance(value, dict):
        return value
    items = value["items"]
    if value["type"] == "dict":
        return {_decode(key): _decode(item) for key, item in items}
    containers: dict[str, Any] = {"tuple": tuple, "list": list, "set": set, "frozenset": frozenset}
    return containers[value["type"]](_decode(item) for item in items)


def _ours(module: str, qualified: str) -> Any:
    home, name = CLASS_UNDER_TEST.get(f"{module}.{qualified}", (module, qualified))
    return getattr(importlib.import_module(home), name)


def test_the_surface_file_is_the_released_0_8_0() -> None:
    assert (SURFACE["distribution"], SURFACE["version"]) == ("juniper-cascor-client", "0.8.0")
    assert len(MODULES["juniper_cascor_client.constants"]) == 74


@pytest.mark.parametrize("module", [m for m in MODULES if _provided(m)])
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (module, name)
        for module, name, _ in _names("constant", "class", "function", "reexport", "object")
    ],
)
def test_every_public_name_exists(module: str, name: str) -> None:
    assert hasattr(importlib.import_module(module), name), f"{module}.{name} is missing"


@pytest.mark.parametrize(
    ("module", "name", "facts"),
    list(_names("constant")),
    ids=[f"{m}.{n}" for m, n, _ in _names("constant")],
)
def test_every_constant_has_the_upstream_value(
    module: str, name: str, facts: dict[str, Any]
) -> None:
    ours = getattr(importlib.import_module(module), name)
    expected = _decode(facts["value"])
    assert type(ours).__name__ == facts["type"]
    assert ours == expected


def _methods() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for module, cls, facts in _names("class"):
        for method, method_facts in facts["methods"].items():
            public = not method.startswith("_")
            if public or method in SPECIAL_METHODS or method in CONSUMER_PRIVATE_METHODS:
                yield module, cls, method, method_facts


@pytest.mark.parametrize(
    ("module", "cls", "method", "facts"),
    list(_methods()),
    ids=[f"{m.rsplit('.', 1)[-1]}.{c}.{n}" for m, c, n, _ in _methods()],
)
def test_every_method_is_compatible(
    instances: dict[str, Any], module: str, cls: str, method: str, facts: dict[str, Any]
) -> None:
    ours = _ours(module, cls)
    attribute = inspect.getattr_static(ours, method, None)
    if facts["kind"] == "property":
        # A property may equally be a plain attribute that our __init__ sets.
        instance = instances.get(f"{module}.{cls}")
        assert attribute is not None or hasattr(instance, method), f"{cls}.{method} is missing"
        return
    assert attribute is not None, f"{cls}.{method} is missing"
    function = getattr(ours, method)
    if facts["async"] and facts["generator"]:
        # An async generator, or a method returning an async iterator: both iterate alike.
        assert not inspect.iscoroutinefunction(function), f"{method} must not need awaiting"
    elif facts["async"]:
        assert inspect.iscoroutinefunction(function), f"{method} must be a coroutine function"
    else:
        assert not inspect.iscoroutinefunction(function), f"{method} must not be a coroutine"
    upstream = facts["parameters"]
    if facts["kind"] != "staticmethod":
        upstream = upstream[1:]  # self (or cls)
    if method in SPECIAL_METHODS - {"__init__"}:  # called by Python, positionally
        upstream = [{**entry, "kind": "POSITIONAL_ONLY"} for entry in upstream]
    problems = incompatibilities(upstream, inspect.signature(function))
    assert not problems, problems


def incompatibilities(upstream: list[dict[str, Any]], ours: inspect.Signature) -> list[str]:
    """Why some call that the upstream parameters accept would fail against ``ours``.

    ``ours`` is the signature as called (bound methods drop ``self``).
    """
    params = list(ours.parameters.values())
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    kind = inspect.Parameter
    positional = [p for p in params if p.kind in (kind.POSITIONAL_ONLY, kind.POSITIONAL_OR_KEYWORD)]
    by_name = {p.name: p for p in params if p.kind is not kind.POSITIONAL_ONLY}
    var_positional = any(p.kind is kind.VAR_POSITIONAL for p in params)
    var_keyword = any(p.kind is kind.VAR_KEYWORD for p in params)
    problems: list[str] = []
    matched: set[str] = set()
    index = 0
    for entry in upstream:
        name, entry_kind, optional = entry["name"], entry["kind"], "default" in entry
        if entry_kind == "VAR_POSITIONAL":
            if not var_positional:
                problems.append(f"*{name}: no *args")
            continue
        if entry_kind == "VAR_KEYWORD":
            if not var_keyword:
                problems.append(f"**{name}: no **kwargs")
            continue
        if entry_kind in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD"):
            ours_here = positional[index] if index < len(positional) else None
            index += 1
            if ours_here is None:
                if not var_positional:
                    problems.append(f"{name}: not accepted at position {index}")
                continue
            if entry_kind == "POSITIONAL_OR_KEYWORD" and ours_here.name != name:
                problems.append(f"{name}: position {index} is {ours_here.name!r} here")
                continue
            target = ours_here
        else:
            found = by_name.get(name)
            if found is None or found.kind is kind.VAR_POSITIONAL:
                if not var_keyword:
                    problems.append(f"{name}: keyword not accepted")
                continue
            target = found
        matched.add(target.name)
        if optional and target.default is kind.empty:
            problems.append(f"{name}: optional upstream, required here")
    for param in params:
        if param.kind in (kind.VAR_POSITIONAL, kind.VAR_KEYWORD) or param.name in matched:
            continue
        if param.default is kind.empty:
            problems.append(f"{param.name}: required here, unknown upstream")
    return problems


@pytest.mark.parametrize(("module", "name", "facts"), list(_names("function")))
def test_every_function_is_compatible(module: str, name: str, facts: dict[str, Any]) -> None:
    function = getattr(importlib.import_module(module), name)
    assert callable(function)
    assert inspect.iscoroutinefunction(function) == facts["async"]
    problems = incompatibilities(facts["parameters"], inspect.signature(function))
    assert not problems, problems


@pytest.fixture(scope="module")
def instances() -> Iterator[dict[str, Any]]:
    """One instance of each upstream class that sets attributes, built with upstream calls."""
    from juniper_cascor_client import exceptions
    from juniper_cascor_client.client import JuniperCascorClient
    from juniper_cascor_client.testing.fake_client import FakeCascorClient
    from juniper_cascor_client.testing.fake_ws_client import FakeCascorTrainingStream
    from juniper_cascor_client.ws_client import CascorControlStream, CascorTrainingStream

    built: dict[str, Any] = {
        "juniper_cascor_client.client.JuniperCascorClient": JuniperCascorClient(),
        "juniper_cascor_client.ws_client.CascorTrainingStream": CascorTrainingStream(),
        "juniper_cascor_client.ws_client.CascorControlStream": CascorControlStream(),
        "juniper_cascor_client.testing.fake_ws_client.FakeCascorTrainingStream": (
            FakeCascorTrainingStream()
        ),
        "juniper_cascor_client.testing.fake_client.FakeCascorClient": FakeCascorClient(),
    }
    for name in MODULES["juniper_cascor_client.exceptions"]:
        built[f"juniper_cascor_client.exceptions.{name}"] = getattr(exceptions, name)("m")
    try:
        yield built
    finally:
        built["juniper_cascor_client.testing.fake_client.FakeCascorClient"].close()
        built["juniper_cascor_client.client.JuniperCascorClient"].close()


def _attributes() -> Iterator[tuple[str, str]]:
    for module, cls, facts in _names("class"):
        for attribute in facts["attributes"]:
            yield f"{module}.{cls}", attribute


@pytest.mark.parametrize(("cls", "attribute"), list(_attributes()))
def test_every_instance_attribute_exists(
    instances: dict[str, Any], cls: str, attribute: str
) -> None:
    assert hasattr(instances[cls], attribute), f"{cls} instances have no {attribute!r}"


def test_the_compatibility_check_finds_what_breaks_an_upstream_call() -> None:
    upstream = [
        {"name": "a", "kind": "POSITIONAL_OR_KEYWORD"},
        {"name": "b", "kind": "POSITIONAL_OR_KEYWORD", "default": "1"},
        {"name": "c", "kind": "KEYWORD_ONLY", "default": "None"},
    ]

    def check(function: Any) -> list[str]:
        return incompatibilities(upstream, inspect.signature(function))

    def same_and_more(a: int, b: int = 1, *, c: int | None = None, d: int = 2) -> None: ...
    def catch_all(*args: Any, **kwargs: Any) -> None: ...
    def renamed(a: int, bb: int = 1, *, c: int | None = None) -> None: ...
    def now_required(a: int, b: int, *, c: int | None = None) -> None: ...
    def without_c(a: int, b: int = 1) -> None: ...
    def new_required(a: int, b: int = 1, *, c: int | None = None, e: int) -> None: ...
    def keyword_only_b(a: int, *, b: int = 1, c: int | None = None) -> None: ...

    assert check(same_and_more) == []
    assert check(catch_all) == []
    assert check(renamed) == ["b: position 2 is 'bb' here"]
    assert check(now_required) == ["b: optional upstream, required here"]
    assert check(without_c) == ["c: keyword not accepted"]
    assert check(new_required) == ["e: required here, unknown upstream"]
    assert check(keyword_only_b) == ["b: not accepted at position 2"]
