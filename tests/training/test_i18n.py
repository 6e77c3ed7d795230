"""The French catalogue: complete, in step with the code, and actually used by the pages.

A new UI string (``_()``, ``_l()``, ``lazy_gettext()``, ``ngettext()`` in Python or a template)
without a French translation fails here: run ``make extract-messages``, translate the new entries
in translations/fr/LC_MESSAGES/messages.po (remove any ``fuzzy`` flag), and run the tests again.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from markupsafe import escape

ROOT = Path(__file__).resolve().parents[2]
PO_PATH = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
MO_PATH = PO_PATH.with_suffix(".mo")
#: The same options as `make extract-messages` (pybabel extract -k _l -k lazy_gettext
#: --ignore-dirs=".* _* tests bench"); ".*" also leaves out .venv.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
IGNORED_DIRS = (".*", "_*", "tests", "bench")
FIX = (
    "run `make extract-messages`, then translate the new entries in "
    "translations/fr/LC_MESSAGES/messages.po"
)


def read_catalogue() -> Catalog:
    with PO_PATH.open("rb") as po:
        return read_po(po, locale="fr")


def compile_catalogue() -> None:
    """`.mo` files are not committed (`make test` compiles them): compile if missing or stale.

    Done when this module is collected, before any app loads its translations; the file is
    written next to the .po and swapped in atomically, so parallel workers do not trip on it.
    """
    if MO_PATH.exists() and MO_PATH.stat().st_mtime >= PO_PATH.stat().st_mtime:
        return
    handle, temp = tempfile.mkstemp(dir=MO_PATH.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(handle, "wb") as mo:
            write_mo(mo, read_catalogue())
        os.replace(temp, MO_PATH)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


compile_catalogue()


@functools.cache
def french(msgid: str) -> str:
    """The committed French translation of ``msgid`` (asserting there is one)."""
    message = read_catalogue().get(msgid)
    assert message is not None and message.string, f"no French for {msgid!r}: {FIX}"
    assert message.string != msgid
    return message.string


def in_page(text: str, html: str) -> bool:
    return str(escape(text)) in html


# --- (a) the committed catalogue is complete -------------------------------------------------


def test_every_entry_is_translated_and_not_fuzzy():
    catalogue = read_catalogue()
    problems = []
    for message in catalogue:
        if not message.id:  # the header
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s.strip() for s in strings) or len(strings) not in (1, catalogue.num_plurals):
            problems.append(f"untranslated: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy (check it, then remove the flag): {message.id!r}")
    assert not problems, "\n".join(problems)
    assert len(catalogue) > 100


def test_translations_keep_their_placeholders():
    """Babel's checkers: %(name)s placeholders and plural forms agree with the English."""
    errors = [
        f"{message.id!r}: {'; '.join(map(str, found))}"
        for message, found in read_catalogue().check()
        if found
    ]
    assert not errors, "\n".join(errors)


# --- (b) the catalogue is in step with the code ----------------------------------------------


def _keep_directory(path: str) -> bool:
    name = os.path.basename(path)
    return not any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED_DIRS)


def test_every_ui_string_in_the_code_is_in_the_catalogue():
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    catalogue = read_catalogue()
    missing = set()
    for filename, lineno, msgid, _comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=_keep_directory,
    ):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        if not key:
            continue
        message = catalogue.get(msgid, context)
        if message is None or message.fuzzy:
            missing.add(f"{filename}:{lineno}: {key!r}")
    if missing:
        pytest.fail(f"Not in the French catalogue ({FIX}):\n" + "\n".join(sorted(missing)))


# --- (c) pages follow the visitor's language -------------------------------------------------


def test_french_visitor_gets_french_home_and_login(client):
    home = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert in_page(french("Train to become a prevention and mediation agent"), html)
    assert "Train to become a prevention and mediation agent" not in html

    login = client.get("/login", headers={"Accept-Language": "fr"})
    html = login.get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert in_page(french("Password"), html)
    assert in_page(french("Log in"), html)
    assert "Forgot your password?" not in html


def test_english_visitor_gets_english(client):
    html = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(
        as_text=True
    )
    assert '<html lang="en"' in html
    assert "Forgot your password?" in html
    assert not in_page(french("Password"), html)


def test_the_account_language_wins_over_the_browser(client, login_as):
    login_as("learner", language="en")
    html = client.get("/dashboard", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "My learning" in html


def test_french_account_gets_french_pages(client, login_as):
    login_as("learner", language="fr")
    html = client.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert in_page(french("My learning"), html)
    assert in_page(french("Log out"), html)


# --- (d) error pages in both languages -------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_not_found_page_in_both_languages(client, language):
    response = client.get("/no-such-page-here", headers={"Accept-Language": language})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}"' in html
    title = "Page not found" if language == "en" else french("Page not found")
    assert in_page(title, html)
    if language == "fr":
        assert in_page(french("There is nothing at this address."), html)
        assert "Page not found" not in html


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_missing_csrf_token_page_in_both_languages(client, language):
    response = client.post(
        "/login",
        data={"email": "someone@example.test", "password": "x" * 12},
        headers={"Accept-Language": language},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}"' in html
    title = "Bad request" if language == "en" else french("Bad request")
    assert in_page(title, html)
    if language == "fr":
        assert "Bad request" not in html


def test_french_plural_forms(app):
    """0 and 1 take the singular in French; 2 and more the plural."""
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("fr"):
        one = ngettext("%(num)d module", "%(num)d modules", 1)
        zero = ngettext("%(num)d learner", "%(num)d learners", 0)
        many = ngettext("%(num)d learner", "%(num)d learners", 12)
    singular, plural = read_catalogue().get("%(num)d learner").string[:2]
    assert one == "1 module"
    assert zero == singular % {"num": 0}
    assert many == plural % {"num": 12}
    assert zero != many.replace("12", "0")


# --- (e) French typography -------------------------------------------------------------------

#: A plain space where French puts a no-break one (U+00A0, or the narrow U+202F): before
#: ``: ; ! ? »`` and a percent sign, after ``«``. A phone would otherwise break the line there.
#: The rule of tests/content/test_french_edition.py, for the interface's strings.
PLAIN_SPACE = re.compile(r"(?<=\S) (?=[:;!?»]|%%|%(?![(a-z]))|« ")
#: Templates that print French as it is written (the bilingual training documents).
FRENCH_TEMPLATES = ("_print_macros.html", "attestation_print.html", "realisation_print.html")


def test_french_strings_keep_their_punctuation_on_the_line():
    problems = []
    for message in read_catalogue():
        if not message.id:  # the header (its Plural-Forms is C, not French)
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        problems += [f"{message.id!r}: {s!r}" for s in strings if PLAIN_SPACE.search(s)]
    assert not problems, "use U+00A0 (no-break space):\n" + "\n".join(problems)


@pytest.mark.parametrize("name", FRENCH_TEMPLATES)
def test_french_templates_keep_their_punctuation_on_the_line(name):
    text = (ROOT / "templates" / "proof" / name).read_text(encoding="utf-8")
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "x", text)  # an expression prints a word
    lines = [line.strip() for line in text.splitlines() if PLAIN_SPACE.search(line)]
    assert not lines, "use &nbsp; before : ; ! ? » and after «:\n" + "\n".join(lines)


def test_the_typography_rule_finds_plain_spaces():
    assert PLAIN_SPACE.search("Base : le contrat") and PLAIN_SPACE.search("20 %%")
    assert PLAIN_SPACE.search("« Mon parcours") and PLAIN_SPACE.search("Terminé ?")
    assert not PLAIN_SPACE.search("Base\u00a0: %(name)s, 20\u00a0%%, «\u00a0oui\u00a0», ok\u202f?")


#: ": " typed after an expression or a closing tag in a template: in French the colon needs its
#: no-break space, so templates write ``{{ colon() }}`` there (": " or "\u00a0: ").
BARE_COLON = re.compile(r"(\}\}|%\}|</a>|</strong>|</span>): ")


def test_templates_write_the_colon_after_a_label_with_colon():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_COLON.search(line)
    ]
    assert not found, "write {{ colon() }} instead of ': ':\n" + "\n".join(found)


def test_colon_follows_the_interface_language(client, login_as):
    login_as("learner", language="fr")
    html = client.get("/account").get_data(as_text=True)
    assert f"{french('Email')}\u00a0: <strong>" in html
