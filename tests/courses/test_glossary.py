"""Glossaries (courses.glossary): validation by the loader, and links on a term's first use."""

from __future__ import annotations

from courses.glossary import GlossaryTerm, link_first_uses, term_id
from courses.loader import load_course
from tests.courses.course_factory import FIRST_MD, write_course

GLOSSARY = """\
terms:
  - term: callout
    definition: A framed paragraph that stresses one point.
    equivalent: encadré
  - term: module
    definition: One part of the course, read in one sitting.
    forms: [modules]
  - term: CCAS
    definition: Centre communal d'action sociale, the town's social services.
"""


def term(text: str, *forms: str) -> GlossaryTerm:
    return GlossaryTerm(term_id(text), text, "A definition.", "", forms)


def test_a_glossary_loads_sorted_and_links_the_first_use_in_each_module(tmp_path):
    body = FIRST_MD.replace("An introduction.", "An introduction to this module. A module again.")
    folder = write_course(tmp_path, **{"glossary.yaml": GLOSSARY, "modules/01-first.md": body})
    course, problems = load_course(folder, "mini")
    assert course is not None, problems
    assert [t.term for t in course.glossary] == ["callout", "CCAS", "module"]
    html = course.module("01-first").html
    assert html.count('class="glossary-term"') == 2  # "module" once, "callout" once
    assert '<a class="glossary-term" href="glossary#term-module">module</a>. A module again' in html
    # The second module uses no term outside its headings (the h1 "Second module" is dropped).
    assert "glossary-term" not in course.module("02-second").html


def test_first_use_skips_headings_links_and_code():
    html = (
        "<h2>The binôme</h2><p><a href='x'>binôme</a> and <code>binôme</code>.</p>"
        "<p>Your Binôme works with you; a binôme again.</p>"
    )
    linked = link_first_uses(html, (term("binôme"),))
    assert linked.count("glossary-term") == 1
    assert '<p>Your <a class="glossary-term" href="glossary#term-binome">Binôme</a> works' in linked


def test_forms_apostrophes_and_acronyms():
    terms = (term("relevé d'identité"), term("CPE"), term("médiateur social", "médiatrice sociale"))
    html = "<p>Le cpe ou le CPE. Un relevé d’identité. La médiatrice\xa0sociale.</p>"
    linked = link_first_uses(html, terms)
    assert "Le cpe ou le <a" in linked  # capitals are kept for acronyms
    assert 'href="glossary#term-releve-d-identite">relevé d’identité</a>' in linked
    assert 'href="glossary#term-mediateur-social">médiatrice\xa0sociale</a>' in linked


def test_the_longest_form_wins_and_words_are_whole():
    terms = (term("médiation"), term("médiation à chaud"))
    linked = link_first_uses("<p>Une médiations, une médiation à chaud, une médiation.</p>", terms)
    assert "médiations," in linked and ">médiations<" not in linked
    assert 'term-mediation-a-chaud">médiation à chaud</a>' in linked
    assert 'term-mediation">médiation</a>.' in linked


def test_glossary_mistakes_are_reported_with_their_line(tmp_path):
    broken = GLOSSARY + (
        "  - term: module\n    definition: Twice.\n"
        "  - term: nothing\n"
        "  - term: colour\n    definition: x\n    colour: red\n"
        f"  - term: long\n    definition: {'word ' * 90}\n"
    )
    folder = write_course(tmp_path, **{"glossary.yaml": broken})
    course, problems = load_course(folder, "mini")
    assert course is None
    messages = {(p.line, p.message) for p in problems}
    assert (10, "'module' is already in the glossary (line 5)") in messages
    assert (12, "missing 'definition' in a glossary term") in messages
    assert any(line == 15 and "unknown key 'colour'" in m for line, m in messages)
    assert any(m.startswith("warning: the definition of 'long' has") for _, m in messages)


def test_a_glossary_that_is_not_a_list(tmp_path):
    folder = write_course(tmp_path, **{"glossary.yaml": "- term: x\n"})
    course, problems = load_course(folder, "mini")
    assert course is None
    assert [str(p) for p in problems] == [
        "mini/glossary.yaml:1: glossary.yaml must be a mapping with 'terms' (a list)"
    ]
