"""What keeps a worker's start quick: WeasyPrint loaded only to render a PDF, one Markdown
converter reused (and reset) per thread, YAML parsed by libyaml with the same line numbers."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from training import markdown
from training.content_source import (
    FAST_SAFE_LOADER,
    ContentError,
    LineDict,
    LineList,
    _FastLineLoader,
    _LineLoader,
    load_yaml_text,
    split_front_matter,
)

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "content" / "cap-apm"

SERVE_WITHOUT_PDF = """
import sys
from app import app
app.config.update(TESTING=True)
client = app.test_client()
for path in ("/", "/login", "/courses/", "/healthz"):
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code)
print(sorted(name for name in NOT_FOR_PAGES if name in sys.modules))
"""
#: What serving a page never needs: the PDF engine and its QR codes, migrations, the task
#: queue (Huey imports the Redis and PostgreSQL drivers), JOSE signing (and cryptography),
#: the command-line modules, the address checker (email-validator: a form posting an address).
NOT_FOR_PAGES = (
    "weasyprint", "segno", "alembic", "flask_migrate", "huey", "redis", "psycopg", "joserfc",
    "cryptography", "training.cli", "quizzes.cli", "certificates.cli", "courses.cli",
    "credentials.cli", "email_validator",
)  # fmt: skip
#: ...and, the course read from the content cache (a second process), what parses content.
NOT_FROM_THE_CACHE = ("markdown", "jsonschema", "referencing")


def test_the_app_serves_pages_without_importing_what_pages_never_need(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "CONTENT_CACHE_DIR": str(tmp_path / "content-cache"),
    }
    for names in (NOT_FOR_PAGES, NOT_FOR_PAGES + NOT_FROM_THE_CACHE):  # the cache filled first
        result = subprocess.run(
            [sys.executable, "-c", f"NOT_FOR_PAGES = {names!r}\n{SERVE_WITHOUT_PDF}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip().splitlines()[-1] == "[]"


def test_command_groups_are_loaded_when_they_run(app, runner) -> None:
    from training.lazy_cli import LazyCommand

    lazy = [c for c in app.cli.commands.values() if isinstance(c, LazyCommand)]
    assert {c.name for c in lazy} >= {"users", "demo", "quizzes", "courses", "credentials"}
    for command in lazy:  # the help line flask --help shows is the real command's
        real = command.real()
        assert real.name == command.name and command.help == real.help.strip()
    result = runner.invoke(args=["quizzes", "--help"])
    assert result.exit_code == 0 and "import-gift" in result.output
    assert runner.invoke(args=["courses", "check", "content/cap-apm"]).exit_code == 0


def test_flask_db_is_flask_migrates_group_loaded_on_demand(runner) -> None:
    result = runner.invoke(args=["db", "--help"])
    assert result.exit_code == 0, result.output
    assert "--directory" in result.output and "upgrade" in result.output
    assert runner.invoke(args=["db", "check"]).exit_code == 0  # models and migrations agree


def test_rendering_a_pdf_loads_the_engine_on_demand() -> None:
    from certificates import pdf

    data = pdf.render_pdf("<p>Bonjour</p>", pdfa=False)
    assert data.startswith(b"%PDF-")
    assert "weasyprint" in sys.modules
    assert pdf.FONT_CONFIG is sys.modules["certificates.pdf_engine"].FONT_CONFIG
    with pytest.raises(AttributeError):
        pdf.no_such_name  # noqa: B018 - the module's __getattr__ refuses unknown names


# Markdown -------------------------------------------------------------------------------------

FIRST = "## Rights\n\nSee the law[^law].\n\n[^law]: Article 1.\n"
SECOND = "## Duties\n\nAnd the rules[^rule].\n\n[^rule]: Rule 2.\n\n## Rights\n"


def test_one_converter_per_thread_is_reused() -> None:
    markdown.render("x")
    mine = markdown._local.converter
    markdown.render("y")
    assert markdown._local.converter is mine
    seen: list[Any] = []
    thread = threading.Thread(
        target=lambda: (markdown.render("z"), seen.append(markdown._local.converter))
    )
    thread.start()
    thread.join()
    assert seen and seen[0] is not mine


def test_nothing_leaks_from_one_document_into_the_next() -> None:
    first = markdown.render(FIRST)
    second = markdown.render(SECOND)
    again = markdown.render(FIRST)
    assert again == first
    assert [e.anchor for e in second.toc] == ["duties", "rights"]  # "rights" not "rights_1"
    assert "Article 1" not in second.html and "fn:law" not in second.html
    assert second.html.count('class="footnote-ref"') == 1
    fresh = markdown.md.Markdown(
        extensions=markdown.EXTENSIONS, extension_configs=markdown.EXTENSION_CONFIGS
    )
    assert markdown.render(SECOND).html == markdown.nh3.clean(
        fresh.convert(SECOND),
        tags=markdown.ALLOWED_TAGS,
        attributes=markdown.ALLOWED_ATTRIBUTES,
        url_schemes=markdown.URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# YAML -----------------------------------------------------------------------------------------


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    if yaml.__with_libyaml__:
        assert FAST_SAFE_LOADER is yaml.CSafeLoader
    assert issubclass(_FastLineLoader, FAST_SAFE_LOADER)


def _lines(data: Any) -> Any:
    """Every value with the line numbers the checker would report, as plain data."""
    if isinstance(data, LineDict):
        return (
            "map",
            data.line,
            {k: (data.line_of(k), _lines(v)) for k, v in data.items()},
        )
    if isinstance(data, LineList):
        return ("seq", data.line, [(data.line_of(i), _lines(v)) for i, v in enumerate(data)])
    return data


def _yaml_texts() -> list[tuple[str, str]]:
    texts = []
    for path in sorted(BUNDLED.rglob("*.yaml")):
        texts.append((path.name, path.read_text(encoding="utf-8")))
    for path in sorted(BUNDLED.glob("modules/*.md")):
        front = path.read_text(encoding="utf-8").split("---\n")[1]
        texts.append((path.name, front))
    return texts


@pytest.mark.parametrize(("name", "text"), _yaml_texts(), ids=lambda v: v[:40])
def test_both_parsers_give_the_same_data_and_lines(name: str, text: str) -> None:
    fast = yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 - a safe loader
    slow = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader
    assert _lines(fast) == _lines(slow)


def test_front_matter_lines_are_shifted_the_same() -> None:
    text = "---\ntitle: A\nobjectives:\n  - one\n  - two\n---\n# Body\n"
    meta, _body, body_line = split_front_matter(text, "m.md")
    assert (meta.line_of("title"), meta.line_of("objectives")) == (2, 3)
    assert meta["objectives"].item_lines == [4, 5]
    assert body_line == 7


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\n\tb: 2\n", 2, "found character '\\t' that cannot start any token"),
        ("a: 1\nb: [1, 2\nc: 3\n", 3, "expected ',' or ']', but got ':'"),
        ("a: 1\na: 2\n", 2, "duplicate key 'a' (first on line 1)"),
        ("a: *nowhere\n", 1, "found undefined alias 'nowhere'"),
    ],
)
def test_errors_keep_the_precise_message_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ContentError) as caught:
        load_yaml_text(text, "course.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.message) == (line, f"invalid YAML: {message}")


#: Mostly what the plain path accepts, plus what sits on its edges (line starts, digits and a
#: dot, blank lines, trailing spaces)...
PLAINISH = "aéZ9 \n,;?'’«»\"…%/().!:–—\xa0\u202f“”€°→-+1"
#: ...and Markdown's own syntax characters.
SYNTAX = PLAINISH + "*_[]#>|=`~^{}&<\t\\"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=PLAINISH, max_size=40) | st.text(alphabet=SYNTAX, max_size=40))
def test_plain_snippets_skip_the_parser_with_the_same_html(text: str) -> None:
    assert markdown.render_markdown(text) == markdown.render(text).html


def test_most_bundled_snippets_take_the_plain_path() -> None:
    from courses.loader import load_course

    seen: list[str] = []
    original = markdown.render_markdown

    def spy(text: str) -> str:
        seen.append(text)
        return original(text)

    markdown.render_markdown = spy  # the loader calls it through the module attribute
    try:
        course, _problems = load_course(BUNDLED)
    finally:
        markdown.render_markdown = original
    assert course is not None and len(seen) > 500
    for text in seen:
        assert original(text) == markdown.render(text).html
    plain = sum(markdown._plain_paragraph(text) is not None for text in seen)
    assert plain > len(seen) / 2


def test_compiled_templates_are_kept_between_workers(app) -> None:
    from jinja2 import FileSystemBytecodeCache

    assert isinstance(app.jinja_env.bytecode_cache, FileSystemBytecodeCache)
