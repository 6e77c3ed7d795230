"""Werkzeug's URL builders compiled once per test process instead of once per app.

Every test builds a fresh app (``tests/conftest.py``), and each of its ~105 routes makes
Werkzeug generate two URL-builder functions (an AST, then ``compile()``): 93 % of the time of
``create_app``, about 0.1 s per test on an idle core, repeated ~1,900 times per suite. The
generated code depends only on the rule's parsed parts and its default values, never on the
app: it reaches the rule's converters through the ``self`` it is bound to. So the compiled
function is kept, keyed by what it is made of, and bound to each new rule exactly as Werkzeug
binds its own; the routes, converters and URLs are Werkzeug's, unchanged.

A rule whose defaults fill one of its own placeholders (its builder bakes in the converted
default) is compiled by Werkzeug every time, as are rules on a Werkzeug whose internals differ
from those this relies on (``Rule._trace``, ``Rule._compile_builder``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing.rules import Rule

_original: Callable[..., Any] | None = None
_builders: dict[tuple[Any, ...], Callable[..., Any]] = {}


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


def install() -> None:
    """Cache URL builders in this process (idempotent; a no-op on an unfamiliar Werkzeug)."""
    global _original
    if _original is not None or not hasattr(Rule, "_compile_builder"):
        return
    _original = Rule._compile_builder
    Rule._compile_builder = _cached_compile_builder  # type: ignore[method-assign]
