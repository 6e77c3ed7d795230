"""Quick checks of simple subschemas, so validating a course stays cheap at load time.

jsonschema builds a new validator for every value it descends into, which is most of its cost
on content files: thousands of short texts, flags and numbers, each against a *leaf* subschema
(only ``type``, ``pattern``, ``enum``, ``const``, bounds and annotations). ``properties`` and
``items`` here first test such a value with a plain predicate that gives the same verdict; only
a value that fails it (or a subschema that is not a leaf) is descended into, so every error is
still jsonschema's own, with its path and keyword. ``tests/content/test_schemas.py`` checks the
verdicts match jsonschema's on valid and broken files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"description", "errorMessage", "title"})
_LEAF = _ANNOTATIONS | {
    "type", "pattern", "enum", "const", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength",
}  # fmt: skip


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _number,
    "integer": lambda v: _number(v) and (isinstance(v, int) or float(v).is_integer()),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _same(value: Any, wanted: Any) -> bool:
    """JSON equality for the scalars a leaf compares with (true is not 1)."""
    if isinstance(wanted, bool) or wanted is None:
        return value is wanted
    return isinstance(value, str) and value == wanted


def _build(schema: Any) -> Check | None:
    """A predicate with the verdict of ``schema`` on any value, or None if it is no leaf."""
    if schema is True:
        return lambda value: True
    if not isinstance(schema, dict) or not set(schema) <= _LEAF:
        return None
    scalars = [*schema.get("enum", ()), *([schema["const"]] if "const" in schema else [])]
    if not all(isinstance(s, (str, bool)) or s is None for s in scalars):
        return None
    tests: list[Check] = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        kinds = [_TYPES[name] for name in names]
        tests.append(lambda v: any(kind(v) for kind in kinds))
    if "pattern" in schema:
        search = re.compile(schema["pattern"]).search
        tests.append(lambda v: not isinstance(v, str) or search(v) is not None)
    if "minLength" in schema:
        shortest = schema["minLength"]
        tests.append(lambda v: not isinstance(v, str) or len(v) >= shortest)
    if "enum" in schema:
        allowed = list(schema["enum"])
        tests.append(lambda v: any(_same(v, a) for a in allowed))
    if "const" in schema:
        const = schema["const"]
        tests.append(lambda v: _same(v, const))
    for keyword, holds in (
        ("minimum", lambda v, b: v >= b),
        ("maximum", lambda v, b: v <= b),
        ("exclusiveMinimum", lambda v, b: v > b),
        ("exclusiveMaximum", lambda v, b: v < b),
    ):
        if keyword in schema:
            bound = schema[keyword]
            tests.append(lambda v, b=bound, h=holds: not _number(v) or h(v, b))
    return lambda value: all(test(value) for test in tests)


#: id(subschema) -> (subschema, its check): the subschema is kept so its id is never reused.
_CHECKS: dict[int, tuple[Any, Check | None]] = {}


def quick_check(schema: Any) -> Check | None:
    entry = _CHECKS.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = _CHECKS[id(schema)] = (schema, _build(schema))
    return entry[1]


def properties(validator: Any, properties: dict, instance: Any, schema: dict) -> Iterable:
    """jsonschema's ``properties``, skipping values a leaf's quick check accepts."""
    if not validator.is_type(instance, "object"):
        return
    for key, subschema in properties.items():
        if key not in instance:
            continue
        check = quick_check(subschema)
        if check is not None and check(instance[key]):
            continue
        yield from validator.descend(instance[key], subschema, path=key, schema_path=key)


def items(validator: Any, items: Any, instance: Any, schema: dict) -> Iterable:
    """jsonschema's ``items``, skipping items a leaf's quick check accepts."""
    if items is False or "prefixItems" in schema:
        from jsonschema import _keywords  # imported by then: the validator is jsonschema's

        yield from _keywords.items(validator, items, instance, schema)
        return
    if not validator.is_type(instance, "array"):
        return
    check = quick_check(items)
    for index, item in enumerate(instance):
        if check is not None and check(item):
            continue
        yield from validator.descend(item, items, path=index)
