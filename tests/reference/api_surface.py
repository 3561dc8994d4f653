"""Describe the public surface of a `dezero` package: every public name of the book's modules.

`describe()` gives one line per name, such as
    "dezero.layers.RNN": "class (hidden_size, in_size=None)"
    "dezero.layers.RNN.reset_state": "function (self)"
    "dezero.utils.Variable": "alias dezero.core.Variable"
Defaults are written so that two packages compare: an enum as its value, a class by its
dotted name, a function by its name, an object by its class and attributes. Imported
modules that are not dezero's own (numpy, os, matplotlib, ...) are left out.

test_api.py compares the reference with official_api.json, which holds this description
of the official package (made once with this module, from the official package's own
environment: it imports nothing but the standard library and the package it describes).
"""

from __future__ import annotations

import enum
import importlib
import inspect
import types
from typing import Any

MODULES = (
    "dezero", "dezero.core", "dezero.core_simple", "dezero.functions", "dezero.functions_conv",
    "dezero.layers", "dezero.models", "dezero.optimizers", "dezero.datasets", "dezero.dataloaders",
    "dezero.transforms", "dezero.utils", "dezero.cuda",
)


class _Shown:
    """A default value that prints as its normalized text inside a signature."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def value_text(v: Any) -> str:
    """A default value as text that does not depend on addresses or on where it is defined."""
    if isinstance(v, enum.Enum):
        return repr(v.value)
    if v is None or isinstance(v, (bool, int, float, str)):
        return repr(v)
    if isinstance(v, (tuple, list)):
        inner = ", ".join(value_text(x) for x in v)
        return f"({inner})" if isinstance(v, tuple) else f"[{inner}]"
    if isinstance(v, type):
        return f"{v.__module__}.{v.__qualname__}"
    if isinstance(v, types.ModuleType):
        return f"<module {v.__name__}>"
    if not hasattr(v, "__dict__"):
        return repr(v)
    if callable(v) and hasattr(v, "__qualname__"):
        return f"<function {v.__name__}>"
    attrs = ", ".join(f"{k}={value_text(x)}" for k, x in sorted(vars(v).items()))
    return f"{type(v).__qualname__}({attrs})"


def signature_text(obj: Any) -> str:
    """The signature with normalized defaults and no annotations, e.g. "(x, axis=None)"."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(?)"
    params = []
    for p in sig.parameters.values():
        default = p.default if p.default is inspect.Parameter.empty else _Shown(value_text(p.default))
        params.append(p.replace(default=default, annotation=inspect.Parameter.empty))
    return str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))


def _kind(v: Any, owner: type | None = None, name: str | None = None) -> str:
    if owner is not None and name is not None:
        raw = inspect.getattr_static(owner, name)
        if isinstance(raw, property):
            return "property"
        if isinstance(raw, staticmethod):
            return "staticmethod " + signature_text(v)
        if isinstance(raw, classmethod):
            return "classmethod " + signature_text(v)
    if isinstance(v, str):
        return "value str"
    if isinstance(v, types.ModuleType):
        return "module " + v.__name__
    if (isinstance(v, type) or callable(v)) and not getattr(v, "__module__", "dezero").startswith("dezero"):
        return f"external {v.__module__}.{getattr(v, '__qualname__', '?')}"
    if isinstance(v, type):
        return "class " + signature_text(v)
    if callable(v):
        return "function " + signature_text(v)
    return "value " + type(v).__name__


def _public(module: types.ModuleType) -> dict[str, Any]:
    names = {}
    for n in sorted(dir(module)):
        if n.startswith("_"):
            continue
        try:
            v = getattr(module, n)
        except ImportError:  # a name that needs an optional package (Pillow's Image)
            continue
        if isinstance(v, types.ModuleType) and (not v.__name__.startswith("dezero.")):
            continue  # numpy, os, matplotlib... and the package itself
        names[n] = v
    return names


def describe(modules: tuple[str, ...] = MODULES) -> dict[str, str]:
    """Every public name of the modules, a class's public members included, as path: text.

    An object reachable under several names is described once, at its home (the module and
    name it was defined with, else the first path found); the other paths say `alias <home>`.
    """
    loaded = {m: importlib.import_module(m) for m in modules}
    paths: dict[int, list[str]] = {}
    objects: dict[str, Any] = {}
    for m, module in loaded.items():
        for n, v in _public(module).items():
            path = f"{m}.{n}"
            objects[path] = v
            if not isinstance(v, (bool, int, float, str, types.ModuleType)) and v is not None:
                paths.setdefault(id(v), []).append(path)
    out: dict[str, str] = {}
    for path, v in objects.items():
        home = _home(v, paths.get(id(v), [path]))
        if home != path:
            out[path] = "alias " + home
            continue
        out[path] = _kind(v)
        if out[path].startswith("class "):
            for member in dir(v):
                if not member.startswith("_") and not hasattr(object, member):
                    out[f"{path}.{member}"] = _kind(getattr(v, member), v, member)
    return out


def _home(v: Any, candidates: list[str]) -> str:
    own = f"{getattr(v, '__module__', '')}.{getattr(v, '__name__', '')}"
    return own if own in candidates else candidates[0]


def _top_level(path: str) -> bool:
    module = max((m for m in MODULES if path.startswith(m + ".")), key=len, default=None)
    return module is not None and "." not in path[len(module) + 1 :]


def _home_of(names: dict[str, str], path: str) -> str:
    text = names.get(path, "")
    return text[len("alias ") :] if text.startswith("alias ") else path


def compare(official: dict[str, str], ours: dict[str, str]) -> dict[str, list[str | None]]:
    """Each official path whose description differs in ours: path -> [official, ours].

    An object is compared where the official package defines it (its members included);
    a path that is an alias there must be one of the same object here too. `None` on our
    side means the name is missing.
    """
    diffs: dict[str, list[str | None]] = {}
    for path in sorted(p for p in official if _top_level(p)):
        if path not in ours:
            diffs[path] = [official[path], None]
            continue
        off_home, our_home = _home_of(official, path), _home_of(ours, path)
        if off_home != path:  # an alias there: the same object here
            if _home_of(ours, off_home) != our_home:
                diffs[path] = [official[path], ours[path]]
            continue
        if official[path] != ours[our_home]:
            diffs[path] = [official[path], ours[our_home]]
        if not official[path].startswith("class "):
            continue
        prefix = path + "."
        for member in sorted(p for p in official if p.startswith(prefix) and "." not in p[len(prefix) :]):
            mine = ours.get(our_home + member[len(path) :])
            if official[member] != mine:
                diffs[member] = [official[member], mine]
    return diffs
