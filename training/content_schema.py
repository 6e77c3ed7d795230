"""The content formats' JSON Schemas (``docs/schemas/``), and validating parsed files with them.

The schemas are the single definition of the structure of ``course.yaml``, module front matter,
quiz files and role-play files: the checker validates with them (draft 2020-12, ``jsonschema``)
and keeps code only for what a schema cannot say (files that exist, the role-play graph, links,
editions, duplicates named with their first line). An author's editor reads the same files
(``# yaml-language-server: $schema=...``), so it flags what the checker will flag.

Each error becomes a ``Problem`` on the line of the offending key or item, found from the
error's path in the line-aware data of ``training.content_source``. The wording is built here:
``missing 'x'``, ``unknown key 'x' (allowed: ...)``, or the subschema's ``errorMessage`` (the
keyword VS Code shows too) after the name of the value and what it is instead. Each format names
its places (``question 'q1': ...``, ``... in choice 2 of node 'knock'``) with a ``Locate``
function. The schemas are read and compiled once per process.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from training import schema_leaves
from training.content_source import LineDict, Problem, kind_of, line_of, own_line

if TYPE_CHECKING:  # jsonschema is imported when content is validated, not at a worker's start
    from jsonschema import Draft202012Validator, ValidationError
    from referencing import Registry

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "docs" / "schemas"
#: The formats with a schema: ``docs/schemas/<name>.schema.json``.
FORMATS = ("course", "module", "quiz", "roleplay")

Path_ = tuple[Any, ...]
#: ``(data, path) -> (prefix, name, suffix)``: how a format names the value at ``path``, e.g.
#: ``("question 'q1': ", "'points'", "")`` or ``("", "'next'", " in choice 1 of node 'a'")``.
Locate = Callable[[Any, Path_], tuple[str, str, str]]

_QUOTE_HINT = " (put it in quotes: YAML reads yes, no, on, off and numbers as values)"
_SHOW_VALUE = frozenset(
    {"enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
)


def schema_file(name: str) -> Path:
    return SCHEMA_DIR / f"{name}.schema.json"


@cache
def _registry() -> Registry:
    """Every schema in ``docs/schemas``, under its file name (the relative ``$ref`` targets)."""
    from referencing import Registry, Resource

    resources = [
        (file.name, Resource.from_contents(json.loads(file.read_text(encoding="utf-8"))))
        for file in sorted(SCHEMA_DIR.glob("*.schema.json"))
    ]
    return Registry().with_resources(resources)


@cache
def _validator_class() -> Any:
    """Draft 2020-12, with ``properties`` and ``items`` that check leaf values quickly."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(
        Draft202012Validator,
        {"properties": schema_leaves.properties, "items": schema_leaves.items},
    )


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator of one format (read from ``docs/schemas`` once per process).

    Its ``$ref``s are resolved once, here (``inline_refs``): jsonschema looks a reference up
    on every use, which made validating the bundled course's files several times slower.
    """
    return _validator_class()(inline_refs(name), registry=_registry())


_ANNOTATIONS = frozenset({"description", "errorMessage", "title"})


@cache
def inline_refs(name: str) -> dict:
    """Schema ``name`` with each ``$ref`` replaced by what it points to (the same rules).

    A ``$ref``'s sibling keywords are merged over the target; they may only add keywords or
    override annotations (a description, an ``errorMessage``), so the meaning is unchanged.
    The schemas have no recursive references.
    """
    registry = _registry()
    root = f"{name}.schema.json"

    def resolve(node: Any, base: str) -> Any:
        if isinstance(node, list):
            return [resolve(item, base) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = node["$ref"]
            target_file = ref.split("#", 1)[0] or base
            resolved = registry.resolver(base_uri=base).lookup(ref)
            target = resolve(resolved.contents, target_file)
            siblings = {k: resolve(v, base) for k, v in node.items() if k != "$ref"}
            clash = (set(target) & set(siblings)) - _ANNOTATIONS
            if clash:
                raise ValueError(f"{root}: $ref {ref} and {sorted(clash)} beside it")
            return {**target, **siblings}
        return {k: resolve(v, base) for k, v in node.items() if k != "$defs"}

    return resolve(registry[root].contents, root)


@dataclass
class SchemaCheck:
    """The problems of one file, and the top-level keys they are under."""

    problems: list[Problem] = field(default_factory=list)
    bad_keys: set[Any] = field(default_factory=set)

    def valid_part(self, data: dict) -> dict:
        """``data`` without the top-level keys that broke the schema (lines kept)."""
        if not self.bad_keys:
            return data
        kept = LineDict((k, v) for k, v in data.items() if k not in self.bad_keys)
        kept.line = own_line(data)
        kept.key_lines = {k: line_of(data, k) for k in kept}
        return kept


def describe(data: Any, path: Path_, root: str) -> tuple[str, str, str]:
    """The default way to name a place: ``'pass_mark' in 'completion'``, ``item 2 of 'x'``."""
    if not path:
        return "", root, ""
    *parent, last = path
    if isinstance(last, int):
        _, name, suffix = describe(data, tuple(parent), root)
        return "", f"item {last + 1} of {name}", suffix
    if not parent:
        return "", repr(last), ""
    _, name, suffix = describe(data, tuple(parent), root)
    return "", repr(last), f" in {name}{suffix}"


def check(
    name: str,
    data: Any,
    path: str,
    root: str,
    locate: Locate | None = None,
    default_line: int = 1,
) -> SchemaCheck:
    """Validate ``data`` (as ``content_source`` parsed it) against schema ``name``.

    ``path`` is the file as problems show it, ``root`` how to name the whole file ("a quiz
    file"). Problems come sorted by line, one per broken rule and place.
    """
    locator = locate or (lambda d, p: describe(d, p, root))
    errors = list(validator(name).iter_errors(data))
    result = SchemaCheck()
    for error in _without_echoes(errors):
        where = tuple(error.absolute_path)
        if where:
            result.bad_keys.add(where[0])
        for line, message in _messages(error, data, where, locator, root, default_line):
            if not where and error.validator == "additionalProperties":
                result.bad_keys.update(_extras(error))
            result.problems.append(Problem(path, line, message))
    result.problems = sorted(set(result.problems))
    return result


def _without_echoes(errors: list[ValidationError]) -> Iterable[ValidationError]:
    """Leave out a ``contains`` failure that a broken item below it already explains."""
    for error in errors:
        if error.validator == "contains":
            here = tuple(error.absolute_path)
            if any(
                other is not error and tuple(other.absolute_path)[: len(here)] == here
                for other in errors
            ):
                continue
        yield error


def _extras(error: ValidationError) -> list[Any]:
    known = error.schema.get("properties", {})
    return [key for key in error.instance if key not in known]


def _line(data: Any, where: Path_, default: int) -> int:
    """The line of the value at ``where`` (its key or item line), else its container's."""
    if not where:
        return own_line(data, default)
    container = data
    for step in where[:-1]:
        container = container[step]
    return line_of(container, where[-1], own_line(container, default))


def _messages(
    error: ValidationError,
    data: Any,
    where: Path_,
    locate: Locate,
    root: str,
    default_line: int,
) -> list[tuple[int, str]]:
    instance = error.instance
    if error.validator == "required":
        # On the line that names the mapping (``ending:``, the list item), where it is added.
        line = _line(data, where, default_line)
        missing = [key for key in error.validator_value if key not in instance]
        out = []
        for key in missing:
            prefix, name, suffix = locate(data, (*where, key))
            out.append((line, f"{prefix}missing {name}{suffix}"))
        return out
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = ", ".join(str(k) for k in error.schema.get("properties", {}))
        out = []
        for key in _extras(error):
            prefix, _, suffix = locate(data, (*where, key))
            out.append((line_of(instance, key, own_line(instance, default_line)),
                        f"{prefix}unknown key {key!r}{suffix} (allowed: {allowed})"))  # fmt: skip
        return out
    prefix, name, suffix = locate(data, where)
    rule = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    if "propertyNames" in error.relative_schema_path:
        line = line_of(instance, error.instance, _line(data, where, default_line))
        key = error.instance
        return [(line, f"{prefix}key {key!r} in {name}{suffix} {rule or 'must be text'}")]
    line = _line(data, where, default_line)
    if rule is None:
        return [(line, f"{prefix}{name}{suffix}: {error.message}")]
    return [(line, f"{prefix}{name}{suffix} {rule}{_what_instead(error)}")]


def _what_instead(error: ValidationError) -> str:
    """``, not a list``, ``, not 'de'``, ``, it is empty``: what the value is instead."""
    value, rule = error.instance, error.validator
    if rule == "type":
        expected = error.validator_value
        wants_text = "string" in (expected if isinstance(expected, list) else [expected])
        hint = _QUOTE_HINT if wants_text and isinstance(value, (bool, int, float)) else ""
        return f", not {kind_of(value)}{hint}"
    if rule in ("minItems", "minProperties"):
        return ", it is empty" if not value else f", it has {len(value)}"
    if rule in ("pattern", "minLength") and isinstance(value, str):
        return ", it is empty" if not value.strip() else f", not {value!r}"
    if rule in _SHOW_VALUE:
        if isinstance(value, (list, dict)):
            return f", not {kind_of(value)}"
        return f", not {value!r}"
    return ""
