"""Werkzeug's URL builders compiled once per test process instead of once per app.

Every test builds a fresh app (``tests/conftest.py``), and each of its ~105 routes makes
Werkzeug generate two URL-builder functions (an AST, then ``compile()``): 93 % of the time of
``create_app``, about 0.1 s per test on an idle core, repeated ~1,900 times per suite. The
generated code depends only on the rule's parsed parts and its default values, never on the
app: it reaches the rule's converters through the ``self`` it is bound to. So the compiled
function is kept, keyed by what it is made of, and bound to each new rule exactly as Werkzeug
binds its own; the routes, converters and URLs are Werkzeug's, unchanged.

Parsing each rule (``Rule.compile``: a regular expression per segment, a ``RulePart`` and its
weights for each) was then most of what was left. Its result depends only on the rule's text,
its host or subdomain, the map's matching mode and converter classes: it is kept too, and a
new rule with the same key gets the same parts and trace, and converters made anew for its own
map (recorded in the order the rule names them: the matcher pairs them with its groups in
that order).

A rule whose defaults fill one of its own placeholders (its builder bakes in the converted
default) is compiled by Werkzeug every time, as are rules on a Werkzeug whose internals differ
from those this relies on (``Rule._trace``, ``Rule._compile_builder``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing.rules import Rule

_original: Callable[..., Any] | None = None
_original_compile: Callable[[Rule], None] | None = None
_builders: dict[tuple[Any, ...], Callable[..., Any]] = {}
#: key → (parts, trace, converter calls (variable, converter name, args, kwargs)) of a compiled rule
_compiled: dict[tuple[Any, ...], tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]] = {}


def _key(rule: Rule, append_unknown: bool) -> tuple[Any, ...] | None:
    trace = getattr(rule, "_trace", None)
    if trace is None:
        return None
    trace = tuple(trace)
    defaults = rule.defaults or {}
    if any(is_dynamic and data in defaults for is_dynamic, data in trace):
        return None
    return (rule.rule, trace, tuple(sorted(defaults)), append_unknown)


def _cached_compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
    assert _original is not None
    key = _key(self, append_unknown)
    if key is None:
        return _original(self, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _original(self, append_unknown)
    return builder


def _compile_key(rule: Rule) -> tuple[Any, ...]:
    bound = rule.map
    assert bound is not None, "rule not bound"
    converters = tuple(sorted(bound.converters.items()))
    where = (rule.host, rule.subdomain, bound.host_matching)
    return (rule.rule, *where, rule.merge_slashes, converters)


def _cached_compile(self: Rule) -> None:
    assert _original_compile is not None
    key = _compile_key(self)
    known = _compiled.get(key)
    if known is None:
        calls: list[tuple[Any, ...]] = []
        make_converter = self.get_converter

        def recording(variable: str, name: str, args: Any, kwargs: Any) -> Any:
            calls.append((variable, name, args, kwargs))
            return make_converter(variable, name, args, kwargs)

        self.get_converter = recording  # type: ignore[method-assign]
        try:
            _original_compile(self)
        finally:
            del self.get_converter
        _compiled[key] = (tuple(self._parts), tuple(self._trace), tuple(calls))
        return
    parts, trace, calls = known
    self._parts = list(parts)
    self._trace = list(trace)
    self._converters = {}
    for variable, name, args, kwargs in calls:
        self._converters[variable] = self.get_converter(variable, name, args, kwargs)
        self.arguments.add(variable)
    self._build = self._compile_builder(False).__get__(self, None)
    self._build_unknown = self._compile_builder(True).__get__(self, None)


def install() -> None:
    """Cache URL builders and parsed rules in this process (idempotent; a no-op on an unfamiliar
    Werkzeug)."""
    global _original, _original_compile
    if _original is not None or not hasattr(Rule, "_compile_builder"):
        return
    _original = Rule._compile_builder
    Rule._compile_builder = _cached_compile_builder  # type: ignore[method-assign]
    if hasattr(Rule, "compile") and hasattr(Rule, "get_converter"):
        _original_compile = Rule.compile
        Rule.compile = _cached_compile  # type: ignore[method-assign]
