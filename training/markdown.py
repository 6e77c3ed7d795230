"""Markdown to safe HTML: Python-Markdown for the syntax, nh3 (ammonia) for the allowlist.

Rendering happens when content is loaded, never per request. One Python-Markdown converter per
thread is built once and ``reset()`` before each document (building one loads and configures
eleven extensions: most of the cost of a short snippet such as a quiz choice). Callers that need
to rewrite links (module-to-module links, media images) pass ``rewrite_url``, applied to every
href and src while sanitising, so a rewritten URL can never smuggle anything past the allowlist.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import nh3

if TYPE_CHECKING:
    import markdown as md

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start", "type"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
#: Python-Markdown's own extensions, then pymdown-extensions for what authors expect from
#: CommonMark: ``1)`` lists (fancylists, numeric styles only: "A. Dupont" stays a sentence),
#: fences inside list items (superfences), a backslash at the end of a line as a line break
#: (escapeall), intraword underscores left alone (betterem), ``#hashtag`` not a heading
#: (saneheaders); ``CommonMarkListIndent`` nests lists indented by two spaces and lets a list or a
#: fence follow a paragraph line. What still differs is reported by ``courses.markdown_lints``.
EXTENSIONS = [
    "tables",
    "footnotes",
    "admonition",
    "toc",
    "attr_list",
    "pymdownx.fancylists",
    "pymdownx.highlight",
    "pymdownx.superfences",
    "pymdownx.escapeall",
    "pymdownx.betterem",
    "pymdownx.saneheaders",
    # named, not imported: Python-Markdown (and this module's extension of it) is imported
    # when the first converter is built, not when a worker starts and reads courses from the
    # content cache (courses.content_cache), which renders nothing
    "training.markdown_lists:CommonMarkListIndent",
]
EXTENSION_CONFIGS = {
    "toc": {"permalink": False, "toc_depth": "2-3"},
    "footnotes": {"BACKLINK_TITLE": "Back to the text"},
    "pymdownx.fancylists": {"additional_ordered_styles": []},
    "pymdownx.escapeall": {"hardbreak": True, "nbsp": False},
    "pymdownx.highlight": {"use_pygments": False},
}

UrlRewriter = Callable[[str, str, str], str | None]


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    toc: list[TocEntry] = field(default_factory=list)


def _flatten_toc(tokens: list[dict], out: list[TocEntry]) -> list[TocEntry]:
    for token in tokens:
        out.append(TocEntry(token["level"], token["id"], token["name"]))
        _flatten_toc(token.get("children", []), out)
    return out


_local = threading.local()


def _converter() -> md.Markdown:
    """This thread's converter, reset: no footnote, TOC entry or id survives from the last text.

    Python-Markdown converters are not thread-safe, hence one per thread (web servers and the
    live test server render from several threads).
    """
    converter: md.Markdown | None = getattr(_local, "converter", None)
    if converter is None:
        import markdown as md

        converter = md.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
        _local.converter = converter
    return converter.reset()


def render(text: str, rewrite_url: UrlRewriter | None = None) -> RenderedMarkdown:
    """Render and sanitise Markdown; ``rewrite_url(tag, attr, value)`` may change or drop URLs."""
    converter = _converter()
    raw_html = converter.convert(text)

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src") and rewrite_url is not None:
            return rewrite_url(tag, attribute, value)
        return value

    safe_html = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=attribute_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return RenderedMarkdown(safe_html, _flatten_toc(getattr(converter, "toc_tokens", []), []))


#: Text that Python-Markdown would only wrap in a paragraph: letters, digits, spaces and the
#: punctuation of ordinary sentences (no ``*_`[]<>&#|{}~^=\\`` and no tab)...
_PLAIN_TEXT = re.compile(r"(?:[^\W_]|[ \n,;?'’«»\"…%/().!:–—\xa0\u202f“”€°→-])+")
#: ...and no line that opens a list, an ordered list or an admonition.
_BLOCK_START = re.compile(r"[-+!:]|\d+[.)]")


def _plain_paragraph(text: str) -> str | None:
    """The paragraph's text when ``text`` has no Markdown syntax at all, else ``None``."""
    body = text.strip("\n")
    if not body or not _PLAIN_TEXT.fullmatch(body):
        return None
    for line in body.split("\n"):
        if not line or line != line.strip() or _BLOCK_START.match(line):
            return None
    return body


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML (quiz prompts, feedback, role-play text).

    Most snippets (a choice, a feedback line) are plain sentences: those skip the Markdown
    parser, which would only wrap them in ``<p>``, and go straight through the same sanitiser,
    so the HTML is the same byte for byte (tests compare both paths).
    """
    plain = _plain_paragraph(text)
    if plain is None:
        return render(text).html
    return nh3.clean(
        f"<p>{plain}</p>",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_inline(text: str) -> str:
    """Short Markdown (a choice, a feedback line) without the wrapping paragraph."""
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def __getattr__(name: str) -> Any:
    """``training.markdown.md`` is Python-Markdown, imported on first use (see EXTENSIONS)."""
    if name == "md":
        import markdown

        return markdown
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
