"""No 5xx from any input: Hypothesis sends hostile path segments, query strings and form values
to every route of ``url_map``, as each of the six roles, on the suite's database (SQLite, or
PostgreSQL with TEST_DATABASE_URL).

Forms get their real field names (every WTForms form of the app, with the prefixes the pages
use) with hostile values, CSRF off so the values reach the validators and the services.
Examples are derandomised: the same run every time, no flaky failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from tests.conftest import make_app
from tests.courses.course_factory import COURSE_YAML, write_course
from tests.security.access_matrix import ROLES
from tests.security.test_access_matrix import World, build_world, signed_in_client
from tests.support.database import empty_all_tables
from training.extensions import db

EXAMPLES_PER_ROUTE = 8

NAUGHTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "\x1b[31m",
    "\u202eevil",
    "\ufffe",
    "\uffff",
    "../../../../etc/passwd",
    "..\\..\\windows",
    "/etc/passwd",
    "//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "' OR '1'='1' --",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "%",
    "%%",
    "%zz",
    "\\",
    "null",
    "true",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "1e309",
    "1.5",
    "9" * 40,
    str(2**31),
    str(2**63),
    str(2**64 + 1),
    "-" + "9" * 30,
    "2026-02-30",
    "0000-00-00",
    "99999-12-31",
    "é" * 300,
    "x" * 5000,
    "💥" * 50,
    "li\u0301ne\nbreak\r\n",
    "a,b;c\td",
]

hostile = st.one_of(
    st.sampled_from(NAUGHTY),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def form_field_names() -> list[str]:
    """Every field name of every form class in the app, with the prefixes the pages use."""
    names: set[str] = {"choice", "action", "q", "next", "page", "sort", "show", "archived"}
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        for attr in dir(form):
            if isinstance(getattr(form, attr, None), UnboundField):
                names.add(attr)
    prefixed = {f"{p}-{n}" for p in ("profile", "password", "others") for n in names}
    quiz = {f"q{i}" for i in range(4)} | {f"q{i}-{j}" for i in range(3) for j in range(3)}
    return sorted(names | prefixed | quiz | {"u1-role", "u2-role"})


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("fuzz")
    content = tmp / "content"
    write_course(content, "mini")
    write_course(content, "closed", course_yaml=COURSE_YAML.replace("open: true", "open: false"))
    app = make_app(database_url, Path(tmp), COURSES_DIR=str(content), RATELIMIT_ENABLED=False)
    with app.app_context():
        yield build_world(app)
        empty_all_tables(db)
        db.session.remove()
        db.engine.dispose()


ARGUMENT = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>[a-z_]+)>")


def build_path(rule: str, segments: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        safe = "/" if match.group("converter") == "path" else ""
        return quote(segments[match.group("name")], safe=safe)

    return ARGUMENT.sub(replace, rule)


def all_routes(app) -> list[tuple[str, str, list[str]]]:  # noqa: ANN001
    found = []
    for rule in app.url_map.iter_rules():
        for method in ("GET", "POST"):
            if method in (rule.methods or ()):
                found.append((rule.rule, method, sorted(rule.arguments)))
    return sorted(found)


def make_check(world: World, rule: str, method: str, arguments: list[str], fields: list[str]):  # noqa: ANN201
    segment = st.one_of(st.sampled_from(sorted({str(v) for v in world.values.values()})), hostile)

    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        role=st.sampled_from(ROLES),
        segments=st.fixed_dictionaries({name: segment for name in arguments}),
        query=st.dictionaries(st.sampled_from(fields), hostile, max_size=3),
        form=st.dictionaries(st.sampled_from(fields), hostile, max_size=6),
    )
    def check(role: str, segments: dict, query: dict, form: dict) -> None:
        path = build_path(rule, segments)
        client = signed_in_client(world, role)
        response = client.open(
            path, method=method, query_string=query, data=form if method == "POST" else None
        )
        assert response.status_code < 500, (
            f"{method} {path} as {role} query={query!r} form={form!r} → {response.status_code}"
        )

    return check


def test_no_input_gives_a_server_error(world: World) -> None:
    fields = form_field_names()
    routes = all_routes(world.app)
    for rule, method, arguments in routes:
        make_check(world, rule, method, arguments, fields)()
    assert len(routes) >= 70  # every route of the app was fuzzed
