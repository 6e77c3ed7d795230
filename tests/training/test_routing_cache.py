"""tests/support/routing_cache.py: each test's app reuses the rules parsed for the first app
of the process; the result must be what Werkzeug itself builds, rule by rule."""

from __future__ import annotations

from flask import Flask

from tests.support import routing_cache


def converters(rule) -> list[tuple[str, type, str]]:  # noqa: ANN001 - a Werkzeug Rule
    return [(name, type(c), c.regex) for name, c in rule._converters.items()]


def test_every_rule_is_parsed_as_werkzeug_parses_it(app: Flask) -> None:
    assert routing_cache._original_compile is not None, "the cache is not installed"
    rules = list(app.url_map.iter_rules())
    assert any(rule.arguments for rule in rules)
    for rule in rules:
        fresh = rule.empty()
        fresh.map = app.url_map
        routing_cache._original_compile(fresh)
        assert fresh._parts == rule._parts, rule.rule
        assert fresh._trace == rule._trace, rule.rule
        assert converters(fresh) == converters(rule), rule.rule  # same order: the matcher's
        assert fresh.arguments == rule.arguments, rule.rule


def test_a_second_app_gets_converters_of_its_own_map(app: Flask, database_url, tmp_path) -> None:
    from tests.conftest import make_app

    other = make_app(database_url, tmp_path / "other")
    for rule in other.url_map.iter_rules():
        for converter in rule._converters.values():
            assert converter.map is other.url_map, rule.rule
    with other.test_request_context():
        from flask import url_for

        assert url_for("certificates.verify", code="ABCD-1234").endswith("/verify/ABCD-1234")
